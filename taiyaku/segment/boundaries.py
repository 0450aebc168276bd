"""The sentence-boundary components: one spaCy component per language, one job each (mark sentence starts).

``ja_sentence_boundaries`` runs on GiNZA's Sudachi tokens: a sentence ends at 。！？ (and their half-width
forms), never inside （）『』, inside 「」 only between whole quoted sentences; run-in readings and bullet
items are split off.  ``en_sentence_boundaries`` runs on spaCy's rule tokenizer: a sentence ends at . ! ?
unless the token is an abbreviation, an initial, a decimal or a numbered reference ("No. 5").
Both are registered with spaCy (``nlp.add_pipe("ja_sentence_boundaries")``) and are plain Doc → Doc
functions.  :func:`taiyaku.segment.segment` calls their rules without a Doc: :func:`japanese_sentence_spans`
and :func:`english_sentence_spans` read the tokens straight from the tokenizers (a Doc's Token objects cost
as much as the rules) and give the sentences' character spans, as ``doc.sents`` would.
"""

from __future__ import annotations

import functools
import itertools
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, cast

import numpy as np
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START, SPACY, TAG
from spacy.language import Language
from spacy.tokens import Doc

from taiyaku.nlp import TaggedWords, english_tokens, japanese_sentence_tokens
from taiyaku.text.informal import emoticon_spans
from taiyaku.text.script import is_japanese_char


class _Token(NamedTuple):
    """What the boundary rules read of a token, read once out of the Doc (:func:`_tokens`) or the tokenizer's
    words (:func:`_tagged_tokens`): spaCy makes a new Token object at every ``doc[i]``, and the rules look
    at each token several times."""

    i: int
    text: str
    tag_: str
    idx: int
    whitespace_: str
    is_space: bool


# _Token(*fields) without the Python-level __new__ of a NamedTuple: a paragraph has hundreds of tokens.
_make_token = functools.partial(tuple.__new__, _Token)


def _tokens(doc: Doc, text: str) -> list[_Token]:
    """The tokens of ``doc``, whose text is ``text`` (spaCy joins ``doc.text`` from Token objects at every
    call), read from the Doc's attribute array: iterating the Doc makes a Token object per token, 3x
    slower."""
    idxs, lengths, spaces, is_spaces, tags = doc.to_array([IDX, LENGTH, SPACY, IS_SPACE, TAG]).T.tolist()
    tag_names = {tag: doc.vocab.strings[tag] for tag in set(tags)}
    return list(
        map(
            _make_token,
            zip(
                range(len(idxs)),
                [text[idx : idx + length] for idx, length in zip(idxs, lengths, strict=True)],
                [tag_names[tag] for tag in tags],
                idxs,
                [" " if space else "" for space in spaces],
                [bool(is_space) for is_space in is_spaces],
                strict=True,
            ),
        )
    )


def _tagged_tokens(tagged: TaggedWords) -> list[_Token]:
    """The tokens of ``Doc(vocab, words=..., spaces=..., tags=...)`` without the Doc."""
    whitespace = [" " if space else "" for space in tagged.spaces]
    idxs = itertools.accumulate(
        (len(word) + len(ws) for word, ws in zip(tagged.words, whitespace, strict=True)), initial=0
    )
    return list(
        map(
            _make_token,
            zip(
                range(len(tagged.words)),
                tagged.words,
                tagged.tags,
                idxs,
                whitespace,
                [word.isspace() for word in tagged.words],
                strict=False,  # idxs has one more: the end of the text
            ),
        )
    )


def _sentence_spans(tokens: Sequence[_Token], starts: list[bool]) -> list[tuple[int, int]]:
    """The ``[start, end)`` character spans of the sentences ``starts`` marks, as ``doc.sents`` gives them
    (a sentence ends with its last token's text, not the white space after it)."""
    first_tokens = [k for k, start in enumerate(starts) if start]
    spans = []
    for first, end in zip(first_tokens, [*first_tokens[1:], len(tokens)], strict=True):
        last = tokens[end - 1]
        spans.append((tokens[first].idx, last.idx + len(last.text)))
    return spans


