"""PDF layout analysis: the geometry of a PDF's lines → blocks, in reading order.

The sources stage gives every line of a PDF with its box, baseline, font size and weight
(:class:`~taiyaku.model.DocumentLayout`).  From that geometry, not from character counts:

1. *Running headers, footers and page numbers*: a line in the top or bottom band of its page whose text
   (digits ignored when short) comes back in the same band on at least half of the pages (and two), or a
   bare page number there, is dropped; in a one-page document, a line in the top band set smaller than
   the body.
2. *A page in the other language* (an English page inside the Japanese edition) is left out and reported.
3. *Body text* is the font size most of the characters are set in.  *Footnotes* are the lines below the
   last body-size line of a page, set smaller; they become blocks of their own placed after the block
   that ends the page's body, so they never cut a paragraph that runs on to the next page.
4. *Text boxes*: lines set one under the other without a gap (same page and size, one usual line pitch
   apart, overlapping and starting within a few font sizes of each other) form a box: a paragraph or more
   of one column.  A box's right edge is where its column ends: its rightmost line end when most of its
   lines reach near it; for a box that does not fill its column (two lines, a stack of short entries),
   the edge of the nearest well-filled box starting at the same x, else the rightmost line end of the page.
5. *Joins*: a line continues on the next one in its box when the next one is not indented as a new
   paragraph, does not start a list item, and the line reaches the right edge of its column: the first
   word of the next line would not have fitted in the space left (allowing for justification, proportional
   fonts and, on a line that does not end a sentence, a ragged margin).  The weight may change (a bold
   run-in).  The bracket, hyphen and Japanese line-breaking rules of the plain-text analysis
   (:mod:`.layout`) apply as well, and a line below that cannot start a sentence (a particle, a lower-case
   word) continues the one above.  A paragraph runs on from the last line of a box to the first line of
   the next one where a column or a page ends, under the same test.  Lines on the same baseline (the
   cells of a table row, a sidebar beside the text) are never joined.  Headings set one under the other
   pass the edge test as easily as one wrapped heading: a heading line runs on only at the tightest line
   step seen for its size (the space a paragraph adds after itself tells two headings apart).
6. *Blocks*: joined like wrapped plain text (Japanese without a space, English with one, hyphenation
   repaired), as headings when set at least 15 % larger than the body, or all in bold and short.

Reading order is the order the PDF draws its lines in, which layout programs make the reading order of
columns; a line that belongs to no column is read where it is drawn.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from taiyaku.model import BlockKind, DocumentLayout, Extraction, Lang, LayoutLine, PageProblem
from taiyaku.nlp import starts_mid_sentence
from taiyaku.normalize.layout import (
    HEADING_MAX_CHARS,
    NO_BLOCK_END,
    NO_LINE_START,
    SENTENCE_END,
    WORD_HYPHEN_END_RE,
    bracket_closed_on_next_line,
    starts_item,
    wrapped_block,
)
from taiyaku.normalize.pages import Line, header_key, is_bare_page_number
from taiyaku.text.script import JAPANESE_SCRIPT_RE
from taiyaku.text.width import display_width
from taiyaku.textmap import MappedText

RawBlocks = list[tuple[BlockKind, MappedText]]


# The top and bottom bands of a page where running headers, footers and page numbers sit (page heights).
_FURNITURE_BAND = 0.08
# Sizes within this ratio are "the same size"; a heading is set at least _HEADING_RATIO larger than the body.
_SAME_SIZE = 0.12
_HEADING_RATIO = 1.15
# A footnote is set at most this fraction of the body size.
_FOOTNOTE_RATIO = 0.92
# A vertical step larger than the usual line pitch of a font size times this is a paragraph gap.
_PARAGRAPH_GAP = 1.3
# Dashes: "ー" cannot start a line in Japanese typesetting, so a line that starts with one is a list entry
# (or a dash) unless the line above is full.
_DASH_MARKS = frozenset("ー－—―")
# A line starting this many font sizes right of the previous one is indented (a new paragraph).
_INDENT = 0.8
# A box fills its column when this share of its lines (the last aside) ends within this fraction of its
# width from its right edge.
_FILLED_SHARE = 0.6
_NEAR_EDGE = 0.15
# How far (in font sizes) the margin of ragged-right text may lie beyond its longest line.
_RAGGED_SLACK = 1.0
# A page of at least this many letters with almost none of its side's script is in the other language.
_OTHER_LANGUAGE_MIN_LETTERS = 200


def pdf_blocks(text: str, layout: DocumentLayout, lang: Lang) -> tuple[RawBlocks, Extraction]:
    """The blocks of a PDF's decoded ``text`` (before per-block normalization), from its ``layout``, and
    what extraction did (see the module docstring)."""
    lines = [line for line in layout.lines if text[line.start : line.end].strip()]
    furniture = _running_furniture(text, layout, lines)
    problems = list(layout.problems)
    other_pages = _other_language_pages(text, lines, furniture, lang)
    if other_pages:
        other = "English" if lang == "ja" else "Japanese"
        problems.append(
            PageProblem(
                tuple(page + 1 for page in sorted(other_pages)), f"in {other}, not the document's language", "left out"
            )
        )
    kept = [line for line in lines if id(line) not in furniture and line.page not in other_pages]
    body_size = _body_size(text, kept)
    footnote_ids = _footnote_lines(kept, body_size)
    main = [line for line in kept if id(line) not in footnote_ids]
    footnotes = [line for line in kept if id(line) in footnote_ids]

    page_right: dict[int, float] = {}
    for line in kept:
        page_right[line.page] = max(page_right.get(line.page, line.x1), line.x1)
    groups = _Analysis.of(main, lang, text, page_right, body_size).groups(main)
    footnote_groups = _Analysis.of(footnotes, lang, text, page_right, body_size).groups(footnotes) if footnotes else []
    ordered = _with_footnotes(groups, footnote_groups)

    rows = Counter((line.page, round(line.baseline)) for line in kept)
    blocks: RawBlocks = []
    headings = table_cells = 0
    for group, is_footnote in ordered:
        kind, mapped = wrapped_block([_text_line(line, text, lang) for line in group], text, lang)
        size = statistics.median(line.size for line in group)
        larger = size >= _HEADING_RATIO * body_size and len(mapped.text) <= 2 * HEADING_MAX_CHARS[lang]
        bold = all(line.bold for line in group) and len(mapped.text) <= HEADING_MAX_CHARS[lang]
        if not is_footnote and (larger or bold):
            kind = BlockKind.HEADING
        headings += kind == BlockKind.HEADING
        table_cells += len(group) == 1 and rows[(group[0].page, round(group[0].baseline))] > 1
        blocks.append((kind, mapped))
    extraction = Extraction(
        pages=len(layout.page_sizes),
        lines=len(lines),
        lines_rejoined=sum(len(group) - 1 for group, _ in ordered),
        furniture_dropped=len(furniture),
        table_cells=table_cells,
        footnotes=len(footnote_groups),
        headings=headings,
        problems=tuple(problems),
    )
    return blocks, extraction


def _text_line(line: LayoutLine, text: str, lang: Lang) -> Line:
    """A PDF line as the plain-text layout analysis sees one (for joining and block kinds)."""
    raw = text[line.start : line.end]
    stripped = raw.strip()
    return Line(
        start=line.start,
        end=line.end,
        text=stripped,
        raw_trailing_space=raw != raw.rstrip(),
        gap=0,
        page_break=False,
        width=display_width(stripped, lang),
    )


# --- page furniture and languages -------------------------------------------------------------------------


def _running_furniture(text: str, layout: DocumentLayout, lines: list[LayoutLine]) -> set[int]:
    """Ids of the lines that are running headers, footers or page numbers (see the module docstring)."""
    pages = len(layout.page_sizes)

    def band(line: LayoutLine) -> str | None:
        height = layout.page_sizes[line.page][1]
        if line.baseline < _FURNITURE_BAND * height:
            return "top"
        if line.baseline > (1 - _FURNITURE_BAND) * height:
            return "bottom"
        return None

    keyed = [(line, band(line)) for line in lines]
    pages_with: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
    for line, edge in keyed:
        if edge is not None:
            pages_with[(edge, header_key(text[line.start : line.end]))].add(line.page)
    needed = max(2, (pages + 1) // 2)
    body_size = _body_size(text, lines)
    furniture: set[int] = set()
    for line, edge in keyed:
        if edge is None:
            continue
        raw = text[line.start : line.end]
        if pages >= 2:
            running = len(pages_with[(edge, header_key(raw))]) >= needed
        else:
            # One page cannot show a line recurring: a header is then what sits in the top band in a
            # smaller type than the body (a footnote in the bottom band is set small too, and is text).
            running = edge == "top" and line.size <= _FOOTNOTE_RATIO * body_size
        if running or is_bare_page_number(raw):
            furniture.add(id(line))
    return furniture


def _other_language_pages(text: str, lines: list[LayoutLine], furniture: set[int], lang: Lang) -> set[int]:
    """Pages (0-based) whose text is clearly in the other language."""
    japanese: Counter[int] = Counter()
    letters: Counter[int] = Counter()
    for line in lines:
        if id(line) in furniture:
            continue
        for char in text[line.start : line.end]:
            if char.isalpha():
                letters[line.page] += 1
                japanese[line.page] += bool(JAPANESE_SCRIPT_RE.match(char))
    other: set[int] = set()
    for page, count in letters.items():
        if count < _OTHER_LANGUAGE_MIN_LETTERS:
            continue
        share = japanese[page] / count
        if (lang == "ja" and share < 0.05) or (lang == "en" and share > 0.5):
            other.add(page)
    if len(other) * 2 > len(letters):
        return set()  # most of the document: the language check of the whole side will say so
    return other


def _body_size(text: str, lines: Sequence[LayoutLine]) -> float:
    """The font size most characters are set in."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size * 2) / 2] += line.end - line.start
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _footnote_lines(lines: Sequence[LayoutLine], body_size: float) -> set[int]:
    """Ids of the lines below the last body-size line of their page and set smaller: footnotes."""
    lowest_body: dict[int, float] = {}
    for line in lines:
        if abs(line.size - body_size) <= _SAME_SIZE * body_size:
            lowest_body[line.page] = max(lowest_body.get(line.page, 0.0), line.baseline)
    return {
        id(line)
        for line in lines
        if line.page in lowest_body
        and line.baseline > lowest_body[line.page]
        and line.size <= _FOOTNOTE_RATIO * body_size
    }


