"""Eligibility circuits: the shipped TOML files, the strict loader, hashing and resolution."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zkattest.circuits import (
    CIRCUITS_DIR_ENV,
    Circuit,
    Predicate,
    RelativeDate,
    ResolvedPredicate,
    builtin_circuit_ids,
    circuits_dir,
    get_circuit,
    load_builtin_circuits,
    load_circuit,
    load_circuits,
    parse_circuit,
    range_bits,
)
from zkattest.errors import InvalidInputError
from zkattest.hazmat.bbs import BLS12_381_SHA_256
from zkattest.schema import DATE_EPOCH, INVESTOR_V1

REPO_CIRCUITS = Path(__file__).resolve().parent.parent / "circuits"

# Pinned: changing a shipped circuit (or the schema it names) is a deliberate act.
PINNED_HASHES = {
    "accredited_investor_506c": "0ec89c0d1ce1e7165c46f558b17e5a377f45809aef5dbdb73dee0ec6d782230d",
    "kyc_adult": "186e3bd17bfe9338e315a10e9fbf03636d68096392643e9b37c5c4b229d8a030",
    "qib_144a": "877e8d81c7a567fa048cfae144a272d53b786edcc8b461e584fac10f348d51ae",
    "reg_s_non_us": "4ae9ea1b9b5b75259182b4a4914187c9410143237164b1465a93b42ec5e1f1db",
}

HEAD = """
id = "test_circuit"
version = 1
schema = "investor/v1"
description = "A test circuit."
"""
EXPIRY = """
[[predicate]]
attribute = "expiry_date"
op = ">="
value = "today"
"""


def predicate(attribute: str, op: str, value: str) -> str:
    return f'\n[[predicate]]\nattribute = "{attribute}"\nop = "{op}"\nvalue = {value}\n'


def param(name: str, default: object, low: object, high: object) -> str:
    return f"\n[params.{name}]\ndefault = {default}\nmin = {low}\nmax = {high}\n"


AGE = predicate("birth_date", "<=", '"today - {age}y"')


def days(d: date) -> int:
    return (d - DATE_EPOCH).days


def holds(p: ResolvedPredicate, m: int) -> bool:
    """Evaluate a resolved predicate on a message scalar, as a proof would establish it."""
    if p.op == ">=":
        return m >= p.values[0]
    if p.op == "<=":
        return m <= p.values[0]
    if p.op == "between":
        return p.values[0] <= m <= p.values[1]
    if p.op == "==":
        return m == p.values[0]
    if p.op == "!=":
        return m != p.values[0]
    if p.op == "in":
        return m in p.values
    assert p.op == "not_in"
    return m not in p.values


def satisfies(circuit: Circuit, attributes: dict[str, Any], today: date) -> bool:
    scalars = INVESTOR_V1.encode(attributes, BLS12_381_SHA_256)
    return all(holds(p, scalars[p.index]) for p in circuit.resolve(today))


PERSON: dict[str, Any] = {
    "holder_ref": "cust-1",
    "legal_name": "Ada Lovelace",
    "birth_date": "2004-02-29",
    "country": "GB",
    "investor_type": "individual",
    "net_worth_usd": 1_500_000,
    "annual_income_usd": 90_000,
    "total_assets_usd": 0,
    "securities_owned_usd": 0,
    "licence_series_7": False,
    "licence_series_65": False,
    "licence_series_82": False,
    "kyc_level": 2,
    "sanctions_screening": "clear",
    "accreditation_basis": "net_worth",
    "issuance_date": "2022-01-10",
    "expiry_date": "2024-12-31",
}
FUND: dict[str, Any] = {
    **PERSON,
    "legal_name": "Example Capital LP",
    "birth_date": "1998-05-01",
    "country": "KY",
    "investor_type": "entity",
    "total_assets_usd": 900_000_000,
    "securities_owned_usd": 250_000_000,
    "accreditation_basis": "entity_assets",
}


# ---------------------------------------------------------------------------
# The shipped circuits
# ---------------------------------------------------------------------------


def test_the_one_credential_circuits_load() -> None:
    circuits = {k: c for k, c in load_builtin_circuits().items() if len(c.credentials) == 1}
    assert sorted(circuits) == sorted(PINNED_HASHES)
    for circuit_id, circuit in circuits.items():
        assert circuit.id == circuit_id
        assert circuit.version == 1
        assert circuit.schema is INVESTOR_V1
        assert circuit.disclose == ()
        assert circuit.description
        assert get_circuit(circuit_id) == circuit


def test_circuit_hashes_are_pinned_and_distinct() -> None:
    circuits = load_builtin_circuits()
    hashes = {circuit_id: c.circuit_hash.hex() for circuit_id, c in circuits.items()}
    assert hashes == PINNED_HASHES | {
        # the circuit of two credentials, zkattest/circuit/v2 (test_several_credentials.py)
        "accredited_investor_506c_verified": (
            "37085d47c9575c5ca3cf90d1a2fb94c17f9e24aaab0d40c7595a48cdc8408550"
        ),
    }
    assert len(set(hashes.values())) == len(hashes)


@pytest.mark.parametrize("circuit_id", sorted(PINNED_HASHES))
def test_circuit_hash_follows_the_documented_rule(circuit_id: str) -> None:
    circuit = get_circuit(circuit_id)
    definition = circuit.definition()
    assert set(definition) == {
        "format",
        "id",
        "version",
        "schema",
        "disclose",
        "params",
        "param_bounds",
        "predicates",
    }
    assert definition["format"] == "zkattest/circuit/v1"
    assert definition["schema"] == {"id": "investor/v1", "sha256": INVESTOR_V1.schema_hash.hex()}
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert circuit.canonical_json() == text.encode("utf-8")
    assert circuit.circuit_hash == hashlib.sha256(text.encode("utf-8")).digest()
    as_json = circuit.to_json()
    assert as_json["description"] == circuit.description
    assert as_json["circuit_hash"] == circuit.circuit_hash.hex()


def test_every_shipped_circuit_requires_an_unexpired_credential() -> None:
    for circuit in load_builtin_circuits().values():
        for spec in circuit.credentials:
            assert Predicate("expiry_date", ">=", RelativeDate(1, 0, "d")) in spec.predicates


def test_kyc_adult() -> None:
    circuit = get_circuit("kyc_adult")
    assert circuit.params == (("majority_age", 18),)
    assert circuit.param("majority_age") == 18
    assert circuit.param_bounds == (("majority_age", 18, 21),)
    assert circuit.definition()["param_bounds"] == {"majority_age": {"min": 18, "max": 21}}
    today = date(2024, 2, 29)
    resolved = {p.attribute: p for p in circuit.resolve(today)}
    assert resolved["birth_date"] == ResolvedPredicate(
        "birth_date", 2, "<=", (days(date(2006, 2, 28)),), 16
    )
    assert resolved["kyc_level"] == ResolvedPredicate("kyc_level", 12, ">=", (2,), 8)
    assert resolved["sanctions_screening"] == ResolvedPredicate(
        "sanctions_screening", 13, "==", (1,), None
    )
    assert resolved["investor_type"] == ResolvedPredicate("investor_type", 4, "==", (1,), None)
    assert resolved["expiry_date"] == ResolvedPredicate("expiry_date", 16, ">=", (days(today),), 16)


def test_kyc_adult_on_a_leap_day_birthday() -> None:
    circuit = get_circuit("kyc_adult")
    # Born 2004-02-29: 18 on 2022-03-01 (no 29 February in 2022), not on 2022-02-28.
    assert not satisfies(circuit, PERSON, date(2022, 2, 28))
    assert satisfies(circuit, PERSON, date(2022, 3, 1))
    assert satisfies(circuit, {**PERSON, "kyc_level": 3}, date(2024, 12, 31))
    assert not satisfies(circuit, {**PERSON, "kyc_level": 1}, date(2023, 1, 1))
    assert not satisfies(circuit, {**PERSON, "sanctions_screening": "pending"}, date(2023, 1, 1))
    assert not satisfies(circuit, PERSON, date(2025, 1, 1))  # expired
    assert not satisfies(circuit, FUND, date(2023, 1, 1))  # not a natural person


def test_majority_age_override() -> None:
    default = get_circuit("kyc_adult")
    older = get_circuit("kyc_adult", params={"majority_age": 21})
    assert older.param("majority_age") == 21
    assert older.circuit_hash != default.circuit_hash
    assert load_circuit(REPO_CIRCUITS / "kyc_adult.toml", params={"majority_age": 18}) == default
    today = date(2023, 6, 1)
    assert satisfies(default, PERSON, today)
    assert not satisfies(older, PERSON, today)
    birth = next(p for p in older.resolve(today) if p.attribute == "birth_date")
    assert birth.values == (days(date(2002, 6, 1)),)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"age": 21}, r"undeclared parameter\(s\) age"),
        ({"majority_age": -1}, "majority_age must be an integer from 0"),
        ({"majority_age": "21"}, "majority_age must be an integer from 0"),
        ({"majority_age": 21.0}, "majority_age must be an integer from 0"),
        ({"majority_age": True}, "majority_age must be an integer from 0"),
        ({"majority_age": 17}, "majority_age = 17 is outside its declared bounds 18 to 21"),
        ({"majority_age": 22}, "majority_age = 22 is outside its declared bounds 18 to 21"),
        ({"majority_age": 99}, "majority_age = 99 is outside its declared bounds 18 to 21"),
    ],
)
def test_bad_params_override(params: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        get_circuit("kyc_adult", params=params)


def test_accredited_investor_506c() -> None:
    circuit = get_circuit("accredited_investor_506c")
    basis = next(p for p in circuit.resolve(date(2023, 1, 1)) if p.index == 14)
    assert basis.op == "in"
    assert basis.values == (1, 2, 3, 4, 5, 6, 7, 8)  # every prong but "none" (0)
    today = date(2023, 1, 1)
    assert satisfies(circuit, PERSON, today)
    assert satisfies(circuit, FUND, today)
    assert satisfies(circuit, {**PERSON, "accreditation_basis": "income"}, today)
    assert not satisfies(circuit, {**PERSON, "accreditation_basis": "none"}, today)
    assert not satisfies(circuit, PERSON, date(2025, 1, 1))


def test_reg_s_non_us() -> None:
    circuit = get_circuit("reg_s_non_us")
    country = next(p for p in circuit.resolve(date(2023, 1, 1)) if p.attribute == "country")
    assert country.op == "not_in"
    assert country.values == (16, 316, 580, 581, 630, 840, 850)  # US and its territories
    today = date(2023, 1, 1)
    assert satisfies(circuit, PERSON, today)
    for us in ("US", "PR", "GU", "VI", "AS", "MP", "UM"):
        assert not satisfies(circuit, {**PERSON, "country": us}, today)
    assert satisfies(circuit, {**PERSON, "country": "CA"}, today)
    assert not satisfies(circuit, {**PERSON, "sanctions_screening": "hit"}, today)


def test_qib_144a() -> None:
    circuit = get_circuit("qib_144a")
    resolved = {p.attribute: p for p in circuit.resolve(date(2023, 1, 1))}
    assert resolved["securities_owned_usd"] == ResolvedPredicate(
        "securities_owned_usd", 8, ">=", (100_000_000,), 64
    )
    today = date(2023, 1, 1)
    assert satisfies(circuit, FUND, today)
    assert satisfies(circuit, {**FUND, "securities_owned_usd": 100_000_000}, today)
    assert not satisfies(circuit, {**FUND, "securities_owned_usd": 99_999_999}, today)
    assert not satisfies(circuit, {**PERSON, "securities_owned_usd": 200_000_000}, today)


# ---------------------------------------------------------------------------
# Canonical form and hashing
# ---------------------------------------------------------------------------


def test_order_in_the_file_does_not_change_the_hash() -> None:
    a = parse_circuit(
        HEAD
        + predicate("country", "in", '["US", "GB", "DE"]')
        + predicate("kyc_level", ">=", "2")
        + EXPIRY
    )
    b = parse_circuit(
        HEAD
        + EXPIRY
        + predicate("kyc_level", ">=", "2")
        + predicate("country", "in", '["DE", "US", "GB"]')
    )
    assert a == b
    assert a.circuit_hash == b.circuit_hash
    assert [p.attribute for p in a.predicates] == ["country", "kyc_level", "expiry_date"]
    assert a.predicates[0].value == ("DE", "GB", "US")  # by ISO numeric code: 276, 826, 840


def test_descriptions_are_not_hashed_but_everything_else_is() -> None:
    base = parse_circuit(HEAD + predicate("kyc_level", ">=", "2") + EXPIRY)
    reworded = parse_circuit(
        HEAD.replace("A test circuit.", "Reworded.") + predicate("kyc_level", ">=", "2") + EXPIRY
    )
    assert reworded.circuit_hash == base.circuit_hash
    variants = [
        HEAD + predicate("kyc_level", ">=", "3") + EXPIRY,
        HEAD + predicate("kyc_level", "<=", "2") + EXPIRY,
        HEAD.replace("version = 1", "version = 2") + predicate("kyc_level", ">=", "2") + EXPIRY,
        HEAD.replace("test_circuit", "other") + predicate("kyc_level", ">=", "2") + EXPIRY,
        HEAD + 'disclose = ["country"]\n' + predicate("kyc_level", ">=", "2") + EXPIRY,
        HEAD + predicate("kyc_level", ">=", "2") + EXPIRY.replace('"today"', '"today + 1d"'),
    ]
    hashes = {parse_circuit(v).circuit_hash for v in variants}
    assert base.circuit_hash not in hashes
    assert len(hashes) == len(variants)


def test_canonical_spelling_of_values() -> None:
    circuit = parse_circuit(
        HEAD
        + param("age", 18, 16, 21)
        + predicate("birth_date", "<=", '"today-{age}y"')
        + predicate("issuance_date", "between", '[1990-01-01, "2030-12-31"]')
        + predicate("expiry_date", ">=", '" today + 0d "')
    )
    values = [p.to_json()["value"] for p in circuit.predicates]
    assert values == ["today - {age}y", ["1990-01-01", "2030-12-31"], "today"]


def test_disclosed_attributes_in_message_order() -> None:
    circuit = parse_circuit(HEAD + 'disclose = ["kyc_level", "country"]\n' + EXPIRY)
    assert circuit.disclose == ("country", "kyc_level")
    assert circuit.disclosed_indexes == (3, 12)


# ---------------------------------------------------------------------------
# Rejections
# ---------------------------------------------------------------------------

REJECTED = [
    ("not TOML", HEAD + "[[predicate]\n", "not valid TOML"),
    ("unknown top-level key", HEAD + "threshold = 3\n" + EXPIRY, r"unknown key\(s\) threshold"),
    ("misspelt predicates", HEAD + EXPIRY.replace("[[predicate]]", "[[predicates]]"), "predicates"),
    ("missing schema", HEAD.replace('schema = "investor/v1"', "") + EXPIRY, "missing key"),
    ("missing description", HEAD.replace('description = "A test circuit."', "") + EXPIRY, "desc"),
    ("empty description", HEAD.replace("A test circuit.", " ") + EXPIRY, "description must be"),
    ("unknown schema", HEAD.replace("investor/v1", "investor/v9") + EXPIRY, "unknown schema"),
    ("schema not a string", HEAD.replace('"investor/v1"', "1") + EXPIRY, "schema must be"),
    ("bad id", HEAD.replace("test_circuit", "Test Circuit") + EXPIRY, "id 'Test Circuit'"),
    ("id not a string", HEAD.replace('"test_circuit"', "7") + EXPIRY, "id must be a string"),
    ("version zero", HEAD.replace("version = 1", "version = 0") + EXPIRY, "version must be"),
    ("version string", HEAD.replace("version = 1", 'version = "1"') + EXPIRY, "version must"),
    ("version bool", HEAD.replace("version = 1", "version = true") + EXPIRY, "version must"),
    ("empty statement", HEAD, "empty statement"),
    ("empty predicate list", HEAD + "predicate = []\n", "empty statement"),
    ("predicate a table", HEAD + EXPIRY.replace("[[predicate]]", "[predicate]"), "array of"),
    ("missing expiry", HEAD + predicate("kyc_level", ">=", "2"), "missing expiry check"),
    (
        "expiry in the past",
        HEAD + EXPIRY.replace('"today"', '"today - 1d"'),
        "missing expiry check",
    ),
    ("expiry absolute", HEAD + EXPIRY.replace('"today"', "2030-01-01"), "missing expiry check"),
    ("expiry <=", HEAD + EXPIRY.replace(">=", "<="), "missing expiry check"),
    (
        "unknown predicate key",
        HEAD + EXPIRY + predicate("kyc_level", ">=", "2") + "unit = 'level'\n",
        r"predicate\[1\]: unknown key\(s\) unit",
    ),
    (
        "missing predicate key",
        HEAD + EXPIRY + '[[predicate]]\nattribute = "kyc_level"\nop = ">="\n',
        r"predicate\[1\]: missing key\(s\) value",
    ),
    (
        "unknown attribute",
        HEAD + EXPIRY + predicate("age", ">=", "18"),
        r"predicate\[1\]: unknown attribute 'age' in schema investor/v1",
    ),
    (
        "unknown operator",
        HEAD + EXPIRY + predicate("kyc_level", ">", "1"),
        r"predicate\[1\]: unknown operator '>'",
    ),
    (
        "operator case",
        HEAD + EXPIRY + predicate("country", "IN", '["US"]'),
        "unknown operator 'IN'",
    ),
    (
        "range on an enum",
        HEAD + EXPIRY + predicate("country", ">=", '"US"'),
        "'>=' does not apply to country \\(enum\\)",
    ),
    (
        "set on a bool",
        HEAD + EXPIRY + predicate("licence_series_7", "in", "[true]"),
        "'in' does not apply to licence_series_7 \\(bool\\)",
    ),
    (
        "predicate on text",
        HEAD + EXPIRY + predicate("legal_name", "==", '"Ada Lovelace"'),
        "legal_name is text",
    ),
    (
        "predicate on holder_ref",
        HEAD + EXPIRY + predicate("holder_ref", "!=", '"x"'),
        "holder_ref is text",
    ),
    (
        "disclosing text",
        HEAD + 'disclose = ["legal_name"]\n' + EXPIRY,
        "disclose: legal_name is text",
    ),
    ("disclosing unknown", HEAD + 'disclose = ["age"]\n' + EXPIRY, "unknown attribute 'age'"),
    ("disclosing twice", HEAD + 'disclose = ["country", "country"]\n' + EXPIRY, "twice"),
    ("disclose not a list", HEAD + 'disclose = "country"\n' + EXPIRY, "disclose must be a list"),
    (
        "string for an integer",
        HEAD + EXPIRY + predicate("kyc_level", ">=", '"2"'),
        r"predicate\[1\]\.value: must be an integer, not str",
    ),
    (
        "float for an integer",
        HEAD + EXPIRY + predicate("net_worth_usd", ">=", "1e6"),
        "must be an integer, not float",
    ),
    (
        "negative threshold",
        HEAD + EXPIRY + predicate("net_worth_usd", ">=", "-1"),
        "must not be negative",
    ),
    (
        "threshold beyond the type",
        HEAD + EXPIRY + predicate("kyc_level", "<=", "4"),
        r"must be less than 2\^2",
    ),
    (
        "threshold beyond 64 bits",
        HEAD + EXPIRY + predicate("net_worth_usd", ">=", str(2**64)),
        r"must be less than 2\^48",
    ),
    (
        "enum value not in the enum",
        HEAD + EXPIRY + predicate("sanctions_screening", "==", '"cleared"'),
        "must be one of clear, hit, pending",
    ),
    (
        "enum code instead of name",
        HEAD + EXPIRY + predicate("country", "!=", "840"),
        r"must be a string \(ISO 3166-1 alpha-2\), not int",
    ),
    (
        "bool as string",
        HEAD + EXPIRY + predicate("licence_series_7", "==", '"true"'),
        "must be true or false, not str",
    ),
    (
        "relative date on a non-date",
        HEAD + EXPIRY + predicate("kyc_level", ">=", '"today"'),
        "a relative date applies to date attributes, not uint",
    ),
    (
        "relative date on an enum",
        HEAD + EXPIRY + predicate("country", "==", '"today - 1d"'),
        "a relative date applies to date attributes, not enum",
    ),
    (
        "bad relative date",
        HEAD + EXPIRY + predicate("birth_date", "<=", '"today - 18 years"'),
        "is neither a date YYYY-MM-DD nor",
    ),
    (
        "relative date in weeks",
        HEAD + EXPIRY + predicate("birth_date", "<=", '"today - 2w"'),
        "is neither a date",
    ),
    (
        "impossible date",
        HEAD + EXPIRY + predicate("birth_date", "<=", '"2023-02-30"'),
        "2023-02-30 is not a calendar date",
    ),
    (
        "date before the epoch",
        HEAD + EXPIRY + predicate("birth_date", ">=", "1899-12-31"),
        "1899-12-31 is outside",
    ),
    (
        "datetime for a date",
        HEAD + EXPIRY + predicate("birth_date", "<=", "2000-01-01T00:00:00"),
        "must be a date, not a time or datetime",
    ),
    (
        "integer for a date",
        HEAD + EXPIRY + predicate("birth_date", "<=", "36524"),
        "must be an ISO date string, not int",
    ),
    (
        "between with one value",
        HEAD + EXPIRY + predicate("kyc_level", "between", "[1]"),
        r"between needs a pair \[lo, hi\]",
    ),
    (
        "between with three values",
        HEAD + EXPIRY + predicate("kyc_level", "between", "[1, 2, 3]"),
        "between needs a pair",
    ),
    (
        "between with a scalar",
        HEAD + EXPIRY + predicate("kyc_level", "between", "2"),
        "between needs a pair",
    ),
    (
        "between reversed",
        HEAD + EXPIRY + predicate("kyc_level", "between", "[3, 1]"),
        "needs lo <= hi",
    ),
    (
        "between reversed dates",
        HEAD + EXPIRY + predicate("birth_date", "between", "[2000-01-02, 2000-01-01]"),
        "needs lo <= hi",
    ),
    (
        "list for a single-value operator",
        HEAD + EXPIRY + predicate("kyc_level", ">=", "[2]"),
        ">= takes a single value, not a list",
    ),
    ("empty set", HEAD + EXPIRY + predicate("country", "in", "[]"), "non-empty list"),
    ("set not a list", HEAD + EXPIRY + predicate("country", "not_in", '"US"'), "non-empty list"),
    ("set with a repeat", HEAD + EXPIRY + predicate("country", "in", '["US", "US"]'), "twice"),
    (
        "set with a bad member",
        HEAD + EXPIRY + predicate("country", "in", '["US", "USA"]'),
        "'USA' is not a known ISO 3166-1 alpha-2 value",
    ),
    (
        "oversized set",
        HEAD + EXPIRY + predicate("net_worth_usd", "in", json.dumps(list(range(257)))),
        "at most 256 values",
    ),
    ("duplicate predicate", HEAD + EXPIRY + EXPIRY, "is given twice"),
    (
        # only one value can be disclosed for the attribute: the other == went unproven
        "two == on one attribute",
        HEAD + EXPIRY + predicate("kyc_level", "==", "3") + predicate("kyc_level", "==", "2"),
        r"kyc_level has 2 == predicates; at most one",
    ),
    (
        "relative date too far",
        HEAD + EXPIRY + predicate("birth_date", "<=", '"today - 999999d"'),
        r"predicate\[1\]\.value: a relative date counts from 0 to 131072",
    ),
    (
        "undeclared parameter",
        HEAD + EXPIRY + predicate("birth_date", "<=", '"today - {majority_age}y"'),
        r"undeclared parameter\(s\) majority_age",
    ),
    (
        "unused parameter",
        HEAD + param("majority_age", 18, 18, 21) + EXPIRY,
        r"parameter\(s\) majority_age declared but not used",
    ),
    (
        "non-integer parameter",
        HEAD + param("age", '"18"', 18, 21) + EXPIRY + AGE,
        "age must be an integer",
    ),
    ("params not a table", HEAD + "params = 3\n" + EXPIRY, "params must be a table"),
    # every parameter declares the bounds a wallet accepts for it
    (
        "parameter without bounds",
        HEAD + "[params]\nage = 18\n" + EXPIRY + AGE,
        r"params: age must be a table of default, min and max",
    ),
    (
        "parameter without max",
        HEAD + "[params.age]\ndefault = 18\nmin = 18\n" + EXPIRY + AGE,
        r"params: age must be a table of default, min and max \(missing max\)",
    ),
    (
        "parameter with an unknown key",
        HEAD + param("age", 18, 18, 21) + "step = 1\n" + EXPIRY + AGE,
        r"params: age must be a table of default, min and max \(unknown step\)",
    ),
    ("bounds reversed", HEAD + param("age", 18, 21, 18) + EXPIRY + AGE, r"age: min 21 > max 18"),
    (
        "default below the bounds",
        HEAD + param("age", 17, 18, 21) + EXPIRY + AGE,
        r"params: age = 17 is outside its declared bounds 18 to 21",
    ),
    (
        "default above the bounds",
        HEAD + param("age", 22, 18, 21) + EXPIRY + AGE,
        r"params: age = 22 is outside its declared bounds 18 to 21",
    ),
    (
        "bound not an integer",
        HEAD + param("age", 18, 18, '"21"') + EXPIRY + AGE,
        "age: max must be",
    ),
    ("bound a bool", HEAD + param("age", 1, "false", 21) + EXPIRY + AGE, "age: min must be"),
    ("negative bound", HEAD + param("age", 1, -1, 21) + EXPIRY + AGE, "age: min must be"),
]


@pytest.mark.parametrize(("case", "text", "message"), REJECTED, ids=[c[0] for c in REJECTED])
def test_bad_circuits_are_refused(case: str, text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        parse_circuit(text, source="bad.toml")
    assert str(info.value).startswith("bad.toml: ")


def test_errors_name_the_file(tmp_path: Path) -> None:
    file = tmp_path / "test_circuit.toml"
    file.write_text(HEAD + predicate("kyc_level", ">", "1") + EXPIRY)
    with pytest.raises(InvalidInputError, match=r"test_circuit\.toml: circuit test_circuit"):
        load_circuit(file)
    with pytest.raises(InvalidInputError, match="cannot read circuit"):
        load_circuit(tmp_path / "missing.toml")


def test_parse_circuit_wants_text() -> None:
    with pytest.raises(InvalidInputError, match="must be a string"):
        parse_circuit(b"id = 1")  # type: ignore[arg-type]


def test_direct_construction_is_validated() -> None:
    expiry = Predicate("expiry_date", ">=", RelativeDate(1, 0, "d"))
    circuit = Circuit.single("direct", 1, INVESTOR_V1, "d", (), (expiry,))
    assert circuit.predicates == (expiry,)
    with pytest.raises(InvalidInputError, match="missing expiry check"):
        Circuit.single("direct", 1, INVESTOR_V1, "d", (), (Predicate("kyc_level", ">=", 2),))
    with pytest.raises(InvalidInputError, match="must be a Predicate"):
        Circuit.single("direct", 1, INVESTOR_V1, "d", (), ("kyc_level >= 2",))  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="schema must be a Schema"):
        Circuit.single("direct", 1, "investor/v1", "d", (), (expiry,))  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="params must be"):
        Circuit.single("direct", 1, INVESTOR_V1, "d", (), (expiry,), params={"a": 1})  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Relative dates and resolution
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("today", date(2024, 2, 29), date(2024, 2, 29)),
        ("today - 18y", date(2024, 2, 29), date(2006, 2, 28)),
        ("today - 4y", date(2024, 2, 29), date(2020, 2, 29)),
        ("today + 1y", date(2024, 2, 29), date(2025, 2, 28)),
        ("today - 18y", date(2024, 3, 1), date(2006, 3, 1)),
        ("today - 1m", date(2024, 3, 31), date(2024, 2, 29)),
        ("today - 1m", date(2023, 3, 31), date(2023, 2, 28)),
        ("today + 1m", date(2023, 12, 31), date(2024, 1, 31)),
        ("today - 13m", date(2024, 1, 15), date(2022, 12, 15)),
        ("today + 30d", date(2024, 2, 15), date(2024, 3, 16)),
        ("today - 1d", date(2024, 3, 1), date(2024, 2, 29)),
        ("today-18y", date(2024, 6, 1), date(2006, 6, 1)),
    ],
)
def test_relative_dates(text: str, today: date, expected: date) -> None:
    relative = RelativeDate.parse(text)
    assert relative is not None
    assert relative.resolve(today, {}) == expected


def test_relative_date_spelling() -> None:
    assert str(RelativeDate.parse("today")) == "today"
    assert str(RelativeDate.parse("today+0y")) == "today"
    assert str(RelativeDate.parse("today-018y")) == "today - 18y"
    assert str(RelativeDate.parse("today + {grace_days}d")) == "today + {grace_days}d"
    assert RelativeDate.parse("tomorrow") is None
    assert RelativeDate.parse("today - 1.5y") is None
    assert RelativeDate.parse("TODAY") is None
    with pytest.raises(InvalidInputError):
        RelativeDate(2, 1, "d")
    with pytest.raises(InvalidInputError):
        RelativeDate(1, 1, "w")
    with pytest.raises(InvalidInputError):
        RelativeDate(1, -1, "d")
    with pytest.raises(InvalidInputError, match="counts from 0 to 131072"):
        RelativeDate.parse("today - 999999d")
    assert RelativeDate(-1, 0, "y") == RelativeDate(1, 0, "d")
    with pytest.raises(InvalidInputError, match="no value for parameter age"):
        RelativeDate(-1, "age", "y").resolve(date(2024, 1, 1), {})


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31)), st.integers(0, 40))
def test_years_back_is_calendar_arithmetic(today: date, years: int) -> None:
    result = RelativeDate(-1, years, "y").resolve(today, {})
    assert result.year == today.year - years
    assert result.month == today.month
    if today.day <= 28 or (today.month, today.day) != (2, 29):
        assert result.day == today.day
    else:
        assert result.day in (28, 29)


@given(
    birth=st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31)),
    today=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    majority=st.sampled_from([16, 18, 19, 21]),
)
def test_age_predicate_matches_age_in_years(birth: date, today: date, majority: int) -> None:
    circuit = parse_circuit(
        HEAD
        + param("age", majority, 16, 21)
        + predicate("birth_date", "<=", '"today - {age}y"')
        + EXPIRY
    )
    (age_check,) = (p for p in circuit.resolve(today) if p.attribute == "birth_date")
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    assert holds(age_check, days(birth)) == (age >= majority)


def test_resolve_wants_a_date() -> None:
    circuit = get_circuit("kyc_adult")
    with pytest.raises(InvalidInputError, match=r"today must be a datetime\.date"):
        circuit.resolve(datetime(2024, 1, 1, 12, 0))
    with pytest.raises(InvalidInputError, match=r"today must be a datetime\.date"):
        circuit.resolve("2024-01-01")  # type: ignore[arg-type]


def test_resolve_refuses_dates_outside_the_encoding() -> None:
    circuit = get_circuit("kyc_adult")
    with pytest.raises(InvalidInputError, match=r"birth_date <= .* 1899-01-01 is outside"):
        circuit.resolve(date(1917, 1, 1))
    far = parse_circuit(HEAD + EXPIRY.replace('"today"', '"today + 100000y"'))
    with pytest.raises(InvalidInputError, match="is not a date when today is"):
        far.resolve(date(2024, 1, 1))


def test_between_that_resolves_empty_is_refused() -> None:
    circuit = parse_circuit(
        HEAD + predicate("birth_date", "between", '["today - 18y", 2000-01-01]') + EXPIRY
    )
    assert circuit.resolve(date(2010, 1, 1))[0].values == (days(date(1992, 1, 1)), 36524)
    with pytest.raises(InvalidInputError, match="empty range"):
        circuit.resolve(date(2024, 1, 1))


def test_sets_of_dates_resolve_sorted_without_repeats() -> None:
    circuit = parse_circuit(
        HEAD + predicate("issuance_date", "in", '["today", 2024-01-01, "today - 1d"]') + EXPIRY
    )
    (p, _) = circuit.resolve(date(2024, 1, 1))
    assert p.values == (days(date(2023, 12, 31)), days(date(2024, 1, 1)))


def test_resolved_bounds_and_bits() -> None:
    circuit = parse_circuit(
        HEAD
        + predicate("net_worth_usd", "between", "[1000000, 5000000]")
        + predicate("kyc_level", "<=", "3")
        + predicate("licence_series_7", "==", "true")
        + predicate("accreditation_basis", "!=", '"none"')
        + EXPIRY
    )
    resolved = {p.attribute: p for p in circuit.resolve(date(2024, 1, 1))}
    worth = resolved["net_worth_usd"]
    assert (worth.lower, worth.upper, worth.bits) == (1_000_000, 5_000_000, 64)
    kyc = resolved["kyc_level"]
    assert (kyc.lower, kyc.upper, kyc.bits) == (None, 3, 8)
    assert resolved["licence_series_7"].values == (1,)
    assert resolved["licence_series_7"].bits is None
    assert resolved["accreditation_basis"].values == (0,)
    expiry = resolved["expiry_date"]
    assert (expiry.lower, expiry.upper, expiry.bits) == (days(date(2024, 1, 1)), None, 16)


def test_range_bits() -> None:
    assert range_bits(1) == 8
    assert range_bits(255) == 8
    assert range_bits(256) == 16
    assert range_bits(2**17 - 1) == 32
    assert range_bits(2**48 - 1) == 64
    assert range_bits(2**64 - 1) == 64
    with pytest.raises(InvalidInputError):
        range_bits(2**64)


# ---------------------------------------------------------------------------
# Finding circuits
# ---------------------------------------------------------------------------


def test_builtin_circuits_are_the_repository_folder_as_package_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The top-level circuits/ folder ships as zkattest._circuits (read through
    importlib.resources); from a checkout that is the folder itself."""
    monkeypatch.delenv(CIRCUITS_DIR_ENV, raising=False)
    folder = circuits_dir()
    assert sorted(e.name for e in folder.iterdir() if e.name.endswith(".toml")) == sorted(
        f.name for f in REPO_CIRCUITS.glob("*.toml")
    )
    assert builtin_circuit_ids() == sorted(f.stem for f in REPO_CIRCUITS.glob("*.toml"))
    for file in REPO_CIRCUITS.glob("*.toml"):
        assert (folder / file.name).read_text(encoding="utf-8") == file.read_text(encoding="utf-8")


