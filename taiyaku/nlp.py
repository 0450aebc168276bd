"""The NLP models taiyaku loads, once per process: GiNZA's Sudachi tokenizer for Japanese, spaCy's rule
tokenizer for English.

The one loader of the code base: segmentation, the aligner's lexical features and the terminology
checks all tokenize through :func:`japanese_tokens` (:func:`japanese_sentence_tokens`, its lighter form
for sentence splitting), :func:`japanese_morphemes` and :func:`english_tokens`, which also take texts
longer than Sudachi's input limit.  Only the tokenizer of
``ja_ginza`` is loaded: its parser is ~100x slower and sentence splitting and term matching do not need it.
"""

from __future__ import annotations

import functools
import itertools
import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any, NamedTuple, cast

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from sudachipy import Morpheme, SplitMode

from taiyaku.model import Lang

# What cannot start a Japanese sentence, whatever the part of speech says.
_JA_NEVER_FIRST = frozenset(
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶーゝゞヽヾ々、。，．,.：；:;！？!?）)」』】〕〉》］]"
)
_JA_AUXILIARY_VERBS = frozenset({"する", "いる", "ある", "おる"})
_JA_MID_SENTENCE_POS = ("助詞", "助動詞")
# Sudachi reads a sentence-initial だが / だから / でも as an auxiliary (+ particle); they are conjunctions there.
_JA_CONJUNCTIONS = (
    "だが",
    "だから",
    "だけど",
    "だって",
    "でも",
    "ですが",
    "ですから",
    "ですので",
    "では",
    "なので",
    "じゃあ",
)


# What of ja_ginza taiyaku does not need: every component (only the tokenizer stays), and the vocabulary
# those components were trained with (600k strings and 20k word vectors: 280 MB of memory and most of the
# loading time).  Tokens carry their own text, tags, lemma and normalized form from Sudachi; the same Docs
# come out without it.
_GINZA_EXCLUDE = ("tok2vec", "parser", "ner", "morphologizer", "compound_splitter", "bunsetu_recognizer", "vocab")


@functools.lru_cache(maxsize=1)
def japanese_nlp() -> Language:
    """``ja_ginza`` with its Sudachi tokenizer (split mode C) only, on a vocabulary of its own."""
    _use_numpy_ops()
    return spacy.load("ja_ginza", exclude=list(_GINZA_EXCLUDE))


@functools.lru_cache(maxsize=1)
def english_nlp() -> Language:
    """spaCy's English rule tokenizer (no statistical model)."""
    return spacy.blank("en")


def english_tokens(text: str) -> Doc:
    return english_nlp().tokenizer(text)


def _use_numpy_ops() -> None:
    # BLIS is very slow on this project's CPUs; set before any model is loaded.
    from thinc.api import NumpyOps, set_current_ops

    set_current_ops(NumpyOps(use_blis=False))


# SudachiPy refuses an input of more UTF-8 bytes than this ("Input is too long"): about 16k Japanese
# characters, less than one paragraph of a book with few line breaks, or one heading run over a page.
SUDACHI_MAX_BYTES = 49149
# Where a cut practically never splits a token: after a line break or a sentence terminal.
_PIECE_ENDS = frozenset("\n。！？!?")


def sudachi_pieces(text: str, max_bytes: int = SUDACHI_MAX_BYTES) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``max_bytes`` UTF-8 bytes that SudachiPy accepts.

    Each piece is as long as it can be: it ends after the last line break or sentence terminal that fits,
    or, in a run with neither (garbled text, a flattened table), after the last character that fits.
    """
    if len(text) * 4 <= max_bytes or len(text.encode("utf-8")) <= max_bytes:
        return [text]
    # size_before[k]: UTF-8 bytes of text[:k].
    size_before = list(itertools.accumulate((len(char.encode("utf-8")) for char in text), initial=0))
    pieces: list[str] = []
    start = 0
    while start < len(text):
        # text[start:fits] fits (one character at least, or a max_bytes below 4 would never advance)
        fits = max(bisect_right(size_before, size_before[start] + max_bytes) - 1, start + 1)
        end = fits
        if fits < len(text):
            end = next((k + 1 for k in range(fits - 1, start, -1) if text[k] in _PIECE_ENDS), fits)
        pieces.append(text[start:end])
        start = end
    return pieces


def japanese_tokens(text: str) -> Doc:
    """GiNZA's tokens (Sudachi split mode C, ``user_data["sub_tokens"]`` included) of a text of any length.

    A text too long for Sudachi is tokenized piece by piece (:func:`sudachi_pieces`) and the pieces'
    tokens joined into one Doc, so that the sentence component still sees the whole paragraph.
    """
    tokenizer = japanese_nlp().tokenizer
    pieces = sudachi_pieces(text)
    if len(pieces) == 1:
        return tokenizer(text)
    docs = [tokenizer(piece) for piece in pieces]
    # spaCy's type stub lacks from_docs's `exclude` argument, which it has had since v3.2.
    doc = Doc.from_docs(docs, ensure_whitespace=False, exclude=["user_data"])  # type: ignore[call-arg]
    doc.user_data["sub_tokens"] = [
        sub for piece in docs for sub in (piece.user_data.get("sub_tokens") or [None] * len(piece))
    ]
    return doc


class TaggedWords(NamedTuple):
    """Tokens as spaCy's ``Doc(vocab, words=..., spaces=..., tags=...)`` takes them."""

    words: list[str]
    spaces: list[bool]  # a single space follows the word (spaCy's ``whitespace_``)
    tags: list[str]


