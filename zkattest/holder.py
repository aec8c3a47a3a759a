"""The holder's operations: accept a credential, accept a challenge, prove.

The wallet checks a credential when it receives it (:func:`accept_credential`),
checks a verifier's challenge before proving anything (:func:`accept_challenge`:
a wallet that proved whatever it was asked would be an oracle), and proves the
challenge's circuit on the credential (:func:`prove`): the circuit compiles to a
statement (:mod:`zkattest.composite.statement`) that
:func:`~zkattest.composite.engine.prove_statement` proves, bound to the
challenge's context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from zkattest._credential import Credential, IssuerPublicKey
from zkattest._presentation import _MAX_LIFETIME, Challenge, Presentation
from zkattest.circuits import Circuit, CircuitRegistry, ResolvedPredicate
from zkattest.codec import (
    utc_text,
)
from zkattest.composite.engine import prove_statement
from zkattest.composite.statement import compile_circuit, holds
from zkattest.errors import (
    InvalidInputError,
    PolicyError,
    VerificationError,
)
from zkattest.hazmat.sigma import random_scalar
from zkattest.schema import (
    EXPIRY_ATTRIBUTE,
    DateType,
    SchemaRegistry,
)

__all__ = [
    "accept_challenge",
    "accept_credential",
    "prove",
]


def accept_credential(
    text: str | bytes,
    trusted_issuers: Mapping[str, IssuerPublicKey] | IssuerPublicKey,
    *,
    schemas: SchemaRegistry | None = None,
) -> Credential:
    """The holder's check on receipt: parse (a schema of ``schemas``; default:
    the built-in ones), require a trusted issuer, verify the signature."""
    credential = Credential.from_json(text, schemas=schemas)
    if isinstance(trusted_issuers, IssuerPublicKey):
        trusted_issuers = {trusted_issuers.key_id: trusted_issuers}
    trusted = trusted_issuers.get(credential.issuer.key_id)
    if trusted is None or trusted.public_key != credential.issuer.public_key:
        raise VerificationError(
            "credential is not from a trusted issuer", reason="untrusted_issuer"
        )
    credential.verify()
    return credential


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
    credential: Credential,
    challenge: Challenge,
    *,
    rng: Rng | None = None,
    now: dt.datetime | None = None,
    circuits: CircuitRegistry | None = None,
) -> Presentation:
    """The holder's recipe: prove the challenge's circuit on ``credential``.

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
    draw = rng or random_scalar
    circuit = accept_challenge(challenge, now=now, circuits=circuits)
    if circuit.schema.id != credential.schema.id:
        raise PolicyError("the circuit is for another credential schema")
    messages = credential.message_scalars()
    for p in circuit.resolve(challenge.today, horizon_days=challenge.horizon_days):
        if not holds(p, messages[p.index]):
            raise PolicyError(_unsatisfied(p, challenge))
    statement = compile_circuit(circuit, credential.issuer, challenge.today, challenge.horizon_days)
    proof = prove_statement(statement, [credential], challenge.context(), rng=draw)
    disclosed_values = statement.credentials[0].disclosure.reveal(credential.attributes)
    return Presentation(
        challenge_id=challenge.challenge_id,
        circuit_id=circuit.id,
        circuit_hash=circuit.circuit_hash,
        wallet_address=challenge.wallet_address,
        chain_id=challenge.chain_id,
        issuer_key_id=credential.issuer.key_id,
        disclosed=disclosed_values,
        proof=proof.to_bytes(),
    )
