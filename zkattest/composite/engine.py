r"""The composite proof: its one wire layout, and the prover and verifier that run the gadgets.

For a :class:`~zkattest.composite.statement.Statement` with credential slots
``1..n`` the prover and the verifier take the same steps (the verifier reading
what the prover wrote):

1. a transcript binds the context (:class:`~zkattest.context.PresentationContext`),
   for ``n > 1`` the statement's digest (:meth:`Statement.digest`; one slot's
   statement is fixed by the circuit hash, date and horizon in the context),
   then each slot's issuer key and schema hash;
2. ``COMMIT``: the commitments ``C_k`` are absorbed;
3. ``SUBPROOF``: each range gadget proves (checks) its Bulletproof on the transcript;
4. ``FIRST``: the ``T`` of the one sigma proof of every gadget's linear relations,
   and each gadget's own first move, are absorbed in gadget order; then, for slots
   2..n, the BBS proof's first message (``Abar, Bbar, D, T1, T2``, domain and
   disclosed messages, as ProofChallengeCalculate serializes them);
5. a statement with a bound slot (the first, :attr:`Statement.pseudonym_slot`)
   shows the holder's pseudonym for the verifier's domain,
   ``P = OP·nym_secret`` with ``OP = hash_to_curve(verifier_domain)`` as
   draft-irtf-cfrg-bbs-per-verifier-linkability calculates it, and proves it
   from the signed, hidden ``nym_secret``: ``P`` and ``Tp = OP·m~`` (``m~``
   the BBS proof's blinding of ``nym_secret``) are absorbed; the verifier
   recomputes ``Tp = OP·m^ − c·P`` from the BBS proof's ``c`` and ``m^``
   (so ``Tp`` is not sent), and the challenge it then recomputes must be ``c``;
   With two or more bound slots, their hidden ``holder_secret`` messages share
   one ``m~``, and the verifier requires their responses ``m^`` equal: one
   holder behind every credential (equal responses to one challenge);
   each revocable slot (one whose credential signs a hidden revocation handle
   ``y``) shows ``y`` in the issuer's registry state
   (:mod:`zkattest.hazmat.accumulator`, ``MembershipProof``): the state's
   epoch, accumulator key and value, then ``Ā``, ``B̄`` and ``T = ρ~·V − y~·Ā``
   are absorbed, ``y~`` the BBS proof's blinding of ``y``; the verifier
   checks ``e(Ā, Q~) = e(B̄, P~)`` and recomputes ``T = ρ^·V − y^·Ā − c·B̄``
   from the BBS proof's ``c`` and ``y^``, as for the pseudonym;
6. the transcript's digest is slot 1's BBS ``presentation_header``, and slot 1's
   BBS challenge ``c`` (draft-irtf-cfrg-bbs-signatures-09 §3.7.4) is the one
   challenge every BBS proof, the linear relations and every gadget answer;
7. ``RESPONSE``: the answers; a committed message's response is its BBS ``m^``.

With one slot this is the presentation format of ``zkattest/presentation/v1``
unchanged (``tests/vectors/presentations``); ``docs/notes/composite-proofs.md``
argues soundness for several. Proof bytes, written only by
:meth:`PresentationProof.layout`::

    0x01 || bbs_proof per slot || per phase (COMMIT, SUBPROOF, FIRST, RESPONSE):
            per gadget, in order: its fields of that phase
         || per revocable slot, in order: Ā || B̄ || ρ^
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from zkattest._credential import Credential, bbs_parameters
from zkattest.composite.gadgets import Bases, Field, Gadget, MessageRef, Part, Phase, Var, Witness
from zkattest.composite.statement import CredentialSlot, RegistryEpoch, Statement
from zkattest.context import PresentationContext
from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    PolicyError,
    VerificationError,
    ZkAttestError,
)
from zkattest.hazmat import labels
from zkattest.hazmat.accumulator import MEMBERSHIP_PROOF_BYTES, MembershipProof, MembershipProver
from zkattest.hazmat.bbs import Ciphersuite, core, pseudonym
from zkattest.hazmat.curve import (
    G1,
    G1_BYTES,
    G2,
    SCALAR_BYTES,
    Backend,
    R,
    get_backend,
    scalar_to_bytes,
)
from zkattest.hazmat.pedersen import pedersen_generators
from zkattest.hazmat.sigma import LinearProver, checked_rng, verify_linear
from zkattest.hazmat.transcript import Transcript

if TYPE_CHECKING:
    from zkattest.holder import HolderSecret

__all__ = ["PROOF_FORMAT", "PresentationProof", "prove_statement", "verify_statement"]

PROOF_FORMAT = 1
TRANSCRIPT_PROTOCOL = b"zkattest/presentation/v1"
_WIDTH = {"point": G1_BYTES, "scalar": SCALAR_BYTES}
#: Layouts by statement (statements are immutable, and compiled ones are reused).
_layouts: weakref.WeakKeyDictionary[Statement, list[_Slot]] = weakref.WeakKeyDictionary()

Rng = Callable[[], int]


class _Slot(NamedTuple):
    """Where one stretch of the proof bytes goes: a slot's BBS proof
    (``gadget`` None, ``position`` the slot) or field ``position`` of ``gadget``."""

    gadget: int | None
    position: int
    field: Field


@dataclass(frozen=True)
class PresentationProof:
    """The proof of ``statement`` in parts: one BBS proof per credential slot,
    and per gadget the values of its fields (:meth:`Gadget.fields`), in order."""

    statement: Statement
    bbs: tuple[bytes, ...]
    parts: tuple[tuple[Part, ...], ...]
    #: The holder's pseudonym for the verifier's domain (a bound statement):
    #: a public output, carried beside the proof bytes.
    pseudonym: bytes | None = None
    #: One membership proof per revocable slot, in slot order.
    memberships: tuple[MembershipProof, ...] = ()

    @staticmethod
    def layout(statement: Statement) -> list[_Slot]:
        """The wire order for ``statement``: the one place it is written
        (computed once per statement)."""
        cached = _layouts.get(statement)
        if cached is not None:
            return cached
        out = [
            _Slot(None, i, Field(Phase.COMMIT, "bytes", slot.bbs_proof_size))
            for i, slot in enumerate(statement.credentials)
        ]
        for phase in Phase:
            for g, gadget in enumerate(statement.gadgets):
                out += [
                    _Slot(g, f, field)
                    for f, field in enumerate(gadget.fields())
                    if field.phase is phase
                ]
        _layouts[statement] = out
        return out

    @classmethod
    def size(cls, statement: Statement) -> int:
        """The exact length of the proof bytes for ``statement``."""
        gadgets = sum(s.field.n * _WIDTH.get(s.field.codec, 1) for s in cls.layout(statement))
        return 1 + gadgets + sum(slot.extra_proof_size for slot in statement.credentials)

    def to_bytes(self) -> bytes:
        """The proof bytes, in :meth:`layout`'s order."""
        out = [bytes([PROOF_FORMAT])]
        for s in self.layout(self.statement):
            value = self.bbs[s.position] if s.gadget is None else self.parts[s.gadget][s.position]
            if s.field.codec == "bytes":
                if not isinstance(value, bytes) or len(value) != s.field.n:
                    raise InvalidInputError("a proof part has the wrong length")
                out.append(value)
                continue
            if len(value) != s.field.n:
                raise InvalidInputError("a proof part has the wrong count")
            out += [x.to_bytes() if s.field.codec == "point" else scalar_to_bytes(x) for x in value]
        if len(self.memberships) != len(_revocable(self.statement)):
            raise InvalidInputError("one membership proof per revocable slot")
        out += [m.to_bytes() for m in self.memberships]
        return b"".join(out)

    @classmethod
    def from_bytes(cls, data: bytes, statement: Statement) -> PresentationProof:
        """Parse and check every point and scalar; :class:`DecodeError` if anything
        is off (the length is checked first, before any curve arithmetic)."""
        if len(data) != cls.size(statement):
            raise DecodeError("proof has the wrong length for its circuit")
        if data[0] != PROOF_FORMAT:
            raise DecodeError("unknown proof format")
        backend = get_backend()
        offset = 1
        bbs: list[bytes] = []
        parts: list[list[Part]] = [[] for _ in statement.gadgets]
        for s in cls.layout(statement):
            if s.field.codec == "bytes":
                item: Part = data[offset : offset + s.field.n]
                offset += s.field.n
            else:
                width = _WIDTH[s.field.codec]
                chunks = [
                    data[offset + i * width : offset + (i + 1) * width] for i in range(s.field.n)
                ]
                offset += s.field.n * width
                item = tuple(
                    backend.g1_from_bytes(c) if s.field.codec == "point" else _scalar(c)
                    for c in chunks
                )
            if s.gadget is None:
                bbs.append(item)
            else:
                parts[s.gadget].append(item)
        memberships = []
        for _ in _revocable(statement):
            memberships.append(
                MembershipProof.from_bytes(data[offset : offset + MEMBERSHIP_PROOF_BYTES])
            )
            offset += MEMBERSHIP_PROOF_BYTES
        # a gadget's fields are declared in phase order, so each list is in field order
        return cls(
            statement, tuple(bbs), tuple(tuple(p) for p in parts), memberships=tuple(memberships)
        )


