"""The command line: the demo, the file-based issuer / holder / verifier flow,
its help texts, exit statuses and error messages."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import zkattest.cli
from tests.conftest import bound_credential, sample_attributes
from zkattest import Challenge, HolderSecret, IssuerSecretKey, prove
from zkattest.circuits import CIRCUITS_DIR_ENV, get_circuit
from zkattest.cli import main
from zkattest.holder import request_credential

WALLET = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
OTHER_WALLET = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"


@pytest.mark.parametrize(
    "circuit", ["accredited_investor_506c", "kyc_adult", "accredited_investor_506c_verified"]
)
def test_demo_runs_the_whole_flow(circuit: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--circuit", circuit]) == 0
    out = capsys.readouterr().out
    assert "signature valid" in out
    assert "a second credential for CUST-0001 replaces the first: the first is revoked" in out
    assert "each credential proven unrevoked" in out
    assert "and it cannot be brought forward: refused (revoked)" in out
    assert "ignores the bound, proving on the old state: refused (stale_registry_state)" in out
    assert "(unlinkable)" in out
    assert f"satisfies {circuit}" in out
    assert "another wallet: refused (context_mismatch)" in out
    verifier_view = out.split("== Verifier sees only")[1]
    for secret in ("Ada Lovelace", "1990-12-10", "2400000", "GB", "net_worth", "engagement"):
        assert secret not in verifier_view
    if circuit.endswith("_verified"):
        assert "over 2 credentials carrying one hidden holder secret" in out
        assert "trusted for investor/v1 only: refused (untrusted_issuer)" in out


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_file_based_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret, public = tmp_path / "issuer.secret.json", tmp_path / "issuer.json"
    attrs, cred = tmp_path / "attrs.json", tmp_path / "credential.json"
    challenge, presentation = tmp_path / "challenge.json", tmp_path / "presentation.json"
    attrs.write_text(json.dumps(sample_attributes()))

    assert (
        _run(
            ["issuer", "keygen", "--secret-out", str(secret), "--public-out", str(public)], capsys
        )[0]
        == 0
    )
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    holder, request, pending = (tmp_path / n for n in ("holder.json", "req.json", "pend.json"))
    issued, ledger = tmp_path / "issued.json", tmp_path / "ledger.sqlite"
    assert _run(["holder", "init", "--out", str(holder)], capsys)[0] == 0
    assert stat.S_IMODE(os.stat(holder).st_mode) == 0o600
    assert _run(["holder", "init", "--out", str(holder)], capsys)[0] == 2  # never overwritten
    assert (
        _run(
            [
                "holder",
                "request",
                "--secret",
                str(holder),
                "--issuer",
                str(public),
                "--out",
                str(request),
                "--pending",
                str(pending),
            ],
            capsys,
        )[0]
        == 0
    )
    assert stat.S_IMODE(os.stat(pending).st_mode) == 0o600
    issue = ["issuer", "issue", "--key", str(secret), "--attributes", str(attrs)]
    issue += ["--request", str(request), "--customer", "CUST-1", "--ledger", str(ledger)]
    assert _run([*issue, "--out", str(issued)], capsys)[0] == 0
    status, _, err = _run(issue, capsys)  # a second request for the customer
    assert status == 2
    assert "holds a live bound credential" in err
    accept = ["holder", "accept", "--credential", str(issued), "--issuer", str(public)]
    accept += ["--secret", str(holder), "--pending", str(pending), "--out", str(cred)]
    assert _run(accept, capsys)[0] == 0
    assert stat.S_IMODE(os.stat(cred).st_mode) == 0o600
    status, out, _ = _run(
        [
            "holder",
            "check",
            "--credential",
            str(cred),
            "--issuer",
            str(public),
            "--secret",
            str(holder),
        ],
        capsys,
    )
    assert status == 0
    assert out.startswith("credential valid today (")
    assert "through 2046-01-15: schema investor/v1" in out
    assert (
        _run(
            [
                "verifier",
                "challenge",
                "--circuit",
                "kyc_adult",
                "--domain",
                "exchange.example",
                "--wallet",
                WALLET,
                "--chain-id",
                "1",
                "--out",
                str(challenge),
            ],
            capsys,
        )[0]
        == 0
    )
    assert (
        _run(
            [
                "holder",
                "prove",
                "--credential",
                str(cred),
                "--secret",
                str(holder),
                "--challenge",
                str(challenge),
                "--wallet",
                WALLET,
                "--issuer",
                str(public),
                "--out",
                str(presentation),
            ],
            capsys,
        )[0]
        == 0
    )
    status, out, _ = _run(
        [
            "verify",
            "--presentation",
            str(presentation),
            "--challenge",
            str(challenge),
            "--issuer",
            str(public),
        ],
        capsys,
    )
    assert status == 0
    assert out.startswith("accepted: 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")

    # refusals: another issuer, a tampered proof, an existing output file
    other_secret, other_public = tmp_path / "o.secret.json", tmp_path / "o.json"
    _run(
        ["issuer", "keygen", "--secret-out", str(other_secret), "--public-out", str(other_public)],
        capsys,
    )
    status, out, _ = _run(
        [
            "verify",
            "--presentation",
            str(presentation),
            "--challenge",
            str(challenge),
            "--issuer",
            str(other_public),
        ],
        capsys,
    )
    assert status == 1
    assert out.strip() == "refused: untrusted_issuer"
    doc = json.loads(presentation.read_text())
    doc["proof"] = doc["proof"][:-8] + "AAAAAAA="
    presentation.write_text(json.dumps(doc))
    status, out, _ = _run(
        [
            "verify",
            "--presentation",
            str(presentation),
            "--challenge",
            str(challenge),
            "--issuer",
            str(public),
        ],
        capsys,
    )
    assert status == 1
    assert out.strip() == "refused: invalid"
    status, _, err = _run(
        ["issuer", "keygen", "--secret-out", str(secret), "--public-out", str(public)], capsys
    )
    assert status == 2
    assert err == f"zkattest: error: {secret} exists; pass --force to overwrite\n"


def test_bad_issuer_input_and_wrong_wallet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret, public = tmp_path / "s.json", tmp_path / "p.json"
    _run(["issuer", "keygen", "--secret-out", str(secret), "--public-out", str(public)], capsys)
    attrs = tmp_path / "attrs.json"
    attrs.write_text(json.dumps(sample_attributes(net_worth_usd=-5)))
    holder, request = tmp_path / "holder.json", tmp_path / "request.json"
    _run(["holder", "init", "--out", str(holder)], capsys)
    _run(
        [
            "holder",
            "request",
            "--secret",
            str(holder),
            "--issuer",
            str(public),
            "--out",
            str(request),
            "--pending",
            str(tmp_path / "pending.json"),
        ],
        capsys,
    )
    issue = ["issuer", "issue", "--key", str(secret), "--attributes", str(attrs)]
    issue += ["--request", str(request), "--customer", "C", "--ledger", str(tmp_path / "l.db")]
    status, _, err = _run(issue, capsys)
    assert status == 2
    assert err.startswith("zkattest: error: net_worth_usd: ")
    attrs.write_text("[1, 2]")
    status, _, err = _run(issue, capsys)
    assert status == 2
    assert err == f"zkattest: error: {attrs}: expected a JSON object of attributes\n"
    challenge = tmp_path / "c.json"
    _run(
        [
            "verifier",
            "challenge",
            "--circuit",
            "kyc_adult",
            "--domain",
            "exchange.example",
            "--wallet",
            WALLET,
            "--chain-id",
            "1",
            "--out",
            str(challenge),
        ],
        capsys,
    )
    attrs.write_text(json.dumps(sample_attributes()))
    cred = tmp_path / "cred.json"
    cred.write_text(
        bound_credential(
            IssuerSecretKey.from_json(secret.read_text()), HolderSecret.load(holder)
        ).to_json()
    )
    status, _, err = _run(
        [
            "holder",
            "prove",
            "--credential",
            str(cred),
            "--secret",
            str(holder),
            "--challenge",
            str(challenge),
            "--wallet",
            OTHER_WALLET,
        ],
        capsys,
    )
    assert status == 2
    assert err == "zkattest: error: the challenge was issued for another wallet address\n"
    status, _, err = _run(
        [
            "holder",
            "check",
            "--credential",
            str(tmp_path / "missing.json"),
            "--issuer",
            str(public),
        ],
        capsys,
    )
    assert status == 2
    assert err == (
        f"zkattest: error: cannot read {tmp_path / 'missing.json'}: No such file or directory\n"
    )


@pytest.mark.slow
def test_console_script_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "zkattest.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("zkattest ")


def test_unknown_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["launch-rockets"])
    assert exc.value.code == 2


# -- help texts ------------------------------------------------------------------------


def _actions(
    parser: argparse.ArgumentParser, command: str = "zkattest"
) -> Iterator[tuple[str, argparse.Action]]:
    """Every action of ``parser`` and of its sub-commands, recursively, but --help."""
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        yield command, action
        if isinstance(action, argparse._SubParsersAction):
            # the one-line summaries listed for the sub-commands
            for summary in action._choices_actions:
                yield command, summary
            for name, subparser in action.choices.items():
                yield from _actions(subparser, f"{command} {name}")


def test_every_option_and_command_has_help() -> None:
    actions = list(_actions(zkattest.cli._parser()))
    undocumented = [
        f"{command} {action.option_strings or action.dest}"
        for command, action in actions
        if not action.help
    ]
    assert undocumented == []
    # the walk reached the leaves, so the assertion above covers them
    options = {(command, opt) for command, action in actions for opt in action.option_strings}
    assert {
        ("zkattest", "--backend"),
        ("zkattest issuer keygen", "--force"),
        ("zkattest issuer keygen", "--suite"),
        ("zkattest issuer issue", "--schema"),
        ("zkattest holder check", "--credential"),
        ("zkattest holder prove", "--challenge"),
        ("zkattest verifier challenge", "--chain-id"),
        ("zkattest verifier challenge", "--circuit"),
        ("zkattest serve", "--host"),
        ("zkattest serve", "--port"),
        ("zkattest serve", "--workers"),
        ("zkattest demo", "--circuit"),
    } <= options


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    return capsys.readouterr().out


def test_top_level_help_documents_exit_status_and_environment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _help([], capsys)
    exit_status = zkattest.cli._EXIT_STATUS_HELP
    assert exit_status in out
    for code in ("0  success", "1  refused", "2  usage or input error"):
        assert f"\n  {code}" in exit_status
    # the module docstring says the same, line for line
    doc = zkattest.cli.__doc__ or ""
    for line in exit_status.splitlines():
        assert line.strip() in doc
    assert "\n  ZKATTEST_BACKEND " in out
    assert "\n  ZKATTEST_CIRCUITS_DIR " in out


def test_serve_help_lists_every_service_setting(capsys: pytest.CaptureFixture[str]) -> None:
    from zkattest.service.core.config import Settings

    out = _help(["serve"], capsys)
    lines = out.split("environment (read by the service when it starts):\n")[1].splitlines()
    # each variable is "  NAME" and, on the lines indented below it, its meaning
    listed: dict[str, str] = {}
    name = ""
    for line in lines:
        if line.startswith("      "):
            listed[name] += " " + line.strip()
        elif line.startswith("  "):
            name = line.strip()
            listed[name] = ""
    assert {n for n in listed if n.startswith("ZKATTEST_")} == {
        f"ZKATTEST_{field.upper()}" for field in Settings.model_fields
    }
    assert "--workers" in listed["PROMETHEUS_MULTIPROC_DIR"]
    for field, info in Settings.model_fields.items():
        meaning = listed[f"ZKATTEST_{field.upper()}"]
        assert meaning
        default = info.default
        if isinstance(default, str | int | Path) and not isinstance(default, bool):
            assert str(default) in meaning, f"{field}: help does not give the default {default}"


# A plain install: none of the service extra's packages can be imported.
_WITHOUT_SERVICE = """
import sys
for name in ("zkattest.service", "fastapi", "pydantic", "pydantic_settings", "sqlalchemy",
             "uvicorn"):
    sys.modules[name] = None  # `import name` now raises ImportError
