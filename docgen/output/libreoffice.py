"""LibreOffice runs: the ``soffice --convert-to`` command line, its process group, its
failures in words a secretary can act on, and the Python that can drive LibreOffice through
its UNO bridge (``uno_bridge.py``)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import ConversionError, display_path
from docgen.i18n import _
from docgen.output.files import owned_prefix

# A run starts LibreOffice once (1–2 s); below this many files per run, another parallel
# run costs more than it saves.
FILES_PER_WORKER = 15
MAX_WORKERS = 4
# LibreOffice (7.x) reads only about 253 command-line arguments and silently ignores the
# rest, still exiting 0; a run is given at most this many files, the others wait their turn.
MAX_FILES_PER_RUN = 200
_POLL = 0.1
WORK_PREFIX = "docgen-pdf-"
# seconds a LibreOffice that stays up may take to start (the first start makes its profile)
START_LIMIT = 120


def _default_workers(count: int) -> int:
    cpus = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cpus, -(-count // FILES_PER_WORKER)))


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


# ------------------------------------------------------------------ export settings

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
