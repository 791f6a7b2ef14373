"""`publisher.opendata` and `publisher.ckan` know no feature: what a feature publishes reaches
them as `LiveTable`s from the composition root (`publisher.wiring`), never by an import.

Checked on the source, lazy imports inside functions included, against an allow-list of the
service's own modules, so that a new feature package is refused without editing this test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from publisher.settings import PROJECT_ROOT

FIRST_PARTY = ("publisher", "consultation", "feeds")
COMMON = (
    "publisher.errors",
    "publisher.settings",
    "publisher.spreadsheets",
    "publisher.storage",
    "publisher.timeutil",
)
ALLOWED = {
    # the search is platform too: the catalogue gives it its datasets (opendata/search.py)
    "publisher/opendata": (*COMMON, "publisher.opendata", "publisher.gazette", "publisher.search"),
    "publisher/ckan": (*COMMON, "publisher.ckan", "publisher.opendata"),
}


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_open_data_packages_import_no_feature(package: str) -> None:
    files = sorted((PROJECT_ROOT / package).glob("*.py"))
    assert files
    wrong = {
        f"{path.name}: {module}"
        for path in files
        for module in imported_modules(path)
        if _within(module, FIRST_PARTY) and not _within(module, ALLOWED[package])
    }
    assert wrong == set()


def test_the_check_sees_a_lazy_feature_import(tmp_path: Path) -> None:
    source = tmp_path / "lazy.py"
    source.write_text("def f():\n    from consultation.service import adoption_summary_rows\n")
    assert "consultation.service" in imported_modules(source)
