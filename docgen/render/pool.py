"""Many records at once: one .docx per record, shared among worker processes for big batches."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from docgen.render.compile import CompiledTemplate

# records at and above which render_batch uses a process pool (fork: cheap to start)
POOL_THRESHOLD = 1000 if "fork" in multiprocessing.get_all_start_methods() else 1500
_CHUNK = 50


def _render_chunk(template: CompiledTemplate, jobs: list[tuple[int, dict, str]]) -> int:
    for index, context, path in jobs:
        template.render_to(context, Path(path), index=index)
    return len(jobs)


_WORKER_TEMPLATE: CompiledTemplate | None = None


def _init_worker(template: CompiledTemplate) -> None:
    global _WORKER_TEMPLATE
    _WORKER_TEMPLATE = template


def _worker_chunk(jobs: list[tuple[int, dict, str]]) -> int:
    assert _WORKER_TEMPLATE is not None  # set by _init_worker
    return _render_chunk(_WORKER_TEMPLATE, jobs)


def render_batch(
    template: CompiledTemplate,
    contexts: Iterable[dict],
    paths: Sequence[Path],
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Render one .docx per context to the matching path; returns ``paths`` in order.

    The first record is rendered here first, so a template error (the same for all records,
    usually) stops the batch before anything else runs.  From ``POOL_THRESHOLD`` records on,
    the rest is shared among worker processes (``workers``: default one per core).  On a
    template error the batch stops; the failing record gets no file.
    """
    contexts = list(contexts)
    paths = [Path(p) for p in paths]
    if len(contexts) != len(paths):
        raise ValueError(f"{len(contexts)} contexts but {len(paths)} paths")
    if not contexts:
        return []
    report = progress or (lambda n: None)
    template.render_to(contexts[0], paths[0], index=0)
    report(1)
    jobs = [(i, contexts[i], str(paths[i])) for i in range(1, len(contexts))]
    if workers is None:
        workers = (os.cpu_count() or 1) if len(contexts) >= POOL_THRESHOLD else 1
    if workers <= 1 or len(jobs) < 2 * _CHUNK:
        for start in range(0, len(jobs), _CHUNK):
            report(_render_chunk(template, jobs[start : start + _CHUNK]))
        return paths
    _run_pool(template, jobs, workers, report)
    return paths


def _run_pool(template, jobs, workers, report) -> None:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    size = max(1, min(_CHUNK, len(jobs) // (workers * 4) or 1))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(template,)
    ) as pool:
        pending = {pool.submit(_worker_chunk, chunk) for chunk in chunks}
        try:
            while pending:
                # each chunk is reported as it finishes; the first failure stops the batch
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    report(future.result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise
