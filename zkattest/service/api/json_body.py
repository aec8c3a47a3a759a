"""A lean request path for endpoints that take one JSON body and the service state.

``POST /v1/challenges`` and ``POST /v1/presentations`` are the hot endpoints: a
platform admitting wallets runs them for every admission. FastAPI's general
per-request machinery (dependency solving, content-type parsing through the
``email`` package, a ``json.loads`` then a Python-mode validation) costs more
than the rest of the framework together. :class:`JSONBodyRoute` keeps the route
declared and documented exactly as any other (OpenAPI body schema, examples,
responses), and at request time parses the body with pydantic-core's JSON
parser (strict RFC 8259: no NaN or Infinity) and validates it against the
model, then calls the endpoint with the process's
:class:`~zkattest.service.api.deps.ServiceState`.

Errors are FastAPI's own :class:`~fastapi.exceptions.RequestValidationError`,
so the app's problem+json handlers answer them: a body that is not JSON (or not
UTF-8) is ``json_invalid`` -> 400, anything else that does not fit the model ->
422, with ``loc`` starting at ``"body"`` as FastAPI reports it.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Coroutine
from typing import Any

import pydantic_core
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from zkattest.service.api.deps import ServiceState, StateDep
from zkattest.service.problems import Problem

__all__ = ["JSONBodyRoute"]

Endpoint = Callable[[Any, ServiceState], Coroutine[Any, Any, Response]]


class JSONBodyRoute(APIRoute):
    """An :class:`~fastapi.routing.APIRoute` for ``async def f(body: Model, state: StateDep)``.

    ``Model`` is a pydantic model; the endpoint returns a
    :class:`~starlette.responses.Response`. Any other shape is refused with
    :class:`TypeError` when the route is added, not at the first request.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        self.body_model = _body_model(endpoint)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        model = self.body_model
        endpoint: Endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            try:
                raw = await request.body()
            except ClientDisconnect:
                # the client went away, or the body-size limit has already answered 413
                raise Problem("malformed-request", "the request body was not received") from None
            if not raw:
                raise RequestValidationError(
                    [{"type": "missing", "loc": ("body",), "msg": "Field required"}]
                )
            if not _is_json(request.headers.get("content-type", "")):
                raise RequestValidationError(
                    [
                        {
                            "type": "model_attributes_type",
                            "loc": ("body",),
                            "msg": "Input should be a JSON object sent as application/json",
                        }
                    ]
                )
            try:
                # RFC 8259 JSON: NaN and Infinity are not JSON, so not accepted either
                parsed = pydantic_core.from_json(raw, allow_inf_nan=False)
            except ValueError:
                raise RequestValidationError(
                    [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error"}]
                ) from None
            try:
                body = model.model_validate(parsed)
            except ValidationError as exc:
                errors = exc.errors(include_url=False, include_context=False, include_input=False)
                raise RequestValidationError(
                    [{**error, "loc": ("body", *error["loc"])} for error in errors]
                ) from None
            response = await endpoint(body, request.app.state.zkattest)
            if not isinstance(response, Response):
                raise TypeError(f"{endpoint.__name__} must return a Response")
            return response

        return handler


def _is_json(content_type: str) -> bool:
    """``application/json`` or ``application/*+json``, parameters ignored (as FastAPI)."""
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _body_model(endpoint: Callable[..., Any]) -> type[BaseModel]:
    """The endpoint's body model, after checking its signature is ``(body: Model, state)``."""
    name = getattr(endpoint, "__qualname__", repr(endpoint))
    wrong = TypeError(
        f"JSONBodyRoute: {name} must be 'async def (body: <pydantic model>, state: StateDep)'"
    )
    if not inspect.iscoroutinefunction(endpoint):
        raise wrong
    parameters = list(inspect.signature(endpoint).parameters)
    hints = typing.get_type_hints(endpoint, include_extras=True)
    if len(parameters) != 2 or hints.get(parameters[1]) != StateDep:
        raise wrong
    model = hints.get(parameters[0])
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise wrong
    return model
