"""Stage 2 (extract + normalize) on plain text and PDF text layers: the PDF-artifact repair of the seed,
the evaluation-set format, English wrapping and de-hyphenation, running headers and footers, NFKC and
white space, and the offset map back to the decoded source."""

from __future__ import annotations

import csv
import time
import unicodedata
from pathlib import Path

import pytest
from support.paths import shared_or_skip

from taiyaku.errors import TaiyakuError
from taiyaku.model import Block, Lang, Provenance, SourceDocument
from taiyaku.normalize import normalize
from taiyaku.normalize.unicode import normalize_text
from taiyaku.text.width import display_width
from taiyaku.textmap import MappedText


def document(text: str, media_type: str = "text/plain", source: str = "test.txt") -> SourceDocument:
    return SourceDocument(text, Provenance(source, "0" * 64, len(text.encode()), media_type, "utf-8"))


def blocks_of(text: str, lang: Lang, media_type: str = "text/plain") -> list[Block]:
    blocks = normalize(document(text, media_type), lang).blocks
    for block in blocks:
        assert_maps_back(text, block.text)
    assert [block.id for block in blocks] == [f"b{i}" for i in range(len(blocks))]
    return blocks


def assert_maps_back(source: str, text: MappedText) -> None:
    """Every visible normalized character comes from its source span (through NFKC)."""
    for i, char in enumerate(text.text):
        if char.isspace():
            continue
        start, end = text.starts[i], text.ends[i]
        origin = unicodedata.normalize("NFKC", source[start:end])
        assert char in origin, f"{text.text[max(0, i - 5) : i + 5]!r}: {char!r} at {i} maps to {source[start:end]!r}"


def kinds_and_texts(blocks: list[Block]) -> list[tuple[str, str]]:
    return [(block.kind, block.text.text) for block in blocks]


