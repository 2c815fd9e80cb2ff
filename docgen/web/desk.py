"""The workspace as the page sees it: the files dropped in, their problems, one build at a time,
the finished outputs.  It calls the library the command line calls; it knows no HTTP."""

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

from docgen.errors import DataError, DocgenError, Problem, describe_os_error
from docgen.i18n import _, join
from docgen.kinds.registry import registry
from docgen.output.files import finish_swap, safe_filename, swap_in, write_bytes_atomic
from docgen.workspace import (
    check_owned,
    output_path,
    read_record,
    recorded_outputs,
    stamps,
)

UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".docx")
MAX_FILE_BYTES = 20 * 1024 * 1024
# roster kind (documents.KINDS) → the [paths] key of its file, which is also its kind in the API
ROSTER_KEYS = {kind.key: kind.roster.path_key for kind in registry().batches if kind.roster}
# kind → its template's file name in templates/
TEMPLATES = {kind.key: kind.template for kind in registry()}
SUMMARY_DOCUMENT = registry()["summary"].output_file
MANIFEST = ".docgen-build.json"
_STAGING = ".~docgen-build-"
_OLD = ".~docgen-old-"


class Refused(DocgenError):
    """Raised when a request cannot be carried out; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400, name: str | None = None):
        super().__init__(message)
        self.status = status
        self.name = name  # the existing file a refused upload would have replaced


@dataclass
class Upload:
    """One file as received: its name on the secretary's computer and its bytes."""

    filename: str
    data: bytes


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
        }


