"""What cog writes into README.md, from the live code: every command's ``--help`` and the
table of docgen's Python API.

    cog -r -I scripts README.md        # rewrite after changing a command or the API
    cog --check -I scripts README.md   # what tests/test_docs.py runs
"""

from __future__ import annotations

import inspect

import click
from click.testing import CliRunner

import docgen
from docgen.cli import cli

WIDTH = 100  # the help's width, whatever the terminal that runs cog


def commands(group: click.Group = cli, prefix: str = "") -> list[str]:
    """Every command's name as typed (``templates check``), groups before their commands."""
    ctx = click.Context(group)
    names = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names += commands(command, prefix=f"{prefix}{name} ")
    return names


def help_text(name: str) -> str:
    args = [*name.split(), "--help"] if name else ["--help"]
    result = CliRunner().invoke(cli, args, env={"LANG": "zh_CN.UTF-8"}, terminal_width=WIDTH)
    assert result.exit_code == 0, result.output
    return result.output.rstrip()


def commands_help() -> str:
    """``docgen --help`` and each command's, one folded block each."""
    parts = []
    for name in ["", *commands()]:
        title = f"docgen {name}".strip()
        parts.append(
            f"<details><summary><code>{title}</code></summary>\n\n"
            f"```\n{help_text(name)}\n```\n\n</details>\n"
        )
    return "\n".join(parts)


def api_table() -> str:
    """A row per function of ``docgen.__all__``: its call and the first line of its doc."""
    rows = ["| 函数 Function | 作用 What it does |", "| --- | --- |"]
    for name in docgen.__all__:
        function = getattr(docgen, name)
        if not inspect.isfunction(function):  # docgen.render once its package is loaded
            function = docgen._render_function
        parameters = inspect.signature(function).parameters.values()
        shown = ", ".join(
            p.name if p.default is inspect.Parameter.empty else f"{p.name}=…"
            for p in parameters
            if p.kind is not inspect.Parameter.KEYWORD_ONLY
        )
        keywords = [p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]
        if keywords:
            shown += (", " if shown else "") + "*, " + ", ".join(keywords)
        summary = " ".join(inspect.getdoc(function).split("\n\n")[0].split())
        rows.append(f"| `docgen.{name}({shown})` | {summary} |")
    return "\n".join(rows) + "\n"
