"""Revocation through the recipes: issue revocable, revoke, publish, follow, prove,
verify against the states a verifier keeps; the holder refuses stale states and
the verifier refuses what its registry policy does not allow."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import bound_credential, sample_attributes
from zkattest import (
    Challenge,
    Credential,
    HolderSecret,
    IssuerLedger,
    IssuerSecretKey,
    Presentation,
    RegistryState,
    RegistryStates,
    RevocationRegistry,
    get_circuit,
    prove,
    select_credentials,
    verify,
)
from zkattest.errors import PolicyError, VerificationError

CIRCUIT = get_circuit("accredited_investor_506c")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
WALLET = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
HOUR = dt.timedelta(hours=1)


class Platform:
    def __init__(self) -> None:
        self.issuer = IssuerSecretKey.generate()
        self.registry = RevocationRegistry.create(":memory:", self.issuer, capacity=16, now=NOW)
        self.ledger = IssuerLedger(":memory:")
        self.states = RegistryStates()
        self.relay(self.registry.state())

    def relay(self, state: RegistryState) -> None:
        # anyone relays: the verifier checks the issuer's signature on the JSON
        self.states.add(RegistryState.from_json(state.to_json()), self.issuer.public_key())

    def issue(self, holder: HolderSecret, customer: str) -> Credential:
        return bound_credential(
            self.issuer, holder, sample_attributes(), today=TODAY, customer=customer,
            ledger=self.ledger, registry=self.registry,
        )  # fmt: skip

    def challenge(self, now: dt.datetime = NOW, **kwargs: object) -> Challenge:
        return Challenge.create(
            CIRCUIT, verifier_domain="exchange.example", wallet_address=WALLET, chain_id=1,
            now=now, **kwargs,  # type: ignore[arg-type]
        )  # fmt: skip

    def verify(self, presentation: Presentation, challenge: Challenge, now: dt.datetime = NOW,
               **kwargs: object) -> object:  # fmt: skip
        return verify(
            presentation, challenge, self.issuer.public_key(), now=now,
            registries=self.states, **kwargs,  # type: ignore[arg-type]
        )  # fmt: skip


@pytest.fixture
def platform() -> Platform:
    return Platform()


def test_revoke_publish_follow_verify(platform: Platform) -> None:
    alice, bob = HolderSecret.generate(), HolderSecret.generate()
    alices, bobs = platform.issue(alice, "alice"), platform.issue(bob, "bob")
    asked = platform.challenge(max_state_age=HOUR)
    assert asked.registry_not_before == NOW - HOUR
    assert Challenge.from_json(asked.to_json()) == asked
    presentation = prove(alices, asked, holder=alice, now=NOW)
    wire = json.loads(presentation.to_json())
    assert wire["registry_epoch"] == 0
    assert Presentation.from_json(presentation.to_json()) == presentation
    result = platform.verify(presentation, asked)
    assert result.credentials[0].registry_epoch == 0  # type: ignore[attr-defined]
    # Bob is revoked; the issuer publishes; the verifier takes the relayed state
    platform.registry.revoke_customer("bob")
    later = NOW + 2 * HOUR
    state = platform.registry.publish(now=later)
    platform.relay(state)
    fresh = platform.challenge(now=later, max_state_age=HOUR)
    # the holders refuse to prove against the old state, and say why
    with pytest.raises(PolicyError, match="older than the verifier accepts"):
        prove(alices, fresh, holder=alice, now=later)
    with pytest.raises(PolicyError, match="older than the verifier accepts"):
        select_credentials([alices], fresh, holder=alice, now=later)
    # Alice follows the relayed states (nothing per credential), Bob cannot
    alices = alices.follow(platform.states.since(platform.issuer.public_key().key_id, 0))
    assert select_credentials([alices], fresh, holder=alice, now=later) == (alices,)
    platform.verify(prove(alices, fresh, holder=alice, now=later), fresh, now=later)
    with pytest.raises(PolicyError, match="removed"):
        bobs.follow([state])
    # a presentation on the old state, to a challenge that accepts only fresh ones
    stale = prove(bobs, platform.challenge(now=later), holder=bob, now=later)
    with pytest.raises(VerificationError) as refused:
        platform.verify(stale, fresh, now=later)
    assert refused.value.reason == "context_mismatch"  # another challenge, first
    old_challenge = platform.challenge(now=later)
    stale = prove(bobs, old_challenge, holder=bob, now=later)
    with pytest.raises(VerificationError) as refused:
        platform.verify(stale, old_challenge, now=later, max_state_age=HOUR)
    assert refused.value.reason == "stale_registry_state"
    # without a bound in the challenge, the verifier's max_state_age applies
    platform.verify(stale, old_challenge, now=later, max_state_age=3 * HOUR)


def test_verifier_policy(platform: Platform) -> None:
    alice = HolderSecret.generate()
    alices = platform.issue(alice, "alice")
    asked = platform.challenge()
    presentation = prove(alices, asked, holder=alice, now=NOW)
    # a verifier that does not follow this issuer's registry cannot check it
    with pytest.raises(VerificationError) as refused:
        verify(presentation, asked, platform.issuer.public_key(), now=NOW)
    assert refused.value.reason == "stale_registry_state"
    # an epoch the verifier does not know
    forged = Presentation.from_dict(json.loads(presentation.to_json()) | {"registry_epoch": 7})
    with pytest.raises(VerificationError) as refused:
        platform.verify(forged, asked)
    assert refused.value.reason == "stale_registry_state"
    # a presentation that hides its revocability: refused before any proof check
    hidden = json.loads(presentation.to_json())
    del hidden["registry_epoch"]
    with pytest.raises(VerificationError) as refused:
        platform.verify(Presentation.from_dict(hidden), asked)
    assert refused.value.reason == "revocation"
    # a credential issued without the registry, by an issuer that runs one
    plain = bound_credential(platform.issuer, alice, sample_attributes(), today=TODAY,
                             customer="alice-old")  # fmt: skip
    with pytest.raises(VerificationError) as refused:
        platform.verify(prove(plain, asked, holder=alice, now=NOW), asked)
    assert refused.value.reason == "revocation"
    # the states a verifier keeps are checked when added
    other = IssuerSecretKey.generate()
    with pytest.raises(VerificationError):
        platform.states.add(platform.registry.state(), other.public_key())
    foreign = RevocationRegistry.create(":memory:", platform.issuer, capacity=1, now=NOW)
    with pytest.raises(VerificationError, match="another accumulator"):
        platform.states.add(foreign.publish(now=NOW), platform.issuer.public_key())


def test_two_presentations_of_one_credential_share_nothing(platform: Platform) -> None:
    alice = HolderSecret.generate()
    alices = platform.issue(alice, "alice")
    proofs = [prove(alices, platform.challenge(), holder=alice, now=NOW).proof for _ in range(2)]
    membership = [p[-128:] for p in proofs]
    chunks = {membership[0][i : i + 16] for i in range(0, 128 - 16)}
    assert not any(membership[1][i : i + 16] in chunks for i in range(0, 128 - 16))
    handle = alices.revocation.handle.to_bytes(32, "big")  # type: ignore[union-attr]
    assert all(handle not in p for p in proofs)


def test_reissue_revokes_the_previous_credential(platform: Platform) -> None:
    alice = HolderSecret.generate()
    first = platform.issue(alice, "alice")
    # the one-live-credential rule does not wait: the re-issue revokes the first
    second = platform.issue(alice, "alice")
    latest = platform.registry.state()
    assert latest.epoch == 1
    assert latest.removals is not None
    assert latest.removals.removed == (first.revocation.handle,)  # type: ignore[union-attr]
    with pytest.raises(PolicyError, match="removed"):
        first.follow([latest])
    assert second.revocation is not None
    assert second.revocation.epoch == 1
    # the same signer entropy: the re-issued credential keeps the pseudonym
    assert second.nym_secret(alice) == first.nym_secret(alice)


@pytest.mark.slow
def test_the_backends_interoperate_on_a_revocable_credential(platform: Platform) -> None:
    from zkattest.hazmat.curve import use_backend

    alice = HolderSecret.generate()
    alices = platform.issue(alice, "alice")
    asked = platform.challenge()
    presentation = prove(alices, asked, holder=alice, now=NOW)
    text = platform.registry.state().to_json()
    with use_backend("py-ecc"):
        states = RegistryStates()
        states.add(RegistryState.from_json(text), platform.issuer.public_key())
        result = verify(presentation, asked, platform.issuer.public_key(), now=NOW,
                        registries=states)  # fmt: skip
    assert result.pseudonym is not None


def test_reissue_replaces_only_a_credential_of_the_same_registry(platform: Platform) -> None:
    from zkattest.errors import IssuanceError

    alice = HolderSecret.generate()
    # a live credential that is not revocable cannot be replaced by a revocable one
    bound_credential(platform.issuer, alice, sample_attributes(), today=TODAY,
                     customer="alice", ledger=platform.ledger)  # fmt: skip
    with pytest.raises(IssuanceError, match="one live credential per customer"):
        platform.issue(alice, "alice")
    # nor one of another registry of the issuer
    bob = HolderSecret.generate()
    platform.issue(bob, "bob")
    other = RevocationRegistry.create(":memory:", platform.issuer, capacity=4, now=NOW)
    with pytest.raises(IssuanceError, match="one live credential per customer"):
        bound_credential(platform.issuer, bob, sample_attributes(), today=TODAY,
                         customer="bob", ledger=platform.ledger, registry=other)  # fmt: skip
    assert other.state().epoch == 0  # refused before anything was revoked or published
