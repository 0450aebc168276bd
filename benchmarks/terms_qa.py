"""Precision and recall of the terminology checks on the seeded-error set of the seed statement.

    .venv/bin/python benchmarks/terms_qa.py

prints one line per check (seeded errors, true/false positives, false negatives, precision, recall),
then every missed error and every false alarm.  The set and the scoring are described in
:mod:`taiyaku.eval.terms_qa`; tests/eval/test_terms_qa.py holds the figures at or above 0.95.

    .venv/bin/python benchmarks/terms_qa.py --independent ../shared/eval/ntrex-news ../shared/eval/kyoto-wiki

also runs the glossary-free checks (number-mismatch, latin-mismatch, untranslated) on real human
translations, one bead per gold unit, and prints how many findings they give per 1,000 units: on text
that a professional translated, nearly every finding is a false alarm (or a translator's liberty), so
this is an upper bound of the false-alarm rate on independent text.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

from taiyaku.errors import TaiyakuError
from taiyaku.eval.alignment import load_gold, set_documents
from taiyaku.eval.terms_qa import beads_from_pairs, evaluate, format_table, read_gold_pairs, read_seeded_errors
from taiyaku.terms.checks import CHECKS, check_terms
from taiyaku.terms.glossary import load_glossary

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", default=ROOT / "tests/data/seed_gold.tsv", type=Path)
    parser.add_argument("--errors", default=ROOT / "tests/data/terms/seeded_errors.tsv", type=Path)
    parser.add_argument("--glossary", default=ROOT / "corpora/glossaries/ict-policy.tsv", type=Path)
    parser.add_argument(
        "--independent",
        nargs="*",
        default=[],
        type=Path,
        metavar="EVAL_SET",
        help="eval sets (../shared/eval/<set>) to run the glossary-free checks on",
    )
    parser.add_argument("--examples", type=int, default=0, help="print this many findings per check and set")
    args = parser.parse_args(argv)
    try:
        pairs = read_gold_pairs(args.gold)
        errors = read_seeded_errors(args.errors, pairs)
        glossary = load_glossary(args.glossary)
    except TaiyakuError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    result = evaluate(pairs, errors, glossary)
    print(format_table(result))
    print(f"\n({time.perf_counter() - started:.1f} s)")
    for eval_set in args.independent:
        try:
            independent(eval_set, args.examples)
        except TaiyakuError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    return 0


def independent(eval_set: Path, examples: int) -> None:
    """Findings of the glossary-free checks on a set of real translations (gold units as beads)."""
    started = time.perf_counter()
    units = 0
    counts: Counter[str] = Counter()
    samples: dict[str, list[str]] = {}
    for document in set_documents(eval_set):
        ja = (document / "ja.txt").read_text(encoding="utf-8")
        en = (document / "en.txt").read_text(encoding="utf-8")
        pairs = [(ja[u.ja[0] : u.ja[1]], en[u.en[0] : u.en[1]]) for u in load_gold(document / "gold.tsv")]
        units += len(pairs)
        beads, ja_segments, en_segments = beads_from_pairs(pairs)
        for finding in check_terms(beads, ja_segments, en_segments, None):
            counts[finding.check] += 1
            pair = pairs[int(finding.bead_id[1:])]
            samples.setdefault(finding.check, []).append(
                f"{document.name} {finding.bead_id}: {finding.message}\n"
                f"      ja: {pair[0][:120]}\n      en: {pair[1][:160]}"
            )
    print(f"\n{eval_set.name}: {units} gold units, glossary-free checks ({time.perf_counter() - started:.1f} s)")
    for check in CHECKS.values():
        if check.id in ("number-mismatch", "latin-mismatch", "untranslated"):
            rate = 1000 * counts[check.id] / max(units, 1)
            print(f"  {check.id:<18}{counts[check.id]:>6} findings  {rate:>6.1f} per 1,000 units")
    rng = random.Random(0)
    for check, items in sorted(samples.items()):
        for item in rng.sample(items, min(examples, len(items))):
            print(f"    [{check}] {item}")


if __name__ == "__main__":
    sys.exit(main())
