"""The verifier's storage: migrations, records, replay protection, races, errors.

Every test runs on SQLite (a temporary file) and on PostgreSQL when
``ZKATTEST_TEST_POSTGRES_URL`` names a server (``scripts/ci-postgres.sh`` starts
one); each PostgreSQL test gets a fresh schema, dropped afterwards. Set
``ZKATTEST_REQUIRE_POSTGRES=1`` to make a missing server a failure, not a skip.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, text
from sqlalchemy.engine import make_url

from zkattest.errors import InvalidInputError, ZkAttestError
from zkattest.service.storage import (
    HEAD_REVISION,
    AdmissionRecord,
    ChallengeAlreadyUsed,
    ChallengeExists,
    ChallengeExpired,
    ChallengeNotFound,
    ChallengeRecord,
    IssuerExists,
    NewAdmission,
    StorageError,
    Store,
)
from zkattest.service.storage.errors import (
    IssuerNotFound,
    IssuerNotTrusted,
    ReceiptSignerMismatch,
    RegistryStateConflict,
)
from zkattest.service.storage.models import Base, Issuer
from zkattest.service.storage.records import RegistryStateRecord
from zkattest.service.storage.schema import current_revision

POSTGRES_URL = os.environ.get("ZKATTEST_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("ZKATTEST_REQUIRE_POSTGRES") == "1"
SKIP_POSTGRES = "set ZKATTEST_TEST_POSTGRES_URL (scripts/ci-postgres.sh)"

NOW = datetime(2026, 5, 20, 12, 0, 0, 123456, tzinfo=UTC)
WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"  # EIP-55 mixed case
ISSUER = "kyc-provider-1"
OTHER_WALLET = "0x8617e340b3d01fa5f11f306f4090fd50e238070d"
TABLES = {"admissions", "audit_events", "challenges", "issuers"}


# -- fixtures -------------------------------------------------------------------------


@contextmanager
def postgres_schema() -> Iterator[str]:
    """The test server's URL, confined to a new schema that is dropped afterwards."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("ZKATTEST_REQUIRE_POSTGRES=1 but ZKATTEST_TEST_POSTGRES_URL is not set")
        pytest.skip(SKIP_POSTGRES)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = make_url(POSTGRES_URL).set(drivername="postgresql")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/verifier.sqlite3"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    migrated = Store(database_url)
    migrated.migrate()
    trust_test_issuer(migrated)
    yield migrated
    migrated.dispose()


def trust_test_issuer(store: Store) -> None:
    """Trust the issuer the admissions name, without an audit event (the tests count those)."""
    with store.engine.begin() as conn:
        conn.execute(
            insert(Issuer).values(
                key_id=ISSUER,
                suite="BLS12381_SHA256",
                public_key="ab" * 96,
                source="config",
                added_at=NOW,
            )
        )


def make_challenge(
    challenge_id: str | None = None,
    *,
    created_at: datetime = NOW,
    ttl: timedelta = timedelta(minutes=5),
    wallet: str = WALLET,
    circuit_id: str = "accredited-investor/v1",
) -> ChallengeRecord:
    return ChallengeRecord(
        challenge_id=challenge_id or uuid.uuid4().hex,
        nonce=os.urandom(32).hex(),
        verifier_domain="verifier.example.com",
        circuit_id=circuit_id,
        circuit_hash="ab" * 32,
        circuit_params='{"min_net_worth_usd":1000000}',
        wallet_address=wallet,
        chain_id=8453,
        today=date(2026, 5, 20),
        created_at=created_at,
        expires_at=created_at + ttl,
    )


def make_admission(n: int = 0, *, valid_for: timedelta = timedelta(days=90)) -> NewAdmission:
    return NewAdmission(
        id=str(uuid.uuid4()),
        issuer_key_id=ISSUER,
        proof_digest=f"{n:064x}",
        expires_at=NOW + valid_for,
        pseudonym=None,
    )


def reloaded(store: Store, challenge_id: str) -> ChallengeRecord:
    record = store.get_challenge(challenge_id)
    assert record is not None
    return record


def admission_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM admissions")).scalar_one())


