"""Term matching: where a glossary term, or one of its renderings, occurs in a bead's text.

Japanese: the bead text is tokenized with GiNZA's Sudachi tokenizer (the shared loader,
:mod:`taiyaku.nlp`); a term matches when its surface form, or its Sudachi normalized form (取組 →
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

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from taiyaku.terms.glossary import Glossary, GlossaryEntry
from taiyaku.text.english import inflection_stem

# --- keyed text: a string of comparison keys with token boundaries -----------------------------------


class KeyedText:
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
        spans: list[tuple[int, int]] = []
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
    surface: KeyedText  # surface forms at the finest (A) split
    norm_c: KeyedText  # Sudachi normalized forms of the (C) tokens
    norm_a: KeyedText  # normalized forms at the A split

    def all(self) -> tuple[KeyedText, ...]:
        return (self.surface, self.norm_c, self.norm_a)


@functools.lru_cache(maxsize=8192)
def _japanese_views(text: str) -> _JapaneseViews:
    from taiyaku.nlp import japanese_tokens  # loads spaCy: only when Japanese text is matched

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
    return _JapaneseViews(KeyedText(surface), KeyedText(norm_c), KeyedText(norm_a))


def _japanese_keys(term: str) -> tuple[str, ...]:
    """The comparison keys of a Japanese term: its folded surface and its normalized forms."""
    views = _japanese_views(term)
    return tuple(dict.fromkeys(k for k in (_ja_fold(term), views.norm_c.key, views.norm_a.key) if k))


# --- English --------------------------------------------------------------------------------------------

_EN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
Level = Literal["loose", "spaced", "exact"]
_LEVELS: tuple[Level, ...] = ("loose", "spaced", "exact")


def _en_pieces(text: str, level: Level) -> list[tuple[str, int, int]]:
    text = unicodedata.normalize("NFKC", text)
    pieces = []
    for match in _EN_WORD.finditer(text):
        word = match.group(0)
        key = word.lower() if level == "exact" else inflection_stem(word)
        pieces.append((key, match.start(), match.end()))
    return pieces


@functools.lru_cache(maxsize=16384)
def _english_keyed(text: str, level: Level) -> KeyedText:
    return KeyedText(_en_pieces(text, level), "" if level == "loose" else " ")


def en_key(term: str, level: Level) -> str:
    return _english_keyed(term, level).key


_ACRONYM_IN_PARENS = re.compile(r"^(?P<full>.+?)\s*[(（](?P<acronym>[^()（）]+)[)）]\s*$")


def latin_letters(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text)


def _is_acronym(text: str) -> bool:
    """ITU, ITU-D, SG1, SG 1, R&D, CBPRs, MoU, IoT: short, no lowercase word, mostly capitals."""
    letters = latin_letters(text)
    if not letters or len(text.split()) > 2:
        return False
    stem = letters[:-1] if letters.endswith("s") else letters
    capitals = sum(c.isupper() for c in stem)
    alphabetic = sum(c.isalpha() for c in stem)
    return capitals >= 2 and capitals * 2 >= alphabetic


def _is_capitals(text: str) -> bool:
    """All-capital names (IT, MIC, PREDICT) collide with English words (it, mic, predicting): they match
    without inflection other than a plural s, and those of up to three letters only in capitals."""
    return latin_letters(text).isupper()


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way of writing a rendering in the English: the rendering itself, its full name, its acronym."""

    text: str
    level: Level
    key: str
    acronym_of: str = ""  # for "Full Name (ACR)": the acronym alternative names its full name

    def find(self, en_text: str) -> list[tuple[int, int]]:
        spans = _english_keyed(en_text, self.level).find(self.key)
        if _is_capitals(self.text):
            wanted = latin_letters(self.text)
            if sum(c.isalpha() for c in wanted) > 3:  # FEAR may be written Fear, but not "fears"
                wanted = wanted.lower()
                return [s for s in spans if latin_letters(en_text[s[0] : s[1]]).lower() in (wanted, wanted + "s")]
            spans = [s for s in spans if latin_letters(en_text[s[0] : s[1]]) in (wanted, wanted + "s")]
        return spans


