"""Every label that goes into a :class:`~zkattest.hazmat.transcript.Transcript`, in one place.

A label names what an append or a challenge *means*; two values with different
meanings must never share a label, so the labels live here together and a test
checks they are distinct. Add new labels to this module, never as literals at a
call site. Each label is 1 to 255 bytes of printable ASCII, lower case with
dashes.

:data:`TRANSCRIPT_DOMAIN` is not a label: it is the versioned domain separator
every transcript absorbs before anything else (see
:mod:`zkattest.hazmat.transcript`). A change to the transcript framing must
come with a new version suffix, so that no transcript of one version can be
read as a transcript of another.

Groups:

- the protocol name, absorbed first by ``Transcript(protocol)``;
- the presentation context, bound next, before any commitment: protocol
  version, circuit id and hash, verifier domain, verifier nonce, wallet address
  and chain id, the date the verifier asserted and the admission horizon
  (DESIGN.md, "Context binding");
- generic labels for sigma protocols and range proofs;
- derived outputs: challenges and the digest bound into a BBS
  ``presentation_header``;
- the Bulletproofs range proof and its inner-product argument
  (:mod:`zkattest.hazmat.bulletproofs`, ``docs/notes/bulletproofs.md``).
"""

from __future__ import annotations

__all__ = [
    "ACCUMULATOR_KEY",
    "ACCUMULATOR_VALUE",
    "ADMISSION_HORIZON",
    "BBS_PROOF_INIT",
    "CHAIN_ID",
    "CHALLENGE",
    "CIRCUIT_HASH",
    "CIRCUIT_ID",
    "COMMITMENT",
    "INNER_PRODUCT",
    "INNER_PRODUCT_L",
    "INNER_PRODUCT_R",
    "INNER_PRODUCT_U",
    "ISSUER_PUBLIC_KEY",
    "MEMBERSHIP_A_BAR",
    "MEMBERSHIP_B_BAR",
    "MEMBERSHIP_COMMITMENT",
    "NONCE",
    "PRESENTATION_HEADER",
    "PROTOCOL",
    "PROTOCOL_VERSION",
    "PSEUDONYM",
    "PSEUDONYM_COMMITMENT",
    "PUBLIC_INPUT",
    "RANGE_PROOF",
    "RANGE_PROOF_A",
    "RANGE_PROOF_BITS",
    "RANGE_PROOF_COUNT",
    "RANGE_PROOF_E_BLINDING",
    "RANGE_PROOF_S",
    "RANGE_PROOF_T_1",
    "RANGE_PROOF_T_2",
    "RANGE_PROOF_T_X",
    "RANGE_PROOF_T_X_BLINDING",
    "RANGE_PROOF_V",
    "RANGE_PROOF_W",
    "RANGE_PROOF_X",
    "RANGE_PROOF_Y",
    "RANGE_PROOF_Z",
    "REGISTRY_EPOCH",
    "SCHEMA_HASH",
    "STATEMENT",
    "TRANSCRIPT_DOMAIN",
    "VERIFIER_DATE",
    "VERIFIER_DOMAIN",
    "WALLET_ADDRESS",
]

#: The versioned domain separator: the first thing every transcript absorbs.
TRANSCRIPT_DOMAIN = b"zkattest/transcript/v1"

# -- the protocol name ---------------------------------------------------------
#: The name of the protocol a transcript belongs to, e.g. ``b"zkattest/presentation/v1"``.
PROTOCOL = b"protocol"

# -- presentation context (bound first, before any commitment) -----------------
#: Version of the presentation format the holder produced.
PROTOCOL_VERSION = b"protocol-version"
#: Identifier of the eligibility circuit, e.g. ``b"accredited_investor_506c"``.
CIRCUIT_ID = b"circuit-id"
#: Canonical hash of the circuit definition.
CIRCUIT_HASH = b"circuit-hash"
#: The verifier's domain (origin) the presentation is meant for.
VERIFIER_DOMAIN = b"verifier-domain"
#: The verifier's single-use nonce.
NONCE = b"nonce"
#: The wallet address to be whitelisted.
WALLET_ADDRESS = b"wallet-address"
#: The chain id the wallet address lives on.
CHAIN_ID = b"chain-id"
#: The date the verifier asserted as "today" for relative-date predicates.
VERIFIER_DATE = b"verifier-date"
#: The admission horizon in days: the credential is proven valid through the
#: verifier's date plus this many days.
ADMISSION_HORIZON = b"admission-horizon"
#: The issuer public key a presentation is checked against.
ISSUER_PUBLIC_KEY = b"issuer-public-key"
#: The hash of the credential schema (its encoding tables).
SCHEMA_HASH = b"schema-hash"

