"""The shrink guard: a republished corpus must not silently hold less than the one it replaces."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from taiyaku.errors import TaiyakuError
from taiyaku.model import BeadRecord
from taiyaku.publish.corpus import CORPUS_JSONL, read_jsonl

# A republished corpus must cover at least this share of the text the published one covers; anything
# less is refused unless forced, so a truncated download can never silently replace a good corpus.
SHRINK_TOLERANCE = 0.9


def _covered_chars(records: Sequence[BeadRecord]) -> int:
    return sum(len(r.ja) + len(r.en) for r in records)


def check_not_shrinking(out_dir: Path, records: Sequence[BeadRecord]) -> None:
    """Refuse to replace a published corpus with one that holds clearly less text."""
    published = out_dir / CORPUS_JSONL
    if not published.is_file():
        return
    try:
        before = _covered_chars(read_jsonl(published))
    except TaiyakuError:
        return  # an unreadable old corpus is no reason to keep it
    after = _covered_chars(records)
    if before and after < SHRINK_TOLERANCE * before:
        raise TaiyakuError(
            str(published),
            f"the new corpus holds {after} characters against {before} published; "
            "refusing to overwrite with less (use --force to replace it)",
        )
