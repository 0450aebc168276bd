"""pull over real HTTP: a scripted server on 127.0.0.1 (tests/scripted_http.py), no mocks."""

from __future__ import annotations

import dataclasses
import gzip
import io
import time

import pytest
from support.scripted_http import Reply, Request, ScriptedServer

from taiyaku import __version__
from taiyaku.errors import TaiyakuError
from taiyaku.sources import pull
from taiyaku.sources.fetch import DEFAULT_LIMITS, FetchError, FetchLimits, fetch, is_retryable

# Retryable failures are tested one attempt at a time (the retry tests cover the retrying).
ONE_ATTEMPT = FetchLimits(retries=0)

JAPANESE = "総務省と米国国務省は、第５回日米インターネットエコノミー政策協力対話を東京で開催した。"


def html_page(body: str, meta_charset: str | None = None) -> str:
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    return f"<!DOCTYPE html><html><head>{meta}<title>共同声明</title></head><body><p>{body}</p></body></html>"


# ------------------------------------------------------------------------------------------ charsets


@pytest.mark.parametrize(
    ("label", "codec"),
    [("Shift_JIS", "cp932"), ("EUC-JP", "euc_jp"), ("UTF-8", "utf-8")],
)
def test_charset_from_the_header_only(server: ScriptedServer, label: str, codec: str) -> None:
    page = html_page(JAPANESE).encode(codec)
    url = server.route("/page.html", Reply(200, page, {"Content-Type": f"text/html; charset={label}"}))
    document = pull(url)
    assert JAPANESE in document.text
    assert document.provenance.encoding == codec
    assert document.provenance.media_type == "text/html"
    assert document.provenance.headers["content-type"] == f"text/html; charset={label}"


@pytest.mark.parametrize(("label", "codec"), [("Shift_JIS", "cp932"), ("EUC-JP", "euc_jp")])
def test_charset_from_the_meta_tag_only(server: ScriptedServer, label: str, codec: str) -> None:
    page = html_page(JAPANESE, meta_charset=label).encode(codec)
    url = server.route("/page.html", Reply(200, page, {"Content-Type": "text/html"}))
    document = pull(url)
    assert JAPANESE in document.text
    assert document.provenance.encoding == codec


def test_the_header_charset_wins_over_the_meta_tag(server: ScriptedServer) -> None:
    # The meta tag lies (windows-1252 would decode these bytes too, as mojibake): the header is first.
    page = html_page(JAPANESE, meta_charset="windows-1252").encode("euc_jp")
    url = server.route("/page.html", Reply(200, page, {"Content-Type": "text/html; charset=EUC-JP"}))
    document = pull(url)
    assert document.provenance.encoding == "euc_jp"
    assert JAPANESE in document.text


def test_a_header_charset_that_cannot_decode_falls_back_to_the_meta_tag(server: ScriptedServer) -> None:
    page = html_page(JAPANESE, meta_charset="Shift_JIS").encode("cp932")
    url = server.route("/page.html", Reply(200, page, {"Content-Type": "text/html; charset=utf-8"}))
    document = pull(url)
    assert document.provenance.encoding == "cp932"
    assert JAPANESE in document.text


def test_no_declared_charset_is_detected(server: ScriptedServer) -> None:
    page = html_page(JAPANESE).encode("euc_jp")
    url = server.route("/page.html", Reply(200, page, {"Content-Type": "text/html"}))
    assert pull(url).provenance.encoding == "euc_jp"


# ---------------------------------------------------------------------------------- request, provenance


def test_provenance_records_the_fetch(server: ScriptedServer) -> None:
    page = html_page(JAPANESE).encode("utf-8")
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "ETag": '"v1"',
        "Last-Modified": "Thu, 13 Mar 2014 09:00:00 GMT",
        "Server": "scripted",
    }
    server.route("/new.html", Reply(200, page, headers))
    url = server.route("/old.html", Reply(301, b"", {"Location": "/new.html"}))
    document = pull(url)
    provenance = document.provenance
    assert provenance.source == url
    assert provenance.final_url == server.url("/new.html")
    assert provenance.status == 200
    assert provenance.bytes == len(page)
    assert provenance.fetched_at is not None and provenance.fetched_at.endswith("Z")
    assert provenance.headers == {
        "content-type": "text/html; charset=utf-8",
        "etag": '"v1"',
        "last-modified": "Thu, 13 Mar 2014 09:00:00 GMT",
    }
    assert server.requests[0].headers["user-agent"] == f"taiyaku/{__version__}"