def _revocable(statement: Statement) -> list[tuple[int, MessageRef, RegistryEpoch]]:
    """Each revocable slot, its handle, and the registry state it is proven against."""
    return [
        (i, MessageRef(i, slot.handle), slot.revocation)
        for i, slot in enumerate(statement.credentials)
        if slot.revocation is not None and slot.handle is not None
    ]


def _absorb_membership(
    transcript: Transcript, registry: RegistryEpoch, a_bar: G1, b_bar: G1, t: G1
) -> None:
    transcript.append_u64(labels.REGISTRY_EPOCH, registry.epoch)
    transcript.append_message(labels.ACCUMULATOR_KEY, registry.accumulator_key.to_bytes())
    transcript.append_point(labels.ACCUMULATOR_VALUE, registry.value)
    transcript.append_point(labels.MEMBERSHIP_A_BAR, a_bar)
    transcript.append_point(labels.MEMBERSHIP_B_BAR, b_bar)
    transcript.append_point(labels.MEMBERSHIP_COMMITMENT, t)


def _scalar(chunk: bytes) -> int:
    s = int.from_bytes(chunk, "big")
    if s >= R:
        raise DecodeError("non-canonical scalar")
    return s


def _transcript(statement: Statement, context: PresentationContext) -> Transcript:
    transcript = Transcript(TRANSCRIPT_PROTOCOL)
    context.bind(transcript)
    if len(statement.credentials) > 1:
        # One credential: the circuit hash, date and horizon in the context fix
        # the statement (and the format of zkattest/presentation/v1 stays as it is).
        transcript.append_message(labels.STATEMENT, statement.digest())
    for slot in statement.credentials:
        transcript.append_message(labels.ISSUER_PUBLIC_KEY, slot.issuer.public_key)
        transcript.append_message(labels.SCHEMA_HASH, slot.schema.schema_hash)
    return transcript


