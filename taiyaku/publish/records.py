"""From beads over segments to published records: texts joined, spans into the sources, review flags."""

from __future__ import annotations

from collections.abc import Sequence

from taiyaku.model import Bead, BeadFlag, BeadRecord, Finding, Lang, Segment, needs_review


def join_segments(segments: Sequence[Segment], lang: Lang) -> str:
    """The text of consecutive segments: Japanese sentences abut, English ones take a space."""
    return ("" if lang == "ja" else " ").join(segment.text for segment in segments)


def bead_records(
    beads: Sequence[Bead], ja: Sequence[Segment], en: Sequence[Segment], findings: Sequence[Finding] = ()
) -> list[BeadRecord]:
    """One record per bead, flagged ``needs-review`` by :func:`taiyaku.model.needs_review` (its score and
    its findings), so the flag in the corpus and the report's "needs review" are one concept."""
    by_bead: dict[str, list[Finding]] = {}
    for finding in findings:
        by_bead.setdefault(finding.bead_id, []).append(finding)
    records = []
    for bead in beads:
        ja_segments = [ja[i] for i in bead.ja]
        en_segments = [en[i] for i in bead.en]
        # Rounded so that tiny floating-point differences never change the published bytes.
        score = round(bead.score, 4)
        review = needs_review(score, bead.flags, by_bead.get(bead.id, ()))
        flags = ((BeadFlag.NEEDS_REVIEW,) if review else ()) + tuple(
            flag for flag in bead.flags if flag != BeadFlag.NEEDS_REVIEW
        )
        records.append(
            BeadRecord(
                id=bead.id,
                ja=join_segments(ja_segments, "ja"),
                en=join_segments(en_segments, "en"),
                ja_spans=tuple((s.start, s.end) for s in ja_segments),
                en_spans=tuple((s.start, s.end) for s in en_segments),
                type=bead.type,
                score=score,
                flags=flags,
            )
        )
    return records
