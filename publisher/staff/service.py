"""Staff accounts, API tokens, sign-in and sessions: the rules, independent of the web layer."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from publisher.errors import Conflict, NotAuthenticated, NotFound, TooManyRequests, ValidationFailed
from publisher.staff import audit
from publisher.staff.models import ApiToken, SignInFailure, StaffAccount, StaffSession
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.staff.secrets import (
    API_TOKEN_PREFIX,
    MIN_PASSWORD_LENGTH,
    PasswordHasher,
    new_token,
    token_digest,
)
from publisher.timeutil import format_local, now_utc

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
SESSION_LIFETIME = dt.timedelta(hours=8)
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20


def _validate_username(username: str) -> None:
    if not USERNAME_RE.match(username):
        raise ValidationFailed(
            "A user name is 2-64 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter.",
            "用户名为2至64个字符，只能包含小写字母、数字、“.”“_”“-”，并以字母开头。",
            field="username",
        )


def _validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.",
            f"密码至少需要{MIN_PASSWORD_LENGTH}个字符。",
            field="password",
        )


def create_account(
    session: Session,
    actor: StaffPrincipal,
    username: str,
    role: Role,
    display_name: str | None = None,
    password: str | None = None,
    *,
    hasher: PasswordHasher,
) -> StaffAccount:
    _validate_username(username)
    if password is not None:
        _validate_password(password)
    if session.scalar(select(StaffAccount.id).where(StaffAccount.username == username)):
        raise Conflict(
            f"A staff account named {username!r} already exists.",
            f"已存在名为“{username}”的工作人员账号。",
            field="username",
        )
    account = StaffAccount(
        username=username,
        display_name=(display_name or username).strip()[:100],
        role=role.value,
        password_hash=hasher.hash(password) if password else None,
        active=True,
    )
    session.add(account)
    session.flush()
    audit.record(
        session,
        actor,
        "staff.create",
        "staff_account",
        account.id,
        role=role.value,
        username=username,
    )
    return account


def get_account(session: Session, username: str) -> StaffAccount:
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == username))
    if account is None:
        raise NotFound(f"No staff account named {username!r}.", f"没有名为“{username}”的账号。")
    return account


def list_accounts(session: Session) -> Sequence[StaffAccount]:
    return session.scalars(select(StaffAccount).order_by(StaffAccount.username)).all()


def set_password(
    session: Session,
    actor: StaffPrincipal,
    account: StaffAccount,
    password: str,
    *,
    hasher: PasswordHasher,
) -> None:
    _validate_password(password)
    account.password_hash = hasher.hash(password)
    # a new password ends every open session of the account
    session.execute(delete(StaffSession).where(StaffSession.account_id == account.id))
    audit.record(session, actor, "staff.set_password", "staff_account", account.id)


def set_active(
    session: Session, actor: StaffPrincipal, account: StaffAccount, active: bool
) -> None:
    account.active = active
    if not active:
        session.execute(delete(StaffSession).where(StaffSession.account_id == account.id))
    audit.record(
        session,
        actor,
        "staff.activate" if active else "staff.deactivate",
        "staff_account",
        account.id,
    )


def principal_for(
    account: StaffAccount, via: str, ip: str, csrf: str | None = None
) -> StaffPrincipal:
    return StaffPrincipal(
        account_id=account.id,
        username=account.username,
        display_name=account.display_name,
        role=Role(account.role),
        via=via,  # type: ignore[arg-type]
        ip_address=ip,
        csrf_token=csrf,
    )


# --- API tokens -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    """The token in clear exists only here, to be shown once."""

    token: str
    record: ApiToken


def create_token(
    session: Session,
    actor: StaffPrincipal,
    account: StaffAccount,
    name: str,
    expires_at: dt.datetime | None = None,
) -> IssuedToken:
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed(
            "A token needs a name of 1-100 characters (what it is for).",
            "令牌需要一个1至100个字符的名称（用途）。",
            field="name",
        )
    if expires_at is not None and expires_at <= now_utc():
        raise ValidationFailed(
            "The expiry must be in the future.", "过期时间必须晚于现在。", field="expires_at"
        )
    token = new_token(API_TOKEN_PREFIX)
    record = ApiToken(
        account_id=account.id,
        name=name,
        token_hash=token_digest(token),
        prefix=token[:10],
        expires_at=expires_at,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        "token.create",
        "api_token",
        record.id,
        account=account.username,
        name=name,
        expires_at=expires_at.isoformat() if expires_at else None,
    )
    return IssuedToken(token, record)


def revoke_token(session: Session, actor: StaffPrincipal, token_id: int) -> ApiToken:
    record = session.get(ApiToken, token_id)
    if record is None:
        raise NotFound(f"No API token with id {token_id}.", f"没有编号为{token_id}的令牌。")
    if record.revoked_at is None:
        record.revoked_at = now_utc()
        audit.record(session, actor, "token.revoke", "api_token", record.id)
    return record


def list_tokens(session: Session, account_id: int | None = None) -> Sequence[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if account_id is not None:
        query = query.where(ApiToken.account_id == account_id)
    return session.scalars(query).all()


def authenticate_token(session: Session, token: str, ip: str) -> StaffPrincipal:
    """Resolve a bearer token; any failure is the same 401 so tokens cannot be probed."""
    refused = NotAuthenticated(
        "The API token is invalid, expired or revoked.", "API 令牌无效、已过期或已被吊销。"
    )
    if not token.startswith(API_TOKEN_PREFIX):
        raise refused
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    now = now_utc()
    if (
        record is None
        or record.revoked_at is not None
        or (record.expires_at is not None and record.expires_at <= now)
        or not record.account.active
    ):
        raise refused
    record.last_used_at = now
    return principal_for(record.account, "token", ip)


# --- sign-in and sessions -------------------------------------------------------------------


def _recent_failures(
    session: Session, username: str, ip: str
) -> tuple[int, int, dt.datetime | None]:
    since = now_utc() - THROTTLE_WINDOW
    by_user = (
        session.scalar(
            select(func.count()).where(
                SignInFailure.username == username, SignInFailure.occurred_at > since
            )
        )
        or 0
    )
    by_ip = (
        session.scalar(
            select(func.count()).where(
                SignInFailure.ip_address == ip, SignInFailure.occurred_at > since
            )
        )
        or 0
    )
    oldest = session.scalar(
        select(func.min(SignInFailure.occurred_at)).where(
            (SignInFailure.username == username) | (SignInFailure.ip_address == ip),
            SignInFailure.occurred_at > since,
        )
    )
    return by_user, by_ip, oldest


def sign_in(
    session: Session, username: str, password: str, ip: str, *, hasher: PasswordHasher
) -> tuple[StaffSession, str]:
    """Check the password, throttled per account and per address; returns the new session and
    the cookie value. Failures are recorded and committed by the caller even when refused."""
    username = username.strip().lower()
    by_user, by_ip, oldest = _recent_failures(session, username, ip)
    if by_user >= MAX_FAILURES_PER_USER or by_ip >= MAX_FAILURES_PER_ADDRESS:
        retry_at = (oldest or now_utc()) + THROTTLE_WINDOW
        raise TooManyRequests(
            f"Too many failed sign-ins. Try again after {retry_at.isoformat()}.",
            f"登录失败次数过多，请于{format_local(retry_at)}之后再试。",
            retry_after=max(1, int((retry_at - now_utc()).total_seconds())),
        )
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == username))
    ok = hasher.verify(account.password_hash if account else None, password)
    if account is None or not ok or not account.active:
        session.add(SignInFailure(username=username[:64], ip_address=ip[:64]))
        raise NotAuthenticated("Wrong user name or password.", "用户名或密码错误。")
    cookie = new_token()
    staff_session = StaffSession(
        token_hash=token_digest(cookie),
        account_id=account.id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=now_utc() + SESSION_LIFETIME,
    )
    session.add(staff_session)
    session.execute(delete(SignInFailure).where(SignInFailure.username == username))
    session.flush()
    audit.record(
        session, principal_for(account, "session", ip), "staff.sign_in", "staff_account", account.id
    )
    return staff_session, cookie


def resolve_session(session: Session, cookie: str, ip: str) -> StaffPrincipal | None:
    record = session.scalar(
        select(StaffSession).where(StaffSession.token_hash == token_digest(cookie))
    )
    if record is None or record.expires_at <= now_utc() or not record.account.active:
        return None
    return principal_for(record.account, "session", ip, record.csrf_token)


def sign_out(session: Session, cookie: str, actor: StaffPrincipal) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == token_digest(cookie)))
    audit.record(session, actor, "staff.sign_out", "staff_account", actor.account_id)
