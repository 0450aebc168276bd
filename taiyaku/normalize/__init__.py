"""Stage 2, extract + normalize: a decoded source document becomes a list of normalized blocks.

Every block keeps, for each of its characters, the span of the decoded source it came from (through
:class:`~taiyaku.textmap.MappedText`), so a sentence can always be shown in its original context.

Three kinds of source (``doc.provenance.media_type``):

* ``text/plain``: layout analysis of lines (below);
* ``text/html``: :func:`taiyaku.normalize.html.extract_blocks` (main content, headings, list items);
* ``application/pdf``: :func:`taiyaku.normalize.pdf.pdf_blocks` from the geometry of the PDF's lines
  (columns, running headers and footers, footnotes, joins by the right edge of the column), which also
  reports what it did (:class:`~taiyaku.model.Extraction`).

The stage's modules, one job each:

* :mod:`.html`: HTML → blocks of the main content (an offset-keeping scanner);
* :mod:`.pages`: the lines of a text or PDF text layer without running headers, footers and page numbers;
* :mod:`.layout`: lines → blocks (wrapped or not, double spacing, joins, block kinds);
* :mod:`.pdf`: the lines of a PDF, with their geometry → blocks in reading order;
* :mod:`.unicode`: per-block NFKC, invisible characters, white space;
* :mod:`.language`: the check that each side is in the language it claims.
"""

from __future__ import annotations

from collections.abc import Callable

from taiyaku.errors import TaiyakuError
from taiyaku.model import Block, BlockKind, Extraction, Lang, MediaType, NormalizedDocument, SourceDocument
from taiyaku.normalize import html
from taiyaku.normalize.layout import plain_text_blocks
from taiyaku.normalize.pdf import pdf_blocks
from taiyaku.normalize.unicode import normalize_text
from taiyaku.textmap import MappedText

RawBlocks = list[tuple[BlockKind, MappedText]]


def _html_blocks(doc: SourceDocument, lang: Lang) -> tuple[RawBlocks, None]:
    return html.extract_blocks(doc.text), None


def _text_blocks(doc: SourceDocument, lang: Lang) -> tuple[RawBlocks, None]:
    return plain_text_blocks(doc.text, lang), None


def _pdf_blocks(doc: SourceDocument, lang: Lang) -> tuple[RawBlocks, Extraction | None]:
    if doc.layout is None:  # a PDF's text without its geometry (not from taiyaku.sources): as paginated text
        return plain_text_blocks(doc.text, lang, paginated=True), None
    return pdf_blocks(doc.text, doc.layout, lang)


# Media type → block extractor (before per-block normalization): adding a kind of source is adding an entry
# here (and its text reader in taiyaku.sources.decode).
BLOCK_EXTRACTORS: dict[str, Callable[[SourceDocument, Lang], tuple[RawBlocks, Extraction | None]]] = {
    MediaType.HTML: _html_blocks,
    "application/xhtml+xml": _html_blocks,
    MediaType.TEXT: _text_blocks,
    MediaType.PDF: _pdf_blocks,
}


def normalize(doc: SourceDocument, lang: Lang) -> NormalizedDocument:
    """The normalized blocks of ``doc``, ids ``b0``, ``b1``... in document order, and for a PDF what
    extraction did.

    Raises :class:`TaiyakuError` when the document holds no text at all or has a media type taiyaku
    cannot read.
    """
    media_type = doc.provenance.media_type.split(";")[0].strip().lower()
    extract = BLOCK_EXTRACTORS.get(media_type)
    if extract is None:
        raise TaiyakuError(
            doc.provenance.source,
            f"cannot extract text from media type {doc.provenance.media_type!r}"
            " (taiyaku reads text/plain, text/html and application/pdf)",
        )
    raw_blocks, extraction = extract(doc, lang)
    blocks: list[Block] = []
    for kind, raw in raw_blocks:
        text = normalize_text(raw, lang)
        if text.text:
            blocks.append(Block(f"b{len(blocks)}", kind, text))
    if not blocks:
        raise TaiyakuError(doc.provenance.source, "document is empty (no text after extraction and normalization)")
    return NormalizedDocument(blocks, extraction)
