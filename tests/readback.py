"""Reading generated documents back in tests."""

from __future__ import annotations

import io

import docx

from docgen.kinds.documents import load_template

W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def render(path, context) -> docx.Document:
    """A template rendered through docgen's engine, with the finishing steps of the kind it is
    the template of (if any), opened with python-docx."""
    return docx.Document(io.BytesIO(load_template(path).render_bytes(context)))


def text_of(doc) -> str:
    """Every text run of the body, tables included, one per line."""
    return "\n".join(t.text or "" for t in doc.element.body.iter(W_T))
