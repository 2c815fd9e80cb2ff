import datetime as dt

import pytest

from docgen.config import load
from docgen.errors import ConfigError


def write(tmp_path, text):
    path = tmp_path / "docgen.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_issuer_summary_and_paths_relative_to_the_file(tmp_path):
    path = write(
        tmp_path,
        """
[issuer]
name = "青山镇人民政府"
short_name = "青山镇"
recipient = "区应急管理局"

[summary]
title = "青山镇安全生产专项整治三年行动工作总结"
date = 2022-12-20
years = [2020, 2022]

[paths]
tallies = "data/tallies"
""",
    )
    settings = load(path)
    assert settings.issuer.name == "青山镇人民政府"
    assert settings.summary.date == dt.date(2022, 12, 20)
    assert settings.summary.years == (2020, 2022)
    assert settings.paths.tallies == tmp_path / "data/tallies"
    assert settings.paths.students == tmp_path / "inputs/students.xlsx"


def test_missing_explicit_config_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError, match="docgen init"):
        load(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[summary]\ndate = "2022年12月20日"\n', "summary.date"),
        ("[summary]\nyears = [2022, 2020]\n", "summary.years"),
        ("[issuer]\nname = 3\n", "issuer.name"),
        ("[issuer\nname = 'x'\n", "格式有误"),
        ('[output]\npdf = "yes"\n', "output.pdf"),
    ],
)
def test_bad_values_are_named(tmp_path, text, needle):
    with pytest.raises(ConfigError, match=needle.replace(".", r"\.")):
        load(write(tmp_path, text))
