"""Flood benchmark of the verifier service: how a flood of bogus presentations
slows ``/healthz`` and honest admissions, against an idle baseline in the same run.

It starts ``zkattest serve --workers 1`` (a subprocess on a free loopback port,
SQLite in a temporary directory, per-client rate limits raised so that the flood
reaches verification), then:

1. prepares the honest traffic: enough challenges for every honest admission
   the rounds can make, each for a fresh wallet address, proved in a process
   pool before anything is timed (proving is the wallet's cost);
2. prepares the flood body: a presentation proved for one challenge, then bound
   to another (its ``challenge_id`` replaced) with one bit of its proof flipped.
   It passes every cheap check (issuer, circuit, wallet, chain, challenge) and is
   refused only by the proof's verification; the time this process takes to
   refuse one is printed next to an honest verify's, so that the flood is seen to
   cost the service a whole verification per request;
3. starts ``--clients`` flood processes (processes, so that they do not share
   this process's interpreter lock with the probes), each with one keep-alive
   connection, and warms the service up;
4. runs ``--rounds`` rounds. Each round has an idle phase (``--idle`` seconds,
   the probes alone) and a flood phase: the clients flood for ``--flood`` seconds
   plus a second of ramp-up before the probes start, each client asking for a
   fresh challenge (for the flood wallet) and submitting the bogus body to it
   ``--reuse`` times (default 2: the service burns a challenge at its third
   refusal), as fast as the answers come. In both phases two probes run in this
   process, each request on a new connection as a separate client's would be:
   ``GET /healthz`` every ``--healthz-interval`` ms, and an honest admission
   (``POST /v1/presentations`` of a prepared presentation) every
   ``--honest-interval`` ms, each waiting for the previous answer (a late answer
   delays the next request rather than piling requests up).

It prints, per round, the p99 of both probes idle and during the flood and their
ratio; then, over the rounds, the median (and min-max) of each probe's p50 and
p99 idle and during the flood and of the flood/idle ratios; the flood's answers
by status; the honest admissions' answers by status in each phase; and, on
Linux, the share of a CPU the service's processes used in each phase.

Timings are never asserted: the exit status is 0 unless the service failed to
start or an honest admission was refused in the idle phase (2 for a usage error).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import math
import multiprocessing
import os
import platform
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
from _common import positive_int, print_table  # bench/ is sys.path[0] for scripts
from eligibility_bench import investor_attributes
from eth_account import Account
from service_bench import (
    Item,
    bound_credential,
    percentile,
    positive_float,
    process_cpu_seconds,
    progress,
    prove_all,
    request_challenges,
    serve,
    wallet_signature,
)

from zkattest import Challenge, IssuerSecretKey, Presentation, prove, verify
from zkattest.circuits import get_circuit
from zkattest.errors import VerificationError

DEFAULT_CIRCUIT = "accredited_investor_506c"
VERIFIER_DOMAIN = "bench.example"
CHAIN_ID = 1
#: The flood's wallet and its key (a throw-away key made for this benchmark).
FLOOD_KEY = "0x" + hashlib.sha256(b"zkattest flood wallet").hexdigest()
FLOOD_WALLET = str(Account.from_key(FLOOD_KEY).address)
REQUEST_TIMEOUT_S = 30.0
RAMP_S = 1.0  # the flood runs this long before the probes start
JSON_HEADERS = {"content-type": "application/json"}
WARMUP_ADMISSIONS = 5

# --quick: one short round, for a smoke test (timings mean little at this size)
QUICK = {
    "rounds": 1,
    "idle": 1.5,
    "flood": 2.0,
    "clients": 2,
    "honest_interval": 200.0,
    "healthz_interval": 50.0,
}
FULL = {
    "rounds": 3,
    "idle": 10.0,
    "flood": 10.0,
    "clients": 4,
    "honest_interval": 100.0,
    "healthz_interval": 20.0,
}


# -- the flood ---------------------------------------------------------------------------


def bogus_body(presentation: dict[str, Any], challenge: dict[str, Any]) -> bytes:
    """``presentation`` bound to ``challenge`` (its proof already broken), with the
    flood wallet's valid sign-in: the service gets as far as verifying the proof."""
    challenge_id = challenge["challenge_id"]
    rebound = {**presentation, "challenge_id": challenge_id}
    signature = json.loads(wallet_signature(Challenge.from_json(json.dumps(challenge)), FLOOD_KEY))
    body = {"challenge_id": challenge_id, "presentation": rebound, "wallet_signature": signature}
    return json.dumps(body).encode()


