"""The workspace jobs: ``init`` a fresh one, ``build`` everything from one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docgen.config import Settings
from docgen.errors import DataError, Problem, display_path
from docgen.files import ensure_writable
from docgen.i18n import _

SUMMARY_WORKBOOK = "汇总表.xlsx"
SUMMARY_DOCUMENT = "工作总结.docx"


def combined_name(folder: str) -> str:
    return f"{folder}（合订本）.docx"


@dataclass
class Written:
    """One line of the build report."""

    label: str
    path: Path
    count: int = 1


@dataclass
class BuildReport:
    consolidation: object = None
    written: list[Written] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)


def totals_line(consolidation) -> str:
    """The campaign in one line, to compare with what the villages reported."""
    from docgen.filters import percent

    total = consolidation.metric_total
    rate = consolidation.rectification_rate()
    return _("合计：{units} 个填报单位，检查 {checks} 次，排查隐患 {found} 处，整改 {fixed} 处"
             "（整改率 {rate}），查处违章 {violations} 人次。").format(
        units=len(consolidation.units), checks=total("检查次数"), found=total("排查隐患"),
        fixed=total("整改隐患"), rate=percent(rate) if rate is not None else "—",
        violations=total("查处违章"))


def init_workspace(directory: Path, force: bool = False) -> list[Path]:
    """A ready workspace: docgen.toml, templates/, inputs/ with the demo town, outputs/."""
    from docgen import builtin, demo
    from docgen.config import load

    directory = Path(directory)
    config = directory / "docgen.toml"
    templates = directory / "templates"
    ensure_writable(
        [config, *demo.demo_input_paths(directory), *(templates / n for n in builtin.TEMPLATES.values())],
        force,
    )
    directory.mkdir(parents=True, exist_ok=True)
    demo.write_config(config)
    written = [config, *demo.write_demo_inputs(directory, force=True)]
    # the signature block is placed for the issuer named in the new docgen.toml
    written += builtin.write_templates(templates, force=True, issuer=load(config).issuer.name)
    (directory / "outputs").mkdir(exist_ok=True)
    return written


@dataclass
class Inputs:
    """Everything read and checked from a workspace, before anything is written."""

    consolidation: object
    rosters: dict  # kind → Roster, only those present


def read_inputs(settings: Settings) -> tuple[Inputs, list[str]]:
    """Read the tallies and the three rosters; raise DataError with every problem of all of them."""
    from docgen.rosters import read_roster
    from docgen.tallies import read_tallies
    from docgen.workbook import input_files

    problems: list[Problem] = []
    skipped: list[str] = []
    tally_dir = settings.paths.tallies
    if not tally_dir.exists():
        raise DataError(
            [
                Problem(
                    _("找不到统计表文件夹"),
                    file=display_path(tally_dir),
                    hint=_("请把各村、各单位交回的统计表放进这个文件夹，或在 docgen.toml 的 [paths] tallies 中改成实际位置"),
                )
            ]
        )
    consolidation = read_tallies(input_files([tally_dir]))
    problems += consolidation.problems

    rosters = {}
    for kind, path in (
        ("agreements", settings.paths.units),
        ("notices", settings.paths.hazards),
        ("letters", settings.paths.students),
    ):
        if not path.exists():
            skipped.append(
                _("未找到名册 {file}，跳过这一批文档").format(file=display_path(path))
            )
            continue
        try:
            rosters[kind] = read_roster(path, kind=kind)
        except DataError as exc:
            problems += exc.problems
    if any(p.is_error for p in problems):
        raise DataError(problems)
    return Inputs(consolidation, rosters), skipped


def roster_counts(rosters: dict):
    from docgen.summary import RosterCounts

    hazards = rosters.get("notices")
    by_type = Counter(str(r.get("类型", "")).strip() for r in hazards.records) if hazards else Counter()
    return RosterCounts(
        agreements=len(rosters["agreements"].records) if "agreements" in rosters else 0,
        letters=len(rosters["letters"].records) if "letters" in rosters else 0,
        hazards_by_type=dict(by_type),
    )


def template_for(settings: Settings, kind: str) -> Path:
    from docgen.builtin import builtin_template_path

    return builtin_template_path(kind, settings.paths.templates, settings.issuer.name)


def write_summary(
    settings: Settings,
    consolidation,
    counts,
    path: Path,
    force: bool = False,
    pdf: bool = False,
    template=None,
) -> list[Path]:
    """The formal summary report (and its PDF on request)."""
    from docgen.engine import CompiledTemplate
    from docgen.summary import summary_context

    targets = [path] + ([path.with_suffix(".pdf")] if pdf else [])
    ensure_writable(targets, force)
    template = template or CompiledTemplate.load(template_for(settings, "summary"))
    template.render_to(summary_context(settings, consolidation, counts), path)
    if pdf:
        from docgen.pdf import convert_to_pdf

        return convert_to_pdf([path], force=True)
    return []


def build(
    settings: Settings,
    *,
    force: bool = False,
    pdf: bool | None = None,
    progress: Callable[[str, int], Callable[[int], None]] | None = None,
    inputs: tuple[Inputs, list[str]] | None = None,
) -> BuildReport:
    """Check, consolidate, write the summary and the three batches into the outputs folder.

    ``progress(label, total)`` returns a callback advanced as records are written.
    ``inputs`` is what ``read_inputs(settings)`` returned, when the caller has read them already.
    """
    from docgen.batch import pdf_targets, plan_batch, write_batch
    from docgen.documents import KINDS
    from docgen.engine import CompiledTemplate
    from docgen.tallies import write_summary_workbook

    pdf = settings.pdf if pdf is None else pdf
    inputs, skipped = inputs or read_inputs(settings)
    report = BuildReport(consolidation=inputs.consolidation, skipped=skipped)
    report.warnings = [p for p in inputs.consolidation.problems if not p.is_error]
    out = settings.paths.outputs

    # Every template is compiled, every batch planned and every target checked before the
    # first file is written.
    summary_template = CompiledTemplate.load(template_for(settings, "summary"))
    plans = {}
    for kind, roster in inputs.rosters.items():
        spec = KINDS[kind]
        plans[kind] = plan_batch(
            CompiledTemplate.load(template_for(settings, kind)),
            roster,
            out / spec.folder,
            name_pattern=spec.name_pattern,
            context=lambda record, spec=spec: spec.context(record, settings),
            combined=out / combined_name(spec.folder),
        )
    summary_path = out / SUMMARY_DOCUMENT
    documents = [summary_path] + [path for plan in plans.values() for path in plan.targets]
    targets = [out / SUMMARY_WORKBOOK] + documents
    ensure_writable(targets + (pdf_targets(documents) if pdf else []), force)

    out.mkdir(parents=True, exist_ok=True)
    workbook = write_summary_workbook(inputs.consolidation, out / SUMMARY_WORKBOOK, force=True)
    report.written.append(Written(_("汇总表"), workbook))
    write_summary(settings, inputs.consolidation, roster_counts(inputs.rosters), summary_path,
                  force=True, template=summary_template)
    report.written.append(Written(_("工作总结"), summary_path))

    for kind, plan in plans.items():
        folder = KINDS[kind].folder
        advance = progress(folder, len(plan.paths) * 2) if progress else None
        result = write_batch(plan, progress=advance)
        report.written.append(Written(folder, plan.paths[0].parent, result.records))
        report.written.append(Written(_("{name}合订本").format(name=folder), plan.combined))

    if pdf:
        # one LibreOffice run for everything, after every Word file is safely written
        from docgen.pdf import convert_to_pdf

        advance = progress("PDF", len(documents)) if progress else None
        report.pdfs = convert_to_pdf(documents, force=True, progress=advance)
    return report
