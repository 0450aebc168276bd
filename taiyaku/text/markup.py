"""HTML tag attributes, read the forgiving way browsers read them.

Shared by the sources stage (a page's ``<meta charset>``, read from the raw bytes before decoding) and
the normalize stage (the offset-keeping HTML scanner).
"""

from __future__ import annotations

import html
import re

_ATTRIBUTE_RE = re.compile(r"""([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")


def parse_attributes(tag_markup: str, name_end: int) -> dict[str, str]:
    """The attributes of a start tag (``tag_markup`` from ``<`` to ``>``; the name ends at ``name_end``):
    names lower-cased, values unquoted and unescaped, the first of a repeated name kept."""
    attrs: dict[str, str] = {}
    body = tag_markup[name_end:].rstrip(">")
    for match in _ATTRIBUTE_RE.finditer(body):
        key = match.group(1).lower()
        value = match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attrs.setdefault(key, html.unescape(value))
    return attrs
