"""zkattest: zero-knowledge investor-eligibility attestation.

Issuers sign investor credentials with BBS signatures over BLS12-381
(draft-irtf-cfrg-bbs-signatures); holders prove eligibility without revealing
who they are; verifiers admit wallet addresses to a whitelist.

Low-level primitives live in :mod:`zkattest.hazmat` (curve backends,
RFC 9380 hashing, BBS, the Fiat–Shamir transcript) and can be misused; the
top-level recipes arrive with the credential layer.
"""

from __future__ import annotations

from zkattest.errors import (
    BackendError,
    DecodeError,
    InvalidInputError,
    IssuanceError,
    PolicyError,
    VerificationError,
    ZkAttestError,
)

__version__ = "0.1.0"

__all__ = [
    "BackendError",
    "DecodeError",
    "InvalidInputError",
    "IssuanceError",
    "PolicyError",
    "VerificationError",
    "ZkAttestError",
    "__version__",
]
