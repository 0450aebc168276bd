"""The taiyaku flows: :mod:`taiyaku.pipeline` run with every step as a Prefect task.

No logic lives here.  Each pipeline step gets a Prefect task (:data:`STEP_TASKS`), and the flows hand the
pipeline a runner that calls a step's task instead of the step, so the flow run shows one task run per
step (pull, normalize, segment, align, terms, publish) and the stage sequence stays written once, in the
pipeline.  Tasks opt out of Prefect's input-hash caching: their inputs are whole documents, hashing them
costs time and caching them across runs would be wrong after an edit.  For the same reason Prefect is kept
from walking those documents object by object: the step arguments and the flows' results are quoted
(:func:`run_as_task`, :func:`returning_unquoted`).  Retries happen in the library's
fetch (one layer, honouring ``Retry-After``), not in the tasks.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

from prefect import Task, flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

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
    pipeline.apply_finding_decisions,
    pipeline.publish_corpus,
)
# One Prefect task per pipeline step, named after the step.
STEP_TASKS: dict[Callable[..., Any], Task[..., Any]] = {
    step: task(name=step.__name__.replace("_", "-"), cache_policy=NO_CACHE)(step) for step in _STEPS
}


def run_as_task(step: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """The pipeline's step runner inside a flow: the step's Prefect task, called in this flow run.

    Every argument goes in :func:`~prefect.utilities.annotations.quote`: without it Prefect walks each
    argument object by object, twice per task run (looking for upstream futures to resolve and for task
    runs to record as inputs), and the arguments here are whole documents: on a book-length pair that walk
    over every ``Segment``, ``Block`` and ``Bead`` took 60 % of the command.  Nothing in them is a future
    (the steps run one after another, in this thread), so nothing is lost but the input edges of the task
    graph; the task runs, their states, logs and the flow's artifacts are as before.  The task receives the
    unquoted values.
    """
    task_of_step = cast(Task[..., R], STEP_TASKS[step])
    quoted = {name: quote(value) for name, value in kwargs.items()}
    return task_of_step(*(quote(value) for value in args), **quoted)  # synchronous: a result, not a coroutine


def returning_unquoted(result_type: type[R]) -> Callable[[Callable[P, quote]], Callable[P, R]]:
    """Call a flow that returns its ``result_type`` result in :func:`~prefect.utilities.annotations.quote`,
    and unquote it.

    On success Prefect walks a flow's return value object by object, looking for futures to resolve; a
    :class:`Publication` holds the review of every bead (about 2 s of a book-length pair's run).  The flows
    return their result quoted, so that the walk stops at once, and their callers (the CLI, a parent flow)
    get it back whole from this wrapper; the flow object itself stays at ``<function>.flow``.
    """

    def wrap(flow_function: Callable[P, quote]) -> Callable[P, R]:
        @functools.wraps(flow_function)
        def call_flow(*args: P.args, **kwargs: P.kwargs) -> R:
            result = flow_function(*args, **kwargs).unquote()
            assert isinstance(result, result_type)  # the flow's contract, and the type for mypy
            return result

        call_flow.flow = flow_function  # type: ignore[attr-defined]
        return call_flow

    return wrap


@returning_unquoted(Publication)
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
) -> quote:
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
    return quote(published)


@returning_unquoted(Publication)
@flow(name="taiyaku-align-statement")
def align_statement(
    statement_dir: str, aligned_root: str = "aligned", force: bool = False, limits: FetchLimits = DEFAULT_LIMITS
) -> quote:
    """Align a statement registered under ``corpora/<statement-id>/``."""
    job = pipeline.load_statement_job(statement_dir, aligned_root, force=force, limits=limits)
    return quote(align_pair(**{field.name: getattr(job, field.name) for field in dataclasses.fields(job)}))


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
