"""Benchmark of zkattest's eligibility presentations (zkattest.presentation).

What it measures: for each built-in circuit, the median wall-clock time
(``time.perf_counter``, in ms) of ``prove`` and ``verify`` on each curve backend
(arkworks and py-ecc), and the presentation's size: the binary proof
(``len(presentation.proof)``) and the whole JSON presentation. The issuer key
and credentials are made once, outside the timings, and each operation is
warmed up first (which also builds the generator tables), so the medians are
steady-state costs. Every presentation must verify, and one with a flipped
proof byte must not; on py-ecc the arkworks presentations must verify too.

It prints the py-ecc/arkworks ratios and checks the targets for
``accredited_investor_506c`` on arkworks: prove <= 60 ms, verify <= 15 ms,
proof <= 2,500 bytes. In the same run it compares that circuit with two peers,
each optional:

- ``bench/peers/dock`` (``@docknetwork/crypto-wasm-ts`` 0.67.0, Rust compiled to
  WebAssembly, run with Node when ``node`` and ``npm`` are on PATH): a composite
  proof of a BBS signature over 10 attributes with 5 hidden plus a
  Bulletproofs++ bound check on one hidden attribute. Target: arkworks at least
  10x faster at proving and at verifying.
- ``bench/peers/anoncreds_peer.py`` (Hyperledger AnonCreds, PyPI ``anoncreds``
  0.2.3, in this process when importable: ``pip install -e '.[bench]'``): a CL
  presentation with three ``>=`` predicates. Target: arkworks at least 10x
  faster at verifying.

No timing is asserted: the script exits 0 unless a correctness check fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from _common import (
    error_summary,
    fmt_ms,
    fmt_ratio,
    last_line,
    median_ms,
    node_version,
    non_negative_int,
    paired_ms,
    positive_int,
    print_rounds,
    print_table,
    ratio_spread,
)

from zkattest import (
    Challenge,
    Credential,
    HolderSecret,
    IssuerLedger,
    IssuerSecretKey,
    Presentation,
    TrustedIssuer,
    accept_credential,
    issue_credential,
    prove,
    request_credential,
    verify,
)
from zkattest.circuits import get_circuit, load_builtin_circuits
from zkattest.errors import BackendError, VerificationError
from zkattest.hazmat.curve import use_backend
from zkattest.schema import get_schema

BACKENDS = ("arkworks", "py-ecc")
OPERATIONS = ("prove", "verify")
SCHEMA_ID = "investor/v1"
TARGET_CIRCUIT = "accredited_investor_506c"
#: The circuit of two credentials (KYC provider and third-party verifier), compared
#: with TARGET_CIRCUIT: verify and proof size at most TWO_TARGET times.
TWO_CIRCUIT = "accredited_investor_506c_verified"
TWO_TARGET = 2.0
TARGET_MS = {"prove": 60.0, "verify": 15.0}
TARGET_PROOF_BYTES = 2500
TARGET_SPEEDUP = 10.0
WALLET = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
VERIFIER_DOMAIN = "bench.example"
CHAIN_ID = 1
#: Long enough for slow py-ecc runs; the timings never depend on it.
CHALLENGE_LIFETIME = dt.timedelta(hours=6)
PEERS_DIR = Path(__file__).resolve().parent / "peers"
DOCK_DIR = PEERS_DIR / "dock"
DOCK_PACKAGE = "@docknetwork/crypto-wasm-ts"
DOCK_WORKLOAD = {"messages": 10, "hidden": 5}
ANONCREDS_PEER = PEERS_DIR / "anoncreds_peer.py"
PEER_TIMEOUT_S = 900

Timings = dict[str, float]


EXAMPLE_INVESTOR = Path(__file__).resolve().parent.parent / "examples" / "investor.json"


def investor_attributes(circuit_id: str, today: dt.date) -> dict[str, object]:
    """A complete investor/v1 attribute set that satisfies ``circuit_id``.

    The README's example investor (``examples/investor.json``; a QIB is an
    entity holding $250M of securities), issued 30 days before ``today`` and
    valid for a year.
    """
    attributes: dict[str, object] = json.loads(EXAMPLE_INVESTOR.read_text(encoding="utf-8"))
    attributes["issuance_date"] = (today - dt.timedelta(days=30)).isoformat()
    attributes["expiry_date"] = (today + dt.timedelta(days=365)).isoformat()
    if circuit_id == "qib_144a":
        attributes.update(
            investor_type="entity",
            securities_owned_usd=250_000_000,
            accreditation_basis="regulated_entity",
            birth_date="1999-05-01",
        )
    return attributes


def letter_attributes(today: dt.date) -> dict[str, object]:
    """An accreditation/v1 letter that satisfies TWO_CIRCUIT: verified 10 days
    before ``today``, valid for 80 days after."""
    return {
        "holder_ref": "engagement-12",
        "accreditation_basis": "income",
        "verifier_kind": "cpa",
        "verified_date": (today - dt.timedelta(days=10)).isoformat(),
        "issuance_date": (today - dt.timedelta(days=9)).isoformat(),
        "expiry_date": (today + dt.timedelta(days=80)).isoformat(),
    }


@dataclass(frozen=True)
class Workload:
    """A KYC issuer and a CPA, and per circuit the credentials that satisfy it
    (one per credential the circuit reads)."""

    issuer: IssuerSecretKey
    cpa: IssuerSecretKey
    credentials: dict[str, tuple[Credential, ...]]
    #: The holder every credential is bound to.
    holder: HolderSecret

    @property
    def trusted(self) -> list[TrustedIssuer]:
        """The verifier's grants: the KYC issuer for investor/v1, the CPA for
        accreditation/v1, each in its role."""
        return [
            TrustedIssuer(self.issuer.public_key(), ("investor/v1",), ("kyc_provider",)),
            TrustedIssuer(
                self.cpa.public_key(), ("accreditation/v1",), ("accreditation_verifier",)
            ),
        ]


@dataclass
class CircuitResult:
    """One circuit on one backend: medians, sizes and the presentation (for cross-checks)."""

    median_ms: Timings
    proof_bytes: int
    json_bytes: int
    challenge: Challenge = field(repr=False)
    presentation: Presentation = field(repr=False)


BackendResults = dict[str, CircuitResult]


@dataclass(frozen=True)
class PeerResult:
    """A peer's medians and size, or why it did not run."""

    name: str
    median_ms: Timings | None
    size_bytes: int | None = None
    skipped: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def make_workload(circuit_ids: Sequence[str]) -> Workload:
    """Issue the credentials (on arkworks: issuance is not what is measured)."""
    schema = get_schema(SCHEMA_ID)
    today = dt.datetime.now(dt.UTC).date()
    with use_backend("arkworks"):
        issuer, cpa = IssuerSecretKey.generate(), IssuerSecretKey.generate()
        holder = HolderSecret.generate()
        credentials: dict[str, tuple[Credential, ...]] = {
            cid: (bound_credential(issuer, holder, schema.id, investor_attributes(cid, today)),)
            for cid in circuit_ids
        }
        if TWO_CIRCUIT in credentials:
            letter = bound_credential(cpa, holder, "accreditation/v1", letter_attributes(today))
            credentials[TWO_CIRCUIT] += (letter,)
    return Workload(issuer, cpa, credentials, holder)