# Excerpts of the seed (../shared/seeds/000_83b25bb711020d7d.txt), byte for byte: a PDF extraction with an
# empty line after every line, paragraph breaks as lines holding a single space, lines wrapped mid-word,
# and at page breaks a line without its empty line and with a stray leading space (seed lines 71, 142, 213).
SEED_EXCERPT = "\n".join(
    [
        # seed lines 1-76
        " インターネットエコノミーに関する日米政策協力対話 ",
        "",
        "第 5回局長級会合に係る共同記者発表 ",
        "",
        "2014 年 3 月 13 日 ",
        "",
        " ",
        "",
        "2014 年 3 月 12 日、13 日の 2 日間にわたり、東京において、インターネットエコノミーに",
        "",
        "関する日米政策協力対話第 5 回局長級会合を開催した。 ",
        "",
        "民間からの代表者の参加を得たセッションを含むこの対話で、双方は、インターネットガ",
        "",
        "バナンスのマルチステークホルダーシステムに対する支持を再度表明し、情報通信技術(ICT)",
        "",
        "の経済成長に果たす役割を認識し、及び地球的課題の解決に貢献する可能性を強調すると共",
        "",
        "に、以下のインターネット及び ICT に係る重要な議題について、共通の立場が強調された。 ",
        "",
        " ",
        "",
        "(1)  ICT による経済成長と地球的課題解決 ",
        "",
        "ICT は、日米両政府が追求する成長戦略の重要な柱として位置づけられるものである。技",
        "",
        "術革新の著しい ICT は、新たな付加価値の創造やイノベーションの創出、医療、教育、防",
        "",
        "災等の向上、地球温暖化、エネルギー、食料・水資源など今後益々深刻化していく地球的",
        "",
        "課題を解決するための重要な手段である。双方は、周波数管理及び電気通信サービス政策",
        "",
        "は、ICT インフラの整備及び信頼性の向上を通じて、防災に直接貢献できるとの認識を共",
        "",
        "有し、意見交換を継続することで一致した。 ",
        "",
        " ",
        "",
        "(2) 開発のための ICT ",
        "",
        "ICT 政策に関する意見交換を通じて、日米両国は、”Alliance for the Affordable Internet”",
        "",
        "等の官民のパートナーシップを含めた途上国における持続可能な開発の支援、女性の社会",
        "",
        "的経済的進出の促進、デジタルデバイドの克服について議論した。 ",
        "",
        "また、日米両政府は、ITU 電気通信開発部門（ITU-D）の第一研究委員会（SG1：Study ",
        "",
        "Group1）の課題 22－1「情報通信ネットワークの安全：サイバーセキュリティの文化を発",
        "",
        "展させるためのベストプラクティス」の関連会合開催期間中にセミナーを実施することな",
        "",
        "どを含め、サイバーセキュリティの能力強化に向けた双方の協力を通じた途上国の能力強",
        "",
        "化のための方策について議論した。 ",
        "",
        " ",
        "",
        "(3) マルチステークホルダーシステムによるインターネットガバナンスに対する支持の協調 ",
        "",
        "双方は、マルチステークホルダーシステムによる、包括的、オープンかつ透明なインタ",
        "",
        "ーネットガバナンスシステムの重要性を再確認するとともに、インターネットに係る政策",
        "",
        "課題における国際的な協調が、情報の自由な流通を確保し、グローバルなインターネット",
        "",
        "エコノミーをさらに発展させる上で不可欠であることで一致した。日米両政府はＡＰＥＣ",
        "",
        "やＯＥＣＤといった場において、オープンなインターネットを支持し、マルチステークホ",
        "",
        "ルダーによる組織を中心とした、活発なインターネットガバナンスのためのマルチステー",
        " クホルダーシステムを維持するために協調してきた。双方はまた、こうした考え方を広く",
        "",
        "第三国と共有するとともに、国際会議における ICT 政策課題に係る協力を継続することで",
        "",
        "一致した。 ",
        # seed lines 134-150
        "(5) パーソナルデータの利活用とプライバシー保護 ",
        "",
        "双方は、パーソナルデータの利活用促進に向け、国際環境におけるパーソナルデータの保",
        "",
        "護について、意見交換を継続することで一致した。双方は、将来の協力の基礎となる、ＡＰ",
        "",
        "ＥＣプライバシーフレームワーク及び２０１３年に改訂されたＯＥＣＤプライバシーガイ",
        "",
        "ドラインを支持する。双方はＥＵの拘束的企業準則とＡＰＥＣ越境プライバシールールとの",
        " 相互運用性に関する、ＡＰＥＣ／ＥＵワーキングチームの参照文書の発出を歓迎した。 ",
        "",
        " ",
        "",
        "加えて、双方は、プライバシー保護に向けた取組に関するベストプラクティス及びスマー",
        "",
        "トフォンアプリのプライバシー保護に関する経験を共有することを確認した。 ",
        "",
        # seed lines 209-228
        " ",
        "",
        "日米産業界の参加 ",
        "",
        "対話に先立ち、経団連及び在日米国商工会議所からなる日米両国の産業界の代表は、「日米",
        " インターネット・エコノミー民間会合 共同声明」を取りまとめ、3 月 12 日に日米両国政府",
        "",
        "に対し共同声明を提出し、以下の事項を提言した。 ",
        "",
        "・開かれたインターネット堅持のための協力推進 ",
        "",
        "・個人情報保護に配慮したデータ利活用を図るための協力推進 ",
        "",
        "・情報セキュリティに関する日米協力体制の整備 ",
        "",
        "・日米産業界が協力して推進すべきテーマ ",
        "",
        "・その他 ",
        "",
        " ",
    ]
)

