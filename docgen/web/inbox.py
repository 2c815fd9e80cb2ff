"""What the page keeps about the files it was given: refusals until dismissed, backups of
replaced files, the demo town's files, and the tests every upload passes before it is stored
(docgen's own outputs, templates typed with full-width braces).

Everything is kept in the workspace's hidden ``.docgen`` folder, so it survives a reload and a
restart of ``docgen serve``; nothing there is read as an input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import shutil
import threading
import zipfile
from functools import cache
from pathlib import Path

from docgen.output.files import safe_filename, write_bytes_atomic

STATE = ".docgen"
REFUSED = "refused.json"
BACKUPS = "backups"
MAX_REFUSALS = 200  # the oldest go first: a list nobody reads helps nobody

# ｛｛ ｝｝ ｛％ ％｝ typed with a Chinese keyboard, in any mix with half-width ones
_FULL_WIDTH_TAG = re.compile(r"[｛{]\s*[｛％%]|[％%｝]\s*[｝}]")
_HALF_WIDTH_TAG = re.compile(r"\{\{|\}\}|\{%|%\}")
_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_PARAGRAPH_END = re.compile(rb"</w:p>")


class Refusals:
    """Uploads that were refused, with their message, kept until the secretary dismisses them."""

    def __init__(self, root: Path):
        self.path = Path(root) / STATE / REFUSED
        self._lock = threading.Lock()

    def all(self) -> list[dict]:
        try:
            found = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [r for r in found if isinstance(r, dict) and {"id", "name", "message"} <= set(r)]

    def _save(self, rows: list[dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(rows[-MAX_REFUSALS:], ensure_ascii=False, indent=1)
        write_bytes_atomic(self.path, data.encode("utf-8"))

    def add(self, name: str, message: str) -> dict:
        """Remember a refusal; the same file refused again replaces its older entry."""
        row = {
            "id": secrets.token_hex(6),
            "name": name,
            "message": message,
            "time": dt.datetime.now().isoformat(timespec="seconds"),
        }
        with self._lock:
            rows = [r for r in self.all() if r["name"] != name]
            self._save([*rows, row])
        return row

    def dismiss(self, refusal_id: str) -> bool:
        with self._lock:
            rows = self.all()
            kept = [r for r in rows if r["id"] != refusal_id]
            if len(kept) == len(rows):
                return False
            self._save(kept)
            return True

    def forget(self, name: str) -> None:
        """A file once refused was accepted since: its refusal no longer holds."""
        with self._lock:
            rows = self.all()
            kept = [r for r in rows if r["name"] != name]
            if len(kept) != len(rows):
                self._save(kept)


class Backups:
    """The files the page replaced or removed, kept in ``.docgen/backups`` under dated names,
    with where each was (``index.json``): listed on the page and put back on request.
    Putting one back keeps the file it replaces as a backup in turn — nothing is lost."""

    INDEX = "index.json"

    def __init__(self, root: Path):
        self.root = Path(root)
        self.folder = self.root / STATE / BACKUPS
        self._lock = threading.Lock()

    def _index(self) -> dict[str, dict]:
        try:
            found = json.loads((self.folder / self.INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return (
            {k: v for k, v in found.items() if isinstance(v, dict)}
            if isinstance(found, dict)
            else {}
        )

    def keep(self, path: Path, why: str) -> Path:
        """Copy ``path`` (a file about to be replaced or removed: ``why``) into the backups."""
        self.folder.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now()
        stamp = now.strftime("%Y%m%d-%H%M%S")
        target = self.folder / f"{stamp}-{path.name}"
        n = 2
        while target.exists():
            target = self.folder / f"{stamp}-{n}-{path.name}"
            n += 1
        shutil.copy2(path, target)
        try:
            name = Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return target
        with self._lock:
            index = self._index()
            index[target.name] = {"name": name, "why": why, "time": now.isoformat("T", "seconds")}
            data = json.dumps(index, ensure_ascii=False, indent=1).encode("utf-8")
            write_bytes_atomic(self.folder / self.INDEX, data)
        return target

    def all(self) -> list[dict]:
        """Every backup, newest first: id (its file name), name (where it was; empty when not
        known), why (replaced / removed), time, size."""
        if not self.folder.is_dir():
            return []
        index = self._index()
        rows = []
        for path in self.folder.iterdir():
            if not path.is_file() or path.name == self.INDEX or path.name.startswith("."):
                continue
            known = index.get(path.name, {})
            name = known.get("name") if self._placeable(known.get("name")) else ""
            rows.append(
                {
                    "id": path.name,
                    "name": name,
                    "file": Path(name).name if name else path.name,
                    "why": known.get("why", ""),
                    "time": known.get("time")
                    or dt.datetime.fromtimestamp(path.stat().st_mtime).isoformat("T", "seconds"),
                    "size": path.stat().st_size,
                }
            )
        return sorted(rows, key=lambda r: (r["time"], r["id"]), reverse=True)

    def _placeable(self, name: object) -> bool:
        """Whether ``name`` is a place inside the workspace a backup may go back to."""
        if not isinstance(name, str) or not name or "\\" in name:
            return False
        parts = Path(name).parts
        if Path(name).is_absolute() or ".." in parts or parts[0] == STATE:
            return False
        return (self.root / name).resolve().is_relative_to(self.root.resolve())

    def find(self, backup_id: str) -> dict | None:
        """The backup called ``backup_id`` (as ``all`` lists it), if there is one."""
        return next((row for row in self.all() if row["id"] == backup_id), None)

    def restore(self, backup_id: str) -> tuple[str, Path | None]:
        """Put a backup back where it was; the file there now, if any, is kept first.  Returns
        the name restored and the backup of the file it replaced.  KeyError: no such backup
        or no known place."""
        row = self.find(backup_id)
        if row is None or not row["name"]:
            raise KeyError(backup_id)
        dest = self.root / row["name"]
        kept = self.keep(dest, "replaced") if dest.is_file() else None
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(dest, (self.folder / backup_id).read_bytes())
        return row["name"], kept


def unit_file_name(name: str, unit: str) -> str:
    """``统计表.xlsx`` sent by 东山村 → ``统计表-东山村.xlsx`` (a name that tells returns apart)."""
    stem, suffix = Path(name).stem, Path(name).suffix
    if unit in stem:
        return name
    return safe_filename(f"{stem}-{unit}") + suffix


# --- docgen's own outputs and the demo town -----------------------------------------------------


def full_width_tags(path: Path) -> list[str]:
    """Paragraph texts of a .docx that hold a template tag typed with full-width braces."""
    found = []
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [
                n
                for n in archive.namelist()
                if n.startswith("word/") and n.endswith(".xml") and "/_rels/" not in n
            ]
            for part in parts:
                xml = archive.read(part)
                for paragraph in _PARAGRAPH_END.split(xml):
                    text = b"".join(_TEXT.findall(paragraph)).decode("utf-8", "replace")
                    for match in _FULL_WIDTH_TAG.finditer(text):
                        if not _HALF_WIDTH_TAG.fullmatch(match.group(0).replace(" ", "")):
                            found.append(text.strip()[:40])
                            break
    except (OSError, zipfile.BadZipFile, KeyError):
        return []
    return found


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cache
def demo_digests() -> dict[str, str]:
    """The shipped demo inputs: relative path → SHA-256."""
    from docgen.workspace import demo_files

    return {
        relative.as_posix(): _digest(source.read_bytes())
        for source, relative in demo_files()
        if relative.parts[0] == "inputs"
    }


def demo_inputs(root: Path) -> list[Path]:
    """The files of the workspace that are still ``docgen init``'s demo inputs, unchanged."""
    found = []
    for relative, digest in demo_digests().items():
        path = Path(root) / relative
        try:
            if path.is_file() and _digest(path.read_bytes()) == digest:
                found.append(path)
        except OSError:
            continue
    return found
