"""Checking and placing uploaded files: the half of ``Desk`` that decides what a dropped
file is (tally, roster, template, or something docgen wrote itself), whether it can be used,
and where in the workspace it goes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import DataError, DocgenError, Problem
from docgen.i18n import _, join
from docgen.inputs.tallies import unit_from_stem
from docgen.kinds.registry import Registry
from docgen.output.files import is_generated, safe_filename
from docgen.web import inbox
from docgen.web.builds import Refused

# the sheets of docgen's 汇总表.xlsx (docgen.inputs.tallies.write_summary_workbook)
SUMMARY_SHEETS = {"分领域汇总", "分单位明细", "问题清单", "数据来源"}


@dataclass
class Upload:
    """One file as received: its name on the secretary's computer and its bytes."""

    filename: str
    data: bytes


class Intake:
    """The uploads half of ``Desk`` (which supplies the workspace, its names and files)."""

    root: Path

    def name_of(self, path: str | Path) -> str:  # Desk's
        raise NotImplementedError

    def inside(self, path: Path) -> bool:  # Desk's
        raise NotImplementedError

    def problem_json(self, problem: Any) -> dict:  # Desk's
        raise NotImplementedError

    def rosters(self, settings=None) -> dict[str, Path]:  # Desk's
        raise NotImplementedError

    def path_of(self, name: str, settings=None) -> tuple[Path, str]:  # Desk's
        raise NotImplementedError

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
        missing = sorted(
            compiled.required_variables() - supplied_variables(dest, columns, first, settings)
        )
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