SEED_EXCERPT_BLOCKS = [
    ("heading", "インターネットエコノミーに関する日米政策協力対話"),
    ("heading", "第5回局長級会合に係る共同記者発表"),
    ("paragraph", "2014年3月13日"),
    (
        "paragraph",
        "2014年3月12日、13日の2日間にわたり、東京において、インターネットエコノミーに関する"
        "日米政策協力対話第5回局長級会合を開催した。",
    ),
    (
        "paragraph",
        "民間からの代表者の参加を得たセッションを含むこの対話で、双方は、"
        "インターネットガバナンスのマルチステークホルダーシステムに対する支持を再度表明し、"
        "情報通信技術(ICT)の経済成長に果たす役割を認識し、及び地球的課題の解決に貢献する可能性を強調すると共に、"
        "以下のインターネット及びICTに係る重要な議題について、共通の立場が強調された。",
    ),
    ("heading", "(1) ICTによる経済成長と地球的課題解決"),
    (
        "paragraph",
        "ICTは、日米両政府が追求する成長戦略の重要な柱として位置づけられるものである。"
        "技術革新の著しいICTは、新たな付加価値の創造やイノベーションの創出、医療、教育、防災等の向上、"
        "地球温暖化、エネルギー、"
        "食料・水資源など今後益々深刻化していく地球的課題を解決するための重要な手段である。双方は、"
        "周波数管理及び電気通信サービス政策は、ICTインフラの整備及び信頼性の向上を通じて、"
        "防災に直接貢献できるとの認識を共有し、意見交換を継続することで一致した。",
    ),
    ("heading", "(2)開発のためのICT"),
    (
        "paragraph",
        "ICT政策に関する意見交換を通じて、日米両国は、"
        "”Alliance for the Affordable Internet”等の官民のパートナーシップを含めた途上国における持続可能な開発の支援、"
        "女性の社会的経済的進出の促進、デジタルデバイドの克服について議論した。",
    ),
    (
        "paragraph",
        "また、日米両政府は、"
        "ITU電気通信開発部門(ITU-D)の第一研究委員会(SG1:Study Group1)の課題22-1"
        "「情報通信ネットワークの安全:サイバーセキュリティの文化を発展させるためのベストプラクティス」"
        "の関連会合開催期間中にセミナーを実施することなどを含め、"
        "サイバーセキュリティの能力強化に向けた双方の協力を通じた途上国の能力強化のための方策について議論した。",
    ),
    ("heading", "(3)マルチステークホルダーシステムによるインターネットガバナンスに対する支持の協調"),
    (
        "paragraph",
        "双方は、マルチステークホルダーシステムによる、包括的、"
        "オープンかつ透明なインターネットガバナンスシステムの重要性を再確認するとともに、"
        "インターネットに係る政策課題における国際的な協調が、情報の自由な流通を確保し、"
        "グローバルなインターネットエコノミーをさらに発展させる上で不可欠であることで一致した。"
        "日米両政府はAPECやOECDといった場において、オープンなインターネットを支持し、"
        "マルチステークホルダーによる組織を中心とした、"
        "活発なインターネットガバナンスのためのマルチステークホルダーシステムを維持するために協調してきた。"
        "双方はまた、こうした考え方を広く第三国と共有するとともに、"
        "国際会議におけるICT政策課題に係る協力を継続することで一致した。",
    ),
    ("heading", "(5)パーソナルデータの利活用とプライバシー保護"),
    (
        "paragraph",
        "双方は、パーソナルデータの利活用促進に向け、国際環境におけるパーソナルデータの保護について、"
        "意見交換を継続することで一致した。双方は、将来の協力の基礎となる、"
        "APECプライバシーフレームワーク及び2013年に改訂されたOECDプライバシーガイドラインを支持する。"
        "双方はEUの拘束的企業準則とAPEC越境プライバシールールとの相互運用性に関する、"
        "APEC/EUワーキングチームの参照文書の発出を歓迎した。",
    ),
    (
        "paragraph",
        "加えて、双方は、"
        "プライバシー保護に向けた取組に関するベストプラクティス及びスマートフォンアプリのプライバシー保護に関する経験を共有することを確認した。",
    ),
    ("heading", "日米産業界の参加"),
    (
        "paragraph",
        "対話に先立ち、経団連及び在日米国商工会議所からなる日米両国の産業界の代表は、"
        "「日米インターネット・エコノミー民間会合共同声明」を取りまとめ、"
        "3月12日に日米両国政府に対し共同声明を提出し、以下の事項を提言した。",
    ),
    ("list_item", "・開かれたインターネット堅持のための協力推進"),
    ("list_item", "・個人情報保護に配慮したデータ利活用を図るための協力推進"),
    ("list_item", "・情報セキュリティに関する日米協力体制の整備"),
    ("list_item", "・日米産業界が協力して推進すべきテーマ"),
    ("list_item", "・その他"),
]

SEED_HEADINGS = [
    "インターネットエコノミーに関する日米政策協力対話",
    "第5回局長級会合に係る共同記者発表",
    "(1) ICTによる経済成長と地球的課題解決",
    "(2)開発のためのICT",
    "(3)マルチステークホルダーシステムによるインターネットガバナンスに対する支持の協調",
    "(4)サイバーセキュリティ",
    "(5)パーソナルデータの利活用とプライバシー保護",
    "(6)クラウドコンピューティングサービス",
    "(7)オープンデータ",
    "(8)技術開発",
    "日米産業界の参加",
    "参加者:",
]


# ---------------------------------------------------------------------------------------------------------
# The seed: PDF-extraction artifacts repaired
# ---------------------------------------------------------------------------------------------------------


def test_seed_excerpt_is_repaired_into_headings_paragraphs_and_list_items() -> None:
    assert kinds_and_texts(blocks_of(SEED_EXCERPT, "ja")) == SEED_EXCERPT_BLOCKS


