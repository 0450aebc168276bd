"""Kana → romaji, and the spelling keys that let a Japanese reading meet its English spelling.

Two keys, both deliberately lossy so that different spellings of one sound meet:

* :func:`name_key` for romanized names and terms (カクバン "kakuban" ↔ "Kakuban", コウヤ ↔ "Kōya"/"Koya"):
  Hepburn romaji with long vowels and doubled letters folded.
* :func:`sound_key` for katakana loanwords (デザート ↔ "dessert", オリンピック ↔ "Olympic"): a consonant
  skeleton where sounds that Japanese does not distinguish (l/r, b/v, s/z/th...) share a letter and an
  English post-vocalic r (silent in katakana) is dropped.
"""

from __future__ import annotations

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


def ascii_fold(word: str) -> str:
    """Lower-case and strip diacritics (Kōya → koya)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if "a" <= c <= "z")


def name_key(romaji: str) -> str:
    """Fold long vowels and doubled letters: "kouya", "kōya", "kooya" → "koya"; "hokke" → "hoke"."""
    word = ascii_fold(romaji)
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i"), ("ee", "e")):
        word = word.replace(long, short)
    folded: list[str] = []
    for char in word:
        if not folded or folded[-1] != char:
            folded.append(char)
    return "".join(folded).replace("m", "n") if word else ""


_SOUND_CLASSES = str.maketrans(
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
    }
)
_VOWELS = frozenset("aeiou")


def sound_key(word: str) -> str:
    """Consonant skeleton of an English word or a loanword's romaji, in Japanese sound classes."""
    word = ascii_fold(word)
    if not word:
        return ""
    for spelled, sound in (("ph", "f"), ("th", "s"), ("sh", "s"), ("ch", "s"), ("ts", "t"), ("ck", "k")):
        word = word.replace(spelled, sound)
    # English c is s before e/i/y ("center" センター), k elsewhere.
    word = "".join(
        ("s" if word[i + 1 : i + 2] in ("e", "i", "y") else "k") if ch == "c" else ch for i, ch in enumerate(word)
    )
    # Post-vocalic r is silent in katakana renderings of English ("dessert" デザート, "sports" スポーツ).
    word = "".join(
        ch
        for i, ch in enumerate(word)
        if not (ch == "r" and i and word[i - 1] in _VOWELS and word[i + 1 : i + 2] not in _VOWELS)
    )
    if word.endswith("s") and len(word) > 3:
        word = word[:-1]  # plural
    skeleton: list[str] = []
    for char in word.translate(_SOUND_CLASSES):
        if char in _VOWELS or (skeleton and skeleton[-1] == char):
            continue
        skeleton.append(char)
    return "".join(skeleton)
