"""What the commands print: errors turned into messages and exit status 1, status lines (kept
quiet by -q), warnings, progress bars, JSON and columns of Chinese text."""

from __future__ import annotations

import json
import signal
import sys
from contextlib import contextmanager

import click

from docgen.errors import DataError, DocgenError, describe_os_error
from docgen.i18n import _


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


def columns(text: str) -> int:
    """Width in terminal columns: a Chinese character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Pad to a width in terminal columns."""
    return text + " " * max(1, width - columns(text))


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


def reporting_line(expected, units, err: bool = False) -> dict:
    """催报: who of ``[tallies] expected`` has not sent a tally, printed when there is a list."""
    from docgen.inputs.checking import reporting_status

    status = reporting_status(expected, units)
    if status.expected:
        echo(_("催报：{line}").format(line=status.line()), err=err)
    return status.to_json()