def test_gzip_transfer_is_decoded_and_not_mistaken_for_a_short_body(server: ScriptedServer) -> None:
    page = html_page(JAPANESE * 20).encode("utf-8")
    compressed = gzip.compress(page)
    url = server.route(
        "/page.html",
        Reply(200, compressed, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}),
    )
    document = pull(url)
    assert document.provenance.bytes == len(page)
    assert document.text == page.decode("utf-8")


def test_conditional_request_answered_with_304(server: ScriptedServer) -> None:
    def conditional(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, b"text", {"ETag": '"v1"', "Content-Type": "text/plain"})

    url = server.route("/doc.txt", conditional)
    assert fetch(url).content == b"text"
    answer = fetch(url, etag='"v1"', last_modified="Thu, 13 Mar 2014 09:00:00 GMT")
    assert answer.not_modified and answer.content == b""
    assert server.requests[-1].headers["if-modified-since"] == "Thu, 13 Mar 2014 09:00:00 GMT"


# ------------------------------------------------------------------------------------------ retries


def test_503_twice_then_200_succeeds_after_retrying(server: ScriptedServer) -> None:
    page = b"Joint statement."
    url = server.route(
        "/doc.txt",
        Reply(503, b"busy", {"Content-Type": "text/plain"}),
        Reply(503, b"busy", {"Content-Type": "text/plain"}),
        Reply(200, page, {"Content-Type": "text/plain"}),
    )
    document = pull(url, limits=FetchLimits(retries=3, backoff=0.01))
    assert document.text == "Joint statement."
    assert server.hits("/doc.txt") == 3


def test_retry_after_is_honoured(server: ScriptedServer) -> None:
    url = server.route(
        "/doc.txt",
        Reply(429, b"slow down", {"Retry-After": "1"}),
        Reply(200, b"done", {"Content-Type": "text/plain"}),
    )
    started = time.monotonic()
    assert pull(url, limits=FetchLimits(retries=1, backoff=0.01)).text == "done"
    assert time.monotonic() - started >= 0.95
    assert server.hits("/doc.txt") == 2


def test_a_retry_after_beyond_the_limit_fails_at_once(server: ScriptedServer) -> None:
    url = server.route("/doc.txt", Reply(503, b"", {"Retry-After": "3600"}))
    started = time.monotonic()
    with pytest.raises(FetchError, match="retry after 3600 s"):
        pull(url, limits=FetchLimits(retries=2, backoff=0.01))
    assert time.monotonic() - started < 5
    assert server.hits("/doc.txt") == 1


def test_retries_exhausted_reports_the_last_error(server: ScriptedServer) -> None:
    url = server.route("/doc.txt", Reply(500, b"oops"))
    with pytest.raises(FetchError, match="HTTP 500 Internal Server Error") as caught:
        pull(url, limits=FetchLimits(retries=2, backoff=0.01))
    assert is_retryable(caught.value)
    assert server.hits("/doc.txt") == 3


def test_pull_retries_by_default(server: ScriptedServer) -> None:
    # The library's fetch is the one retry layer, for the flow and the CLI alike.
    url = server.route(
        "/doc.txt", Reply(503, b"", {"Retry-After": "0"}), Reply(200, b"ok", {"Content-Type": "text/plain"})
    )
    assert pull(url, limits=dataclasses.replace(DEFAULT_LIMITS, backoff=0.01)).text == "ok"
    assert server.hits("/doc.txt") == 2
    assert DEFAULT_LIMITS.retries >= 1


def test_404_is_a_clear_error_and_not_retried(server: ScriptedServer) -> None:
    url = server.url("/missing.html")
    with pytest.raises(FetchError) as caught:
        pull(url, limits=FetchLimits(retries=3, backoff=0.01))
    assert str(caught.value) == f"{url}: HTTP 404 Not Found"
    assert not is_retryable(caught.value)
    assert server.hits("/missing.html") == 1


