"""The documents of a release: the dataset card (``README.md``), ``catalog.json``, ``index.html``, ``CHANGES``
and ``SHA256SUMS``.

Every value that comes from a statement (titles, publishers, URLs, licences) is untrusted: the HTML page
escapes it (a Jinja2 template with autoescaping), the card escapes it for Markdown tables and HTML, and the
YAML metadata writes every string as a JSON string (valid YAML).  Nothing here reads the clock.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from taiyaku import __version__
from taiyaku.errors import TaiyakuError
from taiyaku.publish.corpus import read_utf8
from taiyaku.release.published import PublishedStatement
from taiyaku.release.splits import EXCLUSIONS, SPLIT_RATIOS, SPLITS, SplitCounts
from taiyaku.templates import html_template

CATALOG = "catalog.json"
# Hugging Face licence identifiers a statement's `license` may use as they are (lower-cased).
_HF_LICENCES = re.compile(r"^(cc0-1\.0|cc-by(-sa|-nd|-nc|-nc-sa|-nc-nd)?-[234]\.0|apache-2\.0|mit|odc-by|pddl|other)$")
_SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"))


@dataclass(frozen=True, slots=True)
class EvalFigures:
    """Alignment quality on one evaluation set, from a ``report.json`` of ``taiyaku eval --out``."""

    set_name: str
    documents: int
    gold_units: int
    precision: float
    recall: float
    f1: float
    high_confidence_beads: int
    high_confidence_accuracy: float


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    """Everything the documents of a release state."""

    version: str
    date: str
    min_score: float
    statements: Sequence[PublishedStatement]
    split: Mapping[str, str]
    excluded: Mapping[tuple[str, str], str | None]
    counts: Mapping[str, SplitCounts]
    eval_figures: Sequence[EvalFigures]
    previous: Mapping[str, object] | None

    def pairs_of(self, statement: PublishedStatement) -> int:
        return sum(self.excluded[(statement.id, r.id)] is None for r in statement.records)

    @property
    def beads(self) -> int:
        return sum(len(s.records) for s in self.statements)

    @property
    def pairs(self) -> int:
        return sum(counts.pairs for counts in self.counts.values())

    @property
    def reviewed(self) -> int:
        return sum(s.reviewed for s in self.statements)


def _number(data: Mapping[str, object], key: str, where: str) -> float:
    value = data.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TaiyakuError(where, f"not a report.json of `taiyaku eval --out`: '{key}' is not a number")
    return float(value)


def read_eval_figures(path: Path) -> EvalFigures:
    """The figures of a ``report.json`` written by ``taiyaku eval SET --out PRED_DIR``."""
    where = str(path)
    try:
        data = json.loads(read_utf8(path, "evaluation report"))
    except json.JSONDecodeError as exc:
        raise TaiyakuError(where, f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("set"), str):
        raise TaiyakuError(where, "not a report.json of `taiyaku eval --out` (no 'set')")
    high = data.get("high_confidence")
    high = high if isinstance(high, dict) else {}
    return EvalFigures(
        set_name=data["set"],
        documents=int(_number(data, "documents", where)),
        gold_units=int(_number(data, "gold_units", where)),
        precision=_number(data, "link_precision", where),
        recall=_number(data, "link_recall", where),
        f1=_number(data, "link_f1", where),
        high_confidence_beads=int(_number(high, "beads", where)) if "beads" in high else 0,
        high_confidence_accuracy=_number(high, "accuracy", where) if "accuracy" in high else 0.0,
    )


def previous_release(out_dir: Path, *, exclude: str) -> dict[str, object] | None:
    """The catalog of the newest release in ``out_dir`` other than ``exclude`` (by its date, then version),
    or None.  A folder whose catalog cannot be read is not a release of taiyaku's and is passed over."""
    if not out_dir.is_dir():
        return None
    catalogs = []
    for folder in out_dir.iterdir():
        if folder.name == exclude or folder.name.startswith(".") or not (folder / CATALOG).is_file():
            continue
        try:
            catalog = json.loads((folder / CATALOG).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(catalog, dict) and isinstance(catalog.get("statements"), list):
            catalogs.append((str(catalog.get("date", "")), folder.name, catalog))
    return max(catalogs, key=lambda item: item[:2])[2] if catalogs else None


# --- catalog.json --------------------------------------------------------------------------------------


def _statement_entry(facts: ReleaseFacts, statement: PublishedStatement) -> dict[str, object]:
    beads = len(statement.records)
    return {
        "id": statement.id,
        "title": statement.title,
        "date": statement.date,
        "publisher": statement.publisher,
        "license": statement.license,
        "source_urls": list(statement.source_urls),
        "split": facts.split[statement.id],
        "beads": beads,
        "bilingual_beads": sum(r.bilingual for r in statement.records),
        "pairs_in_release": facts.pairs_of(statement),
        "mean_score": statement.mean_score,
        "needs_review": statement.needs_review,
        "reviewed": statement.reviewed,
        "reviewed_share": round(statement.reviewed / beads, 4) if beads else 0.0,
        "taiyaku_version": statement.taiyaku_version,
        "report": f"reports/{statement.id}.html",
        "content_sha256": statement.content_sha256,
    }


def render_catalog(facts: ReleaseFacts) -> str:
    catalog = {
        "release": facts.version,
        "date": facts.date,
        "taiyaku_version": __version__,
        "min_score": facts.min_score,
        "split_ratios": dict(SPLIT_RATIOS),
        "splits": {name: facts.counts[name].to_dict() for name in SPLITS},
        "beads": facts.beads,
        "pairs": facts.pairs,
        "reviewed": facts.reviewed,
        "statements": [_statement_entry(facts, statement) for statement in facts.statements],
    }
    return json.dumps(catalog, ensure_ascii=False, indent=1) + "\n"


# --- index.html ----------------------------------------------------------------------------------------


def render_index(facts: ReleaseFacts) -> str:
    rows = [
        {**_statement_entry(facts, statement), "report_href": quote(f"reports/{statement.id}.html")}
        for statement in facts.statements
    ]
    return html_template("release/templates", "index.html.j2").render(
        facts=facts,
        rows=rows,
        splits=[(name, facts.counts[name]) for name in SPLITS],
        exclusions=EXCLUSIONS,
        taiyaku_version=__version__,
    )


# --- README.md: the dataset card -----------------------------------------------------------------------


def _cell(text: str) -> str:
    """Untrusted text in a Markdown table cell: HTML escaped, no line breaks, pipes escaped."""
    return html.escape(" ".join(text.split())).replace("|", "\\|") or "–"


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def dataset_licence(statements: Sequence[PublishedStatement]) -> str:
    """The card's ``license``: the statements' common licence when it is a Hugging Face identifier,
    otherwise ``other`` (the card lists every statement's)."""
    licences = {statement.license.strip().lower() for statement in statements}
    if len(licences) == 1:
        (licence,) = licences
        if _HF_LICENCES.match(licence):
            return licence
    return "other"


def _size_category(pairs: int) -> str:
    return next((name for bound, name in _SIZE_CATEGORIES if pairs < bound), "n>1M")


def _yaml_header(facts: ReleaseFacts) -> list[str]:
    licence = dataset_licence(facts.statements)
    lines = [
        "---",
        "language:",
        "- ja",
        "- en",
        f"license: {licence}",
    ]
    if licence == "other":
        lines.append(f"license_name: {_yaml('per-statement licences, listed in this card')}")
    lines += [
        "task_categories:",
        "- translation",
        "multilinguality:",
        "- translation",
        "size_categories:",
        f"- {_size_category(facts.pairs)}",
        f"pretty_name: {_yaml(f'taiyaku parallel corpus {facts.version}')}",
        "tags:",
        "- parallel-corpus",
        "- sentence-alignment",
        "- japanese-english",
        "configs:",
        "- config_name: default",
        "  default: true",
        "  data_files:",
    ]
    for name in SPLITS:
        if facts.counts[name].pairs:
            lines += [f"  - split: {'validation' if name == 'dev' else name}", f"    path: parquet/{name}.parquet"]
    lines += [
        "- config_name: all_beads",
        "  data_files:",
        "  - split: train",
        "    path: all_beads/corpus.parquet",
        "---",
    ]
    return lines


def _quality_section(facts: ReleaseFacts) -> list[str]:
    if not facts.eval_figures:
        return [
            "Alignment quality was not measured for this release (build it with `--eval PRED_DIR/report.json`,",
            "the figures `taiyaku eval SET --out PRED_DIR` writes for an evaluation set).",
        ]
    lines = [
        "Measured with this taiyaku on gold-aligned evaluation sets (`taiyaku eval`: link precision, recall and",
        "F1 of the pipeline's beads against the translators' own segments; \"score ≥ 0.9\" is the share of",
        "beads scoring at least 0.9 that are right):",
        "",
        "| set | documents | gold units | link precision | link recall | link F1 | beads ≥ 0.9 | correct |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in facts.eval_figures:
        lines.append(
            f"| {_cell(f.set_name)} | {f.documents:,} | {f.gold_units:,} | {f.precision:.4f} | {f.recall:.4f} | "
            f"**{f.f1:.4f}** | {f.high_confidence_beads:,} | {f.high_confidence_accuracy:.2%} |"
        )
    return lines


def render_dataset_card(facts: ReleaseFacts) -> str:
    statements = facts.statements
    needs_review = sum(s.needs_review for s in statements)
    excluded = {reason: sum(c.excluded[reason] for c in facts.counts.values()) for reason in EXCLUSIONS}
    versions = sorted({s.taiyaku_version for s in statements if s.taiyaku_version})
    lines = [
        *_yaml_header(facts),
        "",
        f"# taiyaku Japanese–English parallel corpus, release {html.escape(facts.version)}",
        "",
        f"{len(statements):,} Japanese–English document pairs (statements), aligned sentence by sentence by",
        f"taiyaku {__version__}: {facts.beads:,} aligned beads, of which {facts.pairs:,}",
        f"sentence pairs are in the MT files (score ≥ {facts.min_score}). Release date {facts.date}.",
        "",
        "## Files",
        "",
        "| file | contents |",
        "|---|---|",
        "| `train.ja` `train.en`, `dev.*`, `test.*` | Moses-style plain text: line *n* of `.ja` and `.en` are one"
        " pair; one bead a line (a bead may hold two or three sentences of one side) |",
        "| `parquet/{train,dev,test}.parquet` | the same pairs with `statement_id`, `bead_id`, `type`, `score`,"
        ' `flags`, `date`, `publisher`: `datasets.load_dataset("parquet", data_dir="parquet")` (dev is the'
        " `validation` split) |",
        "| `corpus.jsonl` | every bead of every statement, unaligned and excluded ones too: `statement_id`,"
        " `bead_id`, `date`, `publisher`, `ja`, `en`, `type`, `score`, `flags`, `split`, `excluded` (why it is"
        ' not in the MT files, or null): `load_dataset("json", data_files="corpus.jsonl")`; the same rows in'
        " `all_beads/corpus.parquet` (the card's configuration `all_beads`) |",
        "| `corpus.tmx` | TMX 1.4b, every bead with text on both sides, `tuid` = `<statement_id>/<bead_id>` |",
        "| `catalog.json`, `index.html` | every statement: title, date, publisher, licence, source URLs, bead"
        " counts, mean confidence, reviewed share, its alignment report (`reports/<id>.html`) |",
        "| `CHANGES` | statements added, changed and removed since the previous release |",
        "| `SHA256SUMS` | `sha256sum -c SHA256SUMS` checks every file |",
        "",
        "## Splits",
        "",
        "By statement, so that no document is in two splits: a statement's split is a fixed function of its id",
        "(the first 8 bytes of the SHA-256 of the id, as a fraction, against the ratios "
        + ", ".join(f"{name} {ratio:.0%}" for name, ratio in SPLIT_RATIOS)
        + " of statements). A statement keeps its split from release to release. Left out of the MT files and",
        "counted: beads without text on one side (`unaligned`), beads scoring below the release's minimum",
        f"score {facts.min_score} (`below-min-score`), and exact duplicates of a pair already kept (`duplicate`:",
        "train is filled first, then dev, then test, so a pair never appears in two splits).",
        "",
        "| split | statements | pairs | unaligned | below-min-score | duplicate |",
        "|---|---|---|---|---|---|",
    ]
    for name in SPLITS:
        c = facts.counts[name]
        lines.append(
            f"| {name} | {c.statements:,} | {c.pairs:,} | "
            + " | ".join(f"{c.excluded[reason]:,}" for reason in EXCLUSIONS)
            + " |"
        )
    lines += [
        f"| all | {len(statements):,} | {facts.pairs:,} | "
        + " | ".join(f"{excluded[reason]:,}" for reason in EXCLUSIONS)
        + " |",
        "",
        "## How it was built",
        "",
        f"Each statement's two documents were aligned by taiyaku ({', '.join(versions) or 'version not recorded'}):",
        "text extraction with character offsets, sentence segmentation (GiNZA for Japanese, spaCy for English),",
        "a dynamic-programming aligner over 1-1, 1-2, 2-1, 2-2, 1-3, 3-1, 1-0 and 0-1 beads with lexical",
        "evidence (JMdict, names, loanwords, numbers, glossary terms), and a calibrated confidence per bead",
        f"(`score`: the probability that the bead is right). This release was assembled by taiyaku {__version__}",
        "(`taiyaku release`) from the published corpora, each checked against its publication manifest.",
        "",
        *_quality_section(facts),
        "",
        "### Review status",
        "",
        f"{facts.reviewed:,} of {facts.beads:,} beads ({facts.reviewed / facts.beads if facts.beads else 0:.1%})"
        " were confirmed by a reviewer (flag `reviewed`, score 1.0);",
        f"{needs_review:,} are flagged `needs-review` (score below 0.9 or a terminology error, not confirmed).",
        "",
        "## Statements, sources and licences",
        "",
        "| id | title | date | publisher | licence | sources | split | beads | pairs | mean score | reviewed |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in statements:
        sources = " ".join(f"<{html.escape(url)}>" for url in s.source_urls).replace("|", "%7C") or "–"
        lines.append(
            f"| {_cell(s.id)} | {_cell(s.title)} | {_cell(s.date)} | {_cell(s.publisher)} | "
            f"{_cell(s.license or 'not stated')} | {sources} | {facts.split[s.id]} | {len(s.records):,} | "
            f"{facts.pairs_of(s):,} | {s.mean_score:.4f} | {s.reviewed:,} |"
        )
    lines += [
        "",
        "## Licence",
        "",
        'Each statement\'s texts are under the licence its row states (from its `statement.toml`; "not stated":',
        "check the source before reuse). The alignment (bead boundaries, scores, flags) is a product of taiyaku.",
        "Statement texts are reproduced as published; their rights stay with their publishers.",
        "",
    ]
    return "\n".join(lines)


# --- CHANGES and SHA256SUMS ----------------------------------------------------------------------------


def render_changes(facts: ReleaseFacts) -> str:
    current = {s.id: s for s in facts.statements}
    header = f"taiyaku corpus release {facts.version} ({facts.date})"
    if facts.previous is None:
        lines = [f"{header}: the first release", "", f"added ({len(current)}):"]
        lines += [f"  {s.id}  {' '.join(s.title.split())}" for s in facts.statements]
        return "\n".join(lines) + "\n"
    entries = facts.previous.get("statements")
    before: dict[str, Mapping[str, object]] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            before[entry["id"]] = entry
    added = [current[i] for i in sorted(current.keys() - before.keys())]
    removed = sorted(before.keys() - current.keys())
    changed = [
        current[i]
        for i in sorted(current.keys() & before.keys())
        if before[i].get("content_sha256") != current[i].content_sha256
    ]
    lines = [f"{header} against {facts.previous.get('release')} ({facts.previous.get('date')})", ""]
    lines.append(f"added ({len(added)}):")
    lines += [f"  {s.id}  {' '.join(s.title.split())}" for s in added]
    lines.append(f"changed ({len(changed)}):")
    for s in changed:
        old = before[s.id]
        lines.append(
            f"  {s.id}  beads {old.get('beads')} -> {len(s.records)}, pairs {old.get('pairs_in_release')} -> "
            f"{facts.pairs_of(s)}, reviewed {old.get('reviewed')} -> {s.reviewed}"
        )
    lines.append(f"removed ({len(removed)}):")
    lines += [f"  {statement_id}" for statement_id in removed]
    unchanged = len(current) - len(added) - len(changed)
    lines.append(f"unchanged: {unchanged}")
    return "\n".join(lines) + "\n"


def render_sha256sums(files: Mapping[str, str | bytes]) -> str:
    """``sha256sum`` format (two spaces, the relative name), sorted by name: ``sha256sum -c`` checks it."""
    lines = []
    for name in sorted(files):
        content = files[name]
        data = content.encode("utf-8") if isinstance(content, str) else content
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
    return "\n".join(lines) + "\n"
