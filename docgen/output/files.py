"""Writing files the way a secretary expects: nothing overwritten without --force, nothing
half-written, names from data that are safe on every OS and never leave the output folder."""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docgen.errors import OutputExistsError, display_path
from docgen.i18n import _, join

MAX_NAME_BYTES = 180  # leaves room for a folder path under Windows' and ext4's limits
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
# Windows device names; superscript digits count too, and "NUL .txt" is NUL
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"COM{i}" for i in "123456789¹²³"),
    *(f"LPT{i}" for i in "123456789¹²³"),
}


def safe_filename(name: object, fallback: str = "未命名") -> str:
    """A file name (without folder) made from data, safe on Windows, macOS and Linux.

    Forbidden characters become ``_``, leading dots and trailing dots/spaces go, ``..`` cannot
    survive, Windows device names are avoided and the length is bounded (in UTF-8 bytes).
    """
    text = unicodedata.normalize("NFC", str(name if name is not None else ""))
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\.{2,}", ".", text)
    text = text.lstrip(". ").rstrip(". ")
    if not text:
        text = fallback
    stem = text.split(".")[0].rstrip(" ").upper()
    if stem in _RESERVED:
        text = "_" + text
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        text = encoded[:MAX_NAME_BYTES].decode("utf-8", errors="ignore").rstrip(". ")
    return text or fallback


class NameAllocator:
    """Gives each record its own file name in one folder: collisions get ``(2)``, ``(3)``…

    Names are compared case-insensitively, as Windows and macOS do.
    """

    def __init__(self, directory: Path, suffix: str):
        self.directory = Path(directory)
        self.suffix = suffix
        self._taken: set[str] = set()
        # base name → the next number worth trying, so many records of one name stay linear
        self._next: dict[str, int] = {}

    def allocate(self, stem: object) -> Path:
        base = safe_filename(stem)
        room = MAX_NAME_BYTES - len(self.suffix.encode()) - 8
        if len(base.encode()) > room:
            base = base.encode()[:room].decode("utf-8", errors="ignore").rstrip(". ")
        key = base.casefold()
        candidate = base
        n = self._next.get(key, 1)
        if n > 1:
            candidate = f"{base}({n})"
        while (candidate + self.suffix).casefold() in self._taken:
            n += 1
            candidate = f"{base}({n})"
        self._next[key] = n + 1
        name = candidate + self.suffix
        self._taken.add(name.casefold())
        # belt and braces: the name cannot point outside the folder
        if Path(name).name != name or name in (".", ".."):
            raise ValueError(f"unsafe output name: {stem!r}")
        return self.directory / name


def ensure_writable(paths: list[Path], force: bool) -> None:
    """Refuse (before anything is written) when an output exists and --force was not given."""
    if force:
        return
    existing = [p for p in paths if p.exists()]
    if existing:
        shown = join(display_path(p) for p in existing[:3])
        more = _("等 {n} 个文件").format(n=len(existing)) if len(existing) > 3 else ""
        raise OutputExistsError(
            _("{files}{more} 已存在，未做任何改动；要覆盖请加 --force，或换一个输出位置").format(
                files=shown, more=more
            )
        )


def _new_file_mode() -> int:
    mask = os.umask(0)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return 0o666 & ~mask


# read once: umask is process-wide and not safe to toggle for every file of a batch
_NEW_FILE_MODE = _new_file_mode()


# What a run writes before it is finished carries this prefix and the run's process id, so
# a later run can tell a killed run's leftovers from a build still going on beside it.
TEMPORARY_PREFIX = ".~docgen-"
STALE_AFTER = 24 * 3600  # seconds: older leftovers go whoever made them
_OWNER = re.compile(r"-(\d+)-")
_swept: set[Path] = set()


