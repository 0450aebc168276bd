"""Hostile statements (issue 9, items 1-3): no file outside a statement's folder is read, no statement
publishes over another, and what taiyaku publishes is readable by others (umask modes, not 0600 / 0700).

Statement folders are contributed and reviewed like code, so every case here is a ``statement.toml`` (or a
symlink) an attacker could put in a pull request.  Each one must be refused before anything is read, with
one line naming the statement file and the problem.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.paths import STATEMENT_DIR

from taiyaku.cli import main
from taiyaku.corpora.corrections import append_correction
from taiyaku.corpora.snapshots import add_statement
from taiyaku.corpora.statement import load_statement
from taiyaku.errors import TaiyakuError
from taiyaku.io import atomic_write, write_files_atomically
from taiyaku.model import Correction
from taiyaku.publish.manifest import write_publication

SECRET = "root:x:0:0:secret-marker:/root:/bin/bash\n"
JAPANESE = "第5回日米インターネットエコノミー対話を東京で開催した。双方は協力を確認した。\n"
ENGLISH = "<p>The fifth dialogue was held in Tokyo. Both sides confirmed their cooperation.</p>\n"


@pytest.fixture
def corpora(tmp_path: Path) -> Path:
    """corpora/ with a shared glossary, and a secret file outside it that no statement may read."""
    root = tmp_path / "repo" / "corpora"
    (root / "glossaries").mkdir(parents=True)
    (root / "glossaries" / "terms.tsv").write_text("ja\ten\n総務省\tMIC\n", encoding="utf-8")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "passwd").write_text(SECRET, encoding="utf-8")
    (tmp_path / "secret" / "terms.tsv").write_text("ja\ten\n秘密\tsecret-marker\n", encoding="utf-8")
    return root


def make_statement(
    corpora: Path, name: str = "doc", *, ja: str = "ja.txt", en: str = "en.html", extra: str = "", sid: str = ""
) -> Path:
    folder = corpora / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ja.txt").write_text(JAPANESE, encoding="utf-8")
    (folder / "en.html").write_text(ENGLISH, encoding="utf-8")
    toml = f'id = "{sid or name}"\n{extra}[ja]\nsource = "{ja}"\n[en]\nsource = "{en}"\n'
    (folder / "statement.toml").write_text(toml, encoding="utf-8")
    return folder


def secret(corpora: Path) -> Path:
    return corpora.parent.parent / "secret" / "passwd"


def refused(folder: Path, problem: str) -> TaiyakuError:
    with pytest.raises(TaiyakuError, match=problem) as caught:
        load_statement(folder)
    assert caught.value.where == str(folder.resolve() / "statement.toml")
    assert "\n" not in str(caught.value) and "secret-marker" not in str(caught.value)
    return caught.value


# ------------------------------------------------------------------------ item 1: local files stay inside


@pytest.mark.parametrize(
    ("en", "problem"),
    [
        ("../../../../../../../../../../etc/passwd", r"\[en\] source .* lies outside the statement folder"),
        ("/etc/passwd", r"\[en\] source '/etc/passwd' lies outside the statement folder"),
        ("file:///etc/passwd", r"\[en\] source 'file:///etc/passwd': a file:// source is not allowed"),
        ("FILE:///etc/passwd", "a file:// source is not allowed"),
        ("ftp://example.org/en.html", "a ftp:// source is not allowed"),
        ("../../secret/passwd", "lies outside the statement folder"),
        ("../other/en.html", "lies outside the statement folder"),  # another statement's file
        ("sub/../../../secret/passwd", "lies outside the statement folder"),
        (".", "lies outside the statement folder"),  # the folder itself
    ],
)
def test_a_source_outside_the_statement_folder_is_refused(corpora: Path, en: str, problem: str) -> None:
    make_statement(corpora, "other")
    refused(make_statement(corpora, en=en), problem)


def test_a_symlinked_source_that_leads_outside_is_refused(corpora: Path) -> None:
    folder = make_statement(corpora)
    (folder / "en.html").unlink()
    (folder / "en.html").symlink_to(secret(corpora))
    refused(folder, r"\[en\] source 'en.html' lies outside the statement folder \(symlinks resolved\)")


def test_a_source_below_a_symlinked_subfolder_that_leads_outside_is_refused(corpora: Path) -> None:
    folder = make_statement(corpora, en="sub/passwd")
    (folder / "sub").symlink_to(secret(corpora).parent, target_is_directory=True)
    refused(folder, r"\[en\] source 'sub/passwd' lies outside")


def test_a_symlinked_provenance_record_that_leads_outside_is_refused(corpora: Path) -> None:
    folder = make_statement(corpora)
    (folder / "en.html.provenance.json").symlink_to(secret(corpora))
    refused(folder, "lies outside")


@pytest.mark.parametrize("name", ["corrections.jsonl", "statement.toml"])
def test_a_symlink_in_the_folder_that_leads_outside_is_refused(corpora: Path, name: str) -> None:
    folder = make_statement(corpora)
    if name == "statement.toml":  # the statement file itself, kept outside and linked in
        outside = corpora.parent / "statement.toml"
        (folder / name).rename(outside)
        (folder / name).symlink_to(outside)
    else:
        (folder / name).symlink_to(secret(corpora))
    refused(folder, f"the symlink '{name}' lies outside the statement folder")


def test_a_symlink_in_the_folder_that_stays_inside_is_accepted(corpora: Path) -> None:
    folder = make_statement(corpora, en="english.html")
    (folder / "english.html").symlink_to("en.html")
    assert Path(load_statement(folder).en.source).resolve() == (folder / "en.html").resolve()


def test_an_http_source_stays_allowed(corpora: Path) -> None:
    statement = load_statement(make_statement(corpora, en="https://www.example.gov/statement.html"))
    assert statement.en.source == "https://www.example.gov/statement.html"


@pytest.mark.parametrize(
    "glossary",
    ["/etc/passwd", "../../secret/terms.tsv", "../../../secret/terms.tsv"],
)
def test_a_glossary_outside_the_corpora_folder_is_refused(corpora: Path, glossary: str) -> None:
    folder = make_statement(corpora, extra=f'glossary = "{glossary}"\n')
    refused(folder, r"the glossary .* lies outside .*corpora \(symlinks resolved\)")


def test_a_glossary_url_is_refused(corpora: Path) -> None:
    refused(make_statement(corpora, extra='glossary = "file:///etc/passwd"\n'), "must be a path .*, not a URL")


def test_a_glossary_symlinked_out_of_the_corpora_folder_is_refused(corpora: Path) -> None:
    (corpora / "glossaries" / "linked.tsv").symlink_to(corpora.parent.parent / "secret" / "terms.tsv")
    refused(make_statement(corpora, extra='glossary = "../glossaries/linked.tsv"\n'), "lies outside")


def test_the_shared_glossaries_folder_stays_allowed(corpora: Path) -> None:
    statement = load_statement(make_statement(corpora, extra='glossary = "../glossaries/terms.tsv"\n'))
    assert statement.glossary == (corpora / "glossaries" / "terms.tsv").resolve()


def test_run_refuses_it_with_one_line_and_publishes_nothing(
    corpora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_statement(corpora, en="../../secret/passwd")
    aligned = tmp_path / "aligned"
    assert main(["run", str(folder), "--aligned", str(aligned)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"taiyaku: error: {folder.resolve() / 'statement.toml'}: ")
    assert "secret-marker" not in err and not aligned.exists()


def test_add_refuses_a_glossary_outside_the_corpora_folder_before_fetching(corpora: Path, tmp_path: Path) -> None:
    source = make_statement(tmp_path / "sources", "pair")
    with pytest.raises(TaiyakuError, match="lies outside") as caught:
        add_statement(
            "new",
            str(source / "ja.txt"),
            str(source / "en.html"),
            corpora_dir=corpora,
            glossary=corpora.parent.parent / "secret" / "terms.tsv",
        )
    assert "secret" in caught.value.where
    assert sorted(p.name for p in corpora.iterdir()) == ["glossaries"]


# ------------------------------------------------------------------- item 2: no statement over another


def test_an_id_that_is_not_the_folder_name_is_refused(corpora: Path) -> None:
    make_statement(corpora, "victim")
    error = refused(make_statement(corpora, "intruder", sid="victim"), "'id' is 'victim' but the folder is named")
    assert "'intruder'" in error.problem


def test_a_symlinked_alias_of_a_statement_is_refused(corpora: Path) -> None:
    victim = make_statement(corpora, "victim")
    (corpora / "alias").symlink_to(victim, target_is_directory=True)
    refused(corpora / "alias", "but the folder is named 'alias'")


def test_run_of_an_intruder_leaves_the_victims_corpus_and_corrections(
    corpora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = make_statement(corpora, "victim")
    append_correction(victim / "corrections.jsonl", Correction(ja="双方は協力を確認した。", en="Both sides agreed."))
    aligned = tmp_path / "aligned"
    write_publication(aligned / "victim", {"corpus.jsonl": '{"id":"b0","ja":"前","en":"before"}\n'})
    before = {p.name: p.read_bytes() for p in (aligned / "victim").iterdir()}
    intruder = make_statement(corpora, "intruder", sid="victim")
    assert main(["run", str(intruder), "--aligned", str(aligned)]) == 1
    assert "the id must be the folder's name" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (aligned / "victim").iterdir()} == before
    assert (victim / "corrections.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_the_seed_statement_is_valid() -> None:
    assert load_statement(STATEMENT_DIR).id == STATEMENT_DIR.name


# -------------------------------------------------------------------------- item 3: readable permissions


@pytest.fixture(params=[0o022, 0o027, 0o002])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_published_files_and_folders_follow_the_umask(tmp_path: Path, umask: int) -> None:
    out = tmp_path / "aligned" / "doc"
    write_publication(out, {"corpus.jsonl": "{}\n", "report.html": "<p></p>\n"})
    assert {p.name: mode(p) for p in out.iterdir()} == dict.fromkeys(
        ["corpus.jsonl", "manifest.json", "report.html"], 0o666 & ~umask
    )
    assert mode(out) == mode(out.parent) == 0o777 & ~umask


def test_a_republished_private_file_becomes_readable(tmp_path: Path, umask: int) -> None:
    out = tmp_path / "doc"
    out.mkdir()
    (out / "corpus.jsonl").write_text("old\n", encoding="utf-8")
    (out / "corpus.jsonl").chmod(0o600)  # as the earlier taiyaku published it
    write_files_atomically(out, {"corpus.jsonl": "new\n"})
    assert mode(out / "corpus.jsonl") == 0o666 & ~umask


def test_single_files_follow_the_umask(tmp_path: Path, umask: int) -> None:
    atomic_write(tmp_path / "findings.json", "{}\n")
    append_correction(tmp_path / "corrections.jsonl", Correction(ja="一。", en="One."))
    assert mode(tmp_path / "findings.json") == mode(tmp_path / "corrections.jsonl") == 0o666 & ~umask


def test_add_makes_a_statement_folder_others_can_read(corpora: Path, tmp_path: Path, umask: int) -> None:
    source = make_statement(tmp_path / "sources", "pair")
    statement = add_statement("new", str(source / "ja.txt"), str(source / "en.html"), corpora_dir=corpora)
    assert mode(statement.folder) == 0o777 & ~umask
    assert {mode(p) for p in statement.folder.iterdir()} == {0o666 & ~umask}


def test_refresh_never_copies_a_local_file_named_by_url_into_the_statement(
    corpora: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The snapshot is "missing" and its url points at a local file: a refresh must not fetch it into the folder.
    sha = "0" * 64
    folder = make_statement(corpora, en="en.txt", extra="")
    toml = (folder / "statement.toml").read_text(encoding="utf-8")
    toml = toml.replace(
        'source = "en.txt"\n', f'source = "en.txt"\nurl = "{secret(corpora).as_uri()}"\nsha256 = "{sha}"\n'
    )
    (folder / "statement.toml").write_text(toml, encoding="utf-8")
    assert main(["run", str(folder), "--refresh", "--aligned", str(corpora.parent / "aligned")]) == 1
    assert not (folder / "en.txt").exists()
    assert "secret-marker" not in capsys.readouterr().err
    assert all("secret-marker" not in p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())
