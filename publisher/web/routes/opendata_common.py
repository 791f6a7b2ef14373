"""What the open-data routes share: the catalogue, cached download bodies with validators.

The catalogue is the Data Package plus the live tables the app was wired with
(``app.state.open_data_tables``, set by the app factory from ``publisher.wiring``).

A download body is built once per version of its source — the file (path, mtime, size), or a
live table's content hash — and kept in a bounded ``FeedCache``, so a popular CSV is read and
hashed once, not once per request, and every response carries a strong ETag derived from its
bytes. Last-Modified is the file's mtime; for anything built from live rows it is the time it
was built, i.e. when this process first saw that content: later than the real change, never
earlier, so an If-Modified-Since revalidation can never keep a copy that has since changed
(rows can also disappear, e.g. a comment hidden after the fact).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Hashable, Sequence
from functools import partial
from pathlib import Path
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from feeds.cache import BuiltFeed, FeedCache
from publisher.errors import NotFound
from publisher.opendata import (
    DatasetInfo,
    LiveTable,
    get_dataset,
    load_catalog,
    package_dataset,
)
from publisher.settings import Settings
from publisher.timeutil import now_utc
from publisher.web.conditional import feed_response, kept_answer
from publisher.web.memory import MemoryHit

DOWNLOAD_MAX_AGE = 3600
downloads = FeedCache(max_entries=64)


def file_version(path: Path | str) -> tuple[str, int, int]:
    try:
        stat = os.stat(path)
    except FileNotFoundError as exc:
        name = os.path.basename(path)
        raise NotFound(f"{name} is missing.", f"文件 {name} 不存在。") from exc
    return (os.fspath(path), stat.st_mtime_ns, stat.st_size)


def file_modified(path: Path | str) -> dt.datetime:
    return dt.datetime.fromtimestamp(os.stat(path).st_mtime, tz=dt.UTC)


def open_data_tables(request: Request) -> tuple[LiveTable, ...]:
    """The live tables the app was wired with."""
    tables: tuple[LiveTable, ...] = request.app.state.open_data_tables
    return tables


LiveTables = Annotated[tuple[LiveTable, ...], Depends(open_data_tables)]


def catalog(settings: Settings, db: Session, tables: Sequence[LiveTable]) -> list[DatasetInfo]:
    return load_catalog(settings.datasets_dir, db, tables)


def dataset_or_404(
    settings: Settings, db: Session, tables: Sequence[LiveTable], name: str
) -> DatasetInfo:
    return get_dataset(settings.datasets_dir, db, tables, name)


def catalog_version(settings: Settings, datasets: Sequence[DatasetInfo]) -> Hashable:
    """Changes whenever anything a catalogue-wide rendition shows may have changed: the
    package file, or the content of a live table."""
    live = tuple((d.name, d.resources[0].hash) for d in datasets if d.kind == "live")
    return (package_version(settings), live)


def catalog_modified(settings: Settings, datasets: Sequence[DatasetInfo]) -> dt.datetime:
    """Last-Modified of a catalogue-wide rendition built now (see the module's docstring)."""
    modified = package_modified(settings)
    return max(modified, now_utc()) if any(d.kind == "live" for d in datasets) else modified


def cached_download(
    settings: Settings,
    dataset: DatasetInfo,
    kind: str,
    media_type: str,
    build: Callable[[], bytes],
) -> BuiltFeed:
    """The built body of one rendition of a dataset, rebuilt only when its CSV changes (the
    file's version, or a live table's content hash). Its gzip body is compressed once per
    version (`BuiltFeed.from_body`), never per request, with its own ETag."""
    version: Hashable
    modified: Callable[[], dt.datetime]
    if dataset.kind == "live":  # a live table's CSV was rendered with the catalogue
        version, modified = ("live", dataset.resources[0].hash), now_utc
    else:
        path = csv_file(settings.datasets_dir, dataset)
        version, modified = file_version(path), partial(file_modified, path)
    return downloads.get(
        f"dataset:{dataset.name}:{kind}",
        None,
        version,
        lambda: BuiltFeed.from_body(build(), media_type, modified()),
    )


def attachment(filename: str) -> str:
    """A download's Content-Disposition (an ASCII file name: dataset names are)."""
    return f'attachment; filename="{filename}"'


def download_hit(kind: str, filename: Callable[[str], str] | None = None) -> MemoryHit:
    """The fast path's answer (`publisher.web.memory.MemoryFastPath`) for a package dataset's
    rendition kept by `cached_download`: a stat of the package and one of the CSV, no
    database, no thread, no `Path` built (building them was half of a 304's cost). None,
    and the route answers, for a live table, a query string, an unknown name or a body not
    built yet. `filename(name)` gives the Content-Disposition's
    file name the route sets, if it sets one."""

    def answer(request: Request, built: BuiltFeed) -> Response:
        response = feed_response(request, built, max_age=DOWNLOAD_MAX_AGE)
        if filename is not None:
            name = request.scope["path_params"]["name"]
            response.headers["Content-Disposition"] = attachment(filename(name))
        return response

    def hit(request: Request) -> Response | None:
        if request.scope.get("query_string"):
            return None
        name = request.scope["path_params"].get("name", "")
        settings: Settings = request.app.state.settings
        try:
            dataset = package_dataset(settings.datasets_dir, name)
            if dataset is None or dataset.kind != "package":
                return None
            version = file_version(csv_file(settings.datasets_dir, dataset))
        except (NotFound, ValueError, OSError):
            return None  # the route says what is wrong
        built = downloads.peek(f"dataset:{name}:{kind}", None, version)
        return None if built is None else kept_answer(request, built, answer)

    return hit


def csv_file(datasets_dir: Path, dataset: DatasetInfo) -> str:
    """A package dataset's CSV file, as the string `file_version` keys it by: joined as a
    string, not built as `Path`s (the route and the fast path's 304 both ask, every time)."""
    return os.path.join(os.fspath(datasets_dir), dataset.resources[0].path)


def download_response(
    request: Request,
    settings: Settings,
    dataset: DatasetInfo,
    kind: str,
    media_type: str,
    build: Callable[[], bytes],
) -> Response:
    """Serve a rendition with ETag/304, gzip-encoded when the client accepts it."""
    built = cached_download(settings, dataset, kind, media_type, build)
    return feed_response(request, built, max_age=DOWNLOAD_MAX_AGE)


def package_version(settings: Settings) -> tuple[str, int, int]:
    return file_version(Path(settings.datasets_dir) / "datapackage.json")


def package_modified(settings: Settings) -> dt.datetime:
    return file_modified(Path(settings.datasets_dir) / "datapackage.json")
