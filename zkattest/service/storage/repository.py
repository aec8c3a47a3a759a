"""The verifier's repository: every read and write of its database.

:class:`Store` hides SQLAlchemy. Its methods take and return the frozen
dataclasses of :mod:`zkattest.service.storage.records`, run each operation in one
transaction, and raise only :class:`~zkattest.service.storage.errors.StorageError` (and
its subclasses) for database trouble, or
:class:`zkattest.errors.InvalidInputError` for an argument that could never be
stored (checked before any SQL is sent). A failed operation writes nothing.

Replay protection. A challenge is consumed by
:meth:`Store.consume_and_admit` with one conditional statement::

    UPDATE challenges SET consumed_at = :now
     WHERE challenge_id = :id AND consumed_at IS NULL AND expires_at > :now
    RETURNING wallet_address, chain_id, circuit_id, circuit_hash

in the same transaction that inserts the admission and its audit event. Only
one transaction can see the row unconsumed: on SQLite, write transactions
begin with ``BEGIN IMMEDIATE`` and so run one at a time; on PostgreSQL, the
UPDATE locks the row, and a concurrent UPDATE waits for the lock, then (READ
COMMITTED) re-checks its WHERE clause against the committed row and matches
nothing. If the winner's transaction fails instead, nothing was consumed and
the next attempt may succeed.

A few refusals burn. :meth:`Store.record_refusal` writes an audit event and,
when asked, counts the refusal against the challenge, consuming it (with no
admission) at the service's limit: one challenge buys a few verifications,
not unlimited ones, while a wallet whose first attempt failed for a fixable
reason (wrong issuer key, stale circuit) can still retry. Challenges expire
within minutes; :meth:`Store.purge_expired_challenges` clears them.

One clock. Every time that decides something (a challenge's creation and
expiry, an admission's start, a revocation) is read from the database with
:meth:`Store.clock`, so service nodes whose clocks disagree still agree on
what has expired.

Issuers. An admission is written only if the presentation's issuer is
trusted in the admitting transaction (on PostgreSQL the issuer row is read
``FOR SHARE``, so :meth:`Store.disable_issuer`, which updates that row and
revokes the issuer's live admissions in one transaction, either runs after
the admission is committed and revokes it, or before it and prevents it).

No personal data: the tables hold circuit ids and hashes, wallet addresses,
chain ids, issuer key ids, proof digests, optional pseudonyms, times and
outcomes, and nothing else.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import psycopg
from sqlalchemy import (
    Connection,
    Engine,
    String,
    Table,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase

from zkattest.codec import parse_uuid
from zkattest.context import normalize_wallet_address, parse_chain_id, parse_horizon_days
from zkattest.errors import InvalidInputError
from zkattest.service.storage import schema
from zkattest.service.storage.engine import create_store_engine, parse_database_url, writer
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
    RegistryStateConflict,
    SeatLimitReached,
    SeatNotHeld,
    StorageError,
)
from zkattest.service.storage.models import (
    Admission,
    AdmissionIssuer,
    AuditEvent,
    Challenge,
    Issuer,
    ReadinessProbe,
    ReceiptSigner,
    RegistryStateRow,
)
from zkattest.service.storage.records import (
    AUDIT_EVENTS,
    ISSUER_SOURCES,
    AdmissionRecord,
    AuditEventName,
    AuditEventRecord,
    ChallengeRecord,
    IssuerRecord,
    IssuerSource,
    NewAdmission,
    RegistryStateRecord,
    StoreCounts,
)

__all__ = ["Store"]

_OUTCOME: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")
_DB_ERRORS: Final = (SQLAlchemyError, sqlite3.Error, psycopg.Error)


class Store:
    """The verifier's database, SQLite or PostgreSQL, behind typed methods.

    Thread-safe: one ``Store`` per process, shared by all request handlers.
    Call :meth:`migrate` once at start-up (safe to run from several processes
    at once) and :meth:`dispose` at shut-down.
    """

    def __init__(self, database_url: str) -> None:
        self._url = parse_database_url(database_url)
        self._engine = create_store_engine(database_url)
        self._writer = writer(self._engine)

    def __repr__(self) -> str:
        return f"Store({self._url.render_as_string(hide_password=True)!r})"

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for tests and tooling; the service never needs it."""
        return self._engine

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest revision (Alembic)."""
        schema.migrate(self._engine)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def clock(self) -> datetime:
        """The database's current time (UTC, microseconds kept): the one clock
        every node of the service decides expiry by."""
        if self._sqlite:
            with self._sqlite_connection("reading the database clock") as db:
                (text,) = db.execute(_SQLITE_NOW).fetchone()
            return _from_sqlite_time(text + "000")
        with self._transaction("reading the database clock") as conn:
            value = conn.execute(select(func.clock_timestamp())).scalar_one()
        return _utc(value, "the database clock")

    # -- challenges -----------------------------------------------------------------

    def create_challenge(self, record: ChallengeRecord) -> ChallengeRecord:
        """Store a new challenge and a ``challenge_issued`` audit event.

        Returns the record as stored (wallet address lower-case, times in
        UTC). Raises :class:`ChallengeExists` if the id is taken.
        """
        values: dict[str, Any] = {
            "challenge_id": record.challenge_id,
            "nonce": record.nonce,
            "verifier_domain": record.verifier_domain,
            "circuit_id": record.circuit_id,
            "circuit_hash": record.circuit_hash,
            "circuit_params": record.circuit_params,
            "horizon_days": _horizon(record.horizon_days),
            "wallet_address": _address(record.wallet_address),
            "chain_id": _chain_id(record.chain_id),
            "today": record.today,
            "created_at": _utc(record.created_at, "created_at"),
            "expires_at": _utc(record.expires_at, "expires_at"),
            "consumed_at": None,
            "registry_not_before": None
            if record.registry_not_before is None
            else _utc(record.registry_not_before, "registry_not_before"),
        }
        if record.consumed_at is not None:
            raise InvalidInputError("a new challenge cannot be consumed already")
        _check_lengths(Challenge, values)
        with self._transaction("storing a challenge", write=True, conflict=ChallengeExists) as conn:
            conn.execute(insert(Challenge).values(values))
            _audit(
                conn,
                at=values["created_at"],
                event="challenge_issued",
                outcome="ok",
                circuit_id=values["circuit_id"],
                wallet_address=values["wallet_address"],
            )
        return ChallengeRecord(**values)

    def get_challenge(self, challenge_id: str) -> ChallengeRecord | None:
        """The challenge with this id, or None."""
        if self._sqlite:
            with self._sqlite_connection("reading a challenge") as db:
                raw = db.execute(_SQLITE_GET_CHALLENGE, (challenge_id,)).fetchone()
            if raw is None:
                return None
            return ChallengeRecord(
                **dict(zip(_SQLITE_CHALLENGE_COLUMNS, raw[:8], strict=True)),
                today=date.fromisoformat(raw[8]),
                created_at=_from_sqlite_time(raw[9]),
                expires_at=_from_sqlite_time(raw[10]),
                consumed_at=None if raw[11] is None else _from_sqlite_time(raw[11]),
                refusals=raw[12],
                horizon_days=raw[13],
                registry_not_before=None if raw[14] is None else _from_sqlite_time(raw[14]),
            )
        with self._transaction("reading a challenge") as conn:
            row = conn.execute(_GET_CHALLENGE, {"b_challenge_id": challenge_id}).first()
        return None if row is None else ChallengeRecord(**row._mapping)

    def consume_and_admit(
        self,
        challenge_id: str,
        *,
        now: datetime,
        admission: NewAdmission,
        seats: int = 1,
        release_wallet: str | None = None,
    ) -> AdmissionRecord:
        """Consume the challenge and admit its wallet address, in one transaction.

        The admission's wallet address, chain id, circuit id and circuit hash
        are the challenge's; it starts at ``now`` (read from :meth:`clock`),
        the time its receipts were signed with. Writes the admission, its
        receipts and an ``admitted`` audit event, and returns the admission.
        Raises :class:`ChallengeNotFound`, :class:`ChallengeAlreadyUsed` or
        :class:`ChallengeExpired` if the challenge cannot be consumed at
        ``now``, or :class:`IssuerNotTrusted` if the issuer is not trusted at
        that moment, writing nothing; the caller records the refusal with
        :meth:`record_refusal`.

        An admission with a ``pseudonym`` takes one of the person's ``seats``
        on this platform (a seat is a wallet address on a chain): with
        ``release_wallet``, that address's live admissions under the pseudonym
        are revoked first, on every chain (:class:`SeatNotHeld` if it has none);
        then, if the pseudonym's live admissions already cover ``seats`` other
        (chain, address) pairs, :class:`SeatLimitReached`. Concurrent admissions of one
        pseudonym are serialized (SQLite: one writer; PostgreSQL: an advisory
        lock on the pseudonym for the transaction).
        """
        now = _utc(now, "now")
        if type(seats) is not int or seats < 1:
            raise InvalidInputError("seats must be a positive integer")
        if release_wallet is not None:
            release_wallet = _address(release_wallet)
            if admission.pseudonym is None:
                raise InvalidInputError("only an admission with a pseudonym releases a seat")
        values: dict[str, Any] = {
            "id": _admission_id(admission.id),
            "challenge_id": challenge_id,
            "issuer_key_id": admission.issuer_key_id,
            "proof_digest": admission.proof_digest,
            "pseudonym": admission.pseudonym,
            "admitted_at": now,
            "expires_at": _utc(admission.expires_at, "expires_at"),
            "revoked_at": None,
            "receipt_jws": admission.receipt_jws,
            "receipt_eip712": admission.receipt_eip712,
        }
        if values["expires_at"] <= now:
            raise InvalidInputError("an admission must expire after it starts")
        _check_lengths(Admission, values)
        relied_on = admission.issuer_key_ids or (admission.issuer_key_id,)
        if relied_on[0] != admission.issuer_key_id or len(set(relied_on)) != len(relied_on):
            # a key id listed twice (one issuer signing two credentials) counts once
            relied_on = tuple(dict.fromkeys((admission.issuer_key_id, *relied_on)))
        for key_id in relied_on:
            _check_lengths(AdmissionIssuer, {"admission_id": values["id"], "issuer_key_id": key_id})
        if self._sqlite:
            return self._sqlite_consume_and_admit(values, relied_on, seats, release_wallet)
        with self._transaction("admitting a wallet address", write=True) as conn:
            bound = conn.execute(_CONSUME, {"b_challenge_id": challenge_id, "b_now": now}).first()
            if bound is None:
                raise _why_not_consumable(conn, challenge_id)
            for key_id in relied_on:
                trusted = conn.execute(_TRUSTED_ISSUER_FOR_SHARE, {"b_key_id": key_id}).first()
                if trusted is None:
                    raise IssuerNotTrusted()
            values.update(bound._mapping)
            if values["pseudonym"] is not None:
                conn.execute(text(_PG_SEAT_LOCK), {"p": values["pseudonym"]})

                def run(sql: str, params: dict[str, Any]) -> Any:
                    return conn.execute(text(sql), params)

                _claim_seat(run, values, now, seats, release_wallet)
            conn.execute(_INSERT_ADMISSION, values)
            conn.execute(
                insert(AdmissionIssuer),
                [{"admission_id": values["id"], "issuer_key_id": key_id} for key_id in relied_on],
            )
            _audit(
                conn,
                at=now,
                event="admitted",
                outcome="ok",
                circuit_id=values["circuit_id"],
                wallet_address=values["wallet_address"],
                proof_digest=values["proof_digest"],
            )
        return AdmissionRecord(**values)

    def _sqlite_consume_and_admit(
        self,
        values: dict[str, Any],
        relied_on: tuple[str, ...],
        seats: int,
        release_wallet: str | None,
    ) -> AdmissionRecord:
        """consume_and_admit on SQLite through the DBAPI connection (the hot path).

        The same statements as the SQLAlchemy path, without its per-statement
        overhead (~0.4 ms per admission); times are written in the exact text
        form SQLAlchemy's SQLite DATETIME uses, so comparisons stay consistent.
        """
        now = _to_sqlite_time(values["admitted_at"])
        with self._sqlite_connection("admitting a wallet address", write=True) as db:
            bound = db.execute(_SQLITE_CONSUME, (now, values["challenge_id"], now)).fetchone()
            if bound is None:
                consumed = db.execute(
                    "SELECT consumed_at FROM challenges WHERE challenge_id = ?",
                    (values["challenge_id"],),
                ).fetchone()
                if consumed is None:
                    raise ChallengeNotFound()
                raise ChallengeAlreadyUsed() if consumed[0] is not None else ChallengeExpired()
            for key_id in relied_on:
                if db.execute(_SQLITE_TRUSTED_ISSUER, (key_id,)).fetchone() is None:
                    raise IssuerNotTrusted()
            values.update(
                zip(
                    ("wallet_address", "chain_id", "circuit_id", "circuit_hash"), bound, strict=True
                )
            )
            if values["pseudonym"] is not None:

                def run(sql: str, params: dict[str, Any]) -> Any:
                    return db.execute(sql, params)

                _claim_seat(run, values, now, seats, release_wallet)
            db.execute(
                _SQLITE_INSERT_ADMISSION,
                (
                    values["id"],
                    values["challenge_id"],
                    values["wallet_address"],
                    values["chain_id"],
                    values["circuit_id"],
                    values["circuit_hash"],
                    values["issuer_key_id"],
                    values["proof_digest"],
                    values["pseudonym"],
                    now,
                    _to_sqlite_time(values["expires_at"]),
                    None,
                    values["receipt_jws"],
                    values["receipt_eip712"],
                ),
            )
            db.executemany(
                "INSERT INTO admission_issuers (admission_id, issuer_key_id) VALUES (?, ?)",
                [(values["id"], key_id) for key_id in relied_on],
            )
            db.execute(
                _SQLITE_INSERT_AUDIT,
                (
                    now,
                    "admitted",
                    "ok",
                    values["circuit_id"],
                    values["wallet_address"],
                    values["proof_digest"],
                ),
            )
        return AdmissionRecord(**values)

    @contextmanager
    def _sqlite_connection(
        self, action: str, *, write: bool = False
    ) -> Iterator[sqlite3.Connection]:
        """A pooled sqlite3 connection (same PRAGMAs); a write runs in BEGIN IMMEDIATE."""
        try:
            pooled = self._engine.raw_connection()
        except _DB_ERRORS as exc:
            raise StorageError(f"database error while {action}") from exc
        try:
            db = pooled.driver_connection
            if not isinstance(db, sqlite3.Connection):
                raise StorageError(f"database error while {action}")
            if write:
                db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if write:
                    db.execute("ROLLBACK")
                raise
            if write:
                db.execute("COMMIT")
        except IntegrityError as exc:
            raise StorageError(f"database refused the write while {action}") from exc
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"database refused the write while {action}") from exc
        except _DB_ERRORS as exc:
            raise StorageError(f"database error while {action}") from exc
        finally:
            pooled.close()

    def _now(self, value: datetime | None) -> datetime:
        """``value`` in UTC, or the database's clock when it is None."""
        return self.clock() if value is None else _utc(value, "now")

    @property
    def _sqlite(self) -> bool:
        return self._engine.dialect.name == "sqlite"

    def purge_expired_challenges(self, now: datetime) -> int:
        """Delete challenges expired at ``now`` that no admission refers to; return how many.

        Consumed challenges stay: their admissions refer to them, and a replay
        of one must keep answering "already used".
        """
        now = _utc(now, "now")
        referenced = exists().where(Admission.challenge_id == Challenge.challenge_id)
        with self._transaction("purging expired challenges", write=True) as conn:
            result = conn.execute(delete(Challenge).where(Challenge.expires_at <= now, ~referenced))
        return int(result.rowcount)

    def purge_audit_events(self, before: datetime) -> int:
        """Delete audit events older than ``before``; return how many."""
        before = _utc(before, "before")
        with self._transaction("purging old audit events", write=True) as conn:
            result = conn.execute(delete(AuditEvent).where(AuditEvent.at < before))
        return int(result.rowcount)

    # -- admissions -----------------------------------------------------------------

    def get_admission(self, admission_id: str) -> AdmissionRecord | None:
        """The admission with this id (a receipt's ``jti``), or None."""
        with self._transaction("reading an admission") as conn:
            row = conn.execute(
                select(Admission.__table__).where(Admission.id == admission_id)
            ).first()
        return None if row is None else AdmissionRecord(**row._mapping)

    def admission_for_challenge(self, challenge_id: str) -> AdmissionRecord | None:
        """The admission that consumed this challenge, or None (at most one: the
        column is unique)."""
        with self._transaction("reading an admission") as conn:
            row = conn.execute(
                select(Admission.__table__).where(Admission.challenge_id == challenge_id)
            ).first()
        return None if row is None else AdmissionRecord(**row._mapping)

    def live_admissions(
        self,
        wallet_address: str,
        now: datetime,
        *,
        chain_id: int | None = None,
        circuit_id: str | None = None,
    ) -> list[AdmissionRecord]:
        """The address's admissions neither revoked nor expired at ``now``, oldest first."""
        now = _utc(now, "now")
        query = select(Admission.__table__).where(
            Admission.wallet_address == _address(wallet_address),
            Admission.revoked_at.is_(None),
            Admission.expires_at > now,
        )
        if chain_id is not None:
            query = query.where(Admission.chain_id == _chain_id(chain_id))
        if circuit_id is not None:
            query = query.where(Admission.circuit_id == circuit_id)
        query = query.order_by(Admission.admitted_at, Admission.id)
        with self._transaction("reading admissions") as conn:
            rows = conn.execute(query).all()
        return [AdmissionRecord(**row._mapping) for row in rows]

    def revoke(
        self,
        wallet_address: str,
        now: datetime,
        *,
        chain_id: int | None = None,
        circuit_id: str | None = None,
    ) -> int:
        """Revoke the address's live admissions at ``now``; return how many were revoked.

        Writes one ``revoked`` audit event per admission revoked.
        """
        now = _utc(now, "now")
        conditions = [Admission.wallet_address == _address(wallet_address)]
        if chain_id is not None:
            conditions.append(Admission.chain_id == _chain_id(chain_id))
        if circuit_id is not None:
            conditions.append(Admission.circuit_id == circuit_id)
        with self._transaction("revoking admissions", write=True) as conn:
            return _revoke_live(conn, now, "ok", *conditions)

    def revoke_pseudonym(self, pseudonym: str, now: datetime) -> int:
        """Revoke every live admission of one person on this platform (its
        pseudonym, hex), whatever the wallet; return how many were revoked."""
        now = _utc(now, "now")
        if not isinstance(pseudonym, str) or not 0 < len(pseudonym) <= 128:
            raise InvalidInputError("a pseudonym is 1 to 128 characters")
        with self._transaction("revoking a person's admissions", write=True) as conn:
            return _revoke_live(conn, now, "ok", Admission.pseudonym == pseudonym)

    def due_admissions(
        self, now: datetime, notice: timedelta, *, limit: int = 100
    ) -> list[AdmissionRecord]:
        """Live admissions ending within ``notice`` of ``now`` (their re-proof is
        due), the soonest first."""
        now = _utc(now, "now")
        query = (
            select(Admission.__table__)
            .where(
                Admission.revoked_at.is_(None),
                Admission.expires_at > now,
                Admission.expires_at <= now + notice,
            )
            .order_by(Admission.expires_at, Admission.id)
            .limit(limit)
        )
        with self._transaction("reading admissions") as conn:
            rows = conn.execute(query).all()
        return [AdmissionRecord(**row._mapping) for row in rows]

    # -- revocation registries ------------------------------------------------------

    def add_registry_state(self, record: RegistryStateRecord) -> tuple[RegistryStateRecord, bool]:
        """:meth:`add_registry_states` of one state."""
        return self.add_registry_states([record])[0]

    def add_registry_states(
        self, records: Sequence[RegistryStateRecord]
    ) -> list[tuple[RegistryStateRecord, bool]]:
        """Store one trusted issuer's registry states (checked by the caller), in
        epoch order, all or none, in one transaction that holds the issuer's row:
        each record as stored and whether it is new. A state stored already
        changes nothing; :class:`RegistryStateConflict` for another state of a
        stored epoch, a state of another accumulator than the issuer's stored
        ones, one that is not the next epoch after the latest stored, or one
        published before it; :class:`IssuerNotTrusted` if the issuer is not
        trusted now."""
        rows: list[dict[str, Any]] = []
        for record in sorted(records, key=lambda r: r.epoch):
            if type(record.epoch) is not int or not 0 <= record.epoch < 2**53:
                raise InvalidInputError("epoch must be a non-negative integer")
            values: dict[str, Any] = {
                "issuer_key_id": record.issuer_key_id,
                "epoch": record.epoch,
                "accumulator_key": record.accumulator_key,
                "value": record.value,
                "issued_at": _utc(record.issued_at, "issued_at"),
                "received_at": _utc(record.received_at, "received_at"),
                "body": record.body,
            }
            _check_lengths(RegistryStateRow, values)
            rows.append(values)
        if not rows or len({r["issuer_key_id"] for r in rows}) != 1:
            raise InvalidInputError("give one issuer's registry states")
        issuer = rows[0]["issuer_key_id"]
        table = RegistryStateRow.__table__
        out: list[tuple[RegistryStateRecord, bool]] = []
        with self._transaction(
            "storing registry states", write=True, conflict=RegistryStateConflict
        ) as conn:
            # FOR UPDATE: one writer of an issuer's states at a time (SQLite: one writer)
            if conn.execute(_ISSUER_FOR_UPDATE, {"b_key_id": issuer}).first() is None:
                raise IssuerNotTrusted()
            for values in rows:
                same = conn.execute(
                    select(table).where(
                        RegistryStateRow.issuer_key_id == issuer,
                        RegistryStateRow.epoch == values["epoch"],
                    )
                ).first()
                if same is not None:
                    stored = RegistryStateRecord(**same._mapping)
                    if (stored.accumulator_key, stored.value, stored.issued_at) != (
                        values["accumulator_key"],
                        values["value"],
                        values["issued_at"],
                    ):
                        raise RegistryStateConflict()
                    out.append((stored, False))
                    continue
                latest = conn.execute(
                    select(table)
                    .where(RegistryStateRow.issuer_key_id == issuer)
                    .order_by(RegistryStateRow.epoch.desc())
                    .limit(1)
                ).first()
                if latest is not None:
                    if latest.accumulator_key != values["accumulator_key"]:
                        raise RegistryStateConflict(
                            "the issuer's stored registry states are of another accumulator"
                        )
                    if values["epoch"] != latest.epoch + 1:
                        raise RegistryStateConflict(
                            f"registry states follow on: epoch {latest.epoch + 1} is next"
                        )
                    if values["issued_at"] < _utc(latest.issued_at, "issued_at"):
                        raise RegistryStateConflict(
                            "a registry state published before the previous one"
                        )
                conn.execute(insert(RegistryStateRow).values(values))
                out.append((RegistryStateRecord(**values), True))
        return out

    def registry_state(self, issuer_key_id: str, epoch: int) -> RegistryStateRecord | None:
        """The issuer's stored state of ``epoch``, if any."""
        with self._transaction("reading a registry state") as conn:
            row = conn.execute(
                select(RegistryStateRow.__table__).where(
                    RegistryStateRow.issuer_key_id == issuer_key_id,
                    RegistryStateRow.epoch == epoch,
                )
            ).first()
        return None if row is None else RegistryStateRecord(**row._mapping)

    def registry_states(
        self, issuer_key_id: str, *, after: int | None = None, limit: int = 100
    ) -> list[RegistryStateRecord]:
        """The issuer's stored states after epoch ``after``, oldest first (at most
        ``limit``); without ``after``, the latest one only."""
        query = select(RegistryStateRow.__table__).where(
            RegistryStateRow.issuer_key_id == issuer_key_id
        )
        if after is None:
            query = query.order_by(RegistryStateRow.epoch.desc()).limit(1)
        else:
            query = (
                query.where(RegistryStateRow.epoch > after)
                .order_by(RegistryStateRow.epoch)
                .limit(limit)
            )
        with self._transaction("reading registry states") as conn:
            rows = conn.execute(query).all()
        return [RegistryStateRecord(**row._mapping) for row in rows]

    def registry_issuers(self) -> set[str]:
        """The key ids of the issuers with a stored registry state."""
        with self._transaction("reading registry states") as conn:
            rows = conn.execute(select(RegistryStateRow.issuer_key_id).distinct()).all()
        return {row[0] for row in rows}

    # -- audit ----------------------------------------------------------------------

    def record_refusal(
        self,
        challenge_id: str | None,
        outcome: str,
        *,
        circuit_id: str | None = None,
        wallet_address: str | None = None,
        proof_digest: str | None = None,
        now: datetime | None = None,
        burn_after: int | None = None,
    ) -> bool:
        """Audit a refused presentation; return whether it burned the challenge.

        With ``burn_after``, the refusal also counts against the challenge (one
        not yet consumed): the refusal that brings its count to ``burn_after``
        consumes it without an admission, in the same transaction. Without it
        (a replay, an expired challenge) the challenge is left as it is.

        ``outcome`` is a short code such as ``"invalid"``, ``"expired"``,
        ``"replayed"``, ``"untrusted_issuer"`` or ``"context_mismatch"``.
        A circuit id or wallet address not given is taken from the challenge,
        if ``challenge_id`` names a stored one.
        """
        at = self._now(now)
        wallet = None if wallet_address is None else _address(wallet_address)
        with self._transaction("recording a refusal", write=True) as conn:
            if challenge_id is not None and (circuit_id is None or wallet is None):
                row = conn.execute(
                    select(Challenge.circuit_id, Challenge.wallet_address).where(
                        Challenge.challenge_id == challenge_id
                    )
                ).first()
                if row is not None:
                    circuit_id = circuit_id if circuit_id is not None else row.circuit_id
                    wallet = wallet if wallet is not None else row.wallet_address
            _audit(
                conn,
                at=at,
                event="refused",
                outcome=outcome,
                circuit_id=circuit_id,
                wallet_address=wallet,
                proof_digest=proof_digest,
            )
            if challenge_id is None or burn_after is None:
                return False
            if type(burn_after) is not int or burn_after < 1:
                raise InvalidInputError("burn_after must be a positive integer")
            count = conn.execute(
                update(Challenge)
                .where(Challenge.challenge_id == challenge_id, Challenge.consumed_at.is_(None))
                .values(refusals=Challenge.refusals + 1)
                .returning(Challenge.refusals)
            ).scalar_one_or_none()
            if count is None or count < burn_after:
                return False
            conn.execute(
                update(Challenge)
                .where(Challenge.challenge_id == challenge_id)
                .values(consumed_at=at)
            )
            return True

    def audit_events(self, *, limit: int = 100) -> list[AuditEventRecord]:
        """The newest ``limit`` audit events, newest first."""
        if type(limit) is not int or not 0 < limit <= 10_000:
            raise InvalidInputError("limit must be an integer from 1 to 10000")
        with self._transaction("reading the audit trail") as conn:
            rows = conn.execute(
                select(AuditEvent.__table__).order_by(AuditEvent.id.desc()).limit(limit)
            ).all()
        return [AuditEventRecord(**row._mapping) for row in rows]

    def counts(self, now: datetime | None = None) -> StoreCounts:
        """Totals for metrics; ``live_admissions`` is counted at ``now`` (default: the clock)."""
        at = self._now(now)
        with self._transaction("counting") as conn:
            admissions = conn.execute(select(func.count()).select_from(Admission)).scalar_one()
            revoked = conn.execute(
                select(func.count()).where(Admission.revoked_at.is_not(None))
            ).scalar_one()
            live = conn.execute(
                select(func.count()).where(
                    Admission.revoked_at.is_(None), Admission.expires_at > at
                )
            ).scalar_one()
            issued = conn.execute(
                select(func.count()).where(AuditEvent.event == "challenge_issued")
            ).scalar_one()
            refusals = conn.execute(
                select(AuditEvent.outcome, func.count())
                .where(AuditEvent.event == "refused")
                .group_by(AuditEvent.outcome)
            ).all()
        return StoreCounts(
            challenges_issued=int(issued),
            admissions=int(admissions),
            live_admissions=int(live),
            revoked=int(revoked),
            refusals={str(outcome): int(n) for outcome, n in refusals},
        )

    # -- issuers --------------------------------------------------------------------

    def add_issuer(
        self,
        *,
        key_id: str,
        suite: str,
        public_key: str,
        source: IssuerSource,
        now: datetime | None = None,
        exist_ok: bool = False,
        schemas: Sequence[str] = ("investor/v1",),
        roles: Sequence[str] = (),
    ) -> IssuerRecord:
        """Trust an issuer key; write an ``issuer_added`` audit event; return the stored record.

        If the key id is stored already: with ``exist_ok`` and the same suite
        and public key, return the stored record (so several processes may
        load the same configured issuers at start-up); otherwise raise
        :class:`IssuerExists`. ``schemas``: the schema ids the key is trusted
        to sign; ``roles``: the roles it is trusted in.
        """
        if source not in ISSUER_SOURCES:
            raise InvalidInputError("issuer source must be 'config' or 'api'")
        values: dict[str, Any] = {
            "key_id": key_id,
            "suite": suite,
            "public_key": public_key,
            "source": source,
            "added_at": self._now(now),
            **_grant_columns(schemas, roles),
        }
        _check_lengths(Issuer, values)
        try:
            with self._transaction("adding an issuer", write=True, conflict=IssuerExists) as conn:
                row = conn.execute(select(Issuer.__table__).where(Issuer.key_id == key_id)).first()
                if row is not None:
                    raise IssuerExists()
                conn.execute(insert(Issuer).values(values))
                _audit(conn, at=values["added_at"], event="issuer_added", outcome="ok")
        except IssuerExists:
            stored = self.get_issuer(key_id) if exist_ok else None
            if stored is None or (stored.suite, stored.public_key) != (suite, public_key):
                raise
            return stored
        return _issuer_record(values)

    def disable_issuer(self, key_id: str, now: datetime) -> tuple[IssuerRecord, int]:
        """An admin stops trusting an issuer, for good, and revokes its live
        admissions, in one transaction.

        Returns the issuer as stored and how many admissions were revoked.
        Writes an ``issuer_disabled`` event (outcome ``"admin"``) and one
        ``revoked`` event per admission. Disabling a disabled issuer changes
        nothing and returns 0 (one disabled by the configuration becomes
        disabled for good). Raises :class:`IssuerNotFound` for a key id never
        stored.
        """
        now = _utc(now, "now")
        with self._transaction("disabling an issuer", write=True) as conn:
            revoked = _disable_issuer(conn, key_id, now, "admin")
            conn.execute(
                update(Issuer)
                .where(Issuer.key_id == key_id, Issuer.disabled_by == "config")
                .values(disabled_by="admin")
            )
            row = conn.execute(select(Issuer.__table__).where(Issuer.key_id == key_id)).one()
        return _issuer_record(row), revoked

    def sync_config_issuers(
        self,
        configured: Mapping[str, tuple[str, str, Sequence[str], Sequence[str]]],
        now: datetime,
    ) -> list[str]:
        """Make the configured issuers the trusted ones of source ``"config"``, in
        one transaction (several processes may start at once):

        - a configured key not stored is added;
        - a stored configuration key no longer configured is disabled, and its
          live admissions revoked (``disabled_by`` ``"config"``);
        - a key disabled that way and configured again is trusted again (the
          admissions revoked meanwhile stay revoked);
        - a key an admin disabled stays disabled, configured or not: that is
          for good (the returned warnings say so; remove it from the
          configuration).

        - a configured key's schemas and roles are the configured ones (an
          ``issuer_grants_changed`` audit event when they change).

        ``configured`` maps key id to (suite name, public key hex, schema ids,
        roles). Raises
        :class:`IssuerExists` if a configured key id is stored with another
        suite or public key.
        """
        now = _utc(now, "now")
        warnings: list[str] = []
        with self._transaction(
            "loading the configured issuers", write=True, conflict=IssuerExists
        ) as conn:
            _serialize_start_up(conn)
            stored = {
                row.key_id: _issuer_record(row)
                for row in conn.execute(select(Issuer.__table__)).all()
            }
            for key_id, (suite, public_key, schemas, roles) in sorted(configured.items()):
                record = stored.get(key_id)
                grants = _grant_columns(schemas, roles)
                if record is not None and (record.suite, record.public_key) == (suite, public_key):
                    _sync_grants(conn, record, grants, schemas, roles, now, warnings)
                if record is None:
                    values: dict[str, Any] = {
                        "key_id": key_id,
                        "suite": suite,
                        "public_key": public_key,
                        "source": "config",
                        "added_at": now,
                        **grants,
                    }
                    _check_lengths(Issuer, values)
                    conn.execute(insert(Issuer).values(values))
                    _audit(conn, at=now, event="issuer_added", outcome="config")
                elif (record.suite, record.public_key) != (suite, public_key):
                    raise IssuerExists(f"issuer key id {key_id} is stored with another public key")
                elif record.disabled_at is not None and record.disabled_by == "config":
                    conn.execute(
                        update(Issuer)
                        .where(Issuer.key_id == key_id)
                        .values(disabled_at=None, disabled_by=None, source="config")
                    )
                    _audit(conn, at=now, event="issuer_added", outcome="config")
                elif record.disabled_at is not None:
                    warnings.append(
                        f"issuer {key_id} is configured but an admin disabled it at "
                        f"{record.disabled_at:%Y-%m-%dT%H:%M:%SZ}; it stays disabled "
                        "(remove it from ZKATTEST_TRUSTED_ISSUERS)"
                    )
            for key_id, record in sorted(stored.items()):
                if (
                    record.source == "config"
                    and record.disabled_at is None
                    and key_id not in configured
                ):
                    _disable_issuer(conn, key_id, now, "config")
        return warnings

    def get_issuer(self, key_id: str) -> IssuerRecord | None:
        """The trusted issuer with this key id, or None."""
        with self._transaction("reading an issuer") as conn:
            row = conn.execute(select(Issuer.__table__).where(Issuer.key_id == key_id)).first()
        return None if row is None else _issuer_record(row)

    def list_issuers(self, *, include_disabled: bool = False) -> list[IssuerRecord]:
        """The trusted issuers (with ``include_disabled``, every one ever stored),
        by key id."""
        query = select(Issuer.__table__).order_by(Issuer.key_id)
        if not include_disabled:
            query = query.where(Issuer.disabled_at.is_(None))
        with self._transaction("listing issuers") as conn:
            rows = conn.execute(query).all()
        return [_issuer_record(row) for row in rows]

    # -- receipt signer -------------------------------------------------------------

    def bind_receipt_signer(self, kid: str, eip712_signer: str, now: datetime) -> None:
        """Record the receipt key on first use; afterwards refuse any other.

        Every node on one database must sign receipts with the same key, or a
        receipt's ``kid`` would depend on which node answered. Raises
        :class:`ReceiptSignerMismatch` naming both keys (public values).
        """
        signer = _address(eip712_signer)
        values = {"id": 1, "kid": kid, "eip712_signer": signer, "recorded_at": _utc(now, "now")}
        _check_lengths(ReceiptSigner, values)
        with self._transaction("recording the receipt key", write=True) as conn:
            _serialize_start_up(conn)
            row = conn.execute(select(ReceiptSigner.__table__)).first()
            if row is None:
                conn.execute(insert(ReceiptSigner).values(values))
                return
        if (row.kid, row.eip712_signer) != (kid, signer):
            raise ReceiptSignerMismatch(
                f"this database's receipts are signed with key {row.kid} "
                f"(EIP-712 signer {row.eip712_signer}), this node's key is {kid} "
                f"(signer {signer}): every node on one database must use the same "
                "receipt key file"
            )

    # -- readiness ------------------------------------------------------------------

    def check_writable(self, now: datetime | None = None) -> None:
        """Rewrite the readiness row and commit: :class:`StorageError` if the
        database refuses (read-only, full, a standby, unreachable)."""
        at = self._now(now)
        with self._transaction("checking that the database takes writes", write=True) as conn:
            updated = conn.execute(
                update(ReadinessProbe).where(ReadinessProbe.id == 1).values(checked_at=at)
            ).rowcount
            if not updated:
                conn.execute(insert(ReadinessProbe).values(id=1, checked_at=at))

    # -- plumbing -------------------------------------------------------------------

    @contextmanager
    def _transaction(
        self,
        action: str,
        *,
        write: bool = False,
        conflict: type[StorageError] | None = None,
    ) -> Iterator[Connection]:
        """One transaction: commit on success, roll back on any exception.

        Database errors become :class:`StorageError` (or ``conflict`` for an
        integrity violation); the message names ``action`` only.
        """
        engine = self._writer if write else self._engine
        try:
            with engine.begin() as conn:
                yield conn
        except IntegrityError as exc:
            if conflict is not None:
                raise conflict() from exc
            raise StorageError(f"database refused the write while {action}") from exc
        except _DB_ERRORS as exc:
            raise StorageError(f"database error while {action}") from exc


