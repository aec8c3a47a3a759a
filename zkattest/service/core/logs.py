"""Logging of the verifier service: one configuration for ``zkattest serve`` and
for plain ``uvicorn --factory zkattest.service.app:create_app``.

:func:`create_app` applies it (so both ways of starting give the same lines),
and ``zkattest serve`` hands the same configuration to uvicorn for its
supervisor process. Lines go to standard error, as text (default) or as one
JSON object per line (``ZKATTEST_LOG_FORMAT=json``), each with the request id:
the ``X-Request-ID`` the client sent if it is a UUID, else a fresh one, echoed
in the response (asgi-correlation-id). ``-`` outside a request.

Loggers: ``zkattest`` (the service's events: circuit, address, proof digest,
outcome, never an attribute value or a secret), ``zkattest.access`` (one line
per request: method, route template, status, duration) and ``uvicorn`` (server
start and stop). uvicorn's own access log is replaced by ``zkattest.access``.
"""

from __future__ import annotations

import logging
import logging.config
import sys
import time
from typing import Any, Literal, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["LogFormat", "LogLevel", "RequestLog", "configure_logging", "logging_config"]

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


class RequestIdFilter(logging.Filter):
    """Puts the request id (asgi-correlation-id's context) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        from asgi_correlation_id import correlation_id

        record.request_id = correlation_id.get() or "-"
        return True


def logging_config(level: LogLevel = "info", fmt: LogFormat = "text") -> dict[str, Any]:
    """The :func:`logging.config.dictConfig` document for the service."""
    formatter: dict[str, Any]
    if fmt == "json":
        formatter = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": _JSON_FIELDS,
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
            "reserved_attrs": [*RESERVED_ATTRS, *_JSON_DROPPED],
        }
    else:
        formatter = {"format": _TEXT}
    handler = {
        "()": StderrHandler,
        "formatter": "zkattest",
        "filters": ["request_id"],
    }
    ours = {"handlers": ["zkattest"], "level": level.upper(), "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"zkattest": formatter},
        "handlers": {"zkattest": handler},
        "loggers": {
            "zkattest": {**ours, "propagate": True},  # test runners capture through the root
            "uvicorn": ours,
            "uvicorn.error": {"level": level.upper(), "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            # "Generated new request ID ...": any client can trigger it; not worth a line.
            "asgi_correlation_id": {**ours, "level": "ERROR"},
        },
    }


def configure_logging(level: LogLevel = "info", fmt: LogFormat = "text") -> None:
    """Apply :func:`logging_config` to this process."""
    logging.config.dictConfig(logging_config(level, fmt))


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
            template = getattr(route, "path", None) or "<unmatched>"
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
