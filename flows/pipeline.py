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
from taiyaku.corpora.snapshots import verify_snapshot
from taiyaku.corpora.statement import load_statements
from taiyaku.errors import TaiyakuError
from taiyaku.publish import Publication
from taiyaku.publish.report import render_summary_markdown
from taiyaku.sources.fetch import DEFAULT_LIMITS, FetchLimits

P = ParamSpec("P")
R = TypeVar("R")

_STEPS: tuple[Callable[..., Any], ...] = (
    pipeline.load_glossary,
    pipeline.read_corrections,
    pipeline.pull_source,
    pipeline.normalize_document,
    pipeline.segment_blocks,
    pipeline.align_segments,
    pipeline.verify_parallel,
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
    limits: FetchLimits = DEFAULT_LIMITS,
) -> Publication:
    """Align one Japanese/English document pair and publish it to ``out_dir`` (the parameters are those
    of :class:`taiyaku.pipeline.PairJob`, flat so that the Prefect UI shows them)."""
    job = pipeline.PairJob(
        ja_source, en_source, out_dir, glossary_path, corrections_path, title, statement or {}, force, limits
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
def align_statement(
    statement_dir: str, aligned_root: str = "aligned", force: bool = False, limits: FetchLimits = DEFAULT_LIMITS
) -> Publication:
    """Align a statement registered under ``corpora/<statement-id>/``."""
    job = pipeline.load_statement_job(statement_dir, aligned_root, force=force, limits=limits)
    return cast(Publication, align_pair(**{field.name: getattr(job, field.name) for field in dataclasses.fields(job)}))


@dataclasses.dataclass(frozen=True, slots=True)
class StatementOutcome:
    """One statement of a run-all: what it published, or the error that stopped it."""

    statement_id: str
    published: Publication | None = None
    error: TaiyakuError | None = None


class StatementsFailed(TaiyakuError):
    """Some statements of a run-all failed; ``outcomes`` has every statement's, in run order."""

    def __init__(self, corpora_dir: str, outcomes: list[StatementOutcome]) -> None:
        failed = sum(outcome.error is not None for outcome in outcomes)
        super().__init__(corpora_dir, f"{failed} of {len(outcomes)} statements failed")
        self.outcomes = outcomes


@flow(name="taiyaku-run-all")
def align_all_statements(corpora_dir: str = "corpora", aligned_root: str = "aligned") -> list[StatementOutcome]:
    """Align every statement under ``corpora/``, in name order.

    The registry is checked as a whole first: an invalid statement (or one claiming another's id) runs
    nothing.  Then one statement's failure (a changed snapshot, a source not in its language) does not stop
    the others; if any failed, the flow run ends Failed with :class:`StatementsFailed`, which holds every
    statement's outcome.
    """
    outcomes = []
    for statement in load_statements(corpora_dir):
        try:
            verify_snapshot(statement)
            outcomes.append(StatementOutcome(statement.id, align_statement(str(statement.folder), aligned_root)))
        except TaiyakuError as exc:
            outcomes.append(StatementOutcome(statement.id, error=exc))
    if any(outcome.error is not None for outcome in outcomes):
        raise StatementsFailed(corpora_dir, outcomes)
    return outcomes
