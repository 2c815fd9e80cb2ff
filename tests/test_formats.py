""".xls, .et, .ods and .csv returns give exactly the figures of their .xlsx originals.

The corpus is made once per session by LibreOffice itself (``soffice --convert-to xls`` /
``ods``) from the demo town's tallies and the messy villages; the CSVs are written in GB18030
and UTF-8 with BOM, comma-, tab- and semicolon-separated.  Every comparison goes through the
command line (``collect --json``, ``check``, ``build``) and reads what it wrote.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import docx
import messy
import openpyxl
import pytest
from clirun import run
from demotown import EXPECTED_TOTALS, inspections_folded

DEMO = Path(__file__).resolve().parent.parent / "docgen" / "demo" / "inputs"
TOWN = sorted((DEMO / "tallies").glob("*.xlsx"))
# the format each demo tally is sent in, in turn: a town as it really arrives
TOWN_FORMATS = ("xls", "xlsx", "et", "ods")


def _soffice() -> str:
    from docgen.output.pdf import find_soffice

    found = find_soffice()
    if found:
        return found
    reason = "LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _convert(soffice: str, sources: list[Path], target: Path, fmt: str, profile: Path) -> None:
    """One LibreOffice run converting every source (its own profile: other runs may be going)."""
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(target),
            *map(str, sources),
        ],
        timeout=600,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    missing = [s.name for s in sources if not (target / f"{s.stem}.{fmt}").exists()]
    if missing:
        # LibreOffice without Calc (libreoffice-writer-nogui alone) cannot convert workbooks
        reason = (
            f"soffice --convert-to {fmt} made no {missing[0]} (exit {done.returncode}; "
            f"{done.stderr.strip()[:200]}): is LibreOffice Calc installed? "
            "apt-get install libreoffice-calc-nogui"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def write_csv(source: Path, target: Path, encoding: str, delimiter: str) -> Path:
    """The first sheet of a workbook as a phone app or Excel exports it."""
    ws = openpyxl.load_workbook(source, data_only=True).worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in ws.iter_rows(values_only=True):
        writer.writerow([_as_text(v) for v in row])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(out.getvalue().encode(encoding))
    return target


def _as_text(value: object) -> str:
    """A value as Excel shows it in a CSV export: dates as 2023/1/5, whole numbers bare."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """xlsx originals, their LibreOffice conversions, and folders mixing every format."""
    soffice = _soffice()
    root = tmp_path_factory.mktemp("formats")
    town = root / "town-xlsx"
    town.mkdir()
    for path in TOWN:
        shutil.copy(path, town / path.name)
    villages = root / "villages-xlsx"
    village_files = messy.build_villages(villages)
    rosters = root / "rosters"
    rosters.mkdir()
    shutil.copy(DEMO / "units.xlsx", rosters / "units.xlsx")
    formulas = messy.save_rows(
        root / "formulas" / "公式村.xlsx",
        {
            "Sheet1": [
                ["填报单位：公式村"],
                messy.STANDARD_HEADER,
                ["消防安全", 3, 2, 1, 0],
                ["道路交通安全", "=B3*2", "=1/0", "=C3-1", 0],
            ]
        },
    )
    good_formulas = messy.save_rows(
        root / "formulas" / "算好村.xlsx",
        {
            "Sheet1": [
                ["填报单位：算好村"],
                messy.STANDARD_HEADER,
                ["消防安全", 3, 2, 1, 0],
                ["道路交通安全", "=B3*2", "=C3+5", "=C3-1", 0],
                ["合计", "=SUM(B3:B4)", "=SUM(C3:C4)", "=SUM(D3:D4)", "=SUM(E3:E4)"],
            ]
        },
    )
    formulas = [formulas, good_formulas]
    sources = [*sorted(town.glob("*.xlsx")), *village_files, rosters / "units.xlsx", *formulas]
    profile = root / "profile"
    _convert(soffice, sources, root / "xls", "xls", profile)
    _convert(soffice, sources, root / "ods", "ods", profile)
    # saved by LibreOffice, the .xlsx keeps its formulas' results too
    _convert(soffice, formulas, root / "lo-xlsx", "xlsx", profile)

    mixed = root / "town-mixed"
    mixed.mkdir()
    for i, path in enumerate(sorted(town.glob("*.xlsx"))):
        fmt = TOWN_FORMATS[i % len(TOWN_FORMATS)]
        if fmt == "xlsx":
            shutil.copy(path, mixed / path.name)
        elif fmt == "et":  # WPS writes its .et in the BIFF8 layout of an .xls
            shutil.copy(root / "xls" / f"{path.stem}.xls", mixed / f"{path.stem}.et")
        else:
            shutil.copy(root / fmt / f"{path.stem}.{fmt}", mixed / f"{path.stem}.{fmt}")

    vmixed = root / "villages-mixed"
    vmixed.mkdir()
    by_name = {p.stem: p for p in village_files}
    write_csv(by_name["青山村安全统计表"], vmixed / "青山村安全统计表.csv", "gb18030", ",")
    write_csv(by_name["镇属部门"], vmixed / "镇属部门.csv", "utf-8-sig", "\t")
    shutil.copy(root / "ods" / "石桥村.ods", vmixed / "石桥村.ods")
    shutil.copy(root / "xls" / "河口村统计表.xls", vmixed / "河口村统计表.xls")
    shutil.copy(root / "xls" / "松林社区.xls", vmixed / "松林社区.et")

    write_csv(rosters / "units.xlsx", rosters / "units.csv", "gb18030", ";")
    shutil.copy(root / "xls" / "units.xls", rosters / "units.xls")
    shutil.copy(root / "ods" / "units.ods", rosters / "units.ods")
    return root


def collect_json(folder: Path, cwd: Path | None = None) -> dict:
    result = run("collect", folder, "--json", cwd=cwd)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def figures_of(data: dict) -> dict:
    """Everything a document prints from the tallies, without the file names."""
    return {
        "totals": data["totals"],
        "years": data["years"],
        "figures": data["figures"],
        "units": {u["unit"]: u["totals"] for u in data["units"]},
        "errors": [p for p in data["problems"] if p["severity"] == "error"],
    }


# ---------------------------------------------------------------- same figures, every format


@pytest.mark.soffice
def test_town_sent_as_xls_et_ods_and_xlsx_gives_the_xlsx_figures(corpus):
    mixed = corpus / "town-mixed"
    suffixes = {p.suffix for p in mixed.iterdir()}
    assert suffixes == {".xlsx", ".xls", ".et", ".ods"}
    original = figures_of(collect_json(corpus / "town-xlsx"))
    converted = figures_of(collect_json(mixed))
    assert converted == original
    assert inspections_folded(converted["totals"]) == EXPECTED_TOTALS
    assert len(converted["units"]) == len(TOWN)


@pytest.mark.soffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_every_file_converted_alone_gives_its_figures(corpus, fmt):
    """Each LibreOffice conversion, all in one folder, against the all-.xlsx folder."""
    folder = corpus / f"only-{fmt}"
    folder.mkdir(exist_ok=True)
    for path in TOWN:
        shutil.copy(corpus / fmt / f"{path.stem}.{fmt}", folder / f"{path.stem}.{fmt}")
    assert figures_of(collect_json(folder)) == figures_of(collect_json(corpus / "town-xlsx"))


@pytest.mark.soffice
def test_messy_villages_as_csv_ods_xls_and_et_give_the_xlsx_figures(corpus):
    mixed = corpus / "villages-mixed"
    assert (mixed / "青山村安全统计表.csv").read_bytes()[:3] != b"\xef\xbb\xbf"  # GB18030
    assert (mixed / "镇属部门.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    original = collect_json(corpus / "villages-xlsx")
    converted = collect_json(mixed)
    assert figures_of(converted) == figures_of(original)
    assert inspections_folded(converted["totals"]) == messy.EXPECTED_TOTALS
    assert converted["figures"] == messy.EXPECTED_FIGURES
    # the 合计 that disagrees is named in the .ods as in the .xlsx: sheet and cell
    [stated] = [p for p in converted["problems"] if p["file"].endswith("石桥村.ods")]
    assert stated["cell"] == messy.VILLAGE_SHIQIAO_TOTAL_CELL and stated["sheet"]


@pytest.mark.soffice
@pytest.mark.parametrize("where", ["lo-xlsx/公式村.xlsx", "xls/公式村.xls", "ods/公式村.ods"])
def test_formulas_are_read_by_their_saved_results_and_errors_are_named(corpus, tmp_path, where):
    folder = tmp_path / "tallies"
    folder.mkdir()
    shutil.copy(corpus / where, folder)
    result = run("check", folder)
    assert result.exit_code == 1
    # =1/0 is an error value in every format, never an empty cell counted as 0
    [error] = [line for line in result.output.splitlines() if line.startswith("错误：")]
    assert "单元格 C4" in error and "#DIV/0!" in error
    # the other formulas (=B3*2, =C3-1) were read by their saved results: no other error
    assert "没有保存计算结果" not in result.output
    # formulas count by the results saved with them, and a 合计 row of formulas checks out
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(corpus / where.replace("公式村", "算好村"), good)
    data = collect_json(good)
    assert data["totals"]["道路交通安全"] == {
        "检查次数": 6,
        "排查隐患": 7,
        "整改隐患": 1,
        "查处违章": 0,
    }
    assert data["problems"] == []


@pytest.mark.soffice
def test_check_passes_the_mixed_town_like_the_xlsx_town(corpus):
    original = run("check", corpus / "town-xlsx")
    converted = run("check", corpus / "town-mixed")
    assert original.exit_code == converted.exit_code == 0, converted.output
    line = f"检查通过：统计表 {len(TOWN)} 个（{len(TOWN)} 个填报单位）"
    assert line in original.output and line in converted.output
    assert "Traceback" not in converted.output


def _workspace(root: Path, tallies: Path) -> Path:
    """A workspace whose tallies are ``tallies`` (no rosters: only the summary documents)."""
    result = run("init", root)
    assert result.exit_code == 0, result.output
    shutil.rmtree(root / "inputs" / "tallies")
    shutil.copytree(tallies, root / "inputs" / "tallies")
    for name in ("units.xlsx", "hazards.xlsx", "students.xlsx"):
        (root / "inputs" / name).unlink()
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    return root


def _sheet_values(path: Path, title: str) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[title]
    return [
        tuple(None if isinstance(v, str) and v.startswith("=") else v for v in row)
        for row in ws.iter_rows(values_only=True)
    ]


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


@pytest.mark.soffice
def test_build_from_the_mixed_town_writes_the_same_workbook_and_summary(corpus, tmp_path):
    original = _workspace(tmp_path / "xlsx" / "松岚镇", corpus / "town-xlsx")
    mixed = _workspace(tmp_path / "mixed" / "松岚镇", corpus / "town-mixed")
    for title in ("分领域汇总", "分年度", "指标"):
        assert _sheet_values(mixed / "outputs" / "汇总表.xlsx", title) == _sheet_values(
            original / "outputs" / "汇总表.xlsx", title
        ), title
    summary = _text(mixed / "outputs" / "工作总结.docx")
    assert summary == _text(original / "outputs" / "工作总结.docx")
    assert "1500份" in summary


@pytest.mark.soffice
def test_rosters_in_other_formats_give_the_same_documents(corpus, tmp_path):
    rosters = corpus / "rosters"
    checked = {}
    for name in ("units.xlsx", "units.xls", "units.ods", "units.csv"):
        result = run("check", rosters / name)
        assert result.exit_code == 0, (name, result.output)
        checked[name] = result.stdout.strip().splitlines()[-1]
    assert len(set(checked.values())) == 1, checked
    made = {}
    for name in ("units.xlsx", "units.ods", "units.csv"):
        out = tmp_path / name
        result = run("agreements", rosters / name, "-o", out)
        assert result.exit_code == 0, (name, result.output)
        files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.docx"))
        made[name] = (files, _text(out / files[0]))
    assert made["units.ods"] == made["units.xlsx"]
    assert made["units.csv"] == made["units.xlsx"]


@pytest.mark.soffice
def test_same_unit_sent_as_xlsx_and_as_xls_is_a_double_count(corpus, tmp_path):
    folder = tmp_path / "两份"
    folder.mkdir()
    shutil.copy(TOWN[0], folder / TOWN[0].name)
    shutil.copy(corpus / "xls" / f"{TOWN[0].stem}.xls", folder / f"{TOWN[0].stem}.xls")
    result = run("check", folder)
    assert result.exit_code == 1
    assert "重复" in result.output and f"{TOWN[0].stem}.xls" in result.output


# ---------------------------------------------------------------- broken and hostile files


def _check_fails_quickly(folder: Path, *needles: str, seconds: float = 20) -> str:
    import time

    started = time.monotonic()
    result = run("check", folder)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, (needle, result.output)
    assert elapsed < seconds, elapsed
    return result.output


@pytest.mark.soffice
@pytest.mark.parametrize("keep", [0.3, 0.5, 0.9])
def test_truncated_xls_ends_with_a_message(corpus, tmp_path, keep):
    data = (corpus / "xls" / f"{TOWN[1].stem}.xls").read_bytes()
    path = tmp_path / "半截村.xls"
    path.write_bytes(data[: int(len(data) * keep)])
    _check_fails_quickly(tmp_path, "半截村.xls", "另存为 .xlsx")


@pytest.mark.soffice
def test_encrypted_xls_and_wps_proprietary_et_are_named(corpus, tmp_path):
    import struct

    data = bytearray((corpus / "xls" / f"{TOWN[1].stem}.xls").read_bytes())
    # mark the workbook encrypted: the record after BOF becomes FILEPASS (what a password adds)
    from docgen.inputs.formats import Ole

    ole = Ole(bytes(data))
    _kind, start, _size = ole.entries["Workbook"]
    offset = (start + 1) * ole.size
    bof_length = struct.unpack_from("<H", data, offset + 2)[0]
    struct.pack_into("<H", data, offset + 4 + bof_length, 0x002F)
    (tmp_path / "加密村.xls").write_bytes(bytes(data))
    (tmp_path / "加密村.et").write_bytes(bytes(data))
    # a WPS file in its own format: an OLE container without Excel's workbook stream
    plain = (corpus / "xls" / f"{TOWN[1].stem}.xls").read_bytes()
    own = plain.replace("Workbook".encode("utf-16-le"), "WpsBook1".encode("utf-16-le"))
    (tmp_path / "专有村.et").write_bytes(own)
    output = _check_fails_quickly(tmp_path, "加密村.xls", "加密村.et", "专有村.et")

    def line_of(name: str) -> str:
        return next(line for line in output.splitlines() if name in line)

    assert "密码" in line_of("加密村.xls")
    assert "WPS" in line_of("加密村.et") and "加密" in line_of("加密村.et")
    assert "WPS 的专有或加密格式" in line_of("专有村.et")


def test_a_csv_of_ten_million_lines_ends_with_a_message(tmp_path):
    path = tmp_path / "千万行.csv"
    path.write_bytes(b"1\n" * 10_000_000)
    _check_fails_quickly(tmp_path, "千万行.csv", "100000 行", "A100001")


def test_a_csv_line_of_thirty_million_fields_ends_with_a_message(tmp_path):
    (tmp_path / "逗号村.csv").write_bytes(b"1" + b"," * 30_000_000 + b"1\n")
    _check_fails_quickly(tmp_path, "逗号村.csv", "第 1 行")


def test_a_huge_csv_is_refused_by_its_size_before_reading(tmp_path):
    path = tmp_path / "巨大.csv"
    with path.open("wb") as handle:  # sparse: 40 MB declared, nothing written
        handle.truncate(40 * 2**20)
    _check_fails_quickly(tmp_path, "巨大.csv", "40 MB", seconds=5)


def test_a_zip_bomb_ods_ends_with_a_message(tmp_path):
    import zipfile

    path = tmp_path / "炸弹.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        with z.open("content.xml", "w", force_zip64=True) as member:
            chunk = b"<a/>" * (1 << 18)
            for _ in range(150):  # 150 MB of XML in a file of a few hundred KB
                member.write(chunk)
    assert path.stat().st_size < 2 * 2**20
    _check_fails_quickly(tmp_path, "炸弹.ods", "解压后过大")


def _ods(path: Path, rows_xml: str) -> Path:
    import zipfile

    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", "<manifest/>")
        z.writestr("content.xml", content)
    return path


def test_repeated_cells_in_an_ods_are_counted_before_they_are_expanded(tmp_path):
    value = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
    _ods(
        tmp_path / "重复村.ods",
        f'<table:table-row table:number-rows-repeated="1000000">{value}</table:table-row>',
    )
    _check_fails_quickly(tmp_path, "重复村.ods", "100000 行", seconds=10)
    (tmp_path / "重复村.ods").unlink()
    wide = value.replace(
        "<table:table-cell ", '<table:table-cell table:number-columns-repeated="16000" '
    )
    _ods(tmp_path / "宽村.ods", f"<table:table-row>{wide}</table:table-row>")
    _check_fails_quickly(tmp_path, "宽村.ods", "1000 列", seconds=10)


def test_an_ods_of_millions_of_tiny_elements_ends_with_a_message(tmp_path):
    """5 million empty elements in one cell (45 MB of XML, a 90 KB file): counted, never
    kept, and refused at 2 million."""
    import zipfile

    path = tmp_path / "细碎村.ods"
    cell = '<table:table-cell office:value-type="string"><text:p>'
    _ods(path, f"<table:table-row>{cell}X</text:p></table:table-cell></table:table-row>")
    with zipfile.ZipFile(path) as z:
        content = z.read("content.xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        with z.open("content.xml", "w", force_zip64=True) as member:
            before, after = content.split(b">X<")
            member.write(before + b">")
            for _ in range(50):
                member.write(b"<text:s/>" * 100_000)
            member.write(b"<" + after)
    _check_fails_quickly(tmp_path, "细碎村.ods", "内部记录超过", seconds=90)


def _xlsb(path: Path, sheet: bytes) -> Path:
    """An .xlsb package holding one worksheet part (enough for the pre-scan to measure it)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00\x84\x01\x00")
        z.writestr("xl/worksheets/sheet1.bin", sheet)
    return path