def test_a_missing_override_directory_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(CIRCUITS_DIR_ENV, str(tmp_path / "absent"))
    with pytest.raises(InvalidInputError, match=r"ZKATTEST_CIRCUITS_DIR .*absent.*no such"):
        get_circuit("kyc_adult")


def test_circuits_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shutil.copy(REPO_CIRCUITS / "qib_144a.toml", tmp_path)
    monkeypatch.setenv(CIRCUITS_DIR_ENV, str(tmp_path))
    assert circuits_dir() == tmp_path
    assert sorted(load_builtin_circuits()) == ["qib_144a"]
    with pytest.raises(InvalidInputError, match=r"unknown circuit 'kyc_adult'; known: qib_144a"):
        get_circuit("kyc_adult")


def test_a_file_must_be_named_after_its_circuit(tmp_path: Path) -> None:
    shutil.copy(REPO_CIRCUITS / "qib_144a.toml", tmp_path / "qib.toml")
    with pytest.raises(InvalidInputError, match=r"defines circuit qib_144a; name it qib_144a"):
        load_circuits(tmp_path)


def test_load_circuits_needs_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such circuits directory"):
        load_circuits(tmp_path / "nowhere")


@pytest.mark.parametrize("circuit_id", ["../pyproject", "KYC", "", "kyc adult", 3])
def test_get_circuit_refuses_bad_ids(circuit_id: Any) -> None:
    with pytest.raises(InvalidInputError, match="bad circuit id"):
        get_circuit(circuit_id)


