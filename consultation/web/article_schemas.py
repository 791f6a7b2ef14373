"""Data shapes of a draft as articles, its versions, the diff between two, and the closed loop
(public), and of a revision (staff). Public models never carry personal fields."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from consultation.article_views import ArticleView, ClosedLoop, LoopComment
from consultation.articles import Paragraph
from consultation.diff import ArticleDiff, Segment
from consultation.summary import SummaryItem
from consultation.versions import RevisionInput, Version
from consultation.web.schemas import SummaryItemOut
from publisher.privacy import PublicModel
from publisher.web.schemas import LocalInstant


class VersionOut(PublicModel):
    number: int
    label_zh: str
    reason: str
    material: bool
    final: bool
    published_at: LocalInstant
    text_url: str

    @classmethod
    def of(cls, draft_id: int, v: Version) -> VersionOut:
        return cls(
            number=v.number,
            label_zh=v.label_zh,
            reason=v.reason,
            material=v.material,
            final=v.final,
            published_at=v.published_at,
            text_url=f"/api/v1/consultations/{draft_id}/articles?version={v.number}",
        )


class ParagraphOut(PublicModel):
    #: "clause" (款) or "item" (项)
    kind: str
    label: str
    text: str

    @classmethod
    def of(cls, p: Paragraph) -> ParagraphOut:
        return cls(kind=p.kind, label=p.label, text=p.text)


def _summary_item(i: SummaryItem) -> SummaryItemOut:
    return SummaryItemOut(
        number=i.number,
        section=i.section,
        text=i.text,
        disposition=i.disposition.value,
        disposition_zh=i.disposition.label_zh,
        answer=i.answer,
    )


class ArticleOut(PublicModel):
    key: str
    label: str
    chapter: str
    section: str
    paragraphs: list[ParagraphOut]
    version: int
    comment_count: int
    #: once the adoption summary is public: the consenting comments on this article, answered
    answers: list[SummaryItemOut]

    @classmethod
    def of(cls, version: int, a: ArticleView) -> ArticleOut:
        return cls(
            key=a.unit.key,
            label=a.unit.label,
            chapter=a.unit.chapter,
            section=a.unit.section,
            paragraphs=[ParagraphOut.of(p) for p in a.unit.paragraphs],
            version=version,
            comment_count=a.comment_count,
            answers=[_summary_item(i) for i in a.answers],
        )


class SegmentOut(PublicModel):
    #: "equal", "insert" or "delete"
    op: str
    text: str

    @classmethod
    def of(cls, s: Segment) -> SegmentOut:
        return cls(op=s.op, text=s.text)


class ArticleDiffOut(PublicModel):
    key: str
    label: str
    #: "unchanged", "changed", "added" or "removed"
    status: str
    segments: list[SegmentOut]

    @classmethod
    def of(cls, d: ArticleDiff) -> ArticleDiffOut:
        return cls(
            key=d.key,
            label=d.label,
            status=d.status,
            segments=[SegmentOut.of(s) for s in d.segments],
        )


class DiffOut(PublicModel):
    consultation_id: int
    from_version: VersionOut
    to_version: VersionOut
    changed: int
    articles: list[ArticleDiffOut]


class LoopCommentOut(PublicModel):
    #: the comment's number in the adoption summary
    number: int
    disposition: str
    disposition_zh: str
    #: masked, only when its author agreed to publication; otherwise empty
    excerpt: str

    @classmethod
    def of(cls, c: LoopComment) -> LoopCommentOut:
        return cls(
            number=c.number,
            disposition=c.disposition.value,
            disposition_zh=c.disposition.label_zh,
            excerpt=c.excerpt,
        )


class LoopArticleOut(ArticleDiffOut):
    comments: list[LoopCommentOut]


class ClosedLoopOut(PublicModel):
    consultation_id: int
    first_version: VersionOut
    final_version: VersionOut
    comments_shown: bool
    articles: list[LoopArticleOut]

    @classmethod
    def of(cls, draft_id: int, loop: ClosedLoop) -> ClosedLoopOut:
        return cls(
            consultation_id=draft_id,
            first_version=VersionOut.of(draft_id, loop.first),
            final_version=VersionOut.of(draft_id, loop.final),
            comments_shown=loop.comments_shown,
            articles=[
                LoopArticleOut(
                    **ArticleDiffOut.of(a.diff).model_dump(),
                    comments=[LoopCommentOut.of(c) for c in a.comments],
                )
                for a in loop.articles
            ],
        )


class RevisionIn(BaseModel):
    """A revised draft (or the final decided text): its text, pasted or taken
    from an attachment's extracted text (a DOCX uploaded first), and the reason."""

    reason: str = Field(max_length=5000)
    text: str = Field("", max_length=200_000)
    attachment_id: int | None = Field(None, ge=1, le=2**31 - 1)
    material: bool = False
    #: a new close, when a material revision needs the window longer (or reopened)
    closes_at: dt.datetime | None = None

    def to_input(self, *, final: bool = False) -> RevisionInput:
        return RevisionInput(
            reason=self.reason,
            text=self.text,
            attachment_id=self.attachment_id,
            material=self.material,
            final=final,
            closes_at=self.closes_at,
        )
