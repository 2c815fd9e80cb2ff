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

This module is the entry (the printer, ``convert_to_pdf``, ``print_copy``); the LibreOffice
runs are in ``libreoffice``, the workers feeding them in ``workers``, and the orders (files
and a batch's chunks) in ``orders``, whose names are also found here.
"""

from __future__ import annotations

import heapq
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from docgen.errors import ConversionError, display_path
from docgen.i18n import _, join
from docgen.output.files import ensure_writable, move_into_place, owned_prefix, remove_stale
from docgen.output.libreoffice import (  # noqa: F401  (the LibreOffice runs, by their old names)
    _ARCHIVE,
    _MARKS,
    BRIDGE,
    FILES_PER_WORKER,
    MAX_FILES_PER_RUN,
    MAX_WORKERS,
    PDF_A,
    START_LIMIT,
    WORK_PREFIX,
    _default_workers,
    _groups,
    _kill,
    _limit,
    _uno_python,
    is_complete_pdf,
    missing_soffice_message,
    raise_failures,
)
from docgen.output.orders import (  # noqa: F401  (the orders, by their old names)
    CHUNKS_PER_WORKER,
    MIN_CHUNK,
    SPLIT_CHUNK,
    SPLIT_FROM,
    Order,
    chunks_of,
    join_pdfs,
    queue_files,
    queue_records,
    split_records,
)
from docgen.output.workers import Job, _CommandWorker, _UnoWorker

# seconds one conversion job may take before its LibreOffice is stopped
TIME_LIMIT = 300


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
