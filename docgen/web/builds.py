"""One build at a time per workspace, in the background: progress, cancelling between
documents, the finished outputs moved in whole, the downloads."""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import DataError, DocgenError, describe_os_error
from docgen.i18n import _
from docgen.output.files import (
    finish_swap,
    swap_in,
    write_bytes_atomic,
)
from docgen.workspace import check_owned, output_path, read_record, recorded_outputs, stamps

MANIFEST = ".docgen-build.json"
_STAGING = ".~docgen-build-"
_OLD = ".~docgen-old-"


class Refused(DocgenError):
    """Raised when a request cannot be carried out; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400, name: str | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.name = name  # the existing file a refused upload would have replaced
        self.extra = extra


class Cancelled(Exception):
    """Raised inside a build when the secretary cancelled it."""


@dataclass
class Job:
    """One build: its progress and, when finished, its report or what went wrong."""

    id: str
    pdf: bool
    state: str = "running"
    done: int = 0
    total: int = 0
    stage: str = ""
    report: dict | None = None
    error: str = ""
    problems: list[dict] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    finished: float | None = None
    cancelled: bool = False

    def to_json(self) -> dict:
        return {
            "job": self.id,
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "stage": self.stage,
            "report": self.report,
            "error": self.error,
            "problems": self.problems,
            "started": stamp(self.started),
            "finished": stamp(self.finished) if self.finished else None,
            "cancelling": self.cancelled and self.state == "running",
        }

    def step(self) -> None:
        """Between two documents: stop here when the build was cancelled."""
        if self.cancelled:
            raise Cancelled


def remove_folder(folder: Path, wait: float = 10) -> None:
    """Remove a build's private folder; a cancelled batch's workers may still be finishing the
    document they had started, so look again until it stays gone."""
    deadline = time.monotonic() + wait
    while True:
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            time.sleep(0.3)
            if not folder.exists():
                return
        if time.monotonic() > deadline:
            return
        time.sleep(0.2)


def stamp(when: float) -> str:
    """A moment as the page shows it: ``2026-12-07 10:32:05`` (local time)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when))


