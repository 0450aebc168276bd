"""The corpus release: every statement published under ``aligned/`` in one versioned, documented download.

:func:`build_release` writes ``<out>/<version>/`` as a whole (staged beside it, then renamed: a reader sees
no release or all of it) and deterministically (the same publications, options, version and date give the
same bytes; the only date in it is ``date``, from the inputs or given):

* ``corpus.jsonl``: every bead of every statement (its statement id, date, publisher, text, type, score,
  flags, split, and why it is not in the MT files, if it is not); ``corpus.tmx``: every bilingual bead,
  written by the published TMX writer, ``tuid`` ``<statement id>/<bead id>``;
* ``train/dev/test.{ja,en}`` (Moses-style: line *n* of ``.ja`` and of ``.en`` are a pair) and
  ``parquet/{train,dev,test}.parquet`` (the same pairs, with their statement and score), split by statement
  (:mod:`.splits`);
* ``README.md``, a dataset card with Hugging Face YAML metadata, ``catalog.json`` and ``index.html``
  (every statement, its figures and a link to its report, copied to ``reports/<id>.html``), ``CHANGES``
  against the previous release in ``<out>``, and ``SHA256SUMS`` of every other file (:mod:`.card`).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from taiyaku.errors import TaiyakuError
from taiyaku.io import write_folder_atomically
from taiyaku.model import BeadRecord
from taiyaku.publish.corpus import render_tmx
from taiyaku.release.card import (
    EvalFigures,
    ReleaseFacts,
    previous_release,
    read_eval_figures,
    render_catalog,
    render_changes,
    render_dataset_card,
    render_index,
    render_sha256sums,
)
from taiyaku.release.published import PublishedStatement, read_aligned
from taiyaku.release.splits import SPLITS, SplitCounts, assign, plain_line

RELEASE_CORPUS = "corpus.jsonl"
SUMS = "SHA256SUMS"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")

# The columns of the Parquet files, in order: what `datasets.load_dataset("parquet", ...)` shows.
PARQUET_SCHEMA = pa.schema(
    [
        ("statement_id", pa.string()),
        ("bead_id", pa.string()),
        ("ja", pa.string()),
        ("en", pa.string()),
        ("type", pa.string()),
        ("score", pa.float64()),
        ("flags", pa.list_(pa.string())),
        ("date", pa.string()),
        ("publisher", pa.string()),
    ]
)


@dataclass(frozen=True, slots=True)
class Release:
    """What :func:`build_release` wrote (or found already released, ``unchanged``)."""

    folder: Path
    statements: int
    beads: int
    counts: dict[str, SplitCounts]
    previous: str | None
    unchanged: bool = False


def _bead_row(statement: PublishedStatement, record: BeadRecord, split: str, excluded: str | None) -> dict[str, object]:
    """A line of the release's corpus.jsonl (and a row of its Parquet files)."""
    return {
        "statement_id": statement.id,
        "bead_id": record.id,
        "date": statement.date,
        "publisher": statement.publisher,
        "ja": record.ja,
        "en": record.en,
        "type": record.type,
        "score": record.score,
        "flags": [str(flag) for flag in record.flags],
        "split": split,
        "excluded": excluded,
    }


# Every bead (the rows of corpus.jsonl), for the card's `all_beads` configuration: `datasets` reads every
# configuration of a folder with one builder, so these are Parquet too.
ALL_BEADS_SCHEMA = pa.schema(
    [
        *PARQUET_SCHEMA,
        ("split", pa.string()),
        ("excluded", pa.string()),
    ]
)
ALL_BEADS_PARQUET = "all_beads/corpus.parquet"


def _parquet(rows: Sequence[dict[str, object]], schema: pa.Schema = PARQUET_SCHEMA) -> bytes:
    table = pa.Table.from_pylist([{name: row[name] for name in schema.names} for row in rows], schema)
    sink = io.BytesIO()
    # No pandas metadata and one row group: the bytes depend on the rows (and pyarrow's version) only.
    pq.write_table(table, sink, compression="zstd", store_schema=False)
    return sink.getvalue()


def _check_options(version: str, date: str, min_score: float) -> None:
    if not _VERSION.match(version):
        raise TaiyakuError(version, "a release version is letters, digits, '.', '_', '+' or '-' (it names a folder)")
    if not _DATE.match(date):
        raise TaiyakuError(date, "the release date must be YYYY-MM-DD")
    if not 0.0 <= min_score <= 1.0:
        raise TaiyakuError(str(min_score), "--min-score must be a number from 0 to 1")


