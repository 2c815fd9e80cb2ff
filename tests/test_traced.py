"""Every number the summary prints is traced to the cells it adds up, on the demo and on a town
built unlike it (othertown): read back from the generated .docx and 汇总表.xlsx, the cited
cells opened with openpyxl and added up, the annexes' totals compared with the body."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import docx
import openpyxl
import othertown
import pytest
from clirun import run
from demotown import REFERENCE_FIGURES
from docx.table import Table
from docx.text.paragraph import Paragraph

MEASURE = r"(?:人次|车次|家次|[次家处起个份条座])"
# a printed figure: digits, 余 when rounded, its measure word
FIGURE = re.compile(rf"(\d+)(余)?({MEASURE})")
# digits that are not figures: years and dates, 附件 numbers
NOT_A_FIGURE = re.compile(r"\d{4}年(?:\d{1,2}月\d{1,2}日)?|\d{4}—\d{4}年|附件\d|^\d\.|：\d\.")
REF = re.compile(r"(-?)'\[([^\]]+)\](.+)'!([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$")


def _build(root: Path) -> Path:
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("t") / "松岚镇"
    assert run("init", root).exit_code == 0
    return _build(root)


@pytest.fixture(scope="module")
def other(tmp_path_factory) -> Path:
    return _build(othertown.build(tmp_path_factory.mktemp("t") / "青石乡"))


@pytest.fixture(scope="module", params=["demo", "other"])
def town(request) -> Path:
    return request.getfixturevalue(request.param)


# ---------------------------------------------------------------- reading the outputs back


def read_summary(root: Path) -> tuple[list[str], list[tuple[str, list[list[str]]]]]:
    """(body paragraphs up to the signature, [(annex label, table rows)])."""
    document = docx.Document(str(root / "outputs" / "工作总结.docx"))
    body: list[str] = []
    annexes: list[tuple[str, list[list[str]]]] = []
    label = None
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(block, document).text.strip()
            if re.fullmatch(r"附件\d", text):
                label = text
            elif text and label is None:
                body.append(text)
        elif tag == "tbl" and label:
            rows = [[c.text for c in r.cells] for r in Table(block, document).rows]
            annexes.append((label, rows))
    return body, annexes


def read_sources(root: Path) -> list[dict]:
    ws = openpyxl.load_workbook(root / "outputs" / "汇总表.xlsx")["数据来源"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("位置", "内容", "数值", "印作", "来源")
    keys = ("where", "what", "value", "printed", "refs")
    return [dict(zip(keys, r, strict=True)) for r in rows[1:]]


def _number(value) -> int:
    digits = re.sub(
        r"\D", "", unicodedata.normalize("NFKC", str(value if value is not None else ""))
    )
    return int(digits or 0)


def cited_sum(root: Path, refs: str, books: dict) -> int:
    """Open every cited cell in the town's inputs and add them up (a range: its filled rows)."""
    total = 0
    for ref in filter(None, (refs or "").split("；")):
        match = REF.match(ref)
        assert match, ref
        sign, book, sheet, col, row, col2, row2 = match.groups()
        sheet = sheet.replace("''", "'")
        if book not in books:
            [path] = (root / "inputs").rglob(book)
            books[book] = openpyxl.load_workbook(path, data_only=True)
        ws = books[book][sheet]
        if col2:
            value = sum(
                1
                for line in ws[f"{col}{row}:{col2}{row2}"]
                if any(c.value not in (None, "") for c in line)
            )
        else:
            value = _number(ws[f"{col}{row}"].value)
        total += -value if sign else value
    return total


# ---------------------------------------------------------------- the tests


def test_every_source_row_is_the_sum_of_its_cells(town):
    rows = read_sources(town)
    assert rows
    books: dict = {}
    for row in rows:
        assert cited_sum(town, row["refs"], books) == row["value"], row


def test_every_number_of_the_body_is_a_source_row_and_every_row_is_printed(town):
    body, _annexes = read_summary(town)
    printed: Counter[str] = Counter()
    for paragraph in body:
        text = NOT_A_FIGURE.sub("", paragraph)
        for match in FIGURE.finditer(text):
            printed[match.group(0)] += 1
        untraced = re.findall(r"\d+", FIGURE.sub("", text))
        assert not untraced, (untraced, paragraph)
    rows = [r for r in read_sources(town) if r["where"].startswith("正文")]
    listed = Counter(r["printed"] for r in rows if re.search(r"\d", r["printed"]))
    assert printed == listed
    for row in rows:
        if row["printed"][0].isdigit():
            number = int(re.match(r"\d+", row["printed"]).group(0))
            if "余" in row["printed"]:
                assert number < row["value"] < number * 2
            else:
                assert number == row["value"], row


def test_every_annex_cell_is_a_source_row(town):
    _body, annexes = read_summary(town)
    rows = read_sources(town)
    for label, table in annexes:
        header = table[0]
        cited = {
            (r["where"], r["what"]): r["value"] for r in rows if r["where"].startswith(label + " ")
        }
        seen = 0
        for line in table[1:]:
            for title, cell in zip(header[1:], line[1:], strict=True):
                column, measure = re.match(r"(\S+?)\n（(\S+)）", title).groups()
                key = (f"{label} {line[0]}", f"{line[0]}·{column}（{measure}）")
                assert cited[key] == int(cell), key
                seen += 1
        assert seen == len(cited)


