"""Composite statements over several credentials under one challenge (zkattest.composite).

The built-in circuits read one credential; these statements are built by hand,
as multi-issuer circuits will build them: a KYC provider's credential and a
second issuer's, each with its own disclosed and hidden messages and gadgets.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from tests.conftest import sample_attributes, seeded
from zkattest import Credential, IssuerSecretKey, issue_credential
from zkattest.composite.engine import PresentationProof, prove_statement, verify_statement
from zkattest.composite.gadgets import MessageRef, NotEqual, RangeBound, SetMembership
from zkattest.composite.statement import CredentialSlot, Statement
from zkattest.context import PresentationContext
from zkattest.errors import InvalidInputError, VerificationError
from zkattest.hazmat.curve import R, use_backend
from zkattest.schema import DateType, get_schema

SCHEMA = get_schema("investor/v1")
INDEX = {a.name: i for i, a in enumerate(SCHEMA.attributes)}
TODAY = dt.date(2026, 11, 21)
CONTEXT = PresentationContext(
    circuit_id="two_credentials",
    circuit_hash=b"\x11" * 32,
    verifier_domain="exchange.example",
    nonce=b"\x07" * 32,
    wallet_address="0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
    chain_id=1,
    today=TODAY,
    horizon_days=0,
)
INVESTOR_TYPE = INDEX["investor_type"]
US = 840


@pytest.fixture(scope="module")
def kyc() -> IssuerSecretKey:
    return IssuerSecretKey.generate()


@pytest.fixture(scope="module")
def verifier_firm() -> IssuerSecretKey:
    return IssuerSecretKey.generate()


def issue(issuer: IssuerSecretKey, **overrides: object) -> Credential:
    return issue_credential(issuer, SCHEMA, sample_attributes(**overrides), today=TODAY)


def statement(first: IssuerSecretKey, second: IssuerSecretKey) -> Statement:
    """Credential 1: kyc_level >= 2, not expired, country not the US.
    Credential 2: investor_type disclosed, securities_owned >= $100M, basis in a set."""
    date = DateType()
    kyc_level, expiry, country = INDEX["kyc_level"], INDEX["expiry_date"], INDEX["country"]
    owned, basis = INDEX["securities_owned_usd"], INDEX["accreditation_basis"]
    slots = (
        CredentialSlot(first.public_key(), SCHEMA, {}, tuple(sorted((kyc_level, expiry, country)))),
        CredentialSlot(second.public_key(), SCHEMA, {INVESTOR_TYPE: None}, (owned, basis)),
    )
    return Statement.build(
        slots,
        [
            RangeBound(MessageRef(0, kyc_level), "ge", 2, 8),
            RangeBound(MessageRef(0, expiry), "ge", date.date_to_scalar(TODAY), 16),
            NotEqual(MessageRef(0, country), US),
            RangeBound(MessageRef(1, owned), "ge", 100_000_000, 64),
            SetMembership(MessageRef(1, basis), (4, 5, 6)),
        ],
    )


def disclosed_of(cred: Credential) -> dict[int, int]:
    return {INVESTOR_TYPE: cred.message_scalars()[INVESTOR_TYPE]}


@pytest.fixture(scope="module")
def setup(
    kyc: IssuerSecretKey, verifier_firm: IssuerSecretKey
) -> tuple[Statement, list[Credential], bytes]:
    st = statement(kyc, verifier_firm)
    creds = [
        issue(kyc),
        issue(
            verifier_firm,
            investor_type="entity",
            securities_owned_usd=250_000_000,
            accreditation_basis="regulated_entity",
        ),
    ]
    proof = prove_statement(st, creds, CONTEXT, rng=seeded(1)).to_bytes()
    return st, creds, proof


def test_two_credentials_from_two_issuers_verify_under_one_challenge(
    setup: tuple[Statement, list[Credential], bytes],
) -> None:
    st, creds, proof = setup
    assert len(proof) == PresentationProof.size(st)
    verify_statement(st, proof, CONTEXT, [{}, disclosed_of(creds[1])])
    parsed = PresentationProof.from_bytes(proof, st)
    assert len(parsed.bbs) == 2
    assert parsed.to_bytes() == proof
    # one challenge: the last 32 bytes of each BBS proof
    assert parsed.bbs[0][-32:] == parsed.bbs[1][-32:]


def test_the_same_inputs_give_the_same_proof(
    setup: tuple[Statement, list[Credential], bytes],
) -> None:
    st, creds, proof = setup
    assert prove_statement(st, creds, CONTEXT, rng=seeded(1)).to_bytes() == proof


def test_the_context_binds_every_slot(setup: tuple[Statement, list[Credential], bytes]) -> None:
    st, creds, proof = setup
    with pytest.raises(VerificationError):
        verify_statement(
            st, proof, dataclasses.replace(CONTEXT, chain_id=5), [{}, disclosed_of(creds[1])]
        )
    # the second credential's disclosed value is bound too
    with pytest.raises(VerificationError):
        verify_statement(st, proof, CONTEXT, [{}, {INVESTOR_TYPE: 1}])


def test_slots_swapped_or_a_slot_from_another_proof_are_refused(
    setup: tuple[Statement, list[Credential], bytes],
) -> None:
    st, creds, proof = setup
    parsed = PresentationProof.from_bytes(proof, st)
    # the BBS proofs in the other order, as bytes (their lengths differ by the
    # disclosed message)
    first, second = parsed.bbs
    swapped_bytes = proof[:1] + second + first + proof[1 + len(first) + len(second) :]
    with pytest.raises(VerificationError):
        verify_statement(st, swapped_bytes, CONTEXT, [{}, disclosed_of(creds[1])])
    # and in a statement whose two slots have proofs of one length
    same = Statement.build(
        (st.credentials[0], dataclasses.replace(st.credentials[1], disclosed={})), []
    )
    both = PresentationProof.from_bytes(
        prove_statement(same, creds, CONTEXT, rng=seeded(5)).to_bytes(), same
    )
    verify_statement(same, both.to_bytes(), CONTEXT, [{}, {}])
    swapped = dataclasses.replace(both, bbs=both.bbs[::-1])
    with pytest.raises(VerificationError):
        verify_statement(same, swapped.to_bytes(), CONTEXT, [{}, {}])
    # slot 2's BBS proof from another proof of the same statement and credentials
    other = prove_statement(st, creds, CONTEXT, rng=seeded(2))
    spliced = dataclasses.replace(parsed, bbs=(parsed.bbs[0], other.bbs[1]))
    with pytest.raises(VerificationError):
        verify_statement(st, spliced.to_bytes(), CONTEXT, [{}, disclosed_of(creds[1])])
    # ... or from a proof for another context, whose challenge it carries
    moved = prove_statement(
        st, creds, dataclasses.replace(CONTEXT, nonce=b"\x08" * 32), rng=seeded(1)
    )
    spliced = dataclasses.replace(parsed, bbs=(parsed.bbs[0], moved.bbs[1]))
    with pytest.raises(VerificationError):
        verify_statement(st, spliced.to_bytes(), CONTEXT, [{}, disclosed_of(creds[1])])
    # one gadget's parts from another proof
    spliced = dataclasses.replace(parsed, parts=(*parsed.parts[:-1], other.parts[-1]))
    with pytest.raises(VerificationError):
        verify_statement(st, spliced.to_bytes(), CONTEXT, [{}, disclosed_of(creds[1])])


def test_the_prover_refuses_credentials_that_do_not_fit_the_slots(
    setup: tuple[Statement, list[Credential], bytes],
) -> None:
    st, creds, _ = setup
    with pytest.raises(InvalidInputError, match="slot's issuer"):
        prove_statement(st, [creds[1], creds[0]], CONTEXT, rng=seeded(1))
    with pytest.raises(InvalidInputError, match="one credential per slot"):
        prove_statement(st, creds[:1], CONTEXT, rng=seeded(1))


def test_a_deviating_prover_with_a_credential_of_an_untrusted_issuer_is_refused(
    setup: tuple[Statement, list[Credential], bytes],
) -> None:
    """The prover controls its randomness and proves slot 2 with a credential
    of its own key (which it names in the statement it proves); the verifier's
    statement names the trusted second issuer."""
    st, creds, _ = setup
    forger = IssuerSecretKey.generate()
    own = issue(
        forger,
        investor_type="entity",
        securities_owned_usd=250_000_000,
        accreditation_basis="regulated_entity",
    )
    forged_statement = dataclasses.replace(
        st,
        credentials=(
            st.credentials[0],
            dataclasses.replace(st.credentials[1], issuer=forger.public_key()),
        ),
    )
    forged = prove_statement(forged_statement, [creds[0], own], CONTEXT, rng=seeded(3))
    verify_statement(forged_statement, forged.to_bytes(), CONTEXT, [{}, disclosed_of(own)])
    with pytest.raises(VerificationError):
        verify_statement(st, forged.to_bytes(), CONTEXT, [{}, disclosed_of(own)])


@pytest.mark.slow
def test_two_credentials_on_the_reference_backend(
    kyc: IssuerSecretKey,
    verifier_firm: IssuerSecretKey,
) -> None:
    with use_backend("py-ecc"):
        slots = (
            CredentialSlot(kyc.public_key(), SCHEMA, {}, (INDEX["country"],)),
            CredentialSlot(verifier_firm.public_key(), SCHEMA, {INVESTOR_TYPE: None}, ()),
        )
        st = Statement.build(slots, [NotEqual(MessageRef(0, INDEX["country"]), US)])
        creds = [issue(kyc), issue(verifier_firm)]
        proof = prove_statement(st, creds, CONTEXT, rng=seeded(4)).to_bytes()
        verify_statement(st, proof, CONTEXT, [{}, disclosed_of(creds[1])])
        with pytest.raises(VerificationError):
            verify_statement(st, proof, CONTEXT, [{}, {INVESTOR_TYPE: 2}])


def test_every_operator_an_attribute_type_declares_has_a_compiler_entry() -> None:
    """``==`` is disclosure; every other operator an attribute type supports
    compiles through one entry of OPERATORS."""
    from zkattest.composite.statement import OPERATORS
    from zkattest.schema import AttributeType

    kinds = AttributeType.__subclasses__()
    assert len(kinds) >= 5  # uint, date, enum, bool, text
    declared = {op for kind in kinds for op in kind.operators}
    assert declared - {"=="} == set(OPERATORS)


def test_a_deviating_prover_committing_to_another_value_than_the_signed_one_is_refused(
    setup: tuple[Statement, list[Credential], bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second slot's credential holds $250M of securities; a prover with
    its own randomness commits to $150M instead (which satisfies the range just
    as well) while its BBS proof shows the signed message: the opening's
    response then differs from the BBS response, and the proof is refused. The
    same steps with the true value verify, so the refusal is the lie's."""
    from zkattest.composite import engine
    from zkattest.composite.gadgets import Witness

    st, creds, _ = setup
    owned = MessageRef(1, INDEX["securities_owned_usd"])

    def lying(value: int) -> Callable[..., Witness]:
        def make(values: dict[MessageRef, int], gamma: dict[MessageRef, int]) -> Witness:
            return Witness({**values, owned: value}, gamma)

        return make

    disclosed = [{}, disclosed_of(creds[1])]
    with monkeypatch.context() as patch:
        patch.setattr(engine, "Witness", lying(150_000_000))
        forged = prove_statement(st, creds, CONTEXT, rng=seeded(6)).to_bytes()
    with pytest.raises(VerificationError):
        verify_statement(st, forged, CONTEXT, disclosed)
    with monkeypatch.context() as patch:
        patch.setattr(engine, "Witness", lying(250_000_000))
        honest = prove_statement(st, creds, CONTEXT, rng=seeded(6)).to_bytes()
    verify_statement(st, honest, CONTEXT, disclosed)


