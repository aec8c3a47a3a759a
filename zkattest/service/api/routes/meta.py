"""Circuits, issuers, health, metrics and the JWKS."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from prometheus_client import CONTENT_TYPE_LATEST

from zkattest import IssuerPublicKey, __version__
from zkattest.errors import ZkAttestError
from zkattest.service.api.deps import AdminDep, StateDep
from zkattest.service.convert import issuer_public
from zkattest.service.problems import Problem, problem_responses
from zkattest.service.schemas import (
    CircuitPublic,
    Health,
    IssuerCreate,
    IssuerDisabled,
    IssuerPublic,
    Ready,
)
from zkattest.service.storage.errors import IssuerExists, IssuerNotFound, StorageError

router = APIRouter()
log = logging.getLogger("zkattest.service")


@router.get("/v1/circuits", response_model=list[CircuitPublic], tags=["circuits"])
def list_circuits(state: StateDep) -> Any:
    """The eligibility circuits this verifier can challenge for."""
    return [
        {
            "id": c.id,
            "version": c.version,
            "schema_id": c.credentials[0].schema.id,
            "credentials": [
                {"name": s.name, "schema_id": s.schema.id, "issuer_roles": list(s.issuer_roles)}
                for s in c.credentials
            ],
            "circuit_hash": c.circuit_hash.hex(),
            "description": c.description,
            "definition": c.definition(),
        }
        for c in state.circuits.circuits().values()
    ]


#: An issuer key id: the first 16 bytes of SHA-256 over suite and key, in hex.
IssuerKeyIdPath = Annotated[
    str,
    Path(pattern=r"^[0-9a-f]{32}$", description="the issuer's key id (32 lower-case hex digits)"),
]


@router.get("/v1/issuers", response_model=list[IssuerPublic], tags=["issuers"])
def list_issuers(state: StateDep) -> Any:
    """The trusted issuer keys."""
    return [issuer_public(r) for r in state.store.list_issuers()]


@router.post(
    "/v1/issuers",
    status_code=status.HTTP_201_CREATED,
    response_model=IssuerPublic,
    tags=["issuers"],
    responses=problem_responses(
        {
            400: "the body is not valid JSON, not a valid issuer key "
            "(not a G2 point, or a key_id that does not match the key), or names an unknown"
            " schema",
            401: "admin token required",
            409: "this key was disabled, the key id is stored with another key, or the key"
            " is trusted already for other schemas or roles",
            429: "too many failed admin attempts from this client; see Retry-After",
            413: "the body is too large",
            422: "the body does not match the schema",
        }
    ),
)
def add_issuer(body: IssuerCreate, state: StateDep, _: AdminDep) -> Any:
    """Trust an issuer public key for named schemas (default ``investor/v1``) and
    roles (default none) (admin). A credential of another schema signed by it,
    or one a circuit wants from an issuer in a role it does not hold, is refused
    (``untrusted_issuer``). Adding a key again with the same grants changes
    nothing; with other grants it is a conflict."""
    try:
        key = IssuerPublicKey.from_json(json.dumps(body.model_dump(exclude={"schemas", "roles"})))
    except ZkAttestError as exc:
        raise Problem("invalid-issuer-key", str(exc)) from None
    known = state.circuits.schemas.ids()
    if unknown := sorted(set(body.schemas) - set(known)):
        raise Problem(
            "invalid-input", f"unknown schema(s) {', '.join(unknown)}; known: {', '.join(known)}"
        )
    schemas, roles = tuple(sorted(set(body.schemas))), tuple(sorted(set(body.roles)))
    try:
        record = state.store.add_issuer(
            key_id=key.key_id,
            suite=key.suite.name,
            public_key=key.public_key.hex(),
            source="api",
            exist_ok=True,
            schemas=schemas,
            roles=roles,
        )
    except IssuerExists:
        raise Problem("issuer-conflict") from None
    if record.disabled_at is not None:
        raise Problem("issuer-disabled")
    if (record.schemas, record.roles) != (schemas, roles):
        raise Problem(
            "issuer-conflict",
            "this key is trusted already, for other schemas or roles; it keeps them",
        )
    state.forget_issuers()
    log.info("issuer trusted key_id=%s", key.key_id)
    return issuer_public(record)


@router.delete(
    "/v1/issuers/{key_id}",
    response_model=IssuerDisabled,
    tags=["issuers"],
    responses=problem_responses(
        {
            401: "admin token required",
            404: "no issuer has this key id",
            422: "the key id is not 32 lower-case hex digits",
            429: "too many failed admin attempts from this client; see Retry-After",
        }
    ),
)
def disable_issuer(key_id: IssuerKeyIdPath, state: StateDep, _: AdminDep) -> Any:
    """Stop trusting an issuer and revoke its live admissions, in one transaction
    (admin). Its presentations are refused from then on (``untrusted_issuer``);
    the key stays on record, disabled for good. Disabling it again changes nothing."""
    try:
        record, revoked = state.store.disable_issuer(key_id, state.store.clock())
    except IssuerNotFound:
        raise Problem("issuer-not-found") from None
    state.forget_issuers()
    log.info("issuer disabled key_id=%s revoked=%d", key_id, revoked)
    return {"issuer": issuer_public(record), "revoked_admissions": revoked}


@router.get("/healthz", response_model=Health, tags=["meta"])
async def health() -> Any:
    """Liveness: the process answers. It touches no database (a load balancer
    polls it often); readiness is ``/readyz``. Answered on the event loop, not
    in the thread pool that verification may keep busy."""
    return {"status": "ok", "version": __version__}


@router.get(
    "/readyz",
    response_model=Ready,
    tags=["meta"],
    responses=problem_responses({503: "the database does not take writes now"}),
)
def ready(state: StateDep) -> Any:
    """Readiness: the database takes a write (one probe row, rewritten)."""
    try:
        state.store.check_writable()
    except StorageError as exc:
        log.warning("not ready: %s", exc)
        problem = Problem("not-ready", "the database does not take writes")
        problem.headers = {"Retry-After": "5"}
        raise problem from None
    return {"status": "ready", "database": "writable"}


@router.get(
    "/metrics",
    tags=["meta"],
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
def metrics(state: StateDep) -> Response:
    """Prometheus metrics: the service's counters and HTTP requests by route and
    status with latency histograms, summed over every worker process when
    ``PROMETHEUS_MULTIPROC_DIR`` is set (``zkattest serve --workers N`` does)."""
    return Response(state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


@router.get("/.well-known/jwks.json", tags=["meta"])
def jwks(state: StateDep) -> Any:
    """The Ed25519 key that signs admission receipts (JWS)."""
    return state.keys.jwks()