def test_resolution_uses_the_verifiers_today_only() -> None:
    circuit = get_circuit("kyc_adult")
    day = date(2024, 5, 17)
    assert circuit.resolve(day) == circuit.resolve(day)
    assert circuit.resolve(day) != circuit.resolve(day + timedelta(days=1))


# ---------------------------------------------------------------------------
# The admission horizon
# ---------------------------------------------------------------------------


def test_a_horizon_raises_the_expiry_bound_and_nothing_else() -> None:
    circuit = get_circuit("kyc_adult")
    today = date(2026, 11, 21)
    plain = {p.attribute: p for p in circuit.resolve(today)}
    assert circuit.resolve(today, horizon_days=0) == circuit.resolve(today)
    raised = {p.attribute: p for p in circuit.resolve(today, horizon_days=30)}
    assert raised["expiry_date"] == ResolvedPredicate(
        "expiry_date", 16, ">=", (days(date(2026, 12, 21)),), 16
    )
    assert {k: v for k, v in raised.items() if k != "expiry_date"} == {
        k: v for k, v in plain.items() if k != "expiry_date"
    }


def test_a_horizon_is_a_floor_under_the_circuits_own_bound() -> None:
    """The bound is the later of the circuit's and today + horizon, for >= and between."""
    circuit = parse_circuit(
        HEAD
        + EXPIRY.replace('"today"', '"today + 60d"')
        + predicate("expiry_date", "between", '[2020-01-01, "today + 5y"]')
    )
    today = date(2026, 1, 1)
    for horizon, floor in [(0, today), (30, date(2026, 1, 31)), (90, date(2026, 4, 1))]:
        at_least, band = circuit.resolve(today, horizon_days=horizon)
        assert at_least.values == (days(max(floor, date(2026, 3, 2))),)
        assert band.values == (days(floor), days(date(2031, 1, 1)))


