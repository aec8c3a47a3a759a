"""The service against its own OpenAPI schema: schemathesis, in process, over ASGI.

Schemathesis loads ``/openapi.json`` from the app itself and, per operation,
sends the schema's examples, its coverage cases (boundary and negative values,
wrong methods) and about 30 generated requests, valid and invalid. Every
response must pass:

- ``not_a_server_error``: no 5xx, whatever the input;
- ``status_code_conformance``: only documented status codes;
- ``content_type_conformance``: the documented media type (errors are
  ``application/problem+json``);
- ``response_schema_conformance``: the body matches the documented schema;
- ``problem_details``: every 4xx is an RFC 9457 problem of a registered type
  whose status is the response's (also for methods the schema does not list).

The admin operations run twice: without a token (401) and with the admin
token, so they are fuzzed past the 401 too. Schemathesis runs the app's lifespan
(migration, issuer loading, receipt keys) itself and ends it after each test.
A hypothesis test then mutates a real presentation, which generated bodies
never get near, and three hand-written requests check specific problem types
against the operations' documented responses.

The schema is exactly as strict as the service: requests generated only from
valid data (bodies, path parameters) are never refused with 422
(``positive_data_acceptance``; what a schema cannot express, such as an EIP-55
checksum, is a 400, an unknown circuit or challenge a 404), and requests
generated only from invalid data are always refused (``negative_data_rejection``).
"""

from __future__ import annotations

import base64
import copy
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from tests.conftest import bound_credential
from tests.service.conftest import ADMIN_TOKEN, WALLET, make_settings
from tests.wallets import sign_in
from zkattest import Challenge, HolderSecret, IssuerSecretKey, prove
from zkattest.service.app import create_app
from zkattest.service.problems import PROBLEM_TYPES
from zkattest.service.schemas import ProblemDetails

pytestmark = pytest.mark.slow  # fuzzes the whole HTTP API; every test starts the service

PROBLEM = "application/problem+json"
PROBLEM_PREFIX = "urn:zkattest:problem:"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

