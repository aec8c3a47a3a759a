r"""The statement a presentation proves, and the compiler from circuits to it.

A :class:`Statement` is typed data, the same for prover and verifier::

    PK{((A_i, e_i, (m_ij)_{j hidden})_i, (γ_k)_k) :
         ∧_i BBS(W_i; header_i; m_i1..m_iL_i)        one per credential slot
       ∧ ∧_gadgets  (openings, range, !=, in)        on commitments to hidden m_ij }

Each :class:`CredentialSlot` names its issuer key and schema, the messages it
discloses (a value the verifier fixes, from ``==``, or one the holder reveals)
and the hidden messages committed to for the gadgets
(:mod:`zkattest.composite.gadgets`), which refer to messages by
:class:`~zkattest.composite.gadgets.MessageRef`. One Fiat–Shamir challenge
answers every part (``docs/notes/composite-proofs.md`` has the argument).

:func:`compile_circuit` turns a circuit, its issuers (one per credential
slot) and a date into a statement; each operator's gadgets come from one table,
:data:`OPERATORS`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from zkattest._credential import BOUND_MESSAGES, IssuerPublicKey
from zkattest.circuits import Circuit, ResolvedPredicate
from zkattest.composite.gadgets import (
    Disclosure,
    Gadget,
    MessageRef,
    NotEqual,
    Opening,
    Range,
    RangeBound,
    SetMembership,
    holds,
)
from zkattest.errors import InvalidInputError
from zkattest.hazmat.accumulator import MEMBERSHIP_PROOF_BYTES, AccumulatorPublicKey
from zkattest.hazmat.curve import G1, G1_BYTES, SCALAR_BYTES, R
from zkattest.schema import AttributeType, EnumType, Schema, canonical_json

__all__ = [
    "OPERATORS",
    "CredentialSlot",
    "RegistryEpoch",
    "Statement",
    "compile_circuit",
    "holds",
]


class RegistryEpoch(NamedTuple):
    """The registry state a revocable credential is proven against: its
    accumulator's public key, the epoch and the accumulator value then."""

    accumulator_key: AccumulatorPublicKey
    epoch: int
    value: G1


@dataclass(frozen=True)
class CredentialSlot:
    """One credential of a statement.

    ``disclosed`` maps each disclosed message index to the scalar the verifier
    fixes (``==`` a public value) or ``None`` (the holder reveals it);
    ``committed`` lists, ascending, the hidden messages the gadgets read;
    ``clear`` the predicates on disclosed messages, checked in the clear.
    ``bound``: the credential is bound to its holder (:class:`~zkattest.HolderBinding`):
    it signs three more hidden messages after the attributes
    (``secret_prover_blind``, ``holder_secret``, ``nym_secret``), through the
    pseudonym interface.
    ``revocation``: the credential is revocable (it signs a hidden revocation
    handle after its attributes), and the proof shows the handle in this
    registry state (:mod:`zkattest.hazmat.accumulator`).
    """

    issuer: IssuerPublicKey
    schema: Schema
    disclosed: Mapping[int, int | None]
    committed: tuple[int, ...]
    clear: tuple[ResolvedPredicate, ...] = ()
    bound: bool = False
    revocation: RegistryEpoch | None = None

    def __post_init__(self) -> None:
        # a private, read-only copy: statements are shared (compile_circuit memoizes)
        object.__setattr__(self, "disclosed", MappingProxyType(dict(self.disclosed)))
        object.__setattr__(self, "committed", tuple(self.committed))
        object.__setattr__(self, "clear", tuple(self.clear))
        L = len(self.schema.attributes)
        indexes = (*self.disclosed, *self.committed)
        if not all(type(i) is int and 0 <= i < L for i in indexes):
            raise InvalidInputError("a message index is outside the schema")
        if not all(v is None or (type(v) is int and 0 <= v < R) for v in self.disclosed.values()):
            raise InvalidInputError("a fixed disclosed value must be a scalar")
        if set(self.disclosed) & set(self.committed):
            raise InvalidInputError("a message is both disclosed and committed to")
        if list(self.committed) != sorted(set(self.committed)):
            raise InvalidInputError("committed messages must be distinct and ascending")
        if self.revocation is not None and not isinstance(self.revocation, RegistryEpoch):
            raise InvalidInputError("a slot's revocation is a RegistryEpoch")

    @property
    def disclosure(self) -> Disclosure:
        """The disclosure gadget of this slot, run by both sides."""
        return Disclosure(self.schema, self.disclosed, self.clear)

    @property
    def L(self) -> int:
        """The number of signed messages."""
        revocable = 0 if self.revocation is None else 1
        return len(self.schema.attributes) + revocable + (BOUND_MESSAGES if self.bound else 0)

    @property
    def handle(self) -> int | None:
        """The index of the signed revocation handle (a revocable slot), else None."""
        return None if self.revocation is None else len(self.schema.attributes)

    @property
    def nym_secret(self) -> int | None:
        """The index of the signed ``nym_secret`` (a bound slot), else None."""
        return self.L - 1 if self.bound else None

    @property
    def holder_secret(self) -> int | None:
        """The index of the signed ``holder_secret`` (a bound slot), else None."""
        return self.L - 2 if self.bound else None

    @property
    def bbs_proof_size(self) -> int:
        """The BBS proof's length: 3 points, e^, r1^, r3^, c and one m^ per hidden message."""
        return 3 * G1_BYTES + (4 + self.L - len(self.disclosed)) * SCALAR_BYTES

    @property
    def extra_proof_size(self) -> int:
        """The bytes this slot adds after the gadgets: its membership proof, if revocable."""
        return 0 if self.revocation is None else MEMBERSHIP_PROOF_BYTES