class Desk:
    """One workspace folder served to the page."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.config = self.root / "docgen.toml"
        self.inputs_lock = threading.Lock()  # uploads, deletions and a build reading its inputs
        self.outputs_lock = threading.Lock()  # a finished build moving in, a zip being made
        self.settings_lock = threading.Lock()
        self._jobs_lock = threading.Lock()
        self._preview_lock = threading.Lock()
        self.jobs: dict[str, Job] = {}
        self.current: Job | None = None
        self.scratch = Path(tempfile.mkdtemp(prefix="docgen-web-"))
        self.finished = self._read_manifest()

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    # ------------------------------------------------------------ settings and names

    def settings(self):
        from docgen.config import load

        return load(self.config) if self.config.exists() else load(root=self.root)

    def name_of(self, path: str | Path) -> str:
        """A path as the page shows it: relative to the workspace, with forward slashes."""
        p = Path(path)
        if not p.is_absolute():
            p = Path.cwd() / p
        try:
            return p.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def inside(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root)
            return True
        except ValueError:
            return False

    def problem_json(self, problem: Problem) -> dict:
        if problem.file:
            problem = dataclasses.replace(problem, file=self.name_of(problem.file))
        place = dataclasses.replace(problem, file="").location
        return {
            **problem.as_dict(),
            "location": problem.location,
            "place": place,
            "text": str(problem),
        }

    # ------------------------------------------------------------ the files in the workspace

    def rosters(self, settings=None) -> dict[str, Path]:
        """API kind (units, hazards, students) → the configured roster file."""
        return dict((settings or self.settings()).paths.rosters)

    def files(self, settings=None) -> list[dict]:
        """Every file the page manages: tallies, the rosters present, the templates folder."""
        from docgen.inputs.workbook import input_files

        settings = settings or self.settings()
        found = []
        tallies = settings.paths.tallies
        if tallies.is_dir():
            found += [{"name": self.name_of(p), "kind": "tally"} for p in input_files([tallies])]
        for key, path in self.rosters(settings).items():
            if path.is_file():
                found.append({"name": self.name_of(path), "kind": key})
        found += [
            {"name": self.name_of(p), "kind": "template"} for p in self.template_files(settings)
        ]
        return found

    def template_files(self, settings=None) -> list[Path]:
        folder = (settings or self.settings()).paths.templates
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob("*.docx") if not p.name.startswith(("~$", ".")))

    def path_of(self, name: str, settings=None) -> tuple[Path, str]:
        """The managed file the page calls ``name``, and its kind; Refused (404) if none."""
        for entry in self.files(settings):
            if entry["name"] == name:
                return self.root / name, entry["kind"]
        raise Refused(_("工作目录中没有这个文件：{name}").format(name=name), 404)

    def delete(self, name: str) -> None:
        with self.inputs_lock:
            path, _kind = self.path_of(name)
            path.unlink(missing_ok=True)

    # ------------------------------------------------------------ uploads

    def store(self, uploads: list[Upload], replace: str | None = None) -> list[dict]:
        """Check every file, then store them all or none: a tally into the tallies folder, a
        roster at its [paths] place, a template into templates/.  An existing file is replaced
        only when ``replace`` names it."""
        if not uploads:
            raise Refused(_("没有收到文件，请选择要上传的 .xlsx 或 .docx 文件"))
        if replace and len(uploads) != 1:
            raise Refused(_("替换时一次只能上传一个文件"))
        settings = self.settings()
        for upload in uploads:
            suffix = Path(upload.filename).suffix.lower()
            if suffix not in UPLOAD_SUFFIXES:
                raise Refused(
                    _(
                        "{name}：只接受 .xlsx、.xlsm（Excel 工作簿）和 .docx（Word 模板）；"
                        ".xls、.et、.csv 请在 Excel 或 WPS 中另存为 .xlsx 后再上传"
                    ).format(name=upload.filename)
                )
            if len(upload.data) > MAX_FILE_BYTES:
                raise Refused(
                    _(
                        "{name} 太大（超过 {mb} MB），统计表和名册通常只有几百 KB；请确认选对了文件"
                    ).format(name=upload.filename, mb=MAX_FILE_BYTES // (1024 * 1024)),
                    413,
                )
        target = None
        if replace:
            target = self._replace_target(replace, settings)
        holding = Path(tempfile.mkdtemp(prefix=".~docgen-upload-", dir=self.root))
        try:
            checked = [
                self._check_upload(upload, holding / str(n), settings, target)
                for n, upload in enumerate(uploads)
            ]
            with self.inputs_lock:
                names = [c["name"] for c in checked]
                for c in checked:
                    if names.count(c["name"]) > 1:
                        raise Refused(_("{name} 重复上传了两次").format(name=c["name"]), 409)
                    if not replace and c["dest"].exists():
                        raise Refused(
                            _("工作目录中已有 {name}；要用新文件代替它，请点“替换”").format(
                                name=c["name"]
                            ),
                            409,
                            name=c["name"],
                        )
                for c in checked:
                    c["dest"].parent.mkdir(parents=True, exist_ok=True)
                    os.replace(c["temp"], c["dest"])
        finally:
            shutil.rmtree(holding, ignore_errors=True)
        return [
            {
                "name": c["name"],
                "kind": c["kind"],
                "original": c["original"],
                "problems": c["problems"],
            }
            for c in checked
        ]

    def _replace_target(self, name: str, settings) -> tuple[Path, str]:

        builtin = {self.name_of(settings.paths.templates / n) for n in TEMPLATES.values()}
        if name in builtin:
            return self.root / name, "template"
        return self.path_of(name, settings)

    def _check_upload(self, upload: Upload, holding: Path, settings, target) -> dict:
        original = upload.filename
        holding.mkdir()
        temp = holding / safe_filename(Path(original).name)
        temp.write_bytes(upload.data)
        if temp.suffix.lower() == ".docx":
            dest = target[0] if target else settings.paths.templates / temp.name
            if target and target[1] != "template":
                raise Refused(
                    _("{name} 是 Word 模板，不能代替 {target}").format(
                        name=original, target=self.name_of(target[0])
                    )
                )
            problems = self._check_template(temp, dest, settings)
            kind = "template"
        else:
            kind, problems = self._check_workbook(temp, original)
            if kind == "tally":
                dest = settings.paths.tallies / temp.name
            else:
                dest = self.rosters(settings)[kind]
            if target:
                if target[1] != kind:
                    raise Refused(
                        _("{name} 与要替换的 {target} 不是同一种表，请检查是否选对了文件").format(
                            name=original, target=self.name_of(target[0])
                        )
                    )
                dest = target[0]
        if not self.inside(dest):
            raise Refused(
                _(
                    "docgen.toml 把 {where} 设在工作目录之外；网页只把文件存进工作目录，"
                    "请在 [paths] 中改成工作目录里的位置"
                ).format(where=dest)
            )
        name = self.name_of(dest)
        return {
            "name": name,
            "kind": kind,
            "original": original,
            "temp": temp,
            "dest": dest,
            "problems": [self._relabel(p, temp, name) for p in problems],
        }

    def _relabel(self, problem: Problem, temp: Path, name: str) -> dict:
        """A problem found in the held copy, told about the file's place in the workspace."""
        found = self.problem_json(problem)
        held = self.name_of(temp)
        for key in ("file", "message", "hint", "text"):
            found[key] = found[key].replace(held, name).replace(str(temp), name)
        return found

    def _check_workbook(self, path: Path, original: str) -> tuple[str, list[Problem]]:
        from docgen.inputs.checking import check_paths, is_tally_workbook
        from docgen.inputs.rosters import headers_of, kind_of_headers
        from docgen.inputs.workbook import open_workbook

        try:
            wb = open_workbook(path)
        except DataError as exc:
            raise Refused(join_problems(exc.problems, path, original)) from None
        if is_tally_workbook(wb):
            kind = "tally"
        else:
            roster = kind_of_headers(headers_of(wb))
            if roster is None:
                problems, _stats = check_paths([path])
                raise Refused(join_problems(problems, path, original))
            kind = ROSTER_KEYS[roster.key]
        problems, _stats = check_paths([path])
        return kind, problems

    def _check_template(self, path: Path, dest: Path, settings) -> list[Problem]:
        """Compile the template; a built-in kind's template is checked against its roster."""
        from docgen.inputs.rosters import read_roster
        from docgen.kinds.documents import kind_of_template, supplied_variables
        from docgen.render.engine import CompiledTemplate

        try:
            compiled = CompiledTemplate.load(path)
        except DocgenError as exc:
            raise Refused(str(exc).replace(str(path), dest.name)) from None
        found = kind_of_template(dest)
        if found is None:
            return []
        kind = found.key
        roster_path = self.rosters(settings)[ROSTER_KEYS[kind]] if kind in ROSTER_KEYS else None
        if roster_path is not None and not roster_path.is_file():
            return [
                Problem(
                    _("还没有名册 {roster}，上传名册后会再核对模板用到的列").format(
                        roster=self.name_of(roster_path)
                    ),
                    file=str(path),
                    severity="warning",
                )
            ]
        columns, first = [], None
        if roster_path is not None:
            try:
                roster = read_roster(roster_path, kind=kind)
            except DataError:
                return [
                    Problem(
                        _("名册 {roster} 有错误，改正后会再核对模板用到的列").format(
                            roster=self.name_of(roster_path)
                        ),
                        file=str(path),
                        severity="warning",
                    )
                ]
            columns, first = roster.columns, (roster.records[0] if roster.records else None)
        missing = sorted(compiled.variables() - supplied_variables(dest, columns, first, settings))
        if missing:
            if roster_path is None:
                raise Refused(
                    _("{name} 用到了工作总结没有的变量：{names}；请对照原模板改正").format(
                        name=dest.name, names=join(missing)
                    )
                )
            raise Refused(
                _(
                    "{name} 用到了名册 {roster} 中没有的列：{names}；请改正模板中的变量名，"
                    "或在名册中加上这些列"
                ).format(name=dest.name, roster=self.name_of(roster_path), names=join(missing))
            )
        return []

    # ------------------------------------------------------------ checking

    def check(self) -> dict:
        """What ``docgen collect --json`` prints, plus each roster's problems and every file's."""
        from docgen.inputs.rosters import read_roster
        from docgen.inputs.tallies import read_tallies

        settings = self.settings()
        consolidation = read_tallies([settings.paths.tallies])
        result: dict[str, Any] = consolidation.to_json()
        result["problems"] = [self.problem_json(p) for p in consolidation.problems]
        rosters: list[dict[str, Any]] = []
        for kind, key in ROSTER_KEYS.items():
            path = self.rosters(settings)[key]
            if not path.is_file():
                continue
            try:
                roster = read_roster(path, kind=kind)
                rows, problems = len(roster.records), roster.problems
            except DataError as exc:
                rows, problems = 0, exc.problems
            rosters.append(
                {
                    "name": self.name_of(path),
                    "kind": key,
                    "rows": rows,
                    "problems": [self.problem_json(p) for p in problems],
                }
            )
        result["rosters"] = rosters
        by_file: dict[str, list[dict]] = {}
        for problem in result["problems"] + [p for r in rosters for p in r["problems"]]:
            by_file.setdefault(problem["file"], []).append(problem)
        files = self.files(settings)
        for entry in files:
            entry["problems"] = by_file.pop(entry["name"], [])
        result["files"] = files
        result["other_problems"] = [p for ps in by_file.values() for p in ps]
        result["errors"] = sum(
            1
            for p in result["problems"] + [p for r in rosters for p in r["problems"]]
            if p["severity"] == "error"
        )
        return result

    # ------------------------------------------------------------ building

    def start_build(self, pdf: bool = False) -> Job:
        """Start a build in the background; Refused (409) while another one runs."""
        self.settings()  # a broken docgen.toml is told at once (ConfigError: 400)
        if pdf:
            from docgen.output.pdf import find_soffice, missing_soffice_message

            if not find_soffice():
                raise Refused(missing_soffice_message())
        with self._jobs_lock:
            if self.current is not None and self.current.state == "running":
                raise Refused(_("正在生成文档，请等这一次完成后再生成"), 409)
            job = Job(id=secrets.token_hex(6), pdf=pdf)
            self.jobs[job.id] = job
            self.current = job
        threading.Thread(
            target=self._run, args=(job,), name=f"docgen-build-{job.id}", daemon=True
        ).start()
        return job

    def wait(self, job: Job, timeout: float = 600) -> Job:
        deadline = time.monotonic() + timeout
        while job.state == "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        return job

    def _run(self, job: Job) -> None:
        from docgen.workspace import build, read_inputs, totals_line

        staging = None
        try:
            settings = self.settings()
            job.stage = _("检查统计表和名册")
            with self.inputs_lock:
                inputs, skipped = read_inputs(settings)
            records = sum(len(r.records) for r in inputs.rosters.values())
            job.total = records * 2 + ((records + len(inputs.rosters) + 1) if job.pdf else 0)
            out = settings.paths.outputs
            out.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=out))
            staged = dataclasses.replace(
                settings, paths=dataclasses.replace(settings.paths, outputs=staging)
            )

            def progress(label: str, total: int):
                job.stage = label

                def advance(n: int = 1) -> None:
                    job.done = min(job.total, job.done + n)

                return advance

            job.stage = _("汇总表和工作总结")
            report = build(
                staged, force=True, pdf=job.pdf, progress=progress, read=(inputs, skipped)
            )
            files = recorded_outputs(staging)
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
                "skipped": [
                    s.replace(self.name_of(staging), self.name_of(out)) for s in report.skipped
                ],
                "pdfs": len(report.pdfs),
                "totals": totals_line(report.consolidation),
                "files": len(files),
                "outputs": self.name_of(out),
            }
            self._move_in(job, staging, out, files)
            job.done = job.total
            job.stage = ""
            job.state = "done"
        except DataError as exc:
            job.error = _(
                "统计表或名册有 {n} 个错误，未生成任何文件；请按提示改正后重新生成"
            ).format(n=len(exc.errors))
            job.problems = [self.problem_json(p) for p in exc.problems]
            job.state = "failed"
        except DocgenError as exc:
            job.error = str(exc)
            job.state = "failed"
        except OSError as exc:
            job.error = describe_os_error(exc)
            job.state = "failed"
        except Exception as exc:  # the page must hear of it, not only a log
            job.error = _("生成时出现意外错误：{error}").format(error=repr(exc))
            job.state = "failed"
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            job.finished = time.time()

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
        if not finished or SUMMARY_DOCUMENT not in finished["files"]:
            return None
        if not find_soffice() or not shutil.which("pdftoppm"):
            return None
        with self._preview_lock:
            png = self.scratch / f"preview-{finished['build']}.png"
            if png.exists():
                return png
            folder = self.scratch / f"preview-{finished['build']}"
            folder.mkdir(exist_ok=True)
            copy = folder / SUMMARY_DOCUMENT
            with self.outputs_lock:
                shutil.copyfile(self.settings().paths.outputs / SUMMARY_DOCUMENT, copy)
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

    def soffice(self) -> bool:
        from docgen.output.pdf import find_soffice

        return find_soffice() is not None

    # ------------------------------------------------------------ templates

    def templates(self) -> list[dict]:
        """The built-in templates (the workspace's copy when there is one) and the others."""

        settings = self.settings()
        folder = settings.paths.templates
        rows = []
        for kind, name in TEMPLATES.items():
            rows.append(
                {
                    "name": self.name_of(folder / name),
                    "file": name,
                    "kind": kind,
                    "copy": (folder / name).is_file(),
                }
            )
        rows += [
            {"name": self.name_of(p), "file": p.name, "kind": None, "copy": True}
            for p in self.template_files(settings)
            if p.name not in TEMPLATES.values()
        ]
        return rows

    def template_file(self, name: str) -> Path:
        from docgen.kinds.templates import template_for

        settings = self.settings()
        for row in self.templates():
            if row["name"] == name:
                if row["copy"]:
                    return self.root / name
                kind = next(k for k, n in TEMPLATES.items() if n == row["file"])
                return template_for(settings, kind)
        raise Refused(_("没有这个模板：{name}").format(name=name), 404)


def join_problems(problems: list[Problem], path: Path, original: str) -> str:
    texts = [str(p) for p in problems] or [_("无法读取这个文件")]
    text = "\n".join(texts)
    for shown in {str(path), os.path.relpath(path), path.name}:
        text = text.replace(shown, original)
    return text


__all__ = ["Desk", "Job", "MAX_FILE_BYTES", "Refused", "Upload", "join"]
