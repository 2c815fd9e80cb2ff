"""Roster sheets (名册) → records, one per document to produce.

The header is the first row (within the first 10) with at least two text cells, so a merged
title row above it is skipped.  Every column becomes a template variable named by its header
text; ``*`` after a header marks a required column.  Values are read as a secretary typed
them: phone numbers stay text, dates become dates, integral numbers lose their ``.0``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen import vocabulary as vocab
from docgen.errors import WARNING, DataError, Problem, display_path
from docgen.i18n import _, join
from docgen.inputs.sheet_report import SheetReport
from docgen.inputs.workbook import cell_name, is_blank, open_workbook, sheet_rows, shorten
from docgen.kinds.registry import Kind, Registry, registry

HEADER_SEARCH_ROWS = 10
# Columns whose numbers are identifiers, not quantities: keep them as text.
_TEXT_COLUMNS = re.compile(r"电话|手机|号码|身份证|证件|学号|编号|邮编|账号|代码")
_FOOTER = re.compile(r"^(填表人|填报人|审核人|制表人|备注|注|说明)\s*[:：]")


@dataclass
class Roster:
    """The records of one roster sheet and where each came from."""

    path: Path
    sheet: str
    columns: list[str]
    required: list[str]
    records: list[dict[str, object]]
    rows: list[int]
    header_row: int = 0
    positions: list[int] = field(default_factory=list)  # 1-based column number per column
    problems: list[Problem] = field(default_factory=list)  # warnings; errors are raised

    def __len__(self) -> int:
        return len(self.records)

    def cell(self, index: int, column: str) -> str:
        """``C7`` for record number ``index`` (0-based) and a column name."""
        return cell_name(self.rows[index], self.positions[self.columns.index(column)])


def _header_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return vocab.normalize_header(value)


def _text_cells(row: tuple) -> int:
    return sum(1 for v in row if isinstance(v, str) and v.strip())


def find_header(rows: list[tuple], wanted: tuple[str, ...] = ()) -> int | None:
    """0-based index of the header row: one holding all ``wanted`` columns if given,
    else the first row with at least two text cells."""
    first = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if _text_cells(row) < 2:
            continue
        if first is None:
            first = index
        if wanted:
            names = {_header_text(v).rstrip("*") for v in row if not is_blank(v)}
            if all(w in names for w in wanted):
                return index
    return first


def _value(value: object, column: str) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        if "日期" in column:  # a date typed as text, or every date of a CSV
            return vocab.parse_date(text) or text
        return text
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and _TEXT_COLUMNS.search(column):
        return str(value)
    if isinstance(value, float) and _TEXT_COLUMNS.search(column):
        return str(value)
    return value


def _kind(kind: Kind | str | None) -> Kind | None:
    if isinstance(kind, str):
        return registry().get(kind)
    return kind


def _required_columns(kind: Kind | str | None) -> tuple[str, ...]:
    kind = _kind(kind)
    return kind.roster.required if kind is not None and kind.roster else ()


def _date_columns(kind: Kind | None, columns: list[str]) -> set[str]:
    """Columns read as dates: those the kind declares, and any named …日期."""
    declared = {c.name for c in kind.roster.columns if c.date} if kind and kind.roster else set()
    return declared | {name for name in columns if name.endswith("日期")}


def _name_fields(kind: Kind | None) -> tuple[str, ...]:
    """The columns a kind's documents are named by (``{单位名称}-安全生产责任书``)."""
    if kind is None or not kind.output_name:
        return ()
    return tuple(dict.fromkeys(re.findall(r"{([^{}]+)}", kind.output_name)))


# A name that reads as a path or a device, not as a unit or a place
_PATH_LIKE = re.compile(r"(^|[\\/])\.\.([\\/]|$)|^[\\/]|[\x00-\x1f]|^[A-Za-z]:[\\/]")


def _pick_sheet(wb, sheet: str | None, wanted: tuple[str, ...], shown: str):
    if sheet is not None:
        names = wb.sheetnames
        if sheet in names:
            return wb[sheet], sheet_rows(wb[sheet])
        folded = {vocab.clean_text(n): n for n in names}
        if vocab.clean_text(sheet) in folded:
            ws = wb[folded[vocab.clean_text(sheet)]]
            return ws, sheet_rows(ws)
        raise DataError(
            [
                Problem(
                    _("没有名为“{sheet}”的工作表").format(sheet=sheet),
                    file=shown,
                    hint=_("这个工作簿中的工作表有：{names}").format(names=join(names)),
                )
            ]
        )
    candidates = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        rows = sheet_rows(ws)
        index = find_header(rows, wanted)
        if index is None:
            continue
        if wanted:
            names = {_header_text(v).rstrip("*") for v in rows[index] if not is_blank(v)}
            if all(w in names for w in wanted):
                return ws, rows
        candidates.append((ws, rows))
    if candidates:
        return candidates[0]
    ws = wb.worksheets[0]
    return ws, sheet_rows(ws)


