"""Per-record PDFs: chunked conversion and split against batched per-file conversion.

    python benchmarks/bench_pdf.py [N] [--workers W] [--kind letters|notices|agreements]

Renders N records of a built-in document kind (default: 1,000 安全承诺书) from the demo town,
converts them twice — with ``convert_to_pdf`` (every .docx converted on its own, in a few
batched LibreOffice runs) and with ``convert_records_to_pdf`` (combined chunks converted, the
PDF split at each record's bookmark) — prints both timings and the ratio (target ≥ 8x), and
checks the split: each split PDF has the same pages and the same text as its record's own PDF.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docgen.config import load  # noqa: E402
from docgen.inputs.rosters import read_roster  # noqa: E402
from docgen.kinds.documents import KINDS  # noqa: E402
from docgen.output.batch import record_contexts  # noqa: E402
from docgen.output.pdf import convert_records_to_pdf, convert_to_pdf, find_soffice  # noqa: E402
from docgen.render.compile import CompiledTemplate  # noqa: E402
from docgen.render.pool import render_batch  # noqa: E402
from docgen.workspace import init_workspace, template_for  # noqa: E402

ROSTER = {"letters": "students", "notices": "hazards", "agreements": "units"}
NAME = {"letters": "学生姓名", "notices": "隐患点名称", "agreements": "单位名称"}


def records(folder: Path, kind: str, count: int):
    """The demo town's roster for ``kind``, repeated with distinct names up to ``count``."""
    init_workspace(folder / "town")
    settings = load(folder / "town" / "docgen.toml")
    roster = read_roster(getattr(settings.paths, ROSTER[kind]), kind=kind)
    spec = KINDS[kind]
    template = CompiledTemplate.load(template_for(settings, kind))
    rows = roster.records
    roster.records = [
        dict(rows[i % len(rows)], **{NAME[kind]: f"记录{i + 1:05d}号"}) for i in range(count)
    ]
    roster.rows = list(range(2, count + 2))
    contexts = record_contexts(roster, lambda record: spec.context(record, settings))
    return template, contexts


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return re.sub(r"\s+", "", out)


def page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--kind", choices=sorted(ROSTER), default="letters")
    args = parser.parse_args()

    if not find_soffice():
        sys.exit("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        folder = Path(tmp)
        template, contexts = records(folder, args.kind, args.count)
        single = [folder / "per-file" / f"{args.kind}-{i + 1:05d}.docx" for i in range(args.count)]
        split = [folder / "split" / p.name for p in single]
        render_batch(template, contexts, single)
        for source, copy in zip(single, split, strict=True):
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(source, copy)
        # warm the disk cache and LibreOffice's own files so neither side pays a first start
        convert_to_pdf(single[:1], force=True)

        start = time.perf_counter()
        per_file = convert_to_pdf(single, workers=args.workers, force=True)
        per_file_s = time.perf_counter() - start

        start = time.perf_counter()
        chunked = convert_records_to_pdf(template, contexts, split, workers=args.workers)
        chunked_s = time.perf_counter() - start

        assert len(per_file) == len(chunked) == args.count
        wrong = []
        for i, (own, part) in enumerate(zip(per_file, chunked, strict=True)):
            if page_count(own) != page_count(part) or (
                shutil.which("pdftotext") and pdf_text(own) != pdf_text(part)
            ):
                wrong.append(part.name)
            name = contexts[i][NAME[args.kind]]
            others = {contexts[j][NAME[args.kind]] for j in (i - 1, i + 1) if 0 <= j < args.count}
            if shutil.which("pdftotext"):
                text = pdf_text(part)
                if name not in text or any(other in text for other in others):
                    wrong.append(part.name)
        pages = sum(page_count(p) for p in chunked)
        size_own = sum(p.stat().st_size for p in per_file) / args.count
        size_split = sum(p.stat().st_size for p in chunked) / args.count

    ratio = per_file_s / chunked_s
    print(f"{args.count} {args.kind} ({pages} pages), {os.cpu_count()} CPUs")
    print(
        f"  convert_to_pdf (per file, batched runs) : {per_file_s:7.2f} s  "
        f"({per_file_s / args.count * 1000:.1f} ms/record)"
    )
    print(
        f"  convert_records_to_pdf (chunks, split)  : {chunked_s:7.2f} s  "
        f"({chunked_s / args.count * 1000:.1f} ms/record)"
    )
    print(
        f"  ratio                                   : {ratio:7.1f}x  (target ≥ 8x)"
        f"  {'ok' if ratio >= 8 else 'BELOW TARGET'}"
    )
    print(
        f"  PDF size per record: {size_own / 1024:.0f} KB converted alone, "
        f"{size_split / 1024:.0f} KB split"
    )
    if wrong:
        sys.exit(f"  split check FAILED for {len(wrong)} records, e.g. {wrong[:3]}")
    print(f"  split check: every split PDF has its own record's pages and text ({args.count} ok)")


if __name__ == "__main__":
    main()