def test_seed_excerpt_mid_word_wraps_and_page_break_spaces_are_joined() -> None:
    texts = [block.text.text for block in blocks_of(SEED_EXCERPT, "ja")]
    joined = "".join(texts)
    # "インタ" / "ーネットガバナンス": a wrap inside a word, the line below starting with "ー".
    assert "透明なインターネットガバナンスシステム" in joined
    # "マルチステー" / " クホルダーシステム": page break, no empty line, stray leading space.
    assert "マルチステークホルダーシステムを維持する" in joined
    # "「日米" / " インターネット・エコノミー": the same inside a quotation.
    assert "「日米インターネット・エコノミー民間会合共同声明」" in joined
    # "ＡＰ" / "ＥＣプライバシー": a full-width word split by the wrap, joined and made ASCII.
    assert "APECプライバシーフレームワーク" in joined
    # A Latin phrase wrapped at its space keeps the space: "Study " / "Group1".
    assert "(SG1:Study Group1)" in joined
    for text in texts:
        assert "  " not in text and "\n" not in text
        assert text == text.strip()


def test_seed_excerpt_offsets_point_at_the_source_lines() -> None:
    blocks = blocks_of(SEED_EXCERPT, "ja")
    heading = blocks[5].text
    start, end = heading.source_span()
    assert SEED_EXCERPT[start:end] == "(1)  ICT による経済成長と地球的課題解決"
    # A paragraph spans its wrapped lines, the empty lines between them included.
    paragraph = blocks[6].text
    start, end = paragraph.source_span()
    assert SEED_EXCERPT[start:end].startswith("ICT は、日米両政府が")
    assert SEED_EXCERPT[start:end].endswith("意見交換を継続することで一致した。")
    assert "\n\n" in SEED_EXCERPT[start:end]
    # The joined mid-word wrap: "ガ" and "バ" come from two different source lines.
    text = paragraph.text
    for i, char in enumerate(text):
        assert SEED_EXCERPT[paragraph.starts[i] : paragraph.ends[i]] in (char, unicodedata.normalize("NFKC", char))


def test_seed_excerpt_without_the_trailing_space_convention_gives_the_same_blocks() -> None:
    """The line joins must not hinge on the extractor's trailing spaces."""
    stripped = "\n".join(line.rstrip() for line in SEED_EXCERPT.split("\n"))
    assert kinds_and_texts(blocks_of(stripped, "ja")) == SEED_EXCERPT_BLOCKS


def test_crlf_line_ends_give_the_same_blocks() -> None:
    crlf = SEED_EXCERPT.replace("\n", "\r\n")
    assert kinds_and_texts(blocks_of(crlf, "ja")) == SEED_EXCERPT_BLOCKS


def test_a_line_starting_with_a_closing_bracket_continues_even_after_a_full_stop() -> None:
    """Kinsoku: "」" cannot start a line, so the line before it wrapped, even though it ends with "。"."""
    lines = [
        "日米両政府は、インターネットエコノミーに関する政策協力対話の重要性を確認し、",
        "「情報の自由な流通は不可欠である。",  # short: were it not for "」", a paragraph end
        "」との認識で一致した。双方は、マルチステークホルダーシステムに対する支持を",
        "再度表明し、意見交換を継続することで一致した。",
        "",
        "(2) 開発のための ICT",
        "",
        "双方は、周波数管理及び電気通信サービス政策は、ICT インフラの整備及び信頼性の",
        "向上を通じて、防災に直接貢献できるとの認識を共有した。",
    ]
    blocks = blocks_of("\n".join(lines), "ja")
    assert [block.kind for block in blocks] == ["paragraph", "heading", "paragraph"]
    assert "確認し、「情報の自由な流通は不可欠である。」との認識で一致した。" in blocks[0].text.text


