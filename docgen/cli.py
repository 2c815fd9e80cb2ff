"""docgen's command line: parse, call the library, report.  Nothing else lives here."""

from __future__ import annotations

import inspect
import json
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from docgen import __version__
from docgen.errors import DataError, DocgenError, describe_os_error, display_path
from docgen.i18n import _, join, language_from_env, set_language
from docgen.kinds.registry import registry, workspace_kinds


def N_(message: str) -> str:
    """Mark a help text for translation; it is translated when shown, in the chosen language."""
    return message


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class TranslatedOption(click.Option):
    def get_help_record(self, ctx):
        saved = self.help
        self.help = _(saved) if saved else saved
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = saved


def _set_quiet(ctx, param, value):
    if value:
        ctx.meta["docgen.quiet"] = True


# the mixin is always combined with a click.Command; type checkers are told so
if TYPE_CHECKING:
    _CommandBase = click.Command
else:
    _CommandBase = object


class _Translated(_CommandBase):
    """Help and short help translated at display time, after --lang / LANG are known.

    Every command also takes -q/--quiet, before or after its name.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params.append(
            TranslatedOption(
                ["-q", "--quiet"],
                is_flag=True,
                expose_value=False,
                callback=_set_quiet,
                help=N_("只显示错误和警告"),
            )
        )

    def format_help_text(self, ctx, formatter):
        saved = self.help
        self.help = inspect.cleandoc(_(saved)) if saved else saved
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = saved

    def get_short_help_str(self, limit: int = 45) -> str:
        saved_help, saved_short = self.help, self.short_help
        self.help = inspect.cleandoc(_(saved_help)) if saved_help else saved_help
        self.short_help = _(saved_short) if saved_short else saved_short
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help, self.short_help = saved_help, saved_short

    def format_usage(self, ctx, formatter):
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("用法："))

    def format_options(self, ctx, formatter):
        records = [rv for p in self.get_params(ctx) if (rv := p.get_help_record(ctx))]
        if records:
            with formatter.section(_("选项")):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None and not isinstance(option, TranslatedOption):
            option.__class__ = TranslatedOption
            option.help = N_("显示本帮助并退出")
        return option

    def format_epilog(self, ctx, formatter):
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                for line in inspect.cleandoc(_(self.epilog)).splitlines():
                    if line.strip() == "\b":
                        continue
                    formatter.write(" " * formatter.current_indent + line + "\n")


class Command(_Translated, click.Command):
    pass


class Group(_Translated, click.Group):
    command_class = Command

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(60)))
        if rows:
            with formatter.section(_("命令")):
                formatter.write_dl(rows)

    def main(self, *args, **kwargs):
        set_language(language_from_env())
        return super().main(*args, **kwargs)


Group.group_class = Group


def _workspace_batches() -> list:
    """The batch kinds of the workspace in the current folder (its ``kinds/``)."""
    from docgen.errors import ConfigError

    try:
        return [k for k in workspace_kinds(Path.cwd()) if k.mode == "batch"]
    except (ConfigError, OSError):
        return []


class RootGroup(Group):
    """docgen's commands, plus one per batch kind the workspace declares in ``kinds/``."""

    def list_commands(self, ctx):
        names = super().list_commands(ctx)
        return names + [k.key for k in _workspace_batches() if k.key not in names]

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None:
            kind = next((k for k in _workspace_batches() if k.key == name), None)
            if kind is not None:
                return KindCommand(kind)
        return command


def option(*names, **attrs):
    attrs.setdefault("cls", TranslatedOption)
    return click.option(*names, **attrs)


def fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


@contextmanager
def reported_errors():
    """Turn docgen's errors into a message on stderr and exit status 1 (never a traceback)."""
    try:
        yield
    except DataError as exc:
        errors = exc.errors
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(
            _("共发现 {n} 个错误，未生成任何文件。请按提示改正后重新运行。").format(n=len(errors)),
            err=True,
        )
        sys.exit(1)
    except DocgenError as exc:
        click.echo(_("错误：{message}").format(message=exc), err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        # a folder that is a file, no permission, a full disk: say where, not a traceback
        click.echo(_("错误：{message}").format(message=describe_os_error(exc)), err=True)
        sys.exit(1)


def is_quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("docgen.quiet"))


