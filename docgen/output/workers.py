"""The printer's workers, each feeding one LibreOffice: one that stays up, driven through
``uno_bridge.py``, or one ``soffice --convert-to`` run per job."""

from __future__ import annotations

import json
import os
import queue
import secrets
import subprocess
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.i18n import _
from docgen.output.libreoffice import (
    _POLL,
    BRIDGE,
    MAX_FILES_PER_RUN,
    START_LIMIT,
    _child_env,
    _export_argument,
    _failure_reason,
    _group_options,
    _groups,
    _kill,
    _limit,
    _Run,
    _start,
    _timeout_reason,
    _unreadable,
    is_complete_pdf,
)

if TYPE_CHECKING:
    from docgen.output.pdf import Printer


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
