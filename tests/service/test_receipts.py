"""Admission receipts, checked with independent libraries.

The JWS is verified with PyJWT against the JWKS; the EIP-712 digest is
recomputed with eth-account's ``encode_typed_data`` and the signer recovered
with ``Account.recover_message``, as a wallet or a contract would.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import errno
import hashlib
import json
import logging
import os
import stat
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_keys.constants import SECPK1_N
from eth_utils.crypto import keccak
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.conftest import sample_attributes
from zkattest.errors import DecodeError, InvalidInputError, PolicyError
from zkattest.schema import canonical_json
from zkattest.service.receipts import (
    ADMISSION_TYPE,
    ADMISSION_TYPEHASH,
    EIP712_DOMAIN_TYPE,
    SECP256K1_N,
    AdmissionTypedData,
    ReceiptKeys,
    admission_claims,
)

WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"  # an EIP-55 test address
CONTRACT = "0x8617E340B3D01FA5F11F306F4090FD50E238070D"
CIRCUIT_HASH = hashlib.sha256(b"kyc_adult circuit").digest()
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
EXPIRES = NOW + dt.timedelta(days=30)
TYPED_DATA_KEYS = ("domain", "types", "primaryType", "message")
ADMISSION_ID = "3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f"

# RFC 8037 Appendix A.1 (Ed25519 private key) and A.3 (its RFC 7638 thumbprint).
RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

_HYPOTHESIS_KEYS = ReceiptKeys.generate()  # hypothesis tests cannot take function fixtures


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture(scope="module")
def keys() -> ReceiptKeys:
    return ReceiptKeys.generate()


def claims(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "issuer": "verifier.example.com",
        "audience": "exchange.example",
        "wallet_address": WALLET,
        "chain_id": 1,
        "circuit_id": "kyc_adult",
        "circuit_hash": CIRCUIT_HASH,
        "issued_at": NOW,
        "expires_at": EXPIRES,
        "admission_id": ADMISSION_ID,
        "proof": b'{"type":"zkattest/presentation"}',
    }
    arguments.update(overrides)
    return admission_claims(**arguments)


def typed(signed: dict[str, Any]) -> dict[str, Any]:
    """The typed-data part of a signed receipt, exactly what a wallet library is given."""
    return {key: signed[key] for key in TYPED_DATA_KEYS}


def recover(typed_data: dict[str, Any], signature: str) -> str:
    address: str = Account.recover_message(
        encode_typed_data(full_message=typed_data), signature=signature
    )
    return address


def eth_account_digest(typed_data: dict[str, Any]) -> bytes:
    signable = encode_typed_data(full_message=typed_data)
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def key_file(path: Path, **fields: Any) -> Path:
    document: dict[str, Any] = {
        "type": "zkattest/receipt-keys",
        "version": 1,
        "ed25519": "11" * 32,
        "secp256k1": "22" * 32,
    }
    document.update(fields)
    document = {k: v for k, v in document.items() if v is not None}
    path.write_text(json.dumps(document))
    path.chmod(0o600)
    return path


# --- key file -----------------------------------------------------------------


def test_key_file_created_0600_then_reloaded_identical(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state" / "keys" / "receipt-keys.json"
    with caplog.at_level(logging.DEBUG, logger="zkattest.service.receipts"):
        first = ReceiptKeys.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    document = json.loads(path.read_text())
    assert set(document) == {"type", "version", "ed25519", "secp256k1"}
    assert document["type"] == "zkattest/receipt-keys"
    assert document["version"] == 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["receipt-keys.json"]  # no temp left
    assert first.kid in caplog.text
    assert document["ed25519"] not in caplog.text
    assert document["secp256k1"] not in caplog.text

    second = ReceiptKeys.load_or_create(path)
    assert second.kid == first.kid
    assert second.verifier_address == first.verifier_address
    assert second == first
    assert hash(second) == hash(first)
    assert second != ReceiptKeys.generate()


def test_existing_key_file_is_never_replaced(tmp_path: Path) -> None:
    path = key_file(tmp_path / "keys.json")
    before = path.read_bytes()
    loaded = ReceiptKeys.load_or_create(path)
    assert loaded == ReceiptKeys(bytes([0x11]) * 32, bytes([0x22]) * 32)
    # A process that lost the race to create the file adopts the winner's keys.
    assert ReceiptKeys._create(path) == loaded
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys.json"]


def test_secp256k1_order_matches_eth_keys() -> None:
    assert SECP256K1_N == SECPK1_N


def test_to_json_secret_round_trips(keys: ReceiptKeys) -> None:
    again = ReceiptKeys.from_json(keys.to_json_secret())
    assert again == keys
    assert again.kid == keys.kid


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON"),
        (b"not json", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "expected a JSON object"),
        (b'{"type": "zkattest/issuer-secret-key", "version": 1}', "receipt-keys"),
        (b'{"ed25519": 1.5}', "not valid JSON"),
        (b" " * 5000, "too large"),
    ],
)
def test_malformed_key_file_is_a_decode_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "keys.json"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(DecodeError, match=message) as caught:
        ReceiptKeys.load_or_create(path)
    assert str(path) in str(caught.value)
    assert caught.value.__cause__ is None
    assert path.read_bytes() == content  # left alone, not regenerated


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"version": 2}, "unsupported version"),
        ({"secp256k1": None}, r"missing fields \['secp256k1'\]"),
        ({"extra": "x"}, r"unknown fields \['extra'\]"),
        ({"ed25519": "11" * 31}, "must be 32 bytes"),
        ({"ed25519": "AB" * 32}, "lower-case hex"),
        ({"ed25519": "zz" * 32}, "not valid hex"),
        ({"ed25519": 17}, "hex string"),
        ({"secp256k1": "00" * 32}, "scalar from 1 to n - 1"),
        ({"secp256k1": f"{SECPK1_N:064x}"}, "scalar from 1 to n - 1"),
        ({"secp256k1": "ff" * 32}, "scalar from 1 to n - 1"),
    ],
)
def test_invalid_key_file_fields_are_decode_errors(
    tmp_path: Path, fields: dict[str, Any], message: str
) -> None:
    path = key_file(tmp_path / "keys.json", **fields)
    with pytest.raises(DecodeError, match=message) as caught:
        ReceiptKeys.load_or_create(path)
    assert "11" * 32 not in str(caught.value)
    assert "22" * 32 not in str(caught.value)


def test_group_writable_key_file_is_refused(tmp_path: Path) -> None:
    path = key_file(tmp_path / "keys.json")
    path.chmod(0o620)
    with pytest.raises(PolicyError, match="writable by group or others"):
        ReceiptKeys.load_or_create(path)
    path.chmod(0o602)
    with pytest.raises(PolicyError, match="chmod 600"):
        ReceiptKeys.load_or_create(path)


def test_group_readable_key_file_loads_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = key_file(tmp_path / "keys.json")
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="zkattest.service.receipts"):
        ReceiptKeys.load_or_create(path)
    assert "readable by group or others" in caplog.text
    assert "11" * 32 not in caplog.text
    assert "22" * 32 not in caplog.text


def test_unusable_key_paths_are_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="not a regular file"):
        ReceiptKeys.load_or_create(tmp_path)
    with pytest.raises(InvalidInputError, match="file system path"):
        ReceiptKeys.load_or_create(f"{tmp_path}/keys\x00.json")
    with pytest.raises(InvalidInputError, match="file system path"):
        ReceiptKeys.load_or_create(42)  # type: ignore[arg-type]
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InvalidInputError, match="cannot"):
        ReceiptKeys.load_or_create(blocker / "keys.json")


def test_unreadable_key_file_is_invalid_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = key_file(tmp_path / "keys.json")
    real_open = os.open

    def refuse(file: Any, flags: int, mode: int = 0o777) -> int:
        if Path(file) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, flags, mode)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(InvalidInputError, match=r"cannot open .*: Permission denied") as caught:
        ReceiptKeys.load_or_create(path)
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    ("ed25519", "secp256k1"),
    [(b"\x11" * 31, b"\x22" * 32), (b"\x11" * 32, b"\x22" * 33), ("11" * 32, b"\x22" * 32)],
)
def test_constructor_checks_lengths(ed25519: Any, secp256k1: Any) -> None:
    with pytest.raises(InvalidInputError):
        ReceiptKeys(ed25519, secp256k1)


def test_repr_and_errors_show_no_secret(keys: ReceiptKeys) -> None:
    secrets = json.loads(keys.to_json_secret())
    for text in (repr(keys), str(keys), f"{keys!r}", repr([keys])):
        assert secrets["ed25519"] not in text
        assert secrets["secp256k1"] not in text
        assert "<redacted>" in text
    assert keys.kid in repr(keys)
    assert not hasattr(keys, "__dict__")


# --- JWKS and JWS -----------------------------------------------------------------


def test_kid_is_the_rfc7638_thumbprint() -> None:
    """RFC 8037 Appendix A.3: the thumbprint of the A.1 key."""
    keys = ReceiptKeys(b64url_decode(RFC8037_D), b"\x22" * 32)
    assert keys.kid == RFC8037_THUMBPRINT
    assert keys.jwks() == {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": RFC8037_X,
                "kid": RFC8037_THUMBPRINT,
                "alg": "EdDSA",
                "use": "sig",
            }
        ]
    }


def test_jws_verifies_with_pyjwt_against_the_jwks(keys: ReceiptKeys) -> None:
    payload = claims()
    token = keys.sign_jws(payload)
    jwks = json.loads(json.dumps(keys.jwks()))  # as served over HTTP
    key = jwt.PyJWK(jwks["keys"][0])
    decoded = jwt.decode(
        token,
        key,
        algorithms=["EdDSA"],
        issuer="verifier.example.com",
        audience="exchange.example",
        options={"require": ["iss", "sub", "iat", "exp", "jti"]},
    )
    assert decoded == payload
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "kid": keys.kid, "typ": "JWT"}
    header, body, signature = token.split(".")
    assert "=" not in token
    assert (
        b64url_decode(header) == b'{"alg":"EdDSA","kid":"' + keys.kid.encode() + b'","typ":"JWT"}'
    )
    assert b64url_decode(body) == canonical_json(payload)
    assert len(b64url_decode(signature)) == 64


def test_jws_signed_by_another_key_is_rejected(keys: ReceiptKeys) -> None:
    other = ReceiptKeys.generate()
    token = other.sign_jws(claims())
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, jwt.PyJWK(keys.jwks()["keys"][0]), algorithms=["EdDSA"])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sub", "0x" + "00" * 20),
        ("chain_id", 137),
        ("circuit_hash", "0x" + "00" * 32),
        ("exp", 2**40),
        ("jti", "adm_other"),
    ],
)
def test_tampered_jws_payload_is_rejected(keys: ReceiptKeys, field: str, value: Any) -> None:
    token = keys.sign_jws(claims())
    header, body, signature = token.split(".")
    payload = json.loads(b64url_decode(body))
    payload[field] = value
    forged_body = base64.urlsafe_b64encode(canonical_json(payload)).rstrip(b"=").decode()
    forged = f"{header}.{forged_body}.{signature}"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, jwt.PyJWK(keys.jwks()["keys"][0]), algorithms=["EdDSA"])


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=5))
def test_any_flipped_character_is_rejected(position: int, bit: int) -> None:
    keys = _HYPOTHESIS_KEYS
    token = keys.sign_jws(claims())
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    positions = [i for i, c in enumerate(token) if c != "."]
    index = positions[position % len(positions)]
    flipped = alphabet[alphabet.index(token[index]) ^ (1 << bit)]
    forged = token[:index] + flipped + token[index + 1 :]
    # The last character of a segment carries spare bits that base64 decoders
    # ignore; flipping one of those changes nothing, so is not a forgery.
    assume(
        [b64url_decode(p) for p in forged.split(".")]
        != [b64url_decode(p) for p in token.split(".")]
    )
    with pytest.raises(jwt.PyJWTError):
        jwt.decode(forged, jwt.PyJWK(keys.jwks()["keys"][0]), algorithms=["EdDSA"])


@pytest.mark.parametrize(
    "bad",
    [{"score": 1.5}, {1: "x"}, {"when": dt.date(2026, 1, 1)}, ["not", "a", "mapping"]],
)
def test_sign_jws_refuses_non_json_claims(keys: ReceiptKeys, bad: Any) -> None:
    with pytest.raises(InvalidInputError):
        keys.sign_jws(bad)


# --- claims -----------------------------------------------------------------------


def test_admission_claims() -> None:
    payload = claims()
    assert payload == {
        "iss": "verifier.example.com",
        "aud": "exchange.example",
        "sub": WALLET.lower(),
        "chain_id": 1,
        "circuit_id": "kyc_adult",
        "circuit_hash": "0x" + CIRCUIT_HASH.hex(),
        "iat": int(NOW.timestamp()),
        "exp": int(EXPIRES.timestamp()),
        "jti": ADMISSION_ID,
        "proof_digest": "0x" + hashlib.sha256(b'{"type":"zkattest/presentation"}').hexdigest(),
    }


def test_receipts_carry_no_attribute_values(keys: ReceiptKeys) -> None:
    receipt = keys.sign_admission(
        issuer="verifier.example.com",
        audience="exchange.example",
        wallet_address=WALLET,
        chain_id=1,
        circuit_id="kyc_adult",
        circuit_hash=CIRCUIT_HASH,
        issued_at=NOW,
        expires_at=EXPIRES,
        admission_id=ADMISSION_ID,
        proof=b"presentation bytes",
        verifying_contract=CONTRACT,
    )
    payload = b64url_decode(receipt.jws.split(".")[1]).decode()
    published = payload + json.dumps(receipt.eip712)
    for name, value in sample_attributes().items():
        if isinstance(value, bool) or (isinstance(value, int) and value < 10):
            continue  # too short to search for meaningfully
        assert str(value) not in published, name
        assert name not in published, name


@pytest.mark.parametrize(
    "override",
    [
        {"issued_at": NOW.replace(tzinfo=None)},
        {"expires_at": NOW},
        {"expires_at": NOW - dt.timedelta(seconds=1)},
        {"wallet_address": WALLET.lower()[:-1]},
        {"wallet_address": "0x52908400098527886e0F7030069857D2E4169EE7"},  # bad EIP-55
        {"chain_id": 0},
        {"chain_id": True},
        {"chain_id": 2**64},
        {"circuit_hash": CIRCUIT_HASH[:31]},
        {"circuit_hash": CIRCUIT_HASH.hex()},
        {"circuit_id": ""},
        {"admission_id": "x" * 129},
        {"admission_id": "line\nbreak"},
        {"admission_id": "adm_7Qk2f9"},
        {"admission_id": ADMISSION_ID.upper()},
        {"admission_id": ADMISSION_ID.replace("-", "")},
        {"issuer": " verifier.example.com"},
        {"audience": ""},
        {"audience": "two words"},
        {"proof": b""},
        {"proof": "not bytes"},
    ],
)
def test_admission_claims_refuse_bad_input(override: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError):
        claims(**override)


# --- EIP-712 ----------------------------------------------------------------------


def admission(**overrides: Any) -> AdmissionTypedData:
    arguments: dict[str, Any] = {
        "wallet_address": WALLET,
        "chain_id": 1,
        "circuit_hash": CIRCUIT_HASH,
        "expires_at": EXPIRES,
        "admission_id": ADMISSION_ID,
        "verifying_contract": CONTRACT,
    }
    arguments.update(overrides)
    return AdmissionTypedData.create(**arguments)


def test_typehash() -> None:
    assert ADMISSION_TYPE == (
        "Admission(address wallet,uint256 chainId,bytes32 circuitHash,uint64 expiry,"
        "bytes16 admissionId)"
    )
    assert keccak(text=ADMISSION_TYPE) == ADMISSION_TYPEHASH


def test_digest_matches_eth_account() -> None:
    message = admission()
    signable = encode_typed_data(full_message=message.typed_data())
    assert signable.version == b"\x01"
    assert signable.header == message.domain_separator()
    assert signable.body == message.hash_struct()
    assert eth_account_digest(message.typed_data()) == message.digest()
    assert message.typed_data()["domain"]["verifyingContract"] == CONTRACT


def test_eip712_signature_recovers_with_eth_account(keys: ReceiptKeys) -> None:
    signed = keys.sign_typed_data(admission())
    assert signed["signer"] == keys.verifier_address
    assert signed["primaryType"] == "Admission"
    assert signed["message"] == {
        "wallet": WALLET,
        "chainId": 1,
        "circuitHash": "0x" + CIRCUIT_HASH.hex(),
        "expiry": int(EXPIRES.timestamp()),
        "admissionId": "0x" + uuid.UUID(ADMISSION_ID).hex,
    }
    assert recover(typed(signed), signed["signature"]) == keys.verifier_address
    # What a wallet library would be handed, after a JSON round trip.
    assert recover(json.loads(json.dumps(typed(signed))), signed["signature"]) == signed["signer"]


def test_verifier_address_is_eip55(keys: ReceiptKeys) -> None:
    from eth_utils.address import is_checksum_address

    assert is_checksum_address(keys.verifier_address)


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("message", "wallet", CONTRACT),
        ("message", "chainId", 137),
        ("message", "circuitHash", "0x" + hashlib.sha256(b"other circuit").hexdigest()),
        ("message", "expiry", int(EXPIRES.timestamp()) + 1),
        ("message", "admissionId", "0x" + uuid.uuid4().hex),
        ("domain", "name", "zkattest Whitelist 2"),
        ("domain", "version", "2"),
        ("domain", "chainId", 137),
        ("domain", "verifyingContract", WALLET),
    ],
)
def test_tampered_typed_data_recovers_another_address(
    keys: ReceiptKeys, section: str, field: str, value: Any
) -> None:
    signed = keys.sign_typed_data(admission(verifying_contract=CONTRACT))
    forged = typed(signed)
    forged[section] = {**forged[section], field: value}
    assert recover(forged, signed["signature"]) != keys.verifier_address


def test_dropping_the_verifying_contract_recovers_another_address(keys: ReceiptKeys) -> None:
    signed = keys.sign_typed_data(admission())
    forged = typed(signed)
    forged["domain"] = {k: v for k, v in forged["domain"].items() if k != "verifyingContract"}
    forged["types"] = {
        **forged["types"],
        "EIP712Domain": [
            f for f in forged["types"]["EIP712Domain"] if f["name"] != "verifyingContract"
        ],
    }
    assert recover(forged, signed["signature"]) != keys.verifier_address


def test_receipts_without_a_contract_have_no_eip712_part(keys: ReceiptKeys) -> None:
    receipt = keys.sign_admission(
        issuer="verifier.example.com",
        audience="exchange.example",
        wallet_address=WALLET,
        chain_id=1,
        circuit_id="kyc_adult",
        circuit_hash=CIRCUIT_HASH,
        issued_at=NOW,
        expires_at=EXPIRES,
        admission_id=ADMISSION_ID,
        proof=b"presentation bytes",
        verifying_contract=None,
    )
    assert receipt.eip712 is None
    assert receipt.jws.count(".") == 2
    with pytest.raises(InvalidInputError):
        admission(verifying_contract=None)


@settings(max_examples=40, deadline=None)
@given(
    wallet=st.binary(min_size=20, max_size=20),
    chain_id=st.integers(min_value=1, max_value=2**64 - 1),
    circuit_hash=st.binary(min_size=32, max_size=32),
    expiry=st.integers(min_value=1, max_value=2**64 - 1),
    contract=st.binary(min_size=20, max_size=20),
    admission_id=st.uuids(),
)
def test_random_admissions_match_eth_account_and_recover(
    wallet: bytes,
    chain_id: int,
    circuit_hash: bytes,
    expiry: int,
    contract: bytes,
    admission_id: uuid.UUID,
) -> None:
    message = AdmissionTypedData(
        wallet_address="0x" + wallet.hex(),
        chain_id=chain_id,
        circuit_hash=circuit_hash,
        expiry=expiry,
        admission_id=str(admission_id),
        verifying_contract="0x" + contract.hex(),
    )
    assert eth_account_digest(message.typed_data()) == message.digest()
    signed = _HYPOTHESIS_KEYS.sign_typed_data(message)
    signature = bytes.fromhex(signed["signature"][2:])
    assert len(signature) == 65
    assert signature[64] in (27, 28)
    assert 0 < int.from_bytes(signature[32:64], "big") <= SECPK1_N // 2  # EIP-2 low s
    assert recover(typed(signed), signed["signature"]) == _HYPOTHESIS_KEYS.verifier_address


@pytest.mark.parametrize(
    "override",
    [
        {"expiry": 0},
        {"expiry": 2**64},
        {"chain_id": 0},
        {"circuit_hash": b"\x00" * 33},
        {"wallet_address": "0x1234"},
        {"verifying_contract": "0x" + "zz" * 20},
        {"verifying_contract": None},
        {"admission_id": "not-a-uuid"},
        {"admission_id": ADMISSION_ID.upper()},
    ],
)
def test_admission_typed_data_refuses_bad_input(override: dict[str, Any]) -> None:
    fields: dict[str, Any] = {
        "wallet_address": WALLET,
        "chain_id": 1,
        "circuit_hash": CIRCUIT_HASH,
        "expiry": 1,
        "admission_id": ADMISSION_ID,
        "verifying_contract": CONTRACT,
    }
    fields.update(override)
    with pytest.raises(InvalidInputError):
        AdmissionTypedData(**fields)


def test_sign_typed_data_refuses_other_objects(keys: ReceiptKeys) -> None:
    with pytest.raises(InvalidInputError):
        keys.sign_typed_data(admission().typed_data())  # type: ignore[arg-type]


# --- both receipts ------------------------------------------------------------------


def test_sign_admission_binds_the_same_facts_twice(keys: ReceiptKeys) -> None:
    receipt = keys.sign_admission(
        issuer="verifier.example.com",
        audience="exchange.example",
        wallet_address=WALLET,
        chain_id=11155111,
        circuit_id="kyc_adult",
        circuit_hash=CIRCUIT_HASH,
        issued_at=NOW,
        expires_at=EXPIRES,
        admission_id=ADMISSION_ID,
        proof=b"presentation bytes",
        verifying_contract=CONTRACT,
    )
    decoded = jwt.decode(
        receipt.jws,
        jwt.PyJWK(keys.jwks()["keys"][0]),
        algorithms=["EdDSA"],
        audience="exchange.example",
    )
    assert receipt.eip712 is not None
    message = receipt.eip712["message"]
    assert message["admissionId"] == "0x" + uuid.UUID(decoded["jti"]).hex
    assert decoded["sub"] == message["wallet"].lower()
    assert decoded["chain_id"] == message["chainId"] == receipt.eip712["domain"]["chainId"]
    assert decoded["circuit_hash"] == message["circuitHash"]
    assert decoded["exp"] == message["expiry"]
    assert receipt.eip712["domain"]["verifyingContract"] == CONTRACT
    assert (
        recover(typed(dict(receipt.eip712)), receipt.eip712["signature"]) == keys.verifier_address
    )
    assert dataclasses.is_dataclass(receipt)


def test_documented_example() -> None:
    """The values printed in docs/notes/receipts.md."""
    message = AdmissionTypedData(
        wallet_address="0x52908400098527886E0F7030069857D2E4169EE7",
        chain_id=1,
        circuit_hash=hashlib.sha256(b"example").digest(),
        expiry=1_800_000_000,
        admission_id="3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f",
        verifying_contract="0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    )
    assert message.domain_separator().hex() == (
        "14e3b3d1de019931b4419b044a6455959f62d26a564baa297e5607bb002b155e"
    )
    assert message.hash_struct().hex() == (
        "eae37b529e123ace3e21ff77e3ec6267f03c6faa00c8cea0b6f64c1f163b5ef3"
    )
    assert message.digest().hex() == (
        "2d53fa3591f12c5e38949c028d00323096b07ba7068dea64ee34ce0ec3f07f6b"
    )
    assert eth_account_digest(message.typed_data()) == message.digest()
    assert ADMISSION_TYPEHASH.hex() == (
        "d34d38ae10cfc58b19c57a28f3a73ad65b97dce46090be387214114822a97329"
    )
    assert keccak(text=EIP712_DOMAIN_TYPE).hex() == (
        "8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f"
    )
