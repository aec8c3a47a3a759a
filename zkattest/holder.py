"""The holder's operations: accept a credential, accept a challenge, prove.

The wallet keeps one :class:`HolderSecret` (made once, stored mode 0600): the
secret every bound credential carries hidden, and the holder's part of its nym
secret. It checks a credential when it receives it (:func:`accept_credential`),
checks a verifier's challenge before proving anything (:func:`accept_challenge`:
a wallet that proved whatever it was asked would be an oracle), and proves the
challenge's circuit on the credential (:func:`prove`): the circuit compiles to a
statement (:mod:`zkattest.composite.statement`) that
:func:`~zkattest.composite.engine.prove_statement` proves, bound to the
challenge's context.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

from zkattest._credential import (
    COMMITMENT_BYTES,
    Credential,
    CredentialRequest,
    HolderBinding,
    IssuerPublicKey,
)
from zkattest._presentation import _MAX_LIFETIME, Challenge, Presentation, PresentedCredential
from zkattest.circuits import Circuit, CircuitRegistry, CredentialSpec, ResolvedPredicate
from zkattest.codec import (
    FORMAT_VERSION,
    hex_bytes,
    parse_json_object,
    require_fields,
    utc_text,
)
from zkattest.composite.engine import prove_statement
from zkattest.composite.statement import RegistryEpoch, compile_circuit, holds
from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    PolicyError,
    VerificationError,
)
from zkattest.hazmat.bbs import blind, pseudonym
from zkattest.hazmat.curve import R, scalar_to_bytes
from zkattest.hazmat.sigma import checked_rng, random_scalar
from zkattest.schema import (
    EXPIRY_ATTRIBUTE,
    DateType,
    SchemaRegistry,
)

__all__ = [
    "HolderSecret",
    "PendingRequest",
    "UnfillableSlotError",
    "accept_challenge",
    "accept_credential",
    "prove",
    "request_credential",
    "select_credentials",
]


_HOLDER_SECRET_TYPE = "zkattest/holder-secret"  # noqa: S105 - a document type, not a secret
_PENDING_TYPE = "zkattest/pending-credential-request"
#: The largest holder-secret file read (it is a few hundred bytes).
_MAX_SECRET_FILE = 4096


class HolderSecret:
    """The holder's long-lived secrets: ``holder_secret``, carried hidden by
    every credential bound to this holder, and ``prover_nym``, its part of the
    nym secret behind its per-platform pseudonyms (the issuer adds its own).

    Made once (:meth:`generate`) and kept in a file only its owner can read
    (:meth:`save`: mode 0600, never over an existing file; :meth:`load` refuses
    a file others can read). The ``repr`` is redacted; comparison is
    constant-time; it cannot be pickled. Losing it loses every credential bound
    to it; a copy lets someone else prove as this holder.
    """

    __slots__ = ("_holder_secret", "_prover_nym")

    def __init__(self, holder_secret: int, prover_nym: int) -> None:
        for value in (holder_secret, prover_nym):
            if type(value) is not int or not 0 < value < R:
                raise InvalidInputError("a holder secret is two scalars in [1, r)")
        self._holder_secret = holder_secret
        self._prover_nym = prover_nym

    @classmethod
    def generate(cls) -> HolderSecret:
        """Fresh secrets from the operating system's CSPRNG."""
        return cls(random_scalar(), random_scalar())

    @property
    def holder_secret(self) -> int:
        return self._holder_secret

    @property
    def prover_nym(self) -> int:
        return self._prover_nym

    def __repr__(self) -> str:
        return "HolderSecret(<redacted>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HolderSecret):
            return NotImplemented
        return hmac.compare_digest(self._octets(), other._octets())

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> NoReturn:
        raise TypeError("a HolderSecret is not pickled; save it with HolderSecret.save")

    def _octets(self) -> bytes:
        return scalar_to_bytes(self._holder_secret) + scalar_to_bytes(self._prover_nym)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write to a new file at ``path``, mode 0600; :class:`InvalidInputError`
        if it exists (a holder secret is made once and never overwritten)."""
        text = json.dumps(
            {
                "type": _HOLDER_SECRET_TYPE,
                "version": FORMAT_VERSION,
                "holder_secret": scalar_to_bytes(self._holder_secret).hex(),
                "prover_nym": scalar_to_bytes(self._prover_nym).hex(),
            },
            sort_keys=True,
        )
        _write_private(path, text, "a holder secret is never overwritten")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> HolderSecret:
        """Read the file :meth:`save` wrote; refused (naming the file, never a
        value) if others can read or write it, or if it is malformed."""
        file = Path(path)
        text = _read_private(file, "a holder secret file")
        try:
            obj = parse_json_object(text, _HOLDER_SECRET_TYPE)
            require_fields(
                obj, {"type", "version", "holder_secret", "prover_nym"}, _HOLDER_SECRET_TYPE
            )
            values = [
                int.from_bytes(hex_bytes(obj[name], name, 32), "big")
                for name in ("holder_secret", "prover_nym")
            ]
            return cls(*values)
        except (DecodeError, InvalidInputError):
            raise DecodeError(f"{file}: not a holder secret file") from None


def _write_private(path: str | os.PathLike[str], text: str, why: str) -> None:
    """Write ``text`` to a new file at ``path``, mode 0600, never over an existing one."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise InvalidInputError(f"{path}: exists; {why}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text + "\n")


def _read_private(file: Path, what: str) -> str:
    """The text of a private file; refused (naming the file, never a value) if
    others can read or write it, if it is too large or unreadable."""
    try:
        mode = file.stat().st_mode
        if mode & 0o077:
            raise InvalidInputError(
                f"{file}: readable or writable by others (mode {mode & 0o777:o});"
                f" {what} must be mode 0600"
            )
        if file.stat().st_size > _MAX_SECRET_FILE:
            raise InvalidInputError(f"{file}: too large for {what}")
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInputError(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{file}: cannot read ({exc.__class__.__name__})") from None


class PendingRequest:
    """A credential request the holder has sent, and the ``secret_prover_blind``
    it keeps until the credential arrives (:func:`accept_credential` needs it).
    Kept like the holder secret: :meth:`save` mode 0600, redacted ``repr``."""

    __slots__ = ("_secret_prover_blind", "request")

    def __init__(self, request: CredentialRequest, secret_prover_blind: int) -> None:
        if not isinstance(request, CredentialRequest):
            raise InvalidInputError("request must be a CredentialRequest")
        if type(secret_prover_blind) is not int or not 0 < secret_prover_blind < R:
            raise InvalidInputError("secret_prover_blind must be a scalar in [1, r)")
        self.request = request
        self._secret_prover_blind = secret_prover_blind

    @property
    def secret_prover_blind(self) -> int:
        return self._secret_prover_blind

    def __repr__(self) -> str:
        return f"PendingRequest(schema={self.request.schema_id}, <redacted>)"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a PendingRequest is not pickled; save it with PendingRequest.save")

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write to a new file at ``path``, mode 0600."""
        text = json.dumps(
            {
                "type": _PENDING_TYPE,
                "version": FORMAT_VERSION,
                "request": json.loads(self.request.to_json()),
                "secret_prover_blind": scalar_to_bytes(self._secret_prover_blind).hex(),
            },
            sort_keys=True,
        )
        _write_private(path, text, "a pending request is never overwritten")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PendingRequest:
        file = Path(path)
        text = _read_private(file, "a pending request file")
        try:
            obj = parse_json_object(text, _PENDING_TYPE)
            require_fields(
                obj, {"type", "version", "request", "secret_prover_blind"}, _PENDING_TYPE
            )
            request = CredentialRequest.from_json(json.dumps(obj["request"]))
            blind = int.from_bytes(hex_bytes(obj["secret_prover_blind"], "blind", 32), "big")
            return cls(request, blind)
        except (DecodeError, InvalidInputError):
            raise DecodeError(f"{file}: not a pending request file") from None


def request_credential(
    holder: HolderSecret,
    issuer: IssuerPublicKey,
    schema_id: str,
    *,
    rng: Rng | None = None,
) -> PendingRequest:
    """The holder's request for a credential of ``schema_id`` bound to ``holder``:
    a blind commitment to the holder secret and the holder's part of the nym
    secret, with its proof of knowledge (CommitWithNym). Send
    ``pending.request.to_json()`` to the issuer; keep ``pending`` (it holds
    ``secret_prover_blind``) until :func:`accept_credential`. ``rng`` draws
    ``secret_prover_blind``, ``s~`` and the two ``m~`` (tests only)."""
    if not isinstance(holder, HolderSecret):
        raise InvalidInputError("holder must be a HolderSecret")
    if not isinstance(issuer, IssuerPublicKey):
        raise InvalidInputError("issuer must be an IssuerPublicKey")
    if not isinstance(schema_id, str):
        raise InvalidInputError("schema_id must be a schema's id")
    draw = checked_rng(rng or random_scalar)
    suite = issuer.suite
    api_id = pseudonym.api_id(suite)
    generators = blind.blind_generators(3, suite, api_id)
    commitment, secret_prover_blind = blind.core_commit(
        generators,
        [holder.holder_secret, holder.prover_nym],
        api_id,
        suite,
        [draw() for _ in range(4)],
    )
    assert len(commitment) == COMMITMENT_BYTES  # noqa: S101 - fixed by the generators
    request = CredentialRequest(suite, issuer.key_id, schema_id, commitment)
    return PendingRequest(request, secret_prover_blind)


def accept_credential(
    text: str | bytes,
    trusted_issuers: Mapping[str, IssuerPublicKey] | IssuerPublicKey,
    *,
    schemas: SchemaRegistry | None = None,
    holder: HolderSecret | None = None,
    pending: PendingRequest | None = None,
) -> Credential:
    """The holder's check on receipt: parse (a schema of ``schemas``; default:
    the built-in ones), require a trusted issuer, verify the signature.

    A bound credential (the issuer's answer to :func:`request_credential`)
    needs ``holder`` and the ``pending`` request: the signature must hold over
    the holder's own secrets, for the schema and issuer requested; the
    credential returned carries ``secret_prover_blind``, ready to prove with.
    A revocable credential's witness must show its handle in the state it
    names (the holder checks that state's signature when it follows the
    registry: :meth:`Credential.follow`).
    """
    credential = Credential.from_json(text, schemas=schemas)
    if isinstance(trusted_issuers, IssuerPublicKey):
        trusted_issuers = {trusted_issuers.key_id: trusted_issuers}
    trusted = trusted_issuers.get(credential.issuer.key_id)
    if trusted is None or trusted.public_key != credential.issuer.public_key:
        raise VerificationError(
            "credential is not from a trusted issuer", reason="untrusted_issuer"
        )
    if credential.revocation is not None and not credential.revocation.holds():
        raise VerificationError("the credential's revocation witness does not verify")
    if credential.binding is None:
        if holder is not None or pending is not None:
            raise VerificationError("the issuer returned a credential not bound to this holder")
        credential.verify()
        return credential
    if not isinstance(holder, HolderSecret) or not isinstance(pending, PendingRequest):
        raise InvalidInputError("a bound credential is accepted with its holder secret and request")
    request = pending.request
    if request.issuer_key_id != credential.issuer.key_id or request.schema_id != (
        credential.schema.id
    ):
        raise VerificationError("the credential is not the one requested")
    blind_value = credential.binding.secret_prover_blind
    if blind_value is not None and blind_value != pending.secret_prover_blind:
        raise VerificationError("the credential is not the one requested")
    accepted = credential.with_binding(
        HolderBinding(credential.binding.signer_nym_entropy, pending.secret_prover_blind)
    )
    accepted.verify(holder)
    return accepted


# How far a challenge's `today` may be from the holder's UTC date: time zones,
# and a challenge issued just before midnight and answered just after.
_MAX_DATE_SKEW = dt.timedelta(days=1)


Rng = Callable[[], int]


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


def accept_challenge(
    challenge: Challenge,
    *,
    now: dt.datetime | None = None,
    circuits: CircuitRegistry | None = None,
) -> Circuit:
    """The holder's checks on a challenge before anything is proven; the circuit to prove.

    A wallet that proved whatever it was asked would be an oracle: a verifier
    choosing ``today`` and the circuit's parameters can bisect a hidden date
    (a birth date falls in about 14 challenges on ``majority_age`` and
    ``today``). So the holder answers only what an honest verifier sends, by
    its own clock ``now`` (timezone-aware; default: the system clock). It
    refuses with :class:`PolicyError` a challenge that has expired, that is
    valid for more than one day from ``now`` (the longest lifetime
    :meth:`Challenge.create` gives), or whose ``today`` is more than one day
    from ``now``'s UTC date; and, as :meth:`Challenge.circuit` does (from
    ``circuits``, default: the built-in circuits), an unknown
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
    return challenge.circuit(circuits)


