# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install lock browser demo serve test test-unit test-integration test-e2e chaos bench clean

# The locked versions first (what the image ships, every hash checked), then the project and
# its development tools.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

lock: install  ## regenerate requirements.lock from pyproject.toml (uv: every platform, with hashes)
	$(BIN)/pip install --quiet uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 \
		--no-header --quiet -o requirements.lock

install: $(STAMP)

demo: install  ## record the demo year on the embedded default and summarise it
	$(BIN)/oar-ledger demo

serve: install  ## the API and the web pages on the embedded default (records the demo year first if ./var has no ledger)
	@test -f var/ledger.sqlite || $(BIN)/oar-ledger demo
	$(BIN)/oar-ledger serve

browser:  ## the system Chromium the browser tests drive (Debian's package; never `playwright install`)
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

test: install browser  ## every test: unit, integration (SQLite, PostgreSQL, dev broker), e2e (pages in Chromium)
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest -m unit

test-integration: install
	$(BIN)/pytest -m integration

test-e2e: install browser
	$(BIN)/pytest -m e2e

chaos: install  ## fault injection: broker stalls, relay/projector SIGKILLs, parallel writers (~3 min)
	$(BIN)/pytest -m chaos

bench: install  ## benchmarks, each printing its ratio to a raw baseline measured in the same run
	$(BIN)/python -m bench
	$(BIN)/python -m bench.startup

clean:
	rm -rf var .pytest_cache
