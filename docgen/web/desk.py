"""The workspace as the page sees it: the files dropped in, their problems, one build at a time,
the finished outputs.  It calls the library the command line calls; it knows no HTTP."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError, DataError, DocgenError, Problem
from docgen.i18n import _, join
from docgen.kinds.registry import Registry, load_registry, registry
from docgen.web import inbox
from docgen.web.builds import Builds, Job, Refused
from docgen.web.intake import Intake, Upload


def _upload_suffixes() -> tuple[str, ...]:
    """The workbooks docgen reads (.xlsx, .xls, WPS .et, .ods, .csv …) and templates."""
    from docgen.inputs.workbook import READABLE_SUFFIXES

    return (*READABLE_SUFFIXES, ".docx")


UPLOAD_SUFFIXES = _upload_suffixes()
MAX_FILE_BYTES = 20 * 1024 * 1024
MANIFEST = ".docgen-build.json"
_STAGING = ".~docgen-build-"
_OLD = ".~docgen-old-"


class Desk(Builds, Intake):
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
        self.refusals = inbox.Refusals(self.root)
        self.backups = inbox.Backups(self.root)
        self.finished = self._read_manifest()

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    # ------------------------------------------------------------ settings and names

    def settings(self):
        """docgen.toml read and checked; ConfigError (file, line, what to write) when broken."""
        from docgen.config import load

        return load(self.config) if self.config.exists() else load(root=self.root)

    def fallback_settings(self):
        """The settings, or when docgen.toml is broken the defaults for this workspace (so
        the page can still list the files); with the error's message or None."""
        try:
            return self.settings(), None
        except ConfigError as exc:
            from docgen.config import Paths, load

            kinds = self.kinds()
            defaults = load(root=self.scratch / "none")
            paths = Paths(
                tallies=self.root / "inputs" / "tallies",
                templates=self.root / "templates",
                outputs=self.root / "outputs",
                rosters={k: self.root / v for k, v in kinds.roster_paths().items()},
            )
            settings = dataclasses.replace(defaults, root=self.root, paths=paths, kinds=kinds)
            return settings, self.shown(str(exc))

    def shown(self, text: str) -> str:
        """A message with the workspace's own paths written from the workspace (docgen.toml
        rather than /home/…/松岚镇/docgen.toml)."""
        return text.replace(str(self.root) + os.sep, "")

    def kinds(self) -> Registry:
        """The kinds of this workspace (the built-in ones when a kind.toml is broken)."""
        try:
            return load_registry(self.root)
        except ConfigError:
            return registry()

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

    def page_context(self) -> dict:
        """What the page's HTML is rendered with; a broken docgen.toml is shown, not fatal."""
        from docgen.web import settings as settings_form

        settings, config_error = self.fallback_settings()
        try:
            form = settings_form.form(self.config, settings.kinds)
        except DocgenError as exc:
            form, config_error = [], config_error or self.shown(str(exc))
        return {
            "form": form,
            "templates": self.templates(settings),
            "soffice": self.soffice(),
            "root": str(self.root),
            "finished": self.finished is not None,
            "config_error": config_error,
            "demo": bool(inbox.demo_inputs(self.root)),
            "accept": ",".join(UPLOAD_SUFFIXES),
            "accept_workbooks": ",".join(x for x in UPLOAD_SUFFIXES if x != ".docx"),
        }

    # ------------------------------------------------------------ the files in the workspace

    def rosters(self, settings=None) -> dict[str, Path]:
        """API kind (a roster's [paths] key: units, hazards, students …) → its roster file."""
        return dict((settings or self.settings()).paths.rosters)

    def roster_kinds(self, settings) -> list[dict]:
        """Every roster the workspace's kinds read, for the page's list."""
        return [
            {
                "kind": k.roster.path_key,
                "title": k.roster.title
                if k.roster.title.endswith("名册")
                else _("{title}名册").format(title=k.roster.title),
                "documents": k.label,
                "name": self.name_of(settings.paths.roster(k.roster.path_key)),
            }
            for k in settings.kinds.batches
            if k.roster
        ]

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

    def listing(self) -> dict:
        """GET /api/files: the files, the refusals kept until dismissed, a broken config."""
        settings, config_error = self.fallback_settings()
        return {
            "files": self.files(settings),
            "roster_kinds": self.roster_kinds(settings),
            "refused": self.refusals.all(),
            "config_error": config_error,
            "demo": [self.name_of(p) for p in inbox.demo_inputs(self.root)],
        }

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
            path, _kind = self.path_of(name, self.fallback_settings()[0])
            if path.is_file():
                self.backups.keep(path, "removed")  # a file removed by mistake can be put back
            path.unlink(missing_ok=True)

    def restore(self, backup_id: str) -> dict:
        """POST /api/backups/{id}/restore: a replaced or removed file put back where it was;
        the file there now is kept as a backup in turn."""
        with self.inputs_lock:
            try:
                name, kept = self.backups.restore(backup_id)
            except KeyError:
                raise Refused(_("没有这个备份，或不知道它原来的位置"), 404) from None
        self.refusals.forget(Path(name).name)
        return {"name": name, "backup": self.name_of(kept) if kept else None}

    def dismiss(self, refusal_id: str) -> None:
        if not self.refusals.dismiss(refusal_id):
            raise Refused(_("没有这条记录（可能已经关闭）"), 404)

    def remember_refusal(self, name: str, message: str) -> None:
        self.refusals.add(name, message or _("文件太大，未上传"))

    def clear_demo(self) -> list[str]:
        """Remove ``docgen init``'s demo inputs that are still unchanged; the names removed."""
        with self.inputs_lock:
            removed = []
            for path in inbox.demo_inputs(self.root):
                path.unlink(missing_ok=True)
                removed.append(self.name_of(path))
            return removed

    # ------------------------------------------------------------ uploads

    def store(self, uploads: list[Upload], replace: str | None = None) -> list[dict]:
        """Check every file, then store them all or none: a tally into the tallies folder, a
        roster at its [paths] place, a template into templates/.  An existing file is replaced
        only when ``replace`` names it, and is kept in .docgen/backups.  A refusal is
        remembered until the secretary dismisses it."""
        try:
            stored = self._store(uploads, replace)
        except Refused as exc:
            if exc.status == 409 and exc.extra.get("original"):
                # not stored until she says so: kept in the list, so a reload does not lose it
                self.refusals.add(Path(exc.extra["original"]).name, str(exc))
            elif exc.status != 409:
                for upload in uploads:
                    self.refusals.add(Path(upload.filename).name, str(exc))
            raise
        for upload in uploads:
            self.refusals.forget(Path(upload.filename).name)
        return stored

    def _store(self, uploads: list[Upload], replace: str | None) -> list[dict]:
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
                self._place(checked, settings, bool(replace))
                for c in checked:
                    c["dest"].parent.mkdir(parents=True, exist_ok=True)
                    if c["dest"].exists():
                        c["backup"] = self.name_of(self.backups.keep(c["dest"], "replaced"))
                    os.replace(c["temp"], c["dest"])
        finally:
            shutil.rmtree(holding, ignore_errors=True)
        return [
            {
                "name": c["name"],
                "kind": c["kind"],
                "original": c["original"],
                "units": c.get("units", []),
                "backup": c.get("backup"),
                "renamed": c.get("renamed", False),
                "problems": c["problems"],
            }
            for c in checked
        ]

    # ------------------------------------------------------------ checking

    def sources(self) -> dict:
        """GET /api/sources: every figure the summary prints, with the cells it adds up
        (the 数据来源 sheet of 汇总表.xlsx), file names as the page shows them."""
        from docgen.figures import read_tallies
        from docgen.inputs.rosters import read_roster
        from docgen.kinds.summary import summary_sources

        settings = self.settings()
        consolidation = read_tallies([settings.paths.tallies])
        rosters = {}
        for kind in settings.kinds.batches:
            assert kind.roster is not None
            path = settings.paths.roster(kind.roster.path_key)
            if path.is_file():
                try:
                    rosters[kind.key] = read_roster(path, kind=kind)
                except DataError:
                    continue  # its problems are listed with the files
        figures = summary_sources(settings, consolidation, rosters)
        for figure in figures:
            for cell in figure["cells"]:
                cell["file"] = self.name_of(cell["file"])
        return {"figures": figures}

    def check(self) -> dict:
        """What ``docgen collect --json`` prints, plus each roster's problems and every file's,
        the units expected and those missing (催报), and the refusals kept."""
        from docgen.figures import read_tallies
        from docgen.inputs.rosters import read_roster

        settings = self.settings()
        consolidation = read_tallies([settings.paths.tallies])
        result: dict[str, Any] = consolidation.to_json()
        result["problems"] = [self.problem_json(p) for p in consolidation.problems]
        rosters: list[dict[str, Any]] = []
        for kind in settings.kinds.batches:
            assert kind.roster is not None
            key = kind.roster.path_key
            path = settings.paths.roster(key)
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
                    "documents": kind.key,
                    "rows": rows,
                    "problems": [self.problem_json(p) for p in problems],
                }
            )
        result["rosters"] = rosters
        result["roster_kinds"] = self.roster_kinds(settings)
        by_file: dict[str, list[dict]] = {}
        for problem in result["problems"] + [p for r in rosters for p in r["problems"]]:
            by_file.setdefault(problem["file"], []).append(problem)
        units_by_file: dict[str, list[str]] = {}
        for unit in consolidation.units:
            for file in unit.files:
                units_by_file.setdefault(self.name_of(file), []).append(unit.unit)
        files = self.files(settings)
        for entry in files:
            entry["problems"] = by_file.pop(entry["name"], [])
            if entry["kind"] == "tally":
                entry["units"] = units_by_file.get(entry["name"], [])
        result["files"] = files
        result["other_problems"] = [p for ps in by_file.values() for p in ps]
        result["errors"] = sum(
            1
            for p in result["problems"] + [p for r in rosters for p in r["problems"]]
            if p["severity"] == "error"
        )
        result["expected"] = list(settings.expected)
        result["missing"] = missing_units(settings.expected, [u.unit for u in consolidation.units])
        result["refused"] = self.refusals.all()
        result["demo"] = [self.name_of(p) for p in inbox.demo_inputs(self.root)]
        return result

    def soffice(self) -> bool:
        from docgen.output.pdf import find_soffice

        return find_soffice() is not None

    # ------------------------------------------------------------ templates

    def templates(self, settings=None) -> list[dict]:
        """Every kind's template (the workspace's copy when there is one) and the others."""
        settings = settings or self.settings()
        folder = settings.paths.templates
        rows = []
        for kind in settings.kinds:
            rows.append(
                {
                    "name": self.name_of(folder / kind.template),
                    "file": kind.template,
                    "kind": kind.key,
                    "title": kind.label,
                    "copy": (folder / kind.template).is_file(),
                }
            )
        known = {k.template for k in settings.kinds}
        rows += [
            {"name": self.name_of(p), "file": p.name, "kind": None, "title": "", "copy": True}
            for p in self.template_files(settings)
            if p.name not in known
        ]
        return rows

    def template_file(self, name: str) -> Path:
        from docgen.kinds.templates import template_for

        settings = self.settings()
        for row in self.templates(settings):
            if row["name"] == name:
                if row["copy"]:
                    return self.root / name
                return template_for(settings, row["kind"])
        raise Refused(_("没有这个模板：{name}").format(name=name), 404)


def missing_units(expected, reported) -> list[str]:
    """The expected units (docgen.toml [tallies] expected) that sent no tally (催报)."""
    from docgen.inputs.checking import reporting_status

    return reporting_status(expected, reported).missing


__all__ = ["Desk", "Job", "MAX_FILE_BYTES", "Refused", "Upload", "join"]
