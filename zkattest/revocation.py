"""Revocation registries: the issuer's accumulator, its signed states, the holder's witness.

An issuer that can withdraw credentials keeps a :class:`RevocationRegistry`: a
positive accumulator (:mod:`zkattest.hazmat.accumulator`) holding one random
handle per credential it may issue, made when the registry is created (its
capacity), so that issuing never changes the accumulator and holders only
ever follow removals. Each credential carries its handle hidden, signed as a
BBS message; :meth:`RevocationRegistry.enroll` gives the next handle and its
witness; :meth:`RevocationRegistry.revoke` removes a handle; and
:meth:`RevocationRegistry.publish` closes an epoch: a :class:`RegistryState`
with the issuer key id, the accumulator's public key, the epoch, the
accumulator value, the time, and the removals since the previous epoch (their
handles and the update points ``Ω``), signed with the issuer's own BBS key (a
BBS signature over no messages, the state in its header), so anyone can relay
it and anyone holding the issuer's public key can check it.

A holder keeps a :class:`HeldWitness` and brings it forward with
:meth:`HeldWitness.follow`, from the published states alone: nothing per
credential is downloaded and the issuer is not asked (no tails file). A
revoked holder's witness cannot be brought past the state that removed it.

The registry stores, per handle, whom it was issued to (the issuer's customer
reference) and whether it is revoked; the handles never leave the issuer
except inside credentials, hidden, and in the removals of a published state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from zkattest._credential import IssuerPublicKey
from zkattest.codec import (
    FORMAT_VERSION,
    hex_bytes,
    parse_json_object,
    parse_utc,
    require_fields,
    utc_text,
)
from zkattest.errors import (
    DecodeError,
    InvalidInputError,
    IssuanceError,
    VerificationError,
    ZkAttestError,
)
from zkattest.hazmat import bbs
from zkattest.hazmat.accumulator import (
    AccumulatorPublicKey,
    AccumulatorSecretKey,
    RemovalUpdate,
    update_witness,
    verify_witness,
)
from zkattest.hazmat.curve import G1, G1_BYTES, G2_BYTES, R, get_backend
from zkattest.issuer import IssuerSecretKey, SqliteFile
from zkattest.schema import canonical_json

__all__ = [
    "MAX_CAPACITY",
    "MAX_CLOCK_SKEW",
    "MAX_REMOVALS_PER_EPOCH",
    "HeldWitness",
    "RegistryLookup",
    "RegistryState",
    "RegistryStates",
    "RevocationRegistry",
    "StateSummary",
    "check_follows",
]

_STATE_TYPE = "zkattest/registry-state"
#: The most handles one registry holds.
MAX_CAPACITY = 1_000_000
#: The most removals one published state carries (about 170 KB of JSON, within
#: every reader's 256 KiB): further revocations wait for the next epoch.
MAX_REMOVALS_PER_EPOCH = 1000
#: How far in the future a state's time may be, by the reader's clock.
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)
# What a state's BBS signature signs, before the state's canonical JSON.
_STATE_HEADER = b"zkattest/registry-state/v1\x00"
_SIGNATURE_BYTES = 80


def _point(text: object, what: str) -> G1:
    return get_backend().g1_from_bytes(hex_bytes(text, what, G1_BYTES))


def _handle_hex(value: object, what: str) -> int:
    scalar = int.from_bytes(hex_bytes(value, what, 32), "big")
    if scalar >= R:
        raise DecodeError(f"{what} must be a scalar below r")
    return scalar


class StateSummary(NamedTuple):
    """What a verifier needs of a registry state it has checked: the
    accumulator's key, the epoch, the value, and when the issuer published it."""

    accumulator_key: AccumulatorPublicKey
    epoch: int
    value: G1
    issued_at: dt.datetime


