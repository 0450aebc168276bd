"""PDF renditions of the gold sets: the same documents as typeset PDFs, to measure alignment from PDF input.

A gold document (``ja.txt``, ``en.txt``, ``gold.tsv``) is rendered into ``ja.pdf`` / ``en.pdf`` with
reportlab, as a publisher would typeset it: Japanese in a CID font (``HeiseiMin-W3`` body,
``HeiseiKakuGo-W5`` headings) with Japanese line-breaking rules (reportlab's ``wordWrap="CJK"``: no line
starts with closing punctuation or a small kana), English in Times-Roman with Helvetica-Bold headings,
hyphenated (pyphen, ``en_US``) at line ends; body text justified.  The gold stays the text gold: ``taiyaku
eval`` maps each sentence extracted from the PDF back to ``ja.txt`` / ``en.txt`` by its text
(:mod:`taiyaku.eval.located`).

Layouts (:data:`LAYOUTS`):

* ``a4-single``: A4, one justified column; running header with the document title over a rule, footer
  with the page number;
* ``letter-two-column``: US Letter, two justified columns, page number in the footer;
* ``a4-footnotes``: A4, one column; the first long paragraph and every third one after it carry a
  superscript footnote marker, and the footnote sits at the bottom of the page, in a smaller font under a
  short rule; page numbers.

Every rendition is deterministic: reportlab's ``invariant`` mode fixes the creation date and document id,
so the same text and layout give the same bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer

from taiyaku.errors import TaiyakuError
from taiyaku.eval.alignment import set_documents
from taiyaku.io import write_files_atomically
from taiyaku.model import Lang
from taiyaku.publish.corpus import read_bytes, read_utf8

JA_BODY_FONT = "HeiseiMin-W3"
JA_HEADING_FONT = "HeiseiKakuGo-W5"
EN_BODY_FONT = "Times-Roman"
EN_HEADING_FONT = "Helvetica-Bold"
SMALL_FONT = {"ja": JA_BODY_FONT, "en": "Helvetica"}

# Sentence-final punctuation: a line of the gold text without it at its end is a heading (the gold sets'
# README: "a heading or list item ends its line"); closing quotes and brackets may follow the terminal.
_SENTENCE_END = frozenset("。．！？.!?…")
_CLOSERS = frozenset("」』）)\"'”’】〕")
# A line longer than this is body text even without a terminal (a list item, a caption-like sentence).
_HEADING_MAX_CHARS = {"ja": 60, "en": 120}
# Footnotes: the first paragraph at least this long carries one, and every third such paragraph after it (so a
# news article, one long paragraph under its headline, has its footnote too).
_FOOTNOTE_EVERY = 3
_FOOTNOTE_MIN_CHARS = {"ja": 60, "en": 160}
_FOOTNOTES_PER_PAGE = 4
_FOOTNOTE_TEXT = {
    "ja": "{n}　本文の記述は、公開されている参考資料による。年代には諸説がある。",
    "en": "{n} The account follows the published reference material; dates vary between sources.",
}


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    page_size: tuple[float, float]
    margin: float
    columns: int
    header: bool  # the document title over a rule at the top of every page
    footnotes: bool


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("a4-single", A4, 20 * mm, 1, header=True, footnotes=False),
        Layout("letter-two-column", letter, 0.75 * 72, 2, header=False, footnotes=False),
        Layout("a4-footnotes", A4, 22 * mm, 1, header=False, footnotes=True),
    )
}

_COLUMN_GAP = 18.0
_HEADER_SPACE = 24.0  # between the header's rule and the body frame
_FOOTER_SPACE = 24.0  # between the body frame and the page number
_FOOTNOTE_LEADING = 10.0
_FOOTNOTE_AREA = _FOOTNOTES_PER_PAGE * _FOOTNOTE_LEADING + 10.0  # notes and the rule above them


def _register_fonts() -> None:
    for name in (JA_BODY_FONT, JA_HEADING_FONT):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def _styles(lang: Lang) -> dict[str, ParagraphStyle]:
    if lang == "ja":
        body = ParagraphStyle(
            "ja-body", fontName=JA_BODY_FONT, fontSize=10.5, leading=17, alignment=TA_JUSTIFY, wordWrap="CJK"
        )
        heading = ParagraphStyle(
            "ja-heading", fontName=JA_HEADING_FONT, fontSize=14, leading=21, wordWrap="CJK", spaceAfter=6
        )
    else:
        body = ParagraphStyle(
            "en-body",
            fontName=EN_BODY_FONT,
            fontSize=11,
            leading=14,
            alignment=TA_JUSTIFY,
            hyphenationLang="en_US",
            embeddedHyphenation=1,
            uriWasteReduce=0.3,
        )
        heading = ParagraphStyle(
            "en-heading", fontName=EN_HEADING_FONT, fontSize=14, leading=18, alignment=TA_LEFT, spaceAfter=6
        )
    body.spaceAfter = body.fontSize * 0.6
    body.firstLineIndent = body.fontSize if lang == "ja" else 0
    return {"body": body, "heading": heading}


def _encodable(char: str) -> bool:
    try:
        char.encode("cp1252")  # the encoding of reportlab's standard Type 1 fonts (WinAnsi)
    except UnicodeEncodeError:
        return False
    return True


def markup(text: str, lang: Lang) -> str:
    """``text`` as reportlab paragraph markup: escaped, and in English the characters Times-Roman lacks
    (full-width brackets, kana, kanji of a romanized name's original) set in the Japanese CID font, as a
    publisher's font fallback does."""
    if lang == "ja":
        return escape(text)
    out: list[str] = []
    run: list[str] = []
    for char in text:
        if _encodable(char):
            if run:
                out.append(f'<font name="{JA_BODY_FONT}">{escape("".join(run))}</font>')
                run = []
            out.append(escape(char))
        else:
            run.append(char)
    if run:
        out.append(f'<font name="{JA_BODY_FONT}">{escape("".join(run))}</font>')
    return "".join(out)


def is_heading(line: str, lang: Lang) -> bool:
    """A gold-text line is a heading when it is short and does not end a sentence."""
    stripped = line.rstrip()
    while stripped and stripped[-1] in _CLOSERS:
        stripped = stripped[:-1]
    return len(line) <= _HEADING_MAX_CHARS[lang] and not (stripped and stripped[-1] in _SENTENCE_END)


@dataclass
class _Footnotes:
    """The footnotes placed so far, by the page their marker landed on (filled while the PDF is built)."""

    lang: Lang
    by_page: dict[int, list[int]] = field(default_factory=dict)

    def place(self, number: int, page: int) -> None:
        # A page whose footnote area is full passes the note on to the next page, as typesetters do.
        while len(self.by_page.setdefault(page, [])) >= _FOOTNOTES_PER_PAGE:
            page += 1
        self.by_page[page].append(number)

    def draw(self, canvas: Canvas, left: float, bottom: float, width: float) -> None:
        notes = self.by_page.get(canvas.getPageNumber(), [])
        if not notes:
            return
        canvas.saveState()
        top = bottom + len(notes) * _FOOTNOTE_LEADING + 4
        canvas.setLineWidth(0.5)
        canvas.line(left, top, left + width / 3, top)
        canvas.setFont(SMALL_FONT[self.lang], 7.5)
        for k, number in enumerate(notes):
            canvas.drawString(left, top - 4 - (k + 1) * _FOOTNOTE_LEADING + 2.5, footnote_text(self.lang, number))
        canvas.restoreState()


def footnote_text(lang: Lang, number: int) -> str:
    """The text of footnote ``number`` (extra text that no gold unit holds)."""
    return _FOOTNOTE_TEXT[lang].format(n=number)


class _FootnoteAnchor(Flowable):
    """Zero-size mark after a paragraph with a footnote marker: records the page the marker landed on."""

    def __init__(self, footnotes: _Footnotes, number: int) -> None:
        super().__init__()
        self.footnotes = footnotes
        self.number = number
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.footnotes.place(self.number, self.canv.getPageNumber())


def _paragraphs(text: str, lang: Lang, layout: Layout, footnotes: _Footnotes) -> list[Flowable]:
    styles = _styles(lang)
    story: list[Flowable] = []
    long_paragraphs = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if is_heading(line, lang):
            story.append(Paragraph(markup(line, lang), styles["heading"]))
            continue
        text_markup = markup(line, lang)
        anchor: Flowable | None = None
        if layout.footnotes and len(line) >= _FOOTNOTE_MIN_CHARS[lang]:
            long_paragraphs += 1
            if long_paragraphs % _FOOTNOTE_EVERY == 1:
                number = long_paragraphs // _FOOTNOTE_EVERY + 1
                text_markup += f"<super>{number}</super>"
                anchor = _FootnoteAnchor(footnotes, number)
        story.append(Paragraph(text_markup, styles["body"]))
        if anchor is not None:
            story.append(anchor)
    if not story:
        story.append(Spacer(1, 1))
    return story


def _page_furniture(
    layout: Layout, lang: Lang, title: str, footnotes: _Footnotes, body_left: float, body_width: float
) -> tuple[Callable[[Canvas, Any], None], Callable[[Canvas, Any], None]]:
    """What is drawn on every page before its body (the running header) and after it (the footnotes, which
    are known only once the page's flowables are placed, and the page number), in that content order."""
    width, height = layout.page_size
    header_style = ParagraphStyle("header", fontName=SMALL_FONT[lang], fontSize=8.5, leading=10, wordWrap="CJK")

    def page_head(canvas: Canvas, doc: Any) -> None:
        if not layout.header:
            return
        canvas.saveState()
        top = height - layout.margin + 6
        # A long title is cut, as running heads are: the header is a label, not text to translate.
        limit = 40 if lang == "ja" else 80
        label = title if len(title) <= limit else title[: limit - 1] + "…"
        header = Paragraph(markup(label, lang), header_style)
        header.wrapOn(canvas, body_width, 20)
        header.drawOn(canvas, body_left, top)
        canvas.setLineWidth(0.5)
        canvas.line(body_left, top - 4, body_left + body_width, top - 4)
        canvas.restoreState()

    def page_foot(canvas: Canvas, doc: Any) -> None:
        if layout.footnotes:
            footnotes.draw(canvas, body_left, layout.margin, body_width)
        canvas.saveState()
        canvas.setFont(SMALL_FONT[lang], 9)
        canvas.drawCentredString(width / 2, layout.margin - _FOOTER_SPACE + 6, str(canvas.getPageNumber()))
        canvas.restoreState()

    return page_head, page_foot


def render_pdf(text: str, lang: Lang, layout_name: str, title: str | None = None) -> bytes:
    """One side of a gold document (the text of ``ja.txt`` or ``en.txt``) typeset as a PDF in a layout.

    ``title`` is the running header (default: the text's first line).  Raises :class:`TaiyakuError` for an
    unknown layout.
    """
    return _typeset(text, lang, layout_by_name(layout_name), title)[0]


def _typeset(text: str, lang: Lang, layout: Layout, title: str | None) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    _register_fonts()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = title if title is not None else (lines[0] if lines else "")
    width, height = layout.page_size
    body_left = layout.margin
    body_width = width - 2 * layout.margin
    body_bottom = layout.margin + (_FOOTNOTE_AREA if layout.footnotes else 0.0)
    body_top = height - layout.margin - (_HEADER_SPACE if layout.header else 0.0)
    column_width = (body_width - (layout.columns - 1) * _COLUMN_GAP) / layout.columns
    frames = [
        Frame(
            body_left + k * (column_width + _COLUMN_GAP),
            body_bottom,
            column_width,
            body_top - body_bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=f"column-{k}",
        )
        for k in range(layout.columns)
    ]
    footnotes = _Footnotes(lang)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=layout.page_size,
        invariant=1,
        title=title,
        author="taiyaku render-pdf",
        creator="taiyaku",
        lang=lang,
    )
    page_head, page_foot = _page_furniture(layout, lang, title, footnotes, body_left, body_width)
    doc.addPageTemplates([PageTemplate(id=layout.name, frames=frames, onPage=page_head, onPageEnd=page_foot)])
    doc.build(_paragraphs(text, lang, layout, footnotes))
    return buffer.getvalue(), int(doc.page)


