"""The presentation's wire types: the verifier's challenge, the wallet's answer, the result.

A :class:`Challenge` is what a verifier hands a wallet (everything the proof is
bound to), a :class:`Presentation` what the wallet sends back (public metadata
and the proof bytes, :mod:`zkattest.composite.engine`), and a
:class:`VerifiedPresentation` what the verifier learns from one that verifies.
Canonical, versioned JSON through :mod:`zkattest.codec`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zkattest.circuits import (
    DEFAULT_CIRCUITS,
    MAX_CREDENTIALS,
    SINGLE_CREDENTIAL,
    Circuit,
    CircuitRegistry,
)
from zkattest.codec import (
    FORMAT_VERSION,
    check_json_object,
    hex_bytes,
    parse_date,
    parse_json_object,
    parse_utc,
    require_fields,
    utc_text,
)
from zkattest.context import MAX_HORIZON_DAYS, PresentationContext, normalize_wallet_address
from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    PolicyError,
)
from zkattest.schema import (
    canonical_json,
)

__all__ = [
    "MAX_HORIZON_DAYS",
    "MAX_PROOF_BYTES",
    "Challenge",
    "Presentation",
    "PresentedCredential",
    "VerifiedPresentation",
]

_SLOT_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


_CHALLENGE_TYPE = "zkattest/challenge"


_PRESENTATION_TYPE = "zkattest/presentation"


_MIN_LIFETIME = dt.timedelta(seconds=1)


_MAX_LIFETIME = dt.timedelta(days=1)


#: Presentations larger than this are refused before any curve arithmetic.
MAX_PROOF_BYTES = 64 * 1024


@dataclass(frozen=True)
class Challenge:
    """What a verifier hands a wallet: everything the presentation must be bound to.

    ``today`` is the verifier's date for relative-date predicates.
    ``horizon_days`` is the admission horizon, one of
    :data:`~zkattest.context.HORIZON_STEPS` (0 to :data:`MAX_HORIZON_DAYS`):
    the presentation shows ``expiry_date >= today + horizon_days`` (or the
    circuit's own bound, if later), so an admission granted on it can last
    through that date (:attr:`VerifiedPresentation.valid_through`). 0, the
    default, asks for a credential valid today only.
    """

    challenge_id: str
    nonce: bytes
    verifier_domain: str
    circuit_id: str
    circuit_hash: bytes
    wallet_address: str
    chain_id: int
    today: dt.date
    expires_at: dt.datetime
    circuit_params: Mapping[str, int] = field(default_factory=dict)
    horizon_days: int = 0
    #: The oldest registry state a revocable credential may be proven against:
    #: one the issuer published at or after this time (None: the verifier
    #: sets no bound in the challenge; its own ``max_state_age`` applies).
    registry_not_before: dt.datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.challenge_id, str) or not 0 < len(self.challenge_id) <= 64:
            raise InvalidInputError("challenge id must be 1 to 64 characters")
        bound = self.registry_not_before
        if bound is not None and (not isinstance(bound, dt.datetime) or bound.tzinfo is None):
            raise InvalidInputError("registry_not_before must be a timezone-aware datetime")
        object.__setattr__(self, "wallet_address", normalize_wallet_address(self.wallet_address))
        if self.expires_at.tzinfo is None:
            raise InvalidInputError("expires_at must be timezone-aware")
        self.context()  # validates the remaining fields

    @classmethod
    def create(
        cls,
        circuit: Circuit,
        *,
        verifier_domain: str,
        wallet_address: str,
        chain_id: int,
        lifetime: dt.timedelta = dt.timedelta(minutes=5),
        now: dt.datetime | None = None,
        horizon_days: int = 0,
        max_state_age: dt.timedelta | None = None,
    ) -> Challenge:
        """A fresh challenge with a random 32-byte nonce, valid for ``lifetime``
        (1 second to 1 day), asking for a credential valid ``horizon_days``
        (one of :data:`~zkattest.context.HORIZON_STEPS`) past today, and, with
        ``max_state_age``, proven against registry states published no earlier
        than ``now - max_state_age`` (:attr:`registry_not_before`)."""
        if max_state_age is not None and (
            not isinstance(max_state_age, dt.timedelta) or max_state_age <= dt.timedelta(0)
        ):
            raise InvalidInputError("max_state_age must be a positive timedelta")
        if not isinstance(lifetime, dt.timedelta) or not (
            _MIN_LIFETIME <= lifetime <= _MAX_LIFETIME
        ):
            raise InvalidInputError("a challenge's lifetime must be 1 second to 1 day")
        now = now or dt.datetime.now(dt.UTC)
        return cls(
            challenge_id=secrets.token_urlsafe(16),
            nonce=secrets.token_bytes(32),
            verifier_domain=verifier_domain,
            circuit_id=circuit.id,
            circuit_hash=circuit.circuit_hash,
            wallet_address=wallet_address,
            chain_id=chain_id,
            today=now.astimezone(dt.UTC).date(),
            expires_at=(now + lifetime).replace(microsecond=0),
            circuit_params=dict(circuit.params),
            horizon_days=horizon_days,
            registry_not_before=None
            if max_state_age is None
            else (now - max_state_age).replace(microsecond=0),
        )

    def context(self) -> PresentationContext:
        return PresentationContext(
            circuit_id=self.circuit_id,
            circuit_hash=self.circuit_hash,
            verifier_domain=self.verifier_domain,
            nonce=self.nonce,
            wallet_address=self.wallet_address,
            chain_id=self.chain_id,
            today=self.today,
            horizon_days=self.horizon_days,
        )

    def circuit(self, circuits: CircuitRegistry | None = None) -> Circuit:
        """The circuit this challenge names, from ``circuits`` (default: the
        built-in ones, :data:`~zkattest.circuits.DEFAULT_CIRCUITS`), checked
        against its hash."""
        registry = DEFAULT_CIRCUITS if circuits is None else circuits
        circuit = registry.get(self.circuit_id, params=dict(self.circuit_params) or None)
        if circuit.circuit_hash != self.circuit_hash:
            raise PolicyError("the challenge's circuit hash does not match the known circuit")
        return circuit

    def to_json(self) -> str:
        extra = (
            {}
            if self.registry_not_before is None
            else {"registry_not_before": utc_text(self.registry_not_before)}
        )
        return canonical_json(
            extra
            | {
                "type": _CHALLENGE_TYPE,
                "version": FORMAT_VERSION,
                "challenge_id": self.challenge_id,
                "nonce": self.nonce.hex(),
                "verifier_domain": self.verifier_domain,
                "circuit_id": self.circuit_id,
                "circuit_hash": self.circuit_hash.hex(),
                "circuit_params": dict(self.circuit_params),
                "wallet_address": self.wallet_address,
                "chain_id": self.chain_id,
                "today": self.today.isoformat(),
                "horizon_days": self.horizon_days,
                "expires_at": utc_text(self.expires_at),
            }
        ).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> Challenge:
        obj = parse_json_object(text, _CHALLENGE_TYPE)
        require_fields(
            obj,
            {
                "type",
                "version",
                "challenge_id",
                "nonce",
                "verifier_domain",
                "circuit_id",
                "circuit_hash",
                "circuit_params",
                "wallet_address",
                "chain_id",
                "today",
                "horizon_days",
                "expires_at",
            }
            | ({"registry_not_before"} & set(obj)),
            _CHALLENGE_TYPE,
        )
        params = obj["circuit_params"]
        if not isinstance(params, dict) or not all(
            isinstance(k, str) and type(v) is int for k, v in params.items()
        ):
            raise DecodeError("circuit_params must map names to integers")
        nonce = obj["nonce"]
        if not isinstance(nonce, str) or not 32 <= len(nonce) <= 128 or len(nonce) % 2:
            raise DecodeError("nonce must be 16 to 64 bytes of hex")
        try:
            return cls(
                challenge_id=obj["challenge_id"],
                nonce=hex_bytes(nonce, "nonce", len(nonce) // 2),
                verifier_domain=obj["verifier_domain"],
                circuit_id=obj["circuit_id"],
                circuit_hash=hex_bytes(obj["circuit_hash"], "circuit_hash", 32),
                wallet_address=obj["wallet_address"],
                chain_id=obj["chain_id"],
                today=parse_date(obj["today"], "today"),
                expires_at=parse_utc(obj["expires_at"], "expires_at"),
                circuit_params=params,
                horizon_days=obj["horizon_days"],
                registry_not_before=parse_utc(obj["registry_not_before"], "registry_not_before")
                if "registry_not_before" in obj
                else None,
            )
        except InvalidInputError as exc:
            if isinstance(exc, DecodeError):
                raise
            raise DecodeError(f"challenge: {exc}") from None


@dataclass(frozen=True)
class PresentedCredential:
    """One credential of a presentation: its slot's name in the circuit, the
    key id of the issuer that signed it, the attribute values it discloses,
    and (a revocable credential) the epoch of the issuer's registry state its
    membership is proven in."""

    name: str
    issuer_key_id: str
    disclosed: Mapping[str, Any]
    registry_epoch: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or _SLOT_NAME.fullmatch(self.name) is None:
            raise DecodeError("a credential's name must match [a-z][a-z0-9_]*")
        if not isinstance(self.issuer_key_id, str) or not 0 < len(self.issuer_key_id) <= 128:
            raise DecodeError("issuer_key_id must be a string")
        if not isinstance(self.disclosed, Mapping):
            raise DecodeError("disclosed must be an object")
        epoch = self.registry_epoch
        if epoch is not None and (type(epoch) is not int or not 0 <= epoch < 2**53):
            raise DecodeError("registry_epoch must be a non-negative integer")

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "issuer_key_id": self.issuer_key_id,
            "disclosed": dict(self.disclosed),
        }
        return out | self.epoch_field()

    def epoch_field(self) -> dict[str, Any]:
        """``{"registry_epoch": n}`` for a revocable credential, else nothing."""
        return {} if self.registry_epoch is None else {"registry_epoch": self.registry_epoch}

    @classmethod
    def from_dict(cls, obj: object) -> PresentedCredential:
        fields = {"name", "issuer_key_id", "disclosed"}
        if not isinstance(obj, dict) or not fields <= set(obj) <= fields | {"registry_epoch"}:
            raise DecodeError(
                "each of credentials is an object of name, issuer_key_id, disclosed"
                " (and registry_epoch)"
            )
        return cls(obj["name"], obj["issuer_key_id"], obj["disclosed"], obj.get("registry_epoch"))


def _one(credentials: tuple[PresentedCredential, ...], what: str) -> PresentedCredential:
    if len(credentials) != 1:
        names = ", ".join(c.name for c in credentials)
        raise InvalidInputError(
            f"a presentation of {len(credentials)} credentials ({names}) has no single {what};"
            " read .credentials"
        )
    return credentials[0]


def _check_credentials(value: object) -> tuple[PresentedCredential, ...]:
    if not isinstance(value, (tuple, list)) or not all(
        isinstance(c, PresentedCredential) for c in value
    ):
        raise DecodeError("credentials must be a list of PresentedCredential")
    if not 0 < len(value) <= MAX_CREDENTIALS:
        raise DecodeError(f"a presentation has 1 to {MAX_CREDENTIALS} credentials")
    if len({c.name for c in value}) != len(value):
        raise DecodeError("two credentials of a presentation share a name")
    return tuple(value)


class _PerCredential:
    """What a presentation, or its verified result, says per credential slot."""

    credentials: tuple[PresentedCredential, ...]

    @property
    def issuer_key_id(self) -> str:
        """The issuer key id of a one-credential presentation."""
        return _one(self.credentials, "issuer").issuer_key_id

    @property
    def disclosed(self) -> Mapping[str, Any]:
        """The disclosed values of a one-credential presentation."""
        return _one(self.credentials, "disclosure").disclosed

    @property
    def issuer_key_ids(self) -> tuple[str, ...]:
        """Every credential's issuer key id, in slot order."""
        return tuple(c.issuer_key_id for c in self.credentials)


@dataclass(frozen=True)
class Presentation(_PerCredential):
    """What the wallet sends: public metadata and the proof bytes.

    ``credentials``: one :class:`PresentedCredential` per credential slot of
    the circuit, in slot order. A one-credential circuit's presentation has
    one, named :data:`~zkattest.circuits.SINGLE_CREDENTIAL`, written on the
    wire as ``issuer_key_id`` and ``disclosed`` (the ``zkattest/presentation/v1``
    fields); one of several credentials writes a ``credentials`` list.
    """

    challenge_id: str
    circuit_id: str
    circuit_hash: bytes
    wallet_address: str
    chain_id: int
    credentials: tuple[PresentedCredential, ...]
    proof: bytes
    #: The holder's pseudonym for the verifier's domain (48 bytes, a G1 point),
    #: proven in ``proof`` from the credentials' hidden nym secret; None for an
    #: unbound credential.
    pseudonym: bytes | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "credentials", _check_credentials(self.credentials))

    def to_json(self) -> str:
        body: dict[str, Any] = {"pseudonym": self.pseudonym.hex()} if self.pseudonym else {}
        only = self.credentials[0]
        if len(self.credentials) == 1 and only.name == SINGLE_CREDENTIAL:
            body |= {"issuer_key_id": only.issuer_key_id, "disclosed": dict(only.disclosed)}
            body |= only.epoch_field()
        else:
            body["credentials"] = [c.to_dict() for c in self.credentials]
        return canonical_json(
            body
            | {
                "type": _PRESENTATION_TYPE,
                "version": FORMAT_VERSION,
                "challenge_id": self.challenge_id,
                "circuit_id": self.circuit_id,
                "circuit_hash": self.circuit_hash.hex(),
                "wallet_address": self.wallet_address,
                "chain_id": self.chain_id,
                "proof": base64.b64encode(self.proof).decode(),
            }
        ).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> Presentation:
        return cls.from_dict(parse_json_object(text, _PRESENTATION_TYPE))

    @classmethod
    def from_dict(cls, obj: object) -> Presentation:
        """From an already-parsed JSON object (e.g. inside an HTTP request body)."""
        obj = check_json_object(obj, _PRESENTATION_TYPE)
        several = "credentials" in obj
        require_fields(
            obj,
            {"type", "version", "challenge_id", "circuit_id", "circuit_hash"}
            | {"wallet_address", "chain_id", "proof"}
            | ({"credentials"} if several else {"issuer_key_id", "disclosed"})
            | ({"pseudonym"} & set(obj))
            | (set() if several else {"registry_epoch"} & set(obj)),
            _PRESENTATION_TYPE,
        )
        for name in ("challenge_id", "circuit_id", "wallet_address", "proof"):
            if not isinstance(obj[name], str):
                raise DecodeError(f"{name} must be a string")
        if type(obj["chain_id"]) is not int:
            raise DecodeError("chain_id must be an integer")
        if several:
            listed = obj["credentials"]
            if not isinstance(listed, list) or not 0 < len(listed) <= MAX_CREDENTIALS:
                raise DecodeError(f"credentials must be a list of 1 to {MAX_CREDENTIALS} objects")
            credentials = tuple(PresentedCredential.from_dict(c) for c in listed)
            if len(credentials) == 1 and credentials[0].name == SINGLE_CREDENTIAL:
                # one spelling per presentation: that one is issuer_key_id and disclosed
                raise DecodeError("a one-credential presentation gives issuer_key_id and disclosed")
        else:
            if not isinstance(obj["issuer_key_id"], str):
                raise DecodeError("issuer_key_id must be a string")
            if not isinstance(obj["disclosed"], dict):
                raise DecodeError("disclosed must be an object")
            credentials = (
                PresentedCredential(
                    SINGLE_CREDENTIAL,
                    obj["issuer_key_id"],
                    obj["disclosed"],
                    obj.get("registry_epoch"),
                ),
            )
        if len(obj["proof"]) > 4 * MAX_PROOF_BYTES // 3 + 4:
            raise DecodeError("proof too large")
        try:
            proof = base64.b64decode(obj["proof"], validate=True)
        except (binascii.Error, ValueError):
            raise DecodeError("proof is not valid base64") from None
        # One spelling per proof: non-zero padding bits would give the same bytes
        # under another text (and another digest of the document).
        if base64.b64encode(proof).decode() != obj["proof"]:
            raise DecodeError("proof is not canonical base64")
        try:
            wallet = normalize_wallet_address(obj["wallet_address"])
        except InvalidInputError as exc:
            raise DecodeError(str(exc)) from None
        return cls(
            challenge_id=obj["challenge_id"],
            circuit_id=obj["circuit_id"],
            circuit_hash=hex_bytes(obj["circuit_hash"], "circuit_hash", 32),
            wallet_address=wallet,
            chain_id=obj["chain_id"],
            credentials=credentials,
            proof=proof,
            pseudonym=hex_bytes(obj["pseudonym"], "pseudonym", 48) if "pseudonym" in obj else None,
        )


@dataclass(frozen=True)
class VerifiedPresentation(_PerCredential):
    """What a verifier learns from a presentation that verified."""

    circuit_id: str
    circuit_hash: bytes
    wallet_address: str
    chain_id: int
    #: One per credential slot, in slot order: its name, its (trusted) issuer's
    #: key id and the values it disclosed.
    credentials: tuple[PresentedCredential, ...]
    #: The latest date every credential is proven unexpired on (expiry_date >=
    #: this): for each, the later of the circuit's expiry bound and the
    #: challenge's ``today + horizon_days``; the earliest of those. An admission
    #: granted on this presentation should end with this day.
    valid_through: dt.date
    #: The holder's pseudonym for this verifier's domain, hex (bound credentials):
    #: the same for one holder's presentations to this domain, unrelated across
    #: domains. A per-platform identifier, never an attribute.
    pseudonym: str | None = None
