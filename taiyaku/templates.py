"""The HTML pages taiyaku writes or serves (the report, the release index, the review workbench) come from
Jinja2 templates shipped as package data, all loaded the one way this module sets.

Autoescaping is on for every value because titles, sentences, finding messages and provenance all come from
untrusted documents; StrictUndefined turns a misspelt field into an error instead of a silently empty cell.
The template itself fixes every byte of the output, so the same data always renders to the same page. Block
tags sit on lines of their own in the templates; trim_blocks and lstrip_blocks keep them from leaving blank
lines and indentation in the page.
"""

from __future__ import annotations

import functools

import jinja2


@functools.cache
def html_template(folder: str, name: str) -> jinja2.Template:
    """The template ``name`` of the package folder ``folder`` (``"publish/templates"``), autoescaped."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("taiyaku", folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template(name)
