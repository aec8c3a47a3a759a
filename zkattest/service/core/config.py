"""Service settings, from the environment (``ZKATTEST_*``) through pydantic-settings.

Every setting has a default that runs a local demo with no set-up: a SQLite
file in the working directory, receipt keys generated on first start, no
admin token (admin endpoints then answer 401 to everyone).

:func:`load_settings` reads and checks them all before anything starts: a bad
value raises :class:`ConfigError` whose message has one line per problem,
naming the variable and what is wrong (never echoing a secret), and
:func:`unknown_variables` lists ``ZKATTEST_*`` variables that are no setting
(a misspelled ``ZKATTEST_TRUSTED_ISSUER`` would otherwise trust no one).
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Final, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from zkattest import IssuerPublicKey
from zkattest.circuits import CircuitRegistry
from zkattest.context import (
    MAX_HORIZON_DAYS,
    normalize_wallet_address,
    parse_horizon_days,
    parse_verifier_domain,
)
from zkattest.errors import InvalidInputError, ZkAttestError
from zkattest.service.core.logs import LogFormat, LogLevel
from zkattest.service.receipts import parse_audience
from zkattest.service.storage.engine import parse_database_url
from zkattest.service.storage.errors import StorageError

__all__ = [
    "ENV_PREFIX",
    "LIBRARY_VARIABLES",
    "MIN_ADMIN_TOKEN_LENGTH",
    "ConfigError",
    "Settings",
    "load_settings",
    "unknown_variables",
]

ENV_PREFIX: Final = "ZKATTEST_"
#: The most seats per person a platform may configure.
MAX_SEATS_PER_PERSON: Final = 16
#: The shortest admin token accepted (a guessable one fails start-up).
MIN_ADMIN_TOKEN_LENGTH: Final = 32

#: Variables of the library (not service settings) that share the prefix.
LIBRARY_VARIABLES: Final = frozenset({"ZKATTEST_BACKEND", "ZKATTEST_CIRCUITS_DIR"})
#: Settings whose value is not repeated in an error message: secrets (a database
#: URL may hold a password) and file lists (the message names the file).
_QUIET_FIELDS: Final = frozenset({"admin_token", "database_url", "trusted_issuers"})
_MAX_KEY_FILE: Final = 64 * 1024


_T = TypeVar("_T")


def _checked(parse: Callable[[Any], _T], value: object, subject: str, hint: str = "") -> _T:
    """``parse(value)``, its error worded for a setting (the subject is the variable's name)."""
    try:
        return parse(value)
    except InvalidInputError as exc:
        raise ValueError(str(exc).removeprefix(subject) + hint) from None


class ConfigError(ZkAttestError):
    """The service's settings are unusable; the message says which and why."""


class IssuerGrant(BaseModel):
    """What a configured issuer key is trusted for: schema ids and roles."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schemas: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}/v[1-9][0-9]{0,5}$")]] = (
        Field(default=["investor/v1"], min_length=1, max_length=8)
    )
    roles: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]] = Field(
        default=[], max_length=8
    )


class Settings(BaseSettings):
    """Configuration of one verifier service process (bounds are checked)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    #: ``sqlite:///path`` (default, zero set-up) or ``postgresql+psycopg://...``
    database_url: str = "sqlite:///./zkattest.sqlite3"
    #: Issuer public-key JSON files (as written by ``zkattest issuer keygen``),
    #: separated by the OS path separator or commas.
    trusted_issuers: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    #: The platform's own circuit TOML files, served beside the built-in ones
    #: (each ``<id>.toml`` with an id of its own), separated by the OS path
    #: separator or commas. Wallets need the same files to answer their challenges.
    circuit_files: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    #: What each configured issuer key is trusted for, as a JSON object by key
    #: id: ``{"<key_id>": {"schemas": ["accreditation/v1"], "roles":
    #: ["accreditation_verifier"]}}``. A configured key not named here is
    #: trusted for investor/v1 only, in no role.
    issuer_grants: Annotated[dict[str, IssuerGrant], NoDecode] = Field(default_factory=dict)
    #: Bearer token for the admin endpoints (at least 32 characters, no
    #: whitespace); unset disables them.
    admin_token: SecretStr | None = None
    #: The domain presentations are bound to (a lower-case host name).
    verifier_domain: str = "localhost"
    #: Ed25519 + secp256k1 receipt keys; generated (mode 0600) if absent.
    receipt_key_path: Path = Path("./zkattest-receipt-keys.json")
    #: The whitelist contract EIP-712 receipts are signed for (its address is
    #: in their domain); unset, admissions carry no EIP-712 receipt.
    eip712_verifying_contract: str | None = None
    #: Who the JWS receipts are for (their ``aud`` claim, e.g. the platform's
    #: back end); default: the verifier domain.
    receipt_audience: str | None = None
    #: How long a challenge may be answered.
    challenge_lifetime_seconds: int = Field(default=300, ge=10, le=3600)
    #: Days an admission lasts: presentations must prove the credential valid
    #: until the challenge's date plus this many days.
    admission_horizon_days: int = Field(default=30, ge=1, le=MAX_HORIZON_DAYS)
    #: Presentations verified at once, each on its own thread, off the event loop.
    verify_concurrency: int = Field(default=2, ge=1, le=64)
    #: Presentations that may wait for a verification slot; beyond, 503 + Retry-After.
    verify_queue: int = Field(default=16, ge=0, le=10_000)
    #: Seconds between purges of expired challenges and old audit events (per process).
    purge_interval_seconds: int = Field(default=3600, ge=1, le=7 * 86400)
    #: Days audit events are kept.
    audit_retention_days: int = Field(default=400, ge=1, le=3650)
    #: Largest request body accepted, in bytes.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=1024 * 1024)
    #: Seconds a request body may take to arrive once the service reads it (408 after).
    body_timeout_seconds: int = Field(default=30, ge=1, le=300)
    #: Requests per minute per client on the challenge and presentation endpoints.
    rate_limit_per_minute: int = Field(default=600, ge=1, le=1_000_000)
    #: Refused presentations after which a challenge is burned (consumed with no
    #: admission): one challenge buys this many verifications, not unlimited ones.
    max_refused_presentations: int = Field(default=3, ge=1, le=100)
    #: Failed admin attempts a client may make per minute before its admin
    #: requests are answered 429 (right token or not) until the budget refills.
    admin_failures_per_minute: int = Field(default=10, ge=1, le=10_000)
    #: Proxies whose X-Forwarded-For / Forwarded headers name the client (IP
    #: addresses or networks, comma-separated); none by default: the client is
    #: the address the connection came from.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: Live wallets one person (one pseudonym) may hold on this platform at once.
    seats_per_person: int = Field(default=1, ge=1, le=MAX_SEATS_PER_PERSON)
    #: JSON-RPC endpoints by chain id, for contract wallets' EIP-1271 signature
    #: checks, as a JSON object: ``{"1": "https://node.example"}``. A chain with
    #: none admits externally owned accounts only.
    wallet_rpc_urls: Annotated[dict[int, str], NoDecode] = Field(default_factory=dict)
    #: The oldest registry state a revocable credential may be proven in, in
    #: seconds before its challenge (issuers whose registry this verifier follows).
    max_registry_state_age_seconds: int = Field(default=86_400, ge=60, le=30 * 86_400)
    #: The longest an admission lasts before the wallet proves again (so a
    #: revoked person drops off the whitelist within it), in seconds.
    reproof_interval_seconds: int = Field(default=7 * 86_400, ge=3600, le=366 * 86_400)
    #: How long before an admission ends its re-proof is due (shown as such), in seconds.
    reproof_notice_seconds: int = Field(default=86_400, ge=0, le=30 * 86_400)
    #: Where the admin pull fetches each trusted issuer's registry states, as a
    #: JSON object by key id: ``{"<key_id>": "https://issuer.example/registry"}``.
    registry_urls: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    #: ``text`` or ``json`` (one object per line).
    log_format: LogFormat = "text"
    #: ``debug``, ``info``, ``warning`` or ``error``.
    log_level: LogLevel = "info"

    @field_validator("trusted_issuers", "circuit_files", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for chunk in value.split(",") for p in chunk.split(os.pathsep)]
            return [p for p in parts if p]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [p.strip() for p in value.split(",") if p.strip()]
        return value

    @field_validator("wallet_rpc_urls", mode="before")
    @classmethod
    def _rpc_urls_json(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ValueError('must be a JSON object such as {"1": "https://node"}') from None
        return value

    @field_validator("wallet_rpc_urls")
    @classmethod
    def _rpc_urls(cls, value: dict[int, str]) -> dict[int, str]:
        for chain_id, url in value.items():
            if not 1 <= chain_id < 2**64:
                raise ValueError(f"chain id {chain_id} is not 1 to 2^64-1")
            if not (url.startswith("http://") or url.startswith("https://")) or len(url) > 2048:
                raise ValueError(f"the RPC endpoint for chain {chain_id} must be an http(s) URL")
        return value

    @field_validator("registry_urls", mode="before")
    @classmethod
    def _registry_urls_json(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ValueError(
                    'must be a JSON object such as {"<key_id>": "https://issuer.example/registry"}'
                ) from None
        return value

    @field_validator("registry_urls")
    @classmethod
    def _registry_urls(cls, value: dict[str, str]) -> dict[str, str]:
        for key_id, url in value.items():
            if re.fullmatch(r"[0-9a-f]{32}", key_id) is None:
                raise ValueError(f"{key_id!r} is not an issuer key id (32 lower-case hex digits)")
            if not (url.startswith("http://") or url.startswith("https://")) or len(url) > 2048:
                raise ValueError(f"the registry URL of {key_id} must be an http(s) URL")
        return value

    @field_validator("reproof_notice_seconds")
    @classmethod
    def _notice(cls, value: int, info: ValidationInfo) -> int:
        interval = info.data.get("reproof_interval_seconds")
        if interval is not None and value >= interval:
            raise ValueError("must be shorter than ZKATTEST_REPROOF_INTERVAL_SECONDS")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        for proxy in value:
            if proxy == "*":
                raise ValueError("'*' would trust everyone to say who the client is")
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"{proxy!r} is not an IP address or network") from None
        return value

    @field_validator("issuer_grants", mode="before")
    @classmethod
    def _grants_json(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ValueError(
                    'must be a JSON object such as {"<key_id>": {"schemas": ["investor/v1"],'
                    ' "roles": ["kyc_provider"]}}'
                ) from None
        return value

    @field_validator("issuer_grants")
    @classmethod
    def _grants_name_configured_keys(
        cls, value: dict[str, IssuerGrant], info: ValidationInfo
    ) -> dict[str, IssuerGrant]:
        if "trusted_issuers" not in info.data or "circuit_files" not in info.data:
            return value  # those settings are refused already, with their own message
        configured = {read_issuer_key(path).key_id for path in info.data["trusted_issuers"]}
        if stray := sorted(set(value) - configured):
            raise ValueError(
                f"names key id(s) {', '.join(stray)} that ZKATTEST_TRUSTED_ISSUERS does not list"
            )
        known = circuit_registry(info.data["circuit_files"]).schemas.ids()
        for key_id, grant in value.items():
            if unknown := sorted(set(grant.schemas) - set(known)):
                raise ValueError(
                    f"{key_id}: unknown schema(s) {', '.join(unknown)}; known: {', '.join(known)}"
                )
        return value

    def issuer_grant(self, key_id: str) -> IssuerGrant:
        """What the configured issuer key ``key_id`` is trusted for."""
        return self.issuer_grants.get(key_id, IssuerGrant())

    @field_validator("trusted_issuers")
    @classmethod
    def _issuer_files(cls, value: list[Path]) -> list[Path]:
        for path in value:
            read_issuer_key(path)
        return value

    @field_validator("circuit_files")
    @classmethod
    def _circuit_files(cls, value: list[Path]) -> list[Path]:
        circuit_registry(value)
        return value

    def circuits(self) -> CircuitRegistry:
        """The circuits this verifier challenges for: the built-in ones and
        :attr:`circuit_files`."""
        return circuit_registry(self.circuit_files)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            parse_database_url(value)
        except StorageError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("verifier_domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        return _checked(parse_verifier_domain, value, "verifier domain ")

    @field_validator("eip712_verifying_contract")
    @classmethod
    def _contract(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return _checked(
            normalize_wallet_address, value, "wallet address ", " (a 20-byte hex address)"
        )

    @field_validator("admission_horizon_days")
    @classmethod
    def _horizon(cls, value: int) -> int:
        return _checked(parse_horizon_days, value, "the admission horizon ")

    @field_validator("receipt_audience")
    @classmethod
    def _audience(cls, value: str | None) -> str | None:
        return None if value is None else _checked(parse_audience, value, "audience ")

    @property
    def audience(self) -> str:
        """The ``aud`` of the JWS receipts."""
        return self.receipt_audience or self.verifier_domain

    @field_validator("admin_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        token = value.get_secret_value()
        if not token.strip():
            raise ValueError("is empty; unset it to disable the admin endpoints")
        if any(c.isspace() for c in token):
            raise ValueError("must hold no whitespace (it is sent as a bearer token)")
        if len(token) < MIN_ADMIN_TOKEN_LENGTH:
            raise ValueError(
                f"must be at least {MIN_ADMIN_TOKEN_LENGTH} characters; make one with "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value


class _FromMapping(Settings):
    """Settings from the values given only: :func:`load_settings` has already
    picked them out of its mapping, which need not be the process environment."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def circuit_registry(paths: list[Path]) -> CircuitRegistry:
    """The built-in circuits and the circuit files at ``paths``; ``ValueError``
    naming the file and what is wrong with it otherwise."""
    registry = CircuitRegistry()
    for path in paths:
        try:
            registry.add_file(path)
        except ZkAttestError as exc:
            raise ValueError(str(exc)) from None
    return registry


def read_issuer_key(path: Path) -> IssuerPublicKey:
    """The issuer public key in the JSON file at ``path``; ``ValueError`` saying
    what is wrong otherwise (missing, unreadable, a secret key, malformed)."""
    try:
        if path.stat().st_size > _MAX_KEY_FILE:
            raise ValueError(f"{path}: larger than {_MAX_KEY_FILE} bytes; not a key file")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{path}: is a directory, not an issuer key file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if isinstance(document, dict) and "secret_key" in document:
        raise ValueError(
            f"{path}: holds an issuer SECRET key; give the public key file "
            "(zkattest issuer keygen --public-out) and keep the secret with the issuer"
        )
    try:
        return IssuerPublicKey.from_json(text)
    except ZkAttestError as exc:
        raise ValueError(f"{path}: not an issuer public key ({exc})") from None


def _variable(field: str) -> str:
    return ENV_PREFIX + field.upper()


def _describe(error: Mapping[str, object]) -> str:
    location = error.get("loc") or ("?",)
    field = str(location[0]) if isinstance(location, tuple) else "?"
    message = str(error.get("msg", "invalid"))
    message = message.removeprefix("Value error, ").replace("Input should be", "must be")
    if error.get("type") in {"int_parsing", "int_type", "int_from_float"}:
        message = "must be a whole number"
    info = Settings.model_fields.get(field)
    bounds = []
    for constraint in info.metadata if info is not None else ():
        for name, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if (bound := getattr(constraint, name, None)) is not None:
                bounds.append(f"{sign} {bound}")
    if bounds and error.get("type") in {
        "int_parsing",
        "int_type",
        "int_from_float",
        "greater_than_equal",
        "less_than_equal",
        "greater_than",
        "less_than",
    }:
        message = f"must be a whole number {' and '.join(bounds)}"
    shown = ""
    if field not in _QUIET_FIELDS and isinstance(error.get("input"), str | int):
        shown = f" (got {str(error['input'])[:80]!r})"
    return f"{_variable(field)}: {message}{shown}"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from ``environ`` (default: the process environment), all
    checked; :class:`ConfigError` with one line per bad variable otherwise."""
    env = os.environ if environ is None else environ
    # Strings, as in the environment: the fields' validators parse them.
    values: dict[str, Any] = {
        name: env[_variable(name)] for name in Settings.model_fields if _variable(name) in env
    }
    try:
        return _FromMapping(**values)
    except ValidationError as exc:
        lines = [_describe(error) for error in exc.errors(include_url=False)]
        raise ConfigError("\n".join(dict.fromkeys(lines))) from None


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each ``ZKATTEST_*`` variable that is no setting, with the
    setting it most resembles."""
    env = os.environ if environ is None else environ
    known = {_variable(name) for name in Settings.model_fields} | LIBRARY_VARIABLES
    warnings = []
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or name in known:
            continue
        if name.startswith(
            ("ZKATTEST_TEST_", "ZKATTEST_REQUIRE_", "ZKATTEST_PG_", "ZKATTEST_CHROMIUM")
        ):
            continue  # the test suite's own switches
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]}?" if close else ""
        warnings.append(f"{name} is not a zkattest setting and is ignored{hint}")
    return warnings