# Statements on the hot path, built once: Core tables and bound parameters compile to
# one cached statement each (ORM-style ``.values(dict)`` is re-processed per call).
_CHALLENGES: Table = Challenge.__table__  # type: ignore[assignment]
_CONSUME = (
    update(_CHALLENGES)
    .where(
        _CHALLENGES.c.challenge_id == bindparam("b_challenge_id"),
        _CHALLENGES.c.consumed_at.is_(None),
        _CHALLENGES.c.expires_at > bindparam("b_now", type_=_CHALLENGES.c.expires_at.type),
    )
    .values(consumed_at=bindparam("b_now", type_=_CHALLENGES.c.consumed_at.type))
    .returning(
        _CHALLENGES.c.wallet_address,
        _CHALLENGES.c.chain_id,
        _CHALLENGES.c.circuit_id,
        _CHALLENGES.c.circuit_hash,
    )
)
_ISSUERS: Table = Issuer.__table__  # type: ignore[assignment]
# Shared row lock: disable_issuer's UPDATE of the row waits for this admission to
# commit (and then revokes it), or this read waits for the disable and sees it.
_TRUSTED_ISSUER_FOR_SHARE = (
    select(_ISSUERS.c.key_id)
    .where(_ISSUERS.c.key_id == bindparam("b_key_id"), _ISSUERS.c.disabled_at.is_(None))
    .with_for_update(read=True)
)
_ISSUER_FOR_UPDATE = (
    select(_ISSUERS.c.key_id)
    .where(_ISSUERS.c.key_id == bindparam("b_key_id"), _ISSUERS.c.disabled_at.is_(None))
    .with_for_update()
)
_GET_CHALLENGE = select(_CHALLENGES).where(
    _CHALLENGES.c.challenge_id == bindparam("b_challenge_id")
)
# The same statements for the SQLite hot path (DBAPI, qmark parameters).
_SQLITE_CHALLENGE_COLUMNS = (
    "challenge_id",
    "nonce",
    "verifier_domain",
    "circuit_id",
    "circuit_hash",
    "wallet_address",
    "chain_id",
    "circuit_params",
)
_SQLITE_GET_CHALLENGE = (
    "SELECT challenge_id, nonce, verifier_domain, circuit_id, circuit_hash, wallet_address, "
    "chain_id, circuit_params, today, created_at, expires_at, consumed_at, refusals, "
    "horizon_days, registry_not_before "
    "FROM challenges WHERE challenge_id = ?"
)
_SQLITE_CONSUME = (
    "UPDATE challenges SET consumed_at = ? "
    "WHERE challenge_id = ? AND consumed_at IS NULL AND expires_at > ? "
    "RETURNING wallet_address, chain_id, circuit_id, circuit_hash"
)
_SQLITE_INSERT_ADMISSION = (
    "INSERT INTO admissions (id, challenge_id, wallet_address, chain_id, circuit_id, "
    "circuit_hash, issuer_key_id, proof_digest, pseudonym, admitted_at, expires_at, "
    "revoked_at, receipt_jws, receipt_eip712) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SQLITE_TRUSTED_ISSUER = "SELECT 1 FROM issuers WHERE key_id = ? AND disabled_at IS NULL"
# SQLite's clock with milliseconds, in the text form of stored times (three more digits
# are appended); 'now' is the same for every statement of one sqlite3_step.
_SQLITE_NOW = "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')"
_SQLITE_INSERT_AUDIT = (
    "INSERT INTO audit_events (at, event, outcome, circuit_id, wallet_address, proof_digest) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def _to_sqlite_time(value: datetime) -> str:
    """UTC wall-clock text, exactly as SQLAlchemy's SQLite DATETIME stores it."""
    value = value.astimezone(UTC)
    return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond:06d}"


def _from_sqlite_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


_INSERT_ADMISSION = insert(Admission.__table__)  # type: ignore[arg-type]
_INSERT_AUDIT = insert(AuditEvent.__table__)  # type: ignore[arg-type]


_PG_SEAT_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(:p, 0))"
_RELEASE_SEAT = (
    "UPDATE admissions SET revoked_at = :now WHERE pseudonym = :p AND wallet_address = :w"
    " AND revoked_at IS NULL AND expires_at > :now"
)
# a seat is a wallet on a chain: the same address on another chain may be
# another party's contract wallet
_SEATS_TAKEN = (
    "SELECT COUNT(*) FROM (SELECT DISTINCT chain_id, wallet_address FROM admissions"
    " WHERE pseudonym = :p AND revoked_at IS NULL AND expires_at > :now"
    " AND NOT (wallet_address = :w AND chain_id = :c)) AS seats"
)


