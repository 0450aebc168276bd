# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Align every statement registered under corpora/ and publish it under aligned/.
run: $(STAMP)
	$(BIN)/taiyaku run-all corpora

# Lint, then the whole test suite (unit and integration); CI runs exactly this through .ci/run.
test: lint
	$(BIN)/python -m pytest

# The fast unit tests only (no Prefect flow runs, no CLI subprocesses, no HTTP servers, no eval sets).
test-unit: $(STAMP)
	$(BIN)/python -m pytest -m unit

# Style, formatting, the import contracts (pyproject.toml [tool.importlinter]) and types.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# Alignment quality on the shared evaluation sets (not part of `make test`).
eval: $(STAMP)
	$(BIN)/taiyaku eval ../shared/eval/kyoto-wiki
	$(BIN)/taiyaku eval ../shared/eval/ntrex-news

# Speed, memory, scale-out and terminology-QA figures (scripts that print figures; not timed tests).
bench: $(STAMP)
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/user_path.py
	$(BIN)/python benchmarks/mismatched_pairs.py
	$(BIN)/python benchmarks/terms_qa.py
	$(BIN)/python benchmarks/scale_out.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
