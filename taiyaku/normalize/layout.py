"""Plain-text layout analysis: lines → blocks, with PDF line-wrap repair.

Text extracted from PDFs is wrapped at the page width, often mid-sentence and, in Japanese, mid-word
("インターネットガ" / "バナンス"); some extractors also put an empty line after every line ("double
spacing"), so a real paragraph break is two or more blank lines, and a page break shows up as a line
without its blank line and with a stray leading space.  Plain text written by people (the evaluation
sets) is the opposite: one paragraph per line, paragraphs separated by one blank line, a heading or a
list item on its own line.  Nothing is assumed about which one a document is; the evidence decides:

1. *Wrapped or not.*  The display width of every line (full-width characters count 2) is measured.  A
   wrapped text has a cluster of lines at (nearly) the same maximal width, most of which end mid-sentence;
   hand-written text has neither.  The cluster's top is the document's full line width ``W``.
2. *Double spacing.*  Only in a wrapped text: if most pairs of consecutive lines are separated by exactly
   one empty line, one empty line is a mere line break and a paragraph break needs two or more.
3. *Joins* (wrapped texts only).  A line continues on the next one when it is (nearly) full, or the first
   word of the next line would not have fitted in the rest of it, or the next line starts with a character
   that cannot start a line (``ー``, ``、``, a small kana...) or the line ends with one that cannot end a
   block (``、``, an opening bracket); never when the next line starts an enumeration or a bullet
   (``(1)``, ``（２）``, ``・``, ``●``, ``1.``, ``第1条``...).  A line that ends a sentence continues only if
   it is full.  When the document consistently ends block-final lines with a trailing space and wrapped
   lines without one (some extractors do), that convention is learned and used for full-width lines that
   are otherwise ambiguous (a long heading such as "(3) マルチステークホルダー...の協調").
   Japanese lines are joined with no space (unless the source has white space there, or two half-width
   words meet); English lines with one space, and a word hyphenated at the end of a wrapped line
   ("infra-" / "structure") is de-hyphenated, unless the hyphenated form is the one used elsewhere in the
   document.
4. *Unwrapped texts*: every blank-line separated paragraph is a block, except that a line which does not
   end with sentence punctuation (a heading, a list item) or starts with an enumeration or bullet marker
   is a block of its own, so it is never glued to the next sentence; lines ending with sentence
   punctuation stay together, separated by a line break.

Block kinds: ``list_item`` for a bullet or an enumerated item of one sentence (an item of several sentences
is a ``paragraph``, so that the segmenter splits it), ``heading`` for a short block without
sentence punctuation (titles, "(1) ICTによる...", "参加者："), ``paragraph`` otherwise (a dateline such
as "2014 年 3 月 13 日" included, as a web page would have it).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from taiyaku.model import BlockKind, Lang
from taiyaku.normalize.pages import Line, content_lines
from taiyaku.text.informal import ends_informally, has_emoticon_inside
from taiyaku.text.script import JAPANESE_SCRIPT_CLASS, JAPANESE_SCRIPT_RE
from taiyaku.text.width import display_width
from taiyaku.textmap import MappedText, MappedTextBuilder

# Sentence-final punctuation, possibly followed by closing brackets or quotes.
_CLOSERS = "」』）)\\]〕】》〉\"'”’"


SENTENCE_END = {
    "ja": re.compile(f"[。．.！？!?][{_CLOSERS}]*$"),
    "en": re.compile(f"[.!?。．！？][{_CLOSERS}]*$"),
}


_INTERNAL_SENTENCE_END = {
    "ja": re.compile("[。！？!?][」』）)]*(?=[^\\s」』）)])"),  # a sentence end with more text after it
    "en": re.compile(r"[a-z]{2}[.!?][\"')\]”’]*\s+[A-Z\"“‘(]"),  # "growth. Both", not "U.S. Policy"
}


_DATE_LINE_RE = re.compile(
    r"(?:(?:明治|大正|昭和|平成|令和)\s*(?:\d{1,2}|元)|\d{4})\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"(?:\s*\(.\))?"  # 2014年3月13日(木)
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},\s*\d{4}"
    r"|\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{4}"
)


# Enumeration and bullet markers at the start of a line.
_ENUM_ITEM = (
    r"(?:\d{1,3}|[０-９]{1,3}|[a-zA-Zａ-ｚＡ-Ｚ]|[ivxIVXⅰ-ⅻⅠ-Ⅻ]{1,4}|[一二三四五六七八九十]{1,3}"
    r"|[アイウエオカキクケコ]|[イロハニホヘト])"
)


_ENUMERATION_RE = re.compile(
    rf"(?:[(（]{_ENUM_ITEM}[)）]"  # (1) （２） (a) （ア）
    r"|[0-9０-９]{1,3}[)）](?!\S*[)）])"  # 1) ２）
    r"|[a-zａ-ｚ][)）](?=\s)"  # a) b)
    r"|[0-9０-９]{1,3}(?:[.．][0-9０-９]{1,3})*[.．](?![0-9０-９])"  # 1. 2.3.
    r"|[①-⑳㉑-㉟㊱-㊿⑴-⒇⒈-⒛❶-❿➀-➓]"  # circled and parenthesized numbers
    r"|第[0-9０-９一二三四五六七八九十百]+[条章節項款]"  # 第1条 第二章
    r"|[IVX]{1,4}[.．](?=\s)"  # II.
    r")"
)


# A private-use character before a space is a bullet of a symbol font (Symbol, Wingdings) in a PDF.
_BULLET_RE = re.compile(r"(?:[・●○■□◆◇▪▫•‣◦◎★☆▶▷►➢✓✔]|[-*+−–\ue000-\uf8ff](?=\s))")


# Characters that cannot start a line in Japanese typesetting (kinsoku): a line starting with one of them
# is the continuation of the previous line.
NO_LINE_START = frozenset("ー、。，．）」』】〕〉》ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々ゝゞヽヾ")


# Characters that cannot end a block: a line ending with one of them continues.
NO_BLOCK_END = frozenset("、，,（「『【〔〈《(")


# Tuning (fractions of the full line width W, or of line counts); see the module docstring.
_BAND = {"ja": 0.08, "en": 0.2}  # lines within this fraction below W form the full-width cluster


_FULL = 0.9  # a line at least this fraction of W is full


_SLACK = 0.05  # the next word "would not have fitted" if it overflows W minus this fraction


HEADING_MAX_CHARS = {"ja": 80, "en": 150}


_MIN_FULL_WIDTH = 30  # columns: no page or column is narrower (15 Japanese characters, ~30 Latin ones)


_MAX_WIDER = 0.1  # fraction of lines that may be wider than a wrapped text's full width


def plain_text_blocks(text: str, lang: Lang, *, paginated: bool = False) -> list[tuple[BlockKind, MappedText]]:
    """Blocks of a plain text (or a PDF text layer when ``paginated``), before per-block normalization."""
    lines = content_lines(text, lang, paginated=paginated)
    if not lines:
        return []
    layout = _Layout.measure(lines, lang)
    if layout.wrapped:
        groups = _paragraph_groups(lines, 2 if layout.double_spaced else 1)
        blocks = [block for group in groups for block in _wrapped_blocks(group, layout, text, lang)]
    else:
        groups = _paragraph_groups(lines, 1)
        blocks = [block for group in groups for block in _unwrapped_blocks(group, text, lang)]
    return blocks


def _paragraph_groups(lines: list[Line], break_gap: int) -> list[list[Line]]:
    """Consecutive lines split where ``break_gap`` or more blank lines separate them (not at page breaks)."""
    groups: list[list[Line]] = [[lines[0]]]
    for line in lines[1:]:
        if line.gap >= break_gap and not line.page_break:
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


@dataclass(frozen=True, slots=True)
class _Layout:
    """What the evidence says about a document's lines."""

    wrapped: bool
    double_spaced: bool
    full_width: int  # W: the width of a full line (0 when not wrapped)
    trailing_space_ends_block: bool  # lines ending a block carry a trailing space, wrapped lines do not
    enumerated_headings: bool  # lines starting "(1)", "1."... are headings of their own in this document
    lang: Lang

    @classmethod
    def measure(cls, lines: list[Line], lang: Lang) -> _Layout:
        full_width, cluster = _full_width_cluster(lines, lang)
        sentence_end = SENTENCE_END[lang]
        mid_sentence = sum(1 for line in cluster if not sentence_end.search(line.text))
        wrapped = len(cluster) >= 3 and len(cluster) >= 0.2 * len(lines) and mid_sentence >= 0.5 * len(cluster)
        if not wrapped:
            return cls(False, False, 0, False, False, lang)
        pairs = [line.gap for line in lines[1:] if not line.page_break]
        double_spaced = len(pairs) >= 2 and sum(1 for gap in pairs if gap == 1) >= 0.6 * len(pairs)
        return cls(
            wrapped=True,
            double_spaced=double_spaced,
            full_width=full_width,
            trailing_space_ends_block=_trailing_space_convention(lines, full_width, lang),
            enumerated_headings=_enumerated_headings(lines, full_width, lang),
            lang=lang,
        )

    def is_full(self, line: Line) -> bool:
        return line.width >= _FULL * self.full_width

    def next_word_overflows(self, line: Line, following: Line) -> bool:
        """Would the first word of ``following`` have fitted at the end of ``line``?"""
        first = following.text[0]
        if JAPANESE_SCRIPT_RE.match(first):
            word = first + "".join(_leading_no_start(following.text[1:]))
            separator = 0
        else:
            word = re.match(f"[^\\s{JAPANESE_SCRIPT_CLASS}]+", following.text).group()  # type: ignore[union-attr]
            separator = 1 if self.lang == "en" or line.raw_trailing_space else 0
        needed = line.width + separator + display_width(word, self.lang)
        return needed > self.full_width * (1 - _SLACK)


