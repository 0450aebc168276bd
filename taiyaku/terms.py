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

Matching.  Japanese: the bead text is tokenized with GiNZA's Sudachi tokenizer (the shared loader of
:mod:`taiyaku.segment`); a term matches when its surface form, or its Sudachi normalized form (取組 →
取り組み, サイバーセキュリティ → サイバーセキュリティー, 取り組んだ → 取り組む), occurs in the text starting and ending
at token boundaries of the finest (A) split, so 京都 does not match inside 東京都.  A katakana term of four or
more characters also matches inside a longer katakana word (クラウドコンピューティング in
サイバーフィジカルクラウドコンピューティング, which Sudachi keeps as one unknown word).  Overlapping matches: the
longest wins (インターネットガバナンス over ガバナンス).

English: words are compared case-insensitively after a light, symmetric inflection rule (plural -s/-es/
-ies, possessive 's, verb -ed/-ing, final -e: partnership = partnerships, shared = share), and words are
joined before comparison, so multistakeholder = multi-stakeholder = multi stakeholder.  All-capital names
match without inflection (PREDICT is not in "predicting"), and those of up to three letters (IT, MIC, EU)
only in capitals, so "IT" is not found in "it".  A forbidden rendering that would be indistinguishable from
an allowed one under this folding (cyber security vs cybersecurity; Telecommunications vs
Telecommunication) is matched with its spaces, then also its inflection, kept.  For the consistency check,
the rendering whose spelling (spaces kept) matches the text is the one used, so multi-stakeholder counts as
that variant, not as the approved multistakeholder; an acronym variant (MIC) counts as the approved
rendering it abbreviates.
No statistical English lemmatizer is used (none is installed; a rule is enough for glossary terms and
keeps the check deterministic).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from taiyaku.glossary import Glossary, GlossaryEntry, load_glossary
from taiyaku.model import Bead, Finding, Segment, Severity
from taiyaku.numbers import compare_numbers


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    severity: Severity
    meaning: str


CHECKS: tuple[Check, ...] = (
    Check("term-missing", "warning", "glossary term in the Japanese, no approved rendering or variant in the English"),
    Check("term-forbidden", "error", "forbidden rendering of a glossary term used in the English"),
    Check("term-inconsistent", "warning", "same Japanese term rendered differently in different beads"),
    Check("number-mismatch", "error", "number, date, ordinal or counter differs between the two sides"),
    Check("latin-mismatch", "warning", "Latin-script token of the Japanese (ICT, ITU-D, SG1) missing in the English"),
    Check("untranslated", "error", "empty side (1-0 / 0-1 bead) or Japanese script left in the English"),
)
SEVERITY: dict[str, Severity] = {check.id: check.severity for check in CHECKS}
_CHECK_ORDER = {check.id: n for n, check in enumerate(CHECKS)}


def _finding(bead: Bead, check: str, ja_term: str, expected: str, found: str, message: str) -> Finding:
    return Finding(bead.id, check, SEVERITY[check], ja_term, expected, found, message)


# --- keyed text: a string of comparison keys with token boundaries -----------------------------------


class _KeyedText:
    """The keys of a text's tokens joined with ``separator``, remembering where each key character came
    from, so that a term's key can be searched for at token boundaries and mapped back to a char span."""

    def __init__(self, pieces: Iterable[tuple[str, int, int]], separator: str = "") -> None:
        keys: list[str] = []
        char_start: list[int] = []
        char_end: list[int] = []
        starts: set[int] = set()
        ends: set[int] = set()
        length = 0
        for key, start, end in pieces:
            if not key:
                continue
            if keys and separator:
                keys.append(separator)
                char_start.extend([start] * len(separator))
                char_end.extend([start] * len(separator))
                length += len(separator)
            starts.add(length)
            if len(key) == end - start:  # one key character per text character: map each
                char_start.extend(range(start, end))
                char_end.extend(range(start + 1, end + 1))
            else:
                char_start.extend([start] * len(key))
                char_end.extend([end] * len(key))
            keys.append(key)
            length += len(key)
            ends.add(length)
        self.key = "".join(keys)
        self.char_start = char_start
        self.char_end = char_end
        self.starts = starts
        self.ends = ends

    def find(self, needle: str, *, inside: re.Pattern[str] | None = None) -> list[tuple[int, int]]:
        """Char spans of ``needle`` starting and ending at token boundaries.  With ``inside``, a boundary
        is not needed where the neighbouring key character matches ``inside`` (compound katakana)."""
        spans = []
        if not needle:
            return spans
        position = self.key.find(needle)
        while position >= 0:
            end = position + len(needle)
            start_ok = position in self.starts or (
                inside is not None and position > 0 and bool(inside.match(self.key[position - 1]))
            )
            end_ok = end in self.ends or (
                inside is not None and end < len(self.key) and bool(inside.match(self.key[end]))
            )
            if start_ok and end_ok:
                spans.append((self.char_start[position], self.char_end[end - 1]))
            position = self.key.find(needle, position + 1)
        return spans


# --- Japanese -------------------------------------------------------------------------------------------

_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]")
_KATAKANA_WORD = re.compile(r"[\u30a1-\u30fa\u30fc]{4,}")
_JA_IGNORED = re.compile(r"[\s・･]+")


