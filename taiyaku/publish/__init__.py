"""Stage 6, publish: the parallel corpus and the translator's report, written atomically and deterministically.

* :mod:`.records`: beads over segments → :class:`~taiyaku.model.BeadRecord` (texts, spans, review flags);
* :mod:`.corpus`: the corpus formats (``corpus.jsonl``, ``corpus.tmx``, ``corpus.tsv``), and reading them back;
* :mod:`.report`: ``report.json`` and ``report.html`` (a Jinja2 template) from one :class:`~.report.Review`;
* :mod:`.guard`: the shrink guard that keeps a truncated source from replacing a good corpus.
* :mod:`.manifest`: ``manifest.json``, written last, which tells a whole publication from an interrupted one.

:func:`publish` is the stage in one call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from taiyaku.model import (
    Bead,
    Correction,
    DecidedFinding,
    Extraction,
    Finding,
    Segment,
    SourceDocument,
    UnreadableCorrection,
)
from taiyaku.publish.corpus import render_corpus
from taiyaku.publish.guard import check_not_shrinking
from taiyaku.publish.manifest import write_publication
from taiyaku.publish.records import bead_records
from taiyaku.publish.report import Review, SidePages, render_report_html, render_report_json

REPORT_JSON = "report.json"
REPORT_HTML = "report.html"


@dataclass(frozen=True, slots=True)
class Publication:
    """What :func:`publish` wrote, and the review it wrote it from."""

    out_dir: Path
    files: list[Path]
    review: Review


def publish(
    out_dir: str | Path,
    *,
    title: str,
    ja_document: SourceDocument,
    en_document: SourceDocument,
    ja: Sequence[Segment],
    en: Sequence[Segment],
    beads: Sequence[Bead],
    findings: Sequence[Finding],
    dismissed_findings: Sequence[DecidedFinding] = (),
    accepted_findings: Sequence[DecidedFinding] = (),
    statement: dict[str, str] | None = None,
    unmatched_corrections: Sequence[Correction] = (),
    unreadable_corrections: Sequence[UnreadableCorrection] = (),
    ja_extraction: Extraction | None = None,
    en_extraction: Extraction | None = None,
    force: bool = False,
    inputs: Mapping[str, str] | None = None,
) -> Publication:
    """Write the corpus files and the report into ``out_dir``; refuse (unless ``force``) to replace a
    published corpus with one that holds clearly less text.

    ``findings`` are those to report; ``dismissed_findings`` (a reviewer's false alarms) are listed apart in
    report.json and the page, and ``accepted_findings`` (still among ``findings``) carry the reviewer's
    reason there.  ``inputs``, the fingerprint of what the corpus was made from, is recorded in the
    manifest (``run-all`` skips a statement whose inputs match)."""
    out_dir = Path(out_dir)
    records = bead_records(beads, ja, en, findings)
    if not force:
        check_not_shrinking(out_dir, records)
    review = Review(
        title=title,
        records=records,
        findings=findings,
        dismissed_findings=dismissed_findings,
        accepted_findings=accepted_findings,
        ja_provenance=ja_document.provenance,
        en_provenance=en_document.provenance,
        ja_segments=len(ja),
        en_segments=len(en),
        statement=statement or {},
        unmatched_corrections=unmatched_corrections,
        unreadable_corrections=unreadable_corrections,
        ja_pages=SidePages.of(ja_document, out_dir) if ja_extraction else None,
        en_pages=SidePages.of(en_document, out_dir) if en_extraction else None,
        ja_extraction=ja_extraction,
        en_extraction=en_extraction,
    )
    files = {
        **render_corpus(records),
        REPORT_JSON: render_report_json(review),
        REPORT_HTML: render_report_html(review),
    }
    return Publication(out_dir, write_publication(out_dir, files, inputs), review)