def _with_footnotes(
    groups: list[list[LayoutLine]], footnote_groups: list[list[LayoutLine]]
) -> list[tuple[list[LayoutLine], bool]]:
    """The body groups in order, each page's footnotes after the group that ends that page's body."""
    by_page: defaultdict[int, list[list[LayoutLine]]] = defaultdict(list)
    for group in footnote_groups:
        by_page[group[0].page].append(group)
    # Where each page's body ends in reading order: the offset of its last body line.
    last_body_line: dict[int, int] = {}
    for group in groups:
        for line in group:
            last_body_line[line.page] = max(last_body_line.get(line.page, line.start), line.start)
    ordered: list[tuple[list[LayoutLine], bool]] = []
    for group in groups:
        ordered.append((group, False))
        for line in group:
            if line.page in by_page and line.start == last_body_line[line.page]:
                ordered.extend((footnote, True) for footnote in by_page.pop(line.page))
    for page in sorted(by_page):  # footnotes of a page without body text
        ordered.extend((footnote, True) for footnote in by_page[page])
    return ordered


# --- text boxes, pitch, joins ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Box:
    """Lines set one under the other without a gap (a paragraph or more, in one column): its right edge
    is the column's right edge the lines are measured against."""

    right: float
    first: int  # start offsets of its first and last line
    last: int


