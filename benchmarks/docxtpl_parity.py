"""Run docxtpl's own test scripts through docxtpl and through docgen's engine, on the same
templates and data, and compare the documents' text (body, headers, footers, footnotes,
properties) and packages (dangling relationships, duplicate picture ids).

Usage: python benchmarks/docxtpl_parity.py DOCXTPL_TESTS_DIR [OUT_DIR]

DOCXTPL_TESTS_DIR is the ``tests`` folder of a python-docx-template checkout.  Each script
runs in its own process with ``DocxTemplate.render`` wrapped: after docxtpl renders, the
same template file and context go through ``CompiledTemplate`` too; when the context is plain
data (what a .json file can hold), it is also written to a .json file and rendered by the
command line, ``docgen render TEMPLATE DATA.json``, and that document compared as well.
``module_execute`` (docxtpl's own command line over a .json file) is compared the same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HOOK = r"""
import json, os, sys, traceback
from pathlib import Path
import docxtpl
from docgen.render.compile import CompiledTemplate
from docgen.errors import DocgenError

out = Path(os.environ["PARITY_OUT"])
script = os.environ["PARITY_SCRIPT"]
original_init = docxtpl.DocxTemplate.__init__
original_render = docxtpl.DocxTemplate.render
original_save = docxtpl.DocxTemplate.save
count = [0]

def init(self, template_file, *args, **kwargs):
    self._parity_source = template_file
    original_init(self, template_file, *args, **kwargs)

def render(self, context, jinja_env=None, autoescape=False):
    original_render(self, context, jinja_env, autoescape)
    count[0] += 1
    name = f"{script}-{count[0]}"
    self._parity_name = name
    note = {}
    if jinja_env is not None and jinja_env.filters is not None:
        note["custom_env"] = True
    try:
        data = json.dumps(dict(context), ensure_ascii=False)
    except (TypeError, ValueError):
        data = None
    if data is not None and isinstance(self._parity_source, (str, os.PathLike)):
        (out / f"{name}.data.json").write_text(data, encoding="utf-8")
        note["template"] = str(Path(self._parity_source).resolve())
    try:
        template = CompiledTemplate.load(Path(self._parity_source))
        (out / f"{name}.docgen.docx").write_bytes(template.render_bytes(dict(context)))
        note["docgen"] = "ok"
    except DocgenError as exc:
        note["docgen"] = "refused: " + str(exc)
    except Exception as exc:
        note["docgen"] = "crashed: " + "".join(traceback.format_exception_only(exc)).strip()
    (out / f"{name}.json").write_text(json.dumps(note, ensure_ascii=False))

def save(self, filename, *args, **kwargs):
    original_save(self, filename, *args, **kwargs)
    name = getattr(self, "_parity_name", None)
    if name:
        original_save(self, out / f"{name}.docxtpl.docx")