def _leading_no_start(text: str) -> Iterable[str]:
    for char in text:
        if char not in NO_LINE_START:
            return
        yield char


def _full_width_cluster(lines: list[Line], lang: Lang) -> tuple[int, list[Line]]:
    """The width W with the most lines in ``[W * (1 - band), W]``, and those lines.

    Only plausible page widths compete: W of at least ``_MIN_FULL_WIDTH`` columns, with at most
    ``_MAX_WIDER`` of the lines wider than W (a text wrapped at W has no longer lines, bar a few with
    proportional Latin).  Without this, a column of short list items or headings would pass for the
    full lines of a narrow page.
    """
    widths = sorted(line.width for line in lines)
    band = _BAND[lang]
    best_count, best_width = 0, 0
    low = 0
    for high, width in enumerate(widths):
        while widths[low] < width * (1 - band):
            low += 1
        if width < _MIN_FULL_WIDTH:
            continue
        wider = len(widths) - bisect.bisect_right(widths, width * (1 + band))
        if wider > _MAX_WIDER * len(widths):
            continue
        count = high - low + 1
        if count >= best_count:
            best_count, best_width = count, width
    if not best_count:
        return 0, []
    floor = best_width * (1 - band)
    return best_width, [line for line in lines if floor <= line.width <= best_width]


