"""Alignment quality against real translations: the link-F1 metric of ``../shared/eval/README.md``.

A *set* is a folder of documents, each a folder with ``ja.txt``, ``en.txt`` and ``gold.tsv`` (one gold
unit a line: ``ja_start ja_end en_start en_end``, character offsets into the two texts).  The metric:

1. every predicted sentence maps to each gold unit it covers at least half of, or else to the unit it
   overlaps most (a sentence overlapping no unit maps to nothing);
2. a bead links every Japanese unit its Japanese sentences map to with every English unit its English
   sentences map to; gold links are (k, k);
3. precision = correct links / predicted links, recall = correct links / gold units, summed over the
   documents of a set (micro-average);
4. a gold unit is *unmapped* when no predicted sentence maps to it on one side or the other.

A document aligned from PDFs (``ja.pdf`` / ``en.pdf`` of a rendition) is scored the same way once each of its
sentences has been located in ``ja.txt`` / ``en.txt`` by its text (:mod:`taiyaku.eval.located`);
:class:`PdfLocation` counts the sentences that could not be.

A bead is *correct* (for the reliability table) when it links something and all its links are gold; a
1-0 or 0-1 bead is correct when its sentences map to no gold unit.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from taiyaku.errors import TaiyakuError
from taiyaku.model import REVIEW_THRESHOLD, Bead, Segment

Span = tuple[int, int]
# Score bins of the reliability table; the last upper bound is just above 1 so that a score of 1.0 falls in
# the last bin, [0.99, 1.00].
RELIABILITY_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0000001)
STAGES = ("pull", "normalize", "segment", "align", "publish")


@dataclass(frozen=True)
class GoldUnit:
    ja: Span
    en: Span


def load_gold(path: Path) -> list[GoldUnit]:
    """Read ``gold.tsv``; a malformed line raises :class:`TaiyakuError` naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) else "not valid UTF-8"
        raise TaiyakuError(str(path), f"cannot read gold alignment: {problem}") from exc
    if not lines or lines[0].rstrip().split("\t") != ["ja_start", "ja_end", "en_start", "en_end"]:
        raise TaiyakuError(str(path), "header must be: ja_start ja_end en_start en_end (tab-separated)")
    units: list[GoldUnit] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.rstrip().split("\t")
        # isascii: str.isdigit also accepts digits such as "²" that int() refuses.
        if len(fields) != 4 or not all(f.isascii() and f.isdigit() for f in fields):
            raise TaiyakuError(f"{path}:{number}", "expected four non-negative integers")
        a, b, c, d = map(int, fields)
        if a > b or c > d:
            raise TaiyakuError(f"{path}:{number}", "a span ends before it starts")
        units.append(GoldUnit((a, b), (c, d)))
    return units