def bound_credential(
    issuer: IssuerSecretKey, holder: HolderSecret, schema_id: str, attributes: dict[str, object]
) -> Credential:
    """A credential bound to ``holder``: requested, issued blindly, accepted."""
    pending = request_credential(holder, issuer.public_key(), schema_id)
    issued = issue_credential(
        issuer,
        get_schema(schema_id),
        attributes,
        request=pending.request,
        customer="bench",
        ledger=IssuerLedger(":memory:"),
    )
    return accept_credential(issued.to_json(), issuer.public_key(), holder=holder, pending=pending)


def make_challenge(circuit_id: str) -> Challenge:
    return Challenge.create(
        get_circuit(circuit_id),
        verifier_domain=VERIFIER_DOMAIN,
        wallet_address=WALLET,
        chain_id=CHAIN_ID,
        lifetime=CHALLENGE_LIFETIME,
    )


def check_refuses_tampered(w: Workload, presentation: Presentation, challenge: Challenge) -> None:
    """Raise unless a presentation with one flipped proof byte is refused."""
    proof = bytearray(presentation.proof)
    proof[-1] ^= 1
    tampered = replace(presentation, proof=bytes(proof))
    try:
        verify(tampered, challenge, w.trusted)
    except VerificationError:
        return
    raise AssertionError(f"{challenge.circuit_id}: verify accepted a tampered proof")


