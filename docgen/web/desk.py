"""The workspace as the page sees it: the files dropped in, their problems, one build at a time,
the finished outputs.  It calls the library the command line calls; it knows no HTTP."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError, DataError, DocgenError, Problem
from docgen.i18n import _, join
from docgen.inputs.tallies import unit_from_stem
from docgen.kinds.registry import Registry, load_registry, registry
from docgen.output.files import (
    is_generated,
    safe_filename,
)
from docgen.web import inbox
from docgen.web.builds import Builds, Job, Refused


def _upload_suffixes() -> tuple[str, ...]:
    """The workbooks docgen reads (.xlsx, .xls, WPS .et, .ods, .csv …) and templates."""
    from docgen.inputs.workbook import READABLE_SUFFIXES

    return (*READABLE_SUFFIXES, ".docx")


UPLOAD_SUFFIXES = _upload_suffixes()
MAX_FILE_BYTES = 20 * 1024 * 1024
MANIFEST = ".docgen-build.json"
# the sheets of docgen's 汇总表.xlsx (docgen.inputs.tallies.write_summary_workbook)
SUMMARY_SHEETS = {"分领域汇总", "分单位明细", "问题清单", "数据来源"}
_STAGING = ".~docgen-build-"
_OLD = ".~docgen-old-"


@dataclass
class Upload:
    """One file as received: its name on the secretary's computer and its bytes."""

    filename: str
    data: bytes


