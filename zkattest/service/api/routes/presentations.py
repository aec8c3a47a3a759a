"""POST /v1/presentations: verify, sign the receipts, then consume the challenge and admit."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import uuid
from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from zkattest.credentials import IssuerPublicKey
from zkattest.errors import VerificationError, ZkAttestError
from zkattest.hazmat.bbs import SUITES
from zkattest.presentation import Presentation, VerifiedPresentation, verify
from zkattest.schema import canonical_json
from zkattest.service.api.deps import StateDep
from zkattest.service.api.json_body import JSONBodyRoute
from zkattest.service.api.routes.challenges import challenge_from_record
from zkattest.service.core.pool import PoolFull
from zkattest.service.problems import Problem, problem_responses
from zkattest.service.schemas import (
    AdmissionCreated,
    AdmissionPublic,
    PresentationCreate,
    utc_text,
)
from zkattest.service.storage.errors import (
    ChallengeAlreadyUsed,
    ChallengeExpired,
    ChallengeNotFound,
    IssuerNotTrusted,
)
from zkattest.service.storage.records import AdmissionRecord, ChallengeRecord, NewAdmission

router = APIRouter(prefix="/v1", tags=["presentations"], route_class=JSONBodyRoute)
log = logging.getLogger("zkattest.service")

#: Most days an admission may last, whatever the credential proves (the
#: longest admission horizon, 365 days, plus the rest of the challenge's day).
MAX_ADMISSION_DAYS = 366


def admission_public(record: AdmissionRecord) -> AdmissionPublic:
    return AdmissionPublic(
        admission_id=record.id,
        wallet_address=record.wallet_address,
        chain_id=record.chain_id,
        circuit_id=record.circuit_id,
        circuit_hash=record.circuit_hash,
        issuer_key_id=record.issuer_key_id,
        admitted_at=utc_text(record.admitted_at),
        expires_at=utc_text(record.expires_at),
    )


def _trusted(state: StateDep) -> dict[str, IssuerPublicKey]:
    """The trusted issuer keys, re-read from the database at most every few seconds."""
    return state.trusted_issuers(
        lambda: {
            issuer.key_id: IssuerPublicKey(SUITES[issuer.suite], bytes.fromhex(issuer.public_key))
            for issuer in state.store.list_issuers()
        }
    )


@router.post(
    "/presentations",
    status_code=status.HTTP_201_CREATED,
    response_model=AdmissionCreated,
    responses={
        200: {
            "description": "the same presentation again: its admission and receipts, "
            "admitted once (for a client that lost the first answer)",
            "model": AdmissionCreated,
        },
        **problem_responses(
            {
                400: "malformed presentation, or the body is not valid JSON",
                403: "the presentation does not prove the circuit, or its issuer is not trusted",
                404: "unknown challenge",
                409: "challenge already used, or burned by too many refused presentations",
                410: "challenge expired",
                413: "the body is too large",
                422: "the body does not match the schema",
                429: "rate limited",
                503: "every verification slot is busy (see Retry-After)",
            }
        ),
    },
)
async def submit_presentation(body: PresentationCreate, state: StateDep) -> Any:
    """Verify a presentation against its challenge and admit the wallet address.

    Everything that can fail (verification, the admission's dates, signing the
    receipts) is done before the one transaction that consumes the challenge and
    stores the admission with its receipts. Posting the same presentation again
    answers 200 with that admission and its receipts; it never admits twice.
    """
    try:
        presentation = Presentation.from_dict(body.presentation)
    except ZkAttestError as exc:
        raise Problem("malformed-presentation", str(exc)) from None
    if presentation.challenge_id != body.challenge_id:
        raise Problem("malformed-presentation", "the presentation answers another challenge")
    digest = hashlib.sha256(presentation.proof).hexdigest()
    # The whole submission (database reads, verification, signing, the admitting
    # transaction) runs on one thread of the bounded verification pool, in one hop:
    # the event loop stays free for other requests (/healthz), a database that
    # waits never stalls it, and a full pool answers 503 before any work is done.
    try:
        return await state.verifier.run(_submit, state, body.challenge_id, presentation, digest)
    except PoolFull:
        state.metrics.refusals.labels("busy").inc()
        busy = Problem("service-busy")
        busy.headers = {"Retry-After": "1"}
        raise busy from None


def _submit(
    state: StateDep, challenge_id: str, presentation: Presentation, digest: str
) -> JSONResponse:
    """Verify, then admit: everything after the request is parsed (a worker thread)."""
    prepared = _prepare(state, challenge_id, digest)
    if isinstance(prepared, JSONResponse):  # the same presentation again
        return prepared
    record, now, trusted = prepared
    started = time.perf_counter()
    try:
        result = verify(presentation, challenge_from_record(record), trusted, now=now)
    except VerificationError as exc:
        _refused(state, record, exc.reason, digest, burn=True)
        raise Problem("presentation-refused", reason=exc.reason) from None
    finally:
        state.metrics.verify_seconds.observe(time.perf_counter() - started)
    return _admit(state, record, result, presentation.proof, digest)


def _prepare(
    state: StateDep, challenge_id: str, digest: str
) -> tuple[ChallengeRecord, dt.datetime, dict[str, IssuerPublicKey]] | JSONResponse:
    """Before verification: the challenge, the database's time, the trusted issuers;
    or the stored answer for a presentation submitted again."""
    record = state.store.get_challenge(challenge_id)
    if record is None:
        raise Problem("challenge-not-found")
    if record.consumed_at is not None:
        return _answer_again(state, record, digest)
    now = state.store.clock()  # the database's clock: one for every node
    if record.expires_at <= now:
        _refused(state, record, "expired", digest)
        raise Problem("challenge-expired")
    return record, now, _trusted(state)


def _admit(
    state: StateDep,
    record: ChallengeRecord,
    result: VerifiedPresentation,
    proof: bytes,
    digest: str,
) -> JSONResponse:
    """After verification: date the admission, sign its receipts, then consume the
    challenge and store both in one transaction."""
    # Verification took time (and maybe a wait for a slot): the admission starts,
    # and the challenge's expiry is checked, at the database's time after it.
    now = state.store.clock()
    expires_at = admission_end(result.valid_through, now)
    if expires_at <= now:  # only with a horizon of 0 days, answered the day after
        _refused(state, record, "expired", digest)
        raise Problem("challenge-expired", "the admission would already have ended")
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
        raise Problem("internal") from None
    eip712 = None if receipt.eip712 is None else canonical_json(dict(receipt.eip712)).decode()
    try:
        admission = state.store.consume_and_admit(
            record.challenge_id,
            now=now,
            admission=NewAdmission(
                id=admission_id,
                issuer_key_id=result.issuer_key_id,
                proof_digest=digest,
                expires_at=expires_at,
                receipt_jws=receipt.jws,
                receipt_eip712=eip712,
            ),
        )
    except ChallengeAlreadyUsed:  # a concurrent submission won
        return _answer_again(state, record, digest)
    except ChallengeExpired:
        _refused(state, record, "expired", digest)
        raise Problem("challenge-expired") from None
    except ChallengeNotFound:
        raise Problem("challenge-not-found") from None
    except IssuerNotTrusted:  # disabled since this process last read the issuers
        state.forget_issuers()
        _refused(state, record, "untrusted_issuer", digest, burn=True)
        raise Problem("presentation-refused", reason="untrusted_issuer") from None
    state.metrics.admissions.inc()
    log.info(
        "admitted circuit=%s wallet=%s digest=%s",
        admission.circuit_id,
        admission.wallet_address,
        digest[:16],
    )
    return JSONResponse(_created(admission), status_code=status.HTTP_201_CREATED)


def admission_end(valid_through: dt.date, now: dt.datetime) -> dt.datetime:
    """When an admission ends: the end (UTC) of the last day the credential was
    proven valid, and never more than :data:`MAX_ADMISSION_DAYS` from ``now``."""
    proven_until = dt.datetime.combine(
        valid_through + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
    )
    return min(proven_until, now + dt.timedelta(days=MAX_ADMISSION_DAYS)).replace(microsecond=0)


def _created(admission: AdmissionRecord) -> dict[str, Any]:
    """The answer to an admission: the admission and its receipts, as stored."""
    eip712 = None if admission.receipt_eip712 is None else json.loads(admission.receipt_eip712)
    return {
        "admission": admission_public(admission).model_dump(),
        "receipt": {"jws": admission.receipt_jws, "eip712": eip712},
    }


def _answer_again(state: StateDep, record: ChallengeRecord, digest: str) -> JSONResponse:
    """A consumed challenge: the same presentation gets its live admission and
    receipts again (200); anything else is a replay, or a burned challenge."""
    admission = state.store.admission_for_challenge(record.challenge_id)
    if admission is not None and hmac.compare_digest(admission.proof_digest, digest):
        if admission.receipt_jws is None:
            raise Problem("challenge-used", "the admission predates stored receipts")
        if admission.revoked_at is not None:
            raise Problem("challenge-used", "its admission was revoked")
        if admission.expires_at <= state.store.clock():
            raise Problem("challenge-used", "its admission has expired")
        log.info("answered again circuit=%s digest=%s", admission.circuit_id, digest[:16])
        return JSONResponse(_created(admission), status_code=status.HTTP_200_OK)
    burned = admission is None
    _refused(state, record, "burned" if burned else "replayed", digest)
    raise Problem("challenge-burned" if burned else "challenge-used")


def _refused(
    state: StateDep,
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
