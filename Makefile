# Two commands do all set-up on a fresh machine:
#   make demo   - install into .venv and run the end-to-end demo
#   make test   - install into .venv, then lint, type-check and run the tests
# While working, `make test-fast` runs the tests not marked slow, in under a minute,
# and `make hooks` has git run `make lint`'s checks before each commit.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test test-fast lint hooks bench clean

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

# A git pre-commit hook running the checks above (.pre-commit-config.yaml) with the
# venv's ruff and mypy; `$(BIN)/pre-commit run --all-files` runs them at once.
hooks: install
	$(BIN)/pre-commit install

# Besides the venv, the tests need a PostgreSQL server and Chromium: scripts/test.sh
# installs them with apt-get where missing (as root), starts a throwaway PostgreSQL
# on 127.0.0.1:54329, runs pytest, and stops the server it started. It says so
# when it begins. CI sets ZKATTEST_REQUIRE_POSTGRES=1 and ZKATTEST_REQUIRE_CHROMIUM=1
# so that neither can be skipped.
test: lint
	PYTHON=$(BIN)/python bash scripts/test.sh

# The tests not marked slow (pyproject.toml says which those are): no processes,
# servers, PostgreSQL, browser, wheel build, pure-Python backend, and no verifier
# service started per test; under a minute. No lint: that is `make lint`.
test-fast: install
	$(BIN)/python -m pytest -m "not slow"

bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/bbs_bench.py
	$(BIN)/python bench/eligibility_bench.py
	$(BIN)/python bench/revocation_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
