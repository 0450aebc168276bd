"""No false confidence (issue 9, items 4-6): documents that are not translations of each other, a truncated
side, degenerate pairs.

* 4: the Japanese of one document with the English of another used to publish confident beads (≥ 0.99).
  The parallelism check (taiyaku/align/parallelism.py) refuses such a pair with one line (``--force``
  publishes it, every bead flagged ``unsupported`` and scored low); a partly parallel pair (a chapter the
  other side lacks, a translated excerpt) is published with its unsupported stretch flagged and scored low,
  the rest untouched.  benchmarks/mismatched_pairs.py measures it on 100 mismatched and 168 real pairs.
* 5: cutting the Japanese to 68 % passed the 90 % shrink guard (the leftover English became 0-1 beads); the
  guard now measures each side and the bilingual pairs separately.
* 6: a pair where nothing could be aligned is refused; a 1:500 pair publishes with a warning.

Pairs are built from the seed statement and small hand-written documents; the shared evaluation sets are
used where present.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from support.paths import STATEMENT_DIR, shared_or_skip

from taiyaku.align import align_with_corrections, check_parallel
from taiyaku.align.aligner import _SentenceFeatureMemo, document_features
from taiyaku.align.features import SideFeatures, english_features, japanese_features
from taiyaku.align.lexicon import glossary_pairs
from taiyaku.align.parallelism import UNSUPPORTED_SCORE, maximal_segments
from taiyaku.cli import main
from taiyaku.errors import TaiyakuError
from taiyaku.model import REVIEW_THRESHOLD, Bead, BeadFlag, BeadRecord, Segment
from taiyaku.pipeline import AlignedSources, align_sources, load_glossary, verify_parallel
from taiyaku.publish.corpus import render_jsonl
from taiyaku.publish.guard import check_not_shrinking
from taiyaku.publish.records import bead_records

JA = STATEMENT_DIR / "ja.txt"
EN = STATEMENT_DIR / "en.html"
GLOSSARY = STATEMENT_DIR.parent / "glossaries" / "ict-policy.tsv"

# The same genre and topic as the seed statement (an ICT policy dialogue, with dates, ICT, internet,
# cooperation, cybersecurity), but not its translation: the hardest kind of mismatch.
OTHER_STATEMENT_EN = """<!DOCTYPE html>
<html lang="en"><head><title>EU-Canada ICT Dialogue</title></head><body>
<h1>Joint Statement on the Third EU-Canada Dialogue on Information and Communications Technology</h1>
<p>On June 2, 2015, the European Commission and the Government of Canada held the third meeting of their
dialogue on information and communications technology in Brussels.</p>
<p>The delegations were led by the Director-General for Communications Networks of the European Commission
and the Assistant Deputy Minister of Innovation, Science and Economic Development Canada.</p>
<p>Both sides discussed the regulation of telecommunications markets, the allocation of radio spectrum for
mobile broadband, and the protection of personal data in cloud services.</p>
<p>The European side presented its strategy for a digital single market, including the reform of copyright
rules and the removal of geo-blocking for online shoppers.</p>
<p>Canada described its programme to extend high-speed internet access to rural and northern communities by
2019.</p>
<p>The participants agreed that open standards and competition among network operators benefit consumers
and small businesses.</p>
<p>They also exchanged views on net neutrality, roaming charges for travellers, and the security of critical
infrastructure such as power grids and banks.</p>
<p>Both delegations welcomed the growing trade in digital services across the Atlantic and pledged to keep
tariffs on electronic transmissions at zero.</p>
<p>The next meeting of the dialogue will be held in Ottawa in the autumn of 2016.</p>
</body></html>
"""

# A chapter the English does not have (on the Gion festival), inserted into the seed's Japanese.
EXTRA_CHAPTER_JA = """祇園祭は京都市東山区の八坂神社の祭礼であり、毎年七月の一か月にわたって行われる。

その起源は平安時代の貞観十一年に疫病の退散を祈って行われた御霊会にさかのぼるとされる。

祭の中心は十七日と二十四日に行われる山鉾巡行で、豪華な装飾を施した山や鉾が四条通や河原町通を進む。

長刀鉾は毎年巡行の先頭を務め、稚児が鉾に乗って注連縄を太刀で切る儀式が見どころである。

鉾の車輪は直径二メートルに近く、方向を変える辻回しでは青竹を敷いて水をまき、大勢の曳き手が一斉に綱を引く。

宵山の夜には各町内の会所で屏風や美術品が公開され、通りには多くの露店が並ぶ。

