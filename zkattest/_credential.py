"""The credential's wire types: an issuer's public key and a signed credential.

A credential is a BBS signature (draft-irtf-cfrg-bbs-signatures, through
zkattest's typed interface :func:`zkattest.schema.typed_api_id`) over the
schema's attributes, each encoded as one message scalar in schema order, with
the schema's :attr:`~zkattest.schema.Schema.header` as the BBS header. It is
valid from its ``issuance_date`` through its ``expiry_date`` (both inclusive,
UTC dates).

Both are frozen dataclasses with canonical, versioned JSON (``to_json`` /
``from_json``, through :mod:`zkattest.codec`). The issuer makes them
(:mod:`zkattest.issuer`), the holder keeps and proves with them
(:mod:`zkattest.holder`), the verifier trusts issuer keys (:mod:`zkattest.verifier`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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
    VerificationError,
    ZkAttestError,
)
from zkattest.hazmat import bbs
from zkattest.hazmat.bbs import core
from zkattest.schema import (
    DEFAULT_SCHEMAS,
    EXPIRY_ATTRIBUTE,
    JsonValue,
    Schema,
    SchemaRegistry,
    canonical_json,
    typed_api_id,
)

__all__ = [
    "ISSUANCE_ATTRIBUTE",
    "Credential",
    "IssuerPublicKey",
    "date_attribute",
    "parse_suite",
]


_PUBLIC_KEY_TYPE = "zkattest/issuer-public-key"


_CREDENTIAL_TYPE = "zkattest/credential"


ISSUANCE_ATTRIBUTE = "issuance_date"


def date_attribute(
    schema: Schema, attributes: Mapping[str, JsonValue], name: str
) -> dt.date | None:
    """The value of the date attribute ``name``; None if ``schema`` has no such date."""
    if name not in schema.names or schema.attribute(name).type.kind != "date":
        return None
    return dt.date.fromisoformat(str(attributes[name]))


def parse_suite(name: object) -> bbs.Ciphersuite:
    """The ciphersuite a document names; :class:`DecodeError` for any other value."""
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
        key = cls(parse_suite(obj["suite"]), hex_bytes(obj["public_key"], "public_key", 96))
        if obj["key_id"] != key.key_id:
            raise DecodeError("issuer public key: key_id does not match the key")
        return key


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
        return date_attribute(self.schema, self.attributes, ISSUANCE_ATTRIBUTE)

    @property
    def valid_through(self) -> dt.date | None:
        """The last day the credential is valid (its ``expiry_date``), if it has one."""
        return date_attribute(self.schema, self.attributes, EXPIRY_ATTRIBUTE)

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
    def from_json(cls, text: str | bytes, *, schemas: SchemaRegistry | None = None) -> Credential:
        """Parse (not verify) a credential of a schema in ``schemas`` (default:
        the built-in ones); see :func:`~zkattest.accept_credential`."""
        obj = parse_json_object(text, _CREDENTIAL_TYPE)
        require_fields(
            obj,
            {"type", "version", "schema", "issuer", "attributes", "signature"},
            _CREDENTIAL_TYPE,
        )
        if not isinstance(obj["schema"], str):
            raise DecodeError("credential schema must be a string")
        try:
            schema = (DEFAULT_SCHEMAS if schemas is None else schemas).get(obj["schema"])
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
