"""accreditation/v1: a third-party verifier's Rule 501(a) letter, bound to the holder."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import bound_credential
from zkattest import HolderSecret, IssuerSecretKey, issue_credential
from zkattest.errors import IssuanceError
from zkattest.hazmat.bbs import BLS12_381_SHA_256
from zkattest.schema import ACCREDITATION_V1, DEFAULT_SCHEMAS, INVESTOR_V1, get_schema

TODAY = dt.date(2026, 11, 21)


def letter(**overrides: object) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "holder_ref": "client-4711",
        "accreditation_basis": "net_worth",
        "verifier_kind": "cpa",
        "verified_date": "2026-11-02",
        "issuance_date": "2026-11-03",
        "expiry_date": "2027-01-31",
    }
    attributes.update(overrides)
    return attributes


def test_the_schema_is_built_in_with_a_stable_layout() -> None:
    assert get_schema("accreditation/v1") is ACCREDITATION_V1
    assert DEFAULT_SCHEMAS.ids() == ["accreditation/v1", "investor/v1"]
    assert ACCREDITATION_V1.names == (
        "holder_ref",
        "accreditation_basis",
        "verifier_kind",
        "verified_date",
        "issuance_date",
        "expiry_date",
    )
    # the Rule 501(a) prongs are investor/v1's table: one meaning for one code
    assert (
        ACCREDITATION_V1.attribute("accreditation_basis").type
        == INVESTOR_V1.attribute("accreditation_basis").type
    )
    kinds = dict(ACCREDITATION_V1.attribute("verifier_kind").type.values)  # type: ignore[attr-defined]
    assert kinds == {
        "cpa": 1,
        "attorney": 2,
        "broker_dealer": 3,
        "investment_adviser": 4,
        "verification_service": 5,
    }
    assert ACCREDITATION_V1.schema_hash != INVESTOR_V1.schema_hash


def test_encoding_follows_investor_v1() -> None:
    normalized = ACCREDITATION_V1.normalize(letter())
    scalars = ACCREDITATION_V1.encode(normalized, BLS12_381_SHA_256)
    assert len(scalars) == 6
    assert scalars[2] == 1  # cpa
    assert scalars[1] == 1  # net_worth, as in investor/v1
    # dates as days since the epoch, as in investor/v1
    date = INVESTOR_V1.attribute("issuance_date").type
    assert scalars[3] == date.date_to_scalar(dt.date(2026, 11, 2))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"verifier_kind": "notary"}, "verifier_kind"),
        ({"accreditation_basis": "vibes"}, "accreditation_basis"),
        ({"verified_date": "2026-11-04"}, "verified_date"),  # after issuance
        ({"expiry_date": "2026-11-01"}, "expiry_date"),  # before issuance
        ({"verified_date": "not a date"}, "verified_date"),
    ],
)
def test_bad_values_are_refused_naming_the_attribute(
    overrides: dict[str, object], named: str
) -> None:
    key = IssuerSecretKey.generate()
    with pytest.raises(IssuanceError, match=named):
        issue_credential(key, ACCREDITATION_V1, letter(**overrides), today=TODAY)
    missing = letter()
    del missing["verifier_kind"]
    with pytest.raises(IssuanceError, match="verifier_kind"):
        issue_credential(key, ACCREDITATION_V1, missing, today=TODAY)


def test_an_accreditation_letter_is_bound_to_the_holder_secret() -> None:
    key = IssuerSecretKey.generate()
    holder = HolderSecret.generate()
    credential = bound_credential(key, holder, letter(), today=TODAY, schema_id="accreditation/v1")
    assert credential.schema is ACCREDITATION_V1
    assert credential.bound
    credential.verify(holder)
    # the same holder secret as the holder's investor/v1 credential carries
    investor = bound_credential(IssuerSecretKey.generate(), holder)
    assert credential.signed_scalars(holder)[-2] == investor.signed_scalars(holder)[-2]
