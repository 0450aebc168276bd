"""The terminology checks measured on the seeded-error set built from the seed statement's English.

tests/data/terms/seeded_errors.tsv holds single labelled changes to the gold bead texts of the seed pair
(tests/data/seed_gold.tsv), checked with the project glossary; see taiyaku.eval.terms_qa for the scoring.
``benchmarks/terms_qa.py`` prints the same table with every miss and false alarm.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from support.paths import PROJECT_GLOSSARY, SEED_GOLD, TEST_DATA

from taiyaku.errors import TaiyakuError
from taiyaku.eval.terms_qa import QaResult, evaluate, format_table, read_gold_pairs, read_seeded_errors
from taiyaku.terms.checks import CHECKS
from taiyaku.terms.glossary import load_glossary

GOLD = SEED_GOLD
ERRORS = TEST_DATA / "terms" / "seeded_errors.tsv"
GLOSSARY = PROJECT_GLOSSARY
TARGET = 0.95


@pytest.fixture(scope="module")
def result() -> QaResult:
    pairs = read_gold_pairs(GOLD)
    return evaluate(pairs, read_seeded_errors(ERRORS, pairs), load_glossary(GLOSSARY))


def test_the_set_is_large_and_covers_every_check() -> None:
    pairs = read_gold_pairs(GOLD)
    errors = read_seeded_errors(ERRORS, pairs)
    per_check = Counter(check for error in errors for check in error.expect)
    assert sum(per_check.values()) >= 60
    assert all(per_check[check.id] >= 10 for check in CHECKS.values()), per_check
    assert sum(1 for error in errors if not error.expect) >= 20  # changes that are not errors
    assert len({error.case for error in errors}) == len(errors)


def test_clean_english_gives_no_findings(result: QaResult) -> None:
    assert result.clean_findings == []


@pytest.mark.parametrize("check", [c.id for c in CHECKS.values()])
def test_precision_and_recall_per_check(result: QaResult, check: str) -> None:
    score = result.scores[check]
    assert score.precision >= TARGET, format_table(result)
    assert score.recall >= TARGET, format_table(result)


def test_a_change_that_does_not_apply_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "errors.tsv"
    bad.write_text(
        "case\tbead\taction\tfind\treplace\texpect\tnote\nx1\t2\treplace\tMarch 31\tMarch 13\tnumber-mismatch\t\n",
        encoding="utf-8",
    )
    with pytest.raises(TaiyakuError, match="not in the English of bead 2"):
        read_seeded_errors(bad, read_gold_pairs(GOLD))


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("case\tbead\taction\tfind\treplace\tnote\n", 1, r"lacks the column\(s\) expect"),
        (
            "case\tbead\taction\tfind\treplace\texpect\tnote\nx1\tb2\tdrop-en\t\t\tuntranslated\t\n",
            2,
            "not a bead number",
        ),
    ],
)
def test_a_malformed_seeded_set_names_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    bad = tmp_path / "errors.tsv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(TaiyakuError, match=problem) as caught:
        read_seeded_errors(bad, read_gold_pairs(GOLD))
    assert caught.value.where == f"{bad}:{line}"