# -- schema ---------------------------------------------------------------------------


def test_migrate_creates_the_schema_from_empty(database_url: str) -> None:
    store = Store(database_url)
    try:
        assert current_revision(store.engine) is None
        store.migrate()
        assert current_revision(store.engine) == HEAD_REVISION
        assert set(inspect(store.engine).get_table_names()) >= TABLES
        store.migrate()  # already at head: a no-op
        assert current_revision(store.engine) == HEAD_REVISION
    finally:
        store.dispose()


def test_migrated_schema_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_concurrent_migrations_of_one_empty_database(database_url: str) -> None:
    stores = [Store(database_url) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def run(store: Store) -> None:
        barrier.wait()
        try:
            store.migrate()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert current_revision(stores[0].engine) == HEAD_REVISION
    finally:
        for store in stores:
            store.dispose()


# -- challenges -----------------------------------------------------------------------


def test_challenge_round_trip_keeps_aware_utc_datetimes(store: Store) -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    record = make_challenge(created_at=NOW.astimezone(ist))
    stored = store.create_challenge(record)
    loaded = store.get_challenge(record.challenge_id)

    assert loaded == stored
    assert loaded.wallet_address == WALLET.lower()
    assert loaded.created_at == NOW
    assert loaded.created_at.tzinfo is UTC
    assert loaded.expires_at == NOW + timedelta(minutes=5)
    assert loaded.expires_at.tzinfo is UTC
    assert loaded.consumed_at is None
    assert loaded.today == date(2026, 5, 20)
    assert loaded.circuit_params == record.circuit_params
    assert store.get_challenge("no-such-challenge") is None


def test_duplicate_challenge_id_is_refused(store: Store) -> None:
    record = make_challenge()
    store.create_challenge(record)
    with pytest.raises(ChallengeExists):
        store.create_challenge(replace(record, nonce="00" * 32))
    assert reloaded(store, record.challenge_id).nonce == record.nonce


@pytest.mark.parametrize(
    "change",
    [
        {"created_at": NOW.replace(tzinfo=None)},
        {"wallet_address": "0x1234"},
        {"chain_id": 0},
        {"chain_id": 2**53},
        {"challenge_id": "x" * 65},
        {"consumed_at": NOW},
    ],
    ids=["naive-datetime", "bad-address", "chain-0", "chain-2^63", "long-id", "consumed"],
)
def test_bad_challenge_is_refused_before_any_write(store: Store, change: dict[str, Any]) -> None:
    record = replace(make_challenge(), **change)
    with pytest.raises(InvalidInputError):
        store.create_challenge(record)
    assert store.get_challenge(record.challenge_id) is None
    assert store.audit_events() == []


# -- consuming a challenge ------------------------------------------------------------


def test_consume_and_admit_then_replay_is_refused(store: Store) -> None:
    challenge = store.create_challenge(make_challenge())
    now = NOW + timedelta(seconds=30)
    admission = store.consume_and_admit(challenge.challenge_id, now=now, admission=make_admission())

    assert isinstance(admission, AdmissionRecord)
    assert uuid.UUID(admission.id).version == 4
    assert admission.challenge_id == challenge.challenge_id
    assert admission.wallet_address == challenge.wallet_address
    assert admission.chain_id == challenge.chain_id
    assert admission.circuit_id == challenge.circuit_id
    assert admission.circuit_hash == challenge.circuit_hash
    assert admission.admitted_at == now
    assert admission.revoked_at is None
    assert store.get_admission(admission.id) == admission
    assert reloaded(store, challenge.challenge_id).consumed_at == now

    with pytest.raises(ChallengeAlreadyUsed) as replay:
        store.consume_and_admit(
            challenge.challenge_id, now=now + timedelta(seconds=1), admission=make_admission(1)
        )
    assert replay.value.outcome == "replayed"
    assert admission_count(store) == 1
    assert [e.event for e in store.audit_events()] == ["admitted", "challenge_issued"]
    admitted = store.audit_events(limit=1)[0]
    assert (admitted.wallet_address, admitted.proof_digest, admitted.outcome) == (
        challenge.wallet_address,
        admission.proof_digest,
        "ok",
    )


@pytest.mark.parametrize("late", [timedelta(0), timedelta(microseconds=1), timedelta(hours=1)])
def test_expired_challenge_is_refused_and_not_consumed(store: Store, late: timedelta) -> None:
    challenge = store.create_challenge(make_challenge())
    with pytest.raises(ChallengeExpired):
        store.consume_and_admit(
            challenge.challenge_id, now=challenge.expires_at + late, admission=make_admission()
        )
    assert reloaded(store, challenge.challenge_id).consumed_at is None
    assert admission_count(store) == 0


def test_challenge_is_usable_until_just_before_expiry(store: Store) -> None:
    challenge = store.create_challenge(make_challenge())
    now = challenge.expires_at - timedelta(microseconds=1)
    store.consume_and_admit(challenge.challenge_id, now=now, admission=make_admission())
    assert admission_count(store) == 1


def test_unknown_challenge_is_refused(store: Store) -> None:
    with pytest.raises(ChallengeNotFound):
        store.consume_and_admit("no-such-challenge", now=NOW, admission=make_admission())
    assert admission_count(store) == 0


def test_refusal_is_audited_without_consuming_the_challenge(store: Store) -> None:
    challenge = store.create_challenge(make_challenge())
    store.record_refusal(challenge.challenge_id, "invalid", proof_digest="ee" * 32, now=NOW)
    store.record_refusal(None, "untrusted_issuer", now=NOW)

    refused = store.audit_events(limit=2)
    assert [e.outcome for e in refused] == ["untrusted_issuer", "invalid"]
    assert refused[1].circuit_id == challenge.circuit_id
    assert refused[1].wallet_address == challenge.wallet_address
    assert refused[0].wallet_address is None
    assert reloaded(store, challenge.challenge_id).consumed_at is None
    store.consume_and_admit(challenge.challenge_id, now=NOW, admission=make_admission())
    counts = store.counts(NOW)
    assert counts.refusals == {"invalid": 1, "untrusted_issuer": 1}
    assert (counts.challenges_issued, counts.admissions, counts.live_admissions) == (1, 1, 1)


# -- races ----------------------------------------------------------------------------


def _race(
    store: Store, challenge_id: str, attempts: int, start: Any, started: Any = None
) -> list[str]:
    """``attempts`` threads, released together by ``start()``, each trying to admit.

    ``started()``, if given, is called once every thread is running.
    """
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        start()
        try:
            store.consume_and_admit(challenge_id, now=NOW, admission=make_admission(n))
            outcome = "admitted"
        except ChallengeAlreadyUsed:
            outcome = "replayed"
        except BaseException as exc:
            outcome = f"unexpected {exc!r} from {exc.__cause__!r}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    if started is not None:
        started()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_fifty_concurrent_submissions_admit_exactly_once(store: Store) -> None:
    challenge = store.create_challenge(make_challenge())
    barrier = threading.Barrier(50)
    outcomes = _race(store, challenge.challenge_id, 50, barrier.wait)

    assert sorted(outcomes) == ["admitted"] + ["replayed"] * 49
    assert admission_count(store) == 1
    assert store.counts(NOW).admissions == 1


def _race_process(
    url: str, challenge_id: str, attempts: int, ready: Any, go: Any, results: Any
) -> None:
    """A second service process: its own Store, ``attempts`` threads, released by ``go``."""
    store = Store(url)
    try:
        results.put(_race(store, challenge_id, attempts, go.wait, ready.set))
    finally:
        store.dispose()


@pytest.mark.slow
def test_two_processes_race_on_one_challenge_and_admit_exactly_once(
    store: Store, database_url: str
) -> None:
    challenge = store.create_challenge(make_challenge())
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    results = context.Queue()
    readies = [context.Event() for _ in range(2)]
    processes = [
        context.Process(
            target=_race_process,
            args=(database_url, challenge.challenge_id, 25, ready, go, results),
        )
        for ready in readies
    ]
    for process in processes:
        process.start()
    try:
        for ready in readies:
            assert ready.wait(timeout=60), "a worker process did not start"
        go.set()
        outcomes = [outcome for _ in processes for outcome in results.get(timeout=60)]
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
    assert sorted(outcomes) == ["admitted"] + ["replayed"] * 49
    assert admission_count(store) == 1


@pytest.mark.slow
def test_postgresql_runs_read_committed_whatever_the_server_default(postgres_url: str) -> None:
    url = make_url(postgres_url)
    options = f"{url.query['options']} -cdefault_transaction_isolation=serializable"
    strict_url = url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    store = Store(strict_url)
    try:
        store.migrate()
        trust_test_issuer(store)
        with store.engine.connect() as conn:
            assert conn.execute(text("SHOW transaction_isolation")).scalar_one() == "read committed"
        challenge = store.create_challenge(make_challenge())
        barrier = threading.Barrier(20)
        outcomes = _race(store, challenge.challenge_id, 20, barrier.wait)
        assert sorted(outcomes) == ["admitted"] + ["replayed"] * 19
    finally:
        store.dispose()


# -- the whitelist --------------------------------------------------------------------


def test_live_admissions_and_revoke(store: Store) -> None:
    admitted: list[AdmissionRecord] = []

    def admit(circuit_id: str, valid_for: timedelta, wallet: str = WALLET) -> AdmissionRecord:
        challenge = store.create_challenge(make_challenge(circuit_id=circuit_id, wallet=wallet))
        admitted.append(
            store.consume_and_admit(
                challenge.challenge_id,
                now=NOW + timedelta(seconds=len(admitted)),  # oldest first
                admission=make_admission(valid_for=valid_for),
            )
        )
        return admitted[-1]

    first = admit("accredited-investor/v1", timedelta(days=90))
    second = admit("qualified-purchaser/v1", timedelta(days=30))
    admit("accredited-investor/v1", timedelta(hours=1))  # expired by `later`
    admit("accredited-investor/v1", timedelta(days=90), wallet=OTHER_WALLET)
    later = NOW + timedelta(days=1)

    assert store.live_admissions(WALLET.upper().replace("0X", "0x"), later) == [first, second]
    assert store.live_admissions(WALLET, later, circuit_id="qualified-purchaser/v1") == [second]
    assert store.live_admissions(WALLET, later, chain_id=1) == []

    assert store.revoke(WALLET, later, circuit_id="qualified-purchaser/v1") == 1
    assert store.live_admissions(WALLET, later) == [first]
    assert store.revoke(WALLET, later) == 1
    assert store.revoke(WALLET, later) == 0
    assert store.live_admissions(WALLET, later) == []
    assert len(store.live_admissions(OTHER_WALLET, later)) == 1
    revoked_first = store.get_admission(first.id)
    assert revoked_first is not None
    assert revoked_first.revoked_at == later

    revoked = [e for e in store.audit_events() if e.event == "revoked"]
    assert {e.proof_digest for e in revoked} == {first.proof_digest, second.proof_digest}
    counts = store.counts(later)
    assert (counts.admissions, counts.revoked, counts.live_admissions) == (4, 2, 1)


def test_purge_removes_only_unused_expired_challenges(store: Store) -> None:
    used = store.create_challenge(make_challenge())
    store.consume_and_admit(used.challenge_id, now=NOW, admission=make_admission())
    stale = store.create_challenge(make_challenge())
    fresh = store.create_challenge(make_challenge(ttl=timedelta(hours=2)))

    assert store.purge_expired_challenges(NOW + timedelta(hours=1)) == 1
    assert store.get_challenge(stale.challenge_id) is None
    assert store.get_challenge(fresh.challenge_id) is not None
    with pytest.raises(ChallengeAlreadyUsed):
        store.consume_and_admit(used.challenge_id, now=NOW, admission=make_admission(1))


# -- issuers --------------------------------------------------------------------------


def test_issuers(store: Store) -> None:
    added = store.add_issuer(
        key_id="kyc-1", suite="BLS12-381-SHA-256", public_key="a1" * 96, source="config", now=NOW
    )
    assert store.get_issuer("kyc-1") == added
    assert added.added_at == NOW
    assert store.get_issuer("kyc-2") is None

    again = store.add_issuer(
        key_id="kyc-1", suite="BLS12-381-SHA-256", public_key="a1" * 96, source="api", exist_ok=True
    )
    assert again == added
    with pytest.raises(IssuerExists):
        store.add_issuer(
            key_id="kyc-1", suite="BLS12-381-SHA-256", public_key="a1" * 96, source="api"
        )
    with pytest.raises(IssuerExists):
        store.add_issuer(
            key_id="kyc-1",
            suite="BLS12-381-SHA-256",
            public_key="b2" * 96,
            source="config",
            exist_ok=True,
        )
    with pytest.raises(InvalidInputError):
        store.add_issuer(key_id="kyc-3", suite="s", public_key="00", source="somewhere")  # type: ignore[arg-type]
    store.add_issuer(key_id="kyc-0", suite="BLS12-381-SHAKE-256", public_key="c3", source="api")

    assert [i.key_id for i in store.list_issuers()] == ["kyc-0", "kyc-1", ISSUER]
    assert [e.event for e in store.audit_events()] == ["issuer_added", "issuer_added"]


# -- failures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "mysql://user:pw@localhost/db",
        "postgresql+psycopg2://user:pw@localhost/db",
        "sqlite://",
        "sqlite:///:memory:",
    ],
)
def test_unusable_url_is_a_storage_error(url: str) -> None:
    with pytest.raises(StorageError):
        Store(url)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://zkattest:s3cret-pw@127.0.0.1:1/nowhere",
        "sqlite:////nonexistent-directory/zkattest.sqlite3",
    ],
    ids=["postgresql-unreachable", "sqlite-no-directory"],
)
def test_unreachable_database_is_a_storage_error(url: str) -> None:
    store = Store(url)
    try:
        with pytest.raises(StorageError) as failure:
            store.migrate()
        with pytest.raises(StorageError):
            store.get_challenge("any")
        assert "s3cret-pw" not in str(failure.value)
        assert "s3cret-pw" not in repr(store)
    finally:
        store.dispose()


