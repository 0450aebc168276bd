"""The text layer of a PDF with the geometry of every line, read with PDFium (pypdfium2).

What a PDF offers is glyphs at positions, not lines or paragraphs.  This module reads every glyph's
character, position, box and font size and rebuilds the *lines* of each page from the geometry: a glyph
starts a new line when its baseline moves by more than half a font size, when it goes back to the left,
or when a gap wider than two font sizes separates it from the previous glyph (the next cell of a table row,
the other column of a two-column page).  Paragraphs, columns, running headers and footnotes are the
business of :mod:`taiyaku.normalize.pdf`, which keeps the offset map.

The *decoded source* of a PDF, into which every offset downstream points, is therefore: the lines of each
page in the order the PDF's content stream draws them, one per text line (``"\\n"`` between lines),
pages separated by ``"\\f"`` (form feed).  A reviewer finds a sentence in the original by its page number
(the report shows it) and its text.  Pages whose text cannot be read (garbled glyphs) are empty there.

Why PDFium: it reads the CID-keyed Japanese fonts of real documents, gives every glyph's box and font size
through a C API, and does so fast: 22 pages with 80,000 characters in 0.26 s here, two orders of magnitude
faster than a pure-Python extractor (pdfminer.six, under pdfplumber) and more robust on damaged files.
pypdf's text extraction, used before, gives no geometry at all in its default mode.
"""

from __future__ import annotations

import ctypes
import itertools
import statistics
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from taiyaku.errors import TaiyakuError
from taiyaku.model import PAGE_SEPARATOR, DocumentLayout, LayoutLine, PageProblem

# Recorded as Provenance.encoding for PDFs: the offsets depend on the extractor and its version.
EXTRACTOR = f"pdf-glyph-lines (pdfium {pdfium.version.PDFIUM_INFO.build})"


# A page whose glyphs are this often without a Unicode mapping is garbled (a CID font without ToUnicode);
# the mapping is checked on the first glyphs of a page (and on every glyph that looks wrong).
_GARBLED_SHARE = 0.3
_MAPPING_SAMPLE = 300
# How PDFium reports a hyphen that ends a line: U+0002 per character, U+FFFE in a page's text.
_PDFIUM_HYPHENS = frozenset("\x02\ufffe")


# Line building, in font sizes: a baseline shift of more than this starts a new line...
_NEW_LINE_SHIFT = 0.6
# ...and so does a horizontal gap wider than this (table cells, columns) or a step back to the left.
_CELL_GAP = 2.0


_BOLD_WEIGHT = 600


# A footnote reference mark: one of these, set at most this fraction of the line's size and raised by at
# least this fraction of it.
_REFERENCE_MARKS = frozenset("0123456789*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰")
_MARK_SIZE = 0.85
_MARK_RAISE = 0.2


@dataclass(slots=True)
class _Glyph:
    char: str
    x0: float
    x1: float
    baseline: float
    size: float
    glyph: bool  # False for spaces and generated characters
    font: int = 0  # the address of the glyph's font object (to tell bold fonts), visible glyphs only


@dataclass(frozen=True, slots=True)
class ExtractedPdf:
    text: str
    layout: DocumentLayout


def extract_pdf(raw: bytes, where: str) -> ExtractedPdf:
    """The decoded text of the PDF in ``raw`` (see the module docstring) and the geometry of its lines.

    Raises :class:`TaiyakuError` for a file PDFium cannot read, a PDF protected by a password, a PDF
    without a text layer (a scanned document: OCR it first) or one whose text is mostly unreadable.
    """
    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise TaiyakuError(where, "the PDF is encrypted with a password; taiyaku cannot read its text") from None
        raise TaiyakuError(where, f"not a readable PDF: {_one_line(exc)}") from None
    try:
        return _extract(document, where)
    finally:
        document.close()


