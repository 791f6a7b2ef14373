"""Who is calling, and may they? Bearer tokens for the API, a session cookie for the pages.

`require_role(Role.X)` is the only way a route becomes a staff route: it authenticates (401),
checks the role (403) and, for cookie sessions, checks the CSRF token on every state-changing
request. The route-table test walks every staff route and checks all three.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from publisher.errors import NotAuthenticated, PermissionDenied
from publisher.staff import service
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.storage.db import write_unit
from publisher.web.deps import client_ip

SESSION_COOKIE = "smx_staff"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def authenticate(request: Request) -> StaffPrincipal | None:
    """Who sent this request, from its bearer token or session cookie; None when anonymous.

    Uses a session of its own, never the request's: a use case must find its session untouched
    so that its first statement can take the write lock (`publisher.storage.db.write_unit`).
    Blocking database work, so it is only ever called from sync code (FastAPI runs sync
    dependencies in its thread pool, keeping the event loop free)."""
    ip = client_ip(request)
    header = request.headers.get("authorization")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not header and not cookie:
        return None
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as db:
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthenticated(
                    "Use 'Authorization: Bearer <token>'.", "请使用“Authorization: Bearer <令牌>”。"
                )
            # the look-up writes last_used_at: a unit of work, so SQLite's lock is taken first
            with write_unit(db):
                return service.authenticate_token(db, token.strip(), ip)
        return service.resolve_session(db, cookie or "", ip)


async def check_csrf(request: Request, expected: str | None) -> None:
    supplied = request.headers.get(CSRF_HEADER)
    if supplied is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    if not expected or not supplied or not secrets.compare_digest(supplied, expected):
        raise PermissionDenied(
            "The form has expired or did not come from this site (CSRF check failed). "
            "Reload the page and try again.",
            "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。",
            reason="csrf",
        )


def _authorised(role: Role) -> Callable[[Request], StaffPrincipal]:
    def dependency(request: Request) -> StaffPrincipal:
        principal = authenticate(request)
        if principal is None:
            raise NotAuthenticated(
                "Sign in, or send an API token as 'Authorization: Bearer <token>'.",
                "请先登录工作人员系统。",
            )
        if not principal.role.allows(role):
            raise PermissionDenied(
                f"This needs the {role.value} role; your role is {principal.role.value}.",
                f"此操作需要“{role.label_zh}”角色，您的角色是“{principal.role.label_zh}”。",
                required_role=role.value,
            )
        return principal

    return dependency


def require_role(role: Role) -> Callable[..., Awaitable[StaffPrincipal]]:
    """The dependency that makes a route a staff route: 401, 403, then CSRF for cookies.

    Authentication runs in the thread pool (sync); only the CSRF check, which may await the
    form body, runs on the event loop, and it touches no database."""
    authorised = _authorised(role)

    # `Depends` as a default, not in `Annotated`: the annotation is a postponed string, and
    # FastAPI could not resolve the closure's `authorised` from it.
    async def dependency(
        request: Request, principal: StaffPrincipal = Depends(authorised)
    ) -> StaffPrincipal:
        if principal.via == "session" and request.method not in SAFE_METHODS:
            await check_csrf(request, principal.csrf_token)
        request.state.principal = principal
        return principal

    dependency.required_role = role  # type: ignore[attr-defined]
    return dependency


require_editor = require_role(Role.EDITOR)
require_reviewer = require_role(Role.REVIEWER)
require_admin = require_role(Role.ADMIN)

Editor = Annotated[StaffPrincipal, Depends(require_editor)]
Reviewer = Annotated[StaffPrincipal, Depends(require_reviewer)]
Admin = Annotated[StaffPrincipal, Depends(require_admin)]
