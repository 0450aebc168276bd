"""The taiyaku flow: pull → normalize → segment → align → terms → publish.

Only wiring lives here: every task calls one plain function of a stage module, so each stage can be
tested without Prefect (``task.fn``). Tasks opt out of Prefect's input-hash caching: their inputs are
whole documents, hashing them costs time and caching them across runs would be wrong after an edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows import artifact_key
from taiyaku import corrections as corrections_stage
from taiyaku import glossary as glossary_stage
from taiyaku import normalize as normalize_stage
from taiyaku import pull as pull_stage
from taiyaku import segment as segment_stage
from taiyaku import terms as terms_stage
from taiyaku.align import REVIEW_THRESHOLD
from taiyaku.language import verify_language
from taiyaku.model import Bead, Block, Finding, Lang, Segment, SourceDocument
from taiyaku.publish import (
    CORPUS_JSONL,
    CORPUS_TMX,
    CORPUS_TSV,
    bead_records,
    check_not_shrinking,
    publish_files,
    render_jsonl,
    render_tmx,
    render_tsv,
)
from taiyaku.report import Review, render_report_html, render_report_json, render_summary_markdown
from taiyaku.statement import Statement, find_statements, load_statement

REPORT_JSON = "report.json"
REPORT_HTML = "report.html"


@task(
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=[2, 10, 30],
    retry_condition_fn=pull_stage.retry_condition,
)
def pull_source(source: str) -> SourceDocument:
    return pull_stage.pull(source)


@task(cache_policy=NO_CACHE)
def normalize_document(document: SourceDocument, lang: Lang) -> list[Block]:
    blocks = normalize_stage.normalize(document, lang)
    verify_language(blocks, lang, document.provenance.source)
    return blocks


@task(cache_policy=NO_CACHE)
def segment_blocks(blocks: list[Block], lang: Lang) -> list[Segment]:
    return segment_stage.segment(blocks, lang)


@task(cache_policy=NO_CACHE)
def load_glossary(path: str | None) -> glossary_stage.Glossary | None:
    return glossary_stage.load_glossary(path) if path else None


@task(cache_policy=NO_CACHE)
def load_corrections(path: str | None) -> list[corrections_stage.Correction]:
    return corrections_stage.load_corrections(path) if path else []


@task(cache_policy=NO_CACHE)
def align_segments(
    ja: list[Segment],
    en: list[Segment],
    glossary: glossary_stage.Glossary | None,
    corrections: list[corrections_stage.Correction],
) -> corrections_stage.CorrectedAlignment:
    return corrections_stage.align_with_corrections(ja, en, corrections, glossary=glossary)


@task(cache_policy=NO_CACHE)
def check_terminology(
    beads: list[Bead], ja: list[Segment], en: list[Segment], glossary: glossary_stage.Glossary | None
) -> list[Finding]:
    return terms_stage.check_terms(beads, ja, en, glossary)


@dataclass(frozen=True, slots=True)
class PublishedPair:
    out_dir: Path
    files: list[Path]
    review: Review


@task(cache_policy=NO_CACHE)
def publish_corpus(
    out_dir: str,
    title: str,
    statement_meta: dict[str, str],
    ja_document: SourceDocument,
    en_document: SourceDocument,
    ja: list[Segment],
    en: list[Segment],
    alignment: corrections_stage.CorrectedAlignment,
    findings: list[Finding],
    force: bool,
) -> PublishedPair:
    records = bead_records(alignment.beads, ja, en)
    if not force:
        check_not_shrinking(Path(out_dir), records)
    review = Review(
        title=title,
        records=records,
        findings=findings,
        ja_provenance=ja_document.provenance,
        en_provenance=en_document.provenance,
        review_threshold=REVIEW_THRESHOLD,
        ja_segments=len(ja),
        en_segments=len(en),
        statement=statement_meta,
        unmatched_corrections=alignment.unmatched,
    )
    files = publish_files(
        out_dir,
        {
            CORPUS_JSONL: render_jsonl(records),
            CORPUS_TMX: render_tmx(records),
            CORPUS_TSV: render_tsv(records),
            REPORT_JSON: render_report_json(review),
            REPORT_HTML: render_report_html(review),
        },
    )
    return PublishedPair(Path(out_dir), files, review)


@flow(name="taiyaku-align-pair")
def align_pair(
    ja_source: str,
    en_source: str,
    out_dir: str,
    glossary_path: str | None = None,
    corrections_path: str | None = None,
    title: str | None = None,
    statement_meta: dict[str, str] | None = None,
    force: bool = False,
) -> PublishedPair:
    """Align one Japanese/English document pair and publish it to ``out_dir``."""
    # Everything that can reject bad input runs before anything is written.
    glossary = load_glossary(glossary_path)
    corrections = load_corrections(corrections_path)
    ja_document = pull_source(ja_source)
    en_document = pull_source(en_source)
    ja = segment_blocks(normalize_document(ja_document, "ja"), "ja")
    en = segment_blocks(normalize_document(en_document, "en"), "en")
    alignment = align_segments(ja, en, glossary, corrections)
    findings = check_terminology(alignment.beads, ja, en, glossary)
    published = publish_corpus(
        out_dir,
        title or Path(out_dir).name,
        statement_meta or {},
        ja_document,
        en_document,
        ja,
        en,
        alignment,
        findings,
        force,
    )
    create_markdown_artifact(
        key=artifact_key("taiyaku", Path(out_dir).name),
        markdown=render_summary_markdown(published.review),
        description=f"taiyaku alignment summary for {Path(out_dir).name}",
    )
    return published


def statement_metadata(statement: Statement) -> dict[str, str]:
    meta = {"id": statement.id, "title": statement.title, "date": statement.date, "publisher": statement.publisher}
    if statement.ja.url:
        meta["ja_url"] = statement.ja.url
    if statement.en.url:
        meta["en_url"] = statement.en.url
    return meta


@flow(name="taiyaku-align-statement")
def align_statement(statement_dir: str, aligned_root: str = "aligned", force: bool = False) -> PublishedPair:
    """Align a statement registered under ``corpora/<statement-id>/``."""
    statement = load_statement(statement_dir)
    corrections = statement.folder / corrections_stage.CORRECTIONS_FILE
    return align_pair(
        statement.ja.source,
        statement.en.source,
        str(Path(aligned_root) / statement.id),
        glossary_path=str(statement.glossary) if statement.glossary else None,
        corrections_path=str(corrections) if corrections.is_file() else None,
        title=statement.title or statement.id,
        statement_meta=statement_metadata(statement),
        force=force,
    )


@flow(name="taiyaku-run-all")
def align_all_statements(corpora_dir: str = "corpora", aligned_root: str = "aligned") -> list[PublishedPair]:
    """Align every statement under ``corpora/``, in name order."""
    return [align_statement(str(folder), aligned_root) for folder in find_statements(corpora_dir)]
