"""The verifier's operations: check a presentation against its own challenge.

The verifier makes a challenge (:meth:`~zkattest.Challenge.create`), keeps it,
and checks the wallet's answer with :func:`verify`: every credential's issuer
must be trusted for that credential's schema and, where the circuit names
them, one of its issuer roles (:class:`TrustedIssuer`); the challenge
unexpired and matched field by field; the disclosed values those the circuit
asks for; then the circuit, compiled for the challenge's date and horizon
(:mod:`zkattest.composite.statement`), is checked by
:func:`~zkattest.composite.engine.verify_statement`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from zkattest._credential import IssuerPublicKey
from zkattest._presentation import (
    MAX_PROOF_BYTES,
    Challenge,
    Presentation,
    PresentedCredential,
    VerifiedPresentation,
)
from zkattest.circuits import Circuit, CircuitRegistry, CredentialSpec
from zkattest.composite.engine import verify_statement
from zkattest.composite.statement import RegistryEpoch, compile_circuit
from zkattest.errors import (
    InvalidInputError,
    VerificationError,
    ZkAttestError,
)
from zkattest.revocation import RegistryLookup
from zkattest.schema import (
    DATE_EPOCH,
    EXPIRY_ATTRIBUTE,
)

__all__ = [
    "DEFAULT_MAX_STATE_AGE",
    "TrustedIssuer",
    "TrustedIssuers",
    "verify",
]

#: How old a registry state :func:`verify` accepts when the challenge sets no bound.
DEFAULT_MAX_STATE_AGE = dt.timedelta(days=1)

_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_SCHEMA_ID = re.compile(r"[a-z][a-z0-9_-]{0,63}/v[1-9][0-9]{0,5}")  # as zkattest.schema reads ids


@dataclass(frozen=True)
class TrustedIssuer:
    """An issuer key a platform trusts, for named schemas only, in named roles.

    ``schemas``: the ids of the credential schemas the key is trusted to sign
    (``("investor/v1",)``); a credential of another schema signed by it is
    refused (reason ``untrusted_issuer``). ``roles``: what the platform trusts
    the issuer as (``kyc_provider``, ``accreditation_verifier``...); a
    circuit's credential that names issuer roles is filled only by a key
    holding one of them. A bare :class:`~zkattest.IssuerPublicKey` handed to
    :func:`verify` is trusted for every schema and holds no role.
    """

    key: IssuerPublicKey
    schemas: tuple[str, ...] | None
    roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.key, IssuerPublicKey):
            raise InvalidInputError("a trusted issuer's key must be an IssuerPublicKey")
        if self.schemas is not None:
            schemas = _names(self.schemas, _SCHEMA_ID, "schema ids such as investor/v1")
            if not schemas:
                raise InvalidInputError("a trusted issuer is trusted for at least one schema")
            object.__setattr__(self, "schemas", schemas)
        object.__setattr__(
            self, "roles", _names(self.roles, _NAME, "role names matching [a-z][a-z0-9_]*")
        )

    @property
    def key_id(self) -> str:
        return self.key.key_id

    def accepts(self, spec: CredentialSpec) -> bool:
        """Whether this key may sign the circuit's credential ``spec``: trusted
        for its schema, and holding one of its issuer roles if it names any."""
        if self.schemas is not None and spec.schema.id not in self.schemas:
            return False
        return not spec.issuer_roles or bool(set(spec.issuer_roles) & set(self.roles))


def _names(value: object, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidInputError(f"give a list of {what}")
    names = tuple(value)
    if not all(isinstance(n, str) and pattern.fullmatch(n) for n in names):
        raise InvalidInputError(f"give a list of {what}")
    return tuple(sorted(set(names)))


#: What :func:`verify` takes as the trusted issuers: one key, or several
#: (a mapping by key id, as before, or any iterable), each bare or with its
#: :class:`TrustedIssuer` grants.
TrustedIssuers = (
    IssuerPublicKey
    | TrustedIssuer
    | Mapping[str, IssuerPublicKey | TrustedIssuer]
    | Iterable[IssuerPublicKey | TrustedIssuer]
)


def trusted_by_key_id(trusted_issuers: TrustedIssuers) -> dict[str, TrustedIssuer]:
    """``trusted_issuers`` as :class:`TrustedIssuer` grants by key id (a bare key:
    every schema, no role); :class:`InvalidInputError` for anything else,
    including a mapping whose key is not the key's own id."""
    if isinstance(trusted_issuers, (IssuerPublicKey, TrustedIssuer)):
        trusted_issuers = [trusted_issuers]
    if isinstance(trusted_issuers, Mapping):
        entries = list(trusted_issuers.items())
    elif isinstance(trusted_issuers, Iterable) and not isinstance(trusted_issuers, (str, bytes)):
        entries = [(None, entry) for entry in trusted_issuers]
    else:
        raise InvalidInputError("trusted issuers: give issuer keys or TrustedIssuer grants")
    out: dict[str, TrustedIssuer] = {}
    for key_id, entry in entries:
        if isinstance(entry, IssuerPublicKey):
            entry = TrustedIssuer(entry, None)
        if not isinstance(entry, TrustedIssuer):
            raise InvalidInputError("trusted issuers: give issuer keys or TrustedIssuer grants")
        if key_id is not None and key_id != entry.key_id:
            raise InvalidInputError(f"trusted issuers: {key_id!r} is not the key id of its key")
        if entry.key_id in out:
            raise InvalidInputError(
                f"trusted issuers: key {entry.key_id} is listed twice; give it once, with"
                " every schema and role it is trusted for"
            )
        out[entry.key_id] = entry
    return out