def _extract(document: pdfium.PdfDocument, where: str) -> ExtractedPdf:
    page_count = len(document)
    if not page_count:
        raise TaiyakuError(where, "the PDF has no pages")
    page_texts: list[str] = []
    lines: list[LayoutLine] = []
    sizes: list[tuple[float, float]] = []
    scanned: list[int] = []
    garbled: list[int] = []
    vertical: list[int] = []
    offset = 0
    for index in range(page_count):
        page = document[index]
        width, height = page.get_size()
        sizes.append((width, height))
        glyphs, (unmapped, checked), bold_fonts = _page_glyphs(page, height)
        visible = sum(1 for glyph in glyphs if glyph.glyph)
        if not visible:
            if _has_images(page):
                scanned.append(index + 1)
            page_texts.append("")
            offset += len(PAGE_SEPARATOR)
            page.close()
            continue
        if unmapped >= _GARBLED_SHARE * checked:
            garbled.append(index + 1)
            page_texts.append("")
            offset += len(PAGE_SEPARATOR)
            page.close()
            continue
        if _is_vertical(glyphs):
            vertical.append(index)
            glyphs = [_turned(glyph, width) for glyph in glyphs]
        page_lines: list[str] = []
        for line_glyphs in _split_lines(glyphs):
            line_glyphs = _without_reference_marks(line_glyphs)
            text = "".join(glyph.char for glyph in line_glyphs)
            shown = [glyph for glyph in line_glyphs if glyph.glyph]
            line = LayoutLine(
                start=offset,
                end=offset + len(text),
                page=index,
                x0=shown[0].x0,
                x1=max(glyph.x1 for glyph in shown),
                baseline=statistics.median(glyph.baseline for glyph in shown),
                size=statistics.median(glyph.size for glyph in shown),
                bold=bool(bold_fonts) and _is_bold(line_glyphs, bold_fonts),
                lead_width=_lead_width(line_glyphs),
            )
            lines.append(line)
            page_lines.append(text)
            offset += len(text) + 1
        page_texts.append("\n".join(page_lines))
        # The "\n" after the last line counted above is the page separator.
        page.close()
    problems = _problems(scanned, garbled, vertical)
    unreadable = len(scanned) + len(garbled)
    if not lines:
        if garbled:
            raise TaiyakuError(
                where,
                "the PDF's text cannot be read: its glyphs have no Unicode mapping (fonts without ToUnicode maps)",
            )
        pages = f"{page_count} page{'s' * (page_count != 1)}"
        if scanned:
            raise TaiyakuError(
                where,
                f"the PDF has no text layer ({pages} without extractable text): probably a scanned document;"
                " run OCR on it first",
            )
        raise TaiyakuError(where, f"the PDF shows no text on its {pages} (an empty or damaged file?)")
    if unreadable > page_count / 2:
        raise TaiyakuError(
            where, "most of the PDF is unreadable: " + "; ".join(problem.describe() for problem in problems)
        )
    layout = DocumentLayout(tuple(sizes), tuple(lines), problems)
    return ExtractedPdf(PAGE_SEPARATOR.join(page_texts), layout)


