"""Print-ready output, through the command line: what the secretary sends to the printer.

Tests marked ``soffice`` print through the real LibreOffice and read the PDFs back with
poppler (pages with pdfinfo, text with pdftotext); see conftest.py for when they skip.
The others check the Word files themselves, or use a stand-in for soffice, and always run.
"""

from __future__ import annotations

import os
import re
import sys
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from demotown import REFERENCE_FIGURES
from lxml import etree
from printing import fake_soffice, page_count, pdf_text

from docgen.cli import cli
from docgen.gongwen.official import TEXT_WIDTH
from docgen.kinds.registry import registry
from docgen.output import pdf
from docgen.output.batch import PendingPrint
from docgen.output.files import MAX_NAME_BYTES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
FORBIDDEN_IN_NAMES = set('/\\:*?"<>|')
posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="the stand-in soffice is a POSIX script"
)


# ---------------------------------------------------------------- helpers


def run(*args):
    """``docgen ARGS`` in Chinese, as the secretary runs it."""
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"LANG": "zh_CN.UTF-8"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def assert_printed_whole(document: Path, printed: Path) -> None:
    """Every paragraph of the Word file (tables aside) is in the PDF, punctuation included."""
    text = re.sub(r"—\d+—", "", pdf_text(printed))  # page numbers fall inside paragraphs
    body = etree.fromstring(zipfile.ZipFile(document).read("word/document.xml")).find(w("body"))
    lost = []
    for paragraph in body.iter(w("p")):
        if any(a.tag == w("tbl") for a in paragraph.iterancestors()):
            continue
        words = re.sub(r"\s+", "", "".join(t.text or "" for t in paragraph.iter(w("t"))))
        if words and words not in text:
            lost.append(words)
    assert not lost, f"{printed.name}: printed without all of {lost}"