def japanese_sentence_tokens(text: str) -> TaggedWords:
    """The tokens of :func:`japanese_tokens` (same text, spacing and offsets) with their part-of-speech tag
    only: what sentence splitting reads.

    spaCy's Japanese tokenizer also fills every token's lemma, normalized form, reading, morphology and
    split-mode A/B sub-tokens, which cost 60 % of its time and only the term matcher reads; this takes
    SudachiPy's morphemes with spaCy's whitespace alignment (:func:`_align_whitespace`) and builds no Doc
    (a Doc's vocabulary lookups and Token objects cost as much again).
    """
    tokenizer = cast(Any, japanese_nlp().tokenizer).tokenizer
    tokens = TaggedWords([], [], [])
    for piece in sudachi_pieces(text):
        # As spaCy's JapaneseTokenizer, empty morphemes dropped.
        surfaces: list[str] = []
        tags: list[str] = []
        for morpheme in tokenizer.tokenize(piece):
            surface = morpheme.surface()
            if surface:
                surfaces.append(surface)
                tags.append(_pos_tag(morpheme))
        aligned = _align_whitespace(surfaces, tags, piece)
        tokens.words.extend(aligned.words)
        tokens.spaces.extend(aligned.spaces)
        tokens.tags.extend(aligned.tags)
    return tokens


_GAP_TAG = "空白"
_WHITE_SPACE = re.compile(r"\s")  # what str.isspace() and str.split() take for white space


def _align_whitespace(surfaces: list[str], tags: list[str], text: str) -> TaggedWords:
    """spaCy's ``get_dtokens_and_spaces`` (spacy.lang.ja) on surfaces and tags: white-space morphemes
    dropped, a single space after a word made the word's ``whitespace_``, any other white space between
    words (and after the last) a token of its own tagged 空白.

    The same result, without the copy of the rest of the text spaCy makes at every word (quadratic in a
    long paragraph).
    """
    if _WHITE_SPACE.search(text) is None and "".join(surfaces) == text:
        # No white space to align (most Japanese paragraphs): the morphemes are the words, none followed by
        # a space, as the loop below would find them.
        return TaggedWords(surfaces, [False] * len(surfaces), tags)
    if "".join("".join(surfaces).split()) != "".join(text.split()):
        raise ValueError(f"Sudachi's morphemes do not spell the text {text[:40]!r}...")
    aligned = TaggedWords([], [], [])
    if not surfaces:
        return aligned
    if all(surface.isspace() for surface in surfaces):
        return TaggedWords([text], [False], [_GAP_TAG])
    position = 0
    for k, surface in enumerate(surfaces):
        if surface.isspace():
            continue
        start = text.index(surface, position)
        if start > position:
            aligned.words.append(text[position:start])
            aligned.spaces.append(False)
            aligned.tags.append(_GAP_TAG)
        aligned.words.append(surface)
        aligned.tags.append(tags[k])
        position = start + len(surface)
        followed_by_space = k + 1 < len(surfaces) and surfaces[k + 1] == " "
        aligned.spaces.append(followed_by_space)
        if followed_by_space:
            position += 1
    if position < len(text):
        aligned.words.append(text[position:])
        aligned.spaces.append(False)
        aligned.tags.append(_GAP_TAG)
    return aligned


def _pos_tag(morpheme: Morpheme) -> str:
    """spaCy's tag of a morpheme: the first four fields of its part of speech, ``*`` left out
    (``名詞-普通名詞-一般``), kept per part-of-speech id (a dictionary has a few thousand)."""
    pos_id = morpheme.part_of_speech_id()
    tag = _POS_TAGS.get(pos_id)
    if tag is None:
        tag = _POS_TAGS[pos_id] = "-".join(field for field in morpheme.part_of_speech()[:4] if field != "*")
    return tag


_POS_TAGS: dict[int, str] = {}


def japanese_morphemes(text: str, mode: SplitMode = SplitMode.C) -> Iterator[Morpheme]:
    """SudachiPy's morphemes of a text of any length, pieces as in :func:`japanese_tokens` (so a
    morpheme's ``begin()``/``end()`` count from the start of its piece)."""
    # GiNZA's spaCy tokenizer wraps SudachiPy's, as its `tokenizer` attribute (untyped).
    tokenizer = cast(Any, japanese_nlp().tokenizer).tokenizer
    for piece in sudachi_pieces(text):
        yield from tokenizer.tokenize(piece, mode)


def starts_mid_sentence(text: str, lang: Lang) -> bool:
    """Does ``text`` start in the middle of a sentence?  English: with a lower-case letter; Japanese: with a
    particle, an auxiliary or a non-independent する/いる/ある (SudachiPy's part of speech), a small kana, a
    prolonged sound mark or closing punctuation.  The PDF layout analysis joins such a line to the one above
    it; the aligner flags a bead that starts so (:mod:`taiyaku.align.fragments`)."""
    stripped = text.lstrip()
    if not stripped:
        return False
    if lang == "en":
        # The first letter or digit, past quotes and brackets ("<was T10 2004>", "(a) meet ..."): a URL or
        # code starts lower-case too, and is no sentence of running text either.
        first = next((char for char in stripped if char.isalnum()), "")
        return first.isalpha() and first.islower()
    if stripped[0] in _JA_NEVER_FIRST:
        return True
    if stripped.startswith(_JA_CONJUNCTIONS):
        return False
    for morpheme in japanese_morphemes(stripped[:16]):
        part_of_speech = morpheme.part_of_speech()
        if str(part_of_speech[0]).startswith(_JA_MID_SENTENCE_POS):
            return True
        # し(た), い(る), あ(る): a verb Sudachi tags non-independent, cut from the word it ends.
        return (
            part_of_speech[0] == "動詞"
            and part_of_speech[1] == "非自立可能"
            and morpheme.dictionary_form() in _JA_AUXILIARY_VERBS
        )
    return False
