"""Stage 5: terminology and consistency checks on aligned beads.

Checks (ids are stable: they appear in ``report.json`` and ``taiyaku check`` output):

====================  ========  =========================================================================
check                 severity  meaning
====================  ========  =========================================================================
term-missing          warning   a glossary term occurs in the Japanese of a bead and neither its approved
                                rendering nor a variant occurs in the English (an acronym written as
                                ``Full Name (ACR)`` in the glossary counts only once the full name has
                                appeared earlier in the document)
term-forbidden        error     a forbidden rendering of a glossary term of the bead's Japanese occurs in
                                the English (not when it is part of a longer allowed rendering)
term-inconsistent     warning   a glossary term is rendered differently in different beads (even when
                                each rendering is allowed); reported on each bead that does not use the
                                document's majority rendering, with the count of beads per rendering
number-mismatch       error     a number, date, ordinal or counter of one side is missing on the other
                                (2014年3月13日 / March 13, 2014; 第5回 / fifth; 7つ / seven; 千 / 1,000)
latin-mismatch        warning   a Latin-script token of the Japanese (ICT, ITU-D, SG1, NETmundial) is
                                missing in the English, and the glossary gives no spelled-out form of it
                                that the English uses
untranslated          error     a bead with an empty side (1-0 or 0-1), or Japanese script left in the
                                English
====================  ========  =========================================================================

Terms are matched by :mod:`taiyaku.terms.matching`.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from taiyaku.model import Bead, CheckId, Finding, Segment, Severity
from taiyaku.terms.glossary import Glossary
from taiyaku.terms.matching import (
    Alternative,
    JaMatch,
    Level,
    Rendering,
    Term,
    TermMatcher,
    claim,
    en_key,
    latin_letters,
)
from taiyaku.text.numbers import compare_numbers


@dataclass(frozen=True, slots=True)
class Check:
    """What a check reports: its id, its severity, and one line of meaning (the README's table)."""

    id: CheckId
    severity: Severity
    meaning: str


# Every check, in report order (findings of one bead are sorted by this order).
CHECKS: dict[CheckId, Check] = {
    check.id: check
    for check in (
        Check(
            CheckId.TERM_MISSING,
            Severity.WARNING,
            "glossary term in the Japanese, no approved rendering or variant in the English",
        ),
        Check(CheckId.TERM_FORBIDDEN, Severity.ERROR, "forbidden rendering of a glossary term used in the English"),
        Check(
            CheckId.TERM_INCONSISTENT, Severity.WARNING, "same Japanese term rendered differently in different beads"
        ),
        Check(
            CheckId.NUMBER_MISMATCH, Severity.ERROR, "number, date, ordinal or counter differs between the two sides"
        ),
        Check(
            CheckId.LATIN_MISMATCH,
            Severity.WARNING,
            "Latin-script token of the Japanese (ICT, ITU-D, SG1) missing in the English",
        ),
        Check(
            CheckId.UNTRANSLATED, Severity.ERROR, "empty side (1-0 / 0-1 bead) or Japanese script left in the English"
        ),
    )
}
_CHECK_ORDER = {check_id: n for n, check_id in enumerate(CHECKS)}


def _finding(bead: Bead, check: CheckId, ja_term: str, expected: str, found: str, message: str) -> Finding:
    return Finding(bead.id, check, CHECKS[check].severity, ja_term, expected, found, message)


# --- the checks -----------------------------------------------------------------------------------------

_JAPANESE_SCRIPT = re.compile(
    r"[\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\uff66-\uff9d々〆ヶ]"
    r"(?:[\u3041-\u3096\u309d-\u309f\u30a1-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f々〆ヶ]|\s)*"
)
_LATIN = "A-Za-z\u00c0-\u024f"  # Latin letters, accented ones included (Côtelette, São Paulo)
_LATIN_TOKEN = re.compile(rf"[{_LATIN}0-9]+(?:[-'.&/+][{_LATIN}0-9]+)*")
# A number with a unit (4km, 33ha, 342m): the number check compares the number, the unit is translated.
_MEASURE = re.compile(r"\d+(?:[.,]\d+)*[a-zµ]{1,3}")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _untranslated(bead: Bead, ja_text: str, en_text: str) -> list[Finding]:
    if not en_text.strip():
        return [
            _finding(
                bead,
                CheckId.UNTRANSLATED,
                _short(ja_text),
                "an English rendering",
                "",
                f"Japanese with no English counterpart: {_short(ja_text)}",
            )
        ]
    if not ja_text.strip():
        return [
            _finding(
                bead,
                CheckId.UNTRANSLATED,
                "",
                "a Japanese source",
                _short(en_text),
                f"English with no Japanese counterpart: {_short(en_text)}",
            )
        ]
    runs = [" ".join(m.group(0).split()) for m in _JAPANESE_SCRIPT.finditer(unicodedata.normalize("NFKC", en_text))]
    if not runs:
        return []
    found = "; ".join(dict.fromkeys(runs))
    return [
        _finding(bead, CheckId.UNTRANSLATED, "", "English only", found, f"Japanese script left in the English: {found}")
    ]


def _number_mismatch(bead: Bead, ja_text: str, en_text: str) -> list[Finding]:
    missing, extra = compare_numbers(ja_text, en_text)
    if not missing and not extra:
        return []
    parts = []
    if missing:
        parts.append("Japanese " + ", ".join(f"{m.text} ({m.value})" for m in missing) + " not in the English")
    if extra:
        parts.append("English " + ", ".join(f"{m.text} ({m.value})" for m in extra) + " not in the Japanese")
    return [
        _finding(
            bead,
            CheckId.NUMBER_MISMATCH,
            ", ".join(dict.fromkeys(m.text for m in missing)),
            ", ".join(dict.fromkeys(m.value for m in missing)),
            ", ".join(dict.fromkeys(m.text for m in extra)),
            "; ".join(parts),
        )
    ]


def _latin_mismatch(
    bead: Bead, ja_text: str, en_text: str, matcher: TermMatcher | None, ja_matches: Sequence[JaMatch]
) -> list[Finding]:
    text = unicodedata.normalize("NFKC", ja_text)  # NFKC keeps the length of Latin and CJK text alike
    inside_terms = [(m.start, m.end) for m in ja_matches]
    findings = []
    seen: set[str] = set()
    for match in _LATIN_TOKEN.finditer(text):
        token = match.group(0)
        if sum(c.isalpha() for c in token) < 2 or token.lower() in seen or _MEASURE.fullmatch(token):
            continue  # single letters, numbers and measures: enumerations; the number check has digits
        if len(text) == len(ja_text) and any(a <= match.start() and match.end() <= b for a, b in inside_terms):
            continue  # part of a glossary term: the term checks judge its rendering
        seen.add(token.lower())
        if Alternative(token, "loose", en_key(token, "loose")).find(en_text):
            continue
        expansions = matcher.by_latin.get(latin_letters(token).lower(), []) if matcher else []
        if any(a.find(en_text) for term in expansions for r in term.allowed for a in r.alternatives):
            continue
        expected = token
        if expansions:
            expected = " | ".join(dict.fromkeys([token, *(r.text for t in expansions for r in t.allowed)]))
        findings.append(
            _finding(
                bead, CheckId.LATIN_MISMATCH, token, expected, "", f"'{token}' of the Japanese is not in the English"
            )
        )
    return findings


@dataclass
class _Usage:
    """Which renderings of one glossary term each bead uses, for the consistency check."""

    term: Term
    beads: list[tuple[Bead, frozenset[int], str]] = dataclasses.field(default_factory=list)


def _term_checks(
    bead: Bead,
    en_text: str,
    ja_matches: Sequence[JaMatch],
    introduced: set[tuple[int, str]],
    usage: dict[int, _Usage],
) -> list[Finding]:
    findings: list[Finding] = []
    present = {m.term.index: m for m in ja_matches}
    # Every occurrence of an allowed rendering of a term of this bead's Japanese.
    occurrences: list[tuple[int, int, int, Rendering, Alternative]] = []
    for index, match in present.items():
        for rendering in match.term.allowed:
            for alternative in rendering.alternatives:
                for start, end in alternative.find(en_text):
                    occurrences.append((start, end, index, rendering, alternative))
    newly_introduced: set[tuple[int, str]] = set()
    for index, match in present.items():
        term = match.term
        mine = [o for o in occurrences if o[2] == index]
        for _start, _end, _i, _rendering, alternative in mine:
            if not alternative.acronym_of:
                newly_introduced.add((index, alternative.text))
        forbidden_hits = _forbidden_hits(term, en_text, [m.term for m in present.values()])
        for _rendering, found in forbidden_hits:
            findings.append(
                _finding(
                    bead,
                    CheckId.TERM_FORBIDDEN,
                    match.surface,
                    term.entry.en,
                    found,
                    f"'{found}' is a forbidden rendering of {match.surface}; use '{term.entry.en}'",
                )
            )
        if forbidden_hits:
            continue  # the forbidden rendering is the finding; "missing" would say the same thing twice
        usable = [
            o
            for o in mine
            if not o[4].acronym_of
            or (index, o[4].acronym_of) in introduced
            or any(p[4].text == o[4].acronym_of for p in mine)
        ]
        if not usable:
            expected = " | ".join(r.text for r in term.allowed)
            if mine:
                acronym = mine[0][4]
                message = (
                    f"{match.surface}: the acronym '{acronym.text}' is used before '{acronym.acronym_of}' is introduced"
                )
                findings.append(_finding(bead, CheckId.TERM_MISSING, match.surface, expected, acronym.text, message))
            else:
                findings.append(
                    _finding(
                        bead,
                        CheckId.TERM_MISSING,
                        match.surface,
                        expected,
                        "",
                        f"{match.surface}: none of '{expected}' is in the English",
                    )
                )
    introduced |= newly_introduced
    # Renderings actually used, after resolving overlaps between terms (longest first, approved first).
    taken = [False] * len(en_text)
    used: dict[int, set[int]] = {}

    # A spelling variant (multi-stakeholder) matches the approved multistakeholder too: the rendering
    # whose words, spaces kept, match the text is the one used.
    def spelled_as(occurrence: tuple[int, int, int, Rendering, Alternative]) -> bool:
        start, end, _index, _rendering, alternative = occurrence
        return en_key(en_text[start:end], "spaced") == en_key(alternative.text, "spaced")

    for start, end, index, rendering, _alternative in sorted(
        occurrences, key=lambda o: (o[0] - o[1], not spelled_as(o), o[3].kind != "approved", o[2], o[0])
    ):
        if claim(taken, start, end):
            used.setdefault(index, set()).add(rendering.group)
    for index, groups in used.items():
        usage.setdefault(index, _Usage(present[index].term)).beads.append(
            (bead, frozenset(groups), present[index].surface)
        )
    return findings


def _forbidden_hits(term: Term, en_text: str, present: Sequence[Term]) -> list[tuple[Rendering, str]]:
    hits = []
    reported: set[tuple[int, int]] = set()  # cyber security matches both "cyber security" and "cyber-security"
    for rendering in term.forbidden:
        for alternative in rendering.alternatives:
            for start, end in alternative.find(en_text):
                if (start, end) in reported or _excused(term, alternative.level, start, end, en_text, present):
                    continue
                reported.add((start, end))
                hits.append((rendering, en_text[start:end]))
    return hits


def _excused(term: Term, level: Level, start: int, end: int, en_text: str, present: Sequence[Term]) -> bool:
    """A forbidden occurrence is excused inside a longer allowed rendering of its own term (Ministry of
    Internal Affairs in Ministry of Internal Affairs and Communications) or inside an at least as long
    allowed rendering of another term of the bead's Japanese (Cabinet Office when 内閣府 is there too).
    The allowed rendering is matched as strictly as the forbidden one, so that "ITU Telecommunications
    Development Sector" does not pass for the allowed "ITU Telecommunication Development Sector"."""
    for other in present:
        for rendering in other.allowed:
            for alternative in rendering.alternatives:
                strict = Alternative(alternative.text, level, en_key(alternative.text, level))
                for s, e in strict.find(en_text):
                    if s <= start and end <= e and ((e - s) > (end - start) or other.index != term.index):
                        return True
    return False


def _inconsistencies(usage: dict[int, _Usage]) -> list[Finding]:
    findings = []
    for index in sorted(usage):
        record = usage[index]
        term = record.term
        counts = Counter(group for _bead, groups, _surface in record.beads for group in groups)
        if len(counts) < 2:
            continue
        text_of: dict[int, str] = {}
        for rendering in term.allowed:
            text_of.setdefault(rendering.group, rendering.text)
        majority = min(counts, key=lambda g: (-counts[g], g))
        if any(counts[g] >= counts[majority] for g in counts if g != majority):
            continue  # a tie: no rendering is established in the document, so none deviates from it
        summary = ", ".join(
            f"'{text_of[g]}' in {counts[g]} bead{'s' if counts[g] > 1 else ''}"
            for g in sorted(counts, key=lambda g: (-counts[g], g))
        )
        for bead, groups, surface in record.beads:
            if majority in groups:
                continue
            found = " | ".join(text_of[g] for g in sorted(groups))
            findings.append(
                _finding(
                    bead,
                    CheckId.TERM_INCONSISTENT,
                    surface,
                    text_of[majority],
                    found,
                    f"{surface} is rendered {summary}; this bead uses '{found}'",
                )
            )
    return findings


def bead_texts(bead: Bead, ja: Sequence[Segment], en: Sequence[Segment]) -> tuple[str, str]:
    """The Japanese and English text of a bead (Japanese sentences abut, English ones take a space)."""
    return "".join(ja[i].text for i in bead.ja), " ".join(en[i].text for i in bead.en)


@dataclass
class _Document:
    """What the checks of one document share as they walk its beads."""

    matcher: TermMatcher | None
    introduced: set[tuple[int, str]] = dataclasses.field(default_factory=set)  # acronyms introduced so far
    usage: dict[int, _Usage] = dataclasses.field(default_factory=dict)  # renderings used, per term


@dataclass(frozen=True, slots=True)
class _BeadText:
    bead: Bead
    ja: str
    en: str
    ja_matches: Sequence[JaMatch]  # glossary terms found in the Japanese


def _run_untranslated(text: _BeadText, document: _Document) -> list[Finding]:
    return _untranslated(text.bead, text.ja, text.en)


def _run_glossary_terms(text: _BeadText, document: _Document) -> list[Finding]:
    if document.matcher is None:
        return []
    return _term_checks(text.bead, text.en, text.ja_matches, document.introduced, document.usage)


def _run_number_mismatch(text: _BeadText, document: _Document) -> list[Finding]:
    return _number_mismatch(text.bead, text.ja, text.en)


def _run_latin_mismatch(text: _BeadText, document: _Document) -> list[Finding]:
    return _latin_mismatch(text.bead, text.ja, text.en, document.matcher, text.ja_matches)


# The per-bead checks, in the order they run, and whether they need text on both sides: adding a check is
# adding an entry here (and its Check above).  term-missing and term-forbidden are judged together (a
# forbidden rendering is not also reported missing); term-inconsistent looks at the whole document, after.
BEAD_CHECKS: dict[str, tuple[Callable[[_BeadText, _Document], list[Finding]], bool]] = {
    CheckId.UNTRANSLATED: (_run_untranslated, False),
    "glossary-terms": (_run_glossary_terms, True),
    CheckId.NUMBER_MISMATCH: (_run_number_mismatch, True),
    CheckId.LATIN_MISMATCH: (_run_latin_mismatch, True),
}


def check_terms(
    beads: Sequence[Bead], ja: Sequence[Segment], en: Sequence[Segment], glossary: Glossary | None
) -> list[Finding]:
    """All findings for an aligned document, sorted by bead, then check (in :data:`CHECKS` order).

    Without a glossary only number-mismatch, latin-mismatch and untranslated run.
    """
    document = _Document(TermMatcher(glossary) if glossary is not None and glossary.entries else None)
    findings: list[Finding] = []
    for bead in beads:
        ja_text, en_text = bead_texts(bead, ja, en)
        if not ja_text.strip() and not en_text.strip():
            continue
        bilingual = bool(ja_text.strip()) and bool(en_text.strip())
        ja_matches = document.matcher.find_japanese(ja_text) if document.matcher and bilingual else []
        text = _BeadText(bead, ja_text, en_text, ja_matches)
        for run, needs_both_sides in BEAD_CHECKS.values():
            if bilingual or not needs_both_sides:
                findings += run(text, document)
    findings += _inconsistencies(document.usage)
    return sort_findings(findings, [bead.id for bead in beads])


def sort_findings(findings: Iterable[Finding], bead_order: Sequence[str]) -> list[Finding]:
    position = {bead_id: n for n, bead_id in enumerate(bead_order)}
    return sorted(
        findings,
        key=lambda f: (
            position.get(f.bead_id, len(position)),
            _CHECK_ORDER[f.check],
            f.ja_term,
            f.expected,
            f.found,
            f.message,
        ),
    )
