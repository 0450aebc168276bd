"""Does the parallelism check refuse document pairs that are not translations of each other, and only those?

    .venv/bin/python benchmarks/mismatched_pairs.py [EVAL_DIR]      (default: ../shared/eval)

Every pair goes through the real pipeline: :func:`taiyaku.pipeline.align_sources` (pull → normalize →
verify language → segment → align), then the check, :func:`taiyaku.pipeline.verify_parallel`.  Three groups:

* **100 mismatched pairs**: the Japanese of one document with the English of another, chosen
  deterministically from kyoto-wiki and ntrex-news: 35 + 25 by rotating each set by half its size, 25
  kyoto-wiki pairs of the same topic (consecutive documents with the same id prefix: two schools, two
  shrines), 15 pairs whose English texts are the nearest in length.  Target: every pair refused, so no bead
  scored ≥ 0.9 survives; also shown, what ``--force`` would publish.
* **every real pair** of both sets (168) and the seed statement: how many are wrongly refused, and how many
  bead scores the check changed (target: none and none).
* **80 partly parallel pairs** built from three consecutive articles A, B, C of a set (10 triples per set):
  one side lacks B (a missing chapter), or holds only B (a translated excerpt), each way round.  Target:
  none refused; the wrong beads (sentences of different articles, or of an article the other side lacks)
  scored ≥ 0.9 before and after the check, and how many of the beads it flags are wrong ones.

Not a timed test: the figures go in benchmarks/README.md.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from taiyaku.errors import TaiyakuError  # noqa: E402
from taiyaku.eval.alignment import set_documents  # noqa: E402
from taiyaku.model import REVIEW_THRESHOLD, Bead, BeadFlag  # noqa: E402
from taiyaku.pipeline import AlignedSources, align_sources, verify_parallel  # noqa: E402

SETS = ("kyoto-wiki", "ntrex-news")
SEED = ROOT / "corpora" / "us-japan-internet-economy-2014"
ARTICLE_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Outcome:
    refused: bool
    before: list[Bead]  # the aligner's beads
    after: list[Bead]  # what would be published (nothing when refused)
    forced: list[Bead]  # what --force would publish
    aligned: AlignedSources
    seconds_align: float
    seconds_check: float


def check(ja_source: str, en_source: str) -> Outcome:
    started = time.perf_counter()
    aligned = align_sources(ja_source, en_source)
    aligned_at = time.perf_counter()
    try:
        after = verify_parallel(aligned, None, force=False).alignment.beads
        refused = False
    except TaiyakuError:
        after, refused = [], True
    checked_at = time.perf_counter()
    forced = verify_parallel(aligned, None, force=True).alignment.beads
    return Outcome(
        refused, aligned.alignment.beads, after, forced, aligned, aligned_at - started, checked_at - aligned_at
    )


def confident(beads: Sequence[Bead]) -> int:
    return sum(1 for bead in beads if bead.ja and bead.en and bead.score >= REVIEW_THRESHOLD)


# --- choosing the pairs ---------------------------------------------------------------------------------


def mismatched_pairs(eval_dir: Path) -> list[tuple[str, Path, Path]]:
    """(kind, Japanese document, English document): 100 pairs, the same every run."""
    kyoto = set_documents(eval_dir / "kyoto-wiki")
    ntrex = set_documents(eval_dir / "ntrex-news")
    pairs: list[tuple[str, Path, Path]] = []
    for documents, count in ((kyoto, 35), (ntrex, 25)):
        half = len(documents) // 2
        step = max(1, len(documents) // count)
        rotated = [(documents[i], documents[(i + half) % len(documents)]) for i in range(0, count * step, step)]
        pairs += [("rotated", ja, en) for ja, en in rotated]
    same_topic = [(a, b) for a, b in itertools.pairwise(kyoto) if a.name[:3] == b.name[:3]]
    pairs += [("same topic", a, b) for a, b in same_topic[:25]]
    for documents, count in ((kyoto, 8), (ntrex, 7)):
        length = {d: len((d / "en.txt").read_text(encoding="utf-8")) for d in documents}
        step = len(documents) // count
        for i in range(0, count * step, step):
            doc = documents[i]
            nearest = min((d for d in documents if d != doc), key=lambda d: (abs(length[d] - length[doc]), d.name))
            pairs.append(("similar length", doc, nearest))
    return pairs


@dataclass(frozen=True, slots=True)
class Built:
    """A partly parallel pair written to files, with each side's article boundaries (character offsets)."""

    kind: str
    ja: Path
    en: Path
    ja_articles: list[tuple[str, int, int]]
    en_articles: list[tuple[str, int, int]]


def _write(path: Path, documents: Sequence[Path], name: str) -> list[tuple[str, int, int]]:
    text, articles = "", []
    for document in documents:
        if text:
            text += ARTICLE_SEPARATOR
        body = (document / name).read_text(encoding="utf-8").strip()
        articles.append((document.name, len(text), len(text) + len(body)))
        text += body
    path.write_text(text + "\n", encoding="utf-8")
    return articles


