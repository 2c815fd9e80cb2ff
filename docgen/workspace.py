"""The workspace jobs: ``init`` a fresh one, ``build`` everything from one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.config import Settings
from docgen.errors import DataError, Problem, display_path
from docgen.i18n import _
from docgen.output.files import atomic_path, ensure_writable

if TYPE_CHECKING:
    from docgen.inputs.rosters import Roster
    from docgen.inputs.tallies import Consolidation

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


def totals_line(consolidation) -> str:
    """The campaign in one line, to compare with what the villages reported."""
    from docgen.render.filters import percent

    total = consolidation.metric_total
    rate = consolidation.rectification_rate()
    # 检查次数 tallied as units inspected (检查单位数（家）) are told apart from inspections
    inspected = sum(consolidation.units_inspected.values())
    checks = _("检查 {checks} 次").format(checks=total("检查次数") - inspected)
    if inspected:
        checks += _("、检查单位 {units} 家").format(units=inspected)
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
    from docgen.inputs.rosters import read_roster
    from docgen.inputs.tallies import read_tallies
    from docgen.inputs.workbook import input_files

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
    consolidation = read_tallies(input_files([tally_dir]))
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
        except DataError as exc:
            problems += exc.problems
    if any(p.is_error for p in problems):
        raise DataError(problems)
    return Inputs(consolidation, rosters), skipped


def roster_counts(settings: Settings, rosters: dict):
    """The rosters' row counts under the summary variables their kinds name, and the hazard
    points by 类型 as written."""
    from docgen.kinds.summary import RosterCounts

    rows = {}
    by_type: Counter[str] = Counter()
    for key, roster in rosters.items():
        kind = settings.kinds.get(key)
        if kind and kind.roster and kind.roster.count:
            rows[kind.roster.count] = len(roster.records)
        if kind and kind.context == "notices":
            by_type.update(str(r.get("类型", "")).strip() for r in roster.records)
    return RosterCounts(rows=rows, hazards_by_type=dict(by_type))


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
    from docgen.kinds.summary import summary_context
    from docgen.kinds.templates import template_for
    from docgen.render.engine import CompiledTemplate

    targets = [path] + ([path.with_suffix(".pdf")] if pdf else [])
    ensure_writable(targets, force)
    template = template or CompiledTemplate.load(template_for(settings, settings.kinds["summary"]))
    context = summary_context(settings, consolidation, counts)
    if pdf:
        from docgen.gongwen.fitting import fit_summary

        context = fit_summary(template, context)  # measured on the printed pages
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
    from docgen.kinds.documents import record_context
    from docgen.kinds.templates import template_for
    from docgen.output.batch import (
        PendingPrint,
        default_pattern,
        fingerprint,
        pdf_targets,
        plan_batch,
    )
    from docgen.render.engine import CompiledTemplate

    pdf = settings.pdf if pdf is None else pdf
    inputs, skipped = read or read_inputs(settings)
    report = BuildReport(consolidation=inputs.consolidation, skipped=skipped)
    report.warnings = [p for p in inputs.consolidation.problems if not p.is_error]
    out = settings.paths.outputs

    # Every template is compiled, every batch planned and every target checked before the
    # first file is written.
    singles = [
        (kind, CompiledTemplate.load(template_for(settings, kind)), out / kind.output_file)
        for kind in settings.kinds.singles
    ]
    plans = {}
    for key, roster in inputs.rosters.items():
        spec = settings.kinds[key]
        plans[key] = plan_batch(
            CompiledTemplate.load(template_for(settings, spec)),
            roster,
            out / spec.output_folder,
            name_pattern=spec.output_name or default_pattern(roster),
            context=partial(record_context, spec, settings=settings),
            combined=out / spec.combined_name,
        )
    documents = [path for _kind, _template, path in singles]
    documents += [path for plan in plans.values() for path in plan.targets]
    targets = [out / SUMMARY_WORKBOOK] + documents
    pending = PendingPrint(
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
    resuming = bool(pdf) and not force and pending.matches(targets)
    if not resuming:
        ensure_writable(targets + (pdf_targets(documents) if pdf else []), force)
        _write_documents(settings, inputs, plans, singles, progress, pdf=bool(pdf))
    report.written += _written_lines(settings, plans, out / SUMMARY_WORKBOOK, singles)

    if pdf:
        # after every Word file is safely written; an interrupted run resumes here
        pending.begin()
        report.pdfs = _print_documents(
            [path for _kind, _template, path in singles], plans, progress
        )
        pending.end()
    return report


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
    settings: Settings, inputs: Inputs, plans: dict, singles: list, progress, pdf: bool = False
) -> None:
    from docgen.inputs.tallies import write_summary_workbook
    from docgen.kinds.summary import summary_context
    from docgen.output.batch import write_batch

    out = settings.paths.outputs
    out.mkdir(parents=True, exist_ok=True)
    write_summary_workbook(inputs.consolidation, out / SUMMARY_WORKBOOK, force=True)
    context = (
        summary_context(settings, inputs.consolidation, roster_counts(settings, inputs.rosters))
        if singles
        else {}
    )
    # With --pdf, the summary is fitted on a thread of its own (its trial prints go first to
    # LibreOffice), while the batches are written and each is printed as soon as it is.
    fitted = _fit_ahead(singles, context) if pdf else {}
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
