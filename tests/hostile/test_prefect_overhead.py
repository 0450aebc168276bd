"""The Prefect path at the speed of the core: Prefect must not walk the documents passed between tasks.

Prefect resolves each task argument and records its task-run inputs by visiting the argument object by
object; on a book-length pair that walk over every Segment, Block and Bead took 60 % of `taiyaku align`.
The flow quotes every step argument (`flows.pipeline.run_as_task`): the number of objects Prefect visits
must not grow with the document, while the flow run keeps one task run per step, its states and its
artifact, and publishes the same bytes as the pipeline without Prefect.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from pathlib import Path
from typing import Any

import pytest
from support.paths import STATEMENT_DIR

from flows.pipeline import align_pair as align_pair_flow
from flows.pipeline import align_statement
from taiyaku import pipeline

# The visit functions Prefect applies, once per object visited, to task arguments: resolving futures and
# states into values (task_engine._resolve_parameters) and collecting upstream task runs as the task run's
# inputs (utilities.engine.collect_task_run_inputs_sync); and to a flow's return value: looking for futures
# to resolve (futures._resolve_futures).
_PREFECT_VISITORS = frozenset({"resolve_to_final_result", "add_futures_and_states_to_inputs", "_collect_futures"})
# How long the API may take to write a flow run's task runs after the flow has returned (well under a second
# on a quiet machine; a busy two-core CI machine is slower).
_TASK_RUNS_RECORDED_SECONDS = 60.0
_STEP_TASK_NAMES = {
    "load-glossary",
    "read-corrections",
    "pull-source",
    "normalize-document",
    "segment-blocks",
    "align-segments",
    "verify-parallel",
    "check-terminology",
    "apply-finding-decisions",
    "publish-corpus",
}


def _repeated_seed(tmp_path: Path, times: int) -> tuple[Path, Path]:
    """The seed pair with each side's text repeated ``times`` times: a longer pair, still a translation."""
    folder = tmp_path / f"seed-x{times}"
    folder.mkdir()
    ja = (STATEMENT_DIR / "ja.txt").read_text(encoding="utf-8")
    en = (STATEMENT_DIR / "en.html").read_text(encoding="utf-8")
    body_start, body_end = en.index("<body>") + len("<body>"), en.index("</body>")
    (folder / "ja.txt").write_text("\n\n".join([ja] * times), encoding="utf-8")
    (folder / "en.html").write_text(en[:body_start] + en[body_start:body_end] * times + en[body_end:], encoding="utf-8")
    return folder / "ja.txt", folder / "en.html"


def _input_visits(ja: Path, en: Path, out: Path) -> int:
    """Run the align flow on a pair and count the objects Prefect visited in the step arguments and in the
    flow's result."""
    profile = cProfile.Profile()
    profile.enable()
    align_pair_flow(str(ja), str(en), str(out), force=True)
    profile.disable()
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return sum(calls[1] for (_, _, name), calls in stats.items() if name in _PREFECT_VISITORS)


def test_prefect_does_not_walk_the_documents_passed_between_steps(prefect_harness: None, tmp_path: Path) -> None:
    once = _input_visits(*_repeated_seed(tmp_path, 1), tmp_path / "out-1")
    three_times = _input_visits(*_repeated_seed(tmp_path, 3), tmp_path / "out-3")
    # A few visits per argument of each task run, whatever the size; walking the documents made 66,023
    # on the seed alone (and 973 walking only the flow's result), growing with the document.
    assert once < 200
    assert three_times == once


def test_flow_run_keeps_one_completed_task_run_per_step_and_its_artifact(prefect_harness: None, tmp_path: Path) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, FlowRunFilter, FlowRunFilterId

    out = tmp_path / "seed-flow"
    ja, en = str(STATEMENT_DIR / "ja.txt"), str(STATEMENT_DIR / "en.html")
    state = align_pair_flow.flow(ja, en, str(out), return_state=True)  # the flow object behind the wrapper
    assert state.is_completed()
    flow_run_id = state.state_details.flow_run_id
    # pull, normalize and segment run once per side; every other step once.
    expected = sorted([*_STEP_TASK_NAMES, "pull-source", "normalize-document", "segment-blocks"])
    with get_client(sync_client=True) as client:
        # Prefect's API writes task runs from the events the flow run sends, after the flow has returned:
        # the last ones may not be written yet when the flow returns (CI once read the task runs before
        # publish-corpus was among them).  So wait for them, as a user reading them in the UI would.
        deadline = time.monotonic() + _TASK_RUNS_RECORDED_SECONDS
        while True:
            task_runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            names = [run.name.rsplit("-", 1)[0] for run in task_runs]
            recorded = sorted(names) == expected and all(run.state and run.state.is_completed() for run in task_runs)
            if recorded or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    assert set(names) == _STEP_TASK_NAMES
    assert sorted(names) == expected
    assert all(run.state is not None and run.state.is_completed() for run in task_runs)
    assert [artifact.key for artifact in artifacts] == ["taiyaku-seed-flow"]


def test_flow_publishes_the_bytes_of_the_pipeline_without_prefect(prefect_harness: None, tmp_path: Path) -> None:
    ja, en = str(STATEMENT_DIR / "ja.txt"), str(STATEMENT_DIR / "en.html")
    align_pair_flow(ja, en, str(tmp_path / "flow"))
    pipeline.align_pair(pipeline.PairJob(ja, en, str(tmp_path / "core")))
    for name in ("corpus.jsonl", "corpus.tmx", "corpus.tsv"):
        assert (tmp_path / "flow" / name).read_bytes() == (tmp_path / "core" / name).read_bytes(), name


def test_a_refused_document_still_fails_its_task_run_with_one_line(prefect_harness: None, tmp_path: Path) -> None:
    from taiyaku.errors import TaiyakuError

    english_as_japanese = tmp_path / "ja.txt"
    english_as_japanese.write_text((STATEMENT_DIR / "en.html").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(TaiyakuError) as refused:
        align_pair_flow(str(english_as_japanese), str(STATEMENT_DIR / "en.html"), str(tmp_path / "out"))
    assert str(english_as_japanese) in str(refused.value)
    assert "\n" not in str(refused.value)


def test_callers_get_the_publication_itself_from_the_flows(prefect_harness: None, tmp_path: Path) -> None:
    from taiyaku.publish import Publication

    published = align_statement(str(STATEMENT_DIR), str(tmp_path))
    assert isinstance(published, Publication)
    assert published.out_dir == tmp_path / STATEMENT_DIR.name
    assert published.review.records
