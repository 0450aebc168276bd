"""The one pipeline: pull → normalize → verify language → segment → align → terms → publish.

The sequence is written here once.  Each step is a plain function (data in, data out); the sequences call
every step through a :data:`StepRunner`, which by default just calls it.  The Prefect flows (``flows/``)
pass a runner that calls the step's Prefect task instead, so a flow run shows one task run per step
without wiring the stages a second time; ``taiyaku eval`` and the benchmarks pass a runner that times
each step.

* :func:`align_pair`: a document pair → published corpus and report (``taiyaku align``, ``run``, ``add``);
* :func:`align_sources`: a document pair → segments and beads (the part that evaluation scores);
* :func:`evaluate_document`: one gold document aligned and scored (``taiyaku eval``);
* :func:`check_corpus`: the terminology checks on a published or hand-edited corpus (``taiyaku check``).
"""

from __future__ import annotations

import dataclasses
import gc
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, ParamSpec, Protocol, TypeVar

from taiyaku import __version__, align, normalize, segment, sources, terms
from taiyaku.align import CorrectedAlignment
from taiyaku.align.lexicon import jmdict
from taiyaku.corpora.corrections import CORRECTIONS_FILE, CorrectionsFile, apply_decisions, load_corrections
from taiyaku.corpora.snapshots import statement_inputs
from taiyaku.corpora.statement import Statement, load_statement
from taiyaku.errors import TaiyakuError
from taiyaku.eval.alignment import (
    STAGES,
    DocumentScore,
    EvalReport,
    PdfLocation,
    add_document,
    load_gold,
    score_document,
    set_documents,
)
from taiyaku.eval.located import locate_segments
from taiyaku.io import atomic_write
from taiyaku.model import (
    Bead,
    BlockKind,
    Correction,
    DecidedFinding,
    Extraction,
    Finding,
    FindingDecision,
    Lang,
    NormalizedDocument,
    Segment,
    SourceDocument,
    UnreadableCorrection,
)
from taiyaku.nlp import english_nlp, japanese_nlp
from taiyaku.normalize.language import verify_language
from taiyaku.normalize.unicode import nfkc_cluster_pattern
from taiyaku.publish import Publication, publish
from taiyaku.publish.corpus import read_corpus, read_utf8, render_jsonl
from taiyaku.publish.manifest import published_inputs
from taiyaku.publish.records import bead_records, join_segments
from taiyaku.sources.fetch import DEFAULT_LIMITS, FetchLimits
from taiyaku.terms.glossary import Glossary

P = ParamSpec("P")
R = TypeVar("R")


