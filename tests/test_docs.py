"""Every command has help text, and the README shows it in use."""

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from docgen.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def all_commands(group=cli, prefix=""):
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        yield full, command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix=f"{full} ")


COMMANDS = dict(all_commands())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help_with_an_example(name):
    command = COMMANDS[name]
    assert command.help, f"{name} has no help text"
    if not isinstance(command, click.Group) or name == "templates":
        # the help ends with its example block: command lines only after 示例：
        assert "示例：" in command.help, f"{name}'s help has no example"
        example = command.help.rsplit("示例：", 1)[1].splitlines()
        lines = [line.strip() for line in example if line.strip() not in ("", "\b")]
        assert lines and all(line.startswith(("docgen ", "DOCGEN_", "cd ")) for line in lines), (
            f"{name}'s help does not end with its example: {lines}"
        )
    result = CliRunner().invoke(cli, [*name.split(), "--help"], env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0, result.output
    assert "用法：" in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_is_in_the_readme(name):
    assert f"docgen {name}" in README, f"README never shows `docgen {name}`"


def test_readme_quick_start_is_two_commands():
    assert "pip install -e . && docgen build" in README
    assert 'pip install -e ".[test]" && pytest' in README


def test_python_m_docgen_and_the_console_script_run():
    import shutil
    import subprocess
    import sys

    module = subprocess.run(
        [sys.executable, "-m", "docgen", "--version"], capture_output=True, text=True
    )
    assert module.returncode == 0 and "docgen" in module.stdout
    # pip puts the script beside the interpreter: found there in an unactivated venv too
    beside = Path(sys.executable).parent / ("docgen.exe" if sys.platform == "win32" else "docgen")
    script = str(beside) if beside.is_file() else shutil.which("docgen")
    assert script, "the docgen console script is not installed (pip install -e .)"
    result = subprocess.run(
        [script, "-h"], capture_output=True, text=True, env={"LANG": "C.UTF-8", "PATH": ""}
    )
    assert result.returncode == 0 and "用法：" in result.stdout


def test_readme_reference_is_current():
    """README's command reference and API table are what cog writes from the live code
    (``cog -r -I scripts README.md`` rewrites them)."""
    import io

    from cogapp import Cog

    root = Path(__file__).parent.parent
    cog = Cog()
    cog.set_output(stdout=io.StringIO(), stderr=io.StringIO())
    status = cog.main(["cog", "--check", "-I", str(root / "scripts"), str(root / "README.md")])
    assert status == 0, "README.md is stale: run cog -r -I scripts README.md"