def layout_by_name(name: str) -> Layout:
    layout = LAYOUTS.get(name)
    if layout is None:
        raise TaiyakuError(name, f"unknown layout (known: {', '.join(LAYOUTS)})")
    return layout


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    name: str
    ja_pages: int
    en_pages: int


def render_document(doc_dir: Path, out_dir: Path, layout_name: str) -> RenderedDocument:
    """Render one gold document folder into ``out_dir``: ``ja.pdf``, ``en.pdf`` and copies of ``ja.txt``,
    ``en.txt`` and ``gold.tsv`` (so the rendition can be scored), written atomically as a set."""
    layout = layout_by_name(layout_name)
    ja_pdf, ja_pages = _typeset(read_utf8(doc_dir / "ja.txt", "the Japanese text"), "ja", layout, None)
    en_pdf, en_pages = _typeset(read_utf8(doc_dir / "en.txt", "the English text"), "en", layout, None)
    files: dict[str, str | bytes] = {
        "ja.pdf": ja_pdf,
        "en.pdf": en_pdf,
        "ja.txt": read_bytes(doc_dir / "ja.txt", "the Japanese text"),
        "en.txt": read_bytes(doc_dir / "en.txt", "the English text"),
        "gold.tsv": read_bytes(doc_dir / "gold.tsv", "the gold alignment"),
    }
    write_files_atomically(out_dir, files)
    return RenderedDocument(doc_dir.name, ja_pages, en_pages)


