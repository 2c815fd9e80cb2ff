"""``docgen ARGS`` in a process of its own, as from a shell, without paying Python's start-up
and docgen's imports for each run: processes are forked from a server that imported docgen's
command line and readers once (multiprocessing's forkserver).

Each run has its own address-space limit, working folder, stdout and stderr files and exit
status; an uncaught exception prints its traceback and exits 1, as ``python -m docgen`` would.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import time
import traceback
from pathlib import Path

PRELOAD = [
    # multiprocessing first re-runs the parent's main script in each child: for the pytest
    # command that is ``from pytest import console_main``, free once pytest is loaded
    "pytest",
    "isolated",
    "docgen.cli",
    "docgen.inputs.checking",
    "docgen.inputs.rosters",
    "docgen.inputs.tallies",
    "docgen.kinds.documents",
    "docgen.render.engine",
]

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


def _docgen(args: list[str], cwd: str, out: str, err: str, peak: str, limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.chdir(cwd)
    os.environ.update({"LANG": "zh_CN.UTF-8", "LANGUAGE": ""})
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    sys.argv = ["docgen", *args]
    code = 0
    try:
        from docgen.cli import main

        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    Path(peak).write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    os._exit(code)


def run(
    args: list[str], cwd: Path, *, limit: int, timeout: float
) -> tuple[int, str, str, float, float]:
    """``docgen ARGS`` in ``cwd``: exit status, stdout, stderr, seconds and peak memory (MB).
    A run still going after ``timeout`` seconds is killed (exit status -9)."""
    out, err, peak = cwd / ".stdout", cwd / ".stderr", cwd / ".peak"
    peak.unlink(missing_ok=True)
    process = _context.Process(
        target=_docgen, args=(args, str(cwd), str(out), str(err), str(peak), limit)
    )
    start = time.monotonic()
    process.start()
    process.join(timeout)
    if process.exitcode is None:
        process.kill()
        process.join()
    seconds = time.monotonic() - start
    kilobytes = float(peak.read_text()) if peak.exists() else float("inf")
    return (
        process.exitcode if process.exitcode is not None else -9,
        out.read_text("utf-8", "replace"),
        err.read_text("utf-8", "replace"),
        seconds,
        kilobytes / 1024,
    )