def _trailing_space_convention(lines: list[Line], full_width: int, lang: Lang) -> bool:
    """Does this extraction end block-final lines with a space and wrapped lines without one?

    Learned on unambiguous lines ending with a Japanese character: short lines ending a sentence (block
    ends) versus full lines ending mid-word (wraps).  Latin word ends are left out: a space there is just
    the space between two words.
    """
    sentence_end = SENTENCE_END[lang]
    finals = [line for line in lines if line.width < 0.75 * full_width and sentence_end.search(line.text)]
    wraps = [
        line
        for line in lines
        if line.width >= _FULL * full_width
        and not sentence_end.search(line.text)
        and JAPANESE_SCRIPT_RE.match(line.text[-1])
    ]
    finals = [line for line in finals if JAPANESE_SCRIPT_RE.match(line.text[-1])]
    if len(finals) < 3 or len(wraps) < 3:
        return False
    final_rate = sum(line.raw_trailing_space for line in finals) / len(finals)
    wrap_rate = sum(line.raw_trailing_space for line in wraps) / len(wraps)
    return final_rate >= 0.8 and wrap_rate <= 0.1


def _enumerated_headings(lines: list[Line], full_width: int, lang: Lang) -> bool:
    """Are the enumerated lines of this document headings ("(1) ICTによる経済成長") rather than the
    first lines of enumerated paragraphs?  Yes when most of them are short and end no sentence: then a
    full-width enumerated line without sentence punctuation is a long heading, not a wrapped line."""
    sentence_end = SENTENCE_END[lang]
    enumerated = [line for line in lines if _ENUMERATION_RE.match(line.text)]
    short_titles = [
        line for line in enumerated if line.width < 0.75 * full_width and not sentence_end.search(line.text)
    ]
    return len(short_titles) >= 2 and len(short_titles) >= 0.6 * len(enumerated)


def starts_item(text: str) -> bool:
    """Does a (stripped) line start a list item: an enumeration or a bullet?"""
    return bool(_ENUMERATION_RE.match(text) or _BULLET_RE.match(text))


