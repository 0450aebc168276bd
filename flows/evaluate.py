"""The ``taiyaku eval`` flow: one flow run aligns and scores every document of an evaluation set.

Thin wiring over :func:`taiyaku.pipeline.evaluate_document`: one task per document, all in this process,
so the GiNZA tokenizer and the lexicon are loaded once for the whole set.
"""

from __future__ import annotations

import json
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows import artifact_key
from taiyaku import pipeline
from taiyaku.eval import alignment
from taiyaku.io import atomic_write

evaluate_document = task(cache_policy=NO_CACHE, task_run_name="evaluate-{doc_dir.name}")(pipeline.evaluate_document)


@flow(name="taiyaku-eval", log_prints=False)
def evaluate_set(
    set_dir: str, out_dir: str | None = None, inputs: pipeline.EvalInputs = "auto"
) -> alignment.EvalReport:
    """Align every document of ``set_dir`` with the real pipeline, score it against gold, and (with
    ``out_dir``) write ``out_dir/<doc>/corpus.jsonl`` and ``out_dir/report.json`` (the figures, with the
    reliability table).  ``inputs``: the text files, the PDFs (a rendition), or PDFs where a document has
    both (:func:`taiyaku.pipeline.evaluate_document`)."""
    root = Path(set_dir)
    out = Path(out_dir) if out_dir else None
    report = alignment.EvalReport(root.name)
    for doc_dir in alignment.set_documents(root):
        score, seconds = evaluate_document(doc_dir, out, inputs=inputs)
        alignment.add_document(report, score, seconds)
    if out is not None:
        # Timings are left out on purpose: the same set and version give the same report bytes.
        atomic_write(out / "report.json", json.dumps(alignment.report_dict(report), indent=1) + "\n")
    create_markdown_artifact(
        key=artifact_key("taiyaku-eval", root.name),
        markdown="```\n" + alignment.format_report(report) + "\n```",
        description=f"alignment quality on {root.name}",
    )
    return report
