"""What the open-data routes share: cached download bodies with their validators.

A download body is built once per version of its source file (path, mtime, size) and kept in
a bounded ``FeedCache``, so a popular CSV is read and hashed once, not once per request, and
every response carries a strong ETag derived from its bytes.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from feeds.cache import BuiltFeed, FeedCache
from publisher.errors import NotFound
from publisher.opendata import DatasetInfo, get_dataset
from publisher.opendata.downloads import csv_path
from publisher.settings import Settings
from publisher.web.conditional import feed_response

DOWNLOAD_MAX_AGE = 3600
GZIP_LEVEL = 6  # zlib's default: within 1 % of level 9's size at half the time
downloads = FeedCache(max_entries=64)


def file_version(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise NotFound(f"{path.name} is missing.", f"文件 {path.name} 不存在。") from exc
    return (str(path), stat.st_mtime_ns, stat.st_size)


def file_modified(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)


def dataset_or_404(settings: Settings, name: str) -> DatasetInfo:
    return get_dataset(settings.datasets_dir, name)


def accepts_gzip(request: Request) -> bool:
    """True when Accept-Encoding lists gzip (or ``*``) without ``q=0``."""
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            q = params.replace(" ", "").removeprefix("q=") or "1"
            try:
                return float(q) > 0
            except ValueError:
                return True
    return False


def cached_download(
    settings: Settings,
    dataset: DatasetInfo,
    kind: str,
    media_type: str,
    build: Callable[[], bytes],
    gzipped: bool = False,
) -> BuiltFeed:
    """The built body of one rendition of a dataset, rebuilt only when its CSV changes.

    With ``gzipped`` the body is the gzip of that rendition, compressed once per version rather
    than on every request by the middleware (level 9 there costs ~0.5 s per 7 MB); its ETag
    is derived from the compressed bytes, so the two encodings never share a strong validator.
    """
    path = csv_path(settings.datasets_dir, dataset)
    version = file_version(path)

    def plain() -> BuiltFeed:
        return downloads.get(
            f"dataset:{dataset.name}:{kind}",
            None,
            version,
            lambda: BuiltFeed.from_body(build(), media_type, file_modified(path)),
        )

    if not gzipped:
        return plain()
    return downloads.get(
        f"dataset:{dataset.name}:{kind}:gzip",
        None,
        version,
        lambda: BuiltFeed.from_body(
            gzip.compress(plain().body, GZIP_LEVEL, mtime=0), media_type, file_modified(path)
        ),
    )


def download_response(
    request: Request,
    settings: Settings,
    dataset: DatasetInfo,
    kind: str,
    media_type: str,
    build: Callable[[], bytes],
) -> Response:
    """Serve a rendition with ETag/304, gzip-encoded when the client accepts it."""
    gzipped = accepts_gzip(request)
    built = cached_download(settings, dataset, kind, media_type, build, gzipped=gzipped)
    response = feed_response(request, built, max_age=DOWNLOAD_MAX_AGE)
    response.headers["Vary"] = "Accept-Encoding"
    if gzipped and response.status_code == 200:
        response.headers["Content-Encoding"] = "gzip"
    return response


def package_version(settings: Settings) -> tuple[str, int, int]:
    return file_version(Path(settings.datasets_dir) / "datapackage.json")


def package_modified(settings: Settings) -> dt.datetime:
    return file_modified(Path(settings.datasets_dir) / "datapackage.json")
