"""Prometheus metrics: the service's own counters and the standard HTTP metrics.

The HTTP metrics come from prometheus-fastapi-instrumentator:
``http_requests_total{handler,method,status}`` (the route template, never a
raw path, so a wallet address is not a label; unknown paths count as
``none``), the latency histogram ``http_request_duration_seconds{handler,
method,status}`` and ``http_response_size_bytes``. The service adds ``zkattest_challenges_total``,
``zkattest_admissions_total``, ``zkattest_refusals_total{reason}`` and
``zkattest_verify_seconds``. No label ever holds an attribute value.

Several worker processes: prometheus_client's multiprocess mode. When
``PROMETHEUS_MULTIPROC_DIR`` names a directory (``zkattest serve --workers N``
sets it to a fresh one; with plain ``uvicorn --workers N`` set it yourself, to
an empty directory, before start-up), every process writes its values to files
there and ``/metrics`` adds up all of them, the processes that have exited
included, so a counter never goes backwards between scrapes, whichever worker
answers. Without it, ``/metrics`` shows the one process it reaches.
"""

from __future__ import annotations

import os
from typing import Final

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator import metrics as http_metrics

__all__ = ["Metrics"]

_LATENCY_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """The metrics of one application (its own registry: several apps may share a
    process in tests)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.challenges = Counter(
            "zkattest_challenges", "Challenges issued", registry=self.registry
        )
        self.admissions = Counter(
            "zkattest_admissions", "Wallet addresses admitted", registry=self.registry
        )
        self.refusals = Counter(
            "zkattest_refusals", "Presentations refused", ["reason"], registry=self.registry
        )
        self.verify_seconds = Histogram(
            "zkattest_verify_seconds",
            "Time to verify one presentation",
            buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0),
            registry=self.registry,
        )

    def instrument(self, app: FastAPI) -> None:
        """Add the HTTP metrics middleware to ``app`` (before it starts)."""
        instrumentator = Instrumentator(
            should_group_status_codes=False,  # 201, 403, 409 ... each on its own
            should_ignore_untemplated=False,
            should_group_untemplated=True,  # scans of random paths: one "none" series
            excluded_handlers=["/metrics"],
            registry=self.registry,
        )
        # Chosen one by one rather than the library's default set, whose request-size
        # metric trusts the client's Content-Length (a non-numeric one raised).
        instrumentator.add(http_metrics.requests(registry=self.registry))
        instrumentator.add(http_metrics.latency(buckets=_LATENCY_BUCKETS, registry=self.registry))
        instrumentator.add(http_metrics.response_size(registry=self.registry))
        instrumentator.instrument(app)

    def exposition(self) -> bytes:
        """The Prometheus text format: every process's values in multiprocess
        mode, else this application's."""
        # prometheus_client chose its value store from this variable when first imported.
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
