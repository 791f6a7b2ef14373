"""The API docs in a real browser with no network beyond the service (issue #18: Swagger UI
came from a public CDN, often unreachable in mainland China, and the page stayed blank)."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, Route


def test_swagger_ui_renders_every_operation_from_the_service_alone(
    page: Page, live_server: str
) -> None:
    origin = urlsplit(live_server).netloc
    elsewhere: list[str] = []

    def only_the_service(route: Route) -> None:
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_service)
    page.goto(live_server + "/")
    page.get_by_role("link", name="开发者接口").click()
    page.wait_for_url("**/api/docs")
    page.locator(".opblock").nth(60).wait_for()
    assert page.locator(".opblock").count() >= 70
    assert page.get_by_text("bearerAuth").count() + page.locator(".authorize").count() > 0
    assert elsewhere == []
