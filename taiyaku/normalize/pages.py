"""The lines of a plain text or a PDF text layer, page by page, without running headers, footers and page numbers.

A line among the first or last two non-blank lines of a page is a running header or footer when the same
line (digits ignored) is in that position on at least half of the pages (and at least two); a bare page
number there ("3", "- 3 -", "3/10", "Page 3 of 10", "3 ページ") is dropped on any page.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from taiyaku.model import PAGE_SEPARATOR, Lang
from taiyaku.text.width import display_width

_LINE_TERMINATOR_RE = re.compile(r"\r\n|[\n\r\v\x1c\x1d\x1e\x85\u2028\u2029]")


_PAGE_NUMBER_RE = re.compile(
    r"(?:[-–—‐−]\s*)?\d{1,4}(?:\s*[-–—‐−])?"  # 3, - 3 -
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/10
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"  # Page 3 of 10
    r"|[-–—]?\s*[ivxlc]{1,6}\s*[-–—]?"  # roman page numbers of front matter
    r"|(?:第\s*)?\d{1,4}\s*(?:ページ|頁)(?:\s*/\s*\d{1,4}\s*(?:ページ|頁)?)?"  # 3ページ
    r"|\d{1,4}\s*(?:of|/)\s*\d{1,4}\s*(?:ページ|頁)?",
    re.IGNORECASE,
)


_DIGITS_RE = re.compile(r"\d+")


_SPACES_RE = re.compile(r"\s+")


_EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be running headers or footers


_MASKED_HEADER_MAX_CHARS = 40  # longer lines must repeat exactly, digits included, to count as running


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line of the source: ``[start, end)`` without its terminator, and its stripped text."""

    start: int
    end: int
    text: str  # stripped
    raw_trailing_space: bool
    gap: int  # blank lines between the previous non-blank line and this one
    page_break: bool  # a page break lies between the previous non-blank line and this one
    width: int  # display width of the stripped text


def content_lines(text: str, lang: Lang, *, paginated: bool) -> list[Line]:
    """The non-blank lines of ``text`` with the blank lines and page breaks before each of them."""
    pages: list[list[tuple[int, int]]] = []
    page_start = 0
    for page_text in text.split(PAGE_SEPARATOR):
        spans: list[tuple[int, int]] = []
        pos = 0
        for match in _LINE_TERMINATOR_RE.finditer(page_text):
            spans.append((page_start + pos, page_start + match.start()))
            pos = match.end()
        spans.append((page_start + pos, page_start + len(page_text)))
        pages.append(spans)
        page_start += len(page_text) + len(PAGE_SEPARATOR)
    dropped = _running_headers_and_footers(text, pages) if paginated else set()

    lines: list[Line] = []
    gap = 0
    page_break = False
    for page_index, spans in enumerate(pages):
        if page_index:
            page_break = True
        for start, end in spans:
            raw = text[start:end]
            stripped = raw.strip()
            if (start, end) in dropped:
                continue
            if not stripped:
                gap += 1
                continue
            lines.append(
                Line(
                    start=start,
                    end=end,
                    text=stripped,
                    raw_trailing_space=raw != raw.rstrip(),
                    gap=gap,
                    page_break=page_break and bool(lines),
                    width=display_width(stripped, lang),
                )
            )
            gap = 0
            page_break = False
    return lines


def _running_headers_and_footers(text: str, pages: list[list[tuple[int, int]]]) -> set[tuple[int, int]]:
    """Spans of the lines that are running headers, footers or page numbers (see the module docstring).

    Only the lines at the edges of a page qualify, contiguously from the edge: scanning stops at the first
    line that is neither a page number nor repeated at the same position on enough pages.
    """
    page_lines = [[span for span in spans if text[span[0] : span[1]].strip()] for spans in pages]
    pages_with_key: Counter[tuple[str, int, str]] = Counter()
    for lines in page_lines:
        keys = {("top", i, header_key(text[s:e])) for i, (s, e) in enumerate(lines[:_EDGE_LINES])}
        keys |= {("bottom", i, header_key(text[s:e])) for i, (s, e) in enumerate(reversed(lines[-_EDGE_LINES:]))}
        pages_with_key.update(keys)
    needed = max(2, (len(pages) + 1) // 2)
    dropped: set[tuple[int, int]] = set()
    for lines in page_lines:
        for edge, ordered in (("top", lines[:_EDGE_LINES]), ("bottom", list(reversed(lines[-_EDGE_LINES:])))):
            for position, (start, end) in enumerate(ordered):
                line = text[start:end]
                running = len(pages) >= 2 and pages_with_key[(edge, position, header_key(line))] >= needed
                if not (running or is_bare_page_number(line)):
                    break
                dropped.add((start, end))
    return dropped


def header_key(line: str) -> str:
    """A line as compared across pages: white space folded; digits ignored in short lines ("Page 3")."""
    folded = _SPACES_RE.sub(" ", unicodedata.normalize("NFKC", line)).strip()
    return _DIGITS_RE.sub("#", folded) if len(folded) <= _MASKED_HEADER_MAX_CHARS else folded


def is_bare_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER_RE.fullmatch(_SPACES_RE.sub(" ", unicodedata.normalize("NFKC", line)).strip()))
