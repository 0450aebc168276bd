"""Stage 3, segment: split blocks into sentences (segments), keeping each sentence's span in the decoded source.

Japanese runs through GiNZA's Sudachi tokenizer only (:func:`taiyaku.nlp.japanese_sentence_tokens`) and the
rules of :func:`~.boundaries.ja_sentence_boundaries`; English through spaCy's rule-based tokenizer and the
rules of :func:`~.boundaries.en_sentence_boundaries` (:func:`~.boundaries.japanese_sentence_spans`,
:func:`~.boundaries.english_sentence_spans`).  A paragraph of any length is accepted: a Japanese one longer
than Sudachi's input limit is tokenized in pieces, and the boundary rules see the whole paragraph.

Headings and list items are never split: a block of those kinds is one segment.  A line break inside a
paragraph block is a hard boundary (a line without closing punctuation that sits above a paragraph is a
heading the block builder did not separate).
"""

from __future__ import annotations

import re

from taiyaku.model import Block, BlockKind, Lang, Segment
from taiyaku.segment.boundaries import english_sentence_spans, japanese_sentence_spans
from taiyaku.textmap import MappedText

_SPACE_RUN = re.compile(r"\s+")


def segment(blocks: list[Block], lang: Lang) -> list[Segment]:
    """Split ``blocks`` into sentence segments of language ``lang``, in document order.

    Headings and list items are one segment each; paragraphs are split into sentences.  Each segment's
    ``start``/``end`` is its span in the decoded source (through the block's :class:`MappedText`).
    """
    # The tokenizers are called directly, not through nlp.pipe: Sudachi's input limit (japanese_tokens) and
    # spaCy's max_length (a safeguard for parsers, which these pipelines do not have) must not refuse a
    # long paragraph.
    sentence_spans = japanese_sentence_spans if lang == "ja" else english_sentence_spans
    segments: list[Segment] = []
    for block in blocks:
        if block.kind == BlockKind.PARAGRAPH:
            pieces = [block.text[start:end] for start, end in sentence_spans(block.text.text)]
        else:
            pieces = [block.text]
        for piece in pieces:
            _append_segment(segments, piece, block, lang)
    return segments


def _append_segment(segments: list[Segment], piece: MappedText, block: Block, lang: Lang) -> None:
    piece = piece.strip()
    if not piece.text:
        return
    start, end = piece.source_span()
    text = _SPACE_RUN.sub(" ", piece.text) if lang == "en" else piece.text
    segments.append(Segment(len(segments), lang, text, start, end, block.id, block.kind))
