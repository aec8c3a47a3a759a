"""The verifier service and revocation: registry states pushed by anyone or pulled
by the admin, presentations proven in a fresh enough state, a revoked person
refused, admissions bounded by the re-proof interval and shown due."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import bound_credential, sample_attributes
from tests.service.conftest import ADMIN_TOKEN, make_settings
from tests.wallets import OTHER_WALLET, WALLET, submission, wallet_address
from zkattest import (
    Challenge,
    Credential,
    HolderSecret,
    IssuerLedger,
    IssuerSecretKey,
    RevocationRegistry,
    prove,
)
from zkattest.errors import PolicyError
from zkattest.revocation import RegistryState
from zkattest.service.app import create_app

pytestmark = pytest.mark.slow
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TODAY = dt.datetime.now(dt.UTC).date()


class Platform:
    def __init__(self, tmp: Path, **settings: Any) -> None:
        self.issuer = IssuerSecretKey.generate()
        two_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        # epoch 0 is two days old: older than the service's default one-day bound
        self.registry = RevocationRegistry.create(
            tmp / "registry.sqlite", self.issuer, capacity=8, now=two_days_ago
        )
        self.ledger = IssuerLedger(tmp / "ledger.sqlite")
        self.settings = make_settings(tmp, self.issuer, **settings)

    def credential(self, holder: HolderSecret, customer: str) -> Credential:
        return bound_credential(
            self.issuer,
            holder,
            sample_attributes(),
            today=TODAY,
            customer=customer,
            ledger=self.ledger,
            registry=self.registry,
        )


@pytest.fixture
def platform(tmp_path: Path) -> Platform:
    return Platform(tmp_path)


def challenge(client: TestClient, wallet: str = WALLET) -> dict[str, Any]:
    response = client.post(
        "/v1/challenges",
        json={"circuit_id": "accredited_investor_506c", "wallet_address": wallet, "chain_id": 1},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def present(
    client: TestClient,
    credential: Credential,
    holder: HolderSecret,
    wallet: str = WALLET,
    *,
    stale: bool = False,
) -> Any:
    """A challenge for ``wallet`` answered with ``credential``; ``stale``: by a
    wallet that ignores the challenge's registry bound (it is not in the proof's
    context, so only the service's check stops it)."""
    asked = challenge(client, wallet)
    told = {k: v for k, v in asked.items() if not (stale and k == "registry_not_before")}
    presentation = prove(credential, Challenge.from_json(json.dumps(told)), holder=holder)
    return client.post(
        "/v1/presentations", json=submission(asked, json.loads(presentation.to_json()))
    )


def push(client: TestClient, state: RegistryState) -> Any:
    return client.post("/v1/registry-states", json=json.loads(state.to_json()))


def test_revoked_person_is_refused_and_others_follow(platform: Platform) -> None:
    alice, bob = HolderSecret.generate(), HolderSecret.generate()
    alices, bobs = platform.credential(alice, "alice"), platform.credential(bob, "bob")
    key_id = platform.issuer.public_key().key_id
    with TestClient(create_app(platform.settings)) as client:
        # anyone relays the issuer's signed state; again: nothing new
        first = platform.registry.state()
        created = push(client, first)
        assert created.status_code == 201, created.text
        assert created.json()["epoch"] == 0
        assert push(client, first).status_code == 200
        # the challenge asks for a state at most a day old: epoch 0 (two days) is not
        asked = challenge(client)
        not_before = dt.datetime.fromisoformat(asked["registry_not_before"])
        assert not_before > first.issued_at
        with pytest.raises(PolicyError, match="older than the verifier accepts"):
            prove(alices, Challenge.from_json(json.dumps(asked)), holder=alice)
        # Bob is revoked; the issuer publishes; a relay pushes it
        platform.registry.revoke_customer("bob")
        second = platform.registry.publish()
        assert push(client, second).status_code == 201
        # Alice catches up from the service itself, Bob cannot
        states = client.get(f"/v1/registry-states/{key_id}", params={"after": 0}).json()
        assert [s["epoch"] for s in states] == [1]
        relayed = [RegistryState.from_json(json.dumps(s)) for s in states]
        alices = alices.follow(relayed)
        admitted = present(client, alices, alice)
        assert admitted.status_code == 201, admitted.text
        with pytest.raises(PolicyError, match="removed"):
            bobs.follow(relayed)
        # Bob's presentation on the old state: refused, whatever the wallet asks
        old = present(client, bobs, bob, wallet=OTHER_WALLET, stale=True)
        assert old.status_code == 403
        assert old.json()["reason"] == "stale_registry_state"
        # a credential of this issuer without a revocation handle: refused
        carol = HolderSecret.generate()
        plain = bound_credential(platform.issuer, carol, sample_attributes(), today=TODAY,
                                 customer="carol")  # fmt: skip
        unrevocable = present(client, plain, carol, wallet=wallet_address(3))
        assert unrevocable.status_code == 403
        assert unrevocable.json()["reason"] == "revocation"
        # the latest state, for anyone
        latest = client.get(f"/v1/registry-states/{key_id}")
        assert [s["epoch"] for s in latest.json()] == [1]
        assert client.get(f"/v1/registry-states/{'0' * 32}").status_code == 404
    # the service keeps no revocation handle: not in any row of its database
    # (Bob's is in it: the state that removed him lists it, as every relay sees)
    database = Path(platform.settings.database_url.removeprefix("sqlite:///")).read_bytes()
    assert alices.revocation is not None
    assert bobs.revocation is not None
    assert f"{alices.revocation.handle:064x}".encode() not in database
    assert f"{bobs.revocation.handle:064x}".encode() in database


