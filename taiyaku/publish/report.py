"""The translator's review report: ``report.json`` (machine-readable) and ``report.html`` (to read).

Both are built from one :class:`Review`, so the page and the JSON always state the same facts. Neither
holds a timestamp: the same inputs give the same bytes.
"""

from __future__ import annotations

import bisect
import json
import os
import platform
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from taiyaku import __version__
from taiyaku.model import (
    REVIEW_THRESHOLD,
    BeadFlag,
    BeadRecord,
    Correction,
    DecidedFinding,
    Extraction,
    Finding,
    Provenance,
    Severity,
    SourceDocument,
    UnreadableCorrection,
    page_starts,
)
from taiyaku.templates import html_template

# Distributions whose versions decide the output; recorded so a corpus can be reproduced.
TOOL_DISTRIBUTIONS = ("prefect", "spacy", "ja-ginza", "ginza", "sudachipy", "sudachidict-core", "sacrebleu")


def tool_versions() -> dict[str, str]:
    versions = {"taiyaku": __version__, "python": platform.python_version()}
    for name in TOOL_DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass(frozen=True, slots=True)
class SidePages:
    """How to name and open the page of a paginated source (a PDF) that holds a span."""

    starts: Sequence[int]  # where each page starts in the decoded text
    link: str  # the source as the report links to it: a URL, or a path relative to the report

    @classmethod
    def of(cls, document: SourceDocument, out_dir: Path) -> SidePages:
        source = document.provenance.source
        if source.startswith(("http://", "https://")):
            link = source
        else:
            local = source.removeprefix("file://")
            link = Path(os.path.relpath(Path(local).resolve(), out_dir.resolve())).as_posix()
        return cls(page_starts(document.text), link)

    def pages(self, spans: Sequence[tuple[int, int]]) -> tuple[int, ...]:
        """The 1-based pages the spans start and end on (one page, or the first and the last)."""
        if not spans:
            return ()
        first = bisect.bisect_right(self.starts, spans[0][0])
        last = bisect.bisect_right(self.starts, max(spans[-1][1] - 1, spans[-1][0]))
        return (first,) if first == last else (first, last)


