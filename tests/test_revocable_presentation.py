"""Revocable credentials in the presentation engine: the handle signed hidden, its
membership in the issuer's registry proven under the presentation's one
challenge; a revoked credential, a stale or forged state and a deviating
prover refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from tests.conftest import bound_credential, sample_attributes, seeded
from zkattest import Challenge, Credential, HolderSecret, IssuerSecretKey, get_circuit
from zkattest.composite.engine import PresentationProof, prove_statement, verify_statement
from zkattest.composite.statement import RegistryEpoch, Statement, compile_circuit
from zkattest.context import PresentationContext
from zkattest.errors import InvalidInputError, IssuanceError, PolicyError, VerificationError
from zkattest.hazmat.accumulator import MEMBERSHIP_PROOF_BYTES
from zkattest.hazmat.curve import R, get_backend, use_backend
from zkattest.issuer import IssuerLedger, issue_credential
from zkattest.revocation import RegistryState, RevocationRegistry
from zkattest.schema import get_schema

CIRCUIT = get_circuit("accredited_investor_506c")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
WALLET = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"


def epoch_of(state: RegistryState) -> RegistryEpoch:
    return RegistryEpoch(state.accumulator_key, state.epoch, state.value)


class World:
    def __init__(self) -> None:
        self.issuer = IssuerSecretKey.generate()
        self.registry = RevocationRegistry.create(":memory:", self.issuer, capacity=8, now=NOW)
        self.ledger = IssuerLedger(":memory:")
        self.alice = HolderSecret.generate()
        self.bob = HolderSecret.generate()
        self.alices = self.issue(self.alice, "alice")
        self.bobs = self.issue(self.bob, "bob")

    def issue(self, holder: HolderSecret, customer: str) -> Credential:
        return bound_credential(
            self.issuer,
            holder,
            sample_attributes(),
            today=TODAY,
            customer=customer,
            ledger=self.ledger,
            registry=self.registry,
        )

    def statement(self, state: RegistryState | None = None) -> Statement:
        state = state or self.registry.state()
        return compile_circuit(
            CIRCUIT, self.issuer.public_key(), TODAY, bound=True, registries=[epoch_of(state)]
        )


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def context() -> PresentationContext:
    return Challenge.create(
        CIRCUIT, verifier_domain="exchange.example", wallet_address=WALLET, chain_id=1, now=NOW
    ).context()


def test_revocable_credential_is_signed_over_its_handle(world: World) -> None:
    credential = world.alices
    assert credential.revocable
    assert credential.bound
    assert credential.revocation is not None
    assert credential.revocation.holds()
    credential.verify(world.alice)
    # the handle is a signed message: another handle breaks the signature
    other = dataclasses.replace(
        credential, revocation=dataclasses.replace(credential.revocation, handle=5)
    )
    with pytest.raises(VerificationError):
        other.verify(world.alice)
    again = Credential.from_json(credential.to_json())
    assert again == credential
    assert "revocable (epoch 0)" in repr(credential)
    assert f"{credential.revocation.handle:064x}" not in repr(credential)


def test_unbound_revocable_credential(world: World) -> None:
    credential = issue_credential(
        world.issuer,
        get_schema("investor/v1"),
        sample_attributes(),
        today=TODAY,
        customer="carol",
        registry=world.registry,
    )
    assert credential.revocable
    assert not credential.bound
    credential.verify()
    statement = compile_circuit(
        CIRCUIT, world.issuer.public_key(), TODAY, registries=[epoch_of(world.registry.state())]
    )
    ctx = context()
    proof = prove_statement(statement, [credential], ctx, rng=seeded(3))
    verify_statement(statement, proof.to_bytes(), ctx, [{}])
    with pytest.raises(IssuanceError, match="customer"):
        issue_credential(
            world.issuer, get_schema("investor/v1"), sample_attributes(), today=TODAY,
            registry=world.registry,
        )  # fmt: skip


@pytest.fixture(params=["arkworks", "py-ecc"])
def either_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    with use_backend(request.param):
        yield request.param


def test_membership_composes_under_one_challenge(world: World) -> None:
    statement = world.statement()
    ctx = context()
    proof = prove_statement(statement, [world.alices], ctx, rng=seeded(1), holder=world.alice)
    data = proof.to_bytes()
    plain = compile_circuit(CIRCUIT, world.issuer.public_key(), TODAY, bound=True)
    # the membership proof is 128 bytes, and the handle one more BBS response
    assert len(data) == PresentationProof.size(plain) + MEMBERSHIP_PROOF_BYTES + 32
    assert len(data) == PresentationProof.size(statement)
    verify_statement(statement, data, ctx, [{}], proof.pseudonym)
    # any byte of the membership proof changed: refused
    tail = len(data) - MEMBERSHIP_PROOF_BYTES
    for position in (tail + 5, tail + 60, len(data) - 1):
        forged = bytearray(data)
        forged[position] ^= 1
        with pytest.raises(VerificationError):
            verify_statement(statement, bytes(forged), ctx, [{}], proof.pseudonym)
    # Ā or B̄ the identity (so that e(Ā, Q~) = e(B̄, P~) holds trivially): refused
    identity = bytes([0xC0]) + bytes(47)
    for at in (tail, tail + 48):
        forged = data[:at] + identity + data[at + 48 :]
        with pytest.raises(VerificationError):
            verify_statement(statement, forged, ctx, [{}], proof.pseudonym)
    # the same proof against another state (another epoch or value): refused
    later = world.registry.publish(now=NOW + dt.timedelta(hours=1))
    with pytest.raises(VerificationError):
        verify_statement(world.statement(later), data, ctx, [{}], proof.pseudonym)
    # a credential not yet brought forward is refused by the prover, clearly
    with pytest.raises(PolicyError, match="follow the issuer's registry"):
        prove_statement(world.statement(later), [world.alices], ctx, rng=seeded(2),
                        holder=world.alice)  # fmt: skip
    moved = world.alices.follow([later])
    proof = prove_statement(world.statement(later), [moved], ctx, rng=seeded(2), holder=world.alice)
    verify_statement(world.statement(later), proof.to_bytes(), ctx, [{}], proof.pseudonym)


def up_to(world: World, credential: Credential, epoch: int) -> Credential:
    """``credential`` brought forward to ``epoch`` from the registry's published states."""
    assert credential.revocation is not None
    start = credential.revocation.epoch
    if start == epoch:
        return credential
    return credential.follow([world.registry.state(e) for e in range(start + 1, epoch + 1)])