def verify(
    presentation: Presentation,
    challenge: Challenge,
    trusted_issuers: TrustedIssuers,
    *,
    now: dt.datetime | None = None,
    circuits: CircuitRegistry | None = None,
    require_binding: bool = True,
    registries: RegistryLookup | None = None,
    max_state_age: dt.timedelta = DEFAULT_MAX_STATE_AGE,
) -> VerifiedPresentation:
    """The verifier's recipe: check ``presentation`` against its own ``challenge``,
    whose circuit is found in ``circuits`` (default: the built-in circuits).

    Each credential's issuer must be in ``trusted_issuers`` and trusted for
    the credential's schema and (if the circuit names any) one of its issuer
    roles (:class:`TrustedIssuer`), else reason ``untrusted_issuer``.
    By default the presentation must come from credentials bound to their
    holder and show the holder's pseudonym for the challenge's domain
    (:attr:`VerifiedPresentation.pseudonym`); ``require_binding=False`` also
    accepts an unbound credential's presentation of a one-credential circuit
    (reason ``holder_binding`` otherwise), which proves the attributes but
    not who holds them. A circuit of several credentials is always bound:
    its proof shows one hidden holder secret in every credential.

    Revocation: for an issuer whose registry ``registries`` follows
    (:class:`~zkattest.revocation.RegistryStates`), the credential must be
    revocable (reason ``revocation``) and proven a member of a state
    ``registries`` holds that was published no earlier than the challenge's
    :attr:`~zkattest.Challenge.registry_not_before` or, if it sets none,
    ``now - max_state_age`` (reason ``stale_registry_state``).

    Raises :class:`VerificationError` for anything that does not verify, from
    a mismatched field to a malformed or false proof, with no further detail;
    :class:`InvalidInputError` for ``trusted_issuers`` that are not issuer keys.
    """
    trusted = trusted_by_key_id(trusted_issuers)
    if not isinstance(max_state_age, dt.timedelta) or max_state_age <= dt.timedelta(0):
        raise InvalidInputError("max_state_age must be a positive timedelta")
    now = now or dt.datetime.now(dt.UTC)
    not_before = challenge.registry_not_before or now - max_state_age
    try:
        return _verify(
            presentation, challenge, trusted, now, circuits, require_binding, registries, not_before
        )
    except VerificationError:
        raise
    except ZkAttestError:
        raise VerificationError("presentation refused") from None