def test_failure_mid_transaction_writes_nothing(store: Store) -> None:
    challenge = store.create_challenge(make_challenge())
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_events"))

    with pytest.raises(StorageError) as failure:
        store.consume_and_admit(challenge.challenge_id, now=NOW, admission=make_admission())
    assert type(failure.value) is StorageError
    assert isinstance(failure.value, ZkAttestError)
    message = str(failure.value)
    assert "INSERT" not in message.upper()
    assert "audit_events" not in message
    # The UPDATE that consumed the challenge and the admission INSERT were rolled back.
    assert reloaded(store, challenge.challenge_id).consumed_at is None
    assert admission_count(store) == 0
    with pytest.raises(StorageError):
        store.counts(NOW)


# -- issuers disabled, receipts kept, one receipt signer, one clock --------------------


def test_disabling_an_issuer_revokes_its_live_admissions_at_once(store: Store) -> None:
    other = "kyc-provider-2"
    store.add_issuer(key_id=other, suite="BLS12381_SHA256", public_key="cd" * 96, source="api")
    mine = [store.create_challenge(make_challenge()) for _ in range(3)]
    for record in mine:
        store.consume_and_admit(record.challenge_id, now=NOW, admission=make_admission())
    theirs = store.create_challenge(make_challenge())
    store.consume_and_admit(
        theirs.challenge_id, now=NOW, admission=replace(make_admission(), issuer_key_id=other)
    )
    issuer, revoked = store.disable_issuer(ISSUER, NOW + timedelta(minutes=1))
    assert revoked == 3
    assert issuer.disabled_at == NOW + timedelta(minutes=1)
    assert [i.key_id for i in store.list_issuers()] == [other]
    assert [i.key_id for i in store.list_issuers(include_disabled=True)] == [ISSUER, other]
    live = store.live_admissions(WALLET, NOW + timedelta(minutes=2))
    assert [a.issuer_key_id for a in live] == [other]
    assert store.disable_issuer(ISSUER, NOW + timedelta(minutes=3))[1] == 0
    with pytest.raises(IssuerNotFound):
        store.disable_issuer("never-stored", NOW)
    fresh = store.create_challenge(make_challenge())
    with pytest.raises(IssuerNotTrusted):
        store.consume_and_admit(fresh.challenge_id, now=NOW, admission=make_admission())
    assert reloaded(store, fresh.challenge_id).consumed_at is None  # nothing written
    events = [(e.event, e.outcome) for e in store.audit_events(limit=50)]
    assert ("issuer_disabled", "admin") in events
    assert events.count(("revoked", "issuer_disabled")) == 3