def _of(gadget: Gadget, parts: Sequence[Part], phase: Phase) -> list[Part]:
    return [part for f, part in zip(gadget.fields(), parts, strict=True) if f.phase is phase]


class _Bbs(NamedTuple):
    """A slot's BBS parameters."""

    generators: list[G1]
    api_id: bytes
    header: bytes
    disclosed: list[int]
    undisclosed: list[int]


def _bbs(slot: CredentialSlot) -> _Bbs:
    params = bbs_parameters(
        slot.schema, slot.issuer.suite, bound=slot.bound, revocable=slot.revocation is not None
    )
    disclosed = sorted(slot.disclosed)
    undisclosed = [j for j in range(slot.L) if j not in slot.disclosed]
    return _Bbs(params.generators, params.api_id, params.header, disclosed, undisclosed)


def _op(statement: Statement, context: PresentationContext) -> tuple[int, MessageRef, G1] | None:
    """The pseudonym's slot, its nym secret, and ``OP`` for the verifier's domain."""
    i = statement.pseudonym_slot
    if i is None:
        return None
    slot = statement.credentials[i]
    assert slot.nym_secret is not None  # noqa: S101 - a bound slot has one
    OP = _pseudonym_base(context.verifier_domain, slot.issuer.suite, get_backend())
    return i, MessageRef(i, slot.nym_secret), OP