def test_the_verifier_enforces_fixed_disclosed_values_and_the_prover_refuses_them(
    setup: tuple[Statement, list[Credential], bytes],
) -> None:
    """Slot 2 asks investor_type == individual (1), a value the verifier fixes;
    the credential holds entity (2)."""
    from zkattest.errors import PolicyError

    st, creds, _ = setup
    revealed = st.credentials[1]
    fixed = dataclasses.replace(revealed, disclosed={INVESTOR_TYPE: 1})
    asks_individual = Statement.build((st.credentials[0], fixed), [])
    with pytest.raises(PolicyError, match="disclosed messages"):
        prove_statement(asks_individual, creds, CONTEXT, rng=seeded(7))
    # a prover that skips that check proves the revealed-value statement
    as_revealed = Statement.build((st.credentials[0], revealed), [])
    proof = prove_statement(as_revealed, creds, CONTEXT, rng=seeded(7)).to_bytes()
    verify_statement(as_revealed, proof, CONTEXT, [{}, {INVESTOR_TYPE: 2}])
    for values in ({INVESTOR_TYPE: 2}, {INVESTOR_TYPE: 1}):
        with pytest.raises(VerificationError):
            verify_statement(asks_individual, proof, CONTEXT, [{}, values])


def test_a_statement_is_checked_when_it_is_built(kyc: IssuerSecretKey) -> None:
    slot = CredentialSlot(kyc.public_key(), SCHEMA, {}, (INDEX["country"],))
    country = MessageRef(0, INDEX["country"])
    for parts, message in [
        ([NotEqual(MessageRef(0, INDEX["kyc_level"]), 1)], "not committed"),
        ([NotEqual(MessageRef(1, INDEX["country"]), 1)], "not committed"),
        ([NotEqual(country, 1), NotEqual(country, 2, ordinal=0)], None),  # build numbers them
    ]:
        if message is None:
            Statement.build((slot,), parts)
        else:
            with pytest.raises(InvalidInputError, match=message):
                Statement.build((slot,), parts)
    opening = Statement.build((slot,), []).gadgets
    with pytest.raises(InvalidInputError, match="share an ordinal"):
        Statement((slot,), (*opening, NotEqual(country, 1), NotEqual(country, 2)))
    with pytest.raises(InvalidInputError, match="at least one member"):
        SetMembership(country, ())
    with pytest.raises(InvalidInputError, match="distinct"):
        SetMembership(country, (1, 1))
    with pytest.raises(InvalidInputError, match="side"):
        Statement.build((slot,), [RangeBound(country, "gt", 1, 16)])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="width"):
        Statement.build((slot,), [RangeBound(country, "ge", 1, 12)])
    with pytest.raises(InvalidInputError, match="scalar"):
        NotEqual(country, R)
    with pytest.raises(InvalidInputError, match="outside the schema"):
        CredentialSlot(kyc.public_key(), SCHEMA, {}, (len(SCHEMA.attributes),))