RENDITION_FILE = "rendition.json"


def render_set(
    set_dir: Path, out_dir: Path, layout_name: str, documents: Sequence[str] | None = None, limit: int | None = None
) -> list[RenderedDocument]:
    """Render every document of a gold set (or the named ``documents``, or the first ``limit``) into
    ``out_dir/<doc>/`` in one layout, and record what was rendered in ``out_dir/rendition.json``.

    ``out_dir`` is the user's: it must not be the set itself or lie inside it (the gold is never touched).
    """
    layout_by_name(layout_name)
    docs = set_documents(set_dir)
    if documents is not None:
        by_name = {doc.name: doc for doc in docs}
        missing = [name for name in documents if name not in by_name]
        if missing:
            raise TaiyakuError(str(set_dir), f"no such document: {', '.join(missing)}")
        docs = [by_name[name] for name in documents]
    if limit is not None:
        docs = docs[:limit]
    source, target = set_dir.resolve(), out_dir.resolve()
    if target == source or source in target.parents:
        raise TaiyakuError(str(out_dir), f"is inside the set {set_dir}: render into a folder of your own")
    if out_dir.exists() and not out_dir.is_dir():
        raise TaiyakuError(str(out_dir), "is a file, not a folder")
    rendered = [render_document(doc, out_dir / doc.name, layout_name) for doc in docs]
    record = {
        "set": set_dir.name,
        "layout": layout_name,
        "documents": [{"name": r.name, "ja_pages": r.ja_pages, "en_pages": r.en_pages} for r in rendered],
    }
    write_files_atomically(out_dir, {RENDITION_FILE: json.dumps(record, indent=1, ensure_ascii=False) + "\n"})
    return rendered
