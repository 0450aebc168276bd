"""Speed and memory of the path users run: ``taiyaku align`` end to end, through Prefect, against the core.

    .venv/bin/python benchmarks/user_path.py [EVAL_DIR]      (default: ../shared/eval; about 3 minutes)

Three sizes: the seed statement (``corpora/us-japan-internet-economy-2014``), the largest kyoto-wiki
document and the book-length ``scale/kyoto-scale``.  For each, in the same run:

* **CLI**: ``taiyaku align --ja … --en … --out …`` as a subprocess (the real command: Prefect's ephemeral
  API served by a child process of the command, one task run per pipeline step).  Wall time, CPU time
  (the command's and its API's), and peak RSS: the command's own (``os.wait4``: per child, where
  ``RUSAGE_CHILDREN`` would keep the largest child so far) and its API process's (its ``VmHWM``, read
  while it runs), and their sum; the time of each step as Prefect recorded its task run, read from the
  run's own Prefect database (a ``PREFECT_HOME`` of this benchmark, warmed by one untimed run so that
  creating the database is not counted);
* **core**: the same job, :func:`taiyaku.pipeline.align_pair` with the plain step runner (no Prefect), in a
  fresh process of its own (this script with ``--core``), so that it pays the same interpreter start,
  imports and loading of GiNZA and the lexicon as the command; each step timed, its peak RSS.

Last, the two small pairs on a running Prefect server (``prefect server start``, ``PREFECT_API_URL`` set):
what a command costs when it does not boot an API of its own.

Prefect's overhead = CLI wall − core wall, in seconds and as a share of the CLI's wall time, split into
the part inside the task runs (as Prefect times them) and the part outside them (importing Prefect, waiting
for its API to boot, creating the flow run and task runs, the artifact).  The boot of the ephemeral API on
its own (the floor of every command's wall time) is timed first.
It also prints link F1 against gold where there is one, and checks that the CLI published the same
``corpus.jsonl`` bytes as the core.  Not a timed test: figures go in README.md and benchmarks/README.md.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

TAIYAKU = Path(sys.executable).with_name("taiyaku")
SEED = ROOT / "corpora" / "us-japan-internet-economy-2014"


@dataclass(frozen=True)
class Case:
    label: str
    ja: Path
    en: Path
    gold: Path | None = None  # link F1 is printed where a gold alignment is given


@dataclass(frozen=True)
class ChildRun:
    seconds: float  # wall time of the whole process, start-up included
    cpu_seconds: float  # user + system CPU time: steadier than wall time on a shared machine
    peak_mib: float  # the child's own peak RSS
    step_seconds: dict[str, float]  # step (task) name → seconds
    f1: float | None = None
    api_peak_mib: float = 0.0  # the peak RSS of the command's Prefect API process (the CLI only)


def _cases(eval_dir: Path) -> list[Case]:
    wiki = eval_dir / "kyoto-wiki"
    largest = max((doc.parent for doc in wiki.glob("*/ja.txt")), key=lambda doc: (doc / "ja.txt").stat().st_size)
    scale = eval_dir / "scale" / "kyoto-scale"
    return [
        Case("seed statement", SEED / "ja.txt", SEED / "en.html"),
        Case(f"kyoto-wiki/{largest.name}", largest / "ja.txt", largest / "en.txt", largest / "gold.tsv"),
        Case("kyoto-scale", scale / "ja.txt", scale / "en.txt", scale / "gold.tsv"),
    ]


class _GrandchildPeaks:
    """The peak RSS (VmHWM) of each process whose parent is ``parent``, read every 0.1 s while it runs: a
    grandchild's memory shows in no rusage of this process."""

    def __init__(self, parent: int) -> None:
        self.parent = parent
        self.peak_kib: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
                except OSError:
                    continue  # it ended while we looked
                if int(fields.get("PPid", "0")) == self.parent and "VmHWM" in fields:
                    pid = int(status.parent.name)
                    self.peak_kib[pid] = max(self.peak_kib.get(pid, 0), int(fields["VmHWM"].split()[0]))

    def total_mib(self) -> float:
        self._stop.set()
        self._thread.join()
        return sum(self.peak_kib.values()) / 1024


def _run_child(command: list[str], env: dict[str, str], scratch: Path) -> tuple[float, float, float, str, float]:
    """Run ``command``: wall seconds, CPU seconds (its own and its reaped children's), its own peak RSS in
    MiB, its stdout, and the summed peak RSS of its own children in MiB; exits with its stderr if it fails."""
    with (scratch / "stdout").open("w+b") as out, (scratch / "stderr").open("w+b") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        grandchildren = _GrandchildPeaks(child.pid)
        # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN would keep the largest child so far).
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        children_mib = grandchildren.total_mib()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{err.read().decode(errors='replace')}")
        return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read().decode(), children_mib


