"""The errors the storage layer raises.

Every failure of :mod:`zkattest.service.storage` is a :class:`StorageError`; no
SQLAlchemy or database-driver exception escapes a :class:`~zkattest.service.storage.Store`
method. The tree (under :class:`zkattest.errors.ZkAttestError`)::

    StorageError                 the database failed or is unreachable; the
    │                            operation was rolled back as a whole
    ├── ChallengeError           a challenge cannot be consumed
    │   ├── ChallengeNotFound    no challenge has this id (or it was purged)
    │   ├── ChallengeAlreadyUsed the challenge was consumed already (replay)
    │   ├── ChallengeExpired     the challenge's expiry has passed
    │   ├── IssuerNotTrusted     the presentation's issuer is unknown or disabled
    │   ├── SeatLimitReached     the person's pseudonym holds every seat already
    │   └── SeatNotHeld          the wallet named for release holds no seat of it
    ├── ChallengeExists          create_challenge with an id already stored
    ├── IssuerExists             add_issuer with a key id already stored
    │                            (with other content, or without exist_ok)
    ├── IssuerNotFound           disable_issuer with a key id never stored
    └── ReceiptSignerMismatch    this node's receipt key is not the one the
                                 database's receipts are signed with

Bad arguments (a naive datetime, a malformed wallet address, a string longer
than its column) raise :class:`zkattest.errors.InvalidInputError` before any
SQL is sent.

Messages name the operation that failed, never SQL text, parameters or the
database URL's password; the driver's exception is kept as ``__cause__`` for
server-side logs. ``outcome`` is the audit-trail outcome a caller records for
a refused presentation.
"""

from __future__ import annotations

from typing import ClassVar

from zkattest.errors import ZkAttestError

__all__ = [
    "ChallengeAlreadyUsed",
    "ChallengeError",
    "ChallengeExists",
    "ChallengeExpired",
    "ChallengeNotFound",
    "IssuerExists",
    "IssuerNotFound",
    "IssuerNotTrusted",
    "ReceiptSignerMismatch",
    "RegistryStateConflict",
    "SeatLimitReached",
    "SeatNotHeld",
    "StorageError",
]


class StorageError(ZkAttestError):
    """The database failed, or refused an operation; nothing was written."""


class ChallengeError(StorageError):
    """A challenge cannot be consumed; nothing was written."""

    outcome: ClassVar[str] = "invalid"


class ChallengeNotFound(ChallengeError):  # noqa: N818 (names the condition, like its problem type)
    """No challenge has this id."""

    outcome: ClassVar[str] = "unknown_challenge"

    def __init__(self, message: str = "unknown challenge") -> None:
        super().__init__(message)


class ChallengeAlreadyUsed(ChallengeError):  # noqa: N818 (names the condition, like its problem type)
    """The challenge was consumed by an earlier admission (a replay)."""

    outcome: ClassVar[str] = "replayed"

    def __init__(self, message: str = "challenge already used") -> None:
        super().__init__(message)


class ChallengeExpired(ChallengeError):  # noqa: N818 (names the condition, like its problem type)
    """The challenge expired before it was presented."""

    outcome: ClassVar[str] = "expired"

    def __init__(self, message: str = "challenge expired") -> None:
        super().__init__(message)


class SeatLimitReached(ChallengeError):  # noqa: N818 (names the condition)
    """The presentation's pseudonym already holds the platform's seat limit of
    live wallets (checked in the transaction that would admit)."""

    outcome: ClassVar[str] = "seat_limit"

    def __init__(self, message: str = "every seat of this person is taken") -> None:
        super().__init__(message)


class SeatNotHeld(ChallengeError):  # noqa: N818 (names the condition)
    """The wallet named for release holds no live seat of this pseudonym."""

    outcome: ClassVar[str] = "seat_not_held"

    def __init__(self, message: str = "the wallet to release holds no seat of this person") -> None:
        super().__init__(message)


class IssuerNotTrusted(ChallengeError):  # noqa: N818 (names the condition, like its problem type)
    """The presentation's issuer is not (or no longer) trusted: checked in the
    transaction that would admit, so a disabled issuer never admits again."""

    outcome: ClassVar[str] = "untrusted_issuer"

    def __init__(self, message: str = "the issuer is not trusted") -> None:
        super().__init__(message)


class ChallengeExists(StorageError):  # noqa: N818 (names the condition, like its problem type)
    """A challenge with this id is stored already."""

    def __init__(self, message: str = "challenge id already exists") -> None:
        super().__init__(message)


class IssuerExists(StorageError):  # noqa: N818 (names the condition, like its problem type)
    """An issuer with this key id is stored already."""

    def __init__(self, message: str = "issuer key id already exists") -> None:
        super().__init__(message)


class IssuerNotFound(StorageError):  # noqa: N818 (names the condition, like its problem type)
    """No issuer with this key id was ever trusted."""

    def __init__(self, message: str = "unknown issuer key id") -> None:
        super().__init__(message)


class RegistryStateConflict(StorageError):  # noqa: N818 (names the condition, like its problem type)
    """Another state of this issuer's registry is stored for the epoch, or the
    issuer's stored states are of another accumulator."""

    def __init__(self, message: str = "another registry state is stored for this epoch") -> None:
        super().__init__(message)


class ReceiptSignerMismatch(StorageError):  # noqa: N818 (names the condition, like its problem type)
    """The database's receipts are signed with another key than this node's."""