def test_whole_seed_normalizes_to_its_structure() -> None:
    seed = shared_or_skip("seeds", "000_83b25bb711020d7d.txt").read_text(encoding="utf-8")
    blocks = blocks_of(seed, "ja")
    assert [block.text.text for block in blocks if block.kind == "heading"] == SEED_HEADINGS
    assert [block.text.text for block in blocks if block.kind == "list_item"] == [
        "・開かれたインターネット堅持のための協力推進",
        "・個人情報保護に配慮したデータ利活用を図るための協力推進",
        "・情報セキュリティに関する日米協力体制の整備",
        "・日米産業界が協力して推進すべきテーマ",
        "・その他",
    ]
    paragraphs = [block.text.text for block in blocks if block.kind == "paragraph"]
    assert paragraphs[0] == "2014年3月13日"  # the dateline
    paragraphs = paragraphs[1:]
    assert len(paragraphs) == 21
    assert all(text.endswith("。") for text in paragraphs)
    assert paragraphs[0] == (
        "2014年3月12日、13日の2日間にわたり、東京において、インターネットエコノミーに関する"
        "日米政策協力対話第5回局長級会合を開催した。"
    )
    joined = "".join(block.text.text for block in blocks)
    for expected in ("2014年10月に韓国・釜山", "国際電気通信連合(ITU)全権委員会議", "2014年秋を目途にワシントンDC"):
        assert expected in joined
    # Nothing dropped: every visible source character is covered by some normalized character.
    covered = {
        offset
        for block in blocks
        for start, end in zip(block.text.starts, block.text.ends, strict=True)
        for offset in range(start, end)
    }
    missing = [i for i, char in enumerate(seed) if not char.isspace() and i not in covered]
    assert missing == []


# ---------------------------------------------------------------------------------------------------------
# The evaluation-set format: one paragraph per line, headings on their own line
# ---------------------------------------------------------------------------------------------------------

EVAL_JA = (
    "新義真言宗\n"
    "\n"
    "また、広義では、総本山根来寺を総本山とする新義真言宗を含むが、狭義では「新義真言宗」を指す。\n"
    "\n"
    "歴史\n"
    "平安時代、真言宗没落の危機が発生した。その結果、覚鑁派は高野山を去った。\n"
    "1143年の覚鑁入寂後、頼瑜は大伝法院を高野山に戻した。\n"
    "\n"
    "江戸時代（１６０３年～）には復興が許された。\n"
)
EVAL_EN = (
    "Shingi Shingon sect\n"
    "\n"
    "The broad definition includes several schools, but the narrow definition indicates one group.\n"
    "\n"
    "History\n"
    "In the Heian Period, corruption by priests led to a crisis. As a result, the school left Mt. Koya.\n"
    "After the nirvana of Kakuban in 1143, Raiyu re-transferred Daidenpo-in to Mt. Koya.\n"
)


def test_eval_format_japanese_headings_stand_alone_and_sentence_lines_stay_together() -> None:
    assert kinds_and_texts(blocks_of(EVAL_JA, "ja")) == [
        ("heading", "新義真言宗"),
        ("paragraph", "また、広義では、総本山根来寺を総本山とする新義真言宗を含むが、狭義では「新義真言宗」を指す。"),
        ("heading", "歴史"),
        (
            "paragraph",
            "平安時代、真言宗没落の危機が発生した。その結果、覚鑁派は高野山を去った。\n"
            "1143年の覚鑁入寂後、頼瑜は大伝法院を高野山に戻した。",
        ),
        ("paragraph", "江戸時代(1603年~)には復興が許された。"),
    ]


def test_eval_format_english_keeps_every_line_boundary() -> None:
    blocks = blocks_of(EVAL_EN, "en")
    assert kinds_and_texts(blocks) == [
        ("heading", "Shingi Shingon sect"),
        ("paragraph", "The broad definition includes several schools, but the narrow definition indicates one group."),
        ("heading", "History"),
        (
            "paragraph",
            "In the Heian Period, corruption by priests led to a crisis. As a result, the school left Mt. Koya.\n"
            "After the nirvana of Kakuban in 1143, Raiyu re-transferred Daidenpo-in to Mt. Koya.",
        ),
    ]


def test_a_long_line_without_final_punctuation_is_a_paragraph_not_a_heading() -> None:
    body = "彼は次のように述べている。" * 10 + "日曜日英国時間11:15"
    blocks = blocks_of(f"見出し\n\n{body}\n", "ja")
    assert kinds_and_texts(blocks) == [("heading", "見出し"), ("paragraph", body)]


def test_list_items_hold_one_sentence_and_enumerated_titles_are_headings() -> None:
    text = (
        "以下の事項を提言した。\n"
        "・開かれたインターネット堅持のための協力推進\n"
        "・データ利活用を図る。そのための協力を推進する。\n"
        "(1) ICT による経済成長\n"
        "1. 双方は、協力を継続することで一致した。\n"
        "2. 双方は合意した。次回は米国で開催する。\n"
    )
    assert kinds_and_texts(blocks_of(text, "ja")) == [
        ("paragraph", "以下の事項を提言した。"),
        ("list_item", "・開かれたインターネット堅持のための協力推進"),
        ("paragraph", "・データ利活用を図る。そのための協力を推進する。"),  # two sentences: the segmenter splits it
        ("heading", "(1) ICTによる経済成長"),
        ("list_item", "1.双方は、協力を継続することで一致した。"),
        ("paragraph", "2.双方は合意した。次回は米国で開催する。"),
    ]


