"""What the public sees of a draft as articles: each article of a version with its comment
count, the comments staff published in full and, once the adoption summary is out, the
consented excerpts with their answers; and the loop
closed by the final text ("we asked, you said, we did"). Never who commented."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultation.articles import ParsedDraft, Unit
from consultation.diff import ArticleDiff, diff_drafts
from consultation.models import Comment, ConsultationDraft
from consultation.responses import PublishedResponse, responses_by_article
from consultation.summary import SummaryItem, adoption_summary
from consultation.versions import Version, final_version, version_of, versions_of
from consultation.vocabulary import Disposition
from publisher.privacy import mask_personal_text

EXCERPT_CHARS = 80
#: the dispositions by which a comment led to a change
LED_TO_CHANGE = (Disposition.ADOPTED.value, Disposition.PARTLY_ADOPTED.value)


@dataclass(frozen=True)
class ArticleView:
    unit: Unit
    comment_count: int
    answers: list[SummaryItem] = field(default_factory=list)
    #: the comments on it staff published in full, with their answers and files
    published: list[PublishedResponse] = field(default_factory=list)


@dataclass(frozen=True)
class DraftArticles:
    version: Version
    versions: list[Version]
    parsed: ParsedDraft
    articles: list[ArticleView]
    whole_count: int
    whole_answers: list[SummaryItem]
    whole_published: list[PublishedResponse] = field(default_factory=list)

    @property
    def latest(self) -> bool:
        return self.version.number == self.versions[-1].number

    @property
    def current_units(self) -> tuple[Unit, ...]:
        """The articles of the latest version: a comment is always made on it."""
        return self.versions[-1].parsed.units


def comment_counts(session: Session, draft_id: int, version: int) -> dict[str | None, int]:
    """Visible comments (not hidden, not spam) per article key of one version."""
    rows = session.execute(
        select(Comment.article_key, func.count())
        .where(
            Comment.draft_id == draft_id,
            Comment.version_number == version,
            Comment.hidden_at.is_(None),
            Comment.flagged_spam.is_(False),
        )
        .group_by(Comment.article_key)
    ).all()
    return {key: count for key, count in rows}


def draft_articles(
    session: Session, draft: ConsultationDraft, number: int | None = None
) -> DraftArticles:
    versions = versions_of(session, draft)
    version = versions[-1] if number is None else version_of(session, draft, number)
    counts = comment_counts(session, draft.id, version.number)
    summary = adoption_summary(session, draft)
    items = [i for i in (summary.items if summary else []) if i.version_number == version.number]
    parsed = version.parsed
    published = responses_by_article(session, draft, version.number)
    articles = [
        ArticleView(
            u,
            counts.get(u.key, 0),
            [i for i in items if i.article_key == u.key],
            published.get(u.key, []),
        )
        for u in parsed.units
    ]
    return DraftArticles(
        version=version,
        versions=versions,
        parsed=parsed,
        articles=articles,
        whole_count=counts.get(None, 0),
        whole_answers=[i for i in items if i.article_key is None],
        whole_published=published.get(None, []),
    )


@dataclass(frozen=True)
class LoopComment:
    """A comment that led to a change: its public number (as in the adoption summary), what was
    done with it, and an excerpt only if its author agreed to publication."""

    number: int
    disposition: Disposition
    excerpt: str


@dataclass(frozen=True)
class LoopArticle:
    diff: ArticleDiff
    comments: list[LoopComment]


@dataclass(frozen=True)
class ClosedLoop:
    first: Version
    final: Version
    articles: list[LoopArticle]
    #: comments are linked once the adoption summary is public (their answers are final)
    comments_shown: bool


def _excerpt(comment: Comment) -> str:
    if not comment.consent_publish:
        return ""
    text = mask_personal_text(comment.body)
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def closed_loop(session: Session, draft: ConsultationDraft) -> ClosedLoop | None:
    """Per changed article between the first version and the final text, the comments on that
    article (any version) that were adopted or partly adopted."""
    final = final_version(session, draft)
    if final is None:
        return None
    first = versions_of(session, draft)[0]
    shown = draft.summary_published_at is not None
    by_article: dict[str, list[LoopComment]] = {}
    if shown:
        visible = session.scalars(
            select(Comment)
            .where(Comment.draft_id == draft.id, Comment.hidden_at.is_(None))
            .order_by(Comment.id)
        ).all()
        for n, c in enumerate(visible, start=1):
            if c.article_key and c.disposition in LED_TO_CHANGE:
                by_article.setdefault(c.article_key, []).append(
                    LoopComment(n, Disposition(c.disposition), _excerpt(c))
                )
    articles = [
        LoopArticle(d, by_article.get(d.key, []))
        for d in diff_drafts(first.parsed, final.parsed)
        if d.changed
    ]
    return ClosedLoop(first, final, articles, shown)
