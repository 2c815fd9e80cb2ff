"""Per-record PDFs from chunks split at each record's bookmark, and --pdf runs that resume."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from clirun import run
from printing import fake_soffice, page_count, pdf_text

from docgen.output import pdf
from docgen.output.batch import PendingPrint

posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="the stand-in soffice is a POSIX script"
)


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("split") / "松岚镇"
    result = run("init", root)
    assert result.exit_code == 0, result.output
    return root / "docgen.toml"


def roster(path: Path, headers: list[str], rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def units(path: Path, count: int) -> Path:
    sectors = ["消防安全", "建筑施工", "危险化学品和烟花爆竹", "食品药品安全", "道路交通安全"]
    return roster(
        path,
        ["单位名称*", "负责人*", "联系电话", "行业领域"],
        [
            [f"松岚{i:02d}号单位", f"负责人{i:02d}", "13800000000", sectors[i % 5]]
            for i in range(count)
        ],
    )


def students(path: Path, count: int) -> Path:
    return roster(
        path,
        ["学校*", "班级*", "学生姓名*", "家长姓名*"],
        [["松岚小学", "一年级1班", f"学生{i:02d}", f"家长{i:02d}"] for i in range(count)],
    )


@pytest.mark.soffice
def test_two_page_agreements_split_so_each_pdf_holds_its_own_unit(config, tmp_path):
    count = pdf.SPLIT_FROM + 4
    outdir = tmp_path / "责任书"
    result = run(
        "agreements",
        units(tmp_path / "units.xlsx", count),
        "-o",
        outdir,
        "--combined",
        tmp_path / "合订本.docx",
        "--pdf",
        "-c",
        config,
    )
    assert result.exit_code == 0, result.output
    pdfs = sorted(outdir.glob("*.pdf"))
    assert len(pdfs) == count == len(list(outdir.glob("*.docx")))
    names = [f"松岚{i:02d}号单位" for i in range(count)]
    for path in pdfs:
        own = path.name.split("-")[0]
        text = pdf_text(path)
        assert page_count(path) == 2, path.name
        assert own in text, path.name
        assert [n for n in names if n in text] == [own], f"{path.name} holds another unit"
        assert "责任书" in pdf_text(path, page=1) and "签" in pdf_text(path, page=2)
    assert page_count(tmp_path / "合订本.pdf") == 2 * count
    assert not (outdir / PendingPrint.NAME).exists()


@pytest.mark.soffice
def test_split_pdfs_stay_small(config, tmp_path):
    count = pdf.SPLIT_FROM * 2
    outdir = tmp_path / "承诺书"
    result = run(
        "letters", students(tmp_path / "students.xlsx", count), "-o", outdir, "--pdf", "-c", config
    )
    assert result.exit_code == 0, result.output
    pdfs = list(outdir.glob("*.pdf"))
    assert len(pdfs) == count and all(page_count(p) == 1 for p in pdfs)
    combined = sum(p.stat().st_size for p in pdfs)
    assert max(p.stat().st_size for p in pdfs) < 400_000
    assert combined / count < 300_000


@posix_only
def test_an_interrupted_pdf_run_resumes_without_force(config, tmp_path, monkeypatch):
    seen = tmp_path / "converted.txt"
    stop_after = tmp_path / "stop-after"
    # converts its files in order; told to, it stops part way, as a run that is interrupted
    program = fake_soffice(
        tmp_path,
        f"""
        limit = int(open({str(stop_after)!r}).read()) if os.path.exists({str(stop_after)!r}) else None
        for n, source in enumerate(sources):
            if limit is not None and n == limit:
                sys.exit(1)
            open(out(source), "wb").write(PDF)
            open({str(seen)!r}, "a", encoding="utf-8").write(os.path.basename(source) + "\\n")
        """,
    )
    monkeypatch.setattr(pdf, "find_soffice", lambda: program)
    roster_path = students(tmp_path / "students.xlsx", 5)
    outdir = tmp_path / "out"
    stop_after.write_text("2")

    first = run("letters", roster_path, "-o", outdir, "--pdf", "-c", config)
    assert first.exit_code == 1
    docx = sorted(outdir.glob("*.docx"))
    assert len(docx) == 5 and len(list(outdir.glob("*.pdf"))) == 2
    assert (outdir / PendingPrint.NAME).exists()
    written = {p.name: p.stat().st_mtime_ns for p in docx}

    # the secretary edits one letter whose PDF was already made: it is converted again
    time.sleep(0.01)
    edited = next(p for p in docx if p.with_suffix(".pdf").exists())
    os.utime(edited)
    stop_after.unlink()
    seen.unlink()

    second = run("letters", roster_path, "-o", outdir, "--pdf", "-c", config)
    assert second.exit_code == 0, second.output
    again = seen.read_text(encoding="utf-8").split()
    assert len(again) == 4 and edited.name in again
    assert len(list(outdir.glob("*.pdf"))) == 5
    assert {p.name: p.stat().st_mtime_ns for p in docx if p != edited} == {
        k: v for k, v in written.items() if k != edited.name
    }, "the Word files are not rewritten"
    assert not (outdir / PendingPrint.NAME).exists()

    # a finished run is not resumed: running it again needs --force as before
    third = run("letters", roster_path, "-o", outdir, "--pdf", "-c", config)
    assert third.exit_code == 1 and "--force" in third.output


@posix_only
def test_a_changed_roster_is_not_taken_for_a_resume(config, tmp_path, monkeypatch):
    program = fake_soffice(tmp_path, "sys.exit(1)\n")
    monkeypatch.setattr(pdf, "find_soffice", lambda: program)
    outdir = tmp_path / "out"
    first = run("letters", students(tmp_path / "a.xlsx", 5), "-o", outdir, "--pdf", "-c", config)
    assert first.exit_code == 1 and (outdir / PendingPrint.NAME).exists()

    second = run("letters", students(tmp_path / "b.xlsx", 6), "-o", outdir, "--pdf", "-c", config)
    assert second.exit_code == 1 and "--force" in second.output


@pytest.mark.soffice
def test_build_prints_through_one_queue_and_joins_combined_pdfs_from_the_chunks(
    tmp_path, monkeypatch
):
    root = tmp_path / "松岚镇"
    assert run("init", root).exit_code == 0
    units(root / "inputs" / "units.xlsx", 20)
    students(root / "inputs" / "students.xlsx", 40)
    given: list[Path] = []
    printers: list[pdf.Printer] = []
    enter = pdf.Printer.__enter__

    def remember(self):
        printers.append(self)
        return enter(self)

    monkeypatch.setattr(pdf.Printer, "observers", [given.append])
    monkeypatch.setattr(pdf.Printer, "__enter__", remember)

    result = run("build", "-c", root / "docgen.toml", "--pdf")
    assert result.exit_code == 0, result.output

    [printer] = printers  # the summary's trial prints, the chunks and the summary: one queue
    names = [p.name for p in given]
    assert not [n for n in names if "合订本" in n], "a combined file is never converted"
    # the summary is fitted on trial prints; its final print is the last trial's PDF when
    # the document came out the same, else one more conversion
    assert names.count("fit.docx") >= 1 and names.count("工作总结.docx") <= 1
    summary = pdf_text(root / "outputs" / "工作总结.pdf")
    assert "松岚镇安全生产专项整治三年行动工作总结" in summary and "松岚镇人民政府" in summary
    out = root / "outputs"
    for folder, each in (("安全生产责任书", 2), ("安全承诺书", 1), ("安全告知书", 1)):
        pdfs = sorted((out / folder).glob("*.pdf"))
        assert len(pdfs) == len(list((out / folder).glob("*.docx"))) > 0
        counts = [page_count(p) for p in pdfs]
        assert counts == [each] * len(pdfs), folder
        assert page_count(out / f"{folder}（合订本）.pdf") == sum(counts), folder
    agreements = sorted((out / "安全生产责任书").glob("*.pdf"))
    units_named = [f"松岚{i:02d}号单位" for i in range(20)]
    for path in agreements:
        text = pdf_text(path)
        assert [n for n in units_named if n in text] == [path.name.split("-")[0]], path.name
    if printer.persistent:
        # every record went through LibreOffice once, in a chunk; the processes stayed up
        assert set(names) <= {"records.docx", "fit.docx", "工作总结.docx"}
        assert len(printer.starts) <= printer.workers
    assert not (out / PendingPrint.NAME).exists()
