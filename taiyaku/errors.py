"""One exception type for every user-facing failure, so the CLI can print it on one line."""

from __future__ import annotations

from typing import Any


class TaiyakuError(Exception):
    """A problem with the user's input: ``where`` names the file, URL or statement, ``problem`` says what."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:
        # An error raised in a worker process (``run-all --workers``) travels back pickled; the default
        # pickling would call the class with the one formatted message.  Subclasses that add fields
        # arrive as a plain TaiyakuError with the same message.
        return TaiyakuError, (self.where, self.problem)
