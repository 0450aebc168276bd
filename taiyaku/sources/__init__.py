"""Stage 1, pull: read a source (a path, a ``file://`` or an ``http(s)://`` URL) into a :class:`SourceDocument`.

* :mod:`.fetch`: the bytes and what the server said about them (limits, the one retry layer, snapshots);
* :mod:`.decode`: bytes → text by media type (:data:`~.decode.TEXT_READERS`);
* :mod:`.charset`: charset labels, ``<meta>`` declarations and detection (UTF-8, Shift_JIS/CP932, EUC-JP);
* :mod:`.pdf`: a PDF's text layer;
* :mod:`.provenance`: the ``<file>.provenance.json`` records beside snapshot files.

``SourceDocument.text`` is the *decoded source* every offset downstream points into; re-decoding the bytes
with ``provenance.encoding`` gives exactly that text (``"utf-8-sig"`` means a UTF-8 byte-order mark was
present and is not part of the text).
"""

from __future__ import annotations

from taiyaku.errors import TaiyakuError
from taiyaku.model import SourceDocument
from taiyaku.sources.decode import decode_source
from taiyaku.sources.fetch import DEFAULT_LIMITS, FetchLimits, fetch


def pull(source: str, *, content_type: str | None = None, limits: FetchLimits = DEFAULT_LIMITS) -> SourceDocument:
    """Read ``source`` (a path, ``file://``, ``http://`` or ``https://`` URL) and decode it.

    ``content_type`` declares the type (and charset) of a local file the way an HTTP header would, e.g.
    the Content-Type recorded when a snapshot was fetched.  Raises :class:`~taiyaku.errors.TaiyakuError`
    (or its subclass :class:`~.fetch.FetchError` for download failures) with one line naming the source and
    the problem, a decoded text longer than ``limits.max_chars`` included.
    """
    document = decode_source(fetch(source, content_type=content_type, limits=limits))
    check_length(source, document, limits)
    return document


def check_length(source: str, document: SourceDocument, limits: FetchLimits = DEFAULT_LIMITS) -> None:
    """Refuse a decoded document longer than ``limits.max_chars`` (``source`` names it in the error): the
    stages after decoding take time and memory in proportion to the text, so the limit is checked before
    any of them runs."""
    if len(document.text) > limits.max_chars:
        raise TaiyakuError(
            source,
            f"{len(document.text):,} characters after decoding, over the limit of {limits.max_chars:,}"
            " characters per document (--max-chars)",
        )