def _run_cli(case: Case, out_dir: Path, prefect_home: Path, api_url: str | None = None) -> ChildRun:
    """``taiyaku align`` as a user runs it, and its task runs' times as Prefect recorded them; on the
    command's own ephemeral API, or on the running server at ``api_url``."""
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_API_URL", None)  # the command's own ephemeral API, as a user runs it
    if api_url is not None:
        env.update(PREFECT_API_URL=api_url, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    command = [str(TAIYAKU), "align", "--ja", str(case.ja), "--en", str(case.en), "--out", str(out_dir)]
    seconds, cpu_seconds, peak_mib, _, api_mib = _run_child(command, env, prefect_home.parent)
    if api_url is not None:  # only the wall and CPU time are reported here; the command starts no API process
        return ChildRun(seconds, cpu_seconds, peak_mib, {})
    return ChildRun(seconds, cpu_seconds, peak_mib, _task_seconds(prefect_home), api_peak_mib=api_mib)


def _api_boot_seconds(prefect_home: Path) -> float:
    """Seconds from starting the command's ephemeral Prefect API (:func:`flows.start_ephemeral_api`) to its
    answering, in a fresh process: the floor under the wall time of every command."""
    script = (
        "import time; from flows import start_ephemeral_api; api = start_ephemeral_api(); "
        "start = time.perf_counter(); api.wait(); print(time.perf_counter() - start)"
    )
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    return float(done.stdout)


def _task_seconds(prefect_home: Path) -> dict[str, float]:
    """Seconds per task name of the latest flow run in the Prefect database under ``prefect_home``."""
    with sqlite3.connect(prefect_home / "prefect.db") as db:
        (flow_run,) = db.execute("SELECT id FROM flow_run ORDER BY created DESC LIMIT 1").fetchone()
        rows = db.execute(
            "SELECT name, (julianday(end_time) - julianday(start_time)) * 86400 FROM task_run WHERE flow_run_id = ?",
            (flow_run,),
        ).fetchall()
    seconds: dict[str, float] = {}
    for name, duration in rows:
        step = name.rsplit("-", 1)[0]  # "segment-blocks-a1b" → "segment-blocks"
        seconds[step] = seconds.get(step, 0.0) + (duration or 0.0)
    return seconds


def _run_core(case: Case, out_dir: Path, scratch: Path) -> ChildRun:
    """The same job in a fresh process without Prefect (this script with ``--core``): the same imports,
    model loading and steps as the command, minus Prefect."""
    command = [sys.executable, __file__, "--core", str(case.ja), str(case.en), str(out_dir), str(case.gold or "")]
    seconds, cpu_seconds, peak_mib, stdout, _ = _run_child(command, dict(os.environ), scratch)
    measured = json.loads(stdout)
    return ChildRun(seconds, cpu_seconds, peak_mib, measured["steps"], measured["f1"])


def core_child(ja: str, en: str, out_dir: str, gold: str) -> None:
    """``--core``: :func:`taiyaku.pipeline.align_pair` with the plain step runner, each step timed; prints
    the seconds per step and (with a gold file) link F1 as JSON."""
    from taiyaku.eval.alignment import EvalReport, load_gold, score_document
    from taiyaku.pipeline import AlignedSources, PairJob, align_pair, verify_parallel

    per_step: dict[str, float] = {}
    results: dict[str, Any] = {}

    def run_step(step: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        step_start = time.perf_counter()
        results[step.__name__] = step(*args, **kwargs)
        name = step.__name__.replace("_", "-")
        per_step[name] = per_step.get(name, 0.0) + time.perf_counter() - step_start
        return results[step.__name__]

    align_pair(PairJob(ja, en, out_dir), run=run_step)
    f1 = None
    if gold:
        aligned: AlignedSources = results[verify_parallel.__name__]  # the alignment that was published
        score = score_document(
            Path(gold).parent.name, load_gold(Path(gold)), aligned.alignment.beads, aligned.ja, aligned.en
        )
        f1 = EvalReport(Path(gold).parent.name, [score]).f1
    print(json.dumps({"steps": per_step, "f1": f1}))


def main() -> int:
    if sys.argv[1:2] == ["--core"]:
        core_child(*sys.argv[2:6])
        return 0
    eval_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "eval"
    if not (eval_dir / "scale" / "kyoto-scale" / "gold.tsv").is_file() or not (eval_dir / "kyoto-wiki").is_dir():
        print(f"{eval_dir}: no kyoto-wiki or scale/kyoto-scale evaluation set here; skipped", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="taiyaku-user-path-") as tmp:
        scratch = Path(tmp)
        prefect_home = scratch / "prefect-home"
        cases = _cases(eval_dir)
        _run_cli(cases[0], scratch / "warm-up", prefect_home)  # creates and migrates Prefect's database
        print("CLI = `taiyaku align` through Prefect; core = the same pipeline in a fresh process without Prefect")
        boots = sorted(_api_boot_seconds(prefect_home) for _ in range(3))
        print(f"Prefect's ephemeral API boots in {boots[1]:.2f}s (median of 3; {boots[0]:.2f}-{boots[2]:.2f}s)")
        for number, case in enumerate(cases):
            cli_out, core_out = scratch / f"cli-{number}", scratch / f"core-{number}"
            cli = _run_cli(case, cli_out, prefect_home)
            core = _run_core(case, core_out, scratch)
            overhead = cli.seconds - core.seconds
            cli_steps, core_steps = sum(cli.step_seconds.values()), sum(core.step_seconds.values())
            same = (cli_out / "corpus.jsonl").read_bytes() == (core_out / "corpus.jsonl").read_bytes()
            print(f"\n== {case.label} ==")
            print(
                f"CLI  {cli.seconds:6.1f}s  CPU {cli.cpu_seconds:6.1f}s  peak RSS {cli.peak_mib:5.0f} MiB "
                f"+ API process {cli.api_peak_mib:4.0f} MiB = {cli.peak_mib + cli.api_peak_mib:5.0f} MiB"
            )
            print(f"core {core.seconds:6.1f}s  CPU {core.cpu_seconds:6.1f}s  peak RSS {core.peak_mib:5.0f} MiB")
            print(f"Prefect overhead: {overhead:.1f}s = {100 * overhead / cli.seconds:.1f} % of the CLI's time", end="")
            cpu_overhead = cli.cpu_seconds - core.cpu_seconds
            print(f"; CPU {cpu_overhead:.1f}s = {100 * cpu_overhead / cli.cpu_seconds:.1f} % of the CLI's CPU time")
            print(f"  inside the task runs, as Prefect times them: {cli_steps - core_steps:5.1f}s")
            print(
                f"  outside them (Prefect import, waiting for the API to boot, flow and task runs, artifact): "
                f"{(cli.seconds - cli_steps) - (core.seconds - core_steps):5.1f}s"
            )
            print(f"  {'step':20s} {'CLI task run':>13s} {'core':>8s}")
            for step in sorted(core.step_seconds, key=lambda name: -core.step_seconds[name]):
                cli_step = cli.step_seconds.get(step, float("nan"))
                print(f"  {step:20s} {cli_step:12.2f}s {core.step_seconds[step]:7.2f}s")
            print(f"  {'all steps':20s} {cli_steps:12.2f}s {core_steps:7.2f}s")
            print(f"  {'outside the steps':20s} {cli.seconds - cli_steps:12.2f}s {core.seconds - core_steps:7.2f}s")
            print(f"CLI corpus.jsonl identical to the core's: {'yes' if same else 'NO'}")
            if core.f1 is not None:
                print(f"link F1: {core.f1:.4f}")
        _small_pairs_on_a_running_server(cases[:2], scratch)
    return 0


def _small_pairs_on_a_running_server(cases: list[Case], scratch: Path) -> None:
    """The small pairs again, with ``PREFECT_API_URL`` pointing at a running ``prefect server start`` (the
    tests' harness for it): what a command costs without booting an API of its own."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support.prefect_server import running_prefect_server  # type: ignore[import-not-found]  # tests/ on sys.path

    home = scratch / "server-home"
    home.mkdir()
    with running_prefect_server(home) as api_url:
        _run_cli(cases[0], scratch / "server-warm-up", home, api_url)
        print("\n== on a running Prefect server (PREFECT_API_URL set; the server's services run beside) ==")
        for number, case in enumerate(cases):
            runs = [_run_cli(case, scratch / f"server-{number}-{k}", home, api_url) for k in range(2)]
            walls = ", ".join(f"{run.seconds:.1f}s" for run in runs)
            last = runs[-1]
            print(f"{case.label}: CLI {walls} (CPU {last.cpu_seconds:.1f}s, peak RSS {last.peak_mib:.0f} MiB)")


if __name__ == "__main__":
    raise SystemExit(main())