def bench_circuit(w: Workload, circuit_id: str, warmup: int, iterations: int) -> CircuitResult:
    """Medians of prove and verify for one circuit on the current backend."""
    credential, public = list(w.credentials[circuit_id]), w.trusted
    challenge = make_challenge(circuit_id)
    presentation = prove(credential, challenge, holder=w.holder)
    verify(presentation, challenge, public)
    check_refuses_tampered(w, presentation, challenge)
    # Every timed verify also re-checks validity: it raises on a presentation it refuses.
    timings = {
        "prove": median_ms(
            lambda: prove(credential, challenge, holder=w.holder), warmup, iterations
        ),
        "verify": median_ms(lambda: verify(presentation, challenge, public), warmup, iterations),
    }
    return CircuitResult(
        median_ms=timings,
        proof_bytes=len(presentation.proof),
        json_bytes=len(presentation.to_json().encode()),
        challenge=challenge,
        presentation=presentation,
    )


def run_backends(
    w: Workload,
    circuit_ids: Sequence[str],
    iterations: Mapping[str, int],
    warmup: Mapping[str, int],
    backends: Sequence[str],
) -> dict[str, BackendResults | None]:
    """Benchmark every backend; a backend that is skipped or cannot be loaded maps to None."""
    results: dict[str, BackendResults | None] = {name: None for name in BACKENDS}
    for name in backends:
        started = time.perf_counter()
        try:
            with use_backend(name):
                per_circuit = {}
                for cid in circuit_ids:
                    per_circuit[cid] = bench_circuit(w, cid, warmup[name], iterations[name])
                    print(f"  {name:8} {cid:26} done", file=sys.stderr, flush=True)
                reference = results["arkworks"]
                if name != "arkworks" and reference is not None:
                    # Proofs are randomised, so check interoperability instead of equal bytes.
                    for r in reference.values():
                        verify(r.presentation, r.challenge, w.trusted)
        except BackendError as exc:
            print(f"backend {name} skipped: {exc}")
            continue
        results[name] = per_circuit
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    for cid in circuit_ids:
        sizes = {r[cid].proof_bytes for r in results.values() if r is not None}
        if len(sizes) > 1:
            raise AssertionError(f"{cid}: backends produced proofs of different sizes {sizes}")
    return results


# -- holder binding against unbound presentations -----------------------------------------


@dataclass(frozen=True)
class BindingResult:
    """Per operation, each round's median ms; per pair (bound / unbound of one
    operation), each round's ratio; sizes in bytes (bound: proof and pseudonym)."""

    rounds: dict[str, list[float]]
    ratios: dict[str, list[float]]
    unbound_bytes: int
    bound_bytes: int

    def median(self, op: str) -> float:
        return statistics.median(self.rounds[op])


def bench_binding(w: Workload, rounds: int, iterations: int, warmup: int) -> BindingResult:
    """``TARGET_CIRCUIT`` on arkworks, bound (pseudonym, holder secret) and unbound
    (today's presentation before holder binding), timed in alternation in the
    same process, in ``rounds`` rounds; and the wallet's EIP-4361 sign-in check
    (EOA) on its own."""
    today = dt.datetime.now(dt.UTC).date()
    attributes = investor_attributes(TARGET_CIRCUIT, today)
    unbound = issue_credential(w.issuer, get_schema(SCHEMA_ID), attributes)
    (bound,) = w.credentials[TARGET_CIRCUIT]
    public = w.issuer.public_key()
    challenge = make_challenge(TARGET_CIRCUIT)
    plain = prove(unbound, challenge)
    held = prove(bound, challenge, holder=w.holder)
    verify(plain, challenge, public, require_binding=False)
    verify(held, challenge, public)
    pairs: dict[str, tuple[Any, Any]] = {
        "prove": (
            lambda: prove(bound, challenge, holder=w.holder),
            lambda: prove(unbound, challenge),
        ),
        "verify": (
            lambda: verify(held, challenge, public),
            lambda: verify(plain, challenge, public, require_binding=False),
        ),
    }
    siwe = _siwe_check(challenge)
    out: dict[str, list[float]] = {}
    ratios: dict[str, list[float]] = {op: [] for op in pairs}
    with use_backend("arkworks"):
        for with_binding, without in pairs.values():
            for run in (with_binding, without) * warmup:
                run()
        for _ in range(rounds):
            for op, (with_binding, without) in pairs.items():
                b, u = paired_ms(with_binding, without, iterations)
                out.setdefault(f"{op} unbound", []).append(u)
                out.setdefault(f"{op} bound", []).append(b)
                ratios[op].append(b / u)
            if siwe is not None:
                out.setdefault("sign-in check (EOA)", []).append(median_ms(siwe, 1, iterations))
    return BindingResult(
        out, ratios, len(plain.proof), len(held.proof) + len(held.pseudonym or b"")
    )


