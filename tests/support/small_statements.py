"""Small registered statements for the run-all tests: a three-sentence Japanese text and its English page."""

from __future__ import annotations

import hashlib
from pathlib import Path

JAPANESE = (
    "日米両政府は、東京で第五回インターネットエコノミー対話を開催した。\n"
    "双方は、サイバーセキュリティの分野で協力を強化することを確認した。\n"
    "次回の会合はワシントンで開催される予定である。\n"
)
ENGLISH = (
    "<p>The governments of Japan and the United States held the fifth Internet Economy dialogue in Tokyo.</p>\n"
    "<p>Both sides confirmed that they will strengthen their cooperation in the field of cybersecurity.</p>\n"
    "<p>The next meeting is expected to be held in Washington.</p>\n"
)


def statement(corpora: Path, name: str, *, ja: str = JAPANESE, sid: str = "", ja_source: str = "ja.txt") -> Path:
    """``corpora/<name>/`` with ``ja.txt`` (its sha256 pinned), ``en.html`` and ``statement.toml``."""
    folder = corpora / name
    folder.mkdir(parents=True)
    (folder / "ja.txt").write_text(ja, encoding="utf-8")
    (folder / "en.html").write_text(ENGLISH, encoding="utf-8")
    sha = hashlib.sha256(ja.encode("utf-8")).hexdigest()
    (folder / "statement.toml").write_text(
        f'id = "{sid or name}"\ntitle = "{name}"\n[ja]\nsource = "{ja_source}"\nsha256 = "{sha}"\n'
        '[en]\nsource = "en.html"\n',
        encoding="utf-8",
    )
    return folder
