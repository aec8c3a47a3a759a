"""Eligibility presentations: completeness, boundary soundness, context binding, privacy."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import sample_attributes
from zkattest import (
    Challenge,
    Credential,
    IssuerSecretKey,
    Presentation,
    issue_credential,
    prove,
)
from zkattest import (
    verify as _verify,
)
from zkattest.circuits import get_circuit
from zkattest.errors import DecodeError, PolicyError, VerificationError, ZkAttestError
from zkattest.schema import DATE_EPOCH, DateType, get_schema

SCHEMA = get_schema("investor/v1")
WALLET = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
OTHER_WALLET = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)  # the wallet's and the verifier's clock
ENTITY = {
    "investor_type": "entity",
    "birth_date": "1999-05-01",
    "securities_owned_usd": 250_000_000,
    "accreditation_basis": "regulated_entity",
}

#: These tests prove unbound credentials' predicates; bound ones: test_holder_binding.py.
verify = functools.partial(_verify, require_binding=False)


@pytest.fixture(scope="module")
def issuer() -> IssuerSecretKey:
    return IssuerSecretKey.generate()


def challenge_for(circuit_id: str, **overrides: Any) -> Challenge:
    circuit = get_circuit(circuit_id)
    fields: dict[str, Any] = {
        "challenge_id": "ch-1",
        "nonce": b"\x07" * 32,
        "verifier_domain": "exchange.example",
        "circuit_id": circuit.id,
        "circuit_hash": circuit.circuit_hash,
        "wallet_address": WALLET,
        "chain_id": 1,
        "today": TODAY,
        "expires_at": NOW + dt.timedelta(minutes=5),
        "circuit_params": dict(circuit.params),
    }
    fields.update(overrides)
    return Challenge(**fields)


def credential(issuer: IssuerSecretKey, **overrides: object) -> Credential:
    """Issued on its issuance date, so a credential already expired on TODAY can be made."""
    attributes = sample_attributes(**overrides)
    issued = dt.date.fromisoformat(str(attributes["issuance_date"]))
    return issue_credential(issuer, SCHEMA, attributes, today=issued)


CASES = [
    ("accredited_investor_506c", {}),
    ("reg_s_non_us", {}),
    ("kyc_adult", {}),
    ("qib_144a", ENTITY),
]


@pytest.mark.parametrize(("circuit_id", "overrides"), CASES)
def test_every_circuit_round_trips(
    issuer: IssuerSecretKey, circuit_id: str, overrides: dict[str, object]
) -> None:
    ch = challenge_for(circuit_id)
    ch = Challenge.from_json(ch.to_json())
    presentation = prove(credential(issuer, **overrides), ch, now=NOW)
    # the verifier knows the exact size before touching any point
    from zkattest.composite.engine import PresentationProof
    from zkattest.composite.statement import compile_circuit

    plan = compile_circuit(get_circuit(circuit_id), issuer.public_key(), TODAY, 0)
    assert len(presentation.proof) == PresentationProof.size(plan)
    assert PresentationProof.from_bytes(presentation.proof, plan).to_bytes() == (presentation.proof)
    wire = Presentation.from_json(presentation.to_json())
    assert wire == presentation
    result = verify(wire, ch, issuer.public_key(), now=NOW)
    assert result.wallet_address == WALLET.lower()
    assert result.circuit_id == circuit_id
    assert result.valid_through == TODAY
    assert result.disclosed == {}


@pytest.mark.slow
def test_round_trip_on_the_reference_backend(issuer: IssuerSecretKey) -> None:
    from zkattest.hazmat.curve import use_backend

    with use_backend("py-ecc"):
        ch = challenge_for("reg_s_non_us")
        presentation = prove(credential(issuer), ch, now=NOW)
        verify(presentation, ch, issuer.public_key(), now=NOW)
        with pytest.raises(VerificationError):
            verify(presentation, dataclasses.replace(ch, chain_id=5), issuer.public_key(), now=NOW)


# -- context binding: one test per field ------------------------------------------------

BINDING = {
    "circuit": {"circuit_id": "kyc_adult", "circuit_hash": get_circuit("kyc_adult").circuit_hash},
    "verifier_domain": {"verifier_domain": "other.example"},
    "nonce": {"nonce": b"\x08" * 32},
    "wallet_address": {"wallet_address": OTHER_WALLET},
    "chain_id": {"chain_id": 137},
    "today": {"today": TODAY - dt.timedelta(days=1)},
    "horizon_days": {"horizon_days": 30},
}


@pytest.fixture(scope="module")
def accredited(issuer: IssuerSecretKey) -> tuple[Challenge, Presentation]:
    ch = challenge_for("accredited_investor_506c")
    return ch, prove(credential(issuer), ch, now=NOW)


@pytest.mark.parametrize("field", sorted(BINDING))
def test_every_context_field_is_bound(
    issuer: IssuerSecretKey, accredited: tuple[Challenge, Presentation], field: str
) -> None:
    ch, presentation = accredited
    verify(presentation, ch, issuer.public_key(), now=NOW)
    other = dataclasses.replace(ch, **BINDING[field])
    with pytest.raises(VerificationError):
        verify(presentation, other, issuer.public_key(), now=NOW)
    # editing the presentation's own fields to match does not help either
    edits = {k: v for k, v in BINDING[field].items() if k in Presentation.__dataclass_fields__}
    if edits:
        with pytest.raises(VerificationError):
            verify(dataclasses.replace(presentation, **edits), other, issuer.public_key(), now=NOW)


def test_wrong_issuer_and_expired_challenge(
    issuer: IssuerSecretKey, accredited: tuple[Challenge, Presentation]
) -> None:
    ch, presentation = accredited
    with pytest.raises(VerificationError):
        verify(presentation, ch, IssuerSecretKey.generate().public_key(), now=NOW)
    # the challenge id only routes; the nonce it stands for is what the proof is bound to
    with pytest.raises(VerificationError):
        verify(
            presentation, dataclasses.replace(ch, challenge_id="ch-2"), issuer.public_key(), now=NOW
        )
    with pytest.raises(VerificationError):
        verify(presentation, ch, issuer.public_key(), now=dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(PolicyError):
        prove(
            credential(issuer),
            challenge_for("kyc_adult", expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
            now=NOW,
        )


# -- the admission horizon: the proof shows expiry_date >= today + horizon_days ----------


def _expiring_in(issuer: IssuerSecretKey, days: int) -> Credential:
    return credential(issuer, expiry_date=(TODAY + dt.timedelta(days=days)).isoformat())


def deviating_prove(
    cred: Credential, ch: Challenge, monkeypatch: pytest.MonkeyPatch, *, ignore_horizon: bool
) -> Presentation:
    """A holder that skips the library's checks and runs the real proving steps
    anyway, with its own randomness: a range proof of a value out of range uses
    the value's low bits, and with ``ignore_horizon`` the plan is made as if the
    horizon were 0 while the transcript still binds the challenge's."""
    import random

    from zkattest import holder as module
    from zkattest.hazmat import bulletproofs
    from zkattest.hazmat.curve import R, get_backend

    own = random.Random(1)

    def draw() -> int:
        return own.randrange(1, R)

    def forced_range_proof(
        transcript: Any, V: Any, values: Any, blinds: Any, n_bits: int, *, rng: Any
    ) -> bulletproofs.RangeProof:
        scalars = [rng() for _ in range(2 * n_bits * len(values) + 4)]
        values = [v % R for v in values]
        return bulletproofs._prove_range_core(
            transcript, V, values, blinds, n_bits, scalars, get_backend()
        )

    honest_plan = module.compile_circuit
    with monkeypatch.context() as patch:
        patch.setattr(module, "holds", lambda p, m: True)
        patch.setattr(bulletproofs, "prove_range_for_commitments", forced_range_proof)
        if ignore_horizon:
            patch.setattr(
                module,
                "compile_circuit",
                lambda c, issuer, today, horizon, **kw: honest_plan(c, issuer, today, 0, **kw),
            )
        return prove(cred, ch, rng=draw, now=NOW)


