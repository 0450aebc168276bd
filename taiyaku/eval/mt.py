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
from taiyaku.model import BeadRecord
from taiyaku.publish.corpus import read_corpus


def _references(corpus: Path, target: str) -> list[str]:
    if corpus.suffix == ".tsv":
        rows = [line.split("\t") for line in corpus.read_text(encoding="utf-8").splitlines() if line]
        if any(len(row) < 2 for row in rows):
            raise TaiyakuError(str(corpus), "a corpus.tsv line needs ja<TAB>en<TAB>score")
        return [row[1] if target == "en" else row[0] for row in rows]
    records: list[BeadRecord] = [r for r in read_corpus(corpus) if r.bilingual]
    return [" ".join((r.en if target == "en" else r.ja).split()) for r in records]


def score_hypotheses(corpus: str | Path, hypotheses: str | Path, *, direction: str = "ja-en") -> str:
    """BLEU and chrF of ``hypotheses`` (one line per bilingual bead) against the corpus, with signatures."""
    target = direction.split("-")[1]
    references = _references(Path(corpus), target)
    hyp_path = Path(hypotheses)
    if not hyp_path.is_file():
        raise TaiyakuError(str(hyp_path), "no such hypothesis file")
    lines = hyp_path.read_text(encoding="utf-8").splitlines()
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