@dataclass(frozen=True)
class RegistryState:
    """One epoch of an issuer's registry, signed by the issuer.

    ``removals``: the update from the previous epoch (None for the first
    epoch, or an epoch that removed nothing).
    """

    issuer_key_id: str
    accumulator_key: AccumulatorPublicKey
    epoch: int
    value: G1
    issued_at: dt.datetime
    removals: RemovalUpdate | None
    signature: bytes = field(default=b"", repr=False)

    def body(self) -> dict[str, object]:
        """Everything the signature covers, as JSON."""
        return {
            "type": _STATE_TYPE,
            "version": FORMAT_VERSION,
            "issuer_key_id": self.issuer_key_id,
            "accumulator_key": self.accumulator_key.to_bytes().hex(),
            "epoch": self.epoch,
            "value": self.value.to_bytes().hex(),
            "issued_at": utc_text(self.issued_at),
            "removed": []
            if self.removals is None
            else [f"{y:064x}" for y in self.removals.removed],
            "omega": []
            if self.removals is None
            else [p.to_bytes().hex() for p in self.removals.omega],
        }

    def to_json(self) -> str:
        return canonical_json(self.body() | {"signature": self.signature.hex()}).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> RegistryState:
        obj = parse_json_object(text, _STATE_TYPE)
        require_fields(
            obj,
            {
                "type",
                "version",
                "issuer_key_id",
                "accumulator_key",
                "epoch",
                "value",
                "issued_at",
                "removed",
                "omega",
                "signature",
            },
            _STATE_TYPE,
        )
        if not isinstance(obj["issuer_key_id"], str) or len(obj["issuer_key_id"]) != 32:
            raise DecodeError("issuer_key_id must be 32 hex digits")
        epoch = obj["epoch"]
        if type(epoch) is not int or not 0 <= epoch < 2**53:
            raise DecodeError("epoch must be a non-negative integer")
        removed, omega = obj["removed"], obj["omega"]
        if not isinstance(removed, list) or not isinstance(omega, list):
            raise DecodeError("removed and omega must be lists")
        if len(removed) != len(omega) or len(removed) > MAX_REMOVALS_PER_EPOCH:
            raise DecodeError(
                f"one omega point per removed handle, at most {MAX_REMOVALS_PER_EPOCH}"
            )
        key = AccumulatorPublicKey.from_bytes(
            hex_bytes(obj["accumulator_key"], "accumulator_key", G2_BYTES)
        )
        signed = hex_bytes(obj["signature"], "signature", _SIGNATURE_BYTES)
        removals = None
        if removed:
            removals = RemovalUpdate(
                tuple(_handle_hex(y, "a removed handle") for y in removed),
                tuple(_point(p, "an omega point") for p in omega),
            )
        state = cls(
            obj["issuer_key_id"],
            key,
            epoch,
            _point(obj["value"], "value"),
            parse_utc(obj["issued_at"], "issued_at"),
            removals,
            signed,
        )
        if state.body() != {k: v for k, v in obj.items() if k != "signature"}:
            raise DecodeError("a registry state must be in its canonical form")
        return state

    @staticmethod
    def check_document(document: Mapping[str, object], issuer: IssuerPublicKey) -> None:
        """Check the issuer's signature on a state's parsed JSON before anything
        in it is decoded (cheap, for states from anyone): :class:`VerificationError`
        unless it is ``issuer``'s signature over exactly this canonical document."""
        if document.get("issuer_key_id") != issuer.key_id:
            raise VerificationError("registry state of another issuer")
        body = {k: v for k, v in document.items() if k != "signature"}
        try:
            signature = hex_bytes(document.get("signature"), "signature", _SIGNATURE_BYTES)
            bbs.verify(
                issuer.public_key,
                signature,
                _STATE_HEADER + canonical_json(body),
                [],
                suite=issuer.suite,
            )
        except ZkAttestError:
            raise VerificationError("registry state signature invalid") from None

    def summary(self) -> StateSummary:
        return StateSummary(self.accumulator_key, self.epoch, self.value, self.issued_at)

    def verify(self, issuer: IssuerPublicKey) -> None:
        """Check the issuer's signature; :class:`VerificationError` if it does not hold."""
        if issuer.key_id != self.issuer_key_id:
            raise VerificationError("registry state of another issuer")
        try:
            bbs.verify(issuer.public_key, self.signature, self._header(), [], suite=issuer.suite)
        except ZkAttestError:
            raise VerificationError("registry state signature invalid") from None

    def _header(self) -> bytes:
        return _STATE_HEADER + canonical_json(self.body())


