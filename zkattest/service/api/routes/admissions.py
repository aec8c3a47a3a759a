"""GET /v1/admissions/{admission_id}: where an admission stands (live, expired, revoked)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from zkattest.codec import utc_text
from zkattest.service.api.deps import StateDep
from zkattest.service.problems import Problem, problem_responses
from zkattest.service.schemas import AdmissionStatus

router = APIRouter(prefix="/v1", tags=["admissions"])

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
    """Is the admission of a receipt live, expired or revoked? Anyone holding
    the receipt may ask; the answer names nothing but the admission."""
    record = state.store.get_admission(admission_id)
    if record is None:
        raise Problem("admission-not-found")
    if record.revoked_at is not None:
        status_ = "revoked"
    elif record.expires_at <= state.store.clock():
        status_ = "expired"
    else:
        status_ = "live"
    return {
        "admission_id": record.id,
        "status": status_,
        "expires_at": utc_text(record.expires_at),
    }
