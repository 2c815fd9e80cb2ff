"""Cutting a chunk's PDF into its records' PDFs at the record marks, and joining chunk PDFs
into a batch's combined PDF (pypdf reads; the files are written here; no LibreOffice).

A ``Chunk`` reads a PDF once and serialises each object it needs once, with its number
shifted by ``shift``: the chunks of one batch get consecutive ranges of numbers, so the
bytes written for the records' PDFs are the very bytes of the combined PDF, which is then
their concatenation under one page tree, with no object renumbered or written twice.
Numbers 1 and 2 are the page tree and the catalog of every file written here.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from docgen.output.files import atomic_path

# the bookmark render_combined(marks=True) puts at each record's start, kept by the export
# as a named destination
_MARK = re.compile(r"/?DocgenRecord(\d+)")
_PAGES, _CATALOG = 1, 2
FIRST_SHIFT = 2  # a PDF's own objects are numbered from 1
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
# what a PDF/A file's catalog carries besides its pages, copied so the parts stay PDF/A
_CATALOG_KEEPS = ("/Metadata", "/OutputIntents", "/Lang")


class Unsplittable(Exception):
    """Raised when a PDF does not show where each record starts."""


def _write(obj, out: io.BytesIO, shift: int) -> None:
    """Serialise a pypdf object with every reference's number shifted by ``shift``."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if isinstance(obj, IndirectObject):
        out.write(b"%d 0 R" % (obj.idnum + shift))
    elif isinstance(obj, DictionaryObject):
        stream = isinstance(obj, StreamObject)
        out.write(b"<<")
        for key, value in obj.items():
            if stream and key == "/Length":
                continue
            key.write_to_stream(out)
            out.write(b" ")
            _write(value, out, shift)
            out.write(b"\n")
        if isinstance(obj, StreamObject):
            data = obj._data
            out.write(b"/Length %d>>\nstream\n" % len(data))
            out.write(data)
            out.write(b"\nendstream")
        else:
            out.write(b">>")
    elif isinstance(obj, ArrayObject):
        out.write(b"[")
        for value in obj:
            _write(value, out, shift)
            out.write(b" ")
        out.write(b"]")
    else:
        obj.write_to_stream(out)


def _references(obj) -> set[int]:
    """The numbers of the objects ``obj`` refers to (a page's /Parent and a stream's
    /Length, written directly, left out)."""
    from pypdf.generic import IndirectObject, StreamObject

    found: set[int] = set()
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            found.add(item.idnum)
        elif isinstance(item, dict):
            skip = ("/Parent", "/Length") if isinstance(item, StreamObject) else ("/Parent",)
            stack.extend(value for key, value in item.items() if key not in skip)
        elif isinstance(item, list):
            stack.extend(item)
    return found


class Chunk:
    """A PDF read once, its objects serialised at most once with numbers shifted by
    ``shift`` (``shift + size`` is where the next chunk's numbers start)."""

    def __init__(self, pdf: Path, shift: int = FIRST_SHIFT):
        from pypdf import PdfReader

        self.shift = shift
        try:
            self.reader = PdfReader(pdf)
            self.size = int(self.reader.trailer["/Size"])  # type: ignore[call-overload]
            self.pages = len(self.reader.pages)
        except Exception as exc:  # a PDF pypdf cannot read cannot be split or joined
            raise Unsplittable from exc
        self._objects: dict[int, tuple[bytes, set[int]]] = {}  # number → (body, references)
        self._page_bodies: dict[int, tuple[int, bytes, set[int]]] = {}
        catalog: Any = self.reader.trailer["/Root"]
        keeps = {key: catalog[key] for key in _CATALOG_KEEPS if key in catalog}
        self.catalog_extra = b""
        self.catalog_references: set[int] = set()
        if "/OutputIntents" in keeps:  # a PDF/A file: its parts say so too
            from pypdf.generic import DictionaryObject, NameObject

            extra = DictionaryObject({NameObject(k): v for k, v in keeps.items()})
            out = io.BytesIO()
            _write(extra, out, shift)
            self.catalog_extra = out.getvalue()[2:-2]  # inside << >>
            self.catalog_references = _references(extra)
        identifier = self.reader.trailer.get("/ID")
        self.identifier = b""
        if identifier is not None:
            out = io.BytesIO()
            _write(identifier, out, 0)
            self.identifier = b"/ID " + out.getvalue()

    def starts(self, records: int) -> list[int]:
        """The first page of each of ``records`` records, from the record marks."""
        try:
            found: dict[int, int] = {}
            for name, destination in self.reader.named_destinations.items():
                match = _MARK.fullmatch(str(name))
                if match:
                    page = self.reader.get_destination_page_number(destination)
                    if page is not None:
                        found[int(match.group(1)) - 1] = page
        except Exception as exc:
            raise Unsplittable from exc
        first = [found.get(i, -1) for i in range(records)]
        if first[:1] != [0] or any(b <= a for a, b in pairwise(first)) or first[-1] >= self.pages:
            raise Unsplittable
        return first

    def _object(self, number: int) -> tuple[bytes, set[int]]:
        known = self._objects.get(number)
        if known is None:
            obj = self.reader.get_object(number)
            out = io.BytesIO()
            _write(obj, out, self.shift)
            known = self._objects[number] = (out.getvalue(), _references(obj))
        return known

    def _page(self, index: int) -> tuple[int, bytes, set[int]]:
        known = self._page_bodies.get(index)
        if known is None:
            from pypdf.generic import DictionaryObject, NameObject

            page = self.reader.pages[index]
            own = DictionaryObject({k: v for k, v in page.items() if k != "/Parent"})
            parent = page.get("/Parent")
            while parent is not None:  # attributes a page inherits from the page tree
                parent = parent.get_object()
                for key in _INHERITED:
                    if key in parent and key not in own:
                        own[NameObject(key)] = parent[key]
                parent = parent.get("/Parent")
            out = io.BytesIO()
            _write(own, out, self.shift)
            body = out.getvalue()[:-2] + b"/Parent %d 0 R>>" % _PAGES
            assert page.indirect_reference is not None  # a page read from a file
            number = page.indirect_reference.idnum
            known = self._page_bodies[index] = (number, body, _references(own))
        return known

    def bodies(self, pages: range) -> tuple[list[int], dict[int, bytes]]:
        """The page objects' numbers and every body those pages need, by (shifted) number."""
        bodies: dict[int, bytes] = {}
        kids = []
        stack: list[int] = list(self.catalog_references)
        for index in pages:
            number, body, references = self._page(index)
            bodies[number + self.shift] = body
            kids.append(number + self.shift)
            stack.extend(references)
        while stack:
            number = stack.pop()
            if number + self.shift not in bodies:
                body, references = self._object(number)
                bodies[number + self.shift] = body
                stack.extend(references)
        return kids, bodies

    def write(self, pages: range, target: Path) -> None:
        kids, bodies = self.bodies(pages)
        with atomic_path(target) as tmp, open(tmp, "wb") as f:
            _Writer(f).write_file(kids, bodies, self)


