"""The issuer's operations: its secret key, and signing investor credentials.

A KYC provider verifies a person offline, then signs the person's attributes
with :func:`issue_credential` under its :class:`IssuerSecretKey`; it publishes
the matching :class:`~zkattest.IssuerPublicKey` (``key.public_key().to_json()``)
for holders and verifiers. An issuer signs only a credential valid today.

Credentials bound to their holder are issued against the holder's
:class:`~zkattest.CredentialRequest` (a blind commitment to its holder secret
and its part of the nym secret): :func:`issue_credential` with ``request=``,
``customer=`` (the issuer's own reference for the person, never an attribute)
and an :class:`IssuerLedger`. The ledger keeps, per customer, the live bound
credential's expiry and its ``signer_nym_entropy``: a second request while a
credential is live is refused, since the holder chooses its part of the nym
secret unseen and a second credential could carry a second pseudonym (a second
seat on every platform); a re-issue after expiry reuses the recorded entropy
(the pseudonym draft's re-issue case), so a holder keeping its holder secret
keeps its pseudonyms (its choice: after expiry a holder can move to a new
pseudonym, never hold two at once; ``docs/notes/holder-binding.md``).
With a revocation registry (``registry=``) a second request while a credential
is live is not refused: the re-issue revokes the live credential and publishes
a state without it first, so the older pseudonym lasts only until platforms
require that state (their registry-state age) and the admissions on it end
(their re-proof interval).
What remains: a person with bound credentials from ``k`` trusted issuers
holds ``k`` pseudonyms per platform, and so ``k`` times its seat limit; a
platform that trusts one issuer per schema bounds it.

A secret key's ``repr`` is redacted and it is written to JSON only through the
explicitly named :meth:`IssuerSecretKey.to_json_secret`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from zkattest._credential import (
    ISSUANCE_ATTRIBUTE,
    Credential,
    CredentialRequest,
    HolderBinding,
    IssuerPublicKey,
    bbs_parameters,
    date_attribute,
    parse_suite,
)
from zkattest.codec import (
    FORMAT_VERSION,
    hex_bytes,
    parse_json_object,
    require_fields,
)
from zkattest.errors import (
    InvalidInputError,
    IssuanceError,
    ZkAttestError,
)
from zkattest.hazmat import bbs
from zkattest.hazmat.bbs import blind, core
from zkattest.hazmat.curve import R, scalar_from_bytes
from zkattest.schema import (
    EXPIRY_ATTRIBUTE,
    JsonValue,
    Schema,
    canonical_json,
)

if TYPE_CHECKING:
    from zkattest.revocation import HeldWitness, RevocationRegistry

__all__ = [
    "IssuerLedger",
    "IssuerSecretKey",
    "issue_credential",
]


_SECRET_KEY_TYPE = "zkattest/issuer-secret-key"  # noqa: S105 - a document type, not a secret


class IssuerSecretKey:
    """An issuer's BBS secret key. Its repr is redacted; compare with constant-time equality."""

    __slots__ = ("_secret", "suite")

    def __init__(self, secret: bytes, suite: bbs.Ciphersuite = bbs.BLS12_381_SHA_256) -> None:
        try:
            scalar_from_bytes(secret)
        except ZkAttestError:
            raise InvalidInputError(
                "issuer secret key must be a canonical non-zero scalar"
            ) from None
        self._secret = bytes(secret)
        self.suite = suite

    @classmethod
    def generate(cls, suite: bbs.Ciphersuite = bbs.BLS12_381_SHA_256) -> IssuerSecretKey:
        """A fresh key from 32 bytes of ``secrets`` entropy (draft KeyGen)."""
        return cls(bbs.key_gen(secrets.token_bytes(32), b"zkattest/issuer", suite=suite), suite)

    def public_key(self) -> IssuerPublicKey:
        return IssuerPublicKey(self.suite, bbs.sk_to_pk(self._secret, suite=self.suite))

    def to_json_secret(self) -> str:
        """The secret key as JSON: store it as you would any signing key."""
        return canonical_json(
            {
                "type": _SECRET_KEY_TYPE,
                "version": FORMAT_VERSION,
                "suite": self.suite.name,
                "secret_key": self._secret.hex(),
            }
        ).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> IssuerSecretKey:
        obj = parse_json_object(text, _SECRET_KEY_TYPE)
        require_fields(obj, {"type", "version", "suite", "secret_key"}, _SECRET_KEY_TYPE)
        return cls(hex_bytes(obj["secret_key"], "secret_key", 32), parse_suite(obj["suite"]))

    def __repr__(self) -> str:
        return f"IssuerSecretKey(suite={self.suite.name}, <redacted>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IssuerSecretKey):
            return NotImplemented
        return self.suite is other.suite and hmac.compare_digest(self._secret, other._secret)

    def __hash__(self) -> int:
        return hash(self.public_key().public_key)

    def _scalar(self) -> int:
        return scalar_from_bytes(self._secret)