def _claim_seat(
    run: Any, values: dict[str, Any], now: Any, seats: int, release_wallet: str | None
) -> None:
    """In the admitting transaction: release ``release_wallet``'s seat, then
    refuse if the pseudonym's other live wallets fill ``seats``. ``run`` executes
    one statement with named parameters (``now`` in the connection's time form)."""
    pseudonym, wallet = values["pseudonym"], values["wallet_address"]
    if release_wallet is not None and release_wallet != wallet:
        released = run(_RELEASE_SEAT, {"now": now, "p": pseudonym, "w": release_wallet})
        if not released.rowcount:
            raise SeatNotHeld()
    params = {"now": now, "p": pseudonym, "w": wallet, "c": values["chain_id"]}
    taken = run(_SEATS_TAKEN, params).fetchone()[0]
    if taken >= seats:
        raise SeatLimitReached()


def _why_not_consumable(conn: Connection, challenge_id: str) -> ChallengeError:
    """Why the conditional UPDATE matched nothing (read in the same transaction)."""
    consumed = conn.execute(
        select(Challenge.consumed_at).where(Challenge.challenge_id == challenge_id)
    ).first()
    if consumed is None:
        return ChallengeNotFound()
    if consumed.consumed_at is not None:
        return ChallengeAlreadyUsed()
    return ChallengeExpired()


