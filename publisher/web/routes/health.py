"""Liveness and readiness for deployers' probes.

`/healthz` (liveness) answers from the process alone: it never waits for a database connection,
so a proxy or an orchestrator does not restart a process that is merely busy. `/readyz`
(readiness) checks the database with the pool's short timeout and says 503 when it cannot
serve, so traffic goes elsewhere until it can.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from publisher.settings import Settings

router = APIRouter(tags=["health"])
RETRY_AFTER_SECONDS = 5


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, str]:
    """The process is up and its event loop answers; touches no database and no thread pool
    (no dependency: a sync one would wait for a worker thread, which a burst can exhaust)."""
    settings: Settings = request.app.state.settings
    backend = settings.effective_database_url.split(":", 1)[0].split("+", 1)[0]
    return {"status": "ok", "database": "postgresql" if backend.startswith("postgres") else backend}


@router.get("/readyz", responses={503: {"description": "The database cannot be reached."}})
def readyz(request: Request) -> JSONResponse:
    """The database answers within the pool's timeout."""
    engine: Engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse(
            {"status": "unavailable", "database": engine.dialect.name},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return JSONResponse({"status": "ok", "database": engine.dialect.name})