def test_concurrent_admissions_and_a_disable_leave_no_live_admission(store: Store) -> None:
    challenges = [store.create_challenge(make_challenge()) for _ in range(12)]
    barrier = threading.Barrier(len(challenges) + 1)
    outcomes: list[str] = []

    def admit(challenge_id: str) -> None:
        barrier.wait()
        try:
            store.consume_and_admit(challenge_id, now=NOW, admission=make_admission())
            outcomes.append("admitted")
        except IssuerNotTrusted:
            outcomes.append("untrusted")

    threads = [threading.Thread(target=admit, args=(c.challenge_id,)) for c in challenges]
    for thread in threads:
        thread.start()
    barrier.wait()
    store.disable_issuer(ISSUER, NOW)
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(challenges)
    assert store.live_admissions(WALLET, NOW) == []


def test_the_configuration_is_the_source_of_truth_for_configured_issuers(store: Store) -> None:
    key = ("BLS12381_SHA256", "ef" * 96, ["investor/v1"], [])
    # the fixture's issuer came from the configuration and is not in this one
    assert store.sync_config_issuers({"kyc-a": key, "kyc-b": key}, NOW) == []
    assert {i.key_id for i in store.list_issuers()} == {"kyc-a", "kyc-b"}
    store.add_issuer(key_id="kyc-api", suite=key[0], public_key=key[1], source="api")
    # kyc-b leaves the configuration: disabled; the API's issuer stays
    assert store.sync_config_issuers({"kyc-a": key}, NOW) == []
    assert {i.key_id for i in store.list_issuers()} == {"kyc-a", "kyc-api"}
    # listed again, an issuer the configuration dropped is trusted again
    assert store.sync_config_issuers({"kyc-a": key, "kyc-b": key}, NOW) == []
    assert {i.key_id for i in store.list_issuers()} == {"kyc-a", "kyc-b", "kyc-api"}
    # one an admin disabled is disabled for good: listed or not, with a warning
    store.disable_issuer("kyc-b", NOW)
    warnings = store.sync_config_issuers({"kyc-a": key, "kyc-b": key}, NOW)
    assert len(warnings) == 1
    assert "kyc-b" in warnings[0]
    assert "stays disabled" in warnings[0]
    assert {i.key_id for i in store.list_issuers()} == {"kyc-a", "kyc-api"}
    # as is one the configuration dropped and an admin then disabled
    store.sync_config_issuers({"kyc-b": key}, NOW)
    store.disable_issuer("kyc-a", NOW)
    assert store.sync_config_issuers({"kyc-a": key}, NOW) != []
    assert {i.key_id for i in store.list_issuers()} == {"kyc-api"}
    with pytest.raises(IssuerExists):
        store.sync_config_issuers({"kyc-a": (key[0], "00" * 96, key[2], key[3])}, NOW)
    # a configured key's grants follow the configuration
    wider = (key[0], key[1], ["accreditation/v1", "investor/v1"], ["kyc_provider"])
    store.sync_config_issuers({"kyc-b": wider}, NOW)
    (record,) = [i for i in store.list_issuers(include_disabled=True) if i.key_id == "kyc-b"]
    assert (record.schemas, record.roles) == (
        ("accreditation/v1", "investor/v1"),
        ("kyc_provider",),
    )
    assert "issuer_grants_changed" in [e.event for e in store.audit_events()]


