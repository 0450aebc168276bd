"""Stage 2, extract + normalize: a decoded source document becomes a list of normalized blocks.

Every block keeps, for each of its characters, the span of the decoded source it came from (through
:class:`~taiyaku.textmap.MappedText`), so a sentence can always be shown in its original context.

Three kinds of source (``doc.provenance.media_type``):

* ``text/plain``: layout analysis of lines (below);
* ``text/html``: :func:`taiyaku.normalize.html.extract_blocks` (main content, headings, list items);
* ``application/pdf``: the text layer (pages separated by ``"\\f"``), analysed like plain text after the
  running headers, footers and page numbers have been dropped.

The stage's modules, one job each:

* :mod:`.html`: HTML → blocks of the main content (an offset-keeping scanner);
* :mod:`.pages`: the lines of a text or PDF text layer without running headers, footers and page numbers;
* :mod:`.layout`: lines → blocks (wrapped or not, double spacing, joins, block kinds);
* :mod:`.unicode`: per-block NFKC, invisible characters, white space;
* :mod:`.language`: the check that each side is in the language it claims.
"""

from __future__ import annotations

from collections.abc import Callable

from taiyaku.errors import TaiyakuError
from taiyaku.model import Block, BlockKind, Lang, MediaType, SourceDocument
from taiyaku.normalize import html
from taiyaku.normalize.layout import plain_text_blocks
from taiyaku.normalize.unicode import normalize_text
from taiyaku.textmap import MappedText

RawBlocks = list[tuple[BlockKind, MappedText]]


def _html_blocks(text: str, lang: Lang) -> RawBlocks:
    return html.extract_blocks(text)


def _pdf_blocks(text: str, lang: Lang) -> RawBlocks:
    return plain_text_blocks(text, lang, paginated=True)


# Media type → block extractor (before per-block normalization): adding a kind of source is adding an entry
# here (and its text reader in taiyaku.sources.decode).
BLOCK_EXTRACTORS: dict[str, Callable[[str, Lang], RawBlocks]] = {
    MediaType.HTML: _html_blocks,
    "application/xhtml+xml": _html_blocks,
    MediaType.TEXT: plain_text_blocks,
    MediaType.PDF: _pdf_blocks,
}


def normalize(doc: SourceDocument, lang: Lang) -> list[Block]:
    """The normalized blocks of ``doc``, ids ``b0``, ``b1``... in document order.

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
    blocks: list[Block] = []
    for kind, raw in extract(doc.text, lang):
        text = normalize_text(raw, lang)
        if text.text:
            blocks.append(Block(f"b{len(blocks)}", kind, text))
    if not blocks:
        raise TaiyakuError(doc.provenance.source, "document is empty (no text after extraction and normalization)")
    return blocks
