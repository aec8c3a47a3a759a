"""The ``zkattest`` command line.

::

    zkattest issuer keygen --secret-out issuer.secret.json --public-out issuer.json
    zkattest holder init --out holder.secret.json
    zkattest holder request --secret holder.secret.json --issuer issuer.json \\
        --out request.json --pending pending.json
    zkattest issuer registry --key issuer.secret.json --registry registry.sqlite \\
        --capacity 10000 --out state-0.json
    zkattest issuer issue --key issuer.secret.json --attributes attrs.json \\
        --request request.json --customer CUST-1 --ledger ledger.sqlite \\
        [--registry registry.sqlite] --out issued.json
    zkattest issuer revoke --key issuer.secret.json --registry registry.sqlite --customer CUST-1
    zkattest issuer publish --key issuer.secret.json --registry registry.sqlite --out state-1.json
    zkattest holder update --credential credential.json --state state-1.json [--state ...]
    zkattest holder accept --credential issued.json --issuer issuer.json \\
        --secret holder.secret.json --pending pending.json --out credential.json
    zkattest holder check --credential credential.json --issuer issuer.json \\
        --secret holder.secret.json
    zkattest verifier challenge --circuit kyc_adult --domain exchange.example \\
        --wallet 0x... --chain-id 1 [--horizon-days 30] --out challenge.json
    zkattest holder prove --credential credential.json --secret holder.secret.json \\
        --challenge challenge.json --wallet 0x... [--yes] --out presentation.json
    zkattest verify --presentation presentation.json --challenge challenge.json \\
        --issuer issuer.json [--registry-state state-1.json ...]
    zkattest demo [--circuit accredited_investor_506c]
    zkattest serve [--host 127.0.0.1] [--port 8000] [--workers 1]

Every option is described by ``zkattest <command> --help``; ``zkattest serve
--help`` lists the service's ``ZKATTEST_*`` settings. Errors go to stderr as
``zkattest: error: ...``, never with a traceback; a file that is not valid
JSON is named with the line and column of the fault. The exit status::

    exit status:
      0  success; for verify, the presentation is accepted
      1  refused, a verdict on well-formed input: verify refuses the
         presentation; holder check finds the credential invalid, untrusted,
         expired or not yet valid; holder prove finds it untrusted or not
         satisfying the circuit, or refuses the challenge (expired, valid for
         more than a day, or dated more than a day from the wallet's clock,
         or asking for a newer registry state), or is not confirmed at its
         prompt; holder update finds the credential revoked; issuer revoke
         finds no live revocable credential of the customer
      2  usage or input error: bad arguments; a file that cannot be read, is
         not valid JSON, is malformed or too large; an invalid attribute value;
         an issuance refused for its dates; an unknown circuit or schema; the
         service extra not installed
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Final, TypeVar

from zkattest import __version__
from zkattest._credential import Credential, CredentialRequest, IssuerPublicKey
from zkattest._presentation import Challenge, Presentation
from zkattest.circuits import (
    CIRCUITS_DIR_ENV,
    Circuit,
    CircuitRegistry,
    CredentialSpec,
    RelativeDate,
    ResolvedPredicate,
)
from zkattest.context import HORIZON_STEPS, checksum_address, normalize_wallet_address
from zkattest.demo import run_demo
from zkattest.errors import (
    InvalidInputError,
    PolicyError,
    VerificationError,
    ZkAttestError,
)
from zkattest.hazmat import bbs
from zkattest.hazmat.curve import BACKEND_NAMES, ENV_VAR, set_backend
from zkattest.holder import (
    HolderSecret,
    PendingRequest,
    accept_challenge,
    accept_credential,
    prove,
    request_credential,
    select_credentials,
)
from zkattest.issuer import IssuerLedger, IssuerSecretKey, issue_credential
from zkattest.revocation import (
    MAX_REMOVALS_PER_EPOCH,
    RegistryState,
    RegistryStates,
    RevocationRegistry,
)
from zkattest.schema import EXPIRY_ATTRIBUTE, JsonValue, get_schema
from zkattest.signin import sign_in_message
from zkattest.verifier import TrustedIssuer, verify

_SUITES = {"sha256": bbs.BLS12_381_SHA_256, "shake256": bbs.BLS12_381_SHAKE_256}
_MAX_INPUT = 1024 * 1024

EXIT_OK: Final = 0
EXIT_REFUSED: Final = 1  # a verdict on well-formed input
EXIT_USAGE: Final = 2  # bad arguments or input (argparse exits 2 as well)

# Printed by `zkattest --help` and repeated in the module docstring.
_EXIT_STATUS_HELP: Final = """\
exit status:
  0  success; for verify, the presentation is accepted
  1  refused, a verdict on well-formed input: verify refuses the
     presentation; holder check finds the credential invalid, untrusted,
     expired or not yet valid; holder prove finds it untrusted or not
     satisfying the circuit, or refuses the challenge (expired, valid for
     more than a day, or dated more than a day from the wallet's clock,
     or asking for a newer registry state), or is not confirmed at its
     prompt; holder update finds the credential revoked; issuer revoke
     finds no live revocable credential of the customer
  2  usage or input error: bad arguments; a file that cannot be read, is
     not valid JSON, is malformed or too large; an invalid attribute value;
     an issuance refused for its dates; an unknown circuit or schema; the
     service extra not installed
"""

_ENVIRONMENT: Final = f"""\
environment:
  {ENV_VAR:<22} curve backend, arkworks (default) or py-ecc; --backend overrides it
  {CIRCUITS_DIR_ENV:<22} a directory of <id>.toml circuits used instead of the built-in ones
  the verifier service's settings: zkattest serve --help