from zkattest.cli import main
from zkattest.holder import request_credential
sys.exit(main(sys.argv[1:]))
"""


def _without_service(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", _WITHOUT_SERVICE, *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.slow
def test_serve_help_works_without_the_service_extra() -> None:
    result = _without_service("serve", "--help")
    assert result.returncode == 0, result.stderr
    assert "\n  ZKATTEST_DATABASE_URL\n" in result.stdout
    assert "\n  --workers N " in result.stdout


@pytest.mark.slow
def test_serve_without_the_service_extra_is_an_input_error() -> None:
    result = _without_service("serve")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "zkattest: error: the verifier service needs the 'service' extra ("
    )
    assert result.stderr.endswith("): pip install 'zkattest[service]'\n")
    assert result.stderr.count("\n") == 1  # one line, no traceback


def test_the_parser_does_not_read_the_circuits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unusable circuits directory breaks only the commands that need a circuit."""
    monkeypatch.setenv(CIRCUITS_DIR_ENV, str(tmp_path / "absent"))
    assert "--circuit ID" in _help(["demo"], capsys)
    status, _, err = _run(["demo", "--circuit", "kyc_adult"], capsys)
    assert status == 2
    assert err == (
        f"zkattest: error: ${CIRCUITS_DIR_ENV} ({tmp_path / 'absent'}): "
        "no such circuits directory\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--circuit", "no_such_circuit"],
        [
            "verifier",
            "challenge",
            "--circuit",
            "no_such_circuit",
            "--domain",
            "exchange.example",
            "--wallet",
            WALLET,
            "--chain-id",
            "1",
        ],
    ],
)
def test_an_unknown_circuit_is_an_input_error_listing_the_known_ones(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(argv, capsys)
    assert status == 2
    assert out == ""
    assert err.startswith("zkattest: error: unknown circuit 'no_such_circuit'; known: ")
    assert "accredited_investor_506c" in err
    assert "kyc_adult" in err


def test_a_bad_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["verifier", "challenge", "--circuit", "kyc_adult", "--chain-id", "one"])
    assert exc.value.code == 2
    assert "argument --chain-id: invalid int value: 'one'" in capsys.readouterr().err


