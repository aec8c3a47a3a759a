"""POST /v1/presentations: verify, consume the challenge, admit, sign receipts."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from zkattest.credentials import IssuerPublicKey
from zkattest.errors import VerificationError, ZkAttestError
from zkattest.hazmat.bbs import SUITES
from zkattest.presentation import Presentation, verify
from zkattest.service.api.deps import StateDep
from zkattest.service.api.json_body import JSONBodyRoute
from zkattest.service.api.routes.challenges import challenge_from_record
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
)
from zkattest.service.storage.records import AdmissionRecord, NewAdmission

router = APIRouter(prefix="/v1", tags=["presentations"], route_class=JSONBodyRoute)
log = logging.getLogger("zkattest.service")

#: Most days an admission may last, whatever the credential proves.
MAX_ADMISSION_DAYS = 365


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
    responses=problem_responses(
        {
            400: "malformed presentation, or the body is not valid JSON",
            403: "the presentation does not prove the circuit",
            404: "unknown challenge",
            409: "challenge already used, or burned by too many refused presentations",
            410: "challenge expired",
            413: "the body is too large",
            422: "the body does not match the schema",
            429: "rate limited",
        }
    ),
)
async def submit_presentation(body: PresentationCreate, state: StateDep) -> Any:
    """Verify a presentation against its challenge and admit the wallet address."""
    # Verification is CPU-bound: it runs on the event loop, so each worker process
    # verifies one presentation at a time without thread switching; scale out with
    # worker processes (``zkattest serve --workers N``).
    try:
        presentation = Presentation.from_dict(body.presentation)
    except ZkAttestError as exc:
        raise Problem("malformed-presentation", str(exc)) from None
    if presentation.challenge_id != body.challenge_id:
        raise Problem("malformed-presentation", "the presentation answers another challenge")
    digest = hashlib.sha256(presentation.proof).hexdigest()
    now = dt.datetime.now(dt.UTC)
    record = state.store.get_challenge(body.challenge_id)
    if record is None:
        raise Problem("challenge-not-found")
    if record.consumed_at is not None:
        burned = record.refusals >= state.settings.max_refused_presentations
        _refused(
            state,
            record.challenge_id,
            "burned" if burned else "replayed",
            record.circuit_id,
            record.wallet_address,
            digest,
        )
        raise Problem("challenge-burned" if burned else "challenge-used")
    if record.expires_at <= now:
        _refused(
            state, record.challenge_id, "expired", record.circuit_id, record.wallet_address, digest
        )
        raise Problem("challenge-expired")
    challenge = challenge_from_record(record)
    started = time.perf_counter()
    try:
        result = verify(presentation, challenge, _trusted(state), now=now)
    except VerificationError as exc:
        _refused(
            state,
            record.challenge_id,
            exc.reason,
            record.circuit_id,
            record.wallet_address,
            digest,
            burn_after=state.settings.max_refused_presentations,
        )
        raise Problem("presentation-refused", reason=exc.reason) from None
    finally:
        state.metrics.verify_seconds.observe(time.perf_counter() - started)

    proven_until = dt.datetime.combine(
        result.valid_through + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
    )
    expires_at = min(proven_until, now + dt.timedelta(days=MAX_ADMISSION_DAYS)).replace(
        microsecond=0
    )
    try:
        admission = state.store.consume_and_admit(
            record.challenge_id,
            now=now,
            admission=NewAdmission(
                issuer_key_id=result.issuer_key_id, proof_digest=digest, expires_at=expires_at
            ),
        )
    except ChallengeAlreadyUsed:
        state.metrics.refusals.labels("replayed").inc()
        raise Problem("challenge-used") from None
    except ChallengeExpired:
        state.metrics.refusals.labels("expired").inc()
        raise Problem("challenge-expired") from None
    except ChallengeNotFound:
        raise Problem("challenge-not-found") from None
    receipt = state.keys.sign_admission(
        issuer=state.settings.verifier_domain,
        wallet_address=admission.wallet_address,
        chain_id=admission.chain_id,
        circuit_id=admission.circuit_id,
        circuit_hash=bytes.fromhex(admission.circuit_hash),
        issued_at=admission.admitted_at,
        expires_at=admission.expires_at,
        admission_id=admission.id,
        proof=presentation.proof,
        verifying_contract=state.settings.eip712_verifying_contract,
    )
    state.metrics.admissions.inc()
    log.info(
        "admitted circuit=%s wallet=%s digest=%s",
        admission.circuit_id,
        admission.wallet_address,
        digest[:16],
    )
    return JSONResponse(
        {
            "admission": admission_public(admission).model_dump(),
            "receipt": {"jws": receipt.jws, "eip712": dict(receipt.eip712)},
        },
        status_code=status.HTTP_201_CREATED,
    )


def _refused(
    state: StateDep,
    challenge_id: str,
    reason: str,
    circuit_id: str,
    wallet: str,
    digest: str,
    *,
    burn_after: int | None = None,
) -> None:
    state.metrics.refusals.labels(reason).inc()
    burned = state.store.record_refusal(
        challenge_id,
        reason,
        circuit_id=circuit_id,
        wallet_address=wallet,
        proof_digest=digest,
        burn_after=burn_after,
    )
    log.info("refused circuit=%s wallet=%s reason=%s", circuit_id, wallet, reason)
    if burned:
        log.info(
            "challenge burned circuit=%s wallet=%s after %s refusals",
            circuit_id,
            wallet,
            burn_after,
        )