def prove(
    credentials: Credential | Sequence[Credential],
    challenge: Challenge,
    *,
    rng: Rng | None = None,
    now: dt.datetime | None = None,
    circuits: CircuitRegistry | None = None,
    holder: HolderSecret | None = None,
) -> Presentation:
    """The holder's recipe: prove the challenge's circuit on ``credentials``
    (one, or one per credential of the circuit in its order, as
    :func:`select_credentials` finds them; bound to their holder: with
    ``holder``, its :class:`HolderSecret`; the presentation then shows the
    holder's pseudonym for the challenge's domain, and, for several
    credentials, proves that every one carries this holder's secret).

    ``rng`` gives every random scalar of the proof (the BBS proof's included;
    default: the operating system's CSPRNG), so that fixed inputs give a fixed
    presentation: for tests and vectors only, since an ``rng`` that repeats its
    outputs across two presentations gives away the credential. ``now`` is the
    holder's clock (timezone-aware; default: the system clock); ``circuits``
    the registry the challenge's circuit is found in (default: the built-in
    circuits). Refuses a
    challenge :func:`accept_challenge` refuses, and with :class:`PolicyError`
    (naming the predicate, never a value) a credential that does not satisfy
    the circuit.
    """
    held = (credentials,) if isinstance(credentials, Credential) else tuple(credentials)
    if not held or not all(isinstance(c, Credential) for c in held):
        raise InvalidInputError("prove takes a Credential, or one per credential of the circuit")
    draw = rng or random_scalar
    if any(c.bound for c in held) and not isinstance(holder, HolderSecret):
        raise InvalidInputError("a bound credential is proven with its holder's HolderSecret")
    if not all(c.bound for c in held) and holder is not None:
        raise InvalidInputError("the credential is not bound to a holder")
    if holder is not None:
        for credential in held:
            try:
                credential.verify(holder)
            except VerificationError:
                raise PolicyError("the credential is not bound to this holder secret") from None
    circuit = accept_challenge(challenge, now=now, circuits=circuits)
    specs = circuit.credentials
    if len(held) != len(specs):
        raise InvalidInputError(
            f"circuit {circuit.id} reads {len(specs)} credential(s)"
            f" ({', '.join(s.name for s in specs)}): give one for each, in that order"
        )
    resolved = circuit.resolve_all(challenge.today, horizon_days=challenge.horizon_days)
    for spec, credential, predicates in zip(specs, held, resolved, strict=True):
        if credential.schema.id != spec.schema.id:
            raise PolicyError(
                _in_slot(circuit, spec, "the circuit is for another credential schema")
            )
        messages = credential.message_scalars()
        for p in predicates:
            if not holds(p, messages[p.index]):
                raise PolicyError(_in_slot(circuit, spec, _unsatisfied(p, challenge)))
    if len(held) > 1 and not all(c.bound for c in held):
        raise PolicyError(
            f"circuit {circuit.id} reads several credentials: each must be bound to its holder"
        )
    for spec, credential in zip(specs, held, strict=True):
        stale = _stale(credential, challenge)
        if stale is not None:
            raise PolicyError(_in_slot(circuit, spec, stale))
    statement = compile_circuit(
        circuit,
        [c.issuer for c in held],
        challenge.today,
        challenge.horizon_days,
        bound=held[0].bound,
        registries=[_registry_epoch(c) for c in held],
    )
    proof = prove_statement(statement, held, challenge.context(), rng=draw, holder=holder)
    return Presentation(
        challenge_id=challenge.challenge_id,
        circuit_id=circuit.id,
        circuit_hash=circuit.circuit_hash,
        wallet_address=challenge.wallet_address,
        chain_id=challenge.chain_id,
        credentials=tuple(
            PresentedCredential(
                spec.name,
                credential.issuer.key_id,
                slot.disclosure.reveal(credential.attributes),
                None if credential.revocation is None else credential.revocation.epoch,
            )
            for spec, credential, slot in zip(specs, held, statement.credentials, strict=True)
        ),
        proof=proof.to_bytes(),
        pseudonym=proof.pseudonym,
    )


