"""Helpers shared by the tests: where the data lives (:mod:`.paths`), a scripted HTTP server
(:mod:`.scripted_http`).  ``pythonpath = ["tests"]`` in pyproject.toml makes this package importable."""