def test_a_horizon_admits_a_credential_valid_beyond_it(issuer: IssuerSecretKey) -> None:
    ch = challenge_for("kyc_adult", horizon_days=30)
    result = verify(prove(_expiring_in(issuer, 40), ch, now=NOW), ch, issuer.public_key(), now=NOW)
    assert result.valid_through == TODAY + dt.timedelta(days=30)  # the admission lasts to here
    at_the_horizon = prove(_expiring_in(issuer, 30), ch, now=NOW)
    assert verify(
        at_the_horizon, ch, issuer.public_key(), now=NOW
    ).valid_through == TODAY + dt.timedelta(days=30)


def test_the_holder_refuses_a_credential_expiring_within_the_horizon(
    issuer: IssuerSecretKey,
) -> None:
    ch = challenge_for("kyc_adult", horizon_days=30)
    with pytest.raises(
        PolicyError,
        match=r"^the credential does not satisfy expiry_date >= today"
        r" \+ 30 days \(the challenge's admission horizon\)$",
    ):
        prove(_expiring_in(issuer, 29), ch, now=NOW)


@pytest.mark.parametrize("ignore_horizon", [False, True])
def test_a_deviating_prover_cannot_shorten_the_horizon(
    issuer: IssuerSecretKey, monkeypatch: pytest.MonkeyPatch, ignore_horizon: bool
) -> None:
    ch = challenge_for("kyc_adult", horizon_days=30)
    forged = deviating_prove(
        _expiring_in(issuer, 20), ch, monkeypatch, ignore_horizon=ignore_horizon
    )
    with pytest.raises(VerificationError):
        verify(forged, ch, issuer.public_key(), now=NOW)
    # the same steps on a credential that does satisfy the horizon verify: the
    # refusal above is the false statement's, not the deviation's
    honest = deviating_prove(_expiring_in(issuer, 40), ch, monkeypatch, ignore_horizon=False)
    verify(honest, ch, issuer.public_key(), now=NOW)


