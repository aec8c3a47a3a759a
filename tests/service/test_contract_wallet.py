"""A contract wallet signs in through EIP-1271, on a real local chain.

anvil (npm ``@foundry-rs/anvil-linux-amd64``) runs on a free loopback port for
the module; ``tests/contracts/OwnedWallet.sol``, compiled here by solc-js (npm
``solc``), is deployed on it with its owner an ordinary key. The service,
configured with the chain's JSON-RPC endpoint, admits the contract's address
when the owner's key signs the sign-in message (``isValidSignature`` says so),
and refuses another key's signature; an endpoint that does not answer is a
503, not an admission. Both tools come from ``scripts/ci-chain.sh`` (``make
test`` runs it): nothing is downloaded here. Without them the test is skipped,
unless ``ZKATTEST_REQUIRE_CHAIN=1`` (as in CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from web3 import HTTPProvider, Web3

from tests.conftest import bound_credential
from tests.servers import free_port, running_server
from tests.service.conftest import Service, make_settings
from tests.wallets import sign_in, wallet_key
from zkattest import HolderSecret, IssuerSecretKey
from zkattest.service.app import create_app

pytestmark = pytest.mark.slow  # a chain process

CONTRACT_SOURCE = Path(__file__).parent.parent / "contracts" / "OwnedWallet.sol"
ANVIL_CHAIN_ID = 31337
OWNER_KEY = wallet_key(40)


def _tool(name: str) -> str:
    path = os.environ.get(name)
    if path and Path(path).is_file():
        return path
    if os.environ.get("ZKATTEST_REQUIRE_CHAIN") == "1":
        pytest.fail(f"ZKATTEST_REQUIRE_CHAIN=1 but ${name} is unset: run scripts/ci-chain.sh")
    pytest.skip(f"${name} unset (scripts/ci-chain.sh installs anvil and solc-js)")


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh anvil chain on a free port, stopped after the module."""
    anvil = _tool("ZKATTEST_ANVIL")
    log = tmp_path_factory.mktemp("anvil") / "anvil.log"
    command = [anvil, "--host", "127.0.0.1", "--chain-id", str(ANVIL_CHAIN_ID)]
    with running_server(command, log=log, ready=_answers) as url:
        yield url


def _answers(url: str) -> bool:
    """Whether anvil answers on ``url`` with its chain id."""
    w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 2}))
    return bool(w3.eth.chain_id == ANVIL_CHAIN_ID)


@pytest.fixture(scope="module")
def wallet_contract(chain: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """OwnedWallet compiled by solc-js and deployed, owned by OWNER_KEY's address."""
    solcjs = _tool("ZKATTEST_SOLCJS")
    out = tmp_path_factory.mktemp("solc")
    subprocess.run(  # noqa: S603 - the pinned npm compiler
        [solcjs, "--bin", "--abi", "--optimize", "--base-path", str(CONTRACT_SOURCE.parent),
         "-o", str(out), str(CONTRACT_SOURCE)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    abi = json.loads(next(out.glob("*OwnedWallet.abi")).read_text())
    bytecode = next(out.glob("*OwnedWallet.bin")).read_text().strip()
    w3 = Web3(HTTPProvider(chain))
    owner = Account.from_key(OWNER_KEY).address
    deployer = w3.eth.accounts[0]  # anvil's unlocked, funded account
    contract = w3.eth.contract(abi=abi, bytecode=bytecode)
    tx = contract.constructor(owner).transact({"from": deployer})
    receipt = w3.eth.wait_for_transaction_receipt(tx, timeout=30)
    address = str(receipt["contractAddress"])
    deployed = w3.eth.contract(address=address, abi=abi)
    assert deployed.functions.owner().call() == owner
    return address


def _service(tmp: Path, rpc_urls: dict[int, str]) -> Iterator[Service]:
    tmp.mkdir(parents=True, exist_ok=True)
    issuer = IssuerSecretKey.generate()
    holder = HolderSecret.generate()
    settings = make_settings(tmp, issuer, wallet_rpc_urls=rpc_urls)
    with TestClient(create_app(settings)) as client:
        yield Service(client, settings, issuer, bound_credential(issuer, holder), tmp, holder)


def _submit(service: Service, wallet: str, key: bytes) -> Any:
    challenge = service.challenge(wallet=wallet, chain_id=ANVIL_CHAIN_ID)
    presentation = service.presentation(challenge)
    return service.submit(challenge, presentation, wallet_signature=sign_in(challenge, key=key))


def test_a_contract_wallet_is_admitted_when_its_owner_signs(
    chain: str, wallet_contract: str, tmp_path: Path
) -> None:
    for service in _service(tmp_path, {ANVIL_CHAIN_ID: chain}):
        refused = _submit(service, wallet_contract, wallet_key(41))  # not the owner
        assert refused.status_code == 403, refused.text
        assert refused.json()["reason"] == "signature_invalid"
        admitted = _submit(service, wallet_contract, OWNER_KEY)
        assert admitted.status_code == 201, admitted.text
        assert admitted.json()["admission"]["wallet_address"] == wallet_contract.lower()


def test_without_an_endpoint_or_with_one_that_is_down(
    chain: str, wallet_contract: str, tmp_path: Path
) -> None:
    for service in _service(tmp_path / "none", {}):  # EOAs only on this chain
        refused = _submit(service, wallet_contract, OWNER_KEY)
        assert refused.status_code == 403, refused.text
        assert refused.json()["reason"] == "signature_invalid"
    dead = f"http://127.0.0.1:{free_port()}"
    for service in _service(tmp_path / "dead", {ANVIL_CHAIN_ID: dead}):
        busy = _submit(service, wallet_contract, OWNER_KEY)
        assert busy.status_code == 503, busy.text
        assert busy.json()["type"] == "urn:zkattest:problem:wallet-check-unavailable"
        # not the wallet's fault: the challenge is still good once the node answers