def test_an_admission_keeps_its_receipts(store: Store) -> None:
    challenge = store.create_challenge(make_challenge())
    admission = replace(make_admission(), receipt_jws="a.b.c", receipt_eip712='{"x":1}')
    stored = store.consume_and_admit(challenge.challenge_id, now=NOW, admission=admission)
    again = store.admission_for_challenge(challenge.challenge_id)
    assert again == stored
    assert (again.receipt_jws, again.receipt_eip712) == ("a.b.c", '{"x":1}')
    assert store.admission_for_challenge("other") is None


@pytest.mark.parametrize(
    "change",
    [{"id": "not-a-uuid"}, {"id": str(uuid.uuid4()).upper()}, {"expires_at": NOW}],
)
def test_a_bad_admission_is_refused_before_any_write(store: Store, change: dict[str, Any]) -> None:
    challenge = store.create_challenge(make_challenge())
    with pytest.raises(InvalidInputError):
        store.consume_and_admit(
            challenge.challenge_id, now=NOW, admission=replace(make_admission(), **change)
        )
    assert reloaded(store, challenge.challenge_id).consumed_at is None


def test_one_receipt_signer_per_database(store: Store) -> None:
    signer = "0x" + "11" * 20
    store.bind_receipt_signer("kid-1", signer, NOW)
    store.bind_receipt_signer("kid-1", signer.upper().replace("0X", "0x"), NOW)  # the same
    with pytest.raises(ReceiptSignerMismatch) as info:
        store.bind_receipt_signer("kid-2", signer, NOW)
    assert "kid-1" in str(info.value)
    assert "kid-2" in str(info.value)


