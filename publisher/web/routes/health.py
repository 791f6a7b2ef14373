"""Liveness and readiness for deployers' probes."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from publisher.web.deps import DbSession

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(db: DbSession) -> dict[str, str]:
    db.execute(text("SELECT 1"))
    return {"status": "ok", "database": db.get_bind().dialect.name}