def _continues(line: Line, following: Line, layout: _Layout) -> bool:
    """Is ``following`` the continuation of the wrapped ``line`` (same block, no hard break)?"""
    if bracket_closed_on_next_line(line.text, following.text):
        return True  # "1900年（明" / "治33年）に": no block ends inside a bracket the next line closes
    if starts_item(following.text):
        return False
    if following.text[0] in NO_LINE_START:
        return True  # "ー", "」", "。"... cannot start a line: the wrap came first (even after a "。")
    if layout.trailing_space_ends_block and line.raw_trailing_space and JAPANESE_SCRIPT_RE.match(line.text[-1]):
        return False
    if (
        layout.enumerated_headings
        and _ENUMERATION_RE.match(line.text)
        and not SENTENCE_END[layout.lang].search(line.text)
        and line.text[-1] not in NO_BLOCK_END
    ):
        return False
    if SENTENCE_END[layout.lang].search(line.text):
        return layout.is_full(line)
    if line.text[-1] in NO_BLOCK_END:
        return True
    if WORD_HYPHEN_END_RE.search(line.text) and following.text[0].isalnum():
        return True  # "infra-" / "structure", "U.S.-" / "Japan": a line never ends a block on such a hyphen
    return layout.is_full(line) or layout.next_word_overflows(line, following)


def bracket_closed_on_next_line(line: str, following: str) -> bool:
    """Does ``line`` end inside a bracket that ``following`` closes?

    The width tests miss such a wrap when the line is short of full width (half-width digits and Latin
    letters make a line of a fixed character count narrower); the bracket pair is evidence that does not
    depend on widths.  Only brackets with distinct opening and closing forms count (a straight quote
    cannot say which way it faces).
    """
    still_open: list[str] = []  # the closers awaited, innermost last
    for char in line:
        if char in _BRACKET_PAIRS:
            still_open.append(_BRACKET_PAIRS[char])
        elif still_open and char == still_open[-1]:
            still_open.pop()
    if not still_open:
        return False
    closer = still_open[-1]
    opener = _OPENER_OF[closer]
    depth = 0
    for char in following:
        if char == opener:
            depth += 1
        elif char == closer:
            if depth == 0:
                return True
            depth -= 1
    return False


_BRACKET_PAIRS = {
    "（": "）",
    "(": ")",
    "「": "」",
    "『": "』",
    "【": "】",
    "〔": "〕",
    "［": "］",
    "[": "]",
    "〈": "〉",
    "《": "》",
    "“": "”",
}


_OPENER_OF = {closer: opener for opener, closer in _BRACKET_PAIRS.items()}


def _wrapped_blocks(group: list[Line], layout: _Layout, text: str, lang: Lang) -> list[tuple[BlockKind, MappedText]]:
    blocks: list[tuple[BlockKind, MappedText]] = []
    current = [group[0]]
    for line, following in itertools.pairwise(group):
        if _continues(line, following, layout):
            current.append(following)
        else:
            blocks.append(wrapped_block(current, text, lang))
            current = [following]
    blocks.append(wrapped_block(current, text, lang))
    return blocks


def _unwrapped_blocks(group: list[Line], text: str, lang: Lang) -> list[tuple[BlockKind, MappedText]]:
    """Hand-written text: sentence lines stay together; headings, list items and markers stand alone."""
    blocks: list[tuple[BlockKind, MappedText]] = []
    current: list[Line] = []
    sentence_end = SENTENCE_END[lang]
    for line in group:
        if starts_item(line.text) or not sentence_end.search(line.text):
            if current:
                blocks.append(_hard_broken_block(current, text, lang))
                current = []
            blocks.append(_hard_broken_block([line], text, lang))
        else:
            current.append(line)
    if current:
        blocks.append(_hard_broken_block(current, text, lang))
    return blocks


def _hard_broken_block(lines: list[Line], text: str, lang: Lang) -> tuple[BlockKind, MappedText]:
    builder = MappedTextBuilder()
    for i, line in enumerate(lines):
        if i:
            builder.replace(MappedText.identity(text[lines[i - 1].end : line.start], lines[i - 1].end), "\n")
        builder.extend(MappedText.identity(text[line.start : line.end], line.start))
    return block_kind(lines, lang), builder.build()