def test_connection_refused_is_retryable() -> None:
    with ScriptedServer() as stopped:
        url = stopped.url("/doc.txt")
    with pytest.raises(FetchError, match="cannot connect") as caught:
        pull(url, limits=FetchLimits(timeout=2, retries=0))
    assert is_retryable(caught.value)


# --------------------------------------------------------------------------------- broken responses


def test_a_stalled_response_times_out(server: ScriptedServer) -> None:
    url = server.route("/slow.txt", Reply(200, b"late", {"Content-Type": "text/plain"}, stall=30))
    started = time.monotonic()
    with pytest.raises(FetchError, match="stalled") as caught:
        pull(url, limits=FetchLimits(timeout=0.5, retries=0))
    assert time.monotonic() - started < 5
    assert is_retryable(caught.value)


def test_a_trickling_response_hits_the_total_timeout(server: ScriptedServer) -> None:
    url = server.route("/trickle.txt", Reply(200, b"x" * 200, {"Content-Type": "text/plain"}, trickle=0.05))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"longer than 0\.5 s"):
        pull(url, limits=FetchLimits(timeout=2, total_timeout=0.5, retries=0))
    assert time.monotonic() - started < 3


def test_a_body_cut_short_is_detected(server: ScriptedServer) -> None:
    body = html_page(JAPANESE).encode("utf-8")
    url = server.route("/cut.html", Reply(200, body, {"Content-Type": "text/html"}, content_length=len(body) + 500))
    with pytest.raises(FetchError, match="body cut short") as caught:
        pull(url, limits=ONE_ATTEMPT)
    assert is_retryable(caught.value)


def test_an_oversized_announced_body_is_refused_before_downloading(server: ScriptedServer) -> None:
    url = server.route("/big.txt", Reply(200, b"a" * 300_000, {"Content-Type": "text/plain"}))
    with pytest.raises(FetchError, match="announces 300000 bytes, over the 100000-byte limit") as caught:
        pull(url, limits=FetchLimits(max_bytes=100_000))
    assert not is_retryable(caught.value)


def test_an_oversized_unannounced_body_is_refused_while_streaming(server: ScriptedServer) -> None:
    url = server.route(
        "/big.txt", Reply(200, b"a" * 2_000_000, {"Content-Type": "text/plain"}, omit_content_length=True)
    )
    with pytest.raises(FetchError, match="exceeds the 100000-byte limit"):
        pull(url, limits=FetchLimits(max_bytes=100_000))


def test_a_redirect_loop_is_stopped(server: ScriptedServer) -> None:
    server.route("/b", Reply(302, b"", {"Location": "/a"}))
    url = server.route("/a", Reply(302, b"", {"Location": "/b"}))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        pull(url, limits=FetchLimits(max_redirects=5))
    assert server.hits("/a") + server.hits("/b") == 6


def test_a_redirect_to_another_scheme_is_refused(server: ScriptedServer) -> None:
    url = server.route("/a", Reply(302, b"", {"Location": "ftp://example.org/file.pdf"}))
    with pytest.raises(FetchError, match="unsupported URL"):
        pull(url)


# ------------------------------------------------------------------------------------- content types


def test_a_declared_image_is_refused(server: ScriptedServer) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    url = server.route("/logo.png", Reply(200, png, {"Content-Type": "image/png"}))
    with pytest.raises(TaiyakuError, match="is a PNG image, not text, HTML or PDF"):
        pull(url)


def test_an_unreadable_declared_type_is_refused(server: ScriptedServer) -> None:
    url = server.route("/data", Reply(200, b"1,2,3\n", {"Content-Type": "application/zip"}))
    with pytest.raises(TaiyakuError, match="content type application/zip is not something taiyaku reads"):
        pull(url)


def test_html_served_as_text_plain_is_read_as_html(server: ScriptedServer) -> None:
    page = html_page(JAPANESE, meta_charset="EUC-JP").encode("euc_jp")
    url = server.route("/page", Reply(200, page, {"Content-Type": "text/plain"}))
    document = pull(url)
    assert document.provenance.media_type == "text/html"
    assert document.provenance.encoding == "euc_jp"


