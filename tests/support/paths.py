"""Where the tests' data lives: the repository, its statements and glossaries, and ../shared beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TEST_DATA = REPO / "tests" / "data"
SEED_GOLD = TEST_DATA / "seed_gold.tsv"
STATEMENT_DIR = REPO / "corpora" / "us-japan-internet-economy-2014"
PROJECT_GLOSSARY = REPO / "corpora" / "glossaries" / "ict-policy.tsv"
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_83b25bb711020d7d.txt"


def shared_or_skip(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear message where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs the shared evaluation data beside the repo")
    return path
