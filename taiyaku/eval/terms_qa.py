"""Measuring the terminology checks: precision and recall per check on a seeded-error set.

The set (``tests/data/terms/seeded_errors.tsv``) lists single changes to the clean English of a gold
bead list (``tests/data/seed_gold.tsv``: one gold bead per line, columns ``ja`` and ``en``), each labelled
with the check ids a reviewer expects on the changed bead; an empty label marks a change that is not an
error (a date written the other way round, a hyphenated spelling), on which nothing may be reported.

Scoring, per check: the clean document is checked once and every finding on it is a false positive.
Each case is the clean document with its one change; a finding (bead, check) is a true positive when the
case expects it, is ignored when the clean document already has it (it was counted there), and is a false
positive otherwise.  An expected (bead, check) that is not found is a false negative.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from taiyaku.errors import TaiyakuError
from taiyaku.model import Bead, BlockKind, Finding, Segment
from taiyaku.terms.checks import CHECKS, check_terms
from taiyaku.terms.glossary import Glossary

ACTIONS = ("replace", "drop-en", "insert-en")
SEEDED_COLUMNS = ("case", "bead", "action", "find", "replace", "expect", "note")


@dataclass(frozen=True, slots=True)
class SeededError:
    case: str
    bead: int  # index of the changed bead in the gold list (for insert-en: the bead it follows)
    action: str
    find: str
    replace: str
    expect: tuple[str, ...]  # check ids; empty: not an error
    note: str


def read_gold_pairs(path: str | Path) -> list[tuple[str, str]]:
    """The (ja, en) texts of the gold beads, in order."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0][:2] != ["ja", "en"]:
        raise TaiyakuError(f"{path}:1", "expected the header 'ja<TAB>en'")
    pairs = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            raise TaiyakuError(f"{path}:{number}", f"{len(row)} fields, expected 2 (ja, en)")
        pairs.append((row[0], row[1]))
    return pairs


def read_seeded_errors(path: str | Path, pairs: Sequence[tuple[str, str]]) -> list[SeededError]:
    """The labelled changes, each checked against the gold texts (the text to replace must be there)."""
    path = Path(path)
    known = {check.id for check in CHECKS.values()}
    errors: list[SeededError] = []
    header: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        where = f"{path}:{number}"
        if header is None:
            missing = [column for column in SEEDED_COLUMNS if column not in fields]
            if missing:
                raise TaiyakuError(where, f"header lacks the column(s) {', '.join(missing)}")
            header = fields
            continue
        if len(fields) != len(header):
            raise TaiyakuError(where, f"{len(fields)} fields, expected {len(header)}")
        row = dict(zip(header, fields, strict=True))
        if not (row["bead"].isascii() and row["bead"].isdigit()):
            raise TaiyakuError(where, f"bead '{row['bead']}' is not a bead number")
        error = SeededError(
            case=row["case"],
            bead=int(row["bead"]),
            action=row["action"],
            find=row["find"],
            replace=row["replace"],
            expect=tuple(c for c in row["expect"].split(",") if c),
            note=row["note"],
        )
        if error.action not in ACTIONS:
            raise TaiyakuError(where, f"unknown action '{error.action}'")
        if not 0 <= error.bead < len(pairs):
            raise TaiyakuError(where, f"no bead {error.bead}")
        if error.action == "replace" and error.find not in pairs[error.bead][1]:
            raise TaiyakuError(where, f"'{error.find}' is not in the English of bead {error.bead}")
        for check in error.expect:
            if check not in known:
                raise TaiyakuError(where, f"unknown check '{check}'")
        errors.append(error)
    return errors


def apply_error(pairs: Sequence[tuple[str, str]], error: SeededError) -> tuple[list[tuple[str, str]], int]:
    """The bead texts with the change applied, and the index of the bead the labels are about."""
    changed = list(pairs)
    ja, en = changed[error.bead]
    if error.action == "replace":
        changed[error.bead] = (ja, en.replace(error.find, error.replace))
        return changed, error.bead
    if error.action == "drop-en":
        changed[error.bead] = (ja, "")
        return changed, error.bead
    changed.insert(error.bead + 1, ("", error.replace))
    return changed, error.bead + 1


