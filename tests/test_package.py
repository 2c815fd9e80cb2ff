"""Every .docx docgen writes is a well-formed package: what Word checks before it opens a file
without a repair prompt (parts typed, relationships resolvable, ids unique, body well ordered)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

NS = {
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


@pytest.fixture(scope="module")
def outputs(demo_town) -> Path:
    return demo_town.root / "outputs"


def documents(outputs: Path) -> list[Path]:
    picked = [outputs / "工作总结.docx", *sorted(outputs.glob("*（合订本）.docx"))]
    for folder in ("安全生产责任书", "安全告知书", "安全承诺书"):
        picked += sorted((outputs / folder).glob("*.docx"))[:2]
    return picked


def check_package(path: Path) -> list[str]:
    faults = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        if z.testzip() is not None:
            faults.append("a member fails its CRC")
        types = etree.fromstring(z.read("[Content_Types].xml"))
        defaults = {d.get("Extension").lower() for d in types.findall("ct:Default", NS)}
        overrides = {o.get("PartName").lstrip("/") for o in types.findall("ct:Override", NS)}
        for name in names:
            if name.endswith("/") or name == "[Content_Types].xml":
                continue
            if name not in overrides and name.rsplit(".", 1)[-1].lower() not in defaults:
                faults.append(f"{name} has no content type")
        for part in overrides - names:
            faults.append(f"content type for a missing part {part}")
        for rels in (n for n in names if n.endswith(".rels")):
            source_dir = posixpath.dirname(posixpath.dirname(rels))
            ids = []
            for rel in etree.fromstring(z.read(rels)).findall("rel:Relationship", NS):
                ids.append(rel.get("Id"))
                if rel.get("TargetMode") == "External":
                    continue
                target = posixpath.normpath(posixpath.join(source_dir, rel.get("Target"))).lstrip(
                    "/"
                )
                if target not in names:
                    faults.append(f"{rels}: {rel.get('Id')} points to missing {target}")
            faults += [f"{rels}: duplicate id {i}" for i, n in Counter(ids).items() if n > 1]
        for name in (n for n in names if n.startswith("word/") and n.endswith(".xml")):
            root = etree.fromstring(z.read(name))  # raises on malformed XML
            rels_name = posixpath.join(
                posixpath.dirname(name), "_rels", posixpath.basename(name) + ".rels"
            )
            known = set()
            if rels_name in names:
                known = {r.get("Id") for r in etree.fromstring(z.read(rels_name))}
            for attr in ("id", "embed", "link"):
                for ref in root.xpath(f"//@r:{attr}", namespaces=NS):
                    if ref not in known:
                        faults.append(f"{name}: r:{attr}={ref} has no relationship")
        body = etree.fromstring(z.read("word/document.xml")).find("w:body", NS)
        if body[-1].tag != f"{{{NS['w']}}}sectPr":
            faults.append("the body does not end with its section properties")
        doc = body.getroottree()
        doc_pr = Counter(doc.xpath("//wp:docPr/@id", namespaces=NS))
        faults += [f"duplicate drawing id {i}" for i, n in doc_pr.items() if n > 1]
        bookmarks = Counter(doc.xpath("//w:bookmarkStart/@w:id", namespaces=NS))
        faults += [f"duplicate bookmark id {i}" for i, n in bookmarks.items() if n > 1]
        faults += dangling_styles_and_lists(z, names)
    return faults


def dangling_styles_and_lists(z: zipfile.ZipFile, names: set[str]) -> list[str]:
    """Styles (paragraph, run, table) and lists (w:numId) a part uses that the package's
    styles.xml and numbering.xml do not define."""
    faults = []
    styles: set[str] = set()
    lists = {"0"}  # numId 0: "no list"
    if "word/styles.xml" in names:
        root = etree.fromstring(z.read("word/styles.xml"))
        styles = set(root.xpath("//w:style/@w:styleId", namespaces=NS))
    if "word/numbering.xml" in names:
        numbering = etree.fromstring(z.read("word/numbering.xml"))
        lists |= set(numbering.xpath("//w:num/@w:numId", namespaces=NS))
        abstract = set(numbering.xpath("//w:abstractNum/@w:abstractNumId", namespaces=NS))
        for ref in numbering.xpath("//w:num/w:abstractNumId/@w:val", namespaces=NS):
            if ref not in abstract:
                faults.append(f"word/numbering.xml: a list refers to abstractNumId {ref}")
    story = re.compile(r"word/(document|header|footer|footnotes|endnotes)\d*\.xml$")
    for name in sorted(n for n in names if story.match(n)):
        root = etree.fromstring(z.read(name))
        used = set(
            root.xpath("//w:pStyle/@w:val | //w:rStyle/@w:val | //w:tblStyle/@w:val", namespaces=NS)
        )
        faults += [f"{name}: style {s} is not defined" for s in sorted(used - styles)]
        numbers = set(root.xpath("//w:numId/@w:val", namespaces=NS))
        faults += [f"{name}: list numId {n} is not defined" for n in sorted(numbers - lists)]
    return faults


def test_every_document_is_a_sound_package(outputs):
    checked = documents(outputs)
    assert len(checked) >= 10
    for path in checked:
        assert check_package(path) == [], path.name


def test_no_part_is_left_from_the_default_python_docx_template(outputs):
    with zipfile.ZipFile(outputs / "工作总结.docx") as z:
        names = set(z.namelist())
    assert "word/stylesWithEffects.xml" not in names
    assert not any(n.startswith("docProps/thumbnail") for n in names)
