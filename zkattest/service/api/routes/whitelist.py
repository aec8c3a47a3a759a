"""GET / DELETE /v1/whitelist/{wallet_address}."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path

from zkattest.context import normalize_wallet_address
from zkattest.errors import InvalidInputError
from zkattest.service.api.deps import AdminDep, StateDep
from zkattest.service.api.routes.presentations import admission_public
from zkattest.service.problems import Problem, problem_responses
from zkattest.service.schemas import (
    ADDRESS_PATTERN,
    WALLET_EXAMPLE,
    RevokedPublic,
    WhitelistPublic,
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


@router.get(
    "/{wallet_address}",
    response_model=WhitelistPublic,
    responses=problem_responses(
        {
            400: "the address's EIP-55 checksum is wrong",
            404: "no live admission",
            422: "the address is not 0x and 40 hex digits",
        }
    ),
)
def get_whitelist(wallet_address: WalletPath, state: StateDep) -> Any:
    """The address's live admissions: circuit and expiry of each."""
    wallet = _wallet(wallet_address)
    admissions = state.store.live_admissions(wallet, dt.datetime.now(dt.UTC))
    if not admissions:
        raise Problem("not-whitelisted")
    return {"wallet_address": wallet, "admissions": [admission_public(a) for a in admissions]}


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
    revoked = state.store.revoke(wallet, dt.datetime.now(dt.UTC))
    if not revoked:
        raise Problem("not-whitelisted")
    log.info("revoked wallet=%s count=%d", wallet, revoked)
    return {"wallet_address": wallet, "revoked": revoked}
