"""The published set switches as a whole (issue 9, item 10).

A publication replaces several files, each with an atomic rename; ``kill -9`` between two renames used to
leave ``corpus.jsonl`` new and ``report.html`` old, and a staging folder nobody removed.  Now the manifest
(``manifest.json``: every file's name, size and SHA-256) is removed first and written last, readers call
:func:`verify_publication`, and the next publication removes stale staging folders.

The proof kills real publishing processes with SIGKILL, at random moments and at the moment the switch
starts, many times, and checks every state left behind: the old set whole, the new set whole, or detected
as incomplete.  Nothing in the code under test knows it is being tested.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.paths import REPO
from support.scripted_http import Reply, ScriptedServer

from taiyaku.cli import main
from taiyaku.errors import TaiyakuError
from taiyaku.publish.corpus import render_jsonl
from taiyaku.publish.manifest import MANIFEST, render_manifest, verify_publication, write_publication

FILES = 60  # many files, so the switch (one rename each) takes long enough to be hit by a kill
FILE_BYTES = 50_000


def publication(tag: str) -> dict[str, bytes]:
    return {f"part{i:02d}.txt": (f"{tag}{i:02d}".encode() * FILE_BYTES)[:FILE_BYTES] for i in range(FILES)}


# Publishes the sets read from the given folders in turn, for ever, until it is killed: the code path of
# every `taiyaku run` / `align` publication.
PUBLISHER = """
import itertools, sys
from pathlib import Path
from taiyaku.publish.manifest import write_publication
sets = [{p.name: p.read_bytes() for p in Path(folder).iterdir()} for folder in sys.argv[2:]]
for n in itertools.count():
    write_publication(sys.argv[1], sets[n % len(sets)])
    print(n, flush=True)
