"""/docs and /redoc: the admin security scheme, and the pages in a real browser.

The OpenAPI document declares the admin bearer scheme: /docs shows an Authorize
button, and every operation that needs the admin token (and no other) lists it
under ``security``. The dependency behind it refuses a missing, empty or wrong
token (401 ``unauthorized``, ``WWW-Authenticate: Bearer``) and the token never
reaches the logs.

Then a real ``zkattest serve`` is loaded in headless Chromium (Debian's package,
which ``scripts/ci-chromium.sh`` installs; ``ZKATTEST_TEST_CHROMIUM`` names the
binary). In that browser no host name resolves, so what renders, renders with no
network: /docs shows every operation of the document and the Authorize button,
/redoc the title and every operation. Chromium's network log lists the requests
each page made: all went to the service (the pages' Content-Security-Policy
stops ReDoc fetching Redocly's logo from its CDN).
And the pages' HTML, scripts and
stylesheets name no other host to load a script, a style or a font from. Without
Chromium the browser tests are skipped, unless ``ZKATTEST_REQUIRE_CHROMIUM=1``
(as in CI) makes them fail.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

from tests.service.conftest import ADMIN_TOKEN, WALLET, Service
from tests.service.test_processes import serve
from zkattest import IssuerSecretKey

PROBLEM = "application/problem+json"
SCHEME = "adminBearer"

# -- the admin security scheme ------------------------------------------------------------------


def test_openapi_declares_the_admin_bearer_scheme(service: Service) -> None:
    """The operations that answer 401 to a request without the token (whatever its
    parameters and body: the admin check comes first) are exactly those that list
    the scheme."""
    document = service.client.get("/openapi.json").json()
    scheme = document["components"]["securitySchemes"][SCHEME]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "security" not in document  # no requirement for every operation

    admin = set()
    for path, operations in document["paths"].items():
        for method in operations:
            url = re.sub(r"\{[^}]+\}", WALLET, path)
            if service.client.request(method, url, json={}).status_code == 401:
                admin.add((method, path))
    # GET /v1/whitelist/{address} answers anyone who names a circuit; without one
    # (as here) the full record needs the token: its admin part is optional.
    optional = {("get", "/v1/whitelist/{wallet_address}")}
    assert admin == {
        ("post", "/v1/issuers"),
        ("delete", "/v1/issuers/{key_id}"),
        ("delete", "/v1/whitelist/{wallet_address}"),
        ("delete", "/v1/pseudonyms/{pseudonym}"),
        ("get", "/v1/admissions"),
        ("post", "/v1/registry-states/{key_id}/pull"),
        *optional,
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if (method, path) in optional:
                assert sorted(operation["security"], key=len) == [{}, {SCHEME: []}]
                assert PROBLEM in operation["responses"]["401"]["content"], (method, path)
            elif (method, path) in admin:
                assert operation.get("security") == [{SCHEME: []}], (method, path)
                assert PROBLEM in operation["responses"]["401"]["content"], (method, path)
            else:
                assert "security" not in operation, (method, path)


def _unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "urn:zkattest:problem:unauthorized"
    assert ADMIN_TOKEN not in response.text


def _issuer_key() -> dict[str, Any]:
    key: dict[str, Any] = json.loads(IssuerSecretKey.generate().public_key().to_json())
    return key


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer    ",
        ADMIN_TOKEN,
        f"Basic {ADMIN_TOKEN}",
        f"Token {ADMIN_TOKEN}",
        f"Bearer {ADMIN_TOKEN}x",
        f"Bearer {ADMIN_TOKEN[:-1]}",
        f"Bearer {ADMIN_TOKEN.upper()}",
    ],
)
def test_admin_operations_refuse_without_the_token(
    service: Service, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    key = _issuer_key()
    _unauthorized(service.client.post("/v1/issuers", json=key, headers=headers))
    _unauthorized(service.client.delete(f"/v1/whitelist/{WALLET}", headers=headers))
    trusted = {issuer["key_id"] for issuer in service.client.get("/v1/issuers").json()}
    assert key["key_id"] not in trusted


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_admin_operations_accept_the_token(service: Service, scheme: str) -> None:
    headers = {"Authorization": f"{scheme} {ADMIN_TOKEN}"}
    key = _issuer_key()
    response = service.client.post("/v1/issuers", json=key, headers=headers)
    assert response.status_code == 201, response.text
    trusted = {issuer["key_id"] for issuer in service.client.get("/v1/issuers").json()}
    assert key["key_id"] in trusted
    # past the admin check: nothing to revoke
    response = service.client.delete(f"/v1/whitelist/{WALLET}", headers=headers)
    assert response.status_code == 404, response.text
    assert response.json()["type"] == "urn:zkattest:problem:not-whitelisted"


def test_admin_token_is_never_logged(service: Service, caplog: pytest.LogCaptureFixture) -> None:
    wrong = "wrong-token-" + "5" * 20
    with caplog.at_level(logging.DEBUG):
        added = service.client.post(
            "/v1/issuers", json=_issuer_key(), headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        refused = service.client.post(
            "/v1/issuers", json=_issuer_key(), headers={"Authorization": f"Bearer {wrong}"}
        )
    assert (added.status_code, refused.status_code) == (201, 401)
    assert any("issuer trusted" in record.getMessage() for record in caplog.records)
    assert ADMIN_TOKEN not in caplog.text
    assert wrong not in caplog.text


# -- the pages in Chromium -------------------------------------------------------------------------

CHROMIUM_ENV = "ZKATTEST_TEST_CHROMIUM"
DEBIAN_CHROMIUM = "/usr/bin/chromium"
#: Longest a page load may take, start to exit of the browser.
BROWSER_SECONDS = 120
#: Hosts that serve scripts, styles and fonts to web pages.
CDN_HOSTS = (
    "cdn.jsdelivr.net",
    "unpkg.com",
    "cdnjs.cloudflare.com",
    "fonts.googleapis.com",
    "fonts.gstatic.com",
    "ajax.googleapis.com",
)
#: An absolute URL of a script, stylesheet or font inside a script or stylesheet.
_ASSET_URL = re.compile(r"""https?://[^\s"'`()<>]+\.(?:m?js|css|woff2?|ttf|otf|eot)(?=[?#"'`)])""")
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')\s]+)""")


