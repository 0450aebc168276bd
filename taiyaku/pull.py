"""Stage 1, pull: read a source (a path, a ``file://`` or an ``http(s)://`` URL) into a :class:`SourceDocument`.

Two steps, usable on their own:

* :func:`fetch` gets the bytes (local read, or HTTP with timeouts, a size limit enforced while streaming,
  a redirect limit, retries with backoff honouring ``Retry-After``) and what the server said about them;
* :func:`decode_source` turns those bytes into text: the media type from the content itself plus the
  declared type (HTTP ``Content-Type`` or the file extension), the character encoding from the byte-order
  mark, the HTTP header charset, the HTML ``<meta>`` charset, then detection, in that order.  A PDF's text
  is its extracted text layer (:mod:`taiyaku.pdf`), pages separated by ``"\\f"``.

:func:`pull` is both in one call.  ``SourceDocument.text`` is the *decoded source* every offset downstream
points into; re-decoding the bytes with ``provenance.encoding`` gives exactly that text (``"utf-8-sig"``
means a UTF-8 byte-order mark was present and is not part of the text).

A local file with a provenance record beside it (``<file>.provenance.json``, written by
:mod:`taiyaku.snapshot`) is a snapshot: it is decoded with the Content-Type recorded when it was fetched,
must still have the recorded SHA-256, and its provenance is the record's (source URL, final URL, fetch
time, status, headers).

Retries happen in exactly one layer.  In the flow it is Prefect's: the pull task has ``retries`` with
backoff and ``retry_condition_fn=retry_condition``, and :func:`pull` makes a single attempt (its default
:class:`FetchLimits` have ``retries=0``); :func:`retry_condition` retries only what :func:`is_retryable`
allows (connection errors, timeouts, bodies cut short, HTTP 429 and 5xx; never other 4xx, never bad
content) and, because Prefect's delays are fixed when the task is defined, honours a longer
``Retry-After`` by waiting the difference.
Outside Prefect (``taiyaku add``, ``taiyaku run --refresh``) callers pass ``FetchLimits(retries=N)`` and
:func:`fetch` retries itself with exponential backoff and the same ``Retry-After`` rule.
"""

from __future__ import annotations

import codecs
import email.utils
import hashlib
import mimetypes
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import httpx

from taiyaku import __version__
from taiyaku.charset import EUC_JP_CODECS, SHIFT_JIS_CODECS, codecs_for_label
from taiyaku.errors import TaiyakuError
from taiyaku.html import declared_charset
from taiyaku.model import HTML, PDF, TEXT, Provenance, SourceDocument

USER_AGENT = f"taiyaku/{__version__}"


# Response headers worth keeping in the provenance: they identify the version that was fetched (and let a
# later refresh ask "changed since?") and say how the bytes were meant to be read.
RECORDED_HEADERS = ("content-type", "content-language", "etag", "last-modified")

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_TEXT_TYPES = {"text/plain", "text/markdown", "text/x-markdown"}
_UNDECLARED_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}
# Signatures of binary formats people plausibly point taiyaku at by mistake.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip file?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office document (.doc/.xls)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"%!PS", "a PostScript file"),
)

