"""A glossary adds evidence to the structure and length evidence and never overrides it: the seed's
two-line Japanese title translated as one English title is one 2-1 bead, with and without the glossary."""

from __future__ import annotations

from pathlib import Path

import pytest

from taiyaku import pipeline
from taiyaku.align import align
from taiyaku.model import Segment

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "corpora" / "glossaries" / "ict-policy.tsv"

# The seed's title as its PDF extraction sets it (two lines, a blank line between), its date and first paragraph.
JA_TEXT = "\n\n".join(
    [
        " インターネットエコノミーに関する日米政策協力対話",
        "第 5回局長級会合に係る共同記者発表",
        "2014 年 3 月 13 日",
        "2014 年 3 月 12 日、13 日の 2 日間にわたり、東京において、"
        "インターネットエコノミーに関する日米政策協力対話第 5 回局長級会合を開催した。\n",
    ]
)
DIALOGUE = "U.S.-Japan Policy Cooperation Dialogue on the Internet Economy"
MEETING = "Joint Press Statement on the Fifth Director-General-Level Meeting"
DATE_AND_PARAGRAPH = [
    "March 13, 2014",
    f"The fifth Director-General-level meeting of the {DIALOGUE} was held in Tokyo over two days, "
    "on March 12 and 13, 2014.\n",
]
# The English sets the same title on one line.
EN_TEXT = "\n\n".join([f"{MEETING} of the {DIALOGUE}", *DATE_AND_PARAGRAPH])


def _segments(path: Path, text: str, lang: str) -> list[Segment]:
    path.write_text(text, encoding="utf-8")
    blocks = pipeline.normalize_document(pipeline.pull_source(str(path)), lang)  # type: ignore[arg-type]
    return pipeline.segment_blocks(blocks, lang)  # type: ignore[arg-type]


@pytest.mark.parametrize("with_glossary", [False, True], ids=["no-glossary", "ict-policy-glossary"])
def test_two_line_title_against_one_english_title_is_one_2_1_bead(tmp_path: Path, with_glossary: bool) -> None:
    ja = _segments(tmp_path / "ja.txt", JA_TEXT, "ja")
    en = _segments(tmp_path / "en.txt", EN_TEXT, "en")
    assert [s.text for s in ja[:2]] == [
        "インターネットエコノミーに関する日米政策協力対話",
        "第5回局長級会合に係る共同記者発表",
    ]
    glossary = pipeline.load_glossary(str(GLOSSARY)) if with_glossary else None
    beads = align(ja, en, glossary=glossary)
    assert [(b.ja, b.en) for b in beads] == [((0, 1), (0,)), ((2,), (1,)), ((3,), (2,))]


def test_title_lines_the_english_keeps_stay_one_to_one(tmp_path: Path) -> None:
    """Where the English sets the title on as many lines, each line is its own bead (as in the seed)."""
    ja = _segments(tmp_path / "ja.txt", JA_TEXT, "ja")
    en = _segments(tmp_path / "en.txt", "\n\n".join([DIALOGUE, MEETING, *DATE_AND_PARAGRAPH]), "en")
    beads = align(ja, en, glossary=pipeline.load_glossary(str(GLOSSARY)))
    assert [(b.ja, b.en) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]
