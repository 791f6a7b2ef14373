"""`publisher blobs …`: the stored bytes of attachments (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from publisher.settings import get_settings

blobs_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="Uploaded attachments' bytes: on disk or in the database (PUBLISHER_BLOB_STORE).",
)


@blobs_app.command("migrate")
def migrate(
    folder: Path | None = typer.Option(
        None, help="Folder of files to move (default: <PUBLISHER_DATA_DIR>/attachments)."
    ),
) -> None:
    """Move attachment files from this machine's data dir into the database; idempotent.
    Files are left in place; exit status 1 if a file was damaged (not moved)."""
    from publisher.blobs.moving import move_files  # noqa: PLC0415  (lazy: see publisher.cli.main)
    from publisher.blobs.store import DatabaseBlobStore  # noqa: PLC0415
    from publisher.storage.db import make_engine  # noqa: PLC0415

    settings = get_settings()
    source = folder or settings.data_dir / "attachments"
    engine = make_engine(settings.effective_database_url)
    try:
        report = move_files(source, DatabaseBlobStore(engine))
    finally:
        engine.dispose()
    typer.echo(
        f"{source}: {report.moved} moved into the database, {report.already_there} already "
        f"there, {len(report.damaged)} damaged / 移入数据库 {report.moved} 个，已存在 "
        f"{report.already_there} 个，损坏 {len(report.damaged)} 个"
    )
    if settings.blob_store == "disk" or (
        settings.blob_store == "auto" and engine.dialect.name != "postgresql"
    ):
        typer.echo(
            "note: PUBLISHER_BLOB_STORE reads attachments from disk on this configuration; set "
            "it to `database` to serve the moved files from the database."
        )
    for name in report.damaged:
        typer.echo(f"damaged (content does not match its name), not moved: {name}", err=True)
    if report.damaged:
        raise typer.Exit(1)
