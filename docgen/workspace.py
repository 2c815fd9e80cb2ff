"""The workspace jobs: ``init`` a fresh one, ``build`` everything from one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.config import Settings
from docgen.errors import DataError, Problem, display_path
from docgen.i18n import _
from docgen.output.files import (
    atomic_path,
    ensure_writable,
    finish_swap,
    staging_folder,
    swap_in,
)

if TYPE_CHECKING:
    from docgen.figures import Consolidation
    from docgen.inputs.rosters import Roster

SUMMARY_WORKBOOK = "汇总表.xlsx"


@dataclass
class Written:
    """One line of the build report."""

    label: str
    path: Path
    count: int = 1


@dataclass
class BuildReport:
    consolidation: Consolidation | None = None
    written: list[Written] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    unverified: str = ""  # why the summary's last page was not measured on a trial print


def totals_line(consolidation) -> str:
    """The campaign in one line, to compare with what the villages reported."""
    from docgen.render.filters import percent

    total = consolidation.metric_total
    rate = consolidation.rectification_rate()
    # inspections (次), units inspected (家) and unit-visits (家次) are told apart
    checks = _("检查 {checks} 次").format(checks=total("检查次数"))
    if "检查单位" in consolidation.columns:
        checks += _("、检查单位 {units} 家").format(units=total("检查单位"))
    if "检查家次" in consolidation.columns:
        checks += _("、检查生产经营单位 {visits} 家次").format(visits=total("检查家次"))
    return _(
        "合计：{units} 个填报单位，{checks}，排查隐患 {found} 处，整改 {fixed} 处"
        "（整改率 {rate}），查处违章 {violations} 人次。"
    ).format(
        units=len(consolidation.units),
        checks=checks,
        found=total("排查隐患"),
        fixed=total("整改隐患"),
        rate=percent(rate) if rate is not None else "—",
        violations=total("查处违章"),
    )


DEMO = "demo"  # the shipped demo workspace: docgen.toml and inputs/


def demo_files() -> list[tuple[Path, Path]]:
    """(shipped file, path relative to a new workspace) for the demo town's files."""
    from importlib import resources

    root = Path(str(resources.files("docgen") / DEMO))
    return [
        (path, path.relative_to(root))
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not path.name.startswith((".", "~$"))
        and path.suffix in (".toml", ".xlsx", ".png", ".jpg", ".jpeg")
    ]


def town_of(directory: Path) -> str | None:
    """The town a folder is named after: 青山镇, 石桥乡, 东城街道."""
    name = Path(directory).resolve().name
    return name if name.endswith(("镇", "乡", "街道")) else None


def name_town(config: Path, town: str) -> None:
    """Put ``town`` into a copied docgen.toml: issuer, short name and title (keeping comments)."""
    import tomlkit

    from docgen.config import Issuer

    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    issuer = document.setdefault("issuer", tomlkit.table())
    old = str(issuer.get("short_name", Issuer.short_name))
    issuer["short_name"] = town
    issuer["name"] = f"{town}人民政府" if not town.endswith("街道") else f"{town}办事处"
    summary = document.get("summary")
    if summary is not None and "title" in summary:
        title = summary["title"]
        if isinstance(title, str):
            summary["title"] = title.replace(old, town)
    text = tomlkit.dumps(document)
    with atomic_path(config) as tmp:
        tmp.write_text(text, encoding="utf-8")


def init_workspace(directory: Path, force: bool = False, town: str | None = None) -> list[Path]:
    """A ready workspace: docgen.toml (for ``town``, or the town the folder is named after),
    templates/ with the built-in templates, inputs/ with the demo town's data, outputs/."""
    import shutil

    from docgen.kinds.registry import registry
    from docgen.kinds.templates import copy_templates

    directory = Path(directory)
    kinds = registry()
    files = [(source, directory / relative) for source, relative in demo_files()]
    templates = directory / "templates"
    ensure_writable(
        [target for _source, target in files]
        + [templates / kind.template for kind in kinds.builtin],
        force,
    )
    written = []
    for source, target in files:
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
        written.append(target)
    town = town or town_of(directory)
    if town:
        name_town(directory / "docgen.toml", town)
    written += copy_templates(kinds, templates, force=True)
    (directory / "outputs").mkdir(exist_ok=True)
    return written


@dataclass
class Inputs:
    """Everything read and checked from a workspace, before anything is written."""

    consolidation: Consolidation
    rosters: dict[str, Roster]  # kind → Roster, only those present


