"""Issue 9, item 15: two segmentation defects found by hostile input, kept as regression tests.

* Wrap repair split ``1900年（明`` / ``治33年）`` in a generated PDF: the line holding the bracket's start
  has eight half-width digits, so at a fixed character count it is short of the full width and the width
  tests took it for a paragraph's last line.
* The segmenter split ``久寿2年（1155年）父後白河天皇即位。`` after ``）``, taking the date of an annals
  sentence for the label of a chronology entry whose line break was lost.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from taiyaku.model import Block, BlockKind
from taiyaku.normalize import normalize
from taiyaku.segment import segment
from taiyaku.sources import pull
from taiyaku.textmap import MappedText

JA_FONT = "HeiseiMin-W3"  # reportlab's built-in Adobe-Japan1 CID font: a real CID-keyed text layer
CHARS_PER_LINE = 34

# The second paragraph is worded so that its first line ends exactly at "1900年（明".
MEIJI_PARAGRAPHS = [
    "西本願寺の書院は桃山時代に建てられ、飛雲閣とともに国宝に指定されている。境内には多くの文化財が"
    "残されており、毎年多くの参拝者が訪れる。",
    "書院は1895年から1897年の詳しい学術調査を経て、1900年（明治33年）に大規模な修理を受けた。"
    "その後も修理が続けられ、現在に至っている。",
    "また、周辺には古い町並みが今も残されている。京都市は、古くから日本の政治と文化の中心として栄えた都市である。",
]
MEIJI_SENTENCE = "書院は1895年から1897年の詳しい学術調査を経て、1900年(明治33年)に大規模な修理を受けた。"


def _wrapped_lines(paragraphs: list[str]) -> list[str]:
    """Each paragraph cut every CHARS_PER_LINE characters, as a fixed-grid layout does, a blank line after it."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += [paragraph[i : i + CHARS_PER_LINE] for i in range(0, len(paragraph), CHARS_PER_LINE)]
        lines.append("")
    return lines


@pytest.fixture(scope="module")
def meiji_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont(JA_FONT))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)  # invariant: the same bytes on every run
    pdf.setFont(JA_FONT, 11)
    y = 760.0
    for line in _wrapped_lines(MEIJI_PARAGRAPHS):
        pdf.drawString(72, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    path = tmp_path_factory.mktemp("pdf") / "meiji.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def test_the_generated_pdf_wraps_inside_the_bracket(meiji_pdf: Path) -> None:
    # The premise of the two tests below: the text layer really breaks the line inside （明治33年）.
    lines = pull(str(meiji_pdf)).text.splitlines()
    assert any(line.endswith("1900年（明") for line in lines), lines
    assert any(line.startswith("治33年）に") for line in lines), lines


def test_wrap_repair_rejoins_a_line_broken_inside_brackets(meiji_pdf: Path) -> None:
    texts = [block.text.text for block in normalize(pull(str(meiji_pdf)), "ja").blocks]
    assert not any(text.endswith("1900年(明") for text in texts), texts
    assert any("1900年(明治33年)に大規模な修理を受けた。" in text for text in texts), texts


def test_the_sentence_broken_across_the_bracket_segments_whole(meiji_pdf: Path) -> None:
    sentences = [s.text for s in segment(normalize(pull(str(meiji_pdf)), "ja").blocks, "ja")]
    assert MEIJI_SENTENCE in sentences, sentences


def _sentences(paragraph: str) -> list[str]:
    return [s.text for s in segment([Block("b0", BlockKind.PARAGRAPH, MappedText.identity(paragraph, 0))], "ja")]


# Kyoto Wikipedia corpus (CC BY-SA 3.0), EPR00256: annals, every sentence opening with its date.
ANNALS = (
    "久寿2年（1155年）父後白河天皇即位。同3年（1156年）4月19日に内親王宣下、斎宮卜定。同年9月野宮に入る。"
    "保元3年（1158年）後白河天皇譲位により斎宮退下。"
)


def test_an_annals_sentence_is_not_split_after_its_year() -> None:
    assert _sentences(ANNALS) == [
        "久寿2年（1155年）父後白河天皇即位。",
        "同3年（1156年）4月19日に内親王宣下、斎宮卜定。",
        "同年9月野宮に入る。",
        "保元3年（1158年）後白河天皇譲位により斎宮退下。",
    ]


def test_a_chronology_label_that_lost_its_line_break_is_still_split_off() -> None:
    # Kyoto Wikipedia corpus, HST00931: "明治4年（1871年）" was a list term; its English reads "In 1871 In
    # preparation ...".  The fix above must not glue such a label to its entry.
    entry = "明治4年（1871年）全国一律の戸籍を作るための準備として、政府は明治4年（1871年）に戸籍法を制定した。"
    assert _sentences(entry) == [
        "明治4年（1871年）",
        "全国一律の戸籍を作るための準備として、政府は明治4年（1871年）に戸籍法を制定した。",
    ]