def write_roster(path: Path, title: str, headers: list[str], rows: list[list[object]]) -> Path:
    """A roster as villages send it: a title row above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名册"
    ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def init_workspace(root: Path) -> Path:
    result = run("init", root)
    assert result.exit_code == 0, result.output
    return root / "docgen.toml"


def assert_safe_names(folder: Path) -> None:
    for path in folder.rglob("*"):
        name = path.name
        assert not FORBIDDEN_IN_NAMES & set(name), name
        assert not name.startswith("."), f"hidden or temporary file left behind: {name}"
        assert ".." not in name, name
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES, name


def assert_one_pdf_per_docx(folder: Path) -> tuple[list[Path], list[Path]]:
    docs = sorted(folder.glob("*.docx"))
    pdfs = sorted(folder.glob("*.pdf"))
    assert {p.stem for p in docs} == {p.stem for p in pdfs}
    assert len(docs) == len(pdfs)
    return docs, pdfs


# ---------------------------------------------------------------- rosters

SCHOOL = "松岚镇中心小学"
CLASS = "三年级（2）班"
_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱"
_LONG = "欧阳" + "长" * 40  # the file name outgrows the length limit: it is cut
PUPILS: list[tuple[str, str, str]] = [  # (班级, 学生姓名, 家长姓名)
    *(
        (CLASS, f"{s}{child}", f"{s}{parent}")
        for s in _SURNAMES
        for child, parent in (("子涵", "建国"), ("欣怡", "秀英"))
    ),
    ("四年级/1班", "王/小明", "王:大山"),
    (CLASS, "李:华", '李"老"四'),
    (CLASS, '"张"三', "张父"),
    (CLASS, "..赵四", "赵母"),
    (CLASS, ".钱五", "钱父"),
    (CLASS, _LONG + "甲", "欧阳父甲"),  # both long names are cut to the same prefix
    (CLASS, _LONG + "乙", "欧阳父乙"),
    (CLASS, "陈默", "陈父"),  # two identical pupils
    (CLASS, "陈默", "陈父"),
]


def letters_roster(path: Path, pupils=PUPILS) -> Path:
    rows = [
        [SCHOOL, klass, pupil, parent, f"1390000{i:04d}"]
        for i, (klass, pupil, parent) in enumerate(pupils)
    ]
    return write_roster(
        path,
        "2022年寒假学生安全承诺书签订名册",
        ["学校*", "班级*", "学生姓名*", "家长姓名*", "联系电话"],
        rows,
    )


UNITS = [  # 单位名称, 负责人, 行业领域
    ("松岚加油站", "刘长顺", "危险化学品和烟花爆竹"),
    ("鑫源建筑/劳务有限公司", "何志强", "建筑施工"),
    ("鑫源建筑:劳务有限公司", "何志刚", "建筑"),  # the same safe name as the one above
    ("福满楼饭店", "邓美华", "食品药品安全"),
    ("..金竹山庄", "唐国富", "消防"),
    ("青杠村村民委员会", "罗永平", None),
]


def units_roster(path: Path, units=UNITS) -> Path:
    rows = [
        [name, person, "13800000000", sector, "松岚镇正街1号", None]
        for name, person, sector in units
    ]
    return write_roster(
        path,
        "责任单位名册",
        ["单位名称*", "负责人*", "联系电话", "行业领域", "地址", "签订日期"],
        rows,
    )


HAZARDS = [  # 隐患点名称, 类型, 监测责任人, 避险场所
    ("青杠村王家岩滑坡", "地质灾害", "王德明", "青杠村村委会活动室"),
    ("石门村垭口滑坡", "地质灾害", "石永福", "石门小学操场"),
    ("白鹤村老鹰嘴危岩", "地质灾害", "白树林", "白鹤村村委会坝子"),
    ("双河村河口山洪沟", "山洪灾害", "何水生", "双河小学教学楼二楼"),
    ("金竹村/深沟山洪沟", "山洪灾害", "金大勇", "金竹村村委会活动室"),
    ("石门村石门河沿岸", "山洪灾害", "石光荣", "石门村文化广场"),
]


def hazards_roster(path: Path, hazards=HAZARDS) -> Path:
    headers = [
        "隐患点名称*",
        "类型*",
        "位置*",
        "威胁户数",
        "威胁人数",
        "监测责任人*",
        "联系电话*",
        "预警信号",
        "避险路线*",
        "避险场所*",
    ]
    rows = [
        [
            name,
            kind,
            name[:3] + "3组",
            12,
            40,
            person,
            "13700000000",
            "鸣锣三声",
            "沿村道向东撤离约600米",
            shelter,
        ]
        for name, kind, person, shelter in hazards
    ]
    return write_roster(path, "隐患点名册", headers, rows)


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    """docgen.toml of a fresh ``docgen init`` workspace (shared; tests write elsewhere)."""
    return init_workspace(tmp_path_factory.mktemp("print") / "松岚镇")


# ---------------------------------------------------------------- 1. letters, real PDFs


@pytest.fixture(scope="module")
def letters(config, tmp_path_factory):
    """``docgen letters`` with --combined and --pdf on a roster of hostile names."""
    root = tmp_path_factory.mktemp("letters")
    roster = letters_roster(root / "学生名册.xlsx")
    outdir, combined = root / "安全承诺书", root / "承诺书合订本.docx"
    started = time.monotonic()
    result = run("letters", roster, "-o", outdir, "--combined", combined, "--pdf", "-c", config)
    return result, outdir, combined, time.monotonic() - started


@pytest.mark.soffice
def test_letters_pdf_one_page_per_pupil_and_a_combined_print_file(letters):
    result, outdir, combined, seconds = letters
    assert result.exit_code == 0, result.output
    docs, pdfs = assert_one_pdf_per_docx(outdir)
    assert len(docs) == len(PUPILS)
    assert combined.is_file() and combined.with_suffix(".pdf").is_file()

    counts = [page_count(p) for p in pdfs]
    assert counts == [1] * len(PUPILS), dict(zip((p.name for p in pdfs), counts, strict=True))
    assert page_count(combined.with_suffix(".pdf")) == sum(counts) == len(PUPILS)
    print(
        f"letters: {len(PUPILS)} pupils, {sum(counts)} pages, combined "
        f"{page_count(combined.with_suffix('.pdf'))} pages, {seconds:.1f} s"
    )


@pytest.mark.soffice
def test_letters_file_names_are_safe_and_collisions_numbered(letters):
    result, outdir, _combined, _seconds = letters
    assert result.exit_code == 0, result.output
    assert_safe_names(outdir)
    names = {p.name for p in outdir.iterdir()}
    for klass, pupil, _parent in PUPILS[:34]:
        assert f"{SCHOOL}-{klass}-{pupil}-安全承诺书.pdf" in names
    same = f"{SCHOOL}-{CLASS}-陈默-安全承诺书"
    assert {f"{same}.docx", f"{same}(2).docx", f"{same}.pdf", f"{same}(2).pdf"} <= names
    long_ones = sorted(n for n in names if "长长长" in n and n.endswith(".pdf"))
    assert len(long_ones) == 2 and long_ones[0] != long_ones[1]


@pytest.mark.soffice
def test_each_letter_pdf_prints_the_pupil_the_parent_and_the_school(letters):
    result, outdir, combined, _seconds = letters
    assert result.exit_code == 0, result.output
    texts = [pdf_text(p) for p in sorted(outdir.glob("*.pdf"))]
    for klass, pupil, parent in set(PUPILS):
        printed = [t for t in texts if f"学生{pupil}的家长" in t and parent in t]
        assert len(printed) == PUPILS.count((klass, pupil, parent)), (pupil, parent)
        assert all(SCHOOL in t and klass in t for t in printed)
    whole = pdf_text(combined.with_suffix(".pdf"))
    # each pupil's page: the title, and the 回执 that names the letter again
    assert whole.count("学生寒假安全承诺书") == 2 * len(PUPILS)
    assert whole.count("回执") == len(PUPILS)
    for document in sorted(outdir.glob("*.docx"))[:3] + [combined]:
        assert_printed_whole(document, document.with_suffix(".pdf"))


# ---------------------------------------------------------------- 2. agreements and notices


@pytest.mark.soffice
@pytest.mark.parametrize("kind", ["agreements", "notices"])
def test_agreements_and_notices_pdf_pages_add_up(kind, config, tmp_path):
    if kind == "agreements":
        roster, rows = units_roster(tmp_path / "units.xlsx"), UNITS
    else:
        roster, rows = hazards_roster(tmp_path / "hazards.xlsx"), HAZARDS
    outdir, combined = tmp_path / "out", tmp_path / "合订本.docx"

    result = run(kind, roster, "-o", outdir, "--combined", combined, "--pdf", "-c", config)

    assert result.exit_code == 0, result.output
    docs, pdfs = assert_one_pdf_per_docx(outdir)
    assert len(docs) == len(rows)
    assert_safe_names(outdir)
    counts = [page_count(p) for p in pdfs]
    assert page_count(combined.with_suffix(".pdf")) == sum(counts)
    texts = [pdf_text(p) for p in pdfs]
    for document in [*docs, combined]:
        assert_printed_whole(document, document.with_suffix(".pdf"))
    if kind == "notices":
        assert counts == [1] * len(rows), "a notice is posted at the site: one page"
        for name, _kind, person, shelter in rows:
            assert any(name in t and person in t and shelter in t for t in texts), name
    else:
        assert all(n >= 1 for n in counts)
        for name, person, _sector in rows:
            assert any(name in t and person in t for t in texts), name
    print(f"{kind}: {len(rows)} records, pages {counts}, combined {sum(counts)}")


# ---------------------------------------------------------------- 3. the summary


@pytest.mark.soffice
def test_summary_pdf_prints_the_reference_figures_and_page_numbers(config, tmp_path):
    target = tmp_path / "工作总结.docx"

    result = run("summary", "-c", config, "-o", target, "--pdf")

    assert result.exit_code == 0, result.output
    printed = target.with_suffix(".pdf")
    count = page_count(printed)
    assert count >= 2
    text = pdf_text(printed)
    missing = [figure for figure in REFERENCE_FIGURES if figure not in text]
    assert not missing, missing
    assert_printed_whole(target, printed)
    # "— 1 —" (white space removed): every page carries its number, starting at 1
    for page in range(1, count + 1):
        assert f"—{page}—" in pdf_text(printed, page), f"page {page} has no page number"
    print(f"summary: {count} pages")


# ---------------------------------------------------------------- 4. build with pdf = true


@pytest.mark.soffice
def test_build_with_pdf_in_the_config_prints_everything(tmp_path):
    config = init_workspace(tmp_path / "ws")
    inputs = tmp_path / "ws" / "inputs"
    # small rosters keep LibreOffice's share of the run short
    letters_roster(inputs / "students.xlsx", PUPILS[:3])
    units_roster(inputs / "units.xlsx", UNITS[:3])
    hazards_roster(inputs / "hazards.xlsx", HAZARDS[:2])
    text = config.read_text(encoding="utf-8")
    assert "pdf = false" in text
    config.write_text(text.replace("pdf = false", "pdf = true"), encoding="utf-8")

    result = run("build", "-c", config)

    assert result.exit_code == 0, result.output
    out = tmp_path / "ws" / "outputs"
    summary = out / "工作总结.pdf"
    assert page_count(summary) >= 2
    expected = {"安全生产责任书": 3, "安全告知书": 2, "安全承诺书": 3}
    for folder, records in expected.items():
        docs, pdfs = assert_one_pdf_per_docx(out / folder)
        assert len(pdfs) == records
        combined = out / f"{folder}（合订本）.pdf"
        assert (out / f"{folder}（合订本）.docx").is_file()
        assert page_count(combined) == sum(page_count(p) for p in pdfs)
    assert {p.stem for p in out.glob("*.docx")} == {p.stem for p in out.glob("*.pdf")}


# ---------------------------------------------------------------- 5. no LibreOffice


@pytest.mark.parametrize("command", ["letters", "summary"])
def test_without_libreoffice_the_word_files_are_written_and_the_message_says_how_to_install(
    command, config, tmp_path, monkeypatch
):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    if command == "letters":
        outdir = tmp_path / "out"
        roster = letters_roster(tmp_path / "学生名册.xlsx", PUPILS[:5])
        result = run(
            "letters",
            roster,
            "-o",
            outdir,
            "--combined",
            tmp_path / "合订本.docx",
            "--pdf",
            "-c",
            config,
        )
        written = sorted(outdir.glob("*.docx")) + [tmp_path / "合订本.docx"]
        assert len(written) == 6
    else:
        target = tmp_path / "工作总结.docx"
        result = run("summary", "-c", config, "-o", target, "--pdf")
        written = [target]

    assert result.exit_code == 1
    assert "找不到 LibreOffice" in result.output
    assert "apt-get install libreoffice" in result.output
    assert "Traceback" not in result.output
    for path in written:
        assert docx.Document(str(path)).paragraphs, path
    assert not list(tmp_path.rglob("*.pdf"))


# ---------------------------------------------------------------- 6. a LibreOffice that hangs


@posix_only
def test_a_hanging_libreoffice_is_stopped_and_leaves_no_pdf(config, tmp_path, monkeypatch):
    pid_file = tmp_path / "pid"
    program = fake_soffice(
        tmp_path,
        f"""
        open({str(pid_file)!r}, "w").write(str(os.getpid()))
        open(out(sources[0]), "wb").write(PDF)                 # one done,
        open(out(sources[1]), "wb").write(b"%PDF-1.4 half")    # one half-written
        time.sleep(120)
        """,
    )
    monkeypatch.setattr(pdf, "find_soffice", lambda: program)
    # the command line has no timeout option: the library's limit is shortened for the test
    monkeypatch.setattr(pdf, "TIME_LIMIT", 2)
    outdir = tmp_path / "out"

    started = time.monotonic()
    result = run(
        "notices", hazards_roster(tmp_path / "hazards.xlsx"), "-o", outdir, "--pdf", "-c", config
    )

    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert "超过时间限制（2 秒）" in result.output
    assert len(list(outdir.glob("*.docx"))) == len(HAZARDS), "the Word files stay"
    assert not list(tmp_path.rglob("*.pdf")), "no PDF, whole or half, is left behind"
    # only the note that lets the next run resume the conversion
    assert [p.name for p in outdir.iterdir() if p.name.startswith(".")] == [PendingPrint.NAME]
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # killed; reaped by the converter
            os.kill(pid, 0)
            time.sleep(0.1)


@posix_only
def test_a_large_batch_is_split_into_runs_libreoffice_can_take(config, tmp_path, monkeypatch):
    # LibreOffice reads only about 253 command-line arguments and ignores the rest, exiting 0;
    # this stand-in does the same and records how many files each run was given.
    record = tmp_path / "runs.txt"
    program = fake_soffice(
        tmp_path,
        f"""
        with open({str(record)!r}, "a") as f:
            f.write(f"{{len(sources)}}\\n")
        for source in sources[:253 - (len(args) - len(sources))]:
            open(out(source), "wb").write(PDF)
        """,
    )
    monkeypatch.setattr(pdf, "find_soffice", lambda: program)
    pupils = [(CLASS, f"学生{i:03d}", f"家长{i:03d}") for i in range(300)]
    outdir = tmp_path / "out"

    result = run(
        "letters",
        letters_roster(tmp_path / "学生名册.xlsx", pupils),
        "-o",
        outdir,
        "--pdf",
        "-c",
        config,
    )

    assert result.exit_code == 0, result.output
    docs, pdfs = assert_one_pdf_per_docx(outdir)
    assert len(pdfs) == 300
    runs = [int(n) for n in record.read_text().split()]
    # two chunks of 150 letters, one document each; the stand-in's PDFs do not show where
    # each letter starts, so the letters are then converted file by file (runs in parallel:
    # a chunk's letters may start before the other chunk's run)
    assert runs.count(1) == 2
    files = [n for n in runs if n > 1]
    assert sum(files) == 300 and max(files) <= pdf.MAX_FILES_PER_RUN


# ---------------------------------------------------------------- 7. the Word files themselves


@pytest.fixture(scope="module")
def rendered(demo_town):
    """Every built-in template rendered through the command line from the demo inputs: the
    documents ``docgen build`` wrote for the demo town, each batch with its 合订本."""
    outputs, inputs = demo_town.root / "outputs", demo_town.root / "inputs"
    kinds = registry()
    out = {"summary": ([outputs / kinds["summary"].output_file], None, 1)}
    for kind, roster in (
        ("agreements", "units.xlsx"),
        ("notices", "hazards.xlsx"),
        ("letters", "students.xlsx"),
    ):
        folder = outputs / kinds[kind].output_folder
        combined = outputs / kinds[kind].combined_name
        sheet = openpyxl.load_workbook(inputs / roster).active
        # below the title, the note and the header: one record a filled row
        rows = sum(1 for r in sheet.iter_rows(min_row=4, values_only=True) if any(r))
        out[kind] = (sorted(folder.glob("*.docx")), combined, rows)
    return out


def xml_parts(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as zf:
        return {
            name: etree.fromstring(zf.read(name))
            for name in zf.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }


# the agreement's signature block is a layout table, deliberately without lines
# the summary: its two 附件 tables and the by-year 附件3 (the demo spans three years)
BORDERS = {
    "summary": ["single", "single", "single"],
    "agreements": ["nil"],
    "notices": ["single"],
    "letters": [],
}


@pytest.mark.parametrize("kind", list(BORDERS))
def test_tables_have_explicit_widths_and_borders(kind, rendered):
    files, combined, rows = rendered[kind]
    for path in [*files[:5], *([combined] if combined else [])]:
        document = xml_parts(path)["word/document.xml"]
        tables = list(document.iter(w("tbl")))
        records = rows if path == combined else 1
        assert [table_borders(t) for t in tables] == BORDERS[kind] * records, path.name
        for table in tables:
            width = table.find("w:tblPr/w:tblW", NS)
            assert width.get(w("type")) == "dxa"
            total = int(width.get(w("w")))
            assert 0 < total <= TEXT_WIDTH
            grid = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
            assert grid and sum(grid) == total
            for row in table.findall("w:tr", NS):
                cells = row.findall("w:tc", NS)
                widths = [c.find("w:tcPr/w:tcW", NS) for c in cells]
                assert all(x is not None and x.get(w("type")) == "dxa" for x in widths)
                assert sum(int(x.get(w("w"))) for x in widths) == total
                spans = [c.find("w:tcPr/w:gridSpan", NS) for c in cells]
                assert sum(1 if x is None else int(x.get(w("val"))) for x in spans) == len(grid)


def test_annex_columns_fit_their_header_words(rendered):
    # every header line of a figure column fits on one printed line (no “检查次/数”), the
    # figure columns are equally wide, and the label column has the rest
    [summary], _combined, _rows = rendered["summary"]
    document = xml_parts(summary)["word/document.xml"]
    tables = list(document.iter(w("tbl")))
    assert len(tables) == 3
    for table in tables:
        grid = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
        margins = sum(int(m.get(w("w"))) for m in table.find("w:tblPr/w:tblCellMar", NS))
        assert len(grid) == 7 and len(set(grid[1:])) == 1, grid
        header = table.find("w:tr", NS).findall("w:tc", NS)[1:]
        words = [[t.text for t in cell.iter(w("t"))] for cell in header]
        assert words[0] == ["检查次数", "（次）"] and words[2] == ["检查家次", "（家次）"]
        widest = max(len(word) for cell in words for word in cell)
        assert grid[1] - margins >= widest * 12 * 20, grid  # 小四: 240 twips a character
        assert grid[0] > grid[1]


def table_borders(table) -> str:
    edges = table.find("w:tblPr/w:tblBorders", NS)
    assert edges is not None, "a table without borders of its own prints as the app likes"
    kinds = {
        edges.find(f"w:{e}", NS).get(w("val"))
        for e in ("top", "left", "bottom", "right", "insideH", "insideV")
    }
    assert len(kinds) == 1, kinds
    kind = kinds.pop()
    if kind == "single":
        for edge in edges:
            assert edge.get(w("color")) in ("000000", "auto")
            assert int(edge.get(w("sz"))) >= 4
    return kind


@pytest.mark.parametrize("kind", list(BORDERS))
def test_every_output_opens_and_all_text_is_black(kind, rendered):
    files, combined, rows = rendered[kind]
    assert len(files) == rows
    # a sample of a big batch: every file comes from the same template
    for path in sorted({*files[:10], *files[-10:]}) + ([combined] if combined else []):
        assert docx.Document(str(path)).paragraphs, path.name
        for name, root in xml_parts(path).items():
            colours = {e.get(w("val")) for e in root.iter(w("color"))}
            assert colours <= {"000000", "auto"}, (path.name, name, colours)
            themed = [
                a
                for e in root.iter()
                for a in e.attrib
                if "theme" in a.lower() and name in ("word/document.xml", "word/styles.xml")
            ]
            assert not themed, (path.name, name, themed)


def test_the_summary_numbers_its_pages_with_a_page_field(rendered):
    path = rendered["summary"][0][0]
    footers = [root for name, root in xml_parts(path).items() if "footer" in name]
    numbered = [f for f in footers if list(f.iter(w("instrText")))]
    assert len(numbered) == 2, "odd pages right, even pages left"
    # the third: the 版记's pages after a blank page carry no number (GB/T 9704 7.5)
    assert [f for f in footers if f not in numbered and "".join(f.itertext()).strip()] == []
    for footer in numbered:
        text = "".join(t.text or "" for t in footer.iter(w("t")))
        assert text.startswith("— ") and text.endswith(" —")
        assert [i.text.strip() for i in footer.iter(w("instrText"))] == ["PAGE"]


@pytest.mark.parametrize("kind", ["agreements", "notices", "letters"])
def test_the_combined_file_starts_each_record_on_a_new_page(kind, rendered):
    _files, combined, rows = rendered[kind]
    body = xml_parts(combined)["word/document.xml"].find("w:body", NS)
    sections = list(body.iter(w("sectPr")))
    assert len(sections) == rows
    for section in sections[:-1]:
        assert section.getparent().tag == w("pPr"), "a section break ends each record"
        assert section.find("w:type", NS).get(w("val")) == "nextPage"
    assert sections[-1].getparent() is body
    pages_start = [s.find("w:pgNumType", NS).get(w("start")) for s in sections]
    assert pages_start == ["1"] * rows, "every record is numbered from its own page 1"
    assert len(docx.Document(str(combined)).sections) == rows


# ---------------------------------------------------------------- 8. existing PDFs


def test_an_existing_pdf_is_not_overwritten_without_force(config, tmp_path):
    outdir = tmp_path / "out"
    outdir.mkdir()
    old = outdir / f"{HAZARDS[0][0]}-安全告知书.pdf"
    old.write_bytes(b"%PDF-1.4 printed last year")
    roster = hazards_roster(tmp_path / "hazards.xlsx", HAZARDS[:1])

    result = run("notices", roster, "-o", outdir, "--pdf", "-c", config)

    assert result.exit_code == 1
    assert "已存在" in result.output and "--force" in result.output
    assert old.read_bytes() == b"%PDF-1.4 printed last year"
    assert [p.name for p in outdir.iterdir()] == [old.name], "nothing else was written"


@pytest.mark.soffice
def test_force_replaces_an_existing_pdf(config, tmp_path):
    outdir = tmp_path / "out"
    outdir.mkdir()
    old = outdir / f"{HAZARDS[0][0]}-安全告知书.pdf"
    old.write_bytes(b"%PDF-1.4 printed last year")
    roster = hazards_roster(tmp_path / "hazards.xlsx", HAZARDS[:1])

    result = run("notices", roster, "-o", outdir, "--pdf", "--force", "-c", config)

    assert result.exit_code == 0, result.output
    assert page_count(old) == 1
    assert HAZARDS[0][2] in pdf_text(old)