def _ja_fold(text: str) -> str:
    return _JA_IGNORED.sub("", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True, slots=True)
class _JapaneseViews:
    surface: _KeyedText  # surface forms at the finest (A) split
    norm_c: _KeyedText  # Sudachi normalized forms of the (C) tokens
    norm_a: _KeyedText  # normalized forms at the A split

    def all(self) -> tuple[_KeyedText, ...]:
        return (self.surface, self.norm_c, self.norm_a)


@functools.lru_cache(maxsize=8192)
def _japanese_views(text: str) -> _JapaneseViews:
    from taiyaku.segment import japanese_tokens  # the one Japanese loader of the code base

    doc = japanese_tokens(text)
    sub_tokens = doc.user_data.get("sub_tokens") or [None] * len(doc)
    surface: list[tuple[str, int, int]] = []
    norm_c: list[tuple[str, int, int]] = []
    norm_a: list[tuple[str, int, int]] = []
    for token, subs in zip(doc, sub_tokens, strict=True):
        start, end = token.idx, token.idx + len(token.text)
        norm_c.append((_ja_fold(token.norm_), start, end))
        finest = subs[0] if subs else None
        if finest and "".join(s.surface for s in finest) == token.text:
            position = start
            for sub in finest:
                sub_end = position + len(sub.surface)
                surface.append((_ja_fold(sub.surface), position, sub_end))
                norm_a.append((_ja_fold(sub.norm), position, sub_end))
                position = sub_end
        else:
            surface.append((_ja_fold(token.text), start, end))
            norm_a.append((_ja_fold(token.norm_), start, end))
    return _JapaneseViews(_KeyedText(surface), _KeyedText(norm_c), _KeyedText(norm_a))


def _japanese_keys(term: str) -> tuple[str, ...]:
    """The comparison keys of a Japanese term: its folded surface and its normalized forms."""
    views = _japanese_views(term)
    return tuple(dict.fromkeys(k for k in (_ja_fold(term), views.norm_c.key, views.norm_a.key) if k))


# --- English --------------------------------------------------------------------------------------------

_EN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_VOWEL = re.compile(r"[aeiouy]")


def _stem(word: str) -> str:
    """A light, symmetric inflection rule: both the glossary term and the text go through it."""
    raw = word.replace("’", "'")
    if raw.lower().endswith("'s"):
        raw = raw[:-2]
    raw = raw.replace("'", "")
    bare = raw[:-1] if raw.endswith("s") and len(raw) > 2 else raw
    if bare.isupper() or (bare.upper() == bare and any(c.isdigit() for c in bare)):
        return bare.lower()  # acronyms (ICTs, CBPRs, SG1): only a plural s
    word = raw.lower()
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ed") and len(word) >= 5 and _VOWEL.search(word[:-2]):
        word = _undouble(word[:-2])
    elif word.endswith("ing") and len(word) >= 6 and _VOWEL.search(word[:-3]):
        word = _undouble(word[:-3])
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word


