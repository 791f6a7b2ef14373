"""Response shapes several features share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse

from publisher.blobs.store import StoredBlob
from publisher.web.conditional import etag_matches

F = TypeVar("F", bound=Callable[..., Any])


def csv_download(body: bytes, filename: str) -> Response:
    """A staff CSV export: a download, never cached (it may hold personal data)."""
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def blob_download(request: Request, blob: StoredBlob, media_type: str, filename: str) -> Response:
    """Stored bytes as a download, streamed one chunk at a time from their store, never
    rendered inline; the content's SHA-256 is its ETag, so a repeat fetch is a bodyless 304."""
    etag = f'"{blob.sha256}"'
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff",
        "ETag": etag,
    }
    if etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    headers["Content-Length"] = str(blob.size)
    return StreamingResponse(blob.iter_chunks(), media_type=media_type, headers=headers)


def get_and_head(router: APIRouter, path: str, **options: Any) -> Callable[[F], F]:
    """Register an endpoint for GET and for HEAD, each with its own operation id
    (`name`, `name_head`): one route with both methods would give both the same id."""

    def register(endpoint: F) -> F:
        name = endpoint.__name__
        router.add_api_route(path, endpoint, methods=["GET"], name=name, **options)
        router.add_api_route(path, endpoint, methods=["HEAD"], name=f"{name}_head", **options)
        return endpoint

    return register


def paginate(request: Request, response: Response, page: int, per_page: int, total: int) -> None:
    """RFC 8288 `Link` (first, prev, next, last) and `X-Total-Count` on a paged API list."""
    last = max(1, -(-total // per_page))
    targets = {"first": 1, "last": last}
    if page > 1:
        targets["prev"] = min(page - 1, last)
    if page < last:
        targets["next"] = page + 1
    links = [
        f'<{request.url.include_query_params(page=number, per_page=per_page)}>; rel="{rel}"'
        for rel, number in targets.items()
    ]
    response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(total)
