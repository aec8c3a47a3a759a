"""Benchmark of zkattest's IETF BBS implementation (zkattest.hazmat.bbs).

What it measures: the median wall-clock time (``time.perf_counter``, in ms) of
``sign``, ``verify``, ``proof_gen`` and ``proof_verify`` for one fixed workload
(10 random 32-byte messages, a 32-byte header and presentation header, messages
0..4 disclosed and 5..9 hidden), on each curve backend (arkworks and py-ecc).
Each operation is warmed up first, which also fills the generator cache, so the
medians are steady-state costs; key generation and the cache fill are excluded.

If ``node`` and ``npm`` are on PATH it also runs the peer benchmark in
``bench/peers/pairing_crypto`` (MATTR's pairing-crypto, Rust compiled to
WebAssembly) with the same workload in the same run, and reports the speed-up
of arkworks over it against the target "arkworks at least 5x faster".

Every result is checked (signatures and proofs must verify, a tampered message
must not), but no timing is asserted: the script exits 0 unless a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import (
    error_summary,
    fmt_ms,
    fmt_ratio,
    last_line,
    median_ms,
    node_version,
    non_negative_int,
    positive_int,
    print_table,
)

from zkattest.errors import BackendError, VerificationError
from zkattest.hazmat import bbs
from zkattest.hazmat.curve import use_backend

MESSAGES = 10
HIDDEN = 5
MESSAGE_BYTES = 32
OPERATIONS = ("sign", "verify", "proof_gen", "proof_verify")
BACKENDS = ("arkworks", "py-ecc")
SUITES = {"sha256": bbs.BLS12_381_SHA_256, "shake256": bbs.BLS12_381_SHAKE_256}
TARGET_SPEEDUP = 5.0
PEER_DIR = Path(__file__).resolve().parent / "peers" / "pairing_crypto"
PEER_TIMEOUT_S = 600

Timings = dict[str, float]


@dataclass(frozen=True)
class Workload:
    """One key pair, signed messages and the disclosure used for every measurement."""

    suite: bbs.Ciphersuite
    sk: bytes
    pk: bytes
    header: bytes
    ph: bytes
    messages: list[bytes]
    disclosed_indexes: list[int]

    @property
    def disclosed_messages(self) -> list[bytes]:
        return [self.messages[i] for i in self.disclosed_indexes]


@dataclass(frozen=True)
class PeerResult:
    """The peer's medians, or why it did not run."""

    name: str
    median_ms: Timings | None
    skipped: str | None = None


def make_workload(suite: bbs.Ciphersuite) -> Workload:
    sk = bbs.key_gen(secrets.token_bytes(32), suite=suite)
    return Workload(
        suite=suite,
        sk=sk,
        pk=bbs.sk_to_pk(sk, suite=suite),
        header=secrets.token_bytes(32),
        ph=secrets.token_bytes(32),
        messages=[secrets.token_bytes(MESSAGE_BYTES) for _ in range(MESSAGES)],
        disclosed_indexes=list(range(MESSAGES - HIDDEN)),
    )


def check_results(w: Workload, signature: bytes, proof: bytes) -> None:
    """Raise unless ``signature`` and ``proof`` verify and a tampered message does not."""
    bbs.verify(w.pk, signature, w.header, w.messages, suite=w.suite)
    bbs.proof_verify(
        w.pk, proof, w.header, w.ph, w.disclosed_messages, w.disclosed_indexes, suite=w.suite
    )
    tampered = [bytes([w.messages[0][0] ^ 1]) + w.messages[0][1:], *w.messages[1:]]
    try:
        bbs.verify(w.pk, signature, w.header, tampered, suite=w.suite)
    except VerificationError:
        return
    raise AssertionError("verify accepted a tampered message")