def _siwe_check(challenge: Challenge) -> Any:
    """The service's sign-in check of one signed EIP-4361 message, if the
    service extra is installed."""
    try:
        from eth_account import Account
        from eth_account.messages import encode_defunct

        from zkattest.service import wallet
        from zkattest.signin import sign_in_message
    except ImportError:
        return None
    key = "0x" + "11" * 32
    wallet_challenge = replace(challenge, wallet_address=str(Account.from_key(key).address))
    now = dt.datetime.now(dt.UTC)
    message = sign_in_message(wallet_challenge, issued_at=now.replace(microsecond=0))
    signed = Account.sign_message(encode_defunct(text=message), private_key=key)
    signature = "0x" + bytes(signed.signature).hex()
    return lambda: wallet.check(wallet_challenge, message, signature, now=now)


def print_binding(result: BindingResult) -> None:
    print_rounds(result.rounds)
    verify_ratio, v_low, v_high = ratio_spread(result.ratios["verify"])
    prove_ratio, p_low, p_high = ratio_spread(result.ratios["prove"])
    extra = result.bound_bytes - result.unbound_bytes
    print(
        f"holder binding, {TARGET_CIRCUIT} (bound / unbound, median of the rounds' ratios and"
        f" their range): verify {verify_ratio:.2f}x ({v_low:.2f}-{v_high:.2f}; target <= 1.25x:"
        f" {'met' if verify_ratio <= 1.25 else 'NOT met'}); prove {prove_ratio:.2f}x"
        f" ({p_low:.2f}-{p_high:.2f}); proof {result.unbound_bytes} -> {result.bound_bytes}"
        f" bytes with the pseudonym (+{extra}; target <= +200:"
        f" {'met' if extra <= 200 else 'NOT met'})"
    )
    if "sign-in check (EOA)" in result.rounds:
        print(
            f"the wallet's EIP-4361 sign-in check (parse, fields, EIP-191 recovery): "
            f"{fmt_ms(result.median('sign-in check (EOA)'))} ms, on its own"
        )


# -- two credentials against one ---------------------------------------------------------


@dataclass(frozen=True)
class TwoResult:
    """Per operation, each round's ratio (TWO_CIRCUIT / TARGET_CIRCUIT) and
    medians; the two proofs' sizes (binary and JSON)."""

    rounds: dict[str, list[float]]
    ratios: dict[str, list[float]]
    one_bytes: tuple[int, int]
    two_bytes: tuple[int, int]


