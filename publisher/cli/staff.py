"""`publisher staff …`: accounts and API tokens from the server's shell."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sys

import typer

from publisher.cli.common import cli_principal, cli_session, fail
from publisher.errors import PublisherError
from publisher.settings import get_settings
from publisher.staff.roles import Role
from publisher.timeutil import format_local_en, now_utc

staff_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="Staff accounts and API tokens.",
)
token_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="API tokens (shown once, stored as a hash).",
)
staff_app.add_typer(token_app, name="token")


def _read_password(password_stdin: bool) -> tuple[str, bool]:
    """From stdin, from a prompt, or generated; the flag says whether to print it."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    if sys.stdin.isatty():
        return typer.prompt(
            "Password / 密码",
            hide_input=True,
            confirmation_prompt="Repeat for confirmation / 再次输入密码",
        ), False
    return secrets.token_urlsafe(12), True


@staff_app.command("add")
def add(
    name: str = typer.Argument(..., help="User name (lower-case letters, digits, . _ -)."),
    role: Role = typer.Option(..., "--role", help="editor, reviewer or admin."),
    display_name: str = typer.Option("", "--display-name", help="Full name shown in the pages."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from stdin."
    ),
) -> None:
    """Create a staff account.

    Without a terminal or --password-stdin, a password is generated and printed once.
    """
    from publisher.staff import service  # noqa: PLC0415  (lazy: see publisher.cli.main)

    password, show = _read_password(password_stdin)
    try:
        with cli_session() as session:
            service.create_account(
                session,
                cli_principal(),
                name,
                role,
                display_name or None,
                password,
                hasher=get_settings().password_hasher,
            )
    except PublisherError as exc:
        raise fail(exc) from None
    typer.echo(f"created {role.value} account {name!r}")
    if show:
        typer.echo(f"initial password (shown once): {password}")


@staff_app.command("list")
def list_accounts(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, one object each."),
) -> None:
    """List staff accounts."""
    from publisher.staff import service  # noqa: PLC0415  (lazy: see publisher.cli.main)

    with cli_session() as session:
        accounts = service.list_accounts(session)
        if as_json:
            rows = [
                {
                    "username": a.username,
                    "role": str(a.role),
                    "active": a.active,
                    "display_name": a.display_name,
                }
                for a in accounts
            ]
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for a in accounts:
            typer.echo(
                f"{a.username}\t{a.role}\t{'active' if a.active else 'inactive'}\t{a.display_name}"
            )


@staff_app.command("password")
def password(
    name: str,
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from stdin."
    ),
) -> None:
    """Set a new password (ends the account's open sessions)."""
    from publisher.staff import service  # noqa: PLC0415  (lazy: see publisher.cli.main)

    new_password, show = _read_password(password_stdin)
    try:
        with cli_session() as session:
            service.set_password(
                session,
                cli_principal(),
                service.get_account(session, name),
                new_password,
                hasher=get_settings().password_hasher,
            )
    except PublisherError as exc:
        raise fail(exc) from None
    typer.echo(f"password of {name!r} changed")
    if show:
        typer.echo(f"new password (shown once): {new_password}")


@token_app.command("create")
def create_token(
    account: str = typer.Argument(..., help="The account the token acts as."),
    label: str = typer.Option(..., "--name", help="What the token is for."),
    expires_days: int | None = typer.Option(
        None, "--expires-days", min=1, help="Expire after N days."
    ),
) -> None:
    """Create an API token; it is printed once and only its hash is kept."""
    from publisher.staff import service  # noqa: PLC0415  (lazy: see publisher.cli.main)

    expires_at = now_utc() + dt.timedelta(days=expires_days) if expires_days else None
    try:
        with cli_session() as session:
            issued = service.create_token(
                session, cli_principal(), service.get_account(session, account), label, expires_at
            )
            token_id = issued.record.id
    except PublisherError as exc:
        raise fail(exc) from None
    typer.echo(issued.token)
    until = f", expires {format_local_en(expires_at)}" if expires_at else ""
    typer.echo(f"token #{token_id} for {account!r}{until} (shown once)", err=True)


@token_app.command("revoke")
def revoke_token(token_id: int) -> None:
    """Revoke an API token by its number."""
    from publisher.staff import service  # noqa: PLC0415  (lazy: see publisher.cli.main)

    try:
        with cli_session() as session:
            service.revoke_token(session, cli_principal(), token_id)
    except PublisherError as exc:
        raise fail(exc) from None
    typer.echo(f"token #{token_id} revoked")


@token_app.command("list")
def list_tokens() -> None:
    """List API tokens (never the tokens themselves)."""
    from publisher.staff import service  # noqa: PLC0415  (lazy: see publisher.cli.main)

    with cli_session() as session:
        for t in service.list_tokens(session):
            state = "revoked" if t.revoked_at else "active"
            typer.echo(f"{t.id}\t{t.account.username}\t{t.prefix}…\t{state}\t{t.name}")