def partial_pairs(eval_dir: Path, into: Path) -> list[Built]:
    built: list[Built] = []
    for set_name in SETS:
        documents = set_documents(eval_dir / set_name)
        for t in range(10):
            a, b, c = documents[3 * t : 3 * t + 3]
            variants = {
                "English lacks a chapter": ([a, b, c], [a, c]),
                "Japanese lacks a chapter": ([a, c], [a, b, c]),
                "English is an excerpt": ([a, b, c], [b]),
                "Japanese is an excerpt": ([b], [a, b, c]),
            }
            for kind, (ja_docs, en_docs) in variants.items():
                folder = into / f"{set_name}-{t}-{len(built)}"
                folder.mkdir()
                ja_articles = _write(folder / "ja.txt", ja_docs, "ja.txt")
                en_articles = _write(folder / "en.txt", en_docs, "en.txt")
                built.append(Built(kind, folder / "ja.txt", folder / "en.txt", ja_articles, en_articles))
    return built


def _article(articles: list[tuple[str, int, int]], offset: int) -> str:
    return next(name for name, start, end in articles if start <= offset < end)


def wrong(bead: Bead, outcome: Outcome, pair: Built) -> bool:
    """A bilingual bead is wrong if its sentences come from different articles or from one the other side
    lacks (the check's concern; within an article the aligner is measured by `taiyaku eval`)."""
    if not (bead.ja and bead.en):
        return False
    ja = {_article(pair.ja_articles, outcome.aligned.ja[i].start) for i in bead.ja}
    en = {_article(pair.en_articles, outcome.aligned.en[j].start) for j in bead.en}
    return len(ja | en) > 1


# --- the report -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    eval_dir = Path((argv if argv is not None else sys.argv[1:] or ["../shared/eval"])[0])
    if not all((eval_dir / s).is_dir() for s in SETS):
        print(f"error: {eval_dir}: expected the evaluation sets {', '.join(SETS)} here", file=sys.stderr)
        return 2

    print("## 100 mismatched pairs (Japanese of one document, English of another)\n")
    print("| pairs | kind | refused | beads >= 0.9 before the check | published >= 0.9 | with --force >= 0.9 |")
    print("|---|---|---|---|---|---|")
    by_kind: dict[str, list[Outcome]] = {}
    for kind, ja_doc, en_doc in mismatched_pairs(eval_dir):
        outcome = check(str(ja_doc / "ja.txt"), str(en_doc / "en.txt"))
        by_kind.setdefault(kind, []).append(outcome)
        if not outcome.refused:
            print(f"  (not refused: ja {ja_doc.parent.name}/{ja_doc.name}, en {en_doc.name})", file=sys.stderr)
    for kind, outcomes in [*by_kind.items(), ("all", [o for group in by_kind.values() for o in group])]:
        print(
            f"| {len(outcomes)} | {kind} | {sum(o.refused for o in outcomes)} | "
            f"{sum(confident(o.before) for o in outcomes)} | {sum(confident(o.after) for o in outcomes)} | "
            f"{sum(confident(o.forced) for o in outcomes)} |"
        )

    print("\n## Real pairs (every document of both sets, and the seed statement)\n")
    print("| set | pairs | wrongly refused | bead scores changed | beads flagged unsupported | check / pipeline time |")
    print("|---|---|---|---|---|---|")
    real: dict[str, list[tuple[str, str]]] = {
        name: [(str(d / "ja.txt"), str(d / "en.txt")) for d in set_documents(eval_dir / name)] for name in SETS
    }
    real["seed statement"] = [(str(SEED / "ja.txt"), str(SEED / "en.html"))]
    for name, sources in real.items():
        outcomes = [check(ja, en) for ja, en in sources]
        changed = sum(
            1
            for o in outcomes
            if not o.refused
            for before, after in zip(o.before, o.after, strict=True)
            if (before.score, before.flags) != (after.score, after.flags)
        )
        flagged = sum(1 for o in outcomes for bead in o.after if BeadFlag.UNSUPPORTED in bead.flags)
        share = sum(o.seconds_check for o in outcomes) / sum(o.seconds_align for o in outcomes)
        refused = sum(o.refused for o in outcomes)
        print(f"| {name} | {len(outcomes)} | {refused} | {changed} | {flagged} | {share:.1%} |")

    print("\n## 80 partly parallel pairs (three articles on one side, one or two on the other)\n")
    print("| pairs | kind | refused | wrong beads >= 0.9 before | after | beads flagged | of them wrong or null |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        results: dict[str, list[tuple[Built, Outcome]]] = {}
        for pair in partial_pairs(eval_dir, Path(tmp)):
            outcome = check(str(pair.ja), str(pair.en))
            results.setdefault(pair.kind, []).append((pair, outcome))
            if outcome.refused:
                sentences = f"{len(outcome.aligned.ja)} Japanese / {len(outcome.aligned.en)} English sentences"
                ja_articles = "+".join(name for name, _, _ in pair.ja_articles)
                en_articles = "+".join(name for name, _, _ in pair.en_articles)
                print(f"  (refused: {pair.kind}: ja {ja_articles}, en {en_articles}; {sentences})", file=sys.stderr)
        every = [item for group in results.values() for item in group]
        for kind, items in [*results.items(), ("all", every)]:
            wrong_before = sum(1 for p, o in items for b in o.before if wrong(b, o, p) and b.score >= REVIEW_THRESHOLD)
            wrong_after = sum(1 for p, o in items for b in o.after if wrong(b, o, p) and b.score >= REVIEW_THRESHOLD)
            flagged = [(p, o, b) for p, o in items for b in o.after if BeadFlag.UNSUPPORTED in b.flags]
            bad = sum(1 for p, o, b in flagged if wrong(b, o, p) or not (b.ja and b.en))
            print(
                f"| {len(items)} | {kind} | {sum(o.refused for _, o in items)} | {wrong_before} | {wrong_after} | "
                f"{len(flagged)} | {bad} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