def test_hostile_xlsb_parts_are_measured_before_parsing(tmp_path):
    import struct

    def record(kind: int, body: bytes) -> bytes:
        return bytes([kind, len(body)]) + body

    real = struct.pack("<IId", 0, 0, 1.0)  # column, style, value
    spread = record(0, struct.pack("<I", 0)) + record(5, real)
    spread += record(0, struct.pack("<I", 99_999)) + record(5, struct.pack("<IId", 999, 0, 1.0))
    _xlsb(tmp_path / "满表村.xlsb", spread)
    _xlsb(tmp_path / "细碎村.xlsb", b"\x01\x00" * 2_100_000)
    output = _check_fails_quickly(tmp_path, "满表村.xlsb", "细碎村.xlsb", seconds=60)
    assert "区域太大" in output and "内部记录超过" in output


def _record(kind: int, payload: bytes = b"") -> bytes:
    """One .xlsb record: its type and size as the format's variable-length integers."""
    out = bytearray()
    for value, most in ((kind, 2), (len(payload), 4)):
        for _ in range(most):
            out.append((value & 0x7F) | (0x80 if value >> 7 else 0))
            value >>= 7
            if not value:
                break
    return bytes(out) + payload


def _wide(text: str) -> bytes:
    import struct

    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


ERROR_BYTES = {"#DIV/0!": 0x07, "#N/A": 0x2A, "#VALUE!": 0x0F}