class Desk(Builds):
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
                inbox.back_up(self.root, path)  # a file removed by mistake can be found again
            path.unlink(missing_ok=True)

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
                        c["backup"] = self.name_of(inbox.back_up(self.root, c["dest"]))
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

    def _place(self, checked: list[dict], settings, replacing: bool) -> None:
        """Where each checked upload goes.  Tallies of different units under one name are kept
        apart (统计表-东山村.xlsx); a resend from a unit already in (same name or another) is
        answered 409 naming the file it would replace."""
        if replacing:
            return
        known = self._tally_units(settings)
        taken: set[Path] = set()
        for c in checked:
            if c["kind"] == "tally":
                refusal = self._resend_refusal(c, known)
                if refusal is not None:
                    raise refusal
                self._place_tally(c, taken, settings.paths.tallies)
            if c["dest"] in taken:
                raise Refused(_("{name} 重复上传了两次").format(name=c["name"]), 409)
            if c["dest"].exists():
                raise Refused(
                    _(
                        "工作目录中已有 {name}；要用新文件代替它，请点“替换”（旧文件会留作备份）"
                    ).format(name=c["name"]),
                    409,
                    name=c["name"],
                    original=c["original"],
                )
            taken.add(c["dest"])

    def _resend_refusal(self, c: dict, known: dict[str, set[str]]) -> Refused | None:
        """The 409 for a tally from a unit whose tally is already in (``known``: each tally in
        the workspace → its units), or None."""
        units = set(c["units"])
        same = sorted(n for n, u in known.items() if units and units & u)
        if not same:
            return None
        if (self.root / same[0]) in inbox.demo_inputs(self.root):
            message = _(
                "{unit} 与演示数据中的 {name} 是同一个单位；演示数据是虚构的，"
                "建议先点“清空演示数据”；也可以点“替换”用本镇的表代替它"
            ).format(unit=join(sorted(units)), name=same[0])
        elif c.get("unnamed"):
            message = _(
                "{original} 没有填写“填报单位”，与已有的 {name} 分不清是哪个单位的；"
                "请在表头上方填写“填报单位：XX村”，或把文件改名为“XX村-统计表.xlsx”"
                "后再上传；确是同一单位重新报送的，请点“替换”（旧文件会留作备份）"
            ).format(original=c["original"], name=same[0])
        else:
            message = _(
                "{unit} 的统计表已经在工作目录中（{name}）；这是重新报送的吗？"
                "确认用新文件代替它，请点“替换”（旧文件会留作备份）"
            ).format(unit=join(sorted(units)), name=same[0])
        return Refused(message, 409, name=same[0], original=c["original"])

    def _place_tally(self, c: dict, taken: set[Path], tallies: Path) -> None:
        """A new unit's tally whose file name is taken is named after its unit."""
        dest = c["dest"]
        if (dest.exists() or dest in taken) and c["units"]:
            dest = tallies / inbox.unit_file_name(dest.name, c["units"][0])
            c["renamed"] = True
        c["dest"], c["name"] = dest, self.name_of(dest)
        c["problems"] = [self._rename(p, c["name"]) for p in c["problems"]]

    def _is_an_output(self, data: bytes, settings) -> bool:
        """Whether these bytes are a file in the outputs folder (written by ``docgen build`` on
        the command line, which does not mark its files): same size first, then same bytes."""
        out = settings.paths.outputs
        if not out.is_dir():
            return False
        for path in out.rglob("*"):
            try:
                if path.suffix.lower() in (".docx", ".xlsx") and path.stat().st_size == len(data):
                    if path.read_bytes() == data:
                        return True
            except OSError:
                continue
        return False

    def _rename(self, problem: dict, name: str) -> dict:
        old = problem["file"]
        if not old or old == name:
            return problem
        return {k: (v.replace(old, name) if isinstance(v, str) else v) for k, v in problem.items()}

    def _tally_units(self, settings) -> dict[str, set[str]]:
        """Each tally in the workspace → the units it reports for."""
        from docgen.inputs.workbook import input_files

        folder = settings.paths.tallies
        if not folder.is_dir():
            return {}
        return {self.name_of(p): set(units_of(p)) for p in input_files([folder])}

    def _replace_target(self, name: str, settings) -> tuple[Path, str]:
        builtin = {self.name_of(settings.paths.templates / k.template) for k in settings.kinds}
        if name in builtin:
            return self.root / name, "template"
        return self.path_of(name, settings)

    def _check_upload(self, upload: Upload, holding: Path, settings, target) -> dict:
        original = upload.filename
        holding.mkdir()
        temp = holding / safe_filename(Path(original).name)
        temp.write_bytes(upload.data)
        if is_generated(temp) or self._is_an_output(upload.data, settings):
            raise Refused(generated_message(original))
        units: list[str] = []
        unnamed = False
        if temp.suffix.lower() == ".docx":
            dest = target[0] if target else settings.paths.templates / temp.name
            if target and target[1] != "template":
                raise Refused(
                    _("{name} 是 Word 模板，不能代替 {target}").format(
                        name=original, target=self.name_of(target[0])
                    )
                )
            problems = self._check_template(temp, dest, settings, original)
            kind = "template"
        else:
            kind, problems = self._check_workbook(temp, original, settings)
            if kind == "tally":
                dest = settings.paths.tallies / temp.name
                units = units_of(temp)
                unnamed = units == [unit_from_stem(temp)]  # no 填报单位: named after the file
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
            "units": units,
            "unnamed": unnamed,
            "problems": [self._relabel(p, temp, name) for p in problems],
        }

    def _relabel(self, problem: Problem, temp: Path, name: str) -> dict:
        """A problem found in the held copy, told about the file's place in the workspace."""
        found = self.problem_json(problem)
        held = self.name_of(temp)
        for key in ("file", "message", "hint", "text"):
            found[key] = found[key].replace(held, name).replace(str(temp), name)
        return found

    def _check_workbook(self, path: Path, original: str, settings) -> tuple[str, list[Problem]]:
        from docgen.inputs.checking import check_paths, is_tally_workbook
        from docgen.inputs.rosters import headers_of, kind_of_headers
        from docgen.inputs.workbook import open_workbook

        try:
            wb = open_workbook(path)
        except DataError as exc:
            raise Refused(join_problems(exc.problems, path, original)) from None
        if len(SUMMARY_SHEETS & set(wb.sheetnames)) >= 2:  # 汇总表 from a build without its mark
            raise Refused(generated_message(original))
        if is_tally_workbook(wb):
            kind = "tally"
        else:
            headers = headers_of(wb)
            roster = kind_of_headers(headers, settings.kinds)
            if roster is None:
                near = near_roster(headers, settings.kinds)
                if near is not None:
                    found, missing = near
                    raise Refused(
                        _(
                            "{name} 像是{title}名册，但表头缺少必需的列：{columns}；"
                            "请在表头中补上这些列（列名须一致）后重新上传"
                        ).format(name=original, title=found.roster.title, columns=join(missing))
                    )
                problems, _stats = check_paths([path], settings.kinds)
                raise Refused(join_problems(problems, path, original))
            assert roster.roster is not None
            kind = roster.roster.path_key
        problems, _stats = check_paths([path], settings.kinds)
        return kind, problems

    def _check_template(self, path: Path, dest: Path, settings, original: str) -> list[Problem]:
        """Compile the template; a kind's template is checked against its roster."""
        from docgen.inputs.rosters import read_roster
        from docgen.kinds.documents import kind_of_template, supplied_variables
        from docgen.render.compile import CompiledTemplate

        _refuse_full_width_tags(path, original)
        try:
            compiled = CompiledTemplate.load(path)
        except DocgenError as exc:
            raise Refused(str(exc).replace(str(path), dest.name)) from None
        found = kind_of_template(dest, settings)
        if found is None:
            return []
        roster_path = settings.paths.roster(found.roster.path_key) if found.roster else None
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
                roster = read_roster(roster_path, kind=found)
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
            raise self._missing_refusal(dest, roster_path, missing)
        return []

    def _missing_refusal(self, dest: Path, roster_path: Path | None, missing: list[str]) -> Refused:
        """The refusal of a template using variables its data does not have (the roster's
        columns, or the summary's figures when ``roster_path`` is None)."""
        if roster_path is None:
            return Refused(
                _("{name} 用到了工作总结没有的变量：{names}；请对照原模板改正").format(
                    name=dest.name, names=join(missing)
                )
            )
        return Refused(
            _(
                "{name} 用到了名册 {roster} 中没有的列：{names}；请改正模板中的变量名，"
                "或在名册中加上这些列"
            ).format(name=dest.name, roster=self.name_of(roster_path), names=join(missing))
        )

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


