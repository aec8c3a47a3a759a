"""GET /v1/admissions/{admission_id}: where an admission stands (live, expired, revoked);
DELETE /v1/pseudonyms/{pseudonym}: revoke one person's admissions (admin)."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from zkattest.codec import utc_text
from zkattest.service.admission import notice
from zkattest.service.api.deps import AdminDep, StateDep, only_query
from zkattest.service.convert import admission_public
from zkattest.service.problems import Problem, problem_responses
from zkattest.service.schemas import AdmissionPublic, AdmissionStatus, PseudonymRevoked

router = APIRouter(prefix="/v1", tags=["admissions"])
log = logging.getLogger("zkattest.service")

#: An admission id as receipts carry it (a UUID, the JWS ``jti``).
AdmissionIdPath = Annotated[
    str,
    Path(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        description="the admission id of a receipt (its JWS jti)",
        examples=["3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f"],
    ),
]


@router.get(
    "/admissions/{admission_id}",
    response_model=AdmissionStatus,
    responses=problem_responses({404: "no such admission", 422: "the id is not a lower-case UUID"}),
)
def admission_status(admission_id: AdmissionIdPath, state: StateDep) -> Any:
    """Is the admission of a receipt live, live but due for re-proof
    (``reproof_due``: the wallet should prove again before it ends, within
    ``ZKATTEST_REPROOF_NOTICE_SECONDS``), expired or revoked? Anyone holding the
    receipt may ask; the answer names nothing but the admission."""
    record = state.store.get_admission(admission_id)
    if record is None:
        raise Problem("admission-not-found")
    now = state.store.clock()
    if record.revoked_at is not None:
        status_ = "revoked"
    elif record.expires_at <= now:
        status_ = "expired"
    elif record.expires_at - notice(state) <= now:
        status_ = "reproof_due"
    else:
        status_ = "live"
    return {
        "admission_id": record.id,
        "status": status_,
        "expires_at": utc_text(record.expires_at),
    }


@router.get(
    "/admissions",
    response_model=list[AdmissionPublic],
    responses=problem_responses(
        {
            401: "admin token required",
            422: "status is not reproof_due, or an unknown query parameter",
            429: "too many failed admin attempts from this client; see Retry-After",
        }
    ),
)
def due_admissions(
    request: Request,
    state: StateDep,
    _: AdminDep,
    status: Annotated[Literal["reproof_due"], Query(description="the admissions to list")],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """The live admissions whose re-proof is due (admin), the soonest ending
    first: each ends within ``ZKATTEST_REPROOF_NOTICE_SECONDS`` unless its wallet
    proves again (a revoked credential cannot)."""
    only_query(request, "status", "limit")
    due = notice(state)
    records = state.store.due_admissions(state.store.clock(), due, limit=limit)
    return [admission_public(r, due) for r in records]


#: A holder's pseudonym on this platform, as admissions show it (a G1 point, hex).
PseudonymPath = Annotated[
    str,
    Path(
        pattern=r"^[0-9a-f]{96}$",
        description="the pseudonym of an admission (96 lower-case hex digits)",
    ),
]


@router.delete(
    "/pseudonyms/{pseudonym}",
    response_model=PseudonymRevoked,
    responses=problem_responses(
        {
            401: "admin token required",
            404: "no live admission of this person",
            422: "the pseudonym is not 96 lower-case hex digits",
            429: "too many failed admin attempts from this client; see Retry-After",
        }
    ),
)
def revoke_pseudonym(pseudonym: PseudonymPath, state: StateDep, _: AdminDep) -> Any:
    """Revoke every live admission of one person on this platform, whatever the
    wallet (admin): the person's pseudonym here, from any of its admissions."""
    revoked = state.store.revoke_pseudonym(pseudonym, state.store.clock())
    if not revoked:
        raise Problem("not-whitelisted", "no live admission of this person")
    log.info("revoked pseudonym=%s… count=%d", pseudonym[:16], revoked)
    return {"pseudonym": pseudonym, "revoked": revoked}
