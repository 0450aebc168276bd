"""pull on local sources: paths and file:// URLs, media types, character encodings, clear errors."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
from pathlib import Path

import pytest

from taiyaku.errors import TaiyakuError
from taiyaku.sources import pull
from taiyaku.sources.charset import decode_text
from taiyaku.sources.fetch import FetchLimits

# A real-looking paragraph: kanji, hiragana, katakana, full-width digits and letters, NEC special characters
# (① and ㈱ exist in CP932 only, as on many ministry pages).
JAPANESE = (
    "総務省と米国国務省は、２０１４年３月１３日、第５回日米インターネットエコノミー政策協力対話を東京で開催した。"
    "両国は、クラウドコンピューティング、サイバーセキュリティ、プライバシー保護等について意見交換を行った。\n"
)
NEC_EXTRAS = "①民間企業（㈱）の参加\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("codec", "expected"),
    [("utf-8", "utf-8"), ("cp932", "cp932"), ("euc_jp", "euc_jp")],
)
def test_japanese_encodings_are_detected(tmp_path: Path, codec: str, expected: str) -> None:
    text = JAPANESE * 3 + (NEC_EXTRAS if codec != "euc_jp" else "")
    raw = text.encode(codec)
    document = pull(str(write(tmp_path, "statement.txt", raw)))
    assert document.text == text
    provenance = document.provenance
    assert provenance.encoding == expected
    assert provenance.media_type == "text/plain"
    assert provenance.bytes == len(raw)
    assert provenance.sha256 == hashlib.sha256(raw).hexdigest()
    # Offsets point into the text that decoding the bytes with the recorded codec gives.
    assert raw.decode(provenance.encoding) == document.text


@pytest.mark.parametrize("word", ["インターネット", "アイウエオ", "オープンデータ", "プライバシー"])
def test_short_euc_jp_katakana_is_not_mistaken_for_half_width_cp932(tmp_path: Path, word: str) -> None:
    # These EUC-JP bytes also decode as CP932 (half-width katakana and private-use junk).
    raw = word.encode("euc_jp")
    assert raw.decode("cp932") != word
    document = pull(str(write(tmp_path, "word.txt", raw)))
    assert (document.text, document.provenance.encoding) == (word, "euc_jp")


def test_utf8_bom_is_removed_and_recorded(tmp_path: Path) -> None:
    raw = codecs.BOM_UTF8 + JAPANESE.encode("utf-8")
    document = pull(str(write(tmp_path, "bom.txt", raw)))
    assert document.text == JAPANESE  # no U+FEFF: offset 0 is the first character after the mark
    assert document.provenance.encoding == "utf-8-sig"
    assert raw.decode(document.provenance.encoding) == document.text


def test_utf16_with_bom(tmp_path: Path) -> None:
    document = pull(str(write(tmp_path, "notepad.txt", JAPANESE.encode("utf-16"))))
    assert (document.text, document.provenance.encoding) == (JAPANESE, "utf-16")


def test_english_in_windows_1252(tmp_path: Path) -> None:
    text = "The ministers welcomed the café-style résumé of the naïve proposals, and crème brûlée.\n"
    document = pull(str(write(tmp_path, "en.txt", text.encode("cp1252"))))
    assert (document.text, document.provenance.encoding) == (text, "cp1252")


def test_file_url_with_escaped_characters(tmp_path: Path) -> None:
    path = write(tmp_path, "共同 声明.txt", JAPANESE.encode("cp932"))
    document = pull(path.as_uri())
    assert "%20" in path.as_uri()
    assert document.text == JAPANESE
    assert document.provenance.source == path.as_uri()


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head><body>{JAPANESE}'
    document = pull(str(write(tmp_path, "page.htm", page.encode("cp932"))))
    assert document.provenance.media_type == "text/html"
    assert document.provenance.encoding == "cp932"
    assert JAPANESE in document.text


def test_declared_content_type_for_a_local_file(tmp_path: Path) -> None:
    # No meta tag and no extension: the caller's Content-Type (recorded when it was fetched) decides.
    path = write(tmp_path, "page", f"<p>{JAPANESE}</p>".encode("euc_jp"))
    document = pull(str(path), content_type="text/html; charset=EUC-JP")
    assert (document.provenance.media_type, document.provenance.encoding) == ("text/html", "euc_jp")


def test_html_is_sniffed_whatever_the_extension(tmp_path: Path) -> None:
    path = write(tmp_path, "en.txt", b"<!DOCTYPE html>\n<html><body><p>Joint statement.</p></body></html>")
    assert pull(str(path)).provenance.media_type == "text/html"


# ------------------------------------------------------------------------------------------ errors


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(TaiyakuError) as caught:
        pull(str(missing))
    assert str(caught.value) == f"{missing}: no such file"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(TaiyakuError, match="is a directory, not a file"):
        pull(str(tmp_path))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(TaiyakuError, match=r"empty file \(0 bytes\)"):
        pull(str(write(tmp_path, "empty.txt", b"")))


def test_white_space_only(tmp_path: Path) -> None:
    with pytest.raises(TaiyakuError, match="contains no text, only white space"):
        pull(str(write(tmp_path, "blank.txt", "\n\u3000 \n".encode())))


def test_corrupt_shift_jis_names_the_bad_byte(tmp_path: Path) -> None:
    raw = JAPANESE.encode("cp932")
    corrupt = raw[:20] + b"\xff" + raw[20:]
    path = write(tmp_path, "broken.txt", corrupt)
    with pytest.raises(TaiyakuError) as caught:
        pull(str(path))
    assert str(caught.value) == (
        f"{path}: not valid UTF-8, Shift_JIS or EUC-JP text (read as Shift_JIS, byte 0xff at offset 20 is invalid)"
    )


def test_binary_data_is_not_text(tmp_path: Path) -> None:
    with pytest.raises(TaiyakuError, match="NUL characters: binary data"):
        pull(str(write(tmp_path, "data.txt", b"abc\x00\x01\x02def")))


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("scan.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image"),
        ("statement.docx", b"PK\x03\x04\x14\x00\x06\x00", "is a ZIP archive"),
        ("statement.pdf", b"Not really a PDF\n", "declared a PDF but does not start with %PDF-"),
    ],
)
def test_files_taiyaku_cannot_read(tmp_path: Path, name: str, data: bytes, problem: str) -> None:
    with pytest.raises(TaiyakuError, match=problem):
        pull(str(write(tmp_path, name, data)))


@pytest.mark.parametrize("source", ["ftp://example.org/statement.pdf", "mailto:press@example.org", "s3://b/k"])
def test_unsupported_schemes(source: str) -> None:
    with pytest.raises(TaiyakuError) as caught:
        pull(source)
    assert caught.value.where == source
    assert "unsupported URL scheme" in caught.value.problem


def test_file_url_with_a_remote_host() -> None:
    with pytest.raises(TaiyakuError, match="remote host"):
        pull("file://fileserver/share/statement.txt")


def test_size_limit_for_local_files(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"a" * 2000)
    with pytest.raises(TaiyakuError, match="2000 bytes, over the 1000-byte limit"):
        pull(str(path), limits=FetchLimits(max_bytes=1000))


def test_decode_text_honours_declared_order() -> None:
    raw = JAPANESE.encode("euc_jp")
    # A wrong first declaration that cannot decode is skipped; one that can (cp1252) would win, so order matters.
    assert decode_text(raw, "x", ["utf-8", "euc-jp"]) == (JAPANESE, "euc_jp")
    assert decode_text(raw, "x", ["windows-1252", "euc-jp"]) == (raw.decode("cp1252"), "cp1252")
    assert decode_text(raw, "x", ["euc-jp", "windows-1252"]) == (JAPANESE, "euc_jp")
    assert decode_text(raw, "x", [None, "EUC-JP"]) == (JAPANESE, "euc_jp")
    assert decode_text(raw, "x", ["no-such-charset"]) == (JAPANESE, "euc_jp")


def test_the_seed_statement_decodes_as_utf8() -> None:
    from support.paths import SEED

    if not SEED.exists():
        pytest.skip(f"{SEED} is absent")
    document = pull(str(SEED))
    assert document.provenance.encoding == "utf-8"
    assert document.text == SEED.read_bytes().decode("utf-8")


# ------------------------------------------------------------------------------------- regressions


@pytest.mark.parametrize("label", ["base64", "rot13", "hex", "zlib", "unicode_escape", "undefined", "punycode"])
def test_a_declared_charset_that_is_no_text_encoding_is_ignored(label: str) -> None:
    # Python's codec registry knows these names; bytes.decode() raised LookupError (or a bare UnicodeError)
    # for them, a traceback instead of the next candidate.
    raw = JAPANESE.encode("euc_jp")
    assert decode_text(raw, "x", [label]) == (JAPANESE, "euc_jp")


def test_a_meta_charset_that_is_no_text_encoding_is_ignored(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="rot13"></head><body><p>{JAPANESE}</p></body></html>'
    document = pull(str(write(tmp_path, "page.html", page.encode("cp932"))))
    assert (document.provenance.encoding, JAPANESE in document.text) == ("cp932", True)


def test_utf32_with_bom(tmp_path: Path) -> None:
    # Its little-endian mark starts with UTF-16's: read as UTF-16 it was "binary data" (NUL characters).
    for codec in ("utf-32", "utf-32-be"):
        raw = (codecs.BOM_UTF32_BE if codec.endswith("be") else b"") + JAPANESE.encode(codec)
        document = pull(str(write(tmp_path, f"{codec}.txt", raw)))
        assert (document.text, document.provenance.encoding) == (JAPANESE, "utf-32")
        assert raw.decode(document.provenance.encoding) == document.text


def test_a_file_name_with_a_colon_is_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "ja:v2.txt", JAPANESE.encode("utf-8"))
    document = pull("ja:v2.txt")  # was "unsupported URL scheme 'ja:'"
    assert (document.text, document.provenance.source) == (JAPANESE, "ja:v2.txt")
    with pytest.raises(TaiyakuError, match="unsupported URL scheme 'ja:'"):
        pull("ja:missing.txt")  # no such file: then it reads as a URL


def test_a_nul_in_the_source_name_is_a_clear_error() -> None:
    with pytest.raises(TaiyakuError, match="a NUL character in the source name"):
        pull("ja\x00.txt")


def test_size_limit_holds_for_a_pipe(tmp_path: Path) -> None:
    # A pipe has no size to check beforehand; it was read whole, however much came through it.
    import os
    import threading

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as writer, contextlib.suppress(BrokenPipeError):
            writer.write(b"a" * 5000)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    with pytest.raises(TaiyakuError, match=r"more than 1000 bytes, over the limit \(max_bytes\)"):
        pull(str(fifo), limits=FetchLimits(max_bytes=1000))
    feeder.join(timeout=5)
    assert not feeder.is_alive()
