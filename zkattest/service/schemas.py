"""HTTP request and response models (the only pydantic models; the library's wire
objects are converted at this boundary)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from zkattest.context import MAX_CHAIN_ID
from zkattest.service.wallet import MAX_MESSAGE_CHARS, MAX_SIGNATURE_CHARS

WALLET_EXAMPLE = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
#: An EVM address as the API takes it: any case; a mixed-case one must also pass
#: its EIP-55 checksum, which a pattern cannot say (a wrong one is a 400 problem).
ADDRESS_PATTERN = r"^0x[0-9a-fA-F]{40}$"
_HEX32 = r"^[0-9a-f]{64}$"
# MAX_CHAIN_ID (zkattest.context): the largest integer every JSON parser reads
# exactly (RFC 7493 §2.2), and the bound of the library and storage as well.
#: The BBS ciphersuites an issuer key may name (``zkattest.hazmat.bbs.SUITES``).
SuiteName = Literal["BLS12-381-SHA-256", "BLS12-381-SHAKE-256"]


def _json_integer(value: object) -> object:
    """JSON has one number type: ``1.0`` and ``1e3`` are integers, as JSON Schema's
    ``integer`` says; ``1.5``, ``"1"`` and ``true`` are not (a ``Literal[1]`` alone
    would take ``true``)."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Strict(BaseModel):
    """Request bodies: no unknown fields, no coercion (``"1"`` or ``true`` is not an int)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ChallengeCreate(_Strict):
    """Ask for a challenge: which circuit, for which wallet on which chain."""

    circuit_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="one of the ids GET /v1/circuits lists (another: 404 unknown-circuit)",
        examples=["accredited_investor_506c"],
    )
    wallet_address: str = Field(
        pattern=ADDRESS_PATTERN,
        description="an EVM address; if mixed-case, its EIP-55 checksum must be right",
        examples=[WALLET_EXAMPLE],
    )
    chain_id: Annotated[int, BeforeValidator(_json_integer)] = Field(
        gt=0,
        le=MAX_CHAIN_ID,
        description="the EIP-155 chain id, at most 2^53 - 1 (read exactly by every JSON parser)",
        examples=[1],
    )


class ChallengePublic(BaseModel):
    """A challenge, exactly the JSON ``zkattest holder prove --challenge`` reads."""

    type: Literal["zkattest/challenge"]
    version: Literal[1]
    challenge_id: str
    nonce: str = Field(description="32 random bytes, hex")
    verifier_domain: str
    circuit_id: str
    circuit_hash: str = Field(pattern=_HEX32)
    circuit_params: dict[str, int]
    wallet_address: str = Field(description="lower-case")
    chain_id: int
    today: str = Field(description="the verifier's date for relative-date predicates")
    horizon_days: int = Field(
        description="the admission horizon: the presentation proves the credential valid "
        "through today + horizon_days, and the admission lasts as long"
    )
    expires_at: str = Field(description="RFC 3339 UTC")


class WalletSignature(_Strict):
    """The wallet's EIP-4361 sign-in message for the challenge and its signature."""

    message: str = Field(
        min_length=1,
        max_length=MAX_MESSAGE_CHARS,
        description="the EIP-4361 (Sign-In with Ethereum) message: the verifier's domain,"
        " the wallet address, the chain id, the challenge's nonce (hex), Issued At and"
        " an Expiration Time not after the challenge's",
    )
    signature: str = Field(
        min_length=2,
        max_length=MAX_SIGNATURE_CHARS,
        pattern=r"^0x([0-9a-fA-F]{2})*$",
        description="personal_sign (EIP-191) by the wallet's key, or what its contract"
        " accepts (EIP-1271), 0x-prefixed hex",
    )


class PresentationCreate(_Strict):
    """Answer a challenge with the presentation ``zkattest holder prove`` wrote,
    the wallet's signed sign-in message, and (to move a seat) the wallet to release."""

    challenge_id: str = Field(min_length=1, max_length=64)
    wallet_signature: WalletSignature | None = Field(
        default=None,
        description="required: a submission without it is refused (403, reason missing)",
    )
    release_wallet: str | None = Field(
        default=None,
        min_length=42,
        max_length=42,
        description="a wallet of the same person to drop from the whitelist in the same"
        " step (moving a seat to this challenge's wallet)",
    )
    presentation: dict[str, Any] = Field(
        description="the zkattest/presentation JSON object",
        examples=[
            {
                "type": "zkattest/presentation",
                "version": 1,
                "challenge_id": "...",
                "circuit_id": "accredited_investor_506c",
                "circuit_hash": "...",
                "wallet_address": WALLET_EXAMPLE.lower(),
                "chain_id": 1,
                "issuer_key_id": "...",
                "disclosed": {},
                "proof": "<base64>",
            }
        ],
    )


class AdmissionPublic(BaseModel):
    """A live whitelist admission."""

    admission_id: str
    wallet_address: str
    chain_id: int
    circuit_id: str
    circuit_hash: str
    issuer_key_id: str
    admitted_at: str
    expires_at: str
    reproof_due_at: str = Field(
        description="from then on the wallet should prove again to stay on the whitelist past"
        " expires_at (the admission lasts at most ZKATTEST_REPROOF_INTERVAL_SECONDS, so a"
        " revoked credential drops off within it)"
    )
    pseudonym: str | None = Field(
        default=None,
        description="the holder's pseudonym on this platform (hex): one per person here,"
        " unrelated to its pseudonyms elsewhere; never an attribute",
    )