def bench_two(w: Workload, rounds: int, iterations: int, warmup: int) -> TwoResult:
    """TWO_CIRCUIT (two credentials, two issuers, one holder) against
    TARGET_CIRCUIT (one credential) on arkworks, timed call by call in
    alternation, in ``rounds`` rounds."""
    one_challenge, two_challenge = make_challenge(TARGET_CIRCUIT), make_challenge(TWO_CIRCUIT)
    one_creds, two_creds = list(w.credentials[TARGET_CIRCUIT]), list(w.credentials[TWO_CIRCUIT])
    with use_backend("arkworks"):
        one = prove(one_creds, one_challenge, holder=w.holder)
        two = prove(two_creds, two_challenge, holder=w.holder)
        verify(one, one_challenge, w.trusted)
        verify(two, two_challenge, w.trusted)
        pairs: dict[str, tuple[Any, Any]] = {
            "prove": (
                lambda: prove(two_creds, two_challenge, holder=w.holder),
                lambda: prove(one_creds, one_challenge, holder=w.holder),
            ),
            "verify": (
                lambda: verify(two, two_challenge, w.trusted),
                lambda: verify(one, one_challenge, w.trusted),
            ),
        }
        for first, second in pairs.values():
            for run in (first, second) * warmup:
                run()
        out: dict[str, list[float]] = {}
        ratios: dict[str, list[float]] = {op: [] for op in pairs}
        for _ in range(rounds):
            for op, (first, second) in pairs.items():
                t, o = paired_ms(first, second, iterations)
                out.setdefault(f"{op} one credential", []).append(o)
                out.setdefault(f"{op} two credentials", []).append(t)
                ratios[op].append(t / o)
    return TwoResult(
        out,
        ratios,
        (len(one.proof), len(one.to_json().encode())),
        (len(two.proof), len(two.to_json().encode())),
    )


def print_two(result: TwoResult) -> None:
    print_rounds(result.rounds)
    verify_ratio, v_low, v_high = ratio_spread(result.ratios["verify"])
    prove_ratio, p_low, p_high = ratio_spread(result.ratios["prove"])
    size_ratio = result.two_bytes[0] / result.one_bytes[0]
    print(
        f"two credentials, {TWO_CIRCUIT} / {TARGET_CIRCUIT} (median of the rounds' ratios and"
        f" their range): verify {verify_ratio:.2f}x ({v_low:.2f}-{v_high:.2f}; target <="
        f" {TWO_TARGET:g}x: {'met' if verify_ratio <= TWO_TARGET else 'NOT met'}); prove"
        f" {prove_ratio:.2f}x ({p_low:.2f}-{p_high:.2f}); proof {result.one_bytes[0]} ->"
        f" {result.two_bytes[0]} bytes ({size_ratio:.2f}x; target <= {TWO_TARGET:g}x:"
        f" {'met' if size_ratio <= TWO_TARGET else 'NOT met'}); JSON {result.one_bytes[1]} ->"
        f" {result.two_bytes[1]} bytes"
    )


# -- peers ---------------------------------------------------------------------------------


def ensure_dock_installed() -> str | None:
    """Install the Dock peer's node_modules if missing; returns why that failed, or None."""
    if (DOCK_DIR / "node_modules" / DOCK_PACKAGE / "package.json").is_file():
        return None
    cmd = ["npm", "ci", "--prefix", str(DOCK_DIR), "--ignore-scripts", "--no-audit", "--no-fund"]
    print("installing the Dock peer: " + " ".join(cmd), flush=True)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PEER_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"npm ci failed: {exc}"
    if proc.returncode != 0:
        return f"npm ci exited {proc.returncode}: {error_summary(proc.stderr)}"
    return None


def run_dock(iterations: int, warmup: int) -> PeerResult:
    """Run bench/peers/dock/bench.mjs (BBS 10 attributes, 5 hidden, + Bulletproofs++)."""
    name = DOCK_PACKAGE
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        return PeerResult(name, None, skipped=f"{' and '.join(missing)} not found on PATH")
    problem = ensure_dock_installed()
    if problem:
        return PeerResult(name, None, skipped=problem)
    workload = {**DOCK_WORKLOAD, "iterations": iterations, "warmup": warmup}
    cmd = ["node", str(DOCK_DIR / "bench.mjs"), json.dumps(workload, separators=(",", ":"))]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PEER_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return PeerResult(name, None, skipped=f"node failed: {exc}")
    if proc.returncode != 0:
        reason = f"bench.mjs exited {proc.returncode}: {error_summary(proc.stderr)}"
        return PeerResult(name, None, skipped=reason)
    try:
        data = json.loads(last_line(proc.stdout))
        timings = {op: float(data["median_ms"][op]) for op in OPERATIONS}
        return PeerResult(
            f"{data['peer']} {data['version']}",
            timings,
            size_bytes=int(data["proof_bytes"]),
            details={"workload": data.get("workload"), "node": node_version()},
        )
    except (ValueError, KeyError, TypeError) as exc:
        return PeerResult(
            name, None, skipped=f"unreadable peer output ({exc!r}): {proc.stdout[:200]!r}"
        )


