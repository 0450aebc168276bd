"""The taiyaku flows: :mod:`taiyaku.pipeline` run with every step as a Prefect task.

No logic lives here.  Each pipeline step gets a Prefect task (:data:`STEP_TASKS`), and the flows hand the
pipeline a runner that calls a step's task instead of the step, so the flow run shows one task run per
step (pull, normalize, segment, align, terms, publish) and the stage sequence stays written once, in the
pipeline.  Tasks opt out of Prefect's input-hash caching: their inputs are whole documents, hashing them
costs time and caching them across runs would be wrong after an edit.  Retries happen in the library's
fetch (one layer, honouring ``Retry-After``), not in the tasks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

from prefect import Task, flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows import artifact_key
from taiyaku import pipeline
from taiyaku.corpora.statement import find_statements
from taiyaku.publish import Publication
from taiyaku.publish.report import render_summary_markdown

P = ParamSpec("P")
R = TypeVar("R")

_STEPS: tuple[Callable[..., Any], ...] = (
    pipeline.load_glossary,
    pipeline.read_corrections,
    pipeline.pull_source,
    pipeline.normalize_document,
    pipeline.segment_blocks,
    pipeline.align_segments,
    pipeline.check_terminology,
    pipeline.publish_corpus,
)
# One Prefect task per pipeline step, named after the step.
STEP_TASKS: dict[Callable[..., Any], Task[..., Any]] = {
    step: task(name=step.__name__.replace("_", "-"), cache_policy=NO_CACHE)(step) for step in _STEPS
}


def run_as_task(step: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """The pipeline's step runner inside a flow: the step's Prefect task, called in this flow run."""
    return cast(R, STEP_TASKS[step](*args, **kwargs))  # the steps are synchronous: a result, not a coroutine


@flow(name="taiyaku-align-pair")
def align_pair(
    ja_source: str,
    en_source: str,
    out_dir: str,
    glossary_path: str | None = None,
    corrections_path: str | None = None,
    title: str | None = None,
    statement: dict[str, str] | None = None,
    force: bool = False,
) -> Publication:
    """Align one Japanese/English document pair and publish it to ``out_dir`` (the parameters are those
    of :class:`taiyaku.pipeline.PairJob`, flat so that the Prefect UI shows them)."""
    job = pipeline.PairJob(
        ja_source, en_source, out_dir, glossary_path, corrections_path, title, statement or {}, force
    )
    published = pipeline.align_pair(job, run=run_as_task)
    name = Path(out_dir).name
    create_markdown_artifact(
        key=artifact_key("taiyaku", name),
        markdown=render_summary_markdown(published.review),
        description=f"taiyaku alignment summary for {name}",
    )
    return published


@flow(name="taiyaku-align-statement")
def align_statement(statement_dir: str, aligned_root: str = "aligned", force: bool = False) -> Publication:
    """Align a statement registered under ``corpora/<statement-id>/``."""
    job = pipeline.load_statement_job(statement_dir, aligned_root, force=force)
    return cast(Publication, align_pair(**{field.name: getattr(job, field.name) for field in dataclasses.fields(job)}))


@flow(name="taiyaku-run-all")
def align_all_statements(corpora_dir: str = "corpora", aligned_root: str = "aligned") -> list[Publication]:
    """Align every statement under ``corpora/``, in name order."""
    return [align_statement(str(folder), aligned_root) for folder in find_statements(corpora_dir)]