def _disable_issuer(conn: Connection, key_id: str, now: datetime, by: str) -> int:
    """Disable the issuer (if trusted) and revoke its live admissions; how many.

    ``by`` is ``"admin"`` (for good) or ``"config"`` (until configured again).
    """
    # The UPDATE takes the issuer row's lock first: a concurrent admission holding
    # it FOR SHARE commits before this goes on, and is then revoked below; of two
    # concurrent disables, the second matches no row and changes nothing.
    disabled = conn.execute(
        update(Issuer)
        .where(Issuer.key_id == key_id, Issuer.disabled_at.is_(None))
        .values(disabled_at=now, disabled_by=by)
        .returning(Issuer.key_id)
    ).first()
    if disabled is None:
        if conn.execute(select(Issuer.key_id).where(Issuer.key_id == key_id)).first() is None:
            raise IssuerNotFound()
        return 0
    _audit(conn, at=now, event="issuer_disabled", outcome=by)
    relied_on = select(AdmissionIssuer.admission_id).where(AdmissionIssuer.issuer_key_id == key_id)
    return _revoke_live(conn, now, "issuer_disabled", Admission.id.in_(relied_on))


def _revoke_live(conn: Connection, now: datetime, outcome: str, *conditions: Any) -> int:
    """Revoke the admissions live at ``now`` that meet ``conditions``, with one
    ``revoked`` audit event each (``outcome`` says why); return how many."""
    revoked = conn.execute(
        update(Admission)
        .where(Admission.revoked_at.is_(None), Admission.expires_at > now, *conditions)
        .values(revoked_at=now)
        .returning(Admission.circuit_id, Admission.wallet_address, Admission.proof_digest)
    ).all()
    for row in revoked:
        _audit(
            conn,
            at=now,
            event="revoked",
            outcome=outcome,
            circuit_id=row.circuit_id,
            wallet_address=row.wallet_address,
            proof_digest=row.proof_digest,
        )
    return len(revoked)