"""

# The fields of zkattest.service.core.config.Settings, written out here so that
# `zkattest serve --help` works without the service extra installed;
# tests/test_cli.py checks this list against Settings.
_SERVICE_SETTINGS: Final = (
    (
        "ZKATTEST_DATABASE_URL",
        "sqlite:///path or postgresql+psycopg://... (default sqlite:///./zkattest.sqlite3)",
    ),
    ("ZKATTEST_TRUSTED_ISSUERS", f"issuer public-key files, separated by '{os.pathsep}' or ','"),
    (
        "ZKATTEST_ISSUER_GRANTS",
        'what each issuer key is trusted for, JSON: {"<key_id>": {"schemas": [...],'
        ' "roles": [...]}} (default: investor/v1, no role)',
    ),
    (
        "ZKATTEST_CIRCUIT_FILES",
        f"the platform's own <id>.toml circuits, beside the built-in ones ('{os.pathsep}' or ',')",
    ),
    (
        "ZKATTEST_ADMIN_TOKEN",
        "bearer token for the admin endpoints, at least 32 characters (unset: they answer 401)",
    ),
    ("ZKATTEST_VERIFIER_DOMAIN", "the domain presentations are bound to (default localhost)"),
    (
        "ZKATTEST_RECEIPT_KEY_PATH",
        "receipt signing keys, created 0600 if absent (default ./zkattest-receipt-keys.json)",
    ),
    (
        "ZKATTEST_EIP712_VERIFYING_CONTRACT",
        "the whitelist contract EIP-712 receipts are signed for (default none: no\n"
        "      EIP-712 receipts)",
    ),
    ("ZKATTEST_RECEIPT_AUDIENCE", "the JWS receipts' aud claim (default the verifier domain)"),
    (
        "ZKATTEST_CHALLENGE_LIFETIME_SECONDS",
        "how long a challenge may be answered, 10 to 3600 (default 300)",
    ),
    (
        "ZKATTEST_ADMISSION_HORIZON_DAYS",
        "days an admission lasts; proofs show the credential valid that long,\n"
        "      one of 1, 7, 14, 30, 60, 90, 180, 365 (default 30)",
    ),
    ("ZKATTEST_VERIFY_CONCURRENCY", "presentations verified at once, 1 to 64 (default 2)"),
    (
        "ZKATTEST_VERIFY_QUEUE",
        "presentations waiting to be verified before 503, 0 to 10000 (default 16)",
    ),
    (
        "ZKATTEST_PURGE_INTERVAL_SECONDS",
        "seconds between purges of expired challenges and old audit events (default 3600)",
    ),
    ("ZKATTEST_AUDIT_RETENTION_DAYS", "days audit events are kept, 1 to 3650 (default 400)"),
    (
        "ZKATTEST_MAX_BODY_BYTES",
        "largest request body accepted, 1024 to 1048576 bytes (default 65536)",
    ),
    (
        "ZKATTEST_BODY_TIMEOUT_SECONDS",
        "seconds a request body may take to arrive, 1 to 300 (default 30)",
    ),
    (
        "ZKATTEST_RATE_LIMIT_PER_MINUTE",
        "requests per minute per client on the challenge and presentation routes,\n"
        "      1 to 1000000 (default 600)",
    ),
    (
        "ZKATTEST_MAX_REFUSED_PRESENTATIONS",
        "refused presentations that burn a challenge, 1 to 100 (default 3)",
    ),
    (
        "ZKATTEST_TRUSTED_PROXIES",
        "proxies (IPs or networks, comma-separated) whose X-Forwarded-For is believed (none)",
    ),
    (
        "ZKATTEST_ADMIN_FAILURES_PER_MINUTE",
        "failed admin attempts per client per minute before 429, 1 to 10000 (default 10)",
    ),
    (
        "ZKATTEST_SEATS_PER_PERSON",
        "live wallets one person (one pseudonym) may hold at once, 1 to 16 (default 1)",
    ),
    (
        "ZKATTEST_WALLET_RPC_URLS",
        "JSON-RPC endpoints by chain id for contract wallets (EIP-1271), JSON:\n"
        '      {"1": "https://node.example"} (default: none; EOAs only)',
    ),
    (
        "ZKATTEST_MAX_REGISTRY_STATE_AGE_SECONDS",
        "oldest registry state a revocable credential may be proven in, before its\n"
        "      challenge, 60 to 2592000 (default 86400)",
    ),
    (
        "ZKATTEST_REPROOF_INTERVAL_SECONDS",
        "longest an admission lasts before the wallet proves again, 3600 to 31622400\n"
        "      (default 604800)",
    ),
    (
        "ZKATTEST_REPROOF_NOTICE_SECONDS",
        "how long before an admission ends its re-proof is due, 0 to 2592000,\n"
        "      below the interval (default 86400)",
    ),
    (
        "ZKATTEST_REGISTRY_URLS",
        "where the admin pull fetches issuers' registry states, JSON by key id:\n"
        '      {"<key_id>": "https://issuer.example/registry"} (default: none)',
    ),
    ("ZKATTEST_LOG_FORMAT", "text, or json with one object per line (default text)"),
    ("ZKATTEST_LOG_LEVEL", "debug, info, warning or error (default info)"),
)

_SERVICE_ENVIRONMENT: Final = (
    "environment (read by the service when it starts):\n"
    + "".join(f"  {name}\n      {meaning}\n" for name, meaning in _SERVICE_SETTINGS)
    + "  PROMETHEUS_MULTIPROC_DIR\n"
    "      metrics directory shared by the workers; with --workers above 1 serve\n"
    "      uses a private one unless this names one (cleared at start)\n"
    "a bad setting stops start-up with exit status 2, naming the variable\n"
)

T = TypeVar("T")


def _read(path: str) -> str:
    file = Path(path)
    try:
        if file.stat().st_size > _MAX_INPUT:
            raise InvalidInputError(f"{path}: larger than {_MAX_INPUT} bytes")
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(
            f"cannot read {path}: {exc.strerror or exc.__class__.__name__}"
        ) from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"cannot read {path}: not UTF-8 text") from None


def _load(path: str, parse: Callable[[str], T]) -> T:
    """``parse`` applied to the text of the file ``path``; its input errors name the file."""
    text = _read(path)
    try:
        return parse(text)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{path}: {exc}") from None


def _attribute_object(text: str) -> dict[str, object]:
    """The issuer's attribute values: a JSON object (checked against the schema later)."""
    try:
        attributes = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except (ValueError, RecursionError) as exc:  # too many digits, too deeply nested
        raise InvalidInputError(f"not valid JSON: {exc.__class__.__name__}") from None
    if not isinstance(attributes, dict):
        raise InvalidInputError("expected a JSON object of attributes")
    return attributes


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
        raise InvalidInputError(
            f"cannot write {path}: {exc.strerror or exc.__class__.__name__}"
        ) from None


