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
from typing import Any, Literal, NamedTuple

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
from zkattest.context import MAX_HORIZON_DAYS, PresentationContext, normalize_wallet_address
from zkattest.credentials import Credential, IssuerPublicKey
from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    PolicyError,
    VerificationError,
    ZkAttestError,
)
from zkattest.hazmat import bulletproofs, labels
from zkattest.hazmat.bbs import core
from zkattest.hazmat.curve import G1, G1_BYTES, SCALAR_BYTES, R, get_backend, scalar_to_bytes
from zkattest.hazmat.pedersen import pedersen_generators
from zkattest.hazmat.sigma import (
    LinearProver,
    LinearRelation,
    SetMembershipProof,
    SetMembershipProver,
    random_scalar,
    verify_linear,
    verify_set_membership,
)
from zkattest.hazmat.transcript import Transcript
from zkattest.schema import (
    DATE_EPOCH,
    EXPIRY_ATTRIBUTE,
    DateType,
    EnumType,
    canonical_json,
    typed_api_id,
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


# ---------------------------------------------------------------------------
# The plan: what each predicate becomes, derived identically by both sides
# ---------------------------------------------------------------------------


class RangePart(NamedTuple):
    """``m − bound ∈ [0, 2^bits)`` (side ``"ge"``) or ``bound − m ∈ [0, 2^bits)``
    (``"le"``), for ``m`` the message at index ``message``."""

    message: int
    side: Literal["ge", "le"]
    bound: int
    bits: int


class NotEqualPart(NamedTuple):
    """``m ≠ value`` for ``m`` the message at index ``message``."""

    message: int
    value: int


class SetPart(NamedTuple):
    """``m ∈ members`` for ``m`` the message at index ``message``."""

    message: int
    members: tuple[int, ...]


@dataclass
class _Plan:
    """The statement a circuit compiles to on one date: which messages are
    disclosed (and which of those the verifier fixes), which are committed to,
    and the predicate parts on the committed ones."""

    L: int
    disclosed: dict[int, int | None]  # index -> scalar fixed by the verifier, None: holder reveals
    committed: list[int]
    ranges: list[RangePart]
    not_equal: list[NotEqualPart]
    sets: list[SetPart]
    clear: list[ResolvedPredicate]  # predicates on disclosed attributes, checked in the clear

    def range_groups(self) -> list[tuple[int, list[RangePart]]]:
        """Aggregated range proofs to make: ``(n, ranges)``, cheapest first-found split.

        Proving costs about ``n·m`` (m padded to a power of two): one proof at the
        widest ``n``, or one proof per width, whichever is cheaper (one on a tie,
        which is smaller).
        """
        if not self.ranges:
            return []
        widest = max(r[3] for r in self.ranges)
        single = [(widest, list(self.ranges))]
        by_width = [
            (n, [r for r in self.ranges if r[3] == n]) for n in sorted({r[3] for r in self.ranges})
        ]

        def cost(groups: list[tuple[int, list[RangePart]]]) -> int:
            return sum(n * bulletproofs.padded_count(len(items)) for n, items in groups)

        return by_width if cost(by_width) < cost(single) else single


_plans: dict[tuple[str, bytes, dt.date, int], _Plan] = {}


def _plan(circuit: Circuit, today: dt.date, horizon_days: int) -> _Plan:
    """The plan for ``circuit`` on ``today`` with an admission horizon, memoized
    (plans are never modified)."""
    key = (circuit.id, circuit.circuit_hash, today, horizon_days)
    plan = _plans.get(key)
    if plan is None:
        if len(_plans) >= 1024:
            _plans.clear()
        plan = _plans[key] = _make_plan(circuit, today, horizon_days)
    return plan


def _make_plan(circuit: Circuit, today: dt.date, horizon_days: int) -> _Plan:
    schema = circuit.schema
    resolved = circuit.resolve(today, horizon_days=horizon_days)
    disclosed: dict[int, int | None] = {i: None for i in circuit.disclosed_indexes}
    for p in resolved:
        if p.op == "==":
            disclosed[p.index] = p.values[0]
    plan = _Plan(len(schema.attributes), disclosed, [], [], [], [], [])
    for p in resolved:
        if p.index in disclosed:
            if p.op != "==" or disclosed[p.index] is None:
                plan.clear.append(p)
            continue
        if p.index not in plan.committed:
            plan.committed.append(p.index)
        if p.op in (">=", "between") and p.bits is not None:
            plan.ranges.append(RangePart(p.index, "ge", p.values[0], p.bits))
        if p.op in ("<=", "between") and p.bits is not None:
            plan.ranges.append(RangePart(p.index, "le", p.values[-1], p.bits))
        if p.op == "!=":
            plan.not_equal.append(NotEqualPart(p.index, p.values[0]))
        elif p.op == "not_in":
            plan.not_equal += [NotEqualPart(p.index, v) for v in p.values]
        elif p.op == "in":
            attribute_type = schema.attributes[p.index].type
            if isinstance(attribute_type, EnumType):
                # The issuer signs only codes of the enum, so "in S" is "not_in" its
                # complement: cheaper whenever the complement is smaller.
                complement = sorted({c for _, c in attribute_type.values} - set(p.values))
                if len(complement) < len(p.values):
                    plan.not_equal += [NotEqualPart(p.index, v) for v in complement]
                    continue
            plan.sets.append(SetPart(p.index, p.values))
    plan.committed.sort()
    return plan


#: One stretch of the proof bytes: (field of :class:`_PresentationProof`, which of its
#: groups or None, codec, count); a "bytes" stretch is one item of ``count`` bytes.
_Segment = tuple[str, int | None, str, int]
_WIDTH = {"point": G1_BYTES, "scalar": SCALAR_BYTES}


def _layout(plan: _Plan) -> list[_Segment]:
    """The wire order of the proof bytes for ``plan``: the one place it is written.

    ``to_bytes``, ``from_bytes`` and ``size`` of :class:`_PresentationProof` all
    follow it (the module docstring shows it in short).
    """
    U = plan.L - len(plan.disclosed)
    segments: list[_Segment] = [
        ("bbs", None, "bytes", 3 * G1_BYTES + (4 + U) * SCALAR_BYTES),
        ("commitments", None, "point", len(plan.committed)),
    ]
    for g, (n_bits, ranges) in enumerate(plan.range_groups()):
        m = bulletproofs.padded_count(len(ranges))
        segments.append(("range_padding", g, "point", m - len(ranges)))
        segments.append(("range_proofs", g, "bytes", bulletproofs.proof_size(n_bits, m)))
    segments += [
        ("linear_T", None, "point", len(plan.committed) + len(plan.not_equal)),
        ("gamma_hat", None, "scalar", len(plan.committed)),
        ("ab_hat", None, "scalar", 2 * len(plan.not_equal)),
    ]
    for g, (_, members) in enumerate(plan.sets):
        segments += [
            ("set_T", g, "point", len(members)),
            ("set_c", g, "scalar", len(members) - 1),
            ("set_z", g, "scalar", len(members)),
        ]
    return segments


@dataclass(frozen=True)
class _PresentationProof:
    """The proof bytes of a presentation, in parts (see :func:`_layout`).

    ``range_padding``, ``range_proofs`` have one entry per aggregated range proof
    (:meth:`_Plan.range_groups`); ``set_*`` one per ``in`` predicate; ``ab_hat``
    is ``a^_0, b^_0, a^_1, ...``; ``set_c`` leaves out each set's last branch
    challenge (it follows from ``c``).
    """

    bbs: bytes
    commitments: tuple[G1, ...]
    range_padding: tuple[tuple[G1, ...], ...]
    range_proofs: tuple[bytes, ...]
    linear_T: tuple[G1, ...]  # noqa: N815 - the protocol's name
    gamma_hat: tuple[int, ...]
    ab_hat: tuple[int, ...]
    set_T: tuple[tuple[G1, ...], ...]  # noqa: N815 - the protocol's name
    set_c: tuple[tuple[int, ...], ...]
    set_z: tuple[tuple[int, ...], ...]

    @staticmethod
    def size(plan: _Plan) -> int:
        """The exact length of the proof bytes for ``plan``."""
        return 1 + sum(
            count if codec == "bytes" else count * _WIDTH[codec]
            for _, _, codec, count in _layout(plan)
        )

    def to_bytes(self, plan: _Plan) -> bytes:
        out = [bytes([PROOF_FORMAT])]
        for name, group, codec, count in _layout(plan):
            value = getattr(self, name)
            items = value if group is None else value[group]
            if codec == "bytes":
                if not isinstance(items, bytes) or len(items) != count:
                    raise InvalidInputError(f"proof part {name} has the wrong length")
                out.append(items)
                continue
            if len(items) != count:
                raise InvalidInputError(f"proof part {name} has the wrong count")
            out += [x.to_bytes() if codec == "point" else scalar_to_bytes(x) for x in items]
        return b"".join(out)

    @classmethod
    def from_bytes(cls, data: bytes, plan: _Plan) -> _PresentationProof:
        """Parse and check every point and scalar; :class:`DecodeError` if anything
        is off (the length is checked first, before any curve arithmetic)."""
        if len(data) != cls.size(plan):
            raise DecodeError("proof has the wrong length for its circuit")
        if data[0] != PROOF_FORMAT:
            raise DecodeError("unknown proof format")
        backend = get_backend()
        offset = 1
        parts: dict[str, Any] = {}
        for name, group, codec, count in _layout(plan):
            if codec == "bytes":
                item: Any = data[offset : offset + count]
                offset += count
            else:
                width = _WIDTH[codec]
                chunks = [data[offset + i * width : offset + (i + 1) * width] for i in range(count)]
                offset += count * width
                item = tuple(
                    backend.g1_from_bytes(c) if codec == "point" else _scalar(c) for c in chunks
                )
            if group is None:
                parts[name] = item
            else:
                parts.setdefault(name, []).append(item)
        for name in ("range_padding", "range_proofs", "set_T", "set_c", "set_z"):
            parts[name] = tuple(parts.get(name, ()))
        return cls(**parts)


def _scalar(chunk: bytes) -> int:
    s = int.from_bytes(chunk, "big")
    if s >= R:
        raise DecodeError("non-canonical scalar")
    return s


def _holds(p: ResolvedPredicate, m: int) -> bool:
    v = p.values
    return {
        ">=": lambda: m >= v[0],
        "<=": lambda: m <= v[0],
        "between": lambda: v[0] <= m <= v[1],
        "==": lambda: m == v[0],
        "!=": lambda: m != v[0],
        "in": lambda: m in v,
        "not_in": lambda: m not in v,
    }[p.op]()


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


def _transcript(
    context: PresentationContext, issuer: IssuerPublicKey, circuit: Circuit
) -> Transcript:
    transcript = Transcript(_TRANSCRIPT_PROTOCOL)
    context.bind(transcript)
    transcript.append_message(labels.ISSUER_PUBLIC_KEY, issuer.public_key)
    transcript.append_message(labels.SCHEMA_HASH, circuit.schema.schema_hash)
    return transcript


def _range_items(ranges: list[RangePart], C: Mapping[int, G1], G: G1) -> list[G1]:
    """``V = C − t·G`` for ``m >= t`` and ``V = t·G − C`` for ``m <= t``."""
    return [C[k] - G * t if kind == "ge" else G * t - C[k] for k, kind, t, _ in ranges]


def _linear_relations(plan: _Plan, C: Mapping[int, G1], G: G1, H: G1) -> list[LinearRelation]:
    relations = [LinearRelation(C[k], ((f"m{k}", G), (f"g{k}", H))) for k in plan.committed]
    relations += [
        LinearRelation(G, ((f"a{i}", C[k] - G * v), (f"b{i}", H)))
        for i, (k, v) in enumerate(plan.not_equal)
    ]
    return relations


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
        if not _holds(p, messages[p.index]):
            raise PolicyError(_unsatisfied(p, challenge))
    plan = _plan(circuit, challenge.today, challenge.horizon_days)
    backend = get_backend()
    G, H = pedersen_generators(backend)
    suite = credential.issuer.suite
    api_id = typed_api_id(suite)

    gamma = {k: draw() for k in plan.committed}
    m_tilde = {k: draw() for k in plan.committed}
    C = {k: backend.g1_msm([G, H], [messages[k], gamma[k]]) for k in plan.committed}
    transcript = _transcript(challenge.context(), credential.issuer, circuit)
    for k in plan.committed:
        transcript.append_point(labels.COMMITMENT, C[k])

    range_padding: list[tuple[G1, ...]] = []
    range_proofs: list[bytes] = []
    for n_bits, ranges in plan.range_groups():
        V = _range_items(ranges, C, G)
        values = [messages[k] - t if kind == "ge" else t - messages[k] for k, kind, t, _ in ranges]
        blinds = [gamma[k] if kind == "ge" else -gamma[k] % R for k, kind, _, _ in ranges]
        padding: list[G1] = []
        for _ in range(bulletproofs.padded_count(len(V)) - len(V)):
            pad_blind = draw()
            padding.append(H * pad_blind)
            values.append(0)
            blinds.append(pad_blind)
        range_proof = bulletproofs.prove_range_for_commitments(
            transcript, V + padding, values, blinds, n_bits, rng=draw
        )
        range_padding.append(tuple(padding))
        range_proofs.append(range_proof.to_bytes())

    witnesses: dict[str, int] = {}
    for k in plan.committed:
        witnesses[f"m{k}"], witnesses[f"g{k}"] = messages[k], gamma[k]
    for i, (k, v) in enumerate(plan.not_equal):
        a = pow(messages[k] - v, -1, R)
        witnesses[f"a{i}"], witnesses[f"b{i}"] = a, -a * gamma[k] % R
    linear = LinearProver(
        _linear_relations(plan, C, G, H),
        witnesses,
        fixed_tilde={f"m{k}": m_tilde[k] for k in plan.committed},
        rng=draw,
    )
    T_linear = linear.commitments()
    set_provers = [
        SetMembershipProver(C[k], messages[k], gamma[k], members, G, H, rng=draw)
        for k, members in plan.sets
    ]
    for T in T_linear:
        transcript.append_point(labels.COMMITMENT, T)
    for prover in set_provers:
        for T in prover.commitments():
            transcript.append_point(labels.COMMITMENT, T)
    ph = transcript.digest(labels.PRESENTATION_HEADER)

    generators = core.create_generators(plan.L + 1, api_id, suite=suite)
    disclosed_indexes = sorted(plan.disclosed)
    # The draft's r1, r2, e~, r1~, r3~ and m~ per undisclosed message, from ``rng``
    # too (the committed messages' m~ are then replaced by ``m_tilde``).
    bbs_scalars = [draw() for _ in range(5 + plan.L - len(disclosed_indexes))]
    bbs_proof = core.core_proof_gen(
        credential.issuer.public_key,
        credential.signature,
        generators,
        credential.schema.header,
        ph,
        messages,
        disclosed_indexes,
        api_id,
        suite=suite,
        random_scalars=bbs_scalars,
        m_tilde=m_tilde,
    )
    responses = linear.responses(bbs_proof.c)
    set_proofs = [prover.finish(bbs_proof.c) for prover in set_provers]
    proof = _PresentationProof(
        bbs=bbs_proof.to_bytes(),
        commitments=tuple(C[k] for k in plan.committed),
        range_padding=tuple(range_padding),
        range_proofs=tuple(range_proofs),
        linear_T=tuple(T_linear),
        gamma_hat=tuple(responses[f"g{k}"] for k in plan.committed),
        ab_hat=tuple(
            x for i in range(len(plan.not_equal)) for x in (responses[f"a{i}"], responses[f"b{i}"])
        ),
        set_T=tuple(tuple(sp.T) for sp in set_proofs),
        set_c=tuple(tuple(sp.c_branch[:-1]) for sp in set_proofs),
        set_z=tuple(tuple(sp.z) for sp in set_proofs),
    )

    disclosed_values = {
        circuit.schema.attributes[i].name: credential.attributes[circuit.schema.attributes[i].name]
        for i, fixed in plan.disclosed.items()
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
        proof=proof.to_bytes(plan),
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
    plan = _plan(circuit, challenge.today, challenge.horizon_days)
    suite = issuer.suite
    api_id = typed_api_id(suite)

    # Disclosed values: those the holder reveals, re-encoded, and those the circuit fixes.
    revealed = {schema.attributes[i].name for i, fixed in plan.disclosed.items() if fixed is None}
    if set(presentation.disclosed) != revealed:
        raise VerificationError("presentation refused")
    disclosed_scalars: dict[int, int] = {}
    for i, fixed in plan.disclosed.items():
        if fixed is None:
            attribute = schema.attributes[i]
            disclosed_scalars[i] = attribute.encode(presentation.disclosed[attribute.name], suite)
        else:
            disclosed_scalars[i] = fixed
    for p in plan.clear:
        if not _holds(p, disclosed_scalars[p.index]):
            raise VerificationError("presentation refused")

    # Parsed in full (lengths first, before any curve arithmetic), then absorbed in
    # the order the prover absorbed it.
    proof = _PresentationProof.from_bytes(presentation.proof, plan)
    C = dict(zip(plan.committed, proof.commitments, strict=True))
    backend = get_backend()
    G, H = pedersen_generators(backend)
    transcript = _transcript(challenge.context(), issuer, circuit)
    for k in plan.committed:
        transcript.append_point(labels.COMMITMENT, C[k])
    for (n_bits, ranges), padding, octets in zip(
        plan.range_groups(), proof.range_padding, proof.range_proofs, strict=True
    ):
        m = bulletproofs.padded_count(len(ranges))
        range_proof = bulletproofs.RangeProof.from_bytes(octets, n_bits, m)
        bulletproofs.verify_range(
            transcript, _range_items(ranges, C, G) + list(padding), range_proof, n_bits
        )
    relations = _linear_relations(plan, C, G, H)
    for T in proof.linear_T:
        transcript.append_point(labels.COMMITMENT, T)
    for T_s in proof.set_T:
        for T in T_s:
            transcript.append_point(labels.COMMITMENT, T)
    ph = transcript.digest(labels.PRESENTATION_HEADER)

    generators = core.create_generators(plan.L + 1, api_id, suite=suite)
    indexes = sorted(disclosed_scalars)
    bbs = core.core_proof_verify(
        issuer.public_key,
        proof.bbs,
        generators,
        schema.header,
        ph,
        [disclosed_scalars[i] for i in indexes],
        indexes,
        api_id,
        suite=suite,
    )
    c = bbs.c
    responses: dict[str, int] = {}
    for k, g_hat in zip(plan.committed, proof.gamma_hat, strict=True):
        responses[f"m{k}"], responses[f"g{k}"] = bbs.m_hat[k], g_hat
    for i in range(len(plan.not_equal)):
        responses[f"a{i}"], responses[f"b{i}"] = proof.ab_hat[2 * i], proof.ab_hat[2 * i + 1]
    verify_linear(relations, list(proof.linear_T), responses, c)
    for (k, members), T_s, c_s, z_s in zip(
        plan.sets, proof.set_T, proof.set_c, proof.set_z, strict=True
    ):
        last = (c - sum(c_s)) % R
        verify_set_membership(C[k], members, SetMembershipProof(T_s, (*c_s, last), z_s), c, G, H)
    return VerifiedPresentation(
        circuit_id=circuit.id,
        circuit_hash=circuit.circuit_hash,
        wallet_address=challenge.wallet_address,
        chain_id=challenge.chain_id,
        issuer_key_id=issuer.key_id,
        disclosed=dict(presentation.disclosed),
        valid_through=_expiry_bound(circuit, challenge.today, challenge.horizon_days),
    )