Level = Literal["loose", "spaced", "exact"]
_LEVELS: tuple[Level, ...] = ("loose", "spaced", "exact")


def _en_pieces(text: str, level: Level) -> list[tuple[str, int, int]]:
    text = unicodedata.normalize("NFKC", text)
    pieces = []
    for match in _EN_WORD.finditer(text):
        word = match.group(0)
        key = word.lower() if level == "exact" else _stem(word)
        pieces.append((key, match.start(), match.end()))
    return pieces


@functools.lru_cache(maxsize=16384)
def _english_keyed(text: str, level: Level) -> _KeyedText:
    return _KeyedText(_en_pieces(text, level), "" if level == "loose" else " ")


def _en_key(term: str, level: Level) -> str:
    return _english_keyed(term, level).key


_ACRONYM_IN_PARENS = re.compile(r"^(?P<full>.+?)\s*[(（](?P<acronym>[^()（）]+)[)）]\s*$")


def _letters(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text)


def _is_acronym(text: str) -> bool:
    """ITU, ITU-D, SG1, SG 1, R&D, CBPRs, MoU, IoT: short, no lowercase word, mostly capitals."""
    letters = _letters(text)
    if not letters or len(text.split()) > 2:
        return False
    stem = letters[:-1] if letters.endswith("s") else letters
    capitals = sum(c.isupper() for c in stem)
    alphabetic = sum(c.isalpha() for c in stem)
    return capitals >= 2 and capitals * 2 >= alphabetic


def _is_capitals(text: str) -> bool:
    """All-capital names (IT, MIC, PREDICT) collide with English words (it, mic, predicting): they match
    without inflection other than a plural s, and those of up to three letters only in capitals."""
    return _letters(text).isupper()


@dataclass(frozen=True, slots=True)
class _Alternative:
    """One way of writing a rendering in the English: the rendering itself, its full name, its acronym."""

    text: str
    level: Level
    key: str
    acronym_of: str = ""  # for "Full Name (ACR)": the acronym alternative names its full name

    def find(self, en_text: str) -> list[tuple[int, int]]:
        spans = _english_keyed(en_text, self.level).find(self.key)
        if _is_capitals(self.text):
            wanted = _letters(self.text)
            if sum(c.isalpha() for c in wanted) > 3:  # FEAR may be written Fear, but not "fears"
                wanted = wanted.lower()
                return [s for s in spans if _letters(en_text[s[0] : s[1]]).lower() in (wanted, wanted + "s")]
            spans = [s for s in spans if _letters(en_text[s[0] : s[1]]) in (wanted, wanted + "s")]
        return spans


@dataclass(frozen=True, slots=True)
class _Rendering:
    text: str  # as in the glossary
    kind: Literal["approved", "variant", "forbidden"]
    group: int  # renderings in the same group are the same rendering for the consistency check
    alternatives: tuple[_Alternative, ...]


def _alternatives(text: str, level: Level = "loose") -> tuple[_Alternative, ...]:
    match = _ACRONYM_IN_PARENS.match(text)
    if match and _is_acronym(match.group("acronym")):
        full, acronym = match.group("full"), match.group("acronym")
        return (
            _Alternative(full, level, _en_key(full, level)),
            _Alternative(acronym, level, _en_key(acronym, level), acronym_of=full),
        )
    return (_Alternative(text, level, _en_key(text, level)),)


@dataclass(frozen=True, slots=True)
class _Term:
    """A glossary entry prepared for matching."""

    index: int
    entry: GlossaryEntry
    ja_keys: tuple[str, ...]
    ja_acronym: str  # the Latin acronym of a Japanese term written "国際電気通信連合（ITU）"
    katakana: bool
    allowed: tuple[_Rendering, ...]
    forbidden: tuple[_Rendering, ...]