def read_inputs(settings: Settings) -> tuple[Inputs, list[str]]:
    """Read the tallies and the three rosters; raise DataError with every problem of all of them."""
    from docgen.figures import read_tallies
    from docgen.inputs.rosters import read_roster
    from docgen.kinds.documents import check_with_settings

    problems: list[Problem] = []
    skipped: list[str] = []
    tally_dir = settings.paths.tallies
    if not tally_dir.exists():
        raise DataError(
            [
                Problem(
                    _("找不到统计表文件夹"),
                    file=display_path(tally_dir),
                    hint=_(
                        "请把各村、各单位交回的统计表放进这个文件夹，或在 docgen.toml 的 [paths] tallies 中改成实际位置"
                    ),
                )
            ]
        )
    consolidation = read_tallies([tally_dir])
    problems += consolidation.problems

    rosters = {}
    for spec in settings.kinds.batches:
        assert spec.roster is not None
        kind, path = spec.key, settings.paths.roster(spec.roster.path_key)
        if not path.exists():
            skipped.append(_("未找到名册 {file}，跳过这一批文档").format(file=display_path(path)))
            continue
        try:
            rosters[kind] = read_roster(path, kind=spec)
            rosters[kind].problems.extend(check_with_settings(spec, rosters[kind], settings))
        except DataError as exc:
            problems += exc.problems
    if any(p.is_error for p in problems):
        raise DataError(problems)
    return Inputs(consolidation, rosters), skipped


def roster_counts(settings: Settings, rosters: dict):
    """The rosters' row counts under the summary variables their kinds name, and the hazard
    points by 类型 as written."""
    from docgen.kinds.summary import roster_counts as counts_of

    return counts_of(settings, rosters)


def write_summary(
    settings: Settings,
    consolidation,
    counts,
    path: Path,
    force: bool = False,
    pdf: bool = False,
    template=None,
) -> list[Path]:
    """The formal summary report (and its PDF on request: the fitting's trial prints and the
    final print through the same LibreOffice)."""
    from docgen.output.pdf import printing

    with printing(pdf, archive=settings.pdf_a):
        return _write_summary(settings, consolidation, counts, path, force, pdf, template)


def _write_summary(
    settings: Settings, consolidation, counts, path: Path, force: bool, pdf: bool, template
) -> list[Path]:
    from docgen.gongwen.fitting import fit_summary
    from docgen.kinds.documents import load_template
    from docgen.kinds.summary import summary_context
    from docgen.kinds.templates import template_for

    targets = [path] + ([path.with_suffix(".pdf")] if pdf else [])
    ensure_writable(targets, force)
    kind = settings.kinds["summary"]
    template = template or load_template(template_for(settings, kind), kind)
    context = summary_context(settings, consolidation, counts)
    # measured on the printed pages whenever LibreOffice is installed, PDF asked for or not
    context = fit_summary(template, context)
    template.render_to(context, path)
    if pdf:
        from docgen.output.pdf import print_copy

        return [print_copy(path)]  # through the printer the fitting used
    return []


def build(
    settings: Settings,
    *,
    force: bool = False,
    pdf: bool | None = None,
    progress: Callable[[str, int], Callable[[int], None]] | None = None,
    read: tuple[Inputs, list[str]] | None = None,
) -> BuildReport:
    """See ``_build``.  With ``pdf``, one printer serves the whole build: its LibreOffice
    processes start at once and print the summary's trial copies, every chunk of records and
    the single documents."""
    from docgen.output.pdf import printing

    pdf = settings.pdf if pdf is None else pdf
    with printing(bool(pdf), archive=settings.pdf_a):
        return _build(settings, force=force, pdf=pdf, progress=progress, read=read)