def gold_boundaries(gold: Path) -> tuple[set[int], set[int]]:
    ja: set[int] = set()
    en: set[int] = set()
    with gold.open(encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows)
        for ja_start, ja_end, en_start, en_end in rows:
            ja |= {int(ja_start), int(ja_end)}
            en |= {int(en_start), int(en_end)}
    return ja, en


def assert_no_line_joins_across_gold(source: str, blocks: list[Block], boundaries: set[int], where: str) -> None:
    """These texts are not wrapped: no two lines may be joined (that would glue a heading to the next
    sentence), and in particular no gold unit boundary may end up inside a join."""
    for block in blocks:
        text = block.text
        for i in range(len(text) - 1):
            if "\n" in source[text.ends[i] : text.starts[i + 1]] and "\n" not in text.text[i : i + 2]:
                glued = sorted(b for b in boundaries if text.ends[i] <= b <= text.starts[i + 1])
                raise AssertionError(f"{where}: lines joined at {text.ends[i]} (gold boundaries {glued})")


@pytest.mark.eval
@pytest.mark.parametrize("eval_set", ["kyoto-wiki", "ntrex-news"])
def test_eval_documents_map_back_exactly_and_keep_line_boundaries(eval_set: str) -> None:
    folders = sorted(path.parent for path in shared_or_skip("eval", eval_set).glob("*/gold.tsv"))
    assert folders
    for folder in folders:
        boundaries = dict(zip(("ja", "en"), gold_boundaries(folder / "gold.tsv"), strict=True))
        for lang in ("ja", "en"):
            source = (folder / f"{lang}.txt").read_text(encoding="utf-8")
            blocks = blocks_of(source, lang)  # type: ignore[arg-type]
            assert_no_line_joins_across_gold(source, blocks, boundaries[lang], f"{folder.name}/{lang}")


@pytest.mark.eval
def test_scale_document_normalizes_in_seconds() -> None:
    """~560k Japanese characters: normalization must not be the pipeline's bottleneck."""
    folder = shared_or_skip("eval", "scale", "kyoto-scale")
    boundaries = dict(zip(("ja", "en"), gold_boundaries(folder / "gold.tsv"), strict=True))
    for lang in ("ja", "en"):
        source = (folder / f"{lang}.txt").read_text(encoding="utf-8")
        started = time.perf_counter()
        blocks = normalize(document(source), lang).blocks  # type: ignore[arg-type]
        elapsed = time.perf_counter() - started
        assert elapsed < 10, f"{lang}: {elapsed:.1f} s"
        assert len(blocks) > 9000
        assert_no_line_joins_across_gold(source, blocks, boundaries[lang], f"kyoto-scale/{lang}")


# ---------------------------------------------------------------------------------------------------------
# English: wrapped lines and de-hyphenation
# ---------------------------------------------------------------------------------------------------------

ENGLISH_WRAPPED = (
    "Joint Statement on the Internet Economy\n"
    "\n"
    "The United States and Japan held the fifth meeting of the U.S.-Japan Policy\n"
    "Cooperation Dialogue on the Internet Economy in Tokyo on March 12 and 13, 2014.\n"
    "Both sides reaffirmed their support for the multistakeholder model of Internet\n"
    "governance and recognized the role of information and communications tech-\n"
    "nologies in economic growth, including the development of broadband infra-\n"
    "structure and of measures against cyber-\n"
    "attacks; both sides discussed cyber-attacks, the U.S.-\n"
    "Japan partnership and state-of-the-\n"
    "art research.\n"
    "\n"
    "(1) ICT for Growth\n"
    "\n"
    "ICT is an important pillar of the growth strategies pursued by both govern-\n"
    "ments. Innovation in ICT creates new value, and both sides agreed to continue\n"
    "exchanging views.\n"
)