@functools.lru_cache(maxsize=256)
def _pseudonym_base(domain: str, suite: Ciphersuite, backend: Backend) -> G1:
    """``OP`` for a verifier's domain (a hash to the curve: kept, a verifier
    sees the same few domains)."""
    return pseudonym.calculate_pseudonym(domain.encode(), [1], suite=suite)


def _share_blinding(m_tilde: dict[MessageRef, int], refs: list[MessageRef], value: int) -> None:
    """One blinding for every bound slot's holder secret: equal responses to the
    one challenge prove the secrets equal (the verifier checks them)."""
    m_tilde.update(dict.fromkeys(refs, value))


def _absorb_pseudonym(transcript: Transcript, P: G1, Tp: G1) -> None:
    transcript.append_point(labels.PSEUDONYM, P)
    transcript.append_point(labels.PSEUDONYM_COMMITMENT, Tp)


def _absorb_init(
    transcript: Transcript, init: core.ProofInitResult, disclosed_messages: list[int], b: _Bbs
) -> None:
    transcript.append_message(
        labels.BBS_PROOF_INIT, core.proof_challenge_input(init, disclosed_messages, b.disclosed)
    )


# ---------------------------------------------------------------------------
# Prover
# ---------------------------------------------------------------------------


def prove_statement(
    statement: Statement,
    credentials: Sequence[Credential],
    context: PresentationContext,
    *,
    rng: Rng,
    holder: HolderSecret | None = None,
) -> PresentationProof:
    """Prove ``statement`` with one credential per slot, bound to ``context``
    (bound slots: with ``holder``'s secrets).

    Every random scalar comes from ``rng``, in this order: the Pedersen
    blindings ``γ_k``, then the ``m~_k`` shared with the BBS proofs, then each
    range gadget's, the linear relations' (by witness name as text), each
    other gadget's, the ``m~`` shared by the holder secrets of two or more
    bound slots, the pseudonym's ``m~`` (a bound statement), per revocable
    slot ``y~``, ``ρ`` and ``ρ~`` of its membership proof, and each slot's
    BBS scalars (r1, r2, e~, r1~, r3~, m~_j).
    ``rng`` must return integers in [1, r), and never the same ones for two
    proofs: two proofs with the same blindings give away every hidden message
    and the signature. The caller has checked the predicates; a credential
    whose disclosed messages do not satisfy the statement, or a witness that
    does not satisfy a relation, raises :class:`~zkattest.errors.PolicyError`.
    """
    if len(credentials) != len(statement.credentials):
        raise InvalidInputError("one credential per slot of the statement")
    for credential, slot in zip(credentials, statement.credentials, strict=True):
        if credential.issuer.public_key != slot.issuer.public_key:
            raise InvalidInputError("a credential is not from its slot's issuer")
        if credential.schema.id != slot.schema.id:
            raise InvalidInputError("a credential is not of its slot's schema")
        if credential.bound != slot.bound:
            raise InvalidInputError("a credential's holder binding is not its slot's")
        held, registry = credential.revocation, slot.revocation
        if (held is None) != (registry is None):
            raise InvalidInputError("a credential's revocability is not its slot's")
        if (
            held is not None
            and registry is not None
            and (
                held.epoch != registry.epoch
                or held.value != registry.value
                or held.accumulator_key != registry.accumulator_key
            )
        ):
            raise PolicyError(
                f"the credential's revocation witness is for epoch {held.epoch}, not the"
                f" statement's {registry.epoch}: follow the issuer's registry first"
            )
    messages = [credential.signed_scalars(holder) for credential in credentials]
    for slot, signed in zip(statement.credentials, messages, strict=True):
        try:
            slot.disclosure.check({j: signed[j] for j in slot.disclosed})
        except VerificationError:
            raise PolicyError("a credential does not satisfy its disclosed messages") from None
    rng = checked_rng(rng)
    committed = statement.committed
    gamma = {ref: rng() for ref in committed}
    m_tilde = {ref: rng() for ref in committed}
    w = Witness({ref: messages[ref.credential][ref.message] for ref in committed}, gamma)
    backend = get_backend()
    P = Bases(*pedersen_generators(backend))
    C = {ref: backend.g1_msm([P.G, P.H], [w.values[ref], gamma[ref]]) for ref in committed}
    transcript = _transcript(statement, context)
    gadgets = statement.gadgets
    parts: list[list[Part]] = [[] for _ in gadgets]

    for g, gadget in enumerate(gadgets):  # COMMIT
        parts[g] += gadget.commit(C)
        for point in (p for part in parts[g] for p in part):
            transcript.append_point(labels.COMMITMENT, point)
    for g, gadget in enumerate(gadgets):  # SUBPROOF
        parts[g] += gadget.prove_subproof(transcript, C, w, P, rng)
    relations = [gadget.relations(C, P) for gadget in gadgets]
    witnesses: dict[Var, int] = {}
    for gadget in gadgets:
        witnesses.update(gadget.witnesses(w))
    linear = LinearProver(
        [r for rs in relations for r in rs],
        witnesses,
        fixed_tilde={Var("m", ref): m_tilde[ref] for ref in committed},
        rng=rng,
    )
    T = iter(linear.commitments())
    states: list[object] = []
    for g, gadget in enumerate(gadgets):  # FIRST
        first = _fill(gadget, Phase.FIRST, T)
        parts[g] += first
        state, own = gadget.start(C, w, P, rng)
        states.append(state)
        for point in [p for part in first for p in part] + own:
            transcript.append_point(labels.COMMITMENT, point)
    if statement.same_holder:
        _share_blinding(m_tilde, statement.same_holder, rng())
    nym = _op(statement, context)
    shown: G1 | None = None
    if nym is not None:
        _, ref, OP = nym
        m_tilde[ref] = rng()
        shown = OP * messages[ref.credential][ref.message]
        _absorb_pseudonym(transcript, shown, OP * m_tilde[ref])
    members: list[tuple[MembershipProver, G1, G1]] = []
    for i, ref, registry in _revocable(statement):
        m_tilde[ref] = rng()
        held = credentials[i].revocation
        assert held is not None  # noqa: S101 - checked above
        prover = MembershipProver(registry.value, held.witness, held.handle, rng(), rng(),
                                  m_tilde[ref])  # fmt: skip
        a_bar, b_bar, t = prover.start()
        _absorb_membership(transcript, registry, a_bar, b_bar, t)
        members.append((prover, a_bar, b_bar))

    inits: list[tuple[core.ProofInitResult, int, _Bbs, list[int]]] = []
    for i, (credential, slot) in enumerate(zip(credentials, statement.credentials, strict=True)):
        b = _bbs(slot)
        drawn = [rng() for _ in range(5 + len(b.undisclosed))]
        for position, j in enumerate(b.undisclosed):
            if (ref := MessageRef(i, j)) in m_tilde:
                drawn[5 + position] = m_tilde[ref]
        init, e = _bbs_init(credential, slot, b, messages[i], drawn)
        if i:
            _absorb_init(transcript, init, [messages[i][j] for j in b.disclosed], b)
        inits.append((init, e, b, drawn))
    ph = transcript.digest(labels.PRESENTATION_HEADER)
    first_init, _, first_b, _ = inits[0]
    c = core.proof_challenge_calculate(
        first_init,
        [messages[0][j] for j in first_b.disclosed],
        first_b.disclosed,
        ph,
        first_b.api_id,
        suite=statement.credentials[0].issuer.suite,
    )
    bbs = tuple(
        core.proof_finalize(init, c, e, drawn, [messages[i][j] for j in b.undisclosed]).to_bytes()
        for i, (init, e, b, drawn) in enumerate(inits)
    )
    responses = linear.responses(c)
    for g, gadget in enumerate(gadgets):  # RESPONSE
        parts[g] += gadget.respond(c, responses, states[g])
    return PresentationProof(
        statement,
        bbs,
        tuple(tuple(p) for p in parts),
        None if shown is None else shown.to_bytes(),
        tuple(prover.respond(c, a_bar, b_bar) for prover, a_bar, b_bar in members),
    )