def _xlsb_sheet(rows: list[list]) -> bytes:
    """A worksheet part: numbers, text, "#N/A"-like error cells and "=#DIV/0!"-like formulas
    whose saved result is an error."""
    import struct

    width = max(len(r) for r in rows)
    body = _record(129) + _record(148, struct.pack("<IIII", 0, len(rows) - 1, 0, width - 1))
    body += _record(145)
    for r, values in enumerate(rows):
        body += _record(0, struct.pack("<IIH", r, 0, 300).ljust(17, b"\0"))
        for c, v in enumerate(values):
            cell = struct.pack("<II", c, 0)
            if isinstance(v, str) and v.lstrip("=") in ERROR_BYTES:
                code = bytes([ERROR_BYTES[v.lstrip("=")]])
                formula = b"\0\0" + struct.pack("<II", 0, 0)  # flags, an empty formula
                body += (
                    _record(11, cell + code + formula) if v[0] == "=" else _record(3, cell + code)
                )
            elif isinstance(v, str):
                body += _record(6, cell + _wide(v))
            elif v is not None:
                body += _record(5, cell + struct.pack("<d", float(v)))
    return body + _record(146) + _record(130)


def xlsb_workbook(path: Path, sheets: list[tuple[str, list[list]]]) -> Path:
    """An .xlsb as Excel saves one; its worksheet parts numbered in reverse of the workbook's
    order of sheets (as after moving sheets around in Excel)."""
    import zipfile

    namespace = "http://schemas.openxmlformats.org/package/2006/relationships"
    worksheet = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    rels = f'<Relationships xmlns="{namespace}">'
    book = _record(131) + _record(143)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, (name, rows) in enumerate(sheets, start=1):
            part = f"sheet{len(sheets) + 1 - n}.bin"
            rels += f'<Relationship Id="rId{n}" Type="{worksheet}" Target="worksheets/{part}"/>'
            book += _record(156, bytes(4) + bytes([n, 0, 0, 0]) + _wide(f"rId{n}") + _wide(name))
            z.writestr(f"xl/worksheets/{part}", _xlsb_sheet(rows))
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/_rels/workbook.bin.rels", rels + "</Relationships>")
        z.writestr("xl/workbook.bin", book + _record(144) + _record(132))
    return path


