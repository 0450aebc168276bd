"""Scale-out of ``taiyaku run-all`` on Dask: statements per minute with 1 and 2 worker processes, the speed-up,
the peak memory of each worker, and the time of a run in which nothing changed.

    .venv/bin/python benchmarks/scale_out.py [EVAL_DIR] [--workers 1,2]   (default: ../shared/eval; ~15 min)

Every document of ``EVAL_DIR/kyoto-wiki`` and ``EVAL_DIR/ntrex-news`` (168 pairs) is registered as a
statement (``statement.toml`` with its ``ja.txt`` / ``en.txt`` and their SHA-256) in a temporary
``corpora/`` outside the repository (the evaluation data is never copied into it).  For each worker count:

* **cold**: ``taiyaku run-all corpora --aligned <fresh folder> --workers N``, the real command as a
  subprocess (Prefect's ephemeral API served in its process, a local Dask cluster of N worker processes,
  one ``align-statement`` task run per statement, each with its statement's flow run and step task runs);
* **no change**: the same command again at once: every statement is skipped (its inputs are those recorded
  in its manifest), so this is the fixed cost of a run plus the per-statement check.

The process tree is sampled every 0.2 s (psutil): the command's own peak RSS, the peak RSS of each of
its descendant processes (the Dask workers; the multiprocessing helper is small and left out), and the CPU
seconds of the whole tree (wall time on a shared machine depends on its load; the CPU time much less; the
load average is printed with each run).  It also
reads the task runs' wall times from the run's Prefect database, to tell the work inside the statements
from the overhead around them.  Not a timed test: figures go in README.md and benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
TAIYAKU = Path(sys.executable).with_name("taiyaku")
SETS = ("kyoto-wiki", "ntrex-news")
# A descendant smaller than this is a helper (multiprocessing's resource tracker), not a Dask worker.
_WORKER_MIN_MIB = 150.0


@dataclass
class Run:
    label: str
    workers: int
    seconds: float
    published: int
    skipped: int
    failed: int
    main_peak_mib: float
    worker_peaks_mib: list[float] = field(default_factory=list)
    command_cpu_seconds: float = 0.0  # user + system CPU of the command itself (client, Prefect's API)
    worker_cpu_seconds: float = 0.0  # of every process under it (the Dask workers)
    task_seconds: float = 0.0  # sum of the align-statement task runs' wall times (Prefect's record)


def register_statements(eval_dir: Path, corpora: Path) -> int:
    """Every document of the two sets as ``corpora/<set>-<doc>/``; returns how many."""
    count = 0
    for set_name in SETS:
        for doc in sorted((eval_dir / set_name).iterdir()):
            if not (doc / "ja.txt").is_file():
                continue
            statement_id = f"{set_name}-{doc.name}".lower()
            folder = corpora / statement_id
            folder.mkdir(parents=True)
            lines = [f'id = "{statement_id}"', f'title = "{set_name} {doc.name}"', f'publisher = "{set_name}"']
            for lang in ("ja", "en"):
                shutil.copyfile(doc / f"{lang}.txt", folder / f"{lang}.txt")
                digest = hashlib.sha256((folder / f"{lang}.txt").read_bytes()).hexdigest()
                lines += [f"[{lang}]", f'source = "{lang}.txt"', f'sha256 = "{digest}"']
            (folder / "statement.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
            count += 1
    return count


class TreeSampler:
    """Peak RSS of a process and of each of its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self.cpu: dict[int, float] = {}  # the last CPU seconds seen of each process (it may end first)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            for process in processes:
                try:
                    rss = process.memory_info().rss / 2**20
                    times = process.cpu_times()
                except psutil.Error:
                    continue
                self.peaks[process.pid] = max(self.peaks.get(process.pid, 0.0), rss)
                self.cpu[process.pid] = times.user + times.system
            self._stop.wait(self.interval)

    def stop(self, root_cpu: float) -> tuple[float, list[float], float]:
        """Peak RSS of the root, of each worker (largest first), and the last CPU seconds seen of the
        processes under the root (``root_cpu``, from ``wait4``, bounds them: sampling can only miss time)."""
        self._stop.set()
        self._thread.join()
        main = self.peaks.pop(self.root.pid, 0.0)
        self.cpu.pop(self.root.pid, None)
        workers = sorted((peak for peak in self.peaks.values() if peak >= _WORKER_MIN_MIB), reverse=True)
        return main, workers, min(sum(self.cpu.values()), root_cpu)