def load_anoncreds_peer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("anoncreds_peer", ANONCREDS_PEER)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {ANONCREDS_PEER}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[spec.name]
        raise
    return module


def run_anoncreds(iterations: int, warmup: int, *, two: bool = False) -> PeerResult:
    """Run the AnonCreds peer in this process (CL signatures): three predicates
    on one credential, or (``two``) TWO_CIRCUIT's workload on two credentials
    from two issuers bound to one link secret."""
    name = "anoncreds"
    if importlib.util.find_spec("anoncreds") is None:
        return PeerResult(name, None, skipped="not installed: pip install -e '.[bench]'")
    try:
        peer = load_anoncreds_peer()
        result = (peer.run_two if two else peer.run)(iterations, warmup)
    except (ImportError, OSError) as exc:
        return PeerResult(name, None, skipped=f"cannot load it: {exc}")
    return PeerResult(
        f"{result.peer} {result.version}",
        dict(result.median_ms),
        size_bytes=result.presentation_bytes,
        details={
            "workload": result.workload,
            "setup_s": result.setup_s,
            "library_checks_bounds": result.library_checks_bounds,
        },
    )


# -- output --------------------------------------------------------------------------------


def yes_no(ok: bool) -> str:
    return "yes" if ok else "NO"


def op_ms(results: BackendResults | None, cid: str, op: str) -> float | None:
    return None if results is None else results[cid].median_ms[op]


def sizes(results: dict[str, BackendResults | None], cid: str) -> tuple[int, int] | None:
    for r in results.values():
        if r is not None:
            return r[cid].proof_bytes, r[cid].json_bytes
    return None


def print_backend_table(
    results: dict[str, BackendResults | None], circuit_ids: Sequence[str]
) -> None:
    ark, pyecc = results["arkworks"], results["py-ecc"]
    rows = []
    for cid in circuit_ids:
        size = sizes(results, cid)
        cells = [cid]
        for op in OPERATIONS:
            a, p = op_ms(ark, cid, op), op_ms(pyecc, cid, op)
            cells += [fmt_ms(a), fmt_ms(p), fmt_ratio(p, a)]
        cells += ["n/a", "n/a"] if size is None else [str(size[0]), str(size[1])]
        rows.append(cells)
    headers = (
        "circuit",
        "prove ark ms",
        "prove py-ecc ms",
        "ratio",
        "verify ark ms",
        "verify py-ecc ms",
        "ratio",
        "proof B",
        "JSON B",
    )
    print_table(headers, rows)
    print("(ratio: py-ecc / arkworks; proof B: binary proof bytes; JSON B: whole presentation)")


def target_check(results: dict[str, BackendResults | None]) -> dict[str, Any] | None:
    ark = results["arkworks"]
    if ark is None or TARGET_CIRCUIT not in ark:
        return None
    r = ark[TARGET_CIRCUIT]
    return {
        "prove_ms": {"value": r.median_ms["prove"], "limit": TARGET_MS["prove"]},
        "verify_ms": {"value": r.median_ms["verify"], "limit": TARGET_MS["verify"]},
        "proof_bytes": {"value": r.proof_bytes, "limit": TARGET_PROOF_BYTES},
    }


def print_target_check(check: dict[str, Any] | None) -> None:
    if check is None:
        print(f"target check for {TARGET_CIRCUIT}: n/a (arkworks did not run it)")
        return
    print(f"target check, {TARGET_CIRCUIT} on arkworks:")
    for key, label, unit in (
        ("prove_ms", "prove", "ms"),
        ("verify_ms", "verify", "ms"),
        ("proof_bytes", "proof", "bytes"),
    ):
        value, limit = check[key]["value"], check[key]["limit"]
        shown = f"{value:.3f}" if unit == "ms" else str(value)
        ok = yes_no(value <= limit)
        print(f"  {label:6} {shown:>9} {unit:5} <= {limit:g} {unit}: {ok}")


