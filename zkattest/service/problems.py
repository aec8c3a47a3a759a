"""RFC 9457 problem details: every error the service returns.

Domain errors are raised as :class:`Problem` (or mapped from zkattest and
storage errors) and turned into ``application/problem+json`` by one exception
handler. Each kind has a stable ``type`` URI; bodies never carry stack traces,
SQL, secrets or attribute values.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from zkattest.errors import ZkAttestError
from zkattest.service.schemas import ProblemDetails
from zkattest.service.storage.errors import StorageError

__all__ = [
    "PROBLEM_TYPES",
    "Problem",
    "install_problem_handlers",
    "problem_response",
    "problem_responses",
]

log = logging.getLogger("zkattest.service")

_BASE = "urn:zkattest:problem:"

#: slug -> (HTTP status, title). 422 is only ``invalid-request``: a request the
#: OpenAPI schema refuses. A request the schema accepts is never a 422: what a
#: schema cannot express (an EIP-55 checksum, a key off the curve) is a 400, an
#: unknown circuit or challenge a 404.
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "invalid-request": (422, "The request does not match the API schema"),
    "malformed-presentation": (400, "The presentation is not a well-formed zkattest presentation"),
    "malformed-request": (400, "The request body is not valid JSON"),
    "unknown-circuit": (404, "No such circuit"),
    "invalid-wallet-address": (400, "The wallet address is not a valid EVM address"),
    "challenge-not-found": (404, "No such challenge"),
    "challenge-used": (409, "The challenge has already been used"),
    "challenge-expired": (410, "The challenge has expired"),
    "presentation-refused": (403, "The presentation does not prove the circuit"),
    "wallet-signature-refused": (
        403,
        "The wallet's sign-in message or signature is refused (the reason names why)",
    ),
    "wallet-check-unavailable": (503, "The wallet contract could not be asked; try again"),
    "seat-limit-reached": (
        409,
        "This person already holds every seat on this platform; name a wallet to release",
    ),
    "seat-not-held": (409, "The wallet to release holds no seat of this person"),
    "not-whitelisted": (404, "The address has no live admission"),
    "unauthorized": (401, "A valid admin bearer token is required"),
    "invalid-issuer-key": (400, "The issuer key is not a valid zkattest issuer public key"),
    "payload-too-large": (413, "The request body is too large"),
    "request-timeout": (408, "The request body did not arrive in time"),
    "rate-limited": (429, "Too many requests"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "unsupported-media-type": (415, "Send application/json"),
    "storage-unavailable": (503, "The database is unavailable; try again"),
    "not-ready": (503, "The service cannot take writes now; try again"),
    "challenge-burned": (409, "Too many refused presentations burned this challenge"),
    "admission-not-found": (404, "No such admission"),
    "issuer-not-found": (404, "No such issuer"),
    "issuer-disabled": (409, "This issuer key was disabled; it is never trusted again"),
    "issuer-conflict": (409, "Another issuer key is stored under this key id"),
    "service-busy": (503, "Every verification slot is busy; try again shortly"),
    "invalid-input": (400, "The request holds a value the service cannot use"),
    "invalid-registry-state": (
        400,
        "The registry state is malformed, or its issuer's signature does not verify",
    ),
    "registry-issuer-not-trusted": (404, "The registry state's issuer is not trusted here"),
    "registry-state-conflict": (
        409,
        "Another state of this issuer's registry is stored for the epoch, or of another"
        " accumulator",
    ),
    "registry-not-configured": (404, "No registry URL is configured for this issuer"),
    "registry-unreachable": (502, "The issuer's registry URL did not answer with states"),
    "internal": (500, "Internal error"),
}


class Problem(Exception):  # noqa: N818 - an RFC 9457 "problem", the standard term
    """An error answered as problem+json of a registered kind."""

    def __init__(self, slug: str, detail: str | None = None, **extra: Any) -> None:
        if slug not in PROBLEM_TYPES:
            raise ValueError(f"unregistered problem type {slug!r}")
        super().__init__(slug)
        self.slug = slug
        self.detail = detail
        self.extra = extra
        self.headers: dict[str, str] = {}


def problem_response(
    slug: str,
    detail: str | None = None,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    status, title = PROBLEM_TYPES[slug]
    body: dict[str, Any] = {"type": _BASE + slug, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def problem_responses(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for a route: each status answers ``application/problem+json``."""
    schema = ProblemDetails.model_json_schema()
    return {
        status: {"description": text, "content": {"application/problem+json": {"schema": schema}}}
        for status, text in descriptions.items()
    }


_STATUS_SLUGS = {
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    401: "unauthorized",
    429: "rate-limited",
}


def _allowed_methods(request: Request) -> list[str]:
    """The methods the API answers at ``request``'s path, from its OpenAPI
    document (the routes not documented there, /docs and the like, take GET)."""
    document = request.app.openapi()
    methods: set[str] = set()
    for template, operations in document.get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods.update(m.upper() for m in operations if m.upper() in _HTTP_METHODS)
    return sorted(methods) or ["GET"]


_HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error through problem+json."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            exc.slug,
            exc.detail,
            instance=request.url.path,
            headers=exc.headers or None,
            **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()[:20]
        ]
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return problem_response("malformed-request", instance=request.url.path)
        return problem_response("invalid-request", instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = _STATUS_SLUGS.get(
            exc.status_code, "invalid-request" if exc.status_code < 500 else "internal"
        )
        # The framework's own headers stay (WWW-Authenticate, ...); a 405's Allow
        # names the methods of every route at this path, not only the first one's.
        headers = dict(exc.headers) if exc.headers else {}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return problem_response(slug, instance=request.url.path, headers=headers or None)

    @app.exception_handler(ZkAttestError)
    async def _library(request: Request, exc: ZkAttestError) -> JSONResponse:
        # A library error no route turned into a problem of its own: the input
        # was unusable (the library checks its inputs; its messages name the
        # field, never echo a secret). A 4xx for the client; logged as an error,
        # since a route should have mapped it, so that alerts still see it.
        log.error("unmapped %s on %s: %s", exc.__class__.__name__, request.url.path, exc)
        return problem_response("invalid-input", str(exc), instance=request.url.path)

    @app.exception_handler(StorageError)
    async def _storage(request: Request, exc: StorageError) -> JSONResponse:
        log.error("storage error on %s: %s", request.url.path, exc)
        return problem_response(
            "storage-unavailable", instance=request.url.path, headers={"Retry-After": "1"}
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s: %s", request.url.path, exc.__class__.__name__)
        return problem_response("internal", instance=request.url.path)
