"""English word forms: two stemmers for two jobs.

* :func:`lexical_stem` is the aligner's coarse key: it only has to make "temple"/"temples" and
  "teach"/"teaching" meet a dictionary gloss, so it strips common suffixes and cuts at 7 letters (words
  that collide cost little: evidence is summed over a sentence).
* :func:`inflection_stem` is the terminology checks' symmetric rule: the glossary term and the text both go
  through it, so "partnership" matches "partnerships" while distinct terms stay distinct (no truncation),
  and acronyms lose only a plural s (ICTs, CBPRs).
"""

from __future__ import annotations

import functools
import re

_SUFFIXES = ("ings", "ing", "edly", "ied", "ies", "ed", "es", "s", "ly")
ENGLISH_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’\-]*")


@functools.lru_cache(maxsize=65536)
def lexical_stem(word: str) -> str:
    """ "Temples" → "templ", "teaching" → "teach", "histories" → "history"; at most 7 letters."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word[:7]


_VOWEL = re.compile(r"[aeiouy]")


def inflection_stem(word: str) -> str:
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
