"""The workbench's state: one statement's beads as the reviewer is fixing them, and the actions on them.

Where the state lives: nowhere but in memory and in ``corpora/<id>/corrections.jsonl``.  On start the
workbench reads the published corpus (``aligned/<id>/corpus.jsonl`` and the findings of ``report.json``,
checked against ``manifest.json``), segments both sources again (the published spans name the sentences)
and applies the corrections in force that the publication does not reflect yet.  Every action is appended
to the corrections file at once, under the statement lock, and only the stretch it touches is aligned
again: the beads between the nearest confirmed beads around it (at most :data:`CONTEXT_BEADS` on each
side, whose outer boundaries are kept), with :func:`taiyaku.align.align_with_corrections`.  The
published corpus under ``aligned/`` is only ever rewritten by ``taiyaku run``; the workbench writes
nothing but the corrections file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import secrets
import threading
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from taiyaku import pipeline
from taiyaku.align import align_with_corrections
from taiyaku.align.constrained import SentenceIndex, locate_corrections
from taiyaku.corpora.corrections import (
    CORRECTIONS_FILE,
    CorrectionsFile,
    append_lines,
    parse_corrections,
    read_existing,
)
from taiyaku.corpora.snapshots import sha256_file, verify_snapshot
from taiyaku.corpora.statement import Statement, load_statement, statement_lock
from taiyaku.errors import TaiyakuError
from taiyaku.model import (
    PAGE_SEPARATOR,
    Bead,
    BeadFlag,
    CheckId,
    Correction,
    Decision,
    Finding,
    FindingDecision,
    Lang,
    Segment,
    Severity,
    SourceDocument,
    needs_review,
)
from taiyaku.publish.corpus import read_bytes, read_corpus
from taiyaku.publish.manifest import verify_publication
from taiyaku.publish.records import join_segments
from taiyaku.terms import check_terms
from taiyaku.terms.glossary import Glossary

# How far around an action the beads are aligned again when no confirmed bead is nearer: enough for the
# aligner to find a 1-3 or 3-1 bead, small enough that an action on a book-length document stays quick.
CONTEXT_BEADS = 8
PAGE_SIZE = 50
# Characters of the decoded source shown on each side of a sentence's span ("original context").
CONTEXT_CHARS = 200
FILTERS = ("review", "findings", "extraction", "unconfirmed", "all")
Side = str  # "ja" or "en"
BeadRuns = tuple[tuple[int, ...], tuple[int, ...]]  # a bead's Japanese and English sentence indices


class StaleView(TaiyakuError):
    """The page shows something that is no longer so (the corpus was published again, another tab changed
    the bead): the action is refused and the page told to reload."""


@dataclass(slots=True)
class BeadState:
    """A bead as the workbench shows it: its sentences, score and flags, and the findings on it."""

    ja: tuple[int, ...]
    en: tuple[int, ...]
    score: float
    flags: tuple[str, ...]
    findings: list[Finding]
    # needs_review() of this bead, kept until the finding decisions change (a page of a 17,000-bead
    # document's "needs review" filter would otherwise ask it of every bead on every request).
    review: bool | None = None
    reviewed: bool = field(init=False)  # confirmed by a reviewer (flag reviewed); asked of every bead often

    def __post_init__(self) -> None:
        self.reviewed = BeadFlag.REVIEWED in self.flags

    @property
    def signature(self) -> str:
        """What the page must send back to act on this bead: its sentences, so that an action from a page
        that no longer shows this bead is refused instead of applied to another."""
        return f"{_run_text(self.ja)}/{_run_text(self.en)}"


def _run_text(indices: Sequence[int]) -> str:
    return f"{indices[0]}-{indices[-1]}" if indices else "-"


def digest_of(path: Path) -> str:
    """The sha256 of a file, or "" if it is missing: names the publication a page was loaded from."""
    try:
        return sha256_file(path)
    except FileNotFoundError:
        return ""


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a container)
        return ""


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class Workbench:
    """One statement under review.  Every public method is safe to call from several threads at once."""

    def __init__(
        self,
        statement_dir: str | Path,
        aligned_root: str | Path = "aligned",
        reviewer: str | None = None,
        *,
        log: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.statement: Statement = load_statement(statement_dir)
        self.aligned_dir = Path(aligned_root) / self.statement.id
        self.corrections_path = self.statement.folder / CORRECTIONS_FILE
        self.reviewer = default_reviewer() if reviewer is None else reviewer
        self._log = log
        self._lock = threading.RLock()
        self.load()

    # --- loading ------------------------------------------------------------------------------------------

    def load(self) -> None:
        """(Re)build the state from the publication, the sources and the corrections file.

        If that fails half-way, no action is accepted (every one is told to reload) until a load succeeds."""
        with self._lock:
            try:
                self._load()
            except BaseException:
                self.publication = ""  # names no publication: every action is refused as stale
                raise

    def _load(self) -> None:
        verify_snapshot(self.statement)
        verify_publication(self.aligned_dir)
        self.publication = digest_of(self.aligned_dir / "manifest.json")
        records = read_corpus(self.aligned_dir / "corpus.jsonl")
        published_findings = self._published_findings()
        self._log(f"{self.statement.id}: reading and segmenting both sources")
        self.ja_document, self.ja = self._segment(self.statement.ja.source, "ja")
        self.en_document, self.en = self._segment(self.statement.en.source, "en")
        self.glossary: Glossary | None = pipeline.load_glossary(
            str(self.statement.glossary) if self.statement.glossary else None
        )
        self._ja_index, self._en_index = SentenceIndex(self.ja), SentenceIndex(self.en)
        ja_at = {(s.start, s.end): s.index for s in self.ja}
        en_at = {(s.start, s.end): s.index for s in self.en}
        beads: list[BeadState] = []
        for record in records:
            try:
                ja = tuple(ja_at[span] for span in record.ja_spans)
                en = tuple(en_at[span] for span in record.en_spans)
            except KeyError:
                raise TaiyakuError(
                    str(self.aligned_dir / "corpus.jsonl"),
                    f"bead {record.id} does not match the sentences of the current sources "
                    f"(published by another version or from other sources): run `taiyaku run "
                    f"{self.statement.folder}` first",
                ) from None
            flags = tuple(flag for flag in record.flags if flag != BeadFlag.NEEDS_REVIEW)
            beads.append(BeadState(ja, en, record.score, flags, published_findings.get(record.id, [])))
        self.beads = beads
        self._owner_cache: tuple[list[int], list[int]] | None = None
        # What the steps load on first use (the aligner's lexicon among them): here, not in the reviewer's
        # first action.
        for load in pipeline.LOADED_ONCE:
            load()
        self._corrections_bytes = b""
        self._apply_file(read_existing(self.corrections_path))

    def _segment(self, source: str, lang: Lang) -> tuple[SourceDocument, list[Segment]]:
        document = pipeline.pull_source(source)
        return document, pipeline.segment_blocks(pipeline.normalize_document(document, lang), lang)

    def _published_findings(self) -> dict[str, list[Finding]]:
        """The findings of the publication per bead id, those a reviewer dismissed included (the workbench
        shows them struck through, so that a dismissal can be undone)."""
        path = self.aligned_dir / "report.json"
        try:
            report = json.loads(read_bytes(path, "report"))
            listed = [*report["findings"], *report.get("dismissed_findings", [])]
            findings = [
                Finding(
                    bead_id=str(item["bead_id"]),
                    check=CheckId(item["check"]),
                    severity=Severity(item["severity"]),
                    ja_term=str(item["ja_term"]),
                    expected=str(item["expected"]),
                    found=str(item["found"]),
                    message=str(item["message"]),
                )
                for item in listed
            ]
        except (ValueError, KeyError, TypeError):
            raise TaiyakuError(str(path), "not a report taiyaku published: run `taiyaku run` again") from None
        by_bead: dict[str, list[Finding]] = {}
        for finding in findings:
            by_bead.setdefault(finding.bead_id, []).append(finding)
        return by_bead

    # --- the corrections file -----------------------------------------------------------------------------

    def _apply_file(self, content: bytes) -> None:
        """Take the corrections file's content as the truth and bring the beads in line with it."""
        self._corrections_bytes = content
        self.corrections: CorrectionsFile = parse_corrections(content, str(self.corrections_path))
        decisions = {decision.key: decision for decision in self.corrections.decisions}
        if decisions != getattr(self, "decisions", None):
            for bead in getattr(self, "beads", ()):
                bead.review = None
        self.decisions = decisions
        self._reconcile()

    def _reconcile(self) -> None:
        """Align again the stretches where the confirmed beads differ from the corrections in force."""
        located, self.unmatched = locate_corrections(self._ja_index, self._en_index, self.corrections.corrections)
        wanted = {(tuple(range(*ja_run)), tuple(range(*en_run))): position for ja_run, en_run, position in located}
        self._line_of = {
            bead: self.corrections.correction_lines[position] for bead, position in wanted.items()
        }  # which line of the file confirms each confirmed bead
        attempted: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
        while True:
            present = {(b.ja, b.en) for b in self.beads if b.reviewed}
            stale = [(b.ja, b.en) for b in self.beads if b.reviewed and (b.ja, b.en) not in wanted]
            missing = [bead for bead in wanted if bead not in present and not self._confirm_in_place(bead)]
            todo = [bead for bead in [*stale, *missing] if bead not in attempted]
            if not todo:
                return
            attempted.add(todo[0])
            self._realign_around(todo[0], wanted)

    def _confirm_in_place(self, target: BeadRuns) -> bool:
        """Confirm ``target`` where the aligner already made exactly that bead (the common "confirm"):
        forced there, the bead leaves the alignment around it as it is, so nothing needs aligning again."""
        ja_owner, en_owner = self._owners()
        position = ja_owner[target[0][0]] if target[0] else en_owner[target[1][0]]
        bead = self.beads[position]
        if (bead.ja, bead.en) != target:
            return False
        self.beads[position] = BeadState(bead.ja, bead.en, 1.0, (BeadFlag.REVIEWED,), bead.findings)
        return True

    def _realign_around(self, target: BeadRuns, wanted: Mapping[BeadRuns, int]) -> None:
        """Align again the beads around ``target``'s sentences, every correction in force there forced."""
        beads = self.beads
        ja_owner, en_owner = self._owners()
        touching = {ja_owner[i] for i in target[0]} | {en_owner[i] for i in target[1]} or {0}
        low, high = min(touching), max(touching)

        def anchor(position: int) -> bool:
            bead = beads[position]
            return bead.reviewed and bool(bead.ja and bead.en) and (bead.ja, bead.en) in wanted

        steps = 0
        while low > 0 and not anchor(low - 1) and steps < CONTEXT_BEADS:
            low, steps = low - 1, steps + 1
        steps = 0
        while high < len(beads) - 1 and not anchor(high + 1) and steps < CONTEXT_BEADS:
            high, steps = high + 1, steps + 1
        # A correction in force that reaches over the stretch's edge takes the stretch along.
        while True:
            ja_range, en_range = self._ranges(low, high)
            crossing = [
                bead
                for bead in wanted
                if (set(bead[0]) & ja_range or set(bead[1]) & en_range)
                and not (set(bead[0]) <= ja_range and set(bead[1]) <= en_range)
            ]
            if not crossing:
                break
            reach = {ja_owner[i] for c in crossing for i in c[0]} | {en_owner[i] for c in crossing for i in c[1]}
            low, high = min(low, *reach), max(high, *reach)
        ja_range, en_range = self._ranges(low, high)
        ja_sentences, en_sentences = sorted(ja_range), sorted(en_range)
        ja_local = {i: n for n, i in enumerate(ja_sentences)}
        en_local = {i: n for n, i in enumerate(en_sentences)}
        # The corrections in force inside the stretch, told exactly where they were located in the document
        # (the stretch's own sentence numbers), so that a text repeated inside it is forced at the same place.
        inside = [
            dataclasses.replace(
                self.corrections.corrections[position],
                ja_near=ja_local[bead[0][0]] if bead[0] else None,
                en_near=en_local[bead[1][0]] if bead[1] else None,
            )
            for bead, position in wanted.items()
            if set(bead[0]) <= ja_range and set(bead[1]) <= en_range
        ]
        aligned = align_with_corrections(
            [self.ja[i] for i in ja_sentences], [self.en[i] for i in en_sentences], inside, glossary=self.glossary
        ).beads
        new = [
            Bead(n, tuple(ja_sentences[i] for i in b.ja), tuple(en_sentences[i] for i in b.en), b.score, b.flags)
            for n, b in enumerate(aligned)
        ]
        findings = self._findings(new)
        self.beads[low : high + 1] = [
            BeadState(b.ja, b.en, b.score, tuple(str(f) for f in b.flags), findings.get(b.id, [])) for b in new
        ]
        self._owner_cache = None

    def _owners(self) -> tuple[list[int], list[int]]:
        """The position of the bead that holds each Japanese and each English sentence."""
        if self._owner_cache is None:
            ja_owner, en_owner = [0] * len(self.ja), [0] * len(self.en)
            for position, bead in enumerate(self.beads):
                for i in bead.ja:
                    ja_owner[i] = position
                for i in bead.en:
                    en_owner[i] = position
            self._owner_cache = (ja_owner, en_owner)
        return self._owner_cache

    def _ranges(self, low: int, high: int) -> tuple[set[int], set[int]]:
        part = self.beads[low : high + 1]
        return {i for b in part for i in b.ja}, {i for b in part for i in b.en}

    def _findings(self, beads: Sequence[Bead]) -> dict[str, list[Finding]]:
        """The findings of re-aligned beads.  The document-wide consistency check needs the whole document:
        it is left to the next ``taiyaku run``."""
        by_bead: dict[str, list[Finding]] = {}
        for finding in check_terms(beads, self.ja, self.en, self.glossary):
            if finding.check != CheckId.TERM_INCONSISTENT:
                by_bead.setdefault(finding.bead_id, []).append(finding)
        return by_bead

    # --- what the page shows ------------------------------------------------------------------------------

    def texts(self, bead: BeadState) -> tuple[str, str]:
        return (join_segments([self.ja[i] for i in bead.ja], "ja"), join_segments([self.en[i] for i in bead.en], "en"))

    def decision_of(self, bead: BeadState, finding: Finding) -> FindingDecision | None:
        ja, en = self.texts(bead)
        return self.decisions.get(finding.decision_key(ja, en))

    def open_findings(self, bead: BeadState) -> list[Finding]:
        """The findings not dismissed: those that count for "needs review"."""
        return [f for f in bead.findings if (decision := self.decision_of(bead, f)) is None or not decision.dismisses]

    def bead_needs_review(self, bead: BeadState) -> bool:
        if bead.review is None:
            bead.review = needs_review(bead.score, bead.flags, self.open_findings(bead))
        return bead.review

    def extraction_problem(self, bead: BeadState) -> bool:
        """A bead where text extraction or the other document may be at fault: a side starting or ending
        mid-sentence (flagged ``fragment``), a side without counterpart, a stretch the other document does
        not translate, a sentence across a page break, text with replacement characters (bytes that did
        not decode)."""
        if not (bead.ja and bead.en) or {BeadFlag.UNALIGNED, BeadFlag.UNSUPPORTED, BeadFlag.FRAGMENT} & set(bead.flags):
            return True
        for document, segments, indices in ((self.ja_document, self.ja, bead.ja), (self.en_document, self.en, bead.en)):
            for i in indices:
                segment = segments[i]
                if "\ufffd" in segment.text or PAGE_SEPARATOR in document.text[segment.start : segment.end]:
                    return True
        return False

    def _matches(self, bead: BeadState, kind: str, query: str) -> bool:
        if kind == "review" and not self.bead_needs_review(bead):
            return False
        if kind == "findings" and not self.open_findings(bead):
            return False
        if kind == "extraction" and not self.extraction_problem(bead):
            return False
        if kind == "unconfirmed" and bead.reviewed:
            return False
        if query:
            ja, en = self.texts(bead)
            return query in _fold(ja) or query in _fold(en)
        return True

    def progress(self) -> dict[str, object]:
        confirmed = sum(1 for b in self.beads if b.reviewed)
        review = sum(1 for b in self.beads if self.bead_needs_review(b))
        return {
            "beads": len(self.beads),
            "confirmed": confirmed,
            "needs_review": review,
            "text": f"{confirmed} of {len(self.beads)} beads confirmed, {review} need review",
            "unmatched": len(self.unmatched),
            "unreadable": len(self.corrections.unreadable),
            "can_undo": self._last_action() is not None,
        }

    def page(self, kind: str = "all", query: str = "", page: int = 1, page_size: int = PAGE_SIZE) -> dict[str, object]:
        """One page of the beads that pass a filter and a search, with the progress."""
        if kind not in FILTERS:
            raise TaiyakuError("filter", f"unknown filter {kind!r}: one of {', '.join(FILTERS)}")
        with self._lock:
            folded = _fold(query.strip())
            chosen = [p for p, bead in enumerate(self.beads) if self._matches(bead, kind, folded)]
            pages = max(1, -(-len(chosen) // page_size))
            page = min(max(1, page), pages)
            rows = [self.row(p) for p in chosen[(page - 1) * page_size : page * page_size]]
            return {
                "rows": rows,
                "total": len(chosen),
                "page": page,
                "pages": pages,
                "progress": self.progress(),
                "publication": self.publication,
            }

    def row(self, position: int) -> dict[str, object]:
        bead = self.beads[position]
        review = self.bead_needs_review(bead)
        findings = []
        for number, finding in enumerate(bead.findings):
            decision = self.decision_of(bead, finding)
            findings.append(
                {
                    "number": number,
                    "check": str(finding.check),
                    "severity": str(finding.severity),
                    "message": finding.message,
                    "decision": str(decision.decision) if decision else "",
                    "reason": decision.reason if decision else "",
                }
            )
        return {
            "position": position,
            "id": f"b{position}",
            "signature": bead.signature,
            "type": f"{len(bead.ja)}-{len(bead.en)}",
            "score": round(bead.score, 4),
            "flags": (["needs-review"] if review else []) + list(bead.flags),
            "needs_review": review,
            "reviewed": bead.reviewed,
            "extraction": self.extraction_problem(bead),
            "ja": [self.ja[i].text for i in bead.ja],
            "en": [self.en[i].text for i in bead.en],
            "findings": findings,
        }

    def context(self, position: int, signature: str) -> dict[str, list[dict[str, object]]]:
        """Each sentence of a bead in its original context: the decoded source around its span."""
        with self._lock:
            bead = self._bead(position, signature)
            out: dict[str, list[dict[str, object]]] = {}
            for side, document, segments, indices in (
                ("ja", self.ja_document, self.ja, bead.ja),
                ("en", self.en_document, self.en, bead.en),
            ):
                text = document.text
                out[side] = [
                    {
                        "span": [segments[i].start, segments[i].end],
                        "before": text[max(0, segments[i].start - CONTEXT_CHARS) : segments[i].start],
                        "text": text[segments[i].start : segments[i].end],
                        "after": text[segments[i].end : segments[i].end + CONTEXT_CHARS],
                    }
                    for i in indices
                ]
            return out

    # --- actions ------------------------------------------------------------------------------------------

    def _bead(self, position: int, signature: str) -> BeadState:
        if not 0 <= position < len(self.beads) or self.beads[position].signature != signature:
            raise StaleView(
                f"b{position}", "this bead has changed since the page was loaded (another tab?): reload the page"
            )
        return self.beads[position]

    def act(self, action: str, params: Mapping[str, object], publication: str) -> str:
        """Apply one action from the page, record it in the corrections file and re-align what it touches;
        returns what was done, in a sentence."""
        handlers: dict[str, Callable[[Mapping[str, object]], tuple[list[dict[str, object]], str]]] = {
            "merge": self._merge,
            "split": self._split,
            "move": self._move,
            "no-counterpart": self._no_counterpart,
            "confirm": self._confirm,
            "decide": self._decide,
            "undo": self._undo,
        }
        if action not in handlers:
            raise TaiyakuError("action", f"unknown action {action!r}")
        with self._lock, statement_lock(self.statement.folder):
            current = digest_of(self.aligned_dir / "manifest.json")
            if not self.publication or publication != self.publication or current != self.publication:
                raise StaleView(
                    str(self.aligned_dir),
                    "the corpus was published again since this page was loaded: reload the page",
                )
            existing = read_existing(self.corrections_path)
            if existing != self._corrections_bytes:  # another workbench or `taiyaku correct` wrote meanwhile
                self._apply_file(existing)
            records, done = handlers[action](params)
            if not records:
                raise TaiyakuError(str(params.get("bead", action)), "nothing to change: the bead is already so")
            action_id = secrets.token_hex(6)
            stamp = {"action": action_id, "reviewer": self.reviewer, "recorded": _now()}
            lines = [{**record, **stamp} for record in records]
            append_lines(self.corrections_path, existing, lines)
            self._apply_file(read_existing(self.corrections_path))
            return done

    def _position(self, params: Mapping[str, object], key: str = "bead") -> tuple[int, BeadState]:
        position, signature = params.get(key), params.get("signature")
        if not isinstance(position, int) or isinstance(position, bool) or not isinstance(signature, str):
            raise TaiyakuError("action", "'bead' must be a bead's position and 'signature' its signature")
        return position, self._bead(position, signature)

    def _correction(self, ja: Sequence[int], en: Sequence[int], note: str) -> Correction:
        return Correction(
            ja=join_segments([self.ja[i] for i in ja], "ja"),
            en=join_segments([self.en[i] for i in en], "en"),
            note=note,
            ja_near=ja[0] if ja else None,
            en_near=en[0] if en else None,
        )

    def _rebound(
        self, old: Sequence[BeadState], new: Sequence[tuple[tuple[int, ...], tuple[int, ...]]], note: str
    ) -> list[dict[str, object]]:
        """The records that replace beads ``old`` by ``new`` (sentence runs, each confirmed): the
        corrections that confirmed an old bead are withdrawn, each new bead is recorded, unless a new bead
        is an old confirmed one unchanged."""
        new = [bead for bead in new if bead[0] or bead[1]]
        keep = {(b.ja, b.en) for b in old if b.reviewed} & set(new)
        withdrawn = sorted(
            self._line_of[(b.ja, b.en)]
            for b in old
            if b.reviewed and (b.ja, b.en) not in keep and (b.ja, b.en) in self._line_of
        )
        records: list[dict[str, object]] = [{"withdraw": withdrawn}] if withdrawn else []
        for ja, en in new:
            if (ja, en) not in keep:
                record = self._correction(ja, en, note).to_dict()
                del record["reviewer"], record["recorded"]  # stamped by act()
                records.append(record)
        return records

    def _merge(self, params: Mapping[str, object]) -> tuple[list[dict[str, object]], str]:
        position, bead = self._position(params)
        if position + 1 >= len(self.beads):
            raise TaiyakuError(f"b{position}", "the last bead has no next bead to merge with")
        following = self.beads[position + 1]
        merged = (bead.ja + following.ja, bead.en + following.en)
        return self._rebound([bead, following], [merged], "merged"), f"b{position} and b{position + 1} merged"

    def _split(self, params: Mapping[str, object]) -> tuple[list[dict[str, object]], str]:
        position, bead = self._position(params)
        ja_at, en_at = params.get("ja_at"), params.get("en_at")
        if not isinstance(ja_at, int) or not isinstance(en_at, int):
            raise TaiyakuError(f"b{position}", "a split needs 'ja_at' and 'en_at': sentences before the cut")
        if not (0 <= ja_at <= len(bead.ja) and 0 <= en_at <= len(bead.en)):
            raise TaiyakuError(f"b{position}", "the cut is outside the bead")
        first, second = (bead.ja[:ja_at], bead.en[:en_at]), (bead.ja[ja_at:], bead.en[en_at:])
        if not (first[0] or first[1]) or not (second[0] or second[1]):
            raise TaiyakuError(f"b{position}", "the cut leaves one part empty: choose a sentence boundary inside")
        return self._rebound([bead], [first, second], "split"), f"b{position} split in two"

    def _side(self, params: Mapping[str, object]) -> Side:
        side = params.get("side")
        if side not in ("ja", "en"):
            raise TaiyakuError("action", "'side' must be 'ja' or 'en'")
        return str(side)

    def _move(self, params: Mapping[str, object]) -> tuple[list[dict[str, object]], str]:
        position, bead = self._position(params)
        side, direction = self._side(params), params.get("direction")
        if direction not in ("up", "down"):
            raise TaiyakuError("action", "'direction' must be 'up' (first sentence to the previous bead) or 'down'")
        sentences = bead.ja if side == "ja" else bead.en
        if not sentences:
            raise TaiyakuError(f"b{position}", f"this bead has no {'Japanese' if side == 'ja' else 'English'} sentence")
        other = position - 1 if direction == "up" else position + 1
        if not 0 <= other < len(self.beads):
            raise TaiyakuError(f"b{position}", "there is no neighbouring bead in that direction")
        neighbour = self.beads[other]

        if direction == "up":
            sentence, rest = sentences[:1], sentences[1:]
            given = (neighbour.ja + sentence, neighbour.en) if side == "ja" else (neighbour.ja, neighbour.en + sentence)
            kept = (rest, bead.en) if side == "ja" else (bead.ja, rest)
            new = [given, kept]
        else:
            sentence, rest = sentences[-1:], sentences[:-1]
            given = (sentence + neighbour.ja, neighbour.en) if side == "ja" else (neighbour.ja, sentence + neighbour.en)
            kept = (rest, bead.en) if side == "ja" else (bead.ja, rest)
            new = [kept, given]
        old = [neighbour, bead] if direction == "up" else [bead, neighbour]
        where = "previous" if direction == "up" else "next"
        return self._rebound(old, new, f"moved a sentence to the {where} bead"), (
            f"{'first' if direction == 'up' else 'last'} {'Japanese' if side == 'ja' else 'English'} sentence of "
            f"b{position} moved to b{other}"
        )

    def _no_counterpart(self, params: Mapping[str, object]) -> tuple[list[dict[str, object]], str]:
        position, bead = self._position(params)
        side = self._side(params)
        sentences = bead.ja if side == "ja" else bead.en
        if not sentences:
            raise TaiyakuError(f"b{position}", f"this bead has no {'Japanese' if side == 'ja' else 'English'} sentence")
        alone = (bead.ja, ()) if side == "ja" else ((), bead.en)
        records = self._rebound([bead], [alone], "no counterpart")
        return records, f"the {'Japanese' if side == 'ja' else 'English'} of b{position} has no counterpart"

    def _confirm(self, params: Mapping[str, object]) -> tuple[list[dict[str, object]], str]:
        position, bead = self._position(params)
        if bead.reviewed:
            raise TaiyakuError(f"b{position}", "this bead is already confirmed")
        return self._rebound([bead], [(bead.ja, bead.en)], "confirmed"), f"b{position} confirmed"

    def _decide(self, params: Mapping[str, object]) -> tuple[list[dict[str, object]], str]:
        position, bead = self._position(params)
        number, reason = params.get("finding"), params.get("reason", "")
        try:
            decision = Decision(str(params.get("decision")))
        except ValueError:
            raise TaiyakuError("action", "'decision' must be 'dismiss' or 'accept'") from None
        if not isinstance(number, int) or not 0 <= number < len(bead.findings):
            raise TaiyakuError(f"b{position}", "no such finding on this bead")
        if not isinstance(reason, str) or (decision == Decision.DISMISS and not reason.strip()):
            raise TaiyakuError(f"b{position}", "dismissing a finding needs a reason (why it is a false alarm)")
        finding = bead.findings[number]
        ja, en = self.texts(bead)
        record = FindingDecision(
            ja, en, str(finding.check), finding.ja_term, finding.found, decision, reason.strip()
        ).to_dict()
        del record["reviewer"], record["recorded"]  # stamped by act()
        verb = "dismissed" if decision == Decision.DISMISS else "accepted"
        return [record], f"{finding.check} on b{position} {verb}"

    def _last_action(self) -> str | None:
        undone = {entry.undoes for entry in self.corrections.entries if entry.undoes}
        for entry in reversed(self.corrections.entries):
            if entry.action and not entry.undoes and entry.action not in undone:
                return entry.action
        return None

    def _undo(self, params: Mapping[str, object]) -> tuple[list[dict[str, object]], str]:
        last = self._last_action()
        if last is None:
            raise TaiyakuError(str(self.corrections_path), "nothing to undo: no workbench action is in force")
        lines = [entry for entry in self.corrections.entries if entry.action == last]
        what = next((str(e.correction.note if e.correction else "") for e in lines if e.correction), "") or (
            "finding decision" if any(e.decision for e in lines) else "action"
        )
        return [{"undo": last}], f"undone: {what} (line {lines[0].line})"


__all__ = ["CONTEXT_BEADS", "FILTERS", "PAGE_SIZE", "BeadState", "StaleView", "Workbench"]
