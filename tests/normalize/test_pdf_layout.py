"""PDF layout analysis on real typeset PDFs: columns, justified and proportional text, running headers,
footnotes, tables, headings, text-layer problems, and offsets back into the extracted text."""

from __future__ import annotations

import io
import unicodedata

import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Paragraph
from support.pdfs import (
    JA_FONT,
    body_style,
    build_pdf,
    heading_style,
    paragraphs,
    register_fonts,
    running_header_and_footer,
    table,
)

from taiyaku.errors import TaiyakuError
from taiyaku.model import BlockKind, Extraction
from taiyaku.normalize.pdf import pdf_blocks
from taiyaku.sources.pdf import extract_pdf
from taiyaku.textmap import MappedText

EN = [
    "The Ministry of Internal Affairs and Communications and the Department of State held the fifth meeting of "
    "the dialogue in Tokyo, where both sides reaffirmed their cooperation on the free flow of information across "
    "borders and on a multi-stakeholder approach to Internet governance.",
    "The participants discussed cloud computing, cybersecurity and personal data protection, and agreed to "
    "strengthen their cooperation in international organizations, including the forums of the OECD and APEC, on "
    "telecommunications infrastructure and capacity building in developing countries.",
    "Both sides welcomed the progress made by the private sector in the deployment of secure and reliable "
    "networks, and they decided to hold the next meeting of the dialogue in Washington in the coming year.",
]
JA = [
    "総務省と米国国務省は、二〇一四年三月十三日、東京において第五回日米インターネットエコノミー政策協力対話を開催した。"
    "本対話には、日米両国の政府関係者のほか、民間企業及び業界団体の代表が参加し、幅広い議題について意見交換を行った。",
    "両国は、インターネットが経済成長とイノベーションの原動力であることを確認し、情報の自由な流通を促進することの重要性を"
    "再確認した。また、両国は、マルチステークホルダー・アプローチに基づくインターネットガバナンスを支持することを確認した。",
    "両国は、クラウドコンピューティング、サイバーセキュリティ、プライバシー保護、オープンデータ等の分野における協力を一層強化"
    "することで一致した。さらに、ＡＰＥＣ及びＯＥＣＤ等の国際的な場における連携を継続することを確認した。",
]


def blocks_of(raw: bytes, lang: str) -> tuple[list[tuple[BlockKind, MappedText]], Extraction, str]:
    extracted = extract_pdf(raw, f"{lang}.pdf")
    blocks, extraction = pdf_blocks(extracted.text, extracted.layout, lang)  # type: ignore[arg-type]
    return blocks, extraction, extracted.text


def texts(blocks: list[tuple[BlockKind, MappedText]]) -> list[str]:
    return [mapped.text for _, mapped in blocks]


