"""Build the test corpus: variations of the real 2019 No. 2 issue, written to this folder.

Each variation changes the *structure* the parser depends on (section order, a missing date
line, wrapped table rows, an extra section, another issue number, page furniture), so the
tests prove that the parser reads structure rather than this issue's strings. The speech in
``leader-speech.txt`` is invented test text, not a real speech.

Regenerate with ``.venv/bin/python -m tests.gazette.corpus.build``; a test fails when the
files on disk differ from what this module produces.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from publisher.settings import PROJECT_ROOT

HERE = Path(__file__).resolve().parent
REAL = PROJECT_ROOT / "datasets" / "sources" / "sanmenxia-gazette-2019-02.txt"


def real_text() -> str:
    return REAL.read_text(encoding="utf-8")


def _lines() -> list[str]:
    return real_text().split("\n")


def _index(lines: list[str], startswith: str, after: int = 0) -> int:
    return next(i for i in range(after, len(lines)) if lines[i].startswith(startswith))


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def issue_2019_03() -> str:
    """Another issue number, no interpretations, a signature date in Chinese numerals."""
    lines = _lines()
    toc_interp = _index(lines, "【政策解读】")
    body_interp = _index(lines, "《三门峡市政府性债务管理办法》解读", after=900)
    lines = lines[:toc_interp] + lines[toc_interp + 6 : body_interp]
    text = "\n".join(lines) + "\n"
    text = _replace_once(text, "第 2 号(总第 157 号)", "第 3 号(总第 158 号)")
    text = _replace_once(text, "出版日期:2019 年 2 月 11 日", "出版日期:2019 年 3 月 11 日")
    return _replace_once(
        text, "三门峡市人民政府\n\n2018年11月20日", "三门峡市人民政府\n\n二〇一八年十一月二十日"
    )


def reordered_sections() -> str:
    """The office's documents first, in the TOC and in the body."""
    lines = _lines()
    toc = _index(lines, "目 录")
    city_head = _index(lines, "【市政府文件】")
    office_head = _index(lines, "【市政府办公室文件】")
    interp_head = _index(lines, "【政策解读】")
    masthead = (_index(lines, "--\t"), _index(lines, "(内部资料免费赠阅)"))
    city_toc = lines[city_head:office_head]
    office_toc = (
        lines[office_head : masthead[0]] + lines[masthead[1] + 1 : interp_head]
    )  # the office's entries are split by the masthead in the real file
    body_city = _index(lines, "三门峡市人民政府 关于表彰全市交通运输系统")
    body_office = _index(lines, "三门峡市人民政府办公室 关于印发三门峡市智能制造")
    body_interp = _index(lines, "《三门峡市政府性债务管理办法》解读", after=900)
    out = [
        *lines[: toc + 1],
        *["", *office_toc, "", *city_toc, ""],
        *lines[interp_head:body_city],
        *lines[masthead[0] : masthead[1] + 1],
        "",
        *lines[body_office:body_interp],
        *lines[body_city:body_office],
        *lines[body_interp:],
    ]
    return "\n".join(out)


def no_date_line() -> str:
    """三政〔2018〕32号 without its signature date."""
    return _replace_once(real_text(), "三门峡市人民政府\n\n2018年12月5日\n", "三门峡市人民政府\n\n")


def wrapped_rows() -> str:
    """Table rows wrapped and cut by a page break, a wrapped list item, a wrapped TOC title."""
    text = real_text()
    text = _replace_once(
        text,
        "12\t\tVIII-25\t传拓技艺 [古砚传拓技艺]\t陕州区非物质文化遗产保护中心",
        "12\t\tVIII-25\t传拓技艺 [古砚传拓技艺]\t陕州区非物质文化遗产\n保护中心",
    )
    text = _replace_once(
        text,
        "5\t\tVII-12\t卢氏烙画\t卢氏县非物质文化遗产保护中心",
        "5\t\tVII-12\t卢氏\n烙画\t卢氏县非物质文化遗产保护中心",
    )
    text = _replace_once(
        text,
        "8\t\tVIII-21\t九蒸九晒技艺\t卢氏县九拙堂电子商务有限公司\n",
        "8\t\tVIII-21\t九蒸九晒技艺\t卢氏县九拙堂电子商务有限公司\n\n— 3 —\n\n"
        "三门峡市人民政府公报\n\n"
        "序号\t项目类别\t项目编号\t项目名称\t申报单位\n",
    )
    text = _replace_once(text, "57. 三门峡强芯铸造材料有限公司", "57. 三门峡强芯铸造\n材料有限公司")
    return _replace_once(
        text,
        "三门峡市人民政府办公室关于印发三门峡市政府重大会议预公开制度和三门峡市政府重大行政决策预公开制度的通知\t40",
        "三门峡市人民政府办公室关于印发三门峡市政府重大会议预公开制度和三门峡市政府\n重大行政决策预公开制度的通知\t40",
    )


