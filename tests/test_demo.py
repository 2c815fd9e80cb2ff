"""The demo town: messy like real returns, yet adding up to the reference report's figures."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import demotown as demo
import openpyxl
import pytest

from docgen.config import load
from docgen.errors import OutputExistsError
from docgen.kinds.registry import registry
from docgen.output.files import safe_filename
from docgen.vocabulary import METRICS, SECTORS, hazard_group, sector_of

ROOT = Path(__file__).parent.parent


def header_of(kind: str) -> list[str]:
    return [c.name + ("*" if c.required else "") for c in registry()[kind].roster.columns]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    demo.write_demo_inputs(root)
    (root / "docgen.toml").write_bytes((demo.SHIPPED / "docgen.toml").read_bytes())
    return root


def tally_files(root: Path) -> list[Path]:
    return sorted((root / "inputs" / "tallies").glob("*.xlsx"))


def all_cells(path: Path) -> list[tuple[str, object]]:
    wb = openpyxl.load_workbook(path)
    return [
        (ws.title, c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]


def roster_rows(path: Path) -> tuple[list[str], list[tuple]]:
    """Header (the row holding a ``*`` column) and the non-empty rows under it."""
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows[:10]) if any(str(v or "").endswith("*") for v in r))
    return [str(v) for v in rows[at]], [r for r in rows[at + 1 :] if any(v is not None for v in r)]


# ------------------------------------------------------------------ config


def test_config_is_the_documented_shape_and_loads(tmp_path):
    path = tmp_path / "docgen.toml"
    path.write_bytes((demo.SHIPPED / "docgen.toml").read_bytes())
    settings = load(path)

    assert settings.issuer.name == f"{demo.TOWN}人民政府"
    assert settings.issuer.short_name == demo.TOWN
    assert settings.issuer.recipient == "区应急管理局"
    assert settings.summary.title == f"{demo.TOWN}安全生产专项整治三年行动工作总结"
    assert settings.summary.date.isoformat() == "2022-12-20"
    assert settings.summary.years == (2020, 2022)
    assert settings.paths.tallies == tmp_path / "inputs" / "tallies"
    assert settings.paths.students == tmp_path / "inputs" / "students.xlsx"
    assert settings.pdf is False
    text = path.read_text(encoding="utf-8")
    for section in ("[issuer]", "[summary]", "[paths]", "[output]"):
        assert section in text
    assert "# 改成 true 则同时生成 PDF" in text


def test_demo_workspace_config_points_at_its_inputs(workspace):
    settings = load(workspace / "docgen.toml")
    for path in (settings.paths.units, settings.paths.hazards, settings.paths.students):
        assert path.is_file()
    assert len(list(settings.paths.tallies.glob("*.xlsx"))) == len(demo.TALLY_STYLES)


# ------------------------------------------------------------------ the numbers


def test_expected_totals_are_the_reference_report_figures():
    t = demo.EXPECTED_TOTALS
    assert set(t) == set(SECTORS) and all(set(row) == set(METRICS) for row in t.values())
    assert (t["道路交通安全"]["排查隐患"], t["道路交通安全"]["查处违章"]) == (23, 64)
    assert (t["消防安全"]["检查次数"], t["消防安全"]["排查隐患"]) == (43, 14)
    assert (t["危险化学品和烟花爆竹"]["检查次数"], t["危险化学品和烟花爆竹"]["排查隐患"]) == (21, 3)
    assert (t["建筑施工"]["检查次数"], t["建筑施工"]["排查隐患"]) == (3, 1)
    assert (
        t["食品药品安全"]["检查次数"],
        t["食品药品安全"]["排查隐患"],
        t["食品药品安全"]["整改隐患"],
    ) == (28, 4, 4)
    assert demo.EXPECTED_FIGURES == {
        "发放宣传册": 1500,
        "推送微信": 2034,
        "显示屏播放": 1316,
        "检查校车": 25,
        "烟花爆竹经营点": 12,
        "液化气经营点": 1,
        "水库": 2,
        "森林火灾": 0,
    }


def test_plan_adds_up_and_is_spread_over_units_and_years():
    plan = demo.tally_plan()
    for sector in SECTORS:
        for metric in METRICS:
            cells = {
                (unit, year): table[sector][metric]
                for unit, years in plan.items()
                for year, table in years.items()
                if sector in table and table[sector][metric]
            }
            expected = demo.EXPECTED_TOTALS[sector][metric]
            assert sum(cells.values()) == expected, (sector, metric)
            if expected >= 2:
                assert len(cells) >= 2, f"{sector}/{metric} sits in one cell: {cells}"
        inspecting = {
            u for u, ys in plan.items() for t in ys.values() if t.get(sector, {}).get("检查次数")
        }
        # 建筑施工 and 食品药品安全 are inspected by one office each, which counts units (家)
        assert len(inspecting) >= (1 if sector in ("建筑施工", "食品药品安全") else 2), (
            f"only {inspecting} inspect {sector}"
        )
    assert sum(
        demo.FIGURES_BY_UNIT[u].get(n, 0)
        for u in demo.FIGURES_BY_UNIT
        for n in demo.EXPECTED_FIGURES
    ) == sum(demo.EXPECTED_FIGURES.values())
    publicity = [u for u, f in demo.FIGURES_BY_UNIT.items() if "发放宣传册" in f]
    assert len(publicity) >= 2


def test_demo_tallies_consolidate_to_the_expected_totals_without_any_problem(workspace):
    tallies = pytest.importorskip("docgen.figures")
    result = tallies.collect([workspace / "inputs" / "tallies"])

    assert result.problems == [], "\n".join(map(str, result.problems))
    for sector in SECTORS:
        row = result.totals[sector]
        for metric in METRICS:
            got = row[metric]
            if metric == "检查次数":  # inspections counted in 次, 家 and 家次 are kept apart
                got += row.get("检查单位", 0) + row.get("检查家次", 0)
            assert got == demo.EXPECTED_TOTALS[sector][metric], (sector, metric)
    # 食药所 counts units inspected (家), 规划建设办 unit-visits (家次)
    assert result.totals["食品药品安全"]["检查单位"] == 28
    assert result.totals["建筑施工"]["检查家次"] == 3
    assert {k: result.figures.get(k) for k in demo.EXPECTED_FIGURES} == demo.EXPECTED_FIGURES
    units = {u.unit for u in result.units}
    assert units == {s.unit for s in demo.TALLY_STYLES}
    assert set(result.years) == {2020, 2021, 2022, None}


def test_independent_reading_of_the_tallies_gives_the_same_totals(workspace):
    """A plain openpyxl reading (not docgen's reader): header row, aliases, text numbers."""
    totals = {s: dict.fromkeys(METRICS, 0) for s in SECTORS}
    figures: Counter = Counter()
    for path in tally_files(workspace):
        for ws in openpyxl.load_workbook(path).worksheets:
            rows = list(ws.iter_rows(values_only=True))
            header = next(
                (
                    i
                    for i, r in enumerate(rows[:10])
                    if any(_norm(v) in ("领域", "行业领域", "重点领域", "类别") for v in r)
                ),
                None,
            )
            if header is None:
                fig = next(
                    (
                        i
                        for i, r in enumerate(rows[:10])
                        if any(_norm(v) in ("指标", "项目") for v in r)
                    ),
                    None,
                )
                if fig is not None:
                    for r in rows[fig + 1 :]:
                        if r[0]:
                            figures[r[0]] += _number(r[1])
                continue
            heads = [_norm(v) for v in rows[header]]
            sector_col = next(
                i for i, h in enumerate(heads) if h in ("领域", "行业领域", "重点领域", "类别")
            )
            columns = {i: _METRIC_HEADS[h] for i, h in enumerate(heads) if h in _METRIC_HEADS}
            for r in rows[header + 1 :]:
                sector = sector_of(r[sector_col]) if r[sector_col] else None
                if sector is None:
                    continue
                for i, metric in columns.items():
                    totals[sector][metric] += _number(r[i])
    assert totals == demo.EXPECTED_TOTALS
    assert dict(figures) == demo.EXPECTED_FIGURES


_METRIC_HEADS = {
    "检查次数": "检查次数",
    "检查": "检查次数",
    "检查单位数": "检查次数",
    "检查家次": "检查次数",
    "发现隐患": "排查隐患",
    "隐患数": "排查隐患",
    "排查一般隐患": "排查隐患",
    "一般隐患": "排查隐患",
    "排查隐患": "排查隐患",
    "已整改": "整改隐患",
    "整改完成": "整改隐患",
    "整治隐患": "整改隐患",
    "完成整改": "整改隐患",
    "整改隐患": "整改隐患",
    "查处违章": "查处违章",
    "违章人次": "查处违章",
    "整治违章": "查处违章",
}


def _norm(value) -> str:
    text = re.sub(r"\s+", "", str(value or ""))
    return re.sub(r"[（(][^）)]*[）)]$", "", text)


def _number(value) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    digits = str(value).strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    match = re.fullmatch(r"(\d+)(次|处|起|家)?", digits)
    assert match, f"unexpected cell {value!r}"
    return int(match.group(1))


# ------------------------------------------------------------------ the mess


def test_tallies_are_messy_like_real_returns(workspace):
    files = tally_files(workspace)
    cells = {p.name: all_cells(p) for p in files}
    texts = [str(v) for found in cells.values() for _, v in found if isinstance(v, str)]
    sheet_names = {ws for p in files for ws in openpyxl.load_workbook(p).sheetnames}

    assert 8 <= len(files) <= 12
    assert any(t.startswith("填报单位：") for t in texts) and any(
        t.startswith("填报单位:") for t in texts
    )
    assert "填报单位" in texts, "one unit uses a 填报单位 column"
    by_stem = [p for p in files if not any(str(v).startswith("填报单位") for _, v in cells[p.name])]
    assert [p.stem for p in by_stem] == ["金竹村"], "one unit is named only by its file"
    assert {"2020年", "2021", "2022年度"} <= sheet_names
    for header in ("检查次数（次）", "发现隐患", "已整改", "违章人次"):
        assert header in texts
    for alias in ("交通", "消防", "危化品", "地灾", "建筑", "护林防火", "校园安全", "食品安全"):
        assert alias in texts, alias
    assert any(re.fullmatch(r"[０-９]+", t) for t in texts), "full-width digits"
    assert any(re.fullmatch(r"\d+处", t) for t in texts), "numbers with a unit"
    assert any(re.fullmatch(r" \d+ ", t) for t in texts), "numbers with spaces"
    assert any(re.fullmatch(r"\d+", t) for t in texts), "numbers typed as text"
    assert texts.count("合计") >= 25
    assert sum(1 for p in files if any(v in ("指标", "项目") for _, v in cells[p.name])) >= 3
    assert any(t.startswith("填表人：") for t in texts)
    merged = [p for p in files if openpyxl.load_workbook(p).worksheets[0].merged_cells.ranges]
    assert len(merged) == len(files), "every return has a merged title row"
    orders = {
        tuple(v for _, v in cells[p.name][:12] if isinstance(v, str) and "隐患" in v) for p in files
    }
    assert len(orders) > 3, "columns are not all in the same order"


# ------------------------------------------------------------------ rosters


def test_units_roster_has_the_columns_and_hostile_names(workspace):
    header, rows = roster_rows(workspace / "inputs" / "units.xlsx")
    assert header == header_of("agreements")
    assert 28 <= len(rows) <= 32
    names = [r[0] for r in rows]
    assert len(set(names)) == len(names)
    assert any("/" in n for n in names) and any(":" in n for n in names)
    assert any('"' in n for n in names) and any(".." in n for n in names)
    safe = [safe_filename(n) for n in names]
    assert len(set(safe)) < len(safe), "two units share a safe file name"
    sectors = {r[4] for r in rows if r[4]}
    assert sectors <= set(SECTORS) and len(sectors) >= 6
    assert all(isinstance(r[2], str) and re.fullmatch(r"1\d{10}", r[2]) for r in rows)


def test_hazard_roster_has_nine_geological_and_five_flash_flood_points(workspace):
    header, rows = roster_rows(workspace / "inputs" / "hazards.xlsx")
    assert header == header_of("notices")
    assert Counter(hazard_group(r[1]) for r in rows) == {"地质灾害": 9, "山洪灾害": 5}
    assert {"滑坡", "泥石流", "山洪沟"} <= {r[1] for r in rows}, "kinds as written"
    required = [i for i, name in enumerate(header) if name.endswith("*")]
    assert all(r[i] not in (None, "") for r in rows for i in required)
    photos = [r[11] for r in rows if r[11]]
    assert photos and all((workspace / "inputs" / p).is_file() for p in photos)


def test_student_roster_has_943_pupils_with_names_and_text_phones(workspace):
    header, rows = roster_rows(workspace / "inputs" / "students.xlsx")
    assert header == header_of("letters")
    assert len(rows) == demo.EXPECTED_STUDENTS == 943
    schools = Counter(r[0] for r in rows)
    assert 3 <= len(schools) <= 4 and min(schools.values()) > 100
    assert len({(r[0], r[1]) for r in rows}) >= 20
    assert all(
        re.fullmatch(r"[\u4e00-\u9fff]{2,4}", r[2]) and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", r[3])
        for r in rows
    )
    assert all(isinstance(r[4], str) and re.fullmatch(r"1[35789]\d{9}", r[4]) for r in rows)
    assert len({r[2] for r in rows}) > 800, "names are varied"
    same_surname = sum(1 for r in rows if r[2][0] == r[3][0])
    assert 0.5 < same_surname / len(rows) < 0.95


@pytest.mark.parametrize(
    ("name", "kind", "count"),
    [
        ("units.xlsx", "agreements", len(demo._UNIT_ROSTER)),
        ("hazards.xlsx", "notices", 14),
        ("students.xlsx", "letters", 943),
    ],
)
def test_rosters_read_with_docgen(workspace, name, kind, count):
    rosters = pytest.importorskip("docgen.inputs.rosters")
    roster = rosters.read_roster(workspace / "inputs" / name, kind=kind)
    assert len(roster.records) == count
    if kind == "notices":
        assert Counter(hazard_group(r["类型"]) for r in roster.records) == demo.EXPECTED_HAZARDS


# ------------------------------------------------------------------ files


def test_generation_is_deterministic_and_files_are_small(workspace, tmp_path):
    again = demo.write_demo_inputs(tmp_path)
    for path in again:
        original = workspace / path.relative_to(tmp_path)
        assert path.read_bytes() == original.read_bytes(), path.name
        assert path.stat().st_size < 100_000, path.name


def test_existing_inputs_are_not_overwritten_without_force(workspace, tmp_path):
    shutil.copytree(workspace / "inputs", tmp_path / "inputs")  # as write_demo_inputs left it
    first = demo.demo_input_paths(tmp_path)
    first[0].write_bytes(b"edited by the secretary")

    with pytest.raises(OutputExistsError):
        demo.write_demo_inputs(tmp_path)
    assert first[0].read_bytes() == b"edited by the secretary"

    demo.write_demo_inputs(tmp_path, force=True)
    assert first[0].read_bytes().startswith(b"PK")


def test_shipped_demo_is_up_to_date(workspace):
    """The shipped inputs (docgen/demo/inputs, the repository's inputs/) are what
    ``python tests/demotown.py --force`` writes (the ``workspace`` fixture wrote them afresh)."""
    fresh = demo.demo_input_paths(workspace)
    stale = [
        p.relative_to(workspace)
        for p in fresh
        if (demo.SHIPPED / p.relative_to(workspace)).read_bytes() != p.read_bytes()
    ]
    assert not stale, f"run: python tests/demotown.py --force  (stale: {stale})"
