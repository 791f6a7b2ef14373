"""The site's search (docs/search.md) as the service wires it: the API and the results page.
The sources it searches come from every feature's manifest (`Feature.search_sources`)."""

from __future__ import annotations

from pathlib import Path

from publisher.feature import Feature
from publisher.search.web import api, pages

FEATURE = Feature(
    name="search",
    routers=(api.router, pages.router),
    templates=Path(__file__).resolve().parent / "web" / "templates",
)