class AdmissionStatus(BaseModel):
    """Where an admission stands: what a receipt's holder may ask at any time."""

    admission_id: str
    status: Literal["live", "reproof_due", "expired", "revoked"]
    expires_at: str


class Eip712Receipt(BaseModel):
    domain: dict[str, Any]
    types: dict[str, Any]
    primaryType: str  # noqa: N815 - the EIP-712 field name
    message: dict[str, Any]
    signature: str
    signer: str


class ReceiptPublic(BaseModel):
    jws: str = Field(description="compact JWS (EdDSA), keys at /.well-known/jwks.json")
    eip712: Eip712Receipt | None = Field(
        description="EIP-712 typed data signed for the whitelist contract; null while "
        "the service has no contract configured (ZKATTEST_EIP712_VERIFYING_CONTRACT)"
    )


class AdmissionCreated(BaseModel):
    admission: AdmissionPublic
    receipt: ReceiptPublic


class WhitelistPublic(BaseModel):
    """The live admissions of an address (admin)."""

    wallet_address: str
    admissions: list[AdmissionPublic]


class WhitelistStatus(BaseModel):
    """The answer to anyone: the address is admitted for the circuit named."""

    wallet_address: str
    circuit_id: str
    admitted: Literal[True]


class PseudonymRevoked(BaseModel):
    pseudonym: str
    revoked: int


class RevokedPublic(BaseModel):
    wallet_address: str
    revoked: int


class CircuitPublic(BaseModel):
    id: str
    version: int
    schema_id: str = Field(description="the schema of its (first) credential")
    credentials: list[dict[str, Any]] = Field(
        description="each credential it reads, in order: name, schema_id and issuer_roles"
    )
    circuit_hash: str
    description: str
    definition: dict[str, Any]


class IssuerPublic(BaseModel):
    key_id: str
    suite: str
    public_key: str
    source: str
    schemas: list[str] = Field(description="the credential schemas it is trusted to sign")
    roles: list[str] = Field(description="the roles it is trusted in (circuits may name them)")
    disabled_at: str | None = Field(
        default=None, description="when it stopped being trusted; null while trusted"
    )


class IssuerDisabled(BaseModel):
    """An issuer no longer trusted, and how many live admissions that revoked."""

    issuer: IssuerPublic
    revoked_admissions: int


#: A schema id (``investor/v1``) or an issuer role (``kyc_provider``).
SchemaId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}/v[1-9][0-9]{0,5}$")]
RoleName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class RegistryStateDocument(_Strict):
    """An issuer's signed revocation registry state, as ``zkattest issuer publish``
    writes it (:class:`zkattest.revocation.RegistryState`): anyone may relay it;
    the service checks the issuer's signature."""

    type: Literal["zkattest/registry-state"]
    version: Annotated[Literal[1], BeforeValidator(_json_integer)]
    issuer_key_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    accumulator_key: str = Field(pattern=r"^[0-9a-f]{192}$")
    epoch: Annotated[int, BeforeValidator(_json_integer)] = Field(ge=0, le=2**53 - 1)
    value: str = Field(pattern=r"^[0-9a-f]{96}$")
    issued_at: str = Field(max_length=32)
    removed: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(max_length=100_000)
    omega: list[Annotated[str, Field(pattern=r"^[0-9a-f]{96}$")]] = Field(max_length=100_000)
    signature: str = Field(pattern=r"^[0-9a-f]{160}$")


class RegistryStateStored(BaseModel):
    """A registry state as the service keeps it."""

    issuer_key_id: str
    epoch: int
    issued_at: str
    received_at: str
    created: bool = Field(description="false: the service had this state already")


class RegistryPulled(BaseModel):
    """What an admin pull stored."""

    issuer_key_id: str
    stored: int = Field(description="states new to the service")
    latest_epoch: int


class IssuerCreate(_Strict):
    """An issuer public key, as ``zkattest issuer keygen --public-out`` writes it,
    and what the platform trusts it for: ``schemas`` (default ``["investor/v1"]``)
    and ``roles`` (default none)."""

    type: Literal["zkattest/issuer-public-key"]
    version: Annotated[Literal[1], BeforeValidator(_json_integer)]
    suite: SuiteName
    key_id: str = Field(
        pattern=r"^[0-9a-f]{32}$",
        description="the first 16 bytes of SHA-256 over the suite and the key, hex",
    )
    public_key: str = Field(
        pattern=r"^[0-9a-f]{192}$",
        description="the 96-byte compressed G2 point, lower-case hex; it must be a valid key",
    )
    schemas: list[SchemaId] = Field(
        default=["investor/v1"],
        min_length=1,
        max_length=8,
        description="the credential schemas the key is trusted to sign; each must be known",
    )
    roles: list[RoleName] = Field(
        default=[],
        max_length=8,
        description="the roles the platform trusts it in (kyc_provider, accreditation_verifier)",
    )


class Health(BaseModel):
    """Liveness."""

    status: Literal["ok"]
    version: str


class Ready(BaseModel):
    """Readiness: the database took a write."""

    status: Literal["ready"]
    database: Literal["writable"]


class ProblemDetails(BaseModel):
    """An RFC 9457 problem: the ``application/problem+json`` body of every error."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["urn:zkattest:problem:challenge-not-found"])
    title: str
    status: int = Field(ge=400, le=599)
    detail: str | None = None
    instance: str | None = None
    reason: str | None = Field(default=None, description="presentation-refused: why")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="invalid-request: the fields that do not match, as loc and msg"
    )
