"""Typed dependencies: the per-process service state and the admin check."""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from zkattest import TrustedIssuer
from zkattest.circuits import CircuitRegistry
from zkattest.service.core.config import Settings
from zkattest.service.core.limits import RateLimiter, client_key
from zkattest.service.core.metrics import Metrics
from zkattest.service.core.pool import BoundedPool
from zkattest.service.problems import Problem
from zkattest.service.receipts import ReceiptKeys
from zkattest.service.storage.repository import Store

if TYPE_CHECKING:
    from zkattest.service.registries import StoredRegistries

__all__ = ["AdminDep", "OptionalAdminDep", "ServiceState", "StateDep", "only_query"]


#: Seconds a process keeps its copy of the trusted issuers (others may add some).
ISSUER_CACHE_SECONDS = 5.0


@dataclass
class ServiceState:
    settings: Settings
    store: Store
    keys: ReceiptKeys
    metrics: Metrics
    #: Where presentations are verified: off the event loop, a bounded number at once.
    verifier: BoundedPool
    #: The circuits this verifier challenges for (built-in and the platform's files).
    circuits: CircuitRegistry
    #: The stored registry states, as verification looks them up (set by the app).
    registries: StoredRegistries = field(init=False)
    _issuers: tuple[float, dict[str, TrustedIssuer]] | None = None
    _issuers_lock: threading.Lock = field(default_factory=threading.Lock)
    #: Failed admin attempts per client: past the budget, admin requests wait (429).
    admin_failures: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.admin_failures = RateLimiter(self.settings.admin_failures_per_minute)
        from zkattest.service.registries import StoredRegistries  # (it imports this module)

        self.registries = StoredRegistries(self)

    def trusted_issuers(
        self, load: Callable[[], dict[str, TrustedIssuer]]
    ) -> dict[str, TrustedIssuer]:
        """The cached issuer grants, reloaded with ``load`` when older than the TTL."""
        now = time.monotonic()
        with self._issuers_lock:
            cached = self._issuers
            if cached is None or now - cached[0] > ISSUER_CACHE_SECONDS:
                cached = self._issuers = (now, load())
            return cached[1]

    def forget_issuers(self) -> None:
        """Drop the cache (after this process added or disabled an issuer)."""
        with self._issuers_lock:
            self._issuers = None


async def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.zkattest
    return state


StateDep = Annotated[ServiceState, Depends(_state)]


#: The admin bearer scheme: FastAPI reads the ``Authorization`` header and the
#: OpenAPI document declares it (``components.securitySchemes``, the Authorize
#: button of /docs) on every operation that depends on :data:`AdminDep`.
_admin_bearer = HTTPBearer(
    scheme_name="adminBearer",
    description="The admin token the service is configured with (`ZKATTEST_ADMIN_TOKEN`).",
    auto_error=False,
)


async def _admin(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_admin_bearer)],
) -> None:
    """Refuse (401) unless the request carries the configured admin token.

    ``credentials`` is None when the header is missing, is not ``Bearer``, or has
    an empty token; with no admin token set, no one is admitted. The comparison is
    constant-time; the token is never logged. A client that failed
    ``ZKATTEST_ADMIN_FAILURES_PER_MINUTE`` times in a minute is answered 429, right
    token or not, until its budget refills: guessing costs time.
    """
    client = client_key(request.scope)
    wait = state.admin_failures.waiting(client)
    if wait > 0:
        throttled = Problem("rate-limited", "too many failed admin attempts")
        throttled.headers = {"Retry-After": str(math.ceil(wait))}
        raise throttled
    token = state.settings.admin_token
    if (
        token is None
        or credentials is None
        or not hmac.compare_digest(
            credentials.credentials.encode(), token.get_secret_value().encode()
        )
    ):
        state.admin_failures.acquire(client)
        refused = Problem("unauthorized")
        refused.headers = {"WWW-Authenticate": "Bearer"}
        raise refused


AdminDep = Annotated[None, Depends(_admin)]


def only_query(request: Request, *names: str) -> None:
    """Refuse (422 ``invalid-request``) a query parameter the operation does not
    declare: a listing never answers as if a misspelt filter had been applied."""
    if unknown := sorted(set(request.query_params) - set(names)):
        raise Problem(
            "invalid-request",
            f"unknown query parameter(s): {', '.join(unknown)[:200]}",
        )


async def _admin_if_asked(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_admin_bearer)],
) -> bool:
    """True for a request with the admin token, False for one with no
    ``Authorization`` header; any other header is refused as :func:`_admin` does
    (401, counted against the client's budget of failures)."""
    if "authorization" not in request.headers:
        return False
    await _admin(request, state, credentials)
    return True


#: An endpoint open to anyone that shows more to the admin.
OptionalAdminDep = Annotated[bool, Depends(_admin_if_asked)]
