r"""A positive dynamic accumulator on BLS12-381, and a zero-knowledge proof of membership.

The accumulator of Vitto and Biryukov, "Dynamic Universal Accumulator with
Batch Update over Bilinear Groups" (CT-RSA 2022, IACR ePrint 2020/777), in
its positive (membership-only) form: the accumulator and its witnesses
(Section 2) and the batch witness update (Sections 3 and 4.1), section numbers
as docknetwork/crypto's vb_accumulator cites that revision (the paper itself
could not be read here; other implementations cite other revisions'
numbers). With ``P`` the G1 and ``P~`` the G2 generator::

    secret key   α ∈ [1, r)            public key   Q~ = α·P~ ∈ G2
    value        V ∈ G1 (V_0 random)
    add y        V' = (y + α)·V
    remove y     V' = (y + α)^-1·V
    witness of y C = (y + α)^-1·V,  checked by  e(C, y·P~ + Q~) = e(V, P~)

Only the manager (the issuer, who knows ``α``) adds and removes. A removal of
``y_1..y_m`` in one batch (the value after each is ``V_s = (y_s + α)^-1·V_{s-1}``)
publishes the removed elements and ``Ω = (c_0·V_0, ..., c_{m-1}·V_0)``, the
coefficients of

    v(x) = Σ_{s=1..m} [ Π_{i<s} (y_i − x) ] · [ Π_{j<=s} (y_j + α) ]^-1

times the value before the batch; a holder of ``(y, C)`` with ``y`` not removed
computes its new witness without the manager and without anything per element:

    d(y) = Π_{s=1..m} (y_s − y),      C' = d(y)^-1 · (C − Σ_k y^k·Ω_k)

(one multi-scalar multiplication of ``m`` points). For ``m = 1`` this is the
single-removal update ``C' = (y_1 − y)^-1·(C − V_1)``; the general form
unrolls that recursion (``docs/notes/revocation.md`` derives it). A
removed ``y`` has ``d(y) = 0`` and no new witness.

**Membership in zero knowledge** (:class:`MembershipProof`), for a hidden
``y`` the caller also proves something else about (a BBS message: the
revocation handle of a credential)::

    PK{(y, C) : e(C, y·P~ + Q~) = e(V, P~)}

The prover randomizes the witness, ``Ā = ρ·C`` and ``B̄ = ρ·V − y·Ā`` (which
equals ``α·Ā``), sends both, and proves ``B̄ = ρ·V − y·Ā`` in ``(ρ, y)`` by a
Schnorr proof: ``T = ρ~·V − y~·Ā``, answers ``ρ^ = ρ~ + c·ρ``, ``y^ = y~ + c·y``.
The verifier checks ``Ā ≠ 1`` and ``e(Ā, Q~) = e(B̄, P~)`` (so ``B̄ = α·Ā``) and
recomputes ``T = ρ^·V − y^·Ā − c·B̄`` for the transcript. From two answers to
one ``T`` the extractor gets ``(ρ, y)`` with ``(y + α)·Ā = ρ·V``; ``ρ ≠ 0``
unless ``y = −α`` (which reveals ``α``), so ``ρ^-1·Ā`` is a witness for ``y``:
a removed element cannot be proven (t-SDH). ``Ā`` is uniform in G1 and ``B̄``
is fixed by it, so the proof shows nothing of ``C`` or ``y`` beyond
membership; two proofs share nothing. The blinding ``y~`` is the caller's: give
the BBS proof and this proof the same ``y~`` and ``y^`` is the BBS response,
which ties the accumulated element to the signed, hidden message. This is
not the paper's own membership protocol (its Section 7 in the same revision,
with three extra generators and two more commitments) but the randomization of
a weak Boneh–Boyen signature that Camenisch, Drijvers and Hajný give in
"Scalable Revocation Scheme for Anonymous Credentials Based on n-times
Unlinkable Proofs" (WPES 2016, Section 2.4) and Dock implements beside the
paper's (``proofs_cdh.rs``): ``C`` is a weak BB signature on ``y`` under
``α``, as ``A`` is a BBS signature's, and the proof is the one a BBS proof
makes of ``A``. Proof bytes: ``Ā || B̄ || ρ^`` (128).

Nothing here is constant-time. Elements are scalars in ``[0, r)``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from zkattest.errors import DecodeError, InvalidInputError, PolicyError, VerificationError
from zkattest.hazmat.curve import (
    G1,
    G1_BYTES,
    G2,
    G2_BYTES,
    SCALAR_BYTES,
    R,
    get_backend,
    scalar_from_bytes,
    scalar_to_bytes,
)
from zkattest.hazmat.transcript import Transcript

__all__ = [
    "MEMBERSHIP_PROOF_BYTES",
    "AccumulatorPublicKey",
    "AccumulatorSecretKey",
    "MembershipProof",
    "MembershipProver",
    "RemovalUpdate",
    "initial_value",
    "prove_membership",
    "update_witness",
    "verify_membership",
    "verify_witness",
]

#: ``Ā || B̄ || ρ^``.
MEMBERSHIP_PROOF_BYTES = 2 * G1_BYTES + SCALAR_BYTES

Rng = Callable[[], int]


def _random_scalar() -> int:
    return 1 + secrets.randbelow(R - 1)


def _scalar(value: object, what: str) -> int:
    if type(value) is not int or not 0 <= value < R:
        raise InvalidInputError(f"{what} must be a scalar in [0, r)")
    return value


def initial_value(rng: Rng = _random_scalar) -> G1:
    """A fresh accumulator value ``V_0 = s·P`` for a random ``s``."""
    return get_backend().g1_generator() * _scalar(rng(), "s")


@dataclass(frozen=True)
class AccumulatorPublicKey:
    """``Q~ = α·P~`` (96 bytes, a G2 point, not the identity)."""

    point: G2

    def __post_init__(self) -> None:
        if self.point.is_identity():
            raise DecodeError("an accumulator public key is not the identity")

    def to_bytes(self) -> bytes:
        return self.point.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> AccumulatorPublicKey:
        if not isinstance(data, bytes) or len(data) != G2_BYTES:
            raise DecodeError(f"an accumulator public key is {G2_BYTES} bytes")
        return cls(get_backend().g2_from_bytes(data))


@dataclass(frozen=True)
class RemovalUpdate:
    """What a batch removal publishes: the removed elements, in order, and ``Ω``
    (one G1 point per removed element). Public: anyone may relay it."""

    removed: tuple[int, ...]
    omega: tuple[G1, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "removed", tuple(self.removed))
        object.__setattr__(self, "omega", tuple(self.omega))
        if len(self.removed) != len(self.omega) or not self.removed:
            raise InvalidInputError("a removal update has one Ω point per removed element")
        for y in self.removed:
            _scalar(y, "a removed element")


@dataclass(frozen=True)
class AccumulatorSecretKey:
    """The manager's ``α``. Never logged: the repr shows the public key only."""

    alpha: int = field(repr=False)

    def __post_init__(self) -> None:
        if type(self.alpha) is not int or not 0 < self.alpha < R:
            raise InvalidInputError("an accumulator secret key is a scalar in [1, r)")

    @classmethod
    def generate(cls) -> AccumulatorSecretKey:
        return cls(_random_scalar())

    def public_key(self) -> AccumulatorPublicKey:
        return AccumulatorPublicKey(get_backend().g2_generator() * self.alpha)

    def __repr__(self) -> str:
        return f"<AccumulatorSecretKey public={self.public_key().to_bytes().hex()[:16]}…>"

    def _shifted_inverse(self, y: int) -> int:
        shifted = (_scalar(y, "an element") + self.alpha) % R
        if shifted == 0:  # y = −α: never an element (it would reveal α)
            raise InvalidInputError("this element cannot be accumulated")
        return pow(shifted, -1, R)

    def add(self, value: G1, y: int) -> G1:
        """The value with ``y`` added: ``(y + α)·V``."""
        self._shifted_inverse(y)
        return value * ((y + self.alpha) % R)

    def remove(self, value: G1, y: int) -> G1:
        """The value with ``y`` removed: ``(y + α)^-1·V``."""
        return value * self._shifted_inverse(y)

    def witness(self, value: G1, y: int) -> G1:
        """The membership witness of ``y`` in ``value``: ``(y + α)^-1·V``. The
        manager does not know whether ``y`` was added: a witness it gives for
        an element it never added verifies all the same."""
        return value * self._shifted_inverse(y)

    def remove_batch(self, value: G1, removed: Sequence[int]) -> tuple[G1, RemovalUpdate]:
        """Remove ``removed`` (distinct elements, in this order): the new value
        and the public :class:`RemovalUpdate` every holder updates from."""
        ys = [_scalar(y, "a removed element") for y in removed]
        if not ys or len(set(ys)) != len(ys):
            raise InvalidInputError("a batch removes one or more distinct elements")
        # v(x) = Σ_s P_s(x) · inv_s with P_s(x) = Π_{i<s} (y_i − x) and
        # inv_s = Π_{j<=s} (y_j + α)^-1, by Horner from the innermost term:
        # v = inv_1 + (y_1 − x)·(inv_2 + (y_2 − x)·(... inv_m)).
        inverses = []
        inverse = 1
        for y in ys:
            inverse = inverse * self._shifted_inverse(y) % R
            inverses.append(inverse)
        v = [inverses[-1]]  # lowest degree first
        for y, inv in zip(reversed(ys[:-1]), reversed(inverses[:-1]), strict=True):
            # v <- inv + (y − x)·v
            shifted = [y * c for c in v]
            shifted.append(0)
            for k, c in enumerate(v):
                shifted[k + 1] -= c
            shifted[0] += inv
            v = [c % R for c in shifted]
        omega = tuple(value * c for c in v)
        return value * inverse, RemovalUpdate(tuple(ys), omega)


