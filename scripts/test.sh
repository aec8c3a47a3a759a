#!/usr/bin/env bash
# The test run behind `make test` (after lint): the servers and tools the suite
# needs, then pytest, then stop what this script started.
#
#   scripts/test.sh [PYTEST ARGS...]      (PYTHON: the interpreter, default .venv/bin/python)
#
# - PostgreSQL (scripts/ci-postgres.sh): installed with apt-get if missing (as
#   root), a throwaway cluster started on 127.0.0.1:54329 for the storage and
#   race tests, and stopped and deleted at the end, unless it was already
#   running before (then it is left as it was).
# - Chromium (scripts/ci-chromium.sh): Debian's package installed with apt-get
#   if missing, for the /docs test, which starts and stops its own browser.
# - anvil and solc-js (scripts/ci-chain.sh): npm packages installed into
#   chain/node_modules if missing, for the EIP-1271 contract-wallet test, which
#   starts and stops its own local chain.
# Where any cannot be had, its tests are skipped with that reason, unless
# ZKATTEST_REQUIRE_POSTGRES=1 / ZKATTEST_REQUIRE_CHROMIUM=1 /
# ZKATTEST_REQUIRE_CHAIN=1 (as in CI) make
# them fail.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"

echo "make test: may install (apt-get, as root) and start a throwaway PostgreSQL server" \
    "on 127.0.0.1:54329, and install Debian's Chromium; it stops the server it started" >&2

stop_postgres=0
if bash scripts/ci-postgres.sh running; then
    echo "make test: PostgreSQL already running; it will be left running" >&2
else
    stop_postgres=1
fi
cleanup() {
    if [ "$stop_postgres" = 1 ]; then
        bash scripts/ci-postgres.sh stop || true
    fi
}
trap cleanup EXIT

if pg=$(bash scripts/ci-postgres.sh); then
    eval "$pg"
else
    echo "make test: PostgreSQL unavailable: its tests will be skipped" >&2
fi
if chromium=$(bash scripts/ci-chromium.sh); then
    eval "$chromium"
else
    echo "make test: Chromium unavailable: the /docs browser test will be skipped" >&2
fi

if chain=$(bash scripts/ci-chain.sh); then
    eval "$chain"
else
    echo "make test: anvil/solc-js unavailable: the contract-wallet test will be skipped" >&2
fi

"$PYTHON" -m pytest "$@"
