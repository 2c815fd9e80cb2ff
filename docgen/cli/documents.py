"""The document commands: one per batch kind, ``render`` for any template, ``templates``."""

from __future__ import annotations

from pathlib import Path

import click

import docgen
from docgen.cli.help import N_, Command, Group, command, option
from docgen.cli.options import batch_options, config_option
from docgen.cli.report import columns, echo, fail, pad, progress_bars, reported_errors
from docgen.errors import display_path
from docgen.i18n import _, join


def report_batch(result, outdir: Path) -> None:
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
        with reported_errors(), progress_bars() as progress:
            result = docgen.render_kind(
                self.kind.key,
                roster,
                outdir,
                config=config_path,
                sheet=sheet,
                combined=combined,
                pdf=bool(pdf),
                force=force,
                progress=progress,
            )
        report_batch(result, outdir)


@command(
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
@option(
    "--strict",
    is_flag=True,
    help=N_("模板用到的每个变量都必须在数据中（默认只要求不带 default/if 保护的变量）"),
)
@batch_options
def render(template, roster, pattern, strict, outdir, sheet, combined, pdf, force):
    with reported_errors(), progress_bars() as progress:
        result = docgen.render(
            template,
            roster,
            outdir,
            name=pattern,
            sheet=sheet,
            combined=combined,
            pdf=bool(pdf),
            force=force,
            strict=strict,
            progress=progress,
        )
    report_batch(result, outdir)


# ---------------------------------------------------------------- templates


@click.group(
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
    from docgen.kinds.templates import other_templates

    with reported_errors():
        settings = docgen.load_settings(config_path)
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
    own = other_templates(settings)
    if own:
        echo(_("{dir} 中的其他模板（用 docgen render 使用）：").format(dir=display_path(folder)))
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
        results = update_templates(docgen.load_settings(config_path))
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
    from docgen.render.compile import CompiledTemplate

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
    with reported_errors():
        checked = docgen.check_template(template, roster, config=config_path, sheet=sheet)
    if checked.kind is not None and checked.kind.mode == "single":
        echo(_("工作总结模板由统计表、指标和名册的行数填写（docgen summary），不逐行使用名册。"))
    else:
        echo(
            _("模板用到 {n} 个变量，名册有 {m} 列、{rows} 行。").format(
                n=len(checked.used), m=len(checked.columns), rows=checked.rows
            )
        )
    if checked.kind is None and checked.unused:
        echo(_("名册中模板没有用到的列：{cols}").format(cols=join(checked.unused)))
    if checked.optional:
        echo(
            _("名册中没有、模板已写明缺少时怎么办的变量（如 default 或 if）：{cols}").format(
                cols=join(checked.optional)
            )
        )
    if checked.missing:
        fail(
            _("错误：{template}：名册 {roster} 缺少模板用到的列：{cols}").format(
                template=display_path(template),
                roster=display_path(roster),
                cols=join(checked.missing),
            )
        )
    echo(_("模板用到的变量都有数据。"))
