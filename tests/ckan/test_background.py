"""The running service pushes to the real CKAN by itself, adoption summaries included."""

from __future__ import annotations

import time
from typing import Any

import httpx
from fastapi.testclient import TestClient

from consultation.open_data import ADOPTION_SUMMARIES
from publisher.ckan.mapping import ckan_name
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.ckan.conftest import CkanHarness
from tests.support.world import MARKERS, Clock, plant_one_of_everything


def _wait_for(check: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "CKAN did not get the data in time"
        time.sleep(0.5)  # polling interval, bounded by the deadline


def test_background_push_publishes_the_catalogue_and_adoption_summaries(
    ckan: CkanHarness, settings: Settings, staff: Any
) -> None:
    configured = settings.model_copy(
        update={
            "ckan_url": ckan.url,
            "ckan_api_token": ckan.token,
            "ckan_push_interval_seconds": 1,
        }
    )
    app = create_app(configured)
    clock = Clock()
    app.state.clock = clock
    api = ckan.api()
    summaries_name = ckan_name(ADOPTION_SUMMARIES)
    with TestClient(app, base_url="http://testserver", client=("203.0.113.77", 1)) as client:
        pusher = app.state.ckan_pusher
        assert pusher is not None
        _wait_for(lambda: pusher.last_summary is not None, 120)
        heritage = api.action.package_show(id=ckan_name("intangible-heritage-items"))
        assert heritage["state"] == "active" and len(heritage["resources"]) == 2

        # a consultation answered and its summary published
        plant_one_of_everything(client, clock, staff)

        def summaries_in_ckan() -> dict[str, Any] | None:
            try:
                package: dict[str, Any] = api.action.package_show(id=summaries_name)
            except Exception:
                return None
            csv = next(r for r in package["resources"] if r["format"] == "CSV")
            body = httpx.get(csv["url"], timeout=10).text
            return package if "已采纳，将在第二条中增加相关内容" in body else None

        package = _wait_for(summaries_in_ckan, 120)
    assert package["title"] == "重大行政决策公开征求意见采纳情况"
    for resource in package["resources"]:
        body = httpx.get(resource["url"], timeout=10).text
        assert not [what for what, value in MARKERS.items() if value in body], resource["name"]
        assert "建议增设停车位" in body  # the consenting comment's text, masked
