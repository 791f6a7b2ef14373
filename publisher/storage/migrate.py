"""Alembic, driven from code: the CLI, the app start-up and the tests all migrate the same way.

Migrating is an operator's step (`publisher db upgrade`, or the one-shot migration service of
docker-compose.yml), never a side effect of starting a process: with several processes on one
database, a process that migrated on start would change the schema under the others. A process
checks instead (`schema_state`) and refuses to start, or reports not ready, until it is at head.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from publisher.errors import PublisherError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`, on the engine's own connection (works for :memory: too)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@lru_cache(maxsize=1)
def code_heads() -> frozenset[str]:
    """The revisions this code's migrations end at (read once: the files do not change)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


@lru_cache(maxsize=1)
def code_revisions() -> frozenset[str]:
    """Every revision this code knows."""
    return frozenset(r.revision for r in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions())


class SchemaNotAtHead(PublisherError):
    """The database's schema is not the one this code was written for."""

    code = "schema_not_at_head"


@dataclass(frozen=True)
class SchemaState:
    current: frozenset[str]  # the database's revisions (empty: never migrated)
    heads: frozenset[str]  # this code's

    @property
    def at_head(self) -> bool:
        return self.current == self.heads

    def problem(self) -> SchemaNotAtHead | None:
        """None at head; otherwise the refusal, saying which command to run."""
        if self.at_head:
            return None
        current = ", ".join(sorted(self.current)) or "none (empty database)"
        heads = ", ".join(sorted(self.heads))
        if not self.current <= code_revisions():  # migrated by a newer version of the service
            return SchemaNotAtHead(
                f"The database schema is at revision {current}, newer than this version of the "
                f"service knows (its newest is {heads}): run the newer version, or restore the "
                "database it was written for.",
                f"数据库结构版本为 {current}，比本版本服务所知的最新版本 {heads} 更新：请运行"
                "与之相符的新版本服务，或恢复相应的数据库备份。",
                current=sorted(self.current),
                head=sorted(self.heads),
            )
        return SchemaNotAtHead(
            f"The database schema is at revision {current}; this version of the service needs "
            f"{heads}. Run `publisher db upgrade` (once, from one machine), then start again.",
            f"数据库结构版本为 {current}，本版本服务需要 {heads}。请先在一台机器上运行一次 "
            f"publisher db upgrade 升级数据库，再启动服务。",
            current=sorted(self.current),
            head=sorted(self.heads),
        )


def schema_state(engine: Engine) -> SchemaState:
    """Where the database's schema stands against this code's migrations (one small query)."""
    with engine.connect() as connection:
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
    return SchemaState(current=current, heads=code_heads())


def require_head(engine: Engine) -> None:
    """Raise `SchemaNotAtHead` unless the database is at this code's head."""
    problem = schema_state(engine).problem()
    if problem is not None:
        raise problem