@dataclass(frozen=True, eq=False)
class Statement:
    """Credential slots and the gadgets on their committed messages.

    ``gadgets`` run in this order: one :class:`Opening` per committed message
    (slot order, then message order), then range proofs, inequalities and set
    memberships, as :func:`compile_circuit` makes them; the wire and the
    transcript follow it.
    """

    credentials: tuple[CredentialSlot, ...]
    gadgets: tuple[Gadget, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "credentials", tuple(self.credentials))
        object.__setattr__(self, "gadgets", tuple(self.gadgets))
        if not self.credentials:
            raise InvalidInputError("a statement needs at least one credential")
        committed = self.committed
        openings = [g.ref for g in self.gadgets if isinstance(g, Opening)]
        if openings != committed:
            raise InvalidInputError("one opening per committed message, in order")
        if not all(ref in committed for g in self.gadgets for ref in g.refs()):
            raise InvalidInputError("a gadget reads a message that is not committed to")
        numbers = [(type(g), g.ordinal) for g in self.gadgets]
        if len(set(numbers)) != len(numbers):
            raise InvalidInputError("two gadgets of one kind share an ordinal")

    @property
    def same_holder(self) -> list[MessageRef]:
        """The hidden ``holder_secret`` of every bound slot: proven equal (one
        holder behind every bound credential) when there are two or more."""
        refs = [
            MessageRef(i, slot.holder_secret)
            for i, slot in enumerate(self.credentials)
            if slot.holder_secret is not None
        ]
        return refs if len(refs) > 1 else []

    @property
    def pseudonym_slot(self) -> int | None:
        """The slot whose nym secret gives the statement's pseudonym: the first
        bound slot, if any."""
        return next((i for i, slot in enumerate(self.credentials) if slot.bound), None)

    def digest(self) -> bytes:
        """SHA-256 of the statement's canonical JSON: every slot (schema hash,
        disclosed messages with their fixed values, committed messages, clear
        predicates) and every gadget with its parameters. A statement over
        several credentials binds it into the transcript; a one-credential one
        is bound by its circuit's hash, date and horizon in the context."""
        return hashlib.sha256(canonical_json(_plain(self))).digest()

    @property
    def committed(self) -> list[MessageRef]:
        """Every committed message, slot by slot."""
        return [MessageRef(i, k) for i, slot in enumerate(self.credentials) for k in slot.committed]

    @classmethod
    def build(
        cls, credentials: tuple[CredentialSlot, ...], parts: list[RangeBound | Gadget]
    ) -> Statement:
        """The statement with an :class:`Opening` for every committed message,
        ``parts``' range bounds aggregated into :class:`Range` proofs, and the
        other gadgets by kind (:attr:`Gadget.order`), each kind in the order
        given and numbered (:attr:`Gadget.ordinal`)."""
        committed = [MessageRef(i, k) for i, slot in enumerate(credentials) for k in slot.committed]
        gadgets: list[Gadget] = [Opening(ref) for ref in committed]
        gadgets += Range.group([p for p in parts if isinstance(p, RangeBound)])
        gadgets += sorted((p for p in parts if isinstance(p, Gadget)), key=lambda g: g.order)
        numbered: dict[type[Gadget], int] = {}
        for position, gadget in enumerate(gadgets):
            ordinal = numbered.get(type(gadget), 0)
            numbered[type(gadget)] = ordinal + 1
            gadgets[position] = dataclasses.replace(gadget, ordinal=ordinal)
        return cls(credentials, tuple(gadgets))


