"""Kana → romaji, and the spelling keys that let a Japanese reading meet its English spelling.

Two keys, both deliberately lossy so that different spellings of one sound meet:

* :func:`name_key` for romanized names and terms (カクバン "kakuban" ↔ "Kakuban", コウヤ ↔ "Kōya"/"Koya"):
  Hepburn romaji with long vowels and doubled letters folded.
* :func:`sound_key` for katakana loanwords (デザート ↔ "dessert", オリンピック ↔ "Olympic"): a consonant
  skeleton where sounds that Japanese does not distinguish (l/r, b/v, s/z/th...) share a letter and an
  English post-vocalic r (silent in katakana) is dropped.
"""

from __future__ import annotations

import re
import unicodedata

_DIGRAPHS = {
    "キャ": "kya",
    "キュ": "kyu",
    "キョ": "kyo",
    "シャ": "sha",
    "シュ": "shu",
    "シェ": "she",
    "ショ": "sho",
    "チャ": "cha",
    "チュ": "chu",
    "チェ": "che",
    "チョ": "cho",
    "ニャ": "nya",
    "ニュ": "nyu",
    "ニョ": "nyo",
    "ヒャ": "hya",
    "ヒュ": "hyu",
    "ヒョ": "hyo",
    "ミャ": "mya",
    "ミュ": "myu",
    "ミョ": "myo",
    "リャ": "rya",
    "リュ": "ryu",
    "リョ": "ryo",
    "ギャ": "gya",
    "ギュ": "gyu",
    "ギョ": "gyo",
    "ジャ": "ja",
    "ジュ": "ju",
    "ジェ": "je",
    "ジョ": "jo",
    "ビャ": "bya",
    "ビュ": "byu",
    "ビョ": "byo",
    "ピャ": "pya",
    "ピュ": "pyu",
    "ピョ": "pyo",
    "ファ": "fa",
    "フィ": "fi",
    "フェ": "fe",
    "フォ": "fo",
    "ティ": "ti",
    "ディ": "di",
    "トゥ": "tu",
    "ドゥ": "du",
    "ウィ": "wi",
    "ウェ": "we",
    "ウォ": "wo",
    "ヴァ": "va",
    "ヴィ": "vi",
    "ヴェ": "ve",
    "ヴォ": "vo",
    "ツァ": "tsa",
    "デュ": "dyu",
    "テュ": "tyu",
    "イェ": "ye",
    "クァ": "kwa",
}
_MONOGRAPHS = dict(
    zip(
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヰヱヲン"
        "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴァィゥェォャュョヮ",
        [
            "a",
            "i",
            "u",
            "e",
            "o",
            "ka",
            "ki",
            "ku",
            "ke",
            "ko",
            "sa",
            "shi",
            "su",
            "se",
            "so",
            "ta",
            "chi",
            "tsu",
            "te",
            "to",
            "na",
            "ni",
            "nu",
            "ne",
            "no",
            "ha",
            "hi",
            "fu",
            "he",
            "ho",
            "ma",
            "mi",
            "mu",
            "me",
            "mo",
            "ya",
            "yu",
            "yo",
            "ra",
            "ri",
            "ru",
            "re",
            "ro",
            "wa",
            "i",
            "e",
            "o",
            "n",
            "ga",
            "gi",
            "gu",
            "ge",
            "go",
            "za",
            "ji",
            "zu",
            "ze",
            "zo",
            "da",
            "ji",
            "zu",
            "de",
            "do",
            "ba",
            "bi",
            "bu",
            "be",
            "bo",
            "pa",
            "pi",
            "pu",
            "pe",
            "po",
            "vu",
            "a",
            "i",
            "u",
            "e",
            "o",
            "ya",
            "yu",
            "yo",
            "wa",
        ],
        strict=True,
    )
)


def to_katakana(text: str) -> str:
    """Hiragana → katakana (other characters unchanged)."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def kana_to_romaji(kana: str) -> str:
    """Hepburn-style romaji of a kana string; characters that are not kana are dropped."""
    kana = to_katakana(kana)
    out: list[str] = []
    geminate = False
    i = 0
    while i < len(kana):
        pair = kana[i : i + 2]
        if pair in _DIGRAPHS:
            syllable = _DIGRAPHS[pair]
            i += 2
        else:
            char = kana[i]
            i += 1
            if char == "ッ":
                geminate = True
                continue
            if char == "ー":
                if out and out[-1]:
                    out.append(out[-1][-1])  # a long vowel repeats the previous vowel
                continue
            syllable = _MONOGRAPHS.get(char, "")
            if not syllable:
                continue
        if geminate:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            geminate = False
        out.append(syllable)
    return "".join(out)


# Whole-string regex and translate passes rather than per-letter Python loops: the aligner keys every distinct
# word of a document and every reading of a Japanese noun, tens of thousands per book.
_NOT_A_TO_Z = re.compile(r"[^a-z]")
# A letter the same letter follows: deleting each leaves one of every run ("kooya" → "koya"); faster than
# replacing the run with a back-reference.
_REPEATED_LETTER = re.compile(r"(.)(?=\1)")


def ascii_fold(word: str) -> str:
    """Lower-case and strip diacritics (Kōya → koya)."""
    return _NOT_A_TO_Z.sub("", unicodedata.normalize("NFKD", word.lower()))


def name_key(romaji: str) -> str:
    """Fold long vowels and doubled letters: "kouya", "kōya", "kooya" → "koya"; "hokke" → "hoke"."""
    word = ascii_fold(romaji)
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i"), ("ee", "e")):
        word = word.replace(long, short)
    return _REPEATED_LETTER.sub("", word).replace("m", "n")


# The sound classes, and the vowels dropped from the skeleton (no class maps a letter to a vowel, so one
# pass does both).
_SKELETON_LETTERS = str.maketrans(
    {
        "l": "r",
        "v": "b",
        "z": "s",
        "j": "s",
        "x": "s",
        "q": "k",
        "c": "k",
        "g": "k",
        "d": "t",
        "f": "h",
        "m": "n",
        "w": "",
        "y": "",
        **dict.fromkeys("aeiou"),
    }
)
_SOFT_C = re.compile(r"c(?=[eiy])")
_POST_VOCALIC_R = re.compile(r"(?<=[aeiou])r(?![aeiou])")


def sound_key(word: str) -> str:
    """Consonant skeleton of an English word or a loanword's romaji, in Japanese sound classes."""
    word = ascii_fold(word)
    if not word:
        return ""
    for spelled, sound in (("ph", "f"), ("th", "s"), ("sh", "s"), ("ch", "s"), ("ts", "t"), ("ck", "k")):
        word = word.replace(spelled, sound)
    # English c is s before e/i/y ("center" センター), k elsewhere.
    word = _SOFT_C.sub("s", word).replace("c", "k")
    # Post-vocalic r is silent in katakana renderings of English ("dessert" デザート, "sports" スポーツ).
    word = _POST_VOCALIC_R.sub("", word)
    if word.endswith("s") and len(word) > 3:
        word = word[:-1]  # plural
    # The skeleton: sound classes, no vowels, no letter twice in a row.
    return _REPEATED_LETTER.sub("", word.translate(_SKELETON_LETTERS))