SPEECH = """
在全市政务公开工作会议上的 讲 话

（2019 年 1 月 18 日）

同志们：

今天召开全市政务公开工作会议，主要任务是总结去年工作，安排部署今年的政务公开工作。刚才，市政府办公室通报了全市政务公开工作情况，

三门峡市人民政府公报 2019 年第 2 号

— 55 —

几个单位作了交流发言，讲得都很好，希望大家认真学习借鉴。

一、充分认识做好政务公开工作的重要意义

- 政务公开是建设法治政府的重要内容；
- 政务公开是密切联系群众的重要途径。

二、切实抓好重大会议和重大决策预公开

要严格执行《三门峡市政府重大会议预公开制度》和《三门峡市政府重大行政决策预公开制度》（三政办〔2018〕45号），让公开成为常态。
"""


def leader_speech() -> str:
    """An extra 【领导讲话】 section with one speech (invented text) and page furniture."""
    text = real_text()
    text = _replace_once(
        text,
        "《三门峡市政府关于大力推进装配式建筑发展的实施方案》解读\t51\n",
        "《三门峡市政府关于大力推进装配式建筑发展的实施方案》解读\t51\n\n【领导讲话】\n\n"
        "在全市政务公开工作会议上的讲话\t55\n",
    )
    return text.rstrip("\n") + "\n" + SPEECH


def running_headers() -> str:
    """Running headers and page numbers at the page breaks inside paragraphs."""
    text = real_text()
    text = _replace_once(
        text,
        "组织和监控企业日\n\n常财务活动。",
        "组织和监控企业日\n\n三门峡市人民政府公报\n\n— 9 —\n\n常财务活动。",
    )
    return _replace_once(
        text,
        "从严审批债务风险较高地\n\n区的新开工项目。",
        "从严审批债务风险较高地\n\n2019 年第 2 号(总第 157 号)\n\n-14-\n\n区的新开工项目。",
    )


def missing_toc_entry() -> str:
    """三政〔2018〕33号 printed in the body but left out of the TOC."""
    return _replace_once(
        real_text(), "三门峡市人民政府关于组建三门峡市文化旅游交通发展集团有限公司的通知\t5\n", ""
    )


#: Another city's gazette, 2019 No. 2 like ours: invented text in the same printed layout.
OTHER_GAZETTE = """北京市人民政府 公 报

目 录

【市政府文件】

北京市人民政府关于开展城市绿化美化专项行动的通知	1

2019

第 2 号(总第 590 号)

主 办

北京市人民政府办公厅

出版日期:2019 年 1 月 25 日

北京市人民政府 关于开展城市绿化美化专项行动的 通 知

京政发〔2019〕3号

各区人民政府，市政府各委、办、局：

为改善城市生态环境，市政府决定在全市开展城市绿化美化专项行动。现将有关事项通知如下：

一、各区要制定本区绿化美化工作方案，明确责任单位和完成时限。

二、市园林绿化局负责统筹协调和督促检查。

北京市人民政府

2019年1月10日
"""


def no_toc() -> str:
    """The masthead kept, the table of contents gone: the body follows the masthead."""
    lines = _lines()
    toc = _index(lines, "目 录")
    masthead = (_index(lines, "--\t"), _index(lines, "(内部资料免费赠阅)"))
    body = _index(lines, "三门峡市人民政府 关于表彰全市交通运输系统")
    return "\n".join(lines[:toc] + lines[masthead[0] + 1 : masthead[1] + 1] + lines[body:])


NOT_A_GAZETTE = """三门峡市召开政务公开工作推进会

2019 年 1 月 18 日，市政府召开政务公开工作推进会，安排部署今年的工作。

会议要求，各单位要认真落实重大会议和重大决策预公开制度。
"""


VARIANTS: dict[str, Callable[[], str]] = {
    "issue-2019-03.txt": issue_2019_03,
    "reordered-sections.txt": reordered_sections,
    "no-date-line.txt": no_date_line,
    "wrapped-rows.txt": wrapped_rows,
    "leader-speech.txt": leader_speech,
    "running-headers.txt": running_headers,
    "missing-toc-entry.txt": missing_toc_entry,
    "not-a-gazette.txt": lambda: NOT_A_GAZETTE,
    "other-gazette.txt": lambda: OTHER_GAZETTE,
    "no-toc.txt": no_toc,
}


def main() -> None:
    for name, build in VARIANTS.items():
        (HERE / name).write_text(build(), encoding="utf-8")


if __name__ == "__main__":
    main()
