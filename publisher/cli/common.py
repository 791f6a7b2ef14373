"""What every CLI command shares: a database session, the CLI's audit identity, exit codes."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from publisher.errors import PublisherError
from publisher.settings import get_settings
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def cli_principal() -> StaffPrincipal:
    """Whoever has a shell on the server is trusted as admin; the audit log names the OS user."""
    return StaffPrincipal(
        account_id=None,
        username=f"cli:{getpass.getuser()}",
        display_name="command line",
        role=Role.ADMIN,
        via="cli",
    )


@contextmanager
def cli_session() -> Iterator[Session]:
    # lazy (see publisher.cli.main): the database stack loads only for commands that use it
    from publisher.storage.db import make_engine, make_session_factory, transaction  # noqa: PLC0415

    engine = make_engine(get_settings().effective_database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def fail(exc: PublisherError) -> typer.Exit:
    """English then Chinese on stderr, exit status 2: scripts can tell refusals from crashes;
    the office's staff at the server's shell read the second line."""
    typer.echo(f"error: {exc.message_en}\n错误：{exc.message_zh}", err=True)
    return typer.Exit(2)
