"""Issuer keys and investor credentials: the issuer's and the holder's recipes.

A credential is a BBS signature (draft-irtf-cfrg-bbs-signatures, through
zkattest's typed interface :func:`zkattest.schema.typed_api_id`) over the
schema's attributes, each encoded as one message scalar in schema order, with
the schema's :attr:`~zkattest.schema.Schema.header` as the BBS header.

Wire objects are frozen dataclasses with canonical, versioned JSON
(``to_json`` / ``from_json``); a secret key's ``repr`` is redacted and it is
written to JSON only through the explicitly named :meth:`IssuerSecretKey.to_json_secret`.

A credential is valid from its ``issuance_date`` through its ``expiry_date``
(both inclusive, UTC dates); an issuer signs only a credential valid today.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from zkattest.codec import (
    FORMAT_VERSION,
    hex_bytes,
    parse_json_object,
    require_fields,
)
from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    IssuanceError,
    VerificationError,
    ZkAttestError,
)
from zkattest.hazmat import bbs
from zkattest.hazmat.bbs import core
from zkattest.hazmat.curve import scalar_from_bytes
from zkattest.schema import (
    EXPIRY_ATTRIBUTE,
    JsonValue,
    Schema,
    canonical_json,
    get_schema,
    typed_api_id,
)

__all__ = [
    "Credential",
    "IssuerPublicKey",
    "IssuerSecretKey",
    "accept_credential",
    "issue_credential",
    "parse_json_object",
]

_PUBLIC_KEY_TYPE = "zkattest/issuer-public-key"
_SECRET_KEY_TYPE = "zkattest/issuer-secret-key"  # noqa: S105 - a document type, not a secret
_CREDENTIAL_TYPE = "zkattest/credential"
_ISSUANCE_ATTRIBUTE = "issuance_date"


def _date_attribute(
    schema: Schema, attributes: Mapping[str, JsonValue], name: str
) -> dt.date | None:
    """The value of the date attribute ``name``; None if ``schema`` has no such date."""
    if name not in schema.names or schema.attribute(name).type.kind != "date":
        return None
    return dt.date.fromisoformat(str(attributes[name]))


def _suite(name: object) -> bbs.Ciphersuite:
    if not isinstance(name, str) or name not in bbs.SUITES:
        raise DecodeError(f"unknown ciphersuite; expected one of {sorted(bbs.SUITES)}")
    return bbs.SUITES[name]


@dataclass(frozen=True)
class IssuerPublicKey:
    """An issuer's BBS public key (96 bytes, validated) and its ciphersuite."""

    suite: bbs.Ciphersuite
    public_key: bytes

    def __post_init__(self) -> None:
        try:
            core.octets_to_pubkey(self.public_key)
        except ZkAttestError as exc:
            raise DecodeError(f"issuer public key: {exc}") from None

    @property
    def key_id(self) -> str:
        """A short stable identifier: the first 16 bytes of SHA-256 over suite and key, hex."""
        digest = hashlib.sha256(self.suite.ciphersuite_id + b"\x00" + self.public_key)
        return digest.hexdigest()[:32]

    def to_json(self) -> str:
        return canonical_json(
            {
                "type": _PUBLIC_KEY_TYPE,
                "version": FORMAT_VERSION,
                "suite": self.suite.name,
                "key_id": self.key_id,
                "public_key": self.public_key.hex(),
            }
        ).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> IssuerPublicKey:
        obj = parse_json_object(text, _PUBLIC_KEY_TYPE)
        require_fields(obj, {"type", "version", "suite", "key_id", "public_key"}, _PUBLIC_KEY_TYPE)
        key = cls(_suite(obj["suite"]), hex_bytes(obj["public_key"], "public_key", 96))
        if obj["key_id"] != key.key_id:
            raise DecodeError("issuer public key: key_id does not match the key")
        return key


