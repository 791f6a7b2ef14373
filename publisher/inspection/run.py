"""The self-inspection: the platform's indicators (the home page and the sections kept up to
date, personal data kept out of the open data) around those each feature contributes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from publisher.inspection.crawl import Fetch, crawl, crawl_findings
from publisher.inspection.model import Check, Finding, InspectionContext, Level, Section
from publisher.privacy import mask_personal_text
from publisher.site_identity import missing_identity
from publisher.spreadsheets import excel_csv
from publisher.timeutil import format_local

HOME_STALE = dt.timedelta(days=14)
#: the official counts: more than five stale or empty sections is a veto
SECTIONS_ALLOWED = 5


def home_page(ctx: InspectionContext, sections: Sequence[Section]) -> Finding:
    latest = [(s, m) for s in sections if (m := s.latest(ctx)) is not None]
    threshold = "首页最新信息超过2周未更新即单项否决（首页不更新）"
    if not latest:
        return Finding(
            "首页更新",
            threshold,
            True,
            Level.FAIL,
            ("首页各栏目均无内容",),
            "发布会议预告或征求意见",
        )
    section, newest = max(latest, key=lambda pair: pair[1])
    stale = ctx.now - newest > HOME_STALE
    return Finding(
        indicator="首页更新",
        threshold=threshold,
        veto=True,
        level=Level.FAIL if stale else Level.PASS,
        evidence=(f"最近一次更新：{format_local(newest)}（{section.name}）",),
        action="在首页所列栏目发布新的信息" if stale else "",
    )


def sections_kept(ctx: InspectionContext, sections: Sequence[Section]) -> list[Finding]:
    empty: list[str] = []
    stale: list[str] = []
    for section in sections:
        latest = section.latest(ctx)
        if latest is None:
            empty.append(f"{section.name}（{section.path}）")
        elif ctx.now - latest > section.stale_after:
            stale.append(f"{section.name}（{section.path}，最近更新 {format_local(latest)}）")

    def level(found: list[str]) -> Level:
        return Level.FAIL if len(found) > SECTIONS_ALLOWED else Level.WARN if found else Level.PASS

    return [
        Finding(
            indicator="空白栏目",
            threshold="有栏目无内容即为空白栏目，超过5个即单项否决",
            veto=True,
            level=level(empty),
            evidence=tuple(empty),
            action="为空白栏目发布内容，或不再提供该栏目" if empty else "",
        ),
        Finding(
            indicator="栏目不更新",
            threshold="通知公告、政策文件类栏目6个月未更新，累计超过5个即单项否决",
            veto=True,
            level=level(stale),
            evidence=tuple(stale),
            action="更新这些栏目（如：装入新一期政府公报）" if stale else "",
        ),
    ]


def identity_set(ctx: InspectionContext) -> list[Finding]:
    """The site's identity marks (网站标识码, ICP备案号 …): a government website without them
    can be shut down. Missing in production fails; elsewhere it is a reminder."""
    missing = missing_identity(ctx.settings)
    production = ctx.settings.environment == "production"

    def finding(indicator: str, threshold: str, veto: bool) -> Finding:
        found = [m for m in missing if m.veto is veto]
        level = Level.PASS if not found else Level.FAIL if production else Level.WARN
        return Finding(
            indicator=indicator,
            threshold=threshold,
            veto=veto,
            level=level,
            evidence=tuple(f"{m.label_zh}未设置（{m.variable}）" for m in found),
            action="在部署环境中设置这些变量（docs/configuration.md）" if found else "",
        )

    return [
        finding("网站标识：网站标识码、ICP备案号", "页面底部须展示网站标识码和ICP备案号", True),
        finding("网站信息：主办单位、联系方式、公安备案号", "页面底部须展示主办单位等信息", False),
    ]


def open_data_has_no_personal_numbers(ctx: InspectionContext) -> Finding:
    """Every cell of every live table, checked with the masker the intakes use: a phone,
    an ID or an e-mail address left whole is personal data in the open data."""
    leaks: list[str] = []
    for table in ctx.live_tables:
        for number, row in enumerate(table.rows(ctx.session), start=1):
            for name, value in row.items():
                if isinstance(value, str) and mask_personal_text(value) != value:
                    leaks.append(f"数据集 {table.name} 第{number}行 {name} 字段")
    return Finding(
        indicator="个人信息保护：开放数据",
        threshold="开放数据中不得出现未经处理的个人信息（手机号、身份证号、电子邮箱）",
        veto=False,
        level=Level.FAIL if leaks else Level.PASS,
        evidence=tuple(leaks),
        action="核查并删除这些字段中的个人信息" if leaks else "",
    )


def run_inspection(
    ctx: InspectionContext,
    sections: Sequence[Section],
    checks: Iterable[Check],
    more: Iterable[Finding] = (),
) -> list[Finding]:
    """Every finding, the veto indicators first; `more` are findings made elsewhere (the crawl
    of the site's links, the identity settings)."""
    findings = [home_page(ctx, sections), *sections_kept(ctx, sections), *identity_set(ctx)]
    for check in checks:
        findings.extend(check(ctx))
    findings.append(open_data_has_no_personal_numbers(ctx))
    findings.extend(more)
    return sorted((capped(f) for f in findings), key=lambda f: not f.veto)


def vetoed(findings: Sequence[Finding]) -> list[Finding]:
    """The veto indicators that failed: any one rates the site 不合格."""
    return [f for f in findings if f.veto and not f.passed]


def report_csv(findings: Sequence[Finding], now: dt.datetime) -> bytes:
    """The report for the office's quarterly 自查报告: Excel-ready (BOM), formulas neutralised."""
    header = ["指标", "标准", "单项否决", "结果", "证据", "处理建议", "检查时间"]
    when = format_local(now)
    return excel_csv(
        header,
        (
            [
                f.indicator,
                f.threshold,
                "是" if f.veto else "否",
                f.level.label_zh,
                "；".join(f.evidence),
                f.action,
                when,
            ]
            for f in findings
        ),
    )


def capped(finding: Finding, limit: int = 50) -> Finding:
    """At most `limit` pieces of evidence, and how many more there are."""
    if len(finding.evidence) <= limit:
        return finding
    more = f"……另有 {len(finding.evidence) - limit} 项"
    return dataclasses.replace(finding, evidence=(*finding.evidence[:limit], more))


def inspect_site(
    ctx: InspectionContext,
    sections: Sequence[Section],
    checks: Iterable[Check],
    fetch: Fetch | None,
    max_pages: int,
) -> list[Finding]:
    """Everything: the database checks, and the crawl of the site when `fetch` is given."""
    more = crawl_findings(crawl(fetch, ctx.settings.base_url, max_pages)) if fetch else []
    return run_inspection(ctx, sections, checks, more)
