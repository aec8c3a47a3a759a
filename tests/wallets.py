"""Test wallets: externally owned accounts with known keys, and their EIP-4361 sign-ins."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct

from zkattest import Challenge
from zkattest.signin import sign_in_message


def wallet_key(n: int) -> bytes:
    """The private key of test wallet ``n`` (never a real wallet's)."""
    return hashlib.sha256(f"zkattest test wallet {n}".encode()).digest()


def wallet_address(n: int) -> str:
    """Test wallet ``n``'s address, EIP-55."""
    return str(Account.from_key(wallet_key(n)).address)


#: The address a test's presentations are for, by default.
WALLET = wallet_address(0)
OTHER_WALLET = wallet_address(1)
_KEYS = {wallet_address(n).lower(): wallet_key(n) for n in range(64)}


def _challenge(challenge: Challenge | dict[str, Any]) -> Challenge:
    return (
        challenge
        if isinstance(challenge, Challenge)
        else Challenge.from_json(json.dumps(challenge))
    )


def sign_in(
    challenge: Challenge | dict[str, Any],
    *,
    key: bytes | None = None,
    message: str | None = None,
    issued_at: dt.datetime | None = None,
    release_wallet: str | None = None,
) -> dict[str, str]:
    """The ``wallet_signature`` a wallet sends for ``challenge``: the sign-in
    message (or ``message``) signed by the challenge's wallet (or ``key``)."""
    parsed = _challenge(challenge)
    if message is None:
        # when the service made the challenge (its default lifetime), by the
        # service's clock, which need not be this process's
        made = parsed.expires_at - dt.timedelta(seconds=300)
        message = sign_in_message(
            parsed, issued_at=issued_at or made, release_wallet=release_wallet
        )
    if key is None:
        key = _KEYS[parsed.wallet_address]
    signed = Account.sign_message(encode_defunct(text=message), private_key=key)
    return {"message": message, "signature": "0x" + bytes(signed.signature).hex()}


def submission(
    challenge: Challenge | dict[str, Any], presentation: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """The body of POST /v1/presentations, signed by the challenge's wallet."""
    parsed = _challenge(challenge)
    body = {"challenge_id": parsed.challenge_id, "presentation": presentation}
    signature = extra.pop("wallet_signature", None)
    if signature is None:
        signature = sign_in(parsed, release_wallet=extra.get("release_wallet"))
    body["wallet_signature"] = signature
    body.update(extra)
    return body
