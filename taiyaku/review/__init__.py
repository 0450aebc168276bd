"""The translator's review workbench (``taiyaku review``): fix an alignment in the browser.

* :mod:`.workbench`: the state of one statement under review and the actions on it (merge, split, move a
  sentence, no counterpart, confirm, dismiss or accept a finding, undo), each recorded at once in
  ``corpora/<id>/corrections.jsonl`` and followed by a re-alignment of only the stretch it touched;
* :mod:`.app`: the web application (Starlette, a Jinja2 page, static script and style), CSRF and origin
  checks;
* :mod:`.server`: :func:`serve`, the application on a local address (uvicorn).

Every later ``taiyaku run`` honours what was recorded: the corrections force bead boundaries
(:mod:`taiyaku.align.constrained`) and the finding decisions are applied by the pipeline.
"""

from __future__ import annotations

from taiyaku.review.app import create_app
from taiyaku.review.server import serve
from taiyaku.review.workbench import StaleView, Workbench

__all__ = ["StaleView", "Workbench", "create_app", "serve"]
