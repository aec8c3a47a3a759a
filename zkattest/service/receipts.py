"""Admission receipts: a JWS for web back ends, an EIP-712 signature for contracts.

Every admission the verifier grants is returned with two signatures over the
same facts (admission id, wallet, chain, circuit, expiry), one per audience:

* a compact JWS (RFC 7515) signed with the verifier's Ed25519 key, ``alg``
  ``EdDSA`` (RFC 8037 §3.1), ``kid`` the RFC 7638 thumbprint of the key.
  Any JOSE library verifies it against ``/.well-known/jwks.json``
  (:meth:`ReceiptKeys.jwks`). The claims (:func:`admission_claims`) name the
  admission (``jti``), its audience (``aud``), wallet, chain, circuit, times
  and proof digest, never an attribute value;
* an EIP-712 typed-data signature with the verifier's secp256k1 key over::

      Admission(address wallet,uint256 chainId,bytes32 circuitHash,uint64 expiry,
                bytes16 admissionId)

  in the domain ``{name: "zkattest Whitelist", version: "1", chainId,
  verifyingContract}``, so the one whitelist contract named admits the wallet
  once ``ecrecover(digest, v, r, s) == verifier``, and can refuse a revoked
  admission by its id. Without a configured contract there is no EIP-712
  receipt: a signature valid for every contract on the chain would be replayable
  to all of them. EIP-712 ("Specification")::

      typeHash          = keccak256(encodeType(T))
      hashStruct(s)     = keccak256(typeHash ‖ encodeData(s))
      domainSeparator   = hashStruct(eip712Domain)
      digest            = keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(message))

  where ``encodeData`` is each member as one 32-byte word: ``string`` as
  ``keccak256`` of its UTF-8, ``address`` left-padded, ``uint`` big-endian,
  ``bytes32`` as is, ``bytes16`` (the admission's UUID, RFC 9562 byte order)
  zero-padded at the end.

Both keys live in one JSON file, created with mode 0600 on first start
(:meth:`ReceiptKeys.load_or_create`). Ed25519 signing runs in OpenSSL
through ``cryptography``; secp256k1 signing runs in libsecp256k1 through
``coincurve`` (RFC 6979 nonces, low-s, recovery id), so no pure-Python code
touches a secret scalar or nonce.

Formats, a Solidity verifier and the JWKS: ``docs/notes/receipts.md``.
"""

from __future__ import annotations

import base64
import datetime as dt
import errno
import functools
import hashlib
import hmac
import logging
import os
import re
import stat
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import coincurve
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from zkattest.codec import hex_bytes, parse_json_object, parse_uuid
from zkattest.context import checksum_address, keccak256, normalize_wallet_address
from zkattest.errors import DecodeError, InvalidInputError, PolicyError, ZkAttestError
from zkattest.schema import canonical_json

__all__ = [
    "ADMISSION_TYPE",
    "ADMISSION_TYPEHASH",
    "EIP712_DOMAIN_NAME",
    "EIP712_DOMAIN_TYPE",
    "EIP712_DOMAIN_VERSION",
    "KEY_FILE_TYPE",
    "SECP256K1_N",
    "AdmissionReceipt",
    "AdmissionTypedData",
    "ReceiptKeys",
    "admission_claims",
    "parse_audience",
]

logger = logging.getLogger(__name__)

KEY_FILE_TYPE = "zkattest/receipt-keys"
KEY_FILE_VERSION = 1
_MAX_KEY_FILE_BYTES = 4096

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_MAX_UINT64 = 2**64 - 1
_MAX_ID_LENGTH = 128
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

EIP712_DOMAIN_NAME = "zkattest Whitelist"
EIP712_DOMAIN_VERSION = "1"
# encodeType of the domain: always with the contract the receipts are for.
EIP712_DOMAIN_TYPE = (
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
)


ADMISSION_TYPE = (
    "Admission(address wallet,uint256 chainId,bytes32 circuitHash,uint64 expiry,"
    "bytes16 admissionId)"
)
ADMISSION_TYPEHASH = keccak256(ADMISSION_TYPE.encode("ascii"))


