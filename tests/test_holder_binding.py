"""Presentations of bound credentials: the pseudonym per platform, proven with the predicates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import sample_attributes
from tests.test_presentation import challenge_for as _challenge_for
from zkattest import (
    Challenge,
    Credential,
    IssuerLedger,
    IssuerSecretKey,
    Presentation,
    issue_credential,
    prove,
    verify,
)
from zkattest.composite import engine
from zkattest.errors import InvalidInputError, PolicyError, VerificationError
from zkattest.hazmat.bbs import pseudonym
from zkattest.hazmat.curve import R
from zkattest.holder import HolderSecret, accept_credential, request_credential
from zkattest.schema import get_schema

SCHEMA = get_schema("investor/v1")
WALLET = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def issuer() -> IssuerSecretKey:
    return IssuerSecretKey.generate()


def bound_credential(
    issuer: IssuerSecretKey, holder: HolderSecret, customer: str = "c-1", **overrides: object
) -> Credential:
    pending = request_credential(holder, issuer.public_key(), SCHEMA.id)
    issued = issue_credential(
        issuer,
        SCHEMA,
        sample_attributes(**overrides),
        today=TODAY,
        request=pending.request,
        customer=customer,
        ledger=IssuerLedger(":memory:"),
    )
    return accept_credential(issued.to_json(), issuer.public_key(), holder=holder, pending=pending)


@pytest.fixture(scope="module")
def holder() -> HolderSecret:
    return HolderSecret.generate()


@pytest.fixture(scope="module")
def cred(issuer: IssuerSecretKey, holder: HolderSecret) -> Credential:
    return bound_credential(issuer, holder)


def challenge_for(circuit_id: str = "accredited_investor_506c", **overrides: Any) -> Challenge:
    return _challenge_for(circuit_id, **overrides)


@pytest.mark.parametrize("circuit_id", ["accredited_investor_506c", "reg_s_non_us", "kyc_adult"])
def test_a_bound_presentation_shows_the_draft_pseudonym_for_the_domain(
    issuer: IssuerSecretKey, holder: HolderSecret, cred: Credential, circuit_id: str
) -> None:
    ch = challenge_for(circuit_id)
    presentation = Presentation.from_json(prove(cred, ch, now=NOW, holder=holder).to_json())
    result = verify(presentation, ch, issuer.public_key(), now=NOW)
    expected = pseudonym.calculate_pseudonym(
        b"exchange.example", [cred.nym_secret(holder)], suite=issuer.suite
    )
    assert result.pseudonym == expected.to_bytes().hex()
    assert presentation.pseudonym == expected.to_bytes()


def test_one_platform_one_pseudonym_two_platforms_unrelated(
    issuer: IssuerSecretKey, holder: HolderSecret, cred: Credential
) -> None:
    a1 = prove(cred, challenge_for(), now=NOW, holder=holder)
    a2 = prove(cred, challenge_for(challenge_id="ch-2", nonce=b"\x08" * 32), now=NOW, holder=holder)
    b = prove(cred, challenge_for(verifier_domain="other.example"), now=NOW, holder=holder)
    assert a1.pseudonym == a2.pseudonym
    assert a1.proof != a2.proof
    assert a1.pseudonym != b.pseudonym
    # No 16-byte window is shared between the two platforms' presentations
    # (pseudonym and proof: the bytes a platform stores or could compare).
    for x in (a1, a2):
        left = (x.pseudonym or b"") + x.proof
        right = (b.pseudonym or b"") + b.proof
        windows = {left[i : i + 16] for i in range(len(left) - 15)}
        assert not any(right[i : i + 16] in windows for i in range(len(right) - 15))
    # and the holder's other credential from another issuer shows another pseudonym
    other_issuer = IssuerSecretKey.generate()
    other = bound_credential(other_issuer, holder)
    assert prove(other, challenge_for(), now=NOW, holder=holder).pseudonym != a1.pseudonym


def test_a_reissued_credential_keeps_the_pseudonym(issuer: IssuerSecretKey, tmp_path: Any) -> None:
    holder = HolderSecret.generate()
    ledger = IssuerLedger(tmp_path / "l.sqlite")

    def issue(today: dt.date, expiry: str) -> Credential:
        pending = request_credential(holder, issuer.public_key(), SCHEMA.id)
        issued = issue_credential(
            issuer,
            SCHEMA,
            sample_attributes(issuance_date="2026-01-01", expiry_date=expiry),
            today=today,
            request=pending.request,
            customer="c-7",
            ledger=ledger,
        )
        return accept_credential(
            issued.to_json(), issuer.public_key(), holder=holder, pending=pending
        )

    first = issue(dt.date(2026, 1, 1), "2026-11-20")
    second = issue(TODAY, "2027-11-20")
    assert first.nym_secret(holder) == second.nym_secret(holder)


def test_unbound_presentations_are_refused_by_default(issuer: IssuerSecretKey) -> None:
    unbound = issue_credential(issuer, SCHEMA, sample_attributes(), today=TODAY)
    ch = challenge_for()
    presentation = prove(unbound, ch, now=NOW)
    assert presentation.pseudonym is None
    with pytest.raises(VerificationError) as info:
        verify(presentation, ch, issuer.public_key(), now=NOW)
    assert info.value.reason == "holder_binding"
    assert (
        verify(presentation, ch, issuer.public_key(), now=NOW, require_binding=False).pseudonym
        is None
    )


def test_the_holder_secret_is_required_and_must_be_the_credentials(
    issuer: IssuerSecretKey, cred: Credential
) -> None:
    ch = challenge_for()
    with pytest.raises(InvalidInputError):
        prove(cred, ch, now=NOW)
    with pytest.raises(PolicyError, match="not bound to this holder"):
        prove(cred, ch, now=NOW, holder=HolderSecret.generate())


def test_a_pseudonym_removed_replaced_or_from_elsewhere_is_refused(
    issuer: IssuerSecretKey, holder: HolderSecret, cred: Credential
) -> None:
    ch = challenge_for()
    honest = prove(cred, ch, now=NOW, holder=holder)
    other_domain = prove(
        cred, challenge_for(verifier_domain="other.example"), now=NOW, holder=holder
    )
    another_holder = HolderSecret.generate()
    someone = prove(bound_credential(issuer, another_holder), ch, now=NOW, holder=another_holder)
    generator = pseudonym.calculate_pseudonym(b"x", [1], suite=issuer.suite)
    for candidate in (
        dataclasses.replace(honest, pseudonym=None),
        dataclasses.replace(honest, pseudonym=other_domain.pseudonym),
        dataclasses.replace(honest, pseudonym=someone.pseudonym),
        dataclasses.replace(honest, pseudonym=generator.to_bytes()),
        dataclasses.replace(honest, pseudonym=b"\xc0" + bytes(47)),  # the identity
        dataclasses.replace(honest, pseudonym=b"\x00" * 48),
        dataclasses.replace(honest, pseudonym=(honest.pseudonym or b"")[:47]),
        dataclasses.replace(someone, proof=honest.proof),
        dataclasses.replace(other_domain, proof=honest.proof),
    ):
        with pytest.raises(VerificationError):
            verify(candidate, ch, issuer.public_key(), now=NOW)
    verify(honest, ch, issuer.public_key(), now=NOW)


def _counter(start: int) -> Callable[[], int]:
    counter = itertools.count(start)
    return lambda: next(counter)


def test_a_deviating_prover_cannot_show_a_pseudonym_of_its_choosing(
    issuer: IssuerSecretKey, holder: HolderSecret, cred: Credential, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A holder wanting a second seat shows the pseudonym of ``nym_secret + 1``.
    The deviating prover controls its randomness and absorbs what it shows,
    with the commitment it would need; it is refused, the same steps honest pass."""
    ch = challenge_for()
    honest = prove(cred, ch, now=NOW, holder=holder, rng=_counter(1000))
    verify(honest, ch, issuer.public_key(), now=NOW)
    OP = pseudonym.calculate_pseudonym(b"exchange.example", [1], suite=issuer.suite)
    absorb = engine._absorb_pseudonym
    for guess in (0, 1, R - 1):  # the challenge it would need to know in advance

        def shifted(transcript: Any, shown: Any, Tp: Any, g: int = guess) -> None:
            absorb(transcript, shown + OP, Tp - OP * g)

        monkeypatch.setattr(engine, "_absorb_pseudonym", shifted)
        forged = prove(cred, ch, now=NOW, holder=holder, rng=_counter(1000))
        monkeypatch.setattr(engine, "_absorb_pseudonym", absorb)
        second_seat = (
            pseudonym.calculate_pseudonym(
                b"exchange.example", [(cred.nym_secret(holder) + 1) % R], suite=issuer.suite
            )
        ).to_bytes()
        forged = dataclasses.replace(forged, pseudonym=second_seat)
        with pytest.raises(VerificationError):
            verify(forged, ch, issuer.public_key(), now=NOW)


def test_a_bound_proof_is_192_bytes_or_less_larger(
    issuer: IssuerSecretKey, holder: HolderSecret, cred: Credential
) -> None:
    unbound = issue_credential(issuer, SCHEMA, sample_attributes(), today=TODAY)
    ch = challenge_for()
    before = prove(unbound, ch, now=NOW)
    after = prove(cred, ch, now=NOW, holder=holder)
    extra = len(after.proof) + len(after.pseudonym or b"") - len(before.proof)
    assert extra == 3 * 32 + 48  # three hidden messages' m^, and the pseudonym


@pytest.mark.slow
def test_bound_issuance_and_presentation_on_the_reference_backend() -> None:
    from zkattest.hazmat.curve import use_backend

    with use_backend("py-ecc"):
        key = IssuerSecretKey.generate()
        holder = HolderSecret.generate()
        cred = bound_credential(key, holder)
        ch = challenge_for("kyc_adult")
        presentation = prove(cred, ch, now=NOW, holder=holder)
        result = verify(presentation, ch, key.public_key(), now=NOW)
    with use_backend("arkworks"):
        assert verify(presentation, ch, key.public_key(), now=NOW).pseudonym == result.pseudonym
