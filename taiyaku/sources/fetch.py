"""Fetching: the bytes of a source (a path, a ``file://`` or an ``http(s)://`` URL) and what was said about them.

HTTP comes with timeouts, a size limit enforced while streaming, a redirect limit and a User-Agent; a local
file with a provenance record beside it (:mod:`taiyaku.sources.provenance`) is a snapshot, read with the
Content-Type and provenance recorded when it was fetched.

Retries happen in exactly one layer, here: :func:`fetch` retries what :func:`is_retryable` allows
(connection errors, timeouts, bodies cut short, HTTP 429 and 5xx; never other 4xx, never bad content)
``limits.retries`` times with exponential backoff, waiting longer when the server's ``Retry-After`` asks
(up to ``limits.max_retry_wait``; a longer wait fails at once).  One deadline, ``limits.total_timeout``,
bounds the whole fetch, every attempt and every wait included: a server that trickles its bytes or fails
slowly again and again cannot hold a run for longer.  Every retry is logged on the
``taiyaku.sources`` logger, which the Prefect flow shows in its task logs.  The Prefect tasks do not retry
on top of this: a second layer would multiply the attempts and could not honour ``Retry-After``.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import httpx

from taiyaku import __version__
from taiyaku.errors import TaiyakuError
from taiyaku.sources.provenance import read_record, record_path

USER_AGENT = f"taiyaku/{__version__}"
_log = logging.getLogger("taiyaku.sources")


# Response headers worth keeping in the provenance: they identify the version that was fetched (and let a
# later refresh ask "changed since?") and say how the bytes were meant to be read.
RECORDED_HEADERS = ("content-type", "content-language", "etag", "last-modified")

_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(//)?")


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How big, how slow and how often a source may be, handed as one value from the caller down to the
    HTTP client.  ``max_bytes`` also limits local files; ``max_chars`` limits the decoded text
    (:func:`taiyaku.sources.pull`), before any of the stages whose time and memory grow with it."""

    max_bytes: int = 50 * 2**20
    # Characters of decoded text (the HTML markup included): the book-length kyoto-scale pair (0.6 M
    # Japanese, 2.1 M English characters) aligns in about 30 s and 1 GB; a 30 MB text file would not.
    max_chars: int = 3_000_000
    timeout: float = 30.0  # seconds to connect, and the longest silence allowed while reading
    # Seconds for the whole fetch of one source: every attempt, every wait between them.  A server trickling
    # bytes, or failing slowly again and again, never holds a run longer.
    total_timeout: float = 180.0
    max_redirects: int = 10
    retries: int = 3  # retries after the first attempt (retryable failures only)
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    max_retry_wait: float = 120.0  # a longer Retry-After fails now instead of hanging the run


DEFAULT_LIMITS = FetchLimits()


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
    ``limits.max_retry_wait``), as long as the whole fetch stays within ``limits.total_timeout``.
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
    deadline = time.monotonic() + limits.total_timeout
    with httpx.Client(
        follow_redirects=True,
        max_redirects=limits.max_redirects,
        timeout=httpx.Timeout(limits.timeout),
        headers=request_headers,
    ) as client:
        while True:
            try:
                return _fetch_http_once(client, url, limits, deadline)
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
                if time.monotonic() + wait >= deadline:
                    raise FetchError(
                        url,
                        f"{exc.problem}; gave up: retrying in {wait:g} s would pass the {limits.total_timeout:g}-s"
                        " limit on the whole download (--download-timeout)",
                        retryable=False,
                        status=exc.status,
                    ) from None
                _log.warning(
                    "%s: %s; retrying in %.1f s (attempt %d of %d)",
                    url,
                    exc.problem,
                    wait,
                    attempt + 2,
                    limits.retries + 1,
                )
                time.sleep(wait)
                attempt += 1


def _fetch_http_once(client: httpx.Client, url: str, limits: FetchLimits, deadline: float) -> Fetched:
    """One attempt, ending by ``deadline`` (a ``time.monotonic()`` value): the deadline is checked whenever
    data arrives, and no wait for data outlasts it by more than the silence ``timeout``."""
    max_bytes = limits.max_bytes
    # The last attempt before the deadline gets only the time left: connecting to a silent host, or waiting
    # for a stalled server, must not run past it by a whole timeout.
    timeout = max(0.1, min(limits.timeout, deadline - time.monotonic()))
    fetched_at = utc_timestamp()
    received = 0
    try:
        with client.stream("GET", url, timeout=httpx.Timeout(timeout)) as response:
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
                        url,
                        f"download took longer than {limits.total_timeout:g} s, the limit on the whole download"
                        " (--download-timeout)",
                        retryable=False,  # no time is left for another attempt
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
        raise FetchError(url, f"timed out connecting ({timeout:.3g} s)", retryable=True) from None
    except httpx.ReadTimeout:
        raise FetchError(
            url, f"the server stalled: no data for {timeout:.3g} s (read timeout)", retryable=True
        ) from None
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