def test_missing_content_type_is_sniffed(server: ScriptedServer) -> None:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Joint Press Statement")
    pdf.save()
    server.route("/statement", Reply(200, buffer.getvalue()))
    server.route("/notes", Reply(200, JAPANESE.encode("cp932")))
    document = pull(server.url("/statement"))
    assert document.provenance.media_type == "application/pdf"
    assert "Joint Press Statement" in document.text
    notes = pull(server.url("/notes"))
    assert (notes.provenance.media_type, notes.provenance.encoding, notes.text) == ("text/plain", "cp932", JAPANESE)


def test_an_html_error_page_served_as_pdf_is_refused(server: ScriptedServer) -> None:
    url = server.route("/s.pdf", Reply(200, b"<p>Please log in</p>", {"Content-Type": "application/pdf"}))
    with pytest.raises(TaiyakuError, match="declared a PDF but does not start with %PDF-"):
        pull(url)


def test_an_empty_body_is_refused(server: ScriptedServer) -> None:
    url = server.route("/empty.html", Reply(200, b"", {"Content-Type": "text/html"}))
    with pytest.raises(TaiyakuError, match="empty file"):
        pull(url)


# ------------------------------------------------------------------------------ retries in the flow


def test_the_flows_pull_task_retries_once_layered(server: ScriptedServer, prefect_harness: None) -> None:
    """In the flow the pull step's task is not retried by Prefect: the library's fetch retries, honouring
    Retry-After, so a 503 costs one more request (not retries x retries) and a 404 none."""
    from prefect import flow

    from flows.pipeline import STEP_TASKS
    from taiyaku import pipeline

    pull_task = STEP_TASKS[pipeline.pull_source]
    assert pull_task.retries == 0

    @flow
    def pull_flow(url: str) -> str:
        return pull_task(url).text

    url = server.route(
        "/doc.txt",
        Reply(503, b"", {"Retry-After": "1"}),
        Reply(200, b"Joint statement.", {"Content-Type": "text/plain"}),
    )
    started = time.monotonic()
    assert pull_flow(url) == "Joint statement."
    assert time.monotonic() - started >= 0.95  # Retry-After: 1 honoured
    assert server.hits("/doc.txt") == 2

    missing = server.url("/missing.txt")
    with pytest.raises(FetchError, match="HTTP 404"):
        pull_flow(missing)
    assert server.hits("/missing.txt") == 1  # a 404 is not retried


@pytest.mark.parametrize("status", [304, 206, 204])
def test_unexpected_success_statuses_are_refused(server: ScriptedServer, status: int) -> None:
    # A 304 answers only a conditional request; a 206 is part of a document; a 204 has none.
    url = server.route("/doc.txt", Reply(status, b"" if status != 206 else b"part", {"Content-Type": "text/plain"}))
    with pytest.raises(FetchError, match=f"unexpected HTTP {status}"):
        pull(url)


def test_a_header_charset_that_is_no_text_encoding_falls_back_to_detection(server: ScriptedServer) -> None:
    # "base64" is a codec to Python, not a character encoding: decoding with it raised LookupError.
    page = html_page(JAPANESE).encode("euc_jp")
    url = server.route("/page.html", Reply(200, page, {"Content-Type": "text/html; charset=base64"}))
    document = pull(url)
    assert (document.provenance.encoding, JAPANESE in document.text) == ("euc_jp", True)


def test_status_without_a_reason_phrase_reads_cleanly(server: ScriptedServer) -> None:
    # The server sends no reason phrase for codes it does not know: no stray or doubled space in the message.
    odd = server.route("/odd.txt", Reply(299, b"?", {"Content-Type": "text/plain"}))
    with pytest.raises(FetchError) as caught:
        pull(odd)
    assert str(caught.value) == f"{odd}: unexpected HTTP 299"
    server.route("/down.txt", Reply(599, b""))
    moved = server.route("/moved.txt", Reply(301, b"", {"Location": "/down.txt"}))
    with pytest.raises(FetchError) as caught:
        pull(moved, limits=ONE_ATTEMPT)
    assert str(caught.value) == f"{moved}: HTTP 599 (redirected to {server.url('/down.txt')})"
