"""What other features' public records say about a page (`Feature.page_links`), read by the
page that shows them: the meetings that discussed a draft or a gazette document."""

from __future__ import annotations

import datetime as dt

from fastapi import Request
from sqlalchemy.orm import Session

from publisher.feature import DocumentLink, PageLinks


def linking_records(
    request: Request, session: Session, path: str, now: dt.datetime
) -> list[DocumentLink]:
    sources: tuple[PageLinks, ...] = request.app.state.page_links
    return [link for source in sources for link in source(session, path, now)]