def _page_glyphs(page: pdfium.PdfPage, height: float) -> tuple[list[_Glyph], tuple[int, int], set[int]]:
    """Every character of the page's text layer in content order, how many of the visible glyphs checked
    had no Unicode mapping (and how many were checked), and the addresses of the bold fonts it uses.

    This loop runs for every character of every page: it makes as few calls into PDFium as it can (the
    page's text in one call, one box per character, the font once per text object, the generated and
    unmapped flags only where they can matter).
    """
    textpage = page.get_textpage()
    handle = textpage.raw
    count = pdfium_c.FPDFText_CountChars(handle)
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters beyond the BMP (surrogate pairs): one character at a time
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(handle, index) or 0xFFFD) for index in range(count))
    box = pdfium_c.FS_RECTF()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    glyphs: list[_Glyph] = []
    unmapped = checked = 0
    bold_fonts: set[int] = set()
    seen_fonts: set[int] = set()
    last_object, size, font_address = 0, 0.0, 0
    for index, char in enumerate(text):
        generated = char in " \r\n" and bool(pdfium_c.FPDFText_IsGenerated(handle, index))
        if generated and char != " ":
            continue  # PDFium's own line breaks: the geometry decides below
        suspicious = char in _PDFIUM_HYPHENS or char == "\ufffd" or _is_control(char)
        if suspicious or checked < _MAPPING_SAMPLE:
            unmapped_glyph = bool(pdfium_c.FPDFText_HasUnicodeMapError(handle, index))
            if char in _PDFIUM_HYPHENS and not unmapped_glyph:
                char = "-"  # PDFium's mark for a hyphen at the end of a line; it was drawn as a hyphen
            elif not char.isspace():
                checked += 1
                unmapped += unmapped_glyph or suspicious
        # The loose box spans the glyph's advance (what the typesetter measured); the origin gives the
        # baseline, the same for every font on a line.
        pdfium_c.FPDFText_GetLooseCharBox(handle, index, box)
        pdfium_c.FPDFText_GetCharOrigin(handle, index, origin_x, origin_y)
        # The glyphs of one text object share its font and matrix: read them once per object.
        text_object = pdfium_c.FPDFText_GetTextObject(handle, index)
        object_address = ctypes.cast(text_object, ctypes.c_void_p).value or 0
        if object_address and object_address != last_object:
            last_object = object_address
            size = _font_size(handle, index, matrix)
            font = pdfium_c.FPDFTextObj_GetFont(text_object)
            font_address = ctypes.cast(font, ctypes.c_void_p).value or 0
            if font_address not in seen_fonts:
                seen_fonts.add(font_address)
                if _font_is_bold(font):
                    bold_fonts.add(font_address)
        visible = not (generated or char.isspace())
        baseline = height - origin_y.value
        glyphs.append(_Glyph(char, box.left, box.right, baseline, size, visible, font_address if visible else 0))
    textpage.close()
    return glyphs, (unmapped, checked), bold_fonts


def _font_size(textpage: object, index: int, matrix: pdfium_c.FS_MATRIX) -> float:
    """The size a glyph is drawn at: the font size times the vertical scale of its text matrix (word
    processors set 1-point fonts and scale them with the matrix)."""
    size = float(pdfium_c.FPDFText_GetFontSize(textpage, index))
    if pdfium_c.FPDFText_GetMatrix(textpage, index, ctypes.byref(matrix)):
        scale = (matrix.c * matrix.c + matrix.d * matrix.d) ** 0.5
        if scale > 0:
            size *= scale
    return size


def _font_is_bold(font: object) -> bool:
    weight = pdfium_c.FPDFFont_GetWeight(font)
    if weight >= _BOLD_WEIGHT:
        return True
    length = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    if length <= 0:
        return False
    buffer = ctypes.create_string_buffer(length)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, length)
    name = buffer.value.decode("latin-1").lower()
    return any(mark in name for mark in ("bold", "black", "heavy", "-w6", "-w7", "-w8", "-w9", "semibold"))


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" and char not in "\t\r\n"


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))


def _is_vertical(glyphs: list[_Glyph]) -> bool:
    """Is most of the page's text set vertically (each glyph below the previous one, at the same x)?"""
    stacked = advancing = 0
    shown = [glyph for glyph in glyphs if glyph.glyph]
    for previous, glyph in itertools.pairwise(shown):
        down = glyph.baseline - previous.baseline
        if abs(glyph.x0 - previous.x0) < 0.3 * glyph.size and 0.5 * glyph.size < down < 1.6 * glyph.size:
            stacked += 1
        elif abs(down) < 0.3 * glyph.size and glyph.x0 > previous.x0:
            advancing += 1
    return stacked >= 10 and stacked > 2 * advancing


def _turned(glyph: _Glyph, page_width: float) -> _Glyph:
    """A glyph of vertical text in turned coordinates: along the column is x, across the columns (from the
    right edge of the page) is the baseline, so a column reads like a line."""
    top = glyph.baseline - glyph.size
    return _Glyph(glyph.char, top, glyph.baseline, page_width - glyph.x1, glyph.size, glyph.glyph, glyph.font)