class Builds:
    """The building half of ``Desk`` (which supplies settings, names, locks and refusals)."""

    root: Path
    scratch: Path
    jobs: dict[str, Job]
    current: Job | None
    finished: dict | None
    inputs_lock: threading.Lock
    outputs_lock: threading.Lock
    _jobs_lock: threading.Lock
    _preview_lock: threading.Lock
    refusals: Any

    def settings(self) -> Any:  # Desk's
        raise NotImplementedError

    def name_of(self, path: str | Path) -> str:  # Desk's
        raise NotImplementedError

    def problem_json(self, problem: Any) -> dict:  # Desk's
        raise NotImplementedError

    def summary_document(self) -> str:
        try:
            kinds = self.settings().kinds
        except DocgenError:
            return ""
        return next((k.output_file for k in kinds.singles if k.context == "summary"), "")

    def start_build(self, pdf: bool = False) -> Job:
        """Start a build in the background; Refused (409) while another one runs."""
        self.settings()  # a broken docgen.toml: 400 now
        if pdf:
            from docgen.output.pdf import find_soffice, missing_soffice_message

            if not find_soffice():
                raise Refused(missing_soffice_message())
        with self._jobs_lock:
            if self.current is not None and self.current.state == "running":
                raise Refused(_("正在生成文档，请等这一次完成后再生成"), 409, job=self.current.id)
            job = Job(id=secrets.token_hex(6), pdf=pdf)
            self.jobs[job.id] = job
            self.current = job
        threading.Thread(
            target=self._run, args=(job,), name=f"docgen-build-{job.id}", daemon=True
        ).start()
        return job

    def cancel(self, job_id: str) -> Job:
        """Ask a running build to stop after the document it is writing; nothing of it is
        kept (the last finished build stays as it was)."""
        job = self.jobs.get(job_id)
        if job is None:
            raise Refused(_("没有这次生成"), 404)
        if job.state == "running":
            job.cancelled = True
        return job

    def wait(self, job: Job, timeout: float = 600) -> Job:
        deadline = time.monotonic() + timeout
        while job.state == "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        return job

    def _run(self, job: Job) -> None:
        staging = None
        state = "failed"
        try:
            settings = self.settings()
            out = settings.paths.outputs
            out.mkdir(parents=True, exist_ok=True)
            for left in out.glob(f"{_STAGING}*"):  # an earlier build's, stopped by a crash
                remove_folder(left, wait=0)
            staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=out))
            self._build_into(job, settings, staging)
            job.step()
            files = recorded_outputs(staging)
            assert job.report is not None
            job.report["files"] = len(files)
            job.report["finished"] = stamp(time.time())
            self._move_in(job, staging, out, files)
            job.done = job.total
            job.stage = ""
            state = "done"
        except Cancelled:
            job.error = _("已取消生成；没有写入任何文件，上一次生成的文档保持不变")
            state = "cancelled"
        except DataError as exc:
            job.error = _(
                "统计表或名册有 {n} 个错误，未生成任何文件；请按提示改正后重新生成"
            ).format(n=len(exc.errors))
            job.problems = [self.problem_json(p) for p in exc.problems]
            state = "failed"
        except DocgenError as exc:
            job.error = self._unstaged(str(exc), staging)
            state = "failed"
        except OSError as exc:
            job.error = self._unstaged(describe_os_error(exc), staging)
            state = "failed"
        except Exception as exc:  # the page must hear of it, not only a log
            job.error = self._unstaged(
                _("生成时出现意外错误：{error}").format(error=repr(exc)), staging
            )
            state = "failed"
        finally:
            if staging is not None:
                remove_folder(staging)
            job.finished = time.time()
            job.state = state  # only once nothing of this build is left behind

    def _unstaged(self, text: str, staging: Path | None) -> str:
        """A message without the build's private folder: it names the outputs folder."""
        if staging is None:
            return text
        out = staging.parent
        for shown in (str(staging), self.name_of(staging)):
            text = text.replace(shown, self.name_of(out))
        return text

    def _build_into(self, job: Job, settings, staging: Path) -> None:
        """The library's ``build`` into ``staging``; the report as the page shows it."""
        from docgen.workspace import build, read_inputs, totals_line

        job.stage = _("检查统计表和名册")
        with self.inputs_lock:
            inputs, skipped = read_inputs(settings)
        job.step()
        records = sum(len(r.records) for r in inputs.rosters.values())
        job.total = records * 2 + ((records + len(inputs.rosters) + 1) if job.pdf else 0)
        staged = dataclasses.replace(
            settings,
            paths=dataclasses.replace(settings.paths, outputs=staging),
        )

        def progress(label: str, total: int):
            job.stage = label
            job.step()

            def advance(n: int = 1) -> None:
                job.done = min(job.total, job.done + n)
                job.step()

            return advance

        job.stage = _("汇总表和工作总结")
        report = build(staged, force=True, pdf=job.pdf, progress=progress, read=(inputs, skipped))
        job.step()
        from docgen.web.desk import missing_units

        reported = [u.unit for u in inputs.consolidation.units]
        job.report = {
            "written": [
                {
                    "label": w.label,
                    "path": w.path.relative_to(staging).as_posix(),
                    "count": w.count,
                    "folder": w.path.is_dir(),
                }
                for w in report.written
            ],
            "warnings": [self.problem_json(p) for p in report.warnings],
            "skipped": [self._unstaged(s, staging) for s in report.skipped],
            "pdfs": len(report.pdfs),
            "totals": totals_line(report.consolidation),
            "outputs": self.name_of(staging.parent),
            "expected": list(settings.expected),
            "missing": missing_units(settings.expected, reported),
            "refused": [{"name": r["name"], "message": r["message"]} for r in self.refusals.all()],
            "started": stamp(job.started),
        }

    def _move_in(self, job: Job, staging: Path, out: Path, files: list[str]) -> None:
        """Put a finished build in place of the last one, under the lock downloads take."""
        with self.outputs_lock:
            check_owned(staging, out)  # a web build never overwrites a file it did not write
            finished = {
                "build": job.id,
                "outputs": self.name_of(out),
                "files": files,
                "report": job.report,
                "pdf": job.pdf,
                "time": time.time(),
                "stamps": stamps(staging, files),  # an edit made later is not overwritten
            }
            write_bytes_atomic(
                staging / MANIFEST, json.dumps(finished, ensure_ascii=False).encode("utf-8")
            )
            previous = {f.split("/")[0] for f in recorded_outputs(out)}
            swap_in(staging, out, previous)
            self.finished = finished

    def _read_manifest(self) -> dict | None:
        try:
            out = self.settings().paths.outputs
            finish_swap(out)
            found = read_record(out)  # names of regular files inside outputs/ only
        except (OSError, ValueError, DocgenError):
            return None
        if not found or not all(k in found for k in ("build", "report", "outputs")):
            return None
        return found

    # ------------------------------------------------------------ downloads

    def output_file(self, name: str) -> Path:
        """A file of the last finished build; Refused (404) for anything else."""
        finished = self.finished
        path = output_path(self.settings().paths.outputs, name)
        if not finished or name not in finished["files"] or path is None:
            raise Refused(_("没有这个输出文件：{name}；请先生成").format(name=name), 404)
        return path

    def outputs_zip(self) -> Path:
        """One zip of every output of the last finished build, made once per build."""
        with self.outputs_lock:
            finished = self.finished
            if not finished:
                raise Refused(_("还没有生成文档；请先点“生成全部文档”"), 404)
            target = self.scratch / f"outputs-{finished['build']}.zip"
            if target.exists():
                return target
            out = self.settings().paths.outputs
            partial = target.with_suffix(".partial")
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                for name in finished["files"]:
                    path = output_path(out, name)  # inside outputs/, a regular file
                    if path is not None:
                        zf.write(path, name)
            os.replace(partial, target)
            return target

    def preview(self) -> Path | None:
        """The summary's first page as a PNG (LibreOffice and pdftoppm); None without them."""
        from docgen.output.pdf import convert_to_pdf, find_soffice

        finished = self.finished
        summary = self.summary_document()
        if not finished or summary not in finished["files"]:
            return None
        if not find_soffice() or not shutil.which("pdftoppm"):
            return None
        with self._preview_lock:
            png = self.scratch / f"preview-{finished['build']}.png"
            if png.exists():
                return png
            folder = self.scratch / f"preview-{finished['build']}"
            folder.mkdir(exist_ok=True)
            copy = folder / summary
            with self.outputs_lock:
                shutil.copyfile(self.settings().paths.outputs / summary, copy)
            [pdf] = convert_to_pdf([copy], force=True, timeout=120)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "80",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(png.with_suffix("")),
                ],
                check=True,
                capture_output=True,
                timeout=60,
            )
            return png
