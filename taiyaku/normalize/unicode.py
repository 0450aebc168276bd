"""Per-block normalization of a :class:`~taiyaku.textmap.MappedText`, every character keeping its source span.

* NFKC per character cluster (a base character with its combining marks, including the half-width
  (semi-)voiced sound marks, so ``ﾊﾞ`` becomes ``バ``): full-width letters and digits become ASCII
  (``ＡＰＥＣ`` → ``APEC``, ``２０１４`` → ``2014``).  NFKC also maps full-width ``（）`` to ``()``, ``：``
  to ``:``, ``－`` to ``-`` and the ideographic space to a space; ``「」、。・`` are kept.  Each output
  character maps to the span of the cluster it came from.
* Invisible characters (zero-width spaces, BOM, soft hyphens) are dropped.
* Runs of white space fold to one space (a line break inside a block stays a line break); in Japanese a
  space next to a Japanese character (kana, kanji, Japanese punctuation) is removed, as PDF extraction
  puts spaces around half-width runs ("2014 年 3 月" → "2014年3月", "ICT による" → "ICTによる"), while a
  space between two Latin or digit tokens stays ("Study Group1").
* Blocks are stripped; empty blocks are dropped.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from taiyaku.model import Lang
from taiyaku.text.script import JAPANESE_SCRIPT_CLASS
from taiyaku.textmap import MappedText


def normalize_text(text: MappedText, lang: Lang) -> MappedText:
    """NFKC per cluster, invisible characters dropped, white space folded, stripped (offsets kept)."""
    # A broken PDF text layer can carry lone surrogates, which no tokenizer accepts: mark them as
    # undecodable instead.
    text = _replace_all(text, _LONE_SURROGATE_RE, "\ufffd")
    text = nfkc(text)
    text = _replace_all(text, _INVISIBLE_RE, "")
    text = _replace_all(text, _HORIZONTAL_SPACE_RE, " ")
    text = _replace_all(text, _LINE_BREAK_RUN_RE, "\n")
    if lang == "ja":
        text = _replace_all(text, _SPACE_NEXT_TOJAPANESE_SCRIPT_RE, "")
    return text.strip()


def _replace_all(text: MappedText, pattern: re.Pattern[str], replacement: str) -> MappedText:
    """``text.sub(pattern, replacement)``, skipped when nothing matches (the common case, at regex speed)."""
    if pattern.search(text.text) is None:
        return text
    return text.sub(pattern, lambda _: replacement)


def nfkc(text: MappedText) -> MappedText:
    """NFKC, applied to each character cluster that changes; every output character maps to its cluster."""
    if unicodedata.is_normalized("NFKC", text.text):
        return text
    return text.sub(nfkc_cluster_pattern(), _nfkc_match)


_SPACE_NEXT_TOJAPANESE_SCRIPT_RE = re.compile(f"(?<=[{JAPANESE_SCRIPT_CLASS}]) +| +(?=[{JAPANESE_SCRIPT_CLASS}])")


_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b\x0e-\x1f\x7f]+")


# Only what needs changing: runs of two or more, or white space other than a plain space / line break.
_HORIZONTAL_SPACE_RE = re.compile(r"[^\S\n]{2,}|[^\S\n ]")


_LINE_BREAK_RUN_RE = re.compile(r" \n[\n ]*|\n[\n ]+")


# Combining marks that NFKC may compose with the preceding base character (general category M*), plus the
# half-width (semi-)voiced sound marks (category Lm) and Hangul conjoining vowels/finals.
_CLUSTER_EXTENDERS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0900-\u0903\u093a-\u094f\u1160-\u11ff"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u302a-\u302f\u3099\u309a\ufe00-\ufe0f\ufe20-\ufe2f\uff9e\uff9f"
)


@functools.cache
def nfkc_cluster_pattern() -> re.Pattern[str]:
    """A pattern for the clusters NFKC changes: a base character with combining marks, or any single
    character that is not NFKC-stable.  Built once (a scan of the BMP and plane 1) so normalization
    runs at regex speed even on a 500k-character document."""
    unstable: list[int] = []
    extender_re = re.compile(f"[{_CLUSTER_EXTENDERS}]")
    for code in (*range(0xA0, 0x20000), *range(0x2F800, 0x2FA20)):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if unicodedata.category(char).startswith("M") and not extender_re.match(char):
            unstable.append(code)  # a combining mark the hand-written extender list misses
        elif unicodedata.normalize("NFKC", char) != char:
            unstable.append(code)
    extra_marks = "".join(_char_class_ranges(c for c in unstable if unicodedata.category(chr(c)).startswith("M")))
    extenders = _CLUSTER_EXTENDERS + extra_marks
    singles = "".join(_char_class_ranges(unstable))
    return re.compile(f"[^\\n][{extenders}]+|[{singles}]")


def _char_class_ranges(codes: Iterable[int]) -> Iterable[str]:
    ordered = sorted(set(codes))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        first, last = re.escape(chr(ordered[i])), re.escape(chr(ordered[j]))
        yield first if i == j else f"{first}-{last}"
        i = j + 1


def _nfkc_match(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())