山鉾を飾る懸装品にはペルシャやベルギーから渡来した織物も含まれ、動く美術館と呼ばれている。

応仁の乱で一時途絶えたが、町衆の力によって明応九年に再興された。

江戸時代には天明の大火で多くの山鉾が焼失したものの、やがて復興した。

二〇〇九年には山鉾行事がユネスコの無形文化遺産に登録された。

蛤御門の変で焼けた大船鉾は、約百五十年ぶりに二〇一四年に巡行へ復帰した。

祭の期間中は祇園囃子の鉦や笛の音が町中に響き、夏の京都を象徴する風物詩となっている。
"""


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def _confident(beads: list[Bead]) -> list[Bead]:
    return [b for b in beads if b.ja and b.en and b.score >= REVIEW_THRESHOLD]


@pytest.fixture(scope="module")
def seed() -> AlignedSources:
    return align_sources(str(JA), str(EN))


def _ja_with_extra_chapter(tmp_path: Path) -> tuple[str, str]:
    """The seed's Japanese with EXTRA_CHAPTER_JA inserted at the paragraph boundary nearest its middle."""
    lines = JA.read_text(encoding="utf-8").split("\n")
    middle = len(lines) // 2
    while lines[middle].strip():
        middle += 1
    text = "\n".join([*lines[:middle], "", EXTRA_CHAPTER_JA, *lines[middle:]])
    return _write(tmp_path / "ja-with-chapter.txt", text), EXTRA_CHAPTER_JA


def _en_excerpt(tmp_path: Path) -> str:
    """The seed's English page with only the introduction and the first three of its eight sections."""
    lines = EN.read_text(encoding="utf-8").split("\n")
    end = next(i for i, line in enumerate(lines) if "<h3>(4)" in line) - 1  # the <section> of part (4)
    tail = next(i for i, line in enumerate(lines) if line.strip() == "</article>")
    return _write(tmp_path / "en-excerpt.html", "\n".join([*lines[:end], "  </section>", *lines[tail:]]))


# --- 4: documents that are not translations of each other ------------------------------------------------


def test_the_seed_statement_passes_untouched(seed: AlignedSources) -> None:
    checked = verify_parallel(seed, None, force=False)
    assert checked.alignment.beads == seed.alignment.beads  # no score and no flag changed


def test_an_unrelated_statement_of_the_same_topic_is_refused(tmp_path: Path) -> None:
    en = _write(tmp_path / "other-statement.html", OTHER_STATEMENT_EN)
    aligned = align_sources(str(JA), en)
    assert _confident(aligned.alignment.beads)  # what used to be published: confident, and wrong
    with pytest.raises(TaiyakuError) as refused:
        verify_parallel(aligned, None, force=False)
    assert refused.value.where == str(JA)
    assert f"not a translation of {en}: only " in refused.value.problem
    assert "% of the beads share any evidence" in refused.value.problem
    assert "--force" in refused.value.problem and "\n" not in str(refused.value)


def test_an_unrelated_statement_is_refused_with_the_project_glossary(tmp_path: Path) -> None:
    # Glossary terms are extra evidence; ICT vocabulary shared by two ICT statements must not pass for a
    # translation.
    en = _write(tmp_path / "other-statement.html", OTHER_STATEMENT_EN)
    glossary = load_glossary(str(GLOSSARY))
    aligned = align_sources(str(JA), en, glossary)
    with pytest.raises(TaiyakuError, match="not a translation of"):
        verify_parallel(aligned, glossary, force=False)


def test_a_forced_unrelated_pair_keeps_no_confident_bead(tmp_path: Path) -> None:
    aligned = align_sources(str(JA), _write(tmp_path / "other.html", OTHER_STATEMENT_EN))
    forced = verify_parallel(aligned, None, force=True).alignment.beads
    assert [(b.ja, b.en) for b in forced] == [(b.ja, b.en) for b in aligned.alignment.beads]
    assert all(BeadFlag.UNSUPPORTED in b.flags and b.score <= UNSUPPORTED_SCORE for b in forced)


@pytest.mark.parametrize(
    ("set_name", "ja_doc", "en_doc"),
    [
        ("kyoto-wiki", "BDS00066", "RLW00194"),  # two Kyoto articles (a temple, a religious law)
        ("kyoto-wiki", "SCL00039", "SCL00030"),  # two articles on Meiji elementary schools: the closest pair
        ("ntrex-news", "bbc.381647", "bbc.381669"),  # two BBC news items
    ],
)
def test_articles_of_the_evaluation_sets_paired_wrongly_are_refused(set_name: str, ja_doc: str, en_doc: str) -> None:
    ja = shared_or_skip("eval", set_name, ja_doc, "ja.txt")
    en = shared_or_skip("eval", set_name, en_doc, "en.txt")
    aligned = align_sources(str(ja), str(en))
    with pytest.raises(TaiyakuError, match="not a translation of"):
        verify_parallel(aligned, None, force=False)


