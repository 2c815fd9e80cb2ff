"""Running docgen's command line in tests."""

from __future__ import annotations

import contextlib
from pathlib import Path

from click.testing import CliRunner, Result

from docgen.cli import cli


def run(*args, cwd: Path | None = None, env: dict | None = None) -> Result:
    """``docgen ARGS`` through click's runner, in Chinese, from ``cwd`` when given."""
    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        return CliRunner().invoke(
            cli, [str(a) for a in args], env={"LANG": "zh_CN.UTF-8", **(env or {})}
        )