_CUSTOMER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


class IssuerLedger:
    """The issuer's record of live bound credentials, one row per customer:
    the customer reference, the live credential's expiry and its
    ``signer_nym_entropy`` (SQLite, in the file ``path``; ``":memory:"`` for a
    throw-away ledger). It holds no attribute and no holder secret.

    :meth:`reserve` is atomic across processes sharing the file: of two
    concurrent requests for one customer, one is issued and the other refused.
    Customer references are compared exactly (``CUST-1`` and ``cust-1`` are two
    customers): use one spelling.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._file = SqliteFile(path, "the issuer ledger")
        with self._file.transaction() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS bound_credentials ("
                " customer TEXT PRIMARY KEY,"
                " expiry_date TEXT NOT NULL,"
                " signer_nym_entropy TEXT NOT NULL,"
                " issued_on TEXT NOT NULL,"
                " revocable_in TEXT)"
            )
            columns = {row[1] for row in db.execute("PRAGMA table_info(bound_credentials)")}
            if "revocable_in" not in columns:  # a ledger from before revocation
                db.execute("ALTER TABLE bound_credentials ADD COLUMN revocable_in TEXT")

    def entry(self, customer: str) -> tuple[dt.date, int] | None:
        """The recorded expiry and ``signer_nym_entropy`` of ``customer``, if any."""
        customer = _customer(customer)
        with self._file.transaction() as db:
            row = db.execute(
                "SELECT expiry_date, signer_nym_entropy FROM bound_credentials WHERE customer = ?",
                (customer,),
            ).fetchone()
        if row is None:
            return None
        return dt.date.fromisoformat(row[0]), int(row[1], 16)

    @contextmanager
    def reserve(
        self,
        customer: str,
        expiry: dt.date,
        today: dt.date,
        *,
        revocable_in: str | None = None,
    ) -> Iterator[int]:
        """The ``signer_nym_entropy`` for a new credential of ``customer`` valid
        through ``expiry``, recorded when the block completes (and not if it
        raises). :class:`IssuanceError` if the customer holds a credential live
        on ``today``, unless that one and the new one are revocable in the same
        registry (``revocable_in``, its :attr:`~zkattest.RevocationRegistry.registry_id`),
        which revokes the live one; a customer with a recorded credential gets
        its recorded entropy again (a re-issue), a new one fresh entropy."""
        customer = _customer(customer)
        with self._file.transaction() as db:
            row = db.execute(
                "SELECT expiry_date, signer_nym_entropy, revocable_in FROM bound_credentials"
                " WHERE customer = ?",
                (customer,),
            ).fetchone()
            replaces = revocable_in is not None and row is not None and row[2] == revocable_in
            if row is not None and dt.date.fromisoformat(row[0]) >= today and not replaces:
                raise IssuanceError(
                    f"customer {customer} holds a live bound credential (through {row[0]});"
                    " one live credential per customer"
                )
            entropy = int(row[1], 16) if row is not None else 1 + secrets.randbelow(R - 1)
            yield entropy
            db.execute(
                "INSERT INTO bound_credentials VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (customer) DO UPDATE SET expiry_date = excluded.expiry_date,"
                " issued_on = excluded.issued_on, revocable_in = excluded.revocable_in",
                (customer, expiry.isoformat(), f"{entropy:064x}", today.isoformat(), revocable_in),
            )


class SqliteFile:
    """One of the issuer's SQLite files (``":memory:"``: a throw-away database,
    one user at a time), opened per transaction; ``what`` names it in errors."""

    def __init__(self, path: str | os.PathLike[str], what: str) -> None:
        self.path = os.fspath(path)
        self._what = what
        self._memory = (
            sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            if self.path == ":memory:"
            else None
        )
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction (see :func:`sqlite_transaction`)."""
        if self._memory is not None:
            with self._lock:
                yield from sqlite_transaction(self._memory, self._what)
            return
        try:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise IssuanceError(
                f"{self._what} cannot be opened ({exc.__class__.__name__})"
            ) from None
        try:
            yield from sqlite_transaction(db, self._what)
        finally:
            db.close()