docxtpl.DocxTemplate.__init__ = init
docxtpl.DocxTemplate.render = render
docxtpl.DocxTemplate.save = save
sys.argv = [script]
exec(compile(open(script).read(), script, "exec"), {"__name__": "__main__", "__file__": os.path.abspath(script)})
"""


def texts(path: Path) -> dict[str, str]:
    """The visible text of each part kind, with paragraph and tab marks."""
    import re
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            kind = re.match(r"word/(document|header|footer|footnotes|endnotes)\d*\.xml$", name)
            if kind:
                root = etree.fromstring(z.read(name))
                lines = []
                for p in root.iter(w + "p"):
                    text = ""
                    for el in p.iter(w + "t", w + "tab", w + "br"):
                        text += (
                            el.text or ""
                            if el.tag == w + "t"
                            else ("\t" if el.tag == w + "tab" else "\n")
                        )
                    lines.append(text)
                out.setdefault(kind.group(1), []).append("\n".join(lines))
            elif name == "docProps/core.xml":
                root = etree.fromstring(z.read(name))
                # docxtpl's save adds empty elements: compare the values set
                out["properties"] = [
                    " | ".join(f"{etree.QName(el).localname}={el.text}" for el in root if el.text)
                ]
    return {k: "\n".join(v) for k, v in out.items()}


def package_faults(path: Path) -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from test_package import check_package

    faults = check_package(path)
    import re
    import zipfile
    from collections import Counter

    with zipfile.ZipFile(path) as z:
        ids: Counter[str] = Counter()
        for name in z.namelist():
            if name.endswith(".xml"):
                ids.update(
                    re.findall(
                        r'<wp:docPr\b[^>]*?\sid="(\d+)"', z.read(name).decode("utf-8", "replace")
                    )
                )
    faults += [f"drawing id {i} used {n} times in the package" for i, n in ids.items() if n > 1]
    return faults


def through_cli(template: Path, data: Path, out: Path, name: str) -> tuple[Path | None, str]:
    """``docgen render TEMPLATE DATA -o OUT --name NAME``: the document, or why there is none."""
    folder = out / f"{name}.cli"
    run = subprocess.run(
        [sys.executable, "-m", "docgen", "render", str(template), str(data), "-o", str(folder)]
        + ["--name", "out", "--force"],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1])),
    )
    if run.returncode:
        return None, (run.stdout + run.stderr).strip().splitlines()[-1][:200]
    return folder / "out.docx", ""


def compare(ours: Path, theirs: Path) -> str:
    a, b = texts(ours), texts(theirs)
    differ = sorted(k for k in set(a) | set(b) if a.get(k, "") != b.get(k, ""))
    faults = package_faults(ours)
    status = "same text" if not differ else "differs in " + ", ".join(differ)
    return status + (f"; package faults: {faults[:3]}" if faults else "")


# docxtpl's own command line over a .json file: (template, data, docxtpl's output)
CLI_CASES = {
    "module_execute": (
        "templates/module_execute_tpl.docx",
        "templates/module_execute.json",
        "output/module_execute.docx",
    )
}


def main() -> None:
    tests = Path(sys.argv[1]).resolve()
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "parity-out").resolve()
    out.mkdir(parents=True, exist_ok=True)
    (tests / "output").mkdir(exist_ok=True)
    hook = out / "hook.py"
    hook.write_text(HOOK)
    root = str(Path(__file__).resolve().parents[1])
    results = {}
    for script in sorted(tests.glob("[a-z]*.py")):
        if script.name in ("runtests.py", "__init__.py"):
            continue
        env = dict(
            os.environ,
            PARITY_OUT=str(out),
            PARITY_SCRIPT=script.name,
            PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""),
        )
        run = subprocess.run(
            [sys.executable, str(hook)],
            cwd=tests,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        notes = sorted(out.glob(f"{script.stem}.py-[0-9].json"))
        notes += sorted(out.glob(f"{script.stem}.py-[0-9][0-9].json"))
        if script.stem in CLI_CASES:
            tpl, data, theirs = (tests / p for p in CLI_CASES[script.stem])
            ours, why = through_cli(tpl, data, out, script.stem)
            results[script.stem + " (docgen render)"] = (
                compare(ours, theirs) if ours else "refused: " + why
            )
            continue
        if not notes:
            results[script.stem] = "not run through render" + (
                f" (script failed: {run.stderr.strip().splitlines()[-1]})" if run.returncode else ""
            )
            continue
        for note_path in notes:
            name = note_path.name[:-5]
            note = json.loads(note_path.read_text())
            label = name.replace(".py-", "#")
            if note["docgen"] != "ok":
                results[label] = note["docgen"].splitlines()[0][:200]
                continue
            ours, theirs = out / f"{name}.docgen.docx", out / f"{name}.docxtpl.docx"
            if not theirs.exists():
                faults = package_faults(ours)
                results[label] = "docxtpl wrote nothing" + (f"; faults: {faults}" if faults else "")
                continue
            status = compare(ours, theirs)
            if note.get("custom_env"):
                status += " (custom Jinja environment)"
            data = out / f"{name}.data.json"
            if note.get("template") and data.exists():
                cli, why = through_cli(Path(note["template"]), data, out, name)
                status += "; docgen render: " + (
                    compare(cli, theirs).split(";")[0] if cli else "refused: " + why
                )
            results[label] = status
    width = max(map(len, results))
    for label, status in results.items():
        print(f"{label:<{width}}  {status}")


if __name__ == "__main__":
    main()