@dataclass(frozen=True)
class HeldWitness:
    """The holder's part of a revocable credential: its handle, its witness, and
    the state the witness is current for (epoch, accumulator value and key, and
    when the issuer published it). The repr shows the epoch only."""

    handle: int = field(repr=False)
    witness: G1 = field(repr=False)
    epoch: int
    value: G1 = field(repr=False)
    accumulator_key: AccumulatorPublicKey = field(repr=False)
    issued_at: dt.datetime

    def __repr__(self) -> str:
        return f"<HeldWitness epoch={self.epoch}>"

    def __post_init__(self) -> None:
        if type(self.handle) is not int or not 0 <= self.handle < R:
            raise DecodeError("a revocation handle is a scalar below r")
        if type(self.epoch) is not int or not 0 <= self.epoch < 2**53:
            raise DecodeError("epoch must be a non-negative integer")

    @classmethod
    def at(cls, handle: int, witness: G1, state: RegistryState) -> HeldWitness:
        """``handle``'s ``witness`` for ``state``."""
        return cls(handle, witness, state.epoch, state.value, state.accumulator_key,
                   state.issued_at)  # fmt: skip

    def holds(self) -> bool:
        """Whether the witness shows the handle in the value (one pairing check)."""
        return verify_witness(self.accumulator_key, self.value, self.handle, self.witness)

    def follow(self, states: Sequence[RegistryState], issuer: IssuerPublicKey) -> HeldWitness:
        """The witness brought forward through ``states`` (the issuer's signed
        states after this witness's epoch, in epoch order, the last the one to
        reach), checking each signature, that the epochs follow on, that the
        accumulator key stays the same, and that the witness verifies at the
        end. :class:`PolicyError` if the handle was removed;
        :class:`VerificationError` if a state does not check."""
        if not states:
            raise InvalidInputError("give the states after this witness's epoch")
        witness, epoch = self.witness, self.epoch
        for state in states:
            state.verify(issuer)
            if state.epoch != epoch + 1:
                raise VerificationError(
                    f"registry states must follow on: epoch {epoch + 1} expected,"
                    f" {state.epoch} given"
                )
            if state.accumulator_key != self.accumulator_key:
                raise VerificationError("a registry state of another accumulator")
            if state.removals is not None:
                witness = update_witness(witness, self.handle, state.removals)
            epoch = state.epoch
        moved = HeldWitness.at(self.handle, witness, states[-1])
        if not moved.holds():
            raise VerificationError("the witness does not verify against the last state")
        return moved

    def to_dict(self) -> dict[str, object]:
        return {
            "handle": f"{self.handle:064x}",
            "witness": self.witness.to_bytes().hex(),
            "epoch": self.epoch,
            "value": self.value.to_bytes().hex(),
            "accumulator_key": self.accumulator_key.to_bytes().hex(),
            "issued_at": utc_text(self.issued_at),
        }

    @classmethod
    def from_dict(cls, obj: object) -> HeldWitness:
        fields = {"handle", "witness", "epoch", "value", "accumulator_key", "issued_at"}
        if not isinstance(obj, dict) or set(obj) != fields:
            raise DecodeError(f"a credential's revocation part has the fields {sorted(fields)}")
        key = AccumulatorPublicKey.from_bytes(
            hex_bytes(obj["accumulator_key"], "accumulator_key", G2_BYTES)
        )
        return cls(
            _handle_hex(obj["handle"], "the revocation handle"),
            _point(obj["witness"], "the witness"),
            obj["epoch"],
            _point(obj["value"], "the accumulator value"),
            key,
            parse_utc(obj["issued_at"], "issued_at"),
        )


class RegistryLookup(Protocol):
    """What :func:`~zkattest.verify` asks of the registry states a verifier
    keeps (:class:`RegistryStates`, or the service's database): the states it
    holds have been checked against their issuer's key."""

    def tracks(self, issuer_key_id: str) -> bool:
        """Whether the verifier follows this issuer's registry (and so requires
        its credentials to be revocable)."""
        ...

    def get(self, issuer_key_id: str, epoch: int) -> StateSummary | None:
        """The issuer's state of ``epoch``, if known."""
        ...