def test_a_horizon_past_a_between_is_an_empty_range() -> None:
    circuit = parse_circuit(
        HEAD + EXPIRY + predicate("expiry_date", "between", '[2020-01-01, "today + 10d"]')
    )
    circuit.resolve(date(2026, 1, 1), horizon_days=7)
    with pytest.raises(InvalidInputError, match="empty range"):
        circuit.resolve(date(2026, 1, 1), horizon_days=14)


@pytest.mark.parametrize("horizon", [-1, 366, True, "30", 30.0, None, 10, 29, 364])
def test_resolve_refuses_a_bad_horizon(horizon: Any) -> None:
    with pytest.raises(InvalidInputError, match="admission horizon must be"):
        get_circuit("kyc_adult").resolve(date(2026, 1, 1), horizon_days=horizon)


def test_a_horizon_past_the_last_encodable_date_is_refused() -> None:
    last = DATE_EPOCH + timedelta(days=2**16 - 1)
    circuit = get_circuit("kyc_adult")
    circuit.resolve(last)
    with pytest.raises(InvalidInputError, match=r"expiry_date >= today \+ 1 days.*is outside"):
        circuit.resolve(last, horizon_days=1)


# ---------------------------------------------------------------------------
# Parameter bounds
# ---------------------------------------------------------------------------