def test_xlsb_error_cells_and_formula_errors_are_named_not_counted(tmp_path):
    header = ["领域", "检查次数", "排查隐患", "整改隐患", "查处违章"]
    folder = tmp_path / "统计表"
    folder.mkdir()
    xlsb_workbook(
        folder / "东山村.xlsb",
        [
            ("2021年", [["填报单位：东山村"], header, ["消防安全", 4, 2, 2, 0]]),
            ("2022年", [["填报单位：东山村"], header, ["消防安全", 5, "=#DIV/0!", 1, "#N/A"]]),
        ],
    )
    result = run("check", folder)
    assert result.exit_code == 1, result.output
    assert "工作表“2022年”，单元格 C3" in result.output and "#DIV/0!" in result.output
    assert "工作表“2022年”，单元格 E3" in result.output and "#N/A" in result.output
    assert "2021年" not in result.output  # the good sheet, read from the other part, is fine
    fixed = xlsb_workbook(
        tmp_path / "东山村.xlsb",
        [
            ("2021年", [["填报单位：东山村"], header, ["消防安全", 4, 2, 2, 0]]),
            ("2022年", [["填报单位：东山村"], header, ["消防安全", 5, 3, 1, 0]]),
        ],
    )
    shutil.move(fixed, folder / "东山村.xlsb")
    collected = run("collect", folder, "--json")
    assert collected.exit_code == 0, collected.output
    totals = json.loads(collected.output)["totals"]["消防安全"]
    assert (totals["检查次数"], totals["排查隐患"], totals["整改隐患"]) == (9, 5, 3)


