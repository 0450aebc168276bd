"""A published copy of the seed statement in a temporary folder, for tests that record corrections."""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from pathlib import Path

from support.paths import PROJECT_GLOSSARY, STATEMENT_DIR
from taiyaku.pipeline import align_pair, load_statement_job

# A date the English gets wrong (a number-mismatch finding on bead b2) and markup as text in a heading
# (escaped in the source, so that the extracted sentence holds it literally): the page must show it as text.
HOSTILE_TEXT = "<img src=x onerror=alert(1)>"


_PUBLISHED: dict[bool, Path] = {}  # one published copy per process and kind, copied for each test


def seed_copy(root: Path, *, with_finding: bool = True) -> Path:
    """``root/corpora/<id>`` (with its glossary) published into ``root/aligned/<id>``; returns the statement
    folder.  With ``with_finding`` the English dateline says March 14 and one heading holds markup text.

    The pipeline runs once per process; each test gets a copy of that publication."""
    if with_finding not in _PUBLISHED:
        template = Path(tempfile.mkdtemp(prefix="taiyaku-seed-"))
        atexit.register(shutil.rmtree, template, True)
        _publish_seed(template, with_finding)
        _PUBLISHED[with_finding] = template
    for folder in ("corpora", "aligned"):
        shutil.copytree(_PUBLISHED[with_finding] / folder, root / folder)
    return root / "corpora" / STATEMENT_DIR.name


def _publish_seed(root: Path, with_finding: bool) -> None:
    corpora = root / "corpora"
    statement = corpora / STATEMENT_DIR.name
    shutil.copytree(STATEMENT_DIR, statement)
    (corpora / "glossaries").mkdir()
    shutil.copy(PROJECT_GLOSSARY, corpora / "glossaries" / PROJECT_GLOSSARY.name)
    if with_finding:
        en = statement / "en.html"
        html = en.read_text(encoding="utf-8")
        html = html.replace('<time datetime="2014-03-13">March 13, 2014</time>', "March 14, 2014", 1)
        html = html.replace("(2) ICT for Development", "(2) ICT for Development &lt;img src=x onerror=alert(1)&gt;", 1)
        en.write_text(html, encoding="utf-8")
        toml = statement / "statement.toml"
        # The English was never pinned; keep it that way (a pinned sha256 would refuse the edit).
        assert not re.search(r"\[en\][^\[]*sha256", toml.read_text(encoding="utf-8"))
    publish_statement(statement)


def publish_statement(statement: Path, *, force: bool = False) -> None:
    """What `taiyaku run` does, without Prefect."""
    align_pair(load_statement_job(statement, statement.parent.parent / "aligned", force=force))
