"""The verifier's operations: check a presentation against its own challenge.

The verifier makes a challenge (:meth:`~zkattest.Challenge.create`), keeps it,
and checks the wallet's answer with :func:`verify`: the issuer must be trusted,
the challenge unexpired and matched field by field, the disclosed values those
the circuit asks for; then the circuit, compiled for the challenge's date and
horizon (:mod:`zkattest.composite.statement`), is checked by
:func:`~zkattest.composite.engine.verify_statement`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from zkattest._credential import IssuerPublicKey
from zkattest._presentation import MAX_PROOF_BYTES, Challenge, Presentation, VerifiedPresentation
from zkattest.circuits import Circuit, CircuitRegistry
from zkattest.composite.engine import verify_statement
from zkattest.composite.statement import compile_circuit
from zkattest.errors import (
    VerificationError,
    ZkAttestError,
)
from zkattest.schema import (
    DATE_EPOCH,
    EXPIRY_ATTRIBUTE,
)

__all__ = [
    "verify",
]


def verify(
    presentation: Presentation,
    challenge: Challenge,
    trusted_issuers: Mapping[str, IssuerPublicKey] | IssuerPublicKey,
    *,
    now: dt.datetime | None = None,
    circuits: CircuitRegistry | None = None,
    require_binding: bool = True,
) -> VerifiedPresentation:
    """The verifier's recipe: check ``presentation`` against its own ``challenge``,
    whose circuit is found in ``circuits`` (default: the built-in circuits).

    By default the presentation must come from a credential bound to its
    holder and show the holder's pseudonym for the challenge's domain
    (:attr:`VerifiedPresentation.pseudonym`); ``require_binding=False`` also
    accepts an unbound credential's presentation (reason ``holder_binding``
    otherwise), which proves the attributes but not who holds them.

    Raises :class:`VerificationError` for anything that does not verify, from
    a mismatched field to a malformed or false proof, with no further detail.
    """
    try:
        return _verify(presentation, challenge, trusted_issuers, now, circuits, require_binding)
    except VerificationError:
        raise
    except ZkAttestError:
        raise VerificationError("presentation refused") from None


def _verify(
    presentation: Presentation,
    challenge: Challenge,
    trusted_issuers: Mapping[str, IssuerPublicKey] | IssuerPublicKey,
    now: dt.datetime | None,
    circuits: CircuitRegistry | None,
    require_binding: bool,
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
    bound = presentation.pseudonym is not None
    if require_binding and not bound:
        raise VerificationError(
            "presentation refused: the credential is not bound to its holder",
            reason="holder_binding",
        )
    circuit = challenge.circuit(circuits)
    statement = compile_circuit(
        circuit, issuer, challenge.today, challenge.horizon_days, bound=bound
    )
    disclosure = statement.credentials[0].disclosure
    disclosed = disclosure.scalars(presentation.disclosed, issuer.suite)
    verify_statement(
        statement, presentation.proof, challenge.context(), [disclosed], presentation.pseudonym
    )
    return VerifiedPresentation(
        circuit_id=circuit.id,
        circuit_hash=circuit.circuit_hash,
        wallet_address=challenge.wallet_address,
        chain_id=challenge.chain_id,
        issuer_key_id=issuer.key_id,
        disclosed=dict(presentation.disclosed),
        valid_through=_expiry_bound(circuit, challenge.today, challenge.horizon_days),
        pseudonym=None if presentation.pseudonym is None else presentation.pseudonym.hex(),
    )


def _expiry_bound(circuit: Circuit, today: dt.date, horizon_days: int) -> dt.date:
    """The latest lower bound the circuit, resolved with the horizon, puts on the expiry date."""
    bounds = [
        p.values[0]
        for p in circuit.resolve(today, horizon_days=horizon_days)
        if p.attribute == EXPIRY_ATTRIBUTE and p.op in (">=", "between")
    ]
    return DATE_EPOCH + dt.timedelta(days=max(bounds))