def echo(message: str = "", err: bool = False) -> None:
    """A status line; ``err`` when stdout carries data (``--json``)."""
    if not is_quiet():
        click.echo(message, err=err)


def show_warnings(problems) -> None:
    for problem in problems:
        if not problem.is_error:
            click.echo(str(problem), err=True)


@contextmanager
def progress_bars():
    """Yields ``start(label, total)``, which adds a bar and returns its ``advance(n)``.

    Bars are drawn on stderr only when it is a terminal and --quiet was not given.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        disable=is_quiet() or not console.is_terminal,
        console=console,
    ) as bar:

        def start(label: str, total: int):
            task = bar.add_task(label, total=total)
            return lambda n=1: bar.advance(task, n)

        yield start


def set_lang(ctx, param, value):
    if value:
        set_language(value)
    return value


@click.group(
    name="docgen",
    cls=RootGroup,
    context_settings=CONTEXT_SETTINGS,
    help=N_(
        """docgen：把各村、各单位交回的 Excel 统计表和名册，一条命令变成规范公文。

    工作总结、安全生产责任书、安全告知书、安全承诺书，按 GB/T 9704-2012 排版。"""
    ),
    epilog=N_(
        """示例：

    \b
      docgen init 青山镇
      cd 青山镇 && docgen build"""
    ),
)
@option(
    "--lang",
    type=click.Choice(["zh_CN", "en"]),
    is_eager=True,
    expose_value=False,
    callback=set_lang,
    help=N_("界面语言：zh_CN（默认）或 en"),
)
@click.version_option(
    __version__,
    "--version",
    "-V",
    cls=TranslatedOption,
    help=N_("显示版本号并退出"),
    message="docgen %(version)s",
)
def cli():
    pass


def main() -> None:
    tolerate_unencodable_output()
    stop_on_termination()
    cli(prog_name="docgen")


def tolerate_unencodable_output() -> None:
    """A name the console cannot show (䶮 or an emoji on a GBK console) is printed escaped,
    never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            pass


def stop_on_termination() -> None:
    """SIGTERM and SIGHUP (a closed terminal) stop a run the way Ctrl-C does, so its staging
    folders, half-written files and LibreOffice runs are cleaned up on the way out."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            try:
                signal.signal(number, interrupt)
            except (ValueError, OSError):
                pass


def json_text(data) -> str:
    """JSON for stdout: Chinese as it is, or escaped when the console's encoding lacks a character."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return json.dumps(data, ensure_ascii=True, indent=2)
    return text


# ---------------------------------------------------------------- workspace


def config_option(f):
    return option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help=N_("配置文件（默认：当前目录的 docgen.toml）"),
    )(f)


def force_option(f):
    return option("--force", is_flag=True, help=N_("覆盖已存在的输出文件"))(f)


def pdf_option(f):
    return option(
        "--pdf", is_flag=True, default=None, help=N_("同时用 LibreOffice 转成 PDF（一次转换整批）")
    )(f)


def load_settings(config_path):
    from docgen.config import load

    return load(config_path)


@cli.command(
    help=N_(
        """新建一个工作目录：docgen.toml、templates/、inputs/（示例镇的演示数据）、outputs/。

    文件夹名以“镇”“乡”“街道”结尾时，发文机关和标题用这个名字；也可用 --town 指定。

    示例：

    \b
      docgen init 青山镇
      docgen init 2023年 --town 石桥乡"""
    )
)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@option("--town", help=N_("镇（乡、街道）名，写入 docgen.toml 的发文机关和标题；默认取文件夹名"))
@force_option
def init(directory, town, force):
    from docgen.workspace import init_workspace

    with reported_errors():
        written = init_workspace(directory, force=force, town=town)
    echo(
        _("已在 {dir} 新建工作目录（{n} 个文件）。下一步：cd {dir} && docgen build").format(
            dir=display_path(directory), n=len(written)
        )
    )


