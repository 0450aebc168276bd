"""The JMdict lexicon: glosses stemmed on first lookup, as the eager reading stemmed them all."""

from __future__ import annotations

import gzip
from importlib import resources

from taiyaku.align.lexicon import Lexicon, jmdict
from taiyaku.text.english import lexical_stem


def test_stems_are_distinct_in_order_and_skip_short_words() -> None:
    lexicon = Lexicon({"寺院": "temple temples of a religious building", "に": "to at in"})
    assert lexicon.stems("寺院") == (lexical_stem("temple"), lexical_stem("religious"), lexical_stem("building"))
    assert lexicon.stems("寺院") is lexicon.stems("寺院")  # stemmed once
    assert lexicon.stems("に") == ()  # every word two letters or shorter: no evidence
    assert lexicon.stems("未知語") == ()
    assert lexicon._stems.keys() == {"寺院", "に"}  # forms the lexicon lacks are not remembered


def test_the_packaged_lexicon_is_read_once_and_gives_the_stems_of_reading_it_whole() -> None:
    lexicon = jmdict()
    assert lexicon is jmdict()  # read once per process
    assert lexical_stem("temple") in lexicon.stems("寺")
    assert lexicon.stems("Γ分布") == (lexical_stem("gamma"), lexical_stem("distribution"))
    # Every 25th line of the data file, stemmed up front as the lexicon was read before it turned lazy: a
    # headword whose glosses give no stem was left out, and a lookup of it found nothing.
    data = resources.files("taiyaku").joinpath("data/jmdict-en.tsv.gz").read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()[::25]
    assert len(lines) > 10_000
    for line in lines:
        head, _, words = line.partition("\t")
        eager = tuple(dict.fromkeys(lexical_stem(w) for w in words.split() if len(w) > 2))
        assert lexicon.stems(head) == eager, head
