"""JSON of the comments published in full (`consultation.responses`): public, never who."""

from __future__ import annotations

from pydantic import Field

from consultation.comment_attachments import PublicFile
from consultation.responses import PublishedResponse
from consultation.vocabulary import Disposition
from publisher.privacy import PublicModel
from publisher.web.schemas import LocalInstant


class PublishedFileOut(PublicModel):
    file_label: str = Field(description="a neutral name (never the commenter's file name)")
    url: str
    media_type: str
    type_zh: str
    size: int

    @classmethod
    def of(cls, f: PublicFile) -> PublishedFileOut:
        return cls(
            file_label=f.name, url=f.url, media_type=f.media_type, type_zh=f.type_label, size=f.size
        )


class PublishedResponseOut(PublicModel):
    id: int = Field(description="the publication's number (公开编号), as in the open dataset")
    version: int = Field(description="the version of the draft the comment was made on")
    article_key: str | None = Field(
        description="the article's key in that version; null: the whole draft"
    )
    article_zh: str = Field(description="the article as the public reads it: 第三条, 草案整体")
    channel_zh: str
    text: str = Field(
        description="the comment as published: redacted passages and personal data masked"
    )
    disposition: Disposition | None
    disposition_zh: str
    answer: str
    published_at: LocalInstant
    files: list[PublishedFileOut]

    @classmethod
    def of(cls, r: PublishedResponse) -> PublishedResponseOut:
        return cls(
            id=r.id,
            version=r.version_number,
            article_key=r.article_key,
            article_zh=r.article_label,
            channel_zh=r.channel.label_zh,
            text=r.text,
            disposition=r.disposition,
            disposition_zh=r.disposition.label_zh if r.disposition else "",
            answer=r.answer,
            published_at=r.published_at,
            files=[PublishedFileOut.of(f) for f in r.files],
        )