def test_a_presentation_for_horizon_0_does_not_answer_horizon_30(issuer: IssuerSecretKey) -> None:
    short = _expiring_in(issuer, 20)
    now_only = challenge_for("kyc_adult")
    presentation = prove(short, now_only, now=NOW)
    verify(presentation, now_only, issuer.public_key(), now=NOW)  # valid today, for horizon 0
    with pytest.raises(VerificationError):
        verify(
            presentation,
            dataclasses.replace(now_only, horizon_days=30),
            issuer.public_key(),
            now=NOW,
        )


def test_valid_through_is_the_later_of_horizon_and_circuit_bound(
    issuer: IssuerSecretKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ahead.toml").write_text(
        'id = "ahead"\nversion = 1\nschema = "investor/v1"\ndescription = "test"\n'
        '[[predicate]]\nattribute = "expiry_date"\nop = ">="\nvalue = "today + 60d"\n'
    )
    monkeypatch.setenv("ZKATTEST_CIRCUITS_DIR", str(tmp_path))
    cred = _expiring_in(issuer, 100)
    for horizon, through in [(0, 60), (30, 60), (90, 90)]:
        ch = challenge_for("ahead", horizon_days=horizon)
        result = verify(prove(cred, ch, now=NOW), ch, issuer.public_key(), now=NOW)
        assert result.valid_through == TODAY + dt.timedelta(days=through)


def test_the_challenge_carries_its_horizon() -> None:
    from zkattest.context import MAX_HORIZON_DAYS

    assert MAX_HORIZON_DAYS == 365
    circuit = get_circuit("kyc_adult")
    made = Challenge.create(
        circuit,
        verifier_domain="exchange.example",
        wallet_address=WALLET,
        chain_id=1,
        horizon_days=30,
    )
    assert made.horizon_days == 30
    assert json.loads(made.to_json())["horizon_days"] == 30
    assert Challenge.from_json(made.to_json()) == made
    default = Challenge.create(
        circuit, verifier_domain="exchange.example", wallet_address=WALLET, chain_id=1
    )
    assert default.horizon_days == 0
    assert json.loads(default.to_json())["horizon_days"] == 0
    assert challenge_for("kyc_adult", horizon_days=MAX_HORIZON_DAYS).horizon_days == 365


