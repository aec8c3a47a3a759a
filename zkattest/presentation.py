r"""Eligibility presentations: a BBS proof plus predicate proofs, under one challenge.

Statement (``docs/notes/predicates.md`` has the derivation)::

    PK{(A, e, (m_j)_{j hidden}, (γ_k)_k) :
         BBS(W; header; m_1..m_L)                          draft-irtf-cfrg-bbs-signatures-09
       ∧ C_k = m_k·G + γ_k·H                                for each attribute a predicate uses
       ∧ m_k − t ∈ [0, 2^n) / t − m_k ∈ [0, 2^n)            >=, <=, between (Bulletproofs)
       ∧ G = a·(C_k − v·G) + b·H                            != v, and not_in as several !=
       ∧ ∨_{s∈S} C_k − s·G = γ_k·H                          in S (CDS OR-proof) }

``==`` a public value is BBS disclosure of that message with the value supplied
by the verifier from the circuit, so the presentation never carries it. The
transcript binds, in order: the context (:class:`~zkattest.context.PresentationContext`),
the issuer key, the commitments ``C_k``, the range proof, the sigma
commitments; its digest is the BBS ``presentation_header``, and the BBS
challenge ``c`` answers every sigma protocol. The opening proof of ``C_k``
reuses the BBS blinding ``m~_k``, so its response for ``m_k`` is the BBS
response ``m^_k``: that links each commitment to the signed message.

Wire format of the proof bytes (every length follows from circuit and schema;
:func:`_layout` is where it is written, and :class:`_PresentationProof` reads and
writes by it)::

    0x01 || bbs_proof || C_k* || (V_pad* || range_proof)* || T_lin* || γ^_k* || (a^, b^)*
         || per `in`: T_s* || c_s* (all but the last) || z_s*
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zkattest.circuits import Circuit, ResolvedPredicate, get_circuit
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
from zkattest.composite.engine import prove_statement, verify_statement
from zkattest.composite.statement import compile_circuit, holds
from zkattest.context import MAX_HORIZON_DAYS, PresentationContext, normalize_wallet_address
from zkattest.credentials import Credential, IssuerPublicKey
from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    PolicyError,
    VerificationError,
    ZkAttestError,
)
from zkattest.hazmat.sigma import (
    random_scalar,
)
from zkattest.schema import (
    DATE_EPOCH,
    EXPIRY_ATTRIBUTE,
    DateType,
    canonical_json,
)

__all__ = [
    "MAX_HORIZON_DAYS",
    "Challenge",
    "Presentation",
    "VerifiedPresentation",
    "accept_challenge",
    "prove",
    "verify",
]

PROOF_FORMAT = 1
_TRANSCRIPT_PROTOCOL = b"zkattest/presentation/v1"
_CHALLENGE_TYPE = "zkattest/challenge"
_PRESENTATION_TYPE = "zkattest/presentation"
_MIN_LIFETIME = dt.timedelta(seconds=1)
_MAX_LIFETIME = dt.timedelta(days=1)
# How far a challenge's `today` may be from the holder's UTC date: time zones,
# and a challenge issued just before midnight and answered just after.
_MAX_DATE_SKEW = dt.timedelta(days=1)
#: Presentations larger than this are refused before any curve arithmetic.
MAX_PROOF_BYTES = 64 * 1024

Rng = Callable[[], int]


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

    def __post_init__(self) -> None:
        if not isinstance(self.challenge_id, str) or not 0 < len(self.challenge_id) <= 64:
            raise InvalidInputError("challenge id must be 1 to 64 characters")
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
    ) -> Challenge:
        """A fresh challenge with a random 32-byte nonce, valid for ``lifetime``
        (1 second to 1 day), asking for a credential valid ``horizon_days``
        (one of :data:`~zkattest.context.HORIZON_STEPS`) past today."""
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

    def circuit(self) -> Circuit:
        """The built-in circuit this challenge names, checked against its hash."""
        circuit = get_circuit(self.circuit_id, params=dict(self.circuit_params) or None)
        if circuit.circuit_hash != self.circuit_hash:
            raise PolicyError("the challenge's circuit hash does not match the known circuit")
        return circuit

    def to_json(self) -> str:
        return canonical_json(
            {
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
            },
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
            )
        except InvalidInputError as exc:
            if isinstance(exc, DecodeError):
                raise
            raise DecodeError(f"challenge: {exc}") from None


@dataclass(frozen=True)
class Presentation:
    """What the wallet sends: public metadata and the proof bytes."""

    challenge_id: str
    circuit_id: str
    circuit_hash: bytes
    wallet_address: str
    chain_id: int
    issuer_key_id: str
    disclosed: Mapping[str, Any]
    proof: bytes

    def to_json(self) -> str:
        return canonical_json(
            {
                "type": _PRESENTATION_TYPE,
                "version": FORMAT_VERSION,
                "challenge_id": self.challenge_id,
                "circuit_id": self.circuit_id,
                "circuit_hash": self.circuit_hash.hex(),
                "wallet_address": self.wallet_address,
                "chain_id": self.chain_id,
                "issuer_key_id": self.issuer_key_id,
                "disclosed": dict(self.disclosed),
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
        require_fields(
            obj,
            {
                "type",
                "version",
                "challenge_id",
                "circuit_id",
                "circuit_hash",
                "wallet_address",
                "chain_id",
                "issuer_key_id",
                "disclosed",
                "proof",
            },
            _PRESENTATION_TYPE,
        )
        for name in ("challenge_id", "circuit_id", "issuer_key_id", "wallet_address", "proof"):
            if not isinstance(obj[name], str):
                raise DecodeError(f"{name} must be a string")
        if type(obj["chain_id"]) is not int:
            raise DecodeError("chain_id must be an integer")
        if not isinstance(obj["disclosed"], dict):
            raise DecodeError("disclosed must be an object")
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
            issuer_key_id=obj["issuer_key_id"],
            disclosed=obj["disclosed"],
            proof=proof,
        )


@dataclass(frozen=True)
class VerifiedPresentation:
    """What a verifier learns from a presentation that verified."""

    circuit_id: str
    circuit_hash: bytes
    wallet_address: str
    chain_id: int
    issuer_key_id: str
    disclosed: Mapping[str, Any]
    #: The latest date the credential is proven unexpired on (expiry_date >= this):
    #: the later of the circuit's expiry bound and the challenge's ``today +
    #: horizon_days``. An admission granted on this presentation should end with
    #: this day.
    valid_through: dt.date


def _expiry_bound(circuit: Circuit, today: dt.date, horizon_days: int) -> dt.date:
    """The latest lower bound the circuit, resolved with the horizon, puts on the expiry date."""
    bounds = [
        p.values[0]
        for p in circuit.resolve(today, horizon_days=horizon_days)
        if p.attribute == EXPIRY_ATTRIBUTE and p.op in (">=", "between")
    ]
    return DATE_EPOCH + dt.timedelta(days=max(bounds))


def _unsatisfied(p: ResolvedPredicate, challenge: Challenge) -> str:
    """Why the holder refuses: the predicate, never the credential's value."""
    horizon = challenge.horizon_days
    if horizon and p.attribute == EXPIRY_ATTRIBUTE and p.lower is not None:
        floor = challenge.today + dt.timedelta(days=horizon)
        if p.lower == DateType().date_to_scalar(floor):
            return (
                f"the credential does not satisfy {EXPIRY_ATTRIBUTE} >= today + {horizon} days"
                " (the challenge's admission horizon)"
            )
    return f"the credential does not satisfy {p.attribute} {p.op} the circuit's value"