def _prepare(index: int, entry: GlossaryEntry) -> _Term:
    ja = entry.ja
    ja_acronym = ""
    match = _ACRONYM_IN_PARENS.match(unicodedata.normalize("NFKC", ja))
    if match and _is_acronym(match.group("acronym")):
        ja, ja_acronym = match.group("full"), match.group("acronym")
    keys = _japanese_keys(ja) + ((_ja_fold(ja_acronym),) if ja_acronym else ())
    allowed = [_Rendering(entry.en, "approved", 0, _alternatives(entry.en))]
    for number, variant in enumerate(entry.variants, start=1):
        # An acronym variant (MIC for the Ministry of Internal Affairs and Communications) abbreviates the
        # approved rendering: using both is one rendering, not an inconsistency.
        allowed.append(_Rendering(variant, "variant", 0 if _is_acronym(variant) else number, _alternatives(variant)))
    allowed_keys = {level: {_en_key(t, level) for t in entry.allowed} for level in _LEVELS}
    forbidden = []
    for term in entry.forbidden:
        # The loosest folding under which the forbidden rendering still differs from every allowed one.
        level = next((lv for lv in _LEVELS if _en_key(term, lv) not in allowed_keys[lv]), "exact")
        forbidden.append(_Rendering(term, "forbidden", -1, _alternatives(term, level)))
    return _Term(
        index,
        entry,
        keys,
        ja_acronym,
        bool(_KATAKANA_WORD.fullmatch(_ja_fold(ja))),
        tuple(allowed),
        tuple(forbidden),
    )


@dataclass(frozen=True, slots=True)
class _JaMatch:
    term: _Term
    start: int
    end: int
    surface: str


def _claim(taken: list[bool], start: int, end: int) -> bool:
    """Mark characters ``[start, end)`` as taken, unless one of them already is: overlapping matches are
    resolved in the order they are claimed."""
    if any(taken[start:end]):
        return False
    for i in range(start, end):
        taken[i] = True
    return True


class TermMatcher:
    """A glossary prepared for matching Japanese and English text."""

    def __init__(self, glossary: Glossary) -> None:
        self.terms = tuple(_prepare(i, entry) for i, entry in enumerate(glossary.entries))
        # Latin tokens (acronyms, Latin Japanese terms) → the terms that define them.
        self.by_latin: dict[str, list[_Term]] = {}
        for term in self.terms:
            names = {term.entry.ja, term.ja_acronym, *(a.text for r in term.allowed for a in r.alternatives)}
            for name in names:
                if name and _is_acronym(name):
                    self.by_latin.setdefault(_letters(name).lower(), []).append(term)

    def find_japanese(self, text: str) -> list[_JaMatch]:
        """Glossary terms in a Japanese text, overlaps resolved (longest first, then leftmost)."""
        views = _japanese_views(text)
        candidates: set[tuple[int, int, int]] = set()
        for term in self.terms:
            for key in term.ja_keys:
                for view in views.all():
                    for start, end in view.find(key):
                        candidates.add((start, end, term.index))
                if term.katakana:
                    for start, end in views.surface.find(key, inside=_KATAKANA):
                        candidates.add((start, end, term.index))
        chosen: list[_JaMatch] = []
        taken = [False] * len(text)
        for start, end, index in sorted(candidates, key=lambda c: (c[0] - c[1], c[0], c[2])):
            if _claim(taken, start, end):
                chosen.append(_JaMatch(self.terms[index], start, end, text[start:end]))
        chosen.sort(key=lambda m: (m.start, m.term.index))
        return chosen


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
            _finding(bead, "untranslated", _short(ja_text), "an English rendering", "",
                     f"Japanese with no English counterpart: {_short(ja_text)}")
        ]
    if not ja_text.strip():
        return [
            _finding(bead, "untranslated", "", "a Japanese source", _short(en_text),
                     f"English with no Japanese counterpart: {_short(en_text)}")
        ]
    runs = [" ".join(m.group(0).split()) for m in _JAPANESE_SCRIPT.finditer(unicodedata.normalize("NFKC", en_text))]
    if not runs:
        return []
    found = "; ".join(dict.fromkeys(runs))
    return [_finding(bead, "untranslated", "", "English only", found, f"Japanese script left in the English: {found}")]


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
            "number-mismatch",
            ", ".join(dict.fromkeys(m.text for m in missing)),
            ", ".join(dict.fromkeys(m.value for m in missing)),
            ", ".join(dict.fromkeys(m.text for m in extra)),
            "; ".join(parts),
        )
    ]


