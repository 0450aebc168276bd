"""statement.toml: reading and validating a registered statement."""

from __future__ import annotations

from pathlib import Path

import pytest

from taiyaku.corpora.statement import find_statements, load_statement
from taiyaku.errors import TaiyakuError

VALID = (
    'id = "us-japan-2014"\ntitle = "Joint Statement"\ndate = 2014-03-13\nglossary = "../glossaries/ict.tsv"\n'
    '[ja]\nsource = "ja.txt"\n[en]\nsource = "https://www.example.gov/statement.html"\n'
)


def statement_folder(tmp_path: Path, toml: str | bytes) -> Path:
    folder = tmp_path / "corpora" / "us-japan-2014"
    folder.mkdir(parents=True)
    data = toml.encode("utf-8") if isinstance(toml, str) else toml
    (folder / "statement.toml").write_bytes(data)
    return folder


def test_a_valid_statement(tmp_path: Path) -> None:
    folder = statement_folder(tmp_path, VALID)
    statement = load_statement(folder)
    assert (statement.id, statement.title, statement.date) == ("us-japan-2014", "Joint Statement", "2014-03-13")
    assert Path(statement.ja.source) == (folder / "ja.txt").resolve()
    assert statement.en.source == "https://www.example.gov/statement.html"
    assert statement.glossary == (tmp_path / "corpora" / "glossaries" / "ict.tsv").resolve()
    assert find_statements(tmp_path / "corpora") == [folder]


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    # Windows editors save UTF-8 with a BOM, which TOML does not allow: it was "not valid TOML".
    folder = statement_folder(tmp_path, b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode("utf-8"))
    assert load_statement(folder).id == "us-japan-2014"


@pytest.mark.parametrize(
    ("replace", "by", "problem"),
    [
        # A list of glossaries was silently ignored: every terminology check skipped without a word.
        ('glossary = "../glossaries/ict.tsv"', 'glossary = ["a.tsv", "b.tsv"]', "'glossary' must be one path"),
        ('source = "ja.txt"', 'source = "ja.txt"\nurl = 42', r"\[ja\] 'url' must be a string"),
        ('source = "ja.txt"', 'source = ""', r"\[ja\] needs a non-empty 'source'"),
        ('source = "ja.txt"', 'source = "ja.txt"\nsha256 = "ABC"', "64 lower-case hex digits"),
        ('id = "us-japan-2014"', 'id = "US Japan"', "'id' must be lower-case"),
        ("date = 2014-03-13", "date = ", "not valid TOML"),
    ],
)
def test_bad_statements_are_one_line_errors(tmp_path: Path, replace: str, by: str, problem: str) -> None:
    assert replace in VALID
    folder = statement_folder(tmp_path, VALID.replace(replace, by, 1))
    with pytest.raises(TaiyakuError, match=problem) as caught:
        load_statement(folder)
    assert caught.value.where == str(folder.resolve() / "statement.toml")
    assert "\n" not in str(caught.value)


def test_a_folder_without_a_statement(tmp_path: Path) -> None:
    with pytest.raises(TaiyakuError, match=r"no statement\.toml here"):
        load_statement(tmp_path)
