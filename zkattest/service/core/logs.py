"""Logging of the verifier service: one configuration for ``zkattest serve`` and
for plain ``uvicorn --factory zkattest.service.app:create_app``.

:func:`create_app` applies it when it reads its settings from the environment
(the ``--factory`` path, so both ways of starting give the same lines; an
application that passes its own settings keeps its own logging), and
``zkattest serve`` hands the same configuration to uvicorn for its supervisor
process. Lines go to standard error, as text (default) or as one
JSON object per line (``ZKATTEST_LOG_FORMAT=json``), each with the request id:
the ``X-Request-ID`` the client sent if it is a plain UUID, else a fresh one, echoed
in the response (asgi-correlation-id). ``-`` outside a request.

Loggers: ``zkattest`` (the service's events: circuit, address, proof digest,
outcome, never an attribute value or a secret), ``zkattest.access`` (one line
per request: method, route template, status, duration) and ``uvicorn`` (server
start and stop). uvicorn's own access log is replaced by ``zkattest.access``.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import Any, Final, Literal, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "LogFormat",
    "LogLevel",
    "RequestLog",
    "configure_logging",
    "is_request_id",
    "logging_config",
    "make_formatter",
]

LogFormat = Literal["text", "json"]
LogLevel = Literal["debug", "info", "warning", "error"]

_TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_JSON_FIELDS = "%(levelname)s %(name)s %(request_id)s %(message)s"
# uvicorn's coloured copy of its message: not for machines.
_JSON_DROPPED = ("color_message",)

access_log = logging.getLogger("zkattest.access")


class StderrHandler(logging.StreamHandler[TextIO]):
    """A stream handler that writes to whatever ``sys.stderr`` is at each line
    (not the one at configuration time, which a test runner may have closed)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


_REQUEST_ID: Final = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def is_request_id(value: str) -> bool:
    """A client's ``X-Request-ID`` is kept only if it is a UUID in one of its two
    plain spellings (36 characters with hyphens, or 32 hex digits): nothing
    longer or odder reaches the logs."""
    return _REQUEST_ID.fullmatch(value) is not None


class RequestIdFilter(logging.Filter):
    """Puts the request id (asgi-correlation-id's context) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        from asgi_correlation_id import correlation_id

        record.request_id = correlation_id.get() or "-"
        return True


def make_formatter(fmt: LogFormat) -> logging.Formatter:
    """The formatter for ``fmt``: text, or one JSON object per line."""
    if fmt == "json":
        return JsonFormatter(
            _JSON_FIELDS,
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",  # ISO 8601, UTC
            reserved_attrs=[*RESERVED_ATTRS, *_JSON_DROPPED],
        )
    return logging.Formatter(_TEXT)


def _levels(level: LogLevel) -> dict[str, tuple[str, bool]]:
    """Logger name -> (level, has our handler); none of them propagates, but
    ``uvicorn.error`` to ``uvicorn``."""
    return {
        "zkattest": (level.upper(), True),
        "uvicorn": (level.upper(), True),
        # "Generated new request ID ...": any client can trigger it; not worth a line.
        "asgi_correlation_id": ("ERROR", True),
        "uvicorn.access": ("WARNING", False),  # replaced by zkattest.access
    }


def logging_config(level: LogLevel = "info", fmt: LogFormat = "text") -> dict[str, Any]:
    """The same configuration as a :func:`logging.config.dictConfig` document, for
    uvicorn's ``log_config`` (``zkattest serve`` gives it to uvicorn, whose
    supervisor process then logs like the workers)."""
    loggers: dict[str, Any] = {
        name: {"handlers": ["zkattest"] if ours else [], "level": lvl, "propagate": False}
        for name, (lvl, ours) in _levels(level).items()
    }
    loggers["uvicorn.error"] = {"level": level.upper(), "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"zkattest": {"()": make_formatter, "fmt": fmt}},
        "handlers": {
            "zkattest": {"()": StderrHandler, "formatter": "zkattest", "filters": ["request_id"]}
        },
        "loggers": loggers,
    }


def configure_logging(level: LogLevel = "info", fmt: LogFormat = "text") -> None:
    """Apply the configuration to this process's ``zkattest``, ``uvicorn`` and
    ``asgi_correlation_id`` loggers only: other loggers and their handlers (an
    application embedding the service) are left alone, nothing is closed."""
    handler = StderrHandler()
    handler.setFormatter(make_formatter(fmt))
    handler.addFilter(RequestIdFilter())
    for name, (lvl, ours) in _levels(level).items():
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            logger.removeHandler(old)
        if ours:
            logger.addHandler(handler)
        logger.setLevel(lvl)
        logger.propagate = False
    error = logging.getLogger("uvicorn.error")
    for old in list(error.handlers):
        error.removeHandler(old)
    error.setLevel(level.upper())
    error.propagate = True


class RequestLog:
    """ASGI middleware: one ``zkattest.access`` line per HTTP request, after the
    response: method, route template (the raw path for unknown routes is not
    logged), status and duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None)
            if template is None:
                # a plain route or mount (/openapi.json, /docs, static files): fixed
                # paths; an unmatched request's raw path is the client's text, not logged
                template = scope["path"] if "endpoint" in scope else "<unmatched>"
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            access_log.info(
                "%s %s %d %.2f ms",
                scope["method"],
                template,
                status,
                duration_ms,
                extra={
                    "method": scope["method"],
                    "route": template,
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )
