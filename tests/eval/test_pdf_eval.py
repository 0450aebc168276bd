"""`taiyaku eval` on PDF renditions of the gold sets: sentences from the PDFs scored against the text gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.paths import shared_or_skip

from taiyaku.cli import main
from taiyaku.eval.alignment import format_report, report_dict, set_documents
from taiyaku.eval.located import locate_segments
from taiyaku.eval.renditions import LAYOUTS, render_set
from taiyaku.pipeline import align_sources, evaluate_set

pytestmark = pytest.mark.eval

DOCUMENTS = 3


@pytest.fixture(scope="module")
def kyoto_docs() -> list[str]:
    return [doc.name for doc in set_documents(shared_or_skip("eval", "kyoto-wiki"))][:DOCUMENTS]


@pytest.fixture(scope="module")
def renditions(tmp_path_factory: pytest.TempPathFactory, kyoto_docs: list[str]) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("renditions")
    kyoto = shared_or_skip("eval", "kyoto-wiki")
    return {layout: _rendered(kyoto, root / layout, layout, kyoto_docs) for layout in LAYOUTS}


def _rendered(set_dir: Path, out: Path, layout: str, docs: list[str]) -> Path:
    render_set(set_dir, out, layout, docs)
    return out


def test_text_sentences_are_located_exactly_at_their_own_spans(kyoto_docs: list[str]) -> None:
    """The locating scorer, given the text inputs' own sentences, finds exactly the spans the pipeline gave."""
    kyoto = shared_or_skip("eval", "kyoto-wiki")
    for name in kyoto_docs:
        aligned = align_sources(str(kyoto / name / "ja.txt"), str(kyoto / name / "en.txt"))
        for lang, segments in (("ja", aligned.ja), ("en", aligned.en)):
            located = locate_segments(segments, (kyoto / name / f"{lang}.txt").read_text(encoding="utf-8"))
            assert located.unlocated == 0
            assert [(s.start, s.end) for s in located.segments] == [(s.start, s.end) for s in segments]


def test_pdf_inputs_are_scored_and_their_unlocated_sentences_reported(renditions: dict[str, Path]) -> None:
    report = evaluate_set(renditions["a4-footnotes"])  # auto: the rendition's PDFs
    located = report.pdf_locations()
    assert len(located) == DOCUMENTS
    assert sum(p.ja_sentences for p in located) > 0 and sum(p.en_sentences for p in located) > 0
    # The footnotes are text the gold does not hold: located nowhere, and counted.
    assert sum(p.ja_unlocated for p in located) > 0 and sum(p.en_unlocated for p in located) > 0
    figures = report_dict(report)
    assert figures["pdf_inputs"] == {
        "documents": DOCUMENTS,
        "sentences": {"ja": sum(p.ja_sentences for p in located), "en": sum(p.en_sentences for p in located)},
        "unlocated_sentences": {
            "ja": sum(p.ja_unlocated for p in located),
            "en": sum(p.en_unlocated for p in located),
        },
    }
    assert "PDF inputs: 3 documents" in format_report(report)
    assert report.f1 > 0.8  # the PDF sentences were mapped to gold units, not scored as noise

    text = evaluate_set(renditions["a4-footnotes"], inputs="text")
    assert text.pdf_locations() == [] and "pdf_inputs" not in report_dict(text)
    assert "PDF inputs" not in format_report(text)


def test_pdf_link_f1_is_within_001_of_the_text_in_every_layout(renditions: dict[str, Path]) -> None:
    text_f1 = evaluate_set(renditions["a4-single"], inputs="text").f1
    pdf_f1 = {layout: evaluate_set(folder, inputs="pdf").f1 for layout, folder in renditions.items()}
    assert all(abs(f1 - text_f1) <= 0.01 for f1 in pdf_f1.values()), (text_f1, pdf_f1)


def test_render_pdf_and_eval_on_the_command_line(
    tmp_path: Path, kyoto_docs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    kyoto = shared_or_skip("eval", "kyoto-wiki")
    out, pred = tmp_path / "rendition", tmp_path / "pred"
    assert main(["render-pdf", str(kyoto), str(out), "--layout", "letter-two-column", "--limit", "1"]) == 0
    assert f"{out}: 1 documents of kyoto-wiki rendered as letter-two-column" in capsys.readouterr().out
    assert (out / kyoto_docs[0] / "ja.pdf").read_bytes().startswith(b"%PDF-")
    assert main(["eval", str(out), "--out", str(pred)]) == 0
    assert "PDF inputs: 1 documents" in capsys.readouterr().out
    assert json.loads((pred / "report.json").read_text(encoding="utf-8"))["pdf_inputs"]["documents"] == 1
    assert main(["render-pdf", str(kyoto), str(kyoto / "pdf"), "--layout", "a4-single"]) == 1
    assert "is inside the set" in capsys.readouterr().err
