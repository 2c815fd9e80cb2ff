"""The renderer's public names in one place (``from docgen.render.engine import …``).

The work is done in ``sandbox`` (the Jinja environment), ``compile`` (a template compiled
once, rendered many times), ``pool`` (batches) and ``combined`` (the print file).
"""

from docgen.render.combined import record_mark, render_combined
from docgen.render.compile import CompiledTemplate, Finish, RenderedParts
from docgen.render.pool import POOL_THRESHOLD, render_batch
from docgen.render.sandbox import BASE_DIR, make_environment

__all__ = [
    "BASE_DIR",
    "POOL_THRESHOLD",
    "CompiledTemplate",
    "Finish",
    "RenderedParts",
    "make_environment",
    "record_mark",
    "render_batch",
    "render_combined",
]
