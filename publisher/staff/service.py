"""Staff accounts, API tokens, sign-in and sessions: the rules, independent of the web layer."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from publisher.errors import Conflict, NotAuthenticated, NotFound, ValidationFailed
from publisher.retention import RetentionRule
from publisher.staff import audit
from publisher.staff.models import ApiToken, StaffAccount, StaffSession
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.staff.secrets import (
    API_TOKEN_PREFIX,
    MIN_PASSWORD_LENGTH,
    PasswordHasher,
    new_token,
    token_digest,
)
from publisher.storage.db import unit_of_work, write_unit
from publisher.throttle import limits
from publisher.throttle.limits import Backoff, Limit
from publisher.throttle.models import ThrottleHit
from publisher.timeutil import now_utc

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
SESSION_LIFETIME = dt.timedelta(hours=8)
SIGN_IN_WINDOW = dt.timedelta(minutes=15)
#: the lock: wrong passwords for one account from one address
FAILURES_PER_ACCOUNT_AND_ADDRESS = Limit(
    scope="sign_in.account_address",
    max_hits=5,
    window=SIGN_IN_WINDOW,
    what_en="failed sign-ins to this account from this address",
    what_zh="该账号在本网络地址登录失败",
)
#: one address trying many accounts
FAILURES_PER_ADDRESS = Limit(
    scope="sign_in.address",
    max_hits=20,
    window=SIGN_IN_WINDOW,
    what_en="failed sign-ins from this address",
    what_zh="本网络地址登录失败",
)
#: many addresses trying one account: slowed down to one guess a minute, never locked
ACCOUNT_BACKOFF = Backoff(
    scope="sign_in.account",
    free_attempts=10,
    window=SIGN_IN_WINDOW,
    max_delay=dt.timedelta(seconds=60),
    what_en="failed sign-ins to this account",
    what_zh="该账号登录失败",
)


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


def _refuse_if_throttled(session: Session, username: str, address: str, now: dt.datetime) -> None:
    limits.check(session, FAILURES_PER_ACCOUNT_AND_ADDRESS, f"{username}\x1f{address}", now)
    limits.check(session, FAILURES_PER_ADDRESS, address, now)
    limits.check_backoff(session, ACCOUNT_BACKOFF, username, now)


def sign_in(
    session: Session,
    username: str,
    password: str,
    *,
    ip: str,
    address: str,
    hasher: PasswordHasher,
) -> tuple[StaffSession, str]:
    """Check the password and open a session; commits its own units. Returns the new session
    and the cookie value.

    Throttled three ways (see the limits above): a lock per (account, address), so a guesser
    elsewhere cannot lock the owner out; a cap per address across accounts; and an
    account-wide back-off of seconds, never a lock. The deliberately slow password check runs
    with no transaction open and no connection held, so parallel guesses queue only for the
    few milliseconds of their write; under that write the limits are re-checked with the
    key locked, so concurrent guesses cannot overrun them. `ip` goes to the audit log;
    `address` is its keyed digest, which the limits count.
    """
    username = username.strip().lower()[:64]
    now = now_utc()
    _refuse_if_throttled(session, username, address, now)
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == username))
    stored_hash = account.password_hash if account else None
    account_id, active = (account.id, account.active) if account else (None, False)
    session.rollback()  # release the connection while hashing
    ok = hasher.verify(stored_hash, password) and active
    pair = f"{username}\x1f{address}"
    with write_unit(session):
        limits.lock(session, FAILURES_PER_ACCOUNT_AND_ADDRESS, pair)
        _refuse_if_throttled(session, username, address, now)
        if not ok:
            limits.record(session, FAILURES_PER_ACCOUNT_AND_ADDRESS, pair, now)
            limits.record(session, FAILURES_PER_ADDRESS, address, now)
            limits.record(session, ACCOUNT_BACKOFF, username, now)
            audit.record_failed_sign_in(session, account_id, username, ip)
    if not ok or account_id is None:
        raise NotAuthenticated("Wrong user name or password.", "用户名或密码错误。")
    return _open_session(session, account_id, pair, ip)


@unit_of_work
def _open_session(
    session: Session, account_id: int, pair: str, ip: str
) -> tuple[StaffSession, str]:
    account = session.get(StaffAccount, account_id)
    if account is None or not account.active:  # removed or disabled while the hash ran
        raise NotAuthenticated("Wrong user name or password.", "用户名或密码错误。")
    cookie = new_token()
    staff_session = StaffSession(
        token_hash=token_digest(cookie),
        account_id=account.id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=now_utc() + SESSION_LIFETIME,
    )
    session.add(staff_session)
    # this address proved it knows the password: its failures no longer count against it
    session.execute(
        delete(ThrottleHit).where(
            ThrottleHit.scope == FAILURES_PER_ACCOUNT_AND_ADDRESS.scope, ThrottleHit.subject == pair
        )
    )
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


def prune_expired_sessions(session: Session, now: dt.datetime) -> int:
    """Delete sign-ins past their expiry (they admit no one); returns how many."""
    result = session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)


EXPIRED_SESSIONS = RetentionRule(
    name="staff-sessions",
    description="staff sign-in sessions once expired",
    erase=prune_expired_sessions,
)


def sign_out(session: Session, cookie: str, actor: StaffPrincipal) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == token_digest(cookie)))
    audit.record(session, actor, "staff.sign_out", "staff_account", actor.account_id)