@dataclass
class _Header:
    """The columns of a roster's header row: names, 0-based positions, the required ones."""

    row: int  # 1-based
    columns: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    required: list[str] = field(default_factory=list)

    def cell(self, excel_row: int, name: str) -> str:
        """``C7``: where column ``name`` is on a row."""
        return cell_name(excel_row, self.positions[self.columns.index(name)] + 1)


def _header_index(rows: list[tuple], wanted: tuple[str, ...], shown: str, title: str) -> int:
    """The header row's index; ``DataError`` if none of the first rows reads as one."""
    header_index = find_header(rows, wanted)
    if header_index is not None:
        return header_index
    expected = join(wanted) if wanted else _("各列的名称")
    raise DataError(
        [
            Problem(
                _("找不到表头：前 {n} 行中没有一行至少有两个列名").format(n=HEADER_SEARCH_ROWS),
                file=shown,
                sheet=title,
                hint=_("表头应写明 {expected}；可用 docgen forms 生成空白名册").format(
                    expected=expected
                ),
            )
        ]
    )


def _read_header(
    row: tuple, header_row: int, wanted: tuple[str, ...], problem: SheetReport
) -> _Header:
    """The columns named in the header row; a repeated name or a missing required column is
    reported."""
    header = _Header(header_row)
    where: dict[str, str] = {}
    for col, value in enumerate(row):
        if is_blank(value):
            continue
        text = _header_text(value)
        star = text.endswith("*")
        name = text.rstrip("*")
        if not name:
            continue
        cell = cell_name(header_row, col + 1)
        if name in where:
            problem(
                _("列名“{name}”重复：{first} 和 {second}").format(
                    name=shorten(name), first=where[name], second=cell
                ),
                cell,
                _("请删除或改名其中一列，每个列名只能出现一次"),
            )
            continue
        where[name] = cell
        header.columns.append(name)
        header.positions.append(col)
        if star or name in wanted:
            header.required.append(name)
    missing = [name for name in wanted if name not in where]
    if missing:
        problem(
            _("第 {row} 行的表头缺少必需的列：{names}").format(row=header_row, names=join(missing)),
            "",
            _("现有的列：{columns}；请补上缺少的列（列名须一致）").format(
                columns=join(shorten(c) for c in header.columns)
            ),
        )
    return header


def _read_date(record: dict, name: str, cell: str, problem: SheetReport) -> None:
    """A date column's value as a date; one that cannot be read stays as typed, with a warning."""
    value = record[name]
    if value == "" or isinstance(value, dt.date):
        return
    day = vocab.parse_date(value)
    if day is not None:
        record[name] = day
        return
    problem(
        _("“{value}”不是日期").format(value=shorten(value)),
        cell,
        _("请写成 2023年1月5日 或 2023-1-5；照原样印出，依赖这个日期的内容（如有效期）不会印出")
        if not vocab.looks_like_date(value)
        else _("这一天不存在，请核对年月日"),
        WARNING,
    )


def _is_skipped(raw: list) -> bool:
    """An empty row, or a 填表人：… line under the list."""
    if all(is_blank(v) for v in raw):
        return True
    filled = [v for v in raw if not is_blank(v)]
    return (
        len(filled) == 1 and isinstance(filled[0], str) and bool(_FOOTER.match(filled[0].strip()))
    )


def _check_record(
    record: dict, excel_row: int, header: _Header, spec: Kind | None, problem: SheetReport
) -> None:
    """Report a required column left empty, and a 责任书's sector that is not a known one."""
    for name in header.required:
        if name in record and record[name] == "":
            problem(
                _("必填项“{name}”为空").format(name=name),
                header.cell(excel_row, name),
                _("请填写后再生成；不需要这一行就把整行删除"),
            )
    if spec is not None and spec.key == "agreements" and record.get("行业领域") not in ("", None):
        if vocab.sector_of(record["行业领域"]) is None:
            problem(
                _("行业领域“{value}”不是已知领域，只会使用通用条款").format(
                    value=shorten(record["行业领域"])
                ),
                header.cell(excel_row, "行业领域"),
                _("领域应为以下之一：{known}").format(known=join(vocab.SECTORS)),
                WARNING,
            )


