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
import html
import importlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from prefect import State, Task, flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.client.schemas.schedules import CronSchedule
from prefect.types.entrypoint import EntrypointType
from prefect.utilities.annotations import quote

from flows import artifact_key
from taiyaku import pipeline
from taiyaku.corpora import snapshots
from taiyaku.corpora.statement import Statement, load_statement, load_statements
from taiyaku.errors import TaiyakuError
from taiyaku.publish import Publication
from taiyaku.publish.report import render_summary_markdown
from taiyaku.sources.fetch import DEFAULT_LIMITS, FetchLimits, url_scheme

if TYPE_CHECKING:
    from prefect_dask.task_runners import DaskTaskRunner

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


# What Prefect imports on the first flow run of a process: its flow and task engines, the flow call's graph
# tracker, and FastAPI's encoder, which serializes the flow's parameters for the API (0.3 s).
_FIRST_FLOW_RUN_IMPORTS = (
    "prefect.flow_engine",
    "prefect.task_engine",
    "prefect.utilities.visualization",
    "fastapi.encoders",
)


def load_ahead(ready: Callable[[], bool], *, aligns: bool) -> None:
    """Load what this process's first flow run loads, while waiting for Prefect's API to start: what Prefect
    imports then (:data:`_FIRST_FLOW_RUN_IMPORTS`) and, for a command that aligns, what the steps
    build once per process (:data:`taiyaku.pipeline.LOADED_ONCE`: the NFKC table, the models, the lexicon),
    for as long as ``ready()`` is false.  What is not loaded here loads in its step, as without this."""
    for module in _FIRST_FLOW_RUN_IMPORTS:
        importlib.import_module(module)
    for load in pipeline.LOADED_ONCE if aligns else ():
        if ready():
            return
        load()


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
    inputs: dict[str, str] | None = None,
) -> quote:
    """Align one Japanese/English document pair and publish it to ``out_dir`` (the parameters are those
    of :class:`taiyaku.pipeline.PairJob`, flat so that the Prefect UI shows them)."""
    job = pipeline.PairJob(
        ja_source, en_source, out_dir, glossary_path, corrections_path, title, statement or {}, force, limits, inputs
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
    """One statement of a run-all: what it published, why it was skipped, or the error that stopped it."""

    statement_id: str
    published: Publication | None = None
    error: TaiyakuError | None = None
    skipped: str | None = None  # why nothing had to be done (its inputs are those of its publication)


class StatementsFailed(TaiyakuError):
    """Some statements of a run-all failed; ``outcomes`` has every statement's, in run order."""

    def __init__(self, corpora_dir: str, outcomes: list[StatementOutcome]) -> None:
        self.failed = sum(outcome.error is not None for outcome in outcomes)
        super().__init__(corpora_dir, f"{self.failed} of {len(outcomes)} statements failed")
        self.outcomes = outcomes

    def __reduce__(self) -> tuple[Any, ...]:
        return StatementsFailed, (self.where, self.outcomes)


def _has_web_source(statement: Statement) -> bool:
    return any(
        side.url is not None and url_scheme(side.url) in ("http", "https") for side in (statement.ja, statement.en)
    )


def run_statement(
    statement_dir: str,
    aligned_root: str,
    force: bool = False,
    refresh: bool = False,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> StatementOutcome:
    """One statement of a run-all that :func:`align_all_statements` found to run: its web sources fetched
    again (``refresh``; only changed bytes replace the snapshot) and then skipped if its inputs are those
    its publication was made from (unless ``force``), otherwise aligned and published (the flow
    :func:`align_statement`).  A :class:`TaiyakuError` is raised.  Without ``refresh``, the run-all has
    compared the inputs already, before making this statement's task."""
    statement = load_statement(statement_dir)
    if refresh and _has_web_source(statement):
        snapshots.refresh_statement(statement, limits=limits)
        statement = load_statement(statement_dir)
    if refresh and not force:
        current, reason = pipeline.publication_status(statement, aligned_root)
        if current:
            return StatementOutcome(statement.id, skipped=reason)
    snapshots.verify_snapshot(statement)
    return StatementOutcome(statement.id, align_statement(str(statement.folder), aligned_root, force, limits))


def _not_an_input_error(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry a statement's task run once when it failed for a reason other than its input (a Dask worker
    lost, the Prefect API briefly unavailable); an input error fails the same way every time."""
    return not isinstance(state.result(raise_on_failure=False), TaiyakuError)


@task(
    name="align-statement",
    cache_policy=NO_CACHE,
    retries=1,
    retry_delay_seconds=2,
    retry_condition_fn=_not_an_input_error,
)
def align_statement_task(
    statement_dir: str, aligned_root: str, force: bool, refresh: bool, limits: FetchLimits
) -> StatementOutcome:
    """:func:`run_statement` as a task, for a task runner that runs statements side by side (Dask): the
    statement's flow run is a child of this task run.  A failure fails the task run (shown in the UI);
    one that is not the input's fault is tried once more first.

    The outcome is returned as it is, not quoted: a ``quote`` does not survive the trip back from a Dask
    worker (it is pickled as a quote of a tuple)."""
    return run_statement(statement_dir, aligned_root, force, refresh, limits)


def dask_task_runner(workers: int | None = None, address: str | None = None) -> DaskTaskRunner:
    """Prefect's Dask task runner: on the existing Dask cluster at ``address`` (``tcp://host:8786``), or on
    a local cluster of ``workers`` processes with one thread each.

    Processes, not threads: GiNZA's tokenizer and the aligner hold the GIL, so threads would take turns.
    The scheduler's HTTP endpoint (and dashboard, where bokeh is installed) takes a free port, and the
    workers log errors only.  The workers inherit this process's ``PREFECT_API_URL``, so their task and
    flow runs report to the same API (the ephemeral one the CLI starts included).  Imported here, not with
    the module: Dask takes a third of a second to import, and most commands run without it.
    """
    from prefect_dask.task_runners import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers or 1,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": ":0",  # a free port: a fixed one clashes with another cluster on the machine
            "silence_logs": logging.ERROR,
        },
    )


@flow(name="taiyaku-run-all")
def align_all_statements(
    corpora_dir: str = "corpora",
    aligned_root: str = "aligned",
    force: bool = False,
    refresh: bool = False,
    workers: int | None = None,
    dask_address: str | None = None,
    max_chars: int = DEFAULT_LIMITS.max_chars,
    max_bytes: int = DEFAULT_LIMITS.max_bytes,
    download_timeout: float = DEFAULT_LIMITS.total_timeout,
) -> list[StatementOutcome]:
    """Align every statement under ``corpora/`` whose inputs changed since its publication (every one with
    ``force``), after fetching the web sources again (``refresh``).

    The registry is checked as a whole first: an invalid statement (or one claiming another's id) runs
    nothing.  Then one statement's failure (a changed snapshot, a source not in its language, a worker
    that died) does not stop the others; if any failed, the flow run ends Failed with
    :class:`StatementsFailed`, which holds every statement's outcome, in name order.

    With ``workers`` or ``dask_address`` each statement to run is one task on Dask
    (:func:`dask_task_runner`: a local cluster of ``workers`` processes, or the cluster at ``dask_address``),
    started for this flow run only; otherwise they run one after another in this process.  The runner is
    chosen by these parameters rather than fixed on the flow, so that a deployment (``taiyaku serve``),
    whose flow runs load the flow from its module, runs on Dask just the same.  The input limits are flat
    numbers (those of :class:`FetchLimits`) for the same reason: a deployment's flow run validates its
    parameters against the flow's signature, where only built-in types resolve.
    """
    limits = dataclasses.replace(
        DEFAULT_LIMITS, max_chars=max_chars, max_bytes=max_bytes, total_timeout=download_timeout
    )
    statements = load_statements(corpora_dir)
    outcomes: dict[str, StatementOutcome] = {}
    to_run: list[Statement] = []
    for statement in statements:
        # Decided here, before any task is made, so that a run where little changed costs little: with
        # refresh, the sources are fetched first (in the statement's own run) and only then compared.
        if not (force or refresh):
            current, reason = pipeline.publication_status(statement, aligned_root)
            if current:
                outcomes[statement.id] = StatementOutcome(statement.id, skipped=reason)
                continue
        to_run.append(statement)
    if to_run and (workers or dask_address):
        # The workers of an existing cluster run in folders of their own: they get absolute paths (a local
        # cluster's workers share this process's working directory, so the printed paths stay as given).
        task_root = str(Path(aligned_root).absolute()) if dask_address else aligned_root
        with dask_task_runner(workers, dask_address) as runner:
            futures = [
                runner.submit(
                    align_statement_task,
                    {
                        "statement_dir": str(statement.folder),
                        "aligned_root": task_root,
                        "force": force,
                        "refresh": refresh,
                        "limits": limits,
                    },
                )
                for statement in to_run
            ]
            for statement, future in zip(to_run, futures, strict=True):
                try:
                    outcomes[statement.id] = future.result()
                except TaiyakuError as exc:
                    outcomes[statement.id] = StatementOutcome(statement.id, error=exc)
                except Exception as exc:  # a worker process that died, a bug: this statement's failure only
                    problem = f"{type(exc).__name__}: {exc}"
                    outcomes[statement.id] = StatementOutcome(statement.id, error=TaiyakuError(statement.id, problem))
    else:
        for statement in to_run:
            try:
                outcomes[statement.id] = run_statement(str(statement.folder), aligned_root, force, refresh, limits)
            except TaiyakuError as exc:
                outcomes[statement.id] = StatementOutcome(statement.id, error=exc)
    in_order = [outcomes[statement.id] for statement in statements]
    create_markdown_artifact(
        key=artifact_key("taiyaku-run-all", Path(corpora_dir).name),
        markdown=render_run_all_markdown(in_order),
        description=f"taiyaku run-all summary for {corpora_dir}",
    )
    if any(outcome.error is not None for outcome in in_order):
        raise StatementsFailed(corpora_dir, in_order)
    return in_order


def render_run_all_markdown(outcomes: list[StatementOutcome]) -> str:
    """The run-all summary artifact (Markdown, shown in the Prefect UI): one row per statement."""
    rows = ["| statement | outcome |", "|---|---|"]
    for outcome in outcomes:
        if outcome.published is not None:
            summary = outcome.published.review.summary()
            text = f"published: {summary.beads} beads, mean confidence {summary.mean_score}"
            text += f", {summary.needs_review} to review"
        elif outcome.skipped is not None:
            text = f"skipped: {outcome.skipped}"
        else:
            text = f"failed: {outcome.error}"
        # Error messages quote file names and URLs from untrusted statements: escaped for the UI's Markdown.
        rows.append(f"| {outcome.statement_id} | {html.escape(text).replace('|', '&#124;')} |")
    return "\n".join(rows) + "\n"


def serve_run_all(
    corpora_dir: str,
    aligned_root: str,
    *,
    interval: float | None = None,
    cron: str | None = None,
    refresh: bool = False,
    workers: int | None = None,
    dask_address: str | None = None,
    name: str = "taiyaku-run-all",
) -> None:
    """Serve :func:`align_all_statements` as a Prefect deployment named ``name`` with a schedule (every
    ``interval`` seconds, or the ``cron`` expression), until interrupted.

    Each scheduled flow run fetches the web sources again with ``refresh`` and re-publishes only the
    statements whose inputs changed; its runs, logs and summary artifact are in the Prefect UI of the API
    that ``PREFECT_API_URL`` names.  A run can also be started by hand there or with ``prefect deployment
    run 'taiyaku-run-all/<name>'``.  An invalid cron expression is a :class:`TaiyakuError`.
    """
    if cron is not None:
        try:
            CronSchedule(cron=cron)
        except ValueError:
            raise TaiyakuError("--cron", f'{cron!r} is not a cron expression (e.g. "0 3 * * *")') from None
    align_all_statements.serve(
        name=name,
        interval=interval,
        cron=cron,
        parameters={
            "corpora_dir": corpora_dir,
            "aligned_root": aligned_root,
            "refresh": refresh,
            "workers": workers,
            "dask_address": dask_address,
        },
        description=f"taiyaku run-all of {corpora_dir} into {aligned_root}"
        + (", sources refreshed first" if refresh else ""),
        tags=["taiyaku"],
        # The flow runs load the flow by module (flows.pipeline), not by file path: loaded from a path, the
        # flow's parameter types (FetchLimits) could not be resolved when its parameters are validated.
        entrypoint_type=EntrypointType.MODULE_PATH,
        limit=1,  # one run at a time: a slow run and the next scheduled one never publish side by side
        print_starting_message=True,
    )