def test_the_real_articles_of_those_pairs_pass_untouched() -> None:
    for set_name, doc in [("kyoto-wiki", "SCL00039"), ("kyoto-wiki", "SCL00030"), ("ntrex-news", "bbc.381669")]:
        folder = shared_or_skip("eval", set_name, doc)
        aligned = align_sources(str(folder / "ja.txt"), str(folder / "en.txt"))
        assert verify_parallel(aligned, None, force=False).alignment.beads == aligned.alignment.beads, doc


def test_a_chapter_the_english_lacks_is_flagged_and_the_rest_kept(tmp_path: Path, seed: AlignedSources) -> None:
    ja, chapter = _ja_with_extra_chapter(tmp_path)
    aligned = align_sources(ja, str(EN))
    beads = verify_parallel(aligned, None, force=False).alignment.beads  # partly parallel: not refused
    chapter_sentences = {s.index for s in aligned.ja if s.text in chapter}
    assert len(chapter_sentences) == 12
    in_chapter = [b for b in beads if chapter_sentences & set(b.ja)]
    assert in_chapter and all(BeadFlag.UNSUPPORTED in b.flags and b.score < REVIEW_THRESHOLD for b in in_chapter)
    # The statement around it: the seed's own beads, none flagged.
    text = [("".join(aligned.ja[i].text for i in b.ja), " ".join(aligned.en[j].text for j in b.en)) for b in beads]
    seed_text = {
        ("".join(seed.ja[i].text for i in b.ja), " ".join(seed.en[j].text for j in b.en)) for b in seed.alignment.beads
    }
    outside = [b for b, pair in zip(beads, text, strict=True) if not chapter_sentences & set(b.ja)]
    assert all(BeadFlag.UNSUPPORTED not in b.flags for b in outside)
    assert sum(pair in seed_text for pair in text) >= 48  # of the seed's 52 beads


def test_a_translated_excerpt_is_flagged_not_refused(tmp_path: Path, seed: AlignedSources) -> None:
    aligned = align_sources(str(JA), _en_excerpt(tmp_path))
    beads = verify_parallel(aligned, None, force=False).alignment.beads
    seed_pairs = {
        ("".join(seed.ja[i].text for i in b.ja), " ".join(seed.en[j].text for j in b.en)) for b in seed.alignment.beads
    }
    pairs = [("".join(aligned.ja[i].text for i in b.ja), " ".join(aligned.en[j].text for j in b.en)) for b in beads]
    # The Japanese of parts (4) to (8) and the participants has no English: one stretch, scored low.  The
    # beads in it are 1-0 beads, or the last English sentences paired with Japanese they do not translate.
    flagged = [(b, pair) for b, pair in zip(beads, pairs, strict=True) if BeadFlag.UNSUPPORTED in b.flags]
    assert len(flagged) >= 20 and all(b.score <= UNSUPPORTED_SCORE for b, _ in flagged)
    assert all(pair not in seed_pairs for _, pair in flagged)
    # The confident beads are those of the full statement (the English sentences are the same), but for one
    # at the cut: without what follows, the aligner shifts the last sentences of part (3) by one, and that
    # bead shares real evidence (ITU, international), which no document-level check can tell from a match.
    confident = [pair for b, pair in zip(beads, pairs, strict=True) if b.ja and b.en and b.score >= REVIEW_THRESHOLD]
    assert len(confident) >= 9 and sum(pair not in seed_pairs for pair in confident) <= 1


def test_a_reviewers_bead_is_never_flagged(tmp_path: Path) -> None:
    aligned = align_sources(str(JA), _write(tmp_path / "other.html", OTHER_STATEMENT_EN))
    beads = [*aligned.alignment.beads]
    first = next(k for k, b in enumerate(beads) if b.ja and b.en)
    beads[first] = dataclasses.replace(beads[first], score=1.0, flags=(BeadFlag.REVIEWED,))
    forced = check_parallel(aligned.ja, aligned.en, beads, ja_source="ja", en_source="en", force=True)
    assert forced[first] == beads[first]
    assert all(BeadFlag.UNSUPPORTED in b.flags for k, b in enumerate(forced) if k != first)


