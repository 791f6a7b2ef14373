"""Staff JSON of tags, groups and publication in full (`staff_sorting_api`): staff only, so
a group's sample text is the original."""

from __future__ import annotations

from pydantic import BaseModel, Field

from consultation.groups import GroupView
from consultation.models import CommentPublication
from consultation.vocabulary import Disposition
from publisher.web.deps import IdField
from publisher.web.schemas import LocalInstant


class TagCountOut(BaseModel):
    tag: str
    comments: int


class TagIn(BaseModel):
    comment_ids: list[IdField] = Field(min_length=1, max_length=1000)
    tag: str = Field(max_length=100)


class TaggedOut(BaseModel):
    #: comments that got the tag (already tagged ones are not counted) or lost it
    changed: int


class GroupIn(BaseModel):
    comment_ids: list[IdField] = Field(min_length=2, max_length=10_000)
    title: str = Field(max_length=200)


class GroupOut(BaseModel):
    id: int
    title: str
    size: int
    answered: int
    sample: str
    created_at: LocalInstant

    @classmethod
    def of(cls, view: GroupView) -> GroupOut:
        g = view.group
        return cls(
            id=g.id,
            title=g.title,
            size=view.size,
            answered=view.answered,
            sample=view.sample,
            created_at=g.created_at,
        )


class GroupAnswerIn(BaseModel):
    disposition: Disposition
    reason: str = Field(max_length=10_000)


class RedactionIn(BaseModel):
    #: an exact passage of the original, removed wherever it occurs
    passage: str = Field(max_length=5000)
    #: shown in its place: "［已删除：个人隐私］"
    reason: str = Field(max_length=400)


class PublicationIn(BaseModel):
    redactions: list[RedactionIn] = Field(default_factory=list, max_length=20)


class PublicationOut(BaseModel):
    id: int
    comment_id: int
    public_text: str
    published_at: LocalInstant

    @classmethod
    def of(cls, p: CommentPublication) -> PublicationOut:
        return cls(
            id=p.id, comment_id=p.comment_id, public_text=p.public_text, published_at=p.published_at
        )


class WithdrawIn(BaseModel):
    reason: str = Field(max_length=400)
