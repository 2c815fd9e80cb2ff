"""Options shared by several commands, bundled as decorators."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.help import N_, option


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


def json_option(help: str):
    """``--json``: the result as JSON on stdout (status lines go to stderr)."""
    return option("--json", "as_json", is_flag=True, help=help)


def docx_output_option(f):
    return option(
        "-o",
        "--output",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=N_("输出的 .docx 文件"),
    )(f)


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
