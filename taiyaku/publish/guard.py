"""The shrink guard: a republished corpus must not silently hold less than the one it replaces.

A truncated source does not always shrink the corpus as a whole: cut the Japanese to two thirds and the
English it no longer pairs with is still published, as 0-1 beads, so the total text barely changes while
a third of the pairs are lost.  The guard therefore measures each side's text, and the text of the
bilingual pairs, separately.  The pairs are measured by their text, not counted, because a reviewer's
merge (two beads become one) loses no pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from taiyaku.errors import TaiyakuError
from taiyaku.model import BeadRecord
from taiyaku.publish.corpus import CORPUS_JSONL, read_jsonl

# A republished corpus must keep at least this share of each measure of the published one; anything less
# is refused unless forced, so a truncated download can never silently replace a good corpus.
SHRINK_TOLERANCE = 0.9


@dataclass(frozen=True, slots=True)
class CorpusSize:
    """What the guard compares (characters), and the number of bilingual pairs for the message."""

    japanese: int
    english: int
    bilingual: int  # both sides' characters of the beads with text on both sides
    pairs: int

    @classmethod
    def of(cls, records: Sequence[BeadRecord]) -> CorpusSize:
        bilingual = [r for r in records if r.bilingual]
        return cls(
            japanese=sum(len(r.ja) for r in records),
            english=sum(len(r.en) for r in records),
            bilingual=sum(len(r.ja) + len(r.en) for r in bilingual),
            pairs=len(bilingual),
        )

    def measures(self) -> dict[str, int]:
        return {
            "Japanese characters": self.japanese,
            "English characters": self.english,
            "characters in bilingual pairs": self.bilingual,
        }


def check_not_shrinking(out_dir: Path, records: Sequence[BeadRecord]) -> None:
    """Refuse to replace a published corpus with one that holds clearly less text on either side, or clearly
    less text in bilingual pairs (one line naming every measure that shrank)."""
    published = out_dir / CORPUS_JSONL
    if not published.is_file():
        return
    try:
        before = CorpusSize.of(read_jsonl(published))
    except TaiyakuError:
        return  # an unreadable old corpus is no reason to keep it
    after = CorpusSize.of(records)
    old, new = before.measures(), after.measures()
    shrunk = [
        f"{new[name]:,} {name} against {old[name]:,} published ({new[name] / old[name]:.0%})"
        for name in old
        if old[name] and new[name] < SHRINK_TOLERANCE * old[name]
    ]
    if shrunk:
        raise TaiyakuError(
            str(published),
            f"the new corpus holds {'; '.join(shrunk)}; {after.pairs} bilingual pairs against {before.pairs}; "
            f"refusing to overwrite with less (use --force to replace it)",
        )