def check_follows(
    known: Mapping[int, StateSummary | RegistryState],
    state: RegistryState,
    now: dt.datetime | None = None,
) -> None:
    """Whether ``state`` may join an issuer's ``known`` states (by epoch): see
    :meth:`RegistryStates.add`; :class:`VerificationError` if not. The same
    state again is fine."""
    now = now or dt.datetime.now(dt.UTC)
    if state.issued_at > now + MAX_CLOCK_SKEW:
        raise VerificationError("a registry state published in the future")
    same = known.get(state.epoch)
    if same is not None:
        if (same.accumulator_key, same.value, same.issued_at) != (
            state.accumulator_key,
            state.value,
            state.issued_at,
        ):
            raise VerificationError(f"another state of epoch {state.epoch} is known")
        return
    if not known:
        return
    latest = known[max(known)]
    if latest.accumulator_key != state.accumulator_key:
        raise VerificationError("a registry state of another accumulator for this issuer")
    if state.epoch != latest.epoch + 1:
        raise VerificationError(
            f"registry states must follow on: epoch {latest.epoch + 1} expected,"
            f" {state.epoch} given"
        )
    if state.issued_at < latest.issued_at:
        raise VerificationError("a registry state published before the previous one")


class RegistryStates:
    """The registry states a verifier has accepted, by issuer and epoch: each
    checked against its issuer's key when added (:meth:`add`), so that one
    relayed by anyone is as good as one from the issuer."""

    def __init__(self) -> None:
        self._states: dict[str, dict[int, RegistryState]] = {}

    def add(
        self, state: RegistryState, issuer: IssuerPublicKey, *, now: dt.datetime | None = None
    ) -> None:
        """Check ``state`` and keep it: the issuer's signature, the same
        accumulator key as the issuer's earlier states, no other state of that
        epoch, the next epoch after the latest known (epochs follow on, so that
        every holder follows the same public ones), published no earlier than
        the latest and not in the future by ``now`` (default: the system clock)
        beyond :data:`MAX_CLOCK_SKEW`. :class:`VerificationError` otherwise."""
        state.verify(issuer)
        check_follows(self._states.get(state.issuer_key_id, {}), state, now)
        self._states.setdefault(state.issuer_key_id, {})[state.epoch] = state

    def tracks(self, issuer_key_id: str) -> bool:
        return bool(self._states.get(issuer_key_id))

    def get(self, issuer_key_id: str, epoch: int) -> StateSummary | None:
        state = self._states.get(issuer_key_id, {}).get(epoch)
        return None if state is None else state.summary()

    def latest(self, issuer_key_id: str) -> RegistryState | None:
        """The issuer's latest known state."""
        known = self._states.get(issuer_key_id)
        return known[max(known)] if known else None

    def since(self, issuer_key_id: str, epoch: int) -> list[RegistryState]:
        """The issuer's known states after ``epoch``, in order (what a holder at
        ``epoch`` follows)."""
        known = self._states.get(issuer_key_id, {})
        return [known[e] for e in sorted(known) if e > epoch]


