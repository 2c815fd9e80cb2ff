"""One document per roster row, plus the combined print file and PDFs on request."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.errors import DocgenError, TemplateError, display_path
from docgen.i18n import _, join
from docgen.inputs.rosters import Roster
from docgen.output.files import NameAllocator, ensure_writable, move_into_place, staging_folder

if TYPE_CHECKING:
    from docgen.render.compile import CompiledTemplate

_FIELD = re.compile(r"\{([^{}]*)\}")


class NamePatternError(DocgenError):
    """Raised when a --name pattern refers to a column the roster does not have."""


@dataclass
class BatchResult:
    """What a batch wrote."""

    files: list[Path]
    combined: Path | None = None
    pdfs: list[Path] = field(default_factory=list)

    @property
    def records(self) -> int:
        return len(self.files)


# The field a name pattern may use for the record's number (1, 2, …) when no column has it.
NUMBER_FIELD = "序号"
_INTERNAL = ("_row", "_dir")  # keys docgen adds to a record's context


def pattern_fields(pattern: str) -> list[str]:
    return [name.strip() for name in _FIELD.findall(pattern)]


def _lookup(record: dict, field: str, number: int | None) -> object:
    """``单位`` or ``客户.名称`` (a key of an object in a .json record) or ``序号``."""
    if field == NUMBER_FIELD and field not in record and number is not None:
        return number
    value: object = record
    for key in field.split(".") if field not in record else [field]:
        value = value.get(key, "") if isinstance(value, dict) else ""
    return value


def format_name(pattern: str, record: dict, number: int | None = None) -> str:
    """``{学校}-{学生姓名}`` filled from a record: columns, ``{客户.名称}`` for a key of an object
    in a .json record, ``{序号}`` for the record's number.  Raises ``NamePatternError`` for a
    field whose value is an object or a list."""

    def fill(m: re.Match) -> str:
        field = m.group(1).strip()
        value = _lookup(record, field, number)
        if isinstance(value, (dict, list, tuple)):
            raise NamePatternError(
                _(
                    "文件名格式“{pattern}”中的 {{{field}}} 在{record}是一组数据（{what}），"
                    "不能作文件名"
                ).format(
                    pattern=pattern,
                    field=field,
                    record=_("第 {n} 条记录").format(n=number) if number else _("数据中"),
                    what=_("对象") if isinstance(value, dict) else _("列表"),
                )
                + _("；可以用 {{{field}.名称}} 这样的写法取其中的一项").format(field=field)
            )
        return _plain(value)

    return _FIELD.sub(fill, pattern)


def _plain(value: object) -> str:
    """A cell value as a piece of a file name: dates as 2022-03-01, 3.0 as 3."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def check_pattern(pattern: str, columns: list[str], roster: Roster) -> None:
    columns = [c for c in columns if c not in _INTERNAL]
    known = {*columns, NUMBER_FIELD}
    unknown = [
        name
        for name in pattern_fields(pattern)
        if name not in known and name.split(".")[0] not in known
    ]
    if unknown:
        raise NamePatternError(
            _(
                "文件名格式“{pattern}”用到的列 {names} 在名册 {file} 中没有；可用的列：{columns}"
            ).format(
                pattern=pattern,
                names=join(unknown),
                file=display_path(roster.path),
                columns=join(columns) or _("（没有）"),
            )
        )


def default_pattern(roster: Roster, stem: str = "") -> str:
    """Files named by the first required column, or the first one holding plain values
    (a .json file's nested lists make no file name); with none, ``stem`` (the template's
    name) and the record's number."""
    if roster.required:
        return "{" + roster.required[0] + "}"
    first = roster.records[0] if roster.records else {}
    plain = [c for c in roster.columns if not isinstance(first.get(c), (dict, list, tuple))]
    if plain:
        return "{" + plain[0] + "}"
    return f"{stem or _('文档')}-{{{NUMBER_FIELD}}}"


def record_contexts(roster: Roster, build: Callable[[dict], dict] | None = None) -> list[dict]:
    """The context of each record: its columns (plus what ``build`` adds), ``_row`` (the
    roster's row; a .json file's records have none) and the roster's folder, where a
    picture's relative path starts."""
    from docgen.render.sandbox import BASE_DIR

    folder = str(Path(roster.path).parent.resolve())
    rows: list[int | None] = list(roster.rows) or [None] * len(roster.records)
    contexts = []
    for record, row in zip(roster.records, rows, strict=True):
        context = build(record) if build else dict(record)
        if row is not None:
            context["_row"] = row
        context[BASE_DIR] = folder
        contexts.append(context)
    return contexts