def japanese_sentence_spans(text: str) -> list[tuple[int, int]]:
    """The character spans of the sentences of a Japanese paragraph: ``doc.sents`` after
    :func:`ja_sentence_boundaries`, from the tokenizer's words."""
    tokens = _tagged_tokens(japanese_sentence_tokens(text))
    return _sentence_spans(tokens, _ja_sentence_starts(tokens, text)) if tokens else []


def english_sentence_spans(text: str) -> list[tuple[int, int]]:
    """The character spans of the sentences of an English paragraph: ``doc.sents`` after
    :func:`en_sentence_boundaries`."""
    tokens = _tokens(english_tokens(text), text)
    return _sentence_spans(tokens, _en_sentence_starts(tokens, text)) if tokens else []


# --- Japanese -------------------------------------------------------------------------------------------

_JA_TERMINALS = frozenset("。！？!?…‥")
# Opening -> closing bracket pairs (both the full-width forms and the ASCII forms NFKC produces).
_JA_BRACKETS = {
    "「": "」",
    "『": "』",
    "（": "）",
    "(": ")",
    "［": "］",
    "[": "]",
    "【": "】",
    "〈": "〉",
    "《": "》",
    "〔": "〕",
    "｛": "｝",
    "{": "}",
    "“": "”",
    "‘": "’",
}
_JA_CLOSERS = frozenset(_JA_BRACKETS.values()) | {'"', "'"}
_MAX_BRACKETED_CHARS = 200
# Speech quotes hold sentences like the text around them (English splits inside "…" too);
# （）notes and 『』titles are never split.
_SPEECH_QUOTES = frozenset({"「", "“"})


def _matched_bracket_depths(tokens: Sequence[_Token], *, skip_speech_quotes: bool = False) -> list[int]:
    """Bracket nesting depth at each token, counting only brackets that are closed within the doc.

    An unmatched opening bracket (a typo, or a quote closed in the next paragraph) must not suppress
    every sentence boundary after it, so brackets are paired with a stack first.
    """
    stack: list[tuple[str, int]] = []
    delta = [0] * (len(tokens) + 1)
    for i, token in enumerate(tokens):
        text = token.text
        if text in _JA_BRACKETS:
            stack.append((_JA_BRACKETS[text], i))
        elif text in _JA_CLOSERS and stack:
            # Pop to the matching opener; openers skipped over were never closed.
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == text:
                    opened = stack[k][1]
                    del stack[k:]
                    # A "quote" running over hundreds of characters is a stray bracket pairing with
                    # an unrelated one (「…「…」 in news copy): splitting inside it is the lesser harm.
                    speech = tokens[opened].text in _SPEECH_QUOTES
                    near = tokens[i].idx - tokens[opened].idx <= _MAX_BRACKETED_CHARS
                    if near and not (skip_speech_quotes and speech):
                        delta[opened + 1] += 1  # inside starts after the opener
                        delta[i] -= 1  # the closer itself is outside
                    break
    depths: list[int] = []
    depth = 0
    for i in range(len(tokens)):
        depth += delta[i]
        depths.append(depth)
    return depths


@Language.component("ja_sentence_boundaries")
def ja_sentence_boundaries(doc: Doc) -> Doc:
    """Sentence starts after 。！？ (and ASCII ! ? . between Japanese text); never inside matched
    （）『』 brackets; inside a 「」 quotation only between its sentences (「A。B。」 → 「A。 / B。」, the
    way English splits inside quotation marks, never 「走れ。」と言った); closing brackets right after a
    terminal stay with their sentence; a line break always ends a sentence.

    Informal text: ！/？ continued by a quotative particle (「…のかよ！って思った」) is no boundary; an
    emoticon (a kaomoji, （笑）, a run of w) ends a sentence when a new clause follows it and stays with the
    sentence it closes."""
    return _mark_sentence_starts(doc, _ja_sentence_starts)