def test_the_clock_is_the_databases(store: Store) -> None:
    clock = store.clock()
    assert clock.tzinfo is not None
    assert abs((clock - datetime.now(UTC)).total_seconds()) < 5
    assert store.clock() >= clock


def test_old_audit_events_are_purged(store: Store) -> None:
    store.record_refusal(None, "invalid", now=NOW - timedelta(days=500))
    store.record_refusal(None, "invalid", now=NOW)
    assert store.purge_audit_events(NOW - timedelta(days=400)) == 1
    assert [e.at for e in store.audit_events()] == [NOW]


def test_processes_starting_together_agree_on_issuers_and_receipt_key(
    database_url: str,
) -> None:
    """Every worker loads the configured issuers and records its receipt key at
    start-up: at once, none of them may fail (a failed worker stops the service)."""
    first = Store(database_url)
    first.migrate()
    first.dispose()
    key = ("BLS12381_SHA256", "ab" * 96, ["investor/v1"], [])
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def start() -> None:
        store = Store(database_url)
        try:
            barrier.wait()
            store.sync_config_issuers({"kyc-new": key}, NOW)
            store.bind_receipt_signer("kid-1", "0x" + "22" * 20, NOW)
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.dispose()

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    store = Store(database_url)
    try:
        assert [i.key_id for i in store.list_issuers()] == ["kyc-new"]
        added = [e for e in store.audit_events() if e.event == "issuer_added"]
        assert len(added) == 1
    finally:
        store.dispose()


