"""Decoding: fetched bytes → a :class:`~taiyaku.model.SourceDocument` (text + provenance).

The media type comes from the content itself plus the declared type (HTTP ``Content-Type`` or the file
extension); the content wins where it is unambiguous (a PDF signature, an HTML document start), because
servers mislabel files.  Each media type has its text reader in :data:`TEXT_READERS`: a PDF's text is its
extracted text layer (:mod:`taiyaku.sources.pdf`), pages separated by ``"\\f"``; text and HTML are decoded
by :func:`taiyaku.sources.charset.decode_text` (byte-order mark, HTTP charset, HTML ``<meta>`` charset,
then detection).
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable
from typing import NamedTuple

from taiyaku.errors import TaiyakuError
from taiyaku.model import DocumentLayout, MediaType, Provenance, SourceDocument
from taiyaku.sources.charset import declared_charset, decode_text
from taiyaku.sources.fetch import Fetched

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


class DecodedText(NamedTuple):
    text: str
    encoding: str  # the character encoding, or the PDF extractor and its version
    layout: DocumentLayout | None = None  # the page geometry of a PDF


def _read_pdf(fetched: Fetched, where: str) -> DecodedText:
    from taiyaku.sources.pdf import EXTRACTOR, extract_pdf  # PDFium is loaded only when a PDF comes

    extracted = extract_pdf(fetched.content, where)
    return DecodedText(extracted.text, EXTRACTOR, extracted.layout)


def _read_text(fetched: Fetched, where: str, *, html: bool = False) -> DecodedText:
    raw = fetched.content
    header_charset = _parameter(fetched.content_type, "charset")
    meta = declared_charset(raw) if html else None
    text, encoding = decode_text(raw, where, [header_charset, meta])
    if "\x00" in text:
        raise TaiyakuError(where, "contains NUL characters: binary data, not text")
    if not text.strip():
        raise TaiyakuError(where, "contains no text, only white space")
    return DecodedText(text, encoding)


def _read_html(fetched: Fetched, where: str) -> DecodedText:
    return _read_text(fetched, where, html=True)


# Media type → reader of (decoded source text, encoding or extractor name): adding a kind of source is
# adding an entry here (and its block extractor in taiyaku.normalize).
TEXT_READERS: dict[MediaType, Callable[[Fetched, str], DecodedText]] = {
    MediaType.TEXT: _read_text,
    MediaType.HTML: _read_html,
    MediaType.PDF: _read_pdf,
}


def decode_source(fetched: Fetched) -> SourceDocument:
    """Decode fetched bytes into a :class:`SourceDocument` (text + provenance)."""
    where = fetched.source
    raw = fetched.content
    if not raw:
        raise TaiyakuError(where, "empty file (0 bytes)")
    media_type = sniff_media_type(raw, fetched.content_type, fetched.name, where)
    text, encoding, layout = TEXT_READERS[media_type](fetched, where)
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
    return SourceDocument(text=text, provenance=provenance, layout=layout)


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


def sniff_media_type(raw: bytes, content_type: str | None, name: str, where: str) -> MediaType:
    """``text/plain``, ``text/html`` or ``application/pdf``, from the content and the declared type.

    The content wins where it is unambiguous (a PDF signature, an HTML document start), because servers
    mislabel files; a declared type taiyaku cannot read (``image/png``...) is refused with the reason.
    """
    declared = _mime(content_type)
    if not declared:
        guessed, _ = mimetypes.guess_type(name)
        declared = (guessed or "").lower()
    if raw[:1024].lstrip().startswith(b"%PDF-"):
        return MediaType.PDF
    for signature, what in _BINARY_SIGNATURES:
        if raw.startswith(signature):
            raise TaiyakuError(where, f"is {what}, not text, HTML or PDF")
    if declared == MediaType.PDF:
        raise TaiyakuError(where, "is declared a PDF but does not start with %PDF- (truncated or mislabelled?)")
    if _looks_like_html(raw) or declared in _HTML_TYPES:
        return MediaType.HTML
    if declared in _UNDECLARED_TYPES or declared in _TEXT_TYPES or declared.startswith("text/"):
        return MediaType.TEXT
    raise TaiyakuError(where, f"content type {declared} is not something taiyaku reads (text, HTML or PDF)")
