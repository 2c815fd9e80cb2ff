"""A readable text of each shipped template, kept beside it as ``<template>.txt`` so that a
wording change shows in review.  ``python tests/dump_templates.py`` rewrites them."""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from docgen.kinds.registry import builtin_kinds


def template_text(path: Path) -> str:
    """Paragraphs in order, each with its style; table rows as ``| a | b |``."""
    doc = docx.Document(str(path))
    lines = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, doc)
            style = paragraph.style.name if paragraph.style is not None else ""
            lines.append(f"[{style}] {paragraph.text}".rstrip())
        elif tag == "tbl":
            for row in Table(block, doc).rows:
                lines.append(
                    "| " + " | ".join(cell.text.replace("\n", " / ") for cell in row.cells) + " |"
                )
    for section in doc.sections:
        for label, part in (("页眉", section.header), ("页脚", section.footer)):
            if not part.is_linked_to_previous:
                text = " / ".join(p.text for p in part.paragraphs if p.text.strip())
                if text:
                    lines.append(f"[{label}] {text}")
    return "\n".join(lines) + "\n"


def dump_path(template: Path) -> Path:
    return template.with_name(template.name + ".txt")


def main() -> int:
    for kind in builtin_kinds():
        target = dump_path(kind.template_path)
        target.write_text(template_text(kind.template_path), encoding="utf-8")
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
