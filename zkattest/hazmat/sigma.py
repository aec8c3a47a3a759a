r"""Schnorr-style sigma protocols over G1 that share an external challenge.

Two building blocks, both answering a challenge ``c`` chosen elsewhere (in
zkattest: the BBS proof's challenge, whose presentation header hashes the
commitments made here, see ``docs/notes/predicates.md``):

1. Linear relations (Maurer's framework, Camenisch–Stadler notation)::

       PK{(x_1, ..., x_k) : ∧_j Y_j = Σ_i x_{a(j,i)}·B_{j,i}}

   The prover sends ``T_j = Σ_i x~_{a(j,i)}·B_{j,i}`` and answers
   ``x^_i = x~_i + c·x_i``; the verifier checks ``Σ_i x^·B − c·Y_j = T_j`` for
   every j, all in one multi-scalar multiplication with random weights.
   A witness whose blinding ``x~`` is fixed by the caller shares its response
   with another proof: giving the BBS proof and this one the same ``m~_j`` makes
   ``x^`` equal the BBS response ``m^_j``, which proves the committed value is
   the signed message.

2. Membership of a committed value in a public set, by an OR of discrete-log
   proofs (Cramer–Damgård–Schoenmakers, CRYPTO'94)::

       PK{(γ) : ∨_{s ∈ S} C − s·G = γ·H}

   Simulated branches pick ``(c_s, z_s)`` and set ``T_s = z_s·H − c_s·(C − s·G)``;
   the real branch takes ``c_{s*} = c − Σ_{s≠s*} c_s``. The verifier checks
   ``Σ c_s = c`` and ``z_s·H = T_s + c_s·(C − s·G)`` for every ``s``.

Notation: ``x_tilde`` (x~), ``x_hat`` (x^), ``T``, ``c``. Blinding scalars
come from ``rng`` (default ``secrets``); every ``T`` must go through the
transcript before ``c`` is derived. Nothing here is constant-time.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from zkattest.errors import InvalidInputError, PolicyError, VerificationError
from zkattest.hazmat.curve import G1, R, get_backend

__all__ = [
    "LinearProver",
    "LinearRelation",
    "SetMembershipProof",
    "SetMembershipProver",
    "checked_rng",
    "random_scalar",
    "verify_linear",
    "verify_set_membership",
]

Rng = Callable[[], int]


def random_scalar() -> int:
    """A uniformly random scalar in [1, r)."""
    return 1 + secrets.randbelow(R - 1)


def checked_rng(rng: Rng) -> Rng:
    """``rng``, refusing anything but a scalar in [1, r): a zero blinding would
    expose what it hides."""

    def draw() -> int:
        value = rng()
        if type(value) is not int or not 0 < value < R:
            raise InvalidInputError("rng must return integers in [1, r)")
        return value

    return draw


#: A witness's name: any hashable value; its ``str`` orders the blinding draws.
Name = TypeVar("Name", bound=Hashable)


@dataclass(frozen=True)
class LinearRelation(Generic[Name]):
    """``Y = Σ x_name·B`` over named witnesses."""

    Y: G1
    terms: tuple[tuple[Name, G1], ...]

    def witnesses(self) -> set[Name]:
        return {name for name, _ in self.terms}


class LinearProver(Generic[Name]):
    """Prover for a conjunction of linear relations sharing witnesses.

    ``fixed_tilde`` pins the blinding of chosen witnesses (e.g. to the
    ``m~_j`` the BBS proof uses); the others are drawn from ``rng`` in the order
    of their names as text (``str``), so that a fixed ``rng`` gives fixed proofs.
    """

    __slots__ = ("_relations", "_tilde", "_witnesses")

    def __init__(
        self,
        relations: Sequence[LinearRelation[Name]],
        witnesses: Mapping[Name, int],
        *,
        fixed_tilde: Mapping[Name, int] | None = None,
        rng: Rng | None = None,
    ) -> None:
        names: set[Name] = set().union(*(rel.witnesses() for rel in relations))
        if names != set(witnesses):
            raise InvalidInputError("witnesses must match the relations' names exactly")
        backend = get_backend()
        for rel in relations:
            value = backend.g1_msm([B for _, B in rel.terms], [witnesses[n] for n, _ in rel.terms])
            if value != rel.Y:
                raise PolicyError("the witnesses do not satisfy the statement")
        draw = rng or random_scalar
        fixed = dict(fixed_tilde or {})
        if not set(fixed) <= names:
            raise InvalidInputError("a fixed blinding names an unknown witness")
        self._relations = list(relations)
        self._witnesses = dict(witnesses)
        ordered = sorted(names, key=str)
        self._tilde = {name: fixed[name] if name in fixed else draw() for name in ordered}

    def commitments(self) -> list[G1]:
        """``T_j`` for each relation, in order."""
        backend = get_backend()
        return [
            backend.g1_msm([B for _, B in rel.terms], [self._tilde[n] for n, _ in rel.terms])
            for rel in self._relations
        ]

    def responses(self, c: int) -> dict[Name, int]:
        """``x^ = x~ + c·x`` for every witness."""
        return {n: (t + c * self._witnesses[n]) % R for n, t in self._tilde.items()}


def _weights(count: int, rng: Rng | None) -> list[int]:
    draw = rng or (lambda: secrets.randbits(128))
    return [1] + [draw() for _ in range(count - 1)] if count else []


def verify_linear(
    relations: Sequence[LinearRelation[Name]],
    commitments: Sequence[G1],
    responses: Mapping[Name, int],
    c: int,
    *,
    rng: Rng | None = None,
) -> None:
    """Check every relation against its ``T`` in one MSM; raise VerificationError."""
    if len(commitments) != len(relations):
        raise VerificationError("invalid proof")
    points: list[G1] = []
    scalars: list[int] = []
    for rel, T, rho in zip(relations, commitments, _weights(len(relations), rng), strict=True):
        for name, B in rel.terms:
            if name not in responses:
                raise VerificationError("invalid proof")
            points.append(B)
            scalars.append(rho * responses[name])
        points += [rel.Y, T]
        scalars += [-rho * c, -rho]
    if points and not get_backend().g1_msm(points, scalars).is_identity():
        raise VerificationError("invalid proof")


@dataclass(frozen=True)
class SetMembershipProof:
    """The CDS OR-proof's commitments ``T_s`` and per-branch ``(c_s, z_s)``."""

    T: tuple[G1, ...]
    c_branch: tuple[int, ...]
    z: tuple[int, ...]