def _ja_sentence_starts(tokens: Sequence[_Token], doc_text: str) -> list[bool]:
    """Which of the (at least one) tokens start a sentence: the rules of :func:`ja_sentence_boundaries`."""
    depths = _matched_bracket_depths(tokens)
    non_speech_depths = _matched_bracket_depths(tokens, skip_speech_quotes=True)
    emoticon = _emoticon_tokens(tokens, doc_text)
    n = len(tokens)
    starts = [False] * n
    starts[0] = True
    i = 0
    while i < n:
        text = tokens[i].text
        boundary_after = False
        if "\n" in text:
            boundary_after = True
        elif _closes_quoted_sentence(tokens, i, depths):
            # 「…。」 followed by a new sentence (not by a quotative particle: 「…。」と言った).
            boundary_after = not tokens[i + 1].tag_.startswith(("助詞", "助動詞")) if i + 1 < n else True
        elif (
            depths[i] > 0
            and non_speech_depths[i] == 0
            and text[-1] in _JA_TERMINALS
            and i + 1 < n
            and tokens[i + 1].text not in _JA_CLOSERS
            and tokens[i + 1].text[0] not in _JA_TERMINALS
        ):
            # 「A。B。」: a quotation of several sentences is split between them, like English.
            boundary_after = True
        elif depths[i] == 0 and (text[-1] in _JA_TERMINALS or _is_japanese_full_stop(tokens, i)):
            exclaimed = text[-1] in _JA_EXCLAMATIONS
            # Absorb further terminals, closing brackets/quotes and emoticons: 「…。」 ?! 。） ！(^^) ？（笑）
            while i + 1 < n and (
                tokens[i + 1].text in _JA_CLOSERS or tokens[i + 1].text[0] in _JA_TERMINALS or emoticon[i + 1]
            ):
                i += 1
            # 「…のかよ！って思った」「どっちにしようか？と迷う」: an exclamation or question continued by a
            # quotative particle is a quotation inside the sentence, not the sentence's end.
            boundary_after = not (exclaimed and i + 1 < n and _continues_quotation(tokens[i + 1]))
        elif depths[i] == 0 and emoticon[i] and i + 1 < n and not emoticon[i + 1]:
            # Chat ends a sentence with an emoticon instead of 。: 「届いた(>_<)開けたら…」「神すぎwww明日も…」.
            boundary_after = _ja_item_break(tokens, i)
        if boundary_after and i + 1 < n:
            starts[i + 1] = True
        i += 1
    _split_run_in_items(tokens, starts, depths, _ja_item_break)
    _split_after_run_in_readings(doc_text, tokens, starts, depths)
    for k in range(1, n):
        # A bullet or a reference mark inside a line starts an item or a note whose line break was lost.
        if depths[k] == 0 and tokens[k].text[0] in _JA_BULLETS:
            starts[k] = True
    return starts


_JA_EXCLAMATIONS = frozenset("！？!?")
# Particles that take a quotation: 「マジで！？とか言ってる」「そんなことある？なんて思ってた」.  Sudachi cuts
# とか after ？ into と + か, so the first token is enough.
_QUOTATIVE_PARTICLES = frozenset({"って", "と", "とか", "なんて", "などと", "っていう", "ってか"})


def _continues_quotation(token: _Token) -> bool:
    return token.text in _QUOTATIVE_PARTICLES and token.tag_.startswith("助詞")


def _emoticon_tokens(tokens: Sequence[_Token], text: str) -> list[bool]:
    """Which tokens are part of an emoticon (:func:`taiyaku.text.informal.emoticon_spans`): the tokens of
    ``doc.char_span(start, end, alignment_mode="expand")``, the tokens being the whole of ``text``."""
    marked = [False] * len(tokens)
    spans = emoticon_spans(text)
    if not spans:
        return marked
    token_starts = [token.idx for token in tokens]
    for start, end in spans:
        # The token a character belongs to, white space after it included (spaCy's token_by_char).
        first = bisect_right(token_starts, start) - 1
        last = bisect_right(token_starts, end - 1) - 1
        if first < 0 or last < 0:
            continue
        if start == tokens[first].idx + len(tokens[first].text):
            first += 1  # "expand" does not count the white space after a token as the token
        for k in range(first, last + 1):
            marked[k] = True
    return marked


