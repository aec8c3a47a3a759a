"""Admission needs the wallet's signature and a bound credential; one person, N seats."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import bound_credential, sample_attributes
from tests.service.conftest import ADMIN_TOKEN, WALLET, Service, make_settings
from tests.service.test_api import _problem
from tests.wallets import OTHER_WALLET, sign_in, wallet_address, wallet_key
from zkattest import Challenge, HolderSecret, IssuerSecretKey, issue_credential, prove
from zkattest.schema import get_schema
from zkattest.service.app import create_app
from zkattest.signin import sign_in_message

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _refused(service: Service, reason: str, **signature: Any) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)
    body = _problem(
        service.submit(challenge, presentation, wallet_signature=sign_in(challenge, **signature)),
        403,
        "wallet-signature-refused",
    )
    assert body["reason"] == reason
    # the refusal wrote nothing: the honest submission is admitted
    assert service.submit(challenge, presentation).status_code == 201


def _edited(challenge: dict[str, Any], old: str, new: str) -> str:
    parsed = Challenge.from_json(json.dumps(challenge))
    made = parsed.expires_at - dt.timedelta(seconds=300)
    message = sign_in_message(parsed, issued_at=made)
    assert old in message
    return message.replace(old, new)


def test_a_signature_by_another_key_is_refused(service: Service) -> None:
    _refused(service, "signature_invalid", key=wallet_key(7))


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("exchange.example wants", "other.example wants", "domain_mismatch"),
        ("URI: https://exchange.example/", "URI: https://other.example/", "domain_mismatch"),
        ("Chain ID: 1\n", "Chain ID: 5\n", "chain_mismatch"),
        ("Nonce: ", "Nonce: 00", "nonce_mismatch"),
        ("Version: 1", "Version: 2", "malformed"),
    ],
)
def test_a_message_over_another_domain_chain_or_nonce_is_refused(
    service: Service, old: str, new: str, reason: str
) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)
    message = _edited(challenge, old, new)
    if reason == "nonce_mismatch":
        message = (
            message[: message.index("Nonce: ") + 7 + 64] + message[message.index("\nIssued") :]
        )
    signed = sign_in(challenge, message=message)  # signed by the right key
    body = _problem(
        service.submit(challenge, presentation, wallet_signature=signed),
        403,
        "wallet-signature-refused",
    )
    assert body["reason"] == reason


def test_a_message_for_another_wallet_is_refused(service: Service) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)
    other = service.challenge(wallet=OTHER_WALLET)
    parsed = Challenge.from_json(json.dumps(other))
    made = parsed.expires_at - dt.timedelta(seconds=300)
    # the other wallet's message, signed by the other wallet, carrying this nonce
    message = sign_in_message(parsed, issued_at=made).replace(
        parsed.nonce.hex(), Challenge.from_json(json.dumps(challenge)).nonce.hex()
    )
    body = _problem(
        service.submit(challenge, presentation, wallet_signature=sign_in(other, message=message)),
        403,
        "wallet-signature-refused",
    )
    assert body["reason"] == "address_mismatch"


def test_times_outside_the_challenge_are_refused(service: Service) -> None:
    challenge = service.challenge()
    parsed = Challenge.from_json(json.dumps(challenge))
    late = parsed.expires_at + dt.timedelta(days=1)
    message = sign_in_message(parsed, issued_at=parsed.expires_at - dt.timedelta(seconds=300))
    beyond = message.replace(
        f"Expiration Time: {parsed.expires_at:%Y-%m-%dT%H:%M:%SZ}",
        f"Expiration Time: {late:%Y-%m-%dT%H:%M:%SZ}",
    )
    future = message.replace(
        f"Issued At: {parsed.expires_at - dt.timedelta(seconds=300):%Y-%m-%dT%H:%M:%SZ}",
        f"Issued At: {late:%Y-%m-%dT%H:%M:%SZ}",
    )
    no_expiry = message[: message.index("\nExpiration Time")]
    presentation = service.presentation(challenge)
    for text, reason in ((beyond, "expired"), (future, "not_yet_valid"), (no_expiry, "malformed")):
        assert text != message
        body = _problem(
            service.submit(
                challenge, presentation, wallet_signature=sign_in(challenge, message=text)
            ),
            403,
            "wallet-signature-refused",
        )
        assert body["reason"] == reason


def test_malformed_signatures_and_messages(service: Service) -> None:
    challenge = service.challenge()
    presentation = service.presentation(challenge)
    good = sign_in(challenge)
    for signature in ({**good, "signature": "0x" + "00" * 65}, {**good, "message": "hello"}):
        body = _problem(
            service.submit(challenge, presentation, wallet_signature=signature),
            403,
            "wallet-signature-refused",
        )
        assert body["reason"] in ("signature_invalid", "malformed")
    for signature in ({**good, "signature": "zz"}, {"message": good["message"]}, "x"):
        response = service.client.post(
            "/v1/presentations",
            json={
                "challenge_id": challenge["challenge_id"],
                "presentation": presentation,
                "wallet_signature": signature,
            },
        )
        _problem(response, 422, "invalid-request")
    for missing in ({}, {"wallet_signature": None}):
        challenge = service.challenge()
        presentation = service.presentation(challenge)
        response = service.client.post(
            "/v1/presentations",
            json={
                "challenge_id": challenge["challenge_id"],
                "presentation": presentation,
                **missing,
            },
        )
        body = _problem(response, 403, "wallet-signature-refused")
        assert body["reason"] == "missing"


def test_an_unbound_credentials_presentation_is_refused(service: Service) -> None:
    unbound = issue_credential(service.issuer, get_schema("investor/v1"), sample_attributes())
    challenge = service.challenge()
    presentation = json.loads(prove(unbound, Challenge.from_json(json.dumps(challenge))).to_json())
    body = _problem(service.submit(challenge, presentation), 403, "presentation-refused")
    assert body["reason"] == "holder_binding"


def _admit(service: Service, wallet: str, holder: HolderSecret | None = None, **extra: Any) -> Any:
    challenge = service.challenge(wallet=wallet)
    if holder is None:
        presentation = service.presentation(challenge)
    else:
        credential = bound_credential(service.issuer, holder)
        presentation = json.loads(
            prove(credential, Challenge.from_json(json.dumps(challenge)), holder=holder).to_json()
        )
    return service.submit(challenge, presentation, **extra)


def _whitelisted(service: Service, wallet: str) -> bool:
    response = service.client.get(
        f"/v1/whitelist/{wallet}", params={"circuit_id": "accredited_investor_506c"}
    )
    return response.status_code == 200


def test_one_seat_per_person_moved_by_naming_the_wallet_to_release(service: Service) -> None:
    first = _admit(service, WALLET)
    assert first.status_code == 201, first.text
    pseudonym = first.json()["admission"]["pseudonym"]
    assert len(pseudonym) == 96
    # the same wallet again: the same seat
    assert _admit(service, WALLET).status_code == 201
    # a second wallet of the same person: refused, the first stays
    second = _admit(service, OTHER_WALLET)
    _problem(second, 409, "seat-limit-reached")
    assert _whitelisted(service, WALLET)
    assert not _whitelisted(service, OTHER_WALLET)
    # releasing a wallet that holds no seat of this person
    _problem(_admit(service, OTHER_WALLET, release_wallet=wallet_address(9)), 409, "seat-not-held")
    # moving the seat
    moved = _admit(service, OTHER_WALLET, release_wallet=WALLET)
    assert moved.status_code == 201, moved.text
    assert moved.json()["admission"]["pseudonym"] == pseudonym
    assert _whitelisted(service, OTHER_WALLET)
    assert not _whitelisted(service, WALLET)
    # another person takes a seat of its own
    other_person = _admit(service, wallet_address(5), holder=HolderSecret.generate())
    assert other_person.status_code == 201
    assert other_person.json()["admission"]["pseudonym"] != pseudonym
    # release_wallet must be an address, and not the wallet admitted
    challenge = service.challenge(wallet=OTHER_WALLET)
    presentation = service.presentation(challenge)
    for release, status, slug in (
        (OTHER_WALLET, 400, "malformed-presentation"),
        ("0x123", 422, "invalid-request"),
        ("0x" + "g" * 40, 400, "invalid-wallet-address"),
    ):
        response = service.submit(
            challenge, presentation, release_wallet=release, wallet_signature=sign_in(challenge)
        )
        _problem(response, status, slug)


def test_only_the_wallets_signature_moves_a_seat(service: Service) -> None:
    """A relay that adds (or changes) release_wallet in a submission it passes on
    is refused: the wallet to release is the one the signed message names."""
    assert _admit(service, WALLET).status_code == 201
    challenge = service.challenge(wallet=OTHER_WALLET)
    presentation = service.presentation(challenge)
    unsigned = service.submit(
        challenge, presentation, release_wallet=WALLET, wallet_signature=sign_in(challenge)
    )
    assert _problem(unsigned, 403, "wallet-signature-refused")["reason"] == "release_mismatch"
    other = sign_in(challenge, release_wallet=wallet_address(9))
    changed = service.submit(challenge, presentation, release_wallet=WALLET, wallet_signature=other)
    assert _problem(changed, 403, "wallet-signature-refused")["reason"] == "release_mismatch"
    dropped = service.submit(challenge, presentation, wallet_signature=sign_in(
        challenge, release_wallet=WALLET))  # fmt: skip
    assert _problem(dropped, 403, "wallet-signature-refused")["reason"] == "release_mismatch"
    assert _whitelisted(service, WALLET)
    # signed by the wallet: moved (a fresh challenge: three refusals burned that one)
    challenge = service.challenge(wallet=OTHER_WALLET)
    presentation = service.presentation(challenge)
    moved = service.submit(challenge, presentation, release_wallet=WALLET)
    assert moved.status_code == 201, moved.text
    assert not _whitelisted(service, WALLET)


def test_a_seat_is_a_wallet_on_a_chain(service: Service) -> None:
    """The same address on another chain may be another party's contract wallet."""
    assert _admit(service, WALLET).status_code == 201
    challenge = service.challenge(wallet=WALLET, chain_id=137)
    other_chain = service.submit(challenge, service.presentation(challenge))
    _problem(other_chain, 409, "seat-limit-reached")