# Python's cp932 maps the single bytes 0xFD-0xFF (unused in Shift_JIS) to private-use characters instead
# of failing: in undeclared text they mean the bytes are not Shift_JIS (or are corrupt).
_CP932_STRAY_BYTES = re.compile("[\uf8f1-\uf8f3]")
# What charset-normalizer calls single-byte Western text; for English, taiyaku's other language, that is
# windows-1252 in practice, which it cannot tell from its Central European cousins on short texts.
_WESTERN_SINGLE_BYTE = re.compile(r"^(cp125\d|iso8859_\d+|latin_1|mac_\w+|cp437|cp850)$")
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(//)?")


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How big, how slow and how often a download may be, handed as one value from the caller down to the
    HTTP client.  ``max_bytes`` also limits local files."""

    max_bytes: int = 50 * 2**20
    timeout: float = 30.0  # seconds to connect, and the longest silence allowed while reading
    total_timeout: float = 600.0  # seconds for a whole download: a server trickling bytes never stalls a run
    max_redirects: int = 10
    # Retries after the first attempt (retryable failures only).  0 by default: in the flow, the Prefect
    # task's retries are the one retrying layer, and each attempt is a single fetch.
    retries: int = 0
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    max_retry_wait: float = 120.0  # a longer Retry-After fails now instead of hanging the run


DEFAULT_LIMITS = FetchLimits()
# For callers outside Prefect (``taiyaku add``, ``taiyaku run --refresh``), which retry themselves.
RETRYING_LIMITS = FetchLimits(retries=3)


@dataclass(frozen=True, slots=True)
class Fetched:
    """The bytes of a source exactly as read, and what the server (or the file name) said about them."""

    source: str  # what the user gave
    content: bytes
    content_type: str | None  # declared: the HTTP Content-Type header, or given by the caller
    name: str  # file name or URL path, for the extension
    final_url: str | None = None  # http(s) only, after redirects
    fetched_at: str | None = None  # http(s) only, ISO 8601 UTC
    status: int | None = None  # http(s) only
    headers: dict[str, str] = field(default_factory=dict)  # RECORDED_HEADERS present in the response

    @property
    def not_modified(self) -> bool:
        """The server answered a conditional request with 304: the caller's copy is current."""
        return self.status == 304


class FetchError(TaiyakuError):
    """A failed download, saying whether trying again later can help."""

    def __init__(
        self,
        where: str,
        problem: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(where, problem)
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait (Retry-After), if it did


def utc_timestamp() -> str:
    """Now, as provenance records a fetch time: ISO 8601 UTC to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_retryable(exc: BaseException) -> bool:
    """Whether a failed pull may succeed if tried again: connection errors, timeouts, bodies cut short,
    HTTP 429 and 5xx.  Not other 4xx, and not bad content (undecodable, wrong type, too large)."""
    return isinstance(exc, FetchError) and exc.retryable


def retry_condition(task: Any, task_run: Any, state: Any) -> bool:
    """A Prefect 3 ``retry_condition_fn`` for a task that calls :func:`pull`.

    Retries only :func:`is_retryable` failures.  Prefect schedules the retry after the task's fixed
    ``retry_delay_seconds``; when the server's ``Retry-After`` asks for longer, this waits the difference
    before answering (up to ``DEFAULT_LIMITS.max_retry_wait``; beyond that the task fails now with the error).
    """
    exc = state.data if isinstance(state.data, BaseException) else None
    if exc is None:
        try:
            result = state.result(raise_on_failure=False)
        except Exception:  # a result that cannot be loaded tells us nothing: do not retry blindly
            return False
        exc = result if isinstance(result, BaseException) else None
    if exc is None or not is_retryable(exc):
        return False
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is None:
        return True
    if retry_after > DEFAULT_LIMITS.max_retry_wait:
        return False
    delays = task.retry_delay_seconds or 0
    if isinstance(delays, Sequence):
        scheduled = delays[min(max(task_run.run_count - 1, 0), len(delays) - 1)] if delays else 0
    else:
        scheduled = delays
    if retry_after > scheduled:
        time.sleep(retry_after - scheduled)
    return True


def pull(source: str, *, content_type: str | None = None, limits: FetchLimits = DEFAULT_LIMITS) -> SourceDocument:
    """Read ``source`` (a path, ``file://``, ``http://`` or ``https://`` URL) and decode it.

    ``content_type`` declares the type (and charset) of a local file the way an HTTP header would, e.g.
    the Content-Type recorded when a snapshot was fetched.  Raises :class:`TaiyakuError` (or its subclass
    :class:`FetchError` for download failures) with one line naming the source and the problem.
    """
    return decode_source(fetch(source, content_type=content_type, limits=limits))


# ----------------------------------------------------------------------------------------------- fetching


def fetch(
    source: str,
    *,
    content_type: str | None = None,
    limits: FetchLimits = DEFAULT_LIMITS,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """The bytes of ``source``, undecoded.

    For http(s), ``etag``/``last_modified`` make the request conditional (If-None-Match /
    If-Modified-Since); a 304 answer comes back as a :class:`Fetched` with ``not_modified`` set and no
    content.  Retryable failures (:func:`is_retryable`) are retried ``limits.retries`` times, waiting
    ``limits.backoff`` seconds, doubling each time, or as long as the server's ``Retry-After`` asks (up to
    ``limits.max_retry_wait``).
    """
    if not source or not source.strip():
        raise TaiyakuError("<source>", "empty source: give a path, file:// or http(s):// URL")
    if "\x00" in source:  # no path or URL holds one (and pathlib raises ValueError on it)
        raise TaiyakuError(repr(source), "a NUL character in the source name")
    scheme = url_scheme(source)
    if scheme is None:
        return _read_file(Path(source).expanduser(), source, content_type, limits.max_bytes)
    if scheme in ("http", "https"):
        return _fetch_http(source, limits, etag=etag, last_modified=last_modified)
    if scheme == "file":
        return _read_file(_file_url_path(source), source, content_type, limits.max_bytes)
    raise TaiyakuError(
        source, f"unsupported URL scheme '{scheme}:' (taiyaku reads http://, https://, file:// and paths)"
    )


def url_scheme(source: str) -> str | None:
    """The (lower-case) scheme of ``source`` if it is a URL, ``None`` if it is a local path.

    ``scheme://...`` and ``file:...`` are URLs.  Without ``//``, ``name:...`` is a path when a file of
    that name exists (a colon is legal in a file name: ``ja:v2.txt``) or ``name`` is a Windows drive
    letter (``C:\\...``); otherwise it is a URL with a scheme taiyaku does not read (``mailto:``).
    """
    match = _URL_SCHEME.match(source)
    if match is None:
        return None
    scheme = match.group(1).lower()
    if match.group(2) or scheme == "file":
        return scheme
    if len(scheme) == 1 or ("\x00" not in source and Path(source).expanduser().exists()):
        return None
    return scheme


def _file_url_path(url: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise TaiyakuError(url, f"file:// URL names a remote host '{parts.netloc}'; only local files are read")
    return Path(url2pathname(unquote(parts.path)))


def _read_file(path: Path, source: str, content_type: str | None, max_bytes: int) -> Fetched:
    if not path.exists():
        raise TaiyakuError(source, "no such file")
    if path.is_dir():
        raise TaiyakuError(source, "is a directory, not a file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TaiyakuError(source, f"file is {size} bytes, over the {max_bytes}-byte limit (max_bytes)")
        # Read at most one byte more than allowed: a pipe, a device or a file still growing has no
        # trustworthy size, and the limit must hold for them too.
        with path.open("rb") as stream:
            content = stream.read(max_bytes + 1)
    except OSError as exc:
        raise TaiyakuError(source, f"cannot read: {exc.strerror or exc}") from None
    if len(content) > max_bytes:
        raise TaiyakuError(source, f"more than {max_bytes} bytes, over the limit (max_bytes)")
    from taiyaku.snapshot import read_record, record_path  # snapshot builds on this module

    record = read_record(path)
    if record is None:
        return Fetched(source=source, content=content, content_type=content_type, name=path.name)
    # A snapshot: decode it as it was served and report where and when it was fetched.
    digest = hashlib.sha256(content).hexdigest()
    if digest != record.sha256:
        raise TaiyakuError(
            source,
            f"sha256 {digest} does not match its provenance record {record_path(path).name} ({record.sha256}):"
            " the snapshot changed after it was fetched; run `taiyaku run --refresh` to fetch it again",
        )
    return Fetched(
        source=record.source,
        content=content,
        content_type=content_type or record.headers.get("content-type"),
        name=path.name,
        final_url=record.final_url,
        fetched_at=record.fetched_at,
        status=record.status,
        headers=dict(record.headers),
    )


def _fetch_http(url: str, limits: FetchLimits, *, etag: str | None, last_modified: str | None) -> Fetched:
    request_headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.1",
    }
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    attempt = 0
    with httpx.Client(
        follow_redirects=True,
        max_redirects=limits.max_redirects,
        timeout=httpx.Timeout(limits.timeout),
        headers=request_headers,
    ) as client:
        while True:
            try:
                return _fetch_http_once(client, url, limits)
            except FetchError as exc:
                if not exc.retryable or attempt >= limits.retries:
                    raise
                wait = limits.backoff * 2**attempt
                if exc.retry_after is not None:
                    if exc.retry_after > limits.max_retry_wait:
                        raise FetchError(
                            url,
                            f"{exc.problem}; the server asks to retry after {exc.retry_after:g} s, longer"
                            f" than the {limits.max_retry_wait:g} s taiyaku waits",
                            retryable=False,
                            status=exc.status,
                        ) from None
                    wait = max(wait, exc.retry_after)
                time.sleep(wait)
                attempt += 1


def _fetch_http_once(client: httpx.Client, url: str, limits: FetchLimits) -> Fetched:
    max_bytes, timeout = limits.max_bytes, limits.timeout
    deadline = time.monotonic() + limits.total_timeout
    fetched_at = utc_timestamp()
    received = 0
    try:
        with client.stream("GET", url) as response:
            final_url = str(response.url)
            via = "" if final_url == url else f" (redirected to {final_url})"
            status = response.status_code
            answer = f"HTTP {status} {response.reason_phrase}".rstrip() + via  # a server may send no reason
            if status >= 400:
                raise FetchError(
                    url,
                    answer,
                    retryable=status == 429 or status >= 500,
                    status=status,
                    retry_after=_retry_after(response.headers.get("retry-after")),
                )
            recorded = {k: response.headers[k] for k in RECORDED_HEADERS if k in response.headers}
            conditional = "if-none-match" in client.headers or "if-modified-since" in client.headers
            if status == 304 and conditional:
                return Fetched(url, b"", None, _url_name(final_url), final_url, fetched_at, status, recorded)
            if status not in (200, 203):  # 206 and the like would be part of the document, not all of it
                raise FetchError(url, f"unexpected {answer}", retryable=False)
            declared_length = _content_length(response.headers)
            if declared_length is not None and declared_length > max_bytes:
                raise FetchError(
                    url,
                    f"the server announces {declared_length} bytes, over the {max_bytes}-byte limit (max_bytes)",
                    retryable=False,
                )
            chunks: list[bytes] = []
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received > max_bytes:
                    raise FetchError(
                        url, f"download exceeds the {max_bytes}-byte limit (max_bytes); stopped", retryable=False
                    )
                if time.monotonic() > deadline:
                    raise FetchError(
                        url, f"download took longer than {limits.total_timeout:g} s (total timeout)", retryable=True
                    )
                chunks.append(chunk)
            # h11 already refuses a body that ends before Content-Length; this also covers a transport that
            # does not (the raw byte count is what Content-Length describes, before any gzip decoding).
            if declared_length is not None and response.num_bytes_downloaded != declared_length:
                raise FetchError(
                    url,
                    f"body cut short: received {response.num_bytes_downloaded} of {declared_length} bytes",
                    retryable=True,
                )
            return Fetched(
                source=url,
                content=b"".join(chunks),
                content_type=response.headers.get("content-type"),
                name=_url_name(final_url),
                final_url=final_url,
                fetched_at=fetched_at,
                status=status,
                headers=recorded,
            )
    except httpx.TooManyRedirects:
        raise FetchError(
            url, f"more than {limits.max_redirects} redirects (a redirect loop?)", retryable=False
        ) from None
    except httpx.UnsupportedProtocol as exc:
        raise FetchError(url, f"redirected to an unsupported URL: {exc}", retryable=False) from None
    except httpx.InvalidURL as exc:
        raise FetchError(url, f"invalid URL: {exc}", retryable=False) from None
    except httpx.ConnectTimeout:
        raise FetchError(url, f"timed out connecting ({timeout:g} s)", retryable=True) from None
    except httpx.ReadTimeout:
        raise FetchError(url, f"the server stalled: no data for {timeout:g} s (read timeout)", retryable=True) from None
    except httpx.TimeoutException as exc:
        raise FetchError(url, f"timed out: {type(exc).__name__}", retryable=True) from None
    except httpx.RemoteProtocolError as exc:
        problem = str(exc)
        if "incomplete" in problem or "without sending complete message body" in problem:
            problem = f"body cut short: the connection closed after {received} bytes ({exc})"
        else:
            problem = f"broken HTTP response: {exc}"
        raise FetchError(url, problem, retryable=True) from None
    except httpx.DecodingError as exc:
        raise FetchError(url, f"cannot decode the compressed response: {exc}", retryable=False) from None
    except httpx.ConnectError as exc:
        raise FetchError(url, f"cannot connect: {exc}", retryable=True) from None
    except httpx.TransportError as exc:
        raise FetchError(url, f"network error: {exc}", retryable=True) from None


def _content_length(headers: httpx.Headers) -> int | None:
    value = headers.get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _url_name(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


# ----------------------------------------------------------------------------------------------- decoding


def decode_source(fetched: Fetched) -> SourceDocument:
    """Decode fetched bytes into a :class:`SourceDocument` (text + provenance)."""
    where = fetched.source
    raw = fetched.content
    if not raw:
        raise TaiyakuError(where, "empty file (0 bytes)")
    media_type = sniff_media_type(raw, fetched.content_type, fetched.name, where)
    if media_type == PDF:
        from taiyaku.pdf import EXTRACTOR, extract_pdf_text  # pypdf is loaded only when a PDF comes

        text = extract_pdf_text(raw, where)
        encoding = EXTRACTOR
    else:
        header_charset = _parameter(fetched.content_type, "charset")
        meta = declared_charset(raw) if media_type == HTML else None
        text, encoding = decode_text(raw, where, [header_charset, meta])
        if "\x00" in text:
            raise TaiyakuError(where, "contains NUL characters: binary data, not text")
        if not text.strip():
            raise TaiyakuError(where, "contains no text, only white space")
    provenance = Provenance(
        source=fetched.source,
        sha256=hashlib.sha256(raw).hexdigest(),
        bytes=len(raw),
        media_type=media_type,
        encoding=encoding,
        final_url=fetched.final_url,
        fetched_at=fetched.fetched_at,
        status=fetched.status,
        headers=dict(fetched.headers),
    )
    return SourceDocument(text=text, provenance=provenance)


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _parameter(content_type: str | None, name: str) -> str | None:
    """A parameter of a Content-Type value (``charset``), unquoted."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == name:
            return value.strip().strip("\"'") or None
    return None


def _looks_like_html(raw: bytes) -> bool:
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return True
    return head.startswith((b"<?xml", b"<!--", b"<meta")) and b"<html" in head


def sniff_media_type(raw: bytes, content_type: str | None, name: str, where: str) -> str:
    """``text/plain``, ``text/html`` or ``application/pdf``, from the content and the declared type.

    The content wins where it is unambiguous (a PDF signature, an HTML document start), because servers
    mislabel files; a declared type taiyaku cannot read (``image/png``...) is refused with the reason.
    """
    declared = _mime(content_type)
    if not declared:
        guessed, _ = mimetypes.guess_type(name)
        declared = (guessed or "").lower()
    if raw[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    for signature, what in _BINARY_SIGNATURES:
        if raw.startswith(signature):
            raise TaiyakuError(where, f"is {what}, not text, HTML or PDF")
    if declared == PDF:
        raise TaiyakuError(where, "is declared a PDF but does not start with %PDF- (truncated or mislabelled?)")
    if _looks_like_html(raw) or declared in _HTML_TYPES:
        return HTML
    if declared in _UNDECLARED_TYPES or declared in _TEXT_TYPES or declared.startswith("text/"):
        return TEXT
    raise TaiyakuError(where, f"content type {declared} is not something taiyaku reads (text, HTML or PDF)")


def decode_text(raw: bytes, where: str, declared: Sequence[str | None] = ()) -> tuple[str, str]:
    """Decode ``raw`` strictly; returns ``(text, codec)``.

    Order: a byte-order mark; then each declared charset (HTTP header first, then ``<meta>``) that
    decodes without error; then UTF-8; then CP932 (Shift_JIS) or EUC-JP, choosing by which gives
    plausible Japanese when both decode; finally charset-normalizer's guess.
    """
    if raw.startswith(codecs.BOM_UTF8):
        return _strict(raw, "utf-8-sig", where, "starts with a UTF-8 byte-order mark but is not valid UTF-8")
    # UTF-32 first: its little-endian mark begins with UTF-16's (FF FE), followed by two NUL bytes.
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _strict(raw, "utf-32", where, "starts with a UTF-32 byte-order mark but is not valid UTF-32")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(raw, "utf-16", where, "starts with a UTF-16 byte-order mark but is not valid UTF-16")
    for label in declared:
        for codec in codecs_for_label(label or ""):
            text = _try_decode(raw, codec)
            if text is not None:
                return text, codec
    text = _try_decode(raw, "utf-8")
    if text is not None:
        return text, "utf-8"
    candidates = [
        (text, codec)
        for codec in (*SHIFT_JIS_CODECS, *EUC_JP_CODECS)
        if (text := _try_decode(raw, codec)) is not None and not _CP932_STRAY_BYTES.search(text)
    ]
    if candidates:
        # Prefer the base codecs (cp932, euc_jp) over their JIS X 0213 extensions when both decode; keep
        # order stable for ties so the choice is deterministic.
        return max(candidates, key=lambda pair: _japanese_plausibility(pair[0]))
    guess = _charset_normalizer_guess(raw)
    if guess is not None:
        return guess
    position, codec_name = _furthest_decode_failure(raw)
    raise TaiyakuError(
        where,
        "not valid UTF-8, Shift_JIS or EUC-JP text"
        f" (read as {codec_name}, byte 0x{raw[position]:02x} at offset {position} is invalid)",
    )


def _strict(raw: bytes, codec: str, where: str, problem: str) -> tuple[str, str]:
    try:
        return raw.decode(codec), codec
    except UnicodeDecodeError as exc:
        raise TaiyakuError(where, f"{problem} (byte offset {exc.start})") from None


def _try_decode(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except UnicodeError:  # UnicodeDecodeError, or the bare UnicodeError some stateful codecs raise
        return None


def _japanese_plausibility(text: str) -> int:
    """How much ``text`` looks like real Japanese (or ASCII): decoding EUC-JP bytes as CP932 (or the reverse)
    yields half-width katakana, private-use and rare characters instead of kana and common kanji."""
    score = 0
    for char in text:
        code = ord(char)
        if (
            code < 0x80
            or 0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
            or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
            or 0xFF01 <= code <= 0xFF5E  # full-width ASCII
        ):
            score += 1
        elif 0xFF61 <= code <= 0xFF9F or unicodedata.category(char) in ("Co", "Cn", "Cc"):
            score -= 3  # half-width katakana, private use, unassigned, control
        else:
            score -= 1
    return score


def _charset_normalizer_guess(raw: bytes) -> tuple[str, str] | None:
    """Last resort for text in none of the Japanese encodings (an English page in windows-1252, say)."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        return None
    encoding = "cp1252" if _WESTERN_SINGLE_BYTE.match(best.encoding) else best.encoding
    text = _try_decode(raw, encoding)
    if text is None or any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v" for c in text):
        return None
    return text, encoding


def _furthest_decode_failure(raw: bytes) -> tuple[int, str]:
    """Where decoding fails, for the encoding that gets furthest: the likeliest intended one, so the
    offset points at the corrupt spot rather than at the first non-ASCII byte."""
    failures = []
    for codec, name in (("utf-8", "UTF-8"), ("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
        try:
            raw.decode(codec)
            position = len(raw)
        except UnicodeDecodeError as exc:
            position = exc.start
        if codec == "cp932":  # bytes 0xFD-0xFF are never part of a Shift_JIS character
            stray = re.search(rb"[\xfd-\xff]", raw)
            position = min(position, stray.start()) if stray else position
        failures.append((position, name))
    position, name = max(failures, key=lambda failure: failure[0])
    return min(position, len(raw) - 1), name