def _mark_sentence_starts(doc: Doc, rules: Callable[[Sequence[_Token], str], list[bool]]) -> Doc:
    """``doc`` with the sentence starts ``rules`` find (a component's work), marked in one pass: each
    ``token.is_sent_start = ...`` scans the whole doc for a parse, which made long paragraphs quadratic."""
    if len(doc):
        text = doc.text  # spaCy joins it from Token objects at every call: once
        starts = rules(_tokens(doc, text), text)
        values = np.where(np.array(starts, dtype=bool), 1, -1).astype(np.uint64)  # SENT_START: 1 yes, -1 no
        doc.from_array([SENT_START], cast(Any, values[:, np.newaxis]))  # thinc's Ints2d is a numpy array
    return doc


def _split_run_in_items(
    tokens: Sequence[_Token], starts: list[bool], depths: list[int], is_break: Callable[[Sequence[_Token], int], bool]
) -> None:
    """Split a "sentence" without final punctuation after depth-0 closing brackets that ``is_break``.

    Such a sentence is a list run into one line ("屋根(茅葺き、瓦)天井、天井裏", "Roof (thatch, tile)
    Ceilings, ..."), the way a bulleted list looks once its line breaks are lost.  Sentences that end
    with punctuation are prose, where a bracket followed by a word is ordinary.
    """
    bounds = [k for k, start in enumerate(starts) if start] + [len(tokens)]
    for a, b in itertools.pairwise(bounds):
        last = b - 1
        while last > a and (tokens[last].is_space or tokens[last].text in _ANY_CLOSER):
            last -= 1
        if tokens[last].text[-1:] in _FINAL_STOPS:
            continue
        for k in range(a + 1, b - 1):
            if depths[k] == 0 and tokens[k].text in (")", "）") and is_break(tokens, k):
                starts[k + 1] = True


_FINAL_STOPS = _JA_TERMINALS | {"."}
_JA_BULLETS = frozenset("■□●○◆◇▼▽★☆※▪▫")
_RUN_IN_BRACKET = re.compile(r"[（(]([^（()）]{1,40})[）)]")
_RUN_IN_READING = re.compile(r"^[ぁ-ゖー・ 　]+$")
_RUN_IN_YEAR = re.compile(r"^[0-9]{3,4}年?$")
# A sentence that opens with a date and its Western year: "久寿2年（1155年）…", "同3年（1156年）…", "翌年（1183年）…".
_DATED_SENTENCE = re.compile(r"(?:^|[。！？]\s*)[^\s、，。！？「」『』（）()]{1,8}年[（(][0-9]{3,4}年?[）)]")


def _split_after_run_in_readings(text: str, tokens: Sequence[_Token], starts: list[bool], depths: list[int]) -> None:
    """Split after "term（reading）" or "era（year）" when a new clause follows without a particle, and
    after a bracketed note that opens a sentence ("（民家の項も参照）中世の…").

    "源為朝（みなもとのためとも）源為義の八男", "明治4年（1871年）全国一律の…" are dictionary- or
    chronology-style entries whose line break was lost; in prose a reading or a year in brackets is
    followed by a particle or a comma (「竜田越（たつたごえ）は」).  Not a year in annals, a paragraph
    whose sentences open with their dates one after another ("久寿2年（1155年）父後白河天皇即位。同3年
    （1156年）4月19日に…"): there each date is the adverbial of its sentence, not a label.  Works on
    characters, as Sudachi may keep "丸(すてまる)" in one token.
    """
    token_at = {token.idx: token.i for token in tokens}
    sentence_starts = {tokens[k].idx for k, start in enumerate(starts) if start}
    annals = len(_DATED_SENTENCE.findall(text)) >= 2
    for match in _RUN_IN_BRACKET.finditer(text):
        k = token_at.get(match.end())
        if k is None or k == 0 or depths[k] != 0:
            continue
        opens_sentence = match.start() in sentence_starts
        content = match.group(1)
        label = _RUN_IN_READING.match(content) or (_RUN_IN_YEAR.match(content) and not annals)
        if (opens_sentence or label) and _ja_item_break(tokens, k - 1):
            starts[k] = True


