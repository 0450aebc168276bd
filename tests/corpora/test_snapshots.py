"""Snapshots: `taiyaku add` (add_statement), `taiyaku run --refresh` (refresh_statement), verify_snapshot.

Sources are served by a real HTTP server on 127.0.0.1 (tests/scripted_http.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import tomllib
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas
from support.scripted_http import Reply, Request, ScriptedServer

from taiyaku.corpora.snapshots import add_statement, refresh_statement, verify_snapshot
from taiyaku.corpora.statement import Statement, load_statement
from taiyaku.errors import TaiyakuError
from taiyaku.sources import pull
from taiyaku.sources.fetch import FetchError, FetchLimits
from taiyaku.sources.provenance import read_record

JAPANESE = "総務省と米国国務省は、第５回日米インターネットエコノミー政策協力対話を東京で開催した。"
JA_PAGE = f"<!DOCTYPE html><html><head><title>共同声明</title></head><body><p>{JAPANESE}</p></body></html>"
JA_BYTES = JA_PAGE.encode("cp932")  # Shift_JIS, declared only in the HTTP header
JA_TYPE = "text/html; charset=Shift_JIS"
ETAG = '"ja-v1"'
LAST_MODIFIED = "Thu, 13 Mar 2014 09:00:00 GMT"
FAST = {"limits": FetchLimits(retries=0, timeout=5.0)}


def english_pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


EN_BYTES = english_pdf("The fifth U.S.-Japan Internet Economy dialogue was held in Tokyo.")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its bytes: the state a failure must not change."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} | {
        str(p.relative_to(folder)) + "/": b"" for p in folder.rglob("*") if p.is_dir()
    }


def serve_ja(server: ScriptedServer, body: bytes = JA_BYTES, etag: str = ETAG) -> str:
    def reply(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {"Content-Type": JA_TYPE, "ETag": etag, "Last-Modified": LAST_MODIFIED})

    server.route("/press/ja.html", reply)
    # The published address redirects to the file, as ministry sites often do.
    return server.route("/press/2014/0313", Reply(302, b"", {"Location": "/press/ja.html"}))


def serve_en(server: ScriptedServer, body: bytes = EN_BYTES) -> str:
    return server.route("/en/statement.pdf", Reply(200, body, {"Content-Type": "application/pdf"}))


@pytest.fixture
def corpora(tmp_path: Path) -> Path:
    folder = tmp_path / "corpora"
    (folder / "glossaries").mkdir(parents=True)
    (folder / "glossaries" / "ict.tsv").write_text("ja\ten\n総務省\tMIC\n", encoding="utf-8")
    return folder


def add(server: ScriptedServer, corpora: Path, en_body: bytes = EN_BYTES, **options: object) -> Statement:
    return add_statement(
        "us-japan-2014",
        serve_ja(server),
        serve_en(server, en_body),
        corpora_dir=corpora,
        title="Joint Press Statement",
        date="2014-03-13",
        publisher="MIC",
        glossary=corpora / "glossaries" / "ict.tsv",
        **{**FAST, **options},
    )


# ------------------------------------------------------------------------------------------------ add


def test_add_writes_snapshots_provenance_and_statement(server: ScriptedServer, corpora: Path) -> None:
    statement = add(server, corpora)
    folder = corpora / "us-japan-2014"
    assert statement.folder == folder.resolve()
    assert sorted(p.name for p in folder.iterdir()) == [
        "en.pdf",
        "en.pdf.provenance.json",
        "ja.html",
        "ja.html.provenance.json",
        "statement.toml",
    ]
    assert (folder / "ja.html").read_bytes() == JA_BYTES
    assert (folder / "en.pdf").read_bytes() == EN_BYTES
    record = json.loads((folder / "ja.html.provenance.json").read_text(encoding="utf-8"))
    assert record["source"] == server.url("/press/2014/0313")
    assert record["final_url"] == server.url("/press/ja.html")
    assert record["status"] == 200
    assert record["headers"] == {"content-type": JA_TYPE, "etag": ETAG, "last-modified": LAST_MODIFIED}
    assert record["sha256"] == hashlib.sha256(JA_BYTES).hexdigest()
    assert (record["media_type"], record["encoding"], record["bytes"]) == ("text/html", "cp932", len(JA_BYTES))
    assert record["fetched_at"].endswith("Z")

    loaded = load_statement(folder)
    assert (loaded.id, loaded.title, loaded.date, loaded.publisher) == (
        "us-japan-2014",
        "Joint Press Statement",
        "2014-03-13",
        "MIC",
    )
    assert loaded.ja.url == server.url("/press/2014/0313")
    assert loaded.ja.sha256 == hashlib.sha256(JA_BYTES).hexdigest()
    assert loaded.en.sha256 == hashlib.sha256(EN_BYTES).hexdigest()
    assert loaded.glossary == (corpora / "glossaries" / "ict.tsv").resolve()
    assert 'glossary = "../glossaries/ict.tsv"' in (folder / "statement.toml").read_text(encoding="utf-8")
    verify_snapshot(loaded)


def test_later_runs_work_offline_from_the_snapshot(corpora: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with ScriptedServer() as server:
        statement = add(server, corpora)
        fetched_url = server.url("/press/2014/0313")
    # The server is gone. The Shift_JIS charset was only in its HTTP header: the record keeps it.
    document = pull(statement.ja.source)
    assert JAPANESE in document.text
    assert document.provenance.encoding == "cp932"
    assert document.provenance.source == fetched_url
    assert document.provenance.final_url is not None and document.provenance.final_url.endswith("/press/ja.html")
    assert document.provenance.headers["etag"] == ETAG
    english = pull(statement.en.source)
    assert "Internet Economy dialogue" in english.text
    assert english.provenance.media_type == "application/pdf"


def test_add_from_local_files(tmp_path: Path, corpora: Path) -> None:
    ja = tmp_path / "ja.txt"
    ja.write_bytes(JAPANESE.encode("euc_jp"))
    en = tmp_path / "en.html"
    en.write_text("<html><body><p>The dialogue was held in Tokyo.</p></body></html>", encoding="utf-8")
    statement = add_statement("local-pair", str(ja), str(en), corpora_dir=corpora, **FAST)
    assert statement.ja.url == ja.resolve().as_uri()
    assert (statement.folder / "ja.txt").read_bytes() == ja.read_bytes()
    assert pull(statement.ja.source).text == JAPANESE
    # A refresh re-fetches http(s) only: a statement folder may never make taiyaku read a local file.
    with pytest.raises(TaiyakuError, match=r"\[ja\] url 'file://.*': --refresh fetches http\(s\) sources only"):
        refresh_statement(statement, **FAST)


def test_add_refuses_an_existing_statement(server: ScriptedServer, corpora: Path) -> None:
    add(server, corpora)
    before = tree(corpora)
    with pytest.raises(TaiyakuError, match="already exists"):
        add(server, corpora)
    assert tree(corpora) == before


def test_add_can_replace_an_existing_statement(server: ScriptedServer, corpora: Path) -> None:
    add(server, corpora)
    new_english = english_pdf("A replaced English text.")
    statement = add(server, corpora, new_english, overwrite=True)
    assert (statement.folder / "en.pdf").read_bytes() == new_english
    assert [p.name for p in corpora.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("en_reply", "problem"),
    [
        (Reply(404, b"gone"), "HTTP 404 Not Found"),
        (Reply(200, b"\x89PNG\r\n\x1a\n" + bytes(64), {"Content-Type": "image/png"}), "PNG image"),
        (Reply(200, EN_BYTES, {"Content-Type": "application/pdf"}, content_length=len(EN_BYTES) + 99), "cut short"),
    ],
)
def test_a_failed_pull_leaves_corpora_untouched(
    server: ScriptedServer, corpora: Path, en_reply: Reply, problem: str
) -> None:
    (corpora / "existing").mkdir()
    (corpora / "existing" / "statement.toml").write_text('id = "existing"\n', encoding="utf-8")
    before = tree(corpora)
    ja = serve_ja(server)
    en = server.route("/en/broken", en_reply)
    with pytest.raises(TaiyakuError, match=problem):
        add_statement("new-statement", ja, en, corpora_dir=corpora, **FAST)
    assert tree(corpora) == before


def test_a_failed_pull_does_not_even_create_corpora(server: ScriptedServer, tmp_path: Path) -> None:
    missing = server.url("/nothing-here")
    with pytest.raises(FetchError):
        add_statement("new-statement", serve_ja(server), missing, corpora_dir=tmp_path / "corpora", **FAST)
    assert not (tmp_path / "corpora").exists()


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"statement_id": "Bad Id"}, "lower-case letters"),
        ({"date": "13/03/2014"}, "YYYY-MM-DD"),
        ({"date": "2014-02-30"}, "YYYY-MM-DD"),
        ({"date": "20140313"}, "YYYY-MM-DD"),  # ISO 8601 to Python 3.11, but not the form statement.toml keeps
        ({"date": "2014-W11-4"}, "YYYY-MM-DD"),
        ({"glossary": "/no/such/glossary.tsv"}, "no such glossary file"),
        # How Python passes on a command-line argument that is not UTF-8: it cannot be written to TOML.
        ({"title": "Caf\udce9"}, r"the title is not valid UTF-8 text"),
    ],
)
def test_bad_arguments_are_refused_before_fetching(
    server: ScriptedServer, corpora: Path, options: dict[str, str], problem: str
) -> None:
    arguments = {"statement_id": "fine-id", "ja": serve_ja(server), "en": serve_en(server)} | options
    with pytest.raises(TaiyakuError, match=problem):
        add_statement(**arguments, corpora_dir=corpora, **FAST)
    assert server.requests == []


# -------------------------------------------------------------------------------------------- refresh


def test_refresh_with_304_changes_nothing(server: ScriptedServer, corpora: Path) -> None:
    statement = add(server, corpora)
    before = tree(corpora)
    assert refresh_statement(statement, **FAST) is False
    assert tree(corpora) == before
    conditional = [r for r in server.requests if r.path == "/press/ja.html"][-1]
    assert conditional.headers["if-none-match"] == ETAG
    assert conditional.headers["if-modified-since"] == LAST_MODIFIED


def test_refresh_without_validators_compares_bytes(server: ScriptedServer, corpora: Path) -> None:
    statement = add(server, corpora)  # the English side is served without ETag/Last-Modified
    before = tree(corpora)
    assert refresh_statement(statement, **FAST) is False
    assert tree(corpora) == before
    assert server.hits("/en/statement.pdf") == 2


def test_refresh_with_changed_bytes_updates_the_snapshot(server: ScriptedServer, corpora: Path) -> None:
    statement = add(server, corpora)
    folder = statement.folder
    # What people add to a statement folder by hand must survive a refresh.
    toml_file = folder / "statement.toml"
    toml_file.write_text(toml_file.read_text(encoding="utf-8") + "# reviewed by K. Sato\n", encoding="utf-8")
    (folder / "corrections.jsonl").write_text("{}\n", encoding="utf-8")
    changed = JA_PAGE.replace("開催した。", "開催した。両国は協力を確認した。").encode("cp932")
    serve_ja(server, changed, etag='"ja-v2"')

    assert refresh_statement(load_statement(folder), **FAST) is True
    refreshed = load_statement(folder)
    assert (folder / "ja.html").read_bytes() == changed
    assert refreshed.ja.sha256 == hashlib.sha256(changed).hexdigest()
    assert refreshed.en.sha256 == statement.en.sha256
    record = read_record(folder / "ja.html")
    assert record is not None and record.headers["etag"] == '"ja-v2"'
    assert "# reviewed by K. Sato" in toml_file.read_text(encoding="utf-8")
    assert (folder / "corrections.jsonl").read_text(encoding="utf-8") == "{}\n"
    verify_snapshot(refreshed)
    assert "両国は協力を確認した。" in pull(refreshed.ja.source).text
    assert [p.name for p in corpora.iterdir() if p.name.startswith(".")] == []


def test_refresh_follows_a_change_of_media_type(
    server: ScriptedServer, corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpora.parent)  # statements below the working directory name their sources relatively
    statement = add(server, corpora)
    assert not Path(statement.ja.source).is_absolute()
    server.route("/press/ja.html", Reply(200, english_pdf("Now a PDF"), {"Content-Type": "application/pdf"}))
    assert refresh_statement(statement, **FAST) is True
    refreshed = load_statement(statement.folder)
    assert Path(refreshed.ja.source).name == "ja.pdf"
    assert not (statement.folder / "ja.html").exists()
    assert not (statement.folder / "ja.html.provenance.json").exists()
    verify_snapshot(refreshed)


def test_a_failed_refresh_changes_nothing(server: ScriptedServer, corpora: Path) -> None:
    statement = add(server, corpora)
    before = tree(corpora)
    serve_ja(server, JA_BYTES.replace("開催".encode("cp932"), "実施".encode("cp932")), etag='"ja-v2"')
    server.route("/en/statement.pdf", Reply(500, b"down"))
    with pytest.raises(FetchError, match="HTTP 500"):
        refresh_statement(statement, **FAST)
    assert tree(corpora) == before


def test_sources_that_are_not_snapshots_are_not_refreshed(server: ScriptedServer, tmp_path: Path) -> None:
    # Like the seed: a hand-made ja.txt whose url names the original publication (a PDF, elsewhere).
    folder = tmp_path / "seed"
    folder.mkdir()
    (folder / "ja.txt").write_text(JAPANESE, encoding="utf-8")
    (folder / "en.html").write_text("<p>The dialogue was held.</p>", encoding="utf-8")
    (folder / "statement.toml").write_text(
        f'id = "seed"\n[ja]\nsource = "ja.txt"\nurl = "{server.url("/ja.pdf")}"\n'
        f'[en]\nsource = "en.html"\nurl = "{server.url("/en.html")}"\n',
        encoding="utf-8",
    )
    assert refresh_statement(load_statement(folder), **FAST) is False
    assert server.requests == []


# --------------------------------------------------------------------------------------------- verify


def test_a_missing_snapshot_is_reported_and_refresh_restores_it(server: ScriptedServer, corpora: Path) -> None:
    statement = add(server, corpora)
    (statement.folder / "en.pdf").unlink()
    with pytest.raises(TaiyakuError) as caught:
        verify_snapshot(statement)
    assert caught.value.where == str(statement.file)
    assert caught.value.problem.startswith("the registered en source en.pdf is missing; `taiyaku run --refresh")
    assert refresh_statement(statement, **FAST) is True
    verify_snapshot(load_statement(statement.folder))
    assert (statement.folder / "en.pdf").read_bytes() == EN_BYTES


def test_a_changed_snapshot_is_reported(server: ScriptedServer, corpora: Path) -> None:
    statement = add(server, corpora)
    snapshot = statement.folder / "ja.html"
    snapshot.write_bytes(snapshot.read_bytes().replace(b"</p>", b"(edited)</p>"))
    with pytest.raises(TaiyakuError, match=r"but statement\.toml registers") as caught:
        verify_snapshot(statement)
    assert caught.value.where == str(snapshot)
    # pull itself refuses it too: the bytes no longer match their provenance record.
    with pytest.raises(TaiyakuError, match="does not match its provenance record"):
        pull(str(snapshot))
    # A refresh fetches the original again (the snapshot is no longer trusted: no conditional request).
    assert refresh_statement(statement, **FAST) is True
    assert snapshot.read_bytes() == JA_BYTES
    assert "if-none-match" not in server.requests[-1].headers


def test_staging_folders_are_never_taken_for_statements(server: ScriptedServer, corpora: Path) -> None:
    from taiyaku.corpora.statement import find_statements

    add(server, corpora)
    # What an interrupted add or refresh could leave behind.
    leftover = corpora / ".us-japan-2014.k2j4.adding"
    leftover.mkdir()
    (leftover / "statement.toml").write_text('id = "us-japan-2014"\n', encoding="utf-8")
    assert find_statements(corpora) == [corpora / "us-japan-2014"]


def test_a_title_with_quotes_backslashes_newlines_and_japanese_round_trips(
    server: ScriptedServer, corpora: Path
) -> None:
    title = 'The "Joint" Statement \\ C:\\press\n日米共同声明（第５回）\ttab\x1bescape\x7fdel'
    publisher = 'MIC "総務省"'
    statement = add_statement(
        "quoted-title",
        serve_ja(server),
        serve_en(server),
        corpora_dir=corpora,
        title=title,
        publisher=publisher,
        **FAST,
    )
    data = tomllib.loads(statement.file.read_text(encoding="utf-8"))
    assert (data["title"], data["publisher"]) == (title, publisher)
    assert (statement.title, statement.publisher) == (title, publisher)
    assert data["ja"]["sha256"] == hashlib.sha256(JA_BYTES).hexdigest()


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_refresh_keeps_what_the_user_wrote_in_statement_toml(
    server: ScriptedServer, corpora: Path, newline: str
) -> None:
    statement = add(server, corpora)
    old_sha = hashlib.sha256(EN_BYTES).hexdigest()
    assert f'sha256 = "{old_sha}"' in statement.file.read_text(encoding="utf-8")
    # Comments, an unusual layout, keys and a table taiyaku does not know, as someone may write them by hand.
    edited = (
        "# Reviewed by K. Sato, 2014-03-20.\n"
        + statement.file.read_text(encoding="utf-8")
        .replace('title = "Joint Press Statement"', "title = 'Joint Press Statement'   # the English title")
        .replace("[en]\n", "[en]   # the U.S. side\n# published by the Department of State\n")
        .replace(f'sha256 = "{old_sha}"', f'sha256 = "{old_sha}"  # checked by hand\nchecked  =  2014-03-20')
        + '\n[review]\nstatus = "done"\nscore = nan\n'
    ).replace("\n", newline)
    statement.file.write_bytes(edited.encode("utf-8"))
    new_english = english_pdf("The sixth U.S.-Japan Internet Economy dialogue was held in Washington.")
    new_sha = hashlib.sha256(new_english).hexdigest()
    serve_en(server, new_english)

    assert refresh_statement(load_statement(statement.folder), **FAST) is True
    # Byte for byte what the user wrote, but for the changed side's sha256 (its file name is still en.pdf).
    assert statement.file.read_bytes() == edited.replace(old_sha, new_sha).encode("utf-8")
    refreshed = load_statement(statement.folder)
    assert (refreshed.en.sha256, refreshed.ja.sha256) == (new_sha, statement.ja.sha256)
    verify_snapshot(refreshed)


def test_refresh_adds_a_missing_sha256_to_its_table(server: ScriptedServer, corpora: Path) -> None:
    statement = add(server, corpora)
    old_sha = hashlib.sha256(EN_BYTES).hexdigest()
    # Registered by hand (or by an older taiyaku): a snapshot with its provenance record, but no sha256.
    without = statement.file.read_text(encoding="utf-8").replace(f'sha256 = "{old_sha}"\n', "")
    statement.file.write_text(without + '\n[review]\nstatus = "done"\n', encoding="utf-8")
    new_english = english_pdf("A revised English text.")
    serve_en(server, new_english)
    assert refresh_statement(load_statement(statement.folder), **FAST) is True
    new_sha = hashlib.sha256(new_english).hexdigest()
    en_table = statement.file.read_text(encoding="utf-8").split("[en]\n")[1]
    assert en_table == f'source = "en.pdf"\nurl = "{server.url("/en/statement.pdf")}"\nsha256 = "{new_sha}"\n' + (
        '\n[review]\nstatus = "done"\n'
    )


def test_a_glossary_outside_the_corpora_folder_is_refused_before_fetching(
    server: ScriptedServer, tmp_path: Path
) -> None:
    # statement.toml may only name a glossary inside corpora/ (statements are untrusted: see statement.py).
    glossary = tmp_path / "private" / "terms.tsv"
    glossary.parent.mkdir()
    glossary.write_text("ja\ten\n総務省\tMIC\n", encoding="utf-8")
    corpora = tmp_path / "repo" / "corpora"
    with pytest.raises(TaiyakuError, match="lies outside") as caught:
        add_statement("abs-glossary", serve_ja(server), serve_en(server), corpora_dir=corpora, glossary=glossary)
    assert caught.value.where == str(glossary)
    assert server.requests == [] and not corpora.exists()


# ---------------------------------------------------------------------------------------- regressions


def test_add_never_replaces_a_statement_added_while_it_was_fetching(server: ScriptedServer, corpora: Path) -> None:
    # The id was free when `add` started; another `add` of the same id finished while this one fetched.
    # Only the check before fetching refused an existing id: this add then silently replaced the other one.
    other = corpora / "us-japan-2014"

    def english_reply(request: Request) -> Reply:
        other.mkdir()
        (other / "statement.toml").write_text('id = "us-japan-2014"\n', encoding="utf-8")
        return Reply(200, EN_BYTES, {"Content-Type": "application/pdf"})

    en = server.route("/en/statement.pdf", english_reply)
    with pytest.raises(TaiyakuError, match="already exists") as caught:
        add_statement("us-japan-2014", serve_ja(server), en, corpora_dir=corpora, **FAST)
    assert caught.value.where == str(other.resolve())
    assert sorted(p.name for p in other.iterdir()) == ["statement.toml"]
    assert [p.name for p in corpora.iterdir() if p.name.startswith(".")] == []


def test_add_from_a_local_file_with_a_colon_in_its_name(
    tmp_path: Path, corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "ja:v2.txt" was taken for a URL with the scheme "ja:" and refused.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ja:v2.txt").write_bytes(JAPANESE.encode("utf-8"))
    (tmp_path / "en.html").write_text("<p>The dialogue was held in Tokyo.</p>", encoding="utf-8")
    statement = add_statement("colon-name", "ja:v2.txt", "en.html", corpora_dir=corpora, **FAST)
    assert statement.ja.url == (tmp_path / "ja:v2.txt").resolve().as_uri()
    assert pull(statement.ja.source).text == JAPANESE


def test_verify_checks_that_hand_registered_sources_exist(tmp_path: Path) -> None:
    # A statement without snapshots (no sha256) passed the check before a run whatever its files were.
    folder = tmp_path / "hand-made"
    folder.mkdir()
    (folder / "ja.txt").write_text(JAPANESE, encoding="utf-8")
    (folder / "statement.toml").write_text(
        'id = "hand-made"\n[ja]\nsource = "ja.txt"\n[en]\nsource = "en.html"\nurl = "https://example.gov/en"\n',
        encoding="utf-8",
    )
    with pytest.raises(TaiyakuError) as caught:
        verify_snapshot(load_statement(folder))
    assert caught.value.where == str(folder / "statement.toml")
    assert caught.value.problem == "the registered en source en.html is missing"  # no refresh hint: no snapshot
    (folder / "en.html").write_text("<p>The dialogue was held.</p>", encoding="utf-8")
    verify_snapshot(load_statement(folder))


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("status", "200", "field 'status' must be an integer"),
        ("bytes", True, "field 'bytes' must be an integer"),
        ("final_url", 7, "field 'final_url' must be a string"),
        ("sha256", "not-a-digest", "'sha256' must be 64 lower-case hex digits"),
        ("headers", {"etag": 1}, "'headers' must be an object of strings"),
    ],
)
def test_a_malformed_provenance_record_names_the_field(
    server: ScriptedServer, corpora: Path, field: str, value: object, problem: str
) -> None:
    # A string status was taken as is (and published as a string in report.json); the message named no field.
    statement = add(server, corpora)
    record_file = statement.folder / "ja.html.provenance.json"
    record = json.loads(record_file.read_text(encoding="utf-8"))
    record_file.write_text(json.dumps(record | {field: value}), encoding="utf-8")
    with pytest.raises(TaiyakuError, match=problem) as caught:
        read_record(statement.folder / "ja.html")
    assert caught.value.where == str(record_file)


def test_refresh_keeps_a_statement_saved_with_a_byte_order_mark(server: ScriptedServer, corpora: Path) -> None:
    statement = add(server, corpora)
    toml_file = statement.file
    toml_file.write_bytes(b"\xef\xbb\xbf" + toml_file.read_bytes())
    changed = JA_PAGE.replace("開催した。", "開催した。両国は協力を確認した。").encode("cp932")
    serve_ja(server, changed, etag='"ja-v2"')
    assert refresh_statement(load_statement(statement.folder), **FAST) is True
    assert load_statement(statement.folder).ja.sha256 == hashlib.sha256(changed).hexdigest()
