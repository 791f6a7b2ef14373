"""Browser tests: Debian's Chromium driven by Playwright, with an axe-core accessibility check.

Playwright cannot download its own browsers here, so it launches /usr/bin/chromium through
`executable_path`, with the flags that keep Chromium off the (closed) network.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from bench._servers import calendar_covering
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.harness.live_server import serve_in_thread

AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """Pages are exercised on the embedded default; the API tests cover PostgreSQL."""
    return str(request.param)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The service on the real clock: its calendar gets a placeholder for a year not yet
    announced, so that dates a few weeks ahead keep working in late December."""
    calendar_covering(settings.calendar_dir)
    app = create_app(settings)
    with serve_in_thread(app) as base:
        yield base
    app.state.engine.dispose()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A Chinese-locale page whose Content Security Policy reports fail the test.

    The service sends a strict policy (no inline script or style); a page that breaks it
    would look broken to citizens, so every browser test doubles as a CSP check.
    """
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    new_page = context.new_page()
    violations: list[str] = []

    def note_policy_violation(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    new_page.on("console", note_policy_violation)
    yield new_page
    context.close()
    assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)


def assert_accessible(page: Page) -> None:
    """Run axe-core on the current page; serious or critical violations fail the test."""
    # Evaluated over the DevTools protocol, not as an inline <script>, so the page's own
    # Content Security Policy stays in force while axe runs.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}" for v in bad
    ]
    assert not bad, "accessibility violations:\n" + "\n".join(summary)
