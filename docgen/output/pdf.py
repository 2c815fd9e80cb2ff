"""PDF through LibreOffice in headless mode: one conversion queue for a whole run.

A ``Printer`` feeds its queue to one LibreOffice per core.  Where LibreOffice's Python-UNO
bridge is installed, each of them starts once and stays up for the whole run, driven by
``uno_bridge.py``; elsewhere each job is one ``soffice --convert-to`` run.  A batch's records
are printed in a few combined chunks whose PDFs are split at each record's bookmark, and
the batch's combined PDF is those chunk PDFs joined.

Every LibreOffice gets a private profile, so it never collides with a LibreOffice the
secretary has open, and writes into the printer's temporary folder; a PDF is put beside its
.docx only once it is complete.  A job that overruns the time limit is killed with its whole
process group and leaves nothing behind.
"""

from __future__ import annotations

import heapq
import itertools
import json
import os
import queue
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from docgen.errors import ConversionError, display_path
from docgen.i18n import _, join
from docgen.output.files import (
    atomic_path,
    ensure_writable,
    move_into_place,
    owned_prefix,
    remove_stale,
)
from docgen.output.split import FIRST_SHIFT, Chunk, Joiner, Unsplittable
from docgen.output.split import join as join_pdfs
from docgen.output.split import split as split_records

# A run starts LibreOffice once (1–2 s); below this many files per run, another parallel
# run costs more than it saves.
FILES_PER_WORKER = 15
MAX_WORKERS = 4
# LibreOffice (7.x) reads only about 253 command-line arguments and silently ignores the
# rest, still exiting 0; a run is given at most this many files, the others wait their turn.
MAX_FILES_PER_RUN = 200
_POLL = 0.1
# seconds one conversion job may take before its LibreOffice is stopped
TIME_LIMIT = 300
WORK_PREFIX = "docgen-pdf-"
# seconds a LibreOffice that stays up may take to start (the first start makes its profile)
START_LIMIT = 120


def _candidates() -> list[Path]:
    paths = [
        Path("/usr/lib/libreoffice/program/soffice"),
        Path("/usr/lib64/libreoffice/program/soffice"),
        Path("/usr/local/lib/libreoffice/program/soffice"),
        Path("/snap/bin/libreoffice"),
        Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    ]
    paths += sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True)
    if sys.platform == "win32":
        for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)")):
            if base:
                paths.append(Path(base) / "LibreOffice" / "program" / "soffice.exe")
        paths += [
            Path(r"C:\Program Files\LibreOffice\program\soffice.exe"),
            Path(r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
        ]
    return paths


def find_soffice() -> str | None:
    """The LibreOffice program: ``soffice``/``libreoffice`` on PATH, else a usual install place."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in _candidates():
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None


def missing_soffice_message() -> str:
    return _(
        "找不到 LibreOffice（soffice），无法转换 PDF；已生成的 Word 文档不受影响。"
        "请先安装：Debian/Ubuntu 执行 sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk；"
        "Windows、macOS 请从 https://www.libreoffice.org 下载安装 LibreOffice，然后重新运行"
    )


@dataclass
class _Run:
    """One ``soffice --convert-to`` process converting a group of files with distinct names
    (the way without the Python-UNO bridge)."""

    sources: list[Path]
    export: str = "pdf"  # the --convert-to argument
    workdir: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix=owned_prefix(WORK_PREFIX)))
    )
    profile: Path | None = None  # kept by the caller across runs; else a throw-away one
    process: subprocess.Popen | None = None
    timed_out: bool = False

    @property
    def outdir(self) -> Path:
        return self.workdir / "out"

    def output_of(self, source: Path) -> Path:
        return self.outdir / (source.stem + ".pdf")

    def log(self) -> str:
        texts = []
        for name in ("stdout.txt", "stderr.txt"):
            try:
                texts.append((self.workdir / name).read_text(encoding="utf-8", errors="replace"))
            except OSError:
                pass
        return "\n".join(t.strip() for t in texts if t.strip())


def _groups(sources: list[Path], workers: int) -> list[list[Path]]:
    """Split into ``workers`` runs, never two files of the same name in one run (they would
    overwrite each other in its output folder)."""
    runs: list[list[Path]] = [[] for _ in range(workers)]
    names: list[set[str]] = [set() for _ in range(workers)]
    for i, source in enumerate(sources):
        key = source.stem.casefold()
        order = [(i + k) % len(runs) for k in range(len(runs))]
        slot = next((j for j in order if key not in names[j]), None)
        if slot is None:
            runs.append([])
            names.append(set())
            slot = len(runs) - 1
        runs[slot].append(source)
        names[slot].add(key)
    return [r for r in runs if r]


def _limit(groups: list[list[Path]], size: int) -> list[list[Path]]:
    """Split any group longer than ``size`` (a part of a group keeps its names distinct)."""
    return [group[i : i + size] for group in groups for i in range(0, len(group), size)]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    if sys.platform != "win32":
        # Chinese file names reach LibreOffice intact only under a UTF-8 locale.
        locale = "en_US.UTF-8" if sys.platform == "darwin" else "C.UTF-8"
        env["LANG"] = env["LC_ALL"] = locale
    return env


def _group_options() -> dict:
    """Popen options giving the child a process group of its own, killed as a whole."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _cannot_start(program: str, exc: OSError) -> ConversionError:
    return ConversionError(
        _("无法启动 LibreOffice（{program}）：{error}；请检查安装是否完整").format(
            program=program, error=exc.strerror or exc
        )
    )


def _start(soffice: str, run: _Run) -> None:
    run.outdir.mkdir(parents=True)
    profile = run.profile or run.workdir / "profile"
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        run.export,
        "--outdir",
        str(run.outdir),
        *(str(s) for s in run.sources),
    ]
    with (
        open(run.workdir / "stdout.txt", "wb") as out,
        open(run.workdir / "stderr.txt", "wb") as err,
    ):
        try:
            run.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=_child_env(),
                **_group_options(),
            )
        except OSError as exc:
            raise _cannot_start(soffice, exc) from None