def check_variables(template, contexts: list[dict], roster: Roster, strict: bool = False) -> None:
    """Refuse before rendering anything when the template needs a variable the first record
    does not supply: one it uses unguarded (``{{ x }}``, not ``{{ x|default("…") }}`` or
    ``{% if x %}``), or, ``strict``, any it uses."""
    if not contexts:
        raise TemplateError(
            _("名册 {file} 没有数据行，没有可生成的文档").format(file=display_path(roster.path)),
            hint=_("请在表头下方逐行填写"),
        )
    needed = template.variables() if strict else template.required_variables()
    missing = sorted(needed - set(contexts[0]))
    if missing:
        raise TemplateError(
            _("模板用到的变量 {names} 在名册 {file} 中没有对应的列").format(
                names=join(f"“{m}”" for m in missing), file=display_path(roster.path)
            ),
            template=template.path,
            hint=_("名册的列有：{columns}；请在名册中加上这一列，或在模板中改用已有的列名").format(
                columns=join(roster.columns) or _("（没有）")
            ),
        )


@dataclass
class BatchPlan:
    """A batch checked and named, ready to write: nothing has been written yet."""

    template: CompiledTemplate
    contexts: list[dict]
    paths: list[Path]
    combined: Path | None = None

    @property
    def targets(self) -> list[Path]:
        return self.paths + ([self.combined] if self.combined else [])


def plan_batch(
    template,
    roster: Roster,
    outdir: Path,
    *,
    name_pattern: str,
    context: Callable[[dict], dict] | None = None,
    combined: Path | None = None,
    strict: bool = False,
) -> BatchPlan:
    """Check the template's variables and the name pattern against the roster and give every
    record its file name; raises before anything is written."""
    contexts = record_contexts(roster, context)
    check_pattern(name_pattern, list(contexts[0]) if contexts else roster.columns, roster)
    check_variables(template, contexts, roster, strict)
    allocator = NameAllocator(Path(outdir), ".docx")
    paths = [
        allocator.allocate(format_name(name_pattern, c, number))
        for number, c in enumerate(contexts, start=1)
    ]
    return BatchPlan(template, contexts, paths, Path(combined) if combined else None)


def write_batch(plan: BatchPlan, progress: Callable[[int], None] | None = None) -> BatchResult:
    """Render a planned batch.

    Everything is written to a staging folder first and moved into place only when the whole
    batch, combined file included, has succeeded: a failed batch leaves nothing behind.
    """
    from docgen.render.combined import render_combined
    from docgen.render.pool import render_batch

    outdir = plan.paths[0].parent
    with staging_folder(outdir) as staging:
        staged = [staging / p.name for p in plan.paths]
        render_batch(plan.template, plan.contexts, staged, progress=progress)
        moves = list(zip(staged, plan.paths, strict=True))
        if plan.combined:
            staged_combined = staging / ".combined" / plan.combined.name
            render_combined(plan.template, plan.contexts, staged_combined, progress=progress)
            moves.append((staged_combined, plan.combined))
        move_all_into_place(moves)
    return BatchResult(files=plan.paths, combined=plan.combined)


def move_all_into_place(moves: list[tuple[Path, Path]]) -> None:
    """Move finished files to their places, making missing folders as ``-o`` does.

    All or nothing: when one move fails, the files already moved and the folders made are
    taken away again and the error names the target, not the staging folder.
    """
    moved: list[Path] = []
    made: list[Path] = []
    try:
        for source, target in moves:
            missing = [f for f in (target.parent, *target.parent.parents) if not f.exists()]
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                made += reversed(missing)
                existed = target.exists()
                move_into_place(source, target)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(target)) from None
            if not existed:
                moved.append(target)
    except BaseException:
        for target in moved:
            target.unlink(missing_ok=True)
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise


def pdf_targets(paths: list[Path]) -> list[Path]:
    return [p.with_suffix(".pdf") for p in paths]


def needs_pdf(docx: Path) -> bool:
    """No PDF beside ``docx`` yet, or one older than it (or left incomplete)."""
    from docgen.output.pdf import is_complete_pdf

    target = docx.with_suffix(".pdf")
    try:
        return target.stat().st_mtime_ns < docx.stat().st_mtime_ns or not is_complete_pdf(target)
    except OSError:
        return True


def queue_batch(printer, plan: BatchPlan, progress: Callable[[int], None] | None = None):
    """Queue a written batch's PDFs on ``printer``: its records whose PDF is missing or older
    than their .docx (so a run that was interrupted carries on where it stopped), and its
    combined PDF, joined from the records' chunks.  Returns the ``Order``."""
    from docgen.output.pdf import queue_records

    todo = [i for i, path in enumerate(plan.paths) if needs_pdf(path)]
    combined = plan.combined if plan.combined and needs_pdf(plan.combined) else None
    skipped = len(plan.paths) - len(todo) + (1 if plan.combined and not combined else 0)
    if progress and skipped:
        progress(skipped)
    return queue_records(
        printer,
        plan.template,
        plan.contexts,
        plan.paths,
        needed=todo,
        combined=combined,
        progress=progress,
    )