def _issuers(paths: Sequence[str]) -> dict[str, IssuerPublicKey]:
    keys = [_load(p, IssuerPublicKey.from_json) for p in paths]
    return {key.key_id: key for key in keys}


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# -- commands ---------------------------------------------------------------------------


def cmd_keygen(args: argparse.Namespace) -> None:
    key = IssuerSecretKey.generate(_SUITES[args.suite])
    _write(args.secret_out, key.to_json_secret(), secret=True, force=args.force)
    _write(args.public_out, key.public_key().to_json(), force=args.force)
    print(f"issuer key {key.public_key().key_id} ({key.suite.name})", file=sys.stderr)


def cmd_issue(args: argparse.Namespace) -> None:
    key = _load(args.key, IssuerSecretKey.from_json)
    attributes = _load(args.attributes, _attribute_object)
    request = _load(args.request, CredentialRequest.from_json)
    credential = issue_credential(
        key,
        get_schema(args.schema),
        attributes,
        request=request,
        customer=args.customer,
        ledger=IssuerLedger(args.ledger),
        registry=None if args.registry is None else _registry(args.registry, key),
    )
    _write(args.out, credential.to_json(), secret=True, force=args.force)
    revocable = (
        ""
        if credential.revocation is None
        else f", revocable (registry epoch {credential.revocation.epoch})"
    )
    print(
        f"issued {credential.schema.id} bound to the requesting holder, customer"
        f" {args.customer}{revocable}",
        file=sys.stderr,
    )


def _registry(path: str, key: IssuerSecretKey) -> RevocationRegistry:
    """The issuer's existing registry file (refused if missing: it is created once)."""
    if not Path(path).is_file():
        raise InvalidInputError(f"{path}: no such registry; create it with issuer registry")
    return RevocationRegistry(path, key)


def cmd_registry(args: argparse.Namespace) -> None:
    key = _load(args.key, IssuerSecretKey.from_json)
    registry = RevocationRegistry.create(args.registry, key, capacity=args.capacity)
    _write(args.out, registry.state().to_json(), force=args.force)
    print(
        f"registry of {args.capacity} credentials for issuer {key.public_key().key_id}"
        f" in {args.registry} (mode 0600: it holds the accumulator's secret); epoch 0 published",
        file=sys.stderr,
    )


def cmd_revoke(args: argparse.Namespace) -> int:
    key = _load(args.key, IssuerSecretKey.from_json)
    revoked = _registry(args.registry, key).revoke_customer(args.customer)
    if not revoked:
        print(f"refused: customer {args.customer} holds no live revocable credential")
        return EXIT_REFUSED
    print(
        f"revoked {revoked} credential(s) of customer {args.customer}; they leave the"
        " accumulator at the next issuer publish"
    )
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> None:
    key = _load(args.key, IssuerSecretKey.from_json)
    registry = _registry(args.registry, key)
    state = registry.publish()
    _write(args.out, state.to_json(), force=args.force)
    removed = 0 if state.removals is None else len(state.removals.removed)
    print(
        f"registry state epoch {state.epoch} published ({removed} removed); relay it to"
        " holders and verifiers",
        file=sys.stderr,
    )
    if pending := registry.pending():
        print(
            f"{pending} revocation(s) still pending ({MAX_REMOVALS_PER_EPOCH} per state):"
            " publish again",
            file=sys.stderr,
        )


def cmd_update(args: argparse.Namespace) -> int:
    credential = _load(args.credential, Credential.from_json)
    if credential.revocation is None:
        raise InvalidInputError(f"{args.credential}: the credential is not revocable")
    states = sorted(
        (_load(path, RegistryState.from_json) for path in args.state), key=lambda s: s.epoch
    )
    newer = [s for s in states if s.epoch > credential.revocation.epoch]
    if not newer:
        print(f"credential already at epoch {credential.revocation.epoch}", file=sys.stderr)
        return EXIT_OK
    try:
        updated = credential.follow(newer)
    except PolicyError:
        print("refused: revoked: the issuer has revoked this credential")
        return EXIT_REFUSED
    _write(args.out or args.credential, updated.to_json(), secret=True, force=True)
    print(f"credential brought forward to registry epoch {newer[-1].epoch}", file=sys.stderr)
    return EXIT_OK


