"""What a release is made of: every whole publication under ``aligned/``, read with the published readers.

Each ``aligned/<id>/`` must be one whole publication (:func:`~taiyaku.publish.manifest.verify_publication`):
an interrupted or hand-edited folder is refused with one line, never packed into a download.  Its beads
come from ``corpus.jsonl`` (:func:`~taiyaku.publish.corpus.read_corpus`), its title, date, publisher and
source URLs from ``report.json``, and its licence from ``corpora/<id>/statement.toml`` where the statement
is registered there.  Nothing else is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from taiyaku.corpora.statement import STATEMENT_FILE, load_statement
from taiyaku.errors import TaiyakuError
from taiyaku.model import BeadRecord
from taiyaku.publish import REPORT_HTML, REPORT_JSON
from taiyaku.publish.corpus import CORPUS_JSONL, read_bytes, read_corpus, read_utf8
from taiyaku.publish.manifest import MANIFEST, verify_publication


@dataclass(frozen=True, slots=True)
class PublishedStatement:
    """One published statement, as a release sees it."""

    id: str
    title: str
    date: str
    publisher: str
    license: str  # "" when statement.toml states none (or the publication is not a registered statement)
    source_urls: tuple[str, ...]  # where the two texts were published or fetched from, as recorded
    taiyaku_version: str  # the version that published it
    records: tuple[BeadRecord, ...]
    report_html: bytes
    content_sha256: str  # of corpus.jsonl and the metadata above: what "changed" means between releases

    @property
    def reviewed(self) -> int:
        return sum(record.reviewed for record in self.records)

    @property
    def needs_review(self) -> int:
        return sum(record.needs_review for record in self.records)

    @property
    def mean_score(self) -> float:
        return round(sum(r.score for r in self.records) / len(self.records), 4) if self.records else 0.0


def _text(mapping: object, key: str) -> str:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) else ""


def _source_urls(report: dict[str, object]) -> tuple[str, ...]:
    """The statement's recorded URLs (``ja_url``, ``en_url``), then the ones its sources were fetched from."""
    statement, sources = report.get("statement"), report.get("sources")
    urls = [_text(statement, "ja_url"), _text(statement, "en_url")]
    for lang in ("ja", "en"):
        side = sources.get(lang) if isinstance(sources, dict) else None
        urls += [_text(side, "url"), _text(side, "final_url")]
    return tuple(dict.fromkeys(url for url in urls if url.startswith(("http://", "https://"))))


def _licence(corpora_dir: Path | None, statement_id: str) -> str:
    folder = corpora_dir / statement_id if corpora_dir is not None else None
    if folder is None or not (folder / STATEMENT_FILE).is_file():
        return ""
    return load_statement(folder).license


def read_published(folder: Path, corpora_dir: Path | None) -> PublishedStatement:
    """The publication in ``aligned/<id>/`` (checked whole against its manifest first)."""
    verify_publication(folder)
    records = tuple(read_corpus(folder / CORPUS_JSONL))
    report_path = folder / REPORT_JSON
    try:
        report = json.loads(read_utf8(report_path, "report"))
    except json.JSONDecodeError as exc:
        raise TaiyakuError(str(report_path), f"not valid JSON ({exc.msg})") from None
    if not isinstance(report, dict):
        raise TaiyakuError(str(report_path), "not a taiyaku report (expected a JSON object)")
    statement = report.get("statement")
    statement_id = _text(statement, "id") or folder.name
    if statement_id != folder.name:
        raise TaiyakuError(str(report_path), f"states the id {statement_id!r}, but its folder is {folder.name!r}")
    title = _text(statement, "title") or _text(report, "title") or statement_id
    date, publisher = _text(statement, "date"), _text(statement, "publisher")
    licence, urls = _licence(corpora_dir, statement_id), _source_urls(report)
    digest = hashlib.sha256(json.dumps([statement_id, title, date, publisher, licence, *urls]).encode("utf-8"))
    digest.update(read_bytes(folder / CORPUS_JSONL, "corpus file"))
    return PublishedStatement(
        id=statement_id,
        title=title,
        date=date,
        publisher=publisher,
        license=licence,
        source_urls=urls,
        taiyaku_version=_text(report.get("tool_versions"), "taiyaku"),
        records=records,
        report_html=read_bytes(folder / REPORT_HTML, "report"),
        content_sha256=digest.hexdigest(),
    )


def read_aligned(aligned_dir: Path, corpora_dir: Path | None) -> list[PublishedStatement]:
    """Every publication under ``aligned/``, in name order (hidden folders, staging ones, are skipped)."""
    if not aligned_dir.is_dir():
        raise TaiyakuError(str(aligned_dir), "no such folder (publish statements first: taiyaku run-all)")
    folders = sorted(
        entry
        for entry in aligned_dir.iterdir()
        if entry.is_dir()
        and not entry.name.startswith(".")
        and ((entry / MANIFEST).exists() or (entry / CORPUS_JSONL).exists())
    )
    if not folders:
        raise TaiyakuError(str(aligned_dir), "nothing is published here (publish statements first: taiyaku run-all)")
    return [read_published(folder, corpora_dir) for folder in folders]