@dataclass(slots=True)
class _Analysis:
    """The geometry one set of lines (the body, or the footnotes) is joined by."""

    lang: Lang
    text: str
    box_of: dict[int, _Box]
    heading_size: float  # lines set at least this large are headings
    leading: dict[float, float]  # font size (rounded to 0.5) → its leading (see _pitches)

    @classmethod
    def of(
        cls, lines: list[LayoutLine], lang: Lang, text: str, page_right: dict[int, float], body_size: float
    ) -> _Analysis:
        usual, leading = _pitches(lines)
        return cls(lang, text, _boxes(lines, usual, page_right), _HEADING_RATIO * body_size, leading)

    def groups(self, lines: list[LayoutLine]) -> list[list[LayoutLine]]:
        groups: list[list[LayoutLine]] = []
        for line in lines:
            if groups and self.continues(groups[-1][-1], line, groups[-1][0]):
                groups[-1].append(line)
            else:
                groups.append([line])
        return groups

    def continues(self, line: LayoutLine, following: LayoutLine, first: LayoutLine) -> bool:
        """Does ``following`` continue the block whose first line is ``first`` and last line ``line``?"""
        size = max(line.size, following.size)
        # A change of weight alone is no break: body text often opens with a bold run-in ("1. A single set
        # of strong authentication and session" / "management controls. Such controls ...").
        if abs(line.size - following.size) > _SAME_SIZE * size:
            return False
        box, next_box = self.box_of[id(line)], self.box_of[id(following)]
        step = following.baseline - line.baseline
        if following.page == line.page and abs(step) < 0.5 * size:
            return False  # on the same baseline: the cells of a table row, a sidebar beside the text
        if box is not next_box:
            # Out of one box into the next: only where a column or a page ends, from the last line of one
            # to the first line of the next; one box below another on the same page is a new paragraph.
            if not (line.start == box.last and following.start == next_box.first):
                return False
            if following.page == line.page and (step > 0 or following.x0 < line.x1 - size):
                return False  # below: a new paragraph; up but not to the right: not the next column
        current, after = self._stripped(line), self._stripped(following)
        if bracket_closed_on_next_line(current, after):
            return True
        if starts_item(after):
            return False
        if after[0] in _DASH_MARKS:
            # "ー" cannot start a line in Japanese typesetting, so one that does is a dash: a list marker
            # when the line above stops short.
            return self.reaches_edge(line, following, box)
        if after[0] in NO_LINE_START:
            return True
        if box is next_box and not SENTENCE_END[self.lang].search(current) and starts_mid_sentence(after, self.lang):
            return True  # "脅威" / "となる人" in a narrow cell (centred or not): the line below starts no sentence
        indented = following.x0 - line.x0 > _INDENT * size and box is next_box
        if indented and not starts_item(self._stripped(first)):
            return False  # the first line of a new paragraph
        if current[-1] in NO_BLOCK_END:
            return True
        if WORD_HYPHEN_END_RE.search(current) and after[0].isalnum():
            return True
        if line.size >= self.heading_size and following.baseline - line.baseline > self.leading.get(
            _pitch_key(line.size), following.baseline - line.baseline
        ):
            # Headings set one under the other ("Kintetsu Station" / "Ikaruga-cho") pass the edge test as
            # easily as one wrapped heading; what tells them apart is the space a paragraph adds after it:
            # a heading runs on only at its size's tightest line step.
            return False
        return self.reaches_edge(line, following, box)

    def reaches_edge(self, line: LayoutLine, following: LayoutLine, box: _Box) -> bool:
        """Would the first word of ``following`` have overflowed ``line``'s column?"""
        after = self._stripped(following)
        lead = following.lead_width
        japanese = bool(JAPANESE_SCRIPT_RE.match(after[0]))
        if japanese:
            # Japanese typesetting carries the characters that cannot start a line along with the one before.
            lead *= 1 + sum(1 for _ in itertools.takewhile(lambda char: char in NO_LINE_START, after[1:]))
        current = self._stripped(line)
        space = 0.0 if japanese and JAPANESE_SCRIPT_RE.match(current[-1]) else 0.25 * line.size
        # The box's rightmost line end is where the column's margin is at least; in ragged-right text the
        # margin may lie a little further, so a line that ends mid-sentence gets that much benefit of the
        # doubt, a line that ends a sentence none.
        slack = 0.05 * line.size if SENTENCE_END[self.lang].search(current) else _RAGGED_SLACK * line.size
        return line.x1 + space + lead > box.right - slack

    def _stripped(self, line: LayoutLine) -> str:
        return self.text[line.start : line.end].strip()


