"""Opening workbooks safely and reading counts the way a secretary typed them."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import messy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.errors import DataError
from docgen.inputs.workbook import CountError, cell_name, input_files, open_workbook, parse_count


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (20, 20),
        (20.0, 20),
        ("20", 20),
        ("２０", 20),
        ("3处", 3),
        (" 14 ", 14),
        ("1,500", 1500),
        ("１，５００", 1500),
        ("25车次", 25),
        ("60 人次", 60),
        (None, 0),
        ("", 0),
        ("  ", 0),
        ("20.0", 20),
        (0, 0),
        ("无", 0),
        ("—", 0),
    ],
)
def test_parse_count_reads_what_villages_type(value, expected):
    assert parse_count(value) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("若干", "不是确切的数"),
        ("20余", "不是确切的数"),
        (-5, "负数"),
        ("-5", "负数"),
        (3.5, "不是整数"),
        ("3.5", "不是整数"),
        (dt.datetime(2022, 3, 5), "日期"),
        (dt.date(2022, 3, 5), "日期"),
        (True, "逻辑值"),
        ("见附件", "不是整数"),
        ("1,50", "不是整数"),
    ],
)
def test_parse_count_refuses_with_a_chinese_reason(value, words):
    with pytest.raises(CountError) as info:
        parse_count(value)
    assert words in info.value.reason
    assert isinstance(info.value, ValueError)


_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@given(
    n=st.integers(min_value=0, max_value=10**9),
    form=st.sampled_from(["int", "float", "str", "full"]),
    suffix=st.sampled_from(["", "处", "次", "家", "个"]),
    left=st.sampled_from(["", " ", "  ", "\u3000"]),
    right=st.sampled_from(["", " ", "\t"]),
)
def test_any_count_written_any_way_parses_to_itself(n, form, suffix, left, right):
    if form == "int":
        value = n
    elif form == "float":
        value = float(n)
    else:
        digits = str(n) if form == "str" else str(n).translate(_FULL)
        value = f"{left}{digits}{suffix}{right}"
    assert parse_count(value) == n


@given(
    n=st.integers(min_value=1, max_value=10**6),
    form=st.sampled_from(["int", "str", "suffix"]),
)
def test_negative_counts_raise(n, form):
    value = {"int": -n, "str": f"-{n}", "suffix": f"-{n}处"}[form]
    with pytest.raises(CountError):
        parse_count(value)


@given(
    x=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(
        lambda f: not f.is_integer()
    ),
    as_text=st.booleans(),
)
def test_fractions_raise(x, as_text):
    value = f"{x:.3f}" if as_text and not float(f"{x:.3f}").is_integer() else x
    with pytest.raises(CountError):
        parse_count(value)


def test_cell_name():
    assert cell_name(7, 3) == "C7"
    assert cell_name(1, 27) == "AA1"


def test_input_files_expands_folders_and_skips_lock_and_hidden_files(tmp_path):
    messy.build_villages(tmp_path / "in")
    (tmp_path / "in" / "sub").mkdir()
    nested = messy.bad_empty(tmp_path / "in" / "sub")
    (tmp_path / "in" / ".hidden.xlsx").write_bytes(b"x")
    old = messy.bad_old_formats(tmp_path / "in")
    direct = tmp_path / "direct.xlsx"
    direct.write_bytes(b"x")
    found = input_files([tmp_path / "in", direct])
    names = [p.name for p in found]
    assert "~$青山村安全统计表.xlsx" not in names
    assert ".hidden.xlsx" not in names
    assert "说明.txt" not in names
    assert nested in found and direct in found
    assert all(p in found for p in old)
    assert found[:-1] == sorted(found[:-1])
    assert len(found) == 5 + 1 + 3 + 1


def _one_problem(path: Path) -> str:
    with pytest.raises(DataError) as info:
        open_workbook(path)
    [problem] = info.value.problems
    assert problem.file.endswith(path.name)
    return problem.message + " " + problem.hint


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("村.xls", messy.OLE_FILE, "不完整"),
        ("村.et", messy.OLE_FILE, "不完整"),
        ("村.ods", b"PK\x03\x04 not really a package", "损坏"),
        ("村.xlsb", b"PK\x03\x04 not really a package", "损坏"),
        ("村.csv", "领域,检查次数".encode("utf-16-le"), "编码"),
        ("村.numbers", b"anything", ".numbers"),
    ],
)
def test_unreadable_files_of_other_formats_say_save_as_xlsx(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    text = _one_problem(path)
    assert expected in text and "另存为 .xlsx" in text


def test_encrypted_workbook(tmp_path):
    text = _one_problem(messy.bad_encrypted(tmp_path))
    assert "加密或旧格式" in text and "取消密码" in text and "另存为 .xlsx" in text


def test_corrupt_and_missing_workbooks(tmp_path):
    assert "损坏" in _one_problem(messy.bad_corrupt(tmp_path))
    assert "不存在" in _one_problem(tmp_path / "没有这个.xlsx")
    broken = tmp_path / "坏包.xlsx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    assert "无法打开工作簿" in _one_problem(broken)


def test_libreoffice_inline_strings_are_read(tmp_path):
    path = messy.village_libreoffice(tmp_path)
    with zipfile.ZipFile(path) as z:
        assert b"LibreOffice" in z.read("docProps/app.xml")
        assert b"inlineStr" in z.read("xl/worksheets/sheet1.xml")
    rows = open_workbook(path)["Sheet1"].rows
    assert rows[2][0] == "领域"
    assert rows[3][0] == "危化品"