class StepRunner(Protocol):
    """Calls one step of the pipeline: directly, as a Prefect task, timed..."""

    def __call__(self, step: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R: ...


def call_directly(step: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    return step(*args, **kwargs)


# What the steps build once per process and keep (the NFKC table of normalization, the models, the
# lexicon), in the order they first need them; a caller with time to spare (the command, while Prefect's
# API boots) may load them ahead.
LOADED_ONCE: tuple[Callable[[], object], ...] = (nfkc_cluster_pattern, japanese_nlp, english_nlp, jmdict)


# --- the steps ------------------------------------------------------------------------------------------


def pull_source(source: str, limits: FetchLimits = DEFAULT_LIMITS) -> SourceDocument:
    """pull: read a path, ``file://`` or ``http(s)://`` source and decode it, within ``limits`` (bytes,
    characters after decoding, time for the whole download)."""
    return sources.pull(source, limits=limits)


def normalize_document(document: SourceDocument, lang: Lang) -> NormalizedDocument:
    """normalize, then verify language: the blocks of a document that is in the language it claims (and
    for a PDF, what extraction did)."""
    normalized = normalize.normalize(document, lang)
    verify_language(normalized.blocks, lang, document.provenance.source)
    return normalized


def segment_blocks(document: NormalizedDocument, lang: Lang) -> list[Segment]:
    """segment: blocks → sentences, each with its span in the decoded source."""
    return segment.segment(document.blocks, lang)


def load_glossary(path: str | None) -> Glossary | None:
    return terms.load_glossary(path) if path else None


def read_corrections(path: str | None) -> CorrectionsFile:
    """The reviewer corrections to honour, and the lines of the file that had to be skipped (reported)."""
    return load_corrections(path) if path else CorrectionsFile()


def align_segments(
    ja: list[Segment], en: list[Segment], glossary: Glossary | None, corrections: list[Correction]
) -> CorrectedAlignment:
    """align: beads over the two sides, reviewer corrections forced."""
    return align.align_with_corrections(ja, en, corrections, glossary=glossary)


def verify_parallel(aligned: AlignedSources, glossary: Glossary | None, force: bool) -> AlignedSources:
    """align, then verify parallelism: refuse (unless ``force``) a pair where nothing could be aligned or
    that is not a translation; flag the stretches one document does not translate (scored low)."""
    beads = align.check_parallel(
        aligned.ja,
        aligned.en,
        aligned.alignment.beads,
        ja_source=aligned.ja_document.provenance.source,
        en_source=aligned.en_document.provenance.source,
        glossary=glossary,
        force=force,
    )
    return dataclasses.replace(aligned, alignment=dataclasses.replace(aligned.alignment, beads=beads))


def check_terminology(
    beads: list[Bead], ja: list[Segment], en: list[Segment], glossary: Glossary | None
) -> list[Finding]:
    """terms: the terminology and consistency findings of an aligned document."""
    return terms.check_terms(beads, ja, en, glossary)


@dataclass(frozen=True, slots=True)
class ReviewedFindings:
    """The findings of a document after the reviewer's decisions: those still reported, and those a
    reviewer dismissed (no longer reported) or accepted (still reported), with the decisions."""

    findings: list[Finding]
    dismissed: list[DecidedFinding] = field(default_factory=list)
    accepted: list[DecidedFinding] = field(default_factory=list)


def apply_finding_decisions(
    findings: list[Finding], aligned: AlignedSources, decisions: list[FindingDecision]
) -> ReviewedFindings:
    """terms, then the reviewer's decisions: dismissed findings are taken out of the findings (so they no
    longer count for "needs review"), accepted ones stay; both are kept for the report."""
    with_findings = {finding.bead_id for finding in findings}  # a decision names a finding by its bead's text
    texts = {
        bead.id: (
            join_segments([aligned.ja[i] for i in bead.ja], "ja"),
            join_segments([aligned.en[i] for i in bead.en], "en"),
        )
        for bead in aligned.alignment.beads
        if bead.id in with_findings
    }
    return ReviewedFindings(*apply_decisions(findings, texts, decisions))


def publish_corpus(
    job: PairJob,
    ja_document: SourceDocument,
    en_document: SourceDocument,
    aligned: AlignedSources,
    findings: ReviewedFindings,
    unreadable_corrections: list[UnreadableCorrection],
) -> Publication:
    """publish: the corpus files and the report, atomically, with the fingerprint of the job's inputs (the
    sources as they were read: a source that changed since the job was made is recorded as read)."""
    inputs = job.inputs
    if inputs is not None:
        inputs = {**inputs, "ja": ja_document.provenance.sha256, "en": en_document.provenance.sha256}
    return publish(
        job.out_dir,
        title=job.title or Path(job.out_dir).name,
        ja_document=ja_document,
        en_document=en_document,
        ja=aligned.ja,
        en=aligned.en,
        beads=aligned.alignment.beads,
        findings=findings.findings,
        dismissed_findings=findings.dismissed,
        accepted_findings=findings.accepted,
        statement=job.statement,
        unmatched_corrections=aligned.alignment.unmatched,
        unreadable_corrections=unreadable_corrections,
        ja_extraction=aligned.ja_extraction,
        en_extraction=aligned.en_extraction,
        force=job.force,
        inputs=inputs,
    )


# Which stage each step belongs to, for timings (``taiyaku eval``, benchmarks).
STAGE_OF: dict[str, str] = {
    pull_source.__name__: "pull",
    normalize_document.__name__: "normalize",
    segment_blocks.__name__: "segment",
    load_glossary.__name__: "align",
    read_corrections.__name__: "align",
    align_segments.__name__: "align",
    verify_parallel.__name__: "align",
    check_terminology.__name__: "terms",
    apply_finding_decisions.__name__: "terms",
    publish_corpus.__name__: "publish",
}


# --- the sequences --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairJob:
    """Everything :func:`align_pair` needs to know about one document pair."""

    ja_source: str
    en_source: str
    out_dir: str
    glossary_path: str | None = None
    corrections_path: str | None = None
    title: str | None = None
    statement: dict[str, str] = field(default_factory=dict)  # statement metadata for the report
    force: bool = False
    limits: FetchLimits = DEFAULT_LIMITS  # input limits of both sources (--max-bytes, --max-chars...)
    # A registered statement's input fingerprint (corpora.snapshots.statement_inputs), kept in the manifest.
    inputs: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class AlignedSources:
    ja_document: SourceDocument
    en_document: SourceDocument
    ja: list[Segment]
    en: list[Segment]
    alignment: CorrectedAlignment
    ja_extraction: Extraction | None = None  # PDFs only: what extraction did (shown in the report)
    en_extraction: Extraction | None = None


class _RareFullCollections:
    """A context in which the cyclic garbage collector's full collections come ten times rarer.

    A book-length document keeps millions of objects alive through the pipeline (segments, their
    features, findings, records); a full collection walks every one of them, and CPython runs one whenever
    the objects that survived the younger collections grew by a quarter: eleven times on kyoto-scale, a
    tenth of the run.  The pipeline leaves next to no cyclic garbage (reference counting frees its objects),
    so running them rarely costs no memory.  Re-entrant and shared by threads: the process's threshold comes
    back when the last run ends.
    """

    def __init__(self, full_collection_every: int) -> None:
        self._full_collection_every = full_collection_every  # collections of the middle generation
        self._lock = threading.Lock()
        self._runs = 0
        self._threshold = gc.get_threshold()

    def __enter__(self) -> None:
        with self._lock:
            if self._runs == 0:
                self._threshold = gc.get_threshold()
                young, middle, full = self._threshold
                gc.set_threshold(young, middle, max(full, self._full_collection_every))
            self._runs += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._runs -= 1
            if self._runs == 0:
                gc.set_threshold(*self._threshold)


_RARE_FULL_COLLECTIONS = _RareFullCollections(full_collection_every=100)  # CPython's default: 10


def align_sources(
    ja_source: str,
    en_source: str,
    glossary: Glossary | None = None,
    corrections: list[Correction] | None = None,
    run: StepRunner = call_directly,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> AlignedSources:
    """pull → normalize → verify language → segment (each side) → align."""
    with _RARE_FULL_COLLECTIONS:
        ja_document = run(pull_source, ja_source, limits)
        en_document = run(pull_source, en_source, limits)
        ja_normalized = run(normalize_document, ja_document, "ja")
        en_normalized = run(normalize_document, en_document, "en")
        ja = run(segment_blocks, ja_normalized, "ja")
        en = run(segment_blocks, en_normalized, "en")
        alignment = run(align_segments, ja, en, glossary, corrections or [])
    return AlignedSources(
        ja_document, en_document, ja, en, alignment, ja_normalized.extraction, en_normalized.extraction
    )


def align_pair(job: PairJob, run: StepRunner = call_directly) -> Publication:
    """The whole pipeline on one document pair, published to ``job.out_dir``."""
    # Everything that can reject bad input runs before anything is written, and an output folder that
    # cannot be written is refused before anything is pulled.
    check_output_location(job.out_dir)
    with _RARE_FULL_COLLECTIONS:
        glossary = run(load_glossary, job.glossary_path)
        corrections = run(read_corrections, job.corrections_path)
        aligned = align_sources(job.ja_source, job.en_source, glossary, corrections.corrections, run, job.limits)
        aligned = run(verify_parallel, aligned, glossary, job.force)
        found = run(check_terminology, aligned.alignment.beads, aligned.ja, aligned.en, glossary)
        findings = run(apply_finding_decisions, found, aligned, corrections.decisions)
        try:
            return run(
                publish_corpus, job, aligned.ja_document, aligned.en_document, aligned, findings, corrections.unreadable
            )
        except OSError as exc:
            # A disk that filled up or a file system that turned read-only during the run: one line, naming
            # the file where the system named one (a failed write() names none: then the output folder).
            raise TaiyakuError(exc.filename or job.out_dir, f"cannot publish: {exc.strerror or exc}") from None


def check_output_location(out_dir: str) -> None:
    """Refuse an output folder the corpus could not be published into: ``out_dir`` naming a file, a parent
    that cannot be created, a folder on a read-only file system or not writable.  Creates nothing.

    Publishing writes into ``out_dir`` and stages its files beside it, so ``out_dir`` (if it exists) and the
    nearest folder above it that exists must both take a new file; each is tried with an unnamed temporary
    file, which asks the file system itself (permissions, a read-only mount) and leaves nothing behind.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise TaiyakuError(out_dir, "is a file, not a folder: the corpus is published into a folder")
    folders = [out] if out.is_dir() else []
    above = next((folder for folder in out.absolute().parents if folder.exists()), None)
    if above is not None:
        if not above.is_dir():
            raise TaiyakuError(out_dir, f"cannot create this folder: {above} is a file")
        folders.append(above)
    for folder in folders:
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise TaiyakuError(out_dir, f"cannot publish here: {folder}: {exc.strerror or exc}") from None


def statement_job(
    statement: Statement,
    aligned_root: str | Path = "aligned",
    *,
    force: bool = False,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> PairJob:
    """The pair job of a statement registered under ``corpora/<statement-id>/``."""
    corrections = statement.folder / CORRECTIONS_FILE
    meta = {"id": statement.id, "title": statement.title, "date": statement.date, "publisher": statement.publisher}
    if statement.ja.url:
        meta["ja_url"] = statement.ja.url
    if statement.en.url:
        meta["en_url"] = statement.en.url
    return PairJob(
        ja_source=statement.ja.source,
        en_source=statement.en.source,
        out_dir=str(Path(aligned_root) / statement.id),
        glossary_path=str(statement.glossary) if statement.glossary else None,
        # exists, not is_file: a corrections.jsonl that cannot be read must stop the run, not be ignored.
        corrections_path=str(corrections) if corrections.exists() else None,
        title=statement.title or statement.id,
        statement=meta,
        force=force,
        limits=limits,
        inputs=statement_inputs(statement),
    )


def publication_status(statement: Statement, aligned_root: str | Path = "aligned") -> tuple[bool, str]:
    """Whether ``aligned/<id>/`` is the publication of the statement's inputs as they are now, and why
    (or why not): ``(True, "inputs unchanged since its last publication")``, ``(False, "never
    published")``, ``(False, "changed: corrections.jsonl, taiyaku")``..."""
    recorded = published_inputs(Path(aligned_root) / statement.id)
    if recorded is None:
        return False, "no whole publication with a record of its inputs"
    current = statement_inputs(statement)
    if current is None:
        return False, "a source is a live URL (or a file cannot be read): its inputs are only known by running"
    changed = sorted(name for name in current.keys() | recorded.keys() if current.get(name) != recorded.get(name))
    if changed:
        return False, "changed: " + ", ".join(changed)
    return (
        True,
        f"unchanged since its last publication (sources, statement.toml, glossary, corrections, taiyaku {__version__})",
    )


def load_statement_job(
    statement_dir: str | Path,
    aligned_root: str | Path = "aligned",
    *,
    force: bool = False,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> PairJob:
    return statement_job(load_statement(statement_dir), aligned_root, force=force, limits=limits)


# --- evaluation -----------------------------------------------------------------------------------------


class StepTimer:
    """A step runner that adds each step's wall time to its stage."""

    def __init__(self, run: StepRunner = call_directly) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self._run = run

    def __call__(self, step: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.timing(STAGE_OF.get(step.__name__, step.__name__)):
            return self._run(step, *args, **kwargs)

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start


# Which files of a gold document ``taiyaku eval`` aligns: "auto" takes ja.pdf / en.pdf where both exist
# (a rendition made by ``taiyaku render-pdf``) and the text files otherwise.
EvalInputs = Literal["auto", "text", "pdf"]
EVAL_INPUTS: tuple[EvalInputs, ...] = ("auto", "text", "pdf")


def evaluate_document(
    doc_dir: Path, out_dir: Path | None = None, run: StepRunner = call_directly, inputs: EvalInputs = "auto"
) -> tuple[DocumentScore, dict[str, float]]:
    """Align one document of a gold set with the pipeline, score it, and (with ``out_dir``) write
    ``out_dir/<doc>/corpus.jsonl``.  Returns the score and the seconds per stage.

    From PDFs (``inputs="pdf"``, or ``"auto"`` when ``ja.pdf`` and ``en.pdf`` exist) the sentences are
    located in ``ja.txt`` / ``en.txt`` by their text and scored at those spans (:mod:`taiyaku.eval.located`);
    the published ``corpus.jsonl`` keeps their spans into the PDFs' text layers.
    """
    gold = load_gold(doc_dir / "gold.tsv")
    from_pdf = inputs == "pdf" or (
        inputs == "auto" and (doc_dir / "ja.pdf").is_file() and (doc_dir / "en.pdf").is_file()
    )
    suffix = "pdf" if from_pdf else "txt"
    timer = StepTimer(run)
    aligned = align_sources(str(doc_dir / f"ja.{suffix}"), str(doc_dir / f"en.{suffix}"), run=timer)
    beads = aligned.alignment.beads
    if out_dir is not None:
        with timer.timing("publish"):
            atomic_write(
                out_dir / doc_dir.name / "corpus.jsonl", render_jsonl(bead_records(beads, aligned.ja, aligned.en))
            )
    if not from_pdf:
        return score_document(doc_dir.name, gold, beads, aligned.ja, aligned.en), timer.seconds
    ja = locate_segments(aligned.ja, read_utf8(doc_dir / "ja.txt", "the Japanese gold text"))
    en = locate_segments(aligned.en, read_utf8(doc_dir / "en.txt", "the English gold text"))
    location = PdfLocation(len(ja.segments), len(en.segments), ja.unlocated, en.unlocated)
    return score_document(doc_dir.name, gold, beads, ja.segments, en.segments, location), timer.seconds


def evaluate_set(set_dir: Path, out_dir: Path | None = None, inputs: EvalInputs = "auto") -> EvalReport:
    """Evaluate every document of a set in this process, without Prefect (``taiyaku eval`` runs the flow
    :func:`flows.evaluate.evaluate_set`, which calls :func:`evaluate_document` as a task per document)."""
    report = EvalReport(set_dir.name)
    for doc_dir in set_documents(set_dir):
        score, seconds = evaluate_document(doc_dir, out_dir, inputs=inputs)
        add_document(report, score, seconds)
    return report


# --- re-checking a corpus ---------------------------------------------------------------------------------


def check_corpus(corpus_path: str | Path, glossary_path: str | Path | None) -> list[Finding]:
    """Re-check a published (possibly hand-edited) ``corpus.jsonl`` or ``corpus.tmx``.

    Each bead's text is checked as one segment per side; findings name the corpus's own bead ids.
    """
    glossary = terms.load_glossary(glossary_path) if glossary_path else None
    records = read_corpus(corpus_path)
    ja_segments: list[Segment] = []
    en_segments: list[Segment] = []
    beads: list[Bead] = []
    for number, record in enumerate(records):
        ja_ids: tuple[int, ...] = ()
        en_ids: tuple[int, ...] = ()
        if record.ja:
            ja_ids = (len(ja_segments),)
            ja_segments.append(Segment(len(ja_segments), "ja", record.ja, 0, 0, record.id, BlockKind.PARAGRAPH))
        if record.en:
            en_ids = (len(en_segments),)
            en_segments.append(Segment(len(en_segments), "en", record.en, 0, 0, record.id, BlockKind.PARAGRAPH))
        beads.append(Bead(number, ja_ids, en_ids, record.score))
    findings = terms.check_terms(beads, ja_segments, en_segments, glossary)
    corpus_id = {bead.id: record.id for bead, record in zip(beads, records, strict=True)}
    return [dataclasses.replace(f, bead_id=corpus_id[f.bead_id]) for f in findings]


__all__ = [
    "EVAL_INPUTS",
    "STAGES",
    "AlignedSources",
    "EvalInputs",
    "PairJob",
    "ReviewedFindings",
    "StepRunner",
    "StepTimer",
    "align_pair",
    "align_sources",
    "call_directly",
    "check_corpus",
    "evaluate_document",
    "evaluate_set",
    "load_statement_job",
    "publication_status",
    "statement_job",
]
