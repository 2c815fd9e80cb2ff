"""PDF conversion: one soffice call per file vs docgen's batched convert_to_pdf.

    python benchmarks/bench_pdf.py [N] [--workers W]

Prints both timings and the ratio (target: batching at least 3x faster).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docgen.pdf import convert_to_pdf, find_soffice  # noqa: E402


def make_docs(folder: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        document = docx.Document()
        document.add_heading("安全承诺书", level=1)
        document.add_paragraph(f"学生 {i + 1:03d} 的家长：请督促孩子假期注意交通、防溺水、用电安全。")
        path = folder / f"承诺书-{i + 1:03d}.docx"
        document.save(path)
        paths.append(path)
    return paths


def one_call_per_file(soffice: str, paths: list[Path], outdir: Path, profile: Path) -> None:
    """What a plain script does: start LibreOffice once for every document."""
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    for path in paths:
        subprocess.run(
            [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
             "--convert-to", "pdf", "--outdir", str(outdir), str(path)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    soffice = find_soffice()
    if not soffice:
        sys.exit("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        folder = Path(tmp)
        paths = make_docs(folder, args.count)
        # warm the disk cache and a profile so neither side pays a first start
        one_call_per_file(soffice, paths[:1], folder / "warm", folder / "profile")

        start = time.perf_counter()
        one_call_per_file(soffice, paths, folder / "single", folder / "profile")
        single = time.perf_counter() - start

        start = time.perf_counter()
        pdfs = convert_to_pdf(paths, workers=args.workers, force=True)
        batched = time.perf_counter() - start
        assert len(pdfs) == args.count

    print(f"{args.count} one-page documents, {os.cpu_count()} CPUs")
    print(f"  one soffice call per file : {single:7.2f} s  ({single / args.count:.2f} s/file)")
    print(f"  convert_to_pdf (batched)  : {batched:7.2f} s  ({batched / args.count:.2f} s/file)")
    print(f"  ratio                     : {single / batched:7.1f}x  (target ≥ 3x)")


if __name__ == "__main__":
    main()