def task_seconds(prefect_home: Path) -> float:
    """Wall seconds of every align-statement task run of the last flow run, from Prefect's own database."""
    with sqlite3.connect(prefect_home / "prefect.db") as db:
        rows = db.execute(
            "SELECT SUM((julianday(end_time) - julianday(start_time)) * 86400) FROM task_run "
            "WHERE name LIKE 'align-statement%' AND flow_run_id = (SELECT id FROM flow_run WHERE flow_id IN "
            "(SELECT id FROM flow WHERE name = 'taiyaku-run-all') ORDER BY created DESC LIMIT 1)"
        ).fetchone()
    value = rows[0] if rows else None
    return float(value) if value is not None else 0.0


def run_all(label: str, workdir: Path, aligned: str, workers: int, prefect_home: Path) -> Run:
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_API_URL", None)
    command = [str(TAIYAKU), "run-all", "corpora", "--aligned", aligned, "--workers", str(workers)]
    with (workdir / "stdout").open("w+") as out, (workdir / "stderr").open("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=workdir, env=env, stdout=out, stderr=err)
        sampler = TreeSampler(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        child.returncode = code
        seconds = time.perf_counter() - start
        # wait4 counts the command and the descendants it waited for (the workers it joined); the workers'
        # own share is their last sampled CPU time, so the command's own is the difference.
        total_cpu = usage.ru_utime + usage.ru_stime
        main_peak, worker_peaks, worker_cpu = sampler.stop(total_cpu)
        command_cpu = max(total_cpu - worker_cpu, 0.0)
        out.seek(0)
        err.seek(0)
        lines, errors = out.read().splitlines(), err.read()
    if code not in (0,) and not errors.strip():
        sys.exit(f"{' '.join(command)} exited {code} without a message")
    for line in errors.splitlines():
        if line.startswith("taiyaku: error: "):
            print(f"  {label}, {workers} worker(s): {line}", flush=True)
    skipped = sum(": skipped, " in line for line in lines)
    failed = sum(line.startswith("taiyaku: error: ") for line in errors.splitlines()) - (1 if code else 0)
    return Run(
        label,
        workers,
        seconds,
        published=len(lines) - skipped,
        skipped=skipped,
        failed=max(failed, 0),
        main_peak_mib=main_peak,
        worker_peaks_mib=worker_peaks[:workers],
        command_cpu_seconds=command_cpu,
        worker_cpu_seconds=worker_cpu,
        task_seconds=task_seconds(prefect_home),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("eval_dir", nargs="?", default=str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default: 1,2)")
    args = parser.parse_args()
    eval_dir = Path(args.eval_dir)
    if not all((eval_dir / name).is_dir() for name in SETS):
        sys.exit(f"{eval_dir}: needs kyoto-wiki/ and ntrex-news/ (the shared evaluation data)")
    counts = [int(n) for n in args.workers.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="taiyaku-scale-out-"))
    try:
        statements = register_statements(eval_dir, workdir / "corpora")
        print(f"{statements} statements registered in {workdir / 'corpora'}; machine: {os.cpu_count()} cores")
        runs: list[Run] = []
        for workers in counts:
            prefect_home = workdir / f"prefect-{workers}"
            for label in ("cold", "no change"):
                run = run_all(label, workdir, f"aligned-{workers}", workers, prefect_home)
                runs.append(run)
                per_minute = statements / run.seconds * 60
                workers_text = ", ".join(f"{peak:,.0f}" for peak in run.worker_peaks_mib) or "–"
                print(
                    f"{workers} worker(s), {label:9}: {run.seconds:7.1f} s, {per_minute:6.1f} statements/min, "
                    f"published {run.published}, skipped {run.skipped}, failed {run.failed}; "
                    f"peak RSS command {run.main_peak_mib:,.0f} MiB, workers {workers_text} MiB; "
                    f"CPU command {run.command_cpu_seconds:.1f} s + workers {run.worker_cpu_seconds:.1f} s "
                    f"({(run.command_cpu_seconds + run.worker_cpu_seconds) / statements:.2f} s per statement); "
                    f"align-statement task runs {run.task_seconds:.1f} s; load average {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
        cold = {run.workers: run for run in runs if run.label == "cold"}
        unchanged = {run.workers: run for run in runs if run.label == "no change"}
        base = cold[min(cold)]
        for workers, run in sorted(cold.items()):
            if workers != base.workers:
                print(f"speed-up {base.workers} → {workers} workers (cold): {base.seconds / run.seconds:.2f}×")
        for workers, run in sorted(cold.items()):
            per_statement = run.seconds * workers / statements
            print(
                f"{workers} worker(s): {per_statement:.2f} worker-seconds per statement (cold, start-up included); "
                f"no-change run {unchanged[workers].seconds:.1f} s = "
                f"{unchanged[workers].seconds / statements * 1000:.0f} ms per statement"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
