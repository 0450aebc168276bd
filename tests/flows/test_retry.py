"""Which failed statement task runs of run-all on Dask are tried again: not those that failed on their input."""

from __future__ import annotations

from prefect.states import Failed

from flows.pipeline import _not_an_input_error, align_statement_task
from taiyaku.errors import TaiyakuError


def test_a_statement_is_retried_only_when_its_input_is_not_the_cause() -> None:
    assert align_statement_task.retries == 1
    input_error = Failed(data=TaiyakuError("corpora/s/ja.txt", "not Japanese"))
    lost_worker = Failed(data=RuntimeError("Attempted to run task on a worker that died"))
    assert _not_an_input_error(align_statement_task, None, input_error) is False  # type: ignore[arg-type]
    assert _not_an_input_error(align_statement_task, None, lost_worker) is True  # type: ignore[arg-type]
