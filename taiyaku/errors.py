"""One exception type for every user-facing failure, so the CLI can print it on one line."""

from __future__ import annotations


class TaiyakuError(Exception):
    """A problem with the user's input: ``where`` names the file, URL or statement, ``problem`` says what."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem
