"""Circuits over several credentials: the [[credential]] format, its checks and its hash."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from zkattest.circuits import (
    MAX_CREDENTIALS,
    SINGLE_CREDENTIAL,
    Circuit,
    CredentialSpec,
    Predicate,
    RelativeDate,
    get_circuit,
    parse_circuit,
)
from zkattest.errors import InvalidInputError
from zkattest.schema import ACCREDITATION_V1, INVESTOR_V1

TWO = """
id = "two"
version = 1
description = "two credentials"

[[credential]]
name = "kyc"
schema = "investor/v1"
issuer_roles = ["kyc_provider"]
[[credential.predicate]]
attribute = "kyc_level"
op = ">="
value = 2
[[credential.predicate]]
attribute = "expiry_date"
op = ">="
value = "today"

[[credential]]
name = "accreditation"
schema = "accreditation/v1"
[[credential.predicate]]
attribute = "verified_date"
op = ">="
value = "today - 90d"
[[credential.predicate]]
attribute = "expiry_date"
op = ">="
value = "today"
"""

TODAY = date(2026, 12, 2)
EXPIRY = Predicate("expiry_date", ">=", RelativeDate(1, 0, "d"))


def test_the_506c_verified_circuit_reads_two_credentials() -> None:
    circuit = get_circuit("accredited_investor_506c_verified")
    kyc, accreditation = circuit.credentials
    assert (kyc.name, kyc.schema, kyc.issuer_roles) == ("kyc", INVESTOR_V1, ("kyc_provider",))
    assert (accreditation.name, accreditation.schema, accreditation.issuer_roles) == (
        "accreditation",
        ACCREDITATION_V1,
        ("accreditation_verifier",),
    )
    assert circuit.credential("kyc") is kyc
    assert circuit.schemas == (INVESTOR_V1, ACCREDITATION_V1)
    kyc_resolved, accreditation_resolved = circuit.resolve_all(TODAY)
    assert {(p.attribute, p.op) for p in kyc_resolved} == {
        ("kyc_level", ">="),
        ("sanctions_screening", "=="),
        ("expiry_date", ">="),
    }
    by_name = {p.attribute: p for p in accreditation_resolved}
    assert by_name["accreditation_basis"].values == tuple(range(1, 9))  # every prong, not "none"
    epoch = date(1900, 1, 1)
    assert by_name["verified_date"].values == ((TODAY - epoch).days - 90,)
    assert by_name["expiry_date"].values == ((TODAY - epoch).days,)
    # with a horizon, each credential's expiry bound is raised
    raised = circuit.resolve_all(TODAY, horizon_days=30)
    for slot in raised:
        expiry = next(p for p in slot if p.attribute == "expiry_date")
        assert expiry.values == ((TODAY - epoch).days + 30,)


def test_a_circuit_of_several_credentials_hashes_the_v2_form() -> None:
    circuit = parse_circuit(TWO)
    definition = circuit.definition()
    assert definition["format"] == "zkattest/circuit/v2"
    assert set(definition) == {"format", "id", "version", "credentials", "params", "param_bounds"}
    kyc = definition["credentials"][0]  # type: ignore[index]
    assert kyc == {
        "name": "kyc",
        "schema": {"id": "investor/v1", "sha256": INVESTOR_V1.schema_hash.hex()},
        "issuer_roles": ["kyc_provider"],
        "disclose": [],
        "predicates": [
            {"attribute": "kyc_level", "op": ">=", "value": 2},
            {"attribute": "expiry_date", "op": ">=", "value": "today"},
        ],
    }
    text = json.dumps(definition, sort_keys=True, separators=(",", ":")).encode()
    assert circuit.circuit_hash == hashlib.sha256(text).digest()


def test_the_slot_order_is_part_of_the_hash_and_the_predicate_order_is_not() -> None:
    base = parse_circuit(TWO)
    head, kyc, accreditation = TWO.split("[[credential]]")
    swapped = parse_circuit(head + "[[credential]]" + accreditation + "[[credential]]" + kyc)
    assert [c.name for c in swapped.credentials] == ["accreditation", "kyc"]
    assert swapped.circuit_hash != base.circuit_hash
    first, second = kyc.split("[[credential.predicate]]", 1)
    p1, p2 = second.split("[[credential.predicate]]")
    reordered = head + "[[credential]]" + first + "[[credential.predicate]]" + p2
    reordered += "[[credential.predicate]]" + p1 + "[[credential]]" + accreditation
    assert parse_circuit(reordered).circuit_hash == base.circuit_hash
    with_role = TWO.replace(
        'name = "accreditation"', 'name = "accreditation"\nissuer_roles = ["cpa"]'
    )
    assert parse_circuit(with_role).circuit_hash != base.circuit_hash


def test_a_one_credential_file_keeps_the_v1_hash_unless_it_names_roles() -> None:
    single = Circuit.single("one", 1, INVESTOR_V1, "d", (), (EXPIRY,))
    assert single.is_single
    assert single.definition()["format"] == "zkattest/circuit/v1"
    assert single.credentials[0].name == SINGLE_CREDENTIAL
    roles = Circuit(
        "one", 1, "d", (CredentialSpec("kyc", INVESTOR_V1, (), (EXPIRY,), ("kyc_provider",)),)
    )
    assert not roles.is_single
    assert roles.definition()["format"] == "zkattest/circuit/v2"
    assert roles.circuit_hash != single.circuit_hash


def test_one_credential_accessors_refuse_a_circuit_of_several() -> None:
    circuit = parse_circuit(TWO)
    for name in ("schema", "disclose", "predicates", "disclosed_indexes"):
        with pytest.raises(InvalidInputError, match=r"reads 2 credentials \(kyc, accreditation\)"):
            getattr(circuit, name)
    with pytest.raises(InvalidInputError, match="reads 2 credentials"):
        circuit.resolve(TODAY)
    with pytest.raises(
        InvalidInputError, match="has no credential 'aml'; it reads kyc, accreditation"
    ):
        circuit.credential("aml")


REFUSED = [
    ("schema beside credentials", 'schema = "investor/v1"\n' + TWO, "schema: a circuit of"),
    (
        "predicate beside credentials",
        TWO.replace(
            "[[credential]]",
            '[[predicate]]\nattribute = "kyc_level"\nop = ">="\nvalue = 1\n[[credential]]',
            1,
        ),
        "predicate: a circuit of",
    ),
    (
        "credential not a table",
        TWO.split("[[credential]]")[0] + "credential = 3\n",
        "array of tables",
    ),
    ("unnamed", TWO.replace('name = "kyc"\n', ""), r"credential\[0\]: missing key\(s\) name"),
    ("bad name", TWO.replace('name = "kyc"', 'name = "KYC"'), "name 'KYC' must match"),
    (
        "duplicate names",
        TWO.replace('"accreditation"\nschema', '"kyc"\nschema'),
        "two credentials share a name",
    ),
    (
        "unknown key",
        TWO.replace('name = "kyc"', 'name = "kyc"\nissuer = "x"'),
        r"credential kyc: unknown key\(s\) issuer",
    ),
    (
        "no schema",
        TWO.replace('schema = "investor/v1"\n', ""),
        r"credential kyc: missing key\(s\) schema",
    ),
    (
        "unknown schema",
        TWO.replace('"investor/v1"', '"investor/v9"'),
        "credential kyc: .*investor/v9",
    ),
    (
        "bad role",
        TWO.replace('"kyc_provider"', '"KYC Provider"'),
        "credential kyc: issuer_roles: bad role name",
    ),
    ("role twice", TWO.replace('["kyc_provider"]', '["a", "a"]'), "a role is listed twice"),
    (
        "roles not a list",
        TWO.replace('["kyc_provider"]', '"kyc_provider"'),
        "issuer_roles must be a list of role names",
    ),
    (
        "attribute of the other schema",
        TWO.replace('"verified_date"', '"kyc_level"'),
        "credential accreditation: predicate.*unknown attribute 'kyc_level' in schema accr",
    ),
    (
        "a slot without an expiry check",
        TWO.rsplit("[[credential.predicate]]", 1)[0],
        "credential accreditation: missing expiry check",
    ),
    (
        "no predicates",
        TWO.split("[[credential.predicate]]")[0]
        + '[[credential]]\nname = "b"\nschema = "investor/v1"\n',
        "credential kyc: empty statement",
    ),
]


@pytest.mark.parametrize(("case", "text", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_bad_credential_tables_are_refused(case: str, text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        parse_circuit(text, source="bad.toml")
    assert str(info.value).startswith("bad.toml: ")


def test_direct_construction_is_validated() -> None:
    kyc = CredentialSpec("kyc", INVESTOR_V1, (), (EXPIRY,))
    with pytest.raises(InvalidInputError, match="at least one credential"):
        Circuit("c", 1, "d", ())
    with pytest.raises(InvalidInputError, match="credentials must be CredentialSpec"):
        Circuit("c", 1, "d", ("kyc",))  # type: ignore[arg-type]
    many = tuple(
        CredentialSpec(f"c{i}", INVESTOR_V1, (), (EXPIRY,)) for i in range(MAX_CREDENTIALS + 1)
    )
    with pytest.raises(InvalidInputError, match=f"at most {MAX_CREDENTIALS} credentials"):
        Circuit("c", 1, "d", many)
    age = Predicate("birth_date", "<=", RelativeDate(-1, "age", "y"))
    adult = CredentialSpec("adult", INVESTOR_V1, (), (EXPIRY, age))
    # parameters are the circuit's, shared by its credentials
    ok = Circuit("c", 1, "d", (kyc, adult), (("age", 18),), (("age", 18, 21),))
    assert ok.params == (("age", 18),)
    with pytest.raises(InvalidInputError, match="undeclared parameter"):
        Circuit("c", 1, "d", (kyc, adult))
    with pytest.raises(InvalidInputError, match="credential kyc: schema must be a Schema"):
        CredentialSpec("kyc", "investor/v1", (), (EXPIRY,))  # type: ignore[arg-type]