def print_peer(peer: PeerResult, ark: CircuitResult | None, targets: Sequence[str]) -> None:
    """Peer vs our circuit on arkworks; ``targets``: operations with a 10x target."""
    if peer.median_ms is None:
        print(f"peer {peer.name} skipped: {peer.skipped}")
        return
    rows = []
    for op in OPERATIONS:
        peer_ms, ark_ms = peer.median_ms[op], None if ark is None else ark.median_ms[op]
        if op not in targets:
            meets = "(no target)"
        elif not ark_ms:
            meets = "n/a"
        else:
            meets = yes_no(peer_ms / ark_ms >= TARGET_SPEEDUP)
        rows.append((op, fmt_ms(peer_ms), fmt_ms(ark_ms), fmt_ratio(peer_ms, ark_ms), meets))
    headers = ("operation", "peer ms", "arkworks ms", "peer/arkworks", f">= {TARGET_SPEEDUP:g}x")
    print_table(headers, rows)
    if ark is not None and peer.size_bytes is not None:
        print(
            f"size: peer {peer.size_bytes} B; ours {ark.proof_bytes} B binary proof "
            f"(peer/ours {peer.size_bytes / ark.proof_bytes:.2f}x), {ark.json_bytes} B JSON "
            f"(peer/ours {peer.size_bytes / ark.json_bytes:.2f}x)"
        )


