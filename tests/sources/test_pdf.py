"""PDF sources: real PDFs generated with reportlab, read by pull, repaired by normalize.

The Japanese PDF uses reportlab's built-in CID font HeiseiMin-W3 (Adobe-Japan1, no font file needed), so
the text layer is real CID-keyed Japanese as ministries publish it.  Lines are wrapped at a fixed width
mid-sentence and mid-word, every page has a running header and a page number.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from taiyaku.errors import TaiyakuError
from taiyaku.model import Block
from taiyaku.normalize import normalize
from taiyaku.sources import pull
from taiyaku.sources.pdf import EXTRACTOR, extract_pdf

JA_FONT = "HeiseiMin-W3"
JA_HEADER = "日米インターネットエコノミー政策協力対話　共同プレス声明（仮訳）"
JA_PARAGRAPHS = [
    "総務省と米国国務省は、２０１４年３月１３日、東京において第５回日米インターネットエコノミー政策協力対話を開催"
    "した。本対話には、日米両国の政府関係者のほか、民間企業及び業界団体の代表が参加した。",
    "両国は、インターネットが経済成長とイノベーションの原動力であることを確認し、情報の自由な流通を促進す"
    "ることの重要性を再確認した。また、両国は、マルチステークホルダー・アプローチに基づくインターネットガバナ"
    "ンスを支持することを確認した。",
    "両国は、クラウドコンピューティング、サイバーセキュリティ、プライバシー保護、オープンデータ等の分野にお"
    "ける協力を一層強化することで一致した。さらに、ＡＰＥＣ及びＯＥＣＤ等の国際的な場における連携を継続す"
    "ることを確認した。",
    "両国は、開発途上国におけるＩＣＴ分野の能力構築を支援するため、ＩＴＵ－Ｄ等を通じた協力を推進すること"
    "で一致した。次回の対話は、２０１５年に米国で開催する予定である。",
]
JA_CHARS_PER_LINE = 34
JA_LINES_PER_PAGE = 6

EN_HEADER = "U.S.-Japan Policy Cooperation Dialogue on the Internet Economy"
EN_PARAGRAPHS = [
    "The Ministry of Internal Affairs and Communications and the Department of State held the fifth "
    "Director-General-level meeting of the dialogue in Tokyo. Both sides reaffirmed their cooperation "
    "on the free flow of information and on a multi-stakeholder approach to Internet governance.",
    "The participants discussed cloud computing, cybersecurity and personal data protection, and agreed "
    "to strengthen their cooperation in international organizations, including the multi-stakeholder "
    "forums of the OECD and APEC, on telecommunications infrastructure and capacity building.",
]
# Where a typesetter may break these words at a line end.
EN_HYPHENATION = {
    "cooperation": ("coop", "eration"),
    "information": ("infor", "mation"),
    "governance": ("gover", "nance"),
    "international": ("inter", "national"),
    "organizations": ("organi", "zations"),
    "telecommunications": ("telecommuni", "cations"),
    "infrastructure": ("infra", "structure"),
    "multi-stakeholder": ("multi", "stakeholder"),
    "cybersecurity": ("cyber", "security"),
    "protection": ("protec", "tion"),
}
EN_FONT, EN_SIZE, EN_WIDTH = "Helvetica", 11, 250.0
EN_LINES_PER_PAGE = 7


def japanese_lines() -> list[str]:
    """Each paragraph cut every JA_CHARS_PER_LINE characters, as a fixed-width layout does."""
    lines: list[str] = []
    for paragraph in JA_PARAGRAPHS:
        lines += [paragraph[i : i + JA_CHARS_PER_LINE] for i in range(0, len(paragraph), JA_CHARS_PER_LINE)]
        lines.append("")  # paragraph spacing
    return lines


def english_lines() -> list[str]:
    """Greedy line breaking at EN_WIDTH points, hyphenating the listed words at a line end when they don't fit."""
    lines: list[str] = []
    for paragraph in EN_PARAGRAPHS:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if pdfmetrics.stringWidth(candidate, EN_FONT, EN_SIZE) <= EN_WIDTH:
                line = candidate
                continue
            bare = word.rstrip(".,")
            if bare in EN_HYPHENATION:
                head, tail = EN_HYPHENATION[bare]
                with_head = f"{line} {head}-".strip()
                if pdfmetrics.stringWidth(with_head, EN_FONT, EN_SIZE) <= EN_WIDTH:
                    lines.append(with_head)
                    line = tail + word[len(bare) :]
                    continue
            lines.append(line)
            line = word
        lines += [line, ""]
    return lines


def render_pdf(lines: list[str], header: str, font: str, size: float, lines_per_page: int) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)  # invariant: byte-identical on every run
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    for number, page in enumerate(pages, start=1):
        pdf.setFont(font, 9)
        pdf.drawString(72, 800, header)
        pdf.setFont(font, size)
        y = 760.0
        for line in page:
            pdf.drawString(72, y, line)
            y -= size * 1.6
        pdf.setFont(font, 9)
        pdf.drawCentredString(A4[0] / 2, 40, f"- {number} -")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def japanese_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont(JA_FONT))
    path = tmp_path_factory.mktemp("pdf") / "ja.pdf"
    path.write_bytes(render_pdf(japanese_lines(), JA_HEADER, JA_FONT, 11, JA_LINES_PER_PAGE))
    return path