def bench_backend(w: Workload, warmup: int, iterations: int) -> tuple[Timings, bytes]:
    """Medians of the four operations on the current backend, and its signature."""
    s = w.suite
    signature = bbs.sign(w.sk, w.pk, w.header, w.messages, suite=s)
    proof = bbs.proof_gen(w.pk, signature, w.header, w.ph, w.messages, w.disclosed_indexes, suite=s)
    check_results(w, signature, proof)
    ops: dict[str, Callable[[], object]] = {
        "sign": lambda: bbs.sign(w.sk, w.pk, w.header, w.messages, suite=s),
        "verify": lambda: bbs.verify(w.pk, signature, w.header, w.messages, suite=s),
        "proof_gen": lambda: bbs.proof_gen(
            w.pk, signature, w.header, w.ph, w.messages, w.disclosed_indexes, suite=s
        ),
        "proof_verify": lambda: bbs.proof_verify(
            w.pk, proof, w.header, w.ph, w.disclosed_messages, w.disclosed_indexes, suite=s
        ),
    }
    # Every timed verify / proof_verify call also re-checks validity: they raise on INVALID.
    timings = {name: median_ms(op, warmup, iterations) for name, op in ops.items()}
    return timings, signature


def run_backends(
    w: Workload, iterations: dict[str, int], warmup: dict[str, int]
) -> dict[str, Timings | None]:
    """Benchmark every backend; a backend that cannot be loaded maps to None."""
    results: dict[str, Timings | None] = {}
    signatures: dict[str, bytes] = {}
    for name in BACKENDS:
        try:
            with use_backend(name):
                results[name], signatures[name] = bench_backend(w, warmup[name], iterations[name])
        except BackendError as exc:
            print(f"backend {name} skipped: {exc}")
            results[name] = None
    # BBS signing is deterministic, so every backend must produce the same bytes.
    if len(set(signatures.values())) > 1:
        raise AssertionError("backends produced different signatures for the same input")
    return results


def ensure_peer_installed() -> str | None:
    """Install the peer's node_modules if missing; returns why that failed, or None."""
    if (PEER_DIR / "node_modules" / "@mattrglobal" / "pairing-crypto").is_dir():
        return None
    cmd = ["npm", "ci", "--prefix", str(PEER_DIR), "--ignore-scripts", "--no-audit", "--no-fund"]
    print("installing the peer benchmark: " + " ".join(cmd))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PEER_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"npm ci failed: {exc}"
    if proc.returncode != 0:
        return f"npm ci exited {proc.returncode}: {error_summary(proc.stderr)}"
    return None


def parse_peer_output(stdout: str) -> PeerResult:
    data = json.loads(last_line(stdout))
    timings = {op: float(data["median_ms"][op]) for op in OPERATIONS}
    return PeerResult(f"{data['peer']} {data['version']}", timings)


def run_peer(iterations: int, warmup: int) -> PeerResult:
    """Run bench/peers/pairing_crypto/bench.mjs with this benchmark's workload."""
    name = "@mattrglobal/pairing-crypto"
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        return PeerResult(name, None, f"{' and '.join(missing)} not found on PATH")
    problem = ensure_peer_installed()
    if problem:
        return PeerResult(name, None, problem)
    workload = {"messages": MESSAGES, "hidden": HIDDEN, "iterations": iterations, "warmup": warmup}
    cmd = ["node", str(PEER_DIR / "bench.mjs"), json.dumps(workload, separators=(",", ":"))]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PEER_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return PeerResult(name, None, f"node failed: {exc}")
    if proc.returncode != 0:
        return PeerResult(
            name, None, f"bench.mjs exited {proc.returncode}: {error_summary(proc.stderr)}"
        )
    try:
        return parse_peer_output(proc.stdout)
    except (ValueError, KeyError, TypeError) as exc:
        return PeerResult(name, None, f"unreadable peer output ({exc!r}): {proc.stdout[:200]!r}")


def op_ms(timings: Timings | None, op: str) -> float | None:
    return None if timings is None else timings[op]


