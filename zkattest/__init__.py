"""zkattest: zero-knowledge investor-eligibility attestation.

Issuers sign investor credentials with BBS signatures over BLS12-381
(draft-irtf-cfrg-bbs-signatures); holders prove eligibility statements
(``circuits/``) about them without revealing who they are, bound to a
verifier's challenge and a wallet address; verifiers check the proofs.

The recipes here fix every parameter::

    key = IssuerSecretKey.generate()                                             # issuer
    holder = HolderSecret.generate()                                             # holder, once
    pending = request_credential(holder, key.public_key(), "investor/v1")       # holder
    issued = issue_credential(key, get_schema("investor/v1"), attributes,
                              request=pending.request, customer="CUST-0001",
                              ledger=IssuerLedger("ledger.sqlite"))              # issuer
    credential = accept_credential(issued.to_json(), key.public_key(),
                                   holder=holder, pending=pending)               # holder
    challenge = Challenge.create(get_circuit("kyc_adult"), verifier_domain=...,
                                 wallet_address=..., chain_id=1)                 # verifier
    presentation = prove(credential, challenge, holder=holder)                   # holder
    result = verify(presentation, challenge, key.public_key())                   # verifier
    result.pseudonym   # the holder on this verifier's domain (docs/notes/holder-binding.md)

Revocation (``docs/notes/revocation.md``): the issuer keeps a
:class:`RevocationRegistry` and passes it to ``issue_credential(registry=...)``;
``registry.revoke(...)`` and ``registry.publish()`` produce signed
:class:`RegistryState` s anyone relays; the wallet brings its credential
forward with ``credential.follow(states)``; the verifier keeps the states in
:class:`RegistryStates` and passes them to ``verify(..., registries=...)``.

Each party's operations live in its own module: :mod:`zkattest.issuer`,
:mod:`zkattest.holder`, :mod:`zkattest.verifier` (the wire types they exchange
are re-exported here); :mod:`zkattest.composite` is the proof engine beneath
``prove`` and ``verify``. Low-level primitives live in :mod:`zkattest.hazmat`
and can be misused.
"""

from __future__ import annotations

from zkattest._credential import Credential, CredentialRequest, IssuerPublicKey
from zkattest._presentation import (
    Challenge,
    Presentation,
    PresentedCredential,
    VerifiedPresentation,
)
from zkattest.circuits import Circuit, get_circuit, load_builtin_circuits
from zkattest.errors import (
    BackendError,
    DecodeError,
    InvalidInputError,
    IssuanceError,
    PolicyError,
    VerificationError,
    ZkAttestError,
)
from zkattest.holder import (
    HolderSecret,
    PendingRequest,
    UnfillableSlotError,
    accept_challenge,
    accept_credential,
    prove,
    request_credential,
    select_credentials,
)
from zkattest.issuer import IssuerLedger, IssuerSecretKey, issue_credential
from zkattest.revocation import HeldWitness, RegistryState, RegistryStates, RevocationRegistry
from zkattest.schema import Schema, get_schema
from zkattest.verifier import TrustedIssuer, verify

__version__ = "0.1.0"

__all__ = [
    "BackendError",
    "Challenge",
    "Circuit",
    "Credential",
    "CredentialRequest",
    "DecodeError",
    "HeldWitness",
    "HolderSecret",
    "InvalidInputError",
    "IssuanceError",
    "IssuerLedger",
    "IssuerPublicKey",
    "IssuerSecretKey",
    "PendingRequest",
    "PolicyError",
    "Presentation",
    "PresentedCredential",
    "RegistryState",
    "RegistryStates",
    "RevocationRegistry",
    "Schema",
    "TrustedIssuer",
    "UnfillableSlotError",
    "VerificationError",
    "VerifiedPresentation",
    "ZkAttestError",
    "__version__",
    "accept_challenge",
    "accept_credential",
    "get_circuit",
    "get_schema",
    "issue_credential",
    "load_builtin_circuits",
    "prove",
    "request_credential",
    "select_credentials",
    "verify",
]