def _build(
    settings: Settings,
    *,
    force: bool = False,
    pdf: bool | None = None,
    progress: Callable[[str, int], Callable[[int], None]] | None = None,
    read: tuple[Inputs, list[str]] | None = None,
) -> BuildReport:
    """Check, consolidate, write every kind of document into the outputs folder: the single
    documents (the summary) from the tallies, the batches one per roster row.

    ``progress(label, total)`` returns a callback advanced as records are written.  A ``--pdf``
    build interrupted while printing resumes: the next run converts only what is missing.
    ``read`` is what ``read_inputs(settings)`` returned, when the caller has read them already.
    """
    from docgen.output.batch import pdf_targets

    pdf = settings.pdf if pdf is None else pdf
    inputs, skipped = read or read_inputs(settings)
    report = _report(settings, inputs, skipped)
    out = settings.paths.outputs

    # Every template is compiled, every batch planned and every target checked before the
    # first file is written.
    singles = _singles(settings, out)
    plans = _plans(settings, inputs, out)
    documents = [path for _kind, _template, path in singles]
    documents += [path for plan in plans.values() for path in plan.targets]
    _confine(settings, out, singles, plans)
    targets = [out / SUMMARY_WORKBOOK] + documents
    pending = _pending_print(settings, inputs, out, singles, plans)
    finish_swap(out)
    resuming = bool(pdf) and not force and pending.matches(targets)
    if not resuming:
        ensure_writable(targets + (pdf_targets(documents) if pdf else []), force)
        _replace_outputs(
            settings, inputs, singles, plans, targets + pdf_targets(documents), progress, bool(pdf)
        )
    report.written += _written_lines(settings, plans, out / SUMMARY_WORKBOOK, singles)
    if any(kind.context == "summary" for kind, _template, _path in singles):
        from docgen.gongwen.fitting import can_measure, not_measured

        if not can_measure():
            report.unverified = not_measured()

    if pdf:
        # after every Word file is safely written; an interrupted run resumes here
        report.pdfs = _print_build(settings, singles, plans, pending, progress)
    return report


def _report(settings: Settings, inputs: Inputs, skipped: list[str]) -> BuildReport:
    """The build report begun: what was skipped and every warning of the inputs."""
    report = BuildReport(consolidation=inputs.consolidation, skipped=skipped)
    report.warnings = [p for p in inputs.consolidation.problems if not p.is_error]
    report.warnings += [p for roster in inputs.rosters.values() for p in roster.problems]
    if settings.kinds.singles:
        report.warnings += roster_counts(settings, inputs.rosters).problems
    return report


def _singles(settings: Settings, out: Path) -> list:
    """(kind, compiled template, target) for each single document."""
    from docgen.kinds.documents import load_template
    from docgen.kinds.templates import template_for

    return [
        (kind, load_template(template_for(settings, kind), kind), out / kind.output_file)
        for kind in settings.kinds.singles
    ]


def _plans(settings: Settings, inputs: Inputs, out: Path) -> dict:
    """Each batch planned, by kind key: one per roster read."""
    from docgen.kinds.documents import load_template, record_context
    from docgen.kinds.templates import template_for
    from docgen.output.batch import default_pattern, plan_batch

    plans = {}
    for key, roster in inputs.rosters.items():
        spec = settings.kinds[key]
        plans[key] = plan_batch(
            load_template(template_for(settings, spec), spec),
            roster,
            out / spec.output_folder,
            name_pattern=spec.output_name or default_pattern(roster),
            context=partial(record_context, spec, settings=settings),
            combined=out / spec.combined_name,
        )
    return plans


def _pending_print(settings: Settings, inputs: Inputs, out: Path, singles: list, plans: dict):
    """The note of an unfinished print, marked with everything the documents are made from."""
    from docgen.output.batch import PendingPrint, fingerprint

    return PendingPrint(
        out,
        fingerprint(
            *plans.values(),
            extra=(
                settings,
                inputs.consolidation.to_json(),
                *(template._source for _kind, template, _path in singles),
            ),
        ),
    )


def _replace_outputs(
    settings: Settings,
    inputs: Inputs,
    singles: list,
    plans: dict,
    targets: list[Path],
    progress,
    pdf: bool,
) -> None:
    """The new set is written aside, then takes the old one's place as a whole: the last
    build's files, this build's ``targets`` (its documents' PDFs among them), a note of an
    unfinished print."""
    from docgen.output.batch import PendingPrint

    out = settings.paths.outputs
    replaced = {_top(out, p) for p in targets}
    replaced |= {_top(out, out / name) for name in recorded_outputs(out)}
    replaced |= {PendingPrint.NAME, BUILD_RECORD}
    with staging_folder(out) as staging:
        _write_documents(
            settings,
            inputs,
            {key: _rebased(plan, out, staging) for key, plan in plans.items()},
            [(k, t, staging / path.relative_to(out)) for k, t, path in singles],
            progress,
            out=staging,
            pdf=pdf,
        )
        write_record(staging, outputs=_shown(settings, out))
        swap_in(staging, out, replaced)