def beads_from_pairs(pairs: Sequence[tuple[str, str]]) -> tuple[list[Bead], list[Segment], list[Segment]]:
    """One bead per (ja, en) pair, one segment per non-empty side."""
    ja: list[Segment] = []
    en: list[Segment] = []
    beads: list[Bead] = []
    for index, (ja_text, en_text) in enumerate(pairs):
        ja_ids: tuple[int, ...] = ()
        en_ids: tuple[int, ...] = ()
        if ja_text:
            ja_ids = (len(ja),)
            ja.append(Segment(len(ja), "ja", ja_text, 0, 0, f"g{index}", BlockKind.PARAGRAPH))
        if en_text:
            en_ids = (len(en),)
            en.append(Segment(len(en), "en", en_text, 0, 0, f"g{index}", BlockKind.PARAGRAPH))
        beads.append(Bead(index, ja_ids, en_ids, 1.0))
    return beads, ja, en


def _check(pairs: Sequence[tuple[str, str]], glossary: Glossary | None) -> list[Finding]:
    beads, ja, en = beads_from_pairs(pairs)
    return check_terms(beads, ja, en, glossary)


@dataclass
class CheckScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


@dataclass
class QaResult:
    scores: dict[str, CheckScore]
    clean_findings: list[Finding]
    cases: int
    seeded: int  # labelled errors (case, check) in the set
    misses: list[str] = field(default_factory=list)  # "case: check on bN" not found
    false_alarms: list[str] = field(default_factory=list)  # "case: check on bN: message"


def evaluate(pairs: Sequence[tuple[str, str]], errors: Sequence[SeededError], glossary: Glossary | None) -> QaResult:
    scores: dict[str, CheckScore] = {check.id: CheckScore() for check in CHECKS.values()}
    clean = _check(pairs, glossary)
    result = QaResult(scores, clean, len(errors), sum(len(e.expect) for e in errors))
    for finding in clean:
        scores[finding.check].false_positives += 1
        result.false_alarms.append(f"clean: {finding.check} on {finding.bead_id}: {finding.message}")
    clean_keys = {(f.bead_id, f.check) for f in clean}
    for error in errors:
        changed, target = apply_error(pairs, error)
        expected = {(f"b{target}", check) for check in error.expect}
        found: dict[tuple[str, str], Finding] = {}
        for finding in _check(changed, glossary):
            found.setdefault((finding.bead_id, finding.check), finding)
        for key, finding in sorted(found.items()):
            if key in expected:
                scores[key[1]].true_positives += 1
            elif _clean_key(key, error, target) not in clean_keys:
                scores[key[1]].false_positives += 1
                result.false_alarms.append(f"{error.case}: {key[1]} on {key[0]}: {finding.message}")
        for key in sorted(expected - found.keys()):
            scores[key[1]].false_negatives += 1
            result.misses.append(f"{error.case}: {key[1]} on {key[0]} not found ({error.note})")
    return result


def _clean_key(key: tuple[str, str], error: SeededError, target: int) -> tuple[str, str] | None:
    """The clean document's bead for a bead of the changed one (an inserted bead has none)."""
    index = int(key[0][1:])
    if error.action == "insert-en":
        if index == target:
            return None
        if index > target:
            index -= 1
    return (f"b{index}", key[1])


def format_table(result: QaResult) -> str:
    lines = [
        f"seeded-error set: {result.cases} cases, {result.seeded} labelled errors; "
        f"clean text: {len(result.clean_findings)} findings",
        "",
        f"{'check':<20}{'seeded':>8}{'TP':>6}{'FP':>6}{'FN':>6}{'precision':>11}{'recall':>9}",
    ]
    for check in CHECKS.values():
        s = result.scores[check.id]
        lines.append(
            f"{check.id:<20}{s.true_positives + s.false_negatives:>8}{s.true_positives:>6}{s.false_positives:>6}"
            f"{s.false_negatives:>6}{s.precision:>11.3f}{s.recall:>9.3f}"
        )
    for title, items in (("missed", result.misses), ("false alarms", result.false_alarms)):
        if items:
            lines += ["", f"{title}:", *(f"  {item}" for item in items)]
    return "\n".join(lines)