#: PostgreSQL advisory lock for start-up bookkeeping (issuers, receipt key): every
#: process starting at once runs it in turn (SQLite write transactions already do).
_START_UP_LOCK: Final = int.from_bytes(
    hashlib.sha256(b"zkattest start-up").digest()[:8], "big", signed=True
)


def _serialize_start_up(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _START_UP_LOCK})


def _audit(
    conn: Connection,
    *,
    at: datetime,
    event: AuditEventName,
    outcome: str,
    circuit_id: str | None = None,
    wallet_address: str | None = None,
    proof_digest: str | None = None,
) -> None:
    if event not in AUDIT_EVENTS:
        raise InvalidInputError("unknown audit event")
    if not isinstance(outcome, str) or not _OUTCOME.fullmatch(outcome):
        raise InvalidInputError("audit outcome must be a short lower-case code")
    values = {
        "at": at,
        "event": event,
        "outcome": outcome,
        "circuit_id": circuit_id,
        "wallet_address": wallet_address,
        "proof_digest": proof_digest,
    }
    _check_lengths(AuditEvent, values)
    conn.execute(_INSERT_AUDIT, values)


def _utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInputError(f"{name} must be a time-zone-aware datetime")
    return value.astimezone(UTC)


def _admission_id(value: object) -> str:
    """An admission id: the canonical text of a UUID (what the receipts carry)."""
    return str(parse_uuid(value, "admission id"))


