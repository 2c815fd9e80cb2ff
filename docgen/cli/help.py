"""The help machinery: help texts translated when shown (after --lang / LANG are known),
``-h`` beside ``--help``, -q/--quiet on every command, and ``option`` for translated options.

Help texts are marked with ``N_`` where they are written and translated at display time, so
``docgen --lang en build -h`` is English.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

import click

from docgen.i18n import _, language_from_env, set_language


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


def option(*names, **attrs):
    """``click.option`` whose help is translated when shown."""
    attrs.setdefault("cls", TranslatedOption)
    return click.option(*names, **attrs)


def command(**attrs):
    """``click.command`` with translated help, ``-h`` and ``-q``."""
    attrs.setdefault("cls", Command)
    return click.command(**attrs)
