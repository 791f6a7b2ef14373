"""Response shapes several features share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response, StreamingResponse

from publisher.blobs.store import StoredBlob
from publisher.web.conditional import etag_matches
from publisher.web.deps import PageQuery, PerPageQuery

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


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


#: rows of an API page when the client does not say (`per_page` may ask up to 500)
DEFAULT_PER_PAGE = 100


class Paging:
    """`page` and `per_page` of a paged API list. `found(total)` adds `Link` and
    `X-Total-Count` to the response; `take(rows)` does it for a list already in memory and
    returns the page's rows."""

    def __init__(
        self,
        request: Request,
        response: Response,
        page: PageQuery = 1,
        per_page: PerPageQuery = DEFAULT_PER_PAGE,
    ) -> None:
        self.request = request
        self.response = response
        self.page = page
        self.per_page = per_page

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def found(self, total: int) -> None:
        paginate(self.request, self.response, self.page, self.per_page, total)

    def take(self, rows: Sequence[T]) -> Sequence[T]:
        self.found(len(rows))
        return rows[self.offset : self.offset + self.per_page]


PagingDep = Annotated[Paging, Depends()]
