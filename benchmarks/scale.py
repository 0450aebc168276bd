"""Speed, memory and scaling of the whole pipeline on one book-length document pair.

    .venv/bin/python benchmarks/scale.py [DOC_DIR]      (default: ../shared/eval/scale/kyoto-scale)

Runs the pipeline's pull → normalize → verify language → segment → align (:func:`taiyaku.pipeline.align_sources`)
and writes corpus.jsonl, end to end, first on the document's first
10 % (cut at the gold unit boundary nearest to 10 %, so the two sides stay parallel), then on the whole
document, in one process, and prints wall time per stage, peak RSS, time(full) / time(first 10 %) and
link F1 of both runs.  Not a timed test: figures go in benchmarks/README.md.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from taiyaku.eval.alignment import (  # noqa: E402
    STAGES,
    EvalReport,
    GoldUnit,
    load_gold,
    score_document,
    write_gold_prefix,
)
from taiyaku.io import atomic_write  # noqa: E402
from taiyaku.pipeline import StepTimer, align_sources  # noqa: E402
from taiyaku.publish.corpus import render_jsonl  # noqa: E402
from taiyaku.publish.records import bead_records  # noqa: E402


def _prefix_copy(doc_dir: Path, fraction: float, into: Path) -> Path:
    """The first ``fraction`` of a document pair (and its gold), at least one unit, in ``into``."""
    return write_gold_prefix(doc_dir, max(1, int(len(load_gold(doc_dir / "gold.tsv")) * fraction)), into)


def run(doc_dir: Path, out_dir: Path) -> tuple[float, dict[str, float], float, int, int]:
    """(total seconds, seconds per stage, link F1, Japanese segments, English segments)."""
    start = time.perf_counter()
    timer = StepTimer()
    result = align_sources(str(doc_dir / "ja.txt"), str(doc_dir / "en.txt"), run=timer)
    beads = result.alignment.beads
    with timer.timing("publish"):
        atomic_write(out_dir / "corpus.jsonl", render_jsonl(bead_records(beads, result.ja, result.en)))
    total = time.perf_counter() - start
    gold: list[GoldUnit] = load_gold(doc_dir / "gold.tsv")
    score = score_document(doc_dir.name, gold, beads, result.ja, result.en)
    f1 = EvalReport(doc_dir.name, [score]).f1
    return total, timer.seconds, f1, len(result.ja), len(result.en)


def main() -> int:
    default = ROOT.parent / "shared" / "eval" / "scale" / "kyoto-scale"
    doc_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not (doc_dir / "gold.tsv").is_file():
        print(f"{doc_dir}: no ja.txt/en.txt/gold.tsv here", file=sys.stderr)
        return 2
    # Load the models before timing anything: model loading is a per-process constant, not scaling.
    from taiyaku.align.lexicon import jmdict
    from taiyaku.nlp import english_nlp, japanese_nlp

    load_start = time.perf_counter()
    japanese_nlp(), english_nlp(), jmdict()
    print(f"model + lexicon loading: {time.perf_counter() - load_start:.1f}s")
    with tempfile.TemporaryDirectory(prefix="taiyaku-bench-") as tmp:
        tenth = _prefix_copy(doc_dir, 0.1, Path(tmp) / "first-10pct")
        rows = []
        for label, folder in (("first 10%", tenth), ("full", doc_dir)):
            out = Path(tmp) / f"out-{label.replace(' ', '-').replace('%', 'pct')}"
            total, seconds, f1, n_ja, n_en = run(folder, out)
            rows.append((label, total, seconds, f1, n_ja, n_en))
            stages = ", ".join(f"{s} {seconds.get(s, 0.0):.1f}s" for s in STAGES)
            print(f"{label:10s} {n_ja:6d} ja / {n_en:6d} en segments: {total:6.1f}s  ({stages})  link F1 {f1:.4f}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mib:.0f} MiB")
    print(f"time(full) / time(first 10%): {rows[1][1] / rows[0][1]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
