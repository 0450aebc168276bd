"""The statement registry: ``corpora/<statement-id>/`` folders, their snapshots and reviewer corrections.

* :mod:`.statement`: ``statement.toml`` (read, validated, edited with tomlkit), the statement lock;
* :mod:`.snapshots`: ``taiyaku add`` / ``run --refresh``: fetched sources kept as snapshot files with their
  provenance records, and the check that they are unchanged before a run;
* :mod:`.corrections`: ``corrections.jsonl``, reviewer corrections read and appended (never rewritten).

The registry sits above the stages: a snapshot is the pull stage's fetch kept on disk, and a correction by
bead ids reads the published corpus.
"""