def test_an_admission_on_several_issuers_ends_with_any_of_them(store: Store) -> None:
    store.add_issuer(
        key_id="cpa-1",
        suite="BLS12381_SHA256",
        public_key="cd" * 96,
        source="api",
        schemas=("accreditation/v1",),
        roles=("accreditation_verifier",),
    )
    (cpa,) = [i for i in store.list_issuers() if i.key_id == "cpa-1"]
    assert (cpa.schemas, cpa.roles) == (("accreditation/v1",), ("accreditation_verifier",))
    both = replace(make_admission(1), issuer_key_ids=(ISSUER, "cpa-1"))
    kyc_only = make_admission(2)
    for admission, wallet in ((both, WALLET), (kyc_only, OTHER_WALLET)):
        challenge = store.create_challenge(make_challenge(wallet=wallet))
        store.consume_and_admit(challenge.challenge_id, now=NOW, admission=admission)
    # an untrusted issuer among them: nothing is written
    unknown = replace(make_admission(3), issuer_key_ids=(ISSUER, "nobody"))
    challenge = store.create_challenge(make_challenge())
    with pytest.raises(IssuerNotTrusted):
        store.consume_and_admit(challenge.challenge_id, now=NOW, admission=unknown)
    assert reloaded(store, challenge.challenge_id).consumed_at is None
    # disabling the CPA revokes the admission that relied on it, and only that one
    assert store.disable_issuer("cpa-1", NOW)[1] == 1
    assert store.live_admissions(WALLET, NOW) == []
    assert len(store.live_admissions(OTHER_WALLET, NOW)) == 1