def owned_prefix(prefix: str = TEMPORARY_PREFIX) -> str:
    return f"{prefix}{os.getpid()}-"


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (on this machine)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it exists, someone else's
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: Path, prefix: str = TEMPORARY_PREFIX) -> None:
    """Remove what killed runs left in ``folder``: staging folders and half-written files whose
    process is gone, and any more than a day old.  A concurrent run's files are left alone."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    keep = _in_swap(folder)
    for entry in entries:
        if not entry.name.startswith(prefix) or entry.name in keep:
            continue
        owner = _OWNER.match(entry.name[len(prefix) - 1 :])
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if age < STALE_AFTER:
            if owner is None:
                continue  # from an older docgen: only its age tells
            pid = int(owner.group(1))
            if pid == os.getpid() or process_alive(pid):
                continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


def _sweep_once(folder: Path) -> None:
    key = Path(os.path.abspath(folder))
    if key not in _swept:
        _swept.add(key)
        remove_stale(key)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; it replaces ``path`` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep_once(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=owned_prefix(), suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes 0600 files; outputs should get the permissions any new file gets
    os.chmod(tmp_path, _NEW_FILE_MODE)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def move_into_place(source: Path, target: Path) -> None:
    """Move a finished file to its place, atomically even across file systems."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
        Path(source).unlink()


@contextmanager
def staging_folder(beside: Path) -> Iterator[Path]:
    """A hidden folder beside the outputs where a batch is written before it is moved into
    place; removed afterwards, so a failed batch leaves nothing behind."""
    beside = Path(beside)
    created = not beside.exists()
    beside.mkdir(parents=True, exist_ok=True)
    remove_stale(beside)
    folder = Path(tempfile.mkdtemp(prefix=owned_prefix(), dir=beside))
    _swept.add(Path(os.path.abspath(folder)))
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        if created and not any(beside.iterdir()):
            beside.rmdir()
        raise
    shutil.rmtree(folder, ignore_errors=True)


# --- docgen's own outputs ----------------------------------------------------------------------
# Every .docx and .xlsx docgen writes says so in its core properties (docProps/core.xml,
# cp:contentStatus), so that a generated 汇总表.xlsx or 工作总结.docx dropped back on the page
# is recognised and refused as an input or a template.  Word, WPS and Excel keep the property
# when the file is saved again.

GENERATED_STATUS = "docgen 生成"
_CORE_PART = "docProps/core.xml"
_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_STATUS = re.compile(rb"<cp:contentStatus>(.*?)</cp:contentStatus>|<cp:contentStatus\s*/>", re.S)
_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="' + _CORE_NS["cp"].encode() + b'" '
    b'xmlns:dc="' + _CORE_NS["dc"].encode() + b'"></cp:coreProperties>'
)
_CORE_CONTENT_TYPE = (
    b'<Override PartName="/docProps/core.xml" '
    b'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
)
_CORE_RELATIONSHIP = (
    b'<Relationship Id="rIdDocgenCore" '
    b'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    b'core-properties" Target="docProps/core.xml"/>'
)


def _marked_core(core: bytes) -> bytes:
    status = f"<cp:contentStatus>{GENERATED_STATUS}</cp:contentStatus>".encode()
    if _STATUS.search(core):
        return _STATUS.sub(lambda _m: status, core, count=1)
    return re.sub(rb"</cp:coreProperties>\s*$", status + b"</cp:coreProperties>", core.rstrip())


def mark_generated(path: Path) -> None:
    """Mark a .docx/.xlsx/.xlsm that docgen wrote as generated (its core properties), in place
    and atomically.  Writers call it on what they write; the page refuses such a file as an
    input or a template."""
    path = Path(path)
    data = marked_package(path.read_bytes())
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def marked_package(data: bytes) -> bytes:
    """The bytes of an Office package (.docx/.xlsx) marked as generated (``mark_generated``):
    a template marked so is rendered into documents that all carry the mark."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        parts = {info.filename: info for info in source.infolist()}
        for name, info in parts.items():
            part = source.read(name)
            if name == _CORE_PART:
                part = _marked_core(part)
            elif name == "[Content_Types].xml" and _CORE_PART not in parts:
                part = part.replace(b"</Types>", _CORE_CONTENT_TYPE + b"</Types>")
            elif name == "_rels/.rels" and _CORE_PART not in parts:
                part = part.replace(b"</Relationships>", _CORE_RELATIONSHIP + b"</Relationships>")
            target.writestr(info, part, compress_type=info.compress_type)
        if _CORE_PART not in parts:
            target.writestr(_CORE_PART, _marked_core(_EMPTY_CORE), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def is_generated(path: Path) -> bool:
    """Whether a .docx/.xlsx says it was written by docgen (see ``mark_generated``)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read(_CORE_PART)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False
    match = _STATUS.search(core)
    return bool(match and match.group(1) and GENERATED_STATUS.encode() in match.group(1))


