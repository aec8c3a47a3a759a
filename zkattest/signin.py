"""The wallet's sign-in message: EIP-4361 (Sign-In with Ethereum) for a challenge.

Admission needs the wallet's own key to agree: besides the presentation (which
proves the holder eligible), the wallet signs, with ``personal_sign``
(EIP-191), the EIP-4361 message :func:`sign_in_message` writes for the
challenge. It names the verifier's domain, the wallet address (EIP-55), the
chain id, the challenge's nonce (hex: the presentation is bound to the same
nonce), when it was issued and when it expires (the challenge's expiry). The
verifier service parses and checks it with the ``siwe`` library and recovers
the signer (EOA) or asks the wallet contract (EIP-1271):
:mod:`zkattest.service.wallet`.

A wallet that moves its holder's seat here from another wallet names that
wallet in the message it signs (``release_wallet``: an EIP-4361 ``Resources``
entry ``urn:zkattest:release-wallet:<address>``), so that nobody relaying the
submission can release a wallet the holder did not name.

This module only writes the text (EIP-4361's ABNF, "Example message"), so
that a wallet needs no web3 library to show the user what it signs.
"""

from __future__ import annotations

import datetime as dt

from zkattest._presentation import Challenge
from zkattest.codec import utc_text
from zkattest.context import checksum_address, normalize_wallet_address
from zkattest.errors import InvalidInputError

__all__ = ["RELEASE_RESOURCE", "STATEMENT", "sign_in_message"]

#: The statement every sign-in message carries (EIP-4361 ``statement``).
STATEMENT = "Admit this wallet to the investor whitelist."
#: The EIP-4361 resource naming the wallet whose seat this sign-in releases.
RELEASE_RESOURCE = "urn:zkattest:release-wallet:"


def sign_in_message(
    challenge: Challenge,
    *,
    issued_at: dt.datetime | None = None,
    release_wallet: str | None = None,
) -> str:
    """The EIP-4361 message the wallet of ``challenge`` signs; ``issued_at``
    (timezone-aware; default: now, whole seconds) must not be after the
    challenge's expiry; ``release_wallet``: the holder's other wallet whose
    seat this admission takes over."""
    if not isinstance(challenge, Challenge):
        raise InvalidInputError("challenge must be a Challenge")
    if issued_at is None:
        issued_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    elif not isinstance(issued_at, dt.datetime) or issued_at.utcoffset() is None:
        raise InvalidInputError("issued_at must be a timezone-aware datetime")
    if issued_at > challenge.expires_at:
        raise InvalidInputError("issued_at is after the challenge expires")
    domain = challenge.verifier_domain
    resources = []
    if release_wallet is not None:
        released = normalize_wallet_address(release_wallet)
        if released == challenge.wallet_address:
            raise InvalidInputError("release_wallet is the wallet being admitted")
        resources = ["Resources:", f"- {RELEASE_RESOURCE}{released}"]
    return "\n".join(
        [
            f"{domain} wants you to sign in with your Ethereum account:",
            checksum_address(challenge.wallet_address),
            "",
            STATEMENT,
            "",
            f"URI: https://{domain}/",
            "Version: 1",
            f"Chain ID: {challenge.chain_id}",
            f"Nonce: {challenge.nonce.hex()}",
            f"Issued At: {utc_text(issued_at)}",
            f"Expiration Time: {utc_text(challenge.expires_at)}",
            *resources,
        ]
    )
