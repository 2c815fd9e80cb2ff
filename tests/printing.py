"""Reading printed PDFs back in tests, and a stand-in for LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path


def page_count(path: Path) -> int:
    """Pages of a PDF (pdfinfo when installed, else the page objects)."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, check=True
        ).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", Path(path).read_bytes()))


def pdf_text(path: Path, page: int | None = None) -> str:
    """The printed text with all white space removed (lines wrap anywhere in Chinese)."""
    command = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*command, str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode("utf-8"))


def pdf_boxes(path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """Every printed word of a page with its box: (xMin, yMin, xMax, yMax, word), in pt from
    the page's top left (pdftotext -bbox)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', out
    )
    return [(float(a), float(b), float(c), float(d), word) for a, b, c, d, word in found]


def fake_soffice(folder: Path, body: str) -> str:
    """A stand-in for soffice: a Python script given the same command line.

    ``body`` sees ``args``, ``outdir``, ``sources`` (the .docx given), ``PDF`` (a small valid
    PDF) and ``out(source)`` (the PDF path LibreOffice would write for ``source``).
    """
    script = Path(folder) / "fake-soffice"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, sys, time, subprocess\n"
        "args = sys.argv[1:]\n"
        "outdir = args[args.index('--outdir') + 1]\n"
        "sources = [a for a in args if a.endswith('.docx')]\n"
        "PDF = b'%PDF-1.4\\n' + b'x' * 100 + b'\\n%%EOF\\n'\n"
        "def out(source):\n"
        "    return os.path.join(outdir, os.path.basename(source)[:-5] + '.pdf')\n"
        + textwrap.dedent(body),
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(script)