# --- replacing a whole set of outputs ------------------------------------------------------
#
# A build writes its new set into a staging folder inside the outputs folder, then swaps it in
# for the old set.  The swap is written down first (SWAP_JOURNAL, the commit point): a run
# killed before the note leaves the old set untouched (its staging folder is swept later); a
# run killed after it is finished by the next run (``finish_swap``), so the folder holds the
# old set or the new one, never a mix.

SWAP_JOURNAL = ".docgen-swap.json"


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is over (POSIX; elsewhere nothing is held)."""
    import signal

    held = {getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def swap_in(staged: Path, out: Path, replaced: set[str] | frozenset[str] = frozenset()) -> None:
    """Put every entry of the folder ``staged`` (inside ``out``) in ``out``, in place of the
    entries of the same names and of ``replaced`` (the old set's other top-level names), as one
    step: whatever stops the run, ``out`` ends with the old set or the new one."""
    import json

    staged, out = Path(staged), Path(out)
    new = sorted(entry.name for entry in os.scandir(staged))
    old = sorted((set(replaced) | set(new)) - {SWAP_JOURNAL})
    trash = Path(tempfile.mkdtemp(prefix=owned_prefix(), dir=out))
    _swept.add(Path(os.path.abspath(trash)))
    note = {"pid": os.getpid(), "staged": staged.name, "trash": trash.name, "new": new, "old": old}
    with _signals_held():
        write_bytes_atomic(out / SWAP_JOURNAL, json.dumps(note, ensure_ascii=False).encode())
        _complete_swap(out, note, undo=True)


def _complete_swap(out: Path, note: dict, undo: bool = False) -> None:
    """Move the old set aside, then the new one in.  With ``undo``, an old file that cannot be
    moved (open in Word on Windows, no permission) puts back what was moved and raises: the
    old set stays whole."""
    staged, trash = out / str(note["staged"]), out / str(note["trash"])
    trash.mkdir(exist_ok=True)
    new = set(note["new"])
    moved: list[str] = []
    try:
        for name in note["old"]:
            moved_in = name in new and not os.path.lexists(staged / name)
            if os.path.lexists(out / name) and not moved_in:
                os.replace(out / name, trash / name)
                moved.append(name)
    except OSError:
        if not undo:
            raise
        for name in reversed(moved):
            os.replace(trash / name, out / name)
        (out / SWAP_JOURNAL).unlink(missing_ok=True)
        shutil.rmtree(trash, ignore_errors=True)
        raise
    for name in note["new"]:
        if os.path.lexists(staged / name):
            os.replace(staged / name, out / name)
    (out / SWAP_JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staged, ignore_errors=True)


def finish_swap(out: Path) -> None:
    """Finish a swap a killed run committed to but did not complete (nothing else to do)."""
    import json

    out = Path(out)
    try:
        note = json.loads((out / SWAP_JOURNAL).read_text(encoding="utf-8"))
        pid = int(note["pid"])
        names = [note["staged"], note["trash"], *note["new"], *note["old"]]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if not all(isinstance(n, str) and n and Path(n).name == n and n != ".." for n in names):
        return  # not a note docgen wrote: leave everything as it is
    if pid != os.getpid() and process_alive(pid):
        return  # another run is swapping right now
    with _signals_held():
        _complete_swap(out, note)


def _in_swap(folder: Path) -> set[str]:
    """Names a pending swap in ``folder`` still needs: its staging folder and its trash."""
    import json

    try:
        note = json.loads((Path(folder) / SWAP_JOURNAL).read_text(encoding="utf-8"))
        return {str(note["staged"]), str(note["trash"])}
    except (OSError, ValueError, KeyError, TypeError):
        return set()
