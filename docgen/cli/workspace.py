"""The workspace's commands: init, build, check, collect, forms, summary."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import docgen
from docgen.cli.help import N_, command, option
from docgen.cli.options import (
    config_option,
    docx_output_option,
    force_option,
    json_option,
    pdf_option,
)
from docgen.cli.report import (
    columns,
    echo,
    json_text,
    pad,
    progress_bars,
    reported_errors,
    reporting_line,
    show_warnings,
)
from docgen.errors import display_path
from docgen.i18n import _


@command(
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
    with reported_errors():
        written = docgen.init(directory, force=force, town=town)
    echo(
        _("已在 {dir} 新建工作目录（{n} 个文件）。下一步：cd {dir} && docgen build").format(
            dir=display_path(directory), n=len(written)
        )
    )


@command(
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
    from docgen.workspace import totals_line

    with reported_errors():
        settings = docgen.load_settings(config_path)
        with progress_bars() as progress:
            report = docgen.build(settings, force=force, pdf=pdf, progress=progress)
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
    reporting_line(settings.expected, [u.unit for u in report.consolidation.units])
    if report.unverified:
        echo(_("提示：{note}").format(note=report.unverified))
    if report.warnings:
        echo(_("有 {n} 条警告（见上方），不影响生成；请核对。").format(n=len(report.warnings)))


@command(
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
    with reported_errors():
        settings = docgen.load_settings(config_path)
        problems, stats = docgen.check(paths, config=settings)
    errors = [p for p in problems if p.is_error]
    for problem in problems:
        click.echo(str(problem), err=True)
    if not paths or stats.tally_files:  # a roster checked alone says nothing of who reported
        reporting_line(settings.expected, stats.unit_names)
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


@command(
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
@json_option(N_("把汇总结果以 JSON 打印到标准输出"))
@config_option
@force_option
def collect(directory, output, as_json, config_path, force):
    if not output and not as_json:
        raise click.UsageError(_("请用 -o 指定汇总表文件（如 -o 汇总表.xlsx），或加 --json"))
    with reported_errors():
        settings = docgen.load_settings(config_path)
        consolidation = docgen.collect(directory, output=output, config=settings, force=force)
    show_warnings(consolidation.problems)
    status = reporting_line(settings.expected, [u.unit for u in consolidation.units], err=as_json)
    if as_json:
        data = consolidation.to_json()
        data["expected"], data["missing"] = status["expected"], status["missing"]
        click.echo(json_text(data))
    if output:
        echo(
            _("已写出 {file}：{n} 个填报单位").format(
                file=display_path(output), n=len(consolidation.units)
            ),
            err=as_json,
        )


@command(
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
    with reported_errors():
        written = docgen.forms(directory, config=config_path, force=force)
    for path in written:
        echo(_("已写出 {file}").format(file=display_path(path)))


@command(
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
@docx_output_option
@pdf_option
@force_option
def summary(config_path, tally_dir, output, pdf, force):
    with reported_errors():
        report = docgen.summary(
            output, config=config_path, tallies=tally_dir, pdf=bool(pdf), force=force
        )
    show_warnings(report.warnings)
    echo(_("已写出 {file}").format(file=display_path(output)))
    for path in report.pdfs:
        echo(_("已写出 {file}").format(file=display_path(path)))