def _ja_item_break(tokens: Sequence[_Token], k: int) -> bool:
    following = tokens[k + 1]
    return is_japanese_char(following.text[0]) and not following.tag_.startswith(
        ("助詞", "助動詞", "補助記号", "接尾辞")
    )


def _en_item_break(tokens: Sequence[_Token], k: int) -> bool:
    return bool(tokens[k].whitespace_) and tokens[k + 1].text[:1].isupper()


def _closes_quoted_sentence(tokens: Sequence[_Token], i: int, depths: list[int]) -> bool:
    """Token i is a closing bracket at depth 0 right after a sentence terminal (「…。」)."""
    return (
        depths[i] == 0
        and tokens[i].text in _JA_CLOSERS
        and i > 0
        and tokens[i - 1].text[-1] in _JA_TERMINALS
        and (i + 1 >= len(tokens) or tokens[i + 1].text not in _JA_CLOSERS)
    )


def _is_japanese_full_stop(tokens: Sequence[_Token], i: int) -> bool:
    """ASCII "." ends a Japanese sentence only between Japanese text (not in 3.5, U.S., www.x.jp)."""
    if tokens[i].text != "." or i == 0:
        return False
    before = tokens[i - 1].text[-1]
    after = tokens[i + 1].text[0] if i + 1 < len(tokens) else ""
    return is_japanese_char(before) and (not after or is_japanese_char(after) or after in _JA_BRACKETS)


# --- English --------------------------------------------------------------------------------------------


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_EN_TERMINALS = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
_EN_CLOSERS = frozenset({'"', "'", "”", "’", ")", "]", "}", "»"})
_ANY_CLOSER = _JA_CLOSERS | _EN_CLOSERS  # _split_run_in_items serves both languages
_EN_OPENERS = frozenset({'"', "'", "“", "‘", "(", "[", "«"})
# Abbreviations after which a sentence (practically) never ends: titles before names, Latin connectives.
_EN_NEVER_FINAL = _word_set(
    """mr. mrs. ms. dr. prof. st. mt. ft. gen. col. lt. capt. sgt. gov. sen. rep. rev. hon. messrs. mme.
    e.g. i.e. cf. vs. v. viz. approx. ca. fig. figs. no. nos. vol. vols. pp. p. ch. art. sec. op. ed. eds.
    """
)
# Words that, capitalised after an ambiguous abbreviation (U.S., Inc., a.m., D.C.), start a new sentence.
_EN_SENTENCE_STARTERS = _word_set(
    """the a an he she it they we i you this that these those there his her its their our my in on at
    but and or so however after before when while as for from if although though since during then
    some many most all one two three according meanwhile also today yesterday last next with without
    because until among despite unlike following under over by to what how why who where not no both
    each every other such only even just still yet now here instead thus therefore moreover furthermore
    besides nevertheless nonetheless"""
)
# Tokens that stay numbered references: "No. 5", "Art. 9", "pp. 3"
_EN_NUMBERED = frozenset({"no", "nos", "vol", "vols", "pp", "p", "art", "fig", "figs", "ch", "sec", "op"})


@Language.component("en_sentence_boundaries")
def en_sentence_boundaries(doc: Doc) -> Doc:
    """Sentence starts after . ! ? (with any closing quotes/brackets that follow them), except after
    abbreviations, initials ("J. R. R. Tolkien"), numbered references ("No. 5") and before lower-case
    continuations ("e.g. soldiers"); a line break always ends a sentence."""
    return _mark_sentence_starts(doc, _en_sentence_starts)