def test_a_password_protected_ods_is_named(tmp_path):
    import zipfile

    path = tmp_path / "密码村.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
            "</manifest:file-entry></manifest:manifest>",
        )
        z.writestr("content.xml", bytes(range(256)) * 4)
    _check_fails_quickly(tmp_path, "密码村.ods", "加密", "密码")


def test_a_hand_made_ods_reads_like_the_xlsx(tmp_path):
    def cell(value: str, kind: str = "string") -> str:
        attr = f' office:value="{value}"' if kind == "float" else ""
        return (
            f'<table:table-cell office:value-type="{kind}"{attr}><text:p>{value}</text:p>'
            "</table:table-cell>"
        )

    rows = [
        [cell("填报单位：手工村")],
        [cell(h) for h in messy.STANDARD_HEADER],
        [cell("消防安全"), cell("3", "float"), cell("３"), cell("2处"), cell("若干")],
    ]
    xml = "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows)
    _ods(tmp_path / "手工村.ods", xml)
    output = _check_fails_quickly(tmp_path, "手工村.ods", "单元格 E3", "若干")
    assert "单元格 C3" not in output and "单元格 D3" not in output


@pytest.mark.parametrize(
    ("name", "content", "needles"),
    [
        ("青山村.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 64, ["这是照片", "不要拍照"]),
        ("青山村统计表.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, ["这是照片"]),
        ("石门村.pdf", b"%PDF-1.7\n" + b"\x00" * 64, ["这是 PDF 文件"]),
        ("金竹村.doc", None, ["这是 Word 文档"]),
        ("白鹤村.docx", None, ["这是 Word 文档"]),
        ("双河村.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", ["网页"]),
    ],
)
def test_photos_pdfs_and_word_files_dropped_as_tallies_are_named(tmp_path, name, content, needles):
    import zipfile

    folder = tmp_path / "tallies"
    folder.mkdir()
    path = folder / name
    if name.endswith(".docx"):
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "<w:document/>")
    elif name.endswith(".doc"):
        path.write_bytes(_ole_with_stream("WordDocument"))
    else:
        path.write_bytes(content)
    messy.village_merged_title(folder)
    output = _check_fails_quickly(folder, name, *needles)
    assert "Traceback" not in output
    # given by name, and inside a build's tallies folder, the same message
    assert all(n in run("check", path).output for n in needles)


def _ole_with_stream(name: str, data: bytes = b"", shift: int = 9) -> bytes:
    """A minimal OLE compound file holding one stream called ``name``: the FAT sectors
    first, then the directory, then the stream (kept in regular sectors)."""
    import struct

    size = 1 << shift
    if data:
        data += bytes(max(0, 4096 - len(data)))  # below 4096 bytes it would be a mini stream
    sectors = (len(data) + size - 1) // size
    per_fat = size // 4
    fats = 1
    while fats * per_fat < fats + 1 + sectors:
        fats += 1
    assert fats <= 109
    header = bytearray(512)
    header[:8] = messy.OLE_FILE[:8]
    struct.pack_into("<HHHH", header, 0x18, 0x3E, 3 if shift == 9 else 4, 0xFFFE, shift)
    struct.pack_into("<H", header, 0x20, 6)
    struct.pack_into("<IIII", header, 0x2C, fats, fats, 0, 0x1000)
    struct.pack_into("<IIII", header, 0x3C, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 0x4C, *range(fats), *([0xFFFFFFFF] * (109 - fats)))
    first = fats + 1
    chain = [first + i + 1 for i in range(sectors - 1)] + ([0xFFFFFFFE] if sectors else [])
    entries = [0xFFFFFFFD] * fats + [0xFFFFFFFE, *chain]
    entries += [0xFFFFFFFF] * (fats * per_fat - len(entries))
    fat = struct.pack(f"<{len(entries)}I", *entries)

    def entry(text: str, kind: int, start: int, length: int = 0) -> bytes:
        raw = bytearray(128)
        encoded = (text + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, 0xFFFFFFFF, 0xFFFFFFFF, 1 if kind == 5 else 0xFFFFFFFF)
        struct.pack_into("<II", raw, 116, start, length)
        return bytes(raw)

    directory = entry("Root Entry", 5, 0xFFFFFFFE)
    directory += entry(name, 2, first if sectors else 0xFFFFFFFE, len(data))
    directory += bytes(size - len(directory))
    header += bytes(size - len(header))
    return bytes(header) + fat + directory + data + bytes(sectors * size - len(data))


def _biff(cells: list[tuple[int, int]]) -> bytes:
    """A BIFF8 workbook stream: one sheet with a number in each (row, col), 0-based."""
    import struct

    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    bof_globals = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    name = "Sheet1".encode("latin-1")

    def boundsheet(offset: int) -> bytes:
        return record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 0) + name)

    head = bof_globals + boundsheet(0) + record(0x000A, b"")
    sheet = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
    for row, col in cells:
        sheet += record(0x0203, struct.pack("<HHHd", row, col, 0, 1.0))
    sheet += record(0x000A, b"")
    return bof_globals + boundsheet(len(head)) + record(0x000A, b"") + sheet


