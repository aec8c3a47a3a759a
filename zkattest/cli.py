"""The ``zkattest`` command line.

``zkattest demo`` runs the whole BBS flow locally and prints what each party
sees: the issuer signs an investor credential, the holder checks it and
derives a selective-disclosure proof bound to the verifier's nonce, and the
verifier checks the proof knowing only the disclosed attributes.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Sequence
from typing import TextIO

from zkattest import __version__
from zkattest.errors import ZkAttestError
from zkattest.hazmat import bbs
from zkattest.hazmat.curve import BACKEND_NAMES, set_backend

_SUITES = {"sha256": bbs.BLS12_381_SHA_256, "shake256": bbs.BLS12_381_SHAKE_256}

# A sample credential: attribute name, value. The demo discloses two of them.
_DEMO_ATTRIBUTES = [
    ("legal_name", "Ada Lovelace"),
    ("birth_date", "1990-12-10"),
    ("country", "GB"),
    ("investor_type", "individual"),
    ("accredited", "true"),
    ("kyc_level", "3"),
    ("expiry_date", "2027-12-31"),
]
_DEMO_DISCLOSED = [4, 5]


def _short(data: bytes) -> str:
    text = data.hex()
    return text if len(text) <= 32 else f"{text[:16]}…{text[-8:]} ({len(data)} bytes)"


def run_demo(suite: bbs.Ciphersuite, out: TextIO) -> None:
    """Issue, check, prove and verify one credential, printing each party's view."""
    header = b"zkattest-demo/investor/v1"
    messages = [f"{name}={value}".encode() for name, value in _DEMO_ATTRIBUTES]

    print(f"== Issuer (KYC provider), ciphersuite {suite.name}", file=out)
    secret_key = bbs.key_gen(secrets.token_bytes(32), b"demo-issuer", suite=suite)
    public_key = bbs.sk_to_pk(secret_key, suite=suite)
    signature = bbs.sign(secret_key, public_key, header, messages, suite=suite)
    print(f"   public key: {_short(public_key)}", file=out)
    print(f"   signed {len(messages)} attributes; signature {_short(signature)}", file=out)

    print("== Holder (wallet)", file=out)
    bbs.verify(public_key, signature, header, messages, suite=suite)
    print("   credential checked on receipt: signature valid", file=out)
    nonce = secrets.token_bytes(16)
    presentation_header = b"verifier=demo.example;nonce=" + nonce.hex().encode()
    proof = bbs.proof_gen(
        public_key,
        signature,
        header,
        presentation_header,
        messages,
        _DEMO_DISCLOSED,
        suite=suite,
    )
    hidden = [name for i, (name, _) in enumerate(_DEMO_ATTRIBUTES) if i not in _DEMO_DISCLOSED]
    print(f"   proof for nonce {nonce.hex()}: {_short(proof)}", file=out)
    print(f"   hidden from the verifier: {', '.join(hidden)}", file=out)

    print("== Verifier (platform) sees only", file=out)
    disclosed = [messages[i] for i in _DEMO_DISCLOSED]
    for index, message in zip(_DEMO_DISCLOSED, disclosed, strict=True):
        print(f"   attribute #{index}: {message.decode()}", file=out)
    bbs.proof_verify(
        public_key, proof, header, presentation_header, disclosed, _DEMO_DISCLOSED, suite=suite
    )
    print("   proof valid: the issuer signed these attributes for this holder", file=out)
    try:
        bbs.proof_verify(
            public_key,
            proof,
            header,
            b"verifier=other.example",
            disclosed,
            _DEMO_DISCLOSED,
            suite=suite,
        )
    except ZkAttestError:
        print("   the same proof replayed to another verifier: refused", file=out)
    else:  # pragma: no cover - would be a soundness bug
        raise AssertionError("a proof bound to one verifier verified for another")


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
    demo = commands.add_parser("demo", help="issue, prove and verify a credential locally")
    demo.add_argument("--suite", choices=sorted(_SUITES), default="sha256")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zkattest`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.backend:
            set_backend(args.backend)
        if args.command == "demo":
            run_demo(_SUITES[args.suite], sys.stdout)
    except ZkAttestError as exc:
        print(f"zkattest: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