def _print_build(settings: Settings, singles: list, plans: dict, pending, progress) -> list[Path]:
    """Every document printed to PDF under the note of an unfinished print; the build record
    then lists the PDFs too."""
    out = settings.paths.outputs
    pending.begin()
    pdfs = _print_documents([path for _kind, _template, path in singles], plans, progress)
    pending.end()
    printed = [name for pdf in pdfs if (name := _inside(out, pdf)) is not None]
    write_record(out, files=recorded_outputs(out) + printed, outputs=_shown(settings, out))
    return pdfs


# The build record: which files in outputs/ the last build wrote (the page serves and zips
# only these, and a later build replaces them without asking).
BUILD_RECORD = ".docgen-build.json"


def write_record(out: Path, files: list[str] | None = None, **extra) -> None:
    """Note ``files`` (default: every file now in ``out``, hidden ones apart) as the build's."""
    import json
    import secrets
    import time

    if files is None:
        files = [
            p.relative_to(out).as_posix()
            for p in out.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
        ]
    files = sorted(set(files))
    record = {
        "build": secrets.token_hex(6),
        "outputs": Path(out).name,
        "files": files,
        "report": None,
        "pdf": any(f.endswith(".pdf") for f in files),
        "time": time.time(),
        "stamps": stamps(out, files),
        **extra,
    }
    from docgen.output.files import write_bytes_atomic

    write_bytes_atomic(out / BUILD_RECORD, json.dumps(record, ensure_ascii=False).encode("utf-8"))


def stamps(folder: Path, files: list[str]) -> dict[str, list[int]]:
    """Size and modification time of each file: a file edited since the build is told apart."""
    found = {}
    for name in files:
        try:
            info = (Path(folder) / name).stat()
        except OSError:
            continue
        found[name] = [info.st_size, info.st_mtime_ns]
    return found


def _unchanged(out: Path, record: dict) -> set[str]:
    """The recorded files still as the build left them (a record without stamps: all)."""
    files = record["files"]
    noted = record.get("stamps")
    if not isinstance(noted, dict):
        return set(files)
    now = stamps(out, files)
    return {name for name in files if noted.get(name) == now.get(name)}