# The library's parsers, so that the bounds are the same everywhere.
_address = normalize_wallet_address
_chain_id = parse_chain_id
_horizon = parse_horizon_days


def _check_lengths(model: type[DeclarativeBase], values: Mapping[str, Any]) -> None:
    """Refuse a value longer than its column (PostgreSQL would fail; SQLite would not)."""
    rules = _column_rules(model)
    for name, value in values.items():
        nullable, is_string, length = rules[name]
        if value is None:
            if not nullable:
                raise InvalidInputError(f"{name} is required")
            continue
        if is_string and not isinstance(value, str):
            raise InvalidInputError(f"{name} must be a string")
        if length is not None and len(value) > length:
            raise InvalidInputError(f"{name} is longer than {length} characters")


@functools.cache
def _column_rules(model: type[DeclarativeBase]) -> dict[str, tuple[bool, bool, int | None]]:
    """Per column: (nullable, is a string, maximum length), read once per model."""
    return {
        column.name: (
            bool(column.nullable),
            isinstance(column.type, String),
            getattr(column.type, "length", None),
        )
        for column in model.__table__.columns
    }


def _sync_grants(
    conn: Connection,
    record: IssuerRecord,
    grants: dict[str, str],
    schemas: Sequence[str],
    roles: Sequence[str],
    now: datetime,
    warnings: list[str],
) -> None:
    """A configured key's grants follow the configuration (source "config"); a
    narrower grant revokes the live admissions that relied on the key, since
    one of them may have used what it lost. A key added through the API keeps
    the grants it was added with (a warning says so)."""
    if (" ".join(record.schemas), " ".join(record.roles)) == (grants["schemas"], grants["roles"]):
        return
    if record.source != "config":
        warnings.append(
            f"issuer {record.key_id} was added through the API, trusted for"
            f" {', '.join(record.schemas)} (roles: {', '.join(record.roles) or 'none'}); it keeps"
            " those grants, not the configuration's (remove it from ZKATTEST_TRUSTED_ISSUERS)"
        )
        return
    conn.execute(update(Issuer).where(Issuer.key_id == record.key_id).values(grants))
    _audit(conn, at=now, event="issuer_grants_changed", outcome="config")
    if set(record.schemas) - set(schemas) or set(record.roles) - set(roles):
        relied_on = select(AdmissionIssuer.admission_id).where(
            AdmissionIssuer.issuer_key_id == record.key_id
        )
        _revoke_live(conn, now, "issuer_grants_narrowed", Admission.id.in_(relied_on))