def _fill(gadget: Gadget, phase: Phase, items: Iterator[G1]) -> list[Part]:
    """The gadget's fields of ``phase``, each filled with its count of ``items``."""
    return [tuple(next(items) for _ in range(f.n)) for f in gadget.fields() if f.phase is phase]


def _bbs_init(
    credential: Credential, slot: CredentialSlot, b: _Bbs, messages: list[int], drawn: list[int]
) -> tuple[core.ProofInitResult, int]:
    """ProofInit for one slot, and the signature's ``e``."""
    try:
        signature = core.octets_to_signature(credential.signature)
    except DecodeError as exc:
        raise InvalidInputError(f"invalid signature encoding: {exc}") from None
    init = core.proof_init(
        slot.issuer.public_key,
        signature,
        b.generators,
        drawn,
        b.header,
        messages,
        b.undisclosed,
        b.api_id,
        suite=slot.issuer.suite,
    )
    return init, signature[1]


# ---------------------------------------------------------------------------
# Verifier
# ---------------------------------------------------------------------------


def verify_statement(
    statement: Statement,
    proof_bytes: bytes,
    context: PresentationContext,
    disclosed: Sequence[Mapping[int, int]],
    pseudonym: bytes | None = None,
) -> None:
    """Check ``proof_bytes`` against ``statement`` and ``context``, given each
    slot's disclosed message scalars by index and (a bound statement) the
    holder's ``pseudonym``; :class:`VerificationError` if anything is off (a
    malformed proof included)."""
    try:
        _verify(statement, proof_bytes, context, disclosed, pseudonym)
    except VerificationError:
        raise
    except ZkAttestError:
        raise VerificationError("invalid proof") from None


