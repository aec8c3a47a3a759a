"""Typed attributes, the investor/v1 schema and its encoding to BBS scalars."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zkattest.errors import InvalidInputError, IssuanceError
from zkattest.hazmat.bbs import BLS12_381_SHA_256, BLS12_381_SHAKE_256
from zkattest.hazmat.curve import R
from zkattest.schema import (
    ACCREDITATION_V1,
    DATE_BITS,
    DATE_EPOCH,
    INVESTOR_V1,
    ISO_3166_1_NUMERIC,
    SCHEMAS,
    Attribute,
    BoolType,
    DateType,
    EnumType,
    Schema,
    TextType,
    UIntType,
    canonical_json,
    get_schema,
    text_to_scalar_dst,
    typed_api_id,
)

SUITES = [BLS12_381_SHA_256, BLS12_381_SHAKE_256]

# Pinned: changing the schema definition is a deliberate act (it changes every header).
INVESTOR_V1_HASH = "4e1e181ab08aaac80d6ed0d94fe7c6393947677529cd537aa7773cbd1f10399b"

ADA: dict[str, Any] = {
    "holder_ref": "cust-000123",
    "legal_name": "Ada Lovelace",
    "birth_date": "1990-12-10",
    "country": "GB",
    "investor_type": "individual",
    "net_worth_usd": 2_000_000,
    "annual_income_usd": 150_000,
    "total_assets_usd": 0,
    "securities_owned_usd": 0,
    "licence_series_7": False,
    "licence_series_65": True,
    "licence_series_82": False,
    "kyc_level": 3,
    "sanctions_screening": "clear",
    "accreditation_basis": "net_worth",
    "issuance_date": "2025-01-15",
    "expiry_date": "2026-01-15",
}

USD = UIntType(bits=48)
DATE = DateType()
MAX_DATE = DATE_EPOCH + timedelta(days=2**DATE_BITS - 1)
dates = st.dates(min_value=DATE_EPOCH, max_value=MAX_DATE)


def with_value(name: str, value: object) -> dict[str, Any]:
    return {**ADA, name: value}


# ---------------------------------------------------------------------------
# The typed interface identifiers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_typed_api_id_follows_the_draft_format(suite: Any) -> None:
    api_id = typed_api_id(suite)
    assert api_id == suite.ciphersuite_id + b"H2G_ZKATTEST-TYPED-V1_"
    assert api_id != suite.api_id  # not the draft's "H2G_HM2S_" interface
    # Read as ciphersuite_id || "H2G_" || ADD_INFO, ADD_INFO meets draft §6:
    # ASCII 0x21..0x7e, ending with an underscore that is its only one.
    add_info = api_id.removeprefix(suite.ciphersuite_id + b"H2G_")
    assert all(0x21 <= c <= 0x7E for c in add_info)
    assert add_info.endswith(b"_")
    assert add_info.count(b"_") == 1
    assert text_to_scalar_dst(suite) == api_id + b"MAP_TEXT_TO_SCALAR_AS_HASH_"
    assert len(text_to_scalar_dst(suite)) <= 255


def test_typed_api_id_rejects_a_non_suite() -> None:
    with pytest.raises(InvalidInputError, match="suite"):
        typed_api_id("BLS12-381-SHA-256")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_encode_a_credential(suite: Any) -> None:
    scalars = INVESTOR_V1.encode(ADA, suite)
    dst = text_to_scalar_dst(suite)
    assert scalars == [
        suite.hash_to_scalar(b"cust-000123", dst),
        suite.hash_to_scalar(b"Ada Lovelace", dst),
        (date(1990, 12, 10) - date(1900, 1, 1)).days,
        826,
        1,
        2_000_000,
        150_000,
        0,
        0,
        0,
        1,
        0,
        3,
        1,
        1,
        (date(2025, 1, 15) - date(1900, 1, 1)).days,
        (date(2026, 1, 15) - date(1900, 1, 1)).days,
    ]
    assert all(0 <= m < R for m in scalars)
    assert len(scalars) == len(INVESTOR_V1.attributes)


def test_schema_order_is_the_message_order() -> None:
    assert INVESTOR_V1.names[0] == "holder_ref"
    assert INVESTOR_V1.index("holder_ref") == 0
    assert INVESTOR_V1.index("country") == 3
    assert INVESTOR_V1.index("expiry_date") == len(INVESTOR_V1.attributes) - 1
    for i, name in enumerate(INVESTOR_V1.names):
        assert INVESTOR_V1.index(name) == i
        assert INVESTOR_V1.attribute(name) is INVESTOR_V1.attributes[i]


def test_encoding_does_not_depend_on_input_order() -> None:
    reversed_input = dict(reversed(list(ADA.items())))
    suite = BLS12_381_SHA_256
    assert INVESTOR_V1.encode(reversed_input, suite) == INVESTOR_V1.encode(ADA, suite)


@given(st.integers(0, 2**48 - 1), st.integers(0, 2**48 - 1))
def test_uint_encoding_preserves_order(a: int, b: int) -> None:
    attribute = INVESTOR_V1.attribute("net_worth_usd")
    ea, eb = (attribute.encode(v, BLS12_381_SHA_256) for v in (a, b))
    assert (a < b) == (ea < eb)
    assert (a == b) == (ea == eb)
    assert attribute.decode_scalar(ea) == a


@given(dates, dates)
def test_date_encoding_preserves_order(a: date, b: date) -> None:
    attribute = INVESTOR_V1.attribute("birth_date")
    ea, eb = (attribute.encode(v.isoformat(), BLS12_381_SHA_256) for v in (a, b))
    assert (a < b) == (ea < eb)
    assert (a == b) == (ea == eb)
    assert ea == (a - DATE_EPOCH).days
    assert attribute.decode_scalar(ea) == a.isoformat()
    assert attribute.encode(a, BLS12_381_SHA_256) == ea  # a date object encodes the same


def test_date_bounds() -> None:
    attribute = INVESTOR_V1.attribute("issuance_date")
    assert attribute.encode("1900-01-01", BLS12_381_SHA_256) == 0
    assert DATE.max_date == date(2079, 6, 6) == MAX_DATE
    assert attribute.encode(MAX_DATE.isoformat(), BLS12_381_SHA_256) == 2**16 - 1
    assert DATE.max_scalar == 2**16 - 1
    with pytest.raises(IssuanceError, match=r"issuance_date: 1899-12-31 is outside"):
        attribute.normalize("1899-12-31")
    with pytest.raises(
        IssuanceError, match=r"^expiry_date: 2079-06-07 is outside 1900-01-01 \.\. 2079-06-06$"
    ):
        INVESTOR_V1.attribute("expiry_date").normalize("2079-06-07")


def test_every_two_encodable_dates_are_within_a_date_range_proof() -> None:
    """The date span is what the range proofs on date differences can show:
    whatever the schema accepts, a circuit can prove."""
    from zkattest.circuits import DATE_RANGE_BITS

    assert DATE_BITS <= DATE_RANGE_BITS
    assert (MAX_DATE - DATE_EPOCH).days < 2**DATE_RANGE_BITS


@given(st.sampled_from(sorted(ISO_3166_1_NUMERIC)), st.sampled_from(sorted(ISO_3166_1_NUMERIC)))
def test_country_codes_are_injective_and_decode(a: str, b: str) -> None:
    attribute = INVESTOR_V1.attribute("country")
    ea, eb = (attribute.encode(v, BLS12_381_SHA_256) for v in (a, b))
    assert (a == b) == (ea == eb)
    assert attribute.decode_scalar(ea) == a


def test_iso_3166_table() -> None:
    assert len(ISO_3166_1_NUMERIC) == 249
    assert len(set(ISO_3166_1_NUMERIC.values())) == 249
    assert ISO_3166_1_NUMERIC["US"] == 840
    assert ISO_3166_1_NUMERIC["GB"] == 826
    assert ISO_3166_1_NUMERIC["DE"] == 276
    assert ISO_3166_1_NUMERIC["AQ"] == 10
    assert ISO_3166_1_NUMERIC["PR"] == 630
    assert all(len(k) == 2 and k.isascii() and k.isupper() for k in ISO_3166_1_NUMERIC)
    assert all(1 <= v <= 999 for v in ISO_3166_1_NUMERIC.values())
    country = INVESTOR_V1.attribute("country")
    assert country.encode("US", BLS12_381_SHA_256) == 840


def test_enum_codes() -> None:
    codes = {
        "investor_type": {"individual": 1, "entity": 2},
        "sanctions_screening": {"clear": 1, "hit": 2, "pending": 3},
    }
    for name, table in codes.items():
        attribute = INVESTOR_V1.attribute(name)
        for value, code in table.items():
            assert attribute.encode(value, BLS12_381_SHA_256) == code
            assert attribute.decode_scalar(code) == value
    basis = INVESTOR_V1.attribute("accreditation_basis")
    assert basis.encode("none", BLS12_381_SHA_256) == 0
    assert basis.encode("net_worth", BLS12_381_SHA_256) == 1
    assert basis.encode("income", BLS12_381_SHA_256) == 2


def test_bool_encoding() -> None:
    attribute = INVESTOR_V1.attribute("licence_series_7")
    assert attribute.encode(False, BLS12_381_SHA_256) == 0
    assert attribute.encode(True, BLS12_381_SHA_256) == 1
    assert attribute.decode_scalar(0) is False
    assert attribute.decode_scalar(1) is True


@given(st.text(min_size=1, max_size=64), st.text(min_size=1, max_size=64))
def test_text_hashing_is_injective(a: str, b: str) -> None:
    attribute = INVESTOR_V1.attribute("legal_name")
    ea, eb = (attribute.encode(v, BLS12_381_SHA_256) for v in (a, b))
    assert (a == b) == (ea == eb)
    assert 0 <= ea < R


def test_text_hash_is_separated_by_suite_and_interface() -> None:
    attribute = INVESTOR_V1.attribute("legal_name")
    sha = attribute.encode("Ada Lovelace", BLS12_381_SHA_256)
    shake = attribute.encode("Ada Lovelace", BLS12_381_SHAKE_256)
    assert sha != shake
    # Not the draft's map_to_scalar of the same octets (a different DST).
    draft = BLS12_381_SHA_256.hash_to_scalar(
        b"Ada Lovelace", BLS12_381_SHA_256.map_msg_to_scalar_dst
    )
    assert sha != draft
    # Hashed exactly as given: no normalisation.
    assert attribute.encode("Ada Lovelace ", BLS12_381_SHA_256) != sha
    assert attribute.encode("Ade\u0301", BLS12_381_SHA_256) != attribute.encode(
        "Ad\u00e9", BLS12_381_SHA_256
    )


def test_text_cannot_be_decoded() -> None:
    with pytest.raises(InvalidInputError, match="legal_name: text is hashed"):
        INVESTOR_V1.attribute("legal_name").decode_scalar(5)


@pytest.mark.parametrize(
    ("name", "scalar"),
    [
        ("net_worth_usd", 2**48),
        ("net_worth_usd", -1),
        ("birth_date", 2**16),
        ("country", 841),
        ("investor_type", 0),
        ("licence_series_7", 2),
        ("kyc_level", 4),
        ("kyc_level", True),
    ],
)
def test_decode_refuses_scalars_no_value_encodes_to(name: str, scalar: int) -> None:
    with pytest.raises(InvalidInputError, match=name):
        INVESTOR_V1.attribute(name).decode_scalar(scalar)


# ---------------------------------------------------------------------------
# Issuer input validation
# ---------------------------------------------------------------------------


def test_unknown_attribute_is_refused() -> None:
    with pytest.raises(IssuanceError, match=r"unknown attribute\(s\) accredited, nickname"):
        INVESTOR_V1.normalize({**ADA, "nickname": "Ada", "accredited": True})


def test_missing_attributes_are_all_listed() -> None:
    partial = {k: v for k, v in ADA.items() if k not in ("kyc_level", "country")}
    with pytest.raises(IssuanceError, match=r"missing attribute\(s\) country, kyc_level"):
        INVESTOR_V1.normalize(partial)


def test_unknown_and_missing_in_one_message() -> None:
    bad = {k: v for k, v in ADA.items() if k != "kyc_level"}
    bad["kyc"] = 2
    with pytest.raises(IssuanceError, match=r"unknown attribute\(s\) kyc; missing .* kyc_level"):
        INVESTOR_V1.normalize(bad)


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(IssuanceError, match="mapping"):
        INVESTOR_V1.normalize([("kyc_level", 2)])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("net_worth_usd", -1, r"net_worth_usd: must not be negative \(got -1\)"),
        ("net_worth_usd", 2**48, r"net_worth_usd: must be less than 2\^48"),
        ("net_worth_usd", 10**30, r"net_worth_usd: must be less than 2\^48"),
        ("net_worth_usd", 1.0, "net_worth_usd: must be an integer, not float"),
        ("net_worth_usd", "1000", "net_worth_usd: must be an integer, not str"),
        ("net_worth_usd", True, "net_worth_usd: must be an integer, not bool"),
        ("net_worth_usd", None, "net_worth_usd: must be an integer, not NoneType"),
        ("kyc_level", 4, r"kyc_level: must be less than 2\^2"),
        ("birth_date", "2023-02-30", "birth_date: 2023-02-30 is not a calendar date"),
        ("birth_date", "2023-02-29", "birth_date: 2023-02-29 is not a calendar date"),
        ("birth_date", "1990-13-01", "birth_date: 1990-13-01 is not a calendar date"),
        ("birth_date", "1990-1-5", "birth_date: must be an ISO date YYYY-MM-DD"),
        ("birth_date", "19901210", "birth_date: must be an ISO date YYYY-MM-DD"),
        ("birth_date", "1990-W50-1", "birth_date: must be an ISO date YYYY-MM-DD"),
        ("birth_date", "1990-12-10T00:00", "birth_date: must be an ISO date YYYY-MM-DD"),
        ("birth_date", " 1990-12-10", "birth_date: must be an ISO date YYYY-MM-DD"),
        ("birth_date", "١٩٩٠-١٢-١٠", "birth_date: must be an ISO date YYYY-MM-DD"),
        ("birth_date", datetime(1990, 12, 10), "birth_date: must be a date, not a datetime"),
        ("birth_date", 33215, "birth_date: must be an ISO date string, not int"),
        ("birth_date", "1850-01-01", "birth_date: 1850-01-01 is outside"),
        ("country", "USA", "country: 'USA' is not a known ISO 3166-1 alpha-2 value"),
        ("country", "us", "country: 'us' is not a known ISO 3166-1 alpha-2 value"),
        ("country", "XK", "country: 'XK' is not a known ISO 3166-1 alpha-2 value"),
        ("country", 840, r"country: must be a string \(ISO 3166-1 alpha-2\), not int"),
        ("investor_type", "trust", "investor_type: must be one of individual, entity"),
        ("sanctions_screening", "ok", "sanctions_screening: must be one of clear, hit, pending"),
        ("licence_series_7", 1, "licence_series_7: must be true or false, not int"),
        ("licence_series_7", "true", "licence_series_7: must be true or false, not str"),
        ("legal_name", "", "legal_name: must not be empty"),
        ("legal_name", 42, "legal_name: must be a string, not int"),
        ("legal_name", "x" * 1025, "legal_name: must be at most 1024 UTF-8 bytes"),
        ("legal_name", "é" * 513, "legal_name: must be at most 1024 UTF-8 bytes"),
        ("legal_name", "\ud800", "legal_name: is not valid Unicode text"),
    ],
)
def test_bad_values_are_refused(name: str, value: object, message: str) -> None:
    with pytest.raises(IssuanceError, match=message):
        INVESTOR_V1.normalize(with_value(name, value))
    with pytest.raises(IssuanceError, match=message):
        INVESTOR_V1.encode(with_value(name, value), BLS12_381_SHA_256)


def test_long_values_are_not_echoed_in_full() -> None:
    with pytest.raises(IssuanceError) as info:
        INVESTOR_V1.normalize(with_value("country", "Z" * 500))
    assert len(str(info.value)) < 120


def test_text_errors_do_not_echo_the_text() -> None:
    secret = "Ada Lovelace" * 100
    with pytest.raises(IssuanceError) as info:
        INVESTOR_V1.normalize(with_value("legal_name", secret))
    assert "Ada" not in str(info.value)


def test_text_at_the_size_limit_is_accepted() -> None:
    INVESTOR_V1.normalize(with_value("legal_name", "x" * 1024))
    INVESTOR_V1.normalize(with_value("legal_name", "é" * 512))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"expiry_date": "2025-01-14"}, r"issuance_date \(2025-01-15\) must not be after expiry"),
        ({"birth_date": "2025-01-16"}, r"birth_date \(2025-01-16\) must not be after issuance"),
    ],
)
def test_dates_in_an_impossible_order_are_refused(changes: dict[str, str], message: str) -> None:
    with pytest.raises(IssuanceError, match=message):
        INVESTOR_V1.normalize({**ADA, **changes})


def test_issued_and_expiring_on_one_day_is_accepted() -> None:
    INVESTOR_V1.normalize({**ADA, "expiry_date": ADA["issuance_date"]})


def test_encode_rejects_a_non_suite() -> None:
    with pytest.raises(InvalidInputError, match="suite"):
        INVESTOR_V1.encode(ADA, None)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# normalize()
# ---------------------------------------------------------------------------


def test_normalize_gives_canonical_json_values() -> None:
    values = INVESTOR_V1.normalize({**ADA, "birth_date": date(1990, 12, 10)})
    assert list(values) == list(INVESTOR_V1.names)
    assert values["birth_date"] == "1990-12-10"
    assert values == {name: ADA[name] for name in INVESTOR_V1.names}
    # JSON round trip, and normalising twice changes nothing.
    again = INVESTOR_V1.normalize(json.loads(json.dumps(values)))
    assert again == values
    assert INVESTOR_V1.encode(values, BLS12_381_SHA_256) == INVESTOR_V1.encode(
        ADA, BLS12_381_SHA_256
    )


def test_decode_inverts_encode_for_every_non_text_attribute() -> None:
    scalars = INVESTOR_V1.encode(ADA, BLS12_381_SHA_256)
    values = INVESTOR_V1.normalize(ADA)
    for attribute, scalar in zip(INVESTOR_V1.attributes, scalars, strict=True):
        if not isinstance(attribute.type, TextType):
            assert attribute.decode_scalar(scalar) == values[attribute.name]


# ---------------------------------------------------------------------------
# Schema hash and header
# ---------------------------------------------------------------------------


def test_schema_hash_is_pinned() -> None:
    assert INVESTOR_V1.schema_hash.hex() == INVESTOR_V1_HASH


def test_schema_hash_follows_the_documented_rule() -> None:
    # docs/notes/encoding.md: SHA-256 of json.dumps(definition, sort_keys=True,
    # separators=(",", ":"), ensure_ascii=False) in UTF-8; descriptions excluded.
    usd = {"kind": "uint", "bits": 48}
    day = {"kind": "date", "epoch": "1900-01-01", "bits": 16}
    flag = {"kind": "bool"}
    text = {"kind": "text", "max_bytes": 1024}

    def enum(name: str, values: dict[str, int]) -> dict[str, object]:
        return {"kind": "enum", "name": name, "values": values}

    basis = [
        "none",
        "net_worth",
        "income",
        "professional_licence",
        "regulated_entity",
        "entity_assets",
        "entity_investments",
        "all_owners_accredited",
        "family_office",
    ]
    attributes = [
        ("holder_ref", text),
        ("legal_name", text),
        ("birth_date", day),
        ("country", enum("ISO 3166-1 alpha-2", dict(ISO_3166_1_NUMERIC))),
        ("investor_type", enum("investor type", {"individual": 1, "entity": 2})),
        ("net_worth_usd", usd),
        ("annual_income_usd", usd),
        ("total_assets_usd", usd),
        ("securities_owned_usd", usd),
        ("licence_series_7", flag),
        ("licence_series_65", flag),
        ("licence_series_82", flag),
        ("kyc_level", {"kind": "uint", "bits": 2}),
        ("sanctions_screening", enum("sanctions screening", {"clear": 1, "hit": 2, "pending": 3})),
        ("accreditation_basis", enum("accreditation basis", {v: i for i, v in enumerate(basis)})),
        ("issuance_date", day),
        ("expiry_date", day),
    ]
    definition = {
        "format": "zkattest/schema/v1",
        "id": "investor/v1",
        "version": 1,
        "attributes": [{"name": n, "type": t} for n, t in attributes],
        "date_order": [["birth_date", "issuance_date"], ["issuance_date", "expiry_date"]],
    }
    text_form = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert INVESTOR_V1.canonical_json() == text_form.encode("utf-8")
    assert hashlib.sha256(text_form.encode("utf-8")).hexdigest() == INVESTOR_V1_HASH


def test_descriptions_are_not_hashed_but_types_are() -> None:
    a = Schema("demo/v1", 1, (Attribute("n", USD, "one"),))
    b = Schema("demo/v1", 1, (Attribute("n", USD, "another"),), description="x")
    c = Schema("demo/v1", 1, (Attribute("n", UIntType(bits=47), "one"),))
    d = Schema("demo/v2", 2, (Attribute("n", USD, "one"),))
    assert a.schema_hash == b.schema_hash
    assert len({a.schema_hash, c.schema_hash, d.schema_hash}) == 3


def test_header_names_the_schema_and_nothing_personal() -> None:
    header = INVESTOR_V1.header
    assert header == f"zkattest/credential/v1;schema=investor/v1;sha256={INVESTOR_V1_HASH}".encode()
    assert header.isascii()
    # A property of the schema alone: every credential of the schema has it.
    assert b"Ada" not in header


def test_canonical_json_rejects_floats_and_sorts_keys() -> None:
    assert canonical_json({"b": [1, "é"], "a": True}) == '{"a":true,"b":[1,"é"]}'.encode()
    with pytest.raises(InvalidInputError, match="floating-point"):
        canonical_json({"a": [1.5]})


# ---------------------------------------------------------------------------
# Registry and construction
# ---------------------------------------------------------------------------


def test_registry() -> None:
    assert get_schema("investor/v1") is INVESTOR_V1
    assert SCHEMAS == {"accreditation/v1": ACCREDITATION_V1, "investor/v1": INVESTOR_V1}
    assert INVESTOR_V1.version == 1
    with pytest.raises(InvalidInputError, match="unknown schema 'investor/v2'"):
        get_schema("investor/v2")
    with pytest.raises(InvalidInputError, match="unknown schema"):
        get_schema(None)  # type: ignore[arg-type]


def test_unknown_attribute_name_has_no_index() -> None:
    with pytest.raises(InvalidInputError, match="no attribute 'age'"):
        INVESTOR_V1.index("age")


def test_attribute_descriptions_are_present() -> None:
    for attribute in INVESTOR_V1.attributes:
        assert attribute.description


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Schema("investor", 1, (Attribute("n", USD, ""),)), "must be <family>/v<version>"),
        (lambda: Schema("investor/v2", 1, (Attribute("n", USD, ""),)), "<family>/v<version>"),
        (lambda: Schema("x/v1", 1, ()), "has no attributes"),
        (
            lambda: Schema("x/v1", 1, (Attribute("n", USD, ""), Attribute("n", DATE, ""))),
            "names an attribute twice",
        ),
        (
            lambda: Schema("x/v1", 1, (Attribute("n", USD, ""),), date_order=(("n", "m"),)),
            "cannot order",
        ),
        (
            lambda: Schema(
                "x/v1",
                1,
                (Attribute("n", USD, ""), Attribute("d", DATE, "")),
                date_order=(("n", "d"),),
            ),
            "cannot order",
        ),
        (lambda: Attribute("Bad-Name", USD, ""), "must match"),
        (lambda: Attribute("n", "uint", ""), "must be an AttributeType"),  # type: ignore[arg-type]
        (lambda: UIntType(bits=0), "bits"),
        (lambda: UIntType(bits=65), "bits"),
        (lambda: EnumType("e", ()), "unique"),
        (lambda: EnumType("e", (("a", 1), ("b", 1))), "unique"),
        (lambda: EnumType("e", (("a", 1), ("a", 2))), "unique"),
        (lambda: EnumType("e", (("a", -1),)), r"codes must be in \[0, 2\^16\)"),
        (lambda: EnumType("e", (("a", 2**16),)), r"codes must be in \[0, 2\^16\)"),
    ],
)
def test_bad_schema_definitions_are_refused(build: Any, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        build()


def test_types_are_values() -> None:
    assert UIntType(bits=48) == USD
    assert hash(UIntType(bits=48)) == hash(USD)
    assert BoolType() == BoolType()
    assert EnumType("e", (("a", 1),)) == EnumType("e", (("a", 1),))
