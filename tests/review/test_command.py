"""`taiyaku review`: serves the workbench on 127.0.0.1, prints the URL, refuses what is not a statement."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from support.statements import seed_copy

from taiyaku.cli import main

pytestmark = pytest.mark.integration

TAIYAKU = str(Path(sys.executable).with_name("taiyaku"))


def test_review_serves_the_statement_on_the_loopback_and_prints_the_url(tmp_path: Path) -> None:
    statement = seed_copy(tmp_path)
    aligned = tmp_path / "aligned" / statement.name
    # Given the published folder, it finds the statement under --corpora.
    command = [TAIYAKU, "review", str(aligned), "--corpora", str(statement.parent), "--no-browser", "--reviewer", "R"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"review workbench at (http://127\.0\.0\.1:\d+/)", line)
        assert match, line
        with httpx.Client(trust_env=False) as client:
            page = client.get(match.group(1))
            assert page.status_code == 200 and 'reviewer <span id="reviewer">R</span>' in page.text
            beads = client.get(match.group(1) + "api/beads", params={"filter": "all"}).json()
            assert beads["progress"]["text"] == "0 of 52 beads confirmed, 13 need review"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert "reading and segmenting both sources" in stderr


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("nowhere", "neither a statement folder (corpora/<id>) nor a published one (aligned/<id>)"),
        ("aligned-without-statement", "a published corpus, but no statement"),
        ("unpublished", "nothing is published here (run taiyaku run first)"),
    ],
)
def test_review_refuses_what_it_cannot_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, problem: str
) -> None:
    if target == "aligned-without-statement":
        (tmp_path / target).mkdir()
        (tmp_path / target / "manifest.json").write_text("{}", encoding="utf-8")
        (tmp_path / "corpora").mkdir()
    if target == "unpublished":
        statement = tmp_path / "corpora" / target
        statement.mkdir(parents=True)
        (statement / "statement.toml").write_text(
            'id = "unpublished"\n[ja]\nsource = "ja.txt"\n[en]\nsource = "en.txt"\n', encoding="utf-8"
        )
        for side in ("ja", "en"):
            (statement / f"{side}.txt").write_text("text\n", encoding="utf-8")
        target = str(statement)
    code = main(
        [
            "review",
            str(tmp_path / target) if "/" not in target else target,
            "--no-browser",
            "--corpora",
            str(tmp_path / "corpora"),
            "--aligned",
            str(tmp_path / "aligned"),
        ]
    )
    assert code == 1
    error = capsys.readouterr().err
    assert error.startswith("taiyaku: error: ") and problem in error and error.count("\n") == 1
