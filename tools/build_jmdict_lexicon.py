"""Build taiyaku/data/jmdict-en.tsv.gz, the compact Japanese→English lexicon the aligner uses.

Source: JMdict (© the Electronic Dictionary Research and Development Group, EDRDG, CC BY-SA 4.0),
as packaged on PyPI in ``jamdict-data`` (an SQLite build of JMdict).  Install the build-time inputs with
``pip install 'jamdict-data==1.5'`` (not a run-time dependency: the output file is committed), then run
``python tools/build_jmdict_lexicon.py``.  The output is deterministic (sorted, fixed gzip mtime).

Each line: ``headword<TAB>word word ...``: the lower-cased English content words of the entry's first
senses (parenthesised remarks and stop words removed).  Headwords are the kanji forms, plus the kana
forms of entries written in kana only and those JMdict marks as no reading of the kanji (``re_nokanji``).
"""

from __future__ import annotations

import gzip
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

MAX_SENSES = 3  # later senses are rare readings that mostly add false matches
MAX_WORDS = 10
STOP_WORDS = """a an the to of in on at by for with from as be is are was were been being or and not no nor
    one's someone something somebody oneself it its this that these those etc e.g i.e. into onto
    up out off over under about such very much more most some any each other another own same so
    than too can could will would shall should may might must do does did done have has had having
    who whom which what when where why how all both either neither"""
STOP = frozenset(STOP_WORDS.split())
WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
PAREN = re.compile(r"\([^)]*\)")


def gloss_words(gloss: str) -> list[str]:
    text = PAREN.sub(" ", gloss.lower())
    return [w for w in WORD.findall(text) if w not in STOP and len(w) > 1]


def main(out_path: Path) -> None:
    import jamdict_data  # build-time only

    db = Path(jamdict_data.__file__).with_name("jamdict.db")
    con = sqlite3.connect(db)
    senses: dict[int, list[int]] = defaultdict(list)
    for sid, idseq in con.execute("SELECT ID, idseq FROM Sense ORDER BY idseq, ID"):
        senses[idseq].append(sid)
    glosses: dict[int, list[str]] = defaultdict(list)
    for sid, text in con.execute("SELECT sid, text FROM SenseGloss WHERE lang='eng' OR lang IS NULL"):
        glosses[sid].append(text)
    words_of_entry: dict[int, list[str]] = {}
    for idseq, sids in senses.items():
        words: list[str] = []
        for sid in sids[:MAX_SENSES]:
            for gloss in glosses.get(sid, []):
                for word in gloss_words(gloss):
                    if word not in words:
                        words.append(word)
        if words:
            words_of_entry[idseq] = words[:MAX_WORDS]
    lexicon: dict[str, list[str]] = defaultdict(list)
    has_kanji = {idseq for (idseq,) in con.execute("SELECT DISTINCT idseq FROM Kanji")}
    rows = list(con.execute("SELECT idseq, text FROM Kanji ORDER BY idseq, ID"))
    rows += [
        (idseq, text)
        for idseq, text, nokanji in con.execute("SELECT idseq, text, nokanji FROM Kana ORDER BY idseq, ID")
        if idseq not in has_kanji or nokanji
    ]
    for idseq, headword in rows:
        for word in words_of_entry.get(idseq, []):
            if word not in lexicon[headword] and len(lexicon[headword]) < 2 * MAX_WORDS:
                lexicon[headword].append(word)
    lines = [f"{head}\t{' '.join(words)}\n" for head, words in sorted(lexicon.items()) if words]
    payload = "".join(lines).encode("utf-8")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(payload)
    print(f"{out_path}: {len(lines)} headwords, {out_path.stat().st_size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main(Path(__file__).resolve().parents[1] / "taiyaku" / "data" / "jmdict-en.tsv.gz")