@pytest.fixture(scope="module")
def english_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = english_lines()
    path = tmp_path_factory.mktemp("pdf") / "en.pdf"
    path.write_bytes(render_pdf(lines, EN_HEADER, EN_FONT, EN_SIZE, EN_LINES_PER_PAGE))
    return path


def block_texts(blocks: list[Block]) -> list[str]:
    return [block.text.text for block in blocks]


# ------------------------------------------------------------------------------------- extraction


def test_japanese_text_layer_page_by_page(japanese_pdf: Path) -> None:
    document = pull(str(japanese_pdf))
    provenance = document.provenance
    assert provenance.media_type == "application/pdf"
    assert provenance.encoding == EXTRACTOR
    pages = document.text.split("\f")
    expected_pages = -(-len(japanese_lines()) // JA_LINES_PER_PAGE)
    assert len(pages) == expected_pages >= 3
    for number, page in enumerate(pages, start=1):
        page_lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert page_lines[0] == JA_HEADER
        assert page_lines[-1] == f"- {number} -"
    # The wrapped lines come out in reading order, exactly as drawn.
    body = [line for line in document.text.replace("\f", "\n").splitlines() if line.strip()]
    drawn = [line for line in japanese_lines() if line]
    assert [line for line in body if line != JA_HEADER and not line.startswith("- ")] == drawn


def test_english_text_layer_keeps_the_hyphens(english_pdf: Path) -> None:
    document = pull(str(english_pdf))
    drawn = [line for line in english_lines() if line]
    assert sum(line.endswith("-") for line in drawn) >= 3
    body = [line for line in document.text.replace("\f", "\n").splitlines() if line.strip()]
    assert [line for line in body if line != EN_HEADER and not line.startswith("- ")] == drawn
    assert document.text.count("\f") == -(-len(english_lines()) // EN_LINES_PER_PAGE) - 1


def test_a_pdf_without_a_text_layer_is_probably_scanned(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    # A "scan": a page image with dark strokes where the text lines were, and no text layer.
    scan = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(scan)
    for y in range(100, 700, 30):
        draw.rectangle((60, y, 540, y + 12), fill=30)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    for _ in range(2):
        pdf.drawImage(ImageReader(scan), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    path = tmp_path / "scan.pdf"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(TaiyakuError) as caught:
        pull(str(path))
    assert caught.value.where == str(path)
    assert caught.value.problem == (
        "the PDF has no text layer (2 pages without extractable text): probably a scanned document; run OCR on it first"
    )


def test_an_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    import pypdf

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Confidential")
    pdf.save()
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(TaiyakuError, match="encrypted with a password"):
        extract_pdf(locked.getvalue(), "locked.pdf")


def test_a_truncated_pdf_is_not_readable(japanese_pdf: Path) -> None:
    raw = japanese_pdf.read_bytes()
    with pytest.raises(TaiyakuError, match="not a readable PDF"):
        extract_pdf(raw[:200], "cut.pdf")


# ------------------------------------------------------------------------- end to end with normalize


def test_japanese_pdf_normalized_headers_gone_lines_rejoined(japanese_pdf: Path) -> None:
    document = pull(str(japanese_pdf))
    blocks = normalize(document, "ja").blocks
    texts = block_texts(blocks)
    everything = "\n".join(texts)
    assert "共同プレス声明" not in everything
    assert not any(text.strip("- 0123456789") == "" for text in texts), texts
    # Every paragraph comes back whole (NFKC applied), lines joined without spaces.
    for paragraph in JA_PARAGRAPHS:
        assert unicodedata.normalize("NFKC", paragraph) in texts, paragraph[:20]
    # And every character still points into the extracted text layer.
    for block in blocks:
        start, end = block.text.source_span()
        assert (
            document.text[start] == block.text.text[0]
            or unicodedata.normalize("NFKC", document.text[start]) == block.text.text[0]
        )
        assert 0 <= start < end <= len(document.text)


def test_english_pdf_normalized_dehyphenated(english_pdf: Path) -> None:
    document = pull(str(english_pdf))
    broken = [line for line in document.text.splitlines() if line.endswith("-")]
    assert broken, "the test PDF must contain words hyphenated at line ends"
    texts = block_texts(normalize(document, "en").blocks)
    assert EN_HEADER not in "\n".join(texts)
    assert texts == EN_PARAGRAPHS


def test_a_damaged_pdf_is_a_clear_error_not_a_traceback() -> None:
    # A garbled filter name: pypdf raised NotImplementedError (a traceback); PDFium reads no text at all.
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    pdf.drawString(72, 720, "Joint statement.")
    pdf.save()
    raw = buffer.getvalue()
    assert b"/FlateDecode" in raw
    with pytest.raises(TaiyakuError) as caught:
        extract_pdf(raw.replace(b"/FlateDecode", b"/FlateDecodX"), "damaged.pdf")
    assert str(caught.value) == "damaged.pdf: the PDF shows no text on its 1 page (an empty or damaged file?)"


def test_a_pdf_encrypted_without_a_user_password_is_read() -> None:
    # Ministries often "protect" PDFs with an owner password only: anyone may open them, and so may taiyaku.
    import pypdf

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    pdf.drawString(72, 720, "Joint statement.")
    pdf.save()
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    locked = io.BytesIO()
    writer.write(locked)
    assert extract_pdf(locked.getvalue(), "owner-only.pdf").text.strip() == "Joint statement."
