"""`docgen build --pdf` of the demo town against plain batched soffice of the same outputs.

    python benchmarks/bench_pdf.py [--repeat R] [--no-breakdown]

1. A demo workspace (``docgen init``) is built without PDFs: the Word files to compare with.
2. Baseline: every .docx that build wrote (each record, the combined files, the summary)
   converted by plain ``soffice --headless --convert-to pdf`` runs of at most 200 files, two
   runs at a time (one per core), each with a throw-away profile.
3. ``docgen build --pdf --force`` on the same workspace, as a secretary runs it (a fresh
   interpreter), ``R`` times (default 3; the best and the median are printed).
4. Checks: every .docx has its PDF, with as many pages as the baseline's PDF of it, and each
   combined PDF has as many pages as its records' PDFs together.
5. Where the time goes: one more ``build --pdf`` in this process with every stage timed —
   LibreOffice's start, each document's import and layout+PDF writing, the Word rendering,
   the splitting and joining, LibreOffice's processor time — and the floor that gives.

Prints the ratio baseline / median build (target ≥ 5x).  The machine may be shared: the
load average is printed before each timed run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.output.pdf import find_soffice  # noqa: E402

RUN_FILES = 200  # LibreOffice 7.x ignores command-line arguments past about 250
TARGET = 5.0


def children_cpu() -> float:
    """Processor seconds of the finished child processes (theirs and their children's)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def load() -> str:
    try:
        return os.getloadavg().__repr__()
    except OSError:
        return "?"


def docgen(*args: str | Path, cwd: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "docgen", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"docgen {' '.join(map(str, args))} failed:\n{result.stdout}{result.stderr}")
    return seconds


def baseline(soffice: str, sources: list[Path], outdir: Path, workers: int = 2) -> float:
    """Plain soffice: runs of at most RUN_FILES files, ``workers`` at a time."""
    groups: list[list[Path]] = []
    for i in range(0, len(sources), RUN_FILES):
        groups.append(sources[i : i + RUN_FILES])
    waiting = list(enumerate(groups))
    running: list[tuple[subprocess.Popen, Path]] = []
    start = time.perf_counter()
    while waiting or running:
        while waiting and len(running) < workers:
            n, group = waiting.pop(0)
            profile = Path(tempfile.mkdtemp(prefix="bench-profile-"))
            out = outdir / f"run{n}"
            out.mkdir(parents=True)
            process = subprocess.Popen(
                [
                    soffice,
                    "--headless",
                    "--norestore",
                    "--nologo",
                    "--nodefault",
                    "--nolockcheck",
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out),
                    *map(str, group),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8"),
            )
            running.append((process, profile))
        time.sleep(0.05)
        for item in list(running):
            if item[0].poll() is not None:
                running.remove(item)
                shutil.rmtree(item[1], ignore_errors=True)
    return time.perf_counter() - start


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def check(outputs: Path, base: Path) -> tuple[int, list[str]]:
    """Every .docx has its PDF with the baseline's page count; combined = its records."""
    wrong = []
    total = 0
    baseline_pages = {p.stem: pages(p) for p in base.rglob("*.pdf")}
    for docx in sorted(outputs.rglob("*.docx")):
        pdf = docx.with_suffix(".pdf")
        if not pdf.is_file():
            wrong.append(f"{docx.name}: no PDF")
            continue
        count = pages(pdf)
        total += count
        if count != baseline_pages.get(docx.stem):
            wrong.append(f"{docx.name}: {count} pages, baseline {baseline_pages.get(docx.stem)}")
    for folder in (p for p in outputs.iterdir() if p.is_dir()):
        combined = outputs / f"{folder.name}（合订本）.pdf"
        if combined.is_file():
            parts = sum(pages(p) for p in folder.glob("*.pdf"))
            if pages(combined) != parts:
                wrong.append(f"{combined.name}: {pages(combined)} pages, records {parts}")
    return total, wrong


def breakdown(config: Path) -> None:
    """One build --pdf in this process with every stage timed."""
    import docgen.output.orders as orders
    import docgen.output.pdf as pdf
    import docgen.render.combined as combined
    import docgen.render.pool as pool
    from docgen import workspace
    from docgen.config import load as load_config

    spans: dict[str, list[float]] = {}
    lock = threading.Lock()

    def timed(module, name: str, label: str) -> None:
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                with lock:
                    spans.setdefault(label, []).append(time.perf_counter() - start)

        setattr(module, name, wrapper)

    # patched where they are looked up when called
    timed(pool, "render_batch", "Word files, one per record (render_batch)")
    timed(combined, "render_combined", "combined .docx and chunks (render_combined)")
    timed(orders, "split_records", "splitting chunk PDFs (pypdf)")
    timed(orders, "join_pdfs", "joining chunk PDFs into combined PDFs (pypdf)")
    printers: list[pdf.Printer] = []
    enter = pdf.Printer.__enter__

    def remember(self):
        printers.append(self)
        return enter(self)

    pdf.Printer.__enter__ = remember  # type: ignore[method-assign]
    settings = load_config(config)
    cpu = time.process_time()
    start = time.perf_counter()
    workspace.build(settings, force=True, pdf=True)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    pdf.Printer.__enter__ = enter  # type: ignore[method-assign]

    timings = [t for printer in printers for t in printer.timings]
    starts = [s for printer in printers for s in printer.starts]
    office_cpu = sum(printer.cpu for printer in printers)
    printed = sum(t["pages"] or 0 for t in timings)
    imported = sum(t["load"] for t in timings)
    exported = sum(t["export"] + t["layout"] for t in timings)
    workers = max(1, len(starts))
    print(f"\nwhere the time goes (one build --pdf in this process, load {load()}):")
    print(f"  whole build                                  {wall:6.2f} s wall")
    print(f"  docgen's own processor time (all threads)    {cpu:6.2f} s")
    for label, values in spans.items():
        print(f"  {label:44s} {sum(values):6.2f} s in {len(values)} calls")
    print(
        f"  LibreOffice start (until it listens), each    {', '.join(f'{s:.2f}' for s in starts)} s"
    )
    print(
        f"  LibreOffice: {len(timings)} documents, {printed} laid-out pages "
        f"(blank pages Writer inserts before a record that restarts at page 1 included)"
    )
    print(f"    importing .docx                             {imported:6.2f} s")
    print(f"    laying out + writing PDF                    {exported:6.2f} s")
    print(f"    processor time of the {workers} processes         {office_cpu:6.2f} s")
    jobs = sorted(timings, key=lambda t: -(t["pages"] or 0))[:3]
    for t in jobs:
        rate = (t["pages"] or 0) / max(1e-9, t["load"] + t["export"] + t["layout"])
        print(
            f"    e.g. {t['source'].name}: {t['pages']} pages, import {t['load']:.2f} s, "
            f"layout+PDF {t['export'] + t['layout']:.2f} s ({rate:.0f} pages/s)"
        )
    return_pages = printed
    if office_cpu:
        rate = return_pages / office_cpu
        print(
            f"  floor: {rate:.0f} laid-out pages per processor-second per LibreOffice process; "
            f"{return_pages} pages on {workers} processes need at least "
            f"{return_pages / rate / workers:.1f} s plus one start ({min(starts or [0]):.1f} s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-breakdown", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()

    soffice = find_soffice()
    if not soffice:
        sys.exit("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        folder = Path(tmp)
        town = folder / "demo"
        docgen("init", town, cwd=folder)
        config = town / "docgen.toml"
        word = docgen("build", "-c", config, cwd=folder)
        outputs = town / "outputs"
        sources = sorted(outputs.rglob("*.docx"))
        print(f"demo: {len(sources)} Word files (written in {word:.2f} s), {os.cpu_count()} CPUs")

        base = folder / "baseline"
        base_s = None
        if not args.no_baseline:
            print(f"baseline, load {load()} ...", flush=True)
            cpu = children_cpu()
            base_s = baseline(soffice, sources, base)
            base_cpu = children_cpu() - cpu
            print(
                f"  batched soffice, {len(sources)} files:     {base_s:7.2f} s  "
                f"(processor time {base_cpu:.1f} s)"
            )
        runs = []
        cpus = []
        for n in range(args.repeat):
            print(f"build --pdf #{n + 1}, load {load()} ...", flush=True)
            cpu = children_cpu()
            runs.append(docgen("build", "-c", config, "--pdf", "--force", cwd=folder))
            cpus.append(children_cpu() - cpu)
            print(
                f"  docgen build --pdf:                {runs[-1]:7.2f} s  "
                f"(processor time {cpus[-1]:.1f} s, LibreOffice's included)"
            )
        if base_s is not None:
            total, wrong = check(outputs, base)
            if wrong:
                sys.exit("check FAILED:\n  " + "\n  ".join(wrong[:20]))
            print(f"check: every .docx has its PDF with the baseline's pages ({total} pages)")
        best, median = min(runs), statistics.median(runs)
        print(f"build --pdf: best {best:.2f} s, median {median:.2f} s of {len(runs)}")
        if base_s is not None:
            ratio = base_s / median
            print(
                f"ratio baseline / median build: {ratio:.1f}x (best {base_s / best:.1f}x)  "
                f"target ≥ {TARGET:g}x  {'ok' if ratio >= TARGET else 'BELOW TARGET'}"
            )
            if base_cpu and min(cpus):
                # processor time hardly depends on what else the machine runs
                print(
                    f"ratio of processor time: {base_cpu / statistics.median(cpus):.1f}x; "
                    f"build --pdf needs {statistics.median(cpus):.1f} processor-seconds, at "
                    f"least {statistics.median(cpus) / (os.cpu_count() or 1):.1f} s on "
                    f"{os.cpu_count()} idle cores"
                )
        if not args.no_breakdown:
            breakdown(config)


if __name__ == "__main__":
    main()
