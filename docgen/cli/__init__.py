"""docgen's command line: click commands that parse, call docgen's Python API (``docgen``) and
report.  ``help`` holds the translated help machinery, ``options`` the shared options,
``report`` what is printed; the commands live in ``workspace``, ``documents``, ``drafts`` and
``serve``, gathered into the ``docgen`` group by ``main``."""

from docgen.cli.main import cli, main

__all__ = ["cli", "main"]
