"""Revocation registry states: POST /v1/registry-states (anyone relays a signed state),
GET /v1/registry-states/{key_id} (wallets catch up), and the admin pull from the
issuer's configured URL."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from zkattest.codec import utc_text
from zkattest.service.api.deps import AdminDep, StateDep, only_query
from zkattest.service.api.json_body import JSONBodyRoute
from zkattest.service.problems import Problem, problem_responses
from zkattest.service.registries import accept_state, pull_states
from zkattest.service.schemas import RegistryPulled, RegistryStateDocument, RegistryStateStored
from zkattest.service.storage.records import RegistryStateRecord

router = APIRouter(prefix="/v1", tags=["revocation"])
posting = APIRouter(prefix="/v1", tags=["revocation"], route_class=JSONBodyRoute)

IssuerKeyIdPath = Annotated[
    str,
    Path(pattern=r"^[0-9a-f]{32}$", description="the issuer's key id (32 lower-case hex digits)"),
]


def _stored(record: RegistryStateRecord, created: bool) -> dict[str, Any]:
    return {
        "issuer_key_id": record.issuer_key_id,
        "epoch": record.epoch,
        "issued_at": utc_text(record.issued_at),
        "received_at": utc_text(record.received_at),
        "created": created,
    }


@posting.post(
    "/registry-states",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistryStateStored,
    responses=problem_responses(
        {
            200: "the service had this state already",
            400: "the body is not valid JSON, not a well-formed state, or its signature does"
            " not verify under the issuer's key",
            404: "the state's issuer is not trusted here",
            409: "another state is stored for this issuer and epoch, or of another accumulator",
            413: "the body is too large (ZKATTEST_MAX_BODY_BYTES)",
            422: "the body does not match the schema",
            429: "rate limited",
        }
    ),
)
async def relay_state(body: RegistryStateDocument, state: StateDep) -> Any:
    """Store a trusted issuer's signed registry state, from anyone (the issuer,
    a wallet, a relay): it is checked against the issuer's key. Presentations
    from that issuer must then prove their credential unrevoked in one of its
    stored states, published no more than ``ZKATTEST_MAX_REGISTRY_STATE_AGE_SECONDS``
    before their challenge."""
    record, created = await run_in_threadpool(accept_state, state, body.model_dump())
    return JSONResponse(
        _stored(record, created),
        status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


@router.get(
    "/registry-states/{key_id}",
    responses=problem_responses(
        {
            404: "no registry state is stored for this issuer",
            422: "the key id is not 32 lower-case hex digits, after is not an epoch, or an"
            " unknown query parameter",
        }
    ),
)
def registry_states(
    request: Request,
    key_id: IssuerKeyIdPath,
    state: StateDep,
    after: Annotated[
        int | None,
        Query(ge=0, le=2**53 - 1, description="the states after this epoch (a wallet's own)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """The issuer's signed states as stored, for a wallet to bring its witness
    forward without asking the issuer: without ``after``, the latest one; with
    it, those after that epoch, oldest first (at most ``limit``)."""
    only_query(request, "after", "limit")
    records = state.store.registry_states(key_id, after=after, limit=limit)
    if not records and after is None:
        raise Problem("not-found", "no registry state is stored for this issuer")
    return [json.loads(r.body) for r in records]


@router.post(
    "/registry-states/{key_id}/pull",
    response_model=RegistryPulled,
    responses=problem_responses(
        {
            400: "a pulled state is malformed, of another issuer, or its signature does not verify",
            401: "admin token required",
            404: "no registry URL is configured for this issuer, or the issuer is not trusted",
            409: "a pulled state conflicts with a stored one",
            422: "the key id is not 32 lower-case hex digits",
            429: "too many failed admin attempts from this client; see Retry-After",
            502: "the registry URL did not answer with states",
        }
    ),
)
def pull(key_id: IssuerKeyIdPath, state: StateDep, _: AdminDep) -> Any:
    """Fetch the issuer's states from its URL in ``ZKATTEST_REGISTRY_URLS`` (a
    state, or a JSON list of states) and store each (admin)."""
    results = pull_states(state, key_id)
    return {
        "issuer_key_id": key_id,
        "stored": sum(1 for _, created in results if created),
        "latest_epoch": max(record.epoch for record, _ in results),
    }
