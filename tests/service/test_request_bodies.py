"""Request bodies of the two POST endpoints: every malformed body is a 4xx problem.

Both endpoints read their body through :class:`zkattest.service.api.json_body.JSONBodyRoute`
(validated from the raw bytes, strictly); these cases pin what each kind of bad
body gets, and that the OpenAPI document still describes the bodies.
"""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from fastapi import APIRouter
from starlette.responses import JSONResponse

from tests.service.conftest import ADMIN_TOKEN, WALLET, Service
from zkattest import IssuerSecretKey
from zkattest.hazmat.bbs import SUITES
from zkattest.service.api.deps import StateDep
from zkattest.service.api.json_body import JSONBodyRoute
from zkattest.service.schemas import ChallengeCreate, SuiteName

PROBLEM = "application/problem+json"
PRESENTATION_BODY = b'{"challenge_id": "abc", "presentation": {}}'
CHALLENGE_BODY = (
    b'{"circuit_id": "kyc_adult", "wallet_address": "' + WALLET.encode() + b'", "chain_id": 1}'
)


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:zkattest:problem:{slug}"
    assert body["status"] == status
    return body


@pytest.mark.parametrize("path", ["/v1/presentations", "/v1/challenges"])
@pytest.mark.parametrize(
    ("content", "content_type", "status", "slug"),
    [
        (b"{not json", "application/json", 400, "malformed-request"),
        (b'{"challenge_id": ', "application/json", 400, "malformed-request"),
        (b'{"a": NaN}', "application/json", 400, "malformed-request"),
        (b'{"challenge_id": "\xff"}', "application/json", 400, "malformed-request"),
        (b"", "application/json", 422, "invalid-request"),
        (b"[1, 2]", "application/json", 422, "invalid-request"),
        (b'"text"', "application/json", 422, "invalid-request"),
        (b"null", "application/json", 422, "invalid-request"),
        (PRESENTATION_BODY, "text/plain", 422, "invalid-request"),
        (PRESENTATION_BODY, None, 422, "invalid-request"),
        (PRESENTATION_BODY, "application/x-www-form-urlencoded", 422, "invalid-request"),
    ],
)
def test_malformed_bodies(
    service: Service,
    path: str,
    content: bytes,
    content_type: str | None,
    status: int,
    slug: str,
) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    _problem(service.client.post(path, content=content, headers=headers), status, slug)


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        (b'{"circuit_id": "kyc_adult", "wallet_address": "W", "chain_id": "1"}', "chain_id"),
        (b'{"circuit_id": "kyc_adult", "wallet_address": "W", "chain_id": 1.5}', "chain_id"),
        (b'{"circuit_id": "kyc_adult", "wallet_address": "W", "chain_id": 1e-3}', "chain_id"),
        (b'{"circuit_id": "kyc_adult", "wallet_address": "W", "chain_id": 2e16}', "chain_id"),
        (
            b'{"circuit_id": "kyc_adult", "wallet_address": "W", "chain_id": 9007199254740992}',
            "chain_id",
        ),
        (b'{"circuit_id": "kyc_adult", "wallet_address": "W", "chain_id": true}', "chain_id"),
        (b'{"circuit_id": 7, "wallet_address": "W", "chain_id": 1}', "circuit_id"),
        (b'{"circuit_id": "kyc_adult", "wallet_address": "W", "chain_id": 1, "x": 1}', "x"),
        (b'{"circuit_id": "kyc_adult", "wallet_address": "W"}', "chain_id"),
    ],
)
def test_challenge_fields_are_strict(service: Service, payload: bytes, loc: str) -> None:
    content = payload.replace(b'"W"', b'"' + WALLET.encode() + b'"')
    response = service.client.post(
        "/v1/challenges", content=content, headers={"content-type": "application/json"}
    )
    body = _problem(response, 422, "invalid-request")
    assert ["body", loc] in [error["loc"] for error in body["errors"]]


@pytest.mark.parametrize(
    ("number", "chain_id"),
    [(b"1.0", 1), (b"1e3", 1000), (b"10E0", 10), (b"9007199254740991", 2**53 - 1)],
)
def test_integral_numbers_are_integers(service: Service, number: bytes, chain_id: int) -> None:
    """JSON has one number type: an integral one is an ``integer``, as the schema says."""
    content = CHALLENGE_BODY.replace(b'"chain_id": 1', b'"chain_id": ' + number)
    response = service.client.post(
        "/v1/challenges", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["chain_id"] == chain_id
    assert type(response.json()["chain_id"]) is int


@pytest.mark.parametrize(("version", "status"), [(1, 201), (1.0, 201), (True, 422), ("1", 422)])
def test_issuer_version_is_the_integer_1(service: Service, version: object, status: int) -> None:
    key = json.loads(IssuerSecretKey.generate().public_key().to_json())
    response = service.client.post(
        "/v1/issuers",
        json={**key, "version": version},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code == status, response.text
    if status == 422:
        body = _problem(response, 422, "invalid-request")
        assert [error["loc"] for error in body["errors"]] == [["body", "version"]]


def test_issuer_suites_are_the_library_suites() -> None:
    """``IssuerCreate.suite``'s enum is exactly the ciphersuites an issuer key may name."""
    assert set(get_args(SuiteName)) == set(SUITES)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/x+json",
    ],
)
def test_json_media_types_are_accepted(service: Service, content_type: str) -> None:
    response = service.client.post(
        "/v1/challenges", content=CHALLENGE_BODY, headers={"content-type": content_type}
    )
    assert response.status_code == 201, response.text


def test_presentation_fields_are_strict(service: Service) -> None:
    response = service.client.post(
        "/v1/presentations",
        content=b'{"challenge_id": 5, "presentation": {}}',
        headers={"content-type": "application/json"},
    )
    body = _problem(response, 422, "invalid-request")
    assert body["errors"] == [
        {"loc": ["body", "challenge_id"], "msg": "Input should be a valid string"}
    ]
    response = service.client.post(
        "/v1/presentations",
        content=b'{"challenge_id": "x", "presentation": []}',
        headers={"content-type": "application/json"},
    )
    _problem(response, 422, "invalid-request")


def test_errors_never_echo_the_input(service: Service) -> None:
    secret = "0x" + "7" * 40 + "-distinctive-value"
    response = service.client.post(
        "/v1/challenges",
        json={"circuit_id": "kyc_adult", "wallet_address": secret, "chain_id": 1},
    )
    _problem(response, 422, "invalid-request")
    assert "distinctive-value" not in response.text


def test_openapi_still_documents_the_bodies(service: Service) -> None:
    paths = service.client.get("/openapi.json").json()["paths"]
    for path, model in (
        ("/v1/challenges", "ChallengeCreate"),
        ("/v1/presentations", "PresentationCreate"),
    ):
        body = paths[path]["post"]["requestBody"]
        assert body["required"] is True
        assert body["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{model}"
        }


def test_route_class_refuses_other_endpoint_shapes() -> None:
    router = APIRouter(route_class=JSONBodyRoute)

    async def no_body(state: StateDep) -> JSONResponse:
        return JSONResponse({})

    async def extra_parameter(body: ChallengeCreate, state: StateDep, page: int) -> JSONResponse:
        return JSONResponse({})

    async def body_not_a_model(body: dict[str, Any], state: StateDep) -> JSONResponse:
        return JSONResponse({})

    for endpoint in (no_body, extra_parameter, body_not_a_model):
        with pytest.raises(TypeError, match="JSONBodyRoute"):
            router.add_api_route("/x", endpoint, methods=["POST"])
