"""The JMdict lexicon: glosses stemmed on first lookup, as the eager reading stemmed them all."""

from __future__ import annotations

from taiyaku.align.lexicon import Lexicon, jmdict
from taiyaku.text.english import lexical_stem


def test_stems_are_distinct_in_order_and_skip_short_words() -> None:
    lexicon = Lexicon({"寺院": "temple temples of a religious building", "に": "to at in"})
    assert lexicon.stems("寺院") == (lexical_stem("temple"), lexical_stem("religious"), lexical_stem("building"))
    assert lexicon.stems("寺院") is lexicon.stems("寺院")  # stemmed once
    assert lexicon.stems("に") == ()  # every word two letters or shorter: no evidence
    assert lexicon.stems("未知語") == ()


def test_packaged_lexicon_reads_every_headword() -> None:
    lexicon = jmdict()
    assert lexicon is jmdict()  # read once per process
    assert lexical_stem("temple") in lexicon.stems("寺")
    assert lexical_stem("history") in lexicon.stems("歴史")
    assert lexicon.stems("Γ分布") == (lexical_stem("gamma"), lexical_stem("distribution"))