def break_proof(presentation: dict[str, Any]) -> dict[str, Any]:
    """``presentation`` with the low bit of its proof's last byte flipped: still a
    well-formed proof (every scalar canonical), refused only when verified."""
    proof = bytearray(base64.b64decode(presentation["proof"]))
    proof[-1] ^= 1
    return {**presentation, "proof": base64.b64encode(bytes(proof)).decode()}


def flood_client(
    conn: Connection, base: str, circuit_id: str, presentation: dict[str, Any], reuse: int
) -> None:
    """One flood process: on each ``seconds`` received, flood for that long and send
    back the answers counted by status; stop on ``None``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    wanted = {"circuit_id": circuit_id, "wallet_address": FLOOD_WALLET, "chain_id": CHAIN_ID}
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
        client.get("/healthz")  # the connection is open before the clock starts
        conn.send("ready")
        while (seconds := conn.recv()) is not None:
            counts: Counter[str] = Counter()
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    answer = client.post("/v1/challenges", json=wanted)
                except httpx.HTTPError as exc:
                    counts[f"challenge: no answer ({type(exc).__name__})"] += 1
                    time.sleep(0.01)
                    continue
                if answer.status_code != 201:
                    counts[f"challenge: {answer.status_code}"] += 1
                    time.sleep(0.01)
                    continue
                body = bogus_body(presentation, answer.json())
                for _ in range(reuse):
                    if time.monotonic() >= deadline:
                        break
                    try:
                        answer = client.post(
                            "/v1/presentations", content=body, headers=JSON_HEADERS
                        )
                    except httpx.HTTPError as exc:
                        counts[f"no answer ({type(exc).__name__})"] += 1
                        break
                    counts[str(answer.status_code)] += 1
            conn.send(dict(counts))


@dataclass
class Flood:
    """The flood processes, kept across rounds."""

    processes: list[multiprocessing.process.BaseProcess]
    conns: list[Connection]

    def run(self, seconds: float) -> None:
        for conn in self.conns:
            conn.send(seconds)

    def results(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for conn in self.conns:
            total.update(conn.recv())
        return total

    def stop(self) -> None:
        for conn in self.conns:
            with suppress(OSError):
                conn.send(None)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()


def start_flood(
    base: str, circuit_id: str, presentation: dict[str, Any], clients: int, reuse: int
) -> Flood:
    context = multiprocessing.get_context("spawn")
    flood = Flood([], [])
    for _ in range(clients):
        parent, child = context.Pipe()
        process = context.Process(
            target=flood_client, args=(child, base, circuit_id, presentation, reuse), daemon=True
        )
        process.start()
        flood.processes.append(process)
        flood.conns.append(parent)
    for conn in flood.conns:
        if not conn.poll(60) or conn.recv() != "ready":
            flood.stop()
            raise RuntimeError("a flood process did not start")
    return flood


# -- the probes -----------------------------------------------------------------------------


@dataclass
class Probe:
    """One probe's answers in one phase: latency (ms) and status of each request."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)


def paced(send: Callable[[httpx.Client], int | None], interval_s: float, until: float) -> Probe:
    """Call ``send`` every ``interval_s`` until ``until``, each call after the previous
    answer, each request on a new connection (``Connection: close``) as separate
    clients' would be."""
    probe = Probe()
    next_at = time.monotonic()
    headers = {"connection": "close"}
    with httpx.Client(timeout=REQUEST_TIMEOUT_S, headers=headers) as client:
        while (now := time.monotonic()) < until:
            if next_at > now:
                time.sleep(next_at - now)
            started = time.monotonic()
            next_at = started + interval_s
            try:
                status = send(client)
            except httpx.HTTPError as exc:
                probe.statuses[f"no answer ({type(exc).__name__})"] += 1
                continue
            if status is None:  # out of honest presentations
                break
            probe.latencies_ms.append((time.monotonic() - started) * 1000)
            probe.statuses[str(status)] += 1
    return probe


class HonestQueue:
    """The prepared honest admissions, each submitted once."""

    def __init__(self, base: str, items: Sequence[Item]) -> None:
        self.base = base
        self.bodies = [item.body() for item in items]
        self.next = 0

    def submit(self, client: httpx.Client) -> int | None:
        if self.next >= len(self.bodies):
            return None
        body = self.bodies[self.next]
        self.next += 1
        url = f"{self.base}/v1/presentations"
        return client.post(url, content=body, headers=JSON_HEADERS).status_code


