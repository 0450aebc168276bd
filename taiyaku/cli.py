"""The ``taiyaku`` command.

Every alignment command runs the same Prefect flow (flows/pipeline.py) on Prefect's embedded ephemeral
API. Failures caused by the input print one line, ``taiyaku: error: <file or URL>: <problem>``, and exit
with status 1; nothing under ``aligned/`` or ``corpora/`` is half-written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from flows import configure_prefect
from taiyaku import __version__
from taiyaku.errors import TaiyakuError

if TYPE_CHECKING:
    from taiyaku.publish import Publication


def _print_published(published: Publication) -> None:
    summary = published.review.summary()
    types = ", ".join(f"{k} {v}" for k, v in summary.bead_types.items())
    print(
        f"{published.out_dir}: {summary.beads} beads ({types}), mean confidence {summary.mean_score}, "
        f"{summary.needs_review} to review, {summary.findings} terminology findings"
    )
    if summary.unmatched_corrections:
        print(f"  warning: {summary.unmatched_corrections} reviewer corrections no longer match (see report)")


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
    )
    _print_published(published)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from flows.pipeline import align_statement
    from taiyaku.corpora import snapshots
    from taiyaku.corpora.statement import load_statement

    statement = load_statement(args.statement)
    if args.refresh:
        changed = snapshots.refresh_statement(statement)
        if not changed and (Path(args.aligned) / statement.id / "corpus.jsonl").is_file() and not args.force:
            print(f"{statement.id}: sources unchanged, nothing to do")
            return 0
        statement = load_statement(args.statement)
    snapshots.verify_snapshot(statement)
    _print_published(align_statement(str(statement.folder), args.aligned, force=args.force))
    return 0


def cmd_run_all(args: argparse.Namespace) -> int:
    from flows.pipeline import align_all_statements
    from taiyaku.corpora import snapshots
    from taiyaku.corpora.statement import find_statements, load_statement

    folders = find_statements(args.corpora)
    if not folders:
        raise TaiyakuError(args.corpora, "no statements here (expected <statement-id>/statement.toml folders)")
    for folder in folders:
        snapshots.verify_snapshot(load_statement(folder))
    for published in align_all_statements(args.corpora, args.aligned):
        _print_published(published)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from flows.pipeline import align_statement
    from taiyaku.corpora import snapshots

    statement = snapshots.add_statement(
        args.statement_id,
        args.ja,
        args.en,
        corpora_dir=args.corpora,
        title=args.title,
        date=args.date,
        publisher=args.publisher,
        glossary=args.glossary,
        overwrite=args.replace,
    )
    print(f"{statement.folder}: snapshot and statement.toml written")
    _print_published(align_statement(str(statement.folder), args.aligned))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from flows.evaluate import evaluate_set
    from taiyaku.eval.alignment import format_report

    report = evaluate_set(args.set_dir, args.out)
    print(format_report(report))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from taiyaku.io import atomic_write
    from taiyaku.pipeline import check_corpus

    findings = check_corpus(args.corpus, args.glossary)
    out = Path(args.out) if args.out else Path(args.corpus).with_name("findings.json")
    atomic_write(out, json.dumps({"findings": [f.to_dict() for f in findings]}, ensure_ascii=False, indent=1) + "\n")
    for finding in findings:
        print(f"{finding.bead_id}\t{finding.check}\t{finding.severity}\t{finding.message}")
    print(f"{len(findings)} findings written to {out}")
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    from taiyaku.corpora.corrections import CORRECTIONS_FILE, append_correction, correction_from_beads
    from taiyaku.corpora.statement import load_statement
    from taiyaku.model import Correction

    statement = load_statement(args.statement)
    details = {"reviewer": args.reviewer, "note": args.note, "recorded": dt.date.today().isoformat()}
    if args.merge:
        corpus = Path(args.aligned) / statement.id / "corpus.jsonl"
        correction = correction_from_beads(corpus, args.merge, **details)
    else:
        if args.ja is None or args.en is None:
            raise TaiyakuError(str(statement.folder), "give --merge BEAD... or both --ja and --en")
        correction = Correction(ja=args.ja, en=args.en, **details)
    append_correction(statement.folder / CORRECTIONS_FILE, correction)
    print(f"recorded in {statement.folder / CORRECTIONS_FILE}; the next run will honour it")
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
    run.set_defaults(handler=cmd_run)

    run_all = commands.add_parser("run-all", help="align every statement under corpora/ (what `make run` does)")
    run_all.add_argument("corpora", nargs="?", default="corpora", metavar="CORPORA_DIR")
    _add_aligned_option(run_all)
    run_all.set_defaults(handler=cmd_run_all)

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
    add.set_defaults(handler=cmd_add)

    evaluate = commands.add_parser("eval", help="measure alignment quality on a gold set (../shared/eval/<set>)")
    evaluate.add_argument("set_dir", metavar="SET_DIR", help="a folder of <doc>/ja.txt, en.txt, gold.tsv")
    evaluate.add_argument("--out", metavar="PRED_DIR", help="also write PRED_DIR/<doc>/corpus.jsonl")
    evaluate.set_defaults(handler=cmd_eval)

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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Prefect logs every failed task with a traceback on the console; an input error must read as one
    # line. The logs still reach the Prefect API (and its UI); --verbose shows them here too.
    configure_prefect(console_level="INFO" if args.verbose else "CRITICAL", logging_level="INFO")
    try:
        return int(args.handler(args))
    except TaiyakuError as exc:
        print(f"taiyaku: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("taiyaku: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