@pytest.mark.parametrize("horizon", [-1, 366, True, "30", 10, 31])
def test_a_horizon_out_of_bounds_is_refused(horizon: object) -> None:
    from zkattest.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="admission horizon must be"):
        challenge_for("kyc_adult", horizon_days=horizon)
    with pytest.raises(InvalidInputError, match="admission horizon must be"):
        Challenge.create(
            get_circuit("kyc_adult"),
            verifier_domain="exchange.example",
            wallet_address=WALLET,
            chain_id=1,
            horizon_days=horizon,  # type: ignore[arg-type]
        )
    document = json.loads(challenge_for("kyc_adult").to_json())
    with pytest.raises(DecodeError, match="admission horizon must be"):
        Challenge.from_json(json.dumps({**document, "horizon_days": horizon}))


def test_the_challenge_json_requires_the_horizon() -> None:
    document = json.loads(challenge_for("kyc_adult").to_json())
    del document["horizon_days"]
    with pytest.raises(DecodeError, match=r"missing fields \['horizon_days'\]"):
        Challenge.from_json(json.dumps(document))


# -- soundness at and just past the boundary, per predicate kind ----------------------


def _days(day: dt.date) -> str:
    return day.isoformat()


ADULT_BOUNDARY = dt.date(2008, 11, 21)  # 18 years before TODAY
BOUNDARIES = [
    # (circuit, attribute overrides that just hold, overrides that just fail)
    (
        "qib_144a",
        {**ENTITY, "securities_owned_usd": 100_000_000},
        {**ENTITY, "securities_owned_usd": 99_999_999},
    ),  # >=
    (
        "kyc_adult",
        {"birth_date": _days(ADULT_BOUNDARY)},
        {"birth_date": _days(ADULT_BOUNDARY + dt.timedelta(days=1))},
    ),  # <=
    ("kyc_adult", {"kyc_level": 2}, {"kyc_level": 1}),  # >= small
    (
        "kyc_adult",
        {"expiry_date": _days(TODAY)},
        {"expiry_date": _days(TODAY - dt.timedelta(days=1)), "issuance_date": "2026-01-01"},
    ),  # >= date
    ("kyc_adult", {"sanctions_screening": "clear"}, {"sanctions_screening": "pending"}),  # ==
    ("reg_s_non_us", {"country": "CA"}, {"country": "US"}),  # not_in
    ("reg_s_non_us", {"country": "MX"}, {"country": "PR"}),  # not_in
    (
        "accredited_investor_506c",
        {"accreditation_basis": "income"},
        {"accreditation_basis": "none"},
    ),  # in
]


@pytest.mark.parametrize(("circuit_id", "holds", "fails"), BOUNDARIES)
def test_boundaries(
    issuer: IssuerSecretKey, circuit_id: str, holds: dict[str, object], fails: dict[str, object]
) -> None:
    ch = challenge_for(circuit_id)
    verify(prove(credential(issuer, **holds), ch, now=NOW), ch, issuer.public_key(), now=NOW)
    # the holder library refuses to prove a false statement
    with pytest.raises(PolicyError):
        prove(credential(issuer, **fails), ch, now=NOW)
    # a proof forced past that check: the credential says `fails`, the prover lies `holds`
    honest = credential(issuer, **fails)
    lying = Credential(
        honest.schema, honest.issuer, SCHEMA.normalize(sample_attributes(**holds)), honest.signature
    )
    forged = prove(lying, ch, now=NOW)
    with pytest.raises(VerificationError):
        verify(forged, ch, issuer.public_key(), now=NOW)