@cli.command(
    help=N_(
        """一条命令完成全部工作：检查、汇总（汇总表.xlsx）、工作总结、三批文档，写入 outputs/。

    示例：

    \b
      docgen build
      docgen build -c 青山镇/docgen.toml --pdf"""
    )
)
@config_option
@force_option
@pdf_option
def build(config_path, force, pdf):
    from docgen.workspace import build as run_build
    from docgen.workspace import totals_line

    with reported_errors():
        settings = load_settings(config_path)
        with progress_bars() as progress:
            report = run_build(settings, force=force, pdf=pdf, progress=progress)
    show_warnings(report.warnings)
    for note in report.skipped:
        click.echo(_("提示：{note}").format(note=note), err=True)
    echo(_("已生成（{dir}）：").format(dir=display_path(settings.paths.outputs)))
    rows = [
        (
            item.label,
            _("{n} 份").format(n=item.count) if item.path.is_dir() else "",
            display_path(item.path),
        )
        for item in report.written
    ]
    if report.pdfs:
        rows.append(("PDF", _("{n} 份").format(n=len(report.pdfs)), ""))
    label_width = max(columns(label) for label, _count, _path in rows) + 2
    count_width = max(columns(count) for _label, count, _path in rows) + 2
    for label, count, path in rows:
        echo(f"  {pad(label, label_width)}{pad(count, count_width)}{path}".rstrip())
    echo(totals_line(report.consolidation))
    if report.unverified:
        echo(_("提示：{note}").format(note=report.unverified))
    if report.warnings:
        echo(_("有 {n} 条警告（见上方），不影响生成；请核对。").format(n=len(report.warnings)))


def columns(text: str) -> int:
    """Width in terminal columns: a Chinese character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Pad to a width in terminal columns."""
    return text + " " * max(1, width - columns(text))


# ---------------------------------------------------------------- tallies


@cli.command(
    help=N_(
        """检查统计表和名册，列出全部问题（文件、工作表、单元格）。有错误时退出状态为 1。

    不给路径时检查 docgen.toml 中配置的 inputs。

    示例：

    \b
      docgen check inputs/
      docgen check inputs/tallies/青山村.xlsx"""
    )
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@config_option
def check(paths, config_path):
    from docgen.inputs.checking import check_paths

    with reported_errors():
        settings = load_settings(config_path)
        if not paths:
            paths = [settings.paths.tallies, *settings.paths.rosters.values()]
            paths = [p for p in paths if p.exists()]
        problems, stats = check_paths(paths, settings.kinds)
    errors = [p for p in problems if p.is_error]
    for problem in problems:
        click.echo(str(problem), err=True)
    if errors:
        click.echo(
            _("共 {e} 个错误、{w} 条警告。请改正错误后重新检查。").format(
                e=len(errors), w=len(problems) - len(errors)
            ),
            err=True,
        )
        sys.exit(1)
    echo(
        _(
            "检查通过：统计表 {tallies} 个（{units} 个填报单位），名册 {rosters} 个（{rows} 行）；{w} 条警告。"
        ).format(
            tallies=stats.tally_files,
            units=stats.units,
            rosters=stats.roster_files,
            rows=stats.roster_rows,
            w=len(problems),
        )
    )


@cli.command(
    help=N_(
        """汇总统计表：按领域、指标、单位、年度合计，写成带公式的汇总表.xlsx。

    示例：

    \b
      docgen collect inputs/tallies -o outputs/汇总表.xlsx
      docgen collect inputs/tallies --json"""
    )
)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("汇总表文件，例如 汇总表.xlsx"),
)
@option("--json", "as_json", is_flag=True, help=N_("把汇总结果以 JSON 打印到标准输出"))
@config_option
@force_option
def collect(directory, output, as_json, config_path, force):
    from docgen.inputs.tallies import collect as consolidate
    from docgen.inputs.tallies import write_summary_workbook

    if not output and not as_json:
        raise click.UsageError(_("请用 -o 指定汇总表文件（如 -o 汇总表.xlsx），或加 --json"))
    with reported_errors():
        if directory is None:
            directory = load_settings(config_path).paths.tallies
        consolidation = consolidate([directory])
        if output:
            write_summary_workbook(consolidation, output, force=force)
    show_warnings(consolidation.problems)
    if as_json:
        click.echo(json_text(consolidation.to_json()))
    if output:
        echo(
            _("已写出 {file}：{n} 个填报单位").format(
                file=display_path(output), n=len(consolidation.units)
            ),
            err=as_json,
        )


@cli.command(
    help=N_(
        """生成下发给各村、各单位的空白表格：统计表（带领域下拉和整数校验）和三种名册。

    示例：

    \b
      docgen forms -o 下发表格"""
    )
)
@option(
    "-o",
    "--output",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=N_("写入的文件夹"),
)
@config_option
@force_option
def forms(directory, config_path, force):
    from docgen.inputs.forms import write_forms

    with reported_errors():
        settings = load_settings(config_path)
        written = write_forms(directory, force=force, kinds=settings.kinds)
    for path in written:
        echo(_("已写出 {file}").format(file=display_path(path)))


