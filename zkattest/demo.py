"""``zkattest demo``: the whole flow on one machine, printing what each party sees.

Each issuer signs a revocable credential bound to the holder (blind request,
ledger, registry); the holder proves the circuit to a platform that follows the
issuers' registries; the platform learns the pseudonym and nothing else; then the
KYC provider revokes the person, and neither the wallet nor a wallet that
ignores the platform's freshness bound gets admitted again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from typing import Final, TextIO

from zkattest._credential import Credential
from zkattest._presentation import Challenge
from zkattest.circuits import get_circuit
from zkattest.errors import PolicyError, VerificationError
from zkattest.holder import (
    HolderSecret,
    accept_credential,
    prove,
    request_credential,
    select_credentials,
)
from zkattest.issuer import IssuerLedger, IssuerSecretKey, issue_credential
from zkattest.revocation import RegistryStates, RevocationRegistry
from zkattest.verifier import TrustedIssuer, verify

__all__ = ["DEMO_ATTRIBUTES", "DEMO_WALLET", "run_demo"]

# A sample investor for the demo: distinctive values, none of which the verifier sees.
DEMO_ATTRIBUTES: dict[str, object] = {
    "holder_ref": "wallet-user-42",
    "legal_name": "Ada Lovelace",
    "birth_date": "1990-12-10",
    "country": "GB",
    "investor_type": "individual",
    "net_worth_usd": 2_400_000,
    "annual_income_usd": 310_000,
    "total_assets_usd": 2_900_000,
    "securities_owned_usd": 1_200_000,
    "licence_series_7": False,
    "licence_series_65": False,
    "licence_series_82": False,
    "kyc_level": 3,
    "sanctions_screening": "clear",
    "accreditation_basis": "net_worth",
}


def _demo_attributes() -> dict[str, object]:
    """The demo investor, issued today and valid for a year."""
    today = dt.datetime.now(dt.UTC).date()
    return {
        **DEMO_ATTRIBUTES,
        "issuance_date": today.isoformat(),
        "expiry_date": (today + dt.timedelta(days=365)).isoformat(),
    }


DEMO_WALLET = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


#: The demo's issuers by schema: who signs it, and the role a platform trusts it in.
_DEMO_ISSUERS: Final = {
    "investor/v1": ("Issuer (KYC provider)", "kyc_provider"),
    "accreditation/v1": (
        "Issuer (CPA, a third-party accreditation verifier)",
        "accreditation_verifier",
    ),
}


def _demo_letter() -> dict[str, object]:
    """The demo's accreditation letter: verified a week ago, relied on for 90 days."""
    today = dt.datetime.now(dt.UTC).date()
    return {
        "holder_ref": "engagement-2291",
        "accreditation_basis": "net_worth",
        "verifier_kind": "cpa",
        "verified_date": (today - dt.timedelta(days=7)).isoformat(),
        "issuance_date": (today - dt.timedelta(days=7)).isoformat(),
        "expiry_date": (today + dt.timedelta(days=83)).isoformat(),
    }


#: How recent a registry state the demo platform asks for.
_STATE_AGE = dt.timedelta(hours=1)