def cmd_holder_init(args: argparse.Namespace) -> None:
    HolderSecret.generate().save(args.out)
    print(
        f"holder secret written to {args.out} (mode 0600; keep it, never share it)", file=sys.stderr
    )


def cmd_request(args: argparse.Namespace) -> None:
    holder = HolderSecret.load(args.secret)
    issuer = _load(args.issuer, IssuerPublicKey.from_json)
    pending = request_credential(holder, issuer, get_schema(args.schema).id)
    pending.save(args.pending)
    _write(args.out, pending.request.to_json(), force=args.force)
    print(
        f"request for {args.schema} from issuer {issuer.key_id}; keep {args.pending}",
        file=sys.stderr,
    )


def cmd_accept(args: argparse.Namespace) -> int:
    trusted = _issuers(args.issuer)
    holder = HolderSecret.load(args.secret)
    pending = PendingRequest.load(args.pending)
    try:
        credential = _load(
            args.credential,
            lambda text: accept_credential(text, trusted, holder=holder, pending=pending),
        )
    except VerificationError as exc:
        print(f"refused: {exc.reason}: {exc}")
        return EXIT_REFUSED
    _write(args.out, credential.to_json(), secret=True, force=args.force)
    print(
        f"credential accepted: {credential.schema.id} from issuer {credential.issuer.key_id},"
        " bound to this holder secret",
        file=sys.stderr,
    )
    return EXIT_OK


def _accept(path: str, trusted: dict[str, IssuerPublicKey], secret: str | None) -> Credential:
    """A stored credential, checked: trusted issuer, signature (bound: over the
    holder's secrets, with ``secret``)."""

    def parse(text: str) -> Credential:
        credential = Credential.from_json(text)
        if credential.bound:
            if secret is None:
                raise InvalidInputError("a bound credential needs --secret (the holder secret)")
            holder = HolderSecret.load(secret)
            found = trusted.get(credential.issuer.key_id)
            if found is None or found.public_key != credential.issuer.public_key:
                raise VerificationError(
                    "credential is not from a trusted issuer", reason="untrusted_issuer"
                )
            credential.verify(holder)
            return credential
        return accept_credential(text, trusted)

    return _load(path, parse)


def cmd_check(args: argparse.Namespace) -> int:
    """The holder's check: signature, trusted issuer, and valid today (UTC)."""
    trusted = _issuers(args.issuer)
    try:
        credential = _accept(args.credential, trusted, args.secret)
    except VerificationError as exc:
        print(f"refused: {exc.reason}: {exc}")
        return EXIT_REFUSED
    today = _utc_today()
    start, end = credential.valid_from, credential.valid_through
    if end is not None and end < today:
        print(f"refused: expired: credential expired on {end}")
        return EXIT_REFUSED
    if start is not None and start > today:
        print(f"refused: not_yet_valid: credential is valid from {start}")
        return EXIT_REFUSED
    until = f"through {end}" if end is not None else "with no expiry date"
    print(
        f"credential valid today ({today}, UTC) {until}: "
        f"schema {credential.schema.id}, issuer {credential.issuer.key_id}"
    )
    return EXIT_OK


def cmd_challenge(args: argparse.Namespace) -> None:
    params = dict(_param(p) for p in args.param)
    challenge = Challenge.create(
        args.circuits.get(args.circuit, params=params or None),
        verifier_domain=args.domain,
        wallet_address=args.wallet,
        chain_id=args.chain_id,
        lifetime=_lifetime(args.lifetime),
        horizon_days=args.horizon_days,
        max_state_age=None if args.max_state_age is None else _age(args.max_state_age),
    )
    _write(args.out, challenge.to_json(), force=args.force)


def _age(seconds: int) -> dt.timedelta:
    if not 1 <= seconds <= 365 * 86_400:
        raise InvalidInputError(f"--max-state-age must be 1 to 31536000 seconds, got {seconds}")
    return dt.timedelta(seconds=seconds)


def _lifetime(seconds: int) -> dt.timedelta:
    if not 1 <= seconds <= 86_400:
        raise InvalidInputError(f"--lifetime must be 1 to 86400 seconds, got {seconds}")
    return dt.timedelta(seconds=seconds)


def _param(text: str) -> tuple[str, int]:
    name, sep, value = text.partition("=")
    if not sep or not value.isdigit():
        raise InvalidInputError(f"--param expects NAME=INTEGER, got {text!r}")
    return name, int(value)


def cmd_prove(args: argparse.Namespace) -> None:
    challenge = _load(args.challenge, Challenge.from_json)
    if normalize_wallet_address(args.wallet) != challenge.wallet_address:
        raise InvalidInputError("the challenge was issued for another wallet address")
    stored = []
    for path in args.credential:
        if args.issuer:
            trusted = _issuers(args.issuer)
        else:
            # Without a trust list a credential is checked against the key it names:
            # this catches corruption, not a forged issuer (the verifier checks that).
            named = _load(path, Credential.from_json).issuer
            trusted = {named.key_id: named}
        stored.append(_accept(path, trusted, args.secret))
    bound = any(c.bound for c in stored)
    holder = HolderSecret.load(args.secret) if bound else None
    circuit = accept_challenge(challenge, circuits=args.circuits)
    print(_summary(challenge, circuit), file=sys.stderr)
    # the wallet's choice among the files given: one credential per slot of the circuit
    chosen: Sequence[Credential] = stored
    if len(stored) > 1 or len(circuit.credentials) > 1:
        chosen = select_credentials(stored, challenge, holder=holder, circuits=args.circuits)
    if sys.stdin.isatty() and not args.yes:
        print(f"Prove this to {challenge.verifier_domain}? [y/N] ", end="", file=sys.stderr)
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            raise PolicyError("not proven: declined at the prompt")
    presentation = prove(chosen, challenge, circuits=args.circuits, holder=holder).to_json()
    if args.as_request:  # the body of POST /v1/presentations
        body = {"challenge_id": challenge.challenge_id, "presentation": json.loads(presentation)}
        if args.release_wallet and not args.wallet_key:
            raise InvalidInputError("--release-wallet is signed by the wallet: give --wallet-key")
        if args.wallet_key:
            body["wallet_signature"] = _wallet_signature(
                challenge, args.wallet_key, args.release_wallet
            )
        if args.release_wallet:
            body["release_wallet"] = normalize_wallet_address(args.release_wallet)
        presentation = json.dumps(body, sort_keys=True)
    elif args.wallet_key or args.release_wallet:
        raise InvalidInputError(
            "--wallet-key and --release-wallet sign the request: use them with --as-request"
        )
    _write(args.out, presentation, force=args.force)


