"""Stage 5, terms: terminology and consistency checks on aligned beads.

* :mod:`.glossary`: glossaries (TSV, CSV, TBX; a registry of formats by extension), read and written;
* :mod:`.matching`: where a glossary term or one of its renderings occurs (Sudachi forms, English folding);
* :mod:`.checks`: the checks (a registry) and :func:`check_terms`, the stage in one call.
"""

from __future__ import annotations

from taiyaku.terms.checks import CHECKS, check_terms
from taiyaku.terms.glossary import Glossary, GlossaryEntry, load_glossary

__all__ = ["CHECKS", "Glossary", "GlossaryEntry", "check_terms", "load_glossary"]