def split(chunk: Chunk, targets: Sequence[Path | None]) -> None:
    """Each record's pages of ``chunk`` into its own file, from the record marks (a record
    whose target is None is not written)."""
    first = chunk.starts(len(targets))
    for i, target in enumerate(targets):
        if target is not None:
            chunk.write(
                range(first[i], first[i + 1] if i + 1 < len(first) else chunk.pages), target
            )


class _Writer:
    """Writes a PDF file: bodies, then a page tree, a catalog, the cross-reference table."""

    def __init__(self, stream):
        self.stream = stream
        self.offsets: dict[int, int] = {}
        self.position = 0
        self._put(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")

    def _put(self, data: bytes) -> None:
        self.stream.write(data)
        self.position += len(data)

    def bodies(self, bodies: dict[int, bytes]) -> None:
        for number in sorted(bodies):
            if number not in self.offsets:
                self.offsets[number] = self.position
                self._put(b"%d 0 obj\n" % number)
                self._put(bodies[number])
                self._put(b"\nendobj\n")

    def finish(self, kids: list[int], catalog_extra: bytes, identifier: bytes) -> None:
        self.bodies(
            {
                _PAGES: b"<< /Type /Pages /Kids [ %s ] /Count %d >>"
                % (b" ".join(b"%d 0 R" % n for n in kids), len(kids)),
                _CATALOG: b"<< /Type /Catalog /Pages %d 0 R %s>>" % (_PAGES, catalog_extra),
            }
        )
        xref = self.position
        numbers = sorted(self.offsets)
        out = [b"xref\n0 1\n0000000000 65535 f\r\n"]
        start = 0
        for i in range(1, len(numbers) + 1):
            if i == len(numbers) or numbers[i] != numbers[i - 1] + 1:
                out.append(b"%d %d\n" % (numbers[start], i - start))
                out.extend(b"%010d 00000 n\r\n" % self.offsets[n] for n in numbers[start:i])
                start = i
        out.append(
            b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
            % (numbers[-1] + 1, _CATALOG, identifier, xref)
        )
        self._put(b"".join(out))

    def write_file(self, kids: list[int], bodies: dict[int, bytes], chunk: Chunk) -> None:
        self.bodies(bodies)
        self.finish(kids, chunk.catalog_extra, chunk.identifier)


class Joiner:
    """A combined PDF written as its chunks come, in order: each chunk's bodies are written
    once, under one page tree.  ``finish()`` puts the file in place; ``discard()`` drops it."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self._context = atomic_path(self.target)
        self._tmp = self._context.__enter__()
        self._file = open(self._tmp, "wb")
        self._writer = _Writer(self._file)
        self.kids: list[int] = []
        self._first: Chunk | None = None

    def add(self, chunk: Chunk) -> None:
        kids, bodies = chunk.bodies(range(chunk.pages))
        self._writer.bodies(bodies)
        self.kids += kids
        self._first = self._first or chunk

    def finish(self) -> None:
        if self._file.closed:
            return
        first = self._first
        self._writer.finish(
            self.kids,
            first.catalog_extra if first else b"",
            first.identifier if first else b"",
        )
        self._file.close()
        self._context.__exit__(None, None, None)

    def discard(self) -> None:
        if self._file.closed:
            return
        self._file.close()
        try:
            self._context.__exit__(RuntimeError, RuntimeError("discarded"), None)
        except RuntimeError:
            pass
        if os.path.exists(self._tmp):
            os.unlink(self._tmp)


def join(pdfs: Sequence[Path], target: Path) -> None:
    """One PDF of the pages of ``pdfs`` in order, written atomically."""
    joiner = Joiner(target)
    try:
        shift = FIRST_SHIFT
        for pdf in pdfs:
            chunk = Chunk(pdf, shift)
            joiner.add(chunk)
            shift += chunk.size
    except BaseException:
        joiner.discard()
        raise
    joiner.finish()