def _registry_epoch(credential: Credential) -> RegistryEpoch | None:
    """The registry state a revocable credential's witness is current for."""
    held = credential.revocation
    return None if held is None else RegistryEpoch(held.accumulator_key, held.epoch, held.value)


def _stale(credential: Credential, challenge: Challenge) -> str | None:
    """Why a revocable credential cannot answer ``challenge`` yet: its witness
    is for a registry state older than the challenge accepts."""
    held, bound = credential.revocation, challenge.registry_not_before
    if held is None or bound is None or held.issued_at >= bound:
        return None
    return (
        f"the credential's registry state (epoch {held.epoch}, published"
        f" {utc_text(held.issued_at)}) is older than the verifier accepts (not before"
        f" {utc_text(bound)}): bring it forward with the issuer's newer states"
    )


class UnfillableSlotError(PolicyError):
    """No stored credential fills one of a challenge's credentials: ``slot`` names it."""

    def __init__(self, message: str, *, slot: str) -> None:
        super().__init__(message)
        self.slot = slot


def select_credentials(
    stored: Iterable[Credential],
    challenge: Challenge,
    *,
    holder: HolderSecret | None = None,
    now: dt.datetime | None = None,
    circuits: CircuitRegistry | None = None,
    accepted_issuers: Mapping[str, Collection[str]] | None = None,
) -> tuple[Credential, ...]:
    """The wallet's choice: among its ``stored`` credentials, one for each
    credential of the challenge's circuit, in the circuit's order, ready for
    :func:`prove`.

    A credential fills a slot when it is of the slot's schema, from an issuer
    the platform accepts for it (``accepted_issuers``: slot name to issuer key
    ids, as the platform lists them; no entry: any issuer), bound to
    ``holder`` (every credential of a circuit of several must be; a
    one-credential circuit also takes an unbound one when ``holder`` is None),
    and satisfies the slot's predicates on the challenge's date and horizon;
    of several, the one that expires last. No credential is used twice.
    Refuses the challenge as :func:`accept_challenge` does; a slot no
    credential fills raises :class:`UnfillableSlotError` naming the slot and
    why the closest candidate failed (never a value).
    """
    circuit = accept_challenge(challenge, now=now, circuits=circuits)
    specs = circuit.credentials
    resolved = circuit.resolve_all(challenge.today, horizon_days=challenge.horizon_days)
    candidates = list(stored)
    if not all(isinstance(c, Credential) for c in candidates):
        raise InvalidInputError("stored credentials must be Credential objects")
    if accepted_issuers is not None and not isinstance(accepted_issuers, Mapping):
        raise InvalidInputError("accepted_issuers maps a credential's name to issuer key ids")
    chosen: list[Credential] = []
    for spec, predicates in zip(specs, resolved, strict=True):
        accepted = None if accepted_issuers is None else accepted_issuers.get(spec.name)
        best: Credential | None = None
        # the most telling reason a candidate failed: later checks tell more
        reason, depth = f"no stored credential of schema {spec.schema.id}", 0
        for credential in candidates:
            if credential in chosen or credential.schema.id != spec.schema.id:
                continue
            failed = _unfit(credential, predicates, challenge, holder, accepted, len(specs))
            if failed is None:
                if best is None or _expiry(best) < _expiry(credential):
                    best = credential
            elif failed[1] > depth:
                reason, depth = failed
        if best is None:
            slot = "" if len(specs) == 1 else f" credential {spec.name} ({spec.schema.id}) of"
            raise UnfillableSlotError(
                f"cannot fill{slot} circuit {circuit.id}: {reason}", slot=spec.name
            )
        chosen.append(best)
    return tuple(chosen)


