"""Response shapes several features share."""

from __future__ import annotations

from starlette.responses import Response


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
