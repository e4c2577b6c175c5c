# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= briefing.db
STAMP  := $(VENV)/.installed
E2E    := tests/e2e
NPM_STAMP := $(E2E)/node_modules/.installed

.PHONY: setup demo test bench clean

setup: $(STAMP) $(NPM_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The Bot API emulator for the end-to-end tests (npm package telegram-test-api, pinned by the lock).
# Without npm, `make demo` still works and the end-to-end tests are skipped with a reason.
$(NPM_STAMP): $(E2E)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(E2E) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "warning: npm not found; the end-to-end tests (tests/e2e) will be skipped" >&2; \
	fi

demo: $(STAMP)  ## ingest seeds/ into $(DB) and print a briefing (no npm needed)
	$(BIN)/briefing --db $(DB) demo --seeds seeds

test: setup  ## run every test
	$(BIN)/python -m pytest

bench: setup  ## print the benchmark tables (quality ones need ../shared/eval)
	$(BIN)/python bench/summarizers.py
	$(BIN)/python bench/ingest_throughput.py
	$(BIN)/python bench/entity_eval.py
	$(BIN)/python bench/timex_eval.py
	$(BIN)/python bench/bot_load.py
	$(BIN)/python bench/digest_fanout.py --chats 1000
	$(BIN)/python bench/name_scale.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache $(DB) $(DB)-wal $(DB)-shm $(E2E)/node_modules