class IssuerSecretKey:
    """An issuer's BBS secret key. Its repr is redacted; compare with constant-time equality."""

    __slots__ = ("_secret", "suite")

    def __init__(self, secret: bytes, suite: bbs.Ciphersuite = bbs.BLS12_381_SHA_256) -> None:
        try:
            scalar_from_bytes(secret)
        except ZkAttestError:
            raise InvalidInputError(
                "issuer secret key must be a canonical non-zero scalar"
            ) from None
        self._secret = bytes(secret)
        self.suite = suite

    @classmethod
    def generate(cls, suite: bbs.Ciphersuite = bbs.BLS12_381_SHA_256) -> IssuerSecretKey:
        """A fresh key from 32 bytes of ``secrets`` entropy (draft KeyGen)."""
        return cls(bbs.key_gen(secrets.token_bytes(32), b"zkattest/issuer", suite=suite), suite)

    def public_key(self) -> IssuerPublicKey:
        return IssuerPublicKey(self.suite, bbs.sk_to_pk(self._secret, suite=self.suite))

    def to_json_secret(self) -> str:
        """The secret key as JSON: store it as you would any signing key."""
        return canonical_json(
            {
                "type": _SECRET_KEY_TYPE,
                "version": FORMAT_VERSION,
                "suite": self.suite.name,
                "secret_key": self._secret.hex(),
            }
        ).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> IssuerSecretKey:
        obj = parse_json_object(text, _SECRET_KEY_TYPE)
        require_fields(obj, {"type", "version", "suite", "secret_key"}, _SECRET_KEY_TYPE)
        return cls(hex_bytes(obj["secret_key"], "secret_key", 32), _suite(obj["suite"]))

    def __repr__(self) -> str:
        return f"IssuerSecretKey(suite={self.suite.name}, <redacted>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IssuerSecretKey):
            return NotImplemented
        return self.suite is other.suite and hmac.compare_digest(self._secret, other._secret)

    def __hash__(self) -> int:
        return hash(self.public_key().public_key)

    def _scalar(self) -> int:
        return scalar_from_bytes(self._secret)


@dataclass(frozen=True)
class Credential:
    """A signed investor credential: schema, issuer key, attribute values, signature.

    Held by the wallet only. ``repr`` hides the attribute values.
    """

    schema: Schema
    issuer: IssuerPublicKey
    attributes: Mapping[str, JsonValue]
    signature: bytes

    def __repr__(self) -> str:
        return f"Credential(schema={self.schema.id}, issuer={self.issuer.key_id}, <attributes>)"

    @property
    def valid_from(self) -> dt.date | None:
        """The first day the credential is valid (its ``issuance_date``), if it has one."""
        return _date_attribute(self.schema, self.attributes, _ISSUANCE_ATTRIBUTE)

    @property
    def valid_through(self) -> dt.date | None:
        """The last day the credential is valid (its ``expiry_date``), if it has one."""
        return _date_attribute(self.schema, self.attributes, EXPIRY_ATTRIBUTE)

    def message_scalars(self) -> list[int]:
        """The BBS messages, in schema order."""
        return self.schema.encode(self.attributes, self.issuer.suite)

    def verify(self) -> None:
        """Check the issuer's signature over the attributes; raise VerificationError."""
        suite = self.issuer.suite
        api_id = typed_api_id(suite)
        try:
            messages = self.message_scalars()
        except ZkAttestError:
            raise VerificationError("credential attributes are invalid") from None
        generators = core.create_generators(len(messages) + 1, api_id, suite=suite)
        core.core_verify(
            self.issuer.public_key,
            self.signature,
            generators,
            self.schema.header,
            messages,
            api_id,
            suite=suite,
        )

    def to_json(self) -> str:
        return canonical_json(
            {
                "type": _CREDENTIAL_TYPE,
                "version": FORMAT_VERSION,
                "schema": self.schema.id,
                "issuer": json.loads(self.issuer.to_json()),
                "attributes": dict(self.attributes),
                "signature": self.signature.hex(),
            }
        ).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> Credential:
        """Parse (not verify) a credential; see :func:`accept_credential`."""
        obj = parse_json_object(text, _CREDENTIAL_TYPE)
        require_fields(
            obj,
            {"type", "version", "schema", "issuer", "attributes", "signature"},
            _CREDENTIAL_TYPE,
        )
        if not isinstance(obj["schema"], str):
            raise DecodeError("credential schema must be a string")
        try:
            schema = get_schema(obj["schema"])
        except ZkAttestError:
            raise DecodeError("credential has an unknown schema") from None
        issuer = IssuerPublicKey.from_json(json.dumps(obj["issuer"]))
        if not isinstance(obj["attributes"], dict):
            raise DecodeError("credential attributes must be an object")
        try:
            attributes = schema.normalize(obj["attributes"])
        except ZkAttestError as exc:
            raise DecodeError(f"credential attributes: {exc}") from None
        return cls(schema, issuer, attributes, hex_bytes(obj["signature"], "signature", 80))