def test_english_wrapped_lines_are_joined_with_a_space_and_dehyphenated() -> None:
    assert kinds_and_texts(blocks_of(ENGLISH_WRAPPED, "en")) == [
        ("heading", "Joint Statement on the Internet Economy"),
        (
            "paragraph",
            "The United States and Japan held the fifth meeting of the U.S.-Japan Policy Cooperation Dialogue"
            " on the Internet Economy in Tokyo on March 12 and 13, 2014. Both sides reaffirmed their support"
            " for the multistakeholder model of Internet governance and recognized the role of information and"
            " communications technologies in economic growth, including the development of broadband"
            " infrastructure and of measures against cyber-attacks; both sides discussed cyber-attacks, the"
            " U.S.-Japan partnership and state-of-the-art research.",
        ),
        ("heading", "(1) ICT for Growth"),
        (
            "paragraph",
            "ICT is an important pillar of the growth strategies pursued by both governments. Innovation in ICT"
            " creates new value, and both sides agreed to continue exchanging views.",
        ),
    ]


def test_dehyphenated_word_maps_to_both_halves() -> None:
    blocks = blocks_of(ENGLISH_WRAPPED, "en")
    paragraph = blocks[1].text
    at = paragraph.text.index("technologies")
    halves = [ENGLISH_WRAPPED[paragraph.starts[i] : paragraph.ends[i]] for i in range(at, at + len("technologies"))]
    assert "".join(halves) == "technologies"  # the hyphen and the line break are gone, nothing else
    assert paragraph.starts[at + 4] > paragraph.starts[at + 3] + 1  # "tech" | "nologies" on two lines


# ---------------------------------------------------------------------------------------------------------
# PDF text layers: running headers, footers, page numbers
# ---------------------------------------------------------------------------------------------------------

PDF_TEXT_LAYER = "\f".join(
    [
        "総務省 報道資料\n"
        "インターネットエコノミーに関する日米政策協力対話について、双方は、インターネットガ\n"
        "バナンスのマルチステークホルダーシステムに対する支持を再度表明し、情報通信技術の経\n"
        "済成長に果たす役割を認識した。\n"
        "(1) ICT による経済成長\n"
        "ICT は、日米両政府が追求する成長戦略の重要な柱として位置づけられるものである。技\n"
        "術革新の著しい ICT は、新たな付加価値の創造やイノベーションの創出、医療、教育、防\n"
        "- 1 -\n",
        "総務省 報道資料\n"
        "災等の向上、地球温暖化、エネルギー、食料・水資源など今後益々深刻化していく地球的\n"
        "課題を解決するための重要な手段である。\n"
        "(2) 開発のための ICT\n"
        "双方は、周波数管理及び電気通信サービス政策は、ICT インフラの整備及び信頼性の向上\n"
        "を通じて、防災に直接貢献できるとの認識を共有した。\n"
        "- 2 -\n",
        "総務省 報道資料\n"
        "日米両政府は、二国間協力に関する議論を継続しインターネットエコノミーに関するベス\n"
        "トプラクティスを共有することで合意した。\n"
        "3/3",
    ]
)


def test_pdf_running_headers_and_page_numbers_are_removed_and_pages_joined() -> None:
    blocks = blocks_of(PDF_TEXT_LAYER, "ja", "application/pdf")
    assert kinds_and_texts(blocks) == [
        (
            "paragraph",
            "インターネットエコノミーに関する日米政策協力対話について、双方は、インターネットガバナンスの"
            "マルチステークホルダーシステムに対する支持を再度表明し、情報通信技術の経済成長に果たす役割を認識した。",
        ),
        ("heading", "(1) ICTによる経済成長"),
        (
            "paragraph",
            "ICTは、日米両政府が追求する成長戦略の重要な柱として位置づけられるものである。技術革新の著しいICTは、"
            "新たな付加価値の創造やイノベーションの創出、医療、教育、防災等の向上、地球温暖化、エネルギー、"
            "食料・水資源など今後益々深刻化していく地球的課題を解決するための重要な手段である。",
        ),
        ("heading", "(2)開発のためのICT"),
        (
            "paragraph",
            "双方は、周波数管理及び電気通信サービス政策は、ICTインフラの整備及び信頼性の向上を通じて、"
            "防災に直接貢献できるとの認識を共有した。",
        ),
        (
            "paragraph",
            "日米両政府は、二国間協力に関する議論を継続しインターネットエコノミーに関するベストプラクティスを"
            "共有することで合意した。",
        ),
    ]


def test_the_same_text_as_plain_text_keeps_its_headers() -> None:
    """Header removal is for PDF text layers only: in a plain text file those lines are content."""
    texts = [block.text.text for block in blocks_of(PDF_TEXT_LAYER, "ja")]
    assert "総務省 報道資料" in texts or "総務省報道資料" in texts