# ---------------------------------------------------------------- documents


@cli.command(
    help=N_(
        """写工作总结（GB/T 9704 公文格式），数字全部取自统计表、指标和名册。

    示例：

    \b
      docgen summary -o outputs/工作总结.docx
      docgen summary -c docgen.toml -i inputs/tallies -o 工作总结.docx --pdf"""
    )
)
@config_option
@option(
    "-i",
    "--inputs",
    "tally_dir",
    type=click.Path(path_type=Path),
    help=N_("统计表文件夹（默认取 docgen.toml 的 paths.tallies）"),
)
@option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("输出的 .docx 文件"),
)
@pdf_option
@force_option
def summary(config_path, tally_dir, output, pdf, force):
    import dataclasses

    from docgen.workspace import read_inputs, roster_counts, write_summary

    with reported_errors():
        settings = load_settings(config_path)
        if tally_dir is not None:
            paths = dataclasses.replace(settings.paths, tallies=tally_dir)
            settings = dataclasses.replace(settings, paths=paths)
        inputs, skipped = read_inputs(settings)
        pdfs = write_summary(
            settings,
            inputs.consolidation,
            roster_counts(settings, inputs.rosters),
            output,
            force=force,
            pdf=bool(pdf),
        )
    show_warnings(inputs.consolidation.problems)
    echo(_("已写出 {file}").format(file=display_path(output)))
    for path in pdfs:
        echo(_("已写出 {file}").format(file=display_path(path)))


def batch_options(f):
    f = force_option(f)
    f = pdf_option(f)
    f = option(
        "--combined",
        type=click.Path(dir_okay=False, path_type=Path),
        help=N_("另写一个合订本（全部记录合成一个文件，每份另起一页），供打印"),
    )(f)
    f = option("--sheet", help=N_("名册所在的工作表（默认第一个有表头的工作表）"))(f)
    f = option(
        "-o",
        "--output",
        "outdir",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=N_("输出文件夹"),
    )(f)
    return f


def run_roster_batch(
    template_path, roster_path, kind, outdir, *, pattern, sheet, combined, force, pdf, context=None
):
    from docgen.inputs.rosters import read_records
    from docgen.output.batch import run_batch
    from docgen.render.engine import CompiledTemplate

    with reported_errors():
        roster = read_records(roster_path, sheet=sheet, kind=kind)
        template = CompiledTemplate.load(template_path)
        if pattern is None:
            from docgen.output.batch import default_pattern

            pattern = default_pattern(roster)
        total = len(roster.records) * (2 if combined else 1)
        with progress_bars() as start:
            result = run_batch(
                template,
                roster,
                outdir,
                name_pattern=pattern,
                context=context,
                combined=combined,
                force=force,
                pdf=bool(pdf),
                progress=start(_("正在生成"), total),
            )
    echo(_("已写出 {n} 份文档到 {dir}").format(n=result.records, dir=display_path(outdir)))
    if result.combined:
        echo(_("合订本：{file}").format(file=display_path(result.combined)))
    if result.pdfs:
        echo(_("PDF：{n} 个").format(n=len(result.pdfs)))


def kind_help(kind) -> str:
    """A batch kind's help: its description from the manifest and an example."""
    folder = kind.output_folder
    roster = kind.roster.default_path if kind.roster else "名册.xlsx"
    return "\n\n".join(
        [
            kind.description or kind.label,
            _("示例："),
            "\b\n  " + f"docgen {kind.key} {roster} -o outputs/{folder} "
            f"--combined outputs/{kind.combined_name}",
        ]
    )


