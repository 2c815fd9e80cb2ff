"""Shared test setup.

``@pytest.mark.soffice`` marks a test that prints through LibreOffice and reads the PDFs back
with poppler: it is skipped, with the reason, where those programs are missing, and fails
instead when CI=true.  ``pytest -m "not soffice"`` runs only the fast tests: a test without
the mark that reaches for the real LibreOffice fails and says to mark it.  The tests run on
one worker per core (pytest-xdist, see pyproject.toml); ``pytest -n 0`` runs them in one process.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "soffice: needs LibreOffice (soffice) and poppler (pdfinfo, pdftotext); "
        "skipped without them unless CI=true",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.get_closest_marker("soffice") is None:
        return
    from docgen.output.pdf import find_soffice

    missing = [] if find_soffice() else ["LibreOffice (soffice)"]
    missing += [
        f"{tool} (poppler-utils)" for tool in ("pdfinfo", "pdftotext") if not shutil.which(tool)
    ]
    if not missing:
        return
    reason = (
        ", ".join(missing)
        + " not installed: sudo apt-get install libreoffice-writer-nogui poppler-utils"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def no_trial_prints_in_shared_builds():
    """Workspaces built once for many tests (session and module fixtures, set up before any
    test's own fixtures) are built as where LibreOffice is missing: the summary is not trial
    printed.  A test marked soffice measures again; a shared fixture that needs the trial
    print asks for ``trial_prints``.  Yields the real check."""
    from docgen.gongwen import fitting

    real = fitting.can_measure
    fitting.can_measure = lambda: False
    yield real
    fitting.can_measure = real


@pytest.fixture(scope="module")
def trial_prints(no_trial_prints_in_shared_builds):
    """The summary's last pages measured on a trial print while a module fixture builds."""
    from docgen.gongwen import fitting

    fitting.can_measure = no_trial_prints_in_shared_builds
    yield
    fitting.can_measure = lambda: False


@pytest.fixture(autouse=True)
def libreoffice_only_when_marked(request, monkeypatch, no_trial_prints_in_shared_builds):
    """Without the soffice mark, finding the real LibreOffice fails the test (stand-ins are fine)."""
    from docgen.gongwen import fitting

    if request.node.get_closest_marker("soffice") is not None:
        monkeypatch.setattr(fitting, "can_measure", no_trial_prints_in_shared_builds)
        return
    from docgen.output import pdf

    # nor is the summary's last page measured on a trial print (as where LibreOffice is missing)
    monkeypatch.setattr(fitting, "can_measure", lambda: False)

    real = pdf.find_soffice()
    if not real:
        return
    find = pdf.find_soffice

    def guarded():
        found = find()
        if found and Path(found).resolve() == Path(real).resolve():
            pytest.fail("this test starts LibreOffice: mark it @pytest.mark.soffice", pytrace=False)
        return found

    monkeypatch.setattr(pdf, "find_soffice", guarded)


@dataclass(frozen=True)
class Built:
    """A workspace made by ``docgen init`` and built by ``docgen build``, and what the build
    printed."""

    root: Path
    output: str


@pytest.fixture(scope="session")
def demo_town(tmp_path_factory) -> Built:
    """The demo town, initialised and built once for the whole run.  Tests only read it; a
    test that changes a workspace copies it first (``shutil.copytree``)."""
    from clirun import run

    root = tmp_path_factory.mktemp("town") / "松岚镇"
    result = run("init", root)
    assert result.exit_code == 0, result.output
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    return Built(root, result.output)