def probe_phase(
    base: str, honest: HonestQueue, seconds: float, args: argparse.Namespace
) -> tuple[Probe, Probe]:
    """Both probes for ``seconds``: ``GET /healthz`` and honest admissions."""
    until = time.monotonic() + seconds
    results: dict[str, Probe] = {}

    def healthz() -> None:
        results["healthz"] = paced(
            lambda c: c.get(f"{base}/healthz").status_code, args.healthz_interval / 1000, until
        )

    threads = [threading.Thread(target=healthz)]
    threads[0].start()
    results["admission"] = paced(honest.submit, args.honest_interval / 1000, until)
    for thread in threads:
        thread.join()
    return results["healthz"], results["admission"]


# -- the run -------------------------------------------------------------------------------


def cpu_share(before: dict[int, float] | None, after: dict[int, float] | None, s: float) -> Any:
    """CPUs the service's processes kept busy between two ``/proc`` readings, else None."""
    if before is None or after is None or s <= 0:
        return None
    return sum(after[pid] - before.get(pid, 0.0) for pid in after) / s


def phase_result(healthz: Probe, admission: Probe, cpu: float | None) -> dict[str, Any]:
    return {
        "healthz": {
            "requests": len(healthz.latencies_ms),
            "p50_ms": healthz.p(50),
            "p99_ms": healthz.p(99),
            "statuses": dict(healthz.statuses),
        },
        "admission": {
            "requests": len(admission.latencies_ms),
            "p50_ms": admission.p(50),
            "p99_ms": admission.p(99),
            "statuses": dict(admission.statuses),
        },
        "service_cpus_busy": cpu,
    }


def refusal_times(
    issuer: IssuerSecretKey,
    honest: Item,
    flood_presentation: dict[str, Any],
    flood_challenge: dict[str, Any],
) -> tuple[float, float]:
    """Median ms, in this process, of an honest verify and of refusing the flood body
    bound to ``flood_challenge``."""
    public = issuer.public_key()
    trusted = {public.key_id: public}
    good = Presentation.from_json(honest.presentation_json)
    good_challenge = Challenge.from_json(json.dumps(honest.challenge))
    body = json.loads(bogus_body(flood_presentation, flood_challenge))
    bad = Presentation.from_dict(body["presentation"])
    bad_challenge = Challenge.from_json(json.dumps(flood_challenge))
    good_ms, bad_ms = [], []
    for _ in range(7):
        started = time.perf_counter()
        verify(good, good_challenge, trusted)
        good_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        try:
            verify(bad, bad_challenge, trusted)
        except VerificationError:
            bad_ms.append((time.perf_counter() - started) * 1000)
        else:
            raise RuntimeError("the flood body verified: it must not")
    return statistics.median(good_ms), statistics.median(bad_ms)


