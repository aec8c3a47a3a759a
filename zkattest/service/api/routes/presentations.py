"""POST /v1/presentations: parse the submission, run the admission, answer.

The admission itself (verify, sign, consume, admit) is :mod:`zkattest.service.admission`.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from zkattest import Presentation
from zkattest.context import normalize_wallet_address
from zkattest.errors import InvalidInputError, ZkAttestError
from zkattest.service import admission
from zkattest.service.api.deps import StateDep
from zkattest.service.api.json_body import JSONBodyRoute
from zkattest.service.core.pool import PoolFull
from zkattest.service.problems import Problem, problem_responses
from zkattest.service.schemas import AdmissionCreated, PresentationCreate

router = APIRouter(prefix="/v1", tags=["presentations"], route_class=JSONBodyRoute)
log = logging.getLogger("zkattest.service")

#: Most days an admission may last, whatever the credential proves (the
#: longest admission horizon, 365 days, plus the rest of the challenge's day).
MAX_ADMISSION_DAYS = 366


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
                400: "malformed presentation or release_wallet, or the body is not valid JSON",
                403: "the presentation does not prove the circuit, its credential is not"
                " bound to its holder, its issuer is not trusted, or the wallet's sign-in"
                " message or signature is refused (the reason names which)",
                404: "unknown challenge",
                409: "challenge already used, or burned by too many refused presentations;"
                " the person holds every seat here already; the wallet to release holds none",
                410: "challenge expired",
                413: "the body is too large",
                422: "the body does not match the schema",
                429: "rate limited",
                503: "every verification slot is busy (see Retry-After), or a contract"
                " wallet's node did not answer",
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
    release = body.release_wallet
    if release is not None:
        try:
            release = normalize_wallet_address(release)
        except InvalidInputError as exc:
            raise Problem("invalid-wallet-address", f"release_wallet: {exc}") from None
        if release == presentation.wallet_address:
            raise Problem("malformed-presentation", "release_wallet is the wallet being admitted")
    signed = body.wallet_signature
    submission = admission.Submission(
        None if signed is None else signed.message,
        None if signed is None else signed.signature,
        release,
    )
    digest = hashlib.sha256(presentation.proof).hexdigest()
    # The whole submission (database reads, verification, signing, the admitting
    # transaction) runs on one thread of the bounded verification pool, in one hop:
    # the event loop stays free for other requests (/healthz), a database that
    # waits never stalls it, and a full pool answers 503 before any work is done.
    try:
        answer = await state.verifier.run(
            admission.submit, state, body.challenge_id, presentation, digest, submission
        )
    except PoolFull:
        state.metrics.refusals.labels("busy").inc()
        busy = Problem("service-busy")
        busy.headers = {"Retry-After": "1"}
        raise busy from None
    except admission.Refused as refused:
        raise Problem(refused.slug, refused.detail, **refused.extra) from None
    return JSONResponse(
        answer.body,
        status_code=status.HTTP_201_CREATED if answer.created else status.HTTP_200_OK,
    )