def _split_lines(glyphs: list[_Glyph]) -> Iterator[list[_Glyph]]:
    """The page's glyphs cut into lines (see the module docstring); lines without a visible glyph dropped."""
    line: list[_Glyph] = []
    last: _Glyph | None = None  # the last visible glyph of the current line
    for glyph in glyphs:
        if glyph.char in "\r\n":  # a line break in the content itself
            if last is not None:
                yield _trimmed(line)
            line, last = [], None
            continue
        if glyph.glyph and last is not None:
            size = max(glyph.size, last.size, 1.0)
            if (
                abs(glyph.baseline - last.baseline) > _NEW_LINE_SHIFT * size
                or glyph.x0 < last.x0 - size
                or glyph.x0 - last.x1 > _CELL_GAP * size
            ):
                yield _trimmed(line)
                line, last = [], None
        if glyph.glyph:
            last = glyph
        if last is not None:
            line.append(glyph)
    if last is not None:
        yield _trimmed(line)


def _without_reference_marks(line: list[_Glyph]) -> list[_Glyph]:
    """The line without its footnote reference marks: small raised digits or daggers after a word ("old.¹")
    belong to no sentence, and glued to one they break it ("old.1 It was") for the aligner and the corpus."""
    shown = [glyph for glyph in line if glyph.glyph]
    if len(shown) < 4:
        return line
    size = statistics.median(glyph.size for glyph in shown)
    baseline = statistics.median(glyph.baseline for glyph in shown)
    kept = [
        glyph
        for glyph in line
        if not (
            glyph.glyph
            and glyph.char in _REFERENCE_MARKS
            and glyph.size <= _MARK_SIZE * size
            and baseline - glyph.baseline >= _MARK_RAISE * size
        )
    ]
    return kept


def _trimmed(line: list[_Glyph]) -> list[_Glyph]:
    end = len(line)
    while end and not line[end - 1].glyph:
        end -= 1
    return line[:end]


def _is_bold(line: list[_Glyph], bold_fonts: set[int]) -> bool:
    shown = [glyph for glyph in line if glyph.glyph]
    bold = sum(1 for glyph in shown if glyph.font in bold_fonts)
    return bold * 2 > len(shown)


def _lead_width(line: list[_Glyph]) -> float:
    """The width of the line's first word: up to the first space (real or one PDFium inferred from a gap),
    or one wide (CJK) character."""
    shown = [glyph for glyph in line if glyph.glyph]
    first = shown[0]
    if unicodedata.east_asian_width(first.char) in "WF":
        # A wide character takes a full em whatever its glyph's ink ("ま" inks 2/3 of it).
        return max(first.x1 - first.x0, first.size)
    end = first.x1
    for glyph in line[line.index(first) + 1 :]:
        if not glyph.glyph or unicodedata.east_asian_width(glyph.char) in "WF":
            break
        end = max(end, glyph.x1)
    return end - first.x0


def _problems(scanned: list[int], garbled: list[int], vertical: list[int]) -> tuple[PageProblem, ...]:
    problems: list[PageProblem] = []
    if scanned:
        problems.append(
            PageProblem(
                tuple(scanned),
                "an image without a text layer (a scanned page, or a picture)",
                "left out (OCR it if it holds text)",
            )
        )
    if garbled:
        problems.append(
            PageProblem(
                tuple(garbled),
                "glyphs without a Unicode mapping (a font without its ToUnicode map)",
                "the page's text left out",
            )
        )
    if vertical:
        problems.append(
            PageProblem(
                tuple(page + 1 for page in vertical),
                "vertical (tategaki) text",
                "read column by column, right to left",
            )
        )
    return tuple(problems)


def _one_line(exc: BaseException, limit: int = 200) -> str:
    """An exception's message as one short line."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message if len(message) <= limit else message[: limit - 1] + "…"