def flood_challenge(base: str, circuit_id: str) -> dict[str, Any]:
    """A challenge for the flood's wallet."""
    answer = httpx.post(
        f"{base}/v1/challenges",
        json={"circuit_id": circuit_id, "wallet_address": FLOOD_WALLET, "chain_id": CHAIN_ID},
        timeout=REQUEST_TIMEOUT_S,
    )
    if answer.status_code != 201:
        raise RuntimeError(f"POST /v1/challenges: {answer.status_code} {answer.text}")
    challenge: dict[str, Any] = answer.json()
    return challenge


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    circuit = get_circuit(args.circuit)
    today = dt.datetime.now(dt.UTC).date()
    issuer = IssuerSecretKey.generate()
    attributes = investor_attributes(circuit.id, today)
    credential, holder = bound_credential(issuer, attributes, "flood")
    issuer_file = tmp / "issuer.json"
    issuer_file.write_text(issuer.public_key().to_json(), encoding="utf-8")
    env = {
        "ZKATTEST_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "ZKATTEST_TRUSTED_ISSUERS": str(issuer_file),
        "ZKATTEST_RECEIPT_KEY_PATH": str(tmp / "receipt-keys.json"),
        "ZKATTEST_VERIFIER_DOMAIN": VERIFIER_DOMAIN,
        "ZKATTEST_RATE_LIMIT_PER_MINUTE": "1000000",  # the flood must reach verification
        "ZKATTEST_CHALLENGE_LIFETIME_SECONDS": "3600",
    }
    per_phase = math.ceil(max(args.idle, args.flood) * 1000 / args.honest_interval) + 2
    honest_count = WARMUP_ADMISSIONS + 2 * args.rounds * per_phase
    print(
        f"flood benchmark: {circuit.id}, {args.workers} worker(s), {args.clients} flood "
        f"clients (processes, keep-alive), SQLite; Python {sys.version.split()[0]} on "
        f"{platform.machine()}, {os.cpu_count()} CPUs; {args.rounds} round(s) of "
        f"{args.idle:g} s idle then {args.flood:g} s of flood",
        flush=True,
    )
    print(
        f"probes: GET /healthz every {args.healthz_interval:g} ms and an honest admission "
        f"every {args.honest_interval:g} ms, each on a new connection and after the "
        "previous answer",
        flush=True,
    )
    log = tmp / "server.log"
    rounds: list[dict[str, Any]] = []
    flood_total: Counter[str] = Counter()
    with serve(env, args.workers, log) as server:
        base = server.base
        progress(f"service up at {base}; {honest_count} honest challenges, proving them")
        items = request_challenges(base, circuit.id, honest_count)
        prove_all(issuer, attributes, items, args.prove_processes)
        honest = HonestQueue(base, items)
        proved = prove(
            credential,
            Challenge.from_json(json.dumps(flood_challenge(base, circuit.id))),
            holder=holder,
        )
        flood_presentation = break_proof(json.loads(proved.to_json()))
        honest_ms, refusal_ms = refusal_times(
            issuer, items[0], flood_presentation, flood_challenge(base, circuit.id)
        )
        print(
            "flood body: a presentation bound to a fresh challenge, one proof bit flipped; "
            f"refused in {refusal_ms:.1f} ms in this process (an honest verify: "
            f"{honest_ms:.1f} ms)",
            flush=True,
        )

        progress(f"starting {args.clients} flood processes; warming up")
        flood = start_flood(base, circuit.id, flood_presentation, args.clients, args.reuse)
        try:
            with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
                for _ in range(WARMUP_ADMISSIONS):
                    if honest.submit(client) != 201:
                        raise RuntimeError("an honest warm-up admission was refused")
            flood.run(0.5)
            flood.results()
            for number in range(1, args.rounds + 1):
                progress(f"round {number}/{args.rounds}: {args.idle:g} s idle")
                cpu0 = process_cpu_seconds(server.process.pid)
                idle = probe_phase(base, honest, args.idle, args)
                cpu1 = process_cpu_seconds(server.process.pid)
                progress(f"round {number}/{args.rounds}: {args.flood:g} s of flood")
                flood.run(RAMP_S + args.flood)
                time.sleep(RAMP_S)
                cpu2 = process_cpu_seconds(server.process.pid)
                flooded = probe_phase(base, honest, args.flood, args)
                cpu3 = process_cpu_seconds(server.process.pid)
                counts = flood.results()
                flood_total.update(counts)
                rounds.append(
                    {
                        "idle": phase_result(*idle, cpu_share(cpu0, cpu1, args.idle)),
                        "flood": phase_result(*flooded, cpu_share(cpu2, cpu3, args.flood)),
                        "flood_answers": dict(counts),
                        "flood_seconds": RAMP_S + args.flood,
                    }
                )
        finally:
            flood.stop()
        server_log_tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]

    idle_refused = sum(
        n
        for r in rounds
        for status, n in r["idle"]["admission"]["statuses"].items()
        if status != "201"
    )
    return {
        "circuit": circuit.id,
        "workers": args.workers,
        "clients": args.clients,
        "reuse": args.reuse,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "honest_verify_ms": honest_ms,
        "flood_body_refusal_ms": refusal_ms,
        "rounds": rounds,
        "flood_answers": dict(flood_total),
        "idle_admissions_refused": idle_refused,
        "server_log_tail": server_log_tail if idle_refused else "",
    }


# -- the report ------------------------------------------------------------------------------


def spread(values: Sequence[float], unit: str = "", digits: int = 1) -> str:
    """``median (min-max)`` of the rounds' values."""
    if not values:
        return "n/a"
    median = f"{statistics.median(values):.{digits}f}{unit}"
    if len(values) == 1:
        return median
    return f"{median} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


def p99_columns(rr: dict[str, Any], probe: str) -> list[str]:
    """A round's p99 for ``probe`` idle and in the flood (ms), and their ratio."""
    idle, flood = rr["idle"][probe]["p99_ms"], rr["flood"][probe]["p99_ms"]
    return [f"{idle:.1f}", f"{flood:.1f}", f"{ratio(flood, idle):.2f}x"]