def test_every_shipped_parameter_declares_bounds() -> None:
    for circuit in load_builtin_circuits().values():
        assert [name for name, _ in circuit.params] == [name for name, *_ in circuit.param_bounds]
        for (_, value), (_, low, high) in zip(circuit.params, circuit.param_bounds, strict=True):
            assert low <= value <= high


def test_every_value_within_the_bounds_is_a_circuit() -> None:
    hashes = {
        get_circuit("kyc_adult", params={"majority_age": age}).circuit_hash
        for age in (18, 19, 20, 21)
    }
    assert len(hashes) == 4


def test_bounds_are_hashed() -> None:
    narrow = parse_circuit(HEAD + param("age", 18, 18, 21) + EXPIRY + AGE)
    wide = parse_circuit(HEAD + param("age", 18, 0, 99) + EXPIRY + AGE)
    assert narrow.params == wide.params
    assert narrow.circuit_hash != wide.circuit_hash


def test_direct_construction_needs_bounds_for_every_parameter() -> None:
    expiry = Predicate("expiry_date", ">=", RelativeDate(1, 0, "d"))
    age = Predicate("birth_date", "<=", RelativeDate(-1, "age", "y"))
    ok = Circuit.single(
        "direct", 1, INVESTOR_V1, "d", (), (expiry, age), (("age", 18),), (("age", 18, 21),)
    )
    assert ok.param_bounds == (("age", 18, 21),)
    with pytest.raises(InvalidInputError, match="params: age has no declared bounds"):
        Circuit.single("direct", 1, INVESTOR_V1, "d", (), (expiry, age), (("age", 18),))
    with pytest.raises(InvalidInputError, match="param_bounds: bounds for undeclared parameter x"):
        Circuit.single(
            "direct",
            1,
            INVESTOR_V1,
            "d",
            (),
            (expiry, age),
            (("age", 18),),
            (("age", 18, 21), ("x", 0, 1)),
        )
    with pytest.raises(InvalidInputError, match="age = 30 is outside its declared bounds 18 to 21"):
        Circuit.single(
            "direct", 1, INVESTOR_V1, "d", (), (expiry, age), (("age", 30),), (("age", 18, 21),)
        )


def test_each_attribute_type_declares_its_operators_in_one_place() -> None:
    from zkattest.circuits import OPERATORS
    from zkattest.schema import AttributeType, BoolType, DateType, EnumType, TextType, UIntType

    for attribute_type in (UIntType, DateType, EnumType, BoolType, TextType):
        assert issubclass(attribute_type, AttributeType)
        assert set(attribute_type.operators) <= set(OPERATORS), attribute_type.kind
        # the range operators exactly where the encoding keeps the order
        ranges = {">=", "<=", "between"}
        assert (ranges <= set(attribute_type.operators)) is attribute_type.orderable
        assert not (ranges & set(attribute_type.operators)) or attribute_type.orderable
    assert TextType.operators == ()
    assert BoolType.operators == ("==", "!=")
