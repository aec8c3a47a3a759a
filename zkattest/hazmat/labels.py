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
  and chain id, and the date the verifier asserted (DESIGN.md, "Context
  binding");
- generic labels for sigma protocols and range proofs;
- derived outputs: challenges and the digest bound into a BBS
  ``presentation_header``.
"""

from __future__ import annotations

__all__ = [
    "CHAIN_ID",
    "CHALLENGE",
    "CIRCUIT_HASH",
    "CIRCUIT_ID",
    "COMMITMENT",
    "NONCE",
    "PRESENTATION_HEADER",
    "PROTOCOL",
    "PROTOCOL_VERSION",
    "PUBLIC_INPUT",
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