def test_between_and_cds_membership(
    issuer: IssuerSecretKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Operators no shipped circuit uses: `between` and an `in` proven by the OR-proof."""
    (tmp_path / "band.toml").write_text(
        'id = "band"\nversion = 1\nschema = "investor/v1"\ndescription = "test"\ndisclose = []\n'
        '[[predicate]]\nattribute = "net_worth_usd"\nop = "between"\nvalue = [1000000, 5000000]\n'
        '[[predicate]]\nattribute = "country"\nop = "in"\nvalue = ["GB", "IE", "DE"]\n'
        '[[predicate]]\nattribute = "expiry_date"\nop = ">="\nvalue = "today"\n'
    )
    monkeypatch.setenv("ZKATTEST_CIRCUITS_DIR", str(tmp_path))
    ch = challenge_for("band")
    for worth, country in [(1_000_000, "GB"), (5_000_000, "DE")]:
        presentation = prove(credential(issuer, net_worth_usd=worth, country=country), ch, now=NOW)
        verify(presentation, ch, issuer.public_key(), now=NOW)
    for worth, country in [(999_999, "GB"), (5_000_001, "GB"), (2_000_000, "FR")]:
        with pytest.raises(PolicyError):
            prove(credential(issuer, net_worth_usd=worth, country=country), ch, now=NOW)
        honest = credential(issuer, net_worth_usd=worth, country=country)
        lying = Credential(
            honest.schema,
            honest.issuer,
            SCHEMA.normalize(sample_attributes(net_worth_usd=2_000_000)),
            honest.signature,
        )
        with pytest.raises(VerificationError):
            verify(prove(lying, ch, now=NOW), ch, issuer.public_key(), now=NOW)


# -- the wallet is no oracle: it answers only challenges a verifier could honestly send --


@pytest.mark.parametrize("shift", [-1, 0, 1])
def test_the_holder_accepts_a_today_within_a_day_of_its_clock(
    issuer: IssuerSecretKey, shift: int
) -> None:
    """Time zones: a verifier's UTC date may be a day either side of the wallet's."""
    ch = challenge_for("kyc_adult", today=TODAY + dt.timedelta(days=shift))
    verify(prove(credential(issuer), ch, now=NOW), ch, issuer.public_key(), now=NOW)


@pytest.mark.parametrize("shift", [-365 * 18, -2, 2, 400])
def test_the_holder_refuses_a_today_far_from_its_clock(issuer: IssuerSecretKey, shift: int) -> None:
    ch = challenge_for("kyc_adult", today=TODAY + dt.timedelta(days=shift))
    with pytest.raises(PolicyError, match=r"more than one day from this wallet's clock"):
        prove(credential(issuer), ch, now=NOW)


def test_the_holder_refuses_a_long_lived_or_expired_challenge(issuer: IssuerSecretKey) -> None:
    cred = credential(issuer)
    a_day = challenge_for("kyc_adult", expires_at=NOW + dt.timedelta(days=1))
    prove(cred, a_day, now=NOW)  # Challenge.create's longest lifetime is answered
    longer = challenge_for("kyc_adult", expires_at=NOW + dt.timedelta(days=1, seconds=1))
    with pytest.raises(PolicyError, match=r"^the challenge is valid for more than 1 day"):
        prove(cred, longer, now=NOW)
    with pytest.raises(PolicyError, match=r"^the challenge has expired$"):
        prove(cred, challenge_for("kyc_adult"), now=NOW + dt.timedelta(minutes=6))


def test_prove_reads_the_clock_by_default(issuer: IssuerSecretKey) -> None:
    fresh = Challenge.create(
        get_circuit("kyc_adult"),
        verifier_domain="exchange.example",
        wallet_address=WALLET,
        chain_id=1,
    )
    verify(prove(credential(issuer), fresh), fresh, issuer.public_key())
    with pytest.raises(PolicyError, match="more than one day from this wallet's clock"):
        prove(credential(issuer), challenge_for("kyc_adult", expires_at=fresh.expires_at))


@pytest.mark.parametrize("now", [dt.datetime(2026, 11, 21, 12, 0), "2026-11-21T12:00:00Z"])
def test_prove_wants_an_aware_now(issuer: IssuerSecretKey, now: Any) -> None:
    from zkattest.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="now must be a timezone-aware datetime"):
        prove(credential(issuer), challenge_for("kyc_adult"), now=now)


def test_a_verifier_cannot_search_for_a_birth_date_by_moving_today(
    issuer: IssuerSecretKey,
) -> None:
    """The attack of issue 9: bisect `today` until `birth_date <= today - 18y`
    flips, which finds the 18th birthday to the day in about 15 challenges. The
    wallet answers only for a `today` within a day of its own clock, so every
    probe of the search is refused and it learns nothing."""
    cred = credential(issuer, birth_date="1999-06-15")
    lo, hi = dt.date(1960, 1, 1), dt.date(2060, 1, 1)
    probes = 0
    while (hi - lo).days > 1:
        probe = lo + (hi - lo) // 2
        with pytest.raises(PolicyError, match="more than one day from this wallet's clock"):
            prove(cred, challenge_for("kyc_adult", today=probe), now=NOW)
        probes += 1
        lo = probe  # no answer; the search goes on as if it were "not yet 18"
    assert probes >= 14


def test_a_verifier_cannot_sweep_the_age_of_majority(issuer: IssuerSecretKey) -> None:
    """The other half of the attack: vary `majority_age` until `birth_date <=
    today - {majority_age}y` flips. The wallet proves only the ages kyc_adult
    declares (18 to 21) and refuses the rest before proving, whatever circuit
    hash the verifier computed from its own, wider copy of the circuit."""
    from zkattest.circuits import circuits_dir, parse_circuit
    from zkattest.errors import InvalidInputError

    text = (circuits_dir() / "kyc_adult.toml").read_text(encoding="utf-8")
    wide = text.replace("min = 18", "min = 0").replace("max = 21", "max = 150")
    assert wide != text
    cred = credential(issuer, birth_date="1987-03-14")  # 39 on TODAY
    for age in (0, 17, 22, 30, 39, 40, 150):
        forged = parse_circuit(wide, params={"majority_age": age})
        ch = challenge_for(
            "kyc_adult", circuit_hash=forged.circuit_hash, circuit_params={"majority_age": age}
        )
        with pytest.raises(
            InvalidInputError, match=f"majority_age = {age} is outside its declared bounds 18 to 21"
        ):
            prove(cred, ch, now=NOW)
        with pytest.raises(VerificationError):  # nor would the verifier's own library accept it
            verify(
                prove(cred, challenge_for("kyc_adult"), now=NOW), ch, issuer.public_key(), now=NOW
            )
    for age in (18, 21):
        circuit = get_circuit("kyc_adult", params={"majority_age": age})
        ch = challenge_for(
            "kyc_adult", circuit_hash=circuit.circuit_hash, circuit_params={"majority_age": age}
        )
        verify(prove(cred, ch, now=NOW), ch, issuer.public_key(), now=NOW)
    # the declared bounds are in the hash: a wide circuit's hash never passes for a bounded age
    ch = challenge_for(
        "kyc_adult",
        circuit_hash=parse_circuit(wide).circuit_hash,
        circuit_params={"majority_age": 18},
    )
    with pytest.raises(PolicyError, match="circuit hash does not match"):
        prove(cred, ch, now=NOW)


# -- every date the schema accepts can be proven -----------------------------------------

LATEST = DateType().max_date  # the last date the schema encodes


def test_the_latest_date_the_schema_accepts_is_provable(issuer: IssuerSecretKey) -> None:
    """An expiry date the issuer may sign is one the holder can prove unexpired:
    its distance from any encodable `today` fits the date range proofs."""
    ch = challenge_for("kyc_adult")
    cred = credential(issuer, expiry_date=LATEST.isoformat())
    assert verify(prove(cred, ch, now=NOW), ch, issuer.public_key(), now=NOW).valid_through == TODAY


def test_the_earliest_birth_date_is_provable_on_the_latest_day(issuer: IssuerSecretKey) -> None:
    """The widest gap a date predicate can meet: born on the epoch, asked on the last day."""
    then = dt.datetime.combine(LATEST, dt.time(12), tzinfo=dt.UTC)
    ch = challenge_for("kyc_adult", today=LATEST, expires_at=then + dt.timedelta(minutes=5))
    cred = credential(issuer, birth_date=DATE_EPOCH.isoformat(), expiry_date=LATEST.isoformat())
    assert (
        verify(prove(cred, ch, now=then), ch, issuer.public_key(), now=then).valid_through == LATEST
    )


# -- privacy ------------------------------------------------------------------------------


def _encodings(value: object) -> Iterator[bytes]:
    """Every encoding of an attribute value we can think of."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield str(value).encode()
        for width in (4, 8, 16, 32):
            if value < 2 ** (8 * width):
                big = value.to_bytes(width, "big")
                yield big.lstrip(b"\x00") or b"\x00"
                yield value.to_bytes(width, "little").rstrip(b"\x00")
        yield format(value, "x").encode()
    elif isinstance(value, str):
        yield value.encode()
        yield value.encode().hex().encode()
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return
        yield from _encodings((day - DATE_EPOCH).days)


def test_no_hidden_value_appears_in_a_presentation(issuer: IssuerSecretKey) -> None:
    cred = credential(issuer, net_worth_usd=7_777_777_777, annual_income_usd=123_456_789)
    for circuit_id in ("accredited_investor_506c", "reg_s_non_us", "kyc_adult"):
        presentation = prove(cred, challenge_for(circuit_id), now=NOW)
        # The JSON without its base64 proof (random text: short hex or decimal
        # needles turn up in it by chance), and the proof's bytes themselves.
        metadata = json.loads(presentation.to_json())
        del metadata["proof"]
        blobs = [json.dumps(metadata).encode(), presentation.proof]
        for name, value in cred.attributes.items():
            for needle in _encodings(value):
                if len(needle) < 4:
                    # too short to mean anything in random bytes: a 3-byte needle
                    # turns up in a proof by chance about once in 300 presentations
                    # (the value is still searched for in its longer encodings)
                    continue
                for blob in blobs:
                    assert needle not in blob, (circuit_id, name)


def test_two_presentations_share_no_16_byte_substring(issuer: IssuerSecretKey) -> None:
    cred = credential(issuer)
    ch = challenge_for("kyc_adult")
    first, second = prove(cred, ch, now=NOW).proof, prove(cred, ch, now=NOW).proof
    windows = {first[i : i + 16] for i in range(len(first) - 15)}
    shared = [i for i in range(len(second) - 15) if second[i : i + 16] in windows]
    assert shared == []


# -- malformed presentations only ever raise our errors -----------------------------------


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
@given(data=st.data())
def test_mutated_presentations_raise_only_our_errors(
    issuer: IssuerSecretKey, accredited: tuple[Challenge, Presentation], data: st.DataObject
) -> None:
    ch, presentation = accredited
    doc = json.loads(presentation.to_json())
    kind = data.draw(st.sampled_from(["proof-bytes", "field", "drop", "json"]))
    if kind == "proof-bytes":
        proof = bytearray(presentation.proof)
        i = data.draw(st.integers(0, len(proof) - 1))
        proof[i] ^= 1 << data.draw(st.integers(0, 7))
        candidate = dataclasses.replace(presentation, proof=bytes(proof))
        with pytest.raises(VerificationError):
            verify(candidate, ch, issuer.public_key(), now=NOW)
        return
    if kind == "field":
        key = data.draw(st.sampled_from(sorted(doc)))
        doc[key] = data.draw(
            st.one_of(
                st.none(),
                st.integers(),
                st.text(max_size=8),
                st.lists(st.integers(), max_size=2),
                st.binary().map(str),
            )
        )
    elif kind == "drop":
        doc.pop(data.draw(st.sampled_from(sorted(doc))))
    text = json.dumps(doc) if kind != "json" else data.draw(st.text(max_size=40))
    try:
        candidate = Presentation.from_json(text)
    except DecodeError:
        return
    with pytest.raises(ZkAttestError):
        verify(candidate, ch, issuer.public_key(), now=NOW)


def test_only_canonical_base64_is_accepted_for_the_proof(issuer: IssuerSecretKey) -> None:
    ch = challenge_for("accredited_investor_506c")
    document = json.loads(prove(credential(issuer), ch, now=NOW).to_json())
    text = document["proof"]
    assert text.endswith("=")  # the proof's length leaves unused bits before the padding
    body = text.rstrip("=")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(body[-1])
    other = body[:-1] + alphabet[last ^ 1] + text[len(body) :]  # flips an unused bit
    import base64

    assert base64.b64decode(other) == base64.b64decode(text)  # the same bytes
    Presentation.from_json(json.dumps(document))  # the canonical text is accepted
    with pytest.raises(DecodeError, match="not canonical base64"):
        Presentation.from_json(json.dumps({**document, "proof": other}))