# --- encodings ---------------------------------------------------------------


def _b64url(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _uint(value: object, what: str, maximum: int) -> int:
    if type(value) is not int or not 0 < value <= maximum:
        raise InvalidInputError(f"{what} must be an integer from 1 to {maximum}")
    return value


def _bytes32(value: object, what: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != 32:
        raise InvalidInputError(f"{what} must be 32 bytes")
    return bytes(value)


def _identifier(value: object, what: str, max_length: int = _MAX_ID_LENGTH) -> str:
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= max_length
        or not value.isprintable()
        or value != value.strip()
    ):
        raise InvalidInputError(f"{what} must be 1 to {max_length} printable characters")
    return value


def parse_audience(value: object) -> str:
    """An ``aud``: 1 to 255 printable ASCII characters, no spaces (a host name, a URI)."""
    if not isinstance(value, str) or re.fullmatch(r"[\x21-\x7e]{1,255}", value) is None:
        raise InvalidInputError("audience must be 1 to 255 printable ASCII characters, no spaces")
    return value


def _unix_seconds(value: object, what: str) -> int:
    """Whole seconds since the epoch (rounded down) of a timezone-aware datetime."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise InvalidInputError(f"{what} must be a timezone-aware datetime")
    seconds = (value - _EPOCH) // dt.timedelta(seconds=1)
    if not 0 < seconds <= _MAX_UINT64:
        raise InvalidInputError(f"{what} is outside the uint64 range of unix seconds")
    return seconds


def _address_word(address: str) -> bytes:
    """``encodeData`` of an ``address``: 20 bytes left-padded to 32."""
    return bytes(12) + bytes.fromhex(address[2:])


def _uint_word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _string_word(value: str) -> bytes:
    return keccak256(value.encode("utf-8"))


# --- EIP-712 -------------------------------------------------------------------


@dataclass(frozen=True)
class AdmissionTypedData:
    """The EIP-712 ``Admission`` message and its domain; all public.

    ``wallet_address`` and ``verifying_contract`` are EVM addresses (a
    mixed-case one must carry a valid EIP-55 checksum; they are kept
    lower-case); ``expiry`` is unix seconds, as the contract compares it with
    ``block.timestamp``; ``admission_id`` is the admission's UUID (the JWS
    ``jti``). ``chain_id`` appears twice, in the domain and in the message, so
    the message alone says which chain it admits to.
    """

    wallet_address: str
    chain_id: int
    circuit_hash: bytes
    expiry: int
    admission_id: str
    verifying_contract: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "wallet_address", normalize_wallet_address(self.wallet_address))
        _uint(self.chain_id, "chain id", _MAX_UINT64)
        object.__setattr__(self, "circuit_hash", _bytes32(self.circuit_hash, "circuit hash"))
        _uint(self.expiry, "expiry", _MAX_UINT64)
        _uuid_bytes(self.admission_id)
        contract = normalize_wallet_address(self.verifying_contract)
        object.__setattr__(self, "verifying_contract", contract)

    @classmethod
    def create(
        cls,
        *,
        wallet_address: str,
        chain_id: int,
        circuit_hash: bytes,
        expires_at: dt.datetime,
        admission_id: str,
        verifying_contract: str,
    ) -> AdmissionTypedData:
        """The message for an admission that lapses at ``expires_at`` (timezone-aware)."""
        return cls(
            wallet_address=wallet_address,
            chain_id=chain_id,
            circuit_hash=circuit_hash,
            expiry=_unix_seconds(expires_at, "expires_at"),
            admission_id=admission_id,
            verifying_contract=verifying_contract,
        )

    def domain_separator(self) -> bytes:
        """``hashStruct(eip712Domain)``."""
        return _domain_separator(self.chain_id, self.verifying_contract)

    def hash_struct(self) -> bytes:
        """``hashStruct(message) = keccak256(typeHash ‖ encodeData(message))``."""
        return keccak256(
            ADMISSION_TYPEHASH
            + _address_word(self.wallet_address)
            + _uint_word(self.chain_id)
            + self.circuit_hash
            + _uint_word(self.expiry)
            + _uuid_bytes(self.admission_id).ljust(32, b"\0")
        )

    def digest(self) -> bytes:
        """``keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(message))``: what is signed."""
        return keccak256(b"\x19\x01" + self.domain_separator() + self.hash_struct())

    def typed_data(self) -> dict[str, Any]:
        """The ``eth_signTypedData_v4`` JSON: domain, types, primaryType, message."""
        return {
            "domain": {
                "name": EIP712_DOMAIN_NAME,
                "version": EIP712_DOMAIN_VERSION,
                "chainId": self.chain_id,
                "verifyingContract": checksum_address(self.verifying_contract),
            },
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                "Admission": [
                    {"name": "wallet", "type": "address"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "circuitHash", "type": "bytes32"},
                    {"name": "expiry", "type": "uint64"},
                    {"name": "admissionId", "type": "bytes16"},
                ],
            },
            "primaryType": "Admission",
            "message": {
                "wallet": checksum_address(self.wallet_address),
                "chainId": self.chain_id,
                "circuitHash": "0x" + self.circuit_hash.hex(),
                "expiry": self.expiry,
                "admissionId": "0x" + _uuid_bytes(self.admission_id).hex(),
            },
        }


def _uuid_bytes(value: object) -> bytes:
    """The 16 bytes of an admission id given as canonical UUID text."""
    return parse_uuid(value, "admission id").bytes


@functools.lru_cache(maxsize=256)
def _domain_separator(chain_id: int, verifying_contract: str) -> bytes:
    """The domain separator: a service signs for a handful of (chain, contract) pairs."""
    return keccak256(
        keccak256(EIP712_DOMAIN_TYPE.encode("ascii"))
        + _string_word(EIP712_DOMAIN_NAME)
        + _string_word(EIP712_DOMAIN_VERSION)
        + _uint_word(chain_id)
        + _address_word(verifying_contract)
    )


# --- JWS claims ----------------------------------------------------------------


def admission_claims(
    *,
    issuer: str,
    audience: str,
    wallet_address: str,
    chain_id: int,
    circuit_id: str,
    circuit_hash: bytes,
    issued_at: dt.datetime,
    expires_at: dt.datetime,
    admission_id: str,
    proof: bytes,
) -> dict[str, Any]:
    """The JWT claims of an admission receipt; no personal data.

    ``iss`` the verifier domain, ``aud`` who the receipt is for (the
    platform's back end; RFC 7519 §4.1.3: a recipient that is not named must
    reject it), ``sub`` the lower-case wallet address, ``chain_id``,
    ``circuit_id``, ``circuit_hash`` (``0x`` hex), ``iat`` and ``exp`` (unix
    seconds; ``exp`` is the admission's expiry), ``jti`` the admission id (a
    UUID, also in the EIP-712 receipt: one id to look up or revoke),
    ``proof_digest`` (``0x`` hex SHA-256 of ``proof``, the presentation's
    proof bytes).
    """
    issued = _unix_seconds(issued_at, "issued_at")
    expiry = _unix_seconds(expires_at, "expires_at")
    if expiry <= issued:
        raise InvalidInputError("expires_at must be after issued_at")
    if not isinstance(proof, bytes) or not proof:
        raise InvalidInputError("proof must be non-empty bytes")
    return {
        "iss": _identifier(issuer, "issuer", 255),
        "aud": parse_audience(audience),
        "sub": normalize_wallet_address(wallet_address),
        "chain_id": _uint(chain_id, "chain id", _MAX_UINT64),
        "circuit_id": _identifier(circuit_id, "circuit id"),
        "circuit_hash": "0x" + _bytes32(circuit_hash, "circuit hash").hex(),
        "iat": issued,
        "exp": expiry,
        "jti": str(uuid.UUID(bytes=_uuid_bytes(admission_id))),
        "proof_digest": "0x" + hashlib.sha256(proof).hexdigest(),
    }


@dataclass(frozen=True)
class AdmissionReceipt:
    """What an admission returns: the JWS and the signed EIP-712 typed data
    (None when no verifying contract is configured)."""

    jws: str
    eip712: Mapping[str, Any] | None


# --- keys ------------------------------------------------------------------------


class ReceiptKeys:
    """The verifier's receipt-signing keys: Ed25519 (JWS) and secp256k1 (EIP-712).

    The repr is redacted; equality is constant-time over the secrets. ``kid``
    (RFC 7638 thumbprint of the Ed25519 key) and ``verifier_address`` (EIP-55
    address of the secp256k1 key) are public.
    """

    __slots__ = (
        "_ed25519",
        "_kid",
        "_public_jwk",
        "_recoverable",
        "_secp256k1",
        "_secp256k1_public",
        "_signer",
    )

    def __init__(self, ed25519_seed: bytes, secp256k1_secret: bytes) -> None:
        if not isinstance(ed25519_seed, bytes) or len(ed25519_seed) != 32:
            raise InvalidInputError("Ed25519 seed must be 32 bytes")
        if not isinstance(secp256k1_secret, bytes) or len(secp256k1_secret) != 32:
            raise InvalidInputError("secp256k1 secret key must be 32 bytes")
        scalar = int.from_bytes(secp256k1_secret, "big")
        if not 0 < scalar < SECP256K1_N:
            raise InvalidInputError("secp256k1 secret key must be a scalar from 1 to n - 1")
        self._ed25519 = Ed25519PrivateKey.from_private_bytes(ed25519_seed)
        self._secp256k1 = ec.derive_private_key(scalar, ec.SECP256K1())
        # libsecp256k1 (constant-time C) signs with the recovery id ecrecover needs
        self._recoverable = coincurve.PrivateKey(scalar.to_bytes(32, "big"))

        x = self._ed25519.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        thumbprint_input = canonical_json({"crv": "Ed25519", "kty": "OKP", "x": _b64url(x)})
        self._kid = _b64url(hashlib.sha256(thumbprint_input).digest())
        self._public_jwk: dict[str, str] = {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64url(x),
            "kid": self._kid,
            "alg": "EdDSA",
            "use": "sig",
        }
        point = self._secp256k1.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self._secp256k1_public = point[1:]  # X ‖ Y, 64 bytes, as ecrecover's keccak input
        self._signer = checksum_address("0x" + keccak256(self._secp256k1_public)[12:].hex())

    # construction and storage

    @classmethod
    def generate(cls) -> ReceiptKeys:
        """Fresh keys from the operating system's CSPRNG (through OpenSSL)."""
        ed25519 = Ed25519PrivateKey.generate().private_bytes_raw()
        secp256k1 = ec.generate_private_key(ec.SECP256K1()).private_numbers().private_value
        return cls(ed25519, secp256k1.to_bytes(32, "big"))

    @classmethod
    def from_json(cls, text: str | bytes) -> ReceiptKeys:
        """Keys from the key-file JSON; :class:`DecodeError` for anything else."""
        obj = parse_json_object(text, KEY_FILE_TYPE)
        expected = {"type", "version", "ed25519", "secp256k1"}
        if set(obj) != expected:
            missing, extra = sorted(expected - set(obj)), sorted(set(obj) - expected)
            raise DecodeError(f"{KEY_FILE_TYPE}: missing fields {missing}, unknown fields {extra}")
        ed25519 = hex_bytes(obj["ed25519"], "ed25519 seed", 32)
        secp256k1 = hex_bytes(obj["secp256k1"], "secp256k1 secret key", 32)
        try:
            return cls(ed25519, secp256k1)
        except DecodeError:
            raise
        except InvalidInputError as exc:
            raise DecodeError(str(exc)) from None

    def to_json_secret(self) -> str:
        """The key-file JSON: both secrets, in hex. Store it as you would any signing key."""
        secp256k1 = self._secp256k1.private_numbers().private_value.to_bytes(32, "big")
        return canonical_json(
            {
                "type": KEY_FILE_TYPE,
                "version": KEY_FILE_VERSION,
                "ed25519": self._ed25519.private_bytes_raw().hex(),
                "secp256k1": secp256k1.hex(),
            }
        ).decode("ascii")

    @classmethod
    def load_or_create(cls, path: str | os.PathLike[str]) -> ReceiptKeys:
        """The keys stored at ``path``; generated and stored there (mode 0600) if absent.

        Creation is atomic and never replaces a file: the keys are written to
        a temporary file in the same directory, flushed, then hard-linked into
        place, so concurrent first starts agree on one key pair. Missing
        parent directories are created; the key file's own directory, if
        created, gets mode 0700.

        Raises :class:`DecodeError` if the file is not a valid key file,
        :class:`PolicyError` if group or others may write it, and
        :class:`InvalidInputError` if it cannot be read or written.
        """
        text = os.fspath(path) if isinstance(path, str | os.PathLike) else None
        if not isinstance(text, str) or "\x00" in text:
            raise InvalidInputError("receipt key path must be a file system path")
        path = Path(text)
        existing = cls._load(path)
        if existing is not None:
            return existing
        return cls._create(path)

    @classmethod
    def _load(cls, path: Path) -> ReceiptKeys | None:
        """The keys at ``path``, or None if there is no file there."""
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise InvalidInputError(
                f"cannot open receipt key file {path}: {exc.strerror}"
            ) from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise InvalidInputError(f"receipt key file {path} is not a regular file")
            if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                raise PolicyError(
                    f"receipt key file {path} is writable by group or others "
                    f"(mode {stat.S_IMODE(info.st_mode):04o}); chmod 600 it"
                )
            if info.st_mode & (stat.S_IRGRP | stat.S_IROTH):
                logger.warning(
                    "receipt key file %s is readable by group or others (mode %04o)",
                    path,
                    stat.S_IMODE(info.st_mode),
                )
            with os.fdopen(fd, "rb", closefd=False) as file:
                data = file.read(_MAX_KEY_FILE_BYTES + 1)
        except OSError as exc:
            raise InvalidInputError(
                f"cannot read receipt key file {path}: {exc.strerror}"
            ) from None
        finally:
            os.close(fd)
        if len(data) > _MAX_KEY_FILE_BYTES:
            raise DecodeError(f"receipt key file {path} is too large")
        try:
            return cls.from_json(data)
        except DecodeError as exc:
            raise DecodeError(f"receipt key file {path}: {exc}") from None

    @classmethod
    def _create(cls, path: Path) -> ReceiptKeys:
        keys = cls.generate()
        data = (keys.to_json_secret() + "\n").encode("ascii")
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
            fd = os.open(temporary, flags, 0o600)
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
                published = _publish(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
            _fsync_directory(path.parent)
        except OSError as exc:
            raise InvalidInputError(
                f"cannot create receipt key file {path}: {exc.strerror}"
            ) from None
        if not published:  # another process created it first: use its keys
            winner = cls._load(path)
            if winner is None:
                raise InvalidInputError(f"receipt key file {path} exists but cannot be opened")
            return winner
        logger.info(
            "created receipt key file %s (kid %s, signer %s)", path, keys.kid, keys.verifier_address
        )
        return keys

    # public keys

    @property
    def kid(self) -> str:
        """RFC 7638 JWK thumbprint (SHA-256, base64url) of the Ed25519 public key."""
        return self._kid

    @property
    def verifier_address(self) -> str:
        """EIP-55 address of the secp256k1 key: what ``ecrecover`` returns."""
        return self._signer

    def public_jwk(self) -> dict[str, str]:
        """The Ed25519 public key as a JWK (RFC 8037 §2) with ``kid``, ``alg``, ``use``."""
        return dict(self._public_jwk)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The JWK Set served at ``/.well-known/jwks.json``."""
        return {"keys": [self.public_jwk()]}

    # signing

    def sign_jws(self, claims: Mapping[str, Any]) -> str:
        """Compact JWS (RFC 7515 §7.1) of ``claims`` with EdDSA/Ed25519 (RFC 8037 §3.1).

        Header ``{"alg": "EdDSA", "kid": kid, "typ": "JWT"}``; header and
        payload are canonical JSON (sorted keys, no whitespace, UTF-8).
        """
        if not isinstance(claims, Mapping) or not all(isinstance(k, str) for k in claims):
            raise InvalidInputError("claims must be a mapping with string keys")
        try:
            payload = canonical_json(dict(claims))
        except ZkAttestError:
            raise
        except (TypeError, ValueError, RecursionError):
            raise InvalidInputError("claims must be JSON without floating-point numbers") from None
        header = canonical_json({"alg": "EdDSA", "kid": self._kid, "typ": "JWT"})
        signing_input = f"{_b64url(header)}.{_b64url(payload)}".encode("ascii")
        signature = self._ed25519.sign(signing_input)
        return f"{signing_input.decode('ascii')}.{_b64url(signature)}"

    def sign_typed_data(self, message: AdmissionTypedData) -> dict[str, Any]:
        """The typed data plus ``signature`` (``0x`` ‖ r ‖ s ‖ v, 65 bytes) and ``signer``.

        ``v`` is 27 or 28 and ``s`` is at most n/2 (EIP-2), as OpenZeppelin's
        ``ECDSA.recover`` requires.
        """
        if not isinstance(message, AdmissionTypedData):
            raise InvalidInputError("message must be an AdmissionTypedData")
        digest = message.digest()
        # RFC 6979 nonce, low-s normalized; the 65th byte is the recovery id (0 or 1)
        compact = self._recoverable.sign_recoverable(digest, hasher=None)
        if compact[64] > 1:  # R.x >= n: probability ~2**-128, not expressible to ecrecover
            raise ZkAttestError("secp256k1 signature has no recovery id ecrecover accepts")
        signature = compact[:64] + bytes([27 + compact[64]])
        return {
            **message.typed_data(),
            "signature": "0x" + signature.hex(),
            "signer": self._signer,
        }

    def sign_admission(
        self,
        *,
        issuer: str,
        audience: str,
        wallet_address: str,
        chain_id: int,
        circuit_id: str,
        circuit_hash: bytes,
        issued_at: dt.datetime,
        expires_at: dt.datetime,
        admission_id: str,
        proof: bytes,
        verifying_contract: str | None,
    ) -> AdmissionReceipt:
        """Both receipts for one admission, over the same admission id, wallet,
        chain, circuit and expiry; the EIP-712 one only for a ``verifying_contract``."""
        claims = admission_claims(
            issuer=issuer,
            audience=audience,
            wallet_address=wallet_address,
            chain_id=chain_id,
            circuit_id=circuit_id,
            circuit_hash=circuit_hash,
            issued_at=issued_at,
            expires_at=expires_at,
            admission_id=admission_id,
            proof=proof,
        )
        jws = self.sign_jws(claims)
        if verifying_contract is None:
            return AdmissionReceipt(jws=jws, eip712=None)
        message = AdmissionTypedData(
            wallet_address=claims["sub"],
            chain_id=chain_id,
            circuit_hash=circuit_hash,
            expiry=claims["exp"],
            admission_id=claims["jti"],
            verifying_contract=verifying_contract,
        )
        return AdmissionReceipt(jws=jws, eip712=self.sign_typed_data(message))

    # dunder

    def __repr__(self) -> str:
        return f"ReceiptKeys(kid={self._kid}, verifier_address={self._signer}, <redacted>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReceiptKeys):
            return NotImplemented
        return hmac.compare_digest(self.to_json_secret(), other.to_json_secret())

    def __hash__(self) -> int:
        return hash((self._kid, self._signer))


def _publish(temporary: Path, path: Path) -> bool:
    """Move ``temporary`` to ``path`` unless ``path`` exists; False if it did."""
    try:
        os.link(temporary, path)  # atomic and never replaces an existing file
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP}:
            raise
        # No hard links on this file system: rename is atomic but would replace a
        # file created between our check and now, so check once more first.
        if path.exists():
            return False
        os.replace(temporary, path)
    return True


def _fsync_directory(directory: Path) -> None:
    """Make the new directory entry durable (best effort; not all platforms allow it)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