def _pitch_key(size: float) -> float:
    return round(size * 2) / 2


def _pitches(lines: Sequence[LayoutLine]) -> tuple[dict[float, float], dict[float, float]]:
    """Per font size: the usual baseline step between consecutive lines of that size (the most common one),
    and the leading (the smallest one, plus half a point)."""
    steps: defaultdict[float, Counter[float]] = defaultdict(Counter)
    for line, following in itertools.pairwise(lines):
        step = following.baseline - line.baseline
        same_size = abs(line.size - following.size) < 0.05 * line.size
        if following.page == line.page and same_size and 0.8 * line.size < step < 2.5 * line.size:
            steps[_pitch_key(line.size)][round(step * 2) / 2] += 1
    usual = {size: counter.most_common(1)[0][0] for size, counter in steps.items()}
    leading = {size: min(counter) + 0.5 for size, counter in steps.items()}
    return usual, leading


def _boxes(lines: Sequence[LayoutLine], pitch: dict[float, float], page_right: dict[int, float]) -> dict[int, _Box]:
    """The text box of every line (by id), with the right edge its lines are measured against.

    A line joins the box of the line drawn before it when it sits right under it: same page and size, one
    usual line pitch lower (no paragraph gap), overlapping it and starting within a few font sizes of it.
    A box that does not fill its column cannot tell the column's edge (its longest line may be short): one
    of fewer than three lines, or a stack of short lines (list entries, headings one under the other). It
    takes the edge of the nearest well-filled box starting at the same x on the same page (else on any
    page), when that edge is further right; without one, the rightmost line end of its page.
    """
    members: list[list[LayoutLine]] = []
    for line in lines:
        if members:
            previous = members[-1][-1]
            step = line.baseline - previous.baseline
            line_step = pitch.get(_pitch_key(previous.size), 1.2 * previous.size)
            if (
                line.page == previous.page
                and abs(line.size - previous.size) <= _SAME_SIZE * line.size
                and 0.5 * line.size < step <= _PARAGRAPH_GAP * line_step
                and line.x0 < previous.x1
                and line.x1 > previous.x0
                and abs(line.x0 - previous.x0) <= 3 * line.size
            ):
                members[-1].append(line)
                continue
        members.append([line])
    filled = [box for box in members if _fills_its_column(box)]
    box_of: dict[int, _Box] = {}
    for box in members:
        right = max(line.x1 for line in box)
        if not _fills_its_column(box):
            right = max(right, _borrowed_edge(box, filled, page_right[box[0].page]))
        made = _Box(right, box[0].start, box[-1].start)
        for line in box:
            box_of[id(line)] = made
    return box_of


def _fills_its_column(box: list[LayoutLine]) -> bool:
    """Three lines or more, most of which (the last aside) end near the box's right edge: the lines of a
    paragraph, justified or ragged, as opposed to a stack of short entries of all lengths."""
    if len(box) < 3:
        return False
    left = min(line.x0 for line in box)
    right = max(line.x1 for line in box)
    near = sum(1 for line in box[:-1] if line.x1 >= right - _NEAR_EDGE * (right - left))
    return near >= _FILLED_SHARE * (len(box) - 1)


def _borrowed_edge(box: list[LayoutLine], filled: list[list[LayoutLine]], fallback: float) -> float:
    head = box[0]
    alike = [
        other
        for other in filled
        if abs(other[0].x0 - head.x0) <= 2 * head.size and abs(other[0].size - head.size) <= _SAME_SIZE * head.size
    ]
    if not alike:
        return fallback
    same_page = [other for other in alike if other[0].page == head.page]
    nearest = min(
        same_page or alike,
        key=lambda other: (abs(other[0].page - head.page), abs(other[0].baseline - head.baseline)),
    )
    return max(line.x1 for line in nearest)
