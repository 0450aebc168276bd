"""Real PDFs for the layout tests, typeset with reportlab's platypus (justified paragraphs, frames, CID fonts).

Every builder returns the bytes of a PDF made with ``invariant=1`` (the same bytes on every run), typeset the
way document tools do it: proportional fonts, justified text, Japanese line breaking (``wordWrap="CJK"``),
running headers and footers drawn on every page, columns as frames.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table

JA_FONT = "HeiseiMin-W3"
JA_BOLD = "HeiseiKakuGo-W5"


def register_fonts() -> None:
    for name in (JA_FONT, JA_BOLD):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def body_style(lang: str, size: float = 10.5) -> ParagraphStyle:
    register_fonts()
    if lang == "ja":
        return ParagraphStyle(
            "ja-body", fontName=JA_FONT, fontSize=size, leading=size * 1.6, alignment=TA_JUSTIFY, wordWrap="CJK"
        )
    return ParagraphStyle("en-body", fontName="Times-Roman", fontSize=size, leading=size * 1.3, alignment=TA_JUSTIFY)


def heading_style(lang: str) -> ParagraphStyle:
    register_fonts()
    font = JA_BOLD if lang == "ja" else "Helvetica-Bold"
    return ParagraphStyle(f"{lang}-heading", fontName=font, fontSize=15, leading=20, spaceAfter=6)


def footnote_style(lang: str) -> ParagraphStyle:
    register_fonts()
    return ParagraphStyle(
        f"{lang}-note", fontName=JA_FONT if lang == "ja" else "Times-Roman", fontSize=7.5, leading=9, wordWrap="CJK"
    )


PageDecorator = Callable[[Canvas, int], None]


def running_header_and_footer(header: str, font: str) -> PageDecorator:
    """A running header with the document title, and the page number centred at the bottom."""

    def decorate(canvas: Canvas, number: int) -> None:
        canvas.setFont(font, 8)
        canvas.drawString(20 * mm, A4[1] - 12 * mm, header)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"- {number} -")

    return decorate


def build_pdf(
    story: Sequence[Flowable],
    *,
    columns: int = 1,
    decorate: PageDecorator | None = None,
    footnotes: dict[int, list[str]] | None = None,
    footnote_lang: str = "en",
) -> bytes:
    """Typeset ``story`` on A4 pages in ``columns`` frames, each page decorated, with the footnotes of
    ``footnotes[page]`` drawn at the bottom of that page under a rule."""
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=A4, invariant=1, leftMargin=20 * mm, rightMargin=20 * mm)
    gutter = 8 * mm
    bottom = 40 * mm if footnotes else 20 * mm
    width = (A4[0] - 40 * mm - gutter * (columns - 1)) / columns
    frames = [
        Frame(20 * mm + i * (width + gutter), bottom, width, A4[1] - bottom - 25 * mm, id=f"c{i}")
        for i in range(columns)
    ]

    def on_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        number = canvas.getPageNumber()
        if decorate is not None:
            decorate(canvas, number)
        notes = (footnotes or {}).get(number, [])
        if notes:
            canvas.line(20 * mm, 36 * mm, 70 * mm, 36 * mm)
            y = 36 * mm
            for note in notes:
                paragraph = Paragraph(note, footnote_style(footnote_lang))
                _, height = paragraph.wrap(A4[0] - 40 * mm, 30 * mm)
                y -= height + 2
                paragraph.drawOn(canvas, 20 * mm, y)

    document.addPageTemplates([PageTemplate(id="page", frames=frames, onPage=on_page)])
    document.build(list(story))
    return buffer.getvalue()


def paragraphs(texts: Sequence[str], lang: str, heading: str | None = None) -> list[Flowable]:
    story: list[Flowable] = []
    if heading:
        story.append(Paragraph(heading, heading_style(lang)))
    for text in texts:
        story += [Paragraph(text, body_style(lang)), Spacer(1, 6)]
    return story


def table(rows: Sequence[Sequence[str]], lang: str) -> Table:
    style = body_style(lang)
    return Table([[Paragraph(cell, style) for cell in row] for row in rows], colWidths=[60 * mm] * len(rows[0]))
