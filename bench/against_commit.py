"""This checkout against another commit, in one run: eligibility proofs and the service.

    .venv/bin/python bench/against_commit.py --base b940df6           # eligibility only
    .venv/bin/python bench/against_commit.py --base b940df6 --service # and the service

It checks ``--base`` out into a temporary git worktree (removed at the end) and
then, ``--rounds`` times, measures both trees in turn (the order alternating
from round to round, so neither always runs first on a warmer or cooler
machine), each in a fresh process whose ``PYTHONPATH`` is that tree:

- eligibility: per built-in circuit, the median of ``--iterations`` calls of
  ``zkattest.prove`` and of ``zkattest.verify`` (arkworks, after ``--warmup``),
  on the same fixed credential and challenge in both trees;
- with ``--service``: that tree's own ``bench/service_bench.py`` for one round
  (``--requests`` presentations, two workers, SQLite), its admissions per
  second and raw verify rate.

It prints each round's ratio (this tree / base; for times < 1 is faster, for
rates > 1 is faster), then the median ratio over rounds and their spread
(min to max). Timings are never asserted: the exit status is 0 unless a tree
failed to run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from _common import positive_int

ROOT = Path(__file__).resolve().parent.parent

#: Run inside each tree: the public API both trees share, nothing else.
PROBE = r"""
import datetime as dt, functools, inspect, json, statistics, sys, time
from zkattest import Challenge, IssuerSecretKey, get_circuit, get_schema, issue_credential
from zkattest import prove, verify, load_builtin_circuits
from tests.conftest import sample_attributes

# Unbound credentials in both trees (a tree that requires holder binding by
# default is asked not to: the same presentation format on both sides).
if "require_binding" in inspect.signature(verify).parameters:
    verify = functools.partial(verify, require_binding=False)

warmup, iterations = int(sys.argv[1]), int(sys.argv[2])
now = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
key = IssuerSecretKey(b"\x01" * 32)
schema = get_schema("investor/v1")
entity = {"investor_type": "entity", "securities_owned_usd": 250_000_000,
          "accreditation_basis": "regulated_entity"}
out = {}
for circuit_id in sorted(load_builtin_circuits()):
    attributes = sample_attributes(**(entity if circuit_id == "qib_144a" else {}))
    credential = issue_credential(key, schema, attributes, today=dt.date(2026, 1, 15))
    circuit = get_circuit(circuit_id)
    challenge = Challenge(
        challenge_id="bench", nonce=b"\x07" * 32, verifier_domain="exchange.example",
        circuit_id=circuit.id, circuit_hash=circuit.circuit_hash,
        wallet_address="0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", chain_id=1,
        today=now.date(), expires_at=now + dt.timedelta(minutes=5),
        circuit_params=dict(circuit.params), horizon_days=30,
    )
    presentation = prove(credential, challenge, now=now)
    public = key.public_key()

    def timed(op):
        for _ in range(warmup):
            op()
        samples = []
        for _ in range(iterations):
            start = time.perf_counter()
            op()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples) * 1000.0

    out[circuit_id] = {
        "prove_ms": timed(lambda: prove(credential, challenge, now=now)),
        "verify_ms": timed(lambda: verify(presentation, challenge, public, now=now)),
        "proof_bytes": len(presentation.proof),
    }
print(json.dumps(out))
"""


def run_probe(tree: Path, warmup: int, iterations: int) -> dict[str, dict[str, float]]:
    env = {**os.environ, "PYTHONPATH": str(tree), "ZKATTEST_BACKEND": "arkworks"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(warmup), str(iterations)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"the probe failed in {tree}: {done.stderr.strip()[-2000:]}")
    result: dict[str, dict[str, float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_service(tree: Path, requests: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="zkattest-against-") as tmp:
        out = Path(tmp) / "service.json"
        env = {**os.environ, "PYTHONPATH": str(tree)}
        done = subprocess.run(
            [
                sys.executable,
                str(tree / "bench" / "service_bench.py"),
                "--rounds",
                "1",
                "--requests",
                str(requests),
                "--json",
                str(out),
            ],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode or not out.exists():
            raise RuntimeError(f"service_bench failed in {tree}: {done.stderr.strip()[-2000:]}")
        result = json.loads(out.read_text())
    return {
        "admissions_per_second": result["service"]["admissions_per_second"],
        "raw_verify_per_second": result["raw_verify"]["per_second_per_core"],
    }


def spread(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.3f} (spread {min(values):.3f}-{max(values):.3f})"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", required=True, help="the commit to compare with (any git revision)")
    p.add_argument("--rounds", type=positive_int, default=5)
    p.add_argument("--iterations", type=positive_int, default=20)
    p.add_argument("--warmup", type=positive_int, default=3)
    p.add_argument("--service", action="store_true", help="also compare the service benchmark")
    p.add_argument("--requests", type=positive_int, default=200, help="per service round")
    p.add_argument("--json", type=Path, metavar="PATH", help="also write every result as JSON")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    base_rev = subprocess.run(
        ["git", "rev-parse", "--short", args.base],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if base_rev.returncode:
        print(f"against_commit: unknown revision {args.base!r}", file=sys.stderr)
        return 2
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    base_name = base_rev.stdout.strip()
    rounds: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="zkattest-base-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(base), args.base],
            cwd=ROOT,
            check=True,
        )
        try:
            trees = {"this": ROOT, "base": base}
            for r in range(args.rounds):
                order = ["this", "base"] if r % 2 == 0 else ["base", "this"]
                measured: dict[str, dict[str, object]] = {name: {} for name in trees}
                for name in order:
                    print(f"round {r + 1}: {name} ...", file=sys.stderr)
                    measured[name]["eligibility"] = run_probe(
                        trees[name], args.warmup, args.iterations
                    )
                    if args.service:
                        measured[name]["service"] = run_service(trees[name], args.requests)
                rounds.append(measured)
                report_round(r + 1, measured)
        except RuntimeError as exc:
            print(f"against_commit: {exc}", file=sys.stderr)
            return 1
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False
            )
    summary = report(rounds, head, base_name)
    if args.json:
        args.json.write_text(json.dumps({"rounds": rounds, "summary": summary}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


def _ratios(rounds: list[dict[str, object]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for measured in rounds:
        this, base = cast(dict[str, Any], measured["this"]), cast(dict[str, Any], measured["base"])
        for circuit, values in this["eligibility"].items():
            old = base["eligibility"][circuit]
            for what in ("prove_ms", "verify_ms"):
                out.setdefault(f"{circuit} {what}", []).append(values[what] / old[what])
            out.setdefault(f"{circuit} proof_bytes", []).append(
                values["proof_bytes"] / old["proof_bytes"]
            )
        if "service" in this:
            for what in ("admissions_per_second", "raw_verify_per_second"):
                out.setdefault(f"service {what}", []).append(
                    this["service"][what] / base["service"][what]
                )
    return out


def report_round(number: int, measured: dict[str, dict[str, object]]) -> None:
    for name, ratios in _ratios([measured]).items():
        print(f"round {number}  {name:<42} this/base {ratios[0]:.3f}")


def report(rounds: list[dict[str, object]], head: str, base: str) -> dict[str, str]:
    print(f"\nthis tree ({head}, with its uncommitted changes) / base ({base}),")
    print(f"median of {len(rounds)} rounds and the spread; times: < 1 is faster, rates: > 1 is")
    summary = {}
    for name, ratios in _ratios(rounds).items():
        summary[name] = spread(ratios)
        print(f"  {name:<42} {summary[name]}")
    return summary


if __name__ == "__main__":
    sys.exit(main())
