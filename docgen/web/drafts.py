"""Section ⑥ of the page: a hand-typed draft formatted to GB/T 9704 with the library's
``format_file`` and checked with ``lint_file`` (what ``docgen format`` and ``docgen lint`` do)."""

from __future__ import annotations

import secrets
from pathlib import Path

from docgen.gongwen.drafts import is_docx
from docgen.gongwen.formatting import format_file
from docgen.gongwen.lint import NotDocxError, lint_file
from docgen.i18n import _
from docgen.output.files import safe_filename


def format_upload(scratch: Path, name: str, data: bytes) -> dict:
    """Store the draft in its own scratch folder, format it beside; the reports as JSON."""
    if not is_docx(Path(name)):
        raise NotDocxError(Path(Path(name).name))
    token = secrets.token_urlsafe(12)
    folder = Path(scratch) / f"format-{token}"
    folder.mkdir(parents=True)
    stem = safe_filename(Path(name).stem, _("文稿"))
    draft = folder / (stem + Path(name).suffix.lower())
    draft.write_bytes(data)
    before = lint_file(draft, pages=False)
    output = folder / _("{name}（排版）.docx").format(name=stem)
    report = format_file(draft, output)
    return {
        "id": token,
        "path": output,
        "file": output.name,
        "download": f"/api/format/{token}",
        "recognised": report.recognised,
        "changes": report.changes,
        "draft_lint": [f.as_dict() | {"file": name} for f in before],
        "lint": [f.as_dict() | {"file": output.name} for f in report.findings],
    }
