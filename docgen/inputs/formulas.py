"""Formulas whose result was not saved: a workbook written by a program, never opened in Excel
or WPS, has formulas but no values; reading them again tells such a cell from an empty one."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import openpyxl

from docgen.errors import DataError
from docgen.inputs.workbook import open_workbook


class Formulas:
    """The workbook opened a second time, for formulas whose result was not saved."""

    def __init__(self, path: Path):
        self.path = path
        self._wb: openpyxl.Workbook | None = None
        self._any: bool | None = None

    def _has_any(self) -> bool:
        # most returns hold no formula at all: a look into the sheet XML avoids a second read
        if self._any is None:
            self._any = False
            try:
                with zipfile.ZipFile(self.path) as archive:
                    for name in archive.namelist():
                        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                            with archive.open(name) as stream:
                                if _holds_formula(stream):
                                    self._any = True
                                    break
            except (OSError, zipfile.BadZipFile, zlib.error, EOFError):
                pass
        return self._any

    def is_formula(self, sheet: str, row: int, col: int) -> bool:
        if not self._has_any():
            return False
        if self._wb is None:
            try:
                self._wb = open_workbook(self.path, data_only=False)
            except DataError:
                return False
        try:
            value = self._wb[sheet].rows[row - 1][col - 1]
        except (KeyError, IndexError):
            return False
        return isinstance(value, str) and value.startswith("=")


def _holds_formula(stream) -> bool:
    """Whether a sheet's XML has an ``<f>`` element, read in pieces (a sheet can be large)."""
    tail = b""
    while chunk := stream.read(1 << 20):
        data = tail + chunk
        if b"<f>" in data or b"<f " in data or b":f>" in data or b":f " in data:
            return True
        tail = data[-3:]
    return False
