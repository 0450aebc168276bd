"""The vocabulary every stage speaks: the data that flows between stages and the names of review concepts.

Offsets are always Python ``str`` indices into the *decoded source text* of one side (the text the
sources stage returns: the HTML markup for an HTML page, the extracted text layer for a PDF), end
exclusive.  Enumerations are ``StrEnum``s: they compare equal to, and serialize as, the strings the
published files carry (``"needs-review"``, ``"text/html"``, ``"term-missing"``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from taiyaku.textmap import MappedText

Lang = Literal["ja", "en"]


class MediaType(StrEnum):
    """The kinds of source taiyaku reads (``Provenance.media_type``)."""

    TEXT = "text/plain"
    HTML = "text/html"
    PDF = "application/pdf"


# The pages of a PDF's extracted text layer are joined with this character (a form feed).
PAGE_SEPARATOR = "\f"


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"


class BeadFlag(StrEnum):
    """Flags a published bead carries (``flags`` in corpus.jsonl, ``x-flags`` in TMX)."""

    NEEDS_REVIEW = "needs-review"  # see needs_review(): a reviewer should look at this bead
    UNALIGNED = "unaligned"  # one side was empty, so nothing could be aligned
    REVIEWED = "reviewed"  # forced by a reviewer's correction
    UNSUPPORTED = "unsupported"  # in a stretch the other document does not translate (align.parallelism)
    FRAGMENT = "fragment"  # a side starts or ends mid-sentence: an extraction problem (align.fragments)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class CheckId(StrEnum):
    """The terminology and consistency checks (README: "For a translator")."""

    TERM_MISSING = "term-missing"
    TERM_FORBIDDEN = "term-forbidden"
    TERM_INCONSISTENT = "term-inconsistent"
    NUMBER_MISMATCH = "number-mismatch"
    LATIN_MISMATCH = "latin-mismatch"
    UNTRANSLATED = "untranslated"


# Beads whose calibrated confidence is below this need a reviewer: on the evaluation sets this flags about
# three quarters of the wrong beads and about 5 % of the correct ones (benchmarks/README.md).
REVIEW_THRESHOLD = 0.9


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a source document came from, and exactly which bytes were read."""

    source: str  # what the user gave: a path, file:// or http(s):// URL
    sha256: str
    bytes: int
    media_type: str  # a MediaType value for every document taiyaku reads
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
            "media_type": str(self.media_type),
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
class LayoutLine:
    """One line of a PDF as it sits on its page: a span of the decoded text (one line of it) and the box of
    its glyphs, in PDF points with y growing downwards from the top of the page.

    On a page of vertical (tategaki) text the axes are turned: ``x`` runs down a column, ``y`` across the
    columns from the right, so that a column is a "line" to the same layout analysis.
    """

    start: int  # span in the decoded text, without the line break
    end: int
    page: int  # 0-based page index
    x0: float  # left edge of the first glyph
    x1: float  # right edge of the last glyph
    baseline: float
    size: float  # font size (the median of its glyphs)
    bold: bool
    lead_width: float  # width of the first word (Latin) or of the first character and the ones that cannot start a line


@dataclass(frozen=True, slots=True)
class PageProblem:
    """A text-layer problem of some pages, and what extraction did about it."""

    pages: tuple[int, ...]  # 1-based page numbers, as a reader names them
    problem: str
    action: str

    def describe(self) -> str:
        numbers = ", ".join(str(page) for page in self.pages)
        return f"page{'s' * (len(self.pages) > 1)} {numbers}: {self.problem}; {self.action}"


