"""Typed dependencies: the per-process service state and the admin check."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from prometheus_client import CollectorRegistry, Counter, Histogram

from service.core.config import Settings
from service.problems import Problem
from service.receipts import ReceiptKeys
from service.storage.repository import Store

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


@dataclass
class ServiceState:
    settings: Settings
    store: Store
    keys: ReceiptKeys
    metrics: Metrics


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.zkattest
    return state


StateDep = Annotated[ServiceState, Depends(_state)]


def _admin(request: Request, state: StateDep) -> None:
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
