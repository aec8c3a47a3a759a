"""The issuer's operations: its secret key, and signing investor credentials.

A KYC provider verifies a person offline, then signs the person's attributes
with :func:`issue_credential` under its :class:`IssuerSecretKey`; it publishes
the matching :class:`~zkattest.IssuerPublicKey` (``key.public_key().to_json()``)
for holders and verifiers. An issuer signs only a credential valid today.

A secret key's ``repr`` is redacted and it is written to JSON only through the
explicitly named :meth:`IssuerSecretKey.to_json_secret`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Mapping

from zkattest._credential import (
    ISSUANCE_ATTRIBUTE,
    Credential,
    IssuerPublicKey,
    date_attribute,
    parse_suite,
)
from zkattest.codec import (
    FORMAT_VERSION,
    hex_bytes,
    parse_json_object,
    require_fields,
)
from zkattest.errors import (
    InvalidInputError,
    IssuanceError,
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
    typed_api_id,
)

__all__ = [
    "IssuerSecretKey",
    "issue_credential",
]


_SECRET_KEY_TYPE = "zkattest/issuer-secret-key"  # noqa: S105 - a document type, not a secret


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
        return cls(hex_bytes(obj["secret_key"], "secret_key", 32), parse_suite(obj["suite"]))

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
    issued = date_attribute(schema, attributes, ISSUANCE_ATTRIBUTE)
    expiry = date_attribute(schema, attributes, EXPIRY_ATTRIBUTE)
    if expiry is not None and expiry < today:
        raise IssuanceError(
            f"{EXPIRY_ATTRIBUTE} ({expiry}) is before today ({today}, UTC): "
            "the credential would already be expired"
        )
    if issued is not None and issued > today:
        raise IssuanceError(
            f"{ISSUANCE_ATTRIBUTE} ({issued}) is after today ({today}, UTC): "
            "the credential would not be valid yet"
        )