@dataclass(frozen=True, slots=True)
class Rendering:
    text: str  # as in the glossary
    kind: Literal["approved", "variant", "forbidden"]
    group: int  # renderings in the same group are the same rendering for the consistency check
    alternatives: tuple[Alternative, ...]


def _alternatives(text: str, level: Level = "loose") -> tuple[Alternative, ...]:
    match = _ACRONYM_IN_PARENS.match(text)
    if match and _is_acronym(match.group("acronym")):
        full, acronym = match.group("full"), match.group("acronym")
        return (
            Alternative(full, level, en_key(full, level)),
            Alternative(acronym, level, en_key(acronym, level), acronym_of=full),
        )
    return (Alternative(text, level, en_key(text, level)),)


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary entry prepared for matching."""

    index: int
    entry: GlossaryEntry
    ja_keys: tuple[str, ...]
    ja_acronym: str  # the Latin acronym of a Japanese term written "国際電気通信連合（ITU）"
    katakana: bool
    allowed: tuple[Rendering, ...]
    forbidden: tuple[Rendering, ...]


def prepare_term(index: int, entry: GlossaryEntry) -> Term:
    ja = entry.ja
    ja_acronym = ""
    match = _ACRONYM_IN_PARENS.match(unicodedata.normalize("NFKC", ja))
    if match and _is_acronym(match.group("acronym")):
        ja, ja_acronym = match.group("full"), match.group("acronym")
    keys = _japanese_keys(ja) + ((_ja_fold(ja_acronym),) if ja_acronym else ())
    allowed = [Rendering(entry.en, "approved", 0, _alternatives(entry.en))]
    for number, variant in enumerate(entry.variants, start=1):
        # An acronym variant (MIC for the Ministry of Internal Affairs and Communications) abbreviates the
        # approved rendering: using both is one rendering, not an inconsistency.
        allowed.append(Rendering(variant, "variant", 0 if _is_acronym(variant) else number, _alternatives(variant)))
    allowed_keys = {level: {en_key(t, level) for t in entry.allowed} for level in _LEVELS}
    forbidden = []
    for term in entry.forbidden:
        # The loosest folding under which the forbidden rendering still differs from every allowed one.
        level: Level = next((lv for lv in _LEVELS if en_key(term, lv) not in allowed_keys[lv]), "exact")
        forbidden.append(Rendering(term, "forbidden", -1, _alternatives(term, level)))
    return Term(
        index,
        entry,
        keys,
        ja_acronym,
        bool(_KATAKANA_WORD.fullmatch(_ja_fold(ja))),
        tuple(allowed),
        tuple(forbidden),
    )


@dataclass(frozen=True, slots=True)
class JaMatch:
    term: Term
    start: int
    end: int
    surface: str


def claim(taken: list[bool], start: int, end: int) -> bool:
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
        self.terms = tuple(prepare_term(i, entry) for i, entry in enumerate(glossary.entries))
        # Latin tokens (acronyms, Latin Japanese terms) → the terms that define them.
        self.by_latin: dict[str, list[Term]] = {}
        for term in self.terms:
            names = {term.entry.ja, term.ja_acronym, *(a.text for r in term.allowed for a in r.alternatives)}
            for name in names:
                if name and _is_acronym(name):
                    self.by_latin.setdefault(latin_letters(name).lower(), []).append(term)

    def find_japanese(self, text: str) -> list[JaMatch]:
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
        chosen: list[JaMatch] = []
        taken = [False] * len(text)
        for start, end, index in sorted(candidates, key=lambda c: (c[0] - c[1], c[0], c[2])):
            if claim(taken, start, end):
                chosen.append(JaMatch(self.terms[index], start, end, text[start:end]))
        chosen.sort(key=lambda m: (m.start, m.term.index))
        return chosen