# ---------------------------------------------------------------------------
# Holder
# ---------------------------------------------------------------------------


def accept_challenge(challenge: Challenge, *, now: dt.datetime | None = None) -> Circuit:
    """The holder's checks on a challenge before anything is proven; the circuit to prove.

    A wallet that proved whatever it was asked would be an oracle: a verifier
    choosing ``today`` and the circuit's parameters can bisect a hidden date
    (a birth date falls in about 14 challenges on ``majority_age`` and
    ``today``). So the holder answers only what an honest verifier sends, by
    its own clock ``now`` (timezone-aware; default: the system clock). It
    refuses with :class:`PolicyError` a challenge that has expired, that is
    valid for more than one day from ``now`` (the longest lifetime
    :meth:`Challenge.create` gives), or whose ``today`` is more than one day
    from ``now``'s UTC date; and, as :meth:`Challenge.circuit` does, an unknown
    circuit or parameters outside the circuit's declared bounds
    (:class:`InvalidInputError`) or a circuit hash that does not match
    (:class:`PolicyError`).
    """
    if now is None:
        now = dt.datetime.now(dt.UTC)
    elif not isinstance(now, dt.datetime) or now.utcoffset() is None:
        raise InvalidInputError("now must be a timezone-aware datetime")
    if now > challenge.expires_at:
        raise PolicyError("the challenge has expired")
    if challenge.expires_at - now > _MAX_LIFETIME:
        raise PolicyError(
            f"the challenge is valid for more than 1 day from now (until"
            f" {utc_text(challenge.expires_at)}); a wallet answers only short-lived challenges"
        )
    clock_date = now.astimezone(dt.UTC).date()
    if abs(challenge.today - clock_date) > _MAX_DATE_SKEW:
        raise PolicyError(
            f"the challenge's date ({challenge.today}) is more than one day from this wallet's"
            f" clock ({clock_date}, UTC)"
        )
    return challenge.circuit()