def test_the_check_reads_exactly_the_evidence_the_aligner_saw(seed: AlignedSources) -> None:
    # The aligner's per-sentence memo (what makes the check cost no second tokenization) must give what
    # computing the features afresh gives: for the documents, for a stretch between corrections, and with a
    # glossary.
    pairs = glossary_pairs(load_glossary(str(GLOSSARY)))
    for ja, en, glossary in [
        (seed.ja, seed.en, None),
        (seed.ja[10:20], seed.en[12:25], None),
        (seed.ja, seed.en, load_glossary(str(GLOSSARY))),
    ]:
        ja_features, en_features = document_features(ja, en, glossary)
        fresh_ja = japanese_features(ja, pairs if glossary else ())
        fresh_en = english_features(en, pairs if glossary else ())
        assert ja_features.items == fresh_ja.items and en_features.items == fresh_en.items
        assert list(ja_features.lengths) == list(fresh_ja.lengths)
        assert list(en_features.lengths) == list(fresh_en.lengths)
    # And the alignment itself is the one the features give without the memo.
    assert align_with_corrections(seed.ja, seed.en, []).beads == seed.alignment.beads


def test_a_document_beyond_the_memo_bound_is_tokenized_once(seed: AlignedSources) -> None:
    # The memo is bounded; a longer document must still be tokenized once for the aligner and the check
    # together, not once for each (which would add a quarter to the longest runs).
    calls: list[int] = []

    def counting(segments: Sequence[Segment], pairs: Sequence[tuple[str, str]]) -> SideFeatures:
        calls.append(len(segments))
        return japanese_features(segments, pairs)

    memo = _SentenceFeatureMemo(counting)
    memo.MAX_SENTENCES = 20  # the seed's Japanese has 54 sentences
    first = memo(seed.ja, ())
    again = memo(seed.ja, ())
    assert calls == [len({s.text for s in seed.ja})]
    assert first.items == again.items == japanese_features(seed.ja).items
    memo(seed.ja[:5], (("総務省", "MIC"),))  # another glossary: its own features
    assert calls[-1] == 5


def test_maximal_segments_find_the_best_stretch() -> None:
    # The example of Ruzzo and Tompa (1999), then random sequences against a brute-force maximum.
    assert maximal_segments([4, -5, 3, -3, 1, 2, -2, 2, -2, 1, 5]) == [(0, 1), (2, 3), (4, 11)]
    rng = random.Random(9)
    for _ in range(200):
        scores = [rng.randint(-6, 5) for _ in range(rng.randint(0, 30))]
        found = maximal_segments(scores)
        assert all(a < b for a, b in found) and all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(found))
        assert all(sum(scores[a:b]) > 0 for a, b in found)
        best = max((sum(scores[a:b]) for a in range(len(scores)) for b in range(a + 1, len(scores) + 1)), default=0)
        assert max((sum(scores[a:b]) for a, b in found), default=0) == max(best, 0)


