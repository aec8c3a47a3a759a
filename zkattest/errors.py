"""The errors zkattest raises.

Every failure the library reports is an instance of :class:`ZkAttestError`;
no exception from a backend or the standard library escapes a public function
for bad input. The tree::

    ZkAttestError
    ├── InvalidInputError          (also a ValueError) a caller's argument is
    │   │                          of the wrong type, length or range
    │   └── DecodeError            bytes that are not a canonical encoding of
    │                              the expected object (scalar, point, key...)
    ├── VerificationError          a signature, proof or presentation does not
    │                              verify; carries no detail an attacker can use
    ├── IssuanceError              an issuer refuses to sign what it was given
    ├── PolicyError                a statement is false or a policy is broken,
    │                              so no proof is produced
    └── BackendError               the requested curve backend is unknown or
                                   cannot be loaded

Messages never contain secret values (keys, blinding factors, hidden
attributes).
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "DecodeError",
    "InvalidInputError",
    "IssuanceError",
    "PolicyError",
    "VerificationError",
    "ZkAttestError",
]


class ZkAttestError(Exception):
    """Root of every error raised by zkattest."""


class InvalidInputError(ZkAttestError, ValueError):
    """An argument has the wrong type, length or range."""


class DecodeError(InvalidInputError):
    """Bytes are not a canonical, valid encoding of the expected object."""


class VerificationError(ZkAttestError):
    """A signature, proof or presentation failed to verify.

    Deliberately uninformative: the message says what failed to verify, never
    which check failed. ``reason`` is a coarse class a verifier may report:
    ``"invalid"`` (the default: the proof is false or malformed),
    ``"untrusted_issuer"``, ``"expired"`` (the challenge),
    ``"context_mismatch"`` (the presentation names another challenge, circuit,
    wallet or chain), ``"holder_binding"`` (not bound to its holder),
    ``"revocation"`` (not revocable, from an issuer whose registry the
    verifier follows) or ``"stale_registry_state"`` (proven against a registry
    state the verifier does not know or holds too old).
    """

    def __init__(self, message: str = "verification failed", *, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


class IssuanceError(ZkAttestError):
    """An issuer refused to sign (bad attribute, key or schema)."""


class PolicyError(ZkAttestError):
    """A statement does not hold, or a policy forbids the operation."""


class BackendError(ZkAttestError):
    """The requested curve backend is unknown or unavailable."""
