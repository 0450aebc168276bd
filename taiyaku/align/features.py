"""Per-sentence evidence for the aligner: lengths and lexical *items*.

A Japanese sentence yields items: a content word, a number, a Latin-script token.  Each item carries the
set of keys its English rendering could produce (lexicon glosses, the romanized reading, the loanword
sound skeleton, the number's value).  An English sentence yields the set of keys of its words.  An item
is *matched* by an English sentence that contains any of its keys.  Keys are prefixed by their kind:

* ``d:`` number values (:func:`taiyaku.text.numbers.number_values`)
* ``w:`` Latin-script tokens, exactly (APEC, ICT, iPhone)
* ``n:`` romanized names and terms (:func:`taiyaku.align.romaji.name_key`)
* ``k:`` katakana loanword sound skeletons (:func:`taiyaku.align.romaji.sound_key`)
* ``s:`` stems of JMdict glosses (:func:`taiyaku.text.english.lexical_stem`)
* ``g:`` glossary renderings
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sudachipy import Morpheme, SplitMode

from taiyaku.align.lexicon import Lexicon, jmdict
from taiyaku.align.romaji import kana_to_romaji, name_key, sound_key
from taiyaku.model import Segment
from taiyaku.nlp import japanese_morphemes
from taiyaku.text.english import ENGLISH_WORD, lexical_stem
from taiyaku.text.numbers import number_values

Item = frozenset[str]

# Sudachi parts of speech that carry no translatable content.
_SKIP_POS = frozenset({"助詞", "助動詞", "補助記号", "空白", "記号", "接続詞", "感動詞"})
_KATAKANA = re.compile(r"^[ァ-ヺー・]+$")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[\-.&'][A-Za-z0-9]+)*")
_MIN_NAME_KEY = 4  # shorter romanizations ("ji", "in", "to") collide with ordinary English words
_MIN_SOUND_KEY = 3


@dataclass(frozen=True)
class SideFeatures:
    """Evidence for the sentences of one side, in order."""

    lengths: np.ndarray  # characters (white space excluded), float
    items: list[list[Item]]  # Japanese: alternatives per item; English: keys per word


def _lengths(segments: Sequence[Segment]) -> np.ndarray:
    """Characters per segment, spaces excluded (English has them between words, Japanese does not)."""
    return np.array([len(seg.text) - seg.text.count(" ") for seg in segments], dtype=float)


def _english_word_keys(word: str) -> set[str]:
    keys = {"w:" + word.lower(), "s:" + lexical_stem(word)}
    parts = [p for p in re.split(r"[\-'’]", word) if p]
    for part in parts if len(parts) > 1 else [word]:
        keys.add("s:" + lexical_stem(part))
        key = name_key(part)
        if len(key) >= _MIN_NAME_KEY:
            keys.add("n:" + key)
        sound = sound_key(part)
        if len(sound) >= _MIN_SOUND_KEY:
            keys.add("k:" + sound)
    if len(parts) > 1:
        joined = name_key("".join(parts))
        if len(joined) >= _MIN_NAME_KEY:
            keys.add("n:" + joined)
    return keys


def _rendering_patterns(glossary: Sequence[tuple[str, str]]) -> list[tuple[str, re.Pattern[str]]]:
    """Each English rendering of the glossary (lower case) and the pattern that finds it in lower-cased
    text as whole words, a plural allowed: "mic" in "MIC's", not in "economic"."""
    renderings = sorted({en.lower() for _, en in glossary})
    return [(rendering, re.compile(rf"(?<!\w){re.escape(rendering)}(?:e?s)?(?!\w)")) for rendering in renderings]


def english_features(segments: Sequence[Segment], glossary: Sequence[tuple[str, str]] = ()) -> SideFeatures:
    """Per English sentence: one item per word (its keys), per number value, per glossary rendering used."""
    renderings = _rendering_patterns(glossary)
    items: list[list[Item]] = []
    cache: dict[str, Item] = {}
    for seg in segments:
        sentence: list[Item] = []
        for match in ENGLISH_WORD.finditer(seg.text):
            word = match.group(0)
            if word not in cache:
                cache[word] = frozenset(_english_word_keys(word))
            sentence.append(cache[word])
        sentence.extend(frozenset({"d:" + value}) for value in sorted(number_values(seg.text, "en")))
        lowered = seg.text.lower()
        sentence.extend(
            frozenset({"g:" + rendering})
            for rendering, pattern in renderings
            if rendering in lowered and pattern.search(lowered)  # the substring test is the cheap filter
        )
        items.append(sentence)
    return SideFeatures(_lengths(segments), items)


def _morpheme_keys(morpheme: Morpheme, lexicon: Lexicon) -> set[str]:
    surface = morpheme.surface()
    keys: set[str] = set()
    for form in (morpheme.normalized_form(), morpheme.dictionary_form(), surface):
        stems = lexicon.stems(form)
        if stems:
            keys.update("s:" + s for s in stems)
            break
    pos = morpheme.part_of_speech()
    if pos[0] == "名詞" and pos[1] != "数詞":
        romaji = kana_to_romaji(morpheme.reading_form())
        key = name_key(romaji)
        if len(key) >= _MIN_NAME_KEY:
            keys.add("n:" + key)
        if _KATAKANA.match(surface):
            sound = sound_key(romaji)
            if len(sound) >= _MIN_SOUND_KEY:
                keys.add("k:" + sound)
    return keys


def japanese_features(segments: Sequence[Segment], glossary: Sequence[tuple[str, str]] = ()) -> SideFeatures:
    """Per Japanese sentence: one item per content word (the keys of its English renderings), per number
    value, per glossary term it contains (the term's renderings)."""
    lexicon = jmdict()
    renderings_of: dict[str, set[str]] = {}
    for ja, en in glossary:
        renderings_of.setdefault(ja, set()).add("g:" + en.lower())
    glossary_items = [(ja, frozenset(keys)) for ja, keys in sorted(renderings_of.items())]
    items: list[list[Item]] = []
    # The keys of a morpheme follow from its dictionary entry (word_id: reading, normalized form, part of
    # speech) and its surface (an inflected form, an unknown word).
    cache: dict[tuple[str, int], Item] = {}
    skipped_pos: dict[int, bool] = {}  # per part-of-speech id: no item (a particle, a symbol, a numeral)
    for seg in segments:
        sentence: list[Item] = []
        for morpheme in japanese_morphemes(seg.text, SplitMode.C):
            pos_id = morpheme.part_of_speech_id()
            skipped = skipped_pos.get(pos_id)
            if skipped is None:
                pos = morpheme.part_of_speech()
                skipped = skipped_pos[pos_id] = pos[0] in _SKIP_POS or pos[1] == "数詞"
            if skipped:
                continue
            surface = morpheme.surface()
            cache_key = (surface, morpheme.word_id())
            if cache_key not in cache:
                if _LATIN.fullmatch(surface):
                    keys = {"w:" + surface.lower(), "s:" + lexical_stem(surface)}
                    key = name_key(surface)
                    if len(key) >= _MIN_NAME_KEY:
                        keys.add("n:" + key)
                else:
                    keys = _morpheme_keys(morpheme, lexicon)
                    if not any(k.startswith("s:") for k in keys):
                        # A compound the lexicon lacks: its parts' glosses and readings stand in.
                        for part in morpheme.split(SplitMode.A):
                            if part.part_of_speech()[0] not in _SKIP_POS:
                                keys |= _morpheme_keys(part, lexicon)
                cache[cache_key] = frozenset(keys)
            if cache[cache_key]:
                sentence.append(cache[cache_key])
        sentence.extend(frozenset({"d:" + value}) for value in sorted(number_values(seg.text, "ja")))
        sentence.extend(renderings for ja, renderings in glossary_items if ja in seg.text)
        items.append(sentence)
    return SideFeatures(_lengths(segments), items)
