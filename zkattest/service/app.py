"""The verifier service's application factory.

``uvicorn --factory zkattest.service.app:create_app`` or ``zkattest serve``. Settings
come from the environment (:class:`~zkattest.service.core.config.Settings`); with none
set it runs on ``./zkattest.sqlite3`` and generates its receipt keys.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import multiprocessing
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy.engine import make_url

from zkattest import __version__
from zkattest.errors import ZkAttestError
from zkattest.service.api.deps import ServiceState
from zkattest.service.api.routes import (
    admissions,
    challenges,
    meta,
    presentations,
    registries,
    whitelist,
)
from zkattest.service.core.config import (
    ConfigError,
    Settings,
    load_settings,
    read_issuer_key,
    unknown_variables,
)
from zkattest.service.core.docs_policy import DocsContentSecurityPolicy
from zkattest.service.core.limits import BodySizeLimit, RateLimit, RateLimiter
from zkattest.service.core.logs import RequestLog, configure_logging, is_request_id
from zkattest.service.core.metrics import Metrics
from zkattest.service.core.pool import BoundedPool
from zkattest.service.problems import install_problem_handlers
from zkattest.service.receipts import ReceiptKeys
from zkattest.service.registries import REGISTRY_STATE_MAX_BYTES
from zkattest.service.server import MULTIPROCESS_ENV
from zkattest.service.storage.errors import IssuerExists, ReceiptSignerMismatch, StorageError
from zkattest.service.storage.repository import Store

__all__ = ["check_startup", "create_app", "settings_from_environment"]

log = logging.getLogger("zkattest.service")

_DESCRIPTION = """
The platform's gate to its whitelist. A wallet asks for a **challenge**, proves
an eligibility **circuit** with `zkattest holder prove`, and submits the
**presentation**; the service verifies it, consumes the challenge and
**admits** the wallet address, returning signed receipts (Ed25519 JWS and
EIP-712). The service never receives or stores identity data. Every error is
RFC 9457 `application/problem+json`.
"""


def _load_trusted_issuers(store: Store, settings: Settings) -> None:
    """Make the configured issuers, with their grants, the trusted ones from the
    configuration: those no longer listed are disabled and their live
    admissions revoked."""
    configured: dict[str, tuple[str, str, list[str], list[str]]] = {}
    for path in settings.trusted_issuers:
        try:
            key = read_issuer_key(path)
        except ValueError as exc:  # changed since the settings were checked
            raise ConfigError(f"ZKATTEST_TRUSTED_ISSUERS: {exc}") from None
        grant = settings.issuer_grant(key.key_id)
        configured[key.key_id] = (
            key.suite.name,
            key.public_key.hex(),
            list(grant.schemas),
            list(grant.roles),
        )
    try:
        warnings = store.sync_config_issuers(configured, store.clock())
    except IssuerExists as exc:
        raise ConfigError(f"ZKATTEST_TRUSTED_ISSUERS: {exc}") from None
    for warning in warnings:
        log.warning("%s", warning)


def check_startup(settings: Settings) -> None:
    """Do once, up front, what start-up will do with the settings: load (or
    create) the receipt keys, open and migrate the database, and check that the
    database's receipts are signed with these keys. Raises :class:`ConfigError`
    naming the setting if any of it fails."""
    try:
        keys = ReceiptKeys.load_or_create(settings.receipt_key_path)
    except ZkAttestError as exc:
        raise ConfigError(f"ZKATTEST_RECEIPT_KEY_PATH: {exc}") from None
    try:
        store = Store(settings.database_url)
        try:
            store.migrate()
            _bind_receipt_key(store, keys)
        finally:
            store.dispose()
    except StorageError as exc:
        raise ConfigError(
            f"ZKATTEST_DATABASE_URL: cannot use the database: {exc}"
            f"{_root_cause(exc, settings.database_url)}"
        ) from None


def _bind_receipt_key(store: Store, keys: ReceiptKeys) -> None:
    """Every node on one database signs with one key: the first one recorded."""
    try:
        store.bind_receipt_signer(keys.kid, keys.verifier_address, store.clock())
    except ReceiptSignerMismatch as exc:
        raise ConfigError(f"ZKATTEST_RECEIPT_KEY_PATH: {exc}") from None


async def _purge_forever(store: Store, settings: Settings) -> None:
    """Delete expired challenges and old audit events every
    ``ZKATTEST_PURGE_INTERVAL_SECONDS``, in a worker thread; a failure is logged
    and retried at the next turn."""
    while True:
        await asyncio.sleep(settings.purge_interval_seconds)
        try:
            now = await asyncio.to_thread(store.clock)
            challenges = await asyncio.to_thread(store.purge_expired_challenges, now)
            events = await asyncio.to_thread(
                store.purge_audit_events,
                now - dt.timedelta(days=settings.audit_retention_days),
            )
        except StorageError as exc:
            log.warning("purge failed: %s", exc)
            continue
        if challenges or events:
            log.info("purged %d expired challenges and %d old audit events", challenges, events)


def _root_cause(exc: BaseException, database_url: str) -> str:
    """The first line of the innermost cause (the driver's words: "connection
    refused", "unable to open database file"), the URL's password removed."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    lines = str(exc).strip().splitlines()
    if not lines:
        return ""
    line = lines[0][:200]
    password = make_url(database_url).password if "://" in database_url else None
    if password:
        line = line.replace(str(password), "***")
    return f" ({line})"


def settings_from_environment() -> Settings:
    """The checked settings, or exit with status 2 and one line per problem on
    standard error (no traceback): the start-up path of ``zkattest serve`` and
    of ``uvicorn --factory``. Also opens the database and the receipt keys
    (:func:`check_startup`), so that an unusable one is named, not traced."""
    try:
        settings = load_settings()
        check_startup(settings)
    except ConfigError as exc:
        print(f"zkattest: configuration error:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from None
    return settings


def _warn_if_workers_without_shared_metrics() -> None:
    if multiprocessing.parent_process() is not None and not os.environ.get(MULTIPROCESS_ENV):
        log.warning(
            "this is one of several worker processes but %s is not set: /metrics "
            "shows the counts of whichever worker answers; set it to an empty "
            "directory before start-up (zkattest serve --workers N does)",
            MULTIPROCESS_ENV,
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service; database migration and key loading happen at start-up.

    Without ``settings`` they come from the environment
    (:func:`settings_from_environment`: a bad one stops the process with exit
    status 2) and logging is configured here (:mod:`zkattest.service.core.logs`),
    so ``zkattest serve`` and plain uvicorn log alike; an application passing
    its own ``settings`` keeps its own logging.
    """
    if settings is None:
        settings = settings_from_environment()
        configure_logging(settings.log_level, settings.log_format)
        for warning in unknown_variables():
            log.warning("%s", warning)
        _warn_if_workers_without_shared_metrics()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store(settings.database_url)
        store.migrate()
        _load_trusted_issuers(store, settings)
        keys = ReceiptKeys.load_or_create(settings.receipt_key_path)
        _bind_receipt_key(store, keys)
        if settings.eip712_verifying_contract is None:
            log.warning(
                "no EIP-712 receipts: set ZKATTEST_EIP712_VERIFYING_CONTRACT to the "
                "whitelist contract they are for"
            )
        pool = BoundedPool(settings.verify_concurrency, settings.verify_queue)
        app.state.zkattest = ServiceState(settings, store, keys, metrics, pool, settings.circuits())
        purger = asyncio.create_task(_purge_forever(store, settings))
        # What start-up loaded (modules, schemas, keys) lives as long as the process:
        # moved out of the collector's view, full collections stop re-walking it.
        gc.collect()
        gc.freeze()
        log.info("verifier %s ready (receipt key %s)", settings.verifier_domain, keys.kid)
        try:
            yield
        finally:
            purger.cancel()
            pool.shutdown()
            store.dispose()
            gc.unfreeze()  # several apps in one process (tests): let the collector see them again

    # /docs (Swagger UI) and /redoc load their scripts and styles from this
    # service (the fastapi-offline package), never from a CDN.
    app = FastAPIOffline(
        title="zkattest verifier",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
        # No 307 from /v1/whitelist/x/ to /v1/whitelist/x: a path that matches no
        # route is a 404, and never becomes a metrics label.
        redirect_slashes=False,
    )
    app.add_middleware(DocsContentSecurityPolicy, paths=("/docs", "/redoc"))
    install_problem_handlers(app)
    for module in (challenges, presentations, admissions, whitelist, registries, meta):
        app.include_router(module.router)
    app.include_router(registries.posting)
    limiter = RateLimiter(settings.rate_limit_per_minute)
    app.add_middleware(
        RateLimit,
        limiter=limiter,
        paths=("/v1/challenges", "/v1/presentations", "/v1/registry-states"),
    )
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        timeout_seconds=settings.body_timeout_seconds,
        paths={"/v1/registry-states": REGISTRY_STATE_MAX_BYTES},
    )
    metrics.instrument(app)  # sees every answer, limits' 413 and 429 included
    app.add_middleware(RequestLog)
    # Outermost: the request id is set before anything else runs, and echoed.
    app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID", validator=is_request_id)
    return app
