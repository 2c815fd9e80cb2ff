"""The workspace's copies of the kinds' templates: which file is used, and keeping the copies
up to date after an upgrade (``docgen templates update``).

``init`` copies each built-in kind's template into ``templates/``, where the secretary may edit
it in Word or WPS; an edited copy there is used instead of the shipped one.  A small record,
``templates/.docgen-templates.toml``, keeps the checksum of each shipped version copied, so
``update`` can tell an untouched old copy (replaced) from one the secretary changed (kept as a
dated backup, then replaced).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from docgen.config import Settings
from docgen.kinds.registry import Kind, Registry
from docgen.output.files import atomic_path, ensure_writable

RECORD = ".docgen-templates.toml"


def template_for(settings: Settings, kind: Kind | str) -> Path:
    """The template to use for ``kind``: the workspace's copy when there is one, else the
    one shipped with the kind."""
    if isinstance(kind, str):
        kind = settings.kinds[kind]
    candidate = settings.paths.templates / kind.template
    if candidate.is_file():
        return candidate
    return kind.template_path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_record(directory: Path) -> dict[str, str]:
    try:
        data = tomllib.loads((directory / RECORD).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return {}
    shipped = data.get("shipped", {})
    return {str(k): str(v) for k, v in shipped.items()} if isinstance(shipped, dict) else {}


def _write_record(directory: Path, record: dict[str, str]) -> None:
    lines = [
        "# docgen 记录：每个内置模板复制到此处时的校验值，用于 docgen templates update 判断是否被修改过。",
        "# 请勿手工编辑。",
        "[shipped]",
        *(f'"{name}" = "{digest}"' for name, digest in sorted(record.items())),
    ]
    with atomic_path(directory / RECORD) as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")


def copy_templates(kinds: Registry, directory: Path, force: bool = False) -> list[Path]:
    """Copy every built-in kind's template into ``directory``; existing files need ``force``."""
    directory = Path(directory)
    builtin = kinds.builtin
    paths = [directory / kind.template for kind in builtin]
    ensure_writable(paths, force)
    directory.mkdir(parents=True, exist_ok=True)
    record = _read_record(directory)
    for kind, path in zip(builtin, paths, strict=True):
        with atomic_path(path) as tmp:
            shutil.copyfile(kind.template_path, tmp)
        record[kind.template] = _digest(kind.template_path)
    _write_record(directory, record)
    return paths


@dataclass(frozen=True)
class TemplateUpdate:
    """What ``update`` did with one template."""

    kind: Kind
    path: Path
    state: str  # added / updated / current / replaced (an edited copy, backed up first)
    backup: Path | None = None


def _backup_name(path: Path, today: dt.date) -> Path:
    stem = f"{path.stem}.备份-{today.isoformat()}"
    candidate = path.with_name(stem + path.suffix)
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{stem}-{number}{path.suffix}")
        number += 1
    return candidate


def update_templates(settings: Settings, today: dt.date | None = None) -> list[TemplateUpdate]:
    """Bring the workspace's copies of the built-in templates up to date.

    A copy identical to the shipped template is current; one still as it was shipped by an
    earlier version is replaced; one the secretary changed is first kept as
    ``NAME.备份-YYYY-MM-DD.docx``.  Nothing else in the workspace is touched.
    """
    directory = settings.paths.templates
    directory.mkdir(parents=True, exist_ok=True)
    record = _read_record(directory)
    today = today or dt.date.today()
    results = []
    for kind in settings.kinds.builtin:
        path = directory / kind.template
        shipped = _digest(kind.template_path)
        backup = None
        if not path.is_file():
            state = "added"
        else:
            current = _digest(path)
            if current == shipped:
                record[kind.template] = shipped
                results.append(TemplateUpdate(kind, path, "current"))
                continue
            if record.get(kind.template) == current:
                state = "updated"
            else:
                state = "replaced"
                backup = _backup_name(path, today)
                shutil.copy2(path, backup)
        with atomic_path(path) as tmp:
            shutil.copyfile(kind.template_path, tmp)
        record[kind.template] = shipped
        results.append(TemplateUpdate(kind, path, state, backup))
    _write_record(directory, record)
    return results


def other_templates(settings: Settings) -> list[Path]:
    """The workspace's own templates in templates/ that are no kind's (for ``docgen render``);
    backups and Word's lock files left out."""
    folder = settings.paths.templates
    if not folder.is_dir():
        return []
    known = {kind.template for kind in settings.kinds}
    return sorted(
        p
        for p in folder.glob("*.docx")
        if p.name not in known and not p.name.startswith(("~$", ".")) and ".备份-" not in p.name
    )
