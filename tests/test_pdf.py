"""PDF conversion through LibreOffice: batches, names, existing files, timeouts, failures."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from printing import fake_soffice, page_count, pdf_text

from docgen.errors import ConversionError, OutputExistsError
from docgen.output import pdf
from docgen.output.pdf import Printer, _groups, convert_to_pdf, find_soffice

posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="the fake soffice is a POSIX script"
)


def make_docx(path: Path, pages: int = 1, text: str = "安全生产责任书") -> Path:
    document = docx.Document()
    for page in range(pages):
        paragraph = document.add_paragraph(f"{text} 第{page + 1}页")
        if page < pages - 1:
            paragraph.add_run().add_break(WD_BREAK.PAGE)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


# ------------------------------------------------------------------ with LibreOffice


@pytest.mark.soffice
def test_one_run_converts_a_batch_with_the_right_page_counts(tmp_path):
    sources = [
        make_docx(tmp_path / "青杠村-安全生产责任书.docx", 1),
        make_docx(tmp_path / "两 页.docx", 2),
        make_docx(tmp_path / "sub" / "三页（合订本）.docx", 3),
    ]
    seen = []
    pdfs = convert_to_pdf(sources, progress=seen.append)

    assert pdfs == [s.with_suffix(".pdf") for s in sources]
    assert [page_count(p) for p in pdfs] == [1, 2, 3]
    assert all(s.exists() for s in sources)
    assert sum(seen) == 3
    assert not list(tmp_path.rglob(".~docgen-*")), "no temporary file is left behind"


@pytest.mark.soffice
def test_same_name_in_two_folders_is_converted_separately(tmp_path):
    one = make_docx(tmp_path / "一组" / "报告.docx", 1)
    two = make_docx(tmp_path / "二组" / "报告.docx", 2)

    pdfs = convert_to_pdf([one, two], workers=1)

    assert pdfs == [one.with_suffix(".pdf"), two.with_suffix(".pdf")]
    assert [page_count(p) for p in pdfs] == [1, 2]


@pytest.mark.soffice
def test_parallel_runs_convert_everything(tmp_path):
    sources = [make_docx(tmp_path / f"学生{i:02d}.docx", 1 + i % 2) for i in range(6)]

    pdfs = convert_to_pdf(sources, workers=2)

    assert [page_count(p) for p in pdfs] == [1 + i % 2 for i in range(6)]


@pytest.mark.soffice
def test_force_overwrites_an_existing_pdf(tmp_path):
    source = make_docx(tmp_path / "告知书.docx", 2)
    target = source.with_suffix(".pdf")
    target.write_bytes(b"old")

    convert_to_pdf([source], force=True)

    assert page_count(target) == 2


# ------------------------------------------------------------------ without LibreOffice


def test_missing_soffice_says_how_to_install_and_keeps_the_docx(tmp_path, monkeypatch):
    source = make_docx(tmp_path / "承诺书.docx")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(pdf, "_candidates", lambda: [])
    assert find_soffice() is None

    with pytest.raises(ConversionError) as info:
        convert_to_pdf([source])

    message = str(info.value)
    assert "找不到 LibreOffice" in message
    assert "sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk" in message
    assert "Windows" in message and "macOS" in message
    assert source.exists() and not source.with_suffix(".pdf").exists()


def test_find_soffice_looks_on_path(tmp_path, monkeypatch):
    program = fake_soffice(tmp_path, "")
    (tmp_path / "bin").mkdir()
    os.symlink(program, tmp_path / "bin" / "libreoffice")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    assert find_soffice() == str(tmp_path / "bin" / "libreoffice")


def test_an_existing_pdf_is_not_overwritten_without_force(tmp_path, monkeypatch):
    started = tmp_path / "started"
    program = fake_soffice(tmp_path, f"open({str(started)!r}, 'w').close()\n")
    monkeypatch.setattr(pdf, "find_soffice", lambda: program)
    sources = [make_docx(tmp_path / "甲.docx"), make_docx(tmp_path / "乙.docx")]
    sources[1].with_suffix(".pdf").write_bytes(b"old")

    with pytest.raises(OutputExistsError) as info:
        convert_to_pdf(sources)

    assert "乙.pdf" in str(info.value)
    assert sources[1].with_suffix(".pdf").read_bytes() == b"old"
    assert not sources[0].with_suffix(".pdf").exists()
    assert not started.exists(), "LibreOffice must not start when an output exists"


@posix_only
def test_timeout_kills_the_process_group_and_leaves_no_partial_pdf(tmp_path, monkeypatch):
    pids = tmp_path / "pids"
    program = fake_soffice(
        tmp_path,
        f"""
        child = subprocess.Popen(["sleep", "60"])
        open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{child.pid}}")
        # a first PDF finished, a second one half-written when the time runs out
        open(os.path.join(outdir, os.path.basename(sources[0])[:-5] + ".pdf"), "wb").write(PDF)
        open(os.path.join(outdir, os.path.basename(sources[1])[:-5] + ".pdf"), "wb").write(b"%PDF-1.4 half")
        time.sleep(60)
        """,
    )
    monkeypatch.setattr(pdf, "find_soffice", lambda: program)
    sources = [make_docx(tmp_path / "一.docx"), make_docx(tmp_path / "二.docx")]

    started = time.monotonic()
    with pytest.raises(ConversionError) as info:
        convert_to_pdf(sources, timeout=2, workers=1)

    assert time.monotonic() - started < 20
    assert "超过时间限制（2 秒）" in str(info.value)
    assert [s for s, _ in info.value.failed] == sources
    assert not list(tmp_path.glob("*.pdf"))
    assert not list(tmp_path.glob(".~docgen-*"))
    for pid in map(int, pids.read_text().split()):
        assert not _alive(pid), f"process {pid} survived the timeout"


def _alive(pid: int) -> bool:
    # a killed child of ours may linger as a zombie until reaped; that counts as dead
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


@posix_only
def test_per_file_failures_are_listed_after_the_good_pdfs_are_moved(tmp_path, monkeypatch):
    program = fake_soffice(
        tmp_path,
        """
        for source in sources:
            if "损坏" in source:
                print("Error: source file could not be loaded", file=sys.stderr)
                continue
            name = os.path.basename(source)[:-5] + ".pdf"
            open(os.path.join(outdir, name), "wb").write(PDF)
        """,
    )
    monkeypatch.setattr(pdf, "find_soffice", lambda: program)
    good = make_docx(tmp_path / "正常.docx")
    bad = make_docx(tmp_path / "损坏.docx")

    with pytest.raises(ConversionError) as info:
        convert_to_pdf([good, bad], workers=1)

    message = str(info.value)
    assert "有 1 个文件没能转换成 PDF（其余 1 个已完成）" in message
    assert "损坏.docx：LibreOffice 打不开这个文件，文件可能已损坏" in message
    assert info.value.failed[0][0] == bad
    assert info.value.converted == [good.with_suffix(".pdf")]
    assert good.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")
    assert not bad.with_suffix(".pdf").exists()


@posix_only
def test_a_damaged_docx_is_refused_and_the_others_converted(tmp_path, monkeypatch):
    program = fake_soffice(
        tmp_path,
        """
        for source in sources:
            open(os.path.join(outdir, os.path.basename(source)[:-5] + ".pdf"), "wb").write(PDF)
        """,
    )
    monkeypatch.setattr(pdf, "find_soffice", lambda: program)
    damaged = tmp_path / "乱码.docx"
    damaged.write_bytes(b"not a zip at all")
    good = make_docx(tmp_path / "正常.docx")

    with pytest.raises(ConversionError) as info:
        convert_to_pdf([damaged, good])

    assert "乱码.docx：不是有效的 Word 文档（.docx）" in str(info.value)
    assert info.value.converted == [good.with_suffix(".pdf")]
    assert not damaged.with_suffix(".pdf").exists()


@posix_only
def test_child_gets_a_private_profile_and_a_utf8_locale(tmp_path, monkeypatch):
    record = tmp_path / "args.txt"
    program = fake_soffice(
        tmp_path,
        f"""
        open({str(record)!r}, "w", encoding="utf-8").write(
            "\\n".join(args + ["LC_ALL=" + os.environ.get("LC_ALL", "")]))
        for source in sources:
            open(os.path.join(outdir, os.path.basename(source)[:-5] + ".pdf"), "wb").write(PDF)
        """,
    )
    monkeypatch.setattr(pdf, "find_soffice", lambda: program)
    monkeypatch.setenv("LC_ALL", "POSIX")
    convert_to_pdf([make_docx(tmp_path / "中文名.docx")])

    args = record.read_text(encoding="utf-8").splitlines()
    profile = next(a for a in args if a.startswith("-env:UserInstallation=file://"))
    assert "docgen-pdf-" in profile
    assert "--headless" in args and "--norestore" in args
    assert args[-1] == "LC_ALL=C.UTF-8"
    assert str(tmp_path / "中文名.docx") in args
    assert not Path(profile.removeprefix("-env:UserInstallation=file://")).exists(), (
        "profile removed"
    )


def test_groups_never_put_two_files_of_one_name_in_a_run():
    sources = [Path("a/报告.docx"), Path("b/报告.docx"), Path("c/报告.docx"), Path("a/其他.docx")]
    runs = _groups(sources, 1)
    assert sorted(p for run in runs for p in run) == sorted(sources)
    for run in runs:
        assert len({p.stem for p in run}) == len(run)
    assert len(runs) == 3

    balanced = _groups([Path(f"{i}.docx") for i in range(10)], 3)
    assert [len(r) for r in balanced] == [4, 3, 3]


def test_nothing_to_convert_starts_nothing(monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: pytest.fail("must not look for soffice"))
    assert convert_to_pdf([]) == []


# ------------------------------------------------------------------ one queue, processes that stay up


@pytest.mark.soffice
def test_a_printer_keeps_one_libreoffice_per_worker_up_for_all_its_jobs(tmp_path):
    sources = [make_docx(tmp_path / f"第{i}份.docx", 1 + i % 3, f"第{i}份") for i in range(6)]
    given = []
    with Printer(workers=2) as printer:
        printer.observers = [given.append]
        printer.start()
        pdfs = convert_to_pdf(sources)  # through the printer of the run
        convert_to_pdf(sources[:1], force=True)
        work = printer.root

    assert [page_count(p) for p in pdfs] == [1 + i % 3 for i in range(6)]
    assert sorted(given) == sorted(sources), "each document converted once, even when asked twice"
    if printer.persistent:
        assert len(printer.starts) == 2, "two LibreOffice processes, each started once"
        assert printer.cpu > 0
    assert not work.exists(), "the work folder and the profiles are removed"


@pytest.mark.soffice
def test_without_the_uno_bridge_each_job_is_a_run_with_the_same_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_PDF_UNO", "0")
    sources = [make_docx(tmp_path / f"{i}.docx", 2 + i) for i in range(2)]

    with Printer(workers=1) as printer:
        assert not printer.persistent
        pdfs = convert_to_pdf(sources)

    assert [page_count(p) for p in pdfs] == [2, 3]
    assert printer.starts == []


@pytest.mark.soffice
def test_a_job_that_overruns_is_stopped_and_the_next_one_still_converts(tmp_path):
    long = make_docx(tmp_path / "很长.docx", 400)
    short = make_docx(tmp_path / "短.docx", 1)

    with Printer(workers=1, timeout=0.05) as printer:
        [overran] = printer.submit([long]).result()
        printer.timeout = 120
        pdf_of_short = printer.convert(short)

        assert "超过时间限制（0.05 秒）" in overran
        assert page_count(pdf_of_short) == 1
        if printer.persistent:
            assert len(printer.starts) == 2, "LibreOffice was stopped and started again"


@pytest.mark.soffice
def test_a_damaged_document_fails_alone_and_the_printer_goes_on(tmp_path):
    import zipfile

    damaged = tmp_path / "坏的.docx"
    with zipfile.ZipFile(damaged, "w") as z:
        z.writestr("word/document.xml", "<<不是 XML")
    good = make_docx(tmp_path / "好的.docx", 2)

    with pytest.raises(ConversionError) as info:
        convert_to_pdf([damaged, good], workers=1)

    assert "坏的.docx：LibreOffice 打不开这个文件，文件可能已损坏" in str(info.value)
    assert info.value.converted == [good.with_suffix(".pdf")]
    assert page_count(good.with_suffix(".pdf")) == 2


@pytest.mark.soffice
def test_pdf_a_for_archiving(tmp_path):
    from pypdf import PdfReader

    from docgen.output.split import join

    sources = [make_docx(tmp_path / f"归档{i}.docx", 1 + i, f"归档{i}") for i in range(2)]
    with Printer(archive=True) as printer:
        pdfs = [printer.convert(source) for source in sources]
        join(pdfs, tmp_path / "合订本.pdf")  # as a batch's combined PDF is joined
        for path in [*pdfs, tmp_path / "合订本.pdf"]:
            reader = PdfReader(path)
            metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
            assert b"pdfaid:part" in metadata and b"pdfaid:conformance" in metadata, path
            assert "/OutputIntents" in reader.trailer["/Root"] and "/ID" in reader.trailer

    assert page_count(tmp_path / "合订本.pdf") == 3
    assert "归档0" in pdf_text(tmp_path / "合订本.pdf") and "归档1" in pdf_text(
        tmp_path / "合订本.pdf"
    )


def test_chunks_cover_every_record_once_in_about_equal_parts():
    for count in (1, 2, 31, 33, 943, 2500, 10_000):
        for workers in (1, 2, 4):
            parts = pdf.chunks_of(count, workers)
            assert [i for part in parts for i in part] == list(range(count))
            sizes = [len(part) for part in parts]
            assert max(sizes) - min(sizes) <= 1
            assert max(sizes) <= pdf.SPLIT_CHUNK
            assert len(parts) <= max(1, workers * pdf.CHUNKS_PER_WORKER) or min(sizes) >= 500


@pytest.mark.soffice
def test_a_printer_converts_the_same_document_only_once(tmp_path):
    import shutil

    first = make_docx(tmp_path / "试印.docx", 2)
    again = tmp_path / "定稿.docx"
    shutil.copyfile(first, again)
    other = make_docx(tmp_path / "另一份.docx", 3)
    given = []

    with Printer(workers=1) as printer:
        printer.observers = [given.append]
        pdfs = [printer.convert(first), printer.convert(again), printer.convert(other)]
        assert [page_count(p) for p in pdfs] == [2, 2, 3]

    assert given == [first.resolve(), other.resolve()]
