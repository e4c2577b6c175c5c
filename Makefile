# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= briefing.db
STAMP  := $(VENV)/.installed

.PHONY: setup demo test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup  ## ingest seeds/ into $(DB) and print a briefing
	$(BIN)/briefing --db $(DB) demo --seeds seeds

test: setup  ## run every test
	$(BIN)/python -m pytest

bench: setup  ## print the benchmark tables
	$(BIN)/python bench/summarizers.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache $(DB) $(DB)-wal $(DB)-shm
