"""What a new user runs into: clean stdout for scripts, consoles that cannot show every
character, missing folders, killed runs, many records of one name, a live progress bar."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import docx
import messy
import openpyxl
import pytest
from click.testing import CliRunner
from printing import fake_soffice

from docgen.cli import cli
from docgen.cli import documents as cli_documents
from docgen.output import files

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
ROOT = Path(__file__).resolve().parent.parent


def run(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], env={"LANG": "zh_CN.UTF-8"}, **kwargs)


def run_process(*args, cwd: Path | None = None, **env) -> subprocess.CompletedProcess:
    """``python -m docgen ARGS`` as a separate program, its output as raw bytes."""
    environment = {**os.environ, "LANG": "zh_CN.UTF-8", "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "docgen", *map(str, args)],
        capture_output=True,
        env=environment,
        cwd=cwd,
        timeout=300,
    )


def students(path: Path, count: int, name=lambda i: f"学生{i}") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["学校*", "班级*", "学生姓名*", "家长姓名*", "联系电话"])
    for i in range(count):
        ws.append(["松岚小学", f"{i % 6 + 1}年级1班", name(i), f"家长{i}", "13900000000"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("safety") / "松岚镇"
    result = run("init", root)
    assert result.exit_code == 0, result.output
    return root / "docgen.toml"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in Path(folder).rglob(".~docgen-*"))


# ---------------------------------------------------------------- stdout is data under --json


def test_collect_json_with_an_output_file_keeps_stdout_pure_json(tmp_path):
    villages = tmp_path / "tallies"
    messy.build_villages(villages)
    target = tmp_path / "汇总表.xlsx"
    result = CliRunner().invoke(
        cli, ["collect", str(villages), "--json", "-o", str(target)], env={"LANG": "zh_CN.UTF-8"}
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["units"]
    assert "已写出" not in result.stdout
    assert "已写出" in result.stderr and target.is_file()


# ---------------------------------------------------------------- a console without 䶮 or emoji


def unusual_tally(folder: Path) -> Path:
    rows = [
        ["填报单位：䶮山村🙂"],
        ["领域", "检查次数", "排查隐患", "整改隐患"],
        ["消防安全", 3, 2, 3],
    ]  # 整改 > 排查: a warning naming the unit, on stderr
    return messy.save_rows(folder / "䶮山村🙂.xlsx", {"Sheet1": rows})


def test_collect_json_on_a_gbk_console_escapes_what_gbk_lacks(tmp_path):
    unusual_tally(tmp_path / "tallies")
    result = run_process(
        "collect",
        tmp_path / "tallies",
        "--json",
        "-o",
        tmp_path / "汇总🙂.xlsx",
        PYTHONIOENCODING="gbk",
    )
    assert result.returncode == 0, result.stderr.decode("gbk", "replace")
    assert b"Traceback" not in result.stderr
    data = json.loads(result.stdout.decode("gbk"))
    assert [unit["unit"] for unit in data["units"]] == ["䶮山村🙂"]
    stderr = result.stderr.decode("gbk")
    assert "已写出" in stderr and "山村" in stderr


def test_check_on_a_gbk_console_prints_what_it_can(tmp_path):
    tally = unusual_tally(tmp_path)
    result = run_process("check", tally, PYTHONIOENCODING="gbk")
    assert result.returncode == 0, result.stderr.decode("gbk", "replace")
    assert b"Traceback" not in result.stderr
    assert "山村" in result.stderr.decode("gbk")


# ---------------------------------------------------------------- the combined file's folder


def test_combined_file_in_a_missing_folder_is_written_there(config, tmp_path):
    roster = students(tmp_path / "学生名册.xlsx", 5)
    combined = tmp_path / "nodir" / "deeper" / "合订本.docx"
    result = run("letters", roster, "-o", tmp_path / "out", "--combined", combined, "-c", config)
    assert result.exit_code == 0, result.output
    assert combined.is_file()
    assert len(list((tmp_path / "out").glob("*.docx"))) == 5
    assert not leftovers(tmp_path)


def test_combined_file_that_cannot_be_placed_leaves_nothing_behind(config, tmp_path):
    roster = students(tmp_path / "学生名册.xlsx", 5)
    (tmp_path / "afile").write_text("not a folder")
    combined = tmp_path / "afile" / "合订本.docx"
    result = run("letters", roster, "-o", tmp_path / "out", "--combined", combined, "-c", config)
    assert result.exit_code == 1
    assert "合订本.docx" in result.output and ".~docgen" not in result.output
    assert not (tmp_path / "out").exists(), "the letters moved before the failure are taken back"
    assert not leftovers(tmp_path)
    # after moving the combined file elsewhere, the rerun needs no --force
    result = run(
        "letters", roster, "-o", tmp_path / "out", "--combined", tmp_path / "c.docx", "-c", config
    )
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------- the progress bar moves


def test_progress_advances_as_chunks_finish(config, tmp_path, monkeypatch):
    outdir = tmp_path / "out"
    seen: list[tuple[int, int]] = []  # (advance, files written so far)

    @contextmanager
    def recording_bars():
        def start(label, total):
            def advance(n=1):
                seen.append((n, sum(1 for _ in outdir.rglob("*.docx"))))

            return advance

        yield start

    monkeypatch.setattr(cli_documents, "progress_bars", recording_bars)
    roster = students(tmp_path / "学生名册.xlsx", 1000)
    result = run("letters", roster, "-o", outdir, "-c", config)
    assert result.exit_code == 0, result.output
    assert sum(n for n, _written in seen) == 1000
    assert len(seen) > 4
    # advanced while the batch was still being written, not all at the end
    assert any(written < 1000 for _n, written in seen[1:]), seen


# ---------------------------------------------------------------- killed runs


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_next_run_removes_what_killed_runs_left_but_not_a_running_build(config, tmp_path):
    outdir = tmp_path / "out"
    outdir.mkdir()
    killed = outdir / f".~docgen-{dead_pid()}-abcd"
    killed.mkdir()
    (killed / "学生1.docx").write_bytes(b"half")
    half_written = outdir / f".~docgen-{dead_pid()}-efgh.docx"
    half_written.write_bytes(b"half")
    old = outdir / ".~docgen-old_one"  # an older docgen's, without a process id
    old.mkdir()
    os.utime(old, (time.time() - 3 * 86400,) * 2)
    recent = outdir / ".~docgen-recent1"
    recent.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        running = outdir / f".~docgen-{sleeper.pid}-ijkl"
        running.mkdir()
        roster = students(tmp_path / "学生名册.xlsx", 3)
        result = run("letters", roster, "-o", outdir, "-c", config)
        assert result.exit_code == 0, result.output
        assert leftovers(outdir) == sorted([recent.name, running.name])
    finally:
        sleeper.kill()
        sleeper.wait()


@posix_only
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_terminated_pdf_run_stops_libreoffice_and_cleans_up(config, tmp_path, signum):
    started = tmp_path / "soffice.pid"
    program = fake_soffice(
        tmp_path,
        f"""
        open({str(started)!r}, "w").write(str(os.getpid()))
        time.sleep(120)
        """,
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(program, bin_dir / "soffice")
    temp = tmp_path / "tmp"
    temp.mkdir()
    roster = students(tmp_path / "学生名册.xlsx", 3)
    outdir = tmp_path / "out"
    environment = {
        **os.environ,
        "LANG": "zh_CN.UTF-8",
        "PYTHONPATH": str(ROOT),
        "TMPDIR": str(temp),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    }
    docgen = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docgen",
            "letters",
            str(roster),
            "-o",
            str(outdir),
            "--pdf",
            "-c",
            str(config),
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not (started.exists() and started.read_text()) and time.monotonic() < deadline:
            assert docgen.poll() is None, docgen.communicate()
            time.sleep(0.05)
        soffice_pid = int(started.read_text())
        docgen.send_signal(signum)
        _out, err = docgen.communicate(timeout=60)
    finally:
        if docgen.poll() is None:
            docgen.kill()
    assert docgen.returncode != 0
    assert b"Traceback" not in err, err.decode()
    time.sleep(0.2)
    assert not files.process_alive(soffice_pid), "LibreOffice is stopped with the run"
    assert not list(temp.iterdir()), "its temporary folders are removed"
    assert not leftovers(outdir)
    assert len(list(outdir.glob("*.docx"))) == 3 and not list(outdir.glob("*.pdf"))


# ---------------------------------------------------------------- names


class CountingSet(set):
    lookups = 0

    def __contains__(self, item):
        CountingSet.lookups += 1
        return super().__contains__(item)


def test_many_records_of_one_name_are_numbered_in_linear_time(tmp_path):
    allocator = files.NameAllocator(tmp_path, ".docx")
    allocator._taken = CountingSet()
    names = [allocator.allocate("王小明").name for _ in range(5000)]
    assert names[:3] == ["王小明.docx", "王小明(2).docx", "王小明(3).docx"]
    assert len(set(names)) == 5000
    assert CountingSet.lookups < 3 * 5000


def test_windows_console_device_names_are_avoided(config, tmp_path):
    roster = students(tmp_path / "学生名册.xlsx", 3, name=lambda i: ["CONIN$", "conout$", "CON"][i])
    template = tmp_path / "通知.docx"
    document = docx.Document()
    document.add_paragraph("{{ 学生姓名 }}同学家长：")
    document.save(template)
    result = run("render", template, roster, "-o", tmp_path / "out", "--name", "{学生姓名}")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "_CON.docx",
        "_CONIN$.docx",
        "_conout$.docx",
    ]
