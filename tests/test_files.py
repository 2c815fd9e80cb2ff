"""File names made from data: safe on every OS, bounded, never colliding, never escaping."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from docgen.output.files import MAX_NAME_BYTES, NameAllocator, safe_filename

RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in "123456789¹²³"),
    *(f"LPT{i}" for i in "123456789¹²³"),
}

# names as they come out of rosters: Chinese, punctuation, path tricks, control characters
name_text = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=st.sampled_from(list('青山村小学./\\:*?"<>| \t\n_-()（）ＡＢ…')), max_size=40),
    st.sampled_from(
        [
            "..",
            "../../etc/passwd",
            "CON",
            "con.txt",
            "nul ",
            "LPT9.docx",
            ".hidden",
            "a" * 400,
            "学" * 200,
            "  ",
            "",
            "...",
            "COM1.",
            "name. . .",
        ]
    ),
)


def check_safe(name: str) -> None:
    assert name
    assert not re.search(r'[\\/:*?"<>|\x00-\x1f\x7f]', name)
    assert ".." not in name
    assert not name.startswith((".", " "))
    assert not name.endswith((".", " "))
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name.split(".")[0].rstrip(" ").upper() not in RESERVED


@given(name_text)
@example("../../etc/passwd")
@example("CON")
@example("学" * 200)
@example("CON .txt")
@example("com1 .docx")
@example("COM¹")
def test_safe_filename_is_safe_everywhere(text):
    check_safe(safe_filename(text))


@given(name_text)
def test_safe_filename_is_stable(text):
    once = safe_filename(text)
    assert safe_filename(once) == once


@given(
    st.text(alphabet=st.characters(categories=["Lo", "Nd", "Lu", "Ll"]), min_size=1, max_size=30)
)
def test_ordinary_names_are_kept(text):
    text = unicodedata.normalize("NFC", text)  # names are stored NFC, as macOS compares them
    assert safe_filename(text) == (text if text.upper() not in RESERVED else "_" + text)


def test_examples():
    assert safe_filename("青山村/二组:名单?") == "青山村_二组_名单_"
    assert safe_filename("..") == "未命名"
    assert safe_filename(None) == "未命名"
    assert safe_filename("con") == "_con"
    assert safe_filename("  .隐藏. ") == "隐藏"


@settings(max_examples=60, deadline=None)
@given(st.lists(name_text, max_size=25))
def test_allocator_names_are_distinct_and_inside(tmp_path_factory, stems):
    folder = tmp_path_factory.mktemp("out")
    allocator = NameAllocator(folder, ".docx")
    paths = [allocator.allocate(stem) for stem in stems]
    names = [p.name for p in paths]
    assert len({n.casefold() for n in names}) == len(names)
    for path in paths:
        assert path.parent == folder
        assert path.resolve().parent == folder.resolve()
        assert path.suffix == ".docx"
        check_safe(path.stem)
        assert len(path.name.encode("utf-8")) <= MAX_NAME_BYTES


def test_allocator_numbers_duplicates(tmp_path):
    allocator = NameAllocator(tmp_path, ".docx")
    got = [
        allocator.allocate(s).name
        for s in ["王小明", "王小明", "王小明(2)", "王小明", "ABC", "abc"]
    ]
    assert got == [
        "王小明.docx",
        "王小明(2).docx",
        "王小明(2)(2).docx",
        "王小明(3).docx",
        "ABC.docx",
        "abc(2).docx",
    ]


@pytest.mark.parametrize("stem", ["a" * 300, "学" * 300])
def test_allocator_long_duplicates_stay_bounded(tmp_path, stem):
    allocator = NameAllocator(tmp_path, ".docx")
    names = [allocator.allocate(stem).name for _ in range(12)]
    assert len(set(names)) == 12
    assert all(len(n.encode()) <= MAX_NAME_BYTES for n in names)
    Path(tmp_path / names[-1]).write_bytes(b"")  # the OS accepts it
