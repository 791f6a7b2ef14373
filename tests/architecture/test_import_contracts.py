"""The layout holds: import contracts (pyproject's [tool.importlinter]) and no import cycles.

`lint-imports` checks the real tree; the probes copy the tree, add one forbidden import each,
and show the check then fails, so the contracts cannot silently stop meaning anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("publisher", "consultation", "feeds")
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def _lint(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_tree_keeps_every_import_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


PROBES = {
    "a rule reads the database": (
        "publisher/rules/_probe.py",
        "import publisher.storage.db\n",
        "publisher.rules is not allowed to import publisher.storage",
    ),
    "meetings use consultation": (
        "publisher/meetings/_probe.py",
        "import consultation.drafts\n",
        "publisher.meetings is not allowed to import consultation",
    ),
    "the CKAN push names a feature": (
        "publisher/ckan/_probe.py",
        "import publisher.meetings.notices\n",
        "publisher.ckan is not allowed to import publisher.meetings",
    ),
    "a domain module uses the web": (
        "consultation/_probe.py",
        "",
        "",
    ),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_a_forbidden_import_breaks_the_check(tmp_path: Path, probe: str) -> None:
    path, source, message = PROBES[probe]
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    if probe == "a domain module uses the web":
        # an existing domain module gains a web import
        drafts = tmp_path / "consultation" / "drafts.py"
        drafts.write_text(drafts.read_text(encoding="utf-8") + "\nimport publisher.web.render\n")
        message = "consultation.drafts is not allowed to import publisher.web"
    else:
        (tmp_path / path).write_text(source, encoding="utf-8")
    result = _lint(tmp_path, pythonpath=tmp_path)
    assert result.returncode != 0
    assert message in " ".join(result.stdout.split()), result.stdout


def test_no_module_imports_itself_through_others() -> None:
    """No import cycles, lazy imports inside functions included."""
    graph = grimp.build_graph(*PACKAGES)
    modules = set(graph.modules)
    cycles = [
        (module, other)
        for module in sorted(modules)
        for other in graph.find_modules_directly_imported_by(module) & modules
        if other != module and graph.chain_exists(importer=other, imported=module)
    ]
    assert cycles == []


def test_no_module_is_over_500_lines() -> None:
    """Long modules are split along their own stages (the gazette parser, the CKAN push)."""
    too_long = {
        str(path.relative_to(ROOT)): n
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert too_long == {}
