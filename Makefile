# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit lint browser eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Align every statement registered under corpora/ and publish it under aligned/.
run: $(STAMP)
	$(BIN)/taiyaku run-all corpora

# Lint, then the whole test suite (unit and integration); CI runs exactly this through .ci/run.
test: lint browser
	$(BIN)/python -m pytest

# The review workbench's browser test drives Debian's chromium through its chromedriver (never a download).
# A Japanese font, so that the headless browser's screenshots show the Japanese.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "make: the browser test needs chromium and chromium-driver: run as root, or: sudo apt-get install -y chromium chromium-driver fonts-ipafont-gothic" >&2; \
	    exit 1; \
	  fi; \
	  apt-get update && apt-get install -y chromium chromium-driver fonts-ipafont-gothic; \
	fi

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

# Speed, memory, scale-out, terminology-QA, PDF-input and workbench figures (scripts that print figures;
# not timed tests).
bench: $(STAMP)
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/user_path.py
	$(BIN)/python benchmarks/mismatched_pairs.py
	$(BIN)/python benchmarks/terms_qa.py
	$(BIN)/python benchmarks/pdf_extraction.py
	$(BIN)/python benchmarks/review_latency.py
	$(BIN)/python benchmarks/scale_out.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