def _kill(process: subprocess.Popen) -> None:
    """Kill the process and everything it started (soffice is a launcher for soffice.bin)."""
    if process.poll() is None:
        if sys.platform == "win32":
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(process.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        else:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        process.kill()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    if sys.platform != "win32":
        # children may outlive the launcher; the group id still reaches them
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def is_complete_pdf(path: Path) -> bool:
    try:
        size = path.stat().st_size
        if size < 64:
            return False
        with open(path, "rb") as f:
            head = f.read(5)
            f.seek(max(0, size - 1024))
            tail = f.read()
    except OSError:
        return False
    return head == b"%PDF-" and b"%%EOF" in tail


def _timeout_reason(timeout: float) -> str:
    return _("超过时间限制（{seconds} 秒），LibreOffice 已被终止").format(seconds=f"{timeout:g}")


def raise_failures(
    sources: list[Path], failed: list[tuple[Path, str]], written: list[Path]
) -> None:
    if failed:
        order = {s: i for i, s in enumerate(sources)}
        failed.sort(key=lambda item: order.get(item[0], len(order)))
        lines = "\n".join(
            _("  {file}：{reason}").format(file=display_path(s), reason=reason)
            for s, reason in failed
        )
        error = ConversionError(
            _("有 {n} 个文件没能转换成 PDF（其余 {ok} 个已完成）：\n{lines}").format(
                n=len(failed), ok=len(written), lines=lines
            )
        )
        error.failed = failed
        error.converted = written
        raise error


def _failure_reason(run: _Run) -> str:
    code = run.process.returncode if run.process else None
    log = run.log()
    # LibreOffice says little; the last line of its output is the most useful part.
    last = next(
        (
            line.strip()
            for line in reversed(log.splitlines())
            if line.strip() and "javaldx" not in line
        ),
        "",
    )
    if "could not be loaded" in last:
        return _unreadable()
    if last and not last.startswith("convert "):
        return _(
            "LibreOffice 未能转换（退出码 {code}）：{detail}；请用 Word 或 WPS 打开检查该文件"
        ).format(code=code, detail=last)
    return _("LibreOffice 未能转换（退出码 {code}）；请用 Word 或 WPS 打开检查该文件").format(
        code=code
    )


def _unreadable() -> str:
    return _("LibreOffice 打不开这个文件，文件可能已损坏；请用 Word 或 WPS 打开检查")


# ------------------------------------------------------------------ the printer

# The export's settings: a bookmark becomes a named destination (where a record starts);
# 2 is PDF/A-2b, for archiving.
_MARKS = "ExportBookmarksToPDFDestination"
_ARCHIVE = "SelectPdfVersion"
PDF_A = 2


def _export_argument(data: dict[str, bool | int]) -> str:
    """``--convert-to`` with the export's settings (LibreOffice 7.4+ reads them as JSON)."""
    if not data:
        return "pdf"
    settings = {
        key: {"type": "boolean", "value": str(value).lower()}
        if isinstance(value, bool)
        else {"type": "long", "value": str(value)}
        for key, value in data.items()
    }
    return "pdf:writer_pdf_Export:" + json.dumps(settings)


BRIDGE = Path(__file__).with_name("uno_bridge.py")
_bridges: dict[str, str | None] = {}


def _uno_python(soffice: str) -> str | None:
    """A Python that can drive this LibreOffice through its UNO bridge: LibreOffice's own
    (Windows, macOS) or the system's (Linux packages), found once per process.  None when the
    install has no Python-UNO (``DOCGEN_PDF_UNO=0`` turns it off)."""
    if os.environ.get("DOCGEN_PDF_UNO", "1") in ("0", "false", "no"):
        return None
    if soffice in _bridges:
        return _bridges[soffice]
    program = Path(soffice).resolve().parent
    found = None
    places = (program, program.parent / "Resources", program.parent / "Frameworks")
    if any(next(place.glob("*pyuno*"), None) for place in places if place.is_dir()):
        candidates = [
            program / "python.exe",
            program / "python",
            program.parent / "Resources" / "python",
            Path("/usr/bin/python3"),
        ]
        which = shutil.which("python3")
        if which:
            candidates.append(Path(which))
        for python in candidates:
            if not python.is_file():
                continue
            try:
                check = subprocess.run(
                    [str(python), "-c", "import uno"],
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    timeout=30,
                    env=_child_env(),
                )
            except (OSError, subprocess.SubprocessError):
                continue
            if check.returncode == 0:
                found = str(python)
                break
    _bridges[soffice] = found
    return found


@dataclass(eq=False)
class Job:
    """Documents to convert with one set of export settings; ``future``'s result has, for
    each source, its PDF (in the printer's work folder, the caller's to move) or the reason
    it failed."""

    sources: list[Path]
    data: dict[str, bool | int]
    folder: Path
    size: int
    future: Future = field(default_factory=Future)


class _UnoWorker:
    """One LibreOffice that stays up, driven through ``uno_bridge.py``."""

    def __init__(self, printer: Printer, folder: Path):
        self.printer = printer
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.answers: queue.Queue[bytes | None] = queue.Queue()

    def start(self, deadline: float) -> str | None:
        """Start LibreOffice and wait until it listens; the reason when it cannot."""
        assert self.printer.bridge and self.printer.soffice
        self.folder.mkdir(parents=True, exist_ok=True)
        pipe = f"docgen-{os.getpid()}-{secrets.token_hex(6)}"
        command = [
            self.printer.bridge,
            str(BRIDGE),
            self.printer.soffice,
            (self.folder / "profile").as_uri(),
            pipe,
        ]
        self.answers = queue.Queue()
        with open(self.folder / "stderr.txt", "ab") as err:
            try:
                self.process = subprocess.Popen(
                    command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=err,
                    env=_child_env(),
                    **_group_options(),
                )
            except OSError as exc:
                return str(exc)
        self.printer._running(self.process, True)
        threading.Thread(target=self._read, args=(self.process, self.answers), daemon=True).start()
        answer = self._answer(deadline)
        if answer is None or not answer.get("ready"):
            self.stop()
            return (answer or {}).get("error") or _("LibreOffice 没有启动")
        self.printer.starts.append(float(answer["ready"]))
        return None

    @staticmethod
    def _read(process: subprocess.Popen, answers: queue.Queue) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            answers.put(line)
        answers.put(None)

    def _answer(self, deadline: float) -> dict | None:
        """The next answer; None when LibreOffice ended or the time ran out."""
        try:
            line = self.answers.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None
        if line is None:
            return None
        try:
            return json.loads(line)
        except ValueError:
            return {"ok": False, "error": line.decode("utf-8", "replace").strip()}

    def convert(self, source: Path, target: Path, data: dict) -> Path | str:
        if self.process is None or self.process.poll() is not None:
            problem = self.start(time.monotonic() + max(START_LIMIT, self.printer.timeout))
            if problem:
                return _("LibreOffice 未能转换：{detail}；请用 Word 或 WPS 打开检查该文件").format(
                    detail=problem
                )
        deadline = time.monotonic() + self.printer.timeout
        assert self.process is not None and self.process.stdin is not None
        request = {"source": str(source), "target": str(target), "filter": data}
        try:
            self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except OSError:
            self.stop()
            return _("LibreOffice 未能转换：{detail}；请用 Word 或 WPS 打开检查该文件").format(
                detail=_("LibreOffice 意外退出")
            )
        answer = self._answer(deadline)
        if answer is None:
            timed_out = time.monotonic() >= deadline
            self.stop()
            if timed_out:
                return _timeout_reason(self.printer.timeout)
            if self.printer.aborted:
                return _("转换被中止")
            return _("LibreOffice 未能转换：{detail}；请用 Word 或 WPS 打开检查该文件").format(
                detail=_("LibreOffice 意外退出")
            )
        if answer.get("dead"):
            self.stop()
        if answer.get("ok") and is_complete_pdf(target):
            self.printer._timed(source, answer)
            return target
        error = str(answer.get("error") or "")
        if "type detection failed" in error or "could not be loaded" in error:
            return _unreadable()
        return _("LibreOffice 未能转换：{detail}；请用 Word 或 WPS 打开检查该文件").format(
            detail=error or _("没有写出 PDF")
        )

    def run(self, job: Job) -> list[Path | str]:
        return [
            self.convert(source, job.folder / f"{k}.pdf", job.data)
            for k, source in enumerate(job.sources)
        ]

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None and process.stdin is not None:
            try:
                process.stdin.close()  # the bridge closes LibreOffice and exits
                process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        _kill(process)
        while True:  # its last word: the processor time LibreOffice used
            try:
                line = self.answers.get(timeout=1)
            except queue.Empty:
                break
            if line is None:
                break
            try:
                self.printer.cpu += float(json.loads(line).get("cpu", 0))
            except (ValueError, TypeError, AttributeError):
                pass
        self.printer._running(process, False)


class _CommandWorker:
    """``soffice --convert-to`` per job, with a profile kept for all of this worker's runs."""

    def __init__(self, printer: Printer, folder: Path):
        self.printer = printer
        self.folder = folder
        self.profile = folder / "profile"

    def run(self, job: Job) -> list[Path | str]:
        assert self.printer.soffice
        deadline = time.monotonic() + self.printer.timeout
        results: dict[Path, Path | str] = {}
        groups = _limit(_groups(job.sources, 1), MAX_FILES_PER_RUN)
        for n, group in enumerate(groups):
            workdir = job.folder / f"run{n}"
            workdir.mkdir(parents=True)
            run = _Run(group, export=_export_argument(job.data), workdir=workdir)
            run.profile = self.profile
            if time.monotonic() >= deadline or self.printer.aborted:
                run.timed_out = True
            else:
                _start(self.printer.soffice, run)
                assert run.process is not None
                self.printer._running(run.process, True)
                try:
                    while run.process.poll() is None:
                        if time.monotonic() >= deadline or self.printer.aborted:
                            run.timed_out = True
                            _kill(run.process)
                            break
                        time.sleep(_POLL)
                finally:
                    self.printer._running(run.process, False)
            for source in group:
                output = run.output_of(source)
                if run.timed_out:
                    results[source] = _timeout_reason(self.printer.timeout)
                elif is_complete_pdf(output):
                    results[source] = output
                else:
                    results[source] = _failure_reason(run)
        return [results[s] for s in job.sources]

    def stop(self) -> None:
        pass


class Printer:
    """One conversion queue fed to ``workers`` LibreOffice processes (default: one per core).

    With LibreOffice's Python-UNO bridge, each process starts once and stays up for every job
    of the printer (``start()`` starts them before the first job, so they start while the
    documents are still being written); without it, each job is one ``soffice --convert-to``
    run with a profile kept per worker.  Jobs are taken largest first, urgent ones (a trial
    print that something waits for) before all.  ``timeout`` bounds each job.  Used as a
    context manager, it is the printer ``active()`` returns, so code deep inside a run (the
    summary's fitting) prints through the same processes.  Closing it (or Ctrl-C) leaves no
    LibreOffice running and removes every work folder.
    """

    # Called with each document given to LibreOffice (instrumentation for tests and benchmarks).
    observers: list[Callable[[Path], None]] = []

    def __init__(
        self,
        *,
        workers: int | None = None,
        timeout: float | None = None,
        archive: bool = False,
    ):
        self.soffice = find_soffice()
        self.timeout = TIME_LIMIT if timeout is None else timeout
        self.workers = max(1, workers or min(MAX_WORKERS, os.cpu_count() or 1))
        self.archive = archive
        self.bridge = _uno_python(self.soffice) if self.soffice else None
        self.aborted = False
        self.timings: list[dict] = []  # the bridge's load/export seconds per document
        self.cpu = 0.0  # processor seconds of the LibreOffice processes that have ended
        self.starts: list[float] = []  # seconds each LibreOffice took to start listening
        self._root: Path | None = None
        self._jobs: list[tuple[int, int, int, Job]] = []
        self._order = itertools.count()
        self._lock = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._processes: set[subprocess.Popen] = set()
        self._closed = False
        self._waiting = 0  # threads free for a job
        self._printed: dict[str, Path] = {}  # _key(job) → a copy of its PDF
        self._finisher: ThreadPoolExecutor | None = None
        # orders queued ahead by the run's writing phase, by the id of what they print
        self.ahead: dict[int, tuple[Order, Any]] = {}

    @property
    def persistent(self) -> bool:
        """LibreOffice stays up between jobs, so a job costs no start."""
        return self.bridge is not None

    @property
    def root(self) -> Path:
        with self._lock:
            if self._root is None:
                remove_stale(Path(tempfile.gettempdir()), WORK_PREFIX)
                self._root = Path(tempfile.mkdtemp(prefix=owned_prefix(WORK_PREFIX)))
            return self._root

    def scratch(self) -> Path:
        """A fresh folder in the printer's work folder, removed with it."""
        return Path(tempfile.mkdtemp(dir=self.root))

    def finish(self, work: Callable[[], None]) -> Future:
        """Run ``work`` on the printer's one finishing thread (splitting, joining PDFs), so
        the threads feeding LibreOffice never wait for it."""
        with self._lock:
            if self._finisher is None:
                self._finisher = ThreadPoolExecutor(1, thread_name_prefix="docgen-pdf-finish")
            finisher = self._finisher
        return finisher.submit(work)

    def start(self) -> Printer:
        """Start every LibreOffice now (with the UNO bridge), before the first job."""
        if self.soffice and self.persistent:
            with self._lock:
                while len(self._threads) < self.workers:
                    self._add_thread()
        return self

    def submit(
        self,
        sources: Sequence[Path],
        *,
        marks: bool = False,
        size: int = 1,
        urgent: bool = False,
    ) -> Future:
        """Queue ``sources`` for conversion (``marks``: bookmarks become named destinations;
        ``size``: pages expected, larger jobs go first).  Raises ConversionError when there is
        no LibreOffice."""
        if not self.soffice:
            raise ConversionError(missing_soffice_message())
        data: dict[str, bool | int] = {}
        if marks:
            data[_MARKS] = True
        if self.archive:
            data[_ARCHIVE] = PDF_A
        job = Job([Path(s).resolve() for s in sources], data, self.scratch(), size)
        with self._lock:
            if self._closed:
                raise RuntimeError("the printer is closed")
            heapq.heappush(self._jobs, (0 if urgent else 1, -size, next(self._order), job))
            if self._waiting < len(self._jobs) and len(self._threads) < self.workers:
                self._add_thread()  # no thread free for this job: one more LibreOffice
            self._lock.notify()
        return job.future

    def convert(self, source: Path, *, urgent: bool = True) -> Path:
        """One document's PDF, in the work folder; raises ConversionError when it fails."""
        [result] = self.submit([source], urgent=urgent).result()
        if isinstance(result, str):
            raise_failures([source], [(source, result)], [])
        return result

    def _add_thread(self) -> None:
        self._waiting += 1  # counted as free until it takes its first job
        index = len(self._threads)
        thread = threading.Thread(
            target=self._work, args=(index,), name=f"docgen-pdf-{index}", daemon=True
        )
        self._threads.append(thread)
        thread.start()

    def _next(self, first: bool = False) -> Job | None:
        with self._lock:
            if not first:
                self._waiting += 1
            while not self._jobs and not self._closed:
                self._lock.wait()
            self._waiting -= 1
            if not self._jobs:
                return None
            return heapq.heappop(self._jobs)[-1]

    def _work(self, index: int) -> None:
        folder = self.root / f"worker{index}"
        worker: _UnoWorker | _CommandWorker
        if self.persistent:
            worker = _UnoWorker(self, folder)
            if worker.start(time.monotonic() + max(START_LIMIT, self.timeout)):
                worker = _CommandWorker(self, folder)  # no bridge here: one run per job
        else:
            worker = _CommandWorker(self, folder)
        first = True
        try:
            while (job := self._next(first)) is not None:
                first = False
                if not job.future.set_running_or_notify_cancel():
                    continue
                try:
                    key = self._key(job)
                    if key in self._printed:  # the very same document: its PDF again
                        copy = job.folder / "0.pdf"
                        shutil.copyfile(self._printed[key], copy)
                        job.future.set_result([copy])
                        continue
                    for observer in self.observers:
                        for source in job.sources:
                            observer(source)
                    if self.aborted:
                        job.future.set_result([_("转换被中止")] * len(job.sources))
                        continue
                    results = worker.run(job)
                    if key and isinstance(results[0], Path):
                        kept = self.root / f"{key}.pdf"
                        shutil.copyfile(results[0], kept)
                        self._printed[key] = kept
                    job.future.set_result(results)
                except BaseException as exc:
                    job.future.set_exception(exc)
        finally:
            worker.stop()

    def _key(self, job: Job) -> str:
        """What makes a one-document job's PDF, for printing the same document only once
        (the summary's last trial print is its final print); empty for other jobs."""
        if len(job.sources) != 1 or job.data.get(_MARKS):
            return ""
        import hashlib

        try:
            content = job.sources[0].read_bytes()
        except OSError:
            return ""
        digest = hashlib.sha256(content)
        digest.update(json.dumps(job.data, sort_keys=True).encode())
        return digest.hexdigest()

    def _running(self, process: subprocess.Popen, on: bool) -> None:
        with self._lock:
            if on:
                self._processes.add(process)
            else:
                self._processes.discard(process)
        if on and self.aborted:
            _kill(process)

    def _timed(self, source: Path, answer: dict) -> None:
        with self._lock:
            self.timings.append({"source": source, **answer})

    def close(self, abort: bool = False) -> None:
        """Finish the queued jobs (or, with ``abort``, stop at once), stop LibreOffice and
        remove the work folders."""
        with self._lock:
            self._closed = True
            if abort:
                self.aborted = True
                for *_key, job in self._jobs:
                    job.future.cancel()
                self._jobs.clear()
                processes = list(self._processes)
            else:
                processes = []
            self._lock.notify_all()
        for process in processes:
            _kill(process)
        for thread in self._threads:
            thread.join()
        if self._finisher is not None:
            self._finisher.shutdown(wait=True, cancel_futures=abort)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)

    def __enter__(self) -> Printer:
        self._token = _active.set(self)
        return self

    def __exit__(self, kind, value, traceback) -> None:
        _active.reset(self._token)
        self.close(abort=kind is not None)