def _latin_mismatch(
    bead: Bead, ja_text: str, en_text: str, matcher: TermMatcher | None, ja_matches: Sequence[_JaMatch]
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
        if _Alternative(token, "loose", _en_key(token, "loose")).find(en_text):
            continue
        expansions = matcher.by_latin.get(_letters(token).lower(), []) if matcher else []
        if any(a.find(en_text) for term in expansions for r in term.allowed for a in r.alternatives):
            continue
        expected = token
        if expansions:
            expected = " | ".join(dict.fromkeys([token, *(r.text for t in expansions for r in t.allowed)]))
        findings.append(
            _finding(bead, "latin-mismatch", token, expected, "", f"'{token}' of the Japanese is not in the English")
        )
    return findings


@dataclass
class _Usage:
    """Which renderings of one glossary term each bead uses, for the consistency check."""

    term: _Term
    beads: list[tuple[Bead, frozenset[int], str]] = dataclasses.field(default_factory=list)


def _term_checks(
    bead: Bead,
    en_text: str,
    ja_matches: Sequence[_JaMatch],
    introduced: set[tuple[int, str]],
    usage: dict[int, _Usage],
) -> list[Finding]:
    findings: list[Finding] = []
    present = {m.term.index: m for m in ja_matches}
    # Every occurrence of an allowed rendering of a term of this bead's Japanese.
    occurrences: list[tuple[int, int, int, _Rendering, _Alternative]] = []
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
                _finding(bead, "term-forbidden", match.surface, term.entry.en, found,
                         f"'{found}' is a forbidden rendering of {match.surface}; use '{term.entry.en}'")
            )
        if forbidden_hits:
            continue  # the forbidden rendering is the finding; "missing" would say the same thing twice
        usable = [
            o for o in mine
            if not o[4].acronym_of
            or (index, o[4].acronym_of) in introduced
            or any(p[4].text == o[4].acronym_of for p in mine)
        ]
        if not usable:
            expected = " | ".join(r.text for r in term.allowed)
            if mine:
                acronym = mine[0][4]
                message = (f"{match.surface}: the acronym '{acronym.text}' is used before "
                           f"'{acronym.acronym_of}' is introduced")
                findings.append(_finding(bead, "term-missing", match.surface, expected, acronym.text, message))
            else:
                findings.append(
                    _finding(bead, "term-missing", match.surface, expected, "",
                             f"{match.surface}: none of '{expected}' is in the English")
                )
    introduced |= newly_introduced
    # Renderings actually used, after resolving overlaps between terms (longest first, approved first).
    taken = [False] * len(en_text)
    used: dict[int, set[int]] = {}
    # A spelling variant (multi-stakeholder) matches the approved multistakeholder too: the rendering
    # whose words, spaces kept, match the text is the one used.
    def spelled_as(occurrence: tuple[int, int, int, _Rendering, _Alternative]) -> bool:
        start, end, _index, _rendering, alternative = occurrence
        return _en_key(en_text[start:end], "spaced") == _en_key(alternative.text, "spaced")

    for start, end, index, rendering, _alternative in sorted(
        occurrences, key=lambda o: (o[0] - o[1], not spelled_as(o), o[3].kind != "approved", o[2], o[0])
    ):
        if _claim(taken, start, end):
            used.setdefault(index, set()).add(rendering.group)
    for index, groups in used.items():
        usage.setdefault(index, _Usage(present[index].term)).beads.append(
            (bead, frozenset(groups), present[index].surface)
        )
    return findings


def _forbidden_hits(term: _Term, en_text: str, present: Sequence[_Term]) -> list[tuple[_Rendering, str]]:
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