class KindCommand(Command):
    """The command of one batch kind of the registry (``docgen agreements ROSTER -o DIR``)."""

    def __init__(self, kind):
        self.kind = kind
        super().__init__(
            kind.key,
            callback=self.run,
            help=kind_help(kind),
            params=[
                click.Argument(["roster"], type=click.Path(dir_okay=False, path_type=Path)),
            ],
        )
        for decorate in (batch_options, config_option):
            decorate(self)

    def format_help_text(self, ctx, formatter):
        self.help = kind_help(self.kind)
        super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        self.help = kind_help(self.kind)
        return super().get_short_help_str(limit)

    def run(self, roster, outdir, sheet, combined, pdf, force, config_path):
        from docgen.kinds.documents import record_context
        from docgen.kinds.templates import template_for

        with reported_errors():
            settings = load_settings(config_path)
            kind = settings.kinds[self.kind.key]
            template_path = template_for(settings, kind)
        run_roster_batch(
            template_path,
            roster,
            kind,
            outdir,
            pattern=kind.output_name or None,
            sheet=sheet,
            combined=combined,
            force=force,
            pdf=pdf,
            context=lambda record: record_context(kind, record, settings),
        )


for _kind in registry().batches:
    cli.add_command(KindCommand(_kind))


@cli.command(
    help=N_(
        """用任意 Word 模板和任意名册批量生成（邮件合并）：名册每一行生成一个文件。

    模板里用名册的列名作变量，如 {{ 单位名称 }}；--name 用列名组成文件名。数据也可以是 .json 文件：
    一个对象或由对象组成的列表，每个对象一份文件。

    示例：

    \b
      docgen render templates/通知.docx inputs/units.xlsx -o outputs/通知 --name "{单位名称}-通知"
      docgen render templates/通知.docx 数据.json -o outputs/通知"""
    )
)
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("roster", metavar="DATA", type=click.Path(dir_okay=False, path_type=Path))
@option("--name", "pattern", help=N_('文件名格式，用 {列名} 取值，如 "{学校}-{学生姓名}"'))
@batch_options
def render(template, roster, pattern, outdir, sheet, combined, pdf, force):
    run_roster_batch(
        template,
        roster,
        None,
        outdir,
        pattern=pattern,
        sheet=sheet,
        combined=combined,
        force=force,
        pdf=pdf,
    )


# ---------------------------------------------------------------- templates


@cli.group(
    cls=Group,
    help=N_(
        """查看模板：有哪些模板、一个模板用到哪些变量、名册是否提供了这些变量。

    示例：

    \b
      docgen templates list
      docgen templates vars templates/安全承诺书.docx
      docgen templates check templates/安全承诺书.docx inputs/students.xlsx"""
    ),
)
def templates():
    pass


@templates.command(
    name="list",
    help=N_(
        """列出内置模板和工作目录 templates/ 中的模板。

    示例：

    \b
      docgen templates list"""
    ),
)
@config_option
def templates_list(config_path):
    with reported_errors():
        settings = load_settings(config_path)
    folder = settings.paths.templates
    echo(_("文档种类和模板："))
    width = max(columns(kind.key) for kind in settings.kinds) + 2
    for kind in settings.kinds:
        where = folder / kind.template
        if where.exists():
            state = _("（用工作目录中的副本 {file}）").format(file=display_path(where))
        elif kind.builtin:
            state = _("（内置）")
        else:
            state = _("（工作目录的 {dir}）").format(dir=display_path(kind.folder))
        echo(f"  {pad(kind.key, width)}{kind.template}{state}")
    if folder.is_dir():
        known = {kind.template for kind in settings.kinds}
        own = sorted(
            p
            for p in folder.glob("*.docx")
            if p.name not in known and not p.name.startswith(("~$", ".")) and ".备份-" not in p.name
        )
        if own:
            echo(
                _("{dir} 中的其他模板（用 docgen render 使用）：").format(dir=display_path(folder))
            )
            for path in own:
                echo(f"  {path.name}")


@templates.command(
    name="update",
    help=N_(
        """把工作目录 templates/ 中的内置模板更新为当前版本（升级 docgen 之后）。

    改动过的模板先另存为“名称.备份-日期.docx”再更新；docgen.toml 和 inputs/ 不会改动。
    署名和日期的位置在生成时按 docgen.toml 中的发文机关计算，不必为此更新模板。

    示例：

    \b
      docgen templates update
      docgen templates update -c 青山镇/docgen.toml"""
    ),
)
@config_option
def templates_update(config_path):
    from docgen.kinds.templates import update_templates

    with reported_errors():
        settings = load_settings(config_path)
        results = update_templates(settings)
    messages = {
        "added": _("已添加 {file}"),
        "updated": _("已更新 {file}"),
        "current": _("{file} 已是最新"),
        "replaced": _("已更新 {file}（原来改动过的模板另存为 {backup}）"),
    }
    for item in results:
        echo(
            messages[item.state].format(
                file=display_path(item.path),
                backup=display_path(item.backup) if item.backup else "",
            )
        )