def _wallet_signature(
    challenge: Challenge, key_file: str, release_wallet: str | None = None
) -> dict[str, str]:
    """The wallet's EIP-4361 sign-in for ``challenge``, signed with the key in
    ``key_file`` (hex; for demos and tests: a real wallet signs in its own app)."""
    if find_spec("eth_account") is None:
        raise InvalidInputError(
            "--wallet-key needs eth-account (in the 'service' extra):"
            " pip install 'zkattest[service]'"
        )
    from eth_account import Account
    from eth_account.messages import encode_defunct

    text = _read(key_file).strip()
    try:
        account = Account.from_key(text)
    except (ValueError, TypeError):
        raise InvalidInputError(f"{key_file}: not a hex private key") from None
    if normalize_wallet_address(account.address) != challenge.wallet_address:
        raise InvalidInputError(f"{key_file}: the key is not the challenge's wallet's")
    message = sign_in_message(challenge, release_wallet=release_wallet)
    signed = account.sign_message(encode_defunct(text=message))
    return {"message": message, "signature": "0x" + bytes(signed.signature).hex()}


def _summary(challenge: Challenge, circuit: Circuit) -> str:
    """What ``holder prove`` is about to prove, in plain words, with the values the
    challenge resolves the circuit's predicates to."""
    description = circuit.description.splitlines()[0]
    lines = [
        "zkattest: about to prove",
        f"  to         {challenge.verifier_domain}",
        f"  wallet     {checksum_address(challenge.wallet_address)} on chain {challenge.chain_id}",
        textwrap.fill(
            f"{circuit.id}: {description}",
            width=80,
            initial_indent="  circuit    ",
            subsequent_indent=" " * 13,
        ),
    ]
    several = len(circuit.credentials) > 1
    for spec, statement in zip(circuit.credentials, _statement(challenge, circuit), strict=True):
        if several:
            lines.append(f"  credential {spec.name} ({spec.schema.id})")
        for i, predicate in enumerate(statement):
            lines.append(
                textwrap.fill(
                    predicate,
                    width=80,
                    initial_indent="  statement  " if i == 0 else " " * 13,
                    subsequent_indent=" " * 15,
                    break_on_hyphens=False,
                )
            )
    if several:
        lines.append("  holder     the same holder secret in every credential, never shown")
    disclosed = ", ".join(name for spec in circuit.credentials for name in spec.disclose)
    lines += [
        "  disclosed  "
        + (f"{disclosed} (their values go to the verifier)" if disclosed else "nothing more"),
        f"  today      {challenge.today} (the verifier's date), admission horizon"
        f" {challenge.horizon_days} days",
        f"  expires    {challenge.expires_at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"
        " (the challenge)",
    ]
    return "\n".join(lines)


def _statement(challenge: Challenge, circuit: Circuit) -> list[list[str]]:
    """Per credential, one line per predicate: attribute, operator and the values
    it resolves to today."""
    today, horizon = challenge.today, challenge.horizon_days
    resolved = circuit.resolve_all(today, horizon_days=horizon)
    unraised = circuit.resolve_all(today)
    return [
        _predicate_lines(spec, r, base, dict(circuit.params), horizon)
        for spec, r, base in zip(circuit.credentials, resolved, unraised, strict=True)
    ]


def _predicate_lines(
    spec: CredentialSpec,
    resolved: list[ResolvedPredicate],
    unraised: list[ResolvedPredicate],
    params: dict[str, int],
    horizon: int,
) -> list[str]:
    lines = []
    for p, r, base in zip(spec.predicates, resolved, unraised, strict=True):
        attribute = spec.schema.attribute(p.attribute)
        values = [_shown(attribute.decode_scalar(v)) for v in r.values]
        text = _in_words(p.attribute, r.op, values)
        if p.attribute == EXPIRY_ATTRIBUTE and r.values != base.values:
            notes = [f"today + {horizon} days, the admission horizon"]
        else:
            operands = p.value if isinstance(p.value, tuple) else (p.value,)
            notes = [_spelled(v, params) for v in operands if isinstance(v, RelativeDate)]
        lines.append(f"{text} ({', '.join(notes)})" if notes else text)
    return lines


def _in_words(attribute: str, op: str, values: list[str]) -> str:
    if op == "between":
        return f"{attribute} between {values[0]} and {values[1]}"
    if op == "in":
        return f"{attribute} is one of {', '.join(sorted(values))}"
    if op == "not_in":
        return f"{attribute} is none of {', '.join(sorted(values))}"
    return f"{attribute} {op} {values[0]}"


