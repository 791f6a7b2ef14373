"""Following the gazette documents (关注, issue #13 item 3): each document stored for the
first time is e-mailed to the confirmed followers, once, in the transaction that stores it (a
dry run rolls both back)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from publisher.documents.models import GazetteDocument
from publisher.notifications.fanout import alert_followers
from publisher.notifications.following import Topic
from publisher.notifications.vocabulary import TopicKind

NEW_DOCUMENT = "follow.gazette.document"
GAZETTE = Topic(TopicKind.GAZETTE, "", "政府公报文件", "/documents")


def tell_new_documents(session: Session, doc_ids: Sequence[str], now: dt.datetime) -> int:
    written = 0
    for doc_id in doc_ids:
        doc = session.get(GazetteDocument, doc_id)
        if doc is None:
            continue
        context = {"title": doc.title, "issue": doc.issue.label, "link": f"/documents/{doc.id}"}
        written += (
            alert_followers(
                session, NEW_DOCUMENT, f"gazette_document:{doc.id}", [GAZETTE.ref], context, now
            )
            or 0
        )
    return written