def test_compiled_statements_cannot_be_changed() -> None:
    from zkattest.circuits import get_circuit
    from zkattest.composite.statement import compile_circuit

    key = IssuerSecretKey(b"\x02" * 32).public_key()
    statement = compile_circuit(get_circuit("kyc_adult"), key, TODAY)
    with pytest.raises(TypeError):
        statement.credentials[0].disclosed[INVESTOR_TYPE] = None  # type: ignore[index]
    again = compile_circuit(get_circuit("kyc_adult"), key, TODAY)
    assert again.credentials[0].disclosed == {INVESTOR_TYPE: 1, INDEX["sanctions_screening"]: 1}


@pytest.mark.parametrize(
    ("proof", "disclosed"),
    [
        (None, [{}, {INVESTOR_TYPE: 2}]),
        ("bytes", [{}, {INVESTOR_TYPE: 2}]),
        (b"", None),
        (b"", [None, None]),
        (b"", [{}, {INVESTOR_TYPE: "2"}]),
        (b"", [{}, {INVESTOR_TYPE: 2.0}]),
        (b"", [{}, {INVESTOR_TYPE: None}]),
        (b"", [{}, {INVESTOR_TYPE: R}]),
        (b"", [{}, {}]),
        (b"", [{}]),
    ],
)
def test_malformed_verifier_inputs_are_refused(
    setup: tuple[Statement, list[Credential], bytes], proof: object, disclosed: object
) -> None:
    st, _, good = setup
    with pytest.raises(VerificationError):
        verify_statement(st, good if proof == b"" else proof, CONTEXT, disclosed)  # type: ignore[arg-type]


