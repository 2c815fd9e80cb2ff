"""The summary says only what the inputs say: a figure takes the wording of the column it came
from (检查次数 → 次, 检查单位数 → 家), unsupported claims are gone, and the years compare."""

from __future__ import annotations

import re

import docx
from click.testing import CliRunner
from messy import save_rows

from docgen.cli import cli


def _summary(tmp_path, tallies: dict[str, list[list]]) -> str:
    folder = tmp_path / "tallies"
    folder.mkdir()
    for name, rows in tallies.items():
        save_rows(folder / f"{name}.xlsx", {"Sheet1": [[f"填报单位：{name}"], *rows]})
    config = tmp_path / "docgen.toml"
    config.write_text(
        '[issuer]\nname = "青山镇人民政府"\nshort_name = "青山镇"\n[paths]\ntallies = "tallies"\n',
        encoding="utf-8",
    )
    out = tmp_path / "工作总结.docx"
    result = CliRunner().invoke(
        cli, ["summary", "-c", str(config), "-o", str(out)], env={"LANG": "zh_CN.UTF-8"}
    )
    assert result.exit_code == 0, result.output
    return "".join(p.text for p in docx.Document(str(out)).paragraphs)


def test_inspections_and_units_inspected_keep_their_words(tmp_path):
    text = _summary(
        tmp_path,
        {
            "青山村": [["领域", "检查次数（次）", "排查隐患"], ["消防", 43, 2], ["食品药品", 5, 0]],
            "食药所": [["领域", "检查单位数（家）", "发现隐患"], ["食品药品", 28, 4]],
        },
    )
    fire = re.search(r"消防安全整治(.*?)。", text[text.index("（一）") :]).group(0)
    assert "共开展检查40余次" in text and "检查单位" not in fire
    food = text[text.index("食品药品安全") :]
    assert "共开展检查5次" in food and "共检查单位28家" in food
    assert "检查单位28次" not in text and "检查单位43" not in text
    # the campaign's total keeps the two apart too
    assert "共开展检查48次，检查单位28家" in text


def test_claims_no_input_makes_are_not_printed(tmp_path):
    text = _summary(tmp_path, {"青山村": [["领域", "检查次数"], ["道路交通", 8]]})
    for claim in ("乡村振兴办公室", "赶场日", "LED", "修订各类应急预案", "领导小组", "显示屏"):
        assert claim not in text, claim
    assert "共开展检查8次" in text


def test_the_years_are_compared(tmp_path):
    folder = tmp_path / "tallies"
    folder.mkdir()
    save_rows(
        folder / "青山村.xlsx",
        {
            "2021年": [
                ["填报单位：青山村"],
                ["领域", "检查次数", "排查隐患", "整改隐患"],
                ["消防", 4, 3, 3],
            ],
            "2022年": [
                ["填报单位：青山村"],
                ["领域", "检查次数", "排查隐患", "整改隐患"],
                ["消防", 5, 2, 1],
            ],
        },
    )
    config = tmp_path / "docgen.toml"
    config.write_text('[paths]\ntallies = "tallies"\n', encoding="utf-8")
    out = tmp_path / "工作总结.docx"
    result = CliRunner().invoke(cli, ["summary", "-c", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "分年度看，2021年排查隐患3处、整改3处，2022年排查隐患2处、整改1处。" in text
