"""The translator's review report: ``report.json`` (machine-readable) and ``report.html`` (to read).

Both are built from one :class:`Review`, so the page and the JSON always state the same facts. Neither
holds a timestamp: the same inputs give the same bytes.
"""

from __future__ import annotations

import html
import json
import platform
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata

from taiyaku import __version__
from taiyaku.model import REVIEW_THRESHOLD, BeadRecord, Correction, Finding, Provenance, Severity

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
        )


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
        "beads": [
            {
                **r.to_dict(),
                "needs_review": r.needs_review,
                "findings": [f.to_dict() for f in review.findings_of(r.id)],
            }
            for r in review.records
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; vertical-align: top; text-align: left; }
table.beads td.ja, table.beads td.en { width: 40%; }
table.beads td.ja { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif; }
tr.low { background: #fff3cd; } tr.finding { background: #fde2e1; } tr.reviewed { background: #e6f4ea; }
.score { font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.findings { margin: .3rem 0 0 0; padding-left: 1.1rem; font-size: .9rem; }
.sev-error { color: #a00; font-weight: bold; } .sev-warning { color: #8a5a00; } .sev-info { color: #555; }
.meta { color: #555; font-size: .9rem; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _kv_table(rows: Sequence[tuple[str, object]]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _unmatched_html(review: Review) -> list[str]:
    if not review.unmatched_corrections:
        return []
    rows = "".join(
        f'<tr><td lang="ja">{_e(c.ja)}</td><td>{_e(c.en)}</td><td>{_e(c.reviewer)}</td><td>{_e(c.note)}</td></tr>'
        for c in review.unmatched_corrections
    )
    return [
        "<h2>Corrections that no longer match the sources</h2>",
        "<p>These reviewer corrections are kept in corrections.jsonl but their text was not found in the "
        "current sources. Check them and record them again.</p>",
        f"<table><tr><th>Japanese</th><th>English</th><th>reviewer</th><th>note</th></tr>{rows}</table>",
    ]


def render_report_html(review: Review) -> str:
    summary = review.summary()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>taiyaku review: {_e(review.title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Alignment review: {_e(review.title)}</h1>",
        '<p class="meta">Beads below the review threshold are shaded yellow, beads with error findings '
        "red, beads a reviewer has confirmed green. Spans are character offsets into the decoded "
        "source of each side.</p>",
        "<h2>Summary</h2>",
        _kv_table(
            [
                ("beads", summary.beads),
                ("Japanese segments", summary.ja_segments),
                ("English segments", summary.en_segments),
                ("mean confidence", summary.mean_score),
                ("review threshold", summary.review_threshold),
                ("low-confidence beads", summary.low_confidence),
                ("beads that need review", summary.needs_review),
                ("terminology findings", summary.findings),
                ("beads confirmed by a reviewer", summary.reviewed),
                ("corrections that no longer match", summary.unmatched_corrections),
            ]
        ),
        "<h2>Bead types</h2>",
        _kv_table(list(summary.bead_types.items())),
        "<h2>Findings by check</h2>",
        _kv_table(list(summary.findings_by_check.items())) if review.findings else "<p>No findings.</p>",
        *_unmatched_html(review),
        "<h2>Sources</h2>",
        _kv_table(
            [(f"ja {k}", v) for k, v in review.ja_provenance.to_dict().items()]
            + [(f"en {k}", v) for k, v in review.en_provenance.to_dict().items()]
        ),
        "<h2>Beads</h2>",
        '<table class="beads"><thead><tr><th>bead</th><th>type</th><th>score</th>'
        "<th>Japanese</th><th>English</th></tr></thead><tbody>",
    ]
    for record in review.records:
        bead_findings = review.findings_of(record.id)
        classes = []
        if record.reviewed:
            classes.append("reviewed")
        elif record.score < REVIEW_THRESHOLD:
            classes.append("low")
        if any(f.severity == Severity.ERROR for f in bead_findings):
            classes.append("finding")
        notes = ""
        if bead_findings:
            items = "".join(
                f'<li><span class="sev-{_e(f.severity)}">{_e(f.check)}</span>: {_e(f.message)}</li>'
                for f in bead_findings
            )
            notes = f'<ul class="findings">{items}</ul>'
        flags = f'<div class="meta">{_e(", ".join(record.flags))}</div>' if record.flags else ""
        spans_ja = " ".join(f"[{a},{b})" for a, b in record.ja_spans)
        spans_en = " ".join(f"[{a},{b})" for a, b in record.en_spans)
        parts.append(
            f'<tr id="{_e(record.id)}" class="{" ".join(classes)}">'
            f"<td>{_e(record.id)}{flags}</td><td>{_e(record.type)}</td>"
            f'<td class="score">{record.score:.3f}</td>'
            f'<td class="ja" lang="ja">{_e(record.ja)}<div class="meta">{_e(spans_ja)}</div></td>'
            f'<td class="en" lang="en">{_e(record.en)}<div class="meta">{_e(spans_en)}</div>{notes}</td>'
            "</tr>"
        )
    versions = ", ".join(f"{k} {v}" for k, v in tool_versions().items())
    parts += ["</tbody></table>", f'<p class="meta">Made with {_e(versions)}.</p>', "</body></html>", ""]
    return "\n".join(parts)


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