def test_an_xls_whose_cells_span_the_whole_grid_is_refused_before_parsing(tmp_path):
    """Two numbers, at A1 and IV65536: a reader keeping the grid between them would build
    16 million cells; the pre-scan refuses the file from the positions alone."""
    folder = tmp_path / "tallies"
    folder.mkdir()
    (folder / "全表村.xls").write_bytes(_ole_with_stream("Workbook", _biff([(0, 0), (65535, 255)])))
    (folder / "小村.xls").write_bytes(_ole_with_stream("Workbook", _biff([(0, 0), (2, 3)])))
    output = _check_fails_quickly(folder, "全表村.xls", "区域太大", "IV65536", seconds=10)
    # the same records with a small span are read: the sheet holds numbers but no header
    small = [line for line in output.splitlines() if "小村.xls" in line and "全表村" not in line]
    assert small and all("无法识别这个工作簿" in line for line in small), output


def test_an_xls_of_millions_of_empty_records_ends_with_a_message(tmp_path):
    import struct

    records = _biff([(0, 0)])[:-4] + struct.pack("<HH", 0x0001, 0) * 2_100_000
    path = tmp_path / "记录村.xls"
    path.write_bytes(_ole_with_stream("Workbook", records, shift=12))
    _check_fails_quickly(tmp_path, "记录村.xls", "内部记录超过", seconds=30)


