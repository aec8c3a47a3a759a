"""The ``zkattest`` command line.

::

    zkattest issuer keygen --secret-out issuer.secret.json --public-out issuer.json
    zkattest issuer issue --key issuer.secret.json --attributes attrs.json --out credential.json
    zkattest holder check --credential credential.json --issuer issuer.json
    zkattest verifier challenge --circuit kyc_adult --domain exchange.example \\
        --wallet 0x... --chain-id 1 --out challenge.json
    zkattest holder prove --credential credential.json --challenge challenge.json \\
        --wallet 0x... --out presentation.json
    zkattest verify --presentation presentation.json --challenge challenge.json --issuer issuer.json
    zkattest demo [--circuit accredited_investor_506c]
    zkattest serve [--host 127.0.0.1] [--port 8000] [--workers 1]

Exit status: 0 success (for ``verify``: accepted), 1 refused or failed with a
clear message on stderr, 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from zkattest import __version__
from zkattest.circuits import get_circuit
from zkattest.context import normalize_wallet_address
from zkattest.credentials import (
    Credential,
    IssuerPublicKey,
    IssuerSecretKey,
    accept_credential,
    issue_credential,
)
from zkattest.errors import InvalidInputError, VerificationError, ZkAttestError
from zkattest.hazmat import bbs
from zkattest.hazmat.curve import BACKEND_NAMES, set_backend
from zkattest.presentation import Challenge, Presentation, prove, verify
from zkattest.schema import get_schema

_SUITES = {"sha256": bbs.BLS12_381_SHA_256, "shake256": bbs.BLS12_381_SHAKE_256}
_MAX_INPUT = 1024 * 1024

# A sample investor for the demo: distinctive values, none of which the verifier sees.
DEMO_ATTRIBUTES: dict[str, object] = {
    "holder_ref": "wallet-user-42",
    "legal_name": "Ada Lovelace",
    "birth_date": "1990-12-10",
    "country": "GB",
    "investor_type": "individual",
    "net_worth_usd": 2_400_000,
    "annual_income_usd": 310_000,
    "total_assets_usd": 2_900_000,
    "securities_owned_usd": 1_200_000,
    "licence_series_7": False,
    "licence_series_65": False,
    "licence_series_82": False,
    "kyc_level": 3,
    "sanctions_screening": "clear",
    "accreditation_basis": "net_worth",
}


def _demo_attributes() -> dict[str, object]:
    """The demo investor, issued today and valid for a year."""
    today = dt.datetime.now(dt.UTC).date()
    return {
        **DEMO_ATTRIBUTES,
        "issuance_date": today.isoformat(),
        "expiry_date": (today + dt.timedelta(days=365)).isoformat(),
    }


DEMO_WALLET = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def _read(path: str) -> str:
    file = Path(path)
    try:
        if file.stat().st_size > _MAX_INPUT:
            raise InvalidInputError(f"{path}: larger than {_MAX_INPUT} bytes")
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.__class__.__name__}") from None


def _write(path: str | None, text: str, *, secret: bool = False, force: bool = False) -> None:
    if path is None or path == "-":
        print(text)
        return
    file = Path(path)
    if file.exists() and not force:
        raise InvalidInputError(f"{path} exists; pass --force to overwrite")
    try:
        if secret:
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            file.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot write {path}: {exc.__class__.__name__}") from None


def _issuers(paths: Sequence[str]) -> dict[str, IssuerPublicKey]:
    keys = [IssuerPublicKey.from_json(_read(p)) for p in paths]
    return {key.key_id: key for key in keys}


# -- commands ---------------------------------------------------------------------------


def cmd_keygen(args: argparse.Namespace) -> None:
    key = IssuerSecretKey.generate(_SUITES[args.suite])
    _write(args.secret_out, key.to_json_secret(), secret=True, force=args.force)
    _write(args.public_out, key.public_key().to_json(), force=args.force)
    print(f"issuer key {key.public_key().key_id} ({key.suite.name})", file=sys.stderr)


def cmd_issue(args: argparse.Namespace) -> None:
    key = IssuerSecretKey.from_json(_read(args.key))
    try:
        attributes = json.loads(_read(args.attributes))
    except json.JSONDecodeError:
        raise InvalidInputError(f"{args.attributes}: not valid JSON") from None
    if not isinstance(attributes, dict):
        raise InvalidInputError(f"{args.attributes}: expected a JSON object of attributes")
    credential = issue_credential(key, get_schema(args.schema), attributes)
    _write(args.out, credential.to_json(), secret=True, force=args.force)


def cmd_check(args: argparse.Namespace) -> None:
    credential = accept_credential(_read(args.credential), _issuers(args.issuer))
    print(f"credential valid: schema {credential.schema.id}, issuer {credential.issuer.key_id}")


def cmd_challenge(args: argparse.Namespace) -> None:
    params = dict(_param(p) for p in args.param)
    challenge = Challenge.create(
        get_circuit(args.circuit, params=params or None),
        verifier_domain=args.domain,
        wallet_address=args.wallet,
        chain_id=args.chain_id,
        lifetime=dt.timedelta(seconds=args.lifetime),
    )
    _write(args.out, challenge.to_json(), force=args.force)


def _param(text: str) -> tuple[str, int]:
    name, sep, value = text.partition("=")
    if not sep or not value.isdigit():
        raise InvalidInputError(f"--param expects NAME=INTEGER, got {text!r}")
    return name, int(value)


def cmd_prove(args: argparse.Namespace) -> None:
    challenge = Challenge.from_json(_read(args.challenge))
    if normalize_wallet_address(args.wallet) != challenge.wallet_address:
        raise InvalidInputError("the challenge was issued for another wallet address")
    text = _read(args.credential)
    if args.issuer:
        trusted = _issuers(args.issuer)
    else:
        # Without a trust list the credential is checked against the key it names:
        # this catches corruption, not a forged issuer (the verifier checks that).
        trusted = {(key := Credential.from_json(text).issuer).key_id: key}
    credential = accept_credential(text, trusted)
    presentation = prove(credential, challenge).to_json()
    if args.as_request:  # the body of POST /v1/presentations
        presentation = json.dumps(
            {"challenge_id": challenge.challenge_id, "presentation": json.loads(presentation)},
            sort_keys=True,
        )
    _write(args.out, presentation, force=args.force)


def cmd_verify(args: argparse.Namespace) -> int:
    try:
        presentation = Presentation.from_json(_read(args.presentation))
    except ZkAttestError:
        print("refused: malformed")
        return 1
    challenge = Challenge.from_json(_read(args.challenge))
    try:
        result = verify(presentation, challenge, _issuers(args.issuer))
    except VerificationError as exc:
        print(f"refused: {exc.reason}")
        return 1
    print(
        f"accepted: {result.wallet_address} on chain {result.chain_id} satisfies "
        f"{result.circuit_id} (issuer {result.issuer_key_id}; credential valid through "
        f"at least {result.valid_through.isoformat()})"
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> None:
    """Start the verifier service with uvicorn on the app factory."""
    try:
        import uvicorn

        import zkattest.service.app  # noqa: F401  # every dependency of the service
    except ImportError as exc:
        raise InvalidInputError(
            f"the verifier service needs the 'service' extra ({exc.name or exc} is missing): "
            "pip install 'zkattest[service]'"
        ) from None

    if not 0 < args.port < 65536 or not 0 < args.workers <= 64:
        raise InvalidInputError("--port must be 1-65535 and --workers 1-64")
    from uvicorn.config import LOGGING_CONFIG

    loggers = dict(LOGGING_CONFIG["loggers"])
    # the service's own events: circuit, address, proof digest, outcome; never attributes
    loggers["zkattest"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    uvicorn.run(
        "zkattest.service.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        access_log=False,
        log_config={**LOGGING_CONFIG, "loggers": loggers},
    )


def run_demo(circuit_id: str, out: TextIO) -> None:
    """The whole flow for one circuit, printing what each party sees."""
    circuit = get_circuit(circuit_id)
    print("== Issuer (KYC provider): checks the investor offline, signs investor/v1", file=out)
    issuer = IssuerSecretKey.generate()
    public = issuer.public_key()
    attributes = _demo_attributes()
    credential = issue_credential(issuer, get_schema("investor/v1"), attributes)
    print(f"   issuer key {public.key_id}; {len(attributes)} attributes signed", file=out)

    print("== Holder (wallet): checks the credential on receipt", file=out)
    credential = accept_credential(credential.to_json(), public)
    print("   signature valid; attributes stay in the wallet", file=out)

    print(f"== Verifier (platform): challenge for {circuit.id}", file=out)
    challenge = Challenge.create(
        circuit, verifier_domain="exchange.example", wallet_address=DEMO_WALLET, chain_id=1
    )
    print(
        f"   nonce {challenge.nonce.hex()[:16]}…, wallet {challenge.wallet_address}, "
        f"today {challenge.today}",
        file=out,
    )

    print("== Holder: proves the circuit, bound to the challenge and wallet", file=out)
    presentation = prove(credential, challenge)
    print(f"   presentation: {len(presentation.proof)} bytes of proof", file=out)

    print("== Verifier sees only", file=out)
    doc = json.loads(presentation.to_json())
    doc["proof"] = f"<{len(presentation.proof)} bytes>"
    print("   " + json.dumps(doc, sort_keys=True), file=out)
    result = verify(presentation, challenge, public)
    print(
        f"   accepted: {result.wallet_address} satisfies {result.circuit_id}; "
        f"credential valid through at least {result.valid_through}",
        file=out,
    )
    other = Challenge.create(
        circuit,
        verifier_domain="exchange.example",
        wallet_address="0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        chain_id=1,
    )
    try:
        verify(presentation, other, public)
    except VerificationError as exc:
        print(f"   the same presentation for another wallet: refused ({exc.reason})", file=out)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zkattest", description="Zero-knowledge investor-eligibility attestation."
    )
    parser.add_argument("--version", action="version", version=f"zkattest {__version__}")
    parser.add_argument(
        "--backend",
        choices=BACKEND_NAMES,
        help="curve backend (default: $ZKATTEST_BACKEND or arkworks)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="the whole flow locally, printing each party's view")
    demo.add_argument(
        "--circuit",
        default="accredited_investor_506c",
        metavar="ID",
        help="built-in circuit to prove (default: accredited_investor_506c)",
    )
    demo.set_defaults(run=lambda a: run_demo(a.circuit, sys.stdout))

    issuer = commands.add_parser("issuer", help="KYC provider commands").add_subparsers(
        dest="issuer_command", required=True
    )
    keygen = issuer.add_parser("keygen", help="generate an issuer key pair")
    keygen.add_argument("--suite", choices=sorted(_SUITES), default="sha256")
    keygen.add_argument("--secret-out", required=True, help="secret key file (written 0600)")
    keygen.add_argument("--public-out", required=True, help="public key file to publish")
    keygen.add_argument("--force", action="store_true")
    keygen.set_defaults(run=cmd_keygen)
    issue = issuer.add_parser("issue", help="sign an investor credential")
    issue.add_argument("--key", required=True, help="issuer secret key file")
    issue.add_argument("--attributes", required=True, help="JSON object of attribute values")
    issue.add_argument("--schema", default="investor/v1")
    issue.add_argument("--out", help="credential file (default: stdout)")
    issue.add_argument("--force", action="store_true")
    issue.set_defaults(run=cmd_issue)

    holder = commands.add_parser("holder", help="wallet commands").add_subparsers(
        dest="holder_command", required=True
    )
    check = holder.add_parser("check", help="check a credential on receipt")
    check.add_argument("--credential", required=True)
    check.add_argument("--issuer", required=True, action="append", help="trusted issuer key")
    check.set_defaults(run=cmd_check)
    prove_cmd = holder.add_parser("prove", help="prove a challenge's circuit")
    prove_cmd.add_argument("--credential", required=True)
    prove_cmd.add_argument("--challenge", required=True)
    prove_cmd.add_argument("--wallet", required=True, help="the wallet address to whitelist")
    prove_cmd.add_argument("--issuer", action="append", default=[], help="trusted issuer key")
    prove_cmd.add_argument("--out", help="presentation file (default: stdout)")
    prove_cmd.add_argument(
        "--as-request",
        action="store_true",
        help="write the POST /v1/presentations body (challenge id and presentation)",
    )
    prove_cmd.add_argument("--force", action="store_true")
    prove_cmd.set_defaults(run=cmd_prove)

    verifier = commands.add_parser("verifier", help="platform commands").add_subparsers(
        dest="verifier_command", required=True
    )
    challenge = verifier.add_parser("challenge", help="issue a challenge for a wallet")
    challenge.add_argument("--circuit", required=True)
    challenge.add_argument("--domain", required=True, help="the verifier's domain")
    challenge.add_argument("--wallet", required=True)
    challenge.add_argument("--chain-id", type=int, required=True)
    challenge.add_argument("--lifetime", type=int, default=300, help="seconds (default 300)")
    challenge.add_argument("--param", action="append", default=[], help="circuit NAME=VALUE")
    challenge.add_argument("--out", help="challenge file (default: stdout)")
    challenge.add_argument("--force", action="store_true")
    challenge.set_defaults(run=cmd_challenge)

    serve = commands.add_parser("serve", help="run the verifier service (settings: ZKATTEST_*)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(run=cmd_serve)

    verify_cmd = commands.add_parser("verify", help="verify a presentation")
    verify_cmd.add_argument("--presentation", required=True)
    verify_cmd.add_argument("--challenge", required=True)
    verify_cmd.add_argument("--issuer", required=True, action="append", help="trusted issuer key")
    verify_cmd.set_defaults(run=cmd_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zkattest`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.backend:
            set_backend(args.backend)
        status = args.run(args)
    except ZkAttestError as exc:
        print(f"zkattest: error: {exc}", file=sys.stderr)
        return 1
    return status if isinstance(status, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