class Revoked:
    """Bob revoked: his credential's witness is for the state before the removal."""

    def __init__(self, world: World) -> None:
        before = world.registry.state()
        self.credential = up_to(world, world.bobs, before.epoch)
        world.registry.revoke_customer("bob")
        self.after = world.registry.publish(now=NOW + dt.timedelta(hours=2))
        self.before = before
        self.statement = world.statement(self.after)


def _claiming(credential: Credential, state: RegistryState, **change: object) -> Credential:
    """``credential`` past the prover's own check: its witness relabelled as one for ``state``."""
    held = credential.revocation
    assert held is not None
    relabelled = dataclasses.replace(
        held, epoch=state.epoch, value=state.value, issued_at=state.issued_at, **change
    )
    return dataclasses.replace(credential, revocation=relabelled)


def test_a_revoked_holder_cannot_follow_or_prove(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    revoked = Revoked(world)
    with pytest.raises(PolicyError, match="removed"):
        revoked.credential.follow([revoked.after])
    ctx = context()
    statement = revoked.statement
    held = revoked.credential.revocation
    assert held is not None
    removals = revoked.after.removals
    assert removals is not None
    backend = get_backend()
    # the update formula's numerator: d(y) = 0, so it is the identity
    numerator = held.witness - backend.g1_msm(
        list(removals.omega), [pow(held.handle, k, R) for k in range(len(removals.removed))]
    )
    candidates = {
        "the old witness": {},
        "the update's numerator": {"witness": numerator},
        "a random point": {"witness": backend.g1_generator() * 12345},
    }
    for seed, (name, change) in enumerate(candidates.items()):
        forged = _claiming(revoked.credential, revoked.after, **change)
        if name == "the update's numerator":
            assert numerator.is_identity()  # so Ā would be: not even absorbed
            with pytest.raises(InvalidInputError, match="identity"):
                prove_statement(statement, [forged], ctx, rng=seeded(100 + seed),
                                holder=world.bob)  # fmt: skip
            continue
        proof = prove_statement(statement, [forged], ctx, rng=seeded(100 + seed),
                                holder=world.bob)  # fmt: skip
        with pytest.raises(VerificationError):
            verify_statement(statement, proof.to_bytes(), ctx, [{}], proof.pseudonym)

    # A prover that proves against the old value (its witness holds there, so
    # e(Ā, Q~) = e(B̄, P~)) while the transcript names the new one.
    import zkattest.composite.engine as engine

    real = engine.MembershipProver

    def against_old_value(value: object, *args: object) -> object:
        return real(revoked.before.value, *args)

    monkeypatch.setattr(engine, "MembershipProver", against_old_value)
    proof = prove_statement(statement, [_claiming(revoked.credential, revoked.after)], ctx,
                            rng=seeded(7), holder=world.bob)  # fmt: skip
    with pytest.raises(VerificationError):
        verify_statement(statement, proof.to_bytes(), ctx, [{}], proof.pseudonym)
    # the same deviating prover, on the state its witness is for, verifies: the harness is sound
    old = world.statement(revoked.before)
    proof = prove_statement(old, [revoked.credential], ctx, rng=seeded(7), holder=world.bob)
    verify_statement(old, proof.to_bytes(), ctx, [{}], proof.pseudonym)
    monkeypatch.undo()
    # and Alice, not revoked, follows and proves on the new state
    alice = up_to(world, world.alices, revoked.after.epoch)
    proof = prove_statement(statement, [alice], ctx, rng=seeded(8), holder=world.alice)
    verify_statement(statement, proof.to_bytes(), ctx, [{}], proof.pseudonym)
