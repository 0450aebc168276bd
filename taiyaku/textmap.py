"""Text that remembers where each of its characters came from.

Every stage between the decoded source and the segmenter rewrites text (HTML extraction, PDF line-wrap
repair, NFKC, whitespace folding).  A translator must still be able to see each sentence in its original
context, so every rewrite goes through :class:`MappedText`, which carries, for each character, the offset
of the source character it was derived from.  Rewrites compose: mapping a mapped text keeps pointing at the
*original* source, never at an intermediate string.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# Offsets are machine integers in arrays, not tuples of Python ints: a book-length document has millions of
# characters, and a tuple costs a pointer plus (past 256) an int object per offset, about 4x the memory.
# 32 bits: an offset never exceeds the length of a decoded source (3M characters by default, FetchLimits);
# two billion characters would not fit in memory as a Python string anyway.  Two tables per text of a few
# million characters each, both sides, the document and its blocks: 64 bits cost 45 MB more on a book.
_OFFSET = "i"


def offsets(values: Iterable[int] = ()) -> array[int]:
    """An offset table (a compact array of 32-bit integers)."""
    return array(_OFFSET, values)


@dataclass(frozen=True, slots=True, init=False)
class MappedText:
    """``text`` plus ``starts[i]``/``ends[i]``: the source span ``[start, end)`` that ``text[i]`` came from.

    A character inserted by a rewrite (for example the space that joins two wrapped English lines) gets
    the empty span at the position where it was inserted.
    """

    text: str
    starts: array[int]
    ends: array[int]

    def __init__(self, text: str, starts: Sequence[int], ends: Sequence[int]) -> None:
        # Any sequence of ints is accepted (tests and callers write tuples); it is stored as an offset array.
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "starts", starts if isinstance(starts, array) else offsets(starts))
        object.__setattr__(self, "ends", ends if isinstance(ends, array) else offsets(ends))
        if not (len(self.text) == len(self.starts) == len(self.ends)):
            raise ValueError("MappedText: text and offset tables differ in length")

    @classmethod
    def identity(cls, text: str, base: int = 0) -> MappedText:
        """``text`` as its own source (or as the slice of a source that starts at ``base``)."""
        return cls(text, offsets(range(base, base + len(text))), offsets(range(base + 1, base + len(text) + 1)))

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, key: slice) -> MappedText:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("MappedText supports contiguous slices only")
        return MappedText(self.text[key], self.starts[key], self.ends[key])

    def source_span(self, start: int = 0, end: int | None = None) -> tuple[int, int]:
        """The source span ``[start, end)`` covered by ``text[start:end]``."""
        end = len(self.text) if end is None else end
        if start >= end:
            anchor = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return anchor, anchor
        return min(self.starts[start:end]), max(self.ends[start:end])

    def strip(self) -> MappedText:
        """Drop leading and trailing white space (offsets follow)."""
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        return self[left:right] if right > left else self[0:0]

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str] | str) -> MappedText:
        """``re.sub`` that keeps offsets: each replacement's characters map to the span of its match (an
        empty match, which inserts, to the empty span where it matched)."""
        builder = MappedTextBuilder()
        pos = 0
        for match in pattern.finditer(self.text):
            builder.extend(self[pos : match.start()])
            replacement = repl(match) if callable(repl) else match.expand(repl)
            # The span is taken from the whole text: an empty slice of it no longer knows where it was.
            builder.append(replacement, self.source_span(match.start(), match.end()))
            pos = match.end()
        builder.extend(self[pos:])
        return builder.build()

    @staticmethod
    def join(parts: Iterable[MappedText], separator: str = "") -> MappedText:
        """Concatenate, inserting ``separator`` (mapped to the empty span between neighbours)."""
        builder = MappedTextBuilder()
        for i, part in enumerate(parts):
            if i and separator:
                builder.insert(separator)
            builder.extend(part)
        return builder.build()


class MappedTextBuilder:
    """Accumulates a :class:`MappedText` piece by piece."""

    def __init__(self) -> None:
        self._chars: list[str] = []
        self._starts = offsets()
        self._ends = offsets()

    def _start_afresh(self) -> None:
        self._chars, self._starts, self._ends = [], offsets(), offsets()

    def extend(self, piece: MappedText) -> None:
        self._chars.append(piece.text)
        self._starts.extend(piece.starts)
        self._ends.extend(piece.ends)

    def replace(self, original: MappedText, replacement: str) -> None:
        """Append ``replacement``, every character of it mapped to the whole span of ``original``.

        An empty ``original`` has no position of its own: the replacement is then inserted (:meth:`insert`).
        """
        if original.text:
            self.append(replacement, original.source_span())
        else:
            self.insert(replacement)

    def append(self, text: str, span: tuple[int, int]) -> None:
        """Append ``text``, every character of it mapped to the source span ``span``."""
        start, end = span
        self._chars.append(text)
        self._starts.extend(offsets((start,)) * len(text))
        self._ends.extend(offsets((end,)) * len(text))

    def insert(self, text: str) -> None:
        """Append characters that have no source (mapped to the empty span at the current position)."""
        anchor = self._ends[-1] if self._ends else 0
        self._chars.append(text)
        self._starts.extend(offsets((anchor,)) * len(text))
        self._ends.extend(offsets((anchor,)) * len(text))

    def build(self) -> MappedText:
        # The tables are handed over, not copied (a book's worth of offsets); the builder starts afresh, so
        # nothing it does later can change the text it built.
        built = MappedText("".join(self._chars), self._starts, self._ends)
        self._start_afresh()
        return built
