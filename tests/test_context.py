"""Presentation context: validation and binding."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from eth_utils.address import to_checksum_address as eth_utils_checksum
from hypothesis import given
from hypothesis import strategies as st

from zkattest.context import PresentationContext, checksum_address, normalize_wallet_address
from zkattest.errors import InvalidInputError
from zkattest.hazmat import labels
from zkattest.hazmat.transcript import Transcript

# EIP-55's own examples
CHECKSUMMED = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


def context(**overrides: Any) -> PresentationContext:
    fields: dict[str, Any] = {
        "circuit_id": "kyc_adult",
        "circuit_hash": bytes(range(32)),
        "verifier_domain": "exchange.example",
        "nonce": b"n" * 32,
        "wallet_address": CHECKSUMMED[0],
        "chain_id": 1,
        "today": dt.date(2026, 11, 21),
    }
    fields.update(overrides)
    return PresentationContext(**fields)


@pytest.mark.parametrize("address", CHECKSUMMED)
def test_eip55_addresses_are_accepted_and_normalized(address: str) -> None:
    assert normalize_wallet_address(address) == address.lower()
    assert normalize_wallet_address(address.lower()) == address.lower()
    assert normalize_wallet_address("0x" + address[2:].upper()) == address.lower()


@pytest.mark.parametrize("address", CHECKSUMMED)
def test_checksum_address_reproduces_the_eip55_examples(address: str) -> None:
    assert checksum_address(address.lower()) == address
    assert checksum_address("0x" + address[2:].upper()) == address
    assert checksum_address(address) == address


@given(st.binary(min_size=20, max_size=20))
def test_checksum_address_agrees_with_eth_utils(raw: bytes) -> None:
    address = "0x" + raw.hex()
    assert checksum_address(address) == eth_utils_checksum(address)
    assert normalize_wallet_address(checksum_address(address)) == address


def test_checksum_address_refuses_what_normalize_refuses() -> None:
    with pytest.raises(InvalidInputError):
        checksum_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    with pytest.raises(InvalidInputError):
        checksum_address("0x1234")


@pytest.mark.parametrize(
    "bad",
    [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  # one letter's case flipped
        "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea",
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaedd",
        "0xzaaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        b"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\n",  # `$` alone would let it through
        None,
    ],
)
def test_bad_addresses_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInputError):
        normalize_wallet_address(bad)


@pytest.mark.parametrize(
    "overrides",
    [
        {"circuit_id": ""},
        {"circuit_hash": b"short"},
        {"verifier_domain": "Exchange.Example"},
        {"verifier_domain": "https://exchange.example"},
        {"verifier_domain": "exchange.example\n"},
        {"nonce": b"short"},
        {"chain_id": 0},
        {"chain_id": True},
        {"chain_id": 2**64},
        {"today": dt.datetime(2026, 11, 21, 12, 0)},
        {"today": "2026-11-21"},
        {"horizon_days": -1},
        {"horizon_days": 366},
        {"horizon_days": True},
        {"horizon_days": "30"},
    ],
)
def test_bad_context_fields_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError):
        context(**overrides)


def _challenge(ctx: PresentationContext) -> int:
    transcript = Transcript(b"test")
    ctx.bind(transcript)
    return transcript.challenge_scalar(labels.CHALLENGE)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("circuit_id", "kyc_adult_2"),
        ("circuit_hash", bytes(31) + b"\x01"),
        ("verifier_domain", "other.example"),
        ("nonce", b"m" * 32),
        ("wallet_address", CHECKSUMMED[1]),
        ("chain_id", 137),
        ("today", dt.date(2026, 11, 22)),
        ("horizon_days", 30),
    ],
)
def test_every_field_is_bound(field: str, value: object) -> None:
    base = context()
    assert _challenge(base) != _challenge(dataclasses.replace(base, **{field: value}))


def test_address_case_does_not_change_the_binding() -> None:
    assert _challenge(context()) == _challenge(context(wallet_address=CHECKSUMMED[0].lower()))


def test_one_parser_each_with_the_same_bounds_everywhere() -> None:
    """Library, settings, storage and API take chain ids and domains through
    zkattest.context's parsers: the same bound (2^53 - 1) and the same host rule."""
    from zkattest.context import MAX_CHAIN_ID, parse_chain_id, parse_verifier_domain
    from zkattest.service import schemas
    from zkattest.service.core import config
    from zkattest.service.storage import repository

    assert MAX_CHAIN_ID == 2**53 - 1
    assert parse_chain_id(MAX_CHAIN_ID) == MAX_CHAIN_ID
    for bad in (0, -1, MAX_CHAIN_ID + 1, 2**63, 2**64, True, 1.0, "1"):
        with pytest.raises(InvalidInputError, match="chain id"):
            parse_chain_id(bad)
    assert repository._chain_id is parse_chain_id
    assert repository._address is normalize_wallet_address
    field = schemas.ChallengeCreate.model_json_schema()["properties"]["chain_id"]
    assert field["maximum"] == MAX_CHAIN_ID

    for good in ("localhost", "exchange.example", "a-b.c9.example", "x" * 63 + ".example"):
        assert parse_verifier_domain(good) == good
        assert config.load_settings({"ZKATTEST_VERIFIER_DOMAIN": good}).verifier_domain == good
    for bad in (
        "exchange.example:443",
        "Exchange.example",
        "exchange..example",
        "-exchange.example",
        "exchange-.example",
        "x" * 64 + ".example",
        "exchange.example\n",
        "https://exchange.example",
        "",
    ):
        with pytest.raises(InvalidInputError, match="lower-case host name"):
            parse_verifier_domain(bad)
        with pytest.raises(config.ConfigError, match="ZKATTEST_VERIFIER_DOMAIN"):
            config.load_settings({"ZKATTEST_VERIFIER_DOMAIN": bad})


def test_the_horizon_is_bound_right_after_the_verifier_date() -> None:
    """Context order (docs/notes/transcript.md): ..., VERIFIER_DATE, ADMISSION_HORIZON."""
    ctx = context(horizon_days=30)
    expected = Transcript(b"test")
    expected.append_u64(labels.PROTOCOL_VERSION, 1)
    expected.append_message(labels.CIRCUIT_ID, b"kyc_adult")
    expected.append_message(labels.CIRCUIT_HASH, bytes(range(32)))
    expected.append_message(labels.VERIFIER_DOMAIN, b"exchange.example")
    expected.append_message(labels.NONCE, b"n" * 32)
    expected.append_message(labels.WALLET_ADDRESS, CHECKSUMMED[0].lower().encode())
    expected.append_u64(labels.CHAIN_ID, 1)
    expected.append_message(labels.VERIFIER_DATE, b"2026-11-21")
    expected.append_u64(labels.ADMISSION_HORIZON, 30)
    assert _challenge(ctx) == expected.challenge_scalar(labels.CHALLENGE)


def test_horizon_bounds() -> None:
    from zkattest.context import MAX_HORIZON_DAYS, parse_horizon_days

    assert MAX_HORIZON_DAYS == 365
    assert context().horizon_days == 0
    assert context(horizon_days=MAX_HORIZON_DAYS).horizon_days == MAX_HORIZON_DAYS
    assert parse_horizon_days(0) == 0
    for bad in (-1, MAX_HORIZON_DAYS + 1, True, 30.0, "30", None):
        with pytest.raises(InvalidInputError, match="admission horizon must be"):
            parse_horizon_days(bad)
