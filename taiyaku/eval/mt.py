"""Score machine translation output against a published corpus, with sacrebleu.

The references are the bilingual beads of the corpus in order (the lines of ``corpus.tsv``), so a system
translates ``cut -f1 corpus.tsv`` (ja→en) or ``cut -f2`` (en→ja) and is scored here. The signatures are
printed with the scores: they are what makes a figure reproducible.
"""

from __future__ import annotations

from pathlib import Path

from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF

from taiyaku.errors import TaiyakuError
from taiyaku.publish.corpus import CORPUS_READERS, read_corpus, read_utf8

CORPUS_TSV_SUFFIX = ".tsv"


def _lines(text: str) -> list[str]:
    """Lines as ``cut``, ``wc -l`` and MT systems count them: ended by \\n (a \\r before it dropped).

    Not str.splitlines: it also breaks at form feeds, U+2028 and other characters an MT system may well
    emit inside a line, which would shift every later line against its reference.
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _references(corpus: Path, target: str) -> list[str]:
    if corpus.suffix == CORPUS_TSV_SUFFIX:
        references = []
        for number, line in enumerate(_lines(read_utf8(corpus, "corpus file")), start=1):
            if not line:
                continue
            cells = line.split("\t")
            if len(cells) < 2:
                raise TaiyakuError(f"{corpus}:{number}", "a corpus.tsv line needs ja<TAB>en<TAB>score")
            references.append(cells[1] if target == "en" else cells[0])
    elif corpus.suffix in CORPUS_READERS:
        references = [" ".join((r.en if target == "en" else r.ja).split()) for r in read_corpus(corpus) if r.bilingual]
    else:
        known = ", ".join(CORPUS_READERS) + f" or {CORPUS_TSV_SUFFIX}"
        raise TaiyakuError(str(corpus), f"unknown corpus format (expected {known})")
    if not references:
        raise TaiyakuError(str(corpus), "the corpus holds no bilingual beads: nothing to score against")
    return references


def score_hypotheses(corpus: str | Path, hypotheses: str | Path, *, direction: str = "ja-en") -> str:
    """BLEU and chrF of ``hypotheses`` (one line per bilingual bead) against the corpus, with signatures."""
    target = direction.split("-")[1]
    references = _references(Path(corpus), target)
    hyp_path = Path(hypotheses)
    lines = _lines(read_utf8(hyp_path, "hypothesis file"))
    if len(lines) != len(references):
        raise TaiyakuError(
            str(hyp_path), f"has {len(lines)} lines but the corpus has {len(references)} bilingual beads"
        )
    # Japanese has no spaces between words: BLEU needs a word tokenizer (MeCab with IPAdic), chrF does not.
    bleu = BLEU(tokenize="ja-mecab" if target == "ja" else "13a")
    chrf = CHRF()
    bleu_score = bleu.corpus_score(lines, [references])
    chrf_score = chrf.corpus_score(lines, [references])
    return "\n".join(
        [
            f"{bleu_score}  ({bleu.get_signature()})",
            f"{chrf_score}  ({chrf.get_signature()})",
        ]
    )