def test_a_key_added_through_the_api_keeps_its_grants_when_configured(store: Store) -> None:
    key = ("BLS12381_SHA256", "ce" * 96)
    store.add_issuer(
        key_id="cpa-api",
        suite=key[0],
        public_key=key[1],
        source="api",
        schemas=("accreditation/v1",),
        roles=("accreditation_verifier",),
    )
    warnings = store.sync_config_issuers({"cpa-api": (*key, ["investor/v1"], [])}, NOW)
    assert len(warnings) == 1
    assert "added through the API" in warnings[0]
    (record,) = [i for i in store.list_issuers() if i.key_id == "cpa-api"]
    assert (record.schemas, record.roles) == (("accreditation/v1",), ("accreditation_verifier",))


# -- revocation registries -----------------------------------------------------------


def _state(epoch: int, key: str = "aa", value: str = "bb") -> RegistryStateRecord:
    return RegistryStateRecord(
        issuer_key_id=ISSUER,
        epoch=epoch,
        accumulator_key=key * 96,
        value=value * 48,
        issued_at=NOW + timedelta(hours=epoch),
        received_at=NOW + timedelta(hours=epoch, seconds=1),
        body=f'{{"epoch": {epoch}}}',
    )


def test_registry_states(store: Store) -> None:
    assert store.registry_issuers() == set()
    assert store.registry_states(ISSUER) == []
    first, created = store.add_registry_state(_state(0))
    assert created
    assert first.issued_at.tzinfo is UTC
    # the same state again: nothing new; another of that epoch, or another accumulator: refused
    assert store.add_registry_state(_state(0)) == (first, False)
    with pytest.raises(RegistryStateConflict):
        store.add_registry_state(_state(0, value="cc"))
    with pytest.raises(RegistryStateConflict, match="another accumulator"):
        store.add_registry_state(_state(1, key="dd"))
    for epoch in (1, 2):
        store.add_registry_state(_state(epoch))
    assert store.registry_issuers() == {ISSUER}
    assert [s.epoch for s in store.registry_states(ISSUER)] == [2]  # the latest
    assert [s.epoch for s in store.registry_states(ISSUER, after=0)] == [1, 2]
    assert [s.epoch for s in store.registry_states(ISSUER, after=0, limit=1)] == [1]
    assert store.registry_state(ISSUER, 1) == _state(1)
    assert store.registry_state(ISSUER, 9) is None
    # an issuer not trusted (here: never stored) cannot have states
    with pytest.raises(IssuerNotTrusted):
        store.add_registry_state(replace(_state(0), issuer_key_id="someone-else"))
    with pytest.raises(InvalidInputError):
        store.add_registry_state(replace(_state(3), epoch=-1))


def test_challenges_keep_their_registry_bound(store: Store) -> None:
    record = replace(make_challenge(), registry_not_before=NOW - timedelta(days=1))
    store.create_challenge(record)
    assert reloaded(store, record.challenge_id).registry_not_before == NOW - timedelta(days=1)


def test_due_admissions(store: Store) -> None:
    soon = store.create_challenge(make_challenge())
    later = store.create_challenge(make_challenge())
    due = store.consume_and_admit(
        soon.challenge_id, now=NOW, admission=make_admission(1, valid_for=timedelta(hours=2))
    )
    store.consume_and_admit(
        later.challenge_id, now=NOW, admission=make_admission(2, valid_for=timedelta(days=9))
    )
    listed = store.due_admissions(NOW + timedelta(minutes=1), timedelta(days=1))
    assert [a.id for a in listed] == [due.id]
    assert store.due_admissions(NOW + timedelta(hours=3), timedelta(days=1)) == []