class SetMembershipProver:
    """Prove that ``C = v·G + γ·H`` commits to a member of the public set."""

    __slots__ = ("_C", "_T", "_gamma", "_index", "_rho", "_set", "_sim_c", "_sim_z")

    def __init__(
        self,
        C: G1,
        value: int,
        gamma: int,
        members: Sequence[int],
        G: G1,
        H: G1,
        *,
        rng: Rng | None = None,
    ) -> None:
        if not members:
            raise InvalidInputError("the set is empty")
        if value not in members:
            raise PolicyError("the committed value is not in the set")
        draw = rng or random_scalar
        backend = get_backend()
        self._C, self._gamma, self._set = C, gamma, list(members)
        self._index = self._set.index(value)
        self._rho = draw()
        self._sim_c: list[int] = []
        self._sim_z: list[int] = []
        T: list[G1] = []
        for i, s in enumerate(self._set):
            if i == self._index:
                self._sim_c.append(0)
                self._sim_z.append(0)
                T.append(H * self._rho)
            else:
                c_s, z_s = draw(), draw()
                self._sim_c.append(c_s)
                self._sim_z.append(z_s)
                T.append(backend.g1_msm([H, C, G], [z_s, -c_s, c_s * s]))
        self._T = T

    def commitments(self) -> list[G1]:
        return list(self._T)

    def finish(self, c: int) -> SetMembershipProof:
        c_real = (c - sum(self._sim_c)) % R
        c_branch = list(self._sim_c)
        z = list(self._sim_z)
        c_branch[self._index] = c_real
        z[self._index] = (self._rho + c_real * self._gamma) % R
        return SetMembershipProof(tuple(self._T), tuple(c_branch), tuple(z))


def verify_set_membership(
    C: G1,
    members: Sequence[int],
    proof: SetMembershipProof,
    c: int,
    G: G1,
    H: G1,
    *,
    rng: Rng | None = None,
) -> None:
    """Check a CDS OR-proof against challenge ``c`` in one MSM."""
    k = len(members)
    if not k or len(proof.T) != k or len(proof.c_branch) != k or len(proof.z) != k:
        raise VerificationError("invalid proof")
    if sum(proof.c_branch) % R != c % R:
        raise VerificationError("invalid proof")
    # Σ_s ρ_s·(z_s·H − T_s − c_s·C + c_s·s·G) = 0
    points: list[G1] = [H, C, G]
    scalars = [0, 0, 0]
    for T, c_s, z_s, s, rho in zip(
        proof.T, proof.c_branch, proof.z, members, _weights(k, rng), strict=True
    ):
        scalars[0] += rho * z_s
        scalars[1] -= rho * c_s
        scalars[2] += rho * c_s * s
        points.append(T)
        scalars.append(-rho)
    if not get_backend().g1_msm(points, scalars).is_identity():
        raise VerificationError("invalid proof")
