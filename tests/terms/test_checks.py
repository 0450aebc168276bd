"""Terminology checks: matching rules (Japanese on GiNZA/Sudachi, English folding) and the six checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taiyaku.eval.terms_qa import beads_from_pairs
from taiyaku.model import BeadRecord, Finding
from taiyaku.pipeline import check_corpus
from taiyaku.publish.corpus import render_jsonl, render_tmx
from taiyaku.terms.checks import CHECKS, check_terms
from taiyaku.terms.glossary import Glossary, GlossaryEntry
from taiyaku.terms.matching import TermMatcher


def glossary(*entries: GlossaryEntry) -> Glossary:
    return Glossary(tuple(entries))


def check(pairs: list[tuple[str, str]], gloss: Glossary | None) -> list[Finding]:
    beads, ja, en = beads_from_pairs(pairs)
    return check_terms(beads, ja, en, gloss)


def summary(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.bead_id, f.check) for f in findings]


def japanese_terms(gloss: Glossary, text: str) -> list[tuple[str, str]]:
    return [(m.term.entry.ja, m.surface) for m in TermMatcher(gloss).find_japanese(text)]


# --- the check table ------------------------------------------------------------------------------------


def test_check_table() -> None:
    assert list(CHECKS) == [
        "term-missing",
        "term-forbidden",
        "term-inconsistent",
        "number-mismatch",
        "latin-mismatch",
        "untranslated",
    ]
    assert all(check_id == check.id for check_id, check in CHECKS.items())
    assert CHECKS["term-forbidden"].severity == "error" and CHECKS["term-missing"].severity == "warning"
    assert all(c.severity in ("error", "warning", "info") and c.meaning for c in CHECKS.values())


# --- Japanese matching ----------------------------------------------------------------------------------


def test_japanese_normalized_forms_match() -> None:
    gloss = glossary(
        GlossaryEntry("取り組み", "initiative"),
        GlossaryEntry("サイバーセキュリティー", "cybersecurity"),
        GlossaryEntry("取り組む", "address"),
    )
    assert japanese_terms(gloss, "政府の取組を評価した。") == [("取り組み", "取組")]
    assert japanese_terms(gloss, "サイバーセキュリティの向上") == [("サイバーセキュリティー", "サイバーセキュリティ")]
    assert japanese_terms(gloss, "課題に取り組んだ。") == [("取り組む", "取り組ん")]
    assert japanese_terms(gloss, "ＡＰＥＣやOECD") == []


def test_short_term_does_not_match_inside_an_unrelated_word() -> None:
    gloss = glossary(GlossaryEntry("京都", "Kyoto"), GlossaryEntry("IT", "information technology"))
    assert japanese_terms(gloss, "東京都で開催した。") == []
    assert japanese_terms(gloss, "京都で開催した。") == [("京都", "京都")]
    assert japanese_terms(gloss, "ITUの会合") == []


def test_longest_match_wins() -> None:
    gloss = glossary(
        GlossaryEntry("ガバナンス", "governance"),
        GlossaryEntry("インターネット", "Internet"),
        GlossaryEntry("インターネットガバナンス", "Internet governance"),
    )
    found = japanese_terms(gloss, "インターネットガバナンスとインターネットの発展、企業のガバナンス")
    assert found == [
        ("インターネットガバナンス", "インターネットガバナンス"),
        ("インターネット", "インターネット"),
        ("ガバナンス", "ガバナンス"),
    ]


def test_katakana_term_inside_a_katakana_compound() -> None:
    gloss = glossary(GlossaryEntry("クラウドコンピューティング", "cloud computing"), GlossaryEntry("データ", "data"))
    found = japanese_terms(gloss, "サイバーフィジカルクラウドコンピューティング分野")
    assert found == [("クラウドコンピューティング", "クラウドコンピューティング")]


def test_middle_dot_and_spaces_are_ignored() -> None:
    gloss = glossary(GlossaryEntry("インターネットエコノミー", "Internet economy"))
    assert japanese_terms(gloss, "日米インターネット・エコノミー民間会合")[0][0] == "インターネットエコノミー"


# --- English matching -----------------------------------------------------------------------------------

STAKEHOLDER = GlossaryEntry("マルチステークホルダー", "multistakeholder")


@pytest.mark.parametrize(
    "english",
    ["The multistakeholder model.", "The multi-stakeholder model.", "The Multi Stakeholder model."],
)
def test_english_is_case_hyphen_and_space_insensitive(english: str) -> None:
    assert check([("マルチステークホルダーの仕組み。", english)], glossary(STAKEHOLDER)) == []


def test_english_is_inflection_aware() -> None:
    gloss = glossary(
        GlossaryEntry("パートナーシップ", "partnership"),
        GlossaryEntry("ベストプラクティス", "best practice"),
        GlossaryEntry("共有する", "share"),
    )
    pairs = [
        ("官民のパートナーシップを含む。", "Including public-private partnerships."),
        ("ベストプラクティスを共有する。", "They shared best practices."),
    ]
    assert check(pairs, gloss) == []
    missing = check([("パートナーシップを含む。", "Including partners.")], gloss)
    assert summary(missing) == [("b0", "term-missing")]


def test_short_acronym_must_match_in_capitals() -> None:
    gloss = glossary(GlossaryEntry("情報技術", "IT"))
    assert summary(check([("情報技術の活用。", "Using it well.")], gloss)) == [("b0", "term-missing")]
    assert check([("情報技術の活用。", "Using IT well.")], gloss) == []


ITU = GlossaryEntry("国際電気通信連合", "International Telecommunication Union (ITU)")


def test_acronym_entry_is_satisfied_by_the_full_name_or_both() -> None:
    assert (
        check([("国際電気通信連合の会議。", "A meeting of the International Telecommunication Union.")], glossary(ITU))
        == []
    )
    assert (
        check(
            [("国際電気通信連合の会議。", "A meeting of the International Telecommunication Union (ITU).")],
            glossary(ITU),
        )
        == []
    )


def test_acronym_alone_only_after_first_mention() -> None:
    introduced = [
        ("国際電気通信連合の会議。", "A meeting of the International Telecommunication Union (ITU)."),
        ("国際電気通信連合の決議。", "A resolution of the ITU."),
    ]
    assert check(introduced, glossary(ITU)) == []
    not_introduced = [
        ("国際電気通信連合の決議。", "A resolution of the ITU."),
        ("国際電気通信連合の会議。", "A meeting of the International Telecommunication Union."),
    ]
    findings = check(not_introduced, glossary(ITU))
    assert summary(findings) == [("b0", "term-missing")]
    assert findings[0].found == "ITU" and "before" in findings[0].message


# --- the checks -----------------------------------------------------------------------------------------

CYBER = GlossaryEntry("サイバーセキュリティ", "cybersecurity", (), ("cyber security", "cyber-security"))
MIC = GlossaryEntry(
    "総務省", "Ministry of Internal Affairs and Communications", ("MIC",), ("Ministry of Internal Affairs",)
)
CABINET_SECRETARIAT = GlossaryEntry("内閣官房", "Cabinet Secretariat", (), ("Cabinet Office",))
CABINET_OFFICE = GlossaryEntry("内閣府", "Cabinet Office")


def test_term_missing_names_bead_term_and_expectation() -> None:
    findings = check([("サイバーセキュリティの強化。", "Strengthening security online.")], glossary(CYBER))
    assert findings == [
        Finding(
            "b0",
            "term-missing",
            "warning",
            "サイバーセキュリティ",
            "cybersecurity",
            "",
            "サイバーセキュリティ: none of 'cybersecurity' is in the English",
        )
    ]


def test_term_forbidden_instead_of_missing() -> None:
    findings = check([("サイバーセキュリティの強化。", "Strengthening cyber security.")], glossary(CYBER))
    assert summary(findings) == [("b0", "term-forbidden")]
    assert findings[0].found == "cyber security" and findings[0].expected == "cybersecurity"
    assert findings[0].severity == "error"


def test_forbidden_inside_a_longer_allowed_rendering_is_fine() -> None:
    assert (
        check([("総務省が実施。", "The Ministry of Internal Affairs and Communications conducts it.")], glossary(MIC))
        == []
    )
    assert summary(
        check([("総務省が実施。", "The Ministry of Internal Affairs (MIC) conducts it.")], glossary(MIC))
    ) == [("b0", "term-forbidden")]


def test_forbidden_rendering_claimed_by_another_term_of_the_bead() -> None:
    gloss = glossary(CABINET_SECRETARIAT, CABINET_OFFICE)
    both = [("内閣官房及び内閣府の代表。", "Representatives of the Cabinet Secretariat and the Cabinet Office.")]
    assert check(both, gloss) == []
    wrong = [("内閣官房の代表。", "Representatives of the Cabinet Office.")]
    assert summary(check(wrong, gloss)) == [("b0", "term-forbidden")]


def test_forbidden_that_differs_only_by_inflection() -> None:
    gloss = glossary(
        GlossaryEntry(
            "国際電気通信連合",
            "International Telecommunication Union",
            ("ITU",),
            ("International Telecommunications Union",),
        )
    )
    findings = check([("国際電気通信連合の会議。", "A meeting of the International Telecommunications Union.")], gloss)
    assert summary(findings) == [("b0", "term-forbidden")]
    assert check([("国際電気通信連合の会議。", "A meeting of the International Telecommunication Union.")], gloss) == []


def test_term_inconsistent_reports_counts_on_the_deviating_bead() -> None:
    gloss = glossary(GlossaryEntry("ベストプラクティス", "best practice", ("good practice",)))
    pairs = [
        ("ベストプラクティスを共有した。", "They shared best practices."),
        ("ベストプラクティスを集めた。", "They collected good practices."),
        ("ベストプラクティスを公表した。", "They published best practices."),
    ]
    findings = check(pairs, gloss)
    assert summary(findings) == [("b1", "term-inconsistent")]
    assert findings[0].expected == "best practice" and findings[0].found == "good practice"
    assert "'best practice' in 2 beads, 'good practice' in 1 bead" in findings[0].message


def test_spelling_variant_is_a_different_rendering_but_an_acronym_is_not() -> None:
    gloss = glossary(
        GlossaryEntry("マルチステークホルダー", "multistakeholder", ("multi-stakeholder",)),
        MIC,
    )
    pairs = [
        (
            "マルチステークホルダーの体制。総務省",
            "A multistakeholder system. Ministry of Internal Affairs and Communications",
        ),
        ("マルチステークホルダーの会合。総務省", "A multistakeholder meeting. MIC"),
        ("マルチステークホルダーの原則。総務省", "Multi-stakeholder principles. MIC"),
    ]
    assert summary(check(pairs, gloss)) == [("b2", "term-inconsistent")]


def test_a_tie_is_not_an_inconsistency() -> None:
    gloss = glossary(GlossaryEntry("官民", "public-private", ("public and private sectors",)))
    pairs = [
        ("官民のパートナーシップ。", "Public-private partnerships."),
        ("官民双方による協力。", "Cooperation by both the public and private sectors."),
    ]
    assert check(pairs, gloss) == []


@pytest.mark.parametrize(
    ("ja", "en"),
    [
        ("2014年3月13日", "March 13, 2014"),
        ("２０１４年１０月", "October 2014"),
        ("第5回局長級会合", "The fifth Director-General-level meeting"),
        ("第5回局長級会合", "The 5th Director-General-level meeting"),
        ("7つの新規プロジェクト", "seven new projects"),
        ("千人が参加した。", "A thousand people took part."),
        ("1,000人が参加した。", "1,000 people took part."),
        ("課題22－1の会合", "meetings on Question 22-1"),
        ("双方は合意した。", "The two sides agreed."),
    ],
)
def test_numbers_that_agree(ja: str, en: str) -> None:
    assert check([(ja, en)], None) == []


@pytest.mark.parametrize(
    ("ja", "en", "expected", "found"),
    [
        ("2014年3月13日", "March 14, 2014", "13", "14"),
        ("第5回局長級会合", "The sixth Director-General-level meeting", "5", "sixth"),
        ("7つの新規プロジェクト", "six new projects", "7", "six"),
        ("２０１４年１０月に開催", "held in October 2015", "2014", "2015"),
        ("課題22－1の会合", "meetings on Question 22", "22-1", ""),
    ],
)
def test_number_mismatch(ja: str, en: str, expected: str, found: str) -> None:
    (finding,) = check([(ja, en)], None)
    assert finding.check == "number-mismatch" and finding.severity == "error"
    assert finding.expected == expected and finding.found == found


@pytest.mark.parametrize(
    ("ja", "en"),
    [
        ("ICTの役割", "The role of information technology"),
        ("ITU電気通信開発部門（ITU-D）の会合", "A meeting of the ITU Telecommunication Development Sector"),
        ("第一研究委員会（SG1）の課題", "A question of Study Group 1"),
        ("「NETMundial会議」", "the global meeting"),
    ],
)
def test_latin_mismatch(ja: str, en: str) -> None:
    findings = check([(ja, en)], None)
    assert summary(findings) == [("b0", "latin-mismatch")]
    assert findings[0].ja_term in ja


def test_latin_tokens_found_case_insensitively_and_joined() -> None:
    pairs = [
        ("「NETMundial会議」", "the NETmundial meeting"),
        ("第一研究委員会（SG1：Study Group1）", "Study Group 1 (SG1)"),
        ("ワシントンＤＣで", "in Washington, D.C."),
        ("ITU-Dの会合", "a meeting of ITU-D"),
    ]
    assert check(pairs, None) == []


def test_latin_token_spelled_out_only_where_the_glossary_says_so() -> None:
    gloss = glossary(GlossaryEntry("情報通信技術", "information and communications technology", ("ICT",)))
    spelled_out = [("ICTの役割", "The role of information and communications technology")]
    assert check(spelled_out, None) != []
    assert check(spelled_out, gloss) == []


def test_latin_inside_a_glossary_term_is_judged_by_the_term_checks() -> None:
    gloss = glossary(GlossaryEntry("APECプライバシーフレームワーク", "APEC Privacy Framework"))
    pairs = [("ＡＰＥＣプライバシーフレームワークを支持する。", "They support the regional privacy rules.")]
    findings = check(pairs, gloss)
    assert summary(findings) == [("b0", "term-missing")]


def test_untranslated() -> None:
    pairs = [
        ("双方は一致した。", ""),
        ("", "This page is also available in Japanese."),
        ("共同声明", "The 共同声明 was welcomed."),
        ("参加者", "Participants"),
    ]
    findings = check(pairs, None)
    assert summary(findings) == [("b0", "untranslated"), ("b1", "untranslated"), ("b2", "untranslated")]
    assert findings[2].found == "共同声明"


def test_only_the_glossary_free_checks_run_without_a_glossary() -> None:
    pairs = [("サイバーセキュリティとICT、2014年", "Cyber security and information technology, 2015")]
    assert summary(check(pairs, None)) == [("b0", "number-mismatch"), ("b0", "latin-mismatch")]
    assert summary(check(pairs, glossary(CYBER))) == [
        ("b0", "term-forbidden"),
        ("b0", "number-mismatch"),
        ("b0", "latin-mismatch"),
    ]


def test_findings_are_sorted_by_bead_then_check() -> None:
    gloss = glossary(GlossaryEntry("ベストプラクティス", "best practice", ("good practice",)), CYBER)
    pairs = [
        ("ベストプラクティス", "best practice"),
        ("ベストプラクティスとサイバーセキュリティ、2014年", "good practice and cyber security, 2015"),
        ("ベストプラクティス", "best practice"),
        ("その他", ""),
    ]
    findings = check(pairs, gloss)
    assert summary(findings) == [
        ("b1", "term-forbidden"),
        ("b1", "term-inconsistent"),
        ("b1", "number-mismatch"),
        ("b3", "untranslated"),
    ]
    assert findings == check(pairs, gloss)


def test_bead_longer_than_sudachis_limit_is_checked() -> None:
    japanese = "サイバーセキュリティの強化と" * 1300 + "協力。"  # 54 KB of UTF-8: more than one Sudachi call takes
    findings = check([(japanese, "Strengthening cyber security.")], glossary(CYBER))
    assert summary(findings) == [("b0", "term-forbidden")]


# --- taiyaku check CORPUS ---------------------------------------------------------------------------------


def records() -> list[BeadRecord]:
    return [
        BeadRecord(
            "b0", "サイバーセキュリティの強化。", "Strengthening cyber security.", ((0, 14),), ((0, 29),), "1-1", 0.9
        ),
        BeadRecord("b1", "2014年3月13日", "March 13, 2014", ((15, 25),), ((30, 44),), "1-1", 0.95),
        BeadRecord("b2", "その他", "", ((26, 29),), (), "1-0", 0.5),
    ]


def test_check_corpus_reads_jsonl_and_tmx(tmp_path: Path) -> None:
    glossary_path = tmp_path / "g.tsv"
    glossary_path.write_text(
        "ja\ten\tvariants\tforbidden\tnote\nサイバーセキュリティ\tcybersecurity\t\tcyber security\t\n", encoding="utf-8"
    )
    jsonl = tmp_path / "corpus.jsonl"
    jsonl.write_text(render_jsonl(records()), encoding="utf-8")
    assert summary(check_corpus(jsonl, glossary_path)) == [("b0", "term-forbidden"), ("b2", "untranslated")]
    tmx = tmp_path / "corpus.tmx"
    tmx.write_text(render_tmx(records()), encoding="utf-8")
    assert summary(check_corpus(tmx, glossary_path))[0] == ("b0", "term-forbidden")
    # A hand-edited corpus: the translator fixed b0 and broke b1.
    edited = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    edited[0]["en"] = "Strengthening cybersecurity."
    edited[1]["en"] = "March 31, 2014"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in edited), encoding="utf-8")
    assert summary(check_corpus(jsonl, glossary_path)) == [("b1", "number-mismatch"), ("b2", "untranslated")]
    assert summary(check_corpus(jsonl, None)) == [("b1", "number-mismatch"), ("b2", "untranslated")]