def _en_sentence_starts(tokens: Sequence[_Token], doc_text: str) -> list[bool]:
    """Which of the (at least one) tokens start a sentence: the rules of :func:`en_sentence_boundaries`."""
    n = len(tokens)
    emoticon = _emoticon_tokens(tokens, doc_text)
    starts = [False] * n
    starts[0] = True
    i = 0
    while i < n:
        token = tokens[i]
        text = token.text
        if "\n" in text:
            if i + 1 < n:
                starts[i + 1] = True
            i += 1
            continue
        terminal = text in _EN_TERMINALS or (text.endswith(".") and len(text) > 1 and text[-2] != ".")
        if not terminal:
            if i + 1 < n and (_run_in_heading_ends(tokens, i) or (emoticon[i] and _en_item_break(tokens, i))):
                starts[i + 1] = True  # "... yesterday (>_<) The final boss ...": a face ends the sentence
            i += 1
            continue
        end = i
        while end + 1 < n and tokens[end + 1].text in _EN_CLOSERS and not tokens[end].whitespace_:
            end += 1
        if end + 1 < n and _en_starts_sentence(tokens, i, end + 1):
            starts[end + 1] = True
        i = end + 1
    _split_run_in_items(tokens, starts, [0] * n, _en_item_break)
    return starts


# A capitalised pronoun or article right after an ordinary word, with no punctuation between, starts a new
# sentence: it is how a heading or a label run into the following text looks once line breaks are lost
# ("MINAMOTO no Tamemoto He was the eighth son ...", "The KISO-lined UENO clan The clan worked ...").
_EN_RUN_IN_STARTERS = frozenset({"He", "She", "It", "They", "The", "This", "These", "His", "Her", "Their"})
# After a number or a closing bracket, sentence-initial prepositions too ("In 1871 In preparation ...").
_EN_RUN_IN_AFTER_NUMBER = _EN_RUN_IN_STARTERS | {"In", "On", "After", "During"}
_EN_FUNCTION_WORDS = _word_set(
    "of in on at by for with from to into and or nor but the a an as than that which who whom whose "
    "is are was were be been called named titled entitled said says"
)


def _run_in_heading_ends(tokens: Sequence[_Token], i: int) -> bool:
    token, following = tokens[i], tokens[i + 1]
    after_number_or_bracket = token.text.isdigit() or token.text in (")", "]")
    starters = _EN_RUN_IN_AFTER_NUMBER if after_number_or_bracket else _EN_RUN_IN_STARTERS
    return (
        following.text in starters
        and token.whitespace_ == " "
        and (token.text.isalpha() or after_number_or_bracket)
        and token.text.lower() not in _EN_FUNCTION_WORDS
        and i + 2 < len(tokens)
        and tokens[i + 2].text[:1].isalpha()
    )


def _en_starts_sentence(tokens: Sequence[_Token], terminal: int, nxt: int) -> bool:
    """Does the token at ``nxt`` start a new sentence, given the terminal token at ``terminal``?"""
    token = tokens[terminal]
    if not tokens[nxt - 1].whitespace_ and "\n" not in tokens[nxt].text:
        return False  # "3.5", "U.S.-Japan", ".jp": no space, no boundary
    follower = tokens[nxt]
    # Skip an opening quote/bracket to see the first word of the next sentence.
    word = follower
    if follower.text in _EN_OPENERS and nxt + 1 < len(tokens):
        word = tokens[nxt + 1]
    first = word.text[:1]
    if not first or first.islower():
        return False
    text = token.text
    lower = text.lower()
    if text == ".":
        prev = tokens[terminal - 1].text if terminal else ""
        # Initials: "J. R. R. Tolkien", "George W. Bush" (one capital letter before the dot).
        if len(prev) == 1 and prev.isupper() and not tokens[terminal - 1].whitespace_:
            return False
        return not (prev.lower() in _EN_NUMBERED and first.isdigit())
    if text in _EN_TERMINALS:
        return True
    # An abbreviation token such as "Mr." "U.S." "a.m." "Inc." "Jan."
    if lower in _EN_NEVER_FINAL:
        return False
    if first.isdigit():
        return False  # "Jan. 5", "Ch. 3"
    return word.text.lower() in _EN_SENTENCE_STARTERS