def test_an_rng_must_give_scalars(setup: tuple[Statement, list[Credential], bytes]) -> None:
    st, creds, _ = setup
    for bad in (0, R, -1):
        with pytest.raises(InvalidInputError, match="rng"):
            prove_statement(st, creds, CONTEXT, rng=lambda bad=bad: bad)


def test_a_statement_over_several_credentials_binds_its_digest(
    setup: tuple[Statement, list[Credential], bytes],
) -> None:
    st, creds, proof = setup
    other = dataclasses.replace(
        st, credentials=(dataclasses.replace(st.credentials[0], clear=()), st.credentials[1])
    )
    assert other.digest() == st.digest()  # the same statement
    changed = [
        Statement.build(st.credentials, [NotEqual(MessageRef(0, INDEX["country"]), 250)]),
        Statement.build(
            (st.credentials[0], dataclasses.replace(st.credentials[1], disclosed={})),
            [],
        ),
    ]
    for variant in changed:
        assert variant.digest() != st.digest()
    # everything in the statement is in the transcript: the same gadgets and layout
    # with one inequality's value changed refuse the proof
    moved = Statement(
        st.credentials,
        tuple(
            dataclasses.replace(g, value=250) if isinstance(g, NotEqual) else g for g in st.gadgets
        ),
    )
    assert PresentationProof.size(moved) == len(proof)
    with pytest.raises(VerificationError):
        verify_statement(moved, proof, CONTEXT, [{}, disclosed_of(creds[1])])


def test_the_engine_and_the_statement_name_no_gadget_kind_but_by_the_operator_table() -> None:
    """A new predicate kind is one gadget class and one OPERATORS entry: the
    engine runs gadgets through the base class only, and Statement.build
    places them by their declared order, so neither names a kind of its own."""
    import ast
    import inspect

    from zkattest.composite import engine, gadgets, statement

    kinds = {"NotEqual", "SetMembership"}  # the predicate gadgets beyond openings and ranges
    assert kinds <= set(gadgets.__all__)
    engine_names = {
        n.id for n in ast.walk(ast.parse(inspect.getsource(engine))) if isinstance(n, ast.Name)
    }
    assert not kinds & engine_names
    assert not {"Opening", "Range"} & engine_names
    build = inspect.getsource(statement.Statement.build)
    assert not any(kind in build for kind in kinds)
