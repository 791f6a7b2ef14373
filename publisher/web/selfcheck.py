"""The site fetching its own pages in process, for the self-inspection's crawl: the same app,
middleware and caches a visitor meets, without a socket or a second server."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from fastapi import FastAPI

from publisher.inspection.crawl import Fetch


@contextmanager
def fetch_from(app: FastAPI, base_url: str) -> Iterator[Fetch]:
    """A `Fetch` over the app itself (no lifespan: the crawl must not start the app's
    background workers a second time). The requests run on an event loop of their own, in a
    thread of their own, so the caller may be anywhere: a command, a sync route's worker
    thread, or a thread where another loop is already running."""
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, name="self-inspection", daemon=True)
    runner.start()
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url=base_url, follow_redirects=True)

    def fetch(path: str) -> tuple[int, str, bytes]:
        response = asyncio.run_coroutine_threadsafe(client.get(path), loop).result()
        return response.status_code, response.headers.get("content-type", ""), response.content

    try:
        yield fetch
    finally:
        asyncio.run_coroutine_threadsafe(client.aclose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        runner.join()
        loop.close()