# The app the fuzzer drives: a temporary SQLite file and receipt keys, one trusted
# issuer, the admin token set, and a rate limit the run never reaches. Built at
# import because @schema.parametrize needs the schema when pytest collects the module.
_TMP = tempfile.TemporaryDirectory(prefix="zkattest-fuzz-")
APP = create_app(
    make_settings(
        Path(_TMP.name),
        IssuerSecretKey.generate(),
        rate_limit_per_minute=1_000_000,
        admin_failures_per_minute=10_000,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def problem_details(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx answer is problem+json of a registered type with the response's status."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type == PROBLEM, f"{response.status_code} answered as {content_type!r}"
    body = ProblemDetails.model_validate_json(response.content)
    slug = body.type.removeprefix(PROBLEM_PREFIX)
    assert body.type.startswith(PROBLEM_PREFIX), body.type
    assert slug in PROBLEM_TYPES, f"unregistered problem type {body.type}"
    assert PROBLEM_TYPES[slug][0] == body.status == response.status_code, body
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_details,
]


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    _TMP.cleanup()


_FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@schema.parametrize()
@_FUZZ
def test_openapi_conformance(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.include(name=["POST /v1/issuers", "DELETE /v1/whitelist/{wallet_address}"]).parametrize()
@_FUZZ
def test_openapi_conformance_as_admin(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=ADMIN, checks=CHECKS)


# -- exactly as strict as the service ---------------------------------------------------------

#: What a request made of valid data may get: anything but 422 (and 5xx, 413, 415).
_VALID_DATA_STATUSES = ["2xx", "400", "401", "403", "404", "409", "410", "429"]
#: What a request made of invalid data must get.
_INVALID_DATA_STATUSES = ["400", "401", "404", "405", "413", "415", "422"]


def _schema_generating(mode: str) -> Any:
    """The app's schema, generating only ``mode`` ("positive" or "negative") data."""
    config = SchemathesisConfig.from_dict(
        {
            "generation": {"mode": mode},
            "checks": {
                "positive_data_acceptance": {"expected-statuses": _VALID_DATA_STATUSES},
                "negative_data_rejection": {"expected-statuses": _INVALID_DATA_STATUSES},
            },
        }
    )
    return schemathesis.openapi.from_asgi("/openapi.json", APP, config=config)


def _takes_input(ctx: Any) -> bool:
    """The operation has parameters or a body (invalid data can be made for it)."""
    raw = ctx.operation.definition.raw
    return "requestBody" in raw or bool(raw.get("parameters"))


valid_data = _schema_generating("positive")
invalid_data = _schema_generating("negative").include(_takes_input)
_STRICTNESS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@valid_data.parametrize()
@_STRICTNESS
def test_valid_data_is_never_refused_as_invalid(case: schemathesis.Case) -> None:
    """As admin, so the admin operations get past the 401 to their validation."""
    case.call_and_validate(headers=ADMIN, checks=[*CHECKS, positive_data_acceptance])


@invalid_data.parametrize()
@_STRICTNESS
def test_invalid_data_is_always_refused(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=ADMIN, checks=[*CHECKS, negative_data_rejection])


# -- near-valid presentations ----------------------------------------------------------------

_SUBMIT_STATUSES = {201, 400, 403, 404, 409, 410, 422}


@pytest.fixture(scope="module")
def honest(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, str, Any, Any]]:
    """A client of a fresh app, a challenge id and the valid presentation answering it."""
    tmp = tmp_path_factory.mktemp("honest")
    issuer = IssuerSecretKey.generate()
    credential = bound_credential(issuer, holder := HolderSecret.generate())
    app = create_app(
        make_settings(
            tmp, issuer, rate_limit_per_minute=1_000_000, admin_failures_per_minute=10_000
        )
    )
    with TestClient(app, raise_server_exceptions=True) as client:
        response = client.post(
            "/v1/challenges",
            json={
                "circuit_id": "accredited_investor_506c",
                "wallet_address": WALLET,
                "chain_id": 1,
            },
        )
        assert response.status_code == 201, response.text
        challenge = response.json()
        presentation = prove(credential, Challenge.from_json(json.dumps(challenge)), holder=holder)
        yield (
            client,
            challenge["challenge_id"],
            json.loads(presentation.to_json()),
            sign_in(challenge),
        )


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
_FIELDS = [
    "type",
    "version",
    "challenge_id",
    "circuit_id",
    "circuit_hash",
    "wallet_address",
    "chain_id",
    "issuer_key_id",
    "disclosed",
    "proof",
]


@st.composite
def _mutation(draw: st.DrawFn, presentation: dict[str, Any]) -> dict[str, Any]:
    mutated = copy.deepcopy(presentation)
    kind = draw(st.sampled_from(["replace", "delete", "add", "proof"]))
    if kind == "replace":
        mutated[draw(st.sampled_from(_FIELDS))] = draw(_JSON)
    elif kind == "delete":
        del mutated[draw(st.sampled_from(_FIELDS))]
    elif kind == "add":
        mutated[draw(st.text(min_size=1, max_size=8).filter(lambda k: k not in _FIELDS))] = 1
    else:
        proof = bytearray(base64.b64decode(mutated["proof"]))
        action = draw(st.sampled_from(["flip", "truncate", "extend"]))
        if action == "flip":
            proof[draw(st.integers(0, len(proof) - 1))] ^= 1 << draw(st.integers(0, 7))
        elif action == "truncate":
            del proof[draw(st.integers(0, len(proof) - 1)) :]
        else:
            proof += draw(st.binary(min_size=1, max_size=64))
        mutated["proof"] = base64.b64encode(bytes(proof)).decode()
    return mutated


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_presentations_are_4xx_problems(
    honest: tuple[TestClient, str, Any, Any], data: st.DataObject
) -> None:
    client, challenge_id, presentation, signature = honest
    mutated = data.draw(_mutation(presentation))
    response = client.post(
        "/v1/presentations",
        json={
            "challenge_id": challenge_id,
            "presentation": mutated,
            "wallet_signature": signature,
        },
    )
    assert response.status_code in _SUBMIT_STATUSES, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == PROBLEM
        body = ProblemDetails.model_validate(response.json())
        assert PROBLEM_TYPES[body.type.removeprefix(PROBLEM_PREFIX)][0] == response.status_code


# -- specific problems, as documented -----------------------------------------------------------


def _documented_problem(response: Any, method: str, path: str, status: int, slug: str) -> None:
    """``response`` is the problem ``slug`` and the schema documents it for the operation."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = ProblemDetails.model_validate(response.json())
    assert body.type == PROBLEM_PREFIX + slug
    assert body.status == status
    documented = APP.openapi()["paths"][path][method]["responses"][str(status)]
    assert PROBLEM in documented["content"]


def test_documented_problems() -> None:
    with TestClient(APP) as client:
        oversized = client.post(
            "/v1/challenges",
            content=b"{" + b" " * (64 * 1024) + b"}",
            headers={"content-type": "application/json"},
        )
        _documented_problem(oversized, "post", "/v1/challenges", 413, "payload-too-large")

        unknown = client.post(
            "/v1/challenges",
            json={"circuit_id": "no_such_circuit", "wallet_address": WALLET, "chain_id": 1},
        )
        _documented_problem(unknown, "post", "/v1/challenges", 404, "unknown-circuit")

        for path in ("/v1/challenges", "/v1/presentations"):
            invalid = client.post(
                path, content=b'{"circuit_id": ', headers={"content-type": "application/json"}
            )
            _documented_problem(invalid, "post", path, 400, "malformed-request")