def test_one_measure_per_column_and_annex_totals_equal_the_body(town):
    body, annexes = read_summary(town)
    sources = read_sources(town)
    totals = {}
    for label, table in annexes:
        header = table[0]
        measures = [re.findall(MEASURE, title.split("\n")[-1]) for title in header[1:]]
        assert all(len(m) == 1 for m in measures), header  # 次, 家 and 家次 apart
        assert len({m[0] for m in measures[:3]}) == 3 or "检查单位" not in "".join(header)
        assert table[-1][0] == "合计"
        total = dict(zip(header[1:], map(int, table[-1][1:]), strict=True))
        # the rows add up to the total: the by-year table too, with its 未分年度 row
        for i, title in enumerate(header[1:], start=1):
            assert sum(int(line[i]) for line in table[1:-1]) == total[title], (label, title)
        totals[label] = total
    assert totals["附件1"] == totals["附件2"] == totals.get("附件3", totals["附件1"])
    # the body's campaign totals are those of the annexes
    body_totals = {
        r["what"].split("·")[1]: r["value"]
        for r in sources
        if r["where"] == "正文二、" and r["what"].startswith("合计·")
    }
    assert body_totals
    for title, value in totals["附件1"].items():
        column = title.split("\n")[0]
        if column in body_totals:
            assert body_totals[column] == value, column


def test_collect_json_carries_the_same_sources(town):
    result = run("collect", "inputs/tallies", "--json", cwd=town)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    by_what = {s["what"]: s for s in data["sources"]}
    books: dict = {}
    for source in data["sources"]:
        assert source["value"] == sum(c["value"] for c in source["cells"])
        assert source["refs"] == "；".join(c["ref"] for c in source["cells"])
        assert cited_sum(town, source["refs"], books) == source["value"]
    # the summary's per-sector figures cite exactly the cells collect cites
    for row in read_sources(town):
        if row["where"].startswith("附件1 ") and row["what"].split("（")[0] in by_what:
            assert row["refs"] == by_what[row["what"].split("（")[0]]["refs"]


def test_sentences_read_as_written(town):
    body, _annexes = read_summary(town)
    for paragraph in body:
        for sentence in re.split(r"[。；：]", paragraph):
            assert sentence.count("共") <= 1, sentence
        assert "，。" not in paragraph and "。，" not in paragraph and "，，" not in paragraph
        assert "（共" not in paragraph and "整改率" not in paragraph
        assert not re.search(r"\d+[次家]、\d+家", paragraph)  # 次 and 家 never in one phrase


# ---------------------------------------------------------------- what the other town lacks


def test_other_town_claims_nothing_its_inputs_lack(other):
    body, annexes = read_summary(other)
    text = "".join(body)
    assert "森林火灾" not in text  # no forest-fire figure was sent
    assert "3座水库" in text and "小（2）型" not in text
    assert "4处烟花爆竹经营点" in text
    # 2 of 6 agreements were signed by 2023-06-30; the rest are planned, never "signed"
    assert "与2家单位签订安全生产责任书，另有4家单位的责任书计划签订。" in text
    # the holiday starts after the report: the letters are planned
    assert "暑假前将组织学生家长签订安全承诺书37份。" in text
    assert "现将有关情况报告如下。" in text and "特此报告。" in text  # a 报告, not a 工作总结
    # open hazards: named with their number, in the text and in 下一步
    assert "排查一般隐患55处，已整改49处，尚有6处正在整改" in text
    plan = next(p for p in body if p.startswith("三年行动"))
    for sector, n in othertown.OPEN.items():
        assert re.search(rf"{sector}领域{n}[处起]", plan), sector
    assert "直至整改销号" in plan
    # the by-year annex adds up with its 未分年度 row, and says why
    label, years = annexes[2]
    assert [line[0] for line in years[1:]] == ["2021年", "2022年", "2023年", "未分年度", "合计"]
    document = docx.Document(str(other / "outputs" / "工作总结.docx"))
    note = [p.text for p in document.paragraphs if p.text.startswith("注：“未分年度”")]
    assert note and "白岩社区" in note[0] and "青石乡市场监管所" in note[0]


def test_other_town_build_warns_about_agreements_signed_after_the_date(other, tmp_path):
    copy = tmp_path / "ws"
    shutil.copytree(other, copy, ignore=shutil.ignore_patterns("outputs"))
    result = run("build", cwd=copy)
    assert result.exit_code == 0
    assert "签订日期晚于工作总结的成文日期" in result.output and "F5" in result.output


def test_other_town_sector_figures(other):
    sources = read_sources(other)
    annex = {
        r["what"].split("（")[0]: r["value"] for r in sources if r["where"].startswith("附件1 ")
    }
    for sector, figures in othertown.EXPECTED.items():
        for column in ("检查次数", "检查单位", "检查家次", "排查隐患", "整改隐患", "查处违章"):
            assert annex[f"{sector}·{column}"] == figures.get(column, 0), (sector, column)


def test_demo_keeps_the_reference_figures(demo):
    text = "".join(read_summary(demo)[0])
    for figure in REFERENCE_FIGURES:
        assert figure in text, figure
    assert "辖区内无一起森林火灾发生" in text
    assert "2座水库" in text
    assert "共检查单位28家" in text and "检查生产经营单位3家次" in text