class RevocationRegistry:
    """An issuer's revocation registry (SQLite, in the file ``path``, created
    with mode 0600 since it holds the accumulator's secret; ``":memory:"`` for
    a throw-away one).

    :meth:`create` makes a registry with ``capacity`` handles; :meth:`enroll`,
    :meth:`revoke` and :meth:`publish` are atomic across processes sharing the
    file.
    """

    def __init__(self, path: str | os.PathLike[str], issuer: IssuerSecretKey) -> None:
        self._file = SqliteFile(path, "the registry")
        self._issuer = issuer

    @property
    def issuer_key_id(self) -> str:
        """The key id of the issuer whose registry this is."""
        return self._issuer.public_key().key_id

    @property
    def registry_id(self) -> str:
        """This registry's identifier: SHA-256 of its accumulator's public key,
        the first 16 bytes, hex."""
        key = self.state(0).accumulator_key.to_bytes()
        return hashlib.sha256(key).hexdigest()[:32]

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        issuer: IssuerSecretKey,
        *,
        capacity: int,
        now: dt.datetime | None = None,
    ) -> RevocationRegistry:
        """A new registry of ``capacity`` handles (1 to :data:`MAX_CAPACITY`),
        its first state (epoch 0) published; refuses an existing file."""
        if type(capacity) is not int or not 0 < capacity <= MAX_CAPACITY:
            raise InvalidInputError(f"a registry holds 1 to {MAX_CAPACITY} handles")
        target = os.fspath(path)
        if target != ":memory:":
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                raise InvalidInputError(f"{target}: exists; a registry is created once") from None
            os.close(fd)
        registry = cls(target, issuer)
        secret = AccumulatorSecretKey.generate()
        seed = secrets.token_bytes(32)
        handles = [_derive_handle(seed, i) for i in range(capacity)]
        product = 1
        for y in handles:
            product = product * ((y + secret.alpha) % R) % R
        value = get_backend().g1_generator() * (1 + secrets.randbelow(R - 1)) * product
        with registry._file.transaction() as db:
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(
                "INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
                (f"{secret.alpha:064x}", value.to_bytes().hex(), -1, capacity,
                 issuer.public_key().key_id),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO handles (position, handle) VALUES (?, ?)",
                [(i, f"{y:064x}") for i, y in enumerate(handles)],
            )
        registry.publish(now=now)
        return registry

    def _meta(self, db: sqlite3.Connection) -> tuple[AccumulatorSecretKey, G1, int]:
        row = db.execute("SELECT alpha, value, epoch, issuer_key_id FROM meta").fetchone()
        if row is None:
            raise IssuanceError("not a revocation registry (create it first)")
        if row[3] != self._issuer.public_key().key_id:
            raise IssuanceError("this registry belongs to another issuer key")
        value = get_backend().g1_from_bytes(bytes.fromhex(row[1]))
        return AccumulatorSecretKey(int(row[0], 16)), value, int(row[2])

    def enroll(self, customer: str) -> tuple[int, HeldWitness]:
        """The next unused handle, for ``customer``'s new credential, and its
        witness at the latest published epoch. :class:`IssuanceError` when
        the registry is full."""
        return self._enroll(customer, replace=False)

    def reissue(self, customer: str, *, now: dt.datetime | None = None) -> tuple[int, HeldWitness]:
        """As :meth:`enroll`, for a credential that replaces ``customer``'s: in
        one transaction the new handle is taken (:class:`IssuanceError` when
        the registry is full, and then nothing changes) and every live handle
        of the customer revoked; then the pending removals are published, so
        the witness is for a state without them."""
        handle, _ = self._enroll(customer, replace=True, now=now)
        while self.pending():
            self.publish(now=now)
        with self._file.transaction() as db:
            secret, _, epoch = self._meta(db)
            published = self._state(db, epoch)
        return handle, HeldWitness.at(handle, secret.witness(published.value, handle), published)

    def _enroll(
        self, customer: str, *, replace: bool, now: dt.datetime | None = None
    ) -> tuple[int, HeldWitness]:
        when = utc_text(now or dt.datetime.now(dt.UTC))
        with self._file.transaction() as db:
            secret, _, epoch = self._meta(db)
            row = db.execute(
                "SELECT position, handle FROM handles WHERE customer IS NULL ORDER BY position"
                " LIMIT 1"
            ).fetchone()
            if row is None:
                raise IssuanceError(
                    "the revocation registry is full: one registry per issuer key, so a new"
                    " registry needs a new issuer key"
                )
            if replace:
                db.execute(
                    "UPDATE handles SET revoked_at = ? WHERE customer = ? AND revoked_at IS NULL",
                    (when, customer),
                )
            db.execute("UPDATE handles SET customer = ? WHERE position = ?", (customer, row[0]))
            published = self._state(db, epoch)
        handle = int(row[1], 16)
        return handle, HeldWitness.at(handle, secret.witness(published.value, handle), published)

    def pending(self) -> int:
        """How many revoked handles the next :meth:`publish` (or the ones after
        it, :data:`MAX_REMOVALS_PER_EPOCH` each) removes."""
        with self._file.transaction() as db:
            self._meta(db)
            row = db.execute(
                "SELECT COUNT(*) FROM handles WHERE revoked_at IS NOT NULL AND published = 0"
            ).fetchone()
        return int(row[0])

    def revoke(self, handle: int, *, now: dt.datetime | None = None) -> None:
        """Mark ``handle`` revoked; it leaves the accumulator at the next :meth:`publish`."""
        when = utc_text(now or dt.datetime.now(dt.UTC))
        with self._file.transaction() as db:
            self._meta(db)
            changed = db.execute(
                "UPDATE handles SET revoked_at = ? WHERE handle = ? AND customer IS NOT NULL"
                " AND revoked_at IS NULL",
                (when, f"{handle:064x}"),
            ).rowcount
            if changed != 1:
                raise InvalidInputError("no live issued credential has this handle")

    def revoke_customer(self, customer: str, *, now: dt.datetime | None = None) -> int:
        """Revoke every live handle issued to ``customer``; how many."""
        when = utc_text(now or dt.datetime.now(dt.UTC))
        with self._file.transaction() as db:
            self._meta(db)
            return db.execute(
                "UPDATE handles SET revoked_at = ? WHERE customer = ? AND revoked_at IS NULL",
                (when, customer),
            ).rowcount

    def publish(self, *, now: dt.datetime | None = None) -> RegistryState:
        """Close an epoch: remove the handles revoked since the last one (at
        most :data:`MAX_REMOVALS_PER_EPOCH`; the rest wait for the next epoch,
        :meth:`pending`) and sign the new state. ``now`` may not be before the
        latest state's time (:class:`InvalidInputError`)."""
        issued_at = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        with self._file.transaction() as db:
            secret, value, epoch = self._meta(db)
            if epoch >= 0 and issued_at < self._state(db, epoch).issued_at:
                raise InvalidInputError("a registry state cannot be dated before the previous one")
            rows = db.execute(
                "SELECT position, handle FROM handles WHERE revoked_at IS NOT NULL"
                " AND published = 0 ORDER BY position LIMIT ?",
                (MAX_REMOVALS_PER_EPOCH,),
            ).fetchall()
            removals = None
            if rows:
                value, removals = secret.remove_batch(value, [int(h, 16) for _, h in rows])
                db.executemany(
                    "UPDATE handles SET published = 1 WHERE position = ?",
                    [(position,) for position, _ in rows],
                )
            state = RegistryState(
                self._issuer.public_key().key_id,
                secret.public_key(),
                epoch + 1,
                value,
                issued_at,
                removals,
            )
            signed = _sign(state, self._issuer)
            db.execute("UPDATE meta SET value = ?, epoch = ?", (value.to_bytes().hex(), epoch + 1))
            db.execute("INSERT INTO states VALUES (?, ?)", (epoch + 1, signed.to_json()))
        return signed

    def state(self, epoch: int | None = None) -> RegistryState:
        """A published state (default: the latest)."""
        with self._file.transaction() as db:
            _, _, latest = self._meta(db)
            return self._state(db, latest if epoch is None else epoch)

    @staticmethod
    def _state(db: sqlite3.Connection, epoch: int) -> RegistryState:
        row = db.execute("SELECT body FROM states WHERE epoch = ?", (epoch,)).fetchone()
        if row is None:
            raise InvalidInputError(f"no published state for epoch {epoch}")
        return RegistryState.from_json(row[0])


_SCHEMA = (
    "CREATE TABLE meta (alpha TEXT NOT NULL, value TEXT NOT NULL, epoch INTEGER NOT NULL,"
    " capacity INTEGER NOT NULL, issuer_key_id TEXT NOT NULL)",
    "CREATE TABLE handles (position INTEGER PRIMARY KEY, handle TEXT NOT NULL UNIQUE,"
    " customer TEXT, revoked_at TEXT, published INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE states (epoch INTEGER PRIMARY KEY, body TEXT NOT NULL)",
)


def _derive_handle(seed: bytes, position: int) -> int:
    """Handle ``position`` of a registry: SHA-512 of the registry's secret seed
    and the position, reduced mod r (statistically uniform)."""
    digest = hashlib.sha512(seed + position.to_bytes(8, "big")).digest()
    return int.from_bytes(digest, "big") % R


def _sign(state: RegistryState, issuer: IssuerSecretKey) -> RegistryState:
    public = issuer.public_key()
    signature = bbs.sign(issuer._secret, public.public_key, state._header(), [], suite=issuer.suite)
    return RegistryState(
        state.issuer_key_id,
        state.accumulator_key,
        state.epoch,
        state.value,
        state.issued_at,
        state.removals,
        signature,
    )
