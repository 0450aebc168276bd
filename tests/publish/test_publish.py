"""Publish stage: corpus formats, reading them back, atomic and non-shrinking publication."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from taiyaku.errors import TaiyakuError
from taiyaku.io import write_files_atomically as publish_files
from taiyaku.model import Bead, BeadFlag, BeadRecord, CheckId, Correction, Finding, Provenance, Segment, Severity
from taiyaku.publish.corpus import read_corpus, render_jsonl, render_tmx, render_tsv
from taiyaku.publish.guard import check_not_shrinking
from taiyaku.publish.records import bead_records
from taiyaku.publish.report import Review, render_report_html, render_report_json

JA = [
    Segment(0, "ja", "共同記者発表", 0, 7, "b0", "heading"),
    Segment(1, "ja", "会合を開催した。", 10, 20, "b1", "paragraph"),
    Segment(2, "ja", "<script>&「ICT」</script>。", 20, 45, "b1", "paragraph"),
    Segment(3, "ja", "原文のみの文。", 45, 52, "b1", "paragraph"),
]
EN = [
    Segment(0, "en", "Joint Press Statement", 0, 21, "b0", "heading"),
    Segment(1, "en", "The meeting was held.", 30, 51, "b1", "paragraph"),
    Segment(2, "en", "It was held in Tokyo.", 52, 73, "b1", "paragraph"),
    Segment(3, "en", 'Tags <b> & "ICT"\tstay text.', 74, 100, "b1", "paragraph"),
]
BEADS = [
    Bead(0, (0,), (0,), 0.99),
    Bead(1, (1,), (1, 2), 0.876543),
    Bead(2, (2,), (3,), 0.4, ("low",)),
    Bead(3, (3,), (), 0.7),
]


def records() -> list[BeadRecord]:
    return bead_records(BEADS, JA, EN)


def test_records_join_sides_and_keep_spans() -> None:
    recs = records()
    assert recs[1].en == "The meeting was held. It was held in Tokyo."
    assert recs[1].en_spans == ((30, 51), (52, 73))
    assert recs[1].type == "1-2"
    assert recs[1].score == 0.8765
    assert recs[3].type == "1-0" and recs[3].en == "" and not recs[3].bilingual


def test_jsonl_has_every_bead_with_documented_fields() -> None:
    lines = render_jsonl(records()).splitlines()
    assert len(lines) == 4
    first = json.loads(lines[0])
    assert list(first) == ["id", "ja", "en", "ja_spans", "en_spans", "type", "score", "flags"]
    assert first["ja_spans"] == [[0, 7]]
    # needs-review comes first when the bead needs a reviewer (score 0.4); other flags are kept as given.
    assert json.loads(lines[2])["flags"] == ["needs-review", "low"]
    assert json.loads(lines[0])["flags"] == []


def test_needs_review_is_one_rule_for_flag_and_report() -> None:
    # Low confidence, or an error finding on a confident bead; never a bead a reviewer confirmed.
    error = Finding("b0", CheckId.NUMBER_MISMATCH, Severity.ERROR, "5", "5", "", "5 missing")
    warning = Finding("b0", CheckId.TERM_MISSING, Severity.WARNING, "x", "x", "", "x missing")
    confirmed = [*BEADS[:2], Bead(2, (2,), (3,), 0.4, (BeadFlag.REVIEWED,)), BEADS[3]]
    assert [r.needs_review for r in bead_records(BEADS, JA, EN, [warning])] == [False, True, True, True]
    assert [r.needs_review for r in bead_records(BEADS, JA, EN, [error])] == [True, True, True, True]
    assert [r.needs_review for r in bead_records(confirmed, JA, EN)] == [False, True, False, True]


def test_tmx_is_valid_14b_with_one_tu_per_bilingual_bead() -> None:
    tmx = render_tmx(records())
    root = etree.fromstring(tmx.encode("utf-8"))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attribute in ("creationtool", "creationtoolversion", "o-tmf", "adminlang", "datatype"):
        assert header.get(attribute)
    assert header.get("segtype") == "sentence" and header.get("srclang") == "ja"
    tus = root.findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == ["b0", "b1", "b2"]
    langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tus[2].findall("tuv")]
    assert langs == ["ja", "en"]
    # Markup-like text is escaped, and survives the round trip unchanged.
    assert tus[2].find("tuv/seg").text == "<script>&「ICT」</script>。"


def test_tsv_one_line_per_bilingual_bead_without_tabs_inside_cells() -> None:
    lines = render_tsv(records()).splitlines()
    assert len(lines) == 3
    assert lines[2].split("\t") == ["<script>&「ICT」</script>。", 'Tags <b> & "ICT" stay text.', "0.4"]


@pytest.mark.parametrize("name", ["corpus.jsonl", "corpus.tmx"])
def test_read_corpus_round_trip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(render_jsonl(records()) if name.endswith("jsonl") else render_tmx(records()), encoding="utf-8")
    back = read_corpus(path)
    expected = records() if name.endswith("jsonl") else [r for r in records() if r.bilingual]
    assert [(r.id, r.ja, r.en, r.type, r.score, r.flags) for r in back] == [
        (r.id, r.ja, r.en, r.type, r.score, r.flags) for r in expected
    ]


def test_read_corpus_names_file_and_line_of_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(render_jsonl(records()) + "{not json\n", encoding="utf-8")
    with pytest.raises(TaiyakuError, match=r"corpus\.jsonl:5: not valid JSON"):
        read_corpus(path)


def test_publish_files_replaces_set_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "aligned" / "doc"
    publish_files(out, {"a.txt": "one", "b.txt": "two"})
    publish_files(out, {"a.txt": "uno", "b.txt": "dos"})
    assert (out / "a.txt").read_text() == "uno" and (out / "b.txt").read_text() == "dos"
    assert sorted(p.name for p in (tmp_path / "aligned").iterdir()) == ["doc"]
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]


def test_publish_files_failure_leaves_published_set_untouched(tmp_path: Path) -> None:
    out = tmp_path / "doc"
    publish_files(out, {"a.txt": "good", "b.txt": "good"})
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    class Exploding(str):
        def encode(self, *args: object, **kwargs: object) -> bytes:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        publish_files(out, {"a.txt": "new", "b.txt": Exploding("new")})
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["doc"]


def test_smaller_corpus_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "doc"
    publish_files(out, {"corpus.jsonl": render_jsonl(records())})
    with pytest.raises(TaiyakuError, match="refusing to overwrite with less"):
        check_not_shrinking(out, records()[:1])
    check_not_shrinking(out, records())  # the same corpus again is fine


def test_report_escapes_text_and_states_summary() -> None:
    provenance = Provenance("ja.txt", "0" * 64, 10, "text/plain", "utf-8")
    finding = Finding("b2", "term-missing", "error", "ICT", "ICT", "", "ICT <missing>")
    review = Review("t<1>", bead_records(BEADS, JA, EN, [finding]), [finding], provenance, provenance, 4, 4)
    page = render_report_html(review)
    assert "<script>" not in page and "&lt;script&gt;&amp;「ICT」" in page
    assert "ICT &lt;missing&gt;" in page
    data = json.loads(render_report_json(review))
    assert data["summary"]["bead_types"] == {"1-0": 1, "1-1": 2, "1-2": 1}
    assert data["summary"]["low_confidence"] == 3
    assert data["summary"]["needs_review"] == 3
    assert [bead["needs_review"] for bead in data["beads"]] == [False, True, True, True]
    assert data["beads"][2]["findings"][0]["check"] == "term-missing"
    assert data["sources"]["ja"]["sha256"] == "0" * 64
    assert render_report_json(review) == render_report_json(review)


HOSTILE = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


def test_report_html_escapes_hostile_text_everywhere_and_is_deterministic() -> None:
    # Documents are untrusted: markup in any text they contribute must come out as text, never as markup.
    attack = " ".join(HOSTILE)
    ja = [Segment(0, "ja", f"日本語{attack}", 0, 40, "b0", "paragraph")]
    en = [Segment(0, "en", f"English {attack}", 0, 40, "b0", "paragraph")]
    finding = Finding("b0", CheckId.TERM_MISSING, Severity.ERROR, attack, attack, attack, f"message {attack}")
    provenance = Provenance(
        f"https://example.org/{attack}", "0" * 64, 10, "text/html", "utf-8", headers={"etag": attack}
    )
    correction = Correction(f"訂正{attack}", attack, attack, attack)
    review = Review(
        f"title {attack}",
        bead_records([Bead(0, (0,), (0,), 0.5)], ja, en, [finding]),
        [finding],
        provenance,
        provenance,
        1,
        1,
        unmatched_corrections=[correction],
    )
    page = render_report_html(review)
    for hostile in HOSTILE:
        assert hostile not in page
    assert "<img" not in page and "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Every hostile string is shown as text where it belongs: title, both sides, the finding, provenance.
    tree = lxml_html.document_fromstring(page)
    assert not tree.xpath("//script | //img | //*[@onerror]")
    assert tree.findtext(".//title") == f"taiyaku review: title {attack}"
    assert tree.findtext(".//h1") == f"Alignment review: title {attack}"
    (row,) = tree.xpath("//table[@class='beads']/tbody/tr")
    assert row.get("id") == "b0" and row.get("class") == "low finding"
    ja_cell, en_cell = row.xpath("td[@class='ja']")[0], row.xpath("td[@class='en']")[0]
    assert ja_cell.get("lang") == "ja" and ja_cell.text == f"日本語{attack}"
    assert en_cell.text == f"English {attack}"
    assert en_cell.xpath("string(ul/li)") == f"term-missing: message {attack}"
    assert en_cell.xpath("ul/li/span/@class") == ["sev-error"]
    sources = {th.text_content(): th.getnext().text_content() for th in tree.xpath("//th") if th.getnext() is not None}
    assert sources["ja source"] == f"https://example.org/{attack}"
    assert attack in sources["en headers"]
    assert tree.xpath("//td[@lang='ja']/text()") == [f"訂正{attack}", f"日本語{attack}"]
    assert render_report_html(review).encode() == page.encode()


def test_atomic_write_never_leaves_partial_file(tmp_path: Path) -> None:
    from taiyaku.io import atomic_write

    target = tmp_path / "x.json"
    atomic_write(target, "complete")
    assert target.read_text() == "complete"
    atomic_write(target, b"replaced")
    assert target.read_bytes() == b"replaced"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]