def _spelled(relative: RelativeDate, params: dict[str, int]) -> str:
    """A relative date with its parameter's value in place of its name."""
    amount = relative.amount
    count = params[amount] if isinstance(amount, str) else amount
    return str(RelativeDate(relative.sign, count, relative.unit))


def _shown(value: JsonValue) -> str:
    """An attribute value as a person reads it: true/false, 1,000,000, names and dates."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    return value


def cmd_verify(args: argparse.Namespace) -> int:
    presentation = _load(args.presentation, Presentation.from_json)
    challenge = _load(args.challenge, Challenge.from_json)
    trusted: list[IssuerPublicKey | TrustedIssuer] = list(_issuers(args.issuer).values())
    for path, schemas, roles in args.trust:
        key = _load(path, IssuerPublicKey.from_json)
        named = [r for r in roles.split(",") if r and r != "-"]
        trusted.append(TrustedIssuer(key, tuple(schemas.split(",")), tuple(named)))
    if not trusted:
        raise InvalidInputError("name the trusted issuers: --issuer FILE or --trust FILE S R")
    keys = {t.key_id: t if isinstance(t, IssuerPublicKey) else t.key for t in trusted}
    registries = RegistryStates()
    for path in args.registry_state:
        state = _load(path, RegistryState.from_json)
        if state.issuer_key_id not in keys:
            raise InvalidInputError(f"{path}: a registry state of an issuer not trusted here")
        try:
            registries.add(state, keys[state.issuer_key_id])
        except VerificationError:
            raise InvalidInputError(f"{path}: the issuer's signature does not verify") from None
    try:
        result = verify(
            presentation,
            challenge,
            trusted,
            circuits=args.circuits,
            registries=registries,
            max_state_age=_age(args.max_state_age),
        )
    except VerificationError as exc:
        print(f"refused: {exc.reason}")
        return EXIT_REFUSED
    print(
        f"accepted: {result.wallet_address} on chain {result.chain_id} satisfies "
        f"{result.circuit_id} (issuer {', '.join(result.issuer_key_ids)}; valid through "
        f"at least {result.valid_through.isoformat()}; holder pseudonym for "
        f"{challenge.verifier_domain} {result.pseudonym})"
    )
    return EXIT_OK


# What the 'service' extra installs (import names), looked up without importing.
_SERVICE_MODULES: Final = (
    "fastapi",
    "fastapi_offline",
    "uvicorn",
    "pydantic_settings",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "cryptography",
    "coincurve",
    "prometheus_client",
    "prometheus_fastapi_instrumentator",
    "pythonjsonlogger",
    "asgi_correlation_id",
)


def cmd_serve(args: argparse.Namespace) -> None:
    """Start the verifier service (:mod:`zkattest.service.server`)."""
    missing = [m for m in _SERVICE_MODULES if find_spec(m) is None]
    if missing:
        raise InvalidInputError(
            f"the verifier service needs the 'service' extra ({', '.join(missing)} missing): "
            "pip install 'zkattest[service]'"
        )
    from zkattest.service.server import serve

    serve(args.host, args.port, args.workers)


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str
) -> argparse.ArgumentParser:
    """A sub-command whose summary is both its line in the list and its description."""
    return commands.add_parser(name, help=summary, description=summary)


def _parser() -> argparse.ArgumentParser:
    """The argument parser; built from static text only (never from files on disk)."""
    parser = argparse.ArgumentParser(
        prog="zkattest",
        description="Zero-knowledge investor-eligibility attestation.",
        epilog=_EXIT_STATUS_HELP + "\n" + _ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"zkattest {__version__}")
    parser.add_argument(
        "--backend",
        choices=BACKEND_NAMES,
        help=f"curve backend (default: ${ENV_VAR} or arkworks)",
    )
    parser.add_argument(
        "--circuit-file",
        action="append",
        default=[],
        metavar="FILE",
        help="a platform's own circuit (<id>.toml), beside the built-in ones, for"
        " challenge, prove and verify (repeatable; the service reads $ZKATTEST_CIRCUIT_FILES)",
    )
    commands = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        help="'zkattest COMMAND --help' describes its options",
    )

    demo = _command(commands, "demo", "the whole flow locally, printing each party's view")
    demo.add_argument(
        "--circuit",
        default="accredited_investor_506c",
        metavar="ID",
        help="built-in circuit to prove (default: accredited_investor_506c)",
    )
    demo.set_defaults(run=lambda a: run_demo(a.circuit, sys.stdout))

    issuer = _command(commands, "issuer", "KYC provider commands").add_subparsers(
        dest="issuer_command", required=True, metavar="COMMAND", help="an issuer command"
    )
    keygen = _command(issuer, "keygen", "generate an issuer key pair")
    keygen.add_argument(
        "--suite",
        choices=sorted(_SUITES),
        default="sha256",
        help="BBS ciphersuite: BLS12-381 with SHA-256 or SHAKE-256 (default: sha256)",
    )
    keygen.add_argument(
        "--secret-out", required=True, metavar="FILE", help="secret key file (written 0600)"
    )
    keygen.add_argument(
        "--public-out", required=True, metavar="FILE", help="public key file to publish"
    )
    keygen.add_argument("--force", action="store_true", help="overwrite existing files")
    keygen.set_defaults(run=cmd_keygen)
    issue = _command(
        issuer, "issue", "sign a credential valid today (UTC), bound to the requesting holder"
    )
    issue.add_argument("--key", required=True, metavar="FILE", help="issuer secret key file")
    issue.add_argument(
        "--request", required=True, metavar="FILE", help="the holder's credential request"
    )
    issue.add_argument(
        "--customer",
        required=True,
        metavar="REF",
        help="your own reference for the person (never an attribute); one live credential each",
    )
    issue.add_argument(
        "--ledger",
        required=True,
        metavar="FILE",
        help="the issuer's ledger of live credentials (SQLite; created if missing)",
    )
    issue.add_argument(
        "--attributes",
        required=True,
        metavar="FILE",
        help="JSON object of the schema's attribute values, all of them",
    )
    issue.add_argument(
        "--schema",
        default="investor/v1",
        help="credential schema the attributes follow (default: investor/v1)",
    )
    issue.add_argument(
        "--registry",
        metavar="FILE",
        help="make the credential revocable in this registry (issuer registry); a customer's"
        " earlier revocable credentials are revoked and published away first",
    )
    issue.add_argument(
        "--out", metavar="FILE", help="credential file, written 0600 (default: stdout)"
    )
    issue.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    issue.set_defaults(run=cmd_issue)
    registry = _command(issuer, "registry", "create a revocation registry and publish epoch 0")
    registry.add_argument("--key", required=True, metavar="FILE", help="issuer secret key file")
    registry.add_argument(
        "--registry", required=True, metavar="FILE", help="the registry (new SQLite file, 0600)"
    )
    registry.add_argument(
        "--capacity",
        type=int,
        default=10_000,
        metavar="N",
        help="how many credentials it can hold, 1 to 1000000 (default: 10000)",
    )
    registry.add_argument("--out", metavar="FILE", help="the first state (default: stdout)")
    registry.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    registry.set_defaults(run=cmd_registry)
    revoke = _command(issuer, "revoke", "revoke a customer's revocable credentials")
    revoke.add_argument("--key", required=True, metavar="FILE", help="issuer secret key file")
    revoke.add_argument("--registry", required=True, metavar="FILE", help="the registry file")
    revoke.add_argument(
        "--customer", required=True, metavar="REF", help="your reference for the person"
    )
    revoke.set_defaults(run=cmd_revoke)
    publish = _command(
        issuer, "publish", "close an epoch: sign a registry state without the revoked ones"
    )
    publish.add_argument("--key", required=True, metavar="FILE", help="issuer secret key file")
    publish.add_argument("--registry", required=True, metavar="FILE", help="the registry file")
    publish.add_argument("--out", metavar="FILE", help="the signed state (default: stdout)")
    publish.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    publish.set_defaults(run=cmd_publish)

    holder = _command(commands, "holder", "wallet commands").add_subparsers(
        dest="holder_command", required=True, metavar="COMMAND", help="a wallet command"
    )
    init = _command(holder, "init", "make the holder secret, once (written mode 0600)")
    init.add_argument("--out", required=True, metavar="FILE", help="holder secret file (new)")
    init.set_defaults(run=cmd_holder_init)
    request = _command(holder, "request", "ask an issuer for a credential bound to this holder")
    request.add_argument("--secret", required=True, metavar="FILE", help="holder secret file")
    request.add_argument("--issuer", required=True, metavar="FILE", help="issuer public key file")
    request.add_argument(
        "--schema", default="investor/v1", help="credential schema (default: investor/v1)"
    )
    request.add_argument(
        "--out", metavar="FILE", help="the request, for the issuer (default: stdout)"
    )
    request.add_argument(
        "--pending",
        required=True,
        metavar="FILE",
        help="what the wallet keeps until the credential arrives (new file, mode 0600)",
    )
    request.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    request.set_defaults(run=cmd_request)
    accept = _command(holder, "accept", "check and store the credential an issuer returned")
    accept.add_argument(
        "--credential", required=True, metavar="FILE", help="the issuer's credential file"
    )
    accept.add_argument(
        "--issuer",
        required=True,
        action="append",
        metavar="FILE",
        help="trusted issuer public key file (repeat for several)",
    )
    accept.add_argument("--secret", required=True, metavar="FILE", help="holder secret file")
    accept.add_argument("--pending", required=True, metavar="FILE", help="the pending request file")
    accept.add_argument(
        "--out", required=True, metavar="FILE", help="the stored credential (mode 0600)"
    )
    accept.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    accept.set_defaults(run=cmd_accept)
    check = _command(holder, "check", "check a credential on receipt: signature, issuer, dates")
    check.add_argument("--credential", required=True, metavar="FILE", help="credential file")
    check.add_argument(
        "--issuer",
        required=True,
        action="append",
        metavar="FILE",
        help="trusted issuer public key file (repeat for several)",
    )
    check.add_argument(
        "--secret", metavar="FILE", help="holder secret file (for a bound credential)"
    )
    check.set_defaults(run=cmd_check)
    update = _command(
        holder, "update", "bring a revocable credential forward from published registry states"
    )
    update.add_argument("--credential", required=True, metavar="FILE", help="credential file")
    update.add_argument(
        "--state",
        required=True,
        action="append",
        metavar="FILE",
        help="a registry state the issuer published (repeatable; those after the"
        " credential's epoch are followed, in order)",
    )
    update.add_argument(
        "--out", metavar="FILE", help="the updated credential (default: in place, mode 0600)"
    )
    update.set_defaults(run=cmd_update)
    prove_cmd = _command(holder, "prove", "prove a challenge's circuit on a credential")
    prove_cmd.add_argument(
        "--credential",
        required=True,
        action="append",
        metavar="FILE",
        help="credential file (repeatable: the wallet picks one per credential the circuit"
        " reads, or says which it cannot fill)",
    )
    prove_cmd.add_argument(
        "--secret", metavar="FILE", help="holder secret file (for a bound credential)"
    )
    prove_cmd.add_argument(
        "--challenge", required=True, metavar="FILE", help="challenge file from the verifier"
    )
    prove_cmd.add_argument(
        "--wallet",
        required=True,
        metavar="ADDRESS",
        help="the wallet address to whitelist; must be the challenge's",
    )
    prove_cmd.add_argument(
        "--issuer",
        action="append",
        default=[],
        metavar="FILE",
        help="trusted issuer public key file (repeatable; default: the key the credential "
        "names, which catches corruption but not a forged issuer)",
    )
    prove_cmd.add_argument(
        "--yes",
        action="store_true",
        help="prove without asking; on a terminal, holder prove otherwise asks for"
        " confirmation after showing what it will prove (shown on stderr in any case)",
    )
    prove_cmd.add_argument("--out", metavar="FILE", help="presentation file (default: stdout)")
    prove_cmd.add_argument(
        "--as-request",
        action="store_true",
        help="write the POST /v1/presentations body (challenge id and presentation)",
    )
    prove_cmd.add_argument(
        "--wallet-key",
        metavar="FILE",
        help="with --as-request: sign the challenge's EIP-4361 sign-in message with this"
        " wallet key (hex; demos and tests: a real wallet signs zkattest.signin's message"
        " in its own app)",
    )
    prove_cmd.add_argument(
        "--release-wallet",
        metavar="ADDRESS",
        help="with --as-request and --wallet-key: move this holder's seat from ADDRESS (another"
        " of its wallets) to --wallet, named in the signed sign-in message",
    )
    prove_cmd.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    prove_cmd.set_defaults(run=cmd_prove)

    verifier = _command(commands, "verifier", "platform commands").add_subparsers(
        dest="verifier_command", required=True, metavar="COMMAND", help="a platform command"
    )
    challenge = _command(verifier, "challenge", "issue a challenge for a wallet")
    challenge.add_argument(
        "--circuit", required=True, metavar="ID", help="built-in circuit the wallet must prove"
    )
    challenge.add_argument(
        "--domain", required=True, help="the verifier's domain the presentation is bound to"
    )
    challenge.add_argument(
        "--wallet", required=True, metavar="ADDRESS", help="the wallet address to be proven"
    )
    challenge.add_argument(
        "--chain-id",
        type=int,
        required=True,
        metavar="N",
        help="EIP-155 chain id of the wallet (1: Ethereum mainnet)",
    )
    challenge.add_argument(
        "--lifetime",
        type=int,
        default=300,
        metavar="SECONDS",
        help="how long the challenge may be answered, 1 to 86400 (default: 300)",
    )
    challenge.add_argument(
        "--horizon-days",
        type=int,
        default=0,
        metavar="DAYS",
        help="admission horizon: the credential must be proven valid this many days past "
        f"today, one of {', '.join(map(str, HORIZON_STEPS))} (default: 0, valid today)",
    )
    challenge.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a circuit parameter, e.g. majority_age=21 (repeatable)",
    )
    challenge.add_argument(
        "--max-state-age",
        type=int,
        metavar="SECONDS",
        help="revocable credentials must be proven against a registry state published at"
        " most this long before the challenge",
    )
    challenge.add_argument("--out", metavar="FILE", help="challenge file (default: stdout)")
    challenge.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    challenge.set_defaults(run=cmd_challenge)

    serve = commands.add_parser(
        "serve",
        help="run the verifier service (its settings: serve --help)",
        description="Run the verifier service (needs the 'service' extra).",
        epilog=_SERVICE_ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes, 1 to 64 (default: 1)",
    )
    serve.set_defaults(run=cmd_serve)

    verify_cmd = _command(commands, "verify", "verify a presentation against its challenge")
    verify_cmd.add_argument(
        "--presentation", required=True, metavar="FILE", help="presentation file from the wallet"
    )
    verify_cmd.add_argument(
        "--challenge", required=True, metavar="FILE", help="the challenge it answers"
    )
    verify_cmd.add_argument(
        "--issuer",
        action="append",
        default=[],
        metavar="FILE",
        help="trusted issuer public key file, for every schema and no role (repeatable)",
    )
    verify_cmd.add_argument(
        "--trust",
        action="append",
        default=[],
        nargs=3,
        metavar=("FILE", "SCHEMAS", "ROLES"),
        help="trusted issuer public key file, for these schemas only (comma-separated:"
        " investor/v1,accreditation/v1) in these roles (comma-separated: kyc_provider;"
        " - for none) (repeatable)",
    )
    verify_cmd.add_argument(
        "--registry-state",
        action="append",
        default=[],
        metavar="FILE",
        help="a trusted issuer's published registry state (repeatable): that issuer's"
        " credentials must then be revocable and proven in one of these states",
    )
    verify_cmd.add_argument(
        "--max-state-age",
        type=int,
        default=86_400,
        metavar="SECONDS",
        help="the oldest registry state accepted when the challenge sets no bound (default: 86400)",
    )
    verify_cmd.set_defaults(run=cmd_verify)
    return parser


def _exit_status(exc: ZkAttestError) -> int:
    """1 for a refusal (a verdict on well-formed input), 2 for bad input or set-up."""
    return EXIT_REFUSED if isinstance(exc, (VerificationError, PolicyError)) else EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zkattest`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.backend:
            set_backend(args.backend)
        args.circuits = CircuitRegistry()
        for path in args.circuit_file:
            args.circuits.add_file(path)
        status = args.run(args)
    except ZkAttestError as exc:
        print(f"zkattest: error: {exc}", file=sys.stderr)
        return _exit_status(exc)
    return status if isinstance(status, int) else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