def release_date(statements: Sequence[PublishedStatement]) -> str:
    """The release date taken from the inputs: the newest statement date (dates that are not YYYY-MM-DD
    are ignored)."""
    dates = [statement.date for statement in statements if _DATE.match(statement.date)]
    if not dates:
        raise TaiyakuError("release", "no published statement has a date (YYYY-MM-DD): give the release --date")
    return max(dates)


def render_release(
    statements: Sequence[PublishedStatement],
    *,
    version: str,
    date: str,
    min_score: float,
    eval_figures: Sequence[EvalFigures] = (),
    previous: dict[str, object] | None = None,
) -> tuple[dict[str, str | bytes], dict[str, SplitCounts]]:
    """Every file of the release by relative name, and the counts per split."""
    split, excluded, counts = assign([(s.id, s.records) for s in statements], min_score)
    rows: list[dict[str, object]] = []
    for statement in statements:
        for record in statement.records:
            rows.append(_bead_row(statement, record, split[statement.id], excluded[(statement.id, record.id)]))
    files: dict[str, str | bytes] = {
        RELEASE_CORPUS: "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows),
        "corpus.tmx": render_tmx(
            [replace(record, id=f"{s.id}/{record.id}") for s in statements for record in s.records]
        ),
    }
    for name in SPLITS:
        kept = [row for row in rows if row["split"] == name and row["excluded"] is None]
        # Pairs in the order the split was filled: statements by id, beads in document order.
        kept.sort(key=lambda row: str(row["statement_id"]))
        for lang in ("ja", "en"):
            files[f"{name}.{lang}"] = "".join(plain_line(str(row[lang])) + "\n" for row in kept)
        if kept:  # a Parquet file without rows breaks `datasets` (a batch size of 0): no file, no split
            files[f"parquet/{name}.parquet"] = _parquet(kept)
    files[ALL_BEADS_PARQUET] = _parquet(rows, ALL_BEADS_SCHEMA)
    for statement in statements:
        files[f"reports/{statement.id}.html"] = statement.report_html
    facts = ReleaseFacts(
        version=version,
        date=date,
        min_score=min_score,
        statements=statements,
        split=split,
        excluded=excluded,
        counts=counts,
        eval_figures=tuple(eval_figures),
        previous=previous,
    )
    files["catalog.json"] = render_catalog(facts)
    files["index.html"] = render_index(facts)
    files["README.md"] = render_dataset_card(facts)
    files["CHANGES"] = render_changes(facts)
    files[SUMS] = render_sha256sums(files)
    return files, counts


def build_release(
    aligned_dir: str | Path,
    out_dir: str | Path,
    *,
    min_score: float = 0.9,
    corpora_dir: str | Path | None = "corpora",
    version: str | None = None,
    date: str | None = None,
    eval_reports: Sequence[str | Path] = (),
) -> Release:
    """Build ``<out_dir>/<version>/`` from every publication under ``aligned_dir`` (see the module's
    docstring).  ``date`` defaults to the newest statement date, ``version`` to the date.  A release that
    exists already is never replaced: with the same bytes it is reported ``unchanged``, with others refused.
    ``eval_reports``: ``report.json`` files of ``taiyaku eval --out``, whose figures the card states."""
    corpora = Path(corpora_dir) if corpora_dir is not None else None
    statements = read_aligned(Path(aligned_dir), corpora)
    date = date or release_date(statements)
    version = version or date
    _check_options(version, date, min_score)
    figures = [read_eval_figures(Path(path)) for path in eval_reports]
    out = Path(out_dir)
    target = out / version
    previous = previous_release(out, exclude=version)
    files, counts = render_release(
        statements, version=version, date=date, min_score=min_score, eval_figures=figures, previous=previous
    )
    beads = sum(len(statement.records) for statement in statements)
    previous_version = str(previous["release"]) if previous else None
    if target.exists() or target.is_symlink():
        sums = target / SUMS
        if sums.is_file() and sums.read_bytes() == _as_bytes(files[SUMS]):
            return Release(target, len(statements), beads, counts, previous_version, unchanged=True)
        raise TaiyakuError(
            str(target),
            "a release with this version exists already, with other contents: a release is never replaced "
            "(give another --version)",
        )
    try:
        write_folder_atomically(target, files)
    except FileExistsError:
        raise TaiyakuError(str(target), "another release with this version was written meanwhile") from None
    except OSError as exc:
        raise TaiyakuError(exc.filename or str(target), f"cannot write the release: {exc.strerror or exc}") from None
    return Release(target, len(statements), beads, counts, previous_version)


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


__all__ = [
    "ALL_BEADS_PARQUET",
    "ALL_BEADS_SCHEMA",
    "PARQUET_SCHEMA",
    "Release",
    "build_release",
    "release_date",
    "render_release",
]