# ---------------------------------------------------------------------------
# The compiler
# ---------------------------------------------------------------------------

#: What a predicate on a hidden message becomes. ``==`` is not here: a message
#: compared with a public value is disclosed, and the verifier supplies the value.
Operator = Callable[[ResolvedPredicate, MessageRef, AttributeType], list[RangeBound | Gadget]]


def _plain(value: object) -> object:
    """A statement as plain JSON values: dataclasses and named tuples by field."""
    if isinstance(value, IssuerPublicKey):
        return value.public_key.hex()
    if isinstance(value, RegistryEpoch):
        return {
            "accumulator_key": value.accumulator_key.to_bytes().hex(),
            "epoch": value.epoch,
            "value": value.value.to_bytes().hex(),
        }
    if isinstance(value, Schema):
        return value.schema_hash.hex()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not (f.name == "revocation" and getattr(value, f.name) is None)
        }  # (a slot that is not revocable is written as before revocation existed)
        return {"kind": type(value).__name__, **fields}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {name: _plain(getattr(value, name)) for name in value._fields}
    if isinstance(value, Mapping):
        return [[_plain(k), _plain(v)] for k, v in sorted(value.items())]
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _at_least(p: ResolvedPredicate, ref: MessageRef, _: AttributeType) -> list[RangeBound | Gadget]:
    return [RangeBound(ref, "ge", p.values[0], p.bits)] if p.bits is not None else []


def _at_most(p: ResolvedPredicate, ref: MessageRef, _: AttributeType) -> list[RangeBound | Gadget]:
    return [RangeBound(ref, "le", p.values[-1], p.bits)] if p.bits is not None else []


def _not_in(p: ResolvedPredicate, ref: MessageRef, _: AttributeType) -> list[RangeBound | Gadget]:
    return [NotEqual(ref, v) for v in p.values]


def _in(p: ResolvedPredicate, ref: MessageRef, kind: AttributeType) -> list[RangeBound | Gadget]:
    if isinstance(kind, EnumType):
        # The issuer signs only codes of the enum, so "in S" is "not_in" its
        # complement: cheaper whenever the complement is smaller.
        complement = sorted({c for _, c in kind.values} - set(p.values))
        if len(complement) < len(p.values):
            return [NotEqual(ref, v) for v in complement]
    return [SetMembership(ref, p.values)]


OPERATORS: Mapping[str, Operator] = {
    ">=": _at_least,
    "<=": _at_most,
    "between": lambda p, ref, kind: _at_least(p, ref, kind) + _at_most(p, ref, kind),
    "!=": _not_in,
    "not_in": _not_in,
    "in": _in,
}


@dataclass(frozen=True)
class _Compiled:
    """One credential of a circuit compiled on one date, before its issuer is known."""

    disclosed: Mapping[int, int | None]
    committed: tuple[int, ...]
    clear: tuple[ResolvedPredicate, ...]
    parts: tuple[RangeBound | Gadget, ...]


