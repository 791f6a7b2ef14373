"""The consultations' open data: the published adoption summaries (意见采纳情况) as a live table,
and the comments published in full with their answers (issue #16).

第七条 of 《三门峡市政府重大行政决策预公开制度》 has the adoption summary published to the
public; this table puts every published summary item in the city's open-data catalogue (the
site's `/datasets`, the API, DCAT and CKAN), one row per consenting comment. The rows come from
`consultation.summary.adoption_summary_rows`, which holds no personal data: masked comment text
of consenting commenters, never who said it, never a receipt code.

The name and the columns are those the CKAN push has published since the summaries first went
there, so the CKAN dataset and its sync state carry on.
"""

from __future__ import annotations

from consultation.publication import published_comment_rows
from consultation.summary import adoption_summary_rows
from consultation.vocabulary import Disposition
from publisher.opendata.specs import FieldSpec
from publisher.opendata.tables import LiveTable

ADOPTION_SUMMARIES = "consultation-adoption-summaries"

_DISPOSITIONS = "、".join(f"{d.value}（{d.label_zh}）" for d in Disposition)

ADOPTION_SUMMARIES_TABLE = LiveTable(
    name=ADOPTION_SUMMARIES,
    title="重大行政决策公开征求意见采纳情况",
    description=(
        "三门峡市重大行政决策草案公开征求意见后公布的意见采纳情况：同意公开的意见原文"
        "（已隐去个人信息）及其采纳情况和理由。依据《三门峡市政府重大行政决策预公开制度》第七条。"
    ),
    keywords=("征求意见", "意见采纳情况", "重大行政决策"),
    fields=(
        FieldSpec("consultation_id", "征求意见编号", "integer", "征求意见（决策草案）的编号。"),
        FieldSpec("consultation_title", "决策草案名称", "string", "公开征求意见的决策草案名称。"),
        FieldSpec("closes_at", "征求意见截止时间", "datetime", "征求意见期限届满的时刻，带时区。"),
        FieldSpec(
            "summary_published_at", "采纳情况公布时间", "datetime", "采纳情况公布的时刻，带时区。"
        ),
        FieldSpec("comments_total", "收到意见总数", "integer", "该草案收到并受理的意见条数。"),
        FieldSpec("comment_number", "意见序号", "integer", "意见在该草案全部意见中的序号。"),
        FieldSpec("version", "稿次", "integer", "意见针对的草案版本（第几稿）。"),
        FieldSpec(
            "article",
            "针对的条文",
            "string",
            "意见针对的草案条文，如“第三条”；“草案整体”指针对整个草案。",
        ),
        FieldSpec("section", "涉及条款", "string", "意见所涉及的草案条款，可为空。"),
        FieldSpec("comment_text", "意见内容", "string", "意见原文，个人信息已隐去。"),
        FieldSpec("disposition", "采纳情况代码", "string", f"采纳情况：{_DISPOSITIONS}。"),
        FieldSpec("disposition_zh", "采纳情况", "string", "采纳情况的中文表述。"),
        FieldSpec("answer", "答复及理由", "string", "对该意见的答复及采纳与否的理由。"),
        FieldSpec(
            "decision", "正式发布的决策", "string", "征求意见后正式发布的决策文件名称，可为空。"
        ),
        FieldSpec(
            "decision_url",
            "正式发布的决策网址",
            "string",
            "该决策文件在本站的路径（如 /documents/2019-02-05），可为空。",
        ),
        FieldSpec("interpretation", "政策解读", "string", "该决策的政策解读文件名称，可为空。"),
        FieldSpec(
            "interpretation_url",
            "政策解读网址",
            "string",
            "政策解读在本站的路径，可为空。",
        ),
    ),
    primary_key=("consultation_id", "comment_number"),
    source="三政办〔2018〕45号 第七条",
    rows=adoption_summary_rows,
    date_field="summary_published_at",
)


PUBLISHED_COMMENTS = "consultation-published-comments"

PUBLISHED_COMMENTS_TABLE = LiveTable(
    name=PUBLISHED_COMMENTS,
    title="重大行政决策公开征求意见：公开的意见全文及答复",
    description=(
        "经审核、经提出人同意后公开的意见全文及其处理结果和理由。个人信息已自动隐去，"
        "工作人员依法删除的内容以“［已删除：理由］”标明。依据《三门峡市政府重大行政决策预公开制度》"
        "第七条。"
    ),
    keywords=("征求意见", "意见答复", "重大行政决策"),
    fields=(
        FieldSpec("response_id", "公开编号", "integer", "公开意见的编号。"),
        FieldSpec("consultation_id", "征求意见编号", "integer", "征求意见（决策草案）的编号。"),
        FieldSpec("consultation_title", "决策草案名称", "string", "公开征求意见的决策草案名称。"),
        FieldSpec("version", "稿次", "integer", "意见针对的草案版本（第几稿）。"),
        FieldSpec(
            "article",
            "针对的条文",
            "string",
            "意见针对的草案条文，如“第三条”；“草案整体”指针对整个草案。",
        ),
        FieldSpec("channel", "提出渠道", "string", "网站表单、书面征求意见、座谈会、听证会等。"),
        FieldSpec("section", "涉及条款", "string", "意见所涉及的草案条款，可为空。"),
        FieldSpec(
            "comment_text", "意见内容", "string", "意见全文，个人信息已隐去，删除处注明理由。"
        ),
        FieldSpec("redactions", "删除理由", "string", "工作人员删除内容的理由，多处以“；”分隔。"),
        FieldSpec("disposition", "采纳情况代码", "string", f"采纳情况：{_DISPOSITIONS}。"),
        FieldSpec("disposition_zh", "采纳情况", "string", "采纳情况的中文表述。"),
        FieldSpec("answer", "答复及理由", "string", "对该意见的答复及采纳与否的理由。"),
        FieldSpec("published_at", "公开时间", "datetime", "该意见公开的时刻，带时区。"),
        FieldSpec(
            "attachments",
            "附件",
            "string",
            "经审核同意公开的附件：文件名与本站路径（如“意见附件-12.pdf "
            "/consultations/3/comment-attachments/12”），多个以“；”分隔，可为空。",
        ),
    ),
    primary_key=("response_id",),
    source="三政办〔2018〕45号 第七条",
    rows=published_comment_rows,
    date_field="published_at",
)
