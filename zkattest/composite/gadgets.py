r"""Gadgets: the parts of a statement on committed messages, run by both sides.

Every hidden message a predicate reads is committed to, ``C = m·G + γ·H``
(Pedersen, generators of :mod:`zkattest.hazmat.pedersen`), and each gadget
proves one thing about those commitments::

    Opening(k)        PK{(m_k, γ_k) : C_k = m_k·G + γ_k·H}, m~_k shared with the BBS proof
    Range(group)      PK{(v_j, γ_j) : ∧_j V_j = v_j·G + γ_j·H ∧ v_j ∈ [0, 2^n)},
                      V_j = C_k − t·G (m_k >= t) or t·G − C_k (m_k <= t)   (Bulletproofs)
    NotEqual(k, v)    PK{(a, b) : G = a·(C_k − v·G) + b·H}   (a = (m_k − v)^-1)
    SetMembership(k)  PK{(γ_k) : ∨_{s∈S} C_k − s·G = γ_k·H}  (CDS OR-proof)

    Disclosure(slot)  the BBS proof discloses m_j = the verifier's value (``==``) or the
                      holder's revealed one; predicates on disclosed messages in the clear

:class:`Disclosure` is the one gadget that acts on the BBS proof rather than on
commitments: the holder reveals with it, the verifier rebuilds and checks the
disclosed scalars with it, and the BBS proof proves them signed.

A gadget is one class that the prover and the verifier both run, in the
engine's phases (:mod:`zkattest.composite.engine`): ``COMMIT`` (the
commitments), ``SUBPROOF`` (proofs complete in themselves, made on the
transcript: range proofs), ``FIRST`` (sigma first moves, absorbed before the
challenge), ``RESPONSE`` (answers to the challenge). It declares its wire
fields per phase (:meth:`Gadget.fields`, which fixes the proof's layout and
size), the linear relations it adds to the one sigma proof of linear
relations (:meth:`Gadget.relations`, built identically by both sides), the
first-move points it absorbs (:meth:`Gadget.first_move`), and its own
prove/check steps. Adding a predicate kind is one gadget here and one entry in
:data:`zkattest.composite.statement.OPERATORS`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, NamedTuple

from zkattest.circuits import ResolvedPredicate
from zkattest.errors import InvalidInputError, PolicyError, VerificationError
from zkattest.hazmat import bulletproofs
from zkattest.hazmat.bbs import Ciphersuite
from zkattest.hazmat.curve import G1, R
from zkattest.hazmat.sigma import (
    LinearRelation,
    SetMembershipProof,
    SetMembershipProver,
    verify_set_membership,
)
from zkattest.hazmat.transcript import Transcript
from zkattest.schema import JsonValue, Schema

__all__ = [
    "Bases",
    "Disclosure",
    "Field",
    "Gadget",
    "MessageRef",
    "NotEqual",
    "Opening",
    "Phase",
    "Range",
    "RangeBound",
    "SetMembership",
    "Var",
    "Witness",
    "holds",
]

Rng = Callable[[], int]
#: One wire field's value, by its :class:`Field`'s codec: a tuple of points, a
#: tuple of scalars, or bytes (a range proof).
Part = Any


class Bases(NamedTuple):
    """The Pedersen generators ``G``, ``H`` (:mod:`zkattest.hazmat.pedersen`)."""

    G: G1
    H: G1


class MessageRef(NamedTuple):
    """Message ``message`` (its BBS index) of credential ``credential`` (its slot)."""

    credential: int
    message: int

    def __str__(self) -> str:
        # The first credential's messages are named by index alone: the text
        # orders the linear prover's blinding draws (the format's pinned order).
        if self.credential == 0:
            return str(self.message)
        return f"{self.credential}.{self.message}"


class Var(NamedTuple):
    """A witness of the linear relations: ``role`` (``m`` a message, ``g`` its
    Pedersen blinding; a gadget names its own, e.g. ``a``, ``b`` of an
    inequality) of ``key`` (a message, or the gadget's ordinal)."""

    role: str
    key: MessageRef | int

    def __str__(self) -> str:
        return f"{self.role}{self.key}"


class Phase(enum.IntEnum):
    """The engine's steps, in order; the wire writes each phase's fields in turn."""

    COMMIT = 0
    SUBPROOF = 1
    FIRST = 2
    RESPONSE = 3


class Field(NamedTuple):
    """One wire field: ``n`` points or scalars, or ``n`` bytes."""

    phase: Phase
    codec: Literal["point", "scalar", "bytes"]
    n: int


@dataclass(frozen=True, slots=True, repr=False)
class Witness:
    """What the prover knows about the committed messages: their values and
    Pedersen blindings (secrets: the ``repr`` shows neither)."""

    values: Mapping[MessageRef, int]
    gamma: Mapping[MessageRef, int]

    def __repr__(self) -> str:
        return f"Witness(<{len(self.values)} committed messages>)"


@dataclass(frozen=True)
class Gadget:
    """Base: a gadget with no wire fields, relations or steps of its own.

    ``order`` places a kind of gadget in a statement (lower first; within a
    kind, the order the compiler gives); ``ordinal`` is a gadget's position
    among the statement's gadgets of its kind (set by
    :meth:`~zkattest.composite.statement.Statement.build`), which names its own
    witnesses.
    """

    order: ClassVar[int]
    ordinal: int = field(default=0, kw_only=True)

    def refs(self) -> tuple[MessageRef, ...]:
        """The committed messages it reads."""
        return ()

    def fields(self) -> tuple[Field, ...]:
        """Its wire fields, in order (phases ascending)."""
        return ()

    def relations(self, C: Mapping[MessageRef, G1], P: Bases) -> list[LinearRelation[Var]]:
        """The linear relations it adds (their ``T`` are its ``FIRST`` points)."""
        return []

    def witnesses(self, w: Witness) -> dict[Var, int]:
        """The prover's values for the witnesses its relations name."""
        return {}

    def first_move(self, parts: Sequence[Part]) -> list[G1]:
        """The points it absorbs before the challenge: its relations' ``T``."""
        return [T for part in _of(self.fields(), parts, Phase.FIRST) for T in part]

    def commitments(self, parts: Sequence[Part]) -> dict[MessageRef, G1]:
        """The message commitments its wire fields carry."""
        return {}

    # -- prover --------------------------------------------------------------

    def commit(self, C: Mapping[MessageRef, G1]) -> tuple[Part, ...]:
        """Its ``COMMIT`` fields."""
        return ()

    def prove_subproof(
        self, transcript: Transcript, C: Mapping[MessageRef, G1], w: Witness, P: Bases, draw: Rng
    ) -> tuple[Part, ...]:
        """Its ``SUBPROOF`` fields, proven on the transcript."""
        return ()

    def start(
        self, C: Mapping[MessageRef, G1], w: Witness, P: Bases, draw: Rng
    ) -> tuple[object, list[G1]]:
        """Begin a first move of its own (beyond linear relations): the state
        :meth:`respond` is given, and the points to absorb."""
        return None, []

    def respond(self, c: int, responses: Mapping[Var, int], state: object) -> tuple[Part, ...]:
        """Its ``RESPONSE`` fields."""
        return ()

    # -- verifier ------------------------------------------------------------

    def verify_subproof(
        self, transcript: Transcript, C: Mapping[MessageRef, G1], P: Bases, parts: Sequence[Part]
    ) -> None:
        """Check its ``SUBPROOF`` fields on the transcript."""

    def responses(self, parts: Sequence[Part]) -> dict[Var, int]:
        """The responses its wire fields carry for the linear relations."""
        return {}

    def check(self, c: int, C: Mapping[MessageRef, G1], P: Bases, parts: Sequence[Part]) -> None:
        """Check its own answers to the challenge ``c``."""


def _is_scalar(value: object) -> bool:
    return type(value) is int and 0 <= value < R


def _of(fields: Sequence[Field], parts: Sequence[Part], phase: Phase) -> list[Part]:
    return [part for f, part in zip(fields, parts, strict=True) if f.phase is phase]


@dataclass(frozen=True)
class Opening(Gadget):
    """``C_k = m_k·G + γ_k·H``, with ``m~_k`` the BBS proof's: the commitment
    holds the signed message, because the response for ``m_k`` is the BBS
    response ``m^_k``. Fields: ``C_k`` (COMMIT), ``T`` (FIRST), ``γ^_k`` (RESPONSE)."""

    order = 0
    ref: MessageRef

    def refs(self) -> tuple[MessageRef, ...]:
        return (self.ref,)

    def fields(self) -> tuple[Field, ...]:
        return (
            Field(Phase.COMMIT, "point", 1),
            Field(Phase.FIRST, "point", 1),
            Field(Phase.RESPONSE, "scalar", 1),
        )

    def relations(self, C: Mapping[MessageRef, G1], P: Bases) -> list[LinearRelation[Var]]:
        G, H = P
        return [LinearRelation(C[self.ref], ((Var("m", self.ref), G), (Var("g", self.ref), H)))]

    def witnesses(self, w: Witness) -> dict[Var, int]:
        return {Var("m", self.ref): w.values[self.ref], Var("g", self.ref): w.gamma[self.ref]}

    def commitments(self, parts: Sequence[Part]) -> dict[MessageRef, G1]:
        (C,) = _of(self.fields(), parts, Phase.COMMIT)
        return {self.ref: C[0]}

    def commit(self, C: Mapping[MessageRef, G1]) -> tuple[Part, ...]:
        return ((C[self.ref],),)

    def respond(self, c: int, responses: Mapping[Var, int], state: object) -> tuple[Part, ...]:
        return ((responses[Var("g", self.ref)],),)

    def responses(self, parts: Sequence[Part]) -> dict[Var, int]:
        (gamma_hat,) = _of(self.fields(), parts, Phase.RESPONSE)
        return {Var("g", self.ref): gamma_hat[0]}


class RangeBound(NamedTuple):
    """``m − bound ∈ [0, 2^bits)`` (side ``"ge"``) or ``bound − m ∈ [0, 2^bits)``
    (``"le"``), for ``m`` the message ``ref``."""

    ref: MessageRef
    side: Literal["ge", "le"]
    bound: int
    bits: int


@dataclass(frozen=True)
class Range(Gadget):
    """One aggregated Bulletproofs range proof over ``bounds`` at width ``bits``,
    padded to a power of two with commitments to zero ``pad·H`` (sent on the
    wire, so the verifier needs no blinding it cannot know).
    Fields: the padding points and the range proof (SUBPROOF)."""

    order = 1
    bits: int
    bounds: tuple[RangeBound, ...]

    def __post_init__(self) -> None:
        if self.bits not in bulletproofs.SUPPORTED_BITS:
            raise InvalidInputError(f"a range's width must be one of {bulletproofs.SUPPORTED_BITS}")
        if not 1 <= len(self.bounds) <= bulletproofs.MAX_AGGREGATION:
            raise InvalidInputError(
                f"a range proof takes 1 to {bulletproofs.MAX_AGGREGATION} bounds"
            )
        for b in self.bounds:
            if b.side not in ("ge", "le") or not _is_scalar(b.bound) or b.bits > self.bits:
                raise InvalidInputError("a range bound needs a side (ge, le), a scalar, a width")

    def refs(self) -> tuple[MessageRef, ...]:
        return tuple(b.ref for b in self.bounds)

    @staticmethod
    def group(bounds: Sequence[RangeBound]) -> list[Range]:
        """The range proofs to make: cheapest split first found.

        Proving costs about ``n·m`` (m padded to a power of two): one proof at
        the widest ``n``, or one proof per width, whichever is cheaper (one on a
        tie, which is smaller).
        """
        if not bounds:
            return []
        single = [Range(max(b.bits for b in bounds), tuple(bounds))]
        by_width = [
            Range(n, tuple(b for b in bounds if b.bits == n))
            for n in sorted({b.bits for b in bounds})
        ]

        def cost(groups: list[Range]) -> int:
            return sum(g.bits * bulletproofs.padded_count(len(g.bounds)) for g in groups)

        return by_width if cost(by_width) < cost(single) else single

    @property
    def _m(self) -> int:
        return bulletproofs.padded_count(len(self.bounds))

    def fields(self) -> tuple[Field, ...]:
        return (
            Field(Phase.SUBPROOF, "point", self._m - len(self.bounds)),
            Field(Phase.SUBPROOF, "bytes", bulletproofs.proof_size(self.bits, self._m)),
        )

    def _items(self, C: Mapping[MessageRef, G1], G: G1) -> list[G1]:
        """``V = C − t·G`` for ``m >= t`` and ``V = t·G − C`` for ``m <= t``."""
        return [
            C[b.ref] - G * b.bound if b.side == "ge" else G * b.bound - C[b.ref]
            for b in self.bounds
        ]

    def prove_subproof(
        self, transcript: Transcript, C: Mapping[MessageRef, G1], w: Witness, P: Bases, draw: Rng
    ) -> tuple[Part, ...]:
        V = self._items(C, P.G)
        values = [
            w.values[b.ref] - b.bound if b.side == "ge" else b.bound - w.values[b.ref]
            for b in self.bounds
        ]
        blinds = [w.gamma[b.ref] if b.side == "ge" else -w.gamma[b.ref] % R for b in self.bounds]
        padding: list[G1] = []
        for _ in range(self._m - len(self.bounds)):
            pad_blind = draw()
            padding.append(P.H * pad_blind)
            values.append(0)
            blinds.append(pad_blind)
        proof = bulletproofs.prove_range_for_commitments(
            transcript, V + padding, values, blinds, self.bits, rng=draw
        )
        return (tuple(padding), proof.to_bytes())

    def verify_subproof(
        self, transcript: Transcript, C: Mapping[MessageRef, G1], P: Bases, parts: Sequence[Part]
    ) -> None:
        padding, octets = parts
        proof = bulletproofs.RangeProof.from_bytes(octets, self.bits, self._m)
        bulletproofs.verify_range(transcript, self._items(C, P.G) + list(padding), proof, self.bits)


@dataclass(frozen=True)
class NotEqual(Gadget):
    """``m ≠ value``: knowledge of ``a = (m − v)^-1`` and ``b = −a·γ`` with
    ``G = a·(C − v·G) + b·H``, which no opening of ``C`` to ``v`` allows.
    Fields: ``T`` (FIRST), ``a^, b^`` (RESPONSE)."""

    order = 2
    ref: MessageRef
    value: int

    def __post_init__(self) -> None:
        if not _is_scalar(self.value):
            raise InvalidInputError("an inequality's value must be a scalar")

    def refs(self) -> tuple[MessageRef, ...]:
        return (self.ref,)

    def fields(self) -> tuple[Field, ...]:
        return (Field(Phase.FIRST, "point", 1), Field(Phase.RESPONSE, "scalar", 2))

    def relations(self, C: Mapping[MessageRef, G1], P: Bases) -> list[LinearRelation[Var]]:
        G, H = P
        a, b = Var("a", self.ordinal), Var("b", self.ordinal)
        return [LinearRelation(G, ((a, C[self.ref] - G * self.value), (b, H)))]

    def witnesses(self, w: Witness) -> dict[Var, int]:
        if (w.values[self.ref] - self.value) % R == 0:
            raise PolicyError("the committed value equals the value it must differ from")
        a = pow(w.values[self.ref] - self.value, -1, R)
        return {Var("a", self.ordinal): a, Var("b", self.ordinal): -a * w.gamma[self.ref] % R}

    def respond(self, c: int, responses: Mapping[Var, int], state: object) -> tuple[Part, ...]:
        return ((responses[Var("a", self.ordinal)], responses[Var("b", self.ordinal)]),)

    def responses(self, parts: Sequence[Part]) -> dict[Var, int]:
        (ab_hat,) = _of(self.fields(), parts, Phase.RESPONSE)
        a_hat, b_hat = ab_hat
        return {Var("a", self.ordinal): a_hat, Var("b", self.ordinal): b_hat}


@dataclass(frozen=True)
class SetMembership(Gadget):
    """``m ∈ members`` by a CDS OR-proof on ``C``. Its first move ``T_s`` is
    absorbed before the challenge but written with its answers, each set whole:
    ``T_s*`` (points), ``c_s*`` but the last (it follows from ``c``), ``z_s*``
    (all RESPONSE)."""

    order = 3
    ref: MessageRef
    members: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.members or not all(_is_scalar(v) for v in self.members):
            raise InvalidInputError("a set needs at least one member, each a scalar")
        if len(set(self.members)) != len(self.members):
            raise InvalidInputError("a set's members must be distinct")

    def refs(self) -> tuple[MessageRef, ...]:
        return (self.ref,)

    def fields(self) -> tuple[Field, ...]:
        k = len(self.members)
        return (
            Field(Phase.RESPONSE, "point", k),
            Field(Phase.RESPONSE, "scalar", k - 1),
            Field(Phase.RESPONSE, "scalar", k),
        )

    def first_move(self, parts: Sequence[Part]) -> list[G1]:
        return list(parts[0])

    def start(
        self, C: Mapping[MessageRef, G1], w: Witness, P: Bases, draw: Rng
    ) -> tuple[object, list[G1]]:
        prover = SetMembershipProver(
            C[self.ref], w.values[self.ref], w.gamma[self.ref], self.members, P.G, P.H, rng=draw
        )
        return prover, prover.commitments()

    def respond(self, c: int, responses: Mapping[Var, int], state: object) -> tuple[Part, ...]:
        if not isinstance(state, SetMembershipProver):
            raise TypeError("respond() takes the state start() returned")
        proof = state.finish(c)
        return (tuple(proof.T), tuple(proof.c_branch[:-1]), tuple(proof.z))

    def check(self, c: int, C: Mapping[MessageRef, G1], P: Bases, parts: Sequence[Part]) -> None:
        T, c_branch, z = parts
        if len(T) != len(self.members):
            raise VerificationError("invalid proof")
        last = (c - sum(c_branch)) % R
        proof = SetMembershipProof(T, (*c_branch, last), z)
        verify_set_membership(C[self.ref], self.members, proof, c, P.G, P.H)


def holds(p: ResolvedPredicate, m: int) -> bool:
    """Whether the message scalar ``m`` satisfies ``p``."""
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


@dataclass(frozen=True)
class Disclosure:
    """The messages of one credential slot that its BBS proof discloses.

    ``disclosed`` maps a message index to the scalar the verifier fixes (``==``
    a public value: the presentation does not carry it) or ``None`` (the
    holder reveals the attribute's value); ``clear`` holds the predicates on
    disclosed messages, which the verifier checks in the clear.
    """

    schema: Schema
    disclosed: Mapping[int, int | None]
    clear: tuple[ResolvedPredicate, ...] = ()

    def reveal(self, attributes: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
        """The holder: the attribute values it reveals, by name."""
        names = [self.schema.attributes[i].name for i, v in self.disclosed.items() if v is None]
        return {name: attributes[name] for name in names}

    def scalars(self, revealed: Mapping[str, Any], suite: Ciphersuite) -> dict[int, int]:
        """The verifier: every disclosed message's scalar, from the holder's
        revealed values (re-encoded) and the fixed ones; :class:`VerificationError`
        if the revealed names differ from the statement's or :meth:`check` fails."""
        names = {self.schema.attributes[i].name for i, v in self.disclosed.items() if v is None}
        if set(revealed) != names:
            raise VerificationError("presentation refused")
        scalars: dict[int, int] = {}
        for i, fixed in self.disclosed.items():
            if fixed is None:
                attribute = self.schema.attributes[i]
                scalars[i] = attribute.encode(revealed[attribute.name], suite)
            else:
                scalars[i] = fixed
        self.check(scalars)
        return scalars

    def check(self, scalars: Mapping[int, int]) -> None:
        """Both sides: exactly the disclosed messages, each a scalar, the fixed
        ones equal to their value, and every clear predicate true;
        :class:`VerificationError` otherwise."""
        if not isinstance(scalars, Mapping) or set(scalars) != set(self.disclosed):
            raise VerificationError("presentation refused")
        for i, fixed in self.disclosed.items():
            if not _is_scalar(scalars[i]) or (fixed is not None and scalars[i] != fixed):
                raise VerificationError("presentation refused")
        for p in self.clear:
            if not holds(p, scalars[p.index]):
                raise VerificationError("presentation refused")
