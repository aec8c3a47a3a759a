"""Service settings, from the environment (``ZKATTEST_*``) through pydantic-settings.

Every setting has a default that runs a local demo with no set-up: a SQLite
file in the working directory, receipt keys generated on first start, no
admin token (admin endpoints then answer 401 to everyone).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Configuration of one verifier service process."""

    model_config = SettingsConfigDict(env_prefix="ZKATTEST_", extra="ignore")

    #: ``sqlite:///path`` (default, zero set-up) or ``postgresql+psycopg://...``
    database_url: str = "sqlite:///./zkattest.sqlite3"
    #: Issuer public-key JSON files (as written by ``zkattest issuer keygen``),
    #: separated by the OS path separator or commas.
    trusted_issuers: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    #: Bearer token for the admin endpoints; unset disables them.
    admin_token: SecretStr | None = None
    #: The domain presentations are bound to (a lower-case host name).
    verifier_domain: str = "localhost"
    #: Ed25519 + secp256k1 receipt keys; generated (mode 0600) if absent.
    receipt_key_path: Path = Path("./zkattest-receipt-keys.json")
    #: Optional whitelist contract address in the EIP-712 domain.
    eip712_verifying_contract: str | None = None
    #: How long a challenge may be answered.
    challenge_lifetime_seconds: int = Field(default=300, ge=10, le=3600)
    #: Largest request body accepted, in bytes.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=1024 * 1024)
    #: Requests per minute per client on the challenge and presentation endpoints.
    rate_limit_per_minute: int = Field(default=600, ge=1, le=1_000_000)

    @field_validator("trusted_issuers", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for chunk in value.split(",") for p in chunk.split(os.pathsep)]
            return [p for p in parts if p]
        return value

    @field_validator("verifier_domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        if not value or value != value.lower() or "/" in value or " " in value:
            raise ValueError("verifier_domain must be a lower-case host name")
        return value
