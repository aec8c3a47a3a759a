"""The verifier service's application factory.

``uvicorn --factory zkattest.service.app:create_app`` or ``zkattest serve``. Settings
come from the environment (:class:`~zkattest.service.core.config.Settings`); with none
set it runs on ``./zkattest.sqlite3`` and generates its receipt keys.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from zkattest import __version__
from zkattest.credentials import IssuerPublicKey
from zkattest.errors import ZkAttestError
from zkattest.service.api.deps import Metrics, ServiceState
from zkattest.service.api.routes import challenges, meta, presentations, whitelist
from zkattest.service.core.config import Settings
from zkattest.service.core.limits import BodySizeLimit, RateLimit, RateLimiter
from zkattest.service.problems import install_problem_handlers
from zkattest.service.receipts import ReceiptKeys
from zkattest.service.storage.repository import Store

__all__ = ["create_app"]

log = logging.getLogger("zkattest.service")

_DESCRIPTION = """
The platform's gate to its whitelist. A wallet asks for a **challenge**, proves
an eligibility **circuit** with `zkattest holder prove`, and submits the
**presentation**; the service verifies it, consumes the challenge and
**admits** the wallet address, returning signed receipts (Ed25519 JWS and
EIP-712). The service never receives or stores identity data. Every error is
RFC 9457 `application/problem+json`.
"""


def _load_trusted_issuers(store: Store, paths: list[Path]) -> None:
    for path in paths:
        try:
            key = IssuerPublicKey.from_json(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ZkAttestError(f"cannot read trusted issuer key {path}: {exc.strerror}") from None
        store.add_issuer(
            key_id=key.key_id,
            suite=key.suite.name,
            public_key=key.public_key.hex(),
            source="config",
            exist_ok=True,
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service; database migration and key loading happen at start-up."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store(settings.database_url)
        store.migrate()
        _load_trusted_issuers(store, settings.trusted_issuers)
        keys = ReceiptKeys.load_or_create(settings.receipt_key_path)
        app.state.zkattest = ServiceState(settings, store, keys, Metrics())
        # What start-up loaded (modules, schemas, keys) lives as long as the process:
        # moved out of the collector's view, full collections stop re-walking it.
        gc.collect()
        gc.freeze()
        log.info("verifier %s ready (receipt key %s)", settings.verifier_domain, keys.kid)
        try:
            yield
        finally:
            store.dispose()
            gc.unfreeze()  # several apps in one process (tests): let the collector see them again

    app = FastAPI(
        title="zkattest verifier",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    for module in (challenges, presentations, whitelist, meta):
        app.include_router(module.router)
    limiter = RateLimiter(settings.rate_limit_per_minute)
    app.add_middleware(RateLimit, limiter=limiter, paths=("/v1/challenges", "/v1/presentations"))
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
