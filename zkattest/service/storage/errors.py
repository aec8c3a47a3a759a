"""The errors the storage layer raises.

Every failure of :mod:`zkattest.service.storage` is a :class:`StorageError`; no
SQLAlchemy or database-driver exception escapes a :class:`~zkattest.service.storage.Store`
method. The tree (under :class:`zkattest.errors.ZkAttestError`)::

    StorageError                 the database failed or is unreachable; the
    │                            operation was rolled back as a whole
    ├── ChallengeError           a challenge cannot be consumed
    │   ├── ChallengeNotFound    no challenge has this id (or it was purged)
    │   ├── ChallengeAlreadyUsed the challenge was consumed already (replay)
    │   └── ChallengeExpired     the challenge's expiry has passed
    ├── ChallengeExists          create_challenge with an id already stored
    └── IssuerExists             add_issuer with a key id already stored
                                 (with other content, or without exist_ok)

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


class ChallengeExists(StorageError):  # noqa: N818 (names the condition, like its problem type)
    """A challenge with this id is stored already."""

    def __init__(self, message: str = "challenge id already exists") -> None:
        super().__init__(message)


class IssuerExists(StorageError):  # noqa: N818 (names the condition, like its problem type)
    """An issuer with this key id is stored already."""

    def __init__(self, message: str = "issuer key id already exists") -> None:
        super().__init__(message)
