"""Wallet control: the EIP-4361 sign-in message and its signature, checked.

A presentation proves the holder eligible; admission also needs the wallet's
key. The wallet signs the EIP-4361 (Sign-In with Ethereum) message for the
challenge (:func:`zkattest.signin.sign_in_message`), and :func:`check` parses
it with the ``siwe`` library, requires every field the challenge fixes (the
verifier's domain, the wallet address, the chain id, the challenge's nonce, an
issue time not in the future and an expiry not after the challenge's) and
checks the signature: for an externally owned account by EIP-191 recovery
(``siwe`` through ``eth-account``); for a contract wallet by EIP-1271
``isValidSignature``, called through the JSON-RPC endpoint the platform
configures for that chain (``ZKATTEST_WALLET_RPC_URLS``). A refusal names its
reason (:class:`WalletSignatureRefused`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import siwe
from eth_account.messages import encode_defunct
from siwe.siwe import check_contract_wallet_signature
from web3 import HTTPProvider, Web3

from zkattest import Challenge
from zkattest.context import normalize_wallet_address
from zkattest.errors import ZkAttestError
from zkattest.signin import RELEASE_RESOURCE

__all__ = ["MAX_MESSAGE_CHARS", "MAX_SIGNATURE_CHARS", "WalletSignatureRefused", "check"]

#: The longest sign-in message read (the one we ask for is about 450 characters).
MAX_MESSAGE_CHARS = 2048
#: The longest signature read: 65 bytes for an EOA, more for some contract wallets.
MAX_SIGNATURE_CHARS = 8192
#: How far the wallet's "Issued At" may be ahead of the service's clock.
CLOCK_SKEW = dt.timedelta(seconds=60)
_SIGNATURE = re.compile(r"0x(?:[0-9a-fA-F]{2})*")
_RPC_TIMEOUT_SECONDS = 5


class WalletSignatureRefused(ZkAttestError):  # noqa: N818 - a refusal, with its reason
    """The wallet's sign-in message or signature is refused; ``reason`` says why:
    ``missing``, ``malformed``, ``domain_mismatch``, ``address_mismatch``, ``chain_mismatch``,
    ``nonce_mismatch``, ``not_yet_valid``, ``expired``, ``signature_invalid``,
    ``release_mismatch`` (the submission's ``release_wallet`` is not the one the
    message names), or
    ``rpc_unavailable`` (a contract wallet could not be asked)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def _parse(message: object) -> siwe.SiweMessage:
    if not isinstance(message, str) or not 0 < len(message) <= MAX_MESSAGE_CHARS:
        raise WalletSignatureRefused(
            "malformed", f"the sign-in message must be 1 to {MAX_MESSAGE_CHARS} characters"
        )
    try:
        # siwe's regular-expression parser of the EIP-4361 grammar: its ABNF
        # parser accepts the same messages at about 30 times the cost (15 ms)
        return siwe.SiweMessage.from_message(message, abnf=False)
    except Exception:
        raise WalletSignatureRefused(
            "malformed", "the sign-in message is not an EIP-4361 message"
        ) from None


def _time(value: object) -> dt.datetime | None:
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.utcoffset() is not None else parsed.replace(tzinfo=dt.UTC)


def check(
    challenge: Challenge,
    message: object,
    signature: object,
    *,
    now: dt.datetime,
    rpc_urls: Mapping[int, str] | None = None,
) -> str | None:
    """Check the wallet's EIP-4361 ``message`` and ``signature`` for ``challenge``
    at ``now``; :class:`WalletSignatureRefused` naming the reason (``missing``
    when there is no message or signature). Returns the wallet whose seat the
    signed message releases (its ``urn:zkattest:release-wallet:`` resource), if any."""
    if message is None or signature is None:
        raise WalletSignatureRefused(
            "missing", "admission needs the wallet's signed EIP-4361 sign-in message"
        )
    parsed = _parse(message)
    if (
        parsed.domain != challenge.verifier_domain
        or parsed.scheme not in (None, "https")
        or parsed.uri.rstrip("/") != f"https://{challenge.verifier_domain}"
    ):
        raise WalletSignatureRefused("domain_mismatch", "the message names another domain")
    if normalize_wallet_address(parsed.address) != challenge.wallet_address:
        raise WalletSignatureRefused("address_mismatch", "the message names another wallet")
    if parsed.chain_id != challenge.chain_id:
        raise WalletSignatureRefused("chain_mismatch", "the message names another chain id")
    if parsed.nonce != challenge.nonce.hex():
        raise WalletSignatureRefused("nonce_mismatch", "the message carries another nonce")
    try:
        issued_at, expires = _time(parsed.issued_at), _time(parsed.expiration_time)
        not_before = _time(parsed.not_before)
    except ValueError:
        raise WalletSignatureRefused("malformed", "the message's times are not RFC 3339") from None
    if expires is None:
        raise WalletSignatureRefused("malformed", "the message must carry an Expiration Time")
    if (
        issued_at is None
        or issued_at > now + CLOCK_SKEW
        or (not_before is not None and not_before > now)
    ):
        raise WalletSignatureRefused("not_yet_valid", "the message is not valid yet")
    if expires <= now or expires > challenge.expires_at:
        raise WalletSignatureRefused(
            "expired", "the message has expired, or outlives its challenge"
        )
    released = _released(parsed, challenge)
    if not isinstance(signature, str) or not (
        len(signature) <= MAX_SIGNATURE_CHARS and _SIGNATURE.fullmatch(signature)
    ):
        raise WalletSignatureRefused("malformed", "the signature must be 0x-prefixed hex")
    try:  # an externally owned account: EIP-191 recovery
        parsed.verify(signature, timestamp=now)
        return released
    except Exception:  # noqa: S110 - any failure: not the EOA's signature
        pass
    url = (rpc_urls or {}).get(challenge.chain_id)
    if url is None:
        raise WalletSignatureRefused(
            "signature_invalid", "the signature is not the wallet's over this message"
        )
    # a contract wallet: EIP-1271 isValidSignature, through the platform's node
    w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": _RPC_TIMEOUT_SECONDS}))
    try:
        valid = check_contract_wallet_signature(
            address=parsed.address,
            message=encode_defunct(text=parsed.prepare_message()),
            signature=signature,
            w3=w3,
        )
    except Exception:
        raise WalletSignatureRefused(
            "rpc_unavailable", "the wallet contract could not be asked (EIP-1271)"
        ) from None
    if not valid:
        raise WalletSignatureRefused(
            "signature_invalid", "the signature is not the wallet's over this message"
        )
    return released


def _released(parsed: siwe.SiweMessage, challenge: Challenge) -> str | None:
    """The wallet a release resource names; ``malformed`` for any other resource,
    more than one, or the wallet being admitted."""
    resources = list(parsed.resources or [])
    if not resources:
        return None
    if len(resources) != 1 or not str(resources[0]).startswith(RELEASE_RESOURCE):
        raise WalletSignatureRefused("malformed", "the message carries unknown resources")
    try:
        released = normalize_wallet_address(str(resources[0])[len(RELEASE_RESOURCE) :])
    except ZkAttestError:
        raise WalletSignatureRefused(
            "malformed", "the release resource is not an address"
        ) from None
    if released == challenge.wallet_address:
        raise WalletSignatureRefused("malformed", "the message releases the wallet it admits")
    return released