def test_english_pdf_running_header_and_page_of_pages_footer() -> None:
    endings = {
        1: "the first page.",
        2: "the second page, whose last line is as long as the lines above it, and which",
        3: "the third page.",
    }
    pages = [
        "U.S.-Japan Joint Statement\n"
        "March 13, 2014\n"
        f"Paragraph {n} opens here and runs on for a while so that the line is wrapped at the\n"
        "right margin of the page, as text extracted from a PDF is, and goes on until\n"
        f"{endings[n]}\n"
        f"Page {n} of 3"
        for n in (1, 2, 3)
    ]
    blocks = blocks_of("\f".join(pages), "en", "application/pdf")
    body = (
        "opens here and runs on for a while so that the line is wrapped at the right margin of the page,"
        " as text extracted from a PDF is, and goes on until"
    )
    # The first body line of each page differs only in its digit, but it is long: not a running header.
    assert [block.text.text for block in blocks] == [
        f"Paragraph 1 {body} the first page.",
        # A full last line goes on on the next page.
        f"Paragraph 2 {body} the second page, whose last line is as long as the lines above it, and which"
        f" Paragraph 3 {body} the third page.",
    ]


# ---------------------------------------------------------------------------------------------------------
# Per-block normalization: NFKC clusters, spaces
# ---------------------------------------------------------------------------------------------------------


def test_nfkc_per_cluster_composes_half_width_dakuten_and_maps_to_the_cluster() -> None:
    source = "ﾃﾞｰﾀﾍﾞｰｽ　ＡＰＥＣ２０１４（案）"
    text = normalize_text(MappedText.identity(source), "ja")
    assert text.text == "データベースAPEC2014(案)"
    assert source[text.starts[0] : text.ends[0]] == "ﾃﾞ"
    assert source[text.starts[3] : text.ends[3]] == "ﾍﾞ"
    assert_maps_back(source, text)


def test_combining_marks_compose_with_their_base() -> None:
    source = "cafe\u0301 か\u3099"
    text = normalize_text(MappedText.identity(source), "en")
    assert text.text == "café が"
    assert source[text.starts[3] : text.ends[3]] == "e\u0301"


def test_japanese_spaces_removed_but_spaces_between_latin_words_kept() -> None:
    source = "2014 年 3 月 13 日、ICT による Study  Group1 の\u3000課題 22－1 と Alliance for the Affordable Internet"
    text = normalize_text(MappedText.identity(source), "ja")
    assert text.text == "2014年3月13日、ICTによるStudy Group1の課題22-1とAlliance for the Affordable Internet"
    assert_maps_back(source, text)


def test_english_spaces_folded_and_invisible_characters_dropped() -> None:
    source = "  Cyber\u00adsecurity \t and\u200b  cloud\u00a0computing  "
    text = normalize_text(MappedText.identity(source), "en")
    assert text.text == "Cybersecurity and cloud computing"
    assert_maps_back(source, text)


def test_display_width_counts_full_width_characters_twice() -> None:
    assert display_width("ICT による") == 4 + 6
    assert display_width("ＡＰＥＣ") == 8
    assert display_width("”Alliance”", "ja") == 12
    assert display_width("”Alliance”", "en") == 10


# ---------------------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " \n\n\u3000\n \f \n", "<html><body><script>x()</script></body></html>"])
def test_empty_document_is_a_clear_error(text: str) -> None:
    media_type = "text/html" if text.startswith("<") else "text/plain"
    with pytest.raises(TaiyakuError) as error:
        normalize(document(text, media_type, source="empty.txt"), "ja")
    assert error.value.where == "empty.txt"
    assert "document is empty" in error.value.problem


def test_unknown_media_type_is_a_clear_error() -> None:
    with pytest.raises(TaiyakuError, match="media type 'image/png'"):
        normalize(document("x", "image/png", source="scan.png"), "ja")


def test_lone_surrogates_from_a_broken_text_layer_become_replacement_characters() -> None:
    from taiyaku.segment import segment

    doc = SourceDocument("壊れた\ud800文字。", Provenance("broken.pdf", "0" * 64, 10, "text/plain", "utf-8"))
    blocks = normalize(doc, "ja").blocks
    assert blocks[0].text.text == "壊れた\ufffd文字。"
    assert blocks[0].text.source_span(3, 4) == (3, 4)
    assert [s.text for s in segment(blocks, "ja")] == ["壊れた\ufffd文字。"]
