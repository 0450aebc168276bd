"""Issue 9, item 12: input limits, checked before the expensive stages.

A 30 MB text file ran for minutes at 4 GB before it was killed, and a server sending one byte every 20 s
held ``add`` for about 40 minutes (a silence timeout never fires, and each of four attempts had its own
10-minute budget).  Now: characters per document after decoding (``--max-chars``), bytes per source
(``--max-bytes``) and one deadline on the whole download, retries and waits included
(``--download-timeout``).  Real files, a real HTTP server, the real command.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support.paths import STATEMENT_DIR, shared_or_skip
from support.scripted_http import Reply, ScriptedServer

from taiyaku.cli import main
from taiyaku.errors import TaiyakuError
from taiyaku.sources import pull
from taiyaku.sources.fetch import DEFAULT_LIMITS, FetchError, FetchLimits, fetch

JA = STATEMENT_DIR / "ja.txt"
EN = STATEMENT_DIR / "en.html"


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("taiyaku: error: "), err
    return err[0]


# ------------------------------------------------------------------------------- size of a document


def test_a_30_mb_text_file_is_refused_in_seconds(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.txt"
    big.write_text("京都の寺院は古くから多くの参拝者を集めてきた。\n" * 450_000, encoding="utf-8")
    assert big.stat().st_size > 30_000_000
    started = time.monotonic()
    code = main(["align", "--ja", str(big), "--en", str(EN), "--out", str(tmp_path / "out")])
    assert code == 1
    assert time.monotonic() - started < 30  # before: minutes, at 4 GB
    line = _one_error_line(capsys)
    assert str(big) in line and "10,800,000 characters after decoding" in line and "(--max-chars)" in line
    assert not (tmp_path / "out").exists()


def test_add_refuses_a_30_mb_text_file_before_snapshotting_it(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # add decodes and language-checks each side before it registers anything: the limit comes first.
    big = tmp_path / "big.txt"
    big.write_text("京都の寺院は古くから多くの参拝者を集めてきた。\n" * 450_000, encoding="utf-8")
    corpora = tmp_path / "corpora"
    started = time.monotonic()
    options = ["--corpora", str(corpora), "--aligned", str(tmp_path / "aligned")]
    assert main(["add", "big-2015", "--ja", str(big), "--en", str(EN), *options]) == 1
    assert time.monotonic() - started < 30
    assert "over the limit of 3,000,000 characters per document (--max-chars)" in _one_error_line(capsys)
    assert not (corpora / "big-2015").exists()


def test_max_chars_refuses_a_longer_document(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["align", "--ja", str(JA), "--en", str(EN), "--out", str(tmp_path / "out"), "--max-chars", "1000"])
    assert code == 1
    line = _one_error_line(capsys)
    assert f"{JA}: " in line and "over the limit of 1,000 characters per document (--max-chars)" in line


def test_run_passes_the_limits_to_the_statement_flow(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(STATEMENT_DIR), "--aligned", str(tmp_path), "--max-chars", "2000"])
    assert code == 1
    assert "over the limit of 2,000 characters per document" in _one_error_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_the_default_lets_the_book_length_document_through() -> None:
    # kyoto-scale is what `make bench` aligns (0.6 M Japanese, 2.1 M English characters): the default
    # limit is for documents nobody meant to align, not for long ones.
    scale = shared_or_skip("eval", "scale", "kyoto-scale")
    for side in ("ja.txt", "en.txt"):
        assert len(pull(str(scale / side)).text) <= DEFAULT_LIMITS.max_chars


# ------------------------------------------------------------------------------- size of a source


def test_max_bytes_limits_a_local_file(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["align", "--ja", str(JA), "--en", str(EN), "--out", str(tmp_path / "out"), "--max-bytes", "1000"])
    assert code == 1
    assert "over the 1000-byte limit (max_bytes)" in _one_error_line(capsys)


def test_max_bytes_limits_a_download(
    prefect_harness: None, server: ScriptedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.route("/ja.txt", Reply(200, JA.read_bytes(), {"Content-Type": "text/plain; charset=utf-8"}))
    code = main(["align", "--ja", url, "--en", str(EN), "--out", str(tmp_path / "out"), "--max-bytes", "2000"])
    assert code == 1
    assert f"{url}: the server announces {JA.stat().st_size} bytes, over the 2000-byte limit" in _one_error_line(capsys)


# ------------------------------------------------------------------------------- time of a download


def test_a_trickling_download_is_cut_off_at_the_deadline(server: ScriptedServer) -> None:
    # One byte every 50 ms for 10 s: the silence timeout never fires.  Before, the deadline was per
    # attempt and a cut-off attempt was retried, each with a deadline of its own.
    url = server.route("/trickle.txt", Reply(200, b"x" * 200, {"Content-Type": "text/plain"}, trickle=0.05))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"longer than 1\.5 s, the limit on the whole download \(--download-timeout\)"):
        fetch(url, limits=FetchLimits(timeout=5, total_timeout=1.5, retries=3, backoff=0.01))
    assert time.monotonic() - started < 3
    assert server.hits("/trickle.txt") == 1


def test_retries_of_a_stalled_server_stop_at_the_deadline(server: ScriptedServer) -> None:
    # Every attempt stalls for the whole silence timeout; ten retries with backoff would take > 100 s.
    url = server.route("/stall.txt", Reply(200, b"late", {"Content-Type": "text/plain"}, stall=30))
    started = time.monotonic()
    with pytest.raises(FetchError, match="--download-timeout"):
        fetch(url, limits=FetchLimits(timeout=0.5, total_timeout=2, retries=10, backoff=0.2))
    assert time.monotonic() - started < 3.5
    assert 1 <= server.hits("/stall.txt") <= 3


def test_a_retry_after_beyond_the_deadline_fails_now(server: ScriptedServer) -> None:
    url = server.route("/busy.txt", Reply(503, b"busy", {"Retry-After": "20"}))
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url, limits=FetchLimits(total_timeout=5, retries=3))
    assert time.monotonic() - started < 2
    assert str(caught.value) == (
        f"{url}: HTTP 503 Service Unavailable; gave up: retrying in 20 s would pass the 5-s limit on the whole"
        " download (--download-timeout)"
    )
    assert server.hits("/busy.txt") == 1


def test_add_gives_up_on_a_trickling_server_at_the_download_timeout(
    prefect_harness: None, server: ScriptedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja = server.route("/ja.txt", Reply(200, JA.read_bytes(), {"Content-Type": "text/plain; charset=utf-8"}))
    en = server.route("/en.html", Reply(200, EN.read_bytes(), {"Content-Type": "text/html"}, trickle=0.05))
    corpora = tmp_path / "corpora"
    started = time.monotonic()
    options = ["--corpora", str(corpora), "--aligned", str(tmp_path / "aligned"), "--download-timeout", "2"]
    code = main(["add", "slow-2015", "--ja", ja, "--en", en, *options])
    assert code == 1
    assert time.monotonic() - started < 15  # before: 10 minutes for each of four attempts
    assert f"{en}: download took longer than 2 s" in _one_error_line(capsys)
    assert not (corpora / "slow-2015").exists()


# ------------------------------------------------------------------------------- the options themselves


@pytest.mark.parametrize(
    ("option", "value"),
    [("--max-chars", "0"), ("--max-bytes", "-5"), ("--download-timeout", "nan"), ("--max-chars", "many")],
)
def test_nonsense_limits_are_refused_before_anything_runs(
    option: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["align", "--ja", str(JA), "--en", str(EN), "--out", str(tmp_path / "out"), option, value])
    assert caught.value.code == 2
    assert f"argument {option}: " in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_character_limit_names_the_source_given(tmp_path: Path) -> None:
    source = tmp_path / "doc.txt"
    source.write_text("あ" * 101, encoding="utf-8")
    with pytest.raises(TaiyakuError) as caught:
        pull(str(source), limits=FetchLimits(max_chars=100))
    assert caught.value.where == str(source)
    assert caught.value.problem == (
        "101 characters after decoding, over the limit of 100 characters per document (--max-chars)"
    )
