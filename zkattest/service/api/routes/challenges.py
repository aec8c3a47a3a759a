"""POST /v1/challenges: a single-use, short-lived challenge for one wallet and circuit."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from zkattest import Challenge
from zkattest.context import normalize_wallet_address
from zkattest.errors import InvalidInputError
from zkattest.service.api.deps import StateDep
from zkattest.service.api.json_body import JSONBodyRoute
from zkattest.service.convert import challenge_record
from zkattest.service.problems import Problem, problem_responses
from zkattest.service.schemas import ChallengeCreate, ChallengePublic

router = APIRouter(prefix="/v1", tags=["challenges"], route_class=JSONBodyRoute)
log = logging.getLogger("zkattest.service")


@router.post(
    "/challenges",
    status_code=status.HTTP_201_CREATED,
    response_model=ChallengePublic,
    responses=problem_responses(
        {
            400: "the body is not valid JSON, or the wallet address's EIP-55 checksum is wrong",
            404: "unknown circuit",
            413: "the body is too large",
            422: "the body does not match the schema",
            429: "rate limited",
        }
    ),
)
async def create_challenge(body: ChallengeCreate, state: StateDep) -> Any:
    """Issue a challenge the wallet answers with `zkattest holder prove`."""
    try:
        wallet = normalize_wallet_address(body.wallet_address)
    except InvalidInputError as exc:
        raise Problem("invalid-wallet-address", str(exc)) from None
    try:
        circuit = state.circuits.get(body.circuit_id)
    except InvalidInputError:
        raise Problem("unknown-circuit", f"no circuit {body.circuit_id!r}") from None
    # the database's clock, one for every node; database calls run on worker threads
    now = (await run_in_threadpool(state.store.clock)).replace(microsecond=0)
    challenge = Challenge.create(
        circuit,
        verifier_domain=state.settings.verifier_domain,
        wallet_address=wallet,
        chain_id=body.chain_id,
        lifetime=dt.timedelta(seconds=state.settings.challenge_lifetime_seconds),
        now=now,
        horizon_days=state.settings.admission_horizon_days,
        max_state_age=dt.timedelta(seconds=state.settings.max_registry_state_age_seconds),
    )
    await run_in_threadpool(state.store.create_challenge, challenge_record(challenge, now))
    state.metrics.challenges.inc()
    log.info("challenge issued circuit=%s wallet=%s", circuit.id, wallet)
    return JSONResponse(json.loads(challenge.to_json()), status_code=status.HTTP_201_CREATED)