def test_a_sign_in_over_plain_http_is_refused(service: Service) -> None:
    challenge = service.challenge()
    text = _edited(challenge, "exchange.example wants", "http://exchange.example wants")
    body = _problem(
        service.submit(
            challenge,
            service.presentation(challenge),
            wallet_signature=sign_in(challenge, message=text),
        ),
        403,
        "wallet-signature-refused",
    )
    assert body["reason"] == "domain_mismatch"


def test_an_admin_revokes_every_wallet_of_one_person(service: Service) -> None:
    pseudonym = _admit(service, WALLET).json()["admission"]["pseudonym"]
    url = f"/v1/pseudonyms/{pseudonym}"
    assert service.client.delete(url).status_code == 401
    revoked = service.client.delete(url, headers=ADMIN)
    assert revoked.status_code == 200
    assert revoked.json() == {"pseudonym": pseudonym, "revoked": 1}
    assert not _whitelisted(service, WALLET)
    _problem(service.client.delete(url, headers=ADMIN), 404, "not-whitelisted")
    _problem(service.client.delete("/v1/pseudonyms/xyz", headers=ADMIN), 422, "invalid-request")


@pytest.mark.slow
def test_the_seat_limit_is_a_setting(tmp_path: Path, issuer: IssuerSecretKey) -> None:
    settings = make_settings(tmp_path, issuer, seats_per_person=2)
    holder = HolderSecret.generate()
    with TestClient(create_app(settings)) as client:
        service = Service(client, settings, issuer, bound_credential(issuer, holder), tmp_path,
                          holder)  # fmt: skip
        assert _admit(service, WALLET).status_code == 201
        assert _admit(service, OTHER_WALLET).status_code == 201
        _problem(_admit(service, wallet_address(3)), 409, "seat-limit-reached")


def test_the_settings_are_validated() -> None:
    from zkattest.service.core.config import ConfigError, load_settings

    settings = load_settings(
        {
            "ZKATTEST_WALLET_RPC_URLS": '{"1": "https://node.example", "137": "http://127.0.0.1:8545"}',
            "ZKATTEST_SEATS_PER_PERSON": "3",
        }
    )
    assert settings.wallet_rpc_urls == {1: "https://node.example", 137: "http://127.0.0.1:8545"}
    assert settings.seats_per_person == 3
    assert load_settings({}).seats_per_person == 1
    for name, value in (
        ("ZKATTEST_WALLET_RPC_URLS", '{"1": "ftp://node.example"}'),
        ("ZKATTEST_WALLET_RPC_URLS", '{"0": "https://node.example"}'),
        ("ZKATTEST_WALLET_RPC_URLS", "not json"),
        ("ZKATTEST_SEATS_PER_PERSON", "0"),
        ("ZKATTEST_SEATS_PER_PERSON", "17"),
    ):
        with pytest.raises(ConfigError, match=name):
            load_settings({name: value})