def verify_witness(public: AccumulatorPublicKey, value: G1, y: int, witness: G1) -> bool:
    """Whether ``witness`` shows ``y`` in ``value``: ``e(C, y·P~ + Q~) = e(V, P~)``."""
    backend = get_backend()
    y = _scalar(y, "an element")
    if witness.is_identity() or value.is_identity():
        return False
    g2 = backend.g2_generator()
    return backend.pairing_product_is_one([(witness, g2 * y + public.point), (-value, g2)])


def update_witness(witness: G1, y: int, update: RemovalUpdate) -> G1:
    """The witness of ``y`` after ``update``; :class:`PolicyError` if ``y`` was removed."""
    y = _scalar(y, "an element")
    d = 1
    powers = []
    power = 1
    for removed in update.removed:
        d = d * (removed - y) % R
        powers.append(power)
        power = power * y % R
    if d == 0:
        raise PolicyError("the element was removed from the accumulator")
    shifted = get_backend().g1_msm(list(update.omega), powers)
    return (witness - shifted) * pow(d, -1, R)


@dataclass(frozen=True)
class MembershipProof:
    """``Ā``, ``B̄`` and ``ρ^``; the response for ``y`` is the caller's (see the module)."""

    a_bar: G1
    b_bar: G1
    rho_hat: int

    def to_bytes(self) -> bytes:
        return self.a_bar.to_bytes() + self.b_bar.to_bytes() + scalar_to_bytes(self.rho_hat)

    @classmethod
    def from_bytes(cls, data: bytes) -> MembershipProof:
        if not isinstance(data, bytes) or len(data) != MEMBERSHIP_PROOF_BYTES:
            raise DecodeError(f"a membership proof is {MEMBERSHIP_PROOF_BYTES} bytes")
        backend = get_backend()
        a_bar = backend.g1_from_bytes(data[:G1_BYTES])
        b_bar = backend.g1_from_bytes(data[G1_BYTES : 2 * G1_BYTES])
        return cls(a_bar, b_bar, scalar_from_bytes(data[2 * G1_BYTES :], allow_zero=True))

    def pairing(self, public: AccumulatorPublicKey) -> list[tuple[G1, G2]]:
        """The pairing equation the verifier checks, as terms whose product must
        be the identity: ``e(Ā, Q~) · e(−B̄, P~) = 1``, i.e. ``B̄ = α·Ā``."""
        return [(self.a_bar, public.point), (-self.b_bar, get_backend().g2_generator())]

    def commitment(
        self, public: AccumulatorPublicKey, value: G1, y_hat: int, c: int, *, pairing: bool = True
    ) -> G1:
        """The verifier's side: check ``Ā ≠ 1`` and ``e(Ā, Q~) = e(B̄, P~)``
        (:class:`VerificationError` otherwise) and return ``T = ρ^·V − y^·Ā − c·B̄``,
        which the caller absorbs where the prover absorbed its ``T``. With
        ``pairing=False`` the caller checks :meth:`pairing` itself (batched
        with another pairing check)."""
        backend = get_backend()
        if self.a_bar.is_identity() or value.is_identity():
            raise VerificationError("invalid membership proof")
        if pairing and not backend.pairing_product_is_one(self.pairing(public)):
            raise VerificationError("invalid membership proof")
        return backend.g1_msm(
            [value, self.a_bar, self.b_bar], [self.rho_hat, -_scalar(y_hat, "y^") % R, -c % R]
        )