@dataclass(frozen=True, slots=True)
class DocumentLayout:
    """The geometry of a paginated source (a PDF): page sizes, and every line of its decoded text."""

    page_sizes: tuple[tuple[float, float], ...]  # (width, height) per page
    lines: tuple[LayoutLine, ...]
    problems: tuple[PageProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A pulled document: its decoded text, where it came from and, for a PDF, its page geometry."""

    text: str
    provenance: Provenance
    layout: DocumentLayout | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """What extraction did to one side (shown in the report): only paginated sources (PDFs) have one."""

    pages: int
    lines: int  # text lines read (running headers, footers and page numbers included)
    lines_rejoined: int  # line breaks removed inside blocks (wrapped lines joined)
    furniture_dropped: int  # running headers, footers and page numbers left out
    table_cells: int  # blocks that sit beside another block on the same baseline (kept apart)
    footnotes: int  # footnote blocks, placed after the body of their page
    headings: int  # blocks read as headings (by font size or weight, or short without a sentence end)
    problems: tuple[PageProblem, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "pages": self.pages,
            "lines": self.lines,
            "lines_rejoined": self.lines_rejoined,
            "furniture_dropped": self.furniture_dropped,
            "table_cells": self.table_cells,
            "footnotes": self.footnotes,
            "headings": self.headings,
            "problems": [problem.describe() for problem in self.problems],
        }


@dataclass(frozen=True, slots=True)
class NormalizedDocument:
    """One side after normalization: its blocks and, for a paginated source, what extraction did."""

    blocks: list[Block]
    extraction: Extraction | None = None


def page_starts(text: str) -> list[int]:
    """Where each page of a paginated decoded text (pages separated by :data:`PAGE_SEPARATOR`) starts: the
    page holding offset ``o`` is ``bisect.bisect_right(starts, o)`` (1-based)."""
    starts = [0]
    position = text.find(PAGE_SEPARATOR)
    while position >= 0:
        starts.append(position + 1)
        position = text.find(PAGE_SEPARATOR, position + 1)
    return starts


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
    flags: tuple[BeadFlag, ...] = ()

    @property
    def id(self) -> str:
        return f"b{self.index}"

    @property
    def type(self) -> str:
        return f"{len(self.ja)}-{len(self.en)}"


@dataclass(frozen=True, slots=True)
class Finding:
    """A terminology or consistency problem found in one bead."""

    bead_id: str
    check: CheckId
    severity: Severity
    ja_term: str
    expected: str
    found: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "bead_id": self.bead_id,
            "check": str(self.check),
            "severity": str(self.severity),
            "ja_term": self.ja_term,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }

    def decision_key(self, ja: str, en: str) -> tuple[str, str, str, str, str]:
        """The :attr:`FindingDecision.key` of a decision on this finding, whose bead's texts are ``ja``
        and ``en``."""
        return finding_key(ja, en, str(self.check), self.ja_term, self.found)


def needs_review(score: float, flags: Iterable[str], findings: Iterable[Finding] = ()) -> bool:
    """The one rule for "a reviewer should look at this bead": not confirmed by a reviewer, and either
    below the review threshold or carrying an error finding."""
    if BeadFlag.REVIEWED in flags:
        return False
    return score < REVIEW_THRESHOLD or any(f.severity == Severity.ERROR for f in findings)


@dataclass(frozen=True, slots=True)
class BeadRecord:
    """One published bead: what a line of ``corpus.jsonl`` holds (texts joined, spans into the sources)."""

    id: str
    ja: str
    en: str
    ja_spans: tuple[tuple[int, int], ...]
    en_spans: tuple[tuple[int, int], ...]
    type: str
    score: float
    flags: tuple[str, ...] = ()  # BeadFlag values; a hand-edited corpus may carry others, kept as read

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ja": self.ja,
            "en": self.en,
            "ja_spans": [list(span) for span in self.ja_spans],
            "en_spans": [list(span) for span in self.en_spans],
            "type": self.type,
            "score": self.score,
            "flags": [str(flag) for flag in self.flags],
        }

    @property
    def bilingual(self) -> bool:
        return bool(self.ja) and bool(self.en)

    @property
    def needs_review(self) -> bool:
        return BeadFlag.NEEDS_REVIEW in self.flags

    @property
    def reviewed(self) -> bool:
        return BeadFlag.REVIEWED in self.flags


@dataclass(frozen=True, slots=True)
class Correction:
    """A reviewer's alignment correction: these consecutive sentences form one bead (either side may be
    empty: a sentence with no counterpart)."""

    ja: str
    en: str
    reviewer: str = ""
    note: str = ""
    recorded: str = ""
    # Where the reviewer saw the bead: the index of its first Japanese and English sentence.  Only a hint
    # for text that occurs more than once (a repeated heading): the occurrence nearest to it is taken.
    ja_near: int | None = None
    en_near: int | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "ja": self.ja,
            "en": self.en,
            "reviewer": self.reviewer,
            "note": self.note,
            "recorded": self.recorded,
        }
        near = {side: n for side, n in (("ja", self.ja_near), ("en", self.en_near)) if n is not None}
        if near:
            out["near"] = near
        return out


class Decision(StrEnum):
    """What a reviewer decided about a terminology finding (``decision`` in corrections.jsonl)."""

    DISMISS = "dismiss"  # a false alarm: no longer reported, kept in report.json with the reason
    ACCEPT = "accept"  # a real problem: still reported, the acceptance and its reason beside it


@dataclass(frozen=True, slots=True)
class FindingDecision:
    """A reviewer's decision on one terminology finding.

    A finding is named by what survives a re-run: the texts of its bead (matched like a correction's, by
    :func:`correction_key`), its check, its Japanese term and what was found; bead ids change when beads
    are merged or split.
    """

    ja: str
    en: str
    check: str
    ja_term: str
    found: str
    decision: Decision
    reason: str = ""
    reviewer: str = ""
    recorded: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return finding_key(self.ja, self.en, self.check, self.ja_term, self.found)

    @property
    def dismisses(self) -> bool:
        """Does it take its finding out of the report (and out of "needs review")?"""
        return self.decision == Decision.DISMISS

    def to_dict(self) -> dict[str, object]:
        return {
            "finding": {
                "ja": self.ja,
                "en": self.en,
                "check": self.check,
                "ja_term": self.ja_term,
                "found": self.found,
            },
            "decision": str(self.decision),
            "reason": self.reason,
            "reviewer": self.reviewer,
            "recorded": self.recorded,
        }


def finding_key(ja: str, en: str, check: str, ja_term: str, found: str) -> tuple[str, str, str, str, str]:
    """How a finding decision is matched against the findings of a later run."""
    return (correction_key(ja), correction_key(en), check, ja_term, found)


@dataclass(frozen=True, slots=True)
class DecidedFinding:
    """A finding a reviewer dismissed or accepted, as report.json lists it."""

    finding: Finding
    decision: FindingDecision

    def to_dict(self) -> dict[str, object]:
        return {
            **self.finding.to_dict(),
            "decision": str(self.decision.decision),
            "reason": self.decision.reason,
            "reviewer": self.decision.reviewer,
            "recorded": self.decision.recorded,
        }


@dataclass(frozen=True, slots=True)
class UnreadableCorrection:
    """A line of a corrections file that could not be read as a correction.

    The run skips it and honours the corrections around it; the file keeps it (corrections are never
    rewritten) and the report lists it, so the reviewer can repair it instead of losing it.
    """

    file: str  # for the console warning only: an absolute path in the report would differ from machine to machine
    line: int
    text: str  # the line as written, undecodable bytes and control characters shown as escapes, shortened
    problem: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "problem": self.problem, "text": self.text}


_SPACE = re.compile(r"\s+")


def correction_key(text: str) -> str:
    """How a correction's text is matched against the sentences: NFKC, all white space removed, so that
    re-extracting or re-wrapping the source does not orphan a correction."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))
