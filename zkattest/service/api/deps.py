"""Typed dependencies: the per-process service state and the admin check."""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from prometheus_client import CollectorRegistry, Counter, Histogram

from zkattest.credentials import IssuerPublicKey
from zkattest.service.core.config import Settings
from zkattest.service.problems import Problem
from zkattest.service.receipts import ReceiptKeys
from zkattest.service.storage.repository import Store

__all__ = ["AdminDep", "Metrics", "ServiceState", "StateDep"]


class Metrics:
    """Prometheus metrics of one process (each worker process exposes its own)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.challenges = Counter(
            "zkattest_challenges_total", "Challenges issued", registry=self.registry
        )
        self.admissions = Counter(
            "zkattest_admissions_total", "Wallet addresses admitted", registry=self.registry
        )
        self.refusals = Counter(
            "zkattest_refusals_total", "Presentations refused", ["reason"], registry=self.registry
        )
        self.verify_seconds = Histogram(
            "zkattest_verify_seconds",
            "Time to verify one presentation",
            buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0),
            registry=self.registry,
        )


#: Seconds a process keeps its copy of the trusted issuers (others may add some).
ISSUER_CACHE_SECONDS = 5.0


@dataclass
class ServiceState:
    settings: Settings
    store: Store
    keys: ReceiptKeys
    metrics: Metrics
    _issuers: tuple[float, dict[str, IssuerPublicKey]] | None = None
    _issuers_lock: threading.Lock = field(default_factory=threading.Lock)

    def trusted_issuers(
        self, load: Callable[[], dict[str, IssuerPublicKey]]
    ) -> dict[str, IssuerPublicKey]:
        """The cached issuer keys, reloaded with ``load`` when older than the TTL."""
        now = time.monotonic()
        with self._issuers_lock:
            cached = self._issuers
            if cached is None or now - cached[0] > ISSUER_CACHE_SECONDS:
                cached = self._issuers = (now, load())
            return cached[1]

    def forget_issuers(self) -> None:
        """Drop the cache (after this process added an issuer)."""
        with self._issuers_lock:
            self._issuers = None


async def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.zkattest
    return state


StateDep = Annotated[ServiceState, Depends(_state)]


async def _admin(request: Request, state: StateDep) -> None:
    token = state.settings.admin_token
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    if (
        token is None
        or scheme.lower() != "bearer"
        or not hmac.compare_digest(presented.encode(), token.get_secret_value().encode())
    ):
        problem = Problem("unauthorized")
        problem.headers = {"WWW-Authenticate": "Bearer"}
        raise problem


AdminDep = Annotated[None, Depends(_admin)]
