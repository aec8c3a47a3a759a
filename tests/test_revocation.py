"""The issuer's revocation registry and its signed states, and the holder following them
(zkattest.revocation)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from zkattest import IssuerSecretKey
from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    IssuanceError,
    PolicyError,
    VerificationError,
)
from zkattest.hazmat.accumulator import verify_witness
from zkattest.revocation import HeldWitness, RegistryState, RevocationRegistry

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def issuer() -> IssuerSecretKey:
    return IssuerSecretKey.generate()


def test_enroll_revoke_publish_follow(tmp_path: Path, issuer: IssuerSecretKey) -> None:
    path = tmp_path / "registry.sqlite"
    registry = RevocationRegistry.create(path, issuer, capacity=10, now=NOW)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = registry.state()
    assert first.epoch == 0
    assert first.removals is None
    first.verify(issuer.public_key())
    held = {name: registry.enroll(name) for name in ("alice", "bob", "carol")}
    assert len({handle for handle, _ in held.values()}) == 3
    for handle, witness in held.values():
        assert witness.epoch == 0
        assert verify_witness(first.accumulator_key, first.value, handle, witness.witness)
    registry.revoke(held["bob"][0], now=NOW)
    second = registry.publish(now=NOW + dt.timedelta(hours=1))
    assert second.epoch == 1
    assert second.removals is not None
    assert second.removals.removed == (held["bob"][0],)
    # the holders follow from the published states alone
    relayed = RegistryState.from_json(second.to_json())
    assert relayed == second
    for name in ("alice", "carol"):
        moved = held[name][1].follow([relayed], issuer.public_key())
        assert moved.epoch == 1
        assert moved.value == relayed.value
        assert moved.holds()
    with pytest.raises(PolicyError, match="removed"):
        held["bob"][1].follow([relayed], issuer.public_key())
    # an epoch with no revocation changes nothing but the epoch
    third = registry.publish(now=NOW + dt.timedelta(hours=2))
    assert third.removals is None
    assert third.value == second.value
    moved = held["alice"][1].follow([second, third], issuer.public_key())
    assert moved.epoch == 2
    # a new credential's witness is for the latest epoch
    _, dave = registry.enroll("dave")
    assert dave.epoch == 2
    # revoking twice, or a handle never issued
    with pytest.raises(InvalidInputError, match="no live issued credential"):
        registry.revoke(held["bob"][0])
    with pytest.raises(InvalidInputError, match="no live issued credential"):
        registry.revoke(12345)
    assert registry.revoke_customer("alice") == 1
    fourth = registry.publish(now=NOW + dt.timedelta(hours=3))
    # a state cannot be dated before the previous one
    with pytest.raises(InvalidInputError, match="before the previous"):
        registry.publish(now=NOW)
    with pytest.raises(PolicyError):
        held["alice"][1].follow([second, third, fourth], issuer.public_key())
    assert "handle" not in repr(held["carol"][1])


def test_states_are_checked(tmp_path: Path, issuer: IssuerSecretKey) -> None:
    registry = RevocationRegistry.create(":memory:", issuer, capacity=4, now=NOW)
    _, witness = registry.enroll("alice")
    _, other_witness = registry.enroll("bob")
    registry.revoke(registry.enroll("carol")[0])
    state = registry.publish(now=NOW)
    # another issuer's key, a changed value or time, a skipped epoch
    with pytest.raises(VerificationError):
        state.verify(IssuerSecretKey.generate().public_key())
    for change in (
        {"value": registry.state(0).value},
        {"issued_at": NOW + dt.timedelta(seconds=1)},
        {"epoch": 2},
    ):
        forged = dataclasses.replace(state, **change)  # type: ignore[arg-type]
        with pytest.raises(VerificationError):
            witness.follow([forged], issuer.public_key())
    later = registry.publish(now=NOW + dt.timedelta(hours=1))
    with pytest.raises(VerificationError, match="follow on"):
        witness.follow([later], issuer.public_key())
    with pytest.raises(InvalidInputError):
        witness.follow([], issuer.public_key())
    # malformed JSON
    body = json.loads(state.to_json())
    for key, bad in (("epoch", -1), ("value", "00"), ("removed", ["zz"]), ("omega", [])):
        with pytest.raises(DecodeError):
            RegistryState.from_json(json.dumps(body | {key: bad}))
    assert other_witness.epoch == 0


def test_registry_limits(tmp_path: Path, issuer: IssuerSecretKey) -> None:
    path = tmp_path / "registry.sqlite"
    RevocationRegistry.create(path, issuer, capacity=1)
    with pytest.raises(InvalidInputError, match="created once"):
        RevocationRegistry.create(path, issuer, capacity=1)
    registry = RevocationRegistry(path, issuer)
    registry.enroll("alice")
    with pytest.raises(IssuanceError, match="full"):
        registry.enroll("bob")
    with pytest.raises(IssuanceError, match="another issuer"):
        RevocationRegistry(path, IssuerSecretKey.generate()).enroll("carol")
    with pytest.raises(InvalidInputError, match="1 to"):
        RevocationRegistry.create(tmp_path / "zero.sqlite", issuer, capacity=0)
    # no secret in the published states
    registry_text = RevocationRegistry(path, issuer).state().to_json()
    assert "alpha" not in registry_text


def test_held_witness_is_not_printable() -> None:
    from zkattest.hazmat.curve import get_backend

    registry = RevocationRegistry.create(":memory:", IssuerSecretKey.generate(), capacity=1)
    handle, held = registry.enroll("alice")
    assert str(handle) not in repr(held)
    assert f"{handle:064x}" not in repr(held)
    assert HeldWitness.from_dict(held.to_dict()) == held
    assert held.holds()
    bad = held.to_dict() | {"epoch": -1}
    with pytest.raises(DecodeError):
        HeldWitness.from_dict(bad)
    with pytest.raises(DecodeError):
        HeldWitness.from_dict(held.to_dict() | {"extra": 1})
    wrong = dataclasses.replace(held, witness=get_backend().g1_generator())
    assert not wrong.holds()


def test_a_large_batch_is_published_over_several_epochs(issuer: IssuerSecretKey) -> None:
    from zkattest.revocation import MAX_REMOVALS_PER_EPOCH

    registry = RevocationRegistry.create(":memory:", issuer, capacity=MAX_REMOVALS_PER_EPOCH + 2)
    handle, held = registry.enroll("keeper")
    for n in range(MAX_REMOVALS_PER_EPOCH + 1):
        registry.enroll(f"c{n}")
        registry.revoke_customer(f"c{n}")
    assert registry.pending() == MAX_REMOVALS_PER_EPOCH + 1
    first = registry.publish()
    assert first.removals is not None
    assert len(first.removals.removed) == MAX_REMOVALS_PER_EPOCH
    assert registry.pending() == 1
    # every state stays readable by everyone
    assert RegistryState.from_json(first.to_json()) == first
    second = registry.publish()
    assert registry.pending() == 0
    moved = held.follow([first, second], issuer.public_key())
    assert moved.epoch == 2
    assert moved.handle == handle


def test_reissue_is_all_or_nothing(issuer: IssuerSecretKey) -> None:
    registry = RevocationRegistry.create(":memory:", issuer, capacity=1)
    _, held = registry.enroll("alice")
    with pytest.raises(IssuanceError, match="full"):
        registry.reissue("alice")
    # nothing changed: alice's handle is live, no state was published
    assert registry.pending() == 0
    assert registry.state().epoch == 0
    assert held.holds()
    # a revocation not yet published is published by the re-issue
    registry = RevocationRegistry.create(":memory:", issuer, capacity=4)
    old, _ = registry.enroll("bob")
    registry.revoke(old)
    _, new = registry.reissue("bob")
    latest = registry.state()
    assert latest.epoch == 1
    assert latest.removals is not None
    assert latest.removals.removed == (old,)
    assert new.epoch == 1


def test_states_are_canonical_and_follow_on(issuer: IssuerSecretKey) -> None:
    from zkattest.revocation import RegistryStates

    registry = RevocationRegistry.create(":memory:", issuer, capacity=4, now=NOW)
    registry.revoke(registry.enroll("a")[0])
    state = registry.publish(now=NOW)
    body = json.loads(state.to_json())
    removed = body["removed"][0]

    def one_upper(text: str) -> str:
        """``text`` with its first hex letter upper-cased (the same bytes, another spelling)."""
        k = next(i for i, ch in enumerate(text) if ch in "abcdef")
        return text[:k] + text[k].upper() + text[k + 1 :]

    for change in (
        {"value": one_upper(body["value"])},
        {"removed": ["+" + removed[1:]]},
        {"signature": one_upper(body["signature"])},
    ):
        with pytest.raises(DecodeError):
            RegistryState.from_json(json.dumps(body | change))
    # the signature is checked on the document itself, before anything is decoded
    RegistryState.check_document(body, issuer.public_key())
    with pytest.raises(VerificationError):
        RegistryState.check_document(body | {"epoch": 7}, issuer.public_key())
    with pytest.raises(VerificationError):
        RegistryState.check_document(body, IssuerSecretKey.generate().public_key())
    # a verifier keeps states that follow on, in time
    states = RegistryStates()
    states.add(registry.state(0), issuer.public_key(), now=NOW)
    third = registry.publish(now=NOW + dt.timedelta(hours=1))
    with pytest.raises(VerificationError, match="follow on"):
        states.add(third, issuer.public_key(), now=NOW + dt.timedelta(hours=1))
    states.add(state, issuer.public_key(), now=NOW)
    states.add(state, issuer.public_key(), now=NOW)  # the same again: fine
    with pytest.raises(VerificationError, match="future"):
        states.add(third, issuer.public_key(), now=NOW)
    states.add(third, issuer.public_key(), now=NOW + dt.timedelta(hours=1))
    assert [s.epoch for s in states.since(issuer.public_key().key_id, 0)] == [1, 2]
