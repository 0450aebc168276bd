"""The report of a PDF pair shows what extraction did, lists the fragments first and links beads to pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reportlab.platypus import PageBreak, Paragraph, Spacer
from support.pdfs import body_style, build_pdf, paragraphs, running_header_and_footer

from taiyaku.model import REVIEW_THRESHOLD
from taiyaku.pipeline import PairJob, align_pair

EN = [
    "Both sides held the fifth meeting of the dialogue on the Internet economy in Tokyo.",
    "They reaffirmed their cooperation on the free flow of information across borders.",
    "They agreed to strengthen their cooperation in international organizations.",
]
JA = [
    "両国は、東京においてインターネットエコノミーに関する対話の第五回会合を開催した。",
    "両国は、国境を越える情報の自由な流通に関する協力を再確認した。",
    "両国は、国際機関における協力を強化することで一致した。",
]
# One sentence cut in two by a figure: the extraction cannot (and must not) glue prose across it.
EN_CUT = ("The participants discussed cloud computing, cybersecurity and the protection of", "personal data.")
JA_CUT = ("参加者は、クラウドコンピューティング、サイバーセキュリティ及び", "個人データの保護について議論した。")


def _pdf(path: Path, lang: str, sentences: list[str], cut: tuple[str, str]) -> None:
    style = body_style(lang)
    story = [
        *paragraphs(sentences[:2], lang),
        PageBreak(),
        Paragraph(cut[0], style),
        Spacer(1, 120),  # a figure
        Paragraph(cut[1], style),
        *paragraphs(sentences[2:], lang),
    ]
    font = "HeiseiMin-W3" if lang == "ja" else "Helvetica"
    path.write_bytes(build_pdf(story, decorate=running_header_and_footer("Joint statement <draft>", font)))


def test_pdf_pair_report_shows_extraction_fragments_first_and_page_links(tmp_path: Path) -> None:
    _pdf(tmp_path / "ja.pdf", "ja", JA, JA_CUT)
    _pdf(tmp_path / "en.pdf", "en", EN, EN_CUT)
    out = tmp_path / "out"
    published = align_pair(PairJob(str(tmp_path / "ja.pdf"), str(tmp_path / "en.pdf"), str(out)))

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for side in ("ja", "en"):
        extraction = report["extraction"][side]
        assert extraction["pages"] == 2
        assert extraction["furniture_dropped"] == 4  # the running header and the page number, twice
        assert extraction["problems"] == []
    beads = report["beads"]
    cut = [bead for bead in beads if "fragment" in bead["flags"]]
    assert cut, beads
    assert all(bead["score"] < REVIEW_THRESHOLD and bead["needs_review"] for bead in cut)
    assert [bead["en_pages"] for bead in beads if bead["en"] == EN[0]] == [[1]]
    assert [bead["ja_pages"] for bead in beads if bead["ja"] == JA[2]] == [[2]]
    assert report["summary"]["fragments"] == len(cut) == published.review.summary().fragments

    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.index("<h2>Extraction problems</h2>") < page.index("<h2>Summary</h2>")
    assert page.index(f'<a href="#{cut[0]["id"]}">') < page.index("<h2>Beads</h2>")
    assert '<a href="../en.pdf#page=2">p. 2</a>' in page
    assert "Joint statement &lt;draft&gt;" not in page  # the running header was dropped, not shown raw


def test_the_command_warns_of_pages_it_could_not_read_and_of_fragments(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image
    from reportlab.platypus import Image as Picture

    from taiyaku.cli import main

    _pdf(tmp_path / "ja.pdf", "ja", JA, JA_CUT)
    # The English edition opens with a cover page that is only a picture.
    cover = tmp_path / "cover.png"
    Image.new("L", (200, 280), 200).save(cover)
    style = body_style("en")
    story = [
        Picture(str(cover), width=400, height=560),
        PageBreak(),
        *paragraphs(EN[:2], "en"),
        PageBreak(),
        Paragraph(EN_CUT[0], style),
        Spacer(1, 120),
        Paragraph(EN_CUT[1], style),
        *paragraphs(EN[2:], "en"),
    ]
    (tmp_path / "en.pdf").write_bytes(build_pdf(story))
    out = tmp_path / "out"
    assert main(["align", "--ja", str(tmp_path / "ja.pdf"), "--en", str(tmp_path / "en.pdf"), "--out", str(out)]) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert (
        f"taiyaku: warning: {tmp_path / 'en.pdf'}: page 1: an image without a text layer (a scanned page, or a"
        " picture); left out (OCR it if it holds text)" in warnings
    )
    assert any(
        line.startswith(f"taiyaku: warning: {out}: ") and "start or end mid-sentence" in line for line in warnings
    )