"""


def staging_folders(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p.is_dir())


def state_of(out: Path, sets: dict[str, dict[str, bytes]]) -> str:
    """'A' or 'B' when ``out`` verifies as that whole set, 'incomplete' when verification refuses it.
    A folder that verifies but holds anything else fails the test."""
    try:
        verify_publication(out)
    except TaiyakuError as exc:
        assert "\n" not in str(exc) and "publish it again" in str(exc)
        return "incomplete"
    held = {p.name: p.read_bytes() for p in out.iterdir() if p.name != MANIFEST}
    matching = [tag for tag, files in sets.items() if held == files]
    assert len(matching) == 1, "a publication that verifies must be one whole set"
    return matching[0]


def mixed(out: Path, sets: dict[str, dict[str, bytes]]) -> bool:
    """Whether ``out`` holds files of both sets (what a reader without the manifest would have used)."""
    tags = {
        tag
        for p in out.iterdir()
        if p.name != MANIFEST
        for tag, files in sets.items()
        if p.read_bytes() == files[p.name]
    }
    return tags == {"A", "B"}


def start_publisher(out: Path, sources: list[Path]) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(out), *map(str, sources)], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert process.stdout is not None
    process.stdout.readline()  # one whole publication made: from here on every kill interrupts a switch or a write
    return process


def kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    if process.stdout is not None:
        process.stdout.close()


@pytest.mark.integration
def test_sigkill_at_random_moments_never_leaves_an_undetected_mixed_set(tmp_path: Path) -> None:
    out = tmp_path / "aligned" / "doc"
    sets = {"A": publication("A"), "B": publication("B")}
    sources = []
    for tag, files in sets.items():
        (tmp_path / tag).mkdir()
        for name, content in files.items():
            (tmp_path / tag / name).write_bytes(content)
        sources.append(tmp_path / tag)
    chance = random.Random(9)
    seen: dict[str, int] = {}
    mixed_detected = 0
    for attempt in range(24):
        process = start_publisher(out, sources)
        if attempt % 3 == 0:
            time.sleep(chance.uniform(0, 0.4))  # anywhere: writing the staging folder, switching, cleaning
        else:
            # The moment the switch begins (the old manifest is gone), or its first rename is done.
            first = (out / "part00.txt").stat().st_ino
            deadline = time.monotonic() + 30
            while (out / MANIFEST).exists() and time.monotonic() < deadline:
                pass
            while attempt % 3 == 2 and (out / "part00.txt").stat().st_ino == first and time.monotonic() < deadline:
                pass
        kill(process)
        state = state_of(out, sets)
        seen[state] = seen.get(state, 0) + 1
        mixed_detected += state == "incomplete" and mixed(out, sets)
        assert len(staging_folders(out)) <= 1  # each run removed the staging folder the last kill left
    # The kills did land between renames: mixed sets happened, and every one was detected.
    assert seen.get("incomplete", 0) >= 1 and mixed_detected >= 1, seen
    assert seen.get("A", 0) + seen.get("B", 0) >= 1, seen
    # The next publication cleans up after the killed one and is whole again.
    write_publication(out, sets["A"])
    assert state_of(out, sets) == "A"
    assert staging_folders(out) == []


def test_a_publication_verifies_and_its_manifest_is_deterministic(tmp_path: Path) -> None:
    files = {"corpus.jsonl": "{}\n", "report.html": "<p>報告</p>\n"}
    write_publication(tmp_path / "a", files)
    write_publication(tmp_path / "b", dict(reversed(files.items())))
    verify_publication(tmp_path / "a")
    manifest = (tmp_path / "a" / MANIFEST).read_text(encoding="utf-8")
    assert manifest == (tmp_path / "b" / MANIFEST).read_text(encoding="utf-8") == render_manifest(files)
    listed = json.loads(manifest)["files"]
    assert [(f["name"], f["bytes"]) for f in listed] == [("corpus.jsonl", 3), ("report.html", 14)]
    assert listed[1]["sha256"] == hashlib.sha256("<p>報告</p>\n".encode()).hexdigest()


def _damage(out: Path, how: str) -> None:
    if how == "manifest missing (killed after removing it)":
        (out / MANIFEST).unlink()
    elif how == "report old, corpus new (killed between renames)":
        (out / "corpus.jsonl").write_text('{"id":"b0","ja":"新","en":"new"}\n', encoding="utf-8")
    elif how == "a listed file missing":
        (out / "report.html").unlink()
    elif how == "corpus edited by hand":
        (out / "corpus.jsonl").write_text((out / "corpus.jsonl").read_text(encoding="utf-8").replace("b1", "b7"))
    elif how == "manifest not JSON":
        (out / MANIFEST).write_bytes(b"\xff\xfe not json")
    elif how == "manifest lists a file outside the folder":
        (out / MANIFEST).write_text('{"files": [{"name": "../x", "bytes": 0, "sha256": ""}]}', encoding="utf-8")
    elif how == "manifest of the wrong shape":
        (out / MANIFEST).write_text('{"files": {"corpus.jsonl": "x"}}', encoding="utf-8")


DAMAGE = [
    "manifest missing (killed after removing it)",
    "report old, corpus new (killed between renames)",
    "a listed file missing",
    "corpus edited by hand",
    "manifest not JSON",
    "manifest lists a file outside the folder",
    "manifest of the wrong shape",
]


def _published(out: Path) -> None:
    corpus = '{"id":"b0","ja":"一。","en":"One."}\n{"id":"b1","ja":"二。","en":"Two."}\n'
    write_publication(out, {"corpus.jsonl": corpus, "report.html": "<p>b0 b1</p>\n"})


@pytest.mark.parametrize("how", DAMAGE)
def test_an_incomplete_or_altered_publication_is_detected(tmp_path: Path, how: str) -> None:
    out = tmp_path / "doc"
    _published(out)
    _damage(out, how)
    with pytest.raises(TaiyakuError, match="publish it again") as caught:
        verify_publication(out)
    assert "\n" not in str(caught.value)


def test_nothing_published_is_its_own_error(tmp_path: Path) -> None:
    with pytest.raises(TaiyakuError, match="nothing is published here"):
        verify_publication(tmp_path / "never")


@pytest.mark.parametrize("how", ["manifest missing (killed after removing it)", "corpus edited by hand"])
def test_correct_merge_refuses_bead_ids_of_an_unverified_publication(
    tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "corpora" / "doc"
    folder.mkdir(parents=True)
    (folder / "ja.txt").write_text("一。二。\n", encoding="utf-8")
    (folder / "en.txt").write_text("One. Two.\n", encoding="utf-8")
    (folder / "statement.toml").write_text('id = "doc"\n[ja]\nsource = "ja.txt"\n[en]\nsource = "en.txt"\n')
    aligned = tmp_path / "aligned"
    _published(aligned / "doc")
    merge = ["correct", str(folder), "--merge", "b0", "b1", "--aligned", str(aligned)]
    _damage(aligned / "doc", how)
    assert main(merge) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("taiyaku: error: ") and "publish it again" in err
    assert not (folder / "corrections.jsonl").exists()
    _published(aligned / "doc")  # published whole again: the same merge is recorded
    assert main(merge) == 0
    assert json.loads((folder / "corrections.jsonl").read_text(encoding="utf-8"))["ja"] == "一。二。"


def test_stale_staging_folders_are_removed_but_not_those_of_another_output(tmp_path: Path) -> None:
    aligned = tmp_path / "aligned"
    stale = [aligned / ".doc.k2j4x_9a.staging", aligned / ".doc.00000000.staging"]
    other = aligned / ".doc.v2.abcdefgh.staging"  # the staging folder of aligned/doc.v2, not of aligned/doc
    for folder in [*stale, other]:
        folder.mkdir(parents=True)
        (folder / "corpus.jsonl").write_text("half", encoding="utf-8")
    _published(aligned / "doc")
    assert sorted(p.name for p in aligned.iterdir()) == sorted(["doc", other.name])


def test_a_failed_publication_keeps_the_old_manifest_valid(tmp_path: Path) -> None:
    out = tmp_path / "doc"
    _published(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    class Exploding(str):
        def encode(self, *args: object, **kwargs: object) -> bytes:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_publication(out, {"corpus.jsonl": "new\n", "report.html": Exploding("new")})
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    verify_publication(out)
    assert staging_folders(out) == []


def test_the_corpus_format_readers_still_read_a_verified_publication(tmp_path: Path) -> None:
    from taiyaku.model import BeadRecord
    from taiyaku.publish.corpus import read_corpus

    records = [BeadRecord("b0", "一。", "One.", ((0, 2),), ((0, 4),), "1-1", 0.99)]
    write_publication(tmp_path / "doc", {"corpus.jsonl": render_jsonl(records)})
    verify_publication(tmp_path / "doc")
    assert [r.id for r in read_corpus(tmp_path / "doc" / "corpus.jsonl")] == ["b0"]


def test_run_refresh_republishes_an_interrupted_publication_of_unchanged_sources(
    prefect_harness: None, server: ScriptedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `run --refresh` said "sources unchanged, nothing to do" whenever a corpus.jsonl existed, even one a
    # killed publication had left beside an old report.
    from taiyaku.corpora.snapshots import add_statement

    ja = server.route(
        "/ja.txt", Reply(200, "東京で対話を開催した。双方は協力を確認した。\n".encode(), {"Content-Type": "text/plain"})
    )
    en = server.route(
        "/en.html",
        Reply(200, b"<p>The dialogue was held in Tokyo. Both sides agreed.</p>\n", {"Content-Type": "text/html"}),
    )
    statement = add_statement("doc", ja, en, corpora_dir=tmp_path / "c")
    aligned = tmp_path / "aligned"
    run = ["run", str(statement.folder), "--aligned", str(aligned), "--refresh"]
    assert main(run) == 0
    assert "nothing to do" not in capsys.readouterr().out
    assert main(run) == 0
    assert "sources unchanged, nothing to do" in capsys.readouterr().out
    (aligned / "doc" / MANIFEST).unlink()  # as a kill between the renames leaves it
    assert main(run) == 0
    assert "nothing to do" not in capsys.readouterr().out
    verify_publication(aligned / "doc")
