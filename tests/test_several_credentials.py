"""Presentations over several credentials from several issuers, bound to one holder:
accredited_investor_506c_verified end to end (wallet selection, prove, verify,
issuer roles), and what must never verify."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable

import pytest

from tests.conftest import bound_credential, sample_attributes, sample_letter, seeded
from zkattest import (
    Challenge,
    Credential,
    HolderSecret,
    IssuerSecretKey,
    Presentation,
    PresentedCredential,
    TrustedIssuer,
    UnfillableSlotError,
    get_circuit,
    prove,
    select_credentials,
    verify,
)
from zkattest.composite import engine
from zkattest.composite.engine import PresentationProof, prove_statement
from zkattest.composite.gadgets import MessageRef
from zkattest.composite.statement import compile_circuit
from zkattest.errors import DecodeError, InvalidInputError, PolicyError, VerificationError
from zkattest.hazmat.bbs import pseudonym
from zkattest.hazmat.curve import R

CIRCUIT = get_circuit("accredited_investor_506c_verified")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
WALLET = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"


class Parties:
    def __init__(self) -> None:
        self.kyc = IssuerSecretKey.generate()
        self.cpa = IssuerSecretKey.generate()
        self.trusted = [
            TrustedIssuer(self.kyc.public_key(), ("investor/v1",), ("kyc_provider",)),
            TrustedIssuer(
                self.cpa.public_key(), ("accreditation/v1",), ("accreditation_verifier",)
            ),
        ]

    def credentials(self, holder: HolderSecret, **letter: str) -> tuple[Credential, Credential]:
        kyc = bound_credential(self.kyc, holder, sample_attributes(), today=TODAY)
        cpa = bound_credential(
            self.cpa,
            holder,
            sample_letter(accreditation_basis="income", **letter),
            today=TODAY,
            schema_id="accreditation/v1",
        )
        return kyc, cpa


@pytest.fixture(scope="module")
def parties() -> Parties:
    return Parties()


@pytest.fixture(scope="module")
def alice() -> HolderSecret:
    return HolderSecret.generate()


@pytest.fixture(scope="module")
def alices(parties: Parties, alice: HolderSecret) -> tuple[Credential, Credential]:
    return parties.credentials(alice)


def challenge(**kwargs: object) -> Challenge:
    return Challenge.create(
        CIRCUIT,
        verifier_domain="exchange.example",
        wallet_address=WALLET,
        chain_id=1,
        now=NOW,
        **kwargs,  # type: ignore[arg-type]
    )


def test_one_holder_two_issuers_one_presentation(
    parties: Parties, alice: HolderSecret, alices: tuple[Credential, Credential]
) -> None:
    asked = challenge(horizon_days=30)
    presentation = prove(list(alices), asked, holder=alice, now=NOW)
    assert [c.name for c in presentation.credentials] == ["kyc", "accreditation"]
    assert presentation.credentials[0].issuer_key_id == parties.kyc.public_key().key_id
    assert presentation.credentials[1].issuer_key_id == parties.cpa.public_key().key_id
    assert presentation.credentials[0].disclosed == {}  # sanctions "clear" is the verifier's value
    wire = json.loads(presentation.to_json())
    assert "issuer_key_id" not in wire
    assert wire["credentials"][1] == {
        "name": "accreditation",
        "issuer_key_id": parties.cpa.public_key().key_id,
        "disclosed": {},
    }
    again = Presentation.from_json(presentation.to_json())
    assert again == presentation
    result = verify(again, asked, parties.trusted, now=NOW)
    assert result.issuer_key_ids == tuple(t.key_id for t in parties.trusted)
    # one pseudonym: the first credential's nym secret, for this domain
    nym = alices[0].nym_secret(alice)
    expected = pseudonym.calculate_pseudonym(b"exchange.example", [nym], suite=parties.kyc.suite)
    assert result.pseudonym == expected.to_bytes().hex()
    # the admission lasts as long as the horizon asked (both credentials outlive it)
    assert result.valid_through == TODAY + dt.timedelta(days=30)
    with pytest.raises(InvalidInputError, match=r"read \.credentials"):
        _ = result.issuer_key_id


def test_a_key_trusted_only_for_kyc_cannot_sign_the_accreditation(
    parties: Parties, alice: HolderSecret
) -> None:
    kyc, _ = parties.credentials(alice)
    # the KYC provider signs the letter too
    forged_letter = bound_credential(
        parties.kyc, alice, sample_letter(), today=TODAY, schema_id="accreditation/v1",
        customer="c-2",
    )  # fmt: skip
    asked = challenge()
    presentation = prove([kyc, forged_letter], asked, holder=alice, now=NOW)
    kyc_only = [parties.trusted[0], parties.trusted[1]]
    with pytest.raises(VerificationError) as refused:
        verify(presentation, asked, kyc_only, now=NOW)
    assert refused.value.reason == "untrusted_issuer"
    # trusted for the schema, but not in the role the circuit names
    no_role = TrustedIssuer(parties.kyc.public_key(), ("investor/v1", "accreditation/v1"))
    with pytest.raises(VerificationError) as refused:
        verify(presentation, asked, [no_role, parties.trusted[1]], now=NOW)
    assert refused.value.reason == "untrusted_issuer"
    # bare keys are trusted for every schema but hold no role
    bare = [parties.kyc.public_key(), parties.cpa.public_key()]
    honest = prove(list(parties.credentials(alice)), asked, holder=alice, now=NOW)
    with pytest.raises(VerificationError) as refused:
        verify(honest, asked, bare, now=NOW)
    assert refused.value.reason == "untrusted_issuer"
    # the KYC provider trusted in both roles, for both schemas: accepted
    both = TrustedIssuer(
        parties.kyc.public_key(),
        ("investor/v1", "accreditation/v1"),
        ("kyc_provider", "accreditation_verifier"),
    )
    assert verify(presentation, asked, [both], now=NOW).pseudonym


def test_trusted_issuer_grants_are_validated(parties: Parties) -> None:
    key = parties.kyc.public_key()
    with pytest.raises(InvalidInputError, match="at least one schema"):
        TrustedIssuer(key, ())
    with pytest.raises(InvalidInputError, match="schema ids"):
        TrustedIssuer(key, ("Investor",))
    with pytest.raises(InvalidInputError, match="schema ids"):
        TrustedIssuer(key, "investor/v1")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="role names"):
        TrustedIssuer(key, ("investor/v1",), ("KYC provider",))
    with pytest.raises(InvalidInputError, match="not the key id of its key"):
        verify(None, None, {"0" * 32: key})  # type: ignore[arg-type]
    # one key listed twice (one grant per schema) is refused, not half-applied
    split = [TrustedIssuer(key, ("investor/v1",)), TrustedIssuer(key, ("accreditation/v1",))]
    with pytest.raises(InvalidInputError, match="listed twice"):
        verify(None, None, split)  # type: ignore[arg-type]


def test_one_credential_has_one_spelling(parties: Parties, alice: HolderSecret) -> None:
    single = get_circuit("accredited_investor_506c")
    asked = Challenge.create(
        single, verifier_domain="exchange.example", wallet_address=WALLET, chain_id=1, now=NOW
    )
    kyc, _ = parties.credentials(alice)
    presentation = prove(kyc, asked, holder=alice, now=NOW)
    wire = json.loads(presentation.to_json())
    assert "credentials" not in wire
    respelled = {k: v for k, v in wire.items() if k not in ("issuer_key_id", "disclosed")}
    respelled["credentials"] = [
        {"name": "credential", "issuer_key_id": wire["issuer_key_id"], "disclosed": {}}
    ]
    with pytest.raises(DecodeError, match="gives issuer_key_id and disclosed"):
        Presentation.from_json(json.dumps(respelled))
    both = wire | {"credentials": respelled["credentials"]}
    with pytest.raises(DecodeError):
        Presentation.from_json(json.dumps(both))


# ---------------------------------------------------------------------------
# Soundness: one holder, the circuit's slots, no splicing
# ---------------------------------------------------------------------------


def deviating_presentation(
    asked: Challenge,
    credentials: list[Credential],
    secrets: list[HolderSecret],
    monkeypatch: pytest.MonkeyPatch,
    *,
    rng: Callable[[], int],
) -> Presentation:
    """A prover past the wallet's checks: each credential proven with its own
    holder secret, every random scalar its own."""
    per_credential = {id(c): s for c, s in zip(credentials, secrets, strict=True)}
    original = Credential.signed_scalars

    def signed(self: Credential, holder: HolderSecret | None = None) -> list[int]:
        return original(self, per_credential.get(id(self), holder))

    monkeypatch.setattr(Credential, "signed_scalars", signed)
    statement = compile_circuit(
        CIRCUIT, [c.issuer for c in credentials], asked.today, asked.horizon_days, bound=True
    )
    proof = prove_statement(statement, credentials, asked.context(), rng=rng, holder=secrets[0])
    return _presentation(asked, credentials, proof)


def _presentation(
    asked: Challenge, credentials: list[Credential], proof: PresentationProof
) -> Presentation:
    return Presentation(
        challenge_id=asked.challenge_id,
        circuit_id=asked.circuit_id,
        circuit_hash=asked.circuit_hash,
        wallet_address=asked.wallet_address,
        chain_id=asked.chain_id,
        credentials=tuple(
            PresentedCredential(spec.name, c.issuer.key_id, {})
            for spec, c in zip(CIRCUIT.credentials, credentials, strict=True)
        ),
        proof=proof.to_bytes(),
        pseudonym=proof.pseudonym,
    )


def test_two_holders_credentials_never_combine(
    parties: Parties,
    alice: HolderSecret,
    alices: tuple[Credential, Credential],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bob = HolderSecret.generate()
    bobs = parties.credentials(bob)
    asked = challenge()
    # the wallet refuses: bob's letter does not carry alice's secret
    with pytest.raises(PolicyError, match="not bound to this holder secret"):
        prove([alices[0], bobs[1]], asked, holder=alice, now=NOW)
    # the harness itself is sound: with one holder's secret throughout, it verifies
    same = deviating_presentation(asked, list(alices), [alice, alice], monkeypatch, rng=seeded(9))
    assert verify(same, asked, parties.trusted, now=NOW).pseudonym
    mixed = [alices[0], bobs[1]]
    # a deviating prover, its own randomness, the protocol's shared blinding
    forged = deviating_presentation(asked, mixed, [alice, bob], monkeypatch, rng=seeded(11))
    with pytest.raises(VerificationError):
        verify(forged, asked, parties.trusted, now=NOW)
    # ... and offsetting the second blinding by a guessed challenge times the
    # difference of the two secrets (equal responses if the guess were right)
    difference = (alice.holder_secret - bob.holder_secret) % R
    for guess in (1, 7, R - 1):

        def offset(m_tilde: dict[MessageRef, int], refs: list[MessageRef], value: int,
                   g: int = guess) -> None:  # fmt: skip
            m_tilde[refs[0]] = value
            m_tilde[refs[1]] = (value + g * difference) % R

        monkeypatch.setattr(engine, "_share_blinding", offset)
        forged = deviating_presentation(asked, mixed, [alice, bob], monkeypatch, rng=seeded(guess))
        with pytest.raises(VerificationError):
            verify(forged, asked, parties.trusted, now=NOW)


def test_swapped_or_spliced_slots_are_refused(
    parties: Parties, alice: HolderSecret, alices: tuple[Credential, Credential]
) -> None:
    asked = challenge()
    honest = prove(list(alices), asked, holder=alice, now=NOW)
    assert verify(honest, asked, parties.trusted, now=NOW)
    # the slots' metadata swapped
    swapped = dataclasses.replace(honest, credentials=honest.credentials[::-1])
    with pytest.raises(VerificationError) as refused:
        verify(swapped, asked, parties.trusted, now=NOW)
    assert refused.value.reason == "context_mismatch"
    # the slots' BBS proofs swapped inside the proof
    statement = compile_circuit(
        CIRCUIT, [c.issuer for c in alices], asked.today, asked.horizon_days, bound=True
    )
    parsed = PresentationProof.from_bytes(honest.proof, statement)
    first, second = parsed.bbs
    assert honest.proof[1 : 1 + len(first) + len(second)] == first + second
    swapped_bytes = honest.proof[:1] + second + first + honest.proof[1 + len(first + second) :]
    with pytest.raises(VerificationError):
        verify(dataclasses.replace(honest, proof=swapped_bytes), asked, parties.trusted, now=NOW)
    # one slot's proof replaced by the same slot's from another presentation:
    # of the same holder to another challenge, and of another holder to this one
    bob = HolderSecret.generate()
    other_challenge = prove(list(alices), challenge(), holder=alice, now=NOW)
    other_holder = prove(list(parties.credentials(bob)), asked, holder=bob, now=NOW)
    for donor in (other_challenge, other_holder):
        taken = PresentationProof.from_bytes(donor.proof, statement)
        for slot in (0, 1):
            bbs = list(parsed.bbs)
            bbs[slot] = taken.bbs[slot]
            spliced = dataclasses.replace(parsed, bbs=tuple(bbs)).to_bytes()
            with pytest.raises(VerificationError):
                verify(dataclasses.replace(honest, proof=spliced), asked, parties.trusted, now=NOW)


def test_a_circuit_of_several_credentials_is_always_bound(
    parties: Parties, alice: HolderSecret, alices: tuple[Credential, Credential]
) -> None:
    asked = challenge()
    honest = prove(list(alices), asked, holder=alice, now=NOW)
    unbound = dataclasses.replace(honest, pseudonym=None)
    with pytest.raises(VerificationError) as refused:
        verify(unbound, asked, parties.trusted, now=NOW, require_binding=False)
    assert refused.value.reason == "holder_binding"
    with pytest.raises(InvalidInputError, match="must be bound to one holder"):
        compile_circuit(CIRCUIT, [c.issuer for c in alices], TODAY)


# ---------------------------------------------------------------------------
# The wallet's choice
# ---------------------------------------------------------------------------


def test_the_wallet_finds_a_set_that_fills_the_challenge(
    parties: Parties, alice: HolderSecret, alices: tuple[Credential, Credential]
) -> None:
    bob = HolderSecret.generate()
    _, bobs_letter = parties.credentials(bob)
    stale = parties.credentials(alice, verified_date="2026-08-01", issuance_date="2026-08-02")[1]
    later = parties.credentials(alice, expiry_date="2027-02-28")[1]
    unbound_kyc = IssuerSecretKey.generate()
    from zkattest import issue_credential

    plain = issue_credential(unbound_kyc, CIRCUIT.schemas[0], sample_attributes(), today=TODAY)
    stored = [plain, bobs_letter, stale, alices[1], later, alices[0]]
    asked = challenge()
    chosen = select_credentials(stored, asked, holder=alice, now=NOW)
    assert chosen == (alices[0], later)  # of two letters that fit, the one expiring last
    assert verify(prove(chosen, asked, holder=alice, now=NOW), asked, parties.trusted, now=NOW)
    # the platform's accepted issuers narrow the choice
    accepted = {"accreditation": [parties.cpa.public_key().key_id]}
    assert select_credentials(stored, asked, holder=alice, now=NOW, accepted_issuers=accepted)


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ("kyc", "cannot fill credential accreditation .*no stored credential of schema accr"),
        ("kyc stale", "accreditation .*does not satisfy verified_date >= the circuit's value"),
        ("kyc bobs", "accreditation .*no credential bound to this holder secret"),
        ("letter", "cannot fill credential kyc \\(investor/v1\\)"),
    ],
)
def test_the_wallet_names_the_slot_it_cannot_fill(
    parties: Parties,
    alice: HolderSecret,
    alices: tuple[Credential, Credential],
    stored: str,
    message: str,
) -> None:
    bob = HolderSecret.generate()
    pool = {
        "kyc": alices[0],
        "letter": alices[1],
        "stale": parties.credentials(alice, verified_date="2026-08-01", issuance_date="2026-08-02")[
            1
        ],
        "bobs": parties.credentials(bob)[1],
    }
    with pytest.raises(UnfillableSlotError, match=message) as info:
        select_credentials([pool[k] for k in stored.split()], challenge(), holder=alice, now=NOW)
    assert info.value.slot == ("kyc" if stored == "letter" else "accreditation")
    with pytest.raises(UnfillableSlotError, match="issuer the platform accepts"):
        select_credentials(
            list(alices), challenge(), holder=alice, now=NOW, accepted_issuers={"kyc": []}
        )


def test_prove_takes_one_credential_per_slot_in_order(
    alice: HolderSecret, alices: tuple[Credential, Credential]
) -> None:
    asked = challenge()
    with pytest.raises(InvalidInputError, match=r"reads 2 credential\(s\) \(kyc, accreditation\)"):
        prove(alices[0], asked, holder=alice, now=NOW)
    with pytest.raises(PolicyError, match="kyc: the circuit is for another credential schema"):
        prove(list(alices[::-1]), asked, holder=alice, now=NOW)


@pytest.mark.slow
def test_the_backends_interoperate_on_two_credentials(
    parties: Parties, alice: HolderSecret, alices: tuple[Credential, Credential]
) -> None:
    from zkattest.hazmat.curve import use_backend

    asked = challenge()
    presentation = prove(list(alices), asked, holder=alice, now=NOW)
    with use_backend("py-ecc"):
        result = verify(presentation, asked, parties.trusted, now=NOW)
    assert result.pseudonym == verify(presentation, asked, parties.trusted, now=NOW).pseudonym
