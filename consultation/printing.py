"""A draft decision's consultation as an office notice (第三条: the draft and its basis;
第五条: the channels) for the A4 sheet, its PDF and the press text (`publisher.printing`)."""

from __future__ import annotations

from consultation.models import ConsultationDraft
from publisher.printing.sheet import NoticeSheet, excerpt
from publisher.timeutil import format_local, format_local_end, local_date

HEADING = "重大行政决策草案公开征求意见公告"
#: characters of the draft a sheet carries; the whole text is a scan away
DRAFT_EXCERPT = 300


def draft_sheet(draft: ConsultationDraft, url: str, issuer: str, contact: str) -> NoticeSheet:
    facts = []
    if draft.department:
        facts.append(("起草单位", draft.department))
    window = f"{format_local(draft.opens_at)} 至 {format_local_end(draft.closes_at)}"
    facts.append(("征求意见时间", window))
    facts.append(("意见截止时间", format_local_end(draft.closes_at)))
    if draft.shorter_reason:
        facts.append(("征求意见期较短的理由", draft.shorter_reason))
    how = "一、网上提交：扫描下方二维码或访问网址，在“提出意见”栏填写并提交，凭回执码可查询答复。\n"
    if contact:
        how += "二、也可按下方联系方式提出意见。\n"
    how += "意见采纳情况将在网上公布。"
    return NoticeSheet(
        heading=HEADING,
        title=draft.title,
        facts=tuple(facts),
        sections=(
            ("决策草案摘要", excerpt(draft.draft_text, DRAFT_EXCERPT) + "（全文见网上原文）"),
            ("提出意见的方式", how),
        ),
        contact=contact,
        issuer=issuer,
        issued_on=local_date(draft.published_at or draft.opens_at),
        url=url,
    )