def write_json(
    path: Path,
    args: argparse.Namespace,
    results: dict[str, BackendResults | None],
    check: dict[str, Any] | None,
    peers: dict[str, PeerResult | None],
) -> None:
    iterations = {"arkworks": args.iterations, "py-ecc": args.pyecc_iterations}
    warmup = {"arkworks": args.warmup, "py-ecc": args.pyecc_warmup}
    doc: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "backends": {
            name: None
            if per_circuit is None
            else {
                "iterations": iterations[name],
                "warmup": warmup[name],
                "circuits": {
                    cid: {
                        "median_ms": r.median_ms,
                        "proof_bytes": r.proof_bytes,
                        "json_bytes": r.json_bytes,
                    }
                    for cid, r in per_circuit.items()
                },
            }
            for name, per_circuit in results.items()
        },
        "target": {"circuit": TARGET_CIRCUIT, "check": check, "peer_speedup": TARGET_SPEEDUP},
        "peers": {
            key: None
            if peer is None
            else {
                "name": peer.name,
                "iterations": args.iterations,
                "warmup": args.warmup,
                "median_ms": peer.median_ms,
                "size_bytes": peer.size_bytes,
                "skipped": peer.skipped,
                **peer.details,
            }
            for key, peer in peers.items()
        },
    }
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--iterations", type=positive_int, default=20, help="arkworks and peers")
    p.add_argument(
        "--binding-rounds",
        type=positive_int,
        default=5,
        help="rounds of the holder-binding comparison (default 5)",
    )
    p.add_argument(
        "--two-rounds",
        type=positive_int,
        default=5,
        help="rounds of the two-credential comparison (default 5)",
    )
    p.add_argument("--warmup", type=non_negative_int, default=3, help="arkworks and peers")
    p.add_argument("--pyecc-iterations", type=positive_int, default=1)
    p.add_argument("--pyecc-warmup", type=non_negative_int, default=1)
    p.add_argument("--no-pyecc", action="store_true", help="skip the pure-Python backend")
    p.add_argument("--no-peer", action="store_true", help="skip both peers")
    p.add_argument("--no-dock", action="store_true", help="skip the Dock (Node) peer")
    p.add_argument("--no-anoncreds", action="store_true", help="skip the AnonCreds peer")
    p.add_argument("--json", type=Path, metavar="PATH", help="also write all results as JSON")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    circuit_ids = sorted(load_builtin_circuits())
    backends = ["arkworks"] if args.no_pyecc else list(BACKENDS)
    pyecc_note = "skipped" if args.no_pyecc else str(args.pyecc_iterations)
    print(
        f"eligibility presentations ({SCHEMA_ID}, {len(circuit_ids)} circuits): median ms over "
        f"{args.iterations} (arkworks) / {pyecc_note} (py-ecc) iterations after "
        f"{args.warmup} / {args.pyecc_warmup} warm-up; Python {sys.version.split()[0]} on "
        f"{platform.machine()}, {os.cpu_count()} CPUs",
        flush=True,
    )
    workload = make_workload(circuit_ids)
    results = run_backends(
        workload,
        circuit_ids,
        {"arkworks": args.iterations, "py-ecc": args.pyecc_iterations},
        {"arkworks": args.warmup, "py-ecc": args.pyecc_warmup},
        backends,
    )
    print()
    print_backend_table(results, circuit_ids)
    if args.no_pyecc:
        print("py-ecc skipped: --no-pyecc")
    print()
    check = target_check(results)
    print_target_check(check)
    print()
    print(
        f"holder binding: {TARGET_CIRCUIT} on arkworks, bound (pseudonym, holder secret) and"
        f" unbound timed call by call in alternation, {args.binding_rounds} rounds of"
        f" {args.iterations} pairs (median of the rounds' medians, and their range)",
        flush=True,
    )
    binding = bench_binding(workload, args.binding_rounds, args.iterations, args.warmup)
    print_binding(binding)
    two = None
    if TWO_CIRCUIT in circuit_ids:
        print()
        print(
            f"two credentials: {TWO_CIRCUIT} (KYC provider + third-party verifier, one holder)"
            f" against {TARGET_CIRCUIT} on arkworks, timed call by call in alternation,"
            f" {args.two_rounds} rounds of {args.iterations} pairs",
            flush=True,
        )
        two = bench_two(workload, args.two_rounds, args.iterations, args.warmup)
        print_two(two)

    ark = results["arkworks"]
    ours = None if ark is None else ark.get(TARGET_CIRCUIT)
    peers: dict[str, PeerResult | None] = {"dock": None, "anoncreds": None, "anoncreds_two": None}
    print()
    if args.no_peer or args.no_dock:
        print("peer Dock skipped: " + ("--no-peer" if args.no_peer else "--no-dock"))
    else:
        print(
            f"peer: {DOCK_PACKAGE} (Rust -> WebAssembly) - composite proof, BBS over "
            f"{DOCK_WORKLOAD['messages']} attributes with {DOCK_WORKLOAD['hidden']} hidden + "
            f"Bulletproofs++ bound check on one hidden attribute; vs {TARGET_CIRCUIT}",
            flush=True,
        )
        peers["dock"] = dock = run_dock(args.iterations, args.warmup)
        print_peer(dock, ours, targets=OPERATIONS)
    print()
    if args.no_peer or args.no_anoncreds:
        print("peer AnonCreds skipped: " + ("--no-peer" if args.no_peer else "--no-anoncreds"))
    else:
        print(
            "peer: Hyperledger AnonCreds (CL signatures, Rust via ctypes) - 10 attributes, "
            f"three >= predicates, nothing revealed; vs {TARGET_CIRCUIT}",
            flush=True,
        )
        peers["anoncreds"] = anoncreds = run_anoncreds(args.iterations, args.warmup)
        print_peer(anoncreds, ours, targets=("verify",))
        if anoncreds.details.get("library_checks_bounds") is False:
            print(
                "note: anoncreds' Presentation.verify accepted a request with stronger bounds "
                "than the proof carries; the peer checks the proven bounds itself"
            )
        if two is not None and ark is not None:
            print()
            print(
                "peer: Hyperledger AnonCreds, the two-credential workload - a KYC credential"
                " (kyc_level >= 2, expiry >= today, sanctions revealed and required clear) and"
                " a CPA's letter (basis code >= 1, verified within 90 days, expiry >= today)"
                f" from two issuers, one link secret, one presentation; vs {TWO_CIRCUIT}",
                flush=True,
            )
            peers["anoncreds_two"] = pair = run_anoncreds(args.iterations, args.warmup, two=True)
            print_peer(pair, ark[TWO_CIRCUIT], targets=("verify",))
            if pair.median_ms is not None and anoncreds.median_ms is not None:
                print(
                    "two credentials / one, in the same run: AnonCreds verify"
                    f" {pair.median_ms['verify'] / anoncreds.median_ms['verify']:.2f}x, size"
                    f" {(pair.size_bytes or 0) / (anoncreds.size_bytes or 1):.2f}x; zkattest"
                    f" verify {statistics.median(two.ratios['verify']):.2f}x, proof"
                    f" {two.two_bytes[0] / two.one_bytes[0]:.2f}x"
                )
    if args.json:
        write_json(args.json, args, results, check, peers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