# -- files: one issuer, credential, challenge and presentation ---------------------------


@dataclass(frozen=True)
class Files:
    secret: Path
    public: Path
    attributes: Path
    credential: Path
    challenge: Path
    presentation: Path
    holder: Path
    request: Path


@pytest.fixture
def files(tmp_path: Path) -> Files:
    issuer = IssuerSecretKey.generate()
    holder = HolderSecret.generate()
    credential = bound_credential(issuer, holder, today=_utc_today())
    challenge = Challenge.create(
        get_circuit("kyc_adult"),
        verifier_domain="exchange.example",
        wallet_address=WALLET,
        chain_id=1,
    )
    written = Files(*(tmp_path / f"{name}.json" for name in Files.__dataclass_fields__))
    written.secret.write_text(issuer.to_json_secret())
    written.public.write_text(issuer.public_key().to_json())
    written.attributes.write_text(json.dumps(sample_attributes(), indent=2))
    written.credential.write_text(credential.to_json())
    written.challenge.write_text(challenge.to_json())
    written.presentation.write_text(prove(credential, challenge, holder=holder).to_json())
    written.holder.unlink(missing_ok=True)
    holder.save(written.holder)
    written.request.write_text(
        request_credential(holder, issuer.public_key(), "investor/v1").request.to_json()
    )
    return written


