"""Hostile attachments (issue #19): decompression bombs, damaged archives, endless texts.

Every file is built here, for real: zip bombs with the standard library, documents with
python-docx, PDFs by hand. A refusal must store nothing (no row, no file).
"""

from __future__ import annotations

import io
import re
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from consultation import attachments
from publisher.settings import Settings
from tests.consultation.test_attachments import STAFF_PATH, make_docx, upload, write_pdf
from tests.support.bodies import open_consultation
from tests.support.staff import StaffFixture

PARAGRAPH = "第{}条 城区道路临时停车泊位由市城市管理部门统一设置，并向社会公布，接受群众监督。"


def _rezip(base: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a real DOCX with some parts replaced or added (deflated, as Word does)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def _document_xml(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()


def _post(client: TestClient, staff: StaffFixture, draft_id: int, data: bytes) -> dict[str, str]:
    response = client.post(
        f"{STAFF_PATH}/{draft_id}/attachments",
        data={"title": "起草说明"},
        files={"file": ("起草说明.docx", data, "application/octet-stream")},
        headers=staff.headers("editor"),
    )
    assert response.status_code == 422, response.text
    error: dict[str, str] = response.json()["error"]
    return error


def _nothing_stored(client: TestClient, draft_id: int, settings: Settings) -> None:
    assert client.get(f"/api/v1/consultations/{draft_id}").json()["attachments"] == []
    folder = Path(settings.data_dir) / "attachments"
    assert not folder.exists() or not any(folder.iterdir())
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:  # nor in the database's blob store
        assert connection.scalar(text("SELECT count(*) FROM blob")) == 0
        assert connection.scalar(text("SELECT count(*) FROM blob_chunk")) == 0


def test_a_docx_unpacking_to_tens_of_megabytes_is_refused_before_parsing(
    client: TestClient, staff: StaffFixture, settings: Settings
) -> None:
    """The reported bomb, smaller: under 400 KB packed, 40 MB of real Word XML unpacked."""
    draft_id = open_consultation(client, staff.headers("editor"))
    repeated = _document_xml([PARAGRAPH.format(1)] * 300_000)
    assert len(repeated) > 40 * 1024 * 1024
    bomb = _rezip(make_docx("说明"), {"word/document.xml": repeated})
    assert len(bomb) < 400 * 1024
    error = _post(client, staff, draft_id, bomb)
    assert "解压后过大" in error["message_zh"] and "unpacks to" in error["message"]
    _nothing_stored(client, draft_id, settings)


def test_a_part_packed_a_thousandfold_is_refused_even_under_the_size_cap(
    client: TestClient, staff: StaffFixture, settings: Settings
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    padding = b" " * (4 * 1024 * 1024)  # 4 MB of spaces: packs to a few KB
    bomb = _rezip(make_docx("说明"), {}, add={"word/media/padding.xml": padding})
    assert len(bomb) < attachments.MAX_DOCX_UNPACKED
    error = _post(client, staff, draft_id, bomb)
    assert "压缩比异常" in error["message_zh"] and "packed over" in error["message"]
    _nothing_stored(client, draft_id, settings)


def test_a_docx_of_thousands_of_parts_is_refused(
    client: TestClient, staff: StaffFixture, settings: Settings
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    parts = {f"word/media/p{n}.xml": b"<x/>" for n in range(attachments.MAX_DOCX_MEMBERS + 1)}
    error = _post(client, staff, draft_id, _rezip(make_docx("说明"), {}, add=parts))
    assert "parts" in error["message"]
    _nothing_stored(client, draft_id, settings)


def _central_entries(data: bytes) -> list[tuple[int, int]]:
    """(position, local header offset) of each central directory entry."""
    end_record = data.rindex(b"PK\x05\x06")
    position = struct.unpack("<I", data[end_record + 16 : end_record + 20])[0]
    entries = []
    while data[position : position + 4] == b"PK\x01\x02":
        lengths = struct.unpack("<HHH", data[position + 28 : position + 34])
        entries.append((position, struct.unpack("<I", data[position + 42 : position + 46])[0]))
        position += 46 + sum(lengths)
    return entries


def _flip_crc(data: bytes, member: str) -> bytes:
    """Change one member's checksum in the central directory and its local header."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    wrong = struct.pack("<I", info.CRC ^ 0xFFFFFFFF)
    out = bytearray(data)
    out[info.header_offset + 14 : info.header_offset + 18] = wrong  # local file header
    for position, local_offset in _central_entries(data):
        if local_offset == info.header_offset:
            out[position + 16 : position + 20] = wrong
    return bytes(out)


def test_a_damaged_docx_is_refused_with_a_clear_message(
    client: TestClient, staff: StaffFixture, settings: Settings
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    damaged = _flip_crc(make_docx("第一条 说明。"), "word/document.xml")
    error = _post(client, staff, draft_id, damaged)
    assert "已损坏" in error["message_zh"] and "damaged" in error["message"]
    _nothing_stored(client, draft_id, settings)


def test_a_part_declaring_less_than_it_holds_is_never_inflated_past_its_declaration() -> None:
    """The size checks trust the central directory; this holds because zipfile stops reading
    a member at its declared size. A part that says 1 KB but holds 64 MB of zeros, with the
    checksum of its first 1 KB, is read as 1 KB: memory stays small."""
    honest = b"\0" * 1024
    inflated = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = inflated.compress(b"\0" * (64 * 1024 * 1024)) + inflated.flush()
    base = make_docx("第一条 说明。")
    forged = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        info = zipfile.ZipInfo("word/media/forged.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(info, honest)
    data = bytearray(forged.getvalue())
    # swap in the 64 MB stream as the member's data, keeping its declared size and checksum
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        member = archive.getinfo("word/media/forged.bin")
        start = member.header_offset + 30 + len(member.filename) + len(member.extra)
        end = start + member.compress_size
    rebuilt = bytes(data[:start]) + stream + bytes(data[end:])
    shift = len(stream) - member.compress_size
    rebuilt = _fix_offsets(rebuilt, member, len(stream), shift)

    tracemalloc.start()
    try:
        attachments.check_docx_archive(rebuilt)
        extracted = attachments.extract_text(rebuilt, attachments.DOCX)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert extracted.text == "第一条 说明。"
    assert peak < 16 * 1024 * 1024, f"peak {peak} bytes"


def _fix_offsets(data: bytes, member: zipfile.ZipInfo, packed: int, shift: int) -> bytes:
    """Patch the forged member's packed size (local and central) and the offsets after it."""
    out = bytearray(data)
    out[member.header_offset + 18 : member.header_offset + 22] = struct.pack("<I", packed)
    end_record = out.rindex(b"PK\x05\x06")
    directory_offset = struct.unpack("<I", out[end_record + 16 : end_record + 20])[0] + shift
    out[end_record + 16 : end_record + 20] = struct.pack("<I", directory_offset)
    for position, local_offset in _central_entries(bytes(out)):
        if local_offset == member.header_offset:
            out[position + 20 : position + 24] = struct.pack("<I", packed)
        elif local_offset > member.header_offset:
            out[position + 42 : position + 46] = struct.pack("<I", local_offset + shift)
    return bytes(out)


def test_an_endless_text_is_cut_at_the_budget_said_so_and_shown_in_pages(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    count = attachments.MAX_TEXT_CHARS // len(PARAGRAPH.format(10_000)) + 2_000
    lines = [PARAGRAPH.format(n) for n in range(1, count + 1)]
    long_docx = _rezip(make_docx("说明"), {"word/document.xml": _document_xml(lines)})
    stored = upload(client, staff, draft_id, "起草说明", "起草说明.docx", long_docx)
    assert stored["text_truncated"] is True
    assert (
        attachments.MAX_TEXT_CHARS - 100
        <= int(str(stored["text_chars"]))
        <= (attachments.MAX_TEXT_CHARS)
    )
    listed = client.get(f"/api/v1/consultations/{draft_id}").json()["attachments"]
    assert listed[0]["text_truncated"] is True

    first = client.get(str(stored["text_url"]))
    assert first.status_code == 200
    assert "文字版只收录了前 500,000 字左右" in first.text
    assert f"<p>{lines[0]}</p>" in first.text and lines[-1] not in first.text
    assert len(first.text) < 4 * attachments.TEXT_PAGE_CHARS  # one page, not the whole text
    pager = re.search(r"第 1 / (\d+) 页", first.text)
    assert pager is not None and 'rel="next"' in first.text
    page_count = int(pager.group(1))
    assert page_count == -(-attachments.MAX_TEXT_CHARS // attachments.TEXT_PAGE_CHARS)
    last = client.get(str(stored["text_url"]), params={"page": page_count})
    assert last.status_code == 200 and 'rel="prev"' in last.text and 'rel="next"' not in last.text
    beyond = client.get(str(stored["text_url"]), params={"page": page_count + 1})
    assert beyond.status_code == 404 and f"共{page_count}页" in beyond.text
    assert client.get(str(stored["text_url"]), params={"page": "0"}).status_code == 422


def test_a_short_text_has_no_pager_and_no_truncation_note(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    stored = upload(client, staff, draft_id, "起草说明", "说明.docx", make_docx("第一条 说明。"))
    assert stored["text_truncated"] is False
    shown = client.get(str(stored["text_url"])).text
    assert "<p>第一条 说明。</p>" in shown and "只收录" not in shown and "上一页" not in shown


def _pdf_of_pages(count: int) -> bytes:
    """A PDF of `count` pages sharing one small text stream (so the file stays small)."""
    content = b"BT /F1 12 Tf 72 720 Td (Page text) Tj ET"
    kids = " ".join(f"{5 + n} 0 R" for n in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ] + [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    ] * count
    return write_pdf(objects)


def test_a_pdf_longer_than_the_page_budget_is_read_up_to_it() -> None:
    extracted = attachments.extract_text(
        _pdf_of_pages(attachments.MAX_PDF_PAGES + 1), attachments.PDF
    )
    assert extracted.truncated is True
    assert extracted.text.count("Page text") == attachments.MAX_PDF_PAGES
    whole = attachments.extract_text(_pdf_of_pages(3), attachments.PDF)
    assert whole.truncated is False and whole.text.count("Page text") == 3


def test_text_pages_keep_paragraphs_whole_and_split_only_giant_ones() -> None:
    pages = attachments.text_pages("甲" * 15 + "\n" + "乙" * 10 + "\n" + "丙" * 45, page_chars=20)
    assert pages == [["甲" * 15], ["乙" * 10], ["丙" * 20], ["丙" * 20], ["丙" * 5]]
    assert attachments.text_pages("") == []


def test_radical_code_points_become_the_characters_they_stand_for() -> None:
    """Fonts map 人 to the Kangxi radical U+2F08 and 民 to the supplement form U+2EA0 (#14)."""
    extracted = attachments.extract_text(
        make_docx("中华\u2f08\u2ea0共和国\u2f47\u2ed4，（\u2fa6额）：保持全角标点。"),
        attachments.DOCX,
    )
    assert extracted.text == "中华人民共和国日门，（金额）：保持全角标点。"
