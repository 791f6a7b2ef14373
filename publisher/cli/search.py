"""`publisher search …`: the site's search index (docs/search.md)."""

from __future__ import annotations

import typer

from publisher.settings import get_settings

search_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="The site's search index.",
)


@search_app.command("reindex")
def reindex(
    kind: list[str] = typer.Option(
        [], "--kind", help="Only this kind (meeting, consultation, document, dataset); repeat."
    ),
) -> None:
    """Rebuild the index from the stored content, in one transaction: after upgrading to the
    first version with search, or to index content stored before. Safe to run at any time."""
    from publisher.search.index import reindex as rebuild  # noqa: PLC0415  (lazy: see main)
    from publisher.storage.db import make_engine, make_session_factory, write_unit  # noqa: PLC0415
    from publisher.wiring import search_sources  # noqa: PLC0415

    settings = get_settings()
    sources = search_sources(settings.datasets_dir)
    known = [s.kind for s in sources]
    unknown = [k for k in kind if k not in known]
    if unknown:
        typer.echo(f"error: unknown kind {unknown[0]}; kinds: {', '.join(known)}", err=True)
        raise typer.Exit(2)
    chosen = [s for s in sources if not kind or s.kind in kind]
    engine = make_engine(settings.effective_database_url)
    try:
        with make_session_factory(engine)() as session, write_unit(session):
            counts = rebuild(session, chosen)
    finally:
        engine.dispose()
    for name, count in counts.items():
        typer.echo(f"{name}: {count} indexed / 已索引 {count} 条")
