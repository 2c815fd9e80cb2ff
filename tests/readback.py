"""Reading generated documents back in tests."""

from __future__ import annotations

import io

import docx

from docgen.render.engine import CompiledTemplate

W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def render(path, context) -> docx.Document:
    """A template rendered through docgen's engine, opened with python-docx."""
    return docx.Document(io.BytesIO(CompiledTemplate.load(path).render_bytes(context)))


def text_of(doc) -> str:
    """Every text run of the body, tables included, one per line."""
    return "\n".join(t.text or "" for t in doc.element.body.iter(W_T))
