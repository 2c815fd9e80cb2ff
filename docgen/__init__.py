"""docgen: 把乡镇收集的 Excel 统计表和名册变成规范公文 (GB/T 9704-2012).

The Python API: what the command line and the web page call.  Each function takes paths (and
``config``: a docgen.toml path, :class:`~docgen.config.Settings` already read, or ``None`` for
./docgen.toml), writes or checks files, returns what it did, and prints nothing.  Bad input
raises a :class:`~docgen.errors.DocgenError` naming the file, sheet and cell (or line) and
what to do; nothing is written then.

    >>> import docgen
    >>> docgen.init("青山镇")                                  # doctest: +SKIP
    >>> report = docgen.build("青山镇/docgen.toml")            # doctest: +SKIP
    >>> [line.label for line in report.written]               # doctest: +SKIP
    ['汇总表', '工作总结', '安全生产责任书', '安全生产责任书合订本', …]

``progress``, where taken, is ``start(label, total)`` returning ``advance(n=1)``: a bar per
stage.  Importing docgen is cheap; each function imports what it needs when called.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from docgen.config import Settings
    from docgen.errors import Problem
    from docgen.figures import Consolidation
    from docgen.gongwen.formatting import FormatReport
    from docgen.gongwen.lint import Checked
    from docgen.inputs.checking import CheckStats
    from docgen.kinds.documents import TemplateCheck
    from docgen.kinds.registry import Kind
    from docgen.output.batch import BatchResult
    from docgen.workspace import BuildReport, Inputs

Progress = Callable[[str, int], Callable[..., None]]

__all__ = [
    "init",
    "load_settings",
    "build",
    "check",
    "collect",
    "forms",
    "summary",
    "render",
    "render_kind",
    "check_template",
    "lint",
    "format",
]


def load_settings(config: str | Path | Settings | None = None) -> Settings:
    """The workspace's settings: docgen.toml at ``config`` (./docgen.toml when None, defaults
    when there is none), checked key by key, with the workspace's own kinds."""
    from docgen.config import Settings, load

    if isinstance(config, Settings):
        return config
    return load(config)


def init(directory: str | Path, *, town: str | None = None, force: bool = False) -> list[Path]:
    """Make a workspace: docgen.toml, templates/, inputs/ (the demo town's data), outputs/.

    ``town`` (or a folder named …镇, …乡, …街道) becomes the issuer and the summary's title.
    Returns the files written."""
    from docgen.workspace import init_workspace

    return init_workspace(Path(directory), force=force, town=town)


def build(
    config: str | Path | Settings | None = None,
    *,
    force: bool = False,
    pdf: bool | None = None,
    progress: Progress | None = None,
    read: tuple[Inputs, list[str]] | None = None,
) -> BuildReport:
    """Check every input, then write the 汇总表, the summary and every batch into outputs/.

    ``pdf`` None follows docgen.toml's ``[output] pdf``; ``read`` is what
    ``docgen.workspace.read_inputs`` returned, when the caller read the inputs already.
    Returns the report: what was written, the consolidation, warnings, rosters skipped, PDFs."""
    from docgen.workspace import build as build_workspace

    settings = load_settings(config)
    return build_workspace(settings, force=force, pdf=pdf, progress=progress, read=read)


def check(
    paths: Iterable[str | Path] = (), *, config: str | Path | Settings | None = None
) -> tuple[list[Problem], CheckStats]:
    """Check tallies and rosters (files or folders; the workspace's inputs when none given).

    Returns every problem (errors and warnings, each with file, sheet and cell) and counts."""
    from docgen.inputs.checking import check_paths
    from docgen.kinds.documents import settings_warnings

    settings = load_settings(config)
    given = [Path(p) for p in paths]
    if not given:
        given = [settings.paths.tallies, *settings.paths.rosters.values()]
        given = [p for p in given if p.exists()]
    problems, stats = check_paths(given, settings.kinds)
    return problems + settings_warnings(settings, given), stats


def collect(
    tallies: str | Path | None = None,
    *,
    output: str | Path | None = None,
    config: str | Path | Settings | None = None,
    force: bool = False,
) -> Consolidation:
    """Add up the tallies in ``tallies`` (the workspace's folder when None) by sector, metric,
    unit and year; write the 汇总表 with its formulas to ``output`` when given."""
    from docgen.figures import collect as consolidate
    from docgen.figures import write_summary_workbook

    folder = Path(tallies) if tallies is not None else load_settings(config).paths.tallies
    consolidation = consolidate([folder])
    if output is not None:
        write_summary_workbook(consolidation, Path(output), force=force)
    return consolidation


def forms(
    directory: str | Path, *, config: str | Path | Settings | None = None, force: bool = False
) -> list[Path]:
    """Write the blank forms sent to the villages: the tally and one roster per batch kind."""
    from docgen.inputs.forms import write_forms

    settings = load_settings(config)
    return write_forms(
        Path(directory), force=force, kinds=settings.kinds, expected=settings.expected
    )


