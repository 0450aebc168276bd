"""What PDF input does to the corpus: fragment rate on real PDFs, link F1 of PDF renditions, extraction speed.

    .venv/bin/python benchmarks/pdf_extraction.py [EVAL_DIR] [--limit N]      (default: ../shared/eval)

The measurements of issue 8 ("How it is measured"), with whatever PDF extraction the pipeline has:

a. **Fragment rate** on both pairs of ``EVAL_DIR/pdf-real`` (definition in its README;
   :mod:`taiyaku.eval.fragments`), through the command a user runs: ``taiyaku align --ja ja.pdf --en en.pdf
   --out <tmp>``, then the published ``corpus.jsonl``.  Per side: fragments, beads, rate, fragments
   scored ≥ 0.9.  Targets: ≤ 2 % English, ≤ 1 % Japanese, none ≥ 0.9.
b. **Link F1 of PDF renditions** (``taiyaku render-pdf``, :mod:`taiyaku.eval.renditions`) of
   ``kyoto-wiki`` and ``ntrex-news`` in each layout, next to the same documents as plain text: the
   pipeline in this process (:func:`taiyaku.pipeline.evaluate_set`, no Prefect), PDF sentences located in
   the text gold (:mod:`taiyaku.eval.located`).  Every document of both sets unless ``--limit N`` (the
   first N of each set).  Target: PDF F1 within 0.01 of text F1.
c. **Speed**: pages per second of the pull step alone (:func:`taiyaku.pipeline.pull_source`: read the
   file, extract the text layer) on the real PDFs and on the renditions; and a ~200-page pair end to end
   (``scale/kyoto-scale`` cut at a gold unit so that its Japanese rendition in ``a4-single`` has about 200
   pages), in this process with the time per stage (extraction's share of the run) and link F1, and
   through ``taiyaku align`` (wall time of the command).

Skips (exit status 0, one line) where ``EVAL_DIR`` is absent.  Not a timed test: the figures go in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from taiyaku.eval.alignment import STAGES, EvalReport, load_gold, set_documents, write_gold_prefix  # noqa: E402
from taiyaku.eval.fragments import corpus_fragments  # noqa: E402
from taiyaku.eval.renditions import LAYOUTS, render_pdf, render_set  # noqa: E402
from taiyaku.pipeline import evaluate_document, evaluate_set, pull_source  # noqa: E402

TAIYAKU = ROOT / ".venv" / "bin" / "taiyaku"
SETS = ("kyoto-wiki", "ntrex-news")
TARGET_PAGES = 200


def fragment_rates(pdf_real: Path, tmp: Path) -> None:
    print("a. fragment rate on pdf-real (taiyaku align, published corpus.jsonl)")
    print("   pair              side  fragments / beads   rate   fragments >= 0.9   command")
    for pair in sorted(p for p in pdf_real.iterdir() if (p / "ja.pdf").is_file()):
        out = tmp / f"align-{pair.name}"
        started = time.perf_counter()
        command = [str(TAIYAKU), "align", "--ja", str(pair / "ja.pdf"), "--en", str(pair / "en.pdf")]
        done = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            print(f"   {pair.name}: taiyaku align failed: {done.stderr.strip()}")
            continue
        report = corpus_fragments(out / "corpus.jsonl")
        for side in (report.en, report.ja):
            print(
                f"   {pair.name:17s} {side.lang:4s}  {side.fragments:5d} / {side.beads:5d}   {side.rate:6.1%}"
                f"   {side.confident_fragments:5d}              {seconds:.1f}s"
            )


def rendition_f1(eval_dir: Path, tmp: Path, limit: int | None) -> list[Path]:
    print("b. link F1 of PDF renditions against the same documents as text (in-process pipeline)")
    print("   set          layout              docs  link F1   text F1   PDF - text   unlocated ja / en sentences")
    rendered: list[Path] = []
    for set_name in SETS:
        set_dir = eval_dir / set_name
        docs = [d.name for d in set_documents(set_dir)][:limit]
        text: EvalReport | None = None
        for layout in LAYOUTS:
            out = tmp / f"{set_name}-{layout}"
            started = time.perf_counter()
            render_set(set_dir, out, layout, docs)
            render_seconds = time.perf_counter() - started
            rendered.append(out)
            if text is None:  # the text baseline: the same documents, read from the rendition's text files
                text = evaluate_set(out, inputs="text")
            pdf = evaluate_set(out, inputs="pdf")
            located = pdf.pdf_locations()
            ja_sentences = sum(p.ja_sentences for p in located)
            en_sentences = sum(p.en_sentences for p in located)
            print(
                f"   {set_name:12s} {layout:19s} {len(docs):4d}  {pdf.f1:.4f}    {text.f1:.4f}"
                f"    {pdf.f1 - text.f1:+.4f}"
                f"      {sum(p.ja_unlocated for p in located)} of {ja_sentences} /"
                f" {sum(p.en_unlocated for p in located)} of {en_sentences}   (rendering {render_seconds:.1f}s)"
            )
    return rendered


def page_count(pdf: Path) -> int:
    return page_count_of(pdf.read_bytes())


def extraction_speed(pdfs: list[Path], label: str) -> None:
    pages = sum(page_count(pdf) for pdf in pdfs)
    started = time.perf_counter()
    for pdf in pdfs:
        pull_source(str(pdf))
    seconds = time.perf_counter() - started
    print(f"   {label}: {len(pdfs)} PDFs, {pages} pages in {seconds:.2f}s: {pages / seconds:.1f} pages/s")


def long_pair(scale_dir: Path, into: Path) -> Path:
    """kyoto-scale cut at a gold unit so that the Japanese rendition has about TARGET_PAGES pages."""
    gold = load_gold(scale_dir / "gold.tsv")
    ja = (scale_dir / "ja.txt").read_text(encoding="utf-8")
    # Pages per Japanese character vary along the document (short articles, headings): estimate the cut
    # from a rendering of a prefix, then refine it twice on the rendering of the cut itself.
    cut = len(gold) // 50
    for _ in range(3):
        chars = gold[cut].ja[0]
        pages = page_count_of(render_pdf(ja[:chars], "ja", "a4-single"))
        cut = next((k for k, unit in enumerate(gold) if unit.ja[0] * pages / chars >= TARGET_PAGES), len(gold) - 1)
    return write_gold_prefix(scale_dir, cut, into)


def page_count_of(pdf: bytes) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(pdf))


def long_pair_run(scale_dir: Path, tmp: Path) -> None:
    text_pair = long_pair(scale_dir, tmp / "long-text" / "kyoto-scale-200")
    started = time.perf_counter()
    render_set(text_pair.parent, tmp / "long-pdf", "a4-single")
    render_seconds = time.perf_counter() - started
    doc = tmp / "long-pdf" / "kyoto-scale-200"
    ja_pages, en_pages = page_count(doc / "ja.pdf"), page_count(doc / "en.pdf")
    units = len(load_gold(doc / "gold.tsv"))
    print(
        f"   ~200-page pair (kyoto-scale, first {units} gold units, a4-single): {ja_pages} / {en_pages} pages, "
        f"rendered in {render_seconds:.1f}s"
    )
    started = time.perf_counter()
    score, seconds = evaluate_document(doc, inputs="pdf")
    total = time.perf_counter() - started
    stages = ", ".join(f"{stage} {seconds.get(stage, 0.0):.1f}s" for stage in STAGES)
    pull = seconds.get("pull", 0.0)
    print(
        f"   in process: {total:.1f}s ({stages}); extraction (pull) {pull / total:.0%} of the run, "
        f"{(ja_pages + en_pages) / pull:.1f} pages/s; link F1 {EvalReport('long', [score]).f1:.4f}"
    )
    text_score, _ = evaluate_document(doc, inputs="text")
    print(f"   the same pair from its text files: link F1 {EvalReport('long', [text_score]).f1:.4f}")
    started = time.perf_counter()
    command = [str(TAIYAKU), "align", "--ja", str(doc / "ja.pdf"), "--en", str(doc / "en.pdf")]
    done = subprocess.run([*command, "--out", str(tmp / "long-out")], capture_output=True, text=True, check=False)
    outcome = "ok" if done.returncode == 0 else f"failed: {done.stderr.strip()}"
    print(f"   taiyaku align (the command, through Prefect): {time.perf_counter() - started:.1f}s, {outcome}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("eval_dir", nargs="?", default=str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--limit", type=int, help="only the first N documents of each gold set in part b")
    args = parser.parse_args()
    eval_dir = Path(args.eval_dir)
    if not (eval_dir / "pdf-real").is_dir() or not all((eval_dir / name).is_dir() for name in SETS):
        print(f"{eval_dir}: no pdf-real / kyoto-wiki / ntrex-news here; skipping")
        return 0
    from taiyaku.align.lexicon import jmdict
    from taiyaku.nlp import english_nlp, japanese_nlp

    japanese_nlp(), english_nlp(), jmdict()  # loaded once, before anything is timed
    with tempfile.TemporaryDirectory(prefix="taiyaku-pdf-bench-") as name:
        tmp = Path(name)
        fragment_rates(eval_dir / "pdf-real", tmp)
        rendered = rendition_f1(eval_dir, tmp, args.limit)
        print("c. extraction speed (pull step: read the file, extract the text layer)")
        extraction_speed(sorted((eval_dir / "pdf-real").glob("*/*.pdf")), "pdf-real (OWASP, real fonts and layout)")
        for folder in rendered:
            extraction_speed(sorted(folder.glob("*/*.pdf")), f"rendition {folder.name}")
        scale_dir = eval_dir / "scale" / "kyoto-scale"
        if (scale_dir / "gold.tsv").is_file():
            long_pair_run(scale_dir, tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
