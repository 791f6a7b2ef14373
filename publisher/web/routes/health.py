"""Liveness and readiness for deployers' probes.

`/healthz` (liveness) answers from the process alone: it never waits for a database connection,
so a proxy or an orchestrator does not restart a process that is merely busy, or one whose
database is down (restarting would not bring the database back). `/readyz` (readiness) checks
the database within the pool's and the connection's short timeouts, and that its schema is the
one this code needs; it says 503 with the reason when the process cannot serve, so a proxy
sends traffic elsewhere until it can.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from publisher.settings import Settings
from publisher.storage.migrate import schema_state

router = APIRouter(tags=["health"])
RETRY_AFTER_SECONDS = 5
log = logging.getLogger(__name__)


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """The process is up and its event loop answers; touches no database and no thread pool
    (no dependency: a sync one would wait for a worker thread, which a burst can exhaust)."""
    settings: Settings = request.app.state.settings
    backend = settings.effective_database_url.split(":", 1)[0].split("+", 1)[0]
    database = "postgresql" if backend.startswith("postgres") else backend
    return JSONResponse(
        {"status": "ok", "database": database}, headers={"Cache-Control": "no-store"}
    )


def _not_ready(database: str, code: str, en: str, zh: str, **details: object) -> JSONResponse:
    body = {"code": code, "message": en, "message_zh": zh, "details": details}
    return JSONResponse(
        {"status": "unavailable", "database": database, "error": body},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
    )


@router.get(
    "/readyz",
    responses={503: {"description": "The database cannot be reached or is not at head."}},
)
def readyz(request: Request) -> JSONResponse:
    """The database answers within the timeouts and its schema is at this code's head."""
    engine: Engine = request.app.state.engine
    database = engine.dialect.name
    try:
        state = schema_state(engine)
    except SQLAlchemyError as exc:
        log.warning("not ready: database unreachable: %s", type(exc).__name__)
        return _not_ready(
            database,
            "database_unreachable",
            "The database cannot be reached; this process cannot serve until it returns.",
            "数据库暂时无法访问，本进程在数据库恢复前无法提供服务。",
        )
    problem = state.problem()
    if problem is not None:
        return _not_ready(
            database, problem.code, problem.message_en, problem.message_zh, **problem.details
        )
    return JSONResponse(
        {"status": "ok", "database": database, "schema": sorted(state.current)},
        headers={"Cache-Control": "no-store"},
    )
