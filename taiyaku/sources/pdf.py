"""The text layer of a PDF, page by page, with pypdf.

The extracted text is the *decoded source* of a PDF: every offset downstream points into it, so it is
returned as extracted, pages joined with ``"\\f"`` (form feed) and nothing else changed.  Removing running
headers, footers and page numbers, rejoining wrapped lines and de-hyphenation are the job of
:func:`taiyaku.normalize.normalize`, which keeps the offset map.

Why pypdf rather than pdfplumber: pypdf is pure Python with no further dependencies, reads the CID-keyed
Japanese fonts ministries use (it ships the Adobe-Japan1 CMaps' Unicode mappings), and its default mode
emits text in content-stream order, which for the single-column documents taiyaku targets is reading
order.  pdfplumber's word-position layout is what one would need for multi-column pages, at the cost of
pdfminer.six and a much slower extraction; taiyaku does not need it yet.
"""

from __future__ import annotations

import io
import logging

import pypdf
from pypdf.errors import FileNotDecryptedError, PyPdfError

from taiyaku.errors import TaiyakuError
from taiyaku.model import PAGE_SEPARATOR

# Recorded as Provenance.encoding for PDFs: the offsets depend on the extractor and its version.
EXTRACTOR = f"pdf-text-layer (pypdf {pypdf.__version__})"


def extract_pdf_text(raw: bytes, where: str) -> str:
    """The text of every page of the PDF in ``raw``, pages separated by ``"\\f"``.

    Raises :class:`TaiyakuError` for a file pypdf cannot read, an encrypted file, or a PDF without a
    text layer (a scanned document: OCR it first).
    """
    # pypdf logs recoverable oddities of real-world PDFs as warnings; they are not the user's problem.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        encrypted = reader.is_encrypted and not reader.decrypt("")
        pages = [] if encrypted else [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError:
        encrypted = True
    except (PyPdfError, NotImplementedError, AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        # pypdf's parser is not hardened against damaged files: besides its own errors (PdfReadError,
        # LimitReachedError...) it lets built-in ones escape (NotImplementedError for a garbled filter
        # name, AttributeError...).  Here they all mean the same: these bytes are no PDF pypdf can read.
        raise TaiyakuError(where, f"not a readable PDF: {_one_line(exc)}") from None
    if encrypted:
        raise TaiyakuError(where, "the PDF is encrypted with a password; taiyaku cannot read its text")
    if not pages:
        raise TaiyakuError(where, "the PDF has no pages")
    if not any(page.strip() for page in pages):
        raise TaiyakuError(
            where,
            f"the PDF has no text layer ({len(pages)} page{'s' * (len(pages) != 1)} without extractable text):"
            " probably a scanned document; run OCR on it first",
        )
    return PAGE_SEPARATOR.join(pages)


def _one_line(exc: BaseException, limit: int = 200) -> str:
    """An exception's message as one short line (pypdf's can span lines or list a whole font encoding)."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message if len(message) <= limit else message[: limit - 1] + "…"