def write_gold_prefix(doc_dir: Path, cut: int, into: Path) -> Path:
    """Write the start of a gold document to ``into`` (``ja.txt``, ``en.txt``, ``gold.tsv``): the text before
    gold unit number ``cut`` on each side and the units before it, or the whole document when ``cut`` is
    past its last unit.  For measuring how time grows with length (benchmarks)."""
    gold = load_gold(doc_dir / "gold.tsv")
    ja = (doc_dir / "ja.txt").read_text(encoding="utf-8")
    en = (doc_dir / "en.txt").read_text(encoding="utf-8")
    ja_end, en_end = (gold[cut].ja[0], gold[cut].en[0]) if cut < len(gold) else (len(ja), len(en))
    into.mkdir(parents=True, exist_ok=True)
    (into / "ja.txt").write_text(ja[:ja_end], encoding="utf-8")
    (into / "en.txt").write_text(en[:en_end], encoding="utf-8")
    lines = ["ja_start\tja_end\ten_start\ten_end"]
    lines += [f"{u.ja[0]}\t{u.ja[1]}\t{u.en[0]}\t{u.en[1]}" for u in gold[:cut]]
    (into / "gold.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return into


def map_spans(spans: Sequence[Span], units: Sequence[Span]) -> list[tuple[int, ...]]:
    """For each predicted span, the gold units it maps to (README rule: ≥ half covered, else max overlap)."""
    order = sorted(range(len(units)), key=lambda k: units[k])
    starts = [units[k][0] for k in order]
    max_len = max((e - s for s, e in units), default=0)
    mapped: list[tuple[int, ...]] = []
    for start, end in spans:
        # Candidates: units starting before `end` and not ending before `start`.
        lo = bisect_left(starts, start - max_len)
        hi = bisect_right(starts, end)
        covered: list[int] = []
        best, best_overlap = -1, 0
        for pos in range(lo, hi):
            k = order[pos]
            u_start, u_end = units[k]
            overlap = min(end, u_end) - max(start, u_start)
            if overlap <= 0:
                continue
            if 2 * overlap >= u_end - u_start:
                covered.append(k)
            if overlap > best_overlap:
                best, best_overlap = k, overlap
        mapped.append(tuple(sorted(covered)) if covered else ((best,) if best >= 0 else ()))
    return mapped


@dataclass(frozen=True)
class BeadOutcome:
    score: float
    type: str
    correct: bool


@dataclass(frozen=True)
class PdfLocation:
    """A document aligned from its PDFs: its sentences per side, and how many of them could not be located
    in the gold text (:mod:`taiyaku.eval.located`; footnotes, headers, text the extraction garbled)."""

    ja_sentences: int
    en_sentences: int
    ja_unlocated: int
    en_unlocated: int


@dataclass(frozen=True)
class DocumentScore:
    name: str
    gold_units: int
    predicted_links: int
    correct_links: int
    unmapped_units: int
    beads: tuple[BeadOutcome, ...]
    pdf: PdfLocation | None = None  # None: aligned from the text files themselves


def score_document(
    name: str,
    gold: Sequence[GoldUnit],
    beads: Sequence[Bead],
    ja: Sequence[Segment],
    en: Sequence[Segment],
    pdf: PdfLocation | None = None,
) -> DocumentScore:
    ja_units = map_spans([(s.start, s.end) for s in ja], [u.ja for u in gold])
    en_units = map_spans([(s.start, s.end) for s in en], [u.en for u in gold])
    predicted: set[tuple[int, int]] = set()
    outcomes: list[BeadOutcome] = []
    for bead in beads:
        left = {u for i in bead.ja for u in ja_units[i]}
        right = {u for j in bead.en for u in en_units[j]}
        links = {(u, v) for u in left for v in right}
        predicted |= links
        # A null bead is right only if its sentences belong to no gold unit.
        correct = (bool(links) and all(u == v for u, v in links)) if bead.ja and bead.en else not (left or right)
        outcomes.append(BeadOutcome(bead.score, bead.type, correct))
    seen_ja = {u for units in ja_units for u in units}
    seen_en = {u for units in en_units for u in units}
    unmapped = sum(1 for k in range(len(gold)) if k not in seen_ja or k not in seen_en)
    correct_links = sum(1 for u, v in predicted if u == v)
    return DocumentScore(name, len(gold), len(predicted), correct_links, unmapped, tuple(outcomes), pdf)


@dataclass
class EvalReport:
    set_name: str
    documents: list[DocumentScore] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @property
    def gold_units(self) -> int:
        return sum(d.gold_units for d in self.documents)

    @property
    def precision(self) -> float:
        predicted = sum(d.predicted_links for d in self.documents)
        return sum(d.correct_links for d in self.documents) / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        return sum(d.correct_links for d in self.documents) / self.gold_units if self.gold_units else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def unmapped_rate(self) -> float:
        return sum(d.unmapped_units for d in self.documents) / self.gold_units if self.gold_units else 0.0

    def pdf_locations(self) -> list[PdfLocation]:
        """The documents aligned from PDFs (:class:`PdfLocation` of each)."""
        return [d.pdf for d in self.documents if d.pdf is not None]

    def outcomes(self) -> list[BeadOutcome]:
        return [b for d in self.documents for b in d.beads]

    def bead_types(self) -> Counter[str]:
        return Counter(b.type for b in self.outcomes())

    def reliability(self) -> list[tuple[float, float, int, float]]:
        """(bin low, bin high, beads, accuracy) for each score bin with beads."""
        rows = []
        outcomes = self.outcomes()
        for low, high in itertools.pairwise(RELIABILITY_BINS):
            in_bin = [b for b in outcomes if low <= b.score < high]
            if in_bin:
                rows.append((low, min(high, 1.0), len(in_bin), sum(b.correct for b in in_bin) / len(in_bin)))
        return rows

    def review_figures(self, threshold: float) -> tuple[float, float]:
        """(share of wrong beads flagged, share of correct beads flagged) at a needs-review threshold."""
        outcomes = self.outcomes()
        wrong = [b for b in outcomes if not b.correct]
        right = [b for b in outcomes if b.correct]
        caught = sum(b.score < threshold for b in wrong) / len(wrong) if wrong else 1.0
        bothered = sum(b.score < threshold for b in right) / len(right) if right else 0.0
        return caught, bothered

    def high_confidence_accuracy(self, cut: float = 0.9) -> tuple[int, float]:
        high = [b for b in self.outcomes() if b.score >= cut]
        return len(high), (sum(b.correct for b in high) / len(high) if high else 1.0)


def set_documents(set_dir: Path) -> list[Path]:
    """The document folders of a set, in name order (a folder qualifies if it has gold.tsv)."""
    if not set_dir.is_dir():
        raise TaiyakuError(str(set_dir), "not a directory (expected an evaluation set)")
    docs = sorted(p for p in set_dir.iterdir() if (p / "gold.tsv").is_file())
    if not docs:
        raise TaiyakuError(str(set_dir), "no document folders with ja.txt, en.txt and gold.tsv")
    return docs


def add_document(report: EvalReport, score: DocumentScore, seconds: dict[str, float]) -> None:
    report.documents.append(score)
    for stage, value in seconds.items():
        report.stage_seconds[stage] = report.stage_seconds.get(stage, 0.0) + value


def report_dict(report: EvalReport) -> dict[str, object]:
    """The evaluation as ``PRED_DIR/report.json`` states it (``taiyaku eval --out``)."""
    high_count, high_accuracy = report.high_confidence_accuracy(0.9)
    caught, bothered = report.review_figures(REVIEW_THRESHOLD)
    figures: dict[str, object] = {
        "set": report.set_name,
        "documents": len(report.documents),
        "gold_units": report.gold_units,
        "link_precision": round(report.precision, 4),
        "link_recall": round(report.recall, 4),
        "link_f1": round(report.f1, 4),
        "unmapped_units": sum(d.unmapped_units for d in report.documents),
        "bead_types": dict(sorted(report.bead_types().items())),
        "reliability": [
            {"score_from": low, "score_to": round(high, 4), "beads": count, "accuracy": round(accuracy, 4)}
            for low, high, count, accuracy in report.reliability()
        ],
        "high_confidence": {"score_at_least": 0.9, "beads": high_count, "accuracy": round(high_accuracy, 4)},
        "review_threshold": {
            "score_below": REVIEW_THRESHOLD,
            "wrong_beads_flagged": round(caught, 4),
            "correct_beads_flagged": round(bothered, 4),
        },
    }
    located = report.pdf_locations()
    if located:  # only for PDF inputs: the report of a text set keeps its bytes
        figures["pdf_inputs"] = {
            "documents": len(located),
            "sentences": {"ja": sum(p.ja_sentences for p in located), "en": sum(p.en_sentences for p in located)},
            "unlocated_sentences": {
                "ja": sum(p.ja_unlocated for p in located),
                "en": sum(p.en_unlocated for p in located),
            },
        }
    return figures


def _pdf_line(located: Sequence[PdfLocation]) -> str:
    parts = []
    for side, sentences, unlocated in (
        ("ja", sum(p.ja_sentences for p in located), sum(p.ja_unlocated for p in located)),
        ("en", sum(p.en_sentences for p in located), sum(p.en_unlocated for p in located)),
    ):
        share = unlocated / sentences if sentences else 0.0
        parts.append(f"{side} {unlocated} of {sentences} ({share:.1%})")
    return (
        f"PDF inputs: {len(located)} documents aligned from ja.pdf / en.pdf; sentences not found in the gold "
        "text (footnotes, headers, garbled): " + ", ".join(parts)
    )


def format_report(report: EvalReport) -> str:
    """The human-readable summary ``taiyaku eval`` prints."""
    lines = [
        f"set {report.set_name}: {len(report.documents)} documents, {report.gold_units} gold units",
        f"link precision {report.precision:.4f}  recall {report.recall:.4f}  F1 {report.f1:.4f}",
        f"unmapped units {sum(d.unmapped_units for d in report.documents)} ({report.unmapped_rate:.2%})",
        *([_pdf_line(report.pdf_locations())] if report.pdf_locations() else []),
        "bead types: " + ", ".join(f"{t} {c}" for t, c in sorted(report.bead_types().items())),
        "reliability (score bin: beads, accuracy):",
    ]
    for low, high, count, accuracy in report.reliability():
        lines.append(f"  [{low:.2f}, {high:.2f}{']' if high >= 1.0 else ')'}: {count:6d}  {accuracy:.3f}")
    count, accuracy = report.high_confidence_accuracy(0.9)
    lines.append(f"beads with score >= 0.9: {count}, correct {accuracy:.2%}")
    caught, bothered = report.review_figures(REVIEW_THRESHOLD)
    lines.append(
        f"needs review (score < {REVIEW_THRESHOLD}): catches {caught:.1%} of wrong beads, "
        f"flags {bothered:.1%} of correct beads"
    )
    lines.append("time per stage: " + ", ".join(f"{stage} {secs:.1f}s" for stage, secs in report.stage_seconds.items()))
    per_thousand = 1000 * sum(report.stage_seconds.values()) / max(report.gold_units, 1)
    lines.append(f"time per 1,000 gold units: {per_thousand:.1f}s (the stages above, summed)")
    return "\n".join(lines)
