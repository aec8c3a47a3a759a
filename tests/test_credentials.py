"""Issuer keys and credentials: issuance, the holder's check, canonical JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import sample_attributes
from zkattest import (
    Credential,
    IssuerPublicKey,
    IssuerSecretKey,
    accept_credential,
    issue_credential,
)
from zkattest.errors import DecodeError, IssuanceError, VerificationError
from zkattest.hazmat import bbs
from zkattest.hazmat.curve import Backend
from zkattest.schema import get_schema

SCHEMA = get_schema("investor/v1")


@pytest.fixture(scope="module")
def issuer() -> IssuerSecretKey:
    return IssuerSecretKey.generate()


def test_issue_accept_round_trip(issuer: IssuerSecretKey, backend: Backend) -> None:
    credential = issue_credential(issuer, SCHEMA, sample_attributes())
    credential.verify()
    text = credential.to_json()
    accepted = accept_credential(text, issuer.public_key())
    assert accepted == credential
    assert accepted.to_json() == text
    assert json.loads(text)["attributes"]["birth_date"] == "1987-03-14"


def test_shake_suite_credentials(backend: Backend) -> None:
    issuer = IssuerSecretKey.generate(bbs.BLS12_381_SHAKE_256)
    credential = issue_credential(issuer, SCHEMA, sample_attributes())
    accept_credential(credential.to_json(), issuer.public_key())


def test_keys_round_trip_and_secret_is_redacted(issuer: IssuerSecretKey) -> None:
    public = issuer.public_key()
    assert IssuerPublicKey.from_json(public.to_json()) == public
    restored = IssuerSecretKey.from_json(issuer.to_json_secret())
    assert restored == issuer
    secret_hex = json.loads(issuer.to_json_secret())["secret_key"]
    assert secret_hex not in repr(issuer)
    assert "redacted" in repr(issuer)
    assert "Lovelace" not in repr(issue_credential(issuer, SCHEMA, sample_attributes()))


@pytest.mark.parametrize(
    "overrides",
    [
        {"net_worth_usd": -1},
        {"net_worth_usd": 2**48},
        {"net_worth_usd": 1.5},
        {"net_worth_usd": "1000"},
        {"birth_date": "2023-02-30"},
        {"birth_date": "14/03/1987"},
        {"country": "XX"},
        {"investor_type": "robot"},
        {"kyc_level": 4},
        {"licence_series_7": "yes"},
        {"favourite_colour": "blue"},
    ],
)
def test_bad_issuer_input_is_refused(issuer: IssuerSecretKey, overrides: dict[str, object]) -> None:
    with pytest.raises(IssuanceError):
        issue_credential(issuer, SCHEMA, sample_attributes(**overrides))


def test_missing_attribute_is_refused(issuer: IssuerSecretKey) -> None:
    attributes = sample_attributes()
    del attributes["expiry_date"]
    with pytest.raises(IssuanceError, match="expiry_date"):
        issue_credential(issuer, SCHEMA, attributes)


def test_holder_refuses_tampered_or_untrusted_credentials(issuer: IssuerSecretKey) -> None:
    credential = issue_credential(issuer, SCHEMA, sample_attributes())
    doc = json.loads(credential.to_json())
    doc["attributes"]["net_worth_usd"] = 9_999_999
    with pytest.raises(VerificationError):
        accept_credential(json.dumps(doc), issuer.public_key())
    other = IssuerSecretKey.generate()
    with pytest.raises(VerificationError):
        accept_credential(credential.to_json(), other.public_key())


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(version=2),
        lambda d: d.update(version=True),  # not 1 in disguise
        lambda d: d.update(type="zkattest/presentation"),
        lambda d: d.update(signature="00" * 79),
        lambda d: d.update(signature="XY" * 80),
        lambda d: d.update(schema="investor/v9"),
        lambda d: d.update(extra=1),
        lambda d: d["issuer"].update(key_id="00" * 16),
        lambda d: d["issuer"].update(public_key="00" * 96),
        lambda d: d["attributes"].update(net_worth_usd=1.0e6),
        lambda d: d.pop("attributes"),
    ],
)
def test_malformed_credential_json_is_a_decode_error(
    issuer: IssuerSecretKey, mutate: object
) -> None:
    doc = json.loads(issue_credential(issuer, SCHEMA, sample_attributes()).to_json())
    mutate(doc)  # type: ignore[operator]
    with pytest.raises(DecodeError):
        Credential.from_json(json.dumps(doc))


@pytest.mark.parametrize("text", ["", "[]", "{", "null", '{"type": 1}', "\ud800", b"\xff\xfe"])
def test_garbage_is_a_decode_error(text: str | bytes) -> None:
    with pytest.raises(DecodeError):
        Credential.from_json(text)


# -- the validity period -----------------------------------------------------------------

ISSUED, EXPIRES = dt.date(2026, 1, 15), dt.date(2046, 1, 15)  # sample_attributes()


@pytest.mark.parametrize("today", [ISSUED, dt.date(2030, 6, 1), EXPIRES])
def test_a_credential_valid_today_is_issued(issuer: IssuerSecretKey, today: dt.date) -> None:
    credential = issue_credential(issuer, SCHEMA, sample_attributes(), today=today)
    assert (credential.valid_from, credential.valid_through) == (ISSUED, EXPIRES)


@pytest.mark.parametrize(
    ("today", "message"),
    [
        (
            EXPIRES + dt.timedelta(days=1),
            "expiry_date (2046-01-15) is before today (2046-01-16, UTC): "
            "the credential would already be expired",
        ),
        (
            ISSUED - dt.timedelta(days=1),
            "issuance_date (2026-01-15) is after today (2026-01-14, UTC): "
            "the credential would not be valid yet",
        ),
    ],
)
def test_a_credential_not_valid_today_is_refused(
    issuer: IssuerSecretKey, today: dt.date, message: str
) -> None:
    with pytest.raises(IssuanceError) as caught:
        issue_credential(issuer, SCHEMA, sample_attributes(), today=today)
    assert str(caught.value) == message


def test_today_defaults_to_the_current_utc_date(issuer: IssuerSecretKey) -> None:
    today = dt.datetime.now(dt.UTC).date()
    two_days_ago = (today - dt.timedelta(days=2)).isoformat()
    in_two_days = (today + dt.timedelta(days=2)).isoformat()
    expired = sample_attributes(issuance_date="2020-01-01", expiry_date=two_days_ago)
    with pytest.raises(IssuanceError, match=rf"^expiry_date \({two_days_ago}\) is before today"):
        issue_credential(issuer, SCHEMA, expired)
    future = sample_attributes(issuance_date=in_two_days)
    with pytest.raises(IssuanceError, match=rf"^issuance_date \({in_two_days}\) is after today"):
        issue_credential(issuer, SCHEMA, future)


def test_expiry_before_issuance_is_refused(issuer: IssuerSecretKey) -> None:
    attributes = sample_attributes(issuance_date="2026-01-15", expiry_date="2026-01-14")
    with pytest.raises(
        IssuanceError, match=r"^issuance_date \(2026-01-15\) must not be after expiry_date"
    ):
        issue_credential(issuer, SCHEMA, attributes, today=dt.date(2026, 1, 14))


@pytest.mark.parametrize("today", ["2026-06-01", dt.datetime(2026, 6, 1, tzinfo=dt.UTC)])
def test_today_must_be_a_date(issuer: IssuerSecretKey, today: object) -> None:
    with pytest.raises(IssuanceError, match=r"^today must be a datetime\.date$"):
        issue_credential(issuer, SCHEMA, sample_attributes(), today=today)  # type: ignore[arg-type]


def test_the_holder_may_accept_an_expired_credential(issuer: IssuerSecretKey) -> None:
    """Expiry is proven to verifiers (every circuit has expiry_date >= today); the
    holder's check on receipt is of signature and issuer only."""
    attributes = sample_attributes(issuance_date="2024-01-01", expiry_date="2025-01-01")
    credential = issue_credential(issuer, SCHEMA, attributes, today=dt.date(2024, 1, 1))
    accepted = accept_credential(credential.to_json(), issuer.public_key())
    assert accepted.valid_through == dt.date(2025, 1, 1)


def test_an_untrusted_issuer_is_reported_as_such(issuer: IssuerSecretKey) -> None:
    credential = issue_credential(issuer, SCHEMA, sample_attributes())
    with pytest.raises(VerificationError) as caught:
        accept_credential(credential.to_json(), IssuerSecretKey.generate().public_key())
    assert caught.value.reason == "untrusted_issuer"


# -- JSON errors name the position -------------------------------------------------------


def test_invalid_json_is_reported_with_its_line_and_column() -> None:
    with pytest.raises(DecodeError) as caught:
        Credential.from_json('{\n  "type": "zkattest/credential",\n  "version": 1\n  "x": 2\n}')
    assert str(caught.value) == "not valid JSON: Expecting ',' delimiter at line 4 column 3"


def test_a_float_is_refused_by_name() -> None:
    with pytest.raises(DecodeError) as caught:
        Credential.from_json('{"type": "zkattest/credential", "version": 1.0}')
    assert str(caught.value) == "not valid JSON: floating-point numbers are not accepted"