class _Relay:
    """A progress callback that holds its counts until the real one is attached."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._target: Callable[[int], None] | None = None
        self._held = 0

    def __call__(self, n: int) -> None:
        with self._lock:
            if self._target is None:
                self._held += n
                return
        self._target(n)

    def attach(self, target: Callable[[int], None] | None) -> None:
        with self._lock:
            self._target, held = target, self._held
        if target and held:
            target(held)


def print_ahead(plan: BatchPlan) -> None:
    """Queue a just-written batch's PDFs on the run's printer, so LibreOffice prints them
    while the rest is written; ``print_documents`` then waits for them.  Nothing without a
    printer or without LibreOffice (the Word files are written all the same)."""
    from docgen.output.pdf import active

    printer = active()
    if printer is None or not printer.soffice:
        return
    relay = _Relay()
    printer.ahead[id(plan)] = (queue_batch(printer, plan, relay), relay)


def print_batch(plan: BatchPlan, progress: Callable[[int], None] | None = None) -> list[Path]:
    """PDFs of a written batch: its records and its combined file (see ``queue_batch``),
    through the run's printer or one of its own."""
    return print_documents([], [plan], progress)


def print_documents(
    singles: list[Path], plans: list[BatchPlan], progress: Callable[[int], None] | None = None
) -> list[Path]:
    """Every PDF of a run through one printer: the single documents (each converted on its
    own) and the batches, largest first.  Only what is missing or older than its .docx is
    converted.  Raises one ConversionError for everything that failed, after the good PDFs
    are in place."""
    from docgen.errors import ConversionError
    from docgen.output.pdf import Printer, active, queue_files

    printer = active()
    if printer is None:
        with Printer():
            return print_documents(singles, plans, progress)
    todo = [single for single in singles if needs_pdf(single)]
    if progress and len(todo) < len(singles):
        progress(len(singles) - len(todo))
    orders = [queue_files(printer, todo, progress)] if todo else []
    for plan in sorted(plans, key=lambda plan: -len(plan.paths)):
        ahead = printer.ahead.pop(id(plan), None)
        if ahead:
            order, relay = ahead
            relay.attach(progress)
            orders.append(order)
        else:
            orders.append(queue_batch(printer, plan, progress))
    failed: list[tuple[Path, str]] = []
    written: list[Path] = []
    sources: list[Path] = []
    for order in orders:
        sources += order.sources
        try:
            written += order.result()
        except ConversionError as error:
            failed += error.failed
            written += error.converted
    if failed:
        from docgen.output.pdf import raise_failures

        raise_failures(sources, failed, written)
    return pdf_targets(singles) + [pdf for plan in plans for pdf in pdf_targets(plan.targets)]


class PendingPrint:
    """A note in the output folder that a --pdf run wrote its Word files and is converting.

    It names what was written by a fingerprint of the templates and records.  When the run
    is interrupted, the note stays, and the same command run again does not write the Word
    files again (nor asks for --force): it converts what is still missing.
    """

    NAME = ".docgen-pdf-pending.json"

    def __init__(self, folder: Path, fingerprint: str):
        self.path = Path(folder) / self.NAME
        self.fingerprint = fingerprint

    def matches(self, targets: list[Path]) -> bool:
        """An interrupted run of exactly this job left its Word files here."""
        import json

        try:
            noted = json.loads(self.path.read_text(encoding="utf-8")).get("fingerprint")
        except (OSError, ValueError, AttributeError):
            return False
        return noted == self.fingerprint and all(p.is_file() for p in targets)

    def begin(self) -> None:
        import json

        from docgen.output.files import write_bytes_atomic

        write_bytes_atomic(self.path, json.dumps({"fingerprint": self.fingerprint}).encode())

    def end(self) -> None:
        self.path.unlink(missing_ok=True)


def fingerprint(*plans: BatchPlan, extra: object = None) -> str:
    """What a set of batches writes, in one hash: templates, records, file names."""
    import hashlib
    import json

    digest = hashlib.sha256()
    for plan in plans:
        digest.update(plan.template._source)
        digest.update(json.dumps(plan.contexts, sort_keys=True, default=str).encode())
        digest.update("\0".join(str(p.resolve()) for p in plan.targets).encode())
    digest.update(repr(extra).encode())
    return digest.hexdigest()


def run_batch(
    template,
    roster: Roster,
    outdir: Path,
    *,
    name_pattern: str,
    context: Callable[[dict], dict] | None = None,
    combined: Path | None = None,
    force: bool = False,
    pdf: bool = False,
    progress: Callable[[int], None] | None = None,
    strict: bool = False,
) -> BatchResult:
    """Render one file per roster row into ``outdir`` (and the combined file, and PDFs).

    Everything is checked before the first file is written: the template's variables against
    the roster, the name pattern, and that no output exists (unless ``force``).
    """
    plan = plan_batch(
        template,
        roster,
        outdir,
        name_pattern=name_pattern,
        context=context,
        combined=combined,
        strict=strict,
    )
    pending = PendingPrint(outdir, fingerprint(plan))
    if pdf and not force and pending.matches(plan.targets):
        result = BatchResult(files=plan.paths, combined=plan.combined)
        if progress:
            progress(len(plan.targets))
    else:
        ensure_writable(plan.targets + (pdf_targets(plan.targets) if pdf else []), force)
        result = write_batch(plan, progress=progress)
    if pdf:
        # the Word files stay written even when LibreOffice is missing or fails
        pending.begin()
        result.pdfs = print_batch(plan)
        pending.end()
    return result