_compiled: dict[tuple[str, bytes, dt.date, int], tuple[_Compiled, ...]] = {}
_statements: dict[
    tuple[
        str,
        bytes,
        dt.date,
        int,
        tuple[IssuerPublicKey, ...],
        bool,
        tuple[RegistryEpoch | None, ...],
    ],
    Statement,
] = {}


def _compile(circuit: Circuit, today: dt.date, horizon_days: int) -> tuple[_Compiled, ...]:
    """The issuer-free part of :func:`compile_circuit`, one per credential slot,
    memoized (it is never modified)."""
    key = (circuit.id, circuit.circuit_hash, today, horizon_days)
    done = _compiled.get(key)
    if done is not None:
        return done
    slots = []
    for i, (spec, resolved) in enumerate(
        zip(circuit.credentials, circuit.resolve_all(today, horizon_days=horizon_days), strict=True)
    ):
        schema = spec.schema
        disclosed: dict[int, int | None] = {j: None for j in spec.disclosed_indexes}
        for p in resolved:
            if p.op == "==":
                disclosed[p.index] = p.values[0]
        committed: list[int] = []
        clear: list[ResolvedPredicate] = []
        parts: list[RangeBound | Gadget] = []
        for p in resolved:
            if p.index in disclosed:
                if p.op != "==" or disclosed[p.index] is None:
                    clear.append(p)
                continue
            if p.index not in committed:
                committed.append(p.index)
            parts += OPERATORS[p.op](p, MessageRef(i, p.index), schema.attributes[p.index].type)
        slots.append(_Compiled(disclosed, tuple(sorted(committed)), tuple(clear), tuple(parts)))
    done = tuple(slots)
    if len(_compiled) >= 1024:
        _compiled.clear()
    _compiled[key] = done
    return done


def compile_circuit(
    circuit: Circuit,
    issuers: IssuerPublicKey | Sequence[IssuerPublicKey],
    today: dt.date,
    horizon_days: int = 0,
    *,
    bound: bool = False,
    registries: Sequence[RegistryEpoch | None] | None = None,
) -> Statement:
    """The statement ``circuit`` asks on ``today``, of one credential per
    credential slot, signed by ``issuers`` (one key per slot, in slot order; a
    single key for a one-credential circuit), with the admission horizon
    resolved into each expiry bound (memoized: statements are immutable).
    ``bound``: of credentials bound to their holder, whose pseudonym the proof
    shows; a circuit of several credentials is always bound, since only the
    hidden holder secret ties its credentials to one person.
    ``registries``: per slot, the registry state a revocable credential is
    proven against, or None (default: no slot is revocable)."""
    keys = (issuers,) if isinstance(issuers, IssuerPublicKey) else tuple(issuers)
    states = (None,) * len(keys) if registries is None else tuple(registries)
    if len(states) != len(keys):
        raise InvalidInputError("give one registry state (or None) per credential")
    if len(keys) != len(circuit.credentials) or not all(
        isinstance(k, IssuerPublicKey) for k in keys
    ):
        raise InvalidInputError(
            f"circuit {circuit.id} reads {len(circuit.credentials)} credential(s):"
            " give one issuer key per credential"
        )
    if len(keys) > 1 and not bound:
        raise InvalidInputError(
            f"circuit {circuit.id} reads several credentials: they must be bound to one holder"
        )
    key = (circuit.id, circuit.circuit_hash, today, horizon_days, keys, bound, states)
    statement = _statements.get(key)
    if statement is None:
        compiled = _compile(circuit, today, horizon_days)
        slots = tuple(
            CredentialSlot(issuer, spec.schema, c.disclosed, c.committed, c.clear, bound, state)
            for issuer, spec, c, state in zip(
                keys, circuit.credentials, compiled, states, strict=True
            )
        )
        statement = Statement.build(slots, [part for c in compiled for part in c.parts])
        if len(_statements) >= 1024:
            _statements.clear()
        _statements[key] = statement
    return statement
