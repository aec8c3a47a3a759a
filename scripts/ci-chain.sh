#!/usr/bin/env bash
# The local-chain tooling for the EIP-1271 contract-wallet test, from the npm
# registry (chain/package.json, pinned by chain/package-lock.json): anvil
# (@foundry-rs/anvil-linux-amd64) and the Solidity compiler (solc-js). Installs
# them into chain/node_modules if missing, then prints the exports the test reads:
#
#   eval "$(scripts/ci-chain.sh)"
#
# Nothing is downloaded at test time: the test starts anvil from this install
# and compiles its contract with this solc-js. Exit status 1 if npm is missing
# or the install fails.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x chain/node_modules/.bin/anvil ] || [ ! -x chain/node_modules/.bin/solcjs ]; then
    if ! command -v npm > /dev/null; then
        echo "ci-chain: npm not found" >&2
        exit 1
    fi
    echo "ci-chain: npm ci (anvil, solc-js) into chain/node_modules" >&2
    npm ci --prefix chain --no-audit --no-fund --loglevel=error >&2
fi
echo "export ZKATTEST_ANVIL=$PWD/chain/node_modules/.bin/anvil"
echo "export ZKATTEST_SOLCJS=$PWD/chain/node_modules/.bin/solcjs"