def wrapped_block(lines: list[Line], text: str, lang: Lang) -> tuple[BlockKind, MappedText]:
    """Join wrapped lines: Japanese without a space, English with one, de-hyphenating split words."""
    builder = MappedTextBuilder()
    skip_leading = False
    for i, line in enumerate(lines):
        start, end = line.start, line.end
        if skip_leading:
            start = end - len(text[start:end].lstrip())
        following = lines[i + 1] if i + 1 < len(lines) else None
        hyphen = _hyphen_join(line, following, text) if following is not None else None
        if hyphen is not None:
            end = start + len(text[start:end].rstrip()) - (hyphen == "drop")
        builder.extend(MappedText.identity(text[start:end], start))
        skip_leading = hyphen is not None
        if following is None or hyphen is not None:
            continue
        line_break = MappedText.identity(text[line.end : following.start], line.end)
        if lang == "en":
            builder.replace(line_break, " ")
        elif (
            not (line.raw_trailing_space or text[following.start].isspace())
            and _is_half_width_word_char(line.text[-1])
            and _is_half_width_word_char(following.text[0])
        ):
            builder.replace(line_break, " ")  # Japanese typesetting never splits a half-width word
    return block_kind(lines, lang), builder.build()


def _is_half_width_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


WORD_HYPHEN_END_RE = re.compile(r"[^\W_][.]?-$")


_HYPHENATED_HEAD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*-$")


_WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


@functools.lru_cache(maxsize=2)
def _word_forms(text: str) -> frozenset[str]:
    """Every lower-cased Latin word (hyphenated compounds whole) of a document, for de-hyphenation."""
    return frozenset(word.lower() for word in _WORD_RE.findall(text))


def _hyphen_join(line: Line, following: Line, text: str) -> str | None:
    """How a line ending with a hyphen joins the next: ``"drop"`` the hyphen, ``"keep"`` it (no space
    either way), or ``None`` when the line does not end with a word-splitting hyphen.

    A soft hyphen always goes.  A hard hyphen between two lower-case letters ("infra-" / "structure")
    goes, unless the document uses the hyphenated form elsewhere and never the joined one ("cyber-" /
    "attacks" when "cyber-attacks" occurs on one line), or the word already has a hyphen
    ("state-of-the-" / "art").  Any other hyphen between two words stays ("U.S.-" / "Japan").
    """
    if line.text.endswith("\u00ad"):
        return "drop"
    if not (WORD_HYPHEN_END_RE.search(line.text) and following.text[0].isalnum()):
        return None
    head = _HYPHENATED_HEAD_RE.search(line.text)
    tail = _WORD_RE.match(following.text)
    if head is None or tail is None or not (line.text[-2].islower() and following.text[0].islower()):
        return "keep"
    if "-" in head.group()[:-1]:
        return "keep"
    hyphenated = (head.group() + tail.group()).lower()
    joined = hyphenated.replace("-", "", 1)
    forms = _word_forms(text)
    return "keep" if hyphenated in forms and joined not in forms else "drop"


def block_kind(lines: list[Line], lang: Lang) -> BlockKind:
    """``list_item`` for a bullet or enumerated item of one sentence, ``heading`` for a short block without
    sentence punctuation, ``paragraph`` otherwise (a multi-sentence item included: the segmenter keeps
    headings and list items whole, and the sentences of a long item must still be split)."""
    first, last = lines[0].text, lines[-1].text
    joined = ("" if lang == "ja" else " ").join(line.text for line in lines)
    # A chat line ending with an emoticon or an ellipsis ("…思ってた…", "手を挙げて（笑）") is a sentence, and
    # one with an emoticon inside ("届いた(>_<)開けたら…") holds two: neither is a title.
    several_sentences = bool(_INTERNAL_SENTENCE_END[lang].search(joined)) or has_emoticon_inside(joined)
    if _BULLET_RE.match(first):
        return BlockKind.PARAGRAPH if several_sentences else BlockKind.LIST_ITEM
    short_title = (
        not (SENTENCE_END[lang].search(last) or ends_informally(last))
        and len(joined) <= HEADING_MAX_CHARS[lang]
        and not several_sentences
    )
    if _ENUMERATION_RE.match(first):
        return BlockKind.HEADING if short_title else BlockKind.PARAGRAPH if several_sentences else BlockKind.LIST_ITEM
    if short_title and len(lines) == 1 and _DATE_LINE_RE.fullmatch(unicodedata.normalize("NFKC", first)):
        return BlockKind.PARAGRAPH  # a dateline is not a title
    return BlockKind.HEADING if short_title else BlockKind.PARAGRAPH