def read_record(out: Path) -> dict | None:
    """The build record in ``out``, its ``files`` reduced to those really there: names that
    stay inside ``out`` (no ``..``, no absolute path, no link leading out) of regular files."""
    import json

    try:
        record = json.loads((Path(out) / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    files = record.get("files")
    record["files"] = [
        name for name in (files if isinstance(files, list) else []) if output_path(out, name)
    ]
    return record


def recorded_outputs(out: Path) -> list[str]:
    record = read_record(out)
    return record["files"] if record else []


def output_path(out: Path, name: object) -> Path | None:
    """``out/name`` when ``name`` is a relative name of a regular file inside ``out``, else None."""
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        return None
    relative = Path(name)
    if relative.is_absolute() or relative.drive or ".." in relative.parts:
        return None
    path = Path(out) / relative
    try:
        path.resolve(strict=True).relative_to(Path(out).resolve(strict=True))
    except (OSError, ValueError, RuntimeError):
        return None
    return path if path.is_file() else None


def check_owned(staged: Path, out: Path) -> None:
    """Refuse (OutputExistsError, nothing moved) when the new set in ``staged`` would take the
    place of files in ``out`` that the last build did not write, or that were changed since:
    a secretary's own files, or her edits."""
    import os

    from docgen.errors import OutputExistsError
    from docgen.i18n import join

    record = read_record(out)
    owned = _unchanged(out, record) if record else set()
    found: list[str] = []
    for entry in sorted(Path(staged).iterdir()):
        target = Path(out) / entry.name
        if entry.name.startswith(".") or not os.path.lexists(target):
            continue
        if target.is_dir() and not target.is_symlink():
            found += [
                f.relative_to(out).as_posix()
                for f in sorted(target.rglob("*"))
                if not f.is_dir()
                and not any(part.startswith(".") for part in f.relative_to(target).parts)
                and f.relative_to(out).as_posix() not in owned
            ]
        elif entry.name not in owned:
            found.append(entry.name)
    if found:
        more = _("等 {n} 个文件").format(n=len(found)) if len(found) > 3 else ""
        raise OutputExistsError(
            _(
                "{files}{more} 不是 docgen 上次生成的文件，或生成后被改动过；为免覆盖，"
                "这次生成的文档没有放进 {folder}；请把这些文件移出该文件夹后再生成"
            ).format(files=join(found[:3]), more=more, folder=display_path(out))
        )


def _shown(settings: Settings, out: Path) -> str:
    try:
        return out.resolve().relative_to(Path(settings.root).resolve()).as_posix()
    except (ValueError, OSError):
        return str(out)


def _inside(out: Path, path: Path) -> str | None:
    """``path`` relative to ``out`` (with forward slashes) when it is a file there."""
    try:
        name = Path(path).resolve().relative_to(Path(out).resolve()).as_posix()
    except (ValueError, OSError):
        return None
    return name if Path(path).is_file() else None


def _top(out: Path, path: Path) -> str:
    return path.relative_to(out).parts[0]


def _rebased(plan, out: Path, staging: Path):
    import dataclasses

    return dataclasses.replace(
        plan,
        paths=[staging / p.relative_to(out) for p in plan.paths],
        combined=staging / plan.combined.relative_to(out) if plan.combined else None,
    )


def _confine(settings: Settings, out: Path, singles: list, plans: dict) -> None:
    """Every place a kind writes stays inside outputs/, links already there included."""
    from docgen.kinds.registry import confined_output

    for kind, _template, path in singles:
        confined_output(kind, out, path)
    for key, plan in plans.items():
        for path in plan.targets[:1] + ([plan.combined] if plan.combined else []):
            confined_output(settings.kinds[key], out, path)


def _written_lines(settings: Settings, plans: dict, workbook: Path, singles: list) -> list[Written]:
    lines = [Written(_("汇总表"), workbook)]
    lines += [Written(kind.label, path) for kind, _template, path in singles]
    for key, plan in plans.items():
        label = settings.kinds[key].label
        lines.append(Written(label, plan.paths[0].parent, len(plan.paths)))
        assert plan.combined is not None  # every batch of a build has its 合订本
        lines.append(Written(_("{name}合订本").format(name=label), plan.combined))
    return lines


def _write_documents(
    settings: Settings,
    inputs: Inputs,
    plans: dict,
    singles: list,
    progress,
    *,
    out: Path,
    pdf: bool = False,
) -> None:
    from docgen.figures import write_summary_workbook
    from docgen.kinds.summary import summary_context
    from docgen.output.batch import write_batch

    out.mkdir(parents=True, exist_ok=True)
    context = (
        summary_context(settings, inputs.consolidation, roster_counts(settings, inputs.rosters))
        if singles
        else {}
    )
    # 数据来源: the figures the summary prints, each with its cells
    write_summary_workbook(
        inputs.consolidation,
        out / SUMMARY_WORKBOOK,
        force=True,
        sources=context.get("数据来源") if context else None,
    )
    # The summary is fitted on a thread of its own (measured on printed pages whenever
    # LibreOffice is installed; with --pdf its trial prints go first to the build's printer),
    # while the batches are written and each is printed as soon as it is.
    fitted = _fit_ahead(singles, context) if context else {}
    for key, plan in plans.items():
        label = settings.kinds[key].label
        advance = progress(label, len(plan.paths) * 2) if progress else None
        write_batch(plan, progress=advance)
        if pdf:
            from docgen.output.batch import print_ahead

            print_ahead(plan)
    for _kind, template, path in singles:
        template.render_to(fitted[path].result() if path in fitted else context, path)


def _fit_ahead(singles: list, context: dict) -> dict:
    """The summary's fitting started on a thread: path → future of the context to render."""
    from concurrent.futures import ThreadPoolExecutor
    from contextvars import copy_context

    from docgen.gongwen.fitting import fit_summary

    pool = ThreadPoolExecutor(1, thread_name_prefix="docgen-fit")
    fits = {  # in this run's context: its trial prints go to the run's printer
        path: pool.submit(copy_context().run, fit_summary, template, context)
        for kind, template, path in singles
        if kind.context == "summary"
    }
    pool.shutdown(wait=False)  # the thread ends with its last fitting
    return fits


def _print_documents(singles: list[Path], plans: dict, progress) -> list[Path]:
    from docgen.output.batch import print_documents

    total = len(singles) + sum(len(plan.targets) for plan in plans.values())
    advance = progress("PDF", total) if progress else None
    return print_documents(singles, list(plans.values()), advance)