def test_text_export_named_xls_is_read_as_a_table(tmp_path):
    """Web systems export tab-separated text named .xls; Excel opens it, and so does docgen."""
    folder = tmp_path / "tallies"
    folder.mkdir()
    rows = ["填报单位：网报村", "\t".join(messy.STANDARD_HEADER), "消防安全\t3\t2\t1\t0"]
    (folder / "网报村.xls").write_bytes("\r\n".join(rows).encode("gb18030"))
    data = collect_json(folder)
    assert [u["unit"] for u in data["units"]] == ["网报村"]
    assert data["totals"]["消防安全"] == {
        "检查次数": 3,
        "排查隐患": 2,
        "整改隐患": 1,
        "查处违章": 0,
    }


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("gb18030", ","), ("gbk", "\t"), ("utf-8-sig", ";"), ("utf-8", ","), ("utf-16", "\t")],
)
def test_csv_encodings_and_separators(tmp_path, encoding, delimiter):
    folder = tmp_path / "tallies"
    folder.mkdir()
    rows = [
        ["填报单位：编码村"],
        messy.STANDARD_HEADER,
        ["道路交通", "５", "3处", " 14 ", ""],
        ["消防", "1,500", "0", "0", "若干"],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    (folder / "编码村.csv").write_bytes(out.getvalue().encode(encoding))
    result = run("check", folder)
    assert result.exit_code == 1
    # the one bad cell is named like in a workbook: sheet (the file's name) and A1 cell
    assert "编码村.csv，工作表“编码村”，单元格 E4" in result.output and "若干" in result.output
    assert result.output.count("错误：") == 1, result.output


# ---------------------------------------------------------------- twin tallies


def test_a_copy_under_another_name_is_reported_and_counted_once(tmp_path):
    folder = tmp_path / "tallies"
    shutil.copytree(DEMO / "tallies", folder)
    before = collect_json(folder)
    original = folder / "石门村安全检查统计（终稿）.xlsx"
    shutil.copy(original, folder / "石门村安全检查统计（终稿） - 副本.xlsx")
    no_line = folder / "无单位行.xlsx"
    messy.save_rows(no_line, {"Sheet1": [messy.STANDARD_HEADER, ["消防安全", 5, 0, 0, 0]]})
    shutil.copy(no_line, folder / "无单位行（终稿）.xlsx")  # its unit comes from the file name
    after = collect_json(folder)
    assert after["totals"]["消防安全"]["检查次数"] == before["totals"]["消防安全"]["检查次数"] + 5
    assert len(after["units"]) == len(before["units"]) + 1
    twins = [p for p in after["problems"] if "完全相同" in p["message"]]
    assert {Path(p["file"]).name for p in twins} == {
        "石门村安全检查统计（终稿） - 副本.xlsx",
        "无单位行（终稿）.xlsx",
    }
    result = run("check", folder)
    assert result.exit_code == 0
    assert "石门村安全检查统计（终稿） - 副本.xlsx" in result.output
    assert "完全相同" in result.output and "只计一次" in result.output


def test_the_same_unit_twice_is_an_error(tmp_path):
    folder = tmp_path / "tallies"
    first, second = messy.bad_duplicate(folder)
    result = run("check", folder)
    assert result.exit_code == 1
    assert first.name in result.output and second.name in result.output and "重复" in result.output
    assert run("collect", folder, "--json").exit_code == 1


def test_the_same_unit_in_year_sheets_and_in_an_undated_sheet_of_another_file(tmp_path):
    """石门村 sent its three year sheets, then one sheet with the three years added up."""
    folder = tmp_path / "tallies"
    folder.mkdir()
    shutil.copy(DEMO / "tallies" / "金竹村.xlsx", folder / "金竹村.xlsx")
    rows = [["填报单位：金竹村"], messy.STANDARD_HEADER, ["消防安全", 30, 6, 6, 0]]
    messy.save_rows(folder / "金竹村三年合计.xlsx", {"Sheet1": rows})
    result = run("check", folder)
    assert result.exit_code == 1
    [error] = [line for line in result.output.splitlines() if line.startswith("错误：")]
    assert "金竹村三年合计.xlsx" in error and "不分年度" in error and "重复计算" in error
    assert "金竹村.xlsx" in error.split("不分年度")[1]
    assert run("collect", folder, "--json").exit_code == 1
    # one file per year, each with its year sheet, is how a unit may send them
    (folder / "金竹村三年合计.xlsx").unlink()
    messy.save_rows(folder / "金竹村2023.xlsx", {"2023年": rows})
    assert run("check", folder).exit_code == 0


# ---------------------------------------------------------------- 催报


EXPECTED_UNITS = ["石门村", "金竹村", "青山村", "柳溪社区"]


@pytest.fixture
def expecting(tmp_path) -> Path:
    root = tmp_path / "松岚镇"
    assert run("init", root).exit_code == 0
    with (root / "docgen.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[tallies]\nexpected = ["石门村", "金竹村", "青山村", "柳溪社区"]\n')
    # the demo's units are named in full: a town's list names them as the town does
    for path in (root / "inputs" / "tallies").glob("*.xlsx"):
        if not path.name.startswith(("石门村", "金竹村")):
            path.unlink()
    return root


def test_check_names_the_units_that_have_not_reported(expecting):
    result = run("check", cwd=expecting)
    assert result.exit_code == 0, result.output
    assert "已交 2/4" in result.output
    assert "未交：青山村、柳溪社区" in result.output
    # a roster checked on its own says nothing about who has reported
    alone = run("check", "inputs/units.xlsx", cwd=expecting)
    assert alone.exit_code == 0 and "已交" not in alone.output
    assert "已交 2/4" in run("check", "inputs/tallies", cwd=expecting).output


def test_collect_json_carries_expected_and_missing(expecting):
    result = run("collect", "--json", cwd=expecting)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["expected"] == EXPECTED_UNITS
    assert data["missing"] == ["青山村", "柳溪社区"]
    assert "已交 2/4" in result.stderr


def test_build_names_the_missing_units(expecting):
    result = run("build", cwd=expecting)
    assert result.exit_code == 0, result.output
    assert "催报：已交 2/4，未交：青山村、柳溪社区" in result.output


def test_forms_writes_one_prenamed_tally_per_expected_unit(expecting):
    result = run("forms", "-o", "下发", cwd=expecting)
    assert result.exit_code == 0, result.output
    out = expecting / "下发"
    for unit in EXPECTED_UNITS:
        path = out / f"统计表-{unit}.xlsx"
        ws = openpyxl.load_workbook(path).active
        assert (ws["A2"].value, ws["B2"].value) == ("填报单位：", unit)
    # 青山村 fills in its form and sends it back: 已交 3/4
    path = out / "统计表-青山村.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.active["B5"] = 4
    wb.save(path)
    shutil.copy(path, expecting / "inputs" / "tallies" / path.name)
    result = run("check", cwd=expecting)
    assert "已交 3/4，未交：柳溪社区" in result.output, result.output
    data = json.loads(run("collect", "--json", cwd=expecting).stdout)
    assert "青山村" in [u["unit"] for u in data["units"]]


def test_no_list_no_reminder(tmp_path):
    root = tmp_path / "镇"
    assert run("init", root).exit_code == 0
    result = run("check", cwd=root)
    assert result.exit_code == 0 and "已交" not in result.output
    assert json.loads(run("collect", "--json", cwd=root).stdout)["missing"] == []


def test_reporting_status_matches_names_as_typed():
    from docgen.inputs.checking import reporting_status

    status = reporting_status(
        ["青山村", " 石门村", "柳溪社区", "青山村"], ["石门村", "青 山村", "外村"]
    )
    assert status.expected == ["青山村", "石门村", "柳溪社区"]
    assert status.submitted == ["青山村", "石门村"]
    assert status.missing == ["柳溪社区"]
    assert status.unexpected == ["外村"]
    assert status.line() == "已交 2/3，未交：柳溪社区"
    assert reporting_status([], ["石门村"]).to_json()["missing"] == []


@pytest.mark.soffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_damaged_copies_never_give_a_traceback(corpus, tmp_path, fmt):
    """Cut and bit-flipped copies of a LibreOffice-made file: each is read or refused with a
    message naming it, and the good tally beside them is still counted."""
    import random

    rng = random.Random(22)
    data = (corpus / fmt / f"{TOWN[2].stem}.{fmt}").read_bytes()
    folder = tmp_path / "tallies"
    folder.mkdir()
    for i in range(24):
        damaged = bytearray(data[: rng.randrange(64, len(data))] if i % 3 == 0 else data)
        for _ in range(rng.randrange(1, 8)):
            at = rng.randrange(len(damaged))
            damaged[at] = rng.randrange(256)
        (folder / f"坏{i:02d}村.{fmt}").write_bytes(bytes(damaged))
    shutil.copy(TOWN[5], folder / TOWN[5].name)
    import time

    started = time.monotonic()
    result = run("check", folder)
    assert time.monotonic() - started < 60
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.output.splitlines() if line.startswith("错误：")]
    named = {f"坏{i:02d}村.{fmt}" for i in range(24) if any(f"坏{i:02d}村" in e for e in errors)}
    assert len(named) >= 12, result.output
    assert not any(TOWN[5].name in e for e in errors)
