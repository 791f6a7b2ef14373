"""The site fetching its own pages in process, for the self-inspection's crawl: the same app,
middleware and caches a visitor meets, without a socket or a second server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from fastapi import FastAPI

from publisher.inspection.crawl import Fetch


@contextmanager
def fetch_from(app: FastAPI, base_url: str) -> Iterator[Fetch]:
    """A `Fetch` over the app itself, on an event loop of its own (no lifespan: the crawl
    must not start the app's background workers a second time). Call it from a thread with
    no running loop: a command, or a sync route's worker thread."""
    loop = asyncio.new_event_loop()
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url=base_url, follow_redirects=True)

    def fetch(path: str) -> tuple[int, str, bytes]:
        response = loop.run_until_complete(client.get(path))
        return response.status_code, response.headers.get("content-type", ""), response.content

    try:
        yield fetch
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()