def issue_credential(
    secret_key: IssuerSecretKey,
    schema: Schema,
    attributes: Mapping[str, object],
    *,
    today: dt.date | None = None,
) -> Credential:
    """Validate the attributes against ``schema`` and sign them (the issuer's recipe).

    Raises :class:`IssuanceError` naming the offending attribute for unknown,
    missing, mistyped, negative, oversized or impossible values, for an
    ``expiry_date`` before ``issuance_date``, and for a credential not valid
    on ``today`` (default: the current UTC date): one already expired, or
    issued on a later day.
    """
    if not isinstance(secret_key, IssuerSecretKey):
        raise IssuanceError("secret_key must be an IssuerSecretKey")
    if today is None:
        today = dt.datetime.now(dt.UTC).date()
    elif not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise IssuanceError("today must be a datetime.date")
    suite = secret_key.suite
    normalized = schema.normalize(attributes)
    _require_valid_on(schema, normalized, today)
    messages = schema.encode(normalized, suite)
    api_id = typed_api_id(suite)
    public = secret_key.public_key()
    generators = core.create_generators(len(messages) + 1, api_id, suite=suite)
    signature = core.core_sign(
        secret_key._scalar(),
        public.public_key,
        generators,
        schema.header,
        messages,
        api_id,
        suite=suite,
    )
    return Credential(schema, public, normalized, signature)


def _require_valid_on(schema: Schema, attributes: Mapping[str, JsonValue], today: dt.date) -> None:
    """Refuse to sign a credential that is expired or not yet valid on ``today``."""
    issued = _date_attribute(schema, attributes, _ISSUANCE_ATTRIBUTE)
    expiry = _date_attribute(schema, attributes, EXPIRY_ATTRIBUTE)
    if expiry is not None and expiry < today:
        raise IssuanceError(
            f"{EXPIRY_ATTRIBUTE} ({expiry}) is before today ({today}, UTC): "
            "the credential would already be expired"
        )
    if issued is not None and issued > today:
        raise IssuanceError(
            f"{_ISSUANCE_ATTRIBUTE} ({issued}) is after today ({today}, UTC): "
            "the credential would not be valid yet"
        )


def accept_credential(
    text: str | bytes, trusted_issuers: Mapping[str, IssuerPublicKey] | IssuerPublicKey
) -> Credential:
    """The holder's check on receipt: parse, require a trusted issuer, verify the signature."""
    credential = Credential.from_json(text)
    if isinstance(trusted_issuers, IssuerPublicKey):
        trusted_issuers = {trusted_issuers.key_id: trusted_issuers}
    trusted = trusted_issuers.get(credential.issuer.key_id)
    if trusted is None or trusted.public_key != credential.issuer.public_key:
        raise VerificationError(
            "credential is not from a trusted issuer", reason="untrusted_issuer"
        )
    credential.verify()
    return credential
