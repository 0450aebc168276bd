"""Glossary files: TSV / CSV / TBX reading and writing, and the errors a malformed file gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from support.paths import PROJECT_GLOSSARY

from taiyaku.errors import TaiyakuError
from taiyaku.terms.glossary import (
    TBX_NAMESPACE,
    Glossary,
    GlossaryEntry,
    convert_glossary,
    load_glossary,
    render_table,
    render_tbx,
    write_glossary,
)

HEADER = "ja\ten\tvariants\tforbidden\tnote\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def error_of(path: Path) -> TaiyakuError:
    with pytest.raises(TaiyakuError) as caught:
        load_glossary(path)
    return caught.value


# --- TSV ------------------------------------------------------------------------------------------------


def test_tsv_columns_lists_and_notes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "g.tsv",
        "\ufeff# a comment line\n"
        + HEADER
        + "サイバーセキュリティ\tcybersecurity\t\tcyber security|cyber-security\tOne word.\n"
        + "\n"
        + "総務省\tMinistry of Internal Affairs and Communications\tMIC | MIAC\t\t\n",
    )
    glossary = load_glossary(path)
    assert glossary.source == str(path)
    assert glossary.entries == (
        GlossaryEntry("サイバーセキュリティ", "cybersecurity", (), ("cyber security", "cyber-security"), "One word."),
        GlossaryEntry("総務省", "Ministry of Internal Affairs and Communications", ("MIC", "MIAC"), (), ""),
    )
    assert glossary.entries[1].allowed == ("Ministry of Internal Affairs and Communications", "MIC", "MIAC")


def test_tsv_columns_in_any_order_and_optional_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "g.tsv", "en\tja\nopen data\tオープンデータ\n")
    assert load_glossary(path).entries == (GlossaryEntry("オープンデータ", "open data"),)


def test_project_glossary_loads() -> None:
    glossary = load_glossary(PROJECT_GLOSSARY)
    assert len(glossary.entries) >= 60
    by_ja = {entry.ja: entry for entry in glossary.entries}
    assert by_ja["国際電気通信連合"].en == "International Telecommunication Union"
    assert "ITU" in by_ja["国際電気通信連合"].variants
    assert "cyber security" in by_ja["サイバーセキュリティ"].forbidden


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("ja\tvariants\n", 1, "missing column 'en'"),
        ("ja\ten\tvaraints\n", 1, "unknown column 'varaints'"),
        (HEADER + "総務省\tMinistry of Internal Affairs\t\t\t\n国際機関\n", 3, "missing column 'en'"),
        (HEADER + "総務省\tMIC\n", 2, "missing column 'variants'"),
        (HEADER + "\tcybersecurity\t\t\t\n", 2, "empty 'ja' term"),
        (HEADER + "# c\nオープンデータ\t \t\t\t\n", 3, "empty 'en' term"),
        (HEADER + "a\tb\tc\td\te\tf\n", 2, "6 fields"),
        (HEADER + "サイバー攻撃\tcyberattack\tcyber attack\tCyber Attack\t\n", 2, "both allowed and forbidden"),
        ("", 1, "empty glossary"),
    ],
)
def test_tsv_errors_name_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = write(tmp_path, "bad.tsv", text)
    error = error_of(path)
    assert error.where == f"{path}:{line}"
    assert problem in error.problem


def test_tsv_lines_end_only_at_line_breaks(tmp_path: Path) -> None:
    # CRLF line ends; a note holding U+2028 (line separator), U+0085 and a form feed, which
    # str.splitlines would take for line ends; line numbers in errors count real lines.
    text = HEADER + "総務省\tMIC\t\t\tsee\u2028the\x85guide\x0cp. 3\n" + "\tx\t\t\t\n"
    path = tmp_path / "crlf.tsv"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    error = error_of(path)
    assert (error.where, error.problem) == (f"{path}:3", "empty 'ja' term")
    path.write_bytes(text.rsplit("\n", 2)[0].replace("\n", "\r\n").encode("utf-8"))
    assert load_glossary(path).entries == (GlossaryEntry("総務省", "MIC", note="see\u2028the\x85guide\x0cp. 3"),)
    # XML has no form feed: converting to TBX is refused with a clear error, and writes nothing.
    with pytest.raises(TaiyakuError, match="cannot be written to TBX"):
        convert_glossary(path, tmp_path / "out.tbx")
    assert not (tmp_path / "out.tbx").exists()


def test_duplicate_with_conflicting_target_names_both_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "dup.tsv",
        HEADER + "覚書\tmemorandum of understanding\tMOU\t\t\n国際機関\tinternational organization\t\t\t\n"
        "覚書\tmemorandum\t\t\t\n",
    )
    error = error_of(path)
    assert error.where == f"{path}:4"
    assert "duplicate entry '覚書'" in error.problem and "line 2" in error.problem


def test_duplicate_with_the_same_target_is_merged(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "dup.tsv",
        HEADER + "覚書\tmemorandum of understanding\tMOU\t\tfirst\n覚書\tmemorandum of understanding\tMoU|MOU\t"
        "memorandum of agreement\tsecond\n",
    )
    assert load_glossary(path).entries == (
        GlossaryEntry(
            "覚書", "memorandum of understanding", ("MOU", "MoU"), ("memorandum of agreement",), "first; second"
        ),
    )


def test_duplicate_that_forbids_what_the_other_allows(tmp_path: Path) -> None:
    path = write(tmp_path, "dup.tsv", HEADER + "覚書\tMOU\tmemo\t\t\n覚書\tMOU\t\tmemo\t\n")
    error = error_of(path)
    assert error.where == f"{path}:3" and "allowed on one line and forbidden" in error.problem


def test_file_problems(tmp_path: Path) -> None:
    assert error_of(tmp_path / "missing.tsv").problem == "no such glossary file"
    assert "unknown glossary format" in error_of(write(tmp_path, "g.txt", HEADER)).problem
    bad = tmp_path / "latin1.tsv"
    bad.write_bytes(HEADER.encode() + "総務省\tMIC\t\t\t\n".encode() + b"caf\xe9\tcafe\t\t\t\n")
    assert error_of(bad).where == f"{bad}:3"


# --- CSV ------------------------------------------------------------------------------------------------


def test_csv_with_quoted_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "g.csv",
        "ja,en,variants,forbidden,note\n"
        '経済産業省,"Ministry of Economy, Trade and Industry",METI,MITI,"Pre-2001: ""MITI"""\n',
    )
    assert load_glossary(path).entries == (
        GlossaryEntry(
            "経済産業省", "Ministry of Economy, Trade and Industry", ("METI",), ("MITI",), 'Pre-2001: "MITI"'
        ),
    )


