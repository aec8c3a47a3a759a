"""GET / DELETE /v1/whitelist/{wallet_address}."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from zkattest.context import normalize_wallet_address
from zkattest.errors import InvalidInputError
from zkattest.service.admission import notice
from zkattest.service.api.deps import AdminDep, OptionalAdminDep, StateDep
from zkattest.service.convert import admission_public
from zkattest.service.problems import Problem, problem_responses
from zkattest.service.schemas import (
    ADDRESS_PATTERN,
    WALLET_EXAMPLE,
    RevokedPublic,
    WhitelistPublic,
    WhitelistStatus,
)

router = APIRouter(prefix="/v1/whitelist", tags=["whitelist"])
log = logging.getLogger("zkattest.service")


#: The path's address: the pattern is checked with the request (422), the EIP-55
#: checksum of a mixed-case address by :func:`_wallet` (400).
WalletPath = Annotated[
    str,
    Path(
        pattern=ADDRESS_PATTERN,
        description="an EVM address; if mixed-case, its EIP-55 checksum must be right",
        examples=[WALLET_EXAMPLE],
    ),
]


def _wallet(wallet_address: str) -> str:
    try:
        return normalize_wallet_address(wallet_address)
    except InvalidInputError as exc:
        raise Problem("invalid-wallet-address", str(exc)) from None


#: Which circuit an anonymous caller asks about.
CircuitQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=64,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="the circuit to ask about; required without the admin token",
        examples=["accredited_investor_506c"],
    ),
]


@router.get(
    "/{wallet_address}",
    response_model=WhitelistStatus | WhitelistPublic,
    responses=problem_responses(
        {
            400: "the address's EIP-55 checksum is wrong",
            401: "no circuit named and no admin token, or a wrong admin token",
            404: "not admitted for the circuit (or at all), or no such circuit",
            422: "the address is not 0x and 40 hex digits, or a malformed circuit id",
            429: "too many failed admin attempts from this client; see Retry-After",
        }
    ),
    # Open to anyone who names a circuit ({}: no credentials); the admin token,
    # which the dependency declares, shows the whole record.
    openapi_extra={"security": [{}]},
)
def get_whitelist(
    wallet_address: WalletPath,
    state: StateDep,
    admin: OptionalAdminDep,
    circuit_id: CircuitQuery = None,
) -> Any:
    """Is the address admitted for ``circuit_id``? Anyone may ask, and learns
    only that (200, or 404). With the admin token: its live admissions, circuit,
    issuer and times of each, for every circuit or the one named."""
    wallet = _wallet(wallet_address)
    if circuit_id is None and not admin:
        problem = Problem(
            "unauthorized",
            "name a circuit (?circuit_id=...); the full record needs the admin token",
        )
        problem.headers = {"WWW-Authenticate": "Bearer"}
        raise problem
    if circuit_id is not None and circuit_id not in state.circuits:
        raise Problem("unknown-circuit", f"no circuit {circuit_id!r}")
    admissions = [
        a
        for a in state.store.live_admissions(wallet, state.store.clock())
        if circuit_id is None or a.circuit_id == circuit_id
    ]
    if not admissions:
        raise Problem("not-whitelisted")
    if admin:
        due = notice(state)
        return {
            "wallet_address": wallet,
            "admissions": [admission_public(a, due) for a in admissions],
        }
    return {"wallet_address": wallet, "circuit_id": circuit_id, "admitted": True}


@router.delete(
    "/{wallet_address}",
    response_model=RevokedPublic,
    responses=problem_responses(
        {
            400: "the address's EIP-55 checksum is wrong",
            401: "admin token required",
            429: "too many failed admin attempts from this client; see Retry-After",
            404: "no live admission",
            422: "the address is not 0x and 40 hex digits",
        }
    ),
)
def revoke_whitelist(wallet_address: WalletPath, state: StateDep, _: AdminDep) -> Any:
    """Revoke every live admission of the address (admin)."""
    wallet = _wallet(wallet_address)
    revoked = state.store.revoke(wallet, state.store.clock())
    if not revoked:
        raise Problem("not-whitelisted")
    log.info("revoked wallet=%s count=%d", wallet, revoked)
    return {"wallet_address": wallet, "revoked": revoked}
