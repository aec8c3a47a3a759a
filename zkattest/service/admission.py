"""The admission: verify a presentation, sign its receipts, consume its challenge, admit.

The one place that runs it, for the presentation route (which parses and answers).
:func:`submit` does everything after the request is parsed, in this order, so that
nothing is committed before everything that can fail has succeeded:

1. read the challenge and the database's clock; a consumed challenge answers the
   same presentation again with its stored admission and receipts (never a
   second admission), and refuses anything else (replayed, or burned);
2. check the wallet's EIP-4361 sign-in message and signature for the challenge
   (:mod:`zkattest.service.wallet`), then verify the presentation, which must
   come from a credential bound to its holder and show its pseudonym, and, from
   an issuer whose registry states are stored, prove it unrevoked in a state no
   older than the challenge allows (:mod:`zkattest.service.registries`) (either
   refusal counts toward burning the challenge);
3. date the admission (the end of the last day the credential was proven valid,
   at most :data:`MAX_ADMISSION_DAYS`, and at most ``ZKATTEST_REPROOF_INTERVAL_SECONDS``
   from now: the wallet proves again to stay, so a revoked credential drops off
   within it), choose its id, sign both receipts;
4. in one transaction: consume the challenge (if unexpired by the database's
   clock), check the issuer is still trusted, release the seat of the wallet
   the holder names (if any) and check the person's seats
   (``ZKATTEST_SEATS_PER_PERSON`` live wallets per pseudonym), store the
   admission with its pseudonym and receipts.

It runs on a thread of the bounded verification pool. Refusals are :class:`Refused`,
carrying the problem type the route answers with.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from zkattest import Presentation, TrustedIssuer, VerifiedPresentation, verify
from zkattest.errors import VerificationError, ZkAttestError
from zkattest.schema import canonical_json
from zkattest.service import wallet
from zkattest.service.api.deps import ServiceState
from zkattest.service.convert import admission_public, challenge_from_record, issuer_keys
from zkattest.service.storage.errors import (
    ChallengeAlreadyUsed,
    ChallengeExpired,
    ChallengeNotFound,
    IssuerNotTrusted,
    SeatLimitReached,
    SeatNotHeld,
    StorageError,
)
from zkattest.service.storage.records import AdmissionRecord, ChallengeRecord, NewAdmission

__all__ = [
    "MAX_ADMISSION_DAYS",
    "Answer",
    "Refused",
    "Submission",
    "admission_end",
    "answer_body",
    "notice",
    "submit",
]

log = logging.getLogger("zkattest.service")

#: Most days an admission may last, whatever the credential proves (the
#: longest admission horizon, 365 days, plus the rest of the challenge's day).
MAX_ADMISSION_DAYS = 366


class Refused(ZkAttestError):  # noqa: N818 - a refusal, answered as its problem type
    """The submission is refused; ``slug`` names the problem type to answer with."""

    def __init__(self, slug: str, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or slug)
        self.slug = slug
        self.detail = detail
        self.extra = extra


@dataclass(frozen=True)
class Answer:
    """The admission and its receipts; ``created`` is False for a presentation
    submitted again (the stored admission, answered 200)."""

    body: dict[str, Any]
    created: bool


@dataclass(frozen=True)
class Submission:
    """What the wallet submits beside its presentation: the EIP-4361 sign-in
    message and signature, and the wallet whose seat it moves (if any)."""

    message: str | None
    signature: str | None
    release_wallet: str | None = None


def submit(
    state: ServiceState,
    challenge_id: str,
    presentation: Presentation,
    digest: str,
    submission: Submission,
) -> Answer:
    """Check the wallet, verify, then admit: everything after the request is
    parsed (a worker thread)."""
    prepared = _prepare(state, challenge_id, digest)
    if isinstance(prepared, Answer):  # the same presentation again
        return prepared
    record, now, trusted = prepared
    challenge = challenge_from_record(record)
    try:
        released = wallet.check(
            challenge,
            submission.message,
            submission.signature,
            now=now,
            rpc_urls=state.settings.wallet_rpc_urls,
        )
        if released != submission.release_wallet:
            # only the wallet's own signature moves a seat: a relay cannot add one
            raise wallet.WalletSignatureRefused(
                "release_mismatch",
                "release_wallet must be the wallet the signed sign-in message releases",
            )
    except wallet.WalletSignatureRefused as exc:
        if exc.reason == "rpc_unavailable":  # not the wallet's fault: try again
            raise Refused("wallet-check-unavailable") from None
        _refused(state, record, f"wallet_{exc.reason}", digest, burn=True)
        raise Refused("wallet-signature-refused", str(exc), reason=exc.reason) from None
    _read_registries(state, presentation)
    started = time.perf_counter()
    try:
        result = verify(
            presentation,
            challenge,
            trusted,
            now=now,
            circuits=state.circuits,
            registries=state.registries,
            max_state_age=dt.timedelta(seconds=state.settings.max_registry_state_age_seconds),
        )
    except VerificationError as exc:
        _refused(state, record, exc.reason, digest, burn=True)
        raise Refused("presentation-refused", reason=exc.reason) from None
    finally:
        state.metrics.verify_seconds.observe(time.perf_counter() - started)
    return _admit(state, record, result, presentation.proof, digest, submission.release_wallet)


def _read_registries(state: ServiceState, presentation: Presentation) -> None:
    """Read the registry states the presentation names before verifying it, so
    that the database failing is answered 503 (try again), never a refusal."""
    try:
        for credential in presentation.credentials:
            tracked = state.registries.tracks(credential.issuer_key_id)
            if tracked and credential.registry_epoch is not None:
                state.registries.get(credential.issuer_key_id, credential.registry_epoch)
    except StorageError:
        raise Refused("storage-unavailable") from None


def _prepare(
    state: ServiceState, challenge_id: str, digest: str
) -> tuple[ChallengeRecord, dt.datetime, dict[str, TrustedIssuer]] | Answer:
    """Before verification: the challenge, the database's time, the trusted issuers;
    or the stored answer for a presentation submitted again."""
    record = state.store.get_challenge(challenge_id)
    if record is None:
        raise Refused("challenge-not-found")
    if record.consumed_at is not None:
        return _answer_again(state, record, digest)
    now = state.store.clock()  # the database's clock: one for every node
    if record.expires_at <= now:
        _refused(state, record, "expired", digest)
        raise Refused("challenge-expired")
    return record, now, trusted_issuers(state)


def _admit(
    state: ServiceState,
    record: ChallengeRecord,
    result: VerifiedPresentation,
    proof: bytes,
    digest: str,
    release_wallet: str | None = None,
) -> Answer:
    """After verification: date the admission, sign its receipts, then consume the
    challenge and store both in one transaction (taking one of the person's seats)."""
    # Verification took time (and maybe a wait for a slot): the admission starts,
    # and the challenge's expiry is checked, at the database's time after it.
    now = state.store.clock()
    reproof = now + dt.timedelta(seconds=state.settings.reproof_interval_seconds)
    expires_at = min(admission_end(result.valid_through, now), reproof.replace(microsecond=0))
    if expires_at <= now:  # only with a horizon of 0 days, answered the day after
        _refused(state, record, "expired", digest)
        raise Refused("challenge-expired", "the admission would already have ended")
    admission_id = str(uuid.uuid4())
    try:
        receipt = state.keys.sign_admission(
            issuer=state.settings.verifier_domain,
            audience=state.settings.audience,
            wallet_address=record.wallet_address,
            chain_id=record.chain_id,
            circuit_id=record.circuit_id,
            circuit_hash=bytes.fromhex(record.circuit_hash),
            issued_at=now,
            expires_at=expires_at,
            admission_id=admission_id,
            proof=proof,
            verifying_contract=state.settings.eip712_verifying_contract,
        )
    except ZkAttestError as exc:  # nothing is committed: the wallet may try again
        log.error("signing receipts failed: %s", exc.__class__.__name__)
        raise Refused("internal") from None
    eip712 = None if receipt.eip712 is None else canonical_json(dict(receipt.eip712)).decode()
    try:
        admission = state.store.consume_and_admit(
            record.challenge_id,
            now=now,
            admission=NewAdmission(
                id=admission_id,
                issuer_key_id=result.issuer_key_ids[0],
                issuer_key_ids=result.issuer_key_ids,
                proof_digest=digest,
                expires_at=expires_at,
                pseudonym=result.pseudonym,
                receipt_jws=receipt.jws,
                receipt_eip712=eip712,
            ),
            seats=state.settings.seats_per_person,
            release_wallet=release_wallet,
        )
    except ChallengeAlreadyUsed:  # a concurrent submission won
        return _answer_again(state, record, digest)
    except ChallengeExpired:
        _refused(state, record, "expired", digest)
        raise Refused("challenge-expired") from None
    except ChallengeNotFound:
        raise Refused("challenge-not-found") from None
    except SeatLimitReached:
        _refused(state, record, "seat_limit", digest, burn=True)
        raise Refused(
            "seat-limit-reached",
            f"this person holds {state.settings.seats_per_person} live wallet(s) here already;"
            " prove again naming release_wallet to move a seat",
        ) from None
    except SeatNotHeld:
        _refused(state, record, "seat_not_held", digest, burn=True)
        raise Refused("seat-not-held") from None
    except IssuerNotTrusted:  # disabled since this process last read the issuers
        state.forget_issuers()
        _refused(state, record, "untrusted_issuer", digest, burn=True)
        raise Refused("presentation-refused", reason="untrusted_issuer") from None
    state.metrics.admissions.inc()
    log.info(
        "admitted circuit=%s wallet=%s digest=%s",
        admission.circuit_id,
        admission.wallet_address,
        digest[:16],
    )
    return Answer(answer_body(admission, notice(state)), created=True)


def admission_end(valid_through: dt.date, now: dt.datetime) -> dt.datetime:
    """When an admission ends: the end (UTC) of the last day the credential was
    proven valid, and never more than :data:`MAX_ADMISSION_DAYS` from ``now``."""
    proven_until = dt.datetime.combine(
        valid_through + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
    )
    return min(proven_until, now + dt.timedelta(days=MAX_ADMISSION_DAYS)).replace(microsecond=0)


def notice(state: ServiceState) -> dt.timedelta:
    """How long before an admission ends its re-proof is due."""
    return dt.timedelta(seconds=state.settings.reproof_notice_seconds)


def answer_body(admission: AdmissionRecord, due: dt.timedelta = dt.timedelta(0)) -> dict[str, Any]:
    """The answer to an admission: the admission (its re-proof due ``due`` before
    it ends) and its receipts, as stored."""
    eip712 = None if admission.receipt_eip712 is None else json.loads(admission.receipt_eip712)
    return {
        "admission": admission_public(admission, due).model_dump(),
        "receipt": {"jws": admission.receipt_jws, "eip712": eip712},
    }


def _answer_again(state: ServiceState, record: ChallengeRecord, digest: str) -> Answer:
    """A consumed challenge: the same presentation gets its live admission and
    receipts again (200); anything else is a replay, or a burned challenge."""
    admission = state.store.admission_for_challenge(record.challenge_id)
    if admission is not None and hmac.compare_digest(admission.proof_digest, digest):
        if admission.receipt_jws is None:
            raise Refused("challenge-used", "the admission predates stored receipts")
        if admission.revoked_at is not None:
            raise Refused("challenge-used", "its admission was revoked")
        if admission.expires_at <= state.store.clock():
            raise Refused("challenge-used", "its admission has expired")
        log.info("answered again circuit=%s digest=%s", admission.circuit_id, digest[:16])
        return Answer(answer_body(admission, notice(state)), created=False)
    burned = admission is None
    _refused(state, record, "burned" if burned else "replayed", digest)
    raise Refused("challenge-burned" if burned else "challenge-used")


def _refused(
    state: ServiceState,
    record: ChallengeRecord,
    reason: str,
    digest: str,
    *,
    burn: bool = False,
) -> None:
    """Audit a refusal; with ``burn`` it counts toward burning the challenge."""
    state.metrics.refusals.labels(reason).inc()
    limit = state.settings.max_refused_presentations
    burned = state.store.record_refusal(
        record.challenge_id,
        reason,
        circuit_id=record.circuit_id,
        wallet_address=record.wallet_address,
        proof_digest=digest,
        burn_after=limit if burn else None,
    )
    log.info(
        "refused circuit=%s wallet=%s reason=%s", record.circuit_id, record.wallet_address, reason
    )
    if burned:
        log.info(
            "challenge burned circuit=%s wallet=%s after %s refusals",
            record.circuit_id,
            record.wallet_address,
            limit,
        )


def trusted_issuers(state: ServiceState) -> dict[str, TrustedIssuer]:
    """The trusted issuer keys with their grants, re-read from the database at most
    every few seconds."""
    return state.trusted_issuers(lambda: issuer_keys(state.store.list_issuers()))
