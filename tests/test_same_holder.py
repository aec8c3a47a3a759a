"""Several bound credentials in one statement prove one holder: their hidden
holder secrets are proven equal under the one challenge (zkattest.composite.engine)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from tests.conftest import bound_credential, sample_attributes, sample_letter, seeded
from zkattest import Credential, HolderSecret, IssuerSecretKey
from zkattest.composite import engine
from zkattest.composite.engine import PresentationProof, prove_statement, verify_statement
from zkattest.composite.gadgets import MessageRef, RangeBound
from zkattest.composite.statement import CredentialSlot, Statement
from zkattest.context import PresentationContext
from zkattest.errors import VerificationError
from zkattest.hazmat.curve import R
from zkattest.schema import DateType, get_schema

INVESTOR = get_schema("investor/v1")
LETTER = get_schema("accreditation/v1")
TODAY = dt.date(2026, 11, 21)
CONTEXT = PresentationContext(
    circuit_id="two_bound_credentials",
    circuit_hash=b"\x22" * 32,
    verifier_domain="exchange.example",
    nonce=b"\x07" * 32,
    wallet_address="0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
    chain_id=1,
    today=TODAY,
)


@pytest.fixture(scope="module")
def issuers() -> tuple[IssuerSecretKey, IssuerSecretKey]:
    return IssuerSecretKey.generate(), IssuerSecretKey.generate()


def statement(kyc: IssuerSecretKey, cpa: IssuerSecretKey) -> Statement:
    """KYC: kyc_level >= 2; letter: not expired. Both bound: one holder."""
    kyc_level = INVESTOR.names.index("kyc_level")
    expiry = LETTER.names.index("expiry_date")
    slots = (
        CredentialSlot(kyc.public_key(), INVESTOR, {}, (kyc_level,), bound=True),
        CredentialSlot(cpa.public_key(), LETTER, {}, (expiry,), bound=True),
    )
    return Statement.build(
        slots,
        [
            RangeBound(MessageRef(0, kyc_level), "ge", 2, 8),
            RangeBound(MessageRef(1, expiry), "ge", DateType().date_to_scalar(TODAY), 16),
        ],
    )


def credentials(
    issuers: tuple[IssuerSecretKey, IssuerSecretKey], holder: HolderSecret
) -> list[Credential]:
    kyc, cpa = issuers
    return [
        bound_credential(kyc, holder, sample_attributes(), today=TODAY),
        bound_credential(cpa, holder, sample_letter(), today=TODAY,
                         schema_id="accreditation/v1"),
    ]  # fmt: skip


def test_two_bound_credentials_of_one_holder_verify_with_one_pseudonym(
    issuers: tuple[IssuerSecretKey, IssuerSecretKey],
) -> None:
    holder = HolderSecret.generate()
    st = statement(*issuers)
    assert st.same_holder == [
        MessageRef(0, len(INVESTOR.attributes) + 1),
        MessageRef(1, len(LETTER.attributes) + 1),
    ]
    creds = credentials(issuers, holder)
    proof = prove_statement(st, creds, CONTEXT, rng=seeded(3), holder=holder)
    verify_statement(st, proof.to_bytes(), CONTEXT, [{}, {}], proof.pseudonym)
    # the pseudonym is the first bound credential's, for the verifier's domain
    from zkattest.hazmat.bbs import pseudonym

    nym = creds[0].nym_secret(holder)
    expected = pseudonym.calculate_pseudonym(b"exchange.example", [nym], suite=issuers[0].suite)
    assert proof.pseudonym == expected.to_bytes()


@pytest.fixture
def per_credential_holder(monkeypatch: pytest.MonkeyPatch) -> dict[int, HolderSecret]:
    """A deviating prover: each credential proven with its own holder secret."""
    holders: dict[int, HolderSecret] = {}
    original = Credential.signed_scalars

    def signed(self: Credential, holder: HolderSecret | None = None) -> list[int]:
        return original(self, holders.get(id(self), holder))

    monkeypatch.setattr(Credential, "signed_scalars", signed)
    return holders


def test_two_holders_credentials_never_combine(
    issuers: tuple[IssuerSecretKey, IssuerSecretKey],
    per_credential_holder: dict[int, HolderSecret],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, bob = HolderSecret.generate(), HolderSecret.generate()
    alices, bobs = credentials(issuers, alice), credentials(issuers, bob)
    mixed = [alices[0], bobs[1]]
    per_credential_holder.update({id(alices[0]): alice, id(bobs[1]): bob})
    st = statement(*issuers)
    # the prover's own randomness, the shared blinding as the protocol says
    proof = prove_statement(st, mixed, CONTEXT, rng=seeded(5), holder=alice)
    with pytest.raises(VerificationError):
        verify_statement(st, proof.to_bytes(), CONTEXT, [{}, {}], proof.pseudonym)
    # a prover that offsets the second blinding by a guessed challenge times the
    # difference of the secrets, so the responses would be equal for that challenge
    difference = (alice.holder_secret - bob.holder_secret) % R
    for guess in (1, 2, R - 1):

        def offset(m_tilde: dict[MessageRef, int], refs: list[MessageRef], value: int,
                   g: int = guess) -> None:  # fmt: skip
            m_tilde[refs[0]] = value
            m_tilde[refs[1]] = (value + g * difference) % R

        monkeypatch.setattr(engine, "_share_blinding", offset)
        forged = prove_statement(st, mixed, CONTEXT, rng=seeded(6), holder=alice)
        with pytest.raises(VerificationError):
            verify_statement(st, forged.to_bytes(), CONTEXT, [{}, {}], forged.pseudonym)


def test_a_slot_from_another_holders_presentation_is_refused(
    issuers: tuple[IssuerSecretKey, IssuerSecretKey],
) -> None:
    alice, bob = HolderSecret.generate(), HolderSecret.generate()
    st = statement(*issuers)
    a = prove_statement(st, credentials(issuers, alice), CONTEXT, rng=seeded(7), holder=alice)
    b = prove_statement(st, credentials(issuers, bob), CONTEXT, rng=seeded(8), holder=bob)
    spliced = dataclasses.replace(a, bbs=(a.bbs[0], b.bbs[1]))
    swapped = dataclasses.replace(a, bbs=(a.bbs[1], a.bbs[0]))
    for candidate in (spliced, swapped):
        with pytest.raises((VerificationError, ValueError)):
            verify_statement(st, _bytes(candidate), CONTEXT, [{}, {}], a.pseudonym)
    verify_statement(st, a.to_bytes(), CONTEXT, [{}, {}], a.pseudonym)


def _bytes(proof: PresentationProof) -> Any:
    try:
        return proof.to_bytes()
    except Exception:
        raise VerificationError("unwritable") from None
