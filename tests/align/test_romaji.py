"""The spelling keys, against their letter-by-letter definitions (the module computes them by whole-string
regex and translate passes)."""

from __future__ import annotations

import random
import unicodedata

from taiyaku.align.romaji import ascii_fold, kana_to_romaji, name_key, sound_key

_VOWELS = frozenset("aeiou")
_SOUND_CLASSES = str.maketrans(
    {"l": "r", "v": "b", "z": "s", "j": "s", "x": "s", "q": "k", "c": "k", "g": "k", "d": "t", "f": "h", "m": "n"}
    | {"w": "", "y": ""}
)


def _ascii_fold_by_letter(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if "a" <= c <= "z")


def _name_key_by_letter(romaji: str) -> str:
    word = _ascii_fold_by_letter(romaji)
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i"), ("ee", "e")):
        word = word.replace(long, short)
    folded: list[str] = []
    for char in word:
        if not folded or folded[-1] != char:
            folded.append(char)
    return "".join(folded).replace("m", "n") if word else ""


def _sound_key_by_letter(word: str) -> str:
    word = _ascii_fold_by_letter(word)
    if not word:
        return ""
    for spelled, sound in (("ph", "f"), ("th", "s"), ("sh", "s"), ("ch", "s"), ("ts", "t"), ("ck", "k")):
        word = word.replace(spelled, sound)
    word = "".join(
        ("s" if word[i + 1 : i + 2] in ("e", "i", "y") else "k") if ch == "c" else ch for i, ch in enumerate(word)
    )
    word = "".join(
        ch
        for i, ch in enumerate(word)
        if not (ch == "r" and i and word[i - 1] in _VOWELS and word[i + 1 : i + 2] not in _VOWELS)
    )
    if word.endswith("s") and len(word) > 3:
        word = word[:-1]
    skeleton: list[str] = []
    for char in word.translate(_SOUND_CLASSES):
        if char in _VOWELS or (skeleton and skeleton[-1] == char):
            continue
        skeleton.append(char)
    return "".join(skeleton)


def _words() -> list[str]:
    """Real spellings, readings, and random strings dense in the letters the rules look at."""
    words = ["", "Kōya", "kouya", "Kakuban", "hokke", "dessert", "sports", "center", "Olympic", "Mississippi"]
    words += ["schwarz", "Thatcher", "rhythm", "Zürich", "ﬁnance", "Ⅻ", "O'Brien", "co-op", "Straße", "İstanbul"]
    words += [kana_to_romaji(kana) for kana in ("カクバン", "コウヤ", "デザート", "オリンピック", "センター", "ッー")]
    generator = random.Random(20261202)
    alphabet = "aaeeiioouurrccyywwssmmhhkkttlpbdfgjqvxzAERCYōéüß'- "
    words += ["".join(generator.choices(alphabet, k=generator.randint(1, 12))) for _ in range(20000)]
    return words


def test_the_keys_are_their_letter_by_letter_definitions() -> None:
    for word in _words():
        assert ascii_fold(word) == _ascii_fold_by_letter(word), word
        assert name_key(word) == _name_key_by_letter(word), word
        assert sound_key(word) == _sound_key_by_letter(word), word