def test_registry_states_are_checked(platform: Platform, tmp_path: Path) -> None:
    with TestClient(create_app(platform.settings)) as client:
        state = json.loads(platform.registry.state().to_json())
        forged = state | {"epoch": 5}
        answer = client.post("/v1/registry-states", json=forged)
        assert answer.status_code == 400
        assert "signature" in answer.json()["detail"]
        # an issuer not trusted here
        stranger = IssuerSecretKey.generate()
        theirs = RevocationRegistry.create(":memory:", stranger, capacity=1).state()
        assert push(client, theirs).status_code == 404
        # malformed: refused as 422 by the schema, or 400 by the parser
        for body in ({}, state | {"value": "00" * 48}, state | {"issued_at": "yesterday"}):
            answer = client.post("/v1/registry-states", json=body)
            assert answer.status_code in (400, 422), answer.text
            assert answer.headers["content-type"] == "application/problem+json"
        # a second registry of the same issuer: another accumulator, refused
        assert push(client, platform.registry.state()).status_code == 201
        other = RevocationRegistry.create(":memory:", platform.issuer, capacity=1)
        conflict = push(client, other.publish())
        assert conflict.status_code == 409
        same_epoch = push(client, other.state(0))
        assert same_epoch.status_code == 409


@pytest.fixture
def registry_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An issuer's registry URL: serves the file ``states.json`` in ``tmp_path``."""
    served = tmp_path / "states.json"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served.read_bytes() if served.exists() else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/registry", served
    finally:
        server.shutdown()
        server.server_close()


def test_admin_pulls_states_from_the_issuers_url(
    tmp_path: Path, registry_server: tuple[str, Path]
) -> None:
    url, served = registry_server
    platform = Platform(tmp_path)
    key_id = platform.issuer.public_key().key_id
    platform.settings = make_settings(
        tmp_path, platform.issuer, registry_urls={key_id: url, "f" * 32: "http://127.0.0.1:9/x"}
    )
    with TestClient(create_app(platform.settings)) as client:
        pull = f"/v1/registry-states/{key_id}/pull"
        assert client.post(pull).status_code == 401
        assert client.post(pull, headers=ADMIN).status_code == 502  # nothing served yet
        platform.registry.revoke(platform.registry.enroll("x")[0])
        states = [platform.registry.state(0), platform.registry.publish()]
        served.write_text(json.dumps([json.loads(s.to_json()) for s in states]))
        answer = client.post(pull, headers=ADMIN)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"issuer_key_id": key_id, "stored": 2, "latest_epoch": 1}
        assert client.post(pull, headers=ADMIN).json()["stored"] == 0
        # one state alone is taken too; a state of another issuer is not
        served.write_text(platform.registry.publish().to_json())
        assert client.post(pull, headers=ADMIN).json()["latest_epoch"] == 2
        stranger = RevocationRegistry.create(":memory:", IssuerSecretKey.generate(), capacity=1)
        served.write_text(stranger.state().to_json())
        assert client.post(pull, headers=ADMIN).status_code == 400
        served.write_text("not json")
        assert client.post(pull, headers=ADMIN).status_code == 502
        served.write_text("[" * 100_000 + "]" * 100_000)  # too deep for the parser
        assert client.post(pull, headers=ADMIN).status_code == 502
        # all or none: a list whose last state conflicts stores nothing
        fresh = [platform.registry.publish(), platform.registry.publish()]
        forged = json.loads(fresh[1].to_json()) | {"epoch": 3}  # epoch 3 is fresh[0]'s
        served.write_text(json.dumps([json.loads(fresh[0].to_json()), forged]))
        assert client.post(pull, headers=ADMIN).status_code == 400  # its signature fails
        latest = client.get(f"/v1/registry-states/{key_id}").json()
        assert [s["epoch"] for s in latest] == [2]
        assert client.post(f"/v1/registry-states/{'e' * 32}/pull", headers=ADMIN).status_code == 404
        assert client.post(f"/v1/registry-states/{'f' * 32}/pull", headers=ADMIN).status_code in (
            404,
            502,
        )


