"""Bound credentials: request, blind issuance, acceptance, one live credential per customer."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from pathlib import Path

import pytest

from tests.conftest import sample_attributes
from zkattest import Credential, IssuerSecretKey, get_schema, issue_credential
from zkattest._credential import CredentialRequest
from zkattest.errors import DecodeError, InvalidInputError, IssuanceError, VerificationError
from zkattest.hazmat.curve import R
from zkattest.holder import HolderSecret, PendingRequest, accept_credential, request_credential
from zkattest.issuer import IssuerLedger

SCHEMA = get_schema("investor/v1")
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def key() -> IssuerSecretKey:
    return IssuerSecretKey.generate()


def _issue(
    key: IssuerSecretKey,
    holder: HolderSecret,
    ledger: IssuerLedger,
    customer: str = "c-1",
    **kw: object,
) -> tuple[Credential, PendingRequest]:
    pending = request_credential(holder, key.public_key(), SCHEMA.id)
    wire = CredentialRequest.from_json(pending.request.to_json())  # what the issuer receives
    issued = issue_credential(
        key,
        SCHEMA,
        sample_attributes(**kw),
        today=TODAY,
        request=wire,
        customer=customer,
        ledger=ledger,
    )
    return issued, pending


def test_request_issue_accept_round_trip(key: IssuerSecretKey) -> None:
    holder = HolderSecret.generate()
    issued, pending = _issue(key, holder, IssuerLedger(":memory:"))
    text = issued.to_json()
    assert "secret_prover_blind" not in text  # the issuer never sees it
    assert f"{holder.holder_secret:064x}" not in text
    assert f"{holder.prover_nym:064x}" not in text
    credential = accept_credential(text, key.public_key(), holder=holder, pending=pending)
    assert credential.bound
    assert credential.binding is not None
    assert credential.binding.secret_prover_blind == pending.secret_prover_blind
    credential.verify(holder)
    again = Credential.from_json(credential.to_json())
    assert again == credential
    assert "redacted" in repr(credential.binding)
    assert "redacted" in repr(pending)
    assert issued.binding is not None
    expected = (holder.prover_nym + issued.binding.signer_nym_entropy) % R
    assert credential.nym_secret(holder) == expected


def test_a_bound_credential_verifies_only_with_its_holder_secret(key: IssuerSecretKey) -> None:
    holder = HolderSecret.generate()
    issued, pending = _issue(key, holder, IssuerLedger(":memory:"))
    with pytest.raises(VerificationError):
        accept_credential(
            issued.to_json(), key.public_key(), holder=HolderSecret.generate(), pending=pending
        )
    other = request_credential(holder, key.public_key(), SCHEMA.id)
    with pytest.raises(VerificationError):  # another request's blind
        accept_credential(issued.to_json(), key.public_key(), holder=holder, pending=other)
    with pytest.raises(InvalidInputError):
        accept_credential(issued.to_json(), key.public_key())
    with pytest.raises(VerificationError, match="trusted"):
        accept_credential(
            issued.to_json(),
            IssuerSecretKey.generate().public_key(),
            holder=holder,
            pending=pending,
        )


def test_one_live_credential_per_customer_and_reissue_reuses_the_entropy(
    key: IssuerSecretKey, tmp_path: Path
) -> None:
    ledger = IssuerLedger(tmp_path / "issuer.sqlite")
    holder = HolderSecret.generate()
    first, _ = _issue(key, holder, ledger, expiry_date="2026-06-30")
    assert first.binding is not None
    with pytest.raises(IssuanceError, match="live bound credential"):
        _issue(key, holder, ledger, expiry_date="2026-06-30")
    with pytest.raises(IssuanceError, match="live bound credential"):  # another holder secret too
        _issue(key, HolderSecret.generate(), ledger, expiry_date="2027-06-30")
    # another customer is not affected, and gets other entropy
    other, _ = _issue(key, holder, ledger, customer="c-2")
    assert other.binding is not None
    assert other.binding.signer_nym_entropy != first.binding.signer_nym_entropy
    # after expiry: a re-issue, with the recorded entropy
    issued = issue_credential(
        key,
        SCHEMA,
        sample_attributes(),
        today=dt.date(2026, 7, 1),
        request=request_credential(holder, key.public_key(), SCHEMA.id).request,
        customer="c-1",
        ledger=IssuerLedger(tmp_path / "issuer.sqlite"),
    )
    assert issued.binding is not None
    assert issued.binding.signer_nym_entropy == first.binding.signer_nym_entropy
    entry = ledger.entry("c-1")
    assert entry is not None
    assert entry[1] == first.binding.signer_nym_entropy
    # the ledger holds no attribute and no holder secret
    raw = (tmp_path / "issuer.sqlite").read_bytes()
    for secret in (holder.holder_secret, holder.prover_nym):
        assert f"{secret:064x}".encode() not in raw
    assert b"Alice" not in raw
    assert b"given_name" not in raw


def test_a_failed_signature_records_nothing(key: IssuerSecretKey) -> None:
    ledger = IssuerLedger(":memory:")
    holder = HolderSecret.generate()
    pending = request_credential(holder, key.public_key(), SCHEMA.id)
    bad = bytearray(pending.request.commitment)
    bad[-1] ^= 1
    forged = CredentialRequest(
        pending.request.suite, pending.request.issuer_key_id, SCHEMA.id, bytes(bad)
    )
    with pytest.raises(IssuanceError):
        issue_credential(
            key,
            SCHEMA,
            sample_attributes(),
            today=TODAY,
            request=forged,
            customer="c-1",
            ledger=ledger,
        )
    assert ledger.entry("c-1") is None


def test_requests_for_another_key_or_schema_and_bad_customers_are_refused(
    key: IssuerSecretKey,
) -> None:
    holder = HolderSecret.generate()
    ledger = IssuerLedger(":memory:")
    elsewhere = request_credential(holder, IssuerSecretKey.generate().public_key(), SCHEMA.id)
    with pytest.raises(IssuanceError, match="another issuer key"):
        issue_credential(
            key,
            SCHEMA,
            sample_attributes(),
            today=TODAY,
            request=elsewhere.request,
            customer="c",
            ledger=ledger,
        )
    other_schema = request_credential(holder, key.public_key(), "kyc/v0")
    with pytest.raises(IssuanceError, match="another schema"):
        issue_credential(
            key,
            SCHEMA,
            sample_attributes(),
            today=TODAY,
            request=other_schema.request,
            customer="c",
            ledger=ledger,
        )
    pending = request_credential(holder, key.public_key(), SCHEMA.id)
    for customer in ("", " x", "a" * 129, None, 5, "a b"):
        with pytest.raises(IssuanceError, match="customer"):
            issue_credential(
                key,
                SCHEMA,
                sample_attributes(),
                today=TODAY,
                request=pending.request,
                customer=customer,
                ledger=ledger,
            )  # type: ignore[arg-type]
    with pytest.raises(IssuanceError, match="IssuerLedger"):
        issue_credential(
            key, SCHEMA, sample_attributes(), today=TODAY, request=pending.request, customer="c"
        )


def test_a_commitment_with_wrong_length_or_fields_is_a_decode_error() -> None:
    holder = HolderSecret.generate()
    key = IssuerSecretKey.generate()
    obj = json.loads(request_credential(holder, key.public_key(), SCHEMA.id).request.to_json())
    for mutate in (
        lambda o: o.update(commitment=o["commitment"][:-2]),
        lambda o: o.update(commitment="zz" * 176),
        lambda o: o.update(extra=1),
        lambda o: o.update(suite="nope"),
        lambda o: o.update(issuer_key_id=5),
    ):
        bad = dict(obj)
        mutate(bad)
        with pytest.raises(DecodeError):
            CredentialRequest.from_json(json.dumps(bad))


def test_pending_request_file_is_private(tmp_path: Path) -> None:
    holder = HolderSecret.generate()
    pending = request_credential(holder, IssuerSecretKey.generate().public_key(), SCHEMA.id)
    path = tmp_path / "pending.json"
    pending.save(path)
    assert path.stat().st_mode & 0o777 == 0o600
    loaded = PendingRequest.load(path)
    assert loaded.secret_prover_blind == pending.secret_prover_blind
    with pytest.raises(InvalidInputError, match="exists"):
        pending.save(path)
    path.chmod(0o644)
    with pytest.raises(InvalidInputError, match="0600"):
        PendingRequest.load(path)


def _race(path: str, customer: str, queue: multiprocessing.Queue[str]) -> None:
    key = IssuerSecretKey.generate()
    holder = HolderSecret.generate()
    pending = request_credential(holder, key.public_key(), SCHEMA.id)
    try:
        issue_credential(
            key,
            SCHEMA,
            sample_attributes(),
            today=TODAY,
            request=pending.request,
            customer=customer,
            ledger=IssuerLedger(path),
        )
        queue.put("issued")
    except IssuanceError:
        queue.put("refused")


@pytest.mark.slow
def test_concurrent_requests_for_one_customer_issue_one(tmp_path: Path) -> None:
    path = str(tmp_path / "issuer.sqlite")
    IssuerLedger(path)
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[str] = ctx.Queue()
    procs = [ctx.Process(target=_race, args=(path, "c-9", queue)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    results = sorted(queue.get(timeout=10) for _ in procs)
    assert results == ["issued", "refused", "refused", "refused"]


def test_an_in_memory_ledger_serves_any_thread(key: IssuerSecretKey) -> None:
    import threading

    ledger = IssuerLedger(":memory:")
    outcomes: list[str] = []

    def issue(customer: str) -> None:
        pending = request_credential(HolderSecret.generate(), key.public_key(), SCHEMA.id)
        try:
            issue_credential(
                key, SCHEMA, sample_attributes(), today=TODAY, request=pending.request,
                customer=customer, ledger=ledger,
            )  # fmt: skip
            outcomes.append("issued")
        except IssuanceError:
            outcomes.append("refused")

    threads = [threading.Thread(target=issue, args=(c,)) for c in ("a", "a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["issued", "issued", "refused"]
