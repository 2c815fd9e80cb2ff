"""Orders: the PDFs a run asks a printer for, put beside their .docx as they come.

Single files are converted one by one (or, without a LibreOffice that stays up, in a few
runs of many files); a batch's records are printed in combined chunks whose PDFs are split at
each record's bookmark, and the batch's combined PDF is those chunk PDFs joined.
"""

from __future__ import annotations

import re
import threading
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.errors import ConversionError
from docgen.i18n import _
from docgen.output.files import atomic_path, move_into_place
from docgen.output.libreoffice import (
    MAX_FILES_PER_RUN,
    _default_workers,
    _groups,
    _limit,
    is_complete_pdf,
    missing_soffice_message,
    raise_failures,
)
from docgen.output.split import FIRST_SHIFT, Chunk, Joiner, Unsplittable
from docgen.output.split import join as join_pdfs
from docgen.output.split import split as split_records

if TYPE_CHECKING:
    from docgen.output.pdf import Printer


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
    batch = _ChunkedBatch(printer, order, paths, set(wanted), combined, progress)
    batch.plan(printed)
    batch.submit(template, contexts)
    return order


class _ChunkedBatch:
    """A batch's records printed in chunks, each chunk's PDF split into the records' PDFs
    and joined into the combined PDF.

    Chunks are taken in order as they come (all on the finishing thread): each one's
    objects are numbered after the previous one's, so its records' PDFs and the combined
    PDF share the same bytes, written once for each.
    """

    def __init__(
        self,
        printer: Printer,
        order: Order,
        paths: list[Path],
        keep: set[int],
        combined: Path | None,
        progress: Callable[[int], None] | None,
    ):
        self.printer = printer
        self.order = order
        self.paths = paths
        self.keep = keep  # the records whose PDFs are wanted
        self.combined = Path(combined) if combined else None
        self.progress = progress
        self.parts: list[list[int]] = []
        self.results: dict[int, Path | str] = {}  # chunks arrived ahead of their turn
        self.next = 0  # the chunk whose turn it is
        self.shift = FIRST_SHIFT
        self.joiner = Joiner(self.combined.with_suffix(".pdf")) if self.combined else None
        self.broken: list[str] = []

    def plan(self, printed: list[int]) -> None:
        """Cut the printed records into chunks."""
        # without a LibreOffice that stays up, each chunk costs a start: one per worker
        per_worker = CHUNKS_PER_WORKER if self.printer.persistent else 1
        self.parts = [
            [printed[i] for i in part]
            for part in chunks_of(len(printed), self.printer.workers, per_worker)
        ]

    def submit(self, template, contexts: Sequence[dict]) -> None:
        """Render each chunk as one combined document with a mark at every record and queue it."""
        from docgen.render.combined import render_combined

        for n, part in enumerate(self.parts):
            source = self.printer.scratch() / "records.docx"
            render_combined(template, [contexts[i] for i in part], source, marks=True)
            _drop_page_restarts(source)
            job = self.printer.submit([source], marks=True, size=len(part))
            self.order.expect(job, self.printer, partial(self.arrived, n=n))

    def arrived(self, found: list, n: int) -> None:
        """Chunk ``n``'s result: it and every chunk waiting behind it are taken in turn."""
        [self.results[n]] = found
        try:
            while self.next in self.results:
                n = self.next
                self.take(n, self.results.pop(n))
                self.next = n + 1
        except BaseException:
            if self.joiner:
                self.joiner.discard()
            raise
        if self.joiner and self.next == len(self.parts):
            self.finish_combined()

    def take(self, n: int, result: Path | str) -> None:
        """Split chunk ``n``'s PDF into its records' PDFs and add it to the combined PDF."""
        part = self.parts[n]
        mine = [i for i in part if i in self.keep]
        if isinstance(result, str):
            for i in mine:
                self.order.fail(self.paths[i], result)
            self.broken.append(result)
            return
        try:
            chunk = Chunk(result, self.shift)
        except Unsplittable:
            self.broken.append(_("LibreOffice 写出的 PDF 读不出来"))
            self.one_by_one(mine)
            return
        self.shift += chunk.size
        if self.joiner and not self.broken:
            self.joiner.add(chunk)
        targets = [self.paths[i].with_suffix(".pdf") if i in self.keep else None for i in part]
        try:
            split_records(chunk, targets)
        except Unsplittable:
            # the export lost the record marks: those records are converted one by one
            self.one_by_one(mine)
        else:
            for i in mine:
                self.order.done(self.paths[i], self.paths[i].with_suffix(".pdf"))
            if self.progress and mine:
                self.progress(len(mine))

    def one_by_one(self, records: list[int]) -> None:
        """Queue these records' files to be converted each on its own."""
        queue_files(self.printer, [self.paths[i] for i in records], self.progress, self.order)

    def finish_combined(self) -> None:
        """Every chunk is in: the combined PDF is written, or refused when a chunk failed."""
        assert self.joiner is not None and self.combined is not None
        if self.broken:
            self.joiner.discard()
            self.order.fail(self.combined, _("合订本的部分文档没能转换，见上"))
        else:
            self.joiner.finish()
            self.order.done(self.combined, self.joiner.target)
            if self.progress:
                self.progress(1)


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
