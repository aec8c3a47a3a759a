# Two commands do all set-up on a fresh machine:
#   make demo   - install into .venv and run the end-to-end demo
#   make test   - install into .venv, then lint, type-check and run the tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade --quiet pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'

demo: install
	$(BIN)/zkattest demo

lint: install
	$(BIN)/ruff check zkattest tests bench setup.py circuits
	$(BIN)/ruff format --check zkattest tests bench setup.py circuits
	$(BIN)/mypy

# The PostgreSQL tests need a server: scripts/ci-postgres.sh installs (apt-get, as root)
# and starts a throwaway one on 127.0.0.1:54329. Where it cannot, those tests are
# skipped with that reason, unless ZKATTEST_REQUIRE_POSTGRES=1 (as in CI) fails them.
test: lint
	@pg=$$(bash scripts/ci-postgres.sh) && eval "$$pg" || echo "PostgreSQL unavailable: its tests will be skipped" >&2; \
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/bbs_bench.py
	$(BIN)/python bench/eligibility_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