def squeezed(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("columns", [1, 2], ids=["one-column", "two-columns"])
def test_justified_english_paragraphs_come_back_whole_in_column_order(columns: int) -> None:
    story = paragraphs(EN * 8, "en", heading="Joint Press Statement")
    raw = build_pdf(story, columns=columns, decorate=running_header_and_footer("U.S.-Japan Dialogue", "Helvetica"))
    blocks, extraction, _ = blocks_of(raw, "en")
    assert extraction.pages >= 2
    assert texts(blocks) == ["Joint Press Statement", *(EN * 8)]
    assert blocks[0][0] == BlockKind.HEADING
    assert extraction.furniture_dropped == 2 * extraction.pages  # the running header and the page number
    assert extraction.lines_rejoined > 20


def test_justified_japanese_with_cjk_line_breaking_joins_without_spaces() -> None:
    story = paragraphs(JA * 5, "ja", heading="共同記者発表")
    raw = build_pdf(story, decorate=running_header_and_footer("日米インターネットエコノミー政策協力対話", JA_FONT))
    blocks, extraction, _ = blocks_of(raw, "ja")
    assert extraction.pages >= 2
    # A paragraph cut by the page break runs on: every paragraph comes back whole.
    assert texts(blocks) == ["共同記者発表", *(JA * 5)]


def test_every_block_character_points_into_the_extracted_text() -> None:
    raw = build_pdf(paragraphs(EN * 3, "en"), columns=2)
    blocks, _, source = blocks_of(raw, "en")
    for _, mapped in blocks:
        for index, char in enumerate(mapped.text):
            start, end = mapped.source_span(index, index + 1)
            if char != " ":  # the space that joins two English lines stands for the line break
                assert source[start:end] == char


def test_footnotes_follow_the_page_body_and_never_cut_a_paragraph() -> None:
    # The first paragraph carries a reference mark (a small raised "1"): it belongs to no sentence.
    story = paragraphs([EN[0] + "<super>1</super>", *EN[1:], *(EN * 7)], "en")
    notes = {1: ["1 Held at the Ministry of Foreign Affairs, Tokyo."], 2: ["2 The list of participants is attached."]}
    raw = build_pdf(story, footnotes=notes)
    blocks, extraction, _ = blocks_of(raw, "en")
    found = texts(blocks)
    assert extraction.footnotes == 2
    body = [text for text in found if not text[0].isdigit()]
    assert body == EN * 8  # the paragraph running from page 1 to page 2 is whole
    first_note = found.index("1 Held at the Ministry of Foreign Affairs, Tokyo.")
    second_note = found.index("2 The list of participants is attached.")
    assert first_note < second_note
    # The note of page 1 comes after the paragraph that ends page 1's body.
    assert found[first_note - 1] in EN


def test_table_cells_stay_apart_from_each_other_and_from_the_prose() -> None:
    rows = [["Item", "2013", "2014"], ["Meetings held", "four", "five"], ["Working groups", "two", "three"]]
    story = [*paragraphs(EN[:1], "en"), table(rows, "en"), *paragraphs(EN[1:2], "en")]
    blocks, extraction, _ = blocks_of(build_pdf(story), "en")
    found = texts(blocks)
    assert found[0] == EN[0]
    assert found[-1] == EN[1]
    assert found[1:-1] == [cell for row in rows for cell in row]
    assert extraction.table_cells == 9


def test_headings_by_font_size_are_headings_even_with_a_full_stop() -> None:
    story = [Paragraph("1. Background.", heading_style("en")), *paragraphs(EN[:2], "en")]
    blocks, extraction, _ = blocks_of(build_pdf(story), "en")
    assert blocks[0] == (BlockKind.HEADING, blocks[0][1])
    assert blocks[0][1].text == "1. Background."
    assert extraction.headings == 1


def test_indented_first_lines_start_new_paragraphs() -> None:
    style = body_style("en")
    style.firstLineIndent = 18
    style.spaceAfter = 0
    # No vertical gap between the paragraphs: only the indentation tells where each one starts.
    story = [Paragraph(text, style) for text in EN * 2]
    blocks, _, _ = blocks_of(build_pdf(story), "en")
    assert texts(blocks) == EN * 2


def _garble(raw: bytes, page_index: int) -> bytes:
    """Remove the ToUnicode map of the fonts of one page: its glyphs keep their shapes but lose their text."""
    reader = pypdf.PdfReader(io.BytesIO(raw))
    writer = pypdf.PdfWriter(clone_from=reader)
    fonts = writer.pages[page_index]["/Resources"]["/Font"]  # type: ignore[index]
    for name in list(fonts):  # type: ignore[union-attr]
        font = fonts[name].get_object()  # type: ignore[index]
        if "/ToUnicode" in font:
            del font["/ToUnicode"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pages_with_vera_on(vera_pages: set[int], count: int = 3) -> bytes:
    """Pages of English in Helvetica, but those in ``vera_pages`` hold accented letters in an embedded
    TrueType font that codes them by subset position: without the font's ToUnicode map they have no text."""
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for number in range(count):
        for line, text in enumerate(EN):
            if number in vera_pages:
                canvas.setFont("Vera", 11)
                canvas.drawString(72, 700 - 40 * line, "àéîõüçñ ÀÉÎÕÜÇÑ ßæøå þðý " * 4)
            else:
                canvas.setFont("Helvetica", 11)
                canvas.drawString(72, 700 - 40 * line, text[:80])
        canvas.showPage()
    canvas.save()
    return _garble(buffer.getvalue(), min(vera_pages))


def test_a_page_with_garbled_glyphs_is_named_and_left_out() -> None:
    raw = _pages_with_vera_on({1})
    extracted = extract_pdf(raw, "garbled.pdf")
    assert [problem.describe() for problem in extracted.layout.problems] == [
        "page 2: glyphs without a Unicode mapping (a font without its ToUnicode map); the page's text left out"
    ]
    assert extracted.text.split("\f")[1] == ""


def test_a_mostly_garbled_pdf_is_refused() -> None:
    raw = _pages_with_vera_on({0, 1})
    with pytest.raises(TaiyakuError, match=r"most of the PDF is unreadable: pages 1, 2: glyphs without a Unicode"):
        extract_pdf(raw, "garbled.pdf")


def test_a_scanned_page_among_text_pages_is_named() -> None:
    from PIL import Image

    scan = Image.new("L", (300, 400), 255)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for number in range(3):
        if number == 1:
            canvas.drawImage(ImageReader(scan), 0, 0, width=A4[0], height=A4[1])
        else:
            canvas.setFont("Helvetica", 11)
            canvas.drawString(72, 700, EN[number][:80])
        canvas.showPage()
    canvas.save()
    extracted = extract_pdf(buffer.getvalue(), "mixed.pdf")
    assert [problem.describe() for problem in extracted.layout.problems] == [
        "page 2: an image without a text layer (a scanned page, or a picture); left out (OCR it if it holds text)"
    ]


def test_a_page_in_the_other_language_is_left_out_and_named() -> None:
    register_fonts()
    story = [*paragraphs(JA * 2, "ja"), PageBreak(), *paragraphs(EN * 2, "en"), PageBreak(), *paragraphs(JA, "ja")]
    blocks, extraction, _ = blocks_of(build_pdf(story), "ja")
    assert texts(blocks) == JA * 3
    assert [problem.describe() for problem in extraction.problems] == [
        "page 2: in English, not the document's language; left out"
    ]


def test_vertical_japanese_is_read_column_by_column() -> None:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    size = 12
    text = JA[0] + JA[1]
    per_column = 40
    columns = [text[i : i + per_column] for i in range(0, len(text), per_column)]
    for index, column in enumerate(columns):
        x = A4[0] - 72 - index * size * 1.8
        for row, char in enumerate(column):
            canvas.setFont(JA_FONT, size)
            canvas.drawString(x, A4[1] - 72 - (row + 1) * size, char)
    canvas.showPage()
    canvas.save()
    extracted = extract_pdf(buffer.getvalue(), "tategaki.pdf")
    assert [problem.describe() for problem in extracted.layout.problems] == [
        "page 1: vertical (tategaki) text; read column by column, right to left"
    ]
    blocks, _ = pdf_blocks(extracted.text, extracted.layout, "ja")
    assert squeezed("".join(texts(blocks))) == squeezed(text)
