"""Precision and recall of the terminology checks on the seeded-error set of the seed statement.

    .venv/bin/python benchmarks/terms_qa.py

prints one line per check (seeded errors, true/false positives, false negatives, precision, recall),
then every missed error and every false alarm.  The set and the scoring are described in
:mod:`taiyaku.terms_qa`; tests/test_terms_seeded.py holds the figures at or above 0.95.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from taiyaku.errors import TaiyakuError
from taiyaku.glossary import load_glossary
from taiyaku.terms_qa import evaluate, format_table, read_gold_pairs, read_seeded_errors

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", default=ROOT / "tests/data/seed_gold.tsv", type=Path)
    parser.add_argument("--errors", default=ROOT / "tests/data/terms/seeded_errors.tsv", type=Path)
    parser.add_argument("--glossary", default=ROOT / "corpora/glossaries/ict-policy.tsv", type=Path)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
