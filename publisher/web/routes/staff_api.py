"""Staff API (`/api/v1/staff`): accounts, tokens, the audit log. Bearer tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from publisher.staff import audit, service
from publisher.staff.models import ApiToken, AuditEvent, StaffAccount
from publisher.staff.roles import Role
from publisher.web.auth import Admin, Editor
from publisher.web.deps import AuditLabels, DbSession, IdPath, IdQuery, SettingsDep
from publisher.web.openapi import error_responses, media_responses
from publisher.web.responses import PagingDep

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


class AccountOut(BaseModel):
    username: str
    display_name: str
    role: Role
    active: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, a: StaffAccount) -> AccountOut:
        return cls(
            username=a.username,
            display_name=a.display_name,
            role=Role(a.role),
            active=a.active,
            created_at=a.created_at,
        )


class AccountIn(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    role: Role
    display_name: str | None = Field(None, max_length=100)
    password: str | None = Field(None, min_length=10, max_length=200)


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    expires_at: dt.datetime | None = None


class TokenOut(BaseModel):
    id: int
    account: str
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    @classmethod
    def of(cls, t: ApiToken) -> TokenOut:
        return cls(
            id=t.id,
            account=t.account.username,
            name=t.name,
            prefix=t.prefix,
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
            last_used_at=t.last_used_at,
        )


class IssuedTokenOut(TokenOut):
    token: str = Field(description="The token itself. Shown once; only its hash is stored.")


class AuditEventOut(BaseModel):
    id: int
    occurred_at: dt.datetime
    actor: str
    via: str
    action: str
    action_zh: str = Field(description="the action's Chinese name, as the audit page shows it")
    object_type: str
    object_id: str
    ip_address: str
    details: str

    @classmethod
    def of(cls, e: AuditEvent, labels: Mapping[str, str]) -> AuditEventOut:
        return cls(
            id=e.id,
            occurred_at=e.occurred_at,
            actor=e.actor_name,
            via=e.via,
            action=e.action,
            action_zh=labels.get(e.action, e.action),
            object_type=e.object_type,
            object_id=e.object_id,
            ip_address=e.ip_address,
            details=e.details,
        )


@router.get("/me", response_model=AccountOut)
def me(principal: Editor, db: DbSession) -> AccountOut:
    """The account the token (or session) acts as."""
    return AccountOut.of(service.get_account(db, principal.username))


@router.get("/accounts", response_model=list[AccountOut])
def list_accounts(_: Admin, db: DbSession, paging: PagingDep) -> list[AccountOut]:
    """Every staff account with its role; paged."""
    return [AccountOut.of(a) for a in paging.take(service.list_accounts(db))]


@router.post(
    "/accounts", response_model=AccountOut, status_code=201, responses=error_responses(409)
)
def create_account(
    body: AccountIn, principal: Admin, db: DbSession, settings: SettingsDep
) -> AccountOut:
    """A new staff account; 409 when the username is taken."""
    account = service.create_account(
        db,
        principal,
        body.username,
        body.role,
        body.display_name,
        body.password,
        hasher=settings.password_hasher,
    )
    db.commit()
    return AccountOut.of(account)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(_: Admin, db: DbSession, paging: PagingDep) -> list[TokenOut]:
    """Every API token (never the secret itself), with its expiry and last use; paged."""
    return [TokenOut.of(t) for t in paging.take(service.list_tokens(db))]


@router.post("/accounts/{username}/tokens", response_model=IssuedTokenOut, status_code=201)
def create_token(username: str, body: TokenIn, principal: Admin, db: DbSession) -> IssuedTokenOut:
    """Issue an API token for an account; the secret is in this answer only."""
    account = service.get_account(db, username)
    issued = service.create_token(db, principal, account, body.name, body.expires_at)
    db.commit()
    return IssuedTokenOut(**TokenOut.of(issued.record).model_dump(), token=issued.token)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: IdPath, principal: Admin, db: DbSession) -> TokenOut:
    """Revoke a token at once."""
    record = service.revoke_token(db, principal, token_id)
    db.commit()
    return TokenOut.of(record)


@router.get("/audit", response_model=list[AuditEventOut])
def audit_log(
    _: Admin,
    db: DbSession,
    labels: AuditLabels,
    limit: int = Query(200, ge=1, le=1000),
    before_id: IdQuery = None,
    action: str | None = Query(None, max_length=64),
) -> list[AuditEventOut]:
    """The audit log, newest first, `limit` events (at most 1000) a time; the next page
    starts `before_id` the last event's id (a cursor: events keep arriving)."""
    return [AuditEventOut.of(e, labels) for e in audit.recent(db, limit, before_id, action)]


@router.get(
    "/audit.csv",
    response_class=Response,
    responses=media_responses("text/csv", "The audit log as CSV."),
)
def audit_csv(_: Admin, db: DbSession, labels: AuditLabels) -> PlainTextResponse:
    """The whole audit log as a CSV download."""
    return PlainTextResponse(
        audit.export_csv(db, labels),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