def _issue(f: Files) -> list[str]:
    return [
        "issuer",
        "issue",
        "--key",
        str(f.secret),
        "--attributes",
        str(f.attributes),
        "--request",
        str(f.request),
        "--customer",
        f"c-{secrets.token_hex(4)}",
        "--ledger",
        str(f.secret.parent / "ledger.sqlite"),
    ]


def _check(f: Files) -> list[str]:
    return [
        "holder",
        "check",
        "--credential",
        str(f.credential),
        "--issuer",
        str(f.public),
        "--secret",
        str(f.holder),
    ]


def _prove(f: Files) -> list[str]:
    return [
        "holder",
        "prove",
        "--credential",
        str(f.credential),
        "--secret",
        str(f.holder),
        "--challenge",
        str(f.challenge),
        "--wallet",
        WALLET,
        "--issuer",
        str(f.public),
    ]


def _verify(f: Files) -> list[str]:
    return [
        "verify",
        "--presentation",
        str(f.presentation),
        "--challenge",
        str(f.challenge),
        "--issuer",
        str(f.public),
    ]


BROKEN_JSON = '{\n  "version": 1,\n  "type": "x"\n  "extra": 2\n}\n'


@pytest.mark.parametrize(
    ("broken", "command"),
    [
        ("attributes", _issue),
        ("secret", _issue),
        ("credential", _check),
        ("public", _check),
        ("challenge", _prove),
        ("credential", _prove),
        ("presentation", _verify),
        ("challenge", _verify),
        ("public", _verify),
    ],
)
def test_a_file_that_is_not_json_is_named_with_the_position(
    files: Files, broken: str, command: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path: Path = getattr(files, broken)
    path.write_text(BROKEN_JSON)
    status, out, err = _run(command(files), capsys)  # type: ignore[operator]
    assert status == 2
    assert out == ""
    assert err == (
        f"zkattest: error: {path}: not valid JSON: Expecting ',' delimiter at line 4 column 3\n"
    )


def test_a_malformed_presentation_is_an_input_error(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    files.presentation.write_text(files.credential.read_text())
    status, out, err = _run(_verify(files), capsys)
    assert status == 2
    assert out == ""
    assert err == (
        f"zkattest: error: {files.presentation}: expected a 'zkattest/presentation' document\n"
    )


def test_an_oversized_file_is_an_input_error(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    files.attributes.write_text(" " * (1024 * 1024 + 1))
    status, _, err = _run(_issue(files), capsys)
    assert status == 2
    assert err == f"zkattest: error: {files.attributes}: larger than 1048576 bytes\n"


# -- issuance dates ----------------------------------------------------------------------


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"issuance_date": "2024-01-01", "expiry_date": "2025-01-01"},
            "expiry_date (2025-01-01) is before today ({today}, UTC): "
            "the credential would already be expired",
        ),
        (
            {"issuance_date": "2078-01-01", "expiry_date": "2079-01-01"},
            "issuance_date (2078-01-01) is after today ({today}, UTC): "
            "the credential would not be valid yet",
        ),
        (
            {"issuance_date": "2026-01-15", "expiry_date": "2026-01-14"},
            "issuance_date (2026-01-15) must not be after expiry_date (2026-01-14)",
        ),
    ],
)
def test_issuing_with_wrong_dates_is_refused(
    files: Files, dates: dict[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    files.attributes.write_text(json.dumps(sample_attributes(**dates)))
    out_file = files.attributes.parent / "new-credential.json"
    status, out, err = _run([*_issue(files), "--out", str(out_file)], capsys)
    assert status == 2
    assert out == ""
    assert err == f"zkattest: error: {message.format(today=_utc_today())}\n"
    assert not out_file.exists()


# -- holder check ------------------------------------------------------------------------


def _credential_file(f: Files, today: dt.date, **dates: str) -> None:
    """Replace the credential with one issued on ``today`` with the given dates."""
    issuer = IssuerSecretKey.from_json(f.secret.read_text())
    credential = bound_credential(
        issuer, HolderSecret.load(f.holder), sample_attributes(**dates), today=today
    )
    f.credential.write_text(credential.to_json())


@pytest.mark.parametrize(
    ("today", "status", "expected"),
    [
        (dt.date(2024, 1, 1), 0, "credential valid today (2024-01-01, UTC) through 2025-01-01: "),
        (dt.date(2024, 6, 1), 0, "credential valid today (2024-06-01, UTC) through 2025-01-01: "),
        (dt.date(2025, 1, 1), 0, "credential valid today (2025-01-01, UTC) through 2025-01-01: "),
        (dt.date(2025, 1, 2), 1, "refused: expired: credential expired on 2025-01-01\n"),
        (dt.date(2023, 12, 31), 1, "refused: not_yet_valid: credential is valid from 2024-01-01\n"),
    ],
)
def test_holder_check_reports_the_validity_period(
    files: Files,
    today: dt.date,
    status: int,
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Valid from issuance_date through expiry_date, both inclusive."""
    _credential_file(
        files, dt.date(2024, 1, 1), issuance_date="2024-01-01", expiry_date="2025-01-01"
    )
    monkeypatch.setattr(zkattest.cli, "_utc_today", lambda: today)
    key_id = json.loads(files.public.read_text())["key_id"]
    if status == 0:
        expected += f"schema investor/v1, issuer {key_id}\n"
    assert _run(_check(files), capsys) == (status, expected, "")


def test_holder_check_of_an_expired_credential_today(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    _credential_file(
        files, dt.date(2024, 1, 1), issuance_date="2024-01-01", expiry_date="2025-01-01"
    )
    status, out, _ = _run(_check(files), capsys)
    assert status == 1
    assert out == "refused: expired: credential expired on 2025-01-01\n"


def test_holder_check_refuses_a_tampered_or_untrusted_credential(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(files.credential.read_text())
    doc["attributes"]["net_worth_usd"] += 1
    files.credential.write_text(json.dumps(doc))
    status, out, err = _run(_check(files), capsys)
    assert (status, out, err) == (1, "refused: invalid: invalid signature\n", "")

    other = files.public.parent / "other-issuer.json"
    other.write_text(IssuerSecretKey.generate().public_key().to_json())
    status, out, err = _run(
        [
            "holder",
            "check",
            "--credential",
            str(files.credential),
            "--issuer",
            str(other),
            "--secret",
            str(files.holder),
        ],
        capsys,
    )
    assert status == 1
    assert out == "refused: untrusted_issuer: credential is not from a trusted issuer\n"


# -- holder prove and verify: refusals ---------------------------------------------------


def test_holder_prove_refuses_a_credential_that_does_not_satisfy_the_circuit(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    _credential_file(files, _utc_today(), kyc_level=1)
    status, out, err = _run(_prove(files), capsys)
    assert status == 1
    assert out == ""
    assert err.startswith("zkattest: about to prove\n")  # what was asked, then the refusal
    assert err.endswith(
        "\nzkattest: error: the credential does not satisfy kyc_level >= the circuit's value\n"
    )


def test_holder_prove_refuses_an_expired_credential(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    _credential_file(
        files, dt.date(2024, 1, 1), issuance_date="2024-01-01", expiry_date="2025-01-01"
    )
    status, _, err = _run(_prove(files), capsys)
    assert status == 1
    assert err.endswith(
        "\nzkattest: error: the credential does not satisfy expiry_date >= the circuit's value\n"
    )


def test_holder_prove_refuses_a_challenge_dated_far_from_the_clock(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(files.challenge.read_text())
    moved = _utc_today() - dt.timedelta(days=3)
    files.challenge.write_text(json.dumps({**document, "today": moved.isoformat()}))
    status, out, err = _run(_prove(files), capsys)
    assert (status, out) == (1, "")
    assert err == (
        f"zkattest: error: the challenge's date ({moved}) is more than one day from this"
        f" wallet's clock ({_utc_today()}, UTC)\n"
    )


def test_verify_accepts_and_refuses(files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(_verify(files), capsys)
    assert status == 0
    assert out.startswith(f"accepted: {WALLET.lower()} on chain 1 satisfies kyc_adult")
    challenge = Challenge.create(
        get_circuit("kyc_adult"),
        verifier_domain="exchange.example",
        wallet_address=OTHER_WALLET,
        chain_id=1,
    )
    files.challenge.write_text(challenge.to_json())
    status, out, err = _run(_verify(files), capsys)
    assert (status, out, err) == (1, "refused: context_mismatch\n", "")


@pytest.mark.parametrize("lifetime", ["0", "-5", "86401", "99999999999999999999"])
def test_challenge_lifetime_is_bounded(
    lifetime: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _run(
        [
            "verifier",
            "challenge",
            "--circuit",
            "kyc_adult",
            "--domain",
            "exchange.example",
            "--wallet",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "--chain-id",
            "1",
            "--lifetime",
            lifetime,
            "--out",
            str(tmp_path / "challenge.json"),
        ],
        capsys,
    )
    assert status == 2
    assert "--lifetime must be 1 to 86400 seconds" in err
    assert not (tmp_path / "challenge.json").exists()


@pytest.mark.parametrize(
    "lifetime", [dt.timedelta(0), dt.timedelta(seconds=-1), dt.timedelta(days=1, seconds=1)]
)
def test_library_refuses_a_challenge_lifetime_out_of_bounds(lifetime: dt.timedelta) -> None:
    from zkattest.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="1 second to 1 day"):
        Challenge.create(
            get_circuit("kyc_adult"),
            verifier_domain="exchange.example",
            wallet_address="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            chain_id=1,
            lifetime=lifetime,
        )


def _challenge_command(out: Path, *extra: str) -> list[str]:
    return [
        "verifier",
        "challenge",
        "--circuit",
        "kyc_adult",
        "--domain",
        "exchange.example",
        "--wallet",
        WALLET,
        "--chain-id",
        "1",
        "--out",
        str(out),
        *extra,
    ]


def test_challenge_horizon(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(_challenge_command(tmp_path / "plain.json"), capsys)[0] == 0
    assert Challenge.from_json((tmp_path / "plain.json").read_text()).horizon_days == 0
    out = tmp_path / "horizon.json"
    assert _run(_challenge_command(out, "--horizon-days", "30"), capsys)[0] == 0
    challenge = Challenge.from_json(out.read_text())
    assert challenge.horizon_days == 30
    assert json.loads(out.read_text())["horizon_days"] == 30


@pytest.mark.parametrize("horizon", ["-1", "366", "10"])
def test_challenge_horizon_is_bounded(
    horizon: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "challenge.json"
    status, _, err = _run(_challenge_command(out, "--horizon-days", horizon), capsys)
    assert status == 2
    assert err == (
        "zkattest: error: the admission horizon must be one of "
        "0, 1, 7, 14, 30, 60, 90, 180, 365 days\n"
    )
    assert not out.exists()


# -- holder prove: what is about to be proven --------------------------------------------


def _horizon_challenge(f: Files, **create: object) -> Challenge:
    challenge = Challenge.create(
        get_circuit("kyc_adult"),
        verifier_domain="exchange.example",
        wallet_address=WALLET,
        chain_id=1,
        horizon_days=30,
        **create,  # type: ignore[arg-type]
    )
    f.challenge.write_text(challenge.to_json())
    return challenge


def _summary(challenge: Challenge) -> str:
    """What holder prove prints for a kyc_adult challenge with a 30-day horizon."""
    today = challenge.today
    try:
        of_age = today.replace(year=today.year - 18)
    except ValueError:  # 29 February: the last day of February 18 years before
        of_age = today.replace(year=today.year - 18, day=28)
    description = get_circuit("kyc_adult").description.splitlines()[0]
    circuit = textwrap.fill(
        f"kyc_adult: {description}",
        width=80,
        initial_indent="  circuit    ",
        subsequent_indent=" " * 13,
    )
    return (
        "zkattest: about to prove\n"
        "  to         exchange.example\n"
        f"  wallet     {WALLET} on chain 1\n"
        f"{circuit}\n"
        f"  statement  birth_date <= {of_age} (today - 18y)\n"
        "             investor_type == individual\n"
        "             kyc_level >= 2\n"
        "             sanctions_screening == clear\n"
        f"             expiry_date >= {today + dt.timedelta(days=30)}"
        " (today + 30 days, the admission horizon)\n"
        "  disclosed  nothing more\n"
        f"  today      {today} (the verifier's date), admission horizon 30 days\n"
        f"  expires    {challenge.expires_at.strftime('%Y-%m-%dT%H:%M:%SZ')} (the challenge)\n"
    )


def test_holder_prove_says_what_it_proves(files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    """Not on a terminal: the summary goes to stderr and the proof is made."""
    challenge = _horizon_challenge(files)
    out_file = files.presentation.parent / "new.json"
    status, out, err = _run([*_prove(files), "--out", str(out_file)], capsys)
    assert (status, out) == (0, "")
    assert err == _summary(challenge)
    assert out_file.exists()


def test_holder_prove_summary_of_set_predicates(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    challenge = Challenge.create(
        get_circuit("reg_s_non_us"),
        verifier_domain="exchange.example",
        wallet_address=WALLET,
        chain_id=1,
    )
    files.challenge.write_text(challenge.to_json())
    status, _, err = _run(
        [*_prove(files), "--out", str(files.presentation.parent / "n.json")], capsys
    )
    assert status == 0
    assert "  statement  country is none of AS, GU, MP, PR, UM, US, VI\n" in err
    assert f"             expiry_date >= {challenge.today} (today)\n" in err
    assert f"today      {challenge.today} (the verifier's date), admission horizon 0 days" in err


class _Terminal:
    """A stdin that is a terminal, answering the prompt with ``answer``."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.asked = 0

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        self.asked += 1
        return self.answer


@pytest.mark.parametrize(
    ("answer", "proven"),
    [("y\n", True), ("yes\n", True), ("n\n", False), ("\n", False), ("", False)],
)
def test_holder_prove_asks_on_a_terminal(
    files: Files,
    answer: str,
    proven: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    challenge = _horizon_challenge(files)
    terminal = _Terminal(answer)
    monkeypatch.setattr(sys, "stdin", terminal)
    out_file = files.presentation.parent / "new.json"
    status, out, err = _run([*_prove(files), "--out", str(out_file)], capsys)
    assert terminal.asked == 1
    assert err.startswith(_summary(challenge) + "Prove this to exchange.example? [y/N] ")
    assert out_file.exists() == proven
    if proven:
        assert status == 0
    else:
        assert (status, out) == (1, "")
        assert err.endswith("zkattest: error: not proven: declined at the prompt\n")


def test_holder_prove_yes_does_not_ask(
    files: Files, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    challenge = _horizon_challenge(files)
    terminal = _Terminal("n\n")
    monkeypatch.setattr(sys, "stdin", terminal)
    out_file = files.presentation.parent / "new.json"
    status, _, err = _run([*_prove(files), "--yes", "--out", str(out_file)], capsys)
    assert (status, terminal.asked) == (0, 0)
    assert err == _summary(challenge)
    assert out_file.exists()


def test_holder_prove_checks_the_challenge_before_the_summary(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(files.challenge.read_text())
    document["circuit_params"] = {"majority_age": 30}
    files.challenge.write_text(json.dumps(document))
    status, _, err = _run(_prove(files), capsys)
    assert status == 2
    assert "about to prove" not in err
    assert err.endswith("majority_age = 30 is outside its declared bounds 18 to 21\n")


def test_prove_as_request_signs_the_sign_in_with_the_wallet_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--wallet-key signs the challenge's EIP-4361 message into the request body;
    --release-wallet is named in what it signs."""
    from tests.wallets import wallet_address, wallet_key
    from zkattest.service import wallet

    issuer, holder = IssuerSecretKey.generate(), HolderSecret.generate()
    address = wallet_address(3)
    challenge = Challenge.create(
        get_circuit("kyc_adult"), verifier_domain="exchange.example",
        wallet_address=address, chain_id=1,
    )  # fmt: skip
    files = {name: tmp_path / f"{name}.json" for name in ("cred", "ch", "pub")}
    files["cred"].write_text(bound_credential(issuer, holder, today=_utc_today()).to_json())
    files["ch"].write_text(challenge.to_json())
    files["pub"].write_text(issuer.public_key().to_json())
    holder.save(tmp_path / "holder.json")
    (tmp_path / "wallet.key").write_text("0x" + wallet_key(3).hex() + "\n")
    base = [
        "holder", "prove", "--credential", str(files["cred"]), "--secret",
        str(tmp_path / "holder.json"), "--challenge", str(files["ch"]), "--wallet", address,
        "--issuer", str(files["pub"]), "--yes", "--as-request",
    ]  # fmt: skip
    other = wallet_address(4)
    status, out, err = _run([*base, "--wallet-key", str(tmp_path / "wallet.key"),
                             "--release-wallet", other], capsys)  # fmt: skip
    assert status == 0, err
    body = json.loads(out)
    assert body["release_wallet"] == other.lower()
    signed = body["wallet_signature"]
    released = wallet.check(
        challenge, signed["message"], signed["signature"], now=dt.datetime.now(dt.UTC)
    )
    assert released == other.lower()
    # a key that is not the wallet's, and a release without a key, are refused
    (tmp_path / "other.key").write_text("0x" + wallet_key(5).hex())
    status, _, err = _run([*base, "--wallet-key", str(tmp_path / "other.key")], capsys)
    assert status == 2
    assert err.endswith(
        f"zkattest: error: {tmp_path / 'other.key'}: the key is not the challenge's wallet's\n"
    )
    status, _, err = _run([*base, "--release-wallet", other], capsys)
    assert status == 2
    assert "--release-wallet is signed by the wallet: give --wallet-key" in err
