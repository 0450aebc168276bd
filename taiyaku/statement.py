"""A registered statement: ``corpora/<statement-id>/statement.toml``.

Example::

    id = "us-japan-internet-economy-2014"
    title = "Joint Press Statement, 5th Director-General-level meeting ..."
    date = "2014-03-13"
    publisher = "..."
    glossary = "../glossaries/ict-policy.tsv"   # relative to the statement folder

    [ja]
    source = "ja.txt"                           # relative to the statement folder, or a URL
    url = "https://..."                         # where the original was published (provenance only)

    [en]
    source = "en.html"
    url = "https://..."
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from taiyaku.errors import TaiyakuError

STATEMENT_FILE = "statement.toml"
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class SideSource:
    source: str  # path (resolved against the statement folder) or URL
    url: str | None = None  # original publication URL, for provenance


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    folder: Path
    title: str
    date: str
    publisher: str
    ja: SideSource
    en: SideSource
    glossary: Path | None

    @property
    def file(self) -> Path:
        return self.folder / STATEMENT_FILE


def _is_url(source: str) -> bool:
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source) is not None


def _side(table: object, name: str, folder: Path, where: str) -> SideSource:
    if not isinstance(table, dict) or not isinstance(table.get("source"), str) or not table["source"]:
        raise TaiyakuError(where, f"[{name}] needs a non-empty 'source'")
    source = table["source"]
    if not _is_url(source):
        source = str((folder / source).resolve())
    url = table.get("url")
    return SideSource(source=source, url=url if isinstance(url, str) and url else None)


def load_statement(folder: str | Path) -> Statement:
    """Read and validate ``<folder>/statement.toml``."""
    folder = Path(folder).resolve()
    path = folder / STATEMENT_FILE
    where = str(path)
    if not path.is_file():
        raise TaiyakuError(where, "no statement.toml here (is this a corpora/<statement-id>/ folder?)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TaiyakuError(where, f"not valid TOML: {exc}") from None
    statement_id = data.get("id")
    if not isinstance(statement_id, str) or not _ID_PATTERN.match(statement_id):
        raise TaiyakuError(where, "'id' must be lower-case letters, digits, '.', '_' or '-'")
    glossary = data.get("glossary")
    return Statement(
        id=statement_id,
        folder=folder,
        title=str(data.get("title", "")),
        date=str(data.get("date", "")),
        publisher=str(data.get("publisher", "")),
        ja=_side(data.get("ja"), "ja", folder, where),
        en=_side(data.get("en"), "en", folder, where),
        glossary=(folder / glossary).resolve() if isinstance(glossary, str) and glossary else None,
    )


def find_statements(corpora: str | Path) -> list[Path]:
    """Every ``corpora/*/statement.toml`` folder, sorted by name (deterministic run order)."""
    return sorted(p.parent for p in Path(corpora).glob(f"*/{STATEMENT_FILE}"))