def _verify(
    statement: Statement,
    proof_bytes: bytes,
    context: PresentationContext,
    disclosed: Sequence[Mapping[int, int]],
    pseudonym_bytes: bytes | None,
) -> None:
    if not isinstance(proof_bytes, bytes):
        raise VerificationError("invalid proof")
    nym = _op(statement, context)
    if (nym is None) != (pseudonym_bytes is None) or (
        pseudonym_bytes is not None
        and (not isinstance(pseudonym_bytes, bytes) or len(pseudonym_bytes) != G1_BYTES)
    ):
        raise VerificationError("invalid proof")
    if not isinstance(disclosed, Sequence) or len(disclosed) != len(statement.credentials):
        raise VerificationError("invalid proof")
    for values, slot in zip(disclosed, statement.credentials, strict=True):
        slot.disclosure.check(values)  # the fixed values, each a scalar, the clear predicates
    # Parsed in full (lengths first, before any curve arithmetic), then absorbed
    # in the order the prover absorbed it.
    proof = PresentationProof.from_bytes(proof_bytes, statement)
    gadgets = statement.gadgets
    C: dict[MessageRef, G1] = {}
    for gadget, parts in zip(gadgets, proof.parts, strict=True):
        C.update(gadget.commitments(parts))
    P = Bases(*pedersen_generators(get_backend()))
    transcript = _transcript(statement, context)
    for gadget, parts in zip(gadgets, proof.parts, strict=True):  # COMMIT
        for part in _of(gadget, parts, Phase.COMMIT):
            for point in part:
                transcript.append_point(labels.COMMITMENT, point)
    for gadget, parts in zip(gadgets, proof.parts, strict=True):  # SUBPROOF
        gadget.verify_subproof(transcript, C, P, _of(gadget, parts, Phase.SUBPROOF))
    for gadget, parts in zip(gadgets, proof.parts, strict=True):  # FIRST
        for point in gadget.first_move(parts):
            transcript.append_point(labels.COMMITMENT, point)
    # every slot's BBS proof is parsed once, here (slot 1's checked by CoreProofVerify below)
    parsed = [core.octets_to_proof(b) for b in proof.bbs]
    others = dict(enumerate(parsed[1:], start=1))
    params = [_bbs(slot) for slot in statement.credentials]
    if nym is not None:
        i, ref, OP = nym
        shown = get_backend().g1_from_bytes(pseudonym_bytes or b"")
        if shown.is_identity():
            raise VerificationError("invalid proof")
        nym_hat = parsed[i].m_hat[params[i].undisclosed.index(ref.message)]
        Tp = get_backend().g1_msm([OP, shown], [nym_hat, -parsed[i].c % R])
        _absorb_pseudonym(transcript, shown, Tp)
    # each membership's pairing equation is checked with its slot's BBS one (one product)
    batch: dict[int, list[tuple[G1, G2]]] = {}
    for (i, ref, registry), member in zip(_revocable(statement), proof.memberships, strict=True):
        y_hat = parsed[i].m_hat[params[i].undisclosed.index(ref.message)]
        key = registry.accumulator_key
        t = member.commitment(key, registry.value, y_hat, parsed[i].c, pairing=False)
        batch[i] = member.pairing(key)
        _absorb_membership(transcript, registry, member.a_bar, member.b_bar, t)
    for i, other in others.items():
        slot, b = statement.credentials[i], params[i]
        messages = [disclosed[i][j] for j in b.disclosed]
        init = core.proof_verify_init(
            slot.issuer.public_key,
            other,
            b.generators,
            b.header,
            messages,
            b.disclosed,
            b.api_id,
            suite=slot.issuer.suite,
        )
        _absorb_init(transcript, init, messages, b)
    ph = transcript.digest(labels.PRESENTATION_HEADER)

    first, b0 = statement.credentials[0], params[0]
    bbs = core.core_proof_verify(
        first.issuer.public_key,
        parsed[0],
        b0.generators,
        b0.header,
        ph,
        [disclosed[0][j] for j in b0.disclosed],
        b0.disclosed,
        b0.api_id,
        suite=first.issuer.suite,
        batch=batch.get(0, ()),
    )
    c = bbs.c
    m_hat = {MessageRef(0, j): v for j, v in bbs.m_hat.items()}
    for i, other in others.items():
        # Slots 2..n answer slot 1's challenge, and their signatures must hold.
        slot, b = statement.credentials[i], params[i]
        if other.c != c:
            raise VerificationError("invalid proof")
        core.proof_pairing_check(slot.issuer.public_key, other, batch.get(i, ()))
        m_hat.update({MessageRef(i, j): v for j, v in zip(b.undisclosed, other.m_hat, strict=True)})
    if len({m_hat[ref] for ref in statement.same_holder}) > 1:
        raise VerificationError("invalid proof")  # the credentials have different holders
    responses: dict[Var, int] = {Var("m", ref): m_hat[ref] for ref in statement.committed}
    relations = []
    T: list[G1] = []
    for gadget, parts in zip(gadgets, proof.parts, strict=True):
        responses.update(gadget.responses(parts))
        relations += gadget.relations(C, P)
        T += [p for part in _of(gadget, parts, Phase.FIRST) for p in part]
    verify_linear(relations, T, responses, c)
    for gadget, parts in zip(gadgets, proof.parts, strict=True):
        gadget.check(c, C, P, parts)