_UNITS: dict[tuple, list[str]] = {}


def units_of(path: Path) -> list[str]:
    """The units a tally workbook reports for (its 填报单位, else its file name)."""
    from docgen.inputs.tallies import read_workbook

    try:
        info = path.stat()
    except OSError:
        return []
    key = (str(path.resolve()), info.st_mtime_ns, info.st_size)
    if key not in _UNITS:
        found = read_workbook(path)
        units = {t.unit for t in found.tallies} | {f.unit for f in found.figures}
        if len(_UNITS) > 5000:
            _UNITS.clear()
        _UNITS[key] = sorted(units)
    return _UNITS[key]


def missing_units(expected, reported) -> list[str]:
    """The expected units (docgen.toml [tallies] expected) that sent no tally (催报)."""
    from docgen.inputs.checking import reporting_status

    return reporting_status(expected, reported).missing


def near_roster(headers: list[set[str]], kinds: Registry):
    """A roster kind whose columns a header row mostly has, and the required ones it lacks."""
    best = None
    for names in headers:
        for kind in kinds.batches:
            assert kind.roster is not None
            present = sum(1 for n in kind.roster.names if n in names)
            missing = [n for n in kind.roster.required if n not in names]
            if present >= 2 and missing and (best is None or present > best[2]):
                best = (kind, missing, present)
    return (best[0], best[1]) if best else None


def _refuse_full_width_tags(path: Path, original: str) -> None:
    """Refuse a template whose tags were typed with full-width brackets (printed as typed)."""
    typed = inbox.full_width_tags(path)
    if typed:
        raise Refused(
            _(
                "{name} 中的模板标记是用中文输入法打的全角括号（如“{text}”），"
                "生成时会原样印出；请用半角 {{{{ }}}} 和 {{% %}}（切换到英文输入法）重新输入"
            ).format(name=original, text=typed[0])
        )


def generated_message(name: str) -> str:
    return _(
        "{name} 是 docgen 自己生成的文件，不能当作统计表、名册或模板上传；"
        "请上传各村、各单位交回的原表，或从“模板”下载的模板"
    ).format(name=name)


def join_problems(problems: list[Problem], path: Path, original: str) -> str:
    texts = [str(p) for p in problems] or [_("无法读取这个文件")]
    text = "\n".join(texts)
    for shown in {str(path), os.path.relpath(path), path.name}:
        text = text.replace(shown, original)
    return text


__all__ = ["Desk", "Job", "MAX_FILE_BYTES", "Refused", "Upload", "join"]
