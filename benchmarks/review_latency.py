"""How quickly the review workbench answers an action on a book-length document.

    .venv/bin/python benchmarks/review_latency.py [DOC_DIR] [--actions N]
        (default: ../shared/eval/scale/kyoto-scale; skipped with a message where it is absent)

Registers the pair as a statement in a temporary folder, publishes it with the pipeline (no Prefect, about
40 s), opens the workbench on it and sends, through the web application (Starlette's test client: the
HTTP request, CSRF and origin checks, JSON, the append to corrections.jsonl under the statement lock, the
local re-alignment and the answer), N of each action at positions spread over the document, then a page
of the "needs review" filter after each.  Prints p50 / p95 / max per action in milliseconds, and the load
time.  Not a timed test: the figures go in benchmarks/README.md.  Target: every action under 200 ms.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from taiyaku.pipeline import align_pair, load_statement_job  # noqa: E402
from taiyaku.review import Workbench, create_app  # noqa: E402
from taiyaku.review.server import allowed_hosts  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DEFAULT_DOC = ROOT.parent / "shared" / "eval" / "scale" / "kyoto-scale"
ORIGIN = "http://127.0.0.1:8000"


def _statement(doc_dir: Path, root: Path) -> Path:
    folder = root / "corpora" / doc_dir.name
    folder.mkdir(parents=True)
    for side in ("ja", "en"):
        shutil.copy(doc_dir / f"{side}.txt", folder / f"{side}.txt")
    (folder / "statement.toml").write_text(
        f'id = "{doc_dir.name}"\ntitle = "{doc_dir.name}"\n[ja]\nsource = "ja.txt"\n[en]\nsource = "en.txt"\n',
        encoding="utf-8",
    )
    return folder


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("doc_dir", nargs="?", type=Path, default=DEFAULT_DOC)
    parser.add_argument("--actions", type=int, default=20, help="how many of each action (default 20)")
    args = parser.parse_args()
    if not (args.doc_dir / "ja.txt").exists():
        print(f"skipped: {args.doc_dir} is absent (the shared evaluation data beside the repository)")
        return 0
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        statement = _statement(args.doc_dir, root)
        start = time.perf_counter()
        align_pair(load_statement_job(statement, root / "aligned"))
        published = time.perf_counter() - start
        start = time.perf_counter()
        bench = Workbench(statement, root / "aligned", "benchmark")
        loaded = time.perf_counter() - start
        beads = len(bench.beads)
        print(f"{args.doc_dir.name}: {beads:,} beads ({len(bench.ja):,} / {len(bench.en):,} sentences)")
        print(f"publish with the pipeline: {published:.1f} s; open the workbench: {loaded:.1f} s")

        with TestClient(create_app(bench, allowed_hosts("127.0.0.1", 8000)), base_url=ORIGIN) as client:
            html = client.get("/").text
            meta = dict(re.findall(r'<meta name="([a-z-]+)" content="([^"]*)">', html))
            headers = {"origin": ORIGIN, "x-csrf-token": meta["csrf-token"]}
            timings: dict[str, list[float]] = {}

            def send(name: str, body: dict[str, object]) -> None:
                body = {**body, "action": body.get("action", name), "publication": meta["publication"]}
                began = time.perf_counter()
                response = client.post("/api/action", json=body, headers=headers)
                timings.setdefault(name, []).append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{name}: {response.status_code} {response.text}")
                began = time.perf_counter()
                client.get("/api/beads", params={"filter": "review"})
                timings.setdefault("page (needs review)", []).append((time.perf_counter() - began) * 1000)

            def at(position: int) -> dict[str, object]:
                return {"bead": position, "signature": bench.beads[position].signature}

            step = max(1, len(bench.beads) // (args.actions + 2))
            for n in range(1, args.actions + 1):
                position = n * step
                send("confirm", at(position))
                send("merge", at(position + 2))
                bead = bench.beads[position + 2]
                send("split", {**at(position + 2), "ja_at": len(bead.ja) // 2 or 1, "en_at": len(bead.en) // 2})
                side = "en" if len(bench.beads[position + 4].en) else "ja"
                send("move", {**at(position + 4), "side": side, "direction": "down"})
                if bench.beads[position + 6].ja:
                    send("no-counterpart", {**at(position + 6), "side": "ja"})
                send("undo", {})
            print(f"{'action':<22}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
            for name, values in timings.items():
                print(
                    f"{name:<22}{len(values):>4}{statistics.median(values):>9.1f}"
                    f"{_percentile(values, 0.95):>9.1f}{max(values):>9.1f}"
                )
            every = [v for name, values in timings.items() if name != "page (needs review)" for v in values]
            print(f"all actions: p50 {statistics.median(every):.1f} ms, p95 {_percentile(every, 0.95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
