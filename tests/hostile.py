"""Hostile and broken inputs, made at test time (nothing is downloaded).

Each ``WORKBOOKS`` entry writes one workbook into an empty folder and returns its path; each
``TEMPLATES`` entry writes one .docx template.  They cover what files from the wild do to a
reader: no worksheets, Strict Open XML, counts of thousands of digits, one formatted cell at
XFD1048576, a zip bomb, a million formatted empty rows, a 1 MB cell, formulas typed as text,
control characters in a file name, broken or hostile XML, missing parts, too many parts, and
templates whose parts are named ``../x`` or ``/x`` or inflate to a gigabyte.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Font

SHEET = "xl/worksheets/sheet1.xml"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
GIGABYTE = 1_100_000_000


def tally(
    path: Path,
    unit: str = "青山村",
    rows: list[list] | None = None,
    figures: list[list] | None = None,
    sheet: str = "2022年",
) -> Path:
    """A small valid tally (bold header, so the workbook has a second cell style)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([f"填报单位：{unit}"])
    ws.append(["领域", "检查次数", "排查隐患", "整改隐患", "查处违章"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows or [["消防安全", 4, 2, 2, 0], ["道路交通安全", 3, 1, 1, 5]]:
        ws.append(row)
    if figures:
        fs = wb.create_sheet("指标")
        fs.append(["指标", "数量", "单位"])
        for row in figures:
            fs.append(row)
        for cells in fs.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # as typed: text, even when it starts with "="
    wb.save(path)
    return path


def rewrite(
    path: Path,
    changes: dict[str, bytes | Callable[[bytes], bytes] | None],
    extra: list[tuple[str, bytes]] = (),
    level: int = 6,
) -> Path:
    """Copy the package with some parts replaced (bytes or a function of the old bytes),
    dropped (None), or added (``extra``, written after the others)."""
    data = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data[name] = z.read(name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, content in data.items():
            change = changes.get(name, content)
            if callable(change):
                change = change(content)
            if change is not None:
                z.writestr(name, change)
        for name, content in extra:
            z.writestr(name, content)
    return path


def _before_sheet_data_end(xml: bytes, rows: bytes) -> bytes:
    return xml.replace(b"</sheetData>", rows + b"</sheetData>", 1)


def _dimension(xml: bytes, ref: str) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), xml)


def _stream_member(path: Path, name: str, head: bytes, unit: bytes, size: int, tail: bytes) -> None:
    """Append a member of ``size`` bytes (``unit`` repeated) to a zip without holding it."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open(name, "w", force_zip64=True) as out:
            out.write(head)
            block = unit * max(1, (1 << 22) // len(unit))
            written = len(head)
            while written < size:
                out.write(block)
                written += len(block)
            out.write(tail)


# ---------------------------------------------------------------- workbooks


def no_worksheets(d: Path) -> Path:
    path = tally(d / "没有工作表.xlsx")
    return rewrite(
        path,
        {
            "xl/workbook.xml": lambda x: re.sub(
                rb"<sheets>.*</sheets>", b"<sheets/>", x, flags=re.S
            ),
            SHEET: None,
        },
    )


def strict_ooxml(d: Path) -> Path:
    path = tally(d / "严格格式.xlsx")
    return rewrite(
        path,
        {
            "xl/workbook.xml": lambda x: x.replace(MAIN_NS.encode(), STRICT_NS.encode()),
            SHEET: lambda x: x.replace(MAIN_NS.encode(), STRICT_NS.encode()),
        },
    )


def count_5000_digits(d: Path) -> Path:
    return tally(d / "五千位数.xlsx", rows=[["消防安全", "9" * 5000, 1, 1, 0]])


def count_400_digits(d: Path) -> Path:
    return tally(
        d / "四百位数.xlsx",
        rows=[["消防安全", "9" * 400, 1, 1, 0], ["道路交通安全", 1e300, 1, 1, 0]],
    )


def styled_cell_at_xfd1048576(d: Path) -> Path:
    path = tally(d / "末格有格式.xlsx")
    cell = b'<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    return rewrite(
        path, {SHEET: lambda x: _dimension(_before_sheet_data_end(x, cell), "A1:XFD1048576")}
    )


def million_formatted_rows(d: Path) -> Path:
    path = tally(d / "百万空行.xlsx")
    rows = b"".join(
        b'<row r="%d" s="1" customFormat="1" ht="20" customHeight="1"/>' % r
        for r in range(10, 1_000_010)
    )
    return rewrite(
        path, {SHEET: lambda x: _dimension(_before_sheet_data_end(x, rows), "A1:E1000009")}
    )


def formatted_empty_cells(d: Path) -> Path:
    path = tally(d / "空格有格式.xlsx")
    rows = b"".join(
        b'<row r="%d" s="1" customFormat="1"><c r="A%d" s="1"/><c r="XFD%d" s="1"/></row>'
        % (r, r, r)
        for r in range(10, 300_010)
    )
    return rewrite(path, {SHEET: lambda x: _before_sheet_data_end(x, rows)})


def zip_bomb(d: Path) -> Path:
    """3.8 MB on disk that would inflate to a 1.1 GB sheet."""
    path = tally(d / "压缩炸弹.xlsx")
    with zipfile.ZipFile(path) as z:
        head, _, tail = z.read(SHEET).partition(b"</sheetData>")
    rewrite(path, {SHEET: None})
    _stream_member(
        path,
        SHEET,
        head,
        b'<row><c t="inlineStr"><is><t>x</t></is></c></row>',
        GIGABYTE,
        b"</sheetData>" + tail,
    )
    return path


def lying_sizes(d: Path) -> Path:
    """A sheet whose recorded size is 100 bytes but which inflates to far more."""
    path = tally(d / "谎报大小.xlsx")
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(10, 200_000)
    )
    rewrite(path, {SHEET: lambda x: _before_sheet_data_end(x, rows)})
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(SHEET)
    # patch the uncompressed size in the local header and in the central directory entry
    raw[info.header_offset + 22 : info.header_offset + 26] = (100).to_bytes(4, "little")
    entry = raw.find(b"PK\x01\x02")
    while entry >= 0:
        name_len = int.from_bytes(raw[entry + 28 : entry + 30], "little")
        if raw[entry + 46 : entry + 46 + name_len] == SHEET.encode():
            raw[entry + 24 : entry + 28] = (100).to_bytes(4, "little")
        entry = raw.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(raw))
    return path


def cell_of_a_megabyte(d: Path) -> Path:
    return rewrite(
        tally(d / "巨大单元格.xlsx"),
        {
            SHEET: lambda x: _before_sheet_data_end(
                x,
                b'<row r="9"><c r="A9" t="inlineStr"><is><t>'
                + "消防".encode() * 350_000
                + b"</t></is></c></row>",
            )
        },
    )


def long_unknown_sector(d: Path) -> Path:
    return tally(d / "超长领域.xlsx", rows=[["未知领域" * 7_500, 1, 1, 1, 0]])


def formulas_typed_as_text(d: Path) -> Path:
    tally(d / "=1+1.xlsx", unit="", rows=[["消防安全", 1, 1, 1, 0]], sheet="@名单")
    return tally(
        d / "公式注入.xlsx",
        unit='=HYPERLINK("http://example.invalid","点我")',
        rows=[["消防安全", 4, 2, 3, 0]],
        figures=[["=cmd|'/ccalc'!A1", 5, "+个"], ["-2+3", 1, "@SUM(1)"]],
    )


def control_characters_in_name(d: Path) -> Path:
    return tally(d / "青山\x01村\x1f.xlsx", unit="")


def broken_sheet_xml(d: Path) -> Path:
    path = tally(d / "坏的XML.xlsx")
    return rewrite(path, {SHEET: lambda x: x[: len(x) // 2]})


def missing_sheet_part(d: Path) -> Path:
    path = tally(d / "缺少工作表部件.xlsx")
    return rewrite(path, {SHEET: None})


def external_entity(d: Path) -> Path:
    path = tally(d / "外部实体.xlsx")
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    cell = b'<row r="9"><c r="A9" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    return rewrite(
        path, {SHEET: lambda x: _before_sheet_data_end(x.replace(b"?>", b"?>" + doctype, 1), cell)}
    )


def billion_laughs(d: Path) -> Path:
    path = tally(d / "实体炸弹.xlsx")
    entities = b'<!ENTITY a0 "lol">' + b"".join(
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    doctype = b"<!DOCTYPE worksheet [" + entities + b"]>"
    cell = b'<row r="9"><c r="A9" t="inlineStr"><is><t>&a9;</t></is></c></row>'
    return rewrite(
        path, {SHEET: lambda x: _before_sheet_data_end(x.replace(b"?>", b"?>" + doctype, 1), cell)}
    )


def no_default_style(d: Path) -> Path:
    """Valid data, but without a styles part: openpyxl warns on the screen."""
    path = tally(d / "没有样式.xlsx")
    return rewrite(
        path,
        {
            "xl/styles.xml": None,
            "xl/_rels/workbook.xml.rels": lambda x: re.sub(
                rb"<Relationship [^>]*styles\.xml\"/>", b"", x
            ),
            "[Content_Types].xml": lambda x: re.sub(
                rb"<Override [^>]*styles\.xml\"[^>]*/>", b"", x
            ),
        },
    )


def too_many_rows(d: Path) -> Path:
    path = tally(d / "行数过多.xlsx")
    rows = b"".join(
        b'<row r="%d"><c r="F%d"><v>1</v></c></row>' % (r, r) for r in range(10, 100_011)
    )
    return rewrite(path, {SHEET: lambda x: _before_sheet_data_end(x, rows)})


def value_in_last_column(d: Path) -> Path:
    path = tally(d / "末列有值.xlsx")
    cell = b'<row r="9"><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row>'
    return rewrite(path, {SHEET: lambda x: _before_sheet_data_end(x, cell)})


def too_many_parts(d: Path) -> Path:
    path = tally(d / "部件过多.xlsx")
    return rewrite(path, {}, extra=[(f"extra/part{i}.xml", b"<a/>") for i in range(10_001)])


def truncated_zip(d: Path) -> Path:
    path = tally(d / "截断.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


WORKBOOKS: dict[str, Callable[[Path], Path]] = {
    "no-worksheets": no_worksheets,
    "strict-ooxml": strict_ooxml,
    "count-5000-digits": count_5000_digits,
    "count-400-digits": count_400_digits,
    "styled-cell-at-XFD1048576": styled_cell_at_xfd1048576,
    "million-formatted-rows": million_formatted_rows,
    "formatted-empty-cells": formatted_empty_cells,
    "zip-bomb": zip_bomb,
    "lying-sizes": lying_sizes,
    "cell-of-a-megabyte": cell_of_a_megabyte,
    "long-unknown-sector": long_unknown_sector,
    "formulas-typed-as-text": formulas_typed_as_text,
    "control-characters-in-name": control_characters_in_name,
    "broken-sheet-xml": broken_sheet_xml,
    "missing-sheet-part": missing_sheet_part,
    "external-entity": external_entity,
    "billion-laughs": billion_laughs,
    "no-default-style": no_default_style,
    "too-many-rows": too_many_rows,
    "value-in-last-column": value_in_last_column,
    "too-many-parts": too_many_parts,
    "truncated-zip": truncated_zip,
}


# ---------------------------------------------------------------- templates

DOCUMENT = "word/document.xml"


def good_template(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_paragraph("填报单位：{{ 填报单位 }}")
    doc.save(path)
    return path


def roster(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.active.append(["填报单位", "联系电话"])
    wb.active.append(["青山村", "12345678"])
    wb.save(path)
    return path


def member_dotdot(d: Path) -> Path:
    return rewrite(good_template(d / "上级目录.docx"), {}, extra=[("../evil.txt", b"x")])


def member_absolute(d: Path) -> Path:
    return rewrite(good_template(d / "绝对路径.docx"), {}, extra=[("/tmp/evil.txt", b"x")])


def member_backslash(d: Path) -> Path:
    return rewrite(good_template(d / "反斜杠.docx"), {}, extra=[("word\\..\\..\\evil.txt", b"x")])


def member_of_a_gigabyte(d: Path) -> Path:
    path = good_template(d / "巨大部件.docx")
    _stream_member(path, "word/media/big.bin", b"", b"\0" * 4096, GIGABYTE, b"")
    return path


def many_members(d: Path) -> Path:
    return rewrite(
        good_template(d / "部件过多.docx"),
        {},
        extra=[(f"extra/part{i}.xml", b"<a/>") for i in range(5_001)],
    )


def broken_document_xml(d: Path) -> Path:
    return rewrite(good_template(d / "坏的正文.docx"), {DOCUMENT: lambda x: x[: len(x) // 2]})


def document_external_entity(d: Path) -> Path:
    doctype = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return rewrite(
        good_template(d / "外部实体.docx"),
        {
            DOCUMENT: lambda x: x.replace(b"?>", b"?>" + doctype, 1).replace(
                "{{ 填报单位 }}".encode(), "&xxe;{{ 填报单位 }}".encode()
            )
        },
    )


def broken_relationships(d: Path) -> Path:
    return rewrite(
        good_template(d / "坏的关系.docx"), {"word/_rels/document.xml.rels": b"<Relationships"}
    )


def truncated_template(d: Path) -> Path:
    path = good_template(d / "截断.docx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


TEMPLATES: dict[str, Callable[[Path], Path]] = {
    "member-dotdot": member_dotdot,
    "member-absolute": member_absolute,
    "member-backslash": member_backslash,
    "member-of-a-gigabyte": member_of_a_gigabyte,
    "many-members": many_members,
    "broken-document-xml": broken_document_xml,
    "document-external-entity": document_external_entity,
    "broken-relationships": broken_relationships,
    "truncated-template": truncated_template,
}