def _excused(term: _Term, level: Level, start: int, end: int, en_text: str, present: Sequence[_Term]) -> bool:
    """A forbidden occurrence is excused inside a longer allowed rendering of its own term (Ministry of
    Internal Affairs in Ministry of Internal Affairs and Communications) or inside an at least as long
    allowed rendering of another term of the bead's Japanese (Cabinet Office when 内閣府 is there too).
    The allowed rendering is matched as strictly as the forbidden one, so that "ITU Telecommunications
    Development Sector" does not pass for the allowed "ITU Telecommunication Development Sector"."""
    for other in present:
        for rendering in other.allowed:
            for alternative in rendering.alternatives:
                strict = _Alternative(alternative.text, level, _en_key(alternative.text, level))
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
        text_of = {}
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
                _finding(bead, "term-inconsistent", surface, text_of[majority], found,
                         f"{surface} is rendered {summary}; this bead uses '{found}'")
            )
    return findings


def bead_texts(bead: Bead, ja: Sequence[Segment], en: Sequence[Segment]) -> tuple[str, str]:
    """The Japanese and English text of a bead (Japanese sentences abut, English ones take a space)."""
    return "".join(ja[i].text for i in bead.ja), " ".join(en[i].text for i in bead.en)


def check_terms(
    beads: list[Bead], ja: list[Segment], en: list[Segment], glossary: Glossary | None
) -> list[Finding]:
    """All findings for an aligned document, sorted by bead, then check (in :data:`CHECKS` order).

    Without a glossary only number-mismatch, latin-mismatch and untranslated run.
    """
    matcher = TermMatcher(glossary) if glossary is not None and glossary.entries else None
    findings: list[Finding] = []
    introduced: set[tuple[int, str]] = set()
    usage: dict[int, _Usage] = {}
    for bead in beads:
        ja_text, en_text = bead_texts(bead, ja, en)
        if not ja_text.strip() and not en_text.strip():
            continue
        findings += _untranslated(bead, ja_text, en_text)
        if not ja_text.strip() or not en_text.strip():
            continue
        ja_matches = matcher.find_japanese(ja_text) if matcher else []
        if matcher:
            findings += _term_checks(bead, en_text, ja_matches, introduced, usage)
        findings += _number_mismatch(bead, ja_text, en_text)
        findings += _latin_mismatch(bead, ja_text, en_text, matcher, ja_matches)
    findings += _inconsistencies(usage)
    return sort_findings(findings, [bead.id for bead in beads])


def sort_findings(findings: Iterable[Finding], bead_order: Sequence[str]) -> list[Finding]:
    position = {bead_id: n for n, bead_id in enumerate(bead_order)}
    return sorted(
        findings,
        key=lambda f: (position.get(f.bead_id, len(position)), _CHECK_ORDER[f.check], f.ja_term, f.expected,
                       f.found, f.message),
    )


def check_corpus(corpus_path: str | Path, glossary_path: str | Path | None) -> list[Finding]:
    """Re-check a published (possibly hand-edited) ``corpus.jsonl`` or ``corpus.tmx``.

    Each bead's text is checked as one segment per side; findings name the corpus's own bead ids.
    """
    from taiyaku.publish import read_corpus

    glossary = load_glossary(glossary_path) if glossary_path else None
    records = read_corpus(corpus_path)
    ja_segments: list[Segment] = []
    en_segments: list[Segment] = []
    beads: list[Bead] = []
    for number, record in enumerate(records):
        ja_ids: tuple[int, ...] = ()
        en_ids: tuple[int, ...] = ()
        if record.ja:
            ja_ids = (len(ja_segments),)
            ja_segments.append(Segment(len(ja_segments), "ja", record.ja, 0, 0, record.id, "paragraph"))
        if record.en:
            en_ids = (len(en_segments),)
            en_segments.append(Segment(len(en_segments), "en", record.en, 0, 0, record.id, "paragraph"))
        beads.append(Bead(number, ja_ids, en_ids, record.score, record.flags))
    findings = check_terms(beads, ja_segments, en_segments, glossary)
    corpus_id = {bead.id: record.id for bead, record in zip(beads, records, strict=True)}
    return [dataclasses.replace(f, bead_id=corpus_id[f.bead_id]) for f in findings]
