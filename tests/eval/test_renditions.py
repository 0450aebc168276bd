"""PDF renditions of gold documents (taiyaku render-pdf): deterministic, readable, the text in order, the layouts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest

from taiyaku.errors import TaiyakuError
from taiyaku.eval.located import text_key
from taiyaku.eval.renditions import LAYOUTS, footnote_text, is_heading, render_pdf, render_set

JA_TITLE = "新義真言宗"
JA_PARAGRAPHS = [
    "新義真言宗（しんぎしんごんしゅう）は、真言宗の一派で、覚鑁を派祖とする宗派である。"
    "根来寺を総本山とし、教学上は加持身説法を説くことで古義真言宗と区別される。" * 2,
    "覚鑁は高野山で大伝法院を開いたが、金剛峯寺の衆徒と対立し、保延6年（1140年）に根来へ移った。"
    "その後、頼瑜が大伝法院を根来に移し、新義の教学を大成した。" * 2,
    "歴史",
    "天正13年（1585年）、豊臣秀吉の根来攻めにより根来寺は焼失し、学僧たちは各地へ逃れた。"
    "玄宥は京都の智積院に入り、専誉は大和の長谷寺に入って、それぞれ智山派と豊山派の祖となった。" * 2,
]
EN_TITLE = "Shingi Shingon sect"
EN_PARAGRAPHS = [
    "The Shingi Shingon sect is a school of Shingon Buddhism founded by Kakuban, whose Grand Head Temple is "
    "Negoro-ji Temple; its doctrine of kajishin seppo distinguishes it from the Kogi Shingon sect. " * 2,
    "Kakuban opened the Daidenpo-in on Mt. Koya, but after conflicts with the monks of Kongobu-ji Temple he "
    "moved to Negoro in 1140, where his successor Raiyu later completed the doctrine of the new school. " * 2,
    "History",
    "In 1585 Hideyoshi TOYOTOMI attacked Negoro and the temple burned down; its scholar-monks fled, and "
    "Gen'yu entered Chishaku-in Temple in Kyoto while Sen'yo entered Hase-dera Temple in Yamato. " * 2,
]
# Enough paragraphs for several pages, so that headers, page numbers and footnotes repeat.
JA_TEXT = JA_TITLE + "\n\n" + "\n\n".join(JA_PARAGRAPHS * 4) + "\n"
EN_TEXT = EN_TITLE + "\n\n" + "\n\n".join(EN_PARAGRAPHS * 4) + "\n"
TEXTS = {"ja": JA_TEXT, "en": EN_TEXT}


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


BODY_MIN_SIZE = 10.0  # body 10.5 / 11 pt, headings 14; running header 8.5, folio and markers 9, footnotes 7.5


def _body_text(pdf: bytes) -> str:
    """The text set in body or heading size, page after page: no header, page number, marker or footnote."""
    pieces: list[str] = []

    def visitor(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if size * tm[0] >= BODY_MIN_SIZE:
            pieces.append(text)

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visitor)
    return "".join(pieces)


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], bytes]:
    return {(layout, lang): render_pdf(TEXTS[lang], lang, layout) for layout in LAYOUTS for lang in ("ja", "en")}  # type: ignore[arg-type]


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_rendition_is_deterministic(layout: str, lang: str, rendered: dict[tuple[str, str], bytes]) -> None:
    assert render_pdf(TEXTS[lang], lang, layout) == rendered[layout, lang]  # type: ignore[arg-type]


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_rendition_holds_the_document_text_in_order(
    layout: str, lang: str, rendered: dict[tuple[str, str], bytes]
) -> None:
    assert len(_pages(rendered[layout, lang])) >= 2
    extracted = text_key(_body_text(rendered[layout, lang])).text
    position = 0
    for line in TEXTS[lang].splitlines():
        if not line.strip():
            continue
        # Every 40-character stretch of every paragraph, in order: lines are wrapped, words hyphenated,
        # full-width brackets set in the fallback font, but no text is lost or moved.
        key = text_key(line).text
        for start in range(0, len(key), 40):
            found = extracted.find(key[start : start + 40], position)
            assert found >= 0, (layout, lang, key[start : start + 40])
            position = found


def test_english_is_justified_and_hyphenated_and_japanese_breaks_lines_by_its_rules(
    rendered: dict[tuple[str, str], bytes],
) -> None:
    english_lines = [line for page in _pages(rendered["letter-two-column", "en"]) for line in page.splitlines()]
    broken = [line for line in english_lines if line.endswith("-") and line[-2].isalpha()]
    assert len(broken) >= 3  # words broken at a line end (pyphen's en_US patterns), in the narrow columns
    japanese_lines = [line for page in _pages(rendered["a4-single", "ja"]) for line in page.splitlines()]
    assert len(japanese_lines) > 20
    # Japanese line-breaking rules: no line starts with closing or pausing punctuation or a small kana.
    assert not [line for line in japanese_lines if line.lstrip()[:1] in set("、。）」ゃゅょっー")]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a4_single_has_a_running_header_and_page_numbers(lang: str, rendered: dict[tuple[str, str], bytes]) -> None:
    title = JA_TITLE if lang == "ja" else EN_TITLE
    pages = _pages(rendered["a4-single", lang])
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines()]
        assert title in lines, number
        assert str(number) in lines, number


def test_headings_are_set_larger_and_bold(rendered: dict[tuple[str, str], bytes]) -> None:
    sizes: dict[str, float] = {}

    def visitor(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if text.strip() in ("History", "歴史"):
            sizes[text.strip()] = size * tm[0]

    fonts = {}
    for lang in ("ja", "en"):
        reader = pypdf.PdfReader(io.BytesIO(rendered["a4-single", lang]))
        reader.pages[0].extract_text(visitor_text=visitor)
        fonts[lang] = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}  # type: ignore[index,union-attr]
    assert sizes == {"History": 14, "歴史": 14}  # body text is 11 / 10.5 pt
    assert "/Helvetica-Bold" in fonts["en"] and "/Times-Roman" in fonts["en"]
    assert any("HeiseiKakuGo-W5" in font for font in fonts["ja"]) and any(
        "HeiseiMin-W3" in font for font in fonts["ja"]
    )


def test_two_columns_read_column_by_column(rendered: dict[tuple[str, str], bytes]) -> None:
    positions: list[tuple[float, float]] = []

    def visitor(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip() and size >= BODY_MIN_SIZE:
            positions.append((cm[4] + tm[4], cm[5] + tm[5]))

    pypdf.PdfReader(io.BytesIO(rendered["letter-two-column", "en"])).pages[0].extract_text(visitor_text=visitor)
    # Body lines start at the left margin (54 pt) or at the second column (54 + column width + gap = 315 pt);
    # the first column is read down to its bottom before the second column starts at the top.
    assert {round(x) for x, _ in positions} == {54, 315}
    columns = [round(x) for x, _ in positions]
    switch = columns.index(315)
    assert set(columns[:switch]) == {54} and set(columns[switch:]) == {315}
    assert positions[switch][1] > positions[switch - 1][1]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_footnotes_sit_at_the_bottom_of_their_page_in_a_smaller_font(
    lang: str, rendered: dict[tuple[str, str], bytes]
) -> None:
    pages = _pages(rendered["a4-footnotes", lang])
    notes = [n for n in range(1, 20) if any(footnote_text(lang, n)[:20] in page for page in pages)]  # type: ignore[arg-type]
    assert len(notes) >= 3 and notes == list(range(1, len(notes) + 1))
    reader = pypdf.PdfReader(io.BytesIO(rendered["a4-footnotes", lang]))
    note_sizes: list[tuple[float, float]] = []

    def visitor(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if text.startswith(footnote_text(lang, 1)[:6]):  # type: ignore[arg-type]
            note_sizes.append((size, tm[5]))

    for page in reader.pages:
        page.extract_text(visitor_text=visitor)
    assert note_sizes and all(size == 7.5 and y < 110 for size, y in note_sizes)  # below the body, above the folio


def test_headings_are_short_lines_without_a_sentence_end() -> None:
    assert is_heading("歴史", "ja") and is_heading("History", "en")
    assert not is_heading("根来寺を総本山とする。", "ja")
    assert not is_heading("He said “yes.”", "en")
    assert not is_heading("a" * 200, "en")


def test_an_unknown_layout_is_refused() -> None:
    with pytest.raises(TaiyakuError, match="unknown layout"):
        render_pdf("text", "en", "a5-poster")


def _gold_set(root: Path) -> Path:
    doc = root / "set" / "doc1"
    doc.mkdir(parents=True)
    (doc / "ja.txt").write_text(JA_TEXT, encoding="utf-8")
    (doc / "en.txt").write_text(EN_TEXT, encoding="utf-8")
    (doc / "gold.tsv").write_text("ja_start\tja_end\ten_start\ten_end\n0\t5\t0\t19\n", encoding="utf-8")
    return root / "set"


def test_render_set_writes_a_scorable_copy_and_never_into_the_set(tmp_path: Path) -> None:
    set_dir = _gold_set(tmp_path)
    out = tmp_path / "rendition"
    rendered = render_set(set_dir, out, "a4-footnotes")
    assert [r.name for r in rendered] == ["doc1"]
    assert sorted(p.name for p in (out / "doc1").iterdir()) == ["en.pdf", "en.txt", "gold.tsv", "ja.pdf", "ja.txt"]
    for name in ("ja.txt", "en.txt", "gold.tsv"):
        assert (out / "doc1" / name).read_bytes() == (set_dir / "doc1" / name).read_bytes()
    record = json.loads((out / "rendition.json").read_text(encoding="utf-8"))
    assert record["layout"] == "a4-footnotes" and record["documents"][0]["ja_pages"] == rendered[0].ja_pages >= 2
    first = (out / "doc1" / "ja.pdf").read_bytes()
    render_set(set_dir, out, "a4-footnotes")
    assert (out / "doc1" / "ja.pdf").read_bytes() == first
    for inside in (set_dir, set_dir / "doc1" / "pdf"):
        with pytest.raises(TaiyakuError, match="inside the set"):
            render_set(set_dir, inside, "a4-single")
    assert sorted(p.name for p in (set_dir / "doc1").iterdir()) == ["en.txt", "gold.tsv", "ja.txt"]
    with pytest.raises(TaiyakuError, match="no such document: doc9"):
        render_set(set_dir, out, "a4-single", documents=["doc9"])


def test_the_command_offers_exactly_the_layouts_there_are() -> None:
    from taiyaku.cli import build_parser

    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    layout = next(a for a in commands["render-pdf"]._actions if a.dest == "layout")  # type: ignore[index]
    assert list(layout.choices) == list(LAYOUTS)
