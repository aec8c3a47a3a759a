"""The credential's wire types: an issuer's public key and a signed credential.

A credential is a BBS signature (draft-irtf-cfrg-bbs-signatures, through
zkattest's typed interface :func:`zkattest.schema.typed_api_id`) over the
schema's attributes, each encoded as one message scalar in schema order, with
the schema's :attr:`~zkattest.schema.Schema.header` as the BBS header. It is
valid from its ``issuance_date`` through its ``expiry_date`` (both inclusive,
UTC dates).

A credential *bound to its holder* (:class:`HolderBinding`) is issued blindly
through the pseudonym interface (:mod:`zkattest.hazmat.bbs.pseudonym`, one nym
secret): the holder commits to its ``holder_secret`` and its part of the nym
secret (:class:`CredentialRequest`), and the issuer signs, without learning
either, the ``L`` attribute messages followed by ``secret_prover_blind``,
``holder_secret`` and ``nym_secret = prover_nym + signer_nym_entropy``, with
the header ``schema.header || I2OSP(1, 8)``. Proving with it needs the
holder's :class:`~zkattest.holder.HolderSecret`; each presentation shows the
holder's pseudonym for the verifier's domain.

Both are frozen dataclasses with canonical, versioned JSON (``to_json`` /
``from_json``, through :mod:`zkattest.codec`). The issuer makes them
(:mod:`zkattest.issuer`), the holder keeps and proves with them
(:mod:`zkattest.holder`), the verifier trusts issuer keys (:mod:`zkattest.verifier`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from zkattest.codec import (
    FORMAT_VERSION,
    hex_bytes,
    parse_json_object,
    require_fields,
)
from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    VerificationError,
    ZkAttestError,
)
from zkattest.hazmat import bbs
from zkattest.hazmat.bbs import blind, core, pseudonym
from zkattest.hazmat.curve import G1, G1_BYTES, SCALAR_BYTES, R
from zkattest.schema import (
    DEFAULT_SCHEMAS,
    EXPIRY_ATTRIBUTE,
    JsonValue,
    Schema,
    SchemaRegistry,
    canonical_json,
    typed_api_id,
)

if TYPE_CHECKING:
    from zkattest.holder import HolderSecret
    from zkattest.revocation import HeldWitness, RegistryState

__all__ = [
    "BOUND_MESSAGES",
    "ISSUANCE_ATTRIBUTE",
    "Credential",
    "CredentialRequest",
    "HolderBinding",
    "IssuerPublicKey",
    "bbs_parameters",
    "date_attribute",
    "parse_suite",
]


_PUBLIC_KEY_TYPE = "zkattest/issuer-public-key"


_CREDENTIAL_TYPE = "zkattest/credential"
_REQUEST_TYPE = "zkattest/credential-request"

#: The messages a bound credential signs after its attributes:
#: ``secret_prover_blind``, ``holder_secret``, ``nym_secret``.
BOUND_MESSAGES = 3
#: A bound credential's commitment: ``C``, ``s^``, ``m^`` for ``holder_secret``
#: and ``prover_nym``, and the challenge.
COMMITMENT_BYTES = G1_BYTES + 4 * SCALAR_BYTES


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


class BbsParameters(NamedTuple):
    """What a credential's BBS signature is over: generators ``(Q_1, H_1..)``
    (and, bound, ``(Q_2, J_1, J_2)``), the interface identifier and the header."""

    generators: list[G1]
    api_id: bytes
    header: bytes


#: The header flags (the last 8 bytes of a credential's BBS header, when any is
#: set): bound to a holder, and carrying a revocation handle.
BOUND_FLAG = 1
REVOCABLE_FLAG = 2


def bbs_parameters(
    schema: Schema, suite: bbs.Ciphersuite, *, bound: bool, revocable: bool = False
) -> BbsParameters:
    """The BBS parameters of a credential of ``schema``, bound to a holder or
    not, revocable or not. The issuer's messages are the attributes and, for
    a revocable credential, its revocation handle after them; a bound
    credential's committed messages follow. The header is ``schema.header``,
    then, if a flag is set, ``I2OSP(flags, 8)`` (:data:`BOUND_FLAG`,
    :data:`REVOCABLE_FLAG`)."""
    signer = len(schema.attributes) + (1 if revocable else 0)
    flags = (BOUND_FLAG if bound else 0) | (REVOCABLE_FLAG if revocable else 0)
    header = schema.header + (flags.to_bytes(8, "big") if flags else b"")
    api_id = pseudonym.api_id(suite) if bound else typed_api_id(suite)
    generators = core.create_generators(signer + 1, api_id, suite=suite)
    if bound:
        generators += blind.blind_generators(BOUND_MESSAGES, suite, api_id)
    return BbsParameters(generators, api_id, header)


def _scalar_hex(value: object, what: str, *, nonzero: bool = True) -> int:
    """A 32-byte hex scalar of a document; :class:`DecodeError` otherwise."""
    scalar = int.from_bytes(hex_bytes(value, what, SCALAR_BYTES), "big")
    if scalar >= R or (nonzero and scalar == 0):
        raise DecodeError(f"{what} must be a scalar in [1, r)")
    return scalar


@dataclass(frozen=True)
class HolderBinding:
    """What binds a credential to its holder, besides the holder's own secrets:
    ``signer_nym_entropy`` (the issuer's part of the nym secret, which it
    records per customer) and ``secret_prover_blind`` (the holder's blinding of
    its commitment; ``None`` until the holder accepts the credential). Neither
    reveals the holder secret; the ``repr`` shows neither."""

    signer_nym_entropy: int
    secret_prover_blind: int | None = None

    def __post_init__(self) -> None:
        for value in (self.signer_nym_entropy, self.secret_prover_blind):
            if value is not None and (type(value) is not int or not 0 < value < R):
                raise DecodeError("a binding value must be a scalar in [1, r)")

    def __repr__(self) -> str:
        return "HolderBinding(<redacted>)"

    def to_dict(self) -> dict[str, str]:
        out = {"signer_nym_entropy": f"{self.signer_nym_entropy:064x}"}
        if self.secret_prover_blind is not None:
            out["secret_prover_blind"] = f"{self.secret_prover_blind:064x}"
        return out

    @classmethod
    def from_dict(cls, obj: object) -> HolderBinding:
        if not isinstance(obj, dict) or not {"signer_nym_entropy"} <= set(obj) <= {
            "signer_nym_entropy",
            "secret_prover_blind",
        }:
            raise DecodeError("credential binding must be an object with signer_nym_entropy")
        blind_value = obj.get("secret_prover_blind")
        return cls(
            _scalar_hex(obj["signer_nym_entropy"], "signer_nym_entropy"),
            None if blind_value is None else _scalar_hex(blind_value, "secret_prover_blind"),
        )


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
class CredentialRequest:
    """A holder's request for a bound credential: a blind commitment, with its
    proof of knowledge, to the holder secret and the holder's part of the nym
    secret (draft-irtf-cfrg-bbs-per-verifier-linkability CommitWithNym), for
    one issuer key and schema. It reveals neither secret; it is public."""

    suite: bbs.Ciphersuite
    issuer_key_id: str
    schema_id: str
    commitment: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.commitment, bytes) or len(self.commitment) != COMMITMENT_BYTES:
            raise DecodeError(f"a credential request's commitment is {COMMITMENT_BYTES} bytes")
        if not isinstance(self.issuer_key_id, str) or len(self.issuer_key_id) != 32:
            raise DecodeError("a credential request names its issuer by key_id")
        if not isinstance(self.schema_id, str) or not 0 < len(self.schema_id) <= 128:
            raise DecodeError("a credential request names its schema")

    def to_json(self) -> str:
        return canonical_json(
            {
                "type": _REQUEST_TYPE,
                "version": FORMAT_VERSION,
                "suite": self.suite.name,
                "issuer_key_id": self.issuer_key_id,
                "schema": self.schema_id,
                "commitment": self.commitment.hex(),
            }
        ).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> CredentialRequest:
        obj = parse_json_object(text, _REQUEST_TYPE)
        require_fields(
            obj,
            {"type", "version", "suite", "issuer_key_id", "schema", "commitment"},
            _REQUEST_TYPE,
        )
        return cls(
            parse_suite(obj["suite"]),
            obj["issuer_key_id"],
            obj["schema"],
            hex_bytes(obj["commitment"], "commitment", COMMITMENT_BYTES),
        )


@dataclass(frozen=True)
class Credential:
    """A signed investor credential: schema, issuer key, attribute values,
    signature, and (bound to its holder) the :class:`HolderBinding`.

    A *revocable* credential also signs, hidden, a revocation handle after its
    attributes, and carries the holder's :class:`~zkattest.revocation.HeldWitness`
    of it in the issuer's registry (:attr:`revocation`), brought forward with
    :meth:`follow`.

    Held by the wallet only. ``repr`` hides the attribute values.
    """

    schema: Schema
    issuer: IssuerPublicKey
    attributes: Mapping[str, JsonValue]
    signature: bytes
    binding: HolderBinding | None = None
    revocation: HeldWitness | None = None

    def __repr__(self) -> str:
        bound = ", bound" if self.binding is not None else ""
        if self.revocation is not None:
            bound += f", revocable (epoch {self.revocation.epoch})"
        return (
            f"Credential(schema={self.schema.id}, issuer={self.issuer.key_id}{bound}, <attributes>)"
        )

    @property
    def bound(self) -> bool:
        """Whether the credential is bound to a holder secret."""
        return self.binding is not None

    @property
    def revocable(self) -> bool:
        """Whether the credential carries a revocation handle."""
        return self.revocation is not None

    def follow(self, states: Sequence[RegistryState]) -> Credential:
        """The credential with its witness brought forward through the issuer's
        published ``states`` (:meth:`~zkattest.revocation.HeldWitness.follow`):
        :class:`PolicyError` if it was revoked."""
        if self.revocation is None:
            raise InvalidInputError("the credential is not revocable")
        return dataclasses.replace(self, revocation=self.revocation.follow(states, self.issuer))

    @property
    def valid_from(self) -> dt.date | None:
        """The first day the credential is valid (its ``issuance_date``), if it has one."""
        return date_attribute(self.schema, self.attributes, ISSUANCE_ATTRIBUTE)

    @property
    def valid_through(self) -> dt.date | None:
        """The last day the credential is valid (its ``expiry_date``), if it has one."""
        return date_attribute(self.schema, self.attributes, EXPIRY_ATTRIBUTE)

    def message_scalars(self) -> list[int]:
        """The attribute messages, in schema order."""
        return self.schema.encode(self.attributes, self.issuer.suite)

    def signed_scalars(self, holder: HolderSecret | None = None) -> list[int]:
        """Every signed message: the attributes, the revocation handle (revocable),
        and, bound, ``secret_prover_blind``, ``holder_secret`` and ``nym_secret``
        (which need ``holder``)."""
        messages = self.message_scalars()
        if self.revocation is not None:
            messages.append(self.revocation.handle)
        if self.binding is None:
            return messages
        if holder is None:
            raise InvalidInputError("a bound credential needs its holder secret")
        if self.binding.secret_prover_blind is None:
            raise InvalidInputError("the credential has not been accepted by its holder")
        nym_secret = (holder.prover_nym + self.binding.signer_nym_entropy) % R
        return [
            *messages,
            self.binding.secret_prover_blind,
            holder.holder_secret,
            nym_secret,
        ]

    def nym_secret(self, holder: HolderSecret) -> int:
        """The nym secret behind the holder's pseudonyms (bound credentials)."""
        return self.signed_scalars(holder)[-1]

    def bbs_parameters(self) -> BbsParameters:
        return bbs_parameters(
            self.schema, self.issuer.suite, bound=self.bound, revocable=self.revocable
        )

    def verify(self, holder: HolderSecret | None = None) -> None:
        """Check the issuer's signature over the attributes (and, bound, over
        ``holder``'s secrets); raise VerificationError."""
        suite = self.issuer.suite
        try:
            messages = self.signed_scalars(holder)
        except ZkAttestError:
            raise VerificationError("credential attributes are invalid") from None
        params = self.bbs_parameters()
        core.core_verify(
            self.issuer.public_key,
            self.signature,
            params.generators,
            params.header,
            messages,
            params.api_id,
            suite=suite,
        )

    def with_binding(self, binding: HolderBinding) -> Credential:
        return dataclasses.replace(self, binding=binding)

    def to_json(self) -> str:
        body: dict[str, object] = {
            "type": _CREDENTIAL_TYPE,
            "version": FORMAT_VERSION,
            "schema": self.schema.id,
            "issuer": json.loads(self.issuer.to_json()),
            "attributes": dict(self.attributes),
            "signature": self.signature.hex(),
        }
        if self.binding is not None:
            body["binding"] = self.binding.to_dict()
        if self.revocation is not None:
            body["revocation"] = self.revocation.to_dict()
        return canonical_json(body).decode()

    @classmethod
    def from_json(cls, text: str | bytes, *, schemas: SchemaRegistry | None = None) -> Credential:
        """Parse (not verify) a credential of a schema in ``schemas`` (default:
        the built-in ones); see :func:`~zkattest.accept_credential`."""
        obj = parse_json_object(text, _CREDENTIAL_TYPE)
        fields = {"type", "version", "schema", "issuer", "attributes", "signature"}
        require_fields(obj, fields | ({"binding", "revocation"} & set(obj)), _CREDENTIAL_TYPE)
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
        binding = HolderBinding.from_dict(obj["binding"]) if "binding" in obj else None
        revocation = None
        if "revocation" in obj:
            from zkattest.revocation import HeldWitness  # (a cycle: it imports this module)

            revocation = HeldWitness.from_dict(obj["revocation"])
        return cls(
            schema,
            issuer,
            attributes,
            hex_bytes(obj["signature"], "signature", 80),
            binding,
            revocation,
        )
