"""The ``taiyaku`` command.

Every alignment command runs the same Prefect flow (flows/pipeline.py) on Prefect's embedded ephemeral
API. Failures caused by the input print one line, ``taiyaku: error: <file or URL>: <problem>``, and exit
with status 1; nothing under ``aligned/`` or ``corpora/`` is half-written.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from flows import EphemeralApi, configure_prefect, own_api_url, start_ephemeral_api
from taiyaku import __version__
from taiyaku.errors import TaiyakuError

if TYPE_CHECKING:
    from taiyaku.model import UnreadableCorrection
    from taiyaku.publish import Publication
    from taiyaku.publish.report import ReviewSummary
    from taiyaku.sources.fetch import FetchLimits


def _print_published(published: Publication) -> None:
    summary = published.review.summary()
    types = ", ".join(f"{k} {v}" for k, v in summary.bead_types.items())
    print(
        f"{published.out_dir}: {summary.beads} beads ({types}), mean confidence {summary.mean_score}, "
        f"{summary.needs_review} to review, {summary.findings} terminology findings"
    )
    if summary.unmatched_corrections:
        _warn(
            str(published.out_dir),
            f"{summary.unmatched_corrections} reviewer corrections no longer match (see the report)",
        )
    _warn_unreadable_corrections(published.review.unreadable_corrections)
    _warn_unparallel(published, summary)
    _warn_extraction(published, summary)


def _warn_extraction(published: Publication, summary: ReviewSummary) -> None:
    """What PDF extraction could not read (per page, with what was done) and the beads cut mid-sentence."""
    review = published.review
    sources = {"ja": review.ja_provenance.source, "en": review.en_provenance.source}
    for side, extraction in review.extractions.items():
        for problem in extraction.problems:
            _warn(sources[side], problem.describe())
    if summary.fragments:
        _warn(
            str(published.out_dir),
            f"{summary.fragments} of {summary.beads} beads start or end mid-sentence (flagged fragment, scored "
            "0.5 at most; listed first in the report)",
        )


def _warn_unparallel(published: Publication, summary: ReviewSummary) -> None:
    """What the parallelism check found but did not refuse: a very uneven pair, untranslated stretches."""
    from taiyaku.align.parallelism import sentence_ratio_warning
    from taiyaku.model import BeadFlag

    uneven = sentence_ratio_warning(summary.ja_segments, summary.en_segments)
    if uneven:
        _warn(str(published.out_dir), uneven)
    unsupported = sum(1 for record in published.review.records if BeadFlag.UNSUPPORTED in record.flags)
    if unsupported:
        _warn(
            str(published.out_dir),
            f"{unsupported} of {summary.beads} beads are in stretches the other document does not translate "
            "(flagged unsupported, scored low; see the report)",
        )


def _warn_unreadable_corrections(skipped: Sequence[UnreadableCorrection]) -> None:
    for line in skipped:
        _warn(line.where, f"skipped, {line.problem} (the line stays in the file; see the report)")


def _warn(where: str, problem: str) -> None:
    """A warning: one line on stderr, like an error, but the command goes on and exits 0."""
    print(f"taiyaku: warning: {where}: {problem}", file=sys.stderr)


def cmd_align(args: argparse.Namespace) -> int:
    from flows.pipeline import align_pair

    published = align_pair(
        ja_source=args.ja,
        en_source=args.en,
        out_dir=args.out,
        glossary_path=args.glossary,
        corrections_path=args.corrections,
        title=args.title,
        force=args.force,
        limits=_limits(args),
    )
    _print_published(published)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from flows.pipeline import align_statement
    from taiyaku.corpora import snapshots
    from taiyaku.corpora.statement import load_statement
    from taiyaku.publish.manifest import verify_publication

    statement = load_statement(args.statement)
    if args.refresh:
        changed = snapshots.refresh_statement(statement, limits=_limits(args))
        if not changed and not args.force:
            try:
                verify_publication(Path(args.aligned) / statement.id)
            except TaiyakuError:
                pass  # no whole publication (never published, or interrupted): align it after all
            else:
                print(f"{statement.id}: sources unchanged, nothing to do")
                return 0
        statement = load_statement(args.statement)
    snapshots.verify_snapshot(statement)
    _print_published(align_statement(str(statement.folder), args.aligned, force=args.force, limits=_limits(args)))
    return 0


def cmd_run_all(args: argparse.Namespace) -> int:
    from flows.pipeline import StatementsFailed, align_all_statements
    from taiyaku.corpora.statement import InvalidStatements, load_statements

    try:
        load_statements(args.corpora)  # the whole registry, checked before Prefect even starts
    except InvalidStatements as exc:
        for problem in exc.problems:
            print(f"taiyaku: error: {problem}", file=sys.stderr)
        raise
    failure: StatementsFailed | None = None
    try:
        outcomes = align_all_statements(
            args.corpora,
            args.aligned,
            force=args.force,
            refresh=args.refresh,
            workers=args.workers,
            dask_address=args.dask_address,
            max_chars=args.max_chars,
            max_bytes=args.max_bytes,
            download_timeout=args.download_timeout,
        )
    except StatementsFailed as exc:  # the others ran: report every statement, then the count
        outcomes, failure = exc.outcomes, exc
    for outcome in outcomes:
        if outcome.published is not None:
            _print_published(outcome.published)
        elif outcome.skipped is not None:
            print(f"{outcome.statement_id}: skipped, {outcome.skipped}")
        else:
            print(f"taiyaku: error: {outcome.statement_id}: {outcome.error}", file=sys.stderr)
    if failure is not None:
        print(f"taiyaku: error: {failure}", file=sys.stderr)
        return min(failure.failed, EXIT_MOST_FAILED)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    from flows.pipeline import serve_run_all
    from taiyaku.corpora.statement import load_statements

    load_statements(args.corpora)  # an invalid registry is refused now, not at the first scheduled run
    if os.environ.get("PREFECT_API_URL", "") in ("", own_api_url()):
        _warn(
            "PREFECT_API_URL",
            "not set: serving on an API of this command's own, which no Prefect UI shows; start `prefect server "
            "start` and export PREFECT_API_URL=http://127.0.0.1:4200/api to see the runs",
        )
    serve_run_all(
        args.corpora,
        args.aligned,
        interval=args.interval,
        cron=args.cron,
        refresh=args.refresh,
        workers=args.workers,
        dask_address=args.dask_address,
        name=args.name,
    )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from flows.pipeline import align_statement
    from taiyaku.corpora import snapshots
    from taiyaku.pipeline import check_output_location

    check_output_location(str(Path(args.aligned) / args.statement_id))  # before anything is fetched
    # All or nothing: a statement whose first run fails is taken back (or the one it replaced put back), so
    # that a retry is not refused as "already exists".
    with snapshots.adding_statement(
        args.statement_id,
        args.ja,
        args.en,
        corpora_dir=args.corpora,
        title=args.title,
        date=args.date,
        publisher=args.publisher,
        glossary=args.glossary,
        overwrite=args.replace,
        limits=_limits(args),
    ) as statement:
        print(f"{statement.folder}: snapshot and statement.toml written")
        _print_published(align_statement(str(statement.folder), args.aligned, limits=_limits(args)))
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from taiyaku.release import build_release
    from taiyaku.release.splits import EXCLUSIONS

    release = build_release(
        args.aligned,
        args.out,
        min_score=args.min_score,
        corpora_dir=args.corpora,
        version=args.release_version,
        date=args.date,
        eval_reports=args.eval or (),
    )
    if release.unchanged:
        print(f"{release.folder}: released already with exactly these contents; nothing to do")
        return 0
    splits = ", ".join(f"{name} {counts.pairs:,}" for name, counts in release.counts.items())
    left_out = {reason: sum(counts.excluded[reason] for counts in release.counts.values()) for reason in EXCLUSIONS}
    print(
        f"{release.folder}: {release.statements} statements, {release.beads:,} beads; pairs {splits}; left out "
        + ", ".join(f"{reason} {count:,}" for reason, count in left_out.items())
        + (f"; changes against {release.previous} in CHANGES" if release.previous else "; the first release")
    )
    return 0


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1: {text!r}")
    return value


def cmd_eval(args: argparse.Namespace) -> int:
    from flows.evaluate import evaluate_set
    from taiyaku.eval.alignment import format_report

    report = evaluate_set(args.set_dir, args.out, args.inputs)
    print(format_report(report))
    return 0


def cmd_render_pdf(args: argparse.Namespace) -> int:
    from taiyaku.eval.renditions import render_set

    rendered = render_set(Path(args.set_dir), Path(args.out_dir), args.layout, args.documents, args.limit)
    ja_pages = sum(r.ja_pages for r in rendered)
    en_pages = sum(r.en_pages for r in rendered)
    print(
        f"{args.out_dir}: {len(rendered)} documents of {Path(args.set_dir).name} rendered as {args.layout} "
        f"({ja_pages} Japanese pages, {en_pages} English pages); score them with `taiyaku eval {args.out_dir}`"
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from taiyaku.io import atomic_write
    from taiyaku.pipeline import check_corpus

    out = Path(args.out) if args.out else Path(args.corpus).with_name("findings.json")
    if out.resolve() == Path(args.corpus).resolve():
        raise TaiyakuError(str(out), "--out names the corpus itself: the findings would overwrite it")
    findings = check_corpus(args.corpus, args.glossary)
    document = json.dumps({"findings": [f.to_dict() for f in findings]}, ensure_ascii=False, indent=1) + "\n"
    try:
        atomic_write(out, document)
    except OSError as exc:
        raise TaiyakuError(str(out), f"cannot write the findings ({exc.strerror or exc})") from None
    for finding in findings:
        print(f"{finding.bead_id}\t{finding.check}\t{finding.severity}\t{finding.message}")
    print(f"{len(findings)} findings written to {out}")
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    from taiyaku.corpora.corrections import (
        CORRECTIONS_FILE,
        append_correction,
        correction_from_beads,
        load_corrections,
    )
    from taiyaku.corpora.statement import load_statement
    from taiyaku.model import Correction
    from taiyaku.publish.manifest import verify_publication

    statement = load_statement(args.statement)
    details = {"reviewer": args.reviewer, "note": args.note, "recorded": dt.date.today().isoformat()}
    if args.merge and (args.ja is not None or args.en is not None):
        raise TaiyakuError(str(statement.folder), "give either --merge BEAD... or --ja and --en, not both")
    if args.merge:
        corpus = Path(args.aligned) / statement.id / "corpus.jsonl"
        verify_publication(corpus.parent)  # the bead ids must be those of the report the reviewer read
        correction = correction_from_beads(corpus, args.merge, **details)
    else:
        if args.ja is None or args.en is None:
            raise TaiyakuError(str(statement.folder), "give --merge BEAD... or both --ja and --en")
        correction = Correction(ja=args.ja, en=args.en, **details)
    path = statement.folder / CORRECTIONS_FILE
    append_correction(path, correction)
    print(f"recorded in {path}; the next run will honour it")
    _warn_unreadable_corrections(load_corrections(path).unreadable)
    return 0


def review_statement_dir(target: str, corpora: str) -> Path:
    """The statement folder ``taiyaku review`` opens: ``corpora/<id>`` as given, or the statement of a
    published ``aligned/<id>`` (found by its id under ``--corpora``)."""
    path = Path(target)
    if (path / "statement.toml").is_file():
        return path
    if (path / "manifest.json").is_file() or (path / "corpus.jsonl").is_file():
        statement = Path(corpora) / path.resolve().name
        if (statement / "statement.toml").is_file():
            return statement
        raise TaiyakuError(target, f"a published corpus, but no statement {statement} to record corrections in")
    raise TaiyakuError(target, "neither a statement folder (corpora/<id>) nor a published one (aligned/<id>)")


def cmd_review(args: argparse.Namespace) -> int:
    from taiyaku.review import Workbench, serve

    statement_dir = review_statement_dir(args.statement, args.corpora)
    aligned = args.aligned
    if not (Path(args.statement) / "statement.toml").is_file():
        aligned = str(Path(args.statement).parent)  # aligned/<id> given: its own aligned folder
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        _warn(
            f"{args.host}",
            "the workbench is reachable from other machines: anyone who can reach it can record corrections",
        )
    workbench = Workbench(
        statement_dir, aligned, args.reviewer, log=lambda message: print(message, file=sys.stderr, flush=True)
    )
    serve(workbench, args.host, args.port, open_browser=not args.no_browser)
    return 0


def cmd_glossary(args: argparse.Namespace) -> int:
    from taiyaku.terms.glossary import convert_glossary

    glossary = convert_glossary(args.source, args.destination)
    print(f"{args.destination}: {len(glossary.entries)} entries written")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from taiyaku.eval.mt import score_hypotheses

    print(score_hypotheses(args.corpus, args.hyp, direction=args.direction))
    return 0


def _add_aligned_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--aligned", default="aligned", metavar="DIR", help="the folder published corpora live in (default: aligned)"
    )


def _add_run_all_options(command: argparse.ArgumentParser, *, force: bool = True) -> None:
    """The options of run-all, which `serve` shares but for ``--force`` (every scheduled run would re-align
    everything): what to re-run, and where."""
    if force:
        command.add_argument(
            "--force",
            action="store_true",
            help="re-run every statement, even unchanged ones (and replace larger corpora)",
        )
    command.add_argument(
        "--refresh",
        action="store_true",
        help="first fetch again every source registered with an http(s) url; only changed bytes are re-aligned",
    )
    where = command.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=_positive(int),
        metavar="N",
        help="align N statements at a time, on a local Dask cluster of N worker processes",
    )
    where.add_argument(
        "--dask-address",
        metavar="tcp://HOST:8786",
        help="align the statements on this existing Dask cluster (its scheduler's address) instead",
    )


def _add_limit_options(command: argparse.ArgumentParser) -> None:
    """--max-chars, --max-bytes and --download-timeout: the input limits, checked before the stages whose
    time and memory grow with the input."""
    from taiyaku.sources.fetch import DEFAULT_LIMITS

    command.add_argument(
        "--max-chars",
        type=_positive(int),
        default=DEFAULT_LIMITS.max_chars,
        metavar="N",
        help=f"refuse a document of more than N characters after decoding (default: {DEFAULT_LIMITS.max_chars:,})",
    )
    command.add_argument(
        "--max-bytes",
        type=_positive(int),
        default=DEFAULT_LIMITS.max_bytes,
        metavar="N",
        help=f"refuse a source file or download of more than N bytes (default: {DEFAULT_LIMITS.max_bytes:,})",
    )
    command.add_argument(
        "--download-timeout",
        type=_positive(float),
        default=DEFAULT_LIMITS.total_timeout,
        metavar="SECONDS",
        help="give up a download after SECONDS, every retry and wait included "
        f"(default: {DEFAULT_LIMITS.total_timeout:g})",
    )


def _positive(kind: type[int] | type[float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value > 0:  # also refuses nan
            raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
        return value

    return parse


def _limits(args: argparse.Namespace) -> FetchLimits:
    from taiyaku.sources.fetch import DEFAULT_LIMITS

    return dataclasses.replace(
        DEFAULT_LIMITS, max_chars=args.max_chars, max_bytes=args.max_bytes, total_timeout=args.download_timeout
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taiyaku",
        description="Japanese-English translation alignment: turn a document pair into a reviewed parallel corpus.",
    )
    parser.add_argument("--version", action="version", version=f"taiyaku {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Prefect's flow and task logs on the console")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    align = commands.add_parser(
        "align",
        help="align an ad-hoc document pair",
        description="Align a Japanese document and its English counterpart and publish the corpus.",
    )
    align.add_argument("--ja", required=True, metavar="SOURCE", help="Japanese source: path, file:// or http(s):// URL")
    align.add_argument("--en", required=True, metavar="SOURCE", help="English source: path, file:// or http(s):// URL")
    align.add_argument("--out", required=True, metavar="DIR", help="folder to publish the corpus and report to")
    align.add_argument("--glossary", metavar="FILE", help="glossary to check terminology against (.tsv, .csv, .tbx)")
    align.add_argument("--corrections", metavar="FILE", help="reviewer corrections to honour (corrections.jsonl)")
    align.add_argument("--title", help="title shown in the report (default: the output folder's name)")
    align.add_argument("--force", action="store_true", help="replace a published corpus even if the new one is smaller")
    _add_limit_options(align)
    align.set_defaults(handler=cmd_align)

    run = commands.add_parser(
        "run",
        help="align one statement registered under corpora/",
        description="Align corpora/<statement-id>/ and publish it to aligned/<statement-id>/.",
    )
    run.add_argument("statement", metavar="STATEMENT_DIR", help="a corpora/<statement-id> folder")
    _add_aligned_option(run)
    run.add_argument(
        "--refresh", action="store_true", help="re-fetch the sources first and re-align only if their bytes changed"
    )
    run.add_argument("--force", action="store_true", help="re-align and replace even a larger published corpus")
    _add_limit_options(run)
    run.set_defaults(handler=cmd_run)

    run_all = commands.add_parser(
        "run-all",
        help="align every statement under corpora/ whose inputs changed (what `make run` does)",
        description="Align every statement under CORPORA_DIR into aligned/<statement-id>/. A statement whose inputs "
        "(sources, statement.toml, glossary, corrections, taiyaku version) are those of its last publication is "
        "skipped. With --workers or --dask-address the statements run side by side on Dask.",
    )
    run_all.add_argument("corpora", nargs="?", default="corpora", metavar="CORPORA_DIR")
    _add_aligned_option(run_all)
    _add_run_all_options(run_all)
    _add_limit_options(run_all)
    run_all.set_defaults(handler=cmd_run_all)

    serve = commands.add_parser(
        "serve",
        help="serve run-all as a Prefect deployment on a schedule (refresh, re-publish what changed)",
        description="Serve the run-all flow as a Prefect deployment that runs every --interval seconds or on "
        "--cron, until interrupted; each run is a run-all with the options given here. Runs, logs and summaries show "
        "in the Prefect UI of PREFECT_API_URL.",
    )
    serve.add_argument("corpora", nargs="?", default="corpora", metavar="CORPORA_DIR")
    _add_aligned_option(serve)
    schedule = serve.add_mutually_exclusive_group(required=True)
    schedule.add_argument("--interval", type=_positive(float), metavar="SECONDS", help="run every SECONDS")
    schedule.add_argument("--cron", metavar="EXPRESSION", help='run on a cron schedule, e.g. "0 3 * * *"')
    _add_run_all_options(serve, force=False)
    serve.add_argument(
        "--name", default="scheduled", help="the deployment's name (taiyaku-run-all/NAME; default: scheduled)"
    )
    serve.set_defaults(handler=cmd_serve)

    add = commands.add_parser("add", help="fetch a new statement pair, snapshot it under corpora/ and align it")
    add.add_argument("statement_id", metavar="STATEMENT_ID", help="lower-case id, e.g. us-japan-cyber-2015")
    add.add_argument("--ja", required=True, metavar="URL_OR_PATH", help="the Japanese source")
    add.add_argument("--en", required=True, metavar="URL_OR_PATH", help="the English source")
    add.add_argument("--title", default="", help="statement title")
    add.add_argument("--date", default="", help="publication date, YYYY-MM-DD")
    add.add_argument("--publisher", default="", help="who published it")
    add.add_argument("--glossary", metavar="FILE", help="glossary for this statement")
    add.add_argument("--corpora", default="corpora", metavar="DIR", help="corpora folder (default: corpora)")
    _add_aligned_option(add)
    add.add_argument(
        "--replace", action="store_true", help="replace an existing statement with this id (fetch it anew)"
    )
    _add_limit_options(add)
    add.set_defaults(handler=cmd_add)

    release = commands.add_parser(
        "release",
        help="build a versioned corpus release (JSONL, TMX, Moses, Parquet, dataset card) from aligned/",
        description="Build OUT/VERSION/ from every publication under aligned/: corpus.jsonl, corpus.tmx, "
        "train/dev/test.{ja,en}, parquet/, README.md (dataset card), catalog.json, index.html, CHANGES and "
        "SHA256SUMS. Written as a whole and deterministically; an existing release is never replaced.",
    )
    _add_aligned_option(release)
    release.add_argument(
        "--corpora", default="corpora", metavar="DIR", help="where the statements' statement.toml (licence) live"
    )
    release.add_argument("--out", default="release", metavar="DIR", help="folder of the releases (default: release)")
    release.add_argument(
        "--min-score",
        type=_score,
        default=0.9,
        metavar="S",
        help="leave beads scoring below S out of the MT files (default: 0.9, the review threshold)",
    )
    release.add_argument(
        "--version",
        dest="release_version",
        metavar="VERSION",
        help="the release's version and folder name (default: its date)",
    )
    release.add_argument("--date", metavar="YYYY-MM-DD", help="the release date (default: the newest statement date)")
    release.add_argument(
        "--eval",
        action="append",
        metavar="REPORT_JSON",
        help="PRED_DIR/report.json of `taiyaku eval SET --out PRED_DIR`: its figures go in the card (repeatable)",
    )
    release.set_defaults(handler=cmd_release)

    evaluate = commands.add_parser("eval", help="measure alignment quality on a gold set (../shared/eval/<set>)")
    evaluate.add_argument("set_dir", metavar="SET_DIR", help="a folder of <doc>/ja.txt, en.txt, gold.tsv")
    evaluate.add_argument("--out", metavar="PRED_DIR", help="also write PRED_DIR/<doc>/corpus.jsonl")
    evaluate.add_argument(
        "--inputs",
        choices=["auto", "text", "pdf"],
        default="auto",
        help="align ja.txt/en.txt, or ja.pdf/en.pdf scored against the text gold (auto: the PDFs where a "
        "document has both, as a `taiyaku render-pdf` rendition does)",
    )
    evaluate.set_defaults(handler=cmd_eval)

    render = commands.add_parser(
        "render-pdf",
        help="typeset a gold set as PDFs in a realistic layout, to measure alignment from PDF input",
        description="Render every document of a gold set into OUT_DIR/<doc>/ja.pdf and en.pdf (with copies "
        "of ja.txt, en.txt and gold.tsv), then score them with `taiyaku eval OUT_DIR`.",
    )
    render.add_argument("set_dir", metavar="SET_DIR", help="a folder of <doc>/ja.txt, en.txt, gold.tsv")
    render.add_argument("out_dir", metavar="OUT_DIR", help="where to write the rendition (not inside SET_DIR)")
    render.add_argument(
        "--layout",
        required=True,
        choices=["a4-single", "letter-two-column", "a4-footnotes"],
        help="a4-single: A4, running header and page numbers; letter-two-column: Letter, two columns; "
        "a4-footnotes: A4 with footnotes at the page bottom",
    )
    render.add_argument("--documents", nargs="+", metavar="DOC", help="only these documents of the set")
    render.add_argument("--limit", type=_positive(int), metavar="N", help="only the first N documents")
    render.set_defaults(handler=cmd_render_pdf)

    check = commands.add_parser("check", help="re-check a published (or hand-edited) corpus against a glossary")
    check.add_argument("corpus", metavar="CORPUS", help="corpus.jsonl or corpus.tmx")
    check.add_argument(
        "--glossary",
        metavar="FILE",
        help="glossary (.tsv, .csv, .tbx); without one only the number, Latin-token and untranslated checks run",
    )
    check.add_argument(
        "--out", metavar="FILE", help="where to write the findings (default: findings.json beside CORPUS)"
    )
    check.set_defaults(handler=cmd_check)

    correct = commands.add_parser("correct", help="record a reviewer's alignment correction for the next run")
    correct.add_argument("statement", metavar="STATEMENT_DIR", help="a corpora/<statement-id> folder")
    correct.add_argument("--merge", nargs="+", metavar="BEAD", help="published bead ids that belong together (b12 b13)")
    correct.add_argument("--ja", help="Japanese text of the corrected bead (with --en)")
    correct.add_argument("--en", help="English text of the corrected bead (with --ja; may be empty)")
    correct.add_argument("--reviewer", default="", help="who made the correction")
    correct.add_argument("--note", default="", help="why")
    _add_aligned_option(correct)
    correct.set_defaults(handler=cmd_correct)

    review = commands.add_parser(
        "review",
        help="open the review workbench: fix the alignment of a statement in the browser",
        description="Start the review workbench of a statement on a local address and open it in the browser. "
        "Every action is recorded at once in corpora/<id>/corrections.jsonl; the next `taiyaku run` publishes it.",
    )
    review.add_argument("statement", metavar="STATEMENT_DIR", help="a corpora/<statement-id> or aligned/<statement-id>")
    _add_aligned_option(review)
    review.add_argument(
        "--corpora",
        default="corpora",
        metavar="DIR",
        help="where the statements are, for aligned/<id> (default: corpora)",
    )
    review.add_argument("--reviewer", default=None, help="the name recorded with each action (default: the OS user)")
    review.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    review.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    review.add_argument("--no-browser", action="store_true", help="only print the URL, do not open a browser")
    review.set_defaults(handler=cmd_review)

    glossary = commands.add_parser("glossary", help="convert a glossary between TSV, CSV and TBX (e.g. for a CAT tool)")
    glossary.add_argument("source", metavar="SOURCE", help="glossary to read (.tsv, .csv, .tbx)")
    glossary.add_argument("destination", metavar="DESTINATION", help="glossary to write; format by extension")
    glossary.set_defaults(handler=cmd_glossary)

    score = commands.add_parser("score", help="score MT output against a published corpus with sacrebleu")
    score.add_argument("corpus", metavar="CORPUS", help="corpus.jsonl, corpus.tmx or corpus.tsv")
    score.add_argument("--hyp", required=True, metavar="FILE", help="system output, one line per bilingual bead")
    score.add_argument("--direction", default="ja-en", choices=["ja-en", "en-ja"], help="translation direction")
    score.set_defaults(handler=cmd_score)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C's KeyboardInterrupt would be, so that both unwind the same way: the flow
    run is marked crashed, nothing is half-published, and the command ends with one line."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


# run-all exits with the number of statements that failed, up to this (statuses from 126 mean a signal).
EXIT_MOST_FAILED = 100
# Exit statuses of an interrupted command, as a shell reports a process killed by the signal: 128 + signal.
EXIT_INTERRUPTED = 130  # SIGINT (Ctrl-C)
EXIT_TERMINATED = 143  # SIGTERM


def _prepare_while_api_starts(api: EphemeralApi, *, aligns: bool) -> None:
    """Use the seconds Prefect's API takes to boot in its child process: import the flows (Prefect's client
    with them) and load ahead what the first flow run loads; then wait for the API."""
    from flows.pipeline import load_ahead  # Prefect reads PREFECT_API_URL on import: the child's address

    load_ahead(api.ready, aligns=aligns)
    api.wait()


# The commands that run flows, on a Prefect API: the one the command starts, unless PREFECT_API_URL names one.
FLOW_COMMANDS = frozenset({"align", "run", "run-all", "add", "eval", "serve"})


def _command_named(argv: Sequence[str]) -> str | None:
    """The command a command line names, read before it is parsed: its first word that is not an option
    (the options before the command, -v, -h and --version, take no value)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # A command that runs flows starts Prefect's API first: the API's boot (a child process, on the other
    # core) is what such a command waits for longest, and building the parser takes 0.2 s (it imports the
    # fetcher).  A command line that turns out wrong stops the API again as the command exits.
    api = start_ephemeral_api() if _command_named(argv) in FLOW_COMMANDS else None
    args = build_parser().parse_args(argv)
    # Prefect logs every failed task with a traceback on the console; an input error must read as one
    # line. The logs still reach the Prefect API (and its UI); --verbose shows them here too.
    configure_prefect(console_level="INFO" if args.verbose else "CRITICAL", logging_level="INFO")
    # Python sets signal handlers on the main thread only; the caller's handler is put back on return (main
    # also runs inside other programs: the tests).
    previous = signal.getsignal(signal.SIGTERM) if threading.current_thread() is threading.main_thread() else None
    if previous is not None:
        signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        with api.run_settings() if api is not None else contextlib.nullcontext():
            if api is not None:
                _prepare_while_api_starts(api, aligns=args.handler is not cmd_serve)
            return int(args.handler(args))
    except TaiyakuError as exc:
        print(f"taiyaku: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print("taiyaku: interrupted", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except OSError as exc:
        # A disk or permission problem with a named file (a full disk, a read-only file system) is the
        # environment, not a bug: one line.  An OSError naming no file stays a traceback.
        if exc.filename is None:
            raise
        print(f"taiyaku: error: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


# The status run() exits with: 1 until main() has returned one (an uncaught exception exits with 1).
_exit_status = 1


def run() -> NoReturn:
    """The ``taiyaku`` command (``python -m taiyaku.cli`` too): :func:`main`, then an exit that skips the
    interpreter's teardown.

    Python frees every object one by one before it exits: the models, the lexicon and the documents of a
    run, 0.5 s on a small pair, for memory the process gives back anyway.  Everything that matters at exit
    still happens first: the exit handler that ends the process is registered before any other, so it runs
    after all of them (Prefect's last events and logs, the API's graceful stop), and after the threads
    Python joins at exit.  Files are written and closed by the steps themselves (atomically), not at exit.
    """
    global _exit_status
    atexit.register(_exit_without_teardown)
    try:
        _exit_status = main()
    except SystemExit as exc:  # argparse: --help, --version, a usage error (its message is printed already)
        _exit_status = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        raise
    sys.exit(_exit_status)


def _exit_without_teardown() -> None:
    # logging's own exit handler came first (logging is imported with this module), so it would run after
    # this one, that is never: its handlers are flushed and closed here.
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`taiyaku … | head`), a closed stream
            stream.flush()
    os._exit(_exit_status)


if __name__ == "__main__":
    run()