@dataclass(frozen=True)
class MembershipProver:
    """The prover's side: :meth:`start` gives ``Ā, B̄, T``; :meth:`respond`
    answers the challenge. ``y_tilde`` is the caller's blinding for ``y`` (the
    BBS proof's, for a signed handle)."""

    value: G1
    witness: G1
    y: int
    rho: int = field(repr=False)
    rho_tilde: int = field(repr=False)
    y_tilde: int = field(repr=False)

    def __repr__(self) -> str:
        return "<MembershipProver>"

    def start(self) -> tuple[G1, G1, G1]:
        """``Ā = ρ·C``, ``B̄ = ρ·V − y·Ā`` and ``T = ρ~·V − y~·Ā``."""
        backend = get_backend()
        for name, k in (
            ("rho", self.rho),
            ("rho_tilde", self.rho_tilde),
            ("y_tilde", self.y_tilde),
        ):
            if type(k) is not int or not 0 < k < R:
                raise InvalidInputError(f"{name} must be a scalar in [1, r)")
        a_bar = self.witness * self.rho
        b_bar = backend.g1_msm([self.value, a_bar], [self.rho, -self.y % R])
        t = backend.g1_msm([self.value, a_bar], [self.rho_tilde, -self.y_tilde % R])
        return a_bar, b_bar, t

    def respond(self, c: int, a_bar: G1, b_bar: G1) -> MembershipProof:
        """The proof for challenge ``c``, with :meth:`start`'s ``Ā`` and ``B̄``."""
        return MembershipProof(a_bar, b_bar, (self.rho_tilde + c * self.rho) % R)