def _read_rows(
    rows: list[tuple], header: _Header, spec: Kind | None, problem: SheetReport
) -> tuple[list[dict[str, object]], list[int]]:
    """The records under the header, and the Excel row of each."""
    dates = _date_columns(spec, header.columns)
    records: list[dict[str, object]] = []
    record_rows: list[int] = []
    for r in range(header.row, len(rows)):
        row = rows[r]
        raw = [row[c] if c < len(row) else None for c in header.positions]
        if _is_skipped(raw):
            continue
        excel_row = r + 1
        record = {
            name: _value(value, name) for name, value in zip(header.columns, raw, strict=True)
        }
        for name in dates & record.keys():
            _read_date(record, name, header.cell(excel_row, name), problem)
        _check_record(record, excel_row, header, spec, problem)
        records.append(record)
        record_rows.append(excel_row)
    return records, record_rows


def read_roster(
    path: Path, *, sheet: str | None = None, kind: Kind | str | None = None, wb=None
) -> Roster:
    """Read a roster; raise ``DataError`` with every problem found.

    ``kind`` (a document kind, or its key) makes that roster's required columns
    mandatory even without ``*``.  Warnings (e.g. no data rows) are in ``Roster.problems``.
    ``wb`` is the workbook when the caller has already opened ``path``.
    """
    path = Path(path)
    shown = display_path(path)
    if wb is None:
        wb = open_workbook(path)
    spec = _kind(kind)
    wanted = _required_columns(spec)
    ws, rows = _pick_sheet(wb, sheet, wanted, shown)
    problem = SheetReport(shown, ws.title)
    header_index = _header_index(rows, wanted, shown, ws.title)
    header = _read_header(rows[header_index], header_index + 1, wanted, problem)
    records, record_rows = _read_rows(rows, header, spec, problem)
    fields = _name_fields(spec)
    _check_names(records, record_rows, fields, header.columns, header.positions, problem)
    if not records and not problem.has_errors:
        problem(_("名册只有表头，没有数据行"), "", _("请在表头下面逐行填写"), WARNING)
    if problem.has_errors:
        raise DataError(problem.problems)
    return Roster(
        path=path,
        sheet=ws.title,
        columns=header.columns,
        required=header.required,
        records=records,
        rows=record_rows,
        header_row=header.row,
        positions=[c + 1 for c in header.positions],
        problems=problem.problems,
    )


def _check_names(records, record_rows, fields, columns, positions, problem) -> None:
    """Warn of rows whose document name reads as a path, and of two rows naming the same
    document (two 责任书 for one unit): both would be printed."""
    seen: dict[tuple, int] = {}
    for record, excel_row in zip(records, record_rows, strict=True):
        present = [f for f in fields if f in columns]
        for name in present:
            value = record.get(name)
            if isinstance(value, str) and _PATH_LIKE.search(value):
                problem(
                    _("“{value}”像文件路径，不像{name}").format(value=shorten(value), name=name),
                    cell_name(excel_row, positions[columns.index(name)] + 1),
                    _("请核对这一行；文件名中的 \\ / 等字符会被替换"),
                    WARNING,
                )
        key = tuple(str(record.get(f, "")).strip() for f in present)
        if not present or not any(key):
            continue
        if key in seen:
            first = present[0]
            problem(
                _("{name}“{value}”与第 {row} 行重复，会印出两份").format(
                    name=first, value=shorten(key[0]), row=seen[key]
                ),
                cell_name(excel_row, positions[columns.index(first)] + 1),
                _("同一单位只需一行：删除重复的一行，或在名称上加以区分"),
                WARNING,
            )
        else:
            seen[key] = excel_row


def _json_reason(message: str) -> str:
    """json's own (English) words for a syntax error, in the secretary's."""
    reasons = {
        "Expecting ',' delimiter": _("缺少逗号"),
        "Expecting ':' delimiter": _("缺少冒号"),
        "Expecting property name enclosed in double quotes": _(
            "键名要用英文双引号括起来（或最后一项后面多了逗号）"
        ),
        "Expecting value": _("缺少值（或最后一项后面多了逗号）"),
        "Extra data": _("数据结束后还有多余的内容"),
        "Unterminated string starting at": _("字符串缺少结尾的双引号"),
        "Invalid control character at": _("字符串中有不允许的控制字符"),
        "Invalid \\escape": _("字符串中有无效的反斜杠转义"),
    }
    return next((text for prefix, text in reasons.items() if message.startswith(prefix)), message)


MAX_JSON_BYTES = 50 * 2**20


def _json_failure(shown: str, message: str, hint: str = "") -> DataError:
    return DataError([Problem(message, file=shown, hint=hint)])