@templates.command(
    name="vars",
    help=N_(
        """列出一个模板用到的变量（名册需要有同名的列）。

    示例：

    \b
      docgen templates vars templates/安全承诺书.docx"""
    ),
)
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
def templates_vars(template):
    from docgen.render.engine import CompiledTemplate

    with reported_errors():
        compiled = CompiledTemplate.load(template)
    for name in sorted(compiled.variables()):
        click.echo(name)


@templates.command(
    name="check",
    help=N_(
        """检查名册是否提供了模板用到的全部变量，列出缺少的列。

    示例：

    \b
      docgen templates check templates/安全承诺书.docx inputs/students.xlsx"""
    ),
)
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@option("--sheet", help=N_("名册所在的工作表"))
@config_option
def templates_check(template, roster, sheet, config_path):
    from docgen.inputs.rosters import read_roster
    from docgen.kinds.documents import kind_of_template, supplied_variables
    from docgen.render.engine import CompiledTemplate

    with reported_errors():
        settings = load_settings(config_path)
        compiled = CompiledTemplate.load(template)
        data = read_roster(roster, sheet=sheet)
    kind = kind_of_template(template, settings)
    used = compiled.variables()
    supplied = supplied_variables(
        template, data.columns, data.records[0] if data.records else None, settings
    )
    missing = sorted(used - supplied)
    if kind is not None and kind.mode == "single":
        echo(_("工作总结模板由统计表、指标和名册的行数填写（docgen summary），不逐行使用名册。"))
    else:
        echo(
            _("模板用到 {n} 个变量，名册有 {m} 列、{rows} 行。").format(
                n=len(used), m=len(data.columns), rows=len(data.records)
            )
        )
    unused = [c for c in data.columns if c not in used]
    if kind is None and unused:
        echo(_("名册中模板没有用到的列：{cols}").format(cols=join(unused)))
    if missing:
        fail(
            _("错误：{template}：名册 {roster} 缺少模板用到的列：{cols}").format(
                template=display_path(template), roster=display_path(roster), cols=join(missing)
            )
        )
    echo(_("模板用到的变量都有数据。"))


# ---------------------------------------------------------------- the web page


@cli.command(
    help=N_(
        """在浏览器中使用 docgen：上传统计表和名册、填写设置、生成并下载全部文档。

    默认只允许本机访问（127.0.0.1）；用 --host 让其他电脑访问时必须设密码（--password-file
    或环境变量 DOCGEN_PASSWORD），打开网页时要先登录。

    示例：

    \b
      docgen serve
      docgen serve 青山镇 --port 8080 --no-browser
      DOCGEN_PASSWORD=口令 docgen serve --host 0.0.0.0"""
    )
)
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@option("--host", default="127.0.0.1", show_default=True, help=N_("监听的地址"))
@option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=N_("端口"))
@option("--no-browser", is_flag=True, help=N_("不自动打开浏览器"))
@option(
    "--password-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help=N_("登录密码所在的文件（第一行）；也可用环境变量 DOCGEN_PASSWORD"),
)
def serve(directory, host, port, no_browser, password_file):
    from docgen.web import read_password
    from docgen.web import serve as run_server
    from docgen.web.app import is_loopback

    with reported_errors():
        if not directory.is_dir():
            fail(
                _("错误：找不到文件夹 {dir}；可用 docgen init {dir} 新建一个工作目录").format(
                    dir=display_path(directory)
                )
            )
        password = read_password(password_file)
        if not is_loopback(host) and not password:
            raise click.UsageError(
                _(
                    "--host {host} 会让其他电脑也能打开这个网页，请用 --password-file "
                    "或环境变量 DOCGEN_PASSWORD 设一个登录密码"
                ).format(host=host)
            )
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        echo(
            _("docgen 网页：http://{host}:{port}/ （工作目录 {dir}；按 Ctrl+C 停止）").format(
                host=shown, port=port, dir=directory.resolve()
            )
        )
        run_server(directory, host=host, port=port, password=password, open_browser=not no_browser)


# ---------------------------------------------------------------- hand-typed drafts


