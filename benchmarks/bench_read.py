"""Reading tallies: docgen's openpyxl reader against calamine, on the demo town and a county.

    python benchmarks/bench_read.py [--county 200] [--repeat 3]

Two sets of tallies: the demo town's 12 workbooks, and a county of N generated ones (each a
unit's three year sheets and a 指标 sheet, with a merged title, a 填报单位 line, numbers typed
as text and a 合计 row).  For each set it prints the best of ``--repeat`` runs of:

1. ``.xlsx`` through docgen's reader (openpyxl, streamed, bounded) — ``open_workbook``;
2. the same ``.xlsx`` files through calamine (python-calamine, ``to_python`` of every sheet,
   tidied into the same rows) — what reading ``.xlsx`` through calamine would cost;
3. ``.xls`` copies (made by LibreOffice when it is installed) through docgen's reader, which
   for ``.xls`` is a bounded pre-scan and calamine;
4. ``read_tallies`` (the whole consolidation) on the ``.xlsx`` and on the ``.xls`` folder;

and the ratios openpyxl / calamine.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen import vocabulary as vocab  # noqa: E402
from docgen.inputs.tallies import read_tallies  # noqa: E402
from docgen.inputs.workbook import open_workbook  # noqa: E402

DEMO = ROOT / "docgen" / "demo" / "inputs" / "tallies"


def county(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """N tallies as villages fill in the form, one unit each."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        unit = f"第{i + 1:03d}村"
        wb = Workbook()
        wb.remove(wb.active)
        for year in (2020, 2021, 2022):
            ws = wb.create_sheet(f"{year}年")
            ws.append(["安全生产专项整治统计表"])
            ws.merge_cells("A1:E1")
            ws.append([f"填报单位：{unit}"])
            ws.append(["领域", "检查次数（次）", "排查隐患", "整改隐患", "查处违章"])
            sums = [0, 0, 0, 0]
            for sector in vocab.SECTORS:
                row = [rng.randint(0, 30) for _ in range(4)]
                row[2] = min(row[2], row[1])
                sums = [a + b for a, b in zip(sums, row, strict=True)]
                typed = [f"{v}处" if rng.random() < 0.2 else str(v) for v in row]
                ws.append([sector, *typed])
            ws.append(["合计", *sums])
        ws = wb.create_sheet("指标")
        ws.append(["指标", "数量", "单位"])
        ws.append(["发放宣传册", rng.randint(10, 300), "份"])
        ws.append(["推送微信", rng.randint(10, 300), "条"])
        path = folder / f"{unit}统计表.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


def to_xls(paths: list[Path], target: Path) -> list[Path] | None:
    from docgen.output.pdf import find_soffice

    soffice = find_soffice()
    if not soffice:
        return None
    target.mkdir(parents=True, exist_ok=True)
    profile = target.parent / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(target),
            *map(str, paths),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=1800,
    )
    return sorted(target.glob("*.xls"))


def read_calamine_xlsx(path: Path) -> int:
    import python_calamine as pc

    from docgen.inputs.formats import _tidy

    def fail(*args):  # pragma: no cover - the generated files are clean
        raise RuntimeError(args)

    wb = pc.CalamineWorkbook.from_path(str(path))
    cells = 0
    for index in range(len(wb.sheet_names)):
        rows = _tidy(wb.get_sheet_by_index(index).to_python(skip_empty_area=False), {}, "", fail)
        cells += sum(len(r) for r in rows)
    wb.close()
    return cells


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(label: str, xlsx: list[Path], xls: list[Path] | None, repeat: int) -> dict:
    def openpyxl_all():
        for p in xlsx:
            open_workbook(p)

    def calamine_all():
        for p in xlsx:
            read_calamine_xlsx(p)

    results = {
        "xlsx via openpyxl": best(repeat, openpyxl_all),
        "xlsx via calamine": best(repeat, calamine_all),
        "read_tallies xlsx": best(repeat, lambda: read_tallies([xlsx[0].parent])),
    }
    if xls:

        def xls_all():
            for p in xls:
                open_workbook(p)

        results["xls via docgen (pre-scan + calamine)"] = best(repeat, xls_all)
        results["read_tallies xls"] = best(repeat, lambda: read_tallies([xls[0].parent]))
        same = (
            read_tallies([xls[0].parent]).to_json()["totals"]
            == (read_tallies([xlsx[0].parent]).to_json()["totals"])
        )
        results["same totals"] = same
    print(f"\n{label}: {len(xlsx)} tallies")
    for name, value in results.items():
        shown = value if isinstance(value, bool) else f"{value * 1000:8.1f} ms"
        print(f"  {name:<40}{shown}")
    ratio = results["xlsx via openpyxl"] / results["xlsx via calamine"]
    print(f"  ratio openpyxl / calamine on .xlsx:      {ratio:5.2f}×")
    if xls:
        whole = results["read_tallies xlsx"] / results["read_tallies xls"]
        print(f"  ratio read_tallies .xlsx / .xls:         {whole:5.2f}×")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--county", type=int, default=200, help="tallies in the county set")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-bench-read-") as tmp:
        root = Path(tmp)
        town = root / "town" / "xlsx"
        town.mkdir(parents=True)
        for path in DEMO.glob("*.xlsx"):
            shutil.copy(path, town / path.name)
        town_files = sorted(town.glob("*.xlsx"))
        county_files = county(root / "county" / "xlsx", args.county)
        measure("demo town", town_files, to_xls(town_files, root / "town" / "xls"), args.repeat)
        measure(
            f"county of {args.county}",
            county_files,
            to_xls(county_files, root / "county" / "xls"),
            args.repeat,
        )


if __name__ == "__main__":
    main()