def report(r: dict[str, Any]) -> None:
    rounds = r["rounds"]
    print()
    print_table(
        ["round", "healthz p99 idle", "flood", "ratio", "admission p99 idle", "flood", "ratio"],
        [
            [str(n), *p99_columns(rr, "healthz"), *p99_columns(rr, "admission")]
            for n, rr in enumerate(rounds, 1)
        ],
    )
    print()
    what = "median of rounds (min-max)" if len(rounds) > 1 else "one round"
    rows = []
    for probe, label in (("healthz", "GET /healthz"), ("admission", "honest admission")):
        for q in ("p50", "p99"):
            idle = [rr["idle"][probe][f"{q}_ms"] for rr in rounds]
            flood = [rr["flood"][probe][f"{q}_ms"] for rr in rounds]
            ratios = [ratio(f, i) for f, i in zip(flood, idle, strict=True)]
            rows.append([f"{label} {q} ms", spread(idle), spread(flood), spread(ratios, "x", 2)])
    print_table([f"latency, {what}", "idle", "flood", "flood/idle"], rows)
    print()
    samples = [
        f"{sum(rr[phase][probe]['requests'] for rr in rounds)} {probe} in {phase}"
        for phase in ("idle", "flood")
        for probe in ("healthz", "admission")
    ]
    print("probe requests (all rounds): " + ", ".join(samples))
    for phase in ("idle", "flood"):
        statuses: Counter[str] = Counter()
        for rr in rounds:
            statuses.update(rr[phase]["admission"]["statuses"])
        print(f"honest admissions, {phase}: {format_counts(statuses)}")
    flood_seconds = sum(rr["flood_seconds"] for rr in rounds)
    answers = r["flood_answers"]
    presentations = sum(n for status, n in answers.items() if not status.startswith("challenge"))
    print(
        f"flood answers ({r['clients']} clients, each challenge used {r['reuse']} times; "
        f"{presentations / flood_seconds:.1f} presentations/s): {format_counts(Counter(answers))}"
    )
    busy = [
        (rr["idle"]["service_cpus_busy"], rr["flood"]["service_cpus_busy"])
        for rr in rounds
        if rr["idle"]["service_cpus_busy"] is not None
    ]
    if busy:
        idle_busy = spread([b[0] for b in busy], digits=2)
        flood_busy = spread([b[1] for b in busy], digits=2)
        print(
            f"service CPU (CPUs busy, all its processes): idle {idle_busy}, "
            f"flood {flood_busy}, of {r['cpus']}"
        )
    if r["idle_admissions_refused"]:
        print(f"ERROR: {r['idle_admissions_refused']} honest admissions refused while idle")
        print("server log (end):\n" + r["server_log_tail"])


def format_counts(counts: Counter[str]) -> str:
    if not counts:
        return "none"
    return ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument(
        "--quick",
        action="store_true",
        help="a short smoke run: defaults "
        + ", ".join(f"--{k.replace('_', '-')} {v:g}" for k, v in QUICK.items()),
    )
    p.add_argument("--circuit", default=DEFAULT_CIRCUIT)
    p.add_argument("--workers", type=positive_int, default=1, help="service worker processes")
    p.add_argument("--clients", type=positive_int, help="flood processes (default 4)")
    p.add_argument("--rounds", type=positive_int, help="idle + flood rounds (default 3)")
    p.add_argument("--idle", type=positive_float, help="seconds of each idle phase (default 10)")
    p.add_argument(
        "--flood", type=positive_float, help="seconds probed in each flood phase (default 10)"
    )
    p.add_argument(
        "--reuse",
        type=positive_int,
        default=2,
        help="bogus submissions per flood challenge (default 2; the third refusal burns it)",
    )
    p.add_argument(
        "--healthz-interval", type=positive_float, help="ms between /healthz probes (default 20)"
    )
    p.add_argument(
        "--honest-interval",
        type=positive_float,
        help="ms between honest admissions (default 100)",
    )
    p.add_argument(
        "--prove-processes", type=positive_int, default=os.cpu_count() or 1, help="for set-up"
    )
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    args = p.parse_args(argv)
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the server is stopped and the temp dir removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="zkattest-flood-bench-") as tmp:
        try:
            result = run(args, Path(tmp))
        except (RuntimeError, VerificationError, httpx.HTTPError) as exc:
            print(f"flood_bench: {exc}", file=sys.stderr)
            return 1
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 1 if result["idle_admissions_refused"] else 0


if __name__ == "__main__":
    sys.exit(main())