def summary(
    output: str | Path,
    *,
    config: str | Path | Settings | None = None,
    tallies: str | Path | None = None,
    pdf: bool = False,
    force: bool = False,
) -> BuildReport:
    """Write the summary report (GB/T 9704) to ``output`` from the tallies (``tallies``, or the
    workspace's folder) and the rosters' row counts; its PDF beside it when ``pdf``."""
    import dataclasses

    from docgen.workspace import BuildReport, Written, read_inputs, roster_counts, write_summary

    settings = load_settings(config)
    if tallies is not None:
        paths = dataclasses.replace(settings.paths, tallies=Path(tallies))
        settings = dataclasses.replace(settings, paths=paths)
    inputs, skipped = read_inputs(settings)
    output = Path(output)
    counts = roster_counts(settings, inputs.rosters)
    pdfs = write_summary(settings, inputs.consolidation, counts, output, force=force, pdf=pdf)
    return BuildReport(
        consolidation=inputs.consolidation,
        written=[Written(settings.kinds["summary"].label, output)],
        warnings=[p for p in inputs.consolidation.problems + counts.problems if not p.is_error],
        skipped=skipped,
        pdfs=pdfs,
    )


def render(
    template: str | Path,
    data: str | Path,
    output: str | Path,
    *,
    name: str | None = None,
    sheet: str | None = None,
    combined: str | Path | None = None,
    pdf: bool = False,
    force: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
) -> BatchResult:
    """Mail merge: one file per row of ``data`` (a roster .xlsx, or .json) from any Word
    template, into the folder ``output``.

    ``name`` makes file names from columns (``"{单位名称}-通知"``); ``combined`` also writes
    every record into one file, each on a new page.  ``strict`` asks every variable the
    template uses of the data, even those it guards with ``default`` or ``if``."""
    return _render_batch(
        Path(template),
        Path(data),
        Path(output),
        name=name,
        sheet=sheet,
        combined=combined,
        pdf=pdf,
        force=force,
        progress=progress,
        strict=strict,
    )


def render_kind(
    kind: str,
    data: str | Path,
    output: str | Path,
    *,
    config: str | Path | Settings | None = None,
    sheet: str | None = None,
    combined: str | Path | None = None,
    pdf: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> BatchResult:
    """One batch kind (``"agreements"``, a workspace's own …) from a roster: its template (the
    workspace's copy when there is one), its file names and what it adds to each record."""
    from docgen.kinds.documents import record_context
    from docgen.kinds.templates import template_for

    settings = load_settings(config)
    declared = settings.kinds[kind]
    return _render_batch(
        template_for(settings, declared),
        Path(data),
        Path(output),
        kind=declared,
        name=declared.output_name or None,
        sheet=sheet,
        combined=combined,
        pdf=pdf,
        force=force,
        progress=progress,
        context=lambda record: record_context(declared, record, settings),
    )


def _render_batch(
    template: Path,
    data: Path,
    output: Path,
    *,
    kind: Kind | None = None,
    name: str | None,
    sheet: str | None,
    combined: str | Path | None,
    pdf: bool,
    force: bool,
    progress: Progress | None,
    context: Callable[[dict], dict] | None = None,
    strict: bool = False,
) -> BatchResult:
    from docgen.i18n import _
    from docgen.inputs.rosters import read_records
    from docgen.kinds.documents import load_template
    from docgen.output.batch import default_pattern, run_batch

    roster = read_records(data, sheet=sheet, kind=kind)
    compiled = load_template(template, kind)
    total = len(roster.records) * (2 if combined else 1)
    return run_batch(
        compiled,
        roster,
        output,
        name_pattern=name or default_pattern(roster, template.stem),
        context=context,
        combined=Path(combined) if combined else None,
        force=force,
        pdf=pdf,
        progress=progress(_("正在生成"), total) if progress else None,
        strict=strict,
    )


def check_template(
    template: str | Path,
    roster: str | Path,
    *,
    config: str | Path | Settings | None = None,
    sheet: str | None = None,
) -> TemplateCheck:
    """Does ``roster`` give every variable ``template`` uses?  The result lists the variables,
    the roster's columns and rows, and the ``missing`` ones."""
    from docgen.kinds.documents import check_template as check_against

    return check_against(Path(template), Path(roster), load_settings(config), sheet=sheet)


def lint(files: Iterable[str | Path], *, pages: bool = True) -> dict[Path, Checked]:
    """Check Word files against GB/T 9704, paragraph by paragraph; with ``pages`` (and
    LibreOffice installed) also the printed signature page.  A form (表单) is said to be one,
    not checked.  Returns each file's findings."""
    from docgen.gongwen.lint import check_files

    return check_files([Path(f) for f in files], pages=pages)


def format(draft: str | Path, output: str | Path, *, force: bool = False) -> FormatReport:
    """Lay out a hand-typed draft as a 公文 into ``output``: parts recognised, the summary's
    styles applied, the wording untouched (half-width brackets and colons made full-width).
    Returns what was recognised and changed, and lint's findings on the result."""
    from docgen.gongwen.formatting import format_file

    return format_file(Path(draft), Path(output), force=force)


# ``docgen.render`` is also the rendering package (docgen/render/): importing it must not
# replace the function above, so the package module is made callable as the function.
class _Api(types.ModuleType):
    def __setattr__(self, name: str, value: object) -> None:
        if name == "render" and isinstance(value, types.ModuleType):
            value.__class__ = _CallableRender
        super().__setattr__(name, value)


class _CallableRender(types.ModuleType):
    def __call__(self, *args, **kwargs):
        return _render_function(*args, **kwargs)


_render_function = render
sys.modules[__name__].__class__ = _Api
