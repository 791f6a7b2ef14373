"""What every CLI command shares: a database session, the CLI's audit identity, exit codes."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from publisher.errors import PublisherError
from publisher.settings import get_settings
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.storage.db import make_engine, make_session_factory, transaction


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
    engine = make_engine(get_settings().effective_database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def fail(exc: PublisherError) -> typer.Exit:
    """One line on stderr, exit status 2: scripts can tell refusals from crashes."""
    typer.echo(f"error: {exc.message_en}", err=True)
    return typer.Exit(2)
