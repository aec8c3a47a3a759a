"""What a presentation is bound to: the verifier's challenge context.

Every presentation commits, before anything else enters its transcript, to
the protocol version, the circuit id and hash, the verifier domain, the
verifier's nonce, the wallet address to be whitelisted, the chain id, the
date the verifier asserted as "today" and the admission horizon (the days past
today the credential is proven valid for). Verifying against any other value of
any of these fails, so a presentation lifted from one platform, one address
or one challenge is useless elsewhere.

Wallet addresses are EVM addresses: ``0x`` and 40 hex digits; a mixed-case
address must carry a valid EIP-55 checksum. They are bound in normalized
(lower-case) form; :func:`checksum_address` gives the EIP-55 form for display.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from Crypto.Hash import keccak as _keccak

from zkattest.errors import InvalidInputError
from zkattest.hazmat import labels
from zkattest.hazmat.transcript import Transcript

__all__ = [
    "HORIZON_STEPS",
    "MAX_CHAIN_ID",
    "MAX_HORIZON_DAYS",
    "PROTOCOL_VERSION",
    "PresentationContext",
    "checksum_address",
    "keccak256",
    "normalize_wallet_address",
    "parse_chain_id",
    "parse_horizon_days",
    "parse_verifier_domain",
]

PROTOCOL_VERSION = 1
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*")
#: The largest chain id accepted anywhere (library, settings, storage, API):
#: 2^53 - 1, which every JSON parser reads exactly and the database's BIGINT holds.
MAX_CHAIN_ID = 2**53 - 1
#: The longest admission horizon a challenge may carry, in days: a presentation
#: shows the credential valid for at most this long past the verifier's date.
MAX_HORIZON_DAYS: Final = 365
#: The admission horizons a challenge may ask for, in days (see :func:`parse_horizon_days`).
HORIZON_STEPS: Final = (0, 1, 7, 14, 30, 60, 90, 180, 365)


def keccak256(data: bytes) -> bytes:
    """Keccak-256, the pre-standard SHA-3 Ethereum uses (not ``hashlib.sha3_256``)."""
    return bytes(_keccak.new(digest_bits=256, data=data).digest())


def _eip55(body: str) -> str:
    """EIP-55: hex digit ``i`` of the lower-case address is upper-cased when nibble
    ``i`` of ``keccak256(ascii(lower-case address))`` is 8 or more."""
    nibbles = keccak256(body.encode("ascii")).hex()
    return "0x" + "".join(
        c.upper() if n >= "8" else c for c, n in zip(body, nibbles[:40], strict=True)
    )


def normalize_wallet_address(address: object) -> str:
    """The lower-case form of an EVM address; refuses a bad EIP-55 checksum."""
    if not isinstance(address, str) or not _ADDRESS.fullmatch(address):
        raise InvalidInputError("wallet address must be 0x followed by 40 hex digits")
    body = address[2:]
    lower = body.lower()
    if body != lower and body != body.upper() and _eip55(lower) != address:
        raise InvalidInputError("wallet address has an invalid EIP-55 checksum")
    return "0x" + lower


def parse_chain_id(chain_id: object) -> int:
    """An EIP-155 chain id: an ``int`` (not a bool) from 1 to :data:`MAX_CHAIN_ID`."""
    if type(chain_id) is not int or not 0 < chain_id <= MAX_CHAIN_ID:
        raise InvalidInputError(f"chain id must be an integer from 1 to 2^53 - 1 ({MAX_CHAIN_ID})")
    return chain_id


def parse_horizon_days(horizon_days: object) -> int:
    """An admission horizon: one of :data:`HORIZON_STEPS` (an ``int``, not a bool).

    The number of days past the verifier's date for which a presentation shows
    the credential valid (``expiry_date >= today + horizon_days``). Only these
    steps, so that a verifier that varies the horizon from one challenge to the
    next learns at most which of a few bands the credential's expiry date falls
    in, not the date (a wallet answers, or refuses, each challenge).
    """
    if type(horizon_days) is not int or horizon_days not in HORIZON_STEPS:
        steps = ", ".join(map(str, HORIZON_STEPS))
        raise InvalidInputError(f"the admission horizon must be one of {steps} days")
    return horizon_days


def parse_verifier_domain(domain: object) -> str:
    """A verifier domain: a lower-case DNS host name (labels of letters, digits and
    inner hyphens, 253 characters at most), with no scheme, port or path."""
    if not isinstance(domain, str) or _DOMAIN.fullmatch(domain) is None:
        raise InvalidInputError(
            "verifier domain must be a lower-case host name such as exchange.example "
            "(no scheme, port, path or spaces)"
        )
    return domain


def checksum_address(address: object) -> str:
    """The EIP-55 (mixed-case checksum) form of an EVM address, validated as
    :func:`normalize_wallet_address` does."""
    return _eip55(normalize_wallet_address(address)[2:])


@dataclass(frozen=True)
class PresentationContext:
    """The public inputs a presentation is bound to.

    ``horizon_days`` is the admission horizon: the circuit's expiry bound is
    raised to ``today + horizon_days`` (:meth:`zkattest.circuits.Circuit.resolve`).
    """

    circuit_id: str
    circuit_hash: bytes
    verifier_domain: str
    nonce: bytes
    wallet_address: str
    chain_id: int
    today: dt.date
    horizon_days: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.circuit_id, str) or not 0 < len(self.circuit_id) <= 128:
            raise InvalidInputError("circuit id must be a non-empty string")
        if not isinstance(self.circuit_hash, bytes) or len(self.circuit_hash) != 32:
            raise InvalidInputError("circuit hash must be 32 bytes")
        parse_verifier_domain(self.verifier_domain)
        if not isinstance(self.nonce, bytes) or not 16 <= len(self.nonce) <= 64:
            raise InvalidInputError("nonce must be 16 to 64 bytes")
        object.__setattr__(self, "wallet_address", normalize_wallet_address(self.wallet_address))
        parse_chain_id(self.chain_id)
        if type(self.today) is not dt.date:
            raise InvalidInputError("today must be a date")
        parse_horizon_days(self.horizon_days)

    def bind(self, transcript: Transcript) -> None:
        """Append every field, labelled, in a fixed order: the first thing a proof absorbs."""
        transcript.append_u64(labels.PROTOCOL_VERSION, PROTOCOL_VERSION)
        transcript.append_message(labels.CIRCUIT_ID, self.circuit_id.encode())
        transcript.append_message(labels.CIRCUIT_HASH, self.circuit_hash)
        transcript.append_message(labels.VERIFIER_DOMAIN, self.verifier_domain.encode())
        transcript.append_message(labels.NONCE, self.nonce)
        transcript.append_message(labels.WALLET_ADDRESS, self.wallet_address.encode())
        transcript.append_u64(labels.CHAIN_ID, self.chain_id)
        transcript.append_message(labels.VERIFIER_DATE, self.today.isoformat().encode())
        transcript.append_u64(labels.ADMISSION_HORIZON, self.horizon_days)
