"""Reviewer corrections: alignments a translator has confirmed, honoured by every later run.

A translator who finds a wrong bead in ``report.html`` records the right pairing in
``corpora/<statement-id>/corrections.jsonl``, one JSON object a line::

    {"ja": "…", "en": "…", "reviewer": "…", "note": "…", "recorded": "2026-11-27"}

``ja`` and ``en`` are the texts of consecutive sentences (either may be empty for a sentence that has no
counterpart). On the next run those sentences are forced into one bead (score 1.0, flag ``reviewed``) and
only the text between confirmed beads is aligned automatically. Texts are matched after NFKC with all
white space removed, so re-wrapping the source does not orphan a correction.

This module reads and appends the file; :mod:`taiyaku.align.constrained` honours the corrections.
Corrections are data: this module only ever appends to the file, and a correction that no longer matches
the sources is reported (``unmatched_corrections`` in ``report.json``), never dropped.  A correction is
checked before it is recorded; a line that cannot be read all the same (a hand edit, another tool) is
skipped by the run, reported (``unreadable_corrections``) and left in the file, never blocking the
statement or the corrections around it.

The review workbench (:mod:`taiyaku.review`) appends three more kinds of line, each carrying the id of the
workbench ``action`` it belongs to (one action may write several lines, in one atomic append)::

    {"withdraw": [12, 13], "action": "…", "reviewer": "…", "recorded": "…"}   # corrections on those lines
                                                   # are superseded by the new boundaries of this action
    {"finding": {"ja": "…", "en": "…", "check": "…", "ja_term": "…", "found": "…"},
     "decision": "dismiss", "reason": "…", "action": "…", "reviewer": "…", "recorded": "…"}
    {"undo": "<action id>", "reviewer": "…", "recorded": "…"}                 # retracts every line of it

Nothing is ever rewritten: a withdrawn or undone line stays in the file and simply stops counting.  A file
of plain corrections (every file written before the workbench) reads exactly as before.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from taiyaku.corpora.statement import statement_lock
from taiyaku.errors import TaiyakuError
from taiyaku.io import atomic_write
from taiyaku.model import (
    Correction,
    DecidedFinding,
    Decision,
    Finding,
    FindingDecision,
    UnreadableCorrection,
    correction_key,
    finding_key,
)
from taiyaku.publish.corpus import read_bytes, read_corpus

CORRECTIONS_FILE = "corrections.jsonl"

# How much of an unreadable line the report shows: enough to recognise it, never a megabyte of garbage.
_SHOWN_CHARS = 300
_METADATA = ("reviewer", "note", "recorded")  # the fields beside ja and en


@dataclass(frozen=True, slots=True)
class Entry:
    """One readable line of a corrections file: exactly one of ``correction``, ``withdraws``, ``decision``
    and ``undoes`` is set."""

    line: int  # 1-based line number: lines are only ever appended, so a number names a line for good
    action: str = ""  # the workbench action the line belongs to ("" for a line written by `taiyaku correct`)
    correction: Correction | None = None
    withdraws: tuple[int, ...] = ()
    decision: FindingDecision | None = None
    undoes: str = ""


@dataclass(frozen=True, slots=True)
class CorrectionsFile:
    """What a corrections file holds: the corrections a run honours, and the lines it had to skip."""

    corrections: list[Correction] = field(default_factory=list)  # in force: neither withdrawn nor undone
    unreadable: list[UnreadableCorrection] = field(default_factory=list)
    decisions: list[FindingDecision] = field(default_factory=list)  # in force; the latest per finding
    entries: list[Entry] = field(default_factory=list)  # every readable line, in file order
    correction_lines: list[int] = field(default_factory=list)  # the line of each correction in force


def check_correction(correction: Correction, where: str) -> None:
    """Raise :class:`TaiyakuError` unless ``correction`` can be recorded and honoured: every field is text
    that can be written as UTF-8, and at least one side has text once NFKC and white space are set aside
    (a correction of nothing matches nothing, on every run)."""
    for name in ("ja", "en", *_METADATA):
        value = getattr(correction, name)
        if not isinstance(value, str):
            raise TaiyakuError(where, f"'{name}' must be a string")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: undecodable command-line bytes, or a JSON \ud800 escape
            raise TaiyakuError(where, f"'{name}' is not valid UTF-8 text") from None
    if not correction_key(correction.ja) and not correction_key(correction.en):
        raise TaiyakuError(where, "the correction has no text on either side: it needs text on at least one")


def _shown(raw: bytes) -> str:
    """A line as the report shows it: bytes that are not UTF-8 and control characters as escapes."""
    text = raw.decode("utf-8", "backslashreplace")
    text = "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" and ch != "\t" else ch
        for ch in text
    )
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def _metadata(value: object) -> str:
    """``reviewer``, ``note`` and ``recorded`` are for people: kept whatever a hand edit made of them."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _parse_line(raw: bytes, where: str, number: int) -> Entry:
    try:
        # An editor on Windows may have saved the file with a byte-order mark: not a reason to skip line 1.
        data = json.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise TaiyakuError(where, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    except json.JSONDecodeError as exc:
        raise TaiyakuError(where, f"not valid JSON ({exc.msg})") from None
    except RecursionError:  # thousands of nested brackets
        raise TaiyakuError(where, "not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise TaiyakuError(where, "not a JSON object")
    action = data.get("action", "")
    if not isinstance(action, str):
        raise TaiyakuError(where, "'action' must be a string")
    if "undo" in data:
        if not isinstance(data["undo"], str) or not data["undo"]:
            raise TaiyakuError(where, "'undo' must name an action")
        return Entry(number, action, undoes=data["undo"])
    if "withdraw" in data:
        lines = data["withdraw"]
        if not isinstance(lines, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 < n < number for n in lines
        ):
            raise TaiyakuError(where, "'withdraw' must list the numbers of earlier lines")
        return Entry(number, action, withdraws=tuple(lines))
    if "finding" in data:
        return Entry(number, action, decision=_parse_decision(data, where))
    if not isinstance(data.get("ja"), str) or not isinstance(data.get("en"), str):
        raise TaiyakuError(where, "a correction needs string fields 'ja' and 'en'")
    near = data.get("near", {})
    if not isinstance(near, dict) or not all(
        side in ("ja", "en") and isinstance(n, int) and not isinstance(n, bool) and n >= 0 for side, n in near.items()
    ):
        raise TaiyakuError(where, "'near' must give sentence numbers for 'ja' and 'en'")
    correction = Correction(
        ja=data["ja"],
        en=data["en"],
        **{name: _metadata(data.get(name)) for name in _METADATA},
        ja_near=near.get("ja"),
        en_near=near.get("en"),
    )
    check_correction(correction, where)
    return Entry(number, action, correction=correction)


_FINDING_FIELDS = ("ja", "en", "check", "ja_term", "found")


def _parse_decision(data: Mapping[str, object], where: str) -> FindingDecision:
    finding = data["finding"]
    if not isinstance(finding, dict) or not all(isinstance(finding.get(name), str) for name in _FINDING_FIELDS):
        raise TaiyakuError(where, f"'finding' must be an object of strings {', '.join(_FINDING_FIELDS)}")
    try:
        decision = Decision(str(data.get("decision")))
    except ValueError:
        raise TaiyakuError(where, "'decision' must be 'dismiss' or 'accept'") from None
    reason = _metadata(data.get("reason"))
    if decision == Decision.DISMISS and not reason.strip():
        raise TaiyakuError(where, "a dismissed finding needs a 'reason'")
    return FindingDecision(
        **{name: finding[name] for name in _FINDING_FIELDS},
        decision=decision,
        reason=reason,
        reviewer=_metadata(data.get("reviewer")),
        recorded=_metadata(data.get("recorded")),
    )


def _in_force(entries: Sequence[Entry]) -> tuple[list[Entry], list[FindingDecision]]:
    """The correction entries in force and the latest decision per finding: a line counts unless its
    action was undone or (a correction) a withdrawal in force names it."""
    undone = {entry.undoes for entry in entries if entry.undoes}
    counting = [entry for entry in entries if not (entry.action and entry.action in undone)]
    withdrawn = {line for entry in counting for line in entry.withdraws}
    corrections = [entry for entry in counting if entry.correction is not None and entry.line not in withdrawn]
    latest: dict[tuple[str, str, str, str, str], FindingDecision] = {}
    for entry in counting:
        if entry.decision is not None:
            latest.pop(entry.decision.key, None)  # re-inserted: the order is that of the latest decision
            latest[entry.decision.key] = entry.decision
    return corrections, list(latest.values())


def load_corrections(path: str | Path) -> CorrectionsFile:
    """Read a corrections file line by line.

    A line that is not a valid correction (not UTF-8, not JSON, not an object, no ``ja`` / ``en``, both
    sides blank) is skipped and returned in ``unreadable``: one bad line, however it got there, must never
    block a statement or cost the reviewer the corrections around it.  A file that cannot be read at all
    is an error: running without the corrections would publish a corpus that ignores the review.
    """
    path = Path(path)
    return parse_corrections(read_bytes(path, "corrections file"), str(path))


def parse_corrections(content: bytes, where: str) -> CorrectionsFile:
    """:func:`load_corrections` on the bytes of a corrections file (``where`` names it in problems)."""
    entries: list[Entry] = []
    unreadable: list[UnreadableCorrection] = []
    # Lines end at \n only: str.splitlines would also split inside a JSON string at U+2028 and friends.
    for number, raw in enumerate(content.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            entries.append(_parse_line(raw, f"{where}:{number}", number))
        except TaiyakuError as exc:
            unreadable.append(UnreadableCorrection(where, number, _shown(raw.rstrip(b"\r")), exc.problem))
    in_force, decisions = _in_force(entries)
    return CorrectionsFile(
        corrections=[entry.correction for entry in in_force if entry.correction is not None],
        unreadable=unreadable,
        decisions=decisions,
        entries=entries,
        correction_lines=[entry.line for entry in in_force],
    )


def append_correction(path: str | Path, correction: Correction) -> None:
    """Add one correction, keeping every earlier line byte for byte (rewritten atomically, never truncated).

    The correction is checked first, so a bad one is refused now rather than skipped by every later run;
    one already recorded is refused too (the copy could only ever be reported as no longer matching).
    """
    path = Path(path)
    check_correction(correction, str(path))
    # Under the statement's lock, so that a concurrent refresh (which swaps the folder) cannot lose it.
    with statement_lock(path.parent):
        existing = read_existing(path)
        key = (correction_key(correction.ja), correction_key(correction.en))
        if existing and any(
            (correction_key(c.ja), correction_key(c.en)) == key
            for c in parse_corrections(existing, str(path)).corrections
        ):
            raise TaiyakuError(str(path), "this correction is already recorded: nothing to add")
        append_lines(path, existing, [correction.to_dict()])


def read_existing(path: Path) -> bytes:
    """The bytes of a corrections file, or none if there is none yet.  Bytes: lines this version cannot
    read (another encoding, a hand edit) are kept exactly as they are by :func:`append_lines`."""
    return read_bytes(path, "corrections file") if path.exists() else b""


def append_lines(path: Path, existing: bytes, records: Sequence[Mapping[str, object]]) -> int:
    """Append ``records`` (one JSON line each) after ``existing``, the file's bytes as read under the
    statement lock the caller holds; the file is rewritten atomically, so all the lines of one action are
    recorded or none.  Returns the number of the first new line."""
    if existing and not existing.endswith(b"\n"):
        existing += b"\n"
    lines = b"".join(
        json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n" for record in records
    )
    try:
        atomic_write(path, existing + lines)
    except OSError as exc:
        raise TaiyakuError(str(path), f"cannot record the correction ({exc.strerror or exc})") from None
    return existing.count(b"\n") + 1


def apply_decisions(
    findings: Sequence[Finding], bead_texts: Mapping[str, tuple[str, str]], decisions: Sequence[FindingDecision]
) -> tuple[list[Finding], list[DecidedFinding], list[DecidedFinding]]:
    """The findings still to report, the dismissed ones and the accepted ones (with their decisions).

    ``bead_texts`` gives each bead id's Japanese and English text, which name a finding across runs.
    """
    by_key = {decision.key: decision for decision in decisions}
    kept: list[Finding] = []
    dismissed: list[DecidedFinding] = []
    accepted: list[DecidedFinding] = []
    for finding in findings:
        ja, en = bead_texts.get(finding.bead_id, ("", ""))
        decision = by_key.get(finding.decision_key(ja, en))
        if decision is not None and decision.dismisses:
            dismissed.append(DecidedFinding(finding, decision))
            continue
        kept.append(finding)
        if decision is not None:
            accepted.append(DecidedFinding(finding, decision))
    return kept, dismissed, accepted


def correction_from_beads(corpus_path: str | Path, bead_ids: Sequence[str], **details: str) -> Correction:
    """A correction that merges consecutive published beads into one (the common reviewer fix)."""
    records = read_corpus(corpus_path)
    positions = {record.id: i for i, record in enumerate(records)}
    missing = [b for b in bead_ids if b not in positions]
    if missing:
        raise TaiyakuError(str(corpus_path), f"no bead {', '.join(missing)} in this corpus")
    chosen = sorted(positions[b] for b in bead_ids)
    if chosen != list(range(chosen[0], chosen[-1] + 1)):
        raise TaiyakuError(str(corpus_path), "only consecutive beads can be merged")
    picked = [records[i] for i in chosen]
    ja = "".join(r.ja for r in picked)
    en = " ".join(r.en for r in picked if r.en)
    return Correction(
        ja, en, reviewer=details.get("reviewer", ""), note=details.get("note", ""), recorded=details.get("recorded", "")
    )
