"""Running a coroutine from a test, whatever else holds the main thread's event loop.

Playwright's sync API (the session-scoped browser) keeps an event loop running on the main
thread, where `asyncio.run` then refuses to start; a fresh thread has no loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