# ---------------------------------------------------------------------------
# On its own: a membership proof with its own Fiat–Shamir challenge
# ---------------------------------------------------------------------------

_PROTOCOL = b"zkattest/accumulator-membership/v1"


def _challenge(
    public: AccumulatorPublicKey, value: G1, context: bytes, a_bar: G1, b_bar: G1, t: G1
) -> int:
    transcript = Transcript(_PROTOCOL)
    transcript.append_message(b"context", context)
    transcript.append_point(b"public-key", public.point)
    transcript.append_point(b"value", value)
    transcript.append_point(b"a-bar", a_bar)
    transcript.append_point(b"b-bar", b_bar)
    transcript.append_point(b"commitment", t)
    return transcript.challenge_scalar(b"challenge")


def prove_membership(
    public: AccumulatorPublicKey,
    value: G1,
    y: int,
    witness: G1,
    context: bytes,
    *,
    rng: Rng = _random_scalar,
) -> bytes:
    """A proof, bound to ``context``, that a hidden element is in ``value``:
    ``Ā || B̄ || ρ^ || y^ || c`` (192 bytes). Refuses a witness that does not
    verify (:class:`PolicyError`)."""
    if not verify_witness(public, value, y, witness):
        raise PolicyError("the witness does not show the element in this value")
    prover = MembershipProver(value, witness, y, rng(), rng(), rng())
    a_bar, b_bar, t = prover.start()
    c = _challenge(public, value, context, a_bar, b_bar, t)
    proof = prover.respond(c, a_bar, b_bar)
    y_hat = (prover.y_tilde + c * y) % R
    return proof.to_bytes() + scalar_to_bytes(y_hat) + scalar_to_bytes(c)


def verify_membership(
    public: AccumulatorPublicKey, value: G1, proof: bytes, context: bytes
) -> None:
    """Check :func:`prove_membership`'s proof; :class:`VerificationError` if it fails."""
    if not isinstance(proof, bytes) or len(proof) != MEMBERSHIP_PROOF_BYTES + 2 * SCALAR_BYTES:
        raise VerificationError("invalid membership proof")
    try:
        parsed = MembershipProof.from_bytes(proof[:MEMBERSHIP_PROOF_BYTES])
        y_hat = scalar_from_bytes(proof[MEMBERSHIP_PROOF_BYTES:-SCALAR_BYTES], allow_zero=True)
        c = scalar_from_bytes(proof[-SCALAR_BYTES:], allow_zero=True)
    except (DecodeError, InvalidInputError):
        raise VerificationError("invalid membership proof") from None
    t = parsed.commitment(public, value, y_hat, c)
    if t.is_identity() or _challenge(public, value, context, parsed.a_bar, parsed.b_bar, t) != c:
        raise VerificationError("invalid membership proof")
