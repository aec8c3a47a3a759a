"""Storage of the verifier service: SQLAlchemy models, Alembic migrations, a repository.

SQLite by default, PostgreSQL by URL. The public surface is :class:`Store`,
its record types and its errors; models and engines are implementation.
"""

from zkattest.service.storage.engine import DEFAULT_DATABASE_URL
from zkattest.service.storage.errors import (
    ChallengeAlreadyUsed,
    ChallengeError,
    ChallengeExists,
    ChallengeExpired,
    ChallengeNotFound,
    IssuerExists,
    IssuerNotFound,
    IssuerNotTrusted,
    ReceiptSignerMismatch,
    StorageError,
)
from zkattest.service.storage.records import (
    AUDIT_EVENTS,
    AdmissionRecord,
    AuditEventName,
    AuditEventRecord,
    ChallengeRecord,
    IssuerRecord,
    IssuerSource,
    NewAdmission,
    StoreCounts,
)
from zkattest.service.storage.repository import Store
from zkattest.service.storage.schema import HEAD_REVISION, migrate

__all__ = [
    "AUDIT_EVENTS",
    "DEFAULT_DATABASE_URL",
    "HEAD_REVISION",
    "AdmissionRecord",
    "AuditEventName",
    "AuditEventRecord",
    "ChallengeAlreadyUsed",
    "ChallengeError",
    "ChallengeExists",
    "ChallengeExpired",
    "ChallengeNotFound",
    "ChallengeRecord",
    "IssuerExists",
    "IssuerNotFound",
    "IssuerNotTrusted",
    "IssuerRecord",
    "IssuerSource",
    "NewAdmission",
    "ReceiptSignerMismatch",
    "StorageError",
    "Store",
    "StoreCounts",
    "migrate",
]