def run_demo(circuit_id: str, out: TextIO) -> None:
    """The whole flow for one circuit, printing what each party sees."""
    circuit = get_circuit(circuit_id)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    print("== Holder (wallet): makes its holder secret once", file=out)
    holder = HolderSecret.generate()
    credentials: list[Credential] = []
    trusted: list[TrustedIssuer] = []
    registries: list[RevocationRegistry] = []
    for spec in circuit.credentials:
        schema = spec.schema
        who, role = _DEMO_ISSUERS[schema.id]
        attributes = _demo_attributes() if schema.id == "investor/v1" else _demo_letter()
        issuer = IssuerSecretKey.generate()
        public = issuer.public_key()
        registry = RevocationRegistry.create(":memory:", issuer, capacity=1000, now=now)
        pending = request_credential(holder, public, schema.id)
        print(f"== Holder: asks for a credential of {schema.id}", file=out)
        print(
            f"   request: a {len(pending.request.commitment)}-byte blind commitment to the"
            " holder secret and its nym secret (neither is revealed)",
            file=out,
        )
        print(f"== {who}: checks the investor offline, signs {schema.id}", file=out)
        ledger = IssuerLedger(":memory:")

        issue = functools.partial(
            issue_credential,
            issuer,
            schema,
            attributes,
            customer="CUST-0001",
            ledger=ledger,
            registry=registry,
        )
        issued = issue(request=pending.request)
        print(
            f"   issuer key {public.key_id}; {len(attributes)} attributes and a revocation"
            " handle signed with the hidden commitment; its registry holds 1,000 handles",
            file=out,
        )
        first = accept_credential(issued.to_json(), public, holder=holder, pending=pending)
        again = request_credential(holder, public, schema.id)
        reissued = issue(request=again.request)
        try:
            first.follow([registry.state()])
        except PolicyError:
            print(
                "   a second credential for CUST-0001 replaces the first: the first is revoked"
                f" (epoch {registry.state().epoch} removes it), one live credential per customer",
                file=out,
            )
        print("== Holder: checks the credential against its own secrets, and stores it", file=out)
        credentials.append(
            accept_credential(reissued.to_json(), public, holder=holder, pending=again)
        )
        print(
            "   signature valid over its attributes and its holder secret; witness current"
            f" for registry epoch {registry.state().epoch}",
            file=out,
        )
        trusted.append(TrustedIssuer(public, (schema.id,), (role,)))
        registries.append(registry)
    several = len(credentials) > 1
    grants = [(t, spec.schema.id, _DEMO_ISSUERS[spec.schema.id][1])
              for t, spec in zip(trusted, circuit.credentials, strict=True)]  # fmt: skip
    print(f"== Verifier (platform): challenge for {circuit.id}", file=out)
    if several:
        print(
            "   it trusts each issuer key for its schema and role only: "
            + "; ".join(f"{t.key_id[:8]}… {schema} as {role}" for t, schema, role in grants),
            file=out,
        )
    states = RegistryStates()
    for registry, grant in zip(registries, trusted, strict=True):
        states.add(registry.state(), grant.key)  # relayed by anyone, checked by the platform
    print(
        "   it follows the issuers' registries (signed states, relayed) and asks for a state"
        f" at most {int(_STATE_AGE.total_seconds() // 60)} minutes old",
        file=out,
    )
    challenge = Challenge.create(
        circuit,
        verifier_domain="exchange.example",
        wallet_address=DEMO_WALLET,
        chain_id=1,
        now=now,
        max_state_age=_STATE_AGE,
    )
    print(
        f"   nonce {challenge.nonce.hex()[:16]}…, wallet {challenge.wallet_address}, "
        f"today {challenge.today}",
        file=out,
    )

    print("== Holder: proves the circuit, bound to the challenge and wallet", file=out)
    chosen = select_credentials(credentials, challenge, holder=holder)
    presentation = prove(chosen, challenge, holder=holder)
    shown = f"{len(presentation.proof)} bytes of proof"
    if several:
        shown += f" over {len(chosen)} credentials carrying one hidden holder secret"
    print(f"   presentation: {shown}, each credential proven unrevoked", file=out)

    print("== Verifier sees only", file=out)
    doc = json.loads(presentation.to_json())
    doc["proof"] = f"<{len(presentation.proof)} bytes>"
    print("   " + json.dumps(doc, sort_keys=True), file=out)
    result = verify(presentation, challenge, trusted, registries=states)
    print(
        f"   accepted: {result.wallet_address} satisfies {result.circuit_id}; "
        f"credentials valid through at least {result.valid_through}",
        file=out,
    )
    print(f"   holder pseudonym on exchange.example: {str(result.pseudonym)[:24]}…", file=out)
    elsewhere = Challenge.create(
        circuit, verifier_domain="venue.example", wallet_address=DEMO_WALLET, chain_id=1
    )
    other_result = verify(
        prove(chosen, elsewhere, holder=holder), elsewhere, trusted, registries=states
    )
    print(
        f"   the same holder on venue.example: {str(other_result.pseudonym)[:24]}… (unlinkable)",
        file=out,
    )
    other = Challenge.create(
        circuit,
        verifier_domain="exchange.example",
        wallet_address="0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        chain_id=1,
    )
    try:
        verify(presentation, other, trusted, registries=states)
    except VerificationError as exc:
        print(f"   the same presentation for another wallet: refused ({exc.reason})", file=out)
    if several:
        # a key trusted for KYC only signing the letter too
        kyc_only = [trusted[0], TrustedIssuer(trusted[1].key, (circuit.schemas[0].id,))]
        try:
            verify(presentation, challenge, kyc_only, registries=states)
        except VerificationError as exc:
            print(
                f"   the letter's key trusted for {circuit.schemas[0].id} only: refused"
                f" ({exc.reason})",
                file=out,
            )
    _revoke(registries[0], trusted[0], states, chosen, holder, circuit.id, trusted, now, out)


def _revoke(
    registry: RevocationRegistry,
    issuer: TrustedIssuer,
    states: RegistryStates,
    held: tuple[Credential, ...],
    holder: HolderSecret,
    circuit_id: str,
    trusted: list[TrustedIssuer],
    now: dt.datetime,
    out: TextIO,
) -> None:
    """The first issuer revokes the person an hour later; the wallet cannot answer
    the platform's next challenge, nor can one that ignores its freshness bound."""
    later = now + _STATE_AGE + dt.timedelta(minutes=1)
    registry.revoke_customer("CUST-0001", now=later)
    state = registry.publish(now=later)
    states.add(state, issuer.key, now=later)  # (the demo plays the hour forward)
    print(
        f"== Issuer: revokes CUST-0001 an hour later, publishes epoch {state.epoch}"
        f" ({len(state.to_json())} bytes, signed; it names a removed handle, never a person)",
        file=out,
    )
    challenge = Challenge.create(
        get_circuit(circuit_id),
        verifier_domain="exchange.example",
        wallet_address=DEMO_WALLET,
        chain_id=1,
        now=later,
        max_state_age=_STATE_AGE,
        lifetime=dt.timedelta(hours=6),
    )
    try:
        prove(held, challenge, holder=holder)
    except PolicyError:
        print("   the wallet's witness is older than the platform's new challenge asks", file=out)
    try:
        held[0].follow([state])
    except PolicyError:
        print("   and it cannot be brought forward: refused (revoked)", file=out)
    blind = dataclasses.replace(challenge, registry_not_before=None)
    try:
        verify(prove(held, blind, holder=holder), challenge, trusted, registries=states, now=later)
    except VerificationError as exc:
        print(
            f"   a wallet that ignores the bound, proving on the old state: refused ({exc.reason})",
            file=out,
        )