def _grant_columns(schemas: Sequence[str], roles: Sequence[str]) -> dict[str, str]:
    """An issuer's schemas and roles as stored: sorted, distinct, space-separated."""
    if isinstance(schemas, str) or isinstance(roles, str):
        raise InvalidInputError("schemas and roles are lists of names")
    if not schemas:
        raise InvalidInputError("an issuer is trusted for at least one schema")
    names = [*schemas, *roles]
    if not all(isinstance(n, str) and _GRANT_NAME.fullmatch(n) for n in names):
        raise InvalidInputError("schema ids and roles are names without spaces")
    columns = {"schemas": " ".join(sorted(set(schemas))), "roles": " ".join(sorted(set(roles)))}
    if any(len(text) > _GRANT_COLUMN for text in columns.values()):
        raise InvalidInputError(
            f"an issuer's schemas or roles take at most {_GRANT_COLUMN} characters"
        )
    return columns


_GRANT_NAME: Final = re.compile(r"[a-z][a-z0-9_/-]{0,127}")
_GRANT_COLUMN: Final = 1024  # the length of issuers.schemas and issuers.roles


def _issuer_record(row: Any) -> IssuerRecord:
    """A stored issuer row (or its values) as a record, its grants as tuples."""
    values = dict(row if isinstance(row, dict) else row._mapping)
    values["schemas"] = tuple(values.get("schemas", "investor/v1").split())
    values["roles"] = tuple(values.get("roles", "").split())
    return IssuerRecord(**values)
