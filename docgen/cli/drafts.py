"""The commands for hand-typed drafts: ``lint`` checks a Word file against GB/T 9704,
``format`` lays one out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import docgen
from docgen.cli.help import N_, command, option
from docgen.cli.options import docx_output_option, force_option, json_option
from docgen.cli.report import echo, json_text, paragraph_ranges, reported_errors
from docgen.errors import display_path
from docgen.i18n import _


@command(
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
@json_option(N_("把检查结果以 JSON 打印到标准输出"))
@option(
    "--pages/--no-pages",
    default=None,
    help=N_("用 LibreOffice 排出页面检查署名页（默认：装有 LibreOffice 时检查）"),
)
def lint(files, as_json, pages):
    with reported_errors():
        checked = docgen.lint(files, pages=pages is not False)
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


@command(
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
@docx_output_option
@json_option(N_("把识别和改动结果以 JSON 打印到标准输出"))
@force_option
def format_(draft, output, as_json, force):
    if output.resolve() == draft.resolve():
        raise click.UsageError(_("输出文件不能是原稿本身，请用 -o 另指定一个文件"))
    with reported_errors():
        report = docgen.format(draft, output, force=force)
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
