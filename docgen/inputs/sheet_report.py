"""The problems found while reading one sheet, each placed in its file and sheet."""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.errors import ERROR, Problem


@dataclass
class SheetReport:
    """Collects problems of one sheet: ``report(message, cell, hint, severity)``.

    ``problems`` may be a list shared with other sheets (a workbook's, a run's)."""

    file: str
    sheet: str
    problems: list[Problem] = field(default_factory=list)

    def __call__(self, message: str, cell: str = "", hint: str = "", severity: str = ERROR) -> None:
        self.problems.append(
            Problem(
                message, file=self.file, sheet=self.sheet, cell=cell, hint=hint, severity=severity
            )
        )

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)