@dataclass(frozen=True, slots=True)
class Review:
    """Everything the report states about one aligned document pair."""

    title: str
    records: Sequence[BeadRecord]
    findings: Sequence[Finding]
    ja_provenance: Provenance
    en_provenance: Provenance
    ja_segments: int
    en_segments: int
    statement: dict[str, str] = field(default_factory=dict)
    # Reviewer corrections that no longer match the sources: kept in the corrections file and shown
    # here so the reviewer can re-record them, never dropped.
    unmatched_corrections: Sequence[Correction] = ()
    # Lines of the corrections file that could not be read: skipped by the run, listed for repair.
    unreadable_corrections: Sequence[UnreadableCorrection] = ()
    # Findings a reviewer dismissed as false alarms (no longer among ``findings``) or accepted (still there).
    dismissed_findings: Sequence[DecidedFinding] = ()
    accepted_findings: Sequence[DecidedFinding] = ()
    # PDF sides only: the pages each bead is on, and what extraction did.
    ja_pages: SidePages | None = None
    en_pages: SidePages | None = None
    ja_extraction: Extraction | None = None
    en_extraction: Extraction | None = None
    _findings_by_bead: dict[str, list[Finding]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexed once: the report asks for every bead's findings several times.
        by_bead: dict[str, list[Finding]] = {}
        for finding in self.findings:
            by_bead.setdefault(finding.bead_id, []).append(finding)
        object.__setattr__(self, "_findings_by_bead", by_bead)

    def findings_of(self, bead_id: str) -> list[Finding]:
        """The findings on one bead, in report order."""
        return self._findings_by_bead.get(bead_id, [])

    def summary(self) -> ReviewSummary:
        scores = [r.score for r in self.records]
        return ReviewSummary(
            beads=len(self.records),
            ja_segments=self.ja_segments,
            en_segments=self.en_segments,
            bead_types=dict(sorted(Counter(r.type for r in self.records).items())),
            mean_score=round(sum(scores) / len(scores), 4) if scores else 0.0,
            review_threshold=REVIEW_THRESHOLD,
            low_confidence=sum(1 for r in self.records if r.score < REVIEW_THRESHOLD),
            needs_review=sum(1 for r in self.records if r.needs_review),
            findings=len(self.findings),
            findings_by_check=dict(sorted(Counter(f.check for f in self.findings).items())),
            reviewed=sum(1 for r in self.records if r.reviewed),
            unmatched_corrections=len(self.unmatched_corrections),
            unreadable_corrections=len(self.unreadable_corrections),
            dismissed_findings=len(self.dismissed_findings),
            fragments=sum(1 for r in self.records if BeadFlag.FRAGMENT in r.flags),
        )

    def pages_of(self, record: BeadRecord) -> dict[str, tuple[int, ...]]:
        """The pages of each paginated side a bead is on (empty for a side that is not a PDF)."""
        pages: dict[str, tuple[int, ...]] = {}
        if self.ja_pages is not None:
            pages["ja"] = self.ja_pages.pages(record.ja_spans)
        if self.en_pages is not None:
            pages["en"] = self.en_pages.pages(record.en_spans)
        return pages

    @property
    def extractions(self) -> dict[str, Extraction]:
        sides = {"ja": self.ja_extraction, "en": self.en_extraction}
        return {side: extraction for side, extraction in sides.items() if extraction is not None}


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """The counts at the top of the report (``summary`` in report.json)."""

    beads: int
    ja_segments: int
    en_segments: int
    bead_types: dict[str, int]
    mean_score: float
    review_threshold: float
    low_confidence: int
    needs_review: int
    findings: int
    findings_by_check: dict[str, int]
    reviewed: int
    unmatched_corrections: int
    unreadable_corrections: int
    dismissed_findings: int
    fragments: int  # beads flagged "fragment" (a side starts or ends mid-sentence)

    def to_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


def render_report_json(review: Review) -> str:
    document = {
        "taiyaku_report": 1,
        "title": review.title,
        "statement": review.statement,
        "summary": review.summary().to_dict(),
        "sources": {"ja": review.ja_provenance.to_dict(), "en": review.en_provenance.to_dict()},
        "tool_versions": tool_versions(),
        "findings": [f.to_dict() for f in review.findings],
        "unmatched_corrections": [c.to_dict() for c in review.unmatched_corrections],
        "unreadable_corrections": [c.to_dict() for c in review.unreadable_corrections],
        "dismissed_findings": [d.to_dict() for d in review.dismissed_findings],
        "accepted_findings": [d.to_dict() for d in review.accepted_findings],
        **({"extraction": {side: e.to_dict() for side, e in review.extractions.items()}} if review.extractions else {}),
        "beads": [
            {
                **r.to_dict(),
                "needs_review": r.needs_review,
                "findings": [f.to_dict() for f in review.findings_of(r.id)],
                **{f"{side}_pages": list(pages) for side, pages in review.pages_of(r).items()},
            }
            for r in review.records
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


@dataclass(frozen=True, slots=True)
class _BeadRow:
    """What the template shows for one bead, with the presentation rules decided here rather than in
    template logic."""

    record: BeadRecord
    findings: Sequence[Finding]
    classes: tuple[str, ...]  # reviewed / low / finding: the row's shading
    ja_spans: str  # "[a,b) [c,d)": character offsets into the decoded source
    en_spans: str
    ja_pages: _PageLink | None  # PDF sides: the page(s) the sentences are on, linked to the source
    en_pages: _PageLink | None


@dataclass(frozen=True, slots=True)
class _PageLink:
    label: str  # "p. 3", "pp. 3–4"
    href: str  # the source at that page ("…/ja.pdf#page=3")


def _page_link(side: SidePages | None, pages: tuple[int, ...]) -> _PageLink | None:
    if side is None or not pages:
        return None
    label = f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}–{pages[1]}"
    return _PageLink(label, f"{side.link}#page={pages[0]}")


def _spans(spans: Sequence[tuple[int, int]]) -> str:
    return " ".join(f"[{a},{b})" for a, b in spans)


def _bead_row(review: Review, record: BeadRecord) -> _BeadRow:
    bead_findings = review.findings_of(record.id)
    classes: list[str] = []
    # A reviewer's confirmation outranks a low score; an error finding is shown either way.
    if record.reviewed:
        classes.append("reviewed")
    elif record.score < REVIEW_THRESHOLD:
        classes.append("low")
    if any(f.severity == Severity.ERROR for f in bead_findings):
        classes.append("finding")
    pages = review.pages_of(record)
    return _BeadRow(
        record,
        bead_findings,
        tuple(classes),
        _spans(record.ja_spans),
        _spans(record.en_spans),
        _page_link(review.ja_pages, pages.get("ja", ())),
        _page_link(review.en_pages, pages.get("en", ())),
    )


def render_report_html(review: Review) -> str:
    """The translator's review page (``report.html``): the facts of report.json, for reading."""
    rows = [_bead_row(review, record) for record in review.records]
    return html_template("publish/templates", "report.html.j2").render(
        title=review.title,
        summary=review.summary(),
        unmatched_corrections=review.unmatched_corrections,
        unreadable_corrections=review.unreadable_corrections,
        dismissed_findings=review.dismissed_findings,
        accepted_findings=review.accepted_findings,
        statement_id=review.statement.get("id", ""),
        sources=[("ja", review.ja_provenance.to_dict()), ("en", review.en_provenance.to_dict())],
        rows=rows,
        fragments=[row for row in rows if BeadFlag.FRAGMENT in row.record.flags],
        extractions=list(review.extractions.items()),
        tool_versions=tool_versions(),
    )


def render_summary_markdown(review: Review) -> str:
    """The short summary published as a Prefect artifact."""
    summary = review.summary()
    types = ", ".join(f"{k}: {v}" for k, v in summary.bead_types.items())
    checks = ", ".join(f"{k}: {v}" for k, v in summary.findings_by_check.items()) or "none"
    return "\n".join(
        [
            f"# {review.title}",
            "",
            "| | |",
            "|---|---|",
            f"| beads | {summary.beads} ({types}) |",
            f"| segments ja / en | {summary.ja_segments} / {summary.en_segments} |",
            f"| mean confidence | {summary.mean_score} |",
            f"| need review | {summary.needs_review} (threshold {summary.review_threshold}) |",
            f"| findings | {summary.findings} ({checks}) |",
            "",
        ]
    )
