"""PDF through LibreOffice in headless mode: one ``soffice`` run converts a whole batch.

Each run gets a private, throw-away LibreOffice profile, so it never collides with a
LibreOffice the secretary has open, and writes into its own temporary folder; a PDF is put
beside its .docx only once it is complete.  A run that overruns the time limit is killed
with its whole process group and leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from docgen.errors import ConversionError, display_path
from docgen.i18n import _, join
from docgen.output.files import (
    atomic_path,
    ensure_writable,
    move_into_place,
    owned_prefix,
    remove_stale,
)

# A run starts LibreOffice once (1–2 s); below this many files per run, another parallel
# run costs more than it saves.
FILES_PER_WORKER = 15
MAX_WORKERS = 4
# LibreOffice (7.x) reads only about 253 command-line arguments and silently ignores the
# rest, still exiting 0; a run is given at most this many files, the others wait their turn.
MAX_FILES_PER_RUN = 200
_POLL = 0.1
# seconds a whole conversion may take before LibreOffice is stopped
TIME_LIMIT = 300
WORK_PREFIX = "docgen-pdf-"


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
    """One soffice process converting a group of files with distinct names."""

    sources: list[Path]
    export: str = "pdf"  # the --convert-to argument
    workdir: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix=owned_prefix(WORK_PREFIX)))
    )
    process: subprocess.Popen | None = None
    reported: int = 0
    timed_out: bool = False

    @property
    def outdir(self) -> Path:
        return self.workdir / "out"

    @property
    def profile(self) -> Path:
        return self.workdir / "profile"

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


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    if sys.platform != "win32":
        # Chinese file names reach LibreOffice intact only under a UTF-8 locale.
        locale = "en_US.UTF-8" if sys.platform == "darwin" else "C.UTF-8"
        env["LANG"] = env["LC_ALL"] = locale
    return env


def _start(soffice: str, run: _Run) -> None:
    run.outdir.mkdir(parents=True)
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        f"-env:UserInstallation={run.profile.as_uri()}",
        "--convert-to",
        run.export,
        "--outdir",
        str(run.outdir),
        *(str(s) for s in run.sources),
    ]
    options: dict = {}
    if sys.platform == "win32":
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        options["start_new_session"] = True  # its own process group, killed as a whole
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
                **options,
            )
        except OSError as exc:
            raise ConversionError(
                _("无法启动 LibreOffice（{program}）：{error}；请检查安装是否完整").format(
                    program=soffice, error=exc.strerror or exc
                )
            ) from None


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


def _appeared(run: _Run) -> int:
    """Files of a running run that are done: each PDF but the one being written."""
    try:
        count = sum(1 for p in run.outdir.iterdir() if p.suffix.lower() == ".pdf")
    except OSError:
        return 0
    return max(0, count - 1)


def _limit(groups: list[list[Path]], size: int) -> list[list[Path]]:
    """Split any group longer than ``size`` (a part of a group keeps its names distinct)."""
    return [group[i : i + size] for group in groups for i in range(0, len(group), size)]


def _default_workers(count: int) -> int:
    cpus = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cpus, count // FILES_PER_WORKER))


def convert_to_pdf(
    docx_paths: Sequence[Path],
    *,
    timeout: float | None = None,
    workers: int | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Convert .docx files to PDFs beside them (same name, ``.pdf``); return the PDFs in order.

    One LibreOffice run converts many files (at most ``MAX_FILES_PER_RUN``); ``workers`` runs
    go in parallel (default: by file count and CPUs), further runs start as those finish.
    ``timeout`` (seconds, default ``TIME_LIMIT``) bounds the whole call.  ``progress(n)`` is called as ``n`` more
    files are done.

    Raises OutputExistsError before starting if a PDF exists and ``force`` is false, and
    ConversionError when LibreOffice is missing, or after moving the good PDFs into place
    when some files failed or the time ran out (``error.failed`` lists ``(docx, reason)``,
    ``error.converted`` the PDFs written).
    """
    timeout = TIME_LIMIT if timeout is None else timeout
    sources: list[Path] = []
    seen: set[Path] = set()
    for p in docx_paths:
        path = Path(p).resolve()
        if path not in seen:
            seen.add(path)
            sources.append(path)
    if not sources:
        return []
    targets = {s: s.with_suffix(".pdf") for s in sources}
    missing = [s for s in sources if not s.is_file()]
    if missing:
        raise ConversionError(
            _("找不到要转换的文件：{files}").format(files=join(display_path(s) for s in missing))
        )
    ensure_writable(list(targets.values()), force)
    soffice = find_soffice()
    if not soffice:
        raise ConversionError(missing_soffice_message())
    # what killed runs left behind: profiles and half-converted PDFs
    remove_stale(Path(tempfile.gettempdir()), WORK_PREFIX)

    converted: dict[Path, Path] = {}
    failed: list[tuple[Path, str]] = []
    # LibreOffice would import a damaged file as plain text and print that; refuse it instead.
    for source in sources:
        if not zipfile.is_zipfile(source):
            failed.append((source, _("不是有效的 Word 文档（.docx），请用 Word 或 WPS 打开检查")))
    bad = {s for s, _reason in failed}
    sources_ok = [s for s in sources if s not in bad]
    count = workers if workers is not None else _default_workers(len(sources_ok))
    count = max(1, min(count, len(sources_ok) or 1))
    needed = max(count, -(-len(sources_ok) // MAX_FILES_PER_RUN))
    runs = [_Run(group) for group in _limit(_groups(sources_ok, needed), MAX_FILES_PER_RUN)]

    def collect(run: _Run) -> None:
        """Move a finished run's good PDFs into place and note its failures."""
        if run.timed_out:
            reason = _timeout_reason(timeout)
            failed.extend((s, reason) for s in run.sources)
            return
        good = 0
        for source in run.sources:
            output = run.output_of(source)
            if is_complete_pdf(output):
                move_into_place(output, targets[source])
                converted[source] = targets[source]
                good += 1
            else:
                failed.append((source, _failure_reason(run)))
        if progress and good > run.reported:
            progress(good - run.reported)
        shutil.rmtree(run.workdir, ignore_errors=True)

    _execute(soffice, runs, count, timeout, collect, progress)

    written = [converted[s] for s in sources if s in converted]
    _raise_failures(sources, failed, written)
    return written


def _timeout_reason(timeout: float) -> str:
    return _("超过时间限制（{seconds} 秒），LibreOffice 已被终止").format(seconds=f"{timeout:g}")


def _raise_failures(
    sources: list[Path], failed: list[tuple[Path, str]], written: list[Path]
) -> None:
    if failed:
        order = {s: i for i, s in enumerate(sources)}
        failed.sort(key=lambda item: order[item[0]])
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


def _execute(
    soffice: str,
    runs: list[_Run],
    workers: int,
    timeout: float,
    finish: Callable[[_Run], None],
    progress: Callable[[int], None] | None,
) -> None:
    """Start the runs, ``workers`` at a time; ``finish(run)`` as each ends, or when the time
    is up (``run.timed_out``: killed, or never started).  However this ends — Ctrl-C, SIGTERM —
    no LibreOffice is left running and every work folder is removed."""
    waiting = list(runs)
    active: list[_Run] = []
    deadline = time.monotonic() + timeout
    try:
        while waiting or active:
            while waiting and len(active) < workers:
                run = waiting.pop(0)
                active.append(run)
                _start(soffice, run)
            still = []
            for run in active:
                assert run.process is not None  # every active run was started
                if run.process.poll() is None:
                    still.append(run)
                    if progress:
                        done = _appeared(run)
                        if done > run.reported:
                            progress(done - run.reported)
                            run.reported = done
                else:
                    finish(run)
            active = still
            if not active and not waiting:
                break
            if time.monotonic() >= deadline:
                # runs not yet started count as overrun too: nothing of theirs was converted
                for run in active + waiting:
                    run.timed_out = True
                    if run.process is not None:
                        _kill(run.process)
                    finish(run)
                break
            if active:
                time.sleep(_POLL)
    finally:
        for run in runs:
            if run.process is not None and run.process.poll() is None:
                _kill(run.process)
            shutil.rmtree(run.workdir, ignore_errors=True)


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
        return _("LibreOffice 打不开这个文件，文件可能已损坏；请用 Word 或 WPS 打开检查")
    if last and not last.startswith("convert "):
        return _(
            "LibreOffice 未能转换（退出码 {code}）：{detail}；请用 Word 或 WPS 打开检查该文件"
        ).format(code=code, detail=last)
    return _("LibreOffice 未能转换（退出码 {code}）；请用 Word 或 WPS 打开检查该文件").format(
        code=code
    )


# Per-record PDFs of a batch: from SPLIT_FROM records on, the records are rendered again as
# combined documents of at most SPLIT_CHUNK records, each with a bookmark at every record's
# start; one LibreOffice run converts each such document (a single run's cost grows faster
# than linear with its length: about 1,000 records measured best) and the PDF is split at the
# bookmarks, which the export keeps as named destinations.  Below SPLIT_FROM, starting the
# runs costs more than it saves and each file is converted on its own.
SPLIT_FROM = 16
SPLIT_CHUNK = 1000
_EXPORT_WITH_MARKS = (
    'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
)
_MARK = re.compile(r"/?DocgenRecord(\d+)")


class _Unsplittable(Exception):
    """Raised when a PDF does not show where each record starts."""


def convert_records_to_pdf(
    template,
    contexts: Sequence[dict],
    docx_paths: Sequence[Path],
    *,
    timeout: float | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """PDFs of one batch's records beside their .docx files (``contexts[i]`` was rendered with
    ``template`` as ``docx_paths[i]``); existing PDFs are replaced.

    Raises ConversionError as ``convert_to_pdf`` does, after placing the good PDFs.
    """
    timeout = TIME_LIMIT if timeout is None else timeout
    paths = [Path(p).resolve() for p in docx_paths]
    if len(paths) != len(contexts):
        raise ValueError(f"{len(contexts)} contexts but {len(paths)} paths")
    if len(paths) < SPLIT_FROM:
        return convert_to_pdf(
            paths, timeout=timeout, workers=workers, force=True, progress=progress
        )
    soffice = find_soffice()
    if not soffice:
        raise ConversionError(missing_soffice_message())
    remove_stale(Path(tempfile.gettempdir()), WORK_PREFIX)
    from docgen.render.combined import render_combined

    count = workers or max(1, min(MAX_WORKERS, os.cpu_count() or 1))
    size = max(1, min(SPLIT_CHUNK, -(-len(paths) // count)))
    chunks = [range(i, min(i + size, len(paths))) for i in range(0, len(paths), size)]
    converted: set[int] = set()
    unsplit: list[int] = []
    failed: list[tuple[Path, str]] = []
    runs: list[_Run] = []
    records: dict[int, range] = {}

    def finish(run: _Run) -> None:
        chunk = records[id(run)]
        output = run.output_of(run.sources[0])
        if run.timed_out:
            failed.extend((paths[i], _timeout_reason(timeout)) for i in chunk)
        elif not is_complete_pdf(output):
            failed.extend((paths[i], _failure_reason(run)) for i in chunk)
        else:
            try:
                _split(output, [paths[i].with_suffix(".pdf") for i in chunk])
                converted.update(chunk)
            except _Unsplittable:
                unsplit.extend(chunk)
            if progress:
                progress(len(chunk))
        shutil.rmtree(run.workdir, ignore_errors=True)

    try:
        for chunk in chunks:
            run = _Run([], export=_EXPORT_WITH_MARKS)
            runs.append(run)
            source = run.workdir / "records.docx"
            render_combined(template, [contexts[i] for i in chunk], source, marks=True)
            run.sources = [source]
            records[id(run)] = chunk
    except BaseException:
        for run in runs:
            shutil.rmtree(run.workdir, ignore_errors=True)
        raise
    _execute(soffice, runs, count, timeout, finish, None)

    if unsplit:
        # the export lost the record marks: those records are converted one by one instead
        try:
            convert_to_pdf(
                [paths[i] for i in unsplit], timeout=timeout, workers=workers, force=True
            )
            converted.update(unsplit)
        except ConversionError as error:
            done = set(getattr(error, "converted", []))
            converted.update(i for i in unsplit if paths[i].with_suffix(".pdf") in done)
            failed.extend(getattr(error, "failed", []))
    written = [paths[i].with_suffix(".pdf") for i in range(len(paths)) if i in converted]
    _raise_failures(paths, failed, written)
    return written


def _split(pdf: Path, targets: list[Path]) -> None:
    """Each record's pages of ``pdf`` into its own file, from the record marks."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(pdf)
        starts: dict[int, int] = {}
        for name, destination in reader.named_destinations.items():
            match = _MARK.fullmatch(str(name))
            if match:
                page = reader.get_destination_page_number(destination)
                if page is not None:
                    starts[int(match.group(1)) - 1] = page
        total = len(reader.pages)
    except Exception as exc:  # a PDF pypdf cannot read is no worse than one without marks
        raise _Unsplittable from exc
    first = [starts.get(i, -1) for i in range(len(targets))]
    if first[:1] != [0] or any(b <= a for a, b in pairwise(first)) or first[-1] >= total:
        raise _Unsplittable
    splitter = _Splitter(reader)
    for i, target in enumerate(targets):
        pages = range(first[i], first[i + 1] if i + 1 < len(first) else total)
        data = splitter.extract(pages)
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)


_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


class _Splitter:
    """Writes some pages of a PDF as a PDF of their own, carrying only the objects they use.

    pypdf reads the PDF and serialises each object once; the records of a chunk share their
    fonts, which are serialised once for all of them.  Objects keep their numbers (the cross-
    reference table lists only those present), so no reference needs rewriting.
    """

    def __init__(self, reader):
        self.reader = reader
        self.objects: dict[int, tuple[bytes, set[int]]] = {}  # number → (bytes, references)
        self.pages_number = int(reader.trailer["/Size"])

    @staticmethod
    def _references(obj, found: set[int]) -> set[int]:
        from pypdf.generic import IndirectObject

        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, IndirectObject):
                found.add(item.idnum)
            elif isinstance(item, dict):
                stack.extend(value for key, value in item.items() if key != "/Parent")
            elif isinstance(item, list):
                stack.extend(item)
        return found

    def _object(self, number: int) -> tuple[bytes, set[int]]:
        known = self.objects.get(number)
        if known is None:
            obj = self.reader.get_object(number)
            known = self.objects[number] = (_serialise(obj), self._references(obj, set()))
        return known

    def _page(self, index: int) -> tuple[int, bytes, set[int]]:
        from pypdf.generic import DictionaryObject, IndirectObject, NameObject

        page = self.reader.pages[index]
        number = page.indirect_reference.idnum
        own = DictionaryObject({k: v for k, v in page.items() if k != "/Parent"})
        parent = page.get("/Parent")
        while parent is not None:  # attributes a page inherits from the page tree
            parent = parent.get_object()
            for key in _INHERITED:
                if key in parent and key not in own:
                    own[NameObject(key)] = parent[key]
            parent = parent.get("/Parent")
        own[NameObject("/Parent")] = IndirectObject(self.pages_number, 0, None)
        return number, _serialise(own), self._references(own, set()) - {self.pages_number}

    def extract(self, pages: range) -> bytes:
        bodies: dict[int, bytes] = {}
        kids = []
        stack: list[int] = []
        for index in pages:
            number, body, references = self._page(index)
            bodies[number] = body
            kids.append(number)
            stack.extend(references)
        while stack:
            number = stack.pop()
            if number not in bodies:
                body, references = self._object(number)
                bodies[number] = body
                stack.extend(references)
        catalog = self.pages_number + 1
        bodies[self.pages_number] = b"<< /Type /Pages /Kids [ %s ] /Count %d >>" % (
            b" ".join(b"%d 0 R" % n for n in kids),
            len(kids),
        )
        bodies[catalog] = b"<< /Type /Catalog /Pages %d 0 R >>" % self.pages_number
        out = bytearray(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        for number in sorted(bodies):
            offsets[number] = len(out)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, bodies[number])
        xref = len(out)
        out += b"xref\n0 1\n0000000000 65535 f\r\n"
        numbers = sorted(offsets)
        run_start = 0
        for i in range(1, len(numbers) + 1):
            if i == len(numbers) or numbers[i] != numbers[i - 1] + 1:
                out += b"%d %d\n" % (numbers[run_start], i - run_start)
                out += b"".join(b"%010d 00000 n\r\n" % offsets[n] for n in numbers[run_start:i])
                run_start = i
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            catalog + 1,
            catalog,
            xref,
        )
        return bytes(out)


def _serialise(obj) -> bytes:
    import io

    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()