def test_admissions_are_bounded_by_the_reproof_interval(tmp_path: Path) -> None:
    platform = Platform(tmp_path, reproof_interval_seconds=7200, reproof_notice_seconds=7199)
    alice = HolderSecret.generate()
    # a witness as fresh as the service asks: the issuer publishes now
    platform.registry.publish()
    alices = platform.credential(alice, "alice")
    with TestClient(create_app(platform.settings)) as client:
        # not following the issuer's registry yet: a revocable credential cannot be checked
        refused = present(client, alices, alice)
        assert refused.status_code == 403
        assert refused.json()["reason"] == "stale_registry_state"
        for epoch in (0, 1):
            assert push(client, platform.registry.state(epoch)).status_code == 201
        admitted = present(client, alices, alice, wallet=wallet_address(4))
        assert admitted.status_code == 201, admitted.text
        admission = admitted.json()["admission"]
        start = dt.datetime.fromisoformat(admission["admitted_at"]).replace(microsecond=0)
        assert dt.datetime.fromisoformat(admission["expires_at"]) == start + dt.timedelta(hours=2)
        # due from one second after it started (notice: the interval less a second)
        assert client.get(f"/v1/admissions/{admission['admission_id']}").json()["status"] in (
            "live",
            "reproof_due",
        )
        time.sleep(1.1)
        status = client.get(f"/v1/admissions/{admission['admission_id']}").json()
        assert status["status"] == "reproof_due"
        due = client.get("/v1/admissions", params={"status": "reproof_due"}, headers=ADMIN)
        assert [a["admission_id"] for a in due.json()] == [admission["admission_id"]]
        assert client.get("/v1/admissions", params={"status": "reproof_due"}).status_code == 401
        misspelt = {"status": "reproof_due", "limt": "5"}
        assert client.get("/v1/admissions", params=misspelt, headers=ADMIN).status_code == 422
        assert (
            client.get("/v1/admissions", params={"status": "live"}, headers=ADMIN).status_code
            == 422
        )


def test_reproof_settings_are_checked(tmp_path: Path) -> None:
    issuer = IssuerSecretKey.generate()
    with pytest.raises(ValueError, match="shorter than"):
        make_settings(tmp_path, issuer, reproof_interval_seconds=3600, reproof_notice_seconds=3600)
    with pytest.raises(ValueError, match="key id"):
        make_settings(tmp_path, issuer, registry_urls={"nope": "https://x.example"})
    with pytest.raises(ValueError, match="http"):
        make_settings(tmp_path, issuer, registry_urls={"a" * 32: "ftp://x.example"})


def test_states_follow_on_and_large_ones_fit(platform: Platform) -> None:
    with TestClient(create_app(platform.settings)) as client:
        assert push(client, platform.registry.state(0)).status_code == 201
        # epoch 2 before epoch 1: refused, nothing stored
        platform.registry.publish()
        second = platform.registry.publish()
        gap = push(client, second)
        assert gap.status_code == 409
        assert "epoch 1 is next" in gap.json()["detail"]
        assert push(client, platform.registry.state(1)).status_code == 201
        assert push(client, second).status_code == 201
        # a state of 1,000 removals (~170 KB) is taken, beyond the default 64 KiB body
        big = RevocationRegistry.create(":memory:", IssuerSecretKey.generate(), capacity=1001)
        for n in range(1000):
            big.revoke(big.enroll(f"c{n}")[0])
        large = big.publish()
        assert len(large.to_json()) > 64 * 1024
        answer = push(client, large)
        assert answer.status_code == 404  # read whole, then: its issuer is not trusted here


def test_a_database_failure_is_not_a_refusal(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zkattest.service.storage.errors import StorageError

    platform.registry.publish()
    alice = HolderSecret.generate()
    alices = platform.credential(alice, "alice")
    with TestClient(create_app(platform.settings)) as client:
        for epoch in (0, 1):
            assert push(client, platform.registry.state(epoch)).status_code == 201
        store = client.app.state.zkattest.store  # type: ignore[attr-defined]

        def down(*args: object, **kwargs: object) -> object:
            raise StorageError("database error while reading registry states")

        monkeypatch.setattr(store, "registry_issuers", down)
        client.app.state.zkattest.registries.forget()  # type: ignore[attr-defined]
        answer = present(client, alices, alice)
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        monkeypatch.undo()
        assert present(client, alices, alice).status_code == 201
