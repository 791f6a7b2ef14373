"""Fixtures shared by the whole suite.

Every database test runs twice, on SQLite and on a real PostgreSQL started here. Each test gets
a fresh, fully migrated database: a copy of a migrated SQLite file, or a PostgreSQL database
created from a migrated template — so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from publisher.settings import PROJECT_ROOT, Settings
from publisher.storage.db import make_engine, make_session_factory
from publisher.storage.migrate import upgrade
from publisher.web.app import create_app
from tests.harness.postgres import PostgresServer, start_postgres
from tests.support.mail import Mailbox
from tests.support.sms import APP_KEY, APP_SECRET, SmsGateway
from tests.support.staff import StaffFixture

BACKENDS = ["sqlite", "postgresql"]
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


def _admin_engine(server: PostgresServer) -> Engine:
    return create_engine(server.url(), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresServer) -> str:
    admin = _admin_engine(pg_server)
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE smx_template"))
    engine = make_engine(pg_server.url("smx_template"))
    upgrade(engine)
    engine.dispose()
    admin.dispose()
    return "smx_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all, for migration tests."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = f"smx_empty_{next(_counter)}"
    admin = _admin_engine(server)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield server.url(name)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database migrated to head, on the test's backend."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "db.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    template_name: str = request.getfixturevalue("pg_template")
    name = f"smx_test_{next(_counter)}"
    admin = _admin_engine(server)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template_name}"))
    yield server.url(name)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    calendar_dir = tmp_path / "calendar"
    shutil.copytree(PROJECT_ROOT / "datasets" / "calendar", calendar_dir)
    return Settings(
        environment="test",
        database_url=db_url,
        data_dir=tmp_path / "var",
        calendar_dir=calendar_dir,
        secret_key="test-secret-key",
        base_url="http://testserver",
        password_hash_profile="cheapest-for-tests",
        # the test client is the "proxy": tests choose the client address with X-Forwarded-For
        trusted_proxies="testclient",
        # tests deliver the outbox themselves (tests.support.outbox.deliver), when they choose
        outbox_worker=False,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    eng = make_engine(settings.effective_database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def app_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def staff(session_factory: sessionmaker[Session]) -> StaffFixture:
    return StaffFixture(session_factory)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, mailbox: Mailbox) -> Settings:
    """Settings whose SMTP server is the test mailbox."""
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": mailbox.port})


@pytest.fixture
def sms_gateway() -> Iterator[SmsGateway]:
    gateway = SmsGateway()
    gateway.start()
    yield gateway
    gateway.stop()


@pytest.fixture
def notify_settings(mail_settings: Settings, sms_gateway: SmsGateway) -> Settings:
    """Settings with both channels: the test mailbox and the SMS gateway stand-in."""
    return mail_settings.model_copy(
        update={
            "sms_gateway_url": sms_gateway.url,
            "sms_app_key": APP_KEY,
            "sms_app_secret": APP_SECRET,
        }
    )