def sqlite_transaction(db: sqlite3.Connection, what: str) -> Iterator[sqlite3.Connection]:
    """One ``BEGIN IMMEDIATE`` transaction on ``db`` (the issuer's own SQLite
    files): committed when the caller's block completes, rolled back if it
    raises; SQLite errors become :class:`IssuanceError` naming ``what``."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise IssuanceError(f"{what} is unavailable ({exc.__class__.__name__})") from None
    try:
        yield db
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        db.execute("ROLLBACK")
        raise IssuanceError(
            f"{what} failed ({exc.__class__.__name__}); nothing was recorded"
        ) from None
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _customer(customer: object) -> str:
    if not isinstance(customer, str) or _CUSTOMER.fullmatch(customer) is None:
        raise IssuanceError(
            "customer must be the issuer's own reference: 1 to 128 letters, digits, '.', '_',"
            " ':' or '-', starting with a letter or digit"
        )
    return customer


def issue_credential(
    secret_key: IssuerSecretKey,
    schema: Schema,
    attributes: Mapping[str, object],
    *,
    today: dt.date | None = None,
    request: CredentialRequest | None = None,
    customer: str | None = None,
    ledger: IssuerLedger | None = None,
    registry: RevocationRegistry | None = None,
) -> Credential:
    """Validate the attributes against ``schema`` and sign them (the issuer's recipe).

    With ``registry`` (the issuer's :class:`~zkattest.revocation.RevocationRegistry`,
    for this key) the credential is revocable: it signs, hidden, the next
    handle of the registry, enrolled for ``customer`` (then required), and
    carries the holder's witness for the latest published state. Issuing to a
    customer who holds revocable credentials of this registry first revokes
    them and publishes a state that removes them: a re-issue replaces the
    live credential (the one-live-credential rule then needs no wait; a bound
    re-issue keeps the recorded ``signer_nym_entropy``).

    With ``request`` (a holder's :class:`~zkattest.CredentialRequest`), the
    credential is bound to the holder: ``customer`` and ``ledger`` are then
    required, the request's commitment proof must verify, and the ledger's
    one-live-credential rule applies (see the module's docstring). Without it,
    the credential is unbound: it proves attributes but not who holds them, and
    the verifier service refuses it.

    Raises :class:`IssuanceError` naming the offending attribute for unknown,
    missing, mistyped, negative, oversized or impossible values, for an
    ``expiry_date`` before ``issuance_date``, and for a credential not valid
    on ``today`` (default: the current UTC date): one already expired, or
    issued on a later day; and for a request that is not for this key and
    schema, whose proof fails, or for a customer with a live credential.
    """
    if not isinstance(secret_key, IssuerSecretKey):
        raise IssuanceError("secret_key must be an IssuerSecretKey")
    if today is None:
        today = dt.datetime.now(dt.UTC).date()
    elif not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise IssuanceError("today must be a datetime.date")
    suite = secret_key.suite
    normalized = schema.normalize(attributes)
    _require_valid_on(schema, normalized, today)
    messages = schema.encode(normalized, suite)
    public = secret_key.public_key()
    if request is not None or ledger is not None:
        return _issue_bound(
            secret_key, schema, normalized, messages, request, customer, ledger, today, registry
        )
    if customer is not None and registry is None:
        raise IssuanceError("customer is for a bound or revocable credential")
    revocation = _enroll(secret_key, registry, customer)
    if revocation is not None:
        messages.append(revocation.handle)
    params = bbs_parameters(schema, suite, bound=False, revocable=revocation is not None)
    signature = core.core_sign(
        secret_key._scalar(),
        public.public_key,
        params.generators,
        params.header,
        messages,
        params.api_id,
        suite=suite,
    )
    return Credential(schema, public, normalized, signature, None, revocation)


def _enroll(
    secret_key: IssuerSecretKey, registry: RevocationRegistry | None, customer: str | None
) -> HeldWitness | None:
    """A new handle of ``registry`` for ``customer`` and its witness (None without
    a registry), after revoking and publishing away the customer's live ones."""
    if registry is None:
        return None
    from zkattest.revocation import RevocationRegistry  # (a cycle: it imports this module)

    if not isinstance(registry, RevocationRegistry):
        raise IssuanceError("registry must be a RevocationRegistry")
    if registry.issuer_key_id != secret_key.public_key().key_id:
        raise IssuanceError("the revocation registry belongs to another issuer key")
    return registry.reissue(_customer(customer))[1]


def _issue_bound(
    secret_key: IssuerSecretKey,
    schema: Schema,
    normalized: Mapping[str, JsonValue],
    messages: list[int],
    request: CredentialRequest | None,
    customer: str | None,
    ledger: IssuerLedger | None,
    today: dt.date,
    registry: RevocationRegistry | None,
) -> Credential:
    if not isinstance(request, CredentialRequest):
        raise IssuanceError("a bound credential needs the holder's CredentialRequest")
    if not isinstance(ledger, IssuerLedger):
        raise IssuanceError("a bound credential needs the issuer's IssuerLedger")
    customer = _customer(customer)
    suite = secret_key.suite
    public = secret_key.public_key()
    if request.suite is not suite or request.issuer_key_id != public.key_id:
        raise IssuanceError("the credential request is for another issuer key")
    if request.schema_id != schema.id:
        raise IssuanceError("the credential request is for another schema")
    expiry = date_attribute(schema, normalized, EXPIRY_ATTRIBUTE)
    if expiry is None:
        raise IssuanceError(f"a bound credential's schema needs an {EXPIRY_ATTRIBUTE}")
    params = bbs_parameters(schema, suite, bound=True, revocable=registry is not None)
    L = len(messages) + (1 if registry is not None else 0)
    blind_gens = params.generators[L + 1 :]
    J_nym = blind_gens[-1]
    try:
        C = blind.deserialize_and_validate_commit(
            request.commitment, blind_gens, params.api_id, suite
        )
    except ZkAttestError:
        raise IssuanceError("the credential request's commitment proof does not verify") from None
    revocable_in = None if registry is None else registry.registry_id
    with ledger.reserve(customer, expiry, today, revocable_in=revocable_in) as entropy:
        revocation = _enroll(secret_key, registry, customer)
        if revocation is not None:
            messages = [*messages, revocation.handle]
        signature = blind.finalize_blind_sign(
            secret_key._scalar(),
            public.public_key,
            C + J_nym * entropy,
            messages,
            params.generators[: L + 1],
            blind_gens,
            params.header,
            params.api_id,
            suite,
        )
    return Credential(schema, public, normalized, signature, HolderBinding(entropy), revocation)


def _require_valid_on(schema: Schema, attributes: Mapping[str, JsonValue], today: dt.date) -> None:
    """Refuse to sign a credential that is expired or not yet valid on ``today``."""
    issued = date_attribute(schema, attributes, ISSUANCE_ATTRIBUTE)
    expiry = date_attribute(schema, attributes, EXPIRY_ATTRIBUTE)
    if expiry is not None and expiry < today:
        raise IssuanceError(
            f"{EXPIRY_ATTRIBUTE} ({expiry}) is before today ({today}, UTC): "
            "the credential would already be expired"
        )
    if issued is not None and issued > today:
        raise IssuanceError(
            f"{ISSUANCE_ATTRIBUTE} ({issued}) is after today ({today}, UTC): "
            "the credential would not be valid yet"
        )