@cli.command(
    help=N_(
        """检查 Word 文档是否符合 GB/T 9704 公文格式，逐段列出不符合之处（第几段、开头几个字、应为、实为）。

    检查页面、标题、主送机关、各级标题、正文、附件说明、署名和成文日期、页码；装有 LibreOffice
    时还排出页面，检查署名页是否带有正文。发现问题时退出状态为 1。

    示例：

    \b
      docgen lint 通知.docx
      docgen lint outputs/工作总结.docx outputs/安全生产责任书/*.docx --json"""
    )
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@option("--json", "as_json", is_flag=True, help=N_("把检查结果以 JSON 打印到标准输出"))
@option(
    "--pages/--no-pages",
    default=None,
    help=N_("用 LibreOffice 排出页面检查署名页（默认：装有 LibreOffice 时检查）"),
)
def lint(files, as_json, pages):
    from docgen.gongwen.lint import check_files

    with reported_errors():
        checked = check_files(list(files), pages=pages is not False)
    results = {path: result.findings for path, result in checked.items()}
    total = sum(len(found) for found in results.values())
    for path, result in checked.items():
        if result.form:
            echo(
                _("{file}：不是公文（{category}），按{category}排版，不检查").format(
                    file=display_path(path), category=result.form
                ),
                err=as_json,
            )
    if as_json:
        click.echo(
            json_text(
                {
                    display_path(path): [f.as_dict() for f in found]
                    for path, found in results.items()
                }
            )
        )
    else:
        for path, found in results.items():
            if checked[path].form:
                continue
            if not found:
                echo(_("{file}：符合 GB/T 9704，未发现问题").format(file=display_path(path)))
                continue
            click.echo(
                _("{file}：{n} 处不符合 GB/T 9704：").format(file=display_path(path), n=len(found))
            )
            for finding in found:
                click.echo("  " + finding.message)
    sys.exit(1 if total else 0)


@cli.command(
    name="format",
    help=N_(
        """把手工录入的文稿排成 GB/T 9704 公文格式：识别标题、主送机关、各级标题、正文、附件说明、
    署名、成文日期、附注、抄送和印发，套用与工作总结相同的样式，写出新文件。

    不改动文字：只把中文里的半角括号、冒号改为全角，删去用作缩进的空格和制表符。表格和图片保留。
    不会覆盖已有文件，除非加 --force。

    示例：

    \b
      docgen format 草稿.docx -o 通知.docx
      docgen format 草稿.docx -o 通知.docx --force"""
    ),
)
@click.argument("draft", type=click.Path(dir_okay=False, path_type=Path))
@option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("输出的 .docx 文件"),
)
@option("--json", "as_json", is_flag=True, help=N_("把识别和改动结果以 JSON 打印到标准输出"))
@force_option
def format_(draft, output, as_json, force):
    from docgen.gongwen.formatting import format_file

    with reported_errors():
        if output.resolve() == draft.resolve():
            raise click.UsageError(_("输出文件不能是原稿本身，请用 -o 另指定一个文件"))
        report = format_file(draft, output, force=force)
    if as_json:
        click.echo(json_text(report.as_dict()))
    else:
        echo(_("识别出："))
        for label, numbers in report.recognised.items():
            echo(
                "  "
                + _("{part}：{n} 段（第{where}段）").format(
                    part=label, n=len(numbers), where=paragraph_ranges(numbers)
                )
            )
        if report.tables or report.pictures:
            echo(
                "  "
                + _("表格 {t} 个、图片 {p} 张（保留）").format(t=report.tables, p=report.pictures)
            )
        if report.changes:
            echo(_("文字改动（{n} 处）：").format(n=len(report.changes)))
            for change in report.changes:
                echo("  " + change)
        else:
            echo(_("文字没有改动。"))
    echo(_("已写出 {file}").format(file=display_path(output)), err=as_json)
    if report.findings:
        click.echo(
            _("排版后仍有 {n} 处不符合 GB/T 9704（请手工处理）：").format(n=len(report.findings)),
            err=True,
        )
        for finding in report.findings:
            click.echo("  " + finding.message, err=True)
    else:
        echo(_("docgen lint 检查通过：未发现不符合 GB/T 9704 之处"), err=as_json)


def paragraph_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] → 1–3、7"""
    pieces: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        pieces.append(str(start) if start == previous else f"{start}–{previous}")
        if number is not None:
            start = previous = number
    return "、".join(pieces)