def _unfit(
    credential: Credential,
    predicates: list[ResolvedPredicate],
    challenge: Challenge,
    holder: HolderSecret | None,
    accepted: Collection[str] | None,
    slots: int,
) -> tuple[str, int] | None:
    """Why ``credential`` cannot fill the slot, and how far it got; None if it can."""
    if accepted is not None and credential.issuer.key_id not in accepted:
        return "no credential from an issuer the platform accepts for it", 1
    if credential.bound:
        if holder is None:
            return "its credentials are bound to a holder secret: give it", 2
        try:
            credential.verify(holder)
        except VerificationError:
            return "no credential bound to this holder secret", 2
    elif holder is not None or slots > 1:
        return "no credential bound to the holder", 2
    messages = credential.message_scalars()
    for p in predicates:
        if not holds(p, messages[p.index]):
            return _unsatisfied(p, challenge), 3
    stale = _stale(credential, challenge)
    return None if stale is None else (stale, 4)


def _expiry(credential: Credential) -> int:
    return credential.message_scalars()[credential.schema.index(EXPIRY_ATTRIBUTE)]


def _in_slot(circuit: Circuit, spec: CredentialSpec, message: str) -> str:
    """``message``, naming the credential when the circuit reads several."""
    return message if len(circuit.credentials) == 1 else f"{spec.name}: {message}"
