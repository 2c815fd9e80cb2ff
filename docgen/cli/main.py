"""The ``docgen`` group: its options, every command, and one command per batch kind the
workspace declares in ``kinds/``."""

from __future__ import annotations

from pathlib import Path

import click

from docgen import __version__
from docgen.cli import documents, drafts, serve, workspace
from docgen.cli.documents import KindCommand
from docgen.cli.help import CONTEXT_SETTINGS, N_, Group, TranslatedOption, option
from docgen.cli.report import stop_on_termination, tolerate_unencodable_output
from docgen.i18n import set_language
from docgen.kinds.registry import registry, workspace_kinds


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


for _command in (
    workspace.init,
    workspace.build,
    workspace.check,
    workspace.collect,
    workspace.forms,
    workspace.summary,
    documents.render,
    documents.templates,
    serve.serve,
    drafts.lint,
    drafts.format_,
):
    cli.add_command(_command)
for _kind in registry().batches:
    cli.add_command(KindCommand(_kind))
