"""The data that flows between stages.

Offsets are always Python ``str`` indices into the *decoded source text* of one side (the text ``pull``
returns: the HTML markup for an HTML page, the extracted text layer for a PDF), end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from taiyaku.textmap import MappedText

Lang = Literal["ja", "en"]

# The media types of a SourceDocument (Provenance.media_type): the three kinds of source taiyaku reads.
TEXT = "text/plain"
HTML = "text/html"
PDF = "application/pdf"
# The pages of a PDF's extracted text layer are joined with this character (a form feed).
PAGE_SEPARATOR = "\f"
BlockKind = Literal["heading", "paragraph", "list_item"]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a source document came from, and exactly which bytes were read."""

    source: str  # what the user gave: a path, file:// or http(s):// URL
    sha256: str
    bytes: int
    media_type: str  # "text/plain", "text/html", "application/pdf"
    encoding: str  # the codec the bytes were decoded with ("utf-8", "cp932", "euc_jp", ...)
    final_url: str | None = None  # after redirects, for http(s) sources
    fetched_at: str | None = None  # ISO 8601 UTC, for http(s) sources
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # the ones that matter (etag, last-modified...)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "source": self.source,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "media_type": self.media_type,
            "encoding": self.encoding,
        }
        for key in ("final_url", "fetched_at", "status"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.headers:
            out["headers"] = dict(sorted(self.headers.items()))
        return out


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A pulled document: its decoded text and where it came from."""

    text: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Block:
    """A structural unit of a document (heading, paragraph, list item), already normalized.

    ``text`` maps every normalized character back to the decoded source.
    """

    id: str  # "b0", "b1", ... in document order
    kind: BlockKind
    text: MappedText


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence (or heading, or list item) of one side."""

    index: int  # position among the segments of its side
    lang: Lang
    text: str  # normalized text
    start: int  # span in the decoded source
    end: int
    block_id: str
    kind: BlockKind

    @property
    def id(self) -> str:
        return f"{self.lang}-{self.index}"


@dataclass(frozen=True, slots=True)
class Bead:
    """An alignment unit: consecutive Japanese segments paired with consecutive English segments."""

    index: int
    ja: tuple[int, ...]  # segment indices, consecutive
    en: tuple[int, ...]
    score: float  # confidence in [0, 1]
    flags: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"b{self.index}"

    @property
    def type(self) -> str:
        return f"{len(self.ja)}-{len(self.en)}"


Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Finding:
    """A terminology or consistency problem found in one bead."""

    bead_id: str
    check: str  # documented check id: "term-missing", "term-forbidden", ...
    severity: Severity
    ja_term: str
    expected: str
    found: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "bead_id": self.bead_id,
            "check": self.check,
            "severity": self.severity,
            "ja_term": self.ja_term,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }
