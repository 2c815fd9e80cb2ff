"""How much faster docgen's render engine is than the plain docxtpl ways, on the same data.

    python benchmarks/bench_render.py [--records 500] [--compose-records 200] [--big 10000]

Builds a realistic one-page letter template (title, paragraphs with 8 variables, a table,
a footer) with python-docx, and N records, then measures:

1. per-record files: a plain docxtpl loop (load + render + save per record) against
   ``engine.render_batch`` — same N;
2. the combined print file: docxtpl per record + docxcompose joining them against
   ``engine.render_combined`` — same M (docxcompose is slow, so M defaults to 200);
3. peak memory (ru_maxrss, in a fresh subprocess) of ``render_combined`` for 10,000 records.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.render.combined import render_combined  # noqa: E402
from docgen.render.compile import CompiledTemplate  # noqa: E402
from docgen.render.filters import FILTERS  # noqa: E402
from docgen.render.pool import render_batch  # noqa: E402

SCHOOLS = ["青山小学", "石桥中心小学", "河口小学", "白沙初级中学"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def build_template(path: Path) -> Path:
    """A one-page 安全承诺书 with docxtpl tags, as a secretary would make it in Word."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = docx.Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("{{ 学校 }}学生假期安全承诺书")
    run.font.size = Pt(22)
    doc.add_paragraph("尊敬的{{ 家长姓名 }}家长：")
    doc.add_paragraph(
        "为切实做好假期学生安全工作，{{ 学校 }}{{ 班级 }}{{ 学生姓名 }}同学的家长请认真阅读以下内容，"
        "督促孩子遵守交通规则，不到河塘、水库游泳，不玩火、不燃放烟花爆竹，注意用电和燃气安全。"
    )
    doc.add_paragraph(
        "本学期学校共开展安全教育{{ 教育次数 }}次，排查校园及周边隐患{{ 排查隐患|约数 }}处，"
        "检查校车{{ 校车检查 }}车次。请家长于{{ 签订日期 }}前签字交回班主任。"
    )
    doc.add_paragraph("联系电话：{{ 联系电话 }}")
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    rows = [
        ("事项", "要求", "家长确认"),
        ("交通安全", "{{ 学生姓名 }}上下学遵守交通规则", "□"),
        ("防溺水", "不私自下水游泳", "□"),
        ("消防安全", "不玩火，认识消防标志", "□"),
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    doc.add_paragraph("学生：{{ 学生姓名 }}　　家长签名：__________")
    sign = doc.add_paragraph("{{ 学校 }}")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date = doc.add_paragraph("{{ 签订日期 }}")
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = "{{ 学校 }}安全办公室"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.save(path)
    return path


def make_records(n: int) -> list[dict]:
    return [
        {
            "学校": SCHOOLS[i % len(SCHOOLS)],
            "班级": f"{i % 6 + 1}年级{i % 4 + 1}班",
            "学生姓名": SURNAMES[i % len(SURNAMES)] + "小" + "明红华军丽强"[i % 6],
            "家长姓名": SURNAMES[i % len(SURNAMES)] + "建国",
            "联系电话": f"138{i:08d}",
            "教育次数": 12,
            "排查隐患": 23 + i % 50,
            "校车检查": 25,
            "签订日期": "2022年12月20日",
            "_row": i + 3,
        }
        for i in range(n)
    ]


def _docxtpl_env():
    import jinja2

    env = jinja2.Environment(autoescape=True)
    env.filters.update(FILTERS)
    return env


def docxtpl_loop(template: Path, records: list[dict], outdir: Path) -> float:
    from docxtpl import DocxTemplate

    env = _docxtpl_env()
    start = time.perf_counter()
    for i, record in enumerate(records):
        tpl = DocxTemplate(template)
        tpl.render(record, env, autoescape=True)
        tpl.save(outdir / f"{i}.docx")
    return time.perf_counter() - start


def docxcompose_combined(template: Path, records: list[dict], out: Path) -> float:
    import docx
    from docxcompose.composer import Composer
    from docxtpl import DocxTemplate

    env = _docxtpl_env()
    start = time.perf_counter()
    composer = None
    for record in records:
        tpl = DocxTemplate(template)
        tpl.render(record, env, autoescape=True)
        buffer = io.BytesIO()
        tpl.save(buffer)
        buffer.seek(0)
        doc = docx.Document(buffer)
        if composer is None:
            composer = Composer(doc)
        else:
            composer.doc.add_page_break()
            composer.append(doc)
    composer.save(out)
    return time.perf_counter() - start


def engine_batch(template: Path, records: list[dict], outdir: Path, workers: int | None) -> float:
    start = time.perf_counter()
    compiled = CompiledTemplate.load(template)
    render_batch(
        compiled, records, [outdir / f"{i}.docx" for i in range(len(records))], workers=workers
    )
    return time.perf_counter() - start


def engine_combined(template: Path, records: list[dict], out: Path) -> float:
    start = time.perf_counter()
    render_combined(CompiledTemplate.load(template), records, out)
    return time.perf_counter() - start


def _peak_kb() -> int:
    """This process's peak resident memory in KB.

    Linux's ru_maxrss survives exec (a child started from a big parent reports the parent's
    peak), so /proc's VmHWM, which belongs to this process image only, is read first.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def _child_peak(template: str, n: int, out: str) -> None:
    """Run in a subprocess: render n records combined; print time and peak RSS as JSON."""
    baseline = _peak_kb()
    records = make_records(n)  # the whole roster in memory, as the command line holds it
    start = time.perf_counter()
    render_combined(CompiledTemplate.load(Path(template)), records, Path(out))
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - start,
                "peak_kb": _peak_kb(),
                "baseline_kb": baseline,
                "bytes": os.path.getsize(out),
            }
        )
    )


def big_combined(template: Path, n: int, out: Path) -> dict:
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(Path(__file__).parent)!r});"
        f"import bench_render as b; b._child_peak({str(template)!r}, {n}, {str(out)!r})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=500, help="N for per-record files (500)")
    parser.add_argument(
        "--compose-records",
        type=int,
        default=200,
        help="M for the combined-file comparison with docxcompose (200)",
    )
    parser.add_argument(
        "--big", type=int, default=10_000, help="records for the memory run (10000)"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        template = build_template(tmp / "承诺书模板.docx")
        records = make_records(args.records)
        few = make_records(args.compose_records)
        for name in ("docxtpl", "engine", "serial"):
            (tmp / name).mkdir()

        t_docxtpl = docxtpl_loop(template, records, tmp / "docxtpl")
        t_serial = engine_batch(template, records, tmp / "serial", workers=1)
        t_engine = engine_batch(template, records, tmp / "engine", workers=None)
        t_compose = docxcompose_combined(template, few, tmp / "compose.docx")
        t_combined = engine_combined(template, few, tmp / "combined.docx")
        t_combined_n = engine_combined(template, records, tmp / "combined-n.docx")
        big = big_combined(template, args.big, tmp / "big.docx")

    n, m = args.records, args.compose_records
    per_ratio = t_docxtpl / t_engine
    combined_ratio = t_compose / t_combined
    peak_mb = big["peak_kb"] / 1024
    rows = [
        ("per-record files", f"docxtpl loop, {n} records", t_docxtpl, n),
        ("", f"engine render_batch, {n} records (1 process)", t_serial, n),
        ("", f"engine render_batch, {n} records ({os.cpu_count()} cores)", t_engine, n),
        ("combined file", f"docxtpl + docxcompose, {m} records", t_compose, m),
        ("", f"engine render_combined, {m} records", t_combined, m),
        ("", f"engine render_combined, {n} records", t_combined_n, n),
        ("", f"engine render_combined, {args.big} records", big["seconds"], args.big),
    ]
    print(f"{'case':<18}{'method':<52}{'total s':>9}{'ms/record':>11}")
    for case, method, seconds, count in rows:
        print(f"{case:<18}{method:<52}{seconds:>9.2f}{seconds / count * 1000:>11.2f}")
    print()
    print(
        f"per-record speed-up (same N={n}):  {per_ratio:6.1f}x   target >= 10x  "
        f"{'ok' if per_ratio >= 10 else 'MISSED'}"
    )
    print(
        f"combined speed-up   (same M={m}):  {combined_ratio:6.1f}x   target >= 20x  "
        f"{'ok' if combined_ratio >= 20 else 'MISSED'}"
    )
    print(
        f"{args.big}-record combined file: peak RSS {peak_mb:.0f} MB "
        f"(interpreter + imports {big['baseline_kb'] / 1024:.0f} MB), "
        f"{big['bytes'] / 1e6:.1f} MB file   target < 300 MB  {'ok' if peak_mb < 300 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