# the printer of the run in progress; a context variable, so another thread's run (the web
# page) has its own, and a thread working for the run is given it with contextvars.copy_context
_active: ContextVar[Printer | None] = ContextVar("docgen_printer", default=None)


def active() -> Printer | None:
    """The printer of the run in progress (the innermost ``with Printer()``), if any."""
    return _active.get()


@contextmanager
def printing(on: bool = True, *, archive: bool = False) -> Iterator[Printer | None]:
    """A printer for a whole run, its LibreOffice started at once (while the documents are
    written); nothing when ``on`` is false."""
    if not on:
        yield None
        return
    with Printer(archive=archive) as printer:
        printer.start()
        yield printer


def print_copy(docx: Path) -> Path:
    """The PDF of one document, beside it: through the run's printer when there is one (the
    build's LibreOffice processes), else a LibreOffice of its own."""
    docx = Path(docx)
    printer = active()
    if printer is None:
        [pdf] = convert_to_pdf([docx], force=True)
        return pdf
    target = docx.with_suffix(".pdf")
    move_into_place(printer.convert(docx), target)
    return target


def convert_to_pdf(
    docx_paths: Sequence[Path],
    *,
    timeout: float | None = None,
    workers: int | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Convert .docx files to PDFs beside them (same name, ``.pdf``); return the PDFs in order.

    The files go through the run's printer when there is one, else through a printer of
    their own (``workers`` LibreOffice processes, default: by file count and CPUs).
    ``timeout`` (seconds, default ``TIME_LIMIT``) bounds each conversion.  ``progress(n)`` is
    called as ``n`` more files are done.

    Raises OutputExistsError before starting if a PDF exists and ``force`` is false, and
    ConversionError when LibreOffice is missing, or after moving the good PDFs into place
    when some files failed or the time ran out (``error.failed`` lists ``(docx, reason)``,
    ``error.converted`` the PDFs written).
    """
    sources: list[Path] = []
    seen: set[Path] = set()
    for p in docx_paths:
        path = Path(p).resolve()
        if path not in seen:
            seen.add(path)
            sources.append(path)
    if not sources:
        return []
    missing = [s for s in sources if not s.is_file()]
    if missing:
        raise ConversionError(
            _("找不到要转换的文件：{files}").format(files=join(display_path(s) for s in missing))
        )
    ensure_writable([s.with_suffix(".pdf") for s in sources], force)
    printer = active()
    if printer is not None and timeout is None and workers is None:
        return queue_files(printer, sources, progress).result()
    if not find_soffice():
        raise ConversionError(missing_soffice_message())
    count = workers if workers is not None else _default_workers(len(sources))
    with Printer(workers=count, timeout=timeout) as own:
        return queue_files(own, sources, progress).result()


def _default_workers(count: int) -> int:
    cpus = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cpus, -(-count // FILES_PER_WORKER)))


class Order:
    """PDFs on their way through a printer.  ``result()`` waits for them all (the printer's
    finishing work included) and returns the PDFs written in order, or raises
    ConversionError listing what failed, after the good PDFs are in place."""

    def __init__(self, sources: list[Path]):
        self.sources = sources
        self.written: dict[Path, Path] = {}  # source → its PDF
        self.failed: list[tuple[Path, str]] = []
        self._pending = 0
        self._errors: list[BaseException] = []
        self._lock = threading.Condition()

    def expect(self, future: Future, printer: Printer, then: Callable[[list], None]) -> None:
        """When ``future`` (a job) is done, ``then(its results)`` on the finishing thread."""
        with self._lock:
            self._pending += 1

        def finished(done: Future) -> None:
            def work() -> None:
                try:
                    if done.cancelled():
                        raise KeyboardInterrupt
                    then(done.result())
                except BaseException as exc:
                    with self._lock:
                        self._errors.append(exc)
                finally:
                    with self._lock:
                        self._pending -= 1
                        self._lock.notify_all()

            try:
                printer.finish(work)
            except RuntimeError:  # the printer is shutting down
                work()

        future.add_done_callback(finished)

    def done(self, source: Path, pdf: Path) -> None:
        with self._lock:
            self.written[source] = pdf

    def fail(self, source: Path, reason: str) -> None:
        with self._lock:
            self.failed.append((source, reason))

    def wait(self) -> None:
        with self._lock:
            while self._pending:
                self._lock.wait()
            if self._errors:
                raise self._errors[0]

    def result(self) -> list[Path]:
        self.wait()
        written = [self.written[s] for s in self.sources if s in self.written]
        raise_failures(self.sources, list(self.failed), written)
        return written


def _file_jobs(printer: Printer, sources: list[Path]) -> list[list[Path]]:
    """How files converted one by one are handed out: one a job with a LibreOffice that
    stays up (the queue balances them), else a few runs of many files."""
    if printer.persistent:
        return [[s] for s in sources]
    runs = min(printer.workers, _default_workers(len(sources)))
    needed = max(runs, -(-len(sources) // MAX_FILES_PER_RUN))
    return _limit(_groups(sources, min(needed, max(1, len(sources)))), MAX_FILES_PER_RUN)


def queue_files(
    printer: Printer,
    sources: Sequence[Path],
    progress: Callable[[int], None] | None = None,
    order: Order | None = None,
    after: Callable[[], None] | None = None,
) -> Order:
    """Queue .docx files for their PDFs beside them (existing ones are replaced);
    ``after()`` runs on the finishing thread once all of them are placed or failed."""
    sources = [Path(s) for s in sources]
    order = order or Order(sources)
    good: list[Path] = []
    for source in sources:
        # LibreOffice would import a damaged file as plain text and print that; refuse it.
        if zipfile.is_zipfile(source):
            good.append(source)
        else:
            order.fail(source, _("不是有效的 Word 文档（.docx），请用 Word 或 WPS 打开检查"))
    groups = _file_jobs(printer, good)
    left = [len(groups)]
    if after and not groups:
        order.expect(_finished([]), printer, lambda _results: after())
    for group in groups:

        def place(results: list, group: list[Path] = group) -> None:
            placed = 0
            for source, result in zip(group, results, strict=True):
                if isinstance(result, str):
                    order.fail(source, result)
                else:
                    move_into_place(result, source.with_suffix(".pdf"))
                    order.done(source, source.with_suffix(".pdf"))
                    placed += 1
            if progress and placed:
                progress(placed)
            left[0] -= 1
            if after and not left[0]:
                after()

        order.expect(printer.submit(group, size=len(group)), printer, place)
    return order


def _finished(result: object) -> Future:
    future: Future = Future()
    future.set_result(result)
    return future


# Per-record PDFs of a batch: the records are rendered again as combined documents of at
# most SPLIT_CHUNK records, each with a bookmark at every record's start; LibreOffice converts
# each such chunk (its cost grows faster than linear with the length) and the PDF is split at
# the bookmarks, which the export keeps as named destinations.  The batch's combined PDF is
# those chunk PDFs joined, never a conversion of its own.  Chunks are cut so that every
# LibreOffice process gets a few (CHUNKS_PER_WORKER).  Without the UNO bridge a chunk costs a
# LibreOffice start, so below SPLIT_FROM records each file is converted on its own.
SPLIT_FROM = 16
SPLIT_CHUNK = 1000
CHUNKS_PER_WORKER = 2
MIN_CHUNK = 32


def chunks_of(count: int, workers: int, per_worker: int = CHUNKS_PER_WORKER) -> list[range]:
    """Consecutive records in chunks of about equal size, ``per_worker`` for each worker."""
    if count <= 0:
        return []
    size = max(MIN_CHUNK, -(-count // (workers * per_worker)))
    size = min(SPLIT_CHUNK, size)
    parts = -(-count // size)
    bounds = [count * k // parts for k in range(parts + 1)]
    return [range(a, b) for a, b in pairwise(bounds)]


def queue_records(
    printer: Printer,
    template,
    contexts: Sequence[dict],
    docx_paths: Sequence[Path],
    *,
    needed: Sequence[int] | None = None,
    combined: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Order:
    """Queue the PDFs of one batch's records (``contexts[i]`` was rendered with ``template``
    as ``docx_paths[i]``) for the records ``needed`` (default all), beside their .docx, and,
    when ``combined`` is given, the batch's combined PDF there, joined from the same chunks.

    ``progress(n)`` as records are placed, and 1 for the combined PDF.
    """
    paths = [Path(p).resolve() for p in docx_paths]
    if len(paths) != len(contexts):
        raise ValueError(f"{len(contexts)} contexts but {len(paths)} paths")
    wanted = sorted(set(range(len(paths)) if needed is None else needed))
    sources = [paths[i] for i in wanted] + ([Path(combined)] if combined else [])
    order = Order(sources)
    # the combined PDF needs every record's pages; else only the wanted records are printed
    printed = list(range(len(paths))) if combined else wanted
    if not printed:
        return order
    if not printer.soffice:
        raise ConversionError(missing_soffice_message())
    if len(printed) < (2 if printer.persistent else SPLIT_FROM):
        return _queue_one_by_one(printer, paths, wanted, combined, progress, order)

    from docgen.render.combined import render_combined

    keep = set(wanted)
    # without a LibreOffice that stays up, each chunk costs a start: one per worker
    per_worker = CHUNKS_PER_WORKER if printer.persistent else 1
    parts = [
        [printed[i] for i in part] for part in chunks_of(len(printed), printer.workers, per_worker)
    ]
    # Chunks are taken in order as they come (all on the finishing thread): each one's
    # objects are numbered after the previous one's, so its records' PDFs and the combined
    # PDF share the same bytes, written once for each.
    results: dict[int, Path | str] = {}
    state = {"next": 0, "shift": FIRST_SHIFT}
    joiner = Joiner(Path(combined).with_suffix(".pdf")) if combined else None
    broken: list[str] = []

    def take(n: int, result: Path | str) -> None:
        part = parts[n]
        mine = [i for i in part if i in keep]
        if isinstance(result, str):
            for i in mine:
                order.fail(paths[i], result)
            broken.append(result)
            return
        try:
            chunk = Chunk(result, state["shift"])
        except Unsplittable:
            broken.append(_("LibreOffice 写出的 PDF 读不出来"))
            queue_files(printer, [paths[i] for i in mine], progress, order)
            return
        state["shift"] += chunk.size
        if joiner and not broken:
            joiner.add(chunk)
        targets = [paths[i].with_suffix(".pdf") if i in keep else None for i in part]
        try:
            split_records(chunk, targets)
        except Unsplittable:
            # the export lost the record marks: those records are converted one by one
            queue_files(printer, [paths[i] for i in mine], progress, order)
        else:
            for i in mine:
                order.done(paths[i], paths[i].with_suffix(".pdf"))
            if progress and mine:
                progress(len(mine))

    def arrived(found: list, n: int) -> None:
        [results[n]] = found
        try:
            while state["next"] in results:
                n = state["next"]
                take(n, results.pop(n))
                state["next"] = n + 1
        except BaseException:
            if joiner:
                joiner.discard()
            raise
        if joiner and state["next"] == len(parts):
            assert combined is not None
            if broken:
                joiner.discard()
                order.fail(Path(combined), _("合订本的部分文档没能转换，见上"))
            else:
                joiner.finish()
                order.done(Path(combined), joiner.target)
                if progress:
                    progress(1)

    for n, part in enumerate(parts):
        source = printer.scratch() / "records.docx"
        render_combined(template, [contexts[i] for i in part], source, marks=True)
        _drop_page_restarts(source)

        def split(found: list, n: int = n) -> None:
            arrived(found, n)

        order.expect(printer.submit([source], marks=True, size=len(part)), printer, split)
    return order


_PAGE_FIELD = re.compile(
    rb"(?:<w:instrText\b[^>]*>|\bw:instr=\")\s*(?:PAGE|NUMPAGES|SECTIONPAGES|PAGEREF)\b", re.I
)
_RESTART = re.compile(rb"<w:pgNumType\b[^>]*/>")


def _drop_page_restarts(docx: Path) -> None:
    """A chunk that prints no page number need not restart the numbering at each record:
    Writer then lays out no blank page before each one-page record (it puts a page numbered
    1 on a right-hand page), which is about a fifth of its work on such a chunk.  The
    printed pages are the same."""
    with zipfile.ZipFile(docx) as package:
        infos = package.infolist()
        parts = {info.filename: package.read(info) for info in infos}
    if any(
        _PAGE_FIELD.search(data)
        for name, data in parts.items()
        if name.startswith("word/") and name.endswith(".xml")
    ):
        return
    document = "word/document.xml"
    if document not in parts or not _RESTART.search(parts[document]):
        return
    parts[document] = _RESTART.sub(b"", parts[document])
    with atomic_path(docx) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as package:
        for info in infos:
            package.writestr(info, parts[info.filename])


def _queue_one_by_one(
    printer: Printer,
    paths: list[Path],
    wanted: list[int],
    combined: Path | None,
    progress: Callable[[int], None] | None,
    order: Order,
) -> Order:
    """Few records without a LibreOffice that stays up: each file converted on its own, the
    combined PDF joined from theirs."""

    def join() -> None:
        if not combined:
            return
        pdfs = [p.with_suffix(".pdf") for p in paths]
        if all(is_complete_pdf(p) for p in pdfs):
            join_pdfs(pdfs, Path(combined).with_suffix(".pdf"))
            order.done(Path(combined), Path(combined).with_suffix(".pdf"))
            if progress:
                progress(1)
        else:
            order.fail(Path(combined), _("合订本的部分文档没能转换，见上"))

    return queue_files(printer, [paths[i] for i in wanted], progress, order, after=join)