def _chromium_or_skip() -> str:
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        if not os.access(configured, os.X_OK):
            pytest.fail(f"{CHROMIUM_ENV}={configured} is not an executable")
        return configured
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    if os.environ.get("ZKATTEST_REQUIRE_CHROMIUM") == "1":
        pytest.fail("ZKATTEST_REQUIRE_CHROMIUM=1 but no Chromium: run scripts/ci-chromium.sh")
    pytest.skip("install Chromium: scripts/ci-chromium.sh")


@pytest.fixture(scope="module")
def chromium() -> str:
    return _chromium_or_skip()


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a ``zkattest serve`` in a temporary working directory."""
    tmp = tmp_path_factory.mktemp("docs-server")
    env = {
        "ZKATTEST_DATABASE_URL": f"sqlite:///{tmp / 'zkattest.sqlite3'}",
        "ZKATTEST_RECEIPT_KEY_PATH": str(tmp / "receipt-keys.json"),
        "ZKATTEST_ADMIN_TOKEN": ADMIN_TOKEN,
    }
    with serve(env, tmp / "server.log", cwd=tmp) as base:
        yield base


@pytest.fixture(scope="module")
def document(docs_server: str) -> dict[str, Any]:
    response = httpx.get(f"{docs_server}/openapi.json", timeout=10)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@dataclass
class LoadedPage:
    dom: str
    #: (initiator, url) of every request in Chromium's network log
    requests: list[tuple[str, str]]

    def requested_by_page(self, origin: str) -> set[str]:
        return {url for initiator, url in self.requests if initiator == origin}


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the browser and every process it started (they share its process group)."""
    with suppress(ProcessLookupError):  # all of them have exited
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _network_log(path: Path) -> list[tuple[str, str]]:
    log = json.loads(path.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        (event["params"].get("initiator", ""), event["params"]["url"])
        for event in log["events"]
        if event["type"] == start and "url" in event.get("params", {})
    ]