def _verify(
    presentation: Presentation,
    challenge: Challenge,
    trusted: Mapping[str, TrustedIssuer],
    now: dt.datetime,
    circuits: CircuitRegistry | None,
    require_binding: bool,
    registries: RegistryLookup | None,
    not_before: dt.datetime,
) -> VerifiedPresentation:
    grants = [trusted.get(c.issuer_key_id) for c in presentation.credentials]
    if any(grant is None for grant in grants):
        raise VerificationError("presentation refused", reason="untrusted_issuer")
    if now > challenge.expires_at:
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
    circuit = challenge.circuit(circuits)
    specs = circuit.credentials
    if [c.name for c in presentation.credentials] != [spec.name for spec in specs]:
        raise VerificationError("presentation refused", reason="context_mismatch")
    issuers = []
    for grant, spec in zip(grants, specs, strict=True):
        if grant is None or not grant.accepts(spec):
            raise VerificationError("presentation refused", reason="untrusted_issuer")
        issuers.append(grant.key)
    bound = presentation.pseudonym is not None
    if (require_binding or len(specs) > 1) and not bound:
        raise VerificationError(
            "presentation refused: the credential is not bound to its holder",
            reason="holder_binding",
        )
    statement = compile_circuit(
        circuit,
        issuers,
        challenge.today,
        challenge.horizon_days,
        bound=bound,
        registries=_registry_epochs(presentation.credentials, registries, not_before),
    )
    disclosed = [
        slot.disclosure.scalars(shown.disclosed, slot.issuer.suite)
        for slot, shown in zip(statement.credentials, presentation.credentials, strict=True)
    ]
    verify_statement(
        statement, presentation.proof, challenge.context(), disclosed, presentation.pseudonym
    )
    return VerifiedPresentation(
        circuit_id=circuit.id,
        circuit_hash=circuit.circuit_hash,
        wallet_address=challenge.wallet_address,
        chain_id=challenge.chain_id,
        credentials=tuple(
            PresentedCredential(c.name, c.issuer_key_id, dict(c.disclosed), c.registry_epoch)
            for c in presentation.credentials
        ),
        valid_through=_expiry_bound(circuit, challenge.today, challenge.horizon_days),
        pseudonym=None if presentation.pseudonym is None else presentation.pseudonym.hex(),
    )


def _registry_epochs(
    presented: tuple[PresentedCredential, ...],
    registries: RegistryLookup | None,
    not_before: dt.datetime,
) -> list[RegistryEpoch | None]:
    """The registry state each credential is proven against (None: not revocable)."""
    out: list[RegistryEpoch | None] = []
    for credential in presented:
        key_id, epoch = credential.issuer_key_id, credential.registry_epoch
        tracked = registries is not None and registries.tracks(key_id)
        if epoch is None:
            if tracked:
                raise VerificationError(
                    "presentation refused: the issuer revokes credentials, and this one"
                    " is not revocable",
                    reason="revocation",
                )
            out.append(None)
            continue
        state = registries.get(key_id, epoch) if registries is not None and tracked else None
        if state is None or state.issued_at < not_before:
            raise VerificationError(
                "presentation refused: the registry state it is proven against is unknown"
                " or older than this verifier accepts",
                reason="stale_registry_state",
            )
        out.append(RegistryEpoch(state.accumulator_key, state.epoch, state.value))
    return out


def _expiry_bound(circuit: Circuit, today: dt.date, horizon_days: int) -> dt.date:
    """The earliest, across the credentials, of the latest lower bound the circuit,
    resolved with the horizon, puts on each expiry date."""
    bounds = [
        max(
            p.values[0]
            for p in resolved
            if p.attribute == EXPIRY_ATTRIBUTE and p.op in (">=", "between")
        )
        for resolved in circuit.resolve_all(today, horizon_days=horizon_days)
    ]
    return DATE_EPOCH + dt.timedelta(days=min(bounds))
