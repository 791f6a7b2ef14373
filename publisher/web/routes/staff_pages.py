"""Staff pages (`/staff`): sign-in, the work queue home, accounts and tokens, the audit log.
Cookie sessions + CSRF."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from publisher.errors import NotAuthenticated, PublisherError, TooManyRequests
from publisher.staff import audit, service
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.timeutil import LOCAL_TZ
from publisher.web.auth import SESSION_COOKIE, Admin, Editor, authenticate
from publisher.web.deps import (
    AuditLabels,
    ClientKey,
    DbSession,
    IdPath,
    IdQuery,
    Now,
    Rules,
    SettingsDep,
    client_ip,
)
from publisher.web.errors import status_for, with_retry_after
from publisher.web.render import LOGIN_CSRF_COOKIE, login_page, render, safe_next
from publisher.web.routes.work_queue import home_reports

router = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/staff/") -> Response:
    if authenticate(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return login_page(request, next)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    address: ClientKey,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    login_csrf: Annotated[str, Form(max_length=100)],
    next: Annotated[str, Form(max_length=500)] = "/staff/",
) -> Response:
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie_token or not secrets.compare_digest(cookie_token, login_csrf):
        return login_page(request, next, "登录表单已过期，请重新输入。", status=403)
    try:
        _, cookie = service.sign_in(
            db,
            username,
            password,
            ip=client_ip(request),
            address=address,
            hasher=settings.password_hasher,
        )
    except (NotAuthenticated, TooManyRequests) as exc:
        page = login_page(request, next, exc.message_zh, status=status_for(exc))
        return with_retry_after(page, exc)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=settings.environment == "production",
        max_age=int(service.SESSION_LIFETIME.total_seconds()),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staff")
    return response


@router.post("/logout")
def logout(request: Request, principal: Editor, db: DbSession) -> Response:
    service.sign_out(db, request.cookies.get(SESSION_COOKIE, ""), principal)
    db.commit()
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def dashboard(
    request: Request, principal: Editor, db: DbSession, now: Now, rules: Rules
) -> HTMLResponse:
    """The staff home (工作台): what waits, queue by queue, each count a link."""
    reports = home_reports(request, principal, db, now, rules)
    return render(request, "staff/dashboard.html", principal, reports=reports, now=now)


@router.get("/accounts", response_class=HTMLResponse)
def accounts(request: Request, principal: Admin, db: DbSession) -> HTMLResponse:
    return _accounts_page(request, principal, db)


def _accounts_page(
    request: Request, principal: StaffPrincipal, db: DbSession, status: int = 200, **extra: Any
) -> HTMLResponse:
    return render(
        request,
        "staff/accounts.html",
        principal,
        status=status,
        accounts=service.list_accounts(db),
        tokens=service.list_tokens(db),
        roles=list(Role),
        **extra,
    )


@router.post("/accounts", response_class=HTMLResponse)
def create_account(
    request: Request,
    principal: Admin,
    db: DbSession,
    settings: SettingsDep,
    address: ClientKey,
    username: Annotated[str, Form(max_length=64)],
    role: Annotated[Role, Form()],
    display_name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        service.create_account(
            db,
            principal,
            username.strip().lower(),
            role,
            display_name or None,
            password or None,
            hasher=settings.password_hasher,
        )
    except PublisherError as exc:
        db.rollback()
        return _accounts_page(request, principal, db, status=status_for(exc), error=exc.message_zh)
    db.commit()
    return RedirectResponse("/staff/accounts?created=1", status_code=303)


@router.post("/accounts/{account_username}/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    account_username: str,
    principal: Admin,
    db: DbSession,
    name: Annotated[str, Form(max_length=100)],
    expires_in_days: Annotated[int | None, Form(ge=1, le=3650)] = None,
) -> HTMLResponse:
    account = service.get_account(db, account_username)
    expires_at = (
        dt.datetime.now(LOCAL_TZ) + dt.timedelta(days=expires_in_days) if expires_in_days else None
    )
    try:
        issued = service.create_token(db, principal, account, name, expires_at)
    except PublisherError as exc:
        db.rollback()
        return _accounts_page(request, principal, db, status=status_for(exc), error=exc.message_zh)
    db.commit()
    return render(request, "staff/token_issued.html", principal, issued=issued, account=account)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: IdPath, principal: Admin, db: DbSession) -> Response:
    service.revoke_token(db, principal, token_id)
    db.commit()
    return RedirectResponse("/staff/accounts?revoked=1", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    principal: Admin,
    db: DbSession,
    labels: AuditLabels,
    before_id: IdQuery = None,
) -> HTMLResponse:
    events = audit.recent(db, 100, before_id)
    return render(request, "staff/audit.html", principal, events=events, labels=labels)


@router.get("/audit.csv")
def audit_csv(_: Admin, db: DbSession, labels: AuditLabels) -> PlainTextResponse:
    return PlainTextResponse(
        audit.export_csv(db, labels),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