def _json_text(path: Path, shown: str) -> str:
    """The text of a .json data file, at most ``MAX_JSON_BYTES`` of UTF-8."""
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise _json_failure(
                shown, _("数据文件过大（超过 {limit} MB）").format(limit=MAX_JSON_BYTES // 2**20)
            )
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise _json_failure(shown, _("找不到数据文件")) from None
    except UnicodeDecodeError:
        raise _json_failure(
            shown, _("数据文件不是 UTF-8 编码"), _("请用记事本等另存为 UTF-8 编码")
        ) from None
    except OSError as exc:
        raise _json_failure(
            shown, _("无法读取数据文件：{error}").format(error=exc.strerror or exc)
        ) from None


def _json_data(text: str, shown: str) -> Any:
    """The parsed JSON; a syntax error is named by its line and column."""
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        reason = _json_reason(exc.msg)
        raise _json_failure(
            shown,
            _("JSON 格式有误，第 {line} 行第 {column} 列：{reason}").format(
                line=exc.lineno, column=exc.colno, reason=reason
            ),
            _("可以用文本编辑器打开，检查这个位置附近的括号、引号和逗号"),
        ) from None
    except RecursionError:
        raise _json_failure(shown, _("JSON 嵌套层次过深")) from None
    except ValueError:  # Python refuses to read an integer of more than 4300 digits
        raise _too_many_digits(text, shown) from None


def _too_many_digits(text: str, shown: str) -> DataError:
    """Where the number too long to read starts, and how many digits it has."""
    long = re.search(r"\d{4000,}", text)
    at = long.start() if long else 0
    line = text.count("\n", 0, at) + 1
    return _json_failure(
        shown,
        _("JSON 第 {line} 行第 {column} 列的数字位数过多（{digits} 位），无法读取").format(
            line=line,
            column=at - text.rfind("\n", 0, at),
            digits=len(long.group(0)) if long else "?",
        ),
        _("编号、证件号等请加英文双引号写成文字"),
    )


def _json_columns(items: list, shown: str) -> list[str]:
    """Every key of the records, in order of first use; each item must be an object."""
    columns: list[str] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise _json_failure(
                shown,
                _("第 {n} 条记录不是对象（{{…}}），而是{what}").format(
                    n=number, what=_json_kind(item)
                ),
                _('数据应是一个对象，或由对象组成的列表：[{"姓名": "张三"}, …]'),
            )
        for key in item:
            if key not in columns:
                columns.append(key)
    return columns


def read_json_records(path: Path) -> Roster:
    """A .json data file (one record as an object, or a list of records) as a roster: each
    object is one document; nested lists and objects feed loops and tables.  Raises
    ``DataError`` naming the line and column of a syntax error."""
    path = Path(path)
    shown = display_path(path)
    data = _json_data(_json_text(path, shown), shown)
    items = data if isinstance(data, list) else [data]
    columns = _json_columns(items, shown)
    problems = []
    if not items:
        problems.append(Problem(_("数据文件中没有记录"), file=shown, severity=WARNING))
    return Roster(
        path=path,
        sheet="",
        columns=columns,
        required=[],
        records=list(items),
        rows=[],
        problems=problems,
    )


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return _("列表")
    if isinstance(value, str):
        return _("文字")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("真假值")
    return _("数字")


def read_records(path: Path, *, sheet: str | None = None, kind: Kind | str | None = None) -> Roster:
    """The records of a data file: a roster workbook, or a .json file."""
    if Path(path).suffix.lower() == ".json":
        return read_json_records(path)
    return read_roster(path, sheet=sheet, kind=kind)


def check_roster(
    path: Path, kind: Kind | str | None = None, sheet: str | None = None
) -> list[Problem]:
    """Every problem of a roster (errors and warnings), without raising."""
    try:
        roster = read_roster(path, sheet=sheet, kind=kind)
    except DataError as exc:
        return exc.problems
    return roster.problems


def headers_of(wb) -> list[set[str]]:
    """Header names (without ``*``) of each visible sheet's header row."""
    found = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        rows = sheet_rows(ws, HEADER_SEARCH_ROWS)
        for row in rows:
            if _text_cells(row) >= 2:
                names = {_header_text(v).rstrip("*") for v in row if not is_blank(v)}
                found.append(names)
    return found


def kind_of_headers(header_sets: list[set[str]], kinds: Registry | None = None) -> Kind | None:
    """The kind whose roster's required columns a header row holds (the best match)."""
    best, best_score = None, 0
    for names in header_sets:
        for kind in (kinds or registry()).batches:
            assert kind.roster is not None
            if not all(n in names for n in kind.roster.required):
                continue
            score = sum(1 for n in kind.roster.names if n in names)
            if score > best_score:
                best, best_score = kind, score
    return best


def roster_kind(path: Path, kinds: Registry | None = None) -> str | None:
    """The key of the kind a roster is for (``agreements`` …), from its headers; None if none
    fits."""
    try:
        wb = open_workbook(Path(path))
    except DataError:
        return None
    kind = kind_of_headers(headers_of(wb), kinds)
    return kind.key if kind else None
