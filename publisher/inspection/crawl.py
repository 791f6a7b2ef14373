"""A bounded crawl of the public site from its home page: every internal link, stylesheet,
image and attachment must answer 200 (链接可用性, 附件下载), and the CSV downloads must not
carry a cell a spreadsheet would run as a formula. External links are counted, not fetched
(the service's machines may not reach the Internet)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from publisher.inspection.model import Finding, Level
from publisher.spreadsheets import FORMULA_STARTS

#: (status, content type, body) of a GET of a path on the site
Fetch = Callable[[str], tuple[int, str, bytes]]
#: never crawled: staff pages and API need a sign-in; the rest are not pages people follow
SKIPPED = ("/staff", "/api/v1/staff")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "link": "href", "img": "src", "script": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.found.append(value)


@dataclass
class CrawlResult:
    visited: int = 0
    broken: list[tuple[str, int, str]] = field(default_factory=list)  # url, status, found on
    formulas: list[str] = field(default_factory=list)
    external: set[str] = field(default_factory=set)
    truncated: bool = False


def _internal(link: str, page: str, base_url: str) -> str | None:
    """The site path a link leads to, or None for another site or a non-web scheme."""
    absolute = urljoin(base_url.rstrip("/") + page, link)
    absolute, _ = urldefrag(absolute)
    parts, base = urlsplit(absolute), urlsplit(base_url)
    if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _formula_cells(body: bytes) -> int:
    """Cells a spreadsheet would run: text starting like a formula (numbers are numbers)."""
    text = body.decode("utf-8-sig", errors="replace")
    return sum(
        1
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell.startswith(FORMULA_STARTS) and not _is_number(cell)
    )


def crawl(fetch: Fetch, base_url: str, limit: int = 400) -> CrawlResult:
    result = CrawlResult()
    queue: list[tuple[str, str]] = [("/", "")]
    seen = {"/"}
    while queue:
        if result.visited >= limit:
            result.truncated = True
            break
        path, found_on = queue.pop(0)
        status, content_type, body = fetch(path)
        result.visited += 1
        if status != 200:
            result.broken.append((path, status, found_on))
            continue
        if content_type.startswith("text/csv") and _formula_cells(body):
            result.formulas.append(path)
        if not content_type.startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8", errors="replace"))
        for link in parser.found:
            if link.startswith(("mailto:", "tel:", "javascript:", "#")):
                continue
            target = _internal(link, path, base_url)
            if target is None:
                if link.startswith(("http://", "https://")):
                    result.external.add(link)
                continue
            if target not in seen and not target.startswith(SKIPPED):
                seen.add(target)
                queue.append((target, path))
    return result


def crawl_findings(result: CrawlResult) -> list[Finding]:
    broken = tuple(
        f"{url} 返回 {status}" + (f"（链接位于 {on}）" if on else "")
        for url, status, on in result.broken
    )
    attachments = tuple(b for b in broken if "/attachments/" in b)
    links = tuple(b for b in broken if "/attachments/" not in b)
    note = f"检查了 {result.visited} 个地址" + ("（已达上限，未查完）" if result.truncated else "")
    outside = f"外部链接 {len(result.external)} 个未检查（服务器不访问外网）"
    return [
        Finding(
            indicator="链接可用性",
            threshold="页面上的链接（含图片、样式）均应可以访问",
            veto=False,
            level=Level.FAIL if links else Level.PASS,
            evidence=(*links, note, outside),
            action="修正或删除这些失效链接" if links else "",
        ),
        Finding(
            indicator="附件下载",
            threshold="页面上的附件均应可以下载",
            veto=False,
            level=Level.FAIL if attachments else Level.PASS,
            evidence=attachments,
            action="重新上传这些附件" if attachments else "",
        ),
        Finding(
            indicator="数据下载安全：CSV 公式注入",
            threshold="CSV 下载中不得有会被电子表格当作公式执行的单元格",
            veto=False,
            level=Level.FAIL if result.formulas else Level.PASS,
            evidence=tuple(result.formulas),
            action="检查这些数据集的导出" if result.formulas else "",
        ),
    ]