def test_csv_errors_count_lines_across_quoted_line_breaks(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", 'ja,en,variants,forbidden,note\nA,b,,,"two\nlines"\n,c,,,\n')
    error = error_of(path)
    assert error.where == f"{path}:4" and "empty 'ja' term" in error.problem


# --- TBX ------------------------------------------------------------------------------------------------


def test_tsv_to_tbx_to_tsv_is_lossless(tmp_path: Path) -> None:
    original = load_glossary(PROJECT_GLOSSARY)
    tbx = tmp_path / "ict.tbx"
    convert_glossary(PROJECT_GLOSSARY, tbx)
    back = tmp_path / "back.tsv"
    convert_glossary(tbx, back)
    assert load_glossary(tbx).entries == original.entries
    assert back.read_text(encoding="utf-8") == render_table(original, "\t")
    assert any(entry.note for entry in load_glossary(back).entries)  # notes survive
    csv_copy = tmp_path / "copy.csv"
    convert_glossary(back, csv_copy)
    assert load_glossary(csv_copy).entries == original.entries


def test_tbx_structure_and_statuses() -> None:
    glossary = Glossary((GlossaryEntry("サイバー攻撃", "cyberattack", ("cyber-attack",), ("cyber-assault",), "n"),))
    root = etree.fromstring(render_tbx(glossary).encode("utf-8"))
    ns = {"t": TBX_NAMESPACE}
    assert root.tag == f"{{{TBX_NAMESPACE}}}tbx" and root.get("type") == "TBX-Basic"
    (concept,) = root.findall(".//t:conceptEntry", ns)
    assert concept.findtext("t:note", namespaces=ns) == "n"
    langs = {sec.get("{http://www.w3.org/XML/1998/namespace}lang"): sec for sec in concept.findall("t:langSec", ns)}
    statuses = [
        (sec.findtext("t:term", namespaces=ns), sec.findtext("t:termNote", namespaces=ns))
        for sec in langs["en"].findall("t:termSec", ns)
    ]
    assert statuses == [
        ("cyberattack", "preferredTerm-admn-sts"),
        ("cyber-attack", "admittedTerm-admn-sts"),
        ("cyber-assault", "deprecatedTerm-admn-sts"),
    ]
    assert langs["ja"].findtext("t:termSec/t:term", namespaces=ns) == "サイバー攻撃"


def test_render_is_deterministic() -> None:
    glossary = load_glossary(PROJECT_GLOSSARY)
    assert render_tbx(glossary) == render_tbx(load_glossary(PROJECT_GLOSSARY))


def test_reads_tbx_2008_martif(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "old.tbx",
        """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
  <termEntry id="e1">
    <descrip type="definition">ignored</descrip>
    <langSet xml:lang="ja-JP"><tig><term>周波数管理</term></tig></langSet>
    <langSet xml:lang="en-US">
      <tig><term>spectrum management</term></tig>
      <ntig><termGrp><term>frequency management</term>
        <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termGrp></ntig>
      <tig><term>frequency control</term><termNote type="administrativeStatus">supersededTerm-admn-sts</termNote>
        <note>old usage</note></tig>
    </langSet>
  </termEntry>
</body></text></martif>
""",
    )
    assert load_glossary(path).entries == (
        GlossaryEntry(
            "周波数管理", "spectrum management", ("frequency management",), ("frequency control",), "old usage"
        ),
    )


def test_reads_tbx_v3_dct_style_in_utf16(tmp_path: Path) -> None:
    # DCT style puts the status in an element of the TBX-Basic module namespace; the file is UTF-16, as
    # some terminology tools export it (the XML declaration and the BOM say so).
    text = f"""<?xml version="1.0" encoding="UTF-16"?>
<tbx xmlns="{TBX_NAMESPACE}" xmlns:basic="http://www.tbxinfo.net/ns/basic" type="TBX-Basic" style="dct"
     xml:lang="en"><tbxHeader/><text><body>
  <conceptEntry id="c1">
    <langSec xml:lang="ja"><termSec><term>サイバー攻撃</term></termSec></langSec>
    <langSec xml:lang="en">
      <termSec><term>cyberattack</term><basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus>
      </termSec>
      <termSec><term>cyber-attack</term><basic:administrativeStatus>admittedTerm-admn-sts</basic:administrativeStatus>
      </termSec>
      <termSec><term>cyber assault</term>
        <basic:administrativeStatus>deprecatedTerm-admn-sts</basic:administrativeStatus></termSec>
    </langSec>
  </conceptEntry>
</body></text></tbx>
"""
    path = write(tmp_path, "dct.tbx", text, encoding="utf-16")
    assert load_glossary(path).entries == (
        GlossaryEntry("サイバー攻撃", "cyberattack", ("cyber-attack",), ("cyber assault",)),
    )
    bad = write(tmp_path, "bad.tbx", text.replace("deprecatedTerm-admn-sts", "obsolete"), encoding="utf-16")
    assert error_of(bad).problem == "unknown administrativeStatus 'obsolete'"


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        (
            '<conceptEntry id="c1">\n<langSec xml:lang="ja"><termSec><term>覚書</term></termSec></langSec>\n'
            "</conceptEntry>",
            5,
            "no English term",
        ),
        (
            '<conceptEntry id="c1">\n<langSec xml:lang="en"><termSec><term>MOU</term></termSec></langSec>\n'
            "</conceptEntry>",
            5,
            "without a Japanese term",
        ),
        (
            '<conceptEntry id="c1"><langSec xml:lang="ja"><termSec><term>覚書</term></termSec></langSec>\n'
            '<langSec xml:lang="en"><termSec><term>MOU</term>\n'
            '<termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termSec></langSec></conceptEntry>',
            5,
            "no preferred English term",
        ),
        (
            '<conceptEntry id="c1"><langSec xml:lang="ja"><termSec><term>覚書</term></termSec></langSec>\n'
            '<langSec xml:lang="en"><termSec><term> </term></termSec></langSec></conceptEntry>',
            6,
            "empty term",
        ),
        (
            '<conceptEntry id="c1"><langSec xml:lang="ja"><termSec><term>覚書</term></termSec></langSec>\n'
            '<langSec xml:lang="en"><termSec><term>MOU</term>\n<termNote type="administrativeStatus">approved'
            "</termNote></termSec></langSec></conceptEntry>",
            7,
            "unknown administrativeStatus 'approved'",
        ),
        ('<conceptEntry id="c1">\n<langSec xml:lang="ja"><termSec><term>覚書</termSec>', 6, "not well-formed XML"),
    ],
)
def test_tbx_errors_name_file_and_line(tmp_path: Path, body: str, line: int, problem: str) -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<tbx xmlns="{TBX_NAMESPACE}" type="TBX-Basic" style="dca" xml:lang="en">\n'
        "<text><body>\n"
        "\n"
        f"{body}\n"
        "</body></text></tbx>\n"
    )
    path = write(tmp_path, "bad.tbx", text)
    error = error_of(path)
    assert problem in error.problem
    assert error.where == f"{path}:{line}"


def test_not_a_tbx_file(tmp_path: Path) -> None:
    path = write(tmp_path, "x.tbx", "<?xml version='1.0'?>\n<tmx/>\n")
    assert "not a TBX file" in error_of(path).problem


def test_malformed_source_writes_nothing(tmp_path: Path) -> None:
    source = write(tmp_path, "bad.tsv", HEADER + "\tx\t\t\t\n")
    destination = tmp_path / "out.tbx"
    with pytest.raises(TaiyakuError):
        convert_glossary(source, destination)
    assert not destination.exists()
    with pytest.raises(TaiyakuError):
        write_glossary(load_glossary(PROJECT_GLOSSARY), tmp_path / "out.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tsv"]