def _load(chromium: str, url: str, tmp: Path) -> LoadedPage:
    """The DOM of ``url`` once its scripts have run, and the requests made meanwhile."""
    netlog = tmp / "netlog.json"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--disable-extensions",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # no network: only the service's address is reachable
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp / 'profile'}",
        f"--log-net-log={netlog}",
        "--virtual-time-budget=15000",
        "--dump-dom",
        url,
    ]
    process = subprocess.Popen(  # noqa: S603 - the configured browser
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        dom, errors = process.communicate(timeout=BROWSER_SECONDS)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        pytest.fail(f"Chromium did not finish loading {url} in {BROWSER_SECONDS} s")
    finally:
        _kill_group(process)
    assert process.returncode == 0, errors.decode(errors="replace")[-3000:]
    return LoadedPage(dom.decode(), _network_log(netlog))


def _operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((method, path) for path, ops in document["paths"].items() for method in ops)


class _SwaggerDom(HTMLParser):
    """The operations Swagger UI rendered, as (method, path), and its Authorize buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.operations: list[tuple[str, str]] = []
        self.authorize_buttons = 0
        self._method = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "div" and "opblock" in classes:
            methods = [c.removeprefix("opblock-") for c in classes if c.startswith("opblock-")]
            self._method = methods[0] if methods else ""
        elif "opblock-summary-path" in classes:
            self.operations.append((self._method, attributes.get("data-path") or ""))
        elif tag == "button" and "authorize" in classes:
            self.authorize_buttons += 1


class _ReDocDom(HTMLParser):
    """The sections ReDoc rendered (``operation/<operationId>``, ...) and its h1 text."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: set[str] = set()
        self.headings: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        section = dict(attrs).get("data-section-id")
        if section:
            self.sections.add(section)
        if tag == "h1":
            self._in_h1 = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.headings[-1] += data


@pytest.mark.slow
def test_docs_render_every_operation_offline(
    chromium: str, docs_server: str, document: dict[str, Any], tmp_path: Path
) -> None:
    page = _load(chromium, f"{docs_server}/docs", tmp_path)
    dom = _SwaggerDom()
    dom.feed(page.dom)
    assert sorted(dom.operations) == _operations(document)
    assert dom.authorize_buttons == 1
    requested = page.requested_by_page(docs_server)
    assert {
        f"{docs_server}/openapi.json",
        f"{docs_server}/static-offline-docs/swagger-ui-bundle.js",
        f"{docs_server}/static-offline-docs/swagger-ui.css",
    } <= requested
    assert {url for url in requested if not url.startswith(f"{docs_server}/")} == set()


@pytest.mark.slow
def test_redoc_renders_every_operation_offline(
    chromium: str, docs_server: str, document: dict[str, Any], tmp_path: Path
) -> None:
    page = _load(chromium, f"{docs_server}/redoc", tmp_path)
    dom = _ReDocDom()
    dom.feed(page.dom)
    assert any(document["info"]["title"] in heading for heading in dom.headings), dom.headings
    operation_ids = {
        operation["operationId"] for ops in document["paths"].values() for operation in ops.values()
    }
    assert len(operation_ids) == len(_operations(document))
    assert {f"operation/{operation_id}" for operation_id in operation_ids} <= dom.sections
    requested = page.requested_by_page(docs_server)
    assert {
        f"{docs_server}/openapi.json",
        f"{docs_server}/static-offline-docs/redoc.standalone.js",
    } <= requested
    assert {url for url in requested if not url.startswith(f"{docs_server}/")} == set()


class _Links(HTMLParser):
    """The URLs a page loads scripts and stylesheets from, and any other it links."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.others: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts.append(attributes["src"] or "")
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href") or "")
        else:
            self.others.extend(
                value or "" for name, value in attrs if name in ("src", "href", "spec-url")
            )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("page", "assets"),
    [
        ("/docs", {"swagger-ui-bundle.js", "swagger-ui.css"}),
        ("/redoc", {"redoc.standalone.js"}),
    ],
)
def test_pages_load_scripts_and_styles_from_the_service(
    docs_server: str, page: str, assets: set[str]
) -> None:
    response = httpx.get(f"{docs_server}{page}", timeout=10)
    assert response.status_code == 200
    # the browser may load nothing from another origin (ReDoc would fetch a logo)
    assert (
        response.headers["content-security-policy"]
        == "default-src 'self' 'unsafe-inline' data: blob:"
    )
    links = _Links()
    links.feed(response.text)
    loaded = [urljoin(f"{docs_server}{page}", url) for url in links.scripts + links.stylesheets]
    assert {url.rsplit("/", 1)[-1] for url in loaded} == assets
    for url in loaded + [urljoin(f"{docs_server}{page}", url) for url in links.others]:
        assert url.startswith(f"{docs_server}/"), url
    assert re.findall(r"https?://[^\s\"'<>]+", response.text) == []
    for url in loaded:
        asset = httpx.get(url, timeout=10)
        assert asset.status_code == 200, url
        text = asset.text
        assert _ASSET_URL.findall(text) == [], url
        assert [host for host in CDN_HOSTS if host in text] == [], url
        if url.endswith(".css"):
            assert "@import" not in text, url
            foreign = [u for u in _CSS_URL.findall(text) if re.match(r"(https?:)?//", u)]
            assert foreign == [], url