def prove(
    credential: Credential,
    challenge: Challenge,
    *,
    rng: Rng | None = None,
    now: dt.datetime | None = None,
) -> Presentation:
    """The holder's recipe: prove the challenge's circuit on ``credential``.

    ``rng`` gives every random scalar of the proof (the BBS proof's included;
    default: the operating system's CSPRNG), so that fixed inputs give a fixed
    presentation. ``now`` is the holder's clock (timezone-aware; default: the
    system clock). Refuses a challenge :func:`accept_challenge` refuses, and with
    :class:`PolicyError` (naming the predicate, never a value) a credential
    that does not satisfy the circuit.
    """
    draw = rng or random_scalar
    circuit = accept_challenge(challenge, now=now)
    if circuit.schema.id != credential.schema.id:
        raise PolicyError("the circuit is for another credential schema")
    messages = credential.message_scalars()
    for p in circuit.resolve(challenge.today, horizon_days=challenge.horizon_days):
        if not holds(p, messages[p.index]):
            raise PolicyError(_unsatisfied(p, challenge))
    statement = compile_circuit(circuit, credential.issuer, challenge.today, challenge.horizon_days)
    proof = prove_statement(statement, [credential], challenge.context(), rng=draw)
    slot = statement.credentials[0]
    disclosed_values = {
        circuit.schema.attributes[i].name: credential.attributes[circuit.schema.attributes[i].name]
        for i, fixed in slot.disclosed.items()
        if fixed is None
    }
    return Presentation(
        challenge_id=challenge.challenge_id,
        circuit_id=circuit.id,
        circuit_hash=circuit.circuit_hash,
        wallet_address=challenge.wallet_address,
        chain_id=challenge.chain_id,
        issuer_key_id=credential.issuer.key_id,
        disclosed=disclosed_values,
        proof=proof.to_bytes(statement),
    )


# ---------------------------------------------------------------------------
# Verifier
# ---------------------------------------------------------------------------


def verify(
    presentation: Presentation,
    challenge: Challenge,
    trusted_issuers: Mapping[str, IssuerPublicKey] | IssuerPublicKey,
    *,
    now: dt.datetime | None = None,
) -> VerifiedPresentation:
    """The verifier's recipe: check ``presentation`` against its own ``challenge``.

    Raises :class:`VerificationError` for anything that does not verify, from
    a mismatched field to a malformed or false proof, with no further detail.
    """
    try:
        return _verify(presentation, challenge, trusted_issuers, now)
    except VerificationError:
        raise
    except ZkAttestError:
        raise VerificationError("presentation refused") from None


def _verify(
    presentation: Presentation,
    challenge: Challenge,
    trusted_issuers: Mapping[str, IssuerPublicKey] | IssuerPublicKey,
    now: dt.datetime | None,
) -> VerifiedPresentation:
    if isinstance(trusted_issuers, IssuerPublicKey):
        trusted_issuers = {trusted_issuers.key_id: trusted_issuers}
    issuer = trusted_issuers.get(presentation.issuer_key_id)
    if issuer is None:
        raise VerificationError("presentation refused", reason="untrusted_issuer")
    if (now or dt.datetime.now(dt.UTC)) > challenge.expires_at:
        raise VerificationError("presentation refused", reason="expired")
    if (
        presentation.challenge_id != challenge.challenge_id
        or presentation.circuit_id != challenge.circuit_id
        or presentation.circuit_hash != challenge.circuit_hash
        or presentation.wallet_address != challenge.wallet_address
        or presentation.chain_id != challenge.chain_id
    ):
        raise VerificationError("presentation refused", reason="context_mismatch")
    if len(presentation.proof) > MAX_PROOF_BYTES:
        raise VerificationError("presentation refused")
    circuit = challenge.circuit()
    schema = circuit.schema
    statement = compile_circuit(circuit, issuer, challenge.today, challenge.horizon_days)
    slot = statement.credentials[0]

    # Disclosed values: those the holder reveals, re-encoded, and those the circuit fixes.
    revealed = {schema.attributes[i].name for i, fixed in slot.disclosed.items() if fixed is None}
    if set(presentation.disclosed) != revealed:
        raise VerificationError("presentation refused")
    disclosed_scalars: dict[int, int] = {}
    for i, fixed in slot.disclosed.items():
        if fixed is None:
            attribute = schema.attributes[i]
            disclosed_scalars[i] = attribute.encode(
                presentation.disclosed[attribute.name], issuer.suite
            )
        else:
            disclosed_scalars[i] = fixed
    for p in slot.clear:
        if not holds(p, disclosed_scalars[p.index]):
            raise VerificationError("presentation refused")
    verify_statement(statement, presentation.proof, challenge.context(), [disclosed_scalars])
    return VerifiedPresentation(
        circuit_id=circuit.id,
        circuit_hash=circuit.circuit_hash,
        wallet_address=challenge.wallet_address,
        chain_id=challenge.chain_id,
        issuer_key_id=issuer.key_id,
        disclosed=dict(presentation.disclosed),
        valid_through=_expiry_bound(circuit, challenge.today, challenge.horizon_days),
    )
