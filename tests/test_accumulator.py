"""The positive dynamic accumulator (zkattest.hazmat.accumulator): add, remove, batch
removal with public witness updates, witnesses, and the membership proof, on both
curve backends; a deviating prover for a removed element is refused."""

from __future__ import annotations

import random

import pytest

from tests.conftest import seeded
from zkattest.errors import DecodeError, InvalidInputError, PolicyError, VerificationError
from zkattest.hazmat import accumulator as acc
from zkattest.hazmat.curve import Backend, R, get_backend

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def manager() -> acc.AccumulatorSecretKey:
    return acc.AccumulatorSecretKey(random.Random(1).randrange(1, R))


def elements(n: int, seed: int = 2) -> list[int]:
    own = random.Random(seed)
    return [own.randrange(0, R) for _ in range(n)]


def test_add_remove_and_witnesses(manager: acc.AccumulatorSecretKey, backend: Backend) -> None:
    public = manager.public_key()
    value = acc.initial_value(seeded(3))
    ys = elements(4)
    for y in ys:
        value = manager.add(value, y)
    witnesses = {y: manager.witness(value, y) for y in ys}
    for y, w in witnesses.items():
        assert acc.verify_witness(public, value, y, w)
        assert not acc.verify_witness(public, value, (y + 1) % R, w)
    # the witness is the value with y taken out: removing y gives it
    assert manager.remove(value, ys[0]) == witnesses[ys[0]]
    removed = manager.remove(value, ys[0])
    assert not acc.verify_witness(public, removed, ys[0], witnesses[ys[0]])
    # adding then removing the same element restores the value
    assert manager.remove(manager.add(value, 7), 7) == value
    with pytest.raises(InvalidInputError, match="cannot be accumulated"):
        manager.add(value, (R - manager.alpha) % R)
    with pytest.raises(InvalidInputError, match="scalar"):
        manager.add(value, R)


@pytest.mark.parametrize("batch", [1, 2, 5])
def test_a_batch_removal_updates_every_other_witness(
    manager: acc.AccumulatorSecretKey, backend: Backend, batch: int
) -> None:
    public = manager.public_key()
    value = acc.initial_value(seeded(4))
    ys = elements(batch + 3, seed=batch)
    for y in ys:
        value = manager.add(value, y)
    witnesses = {y: manager.witness(value, y) for y in ys}
    removed, kept = ys[:batch], ys[batch:]
    new_value, update = manager.remove_batch(value, removed)
    # the batch equals the removals one by one
    one_by_one = value
    for y in removed:
        one_by_one = manager.remove(one_by_one, y)
    assert new_value == one_by_one
    assert len(update.omega) == batch
    for y in kept:
        updated = acc.update_witness(witnesses[y], y, update)
        assert acc.verify_witness(public, new_value, y, updated)
        assert updated == manager.witness(new_value, y)
    for y in removed:
        with pytest.raises(PolicyError, match="removed"):
            acc.update_witness(witnesses[y], y, update)
    with pytest.raises(InvalidInputError, match="distinct"):
        manager.remove_batch(value, [ys[0], ys[0]])
    with pytest.raises(InvalidInputError, match="one or more"):
        manager.remove_batch(value, [])


def test_successive_batches(manager: acc.AccumulatorSecretKey) -> None:
    public = manager.public_key()
    value = acc.initial_value(seeded(5))
    ys = elements(12, seed=9)
    for y in ys:
        value = manager.add(value, y)
    mine = ys[-1]
    witness = manager.witness(value, mine)
    for start in range(0, 9, 3):
        value, update = manager.remove_batch(value, ys[start : start + 3])
        witness = acc.update_witness(witness, mine, update)
        assert acc.verify_witness(public, value, mine, witness)


def test_membership_proof(manager: acc.AccumulatorSecretKey, backend: Backend) -> None:
    public = manager.public_key()
    value = acc.initial_value(seeded(6))
    y, other = elements(2, seed=11)
    value = manager.add(manager.add(value, y), other)
    witness = manager.witness(value, y)
    proof = acc.prove_membership(public, value, y, witness, b"ctx", rng=seeded(7))
    assert len(proof) == acc.MEMBERSHIP_PROOF_BYTES + 64
    acc.verify_membership(public, value, proof, b"ctx")
    for context, at in ((b"other", value), (b"ctx", manager.add(value, 5))):
        with pytest.raises(VerificationError):
            acc.verify_membership(public, at, proof, context)
    with pytest.raises(VerificationError):  # under another manager's key
        acc.verify_membership(acc.AccumulatorSecretKey(3).public_key(), value, proof, b"ctx")
    # two proofs of one element share nothing
    again = acc.prove_membership(public, value, y, witness, b"ctx")
    assert not {again[i : i + 16] for i in range(0, len(again) - 16)} & {
        proof[i : i + 16] for i in range(0, len(proof) - 16)
    }
    for i in (0, 50, 100, len(proof) - 1):
        bad = bytearray(proof)
        bad[i] ^= 1
        with pytest.raises(VerificationError):
            acc.verify_membership(public, value, bytes(bad), b"ctx")
    with pytest.raises(VerificationError):
        acc.verify_membership(public, value, proof[:-1], b"ctx")
    with pytest.raises(PolicyError, match="does not show"):
        acc.prove_membership(public, manager.remove(value, y), y, witness, b"ctx")


def test_a_deviating_prover_cannot_show_a_removed_element(
    manager: acc.AccumulatorSecretKey,
) -> None:
    """A prover with its own randomness, past the witness check, for an element
    removed from the value: every proof is refused."""
    public = manager.public_key()
    value = acc.initial_value(seeded(8))
    y = elements(1, seed=13)[0]
    value = manager.add(value, y)
    stale = manager.witness(value, y)
    value = manager.remove(value, y)
    for seed in range(3):
        draw = seeded(100 + seed)
        prover = acc.MembershipProver(value, stale, y, draw(), draw(), draw())
        a_bar, b_bar, t = prover.start()
        c = acc._challenge(public, value, b"ctx", a_bar, b_bar, t)
        proof = prover.respond(c, a_bar, b_bar)
        y_hat = (prover.y_tilde + c * y) % R
        forged = proof.to_bytes() + acc.scalar_to_bytes(y_hat) + acc.scalar_to_bytes(c)
        with pytest.raises(VerificationError):
            acc.verify_membership(public, value, forged, b"ctx")
    # ... nor by choosing B̄ = α·Ā-consistent points for an Ā of its own making
    a_bar = get_backend().g1_generator() * 5
    b_bar = a_bar * 9  # not α·Ā: the pairing check refuses it
    fake = acc.MembershipProof(a_bar, b_bar, 1)
    with pytest.raises(VerificationError):
        fake.commitment(public, value, 1, 1)


def test_encodings_are_checked(manager: acc.AccumulatorSecretKey) -> None:
    public = manager.public_key()
    assert acc.AccumulatorPublicKey.from_bytes(public.to_bytes()) == public
    with pytest.raises(DecodeError):
        acc.AccumulatorPublicKey.from_bytes(public.to_bytes()[:-1])
    with pytest.raises(DecodeError):
        acc.AccumulatorPublicKey.from_bytes(b"\x00" * 96)
    with pytest.raises(DecodeError):
        acc.MembershipProof.from_bytes(b"\x00" * acc.MEMBERSHIP_PROOF_BYTES)
    assert "alpha" not in repr(manager)
    assert str(manager.alpha) not in repr(manager)
    with pytest.raises(InvalidInputError):
        acc.AccumulatorSecretKey(0)