# -- generic sigma-protocol and range-proof labels -----------------------------
#: A description of the public statement being proved.
STATEMENT = b"statement"
#: A public input of the statement (a point, a threshold, a generator).
PUBLIC_INPUT = b"public-input"
#: A prover's commitment (first message of a sigma protocol).
COMMITMENT = b"commitment"

# -- derived outputs -----------------------------------------------------------
#: The verifier's challenge of a sigma protocol.
CHALLENGE = b"challenge"
#: The digest of a transcript bound into a BBS proof's ``presentation_header``.
PRESENTATION_HEADER = b"bbs-presentation-header"
#: A BBS proof's first message (ProofChallengeCalculate's input before the
#: header), for every proof of a composite presentation but the one whose
#: challenge answers all (``zkattest.composite.engine``).
BBS_PROOF_INIT = b"bbs-proof-init"
#: A holder's pseudonym for the verifier's domain, and its proof's first move.
PSEUDONYM = b"pseudonym"
PSEUDONYM_COMMITMENT = b"pseudonym-commitment"
#: A revocable credential's registry state (epoch, accumulator key and value),
#: and its membership proof's ``Ā``, ``B̄`` and first move ``T``
#: (``zkattest.hazmat.accumulator``).
REGISTRY_EPOCH = b"registry-epoch"
ACCUMULATOR_KEY = b"accumulator-key"
ACCUMULATOR_VALUE = b"accumulator-value"
MEMBERSHIP_A_BAR = b"membership-a-bar"
MEMBERSHIP_B_BAR = b"membership-b-bar"
MEMBERSHIP_COMMITMENT = b"membership-commitment"


# -- Bulletproofs range proof (zkattest.hazmat.bulletproofs) -------------------
# Appended in protocol order; see docs/notes/bulletproofs.md.
#: Start of a range proof; the data names the protocol version and the group.
RANGE_PROOF = b"range-proof"
#: The bit length n of every range [0, 2^n).
RANGE_PROOF_BITS = b"range-proof-n"
#: The number m of values proved in one aggregated proof.
RANGE_PROOF_COUNT = b"range-proof-m"
#: The value commitments V_j = v_j·G + γ_j·H.
RANGE_PROOF_V = b"range-proof-v"
#: A, the commitment to the bit vectors a_L, a_R.
RANGE_PROOF_A = b"range-proof-a"
#: S, the commitment to the blinding vectors s_L, s_R.
RANGE_PROOF_S = b"range-proof-s"
#: Challenge y.
RANGE_PROOF_Y = b"range-proof-y"
#: Challenge z.
RANGE_PROOF_Z = b"range-proof-z"
#: T_1, the commitment to the coefficient t_1 of t(X).
RANGE_PROOF_T_1 = b"range-proof-t-1"
#: T_2, the commitment to the coefficient t_2 of t(X).
RANGE_PROOF_T_2 = b"range-proof-t-2"
#: Challenge x, the evaluation point of t(X), l(X), r(X).
RANGE_PROOF_X = b"range-proof-x"
#: t_x = t(x).
RANGE_PROOF_T_X = b"range-proof-t-x"
#: The blinding of t_x in the synthetic commitment t_x·G + t_x_blinding·H.
RANGE_PROOF_T_X_BLINDING = b"range-proof-t-x-blinding"
#: e_blinding (mu), the blinding of A + x·S.
RANGE_PROOF_E_BLINDING = b"range-proof-e-blinding"
#: Challenge w scaling the inner-product point: Q = w·U.
RANGE_PROOF_W = b"range-proof-w"
#: Start of an inner-product argument; the data is the vector length.
INNER_PRODUCT = b"inner-product"
#: L_k of an inner-product round.
INNER_PRODUCT_L = b"inner-product-l"
#: R_k of an inner-product round.
INNER_PRODUCT_R = b"inner-product-r"
#: Challenge u_k of an inner-product round.
INNER_PRODUCT_U = b"inner-product-u"