def print_backend_table(results: dict[str, Timings | None]) -> None:
    rows = []
    for op in OPERATIONS:
        ark_ms, pyecc_ms = op_ms(results["arkworks"], op), op_ms(results["py-ecc"], op)
        rows.append((op, fmt_ms(ark_ms), fmt_ms(pyecc_ms), fmt_ratio(pyecc_ms, ark_ms)))
    print_table(("operation", "arkworks ms", "py-ecc ms", "py-ecc/arkworks"), rows)


def print_peer_table(peer: PeerResult, ark: Timings | None) -> None:
    if peer.median_ms is None:
        print(f"peer {peer.name} skipped: {peer.skipped}")
        return
    print(f"peer: {peer.name} (Rust -> WebAssembly, Node {node_version()})")
    rows = []
    for op in OPERATIONS:
        peer_ms, ark_ms = peer.median_ms[op], op_ms(ark, op)
        meets = "n/a" if not ark_ms else ("yes" if peer_ms / ark_ms >= TARGET_SPEEDUP else "NO")
        rows.append((op, fmt_ms(peer_ms), fmt_ms(ark_ms), fmt_ratio(peer_ms, ark_ms), meets))
    headers = ("operation", "peer ms", "arkworks ms", "peer/arkworks", f">= {TARGET_SPEEDUP:g}x")
    print_table(headers, rows)


def write_json(
    path: Path,
    args: argparse.Namespace,
    results: dict[str, Timings | None],
    peer: PeerResult | None,
) -> None:
    iterations = {"arkworks": args.iterations, "py-ecc": args.pyecc_iterations}
    warmup = {"arkworks": args.warmup, "py-ecc": args.pyecc_warmup}
    doc: dict[str, Any] = {
        "workload": {"messages": MESSAGES, "hidden": HIDDEN, "message_bytes": MESSAGE_BYTES},
        "suite": SUITES[args.suite].name,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "backends": {
            name: {
                "iterations": iterations[name],
                "warmup": warmup[name],
                "median_ms": timings,
            }
            for name, timings in results.items()
        },
        "peer": None,
    }
    if peer is not None:
        doc["peer"] = {
            "name": peer.name,
            "iterations": args.iterations,
            "warmup": args.warmup,
            "median_ms": peer.median_ms,
            "skipped": peer.skipped,
            "target_speedup": TARGET_SPEEDUP,
        }
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--suite", choices=sorted(SUITES), default="sha256")
    p.add_argument("--iterations", type=positive_int, default=30, help="arkworks and peer")
    p.add_argument("--warmup", type=non_negative_int, default=3, help="arkworks and peer")
    p.add_argument("--pyecc-iterations", type=positive_int, default=3)
    p.add_argument("--pyecc-warmup", type=non_negative_int, default=1)
    p.add_argument("--no-peer", action="store_true", help="skip the pairing-crypto peer")
    p.add_argument("--json", type=Path, metavar="PATH", help="also write all results as JSON")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    suite = SUITES[args.suite]
    print(
        f"BBS {suite.name}: {MESSAGES} messages x {MESSAGE_BYTES} B, {HIDDEN} hidden; "
        f"median ms over {args.iterations} (arkworks) / {args.pyecc_iterations} (py-ecc) "
        f"iterations; Python {sys.version.split()[0]} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs"
    )
    results = run_backends(
        make_workload(suite),
        {"arkworks": args.iterations, "py-ecc": args.pyecc_iterations},
        {"arkworks": args.warmup, "py-ecc": args.pyecc_warmup},
    )
    print()
    print_backend_table(results)
    peer = None
    if args.no_peer:
        print("\npeer skipped: --no-peer")
    elif args.suite != "sha256":
        print(f"\npeer skipped: it implements only the SHA-256 suite, not {args.suite}")
    else:
        print()
        peer = run_peer(args.iterations, args.warmup)
        print_peer_table(peer, results["arkworks"])
    if args.json:
        write_json(args.json, args, results, peer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