def test_not_a_translation_is_one_line_through_the_cli(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    en = _write(tmp_path / "other.html", OTHER_STATEMENT_EN)
    out = tmp_path / "aligned" / "pair"
    assert main(["align", "--ja", str(JA), "--en", en, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"taiyaku: error: {JA}: not a translation of {en}: "), err
    assert not out.exists()
    # --force publishes it, and not one bead claims confidence.
    assert main(["align", "--ja", str(JA), "--en", en, "--out", str(out), "--force"]) == 0
    beads = [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert beads and all("unsupported" in b["flags"] and b["score"] < REVIEW_THRESHOLD for b in beads)


def test_a_partly_parallel_pair_publishes_with_a_warning(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja, _ = _ja_with_extra_chapter(tmp_path)
    out = tmp_path / "pair"
    assert main(["align", "--ja", ja, "--en", str(EN), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "beads are in stretches the other document does not translate" in err
    beads = [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    flagged = [b for b in beads if "unsupported" in b["flags"]]
    assert flagged and all("needs-review" in b["flags"] for b in flagged)


# --- 5: the shrink guard --------------------------------------------------------------------------------


def _cut(path: Path, share: float, into: Path) -> str:
    """The first ``share`` of a file's text, cut at a line end: a truncated download."""
    text = path.read_text(encoding="utf-8")
    return _write(into, text[: text.rfind("\n", 0, int(len(text) * share)) + 1])


def _split_pairs(records: list[BeadRecord]) -> list[BeadRecord]:
    """The same text on both sides, but no pair left: every bilingual bead as a 1-0 and a 0-1 bead."""
    out = []
    for r in records:
        out.append(dataclasses.replace(r, en="", en_spans=(), type=f"{len(r.ja_spans)}-0"))
        out.append(dataclasses.replace(r, ja="", ja_spans=(), type=f"0-{len(r.en_spans)}"))
    return out


def _merged(records: list[BeadRecord]) -> list[BeadRecord]:
    """A reviewer's merges: every two consecutive beads became one (half as many pairs, no text lost)."""
    merged = []
    for first, second in zip(records[::2], records[1::2], strict=False):
        merged.append(dataclasses.replace(first, ja=first.ja + second.ja, en=f"{first.en} {second.en}"))
    return merged + ([records[-1]] if len(records) % 2 else [])


@pytest.mark.parametrize(
    ("case", "shrunk"),
    [
        ("Japanese cut to 68 %", "Japanese characters"),
        ("English cut to 68 %", "English characters"),
        ("pairs lost, text kept", "characters in bilingual pairs"),
        ("every two beads merged by a reviewer", None),
        ("the same corpus again", None),
    ],
)
def test_the_guard_measures_each_side_and_the_pairs(
    case: str, shrunk: str | None, seed: AlignedSources, tmp_path: Path
) -> None:
    published = bead_records(seed.alignment.beads, seed.ja, seed.en)
    out = tmp_path / "aligned"
    out.mkdir()
    (out / "corpus.jsonl").write_text(render_jsonl(published), encoding="utf-8")
    if case == "Japanese cut to 68 %":
        cut = align_sources(_cut(JA, 0.68, tmp_path / "ja.txt"), str(EN))
        new = bead_records(cut.alignment.beads, cut.ja, cut.en)
    elif case == "English cut to 68 %":
        cut = align_sources(str(JA), _cut(EN, 0.68, tmp_path / "en.html"))
        new = bead_records(cut.alignment.beads, cut.ja, cut.en)
    elif case == "pairs lost, text kept":
        new = _split_pairs(published)
    elif case == "every two beads merged by a reviewer":
        new = _merged(published)
    else:
        new = published
    if shrunk is None:
        check_not_shrinking(out, new)
        return
    with pytest.raises(TaiyakuError) as refused:
        check_not_shrinking(out, new)
    assert shrunk in refused.value.problem and "bilingual pairs against 52" in refused.value.problem
    assert "use --force" in refused.value.problem and "\n" not in str(refused.value)


def test_a_truncated_japanese_source_does_not_replace_the_corpus(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pair"
    assert main(["align", "--ja", str(JA), "--en", str(EN), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    truncated = _cut(JA, 0.68, tmp_path / "ja.txt")
    capsys.readouterr()
    assert main(["align", "--ja", truncated, "--en", str(EN), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Japanese characters against" in err[0] and "--force" in err[0], err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert main(["align", "--ja", truncated, "--en", str(EN), "--out", str(out), "--force"]) == 0


# --- 6: degenerate pairs --------------------------------------------------------------------------------


def test_nothing_aligned_is_refused_and_forced_with_every_bead_flagged(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja = _write(tmp_path / "ja.txt", "はい。\n")
    words = ["the", "committee", "reviewed", "annual", "report", "on", "river", "management", "and", "railway"]
    rng = random.Random(6)
    en = _write(tmp_path / "en.txt", " ".join(rng.choice(words) for _ in range(400)).capitalize() + ".\n")
    out = tmp_path / "pair"
    assert main(["align", "--ja", ja, "--en", en, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{ja}: nothing could be aligned with {en}" in err[0], err
    assert not out.exists()
    assert main(["align", "--ja", ja, "--en", en, "--out", str(out), "--force"]) == 0
    beads = [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {b["type"] for b in beads} == {"1-0", "0-1"} and all("unsupported" in b["flags"] for b in beads)


def test_a_one_to_five_hundred_pair_warns(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja = _write(tmp_path / "ja.txt", "会議は東京で開かれた。\n")
    en = _write(tmp_path / "en.txt", "".join(f"Item {n} of the list was read out.\n\n" for n in range(500)))
    out = tmp_path / "pair"
    assert main(["align", "--ja", ja, "--en", en, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "1 Japanese against 500 English sentences" in err
    beads = [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(1 for b in beads if "unsupported" in b["flags"]) >= 490
    assert all(b["score"] < REVIEW_THRESHOLD for b in beads if not (b["ja"] and b["en"]))
