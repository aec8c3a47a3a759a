"""Load benchmark of the verifier service: verified admissions per second over loopback.

It starts ``zkattest serve --workers 2`` (a subprocess, ``127.0.0.1`` on a free
port; SQLite in a temporary directory, or ``--database-url``), waits for
``/healthz``, and then, in order:

1. asks the service for ``--warmup`` + ``--rounds`` x ``--requests`` challenges
   (``POST /v1/challenges``, one fresh wallet address each) and proves each one
   in this machine's process pool: proving is the wallet's cost, not the
   service's, so it happens before anything is timed;
2. sends ``--warmup`` presentations (untimed: each worker process builds its
   generator tables on its first verification);
3. runs ``--rounds`` rounds, each: the raw library rate (``zkattest.verify``
   of those same presentations, in this process, one core, while the service is
   idle), then the timed phase, then the raw rate again. In the timed phase
   ``--concurrency`` clients submit the round's presentations (``POST
   /v1/presentations``), each body exactly once, until all are sent or
   ``--duration`` seconds have passed, each request on a new connection as
   separate wallets would (``--keepalive``: one connection per client, which
   uvicorn leaves on the worker that accepted it). An error is any answer other
   than 201, or none. Each round's ratio compares its service rate with the raw
   rate measured around it, so a slower or faster spell of this (virtual)
   machine moves both; the headline is the median round.

The timed phase's load generator is ``wrk`` when it is on ``PATH`` (``-t N -c N``,
one connection per thread, driven by ``bench/wrk/submit.lua``), which costs the
shared cores far less CPU per request than the fallback, ``httpx`` in ``N``
Python threads; ``--generator`` chooses. The script never installs anything.

It prints each round, then the admissions per second, latency p50/p99/max
and errors over all rounds, the raw verify rate per core and the median
round's ratio ``(service rate / workers) / raw rate``, with the targets:
ratio >= 0.80, zero errors, p99 <= 50 ms. It names the load
generator and, on Linux, reports the CPU the service processes spent per
admission and the load generator's CPU per request. Every admission is checked
afterwards (its wallet and circuit; a sample of wallets must be on the
whitelist). The server is stopped at the end, also on error or Ctrl-C.

Timings are never asserted: the exit status is 0 unless the service failed to
start, the load generator failed or a correctness check failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from _common import positive_int
from eligibility_bench import investor_attributes  # bench/ is sys.path[0] for scripts
from eth_account import Account
from eth_account.messages import encode_defunct
from sqlalchemy.engine import make_url

from zkattest import (
    Challenge,
    Credential,
    HolderSecret,
    IssuerLedger,
    IssuerSecretKey,
    Presentation,
    accept_credential,
    issue_credential,
    prove,
    request_credential,
    verify,
)
from zkattest.circuits import get_circuit
from zkattest.errors import VerificationError
from zkattest.schema import get_schema
from zkattest.signin import sign_in_message

DEFAULT_CIRCUIT = "accredited_investor_506c"
VERIFIER_DOMAIN = "bench.example"
CHAIN_ID = 1
TARGET_RATIO = 0.80
TARGET_P99_MS = 50.0
STARTUP_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 30.0
JSON_HEADERS = {"content-type": "application/json"}
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "submit.lua"
WRK_TIMEOUT = "10s"  # wrk counts a longer answer as a timeout (it still waits for it)
WRK_GRACE_S = 20  # wrk -d: --duration plus this; only reached if answers stop coming
WRK_RESULT_PREFIX = "zkattest-wrk-result "
WRK_THREAD_PREFIX = "zkattest-wrk: thread "


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def safe_url(url: str) -> str:
    """``url`` with any password masked, for printing."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable database URL)"


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def serve(env: dict[str, str], workers: int, log: Path) -> Iterator[Server]:
    """``zkattest serve`` on a free loopback port until the block ends, however it ends."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "zkattest.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers go down with it
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_healthy(server)
        yield server
    finally:
        stop(process)


def wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            if httpx.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            tail = server.log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"the service did not start; its log ends:\n{tail}")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn stops its workers), then SIGKILL to the process group if it hangs."""
    if process.poll() is None:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # stragglers of the group we started
    if process.poll() is None:
        process.wait()


def process_cpu_seconds(pid: int) -> dict[int, float] | None:
    """User + system CPU seconds of ``pid`` and each descendant (Linux ``/proc``), else None."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    seconds = {}
    pending = [pid]
    try:
        while pending:
            current = pending.pop()
            stat = Path(f"/proc/{current}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            seconds[current] = (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
    except (OSError, ValueError):
        return None
    return seconds


# -- the workload ----------------------------------------------------------------------------


@dataclass
class Item:
    """One challenge from the service and the presentation that answers it."""

    wallet: str
    challenge: dict[str, Any]
    key: str = ""
    presentation_json: str = ""
    signature_json: str = ""

    def body(self) -> bytes:
        cid = json.dumps(self.challenge["challenge_id"])
        return (
            f'{{"challenge_id":{cid},"presentation":{self.presentation_json},'
            f'"wallet_signature":{self.signature_json}}}'
        ).encode()


def bound_credential(
    issuer: IssuerSecretKey, attributes: dict[str, Any], customer: str
) -> tuple[Credential, HolderSecret]:
    """A new person: a holder secret and a credential bound to it (request,
    blind issuance, acceptance)."""
    holder = HolderSecret.generate()
    pending = request_credential(holder, issuer.public_key(), "investor/v1")
    issued = issue_credential(
        issuer,
        get_schema("investor/v1"),
        attributes,
        request=pending.request,
        customer=customer,
        ledger=IssuerLedger(":memory:"),
    )
    credential = accept_credential(
        issued.to_json(), issuer.public_key(), holder=holder, pending=pending
    )
    return credential, holder


def wallet_signature(challenge: Challenge, key: str, lifetime_seconds: int = 3600) -> str:
    """The wallet's EIP-4361 sign-in for ``challenge``, signed with ``key`` (JSON)."""
    issued_at = challenge.expires_at - dt.timedelta(seconds=lifetime_seconds)
    message = sign_in_message(challenge, issued_at=issued_at)
    signed = Account.sign_message(encode_defunct(text=message), private_key=key)
    return json.dumps({"message": message, "signature": "0x" + bytes(signed.signature).hex()})


def request_challenges(base: str, circuit_id: str, count: int) -> list[Item]:
    items = []
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
        for _ in range(count):
            key = "0x" + secrets.token_hex(32)
            wallet = str(Account.from_key(key).address)
            response = client.post(
                "/v1/challenges",
                json={"circuit_id": circuit_id, "wallet_address": wallet, "chain_id": CHAIN_ID},
            )
            if response.status_code != 201:
                raise RuntimeError(f"POST /v1/challenges: {response.status_code} {response.text}")
            items.append(Item(wallet, response.json(), key))
    return items


_ISSUER: tuple[IssuerSecretKey, dict[str, Any]] | None = None


def _init_prover(issuer_json: str, attributes: dict[str, Any]) -> None:
    global _ISSUER
    _ISSUER = (IssuerSecretKey.from_json(issuer_json), attributes)


def _prove(item: tuple[str, str]) -> tuple[str, str]:
    """One person per wallet (one seat each): a bound credential, its
    presentation, and the wallet's signed sign-in."""
    assert _ISSUER is not None
    challenge_json, key = item
    issuer, attributes = _ISSUER
    credential, holder = bound_credential(issuer, attributes, secrets.token_hex(8))
    challenge = Challenge.from_json(challenge_json)
    presentation = prove(credential, challenge, holder=holder).to_json()
    return presentation, wallet_signature(challenge, key)


def prove_all(
    issuer: IssuerSecretKey, attributes: dict[str, Any], items: list[Item], processes: int
) -> float:
    """Fill in every item's presentation and wallet signature, each from its own
    person (a credential issued for it: one seat per person); returns the
    wall-clock seconds it took."""
    started = time.perf_counter()
    work = [(json.dumps(item.challenge), item.key) for item in items]
    with ProcessPoolExecutor(
        processes, initializer=_init_prover, initargs=(issuer.to_json_secret(), attributes)
    ) as pool:
        for item, (presentation, signature) in zip(
            items, pool.map(_prove, work, chunksize=8), strict=True
        ):
            item.presentation_json, item.signature_json = presentation, signature
    return time.perf_counter() - started


# -- raw library rate ------------------------------------------------------------------------


@dataclass
class RawRate:
    runs: int = 0
    seconds: float = 0.0
    samples_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.runs / self.seconds if self.seconds else 0.0


def measure_raw(
    items: Sequence[Item], issuer: IssuerSecretKey, runs: int, warmup: int, into: RawRate
) -> None:
    """``verify`` of the items' presentations, one after another, in this process."""
    public = issuer.public_key()
    trusted = {public.key_id: public}
    parsed = [
        (Presentation.from_json(i.presentation_json), Challenge.from_json(json.dumps(i.challenge)))
        for i in items[: min(len(items), max(runs, 1))]
    ]
    for presentation, challenge in parsed[:warmup]:
        verify(presentation, challenge, trusted)
    for presentation, challenge in itertools.islice(itertools.cycle(parsed), runs):
        started = time.perf_counter()
        verify(presentation, challenge, trusted)  # raises if the presentation were refused
        elapsed = time.perf_counter() - started
        into.runs += 1
        into.seconds += elapsed
        into.samples_ms.append(elapsed * 1000)


# -- the load generator ----------------------------------------------------------------------


@dataclass
class Sample:
    index: int
    started: float
    ended: float
    status: int  # 0: no answer
    detail: str = ""
    body: bytes = b""

    @property
    def latency_ms(self) -> float:
        return (self.ended - self.started) * 1000


def drive(
    base: str, bodies: Sequence[bytes], concurrency: int, duration: float, keepalive: bool
) -> tuple[list[Sample], float]:
    """Submit ``bodies`` with ``concurrency`` threads until done or ``duration`` has passed.

    With ``keepalive`` each thread keeps one connection; without, each request opens
    its own (``Connection: close``), so the server's workers share them out per request.

    Returns the samples and the phase's wall-clock seconds (first send to last answer).
    """
    counter = itertools.count()
    samples: list[Sample] = []
    lock = threading.Lock()
    ready = threading.Barrier(concurrency + 1)
    start = threading.Event()
    deadline = [0.0]

    def worker() -> None:
        mine: list[Sample] = []
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        headers = JSON_HEADERS if keepalive else {**JSON_HEADERS, "connection": "close"}
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
            if keepalive:
                client.get("/healthz")  # open the connection before the clock starts
            ready.wait()
            start.wait()
            while True:
                index = next(counter)
                if index >= len(bodies) or time.perf_counter() >= deadline[0]:
                    break
                sent = time.perf_counter()
                try:
                    response = client.post(
                        "/v1/presentations", content=bodies[index], headers=headers
                    )
                except httpx.HTTPError as exc:
                    mine.append(Sample(index, sent, time.perf_counter(), 0, type(exc).__name__))
                    continue
                ended = time.perf_counter()
                if response.status_code == 201:
                    mine.append(Sample(index, sent, ended, 201, body=response.content))
                else:
                    detail = response.text[:300]
                    mine.append(Sample(index, sent, ended, response.status_code, detail))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait()
    began = time.perf_counter()
    deadline[0] = began + duration
    start.set()
    for thread in threads:
        thread.join()
    ended = max((s.ended for s in samples), default=began)
    return sorted(samples, key=lambda s: s.index), ended - began


@dataclass
class Generator:
    """The timed phase's load generator: ``wrk`` or ``python``, and why."""

    name: str
    reason: str
    wrk: str | None = None  # the wrk executable
    version: str = ""


def choose_generator(requested: str) -> Generator:
    """``wrk`` if requested or (``auto``) found on ``PATH``, else the Python generator."""
    if requested == "python":
        return Generator("python", "chosen with --generator python")
    wrk = shutil.which("wrk")
    if wrk is None:
        if requested == "wrk":
            raise RuntimeError("--generator wrk: wrk is not on PATH (Debian: apt-get install wrk)")
        return Generator("python", "wrk is not on PATH (Debian: apt-get install wrk)")
    if not WRK_SCRIPT.is_file():
        raise RuntimeError(f"the wrk script {WRK_SCRIPT} is missing")
    reason = f"found at {wrk}" if requested == "auto" else f"chosen with --generator wrk ({wrk})"
    return Generator("wrk", reason, wrk, wrk_version(wrk))


def wrk_version(wrk: str) -> str:
    """``wrk -v``'s first line, e.g. ``wrk debian/4.1.0-3+b2 [epoll]`` (it exits 1)."""
    try:
        done = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "wrk (version unknown)"
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk (version unknown)"


@dataclass
class LoadRun:
    """What a load generator reports about one phase."""

    samples: list[Sample]
    seconds: float  # first send to last answer
    cpu_seconds: float | None  # the load generator's own CPU during the phase
    cpu_source: str
    extra: dict[str, Any] = field(default_factory=dict)


def drive_python(
    base: str,
    bodies: Sequence[bytes],
    first_index: int,
    concurrency: int,
    duration: float,
    keepalive: bool,
) -> LoadRun:
    """:func:`drive`, with the CPU this process (the Python generator) spent on it."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    samples, seconds = drive(base, bodies, concurrency, duration, keepalive)
    after = resource.getrusage(resource.RUSAGE_SELF)
    for sample in samples:
        sample.index += first_index
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return LoadRun(samples, seconds, cpu, "getrusage(RUSAGE_SELF) of the benchmark process")


def drive_wrk(
    wrk: str,
    base: str,
    bodies: Sequence[bytes],
    first_index: int,
    concurrency: int,
    duration: float,
    keepalive: bool,
    tmp: Path,
) -> LoadRun:
    """Submit ``bodies`` (each exactly once) with ``wrk`` and ``bench/wrk/submit.lua``.

    ``concurrency`` wrk threads with one connection each take every
    ``concurrency``-th body; a thread stops after the answer to its last one, or
    after its first answer ``duration`` seconds or more after its first request.
    wrk's own ``-d`` is only a bound: it waits that long even when every thread
    is done, so once all of them say so on stderr it is interrupted (SIGINT) and
    prints its result. Its CPU is read from ``/proc`` when every thread has read
    its bodies and again when all are done (before it formats the result), else
    (no ``/proc``) from ``getrusage(RUSAGE_CHILDREN)`` once it has exited.
    Sample indices are ``first_index`` + the body's position.
    """
    threads = max(1, min(concurrency, len(bodies)))
    bodies_file = tmp / "wrk-bodies.txt"
    with bodies_file.open("wb") as out:
        for position, body in enumerate(bodies):
            if b"\n" in body or b"\r" in body:
                raise RuntimeError("a request body spans lines; wrk reads one per line")
            out.write(f"{first_index + position}\t".encode() + body + b"\n")
    command = [
        wrk,
        "--threads",
        str(threads),
        "--connections",
        str(threads),
        "--duration",
        f"{math.ceil(duration) + WRK_GRACE_S}s",
        "--timeout",
        WRK_TIMEOUT,
        "--latency",
        "--script",
        str(WRK_SCRIPT),
        f"{base}/",
        "--",
        str(bodies_file),
        str(threads),
        "keep-alive" if keepalive else "close",
        repr(float(duration)),
    ]
    stdout_file = tmp / "wrk-stdout.txt"
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = threading.Event()
    stderr_lines: list[str] = []

    with stdout_file.open("wb") as stdout:
        process = subprocess.Popen(
            command, stdout=stdout, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
        )

    cpu_at_start: list[dict[int, float] | None] = [None]

    def read_stderr() -> None:
        assert process.stderr is not None
        ready, done = set(), set()
        for line in process.stderr:
            if not line.startswith(WRK_THREAD_PREFIX):
                stderr_lines.append(line.rstrip("\n"))
            elif line.endswith(" ready\n"):
                ready.add(line)
                if len(ready) == threads:  # start-up (reading the bodies) is over
                    cpu_at_start[0] = process_cpu_seconds(process.pid)
            elif line.endswith(" done\n"):
                done.add(line)
                if len(done) == threads:
                    finished.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    cpu: float | None = None
    source = ""
    try:
        deadline = time.monotonic() + duration + WRK_GRACE_S + 15
        while not finished.wait(0.05):
            if process.poll() is not None or time.monotonic() > deadline:
                break
        if process.poll() is None:
            snapshot, start = process_cpu_seconds(process.pid), cpu_at_start[0]
            if snapshot is not None and start is not None:
                cpu = sum(snapshot.values()) - sum(start.values())
                source = f"/proc/{process.pid}/stat of wrk, after its start-up"
        interrupt(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(timeout=5)
    if cpu is None:
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (children_after.ru_utime - children_before.ru_utime) + (
            children_after.ru_stime - children_before.ru_stime
        )
        source = "getrusage(RUSAGE_CHILDREN) around wrk, start-up included"
    output = stdout_file.read_text(encoding="utf-8", errors="replace")
    result_lines = [ln for ln in output.splitlines() if ln.startswith(WRK_RESULT_PREFIX)]
    if process.returncode != 0 or not result_lines:
        tail = "\n".join(stderr_lines[-20:] + output.splitlines()[-20:])
        raise RuntimeError(
            f"wrk failed (exit status {process.returncode}): {' '.join(command)}\n{tail}"
        )
    result = json.loads(result_lines[-1][len(WRK_RESULT_PREFIX) :])
    run = wrk_load_run(result, cpu, source, command, threads, len(bodies))
    run.extra["stderr"] = stderr_lines[-20:]
    return run


def interrupt(process: subprocess.Popen[str]) -> None:
    """SIGINT until ``process`` exits (wrk then prints its result), SIGKILL after 30 s."""
    for _ in range(15):
        if process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=2)
    if process.poll() is None:
        process.kill()
        process.wait()


def wrk_load_run(
    result: dict[str, Any],
    cpu: float | None,
    source: str,
    command: Sequence[str],
    threads: int,
    bodies: int,
) -> LoadRun:
    """Samples and details from the JSON line that ``submit.lua``'s ``done()`` prints."""
    samples = []
    for thread in result["threads"]:
        for index, status, start_us, latency_us, body in thread["records"]:
            started = start_us / 1e6
            if status == 201:
                ended = started + latency_us / 1e6
                samples.append(Sample(index, started, ended, 201, "", body.encode()))
            else:
                detail = body[:300] if status else "no answer (socket error; wrk reconnected)"
                samples.append(Sample(index, started, started + latency_us / 1e6, status, detail))
    samples.sort(key=lambda s: s.index)
    if len({s.index for s in samples}) != len(samples):
        raise RuntimeError("wrk sent a body twice")  # submit.lua never does; checked anyway
    seconds = max(s.ended for s in samples) - min(s.started for s in samples) if samples else 0.0
    extra = {
        "command": list(command),
        "threads": threads,
        "connections_per_thread": 1,
        "bodies_given": bodies,
        "per_thread": [
            {key: thread[key] for key in ("id", "sent", "lost", "statuses")}
            for thread in result["threads"]
        ],
        "summary": result["summary"],
        # wrk's own histogram: its "coordinated omission" correction adds synthetic
        # samples, so the p50/p99 reported are from the per-request times above instead.
        "wrk_histogram_latency_ms": result["wrk_latency_ms"],
    }
    return LoadRun(samples, seconds, cpu, source, extra)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank), 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def check_admissions(
    base: str, items: Sequence[Item], samples: Sequence[Sample], circuit_id: str
) -> list[str]:
    """Every 201 admits the item's wallet for the circuit; a sample is on the whitelist."""
    problems = []
    admitted = []
    for sample in samples:
        if sample.status != 201:
            continue
        item = items[sample.index]
        admission = json.loads(sample.body)["admission"]
        if admission["wallet_address"] != item.wallet or admission["circuit_id"] != circuit_id:
            problems.append(f"admission {admission['admission_id']} is not for its presentation")
        admitted.append(item.wallet)
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
        for wallet in admitted[:: max(1, len(admitted) // 10)]:
            response = client.get(f"/v1/whitelist/{wallet}", params={"circuit_id": circuit_id})
            if response.status_code != 200:
                problems.append(f"admitted {wallet} is not whitelisted: {response.status_code}")
    return problems


# -- the run ---------------------------------------------------------------------------------


def run(args: argparse.Namespace, tmp: Path, generator: Generator) -> dict[str, Any]:
    circuit = get_circuit(args.circuit)
    today = dt.datetime.now(dt.UTC).date()
    issuer = IssuerSecretKey.generate()
    attributes = investor_attributes(circuit.id, today)
    issuer_file = tmp / "issuer.json"
    issuer_file.write_text(issuer.public_key().to_json(), encoding="utf-8")
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = {
        "ZKATTEST_DATABASE_URL": database_url,
        "ZKATTEST_TRUSTED_ISSUERS": str(issuer_file),
        "ZKATTEST_RECEIPT_KEY_PATH": str(tmp / "receipt-keys.json"),
        "ZKATTEST_VERIFIER_DOMAIN": VERIFIER_DOMAIN,
        "ZKATTEST_RATE_LIMIT_PER_MINUTE": "1000000",
        "ZKATTEST_CHALLENGE_LIFETIME_SECONDS": "3600",
    }
    database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    connections = "keep-alive" if args.keepalive else "one connection per request"
    total = args.warmup + args.rounds * args.requests
    print(
        f"service benchmark: {circuit.id}, {args.workers} workers, concurrency "
        f"{args.concurrency} ({connections}), {database} ({safe_url(database_url)}); Python "
        f"{sys.version.split()[0]} on {platform.machine()}, {os.cpu_count()} CPUs; "
        f"{args.rounds} rounds of up to {args.requests} submissions",
        flush=True,
    )
    print(f"load generator: {describe(generator, args)}", flush=True)
    log = tmp / "server.log"
    rounds: list[dict[str, Any]] = []
    samples: list[Sample] = []
    raw_all = RawRate()
    with serve(env, args.workers, log) as server:
        progress(f"service up at {server.base}; requesting {total} challenges")
        items = request_challenges(server.base, circuit.id, total)
        progress(f"proving {total} presentations with {args.prove_processes} processes")
        prove_seconds = prove_all(issuer, attributes, items, args.prove_processes)
        bodies = [item.body() for item in items]
        progress(f"proved in {prove_seconds:.1f} s; warm-up: {args.warmup} submissions")
        warm_samples, _ = drive(
            server.base, bodies[: args.warmup], args.concurrency, 600, args.keepalive
        )
        warm_errors = [s for s in warm_samples if s.status != 201]
        measure_raw(items, issuer, 0, 5, RawRate())  # this process's tables and caches

        raw_per_round = max(2, args.raw_runs // args.rounds)
        for number in range(args.rounds):
            first = args.warmup + number * args.requests
            progress(
                f"round {number + 1}/{args.rounds}: raw verify (1 core), then up to "
                f"{args.requests} submissions ({generator.name}, at most {args.duration} s), "
                "then raw verify again"
            )
            raw = RawRate()
            measure_raw(items, issuer, raw_per_round // 2, 0, raw)
            cpu_before = process_cpu_seconds(server.process.pid)
            load = drive_timed(
                generator, server.base, bodies[first : first + args.requests], first, args, tmp
            )
            cpu_after = process_cpu_seconds(server.process.pid)
            measure_raw(items, issuer, raw_per_round - raw_per_round // 2, 0, raw)
            rounds.append(round_result(load, raw, cpu_before, cpu_after, args.workers))
            samples.extend(load.samples)
            raw_all.runs += raw.runs
            raw_all.seconds += raw.seconds
            raw_all.samples_ms.extend(raw.samples_ms)
            progress(
                f"round {number + 1}: ratio {rounds[-1]['ratio_per_core']:.3f}, "
                f"{rounds[-1]['admissions_per_second']:.1f} admissions/s"
            )

        progress("checking the admissions")
        problems = check_admissions(server.base, items, warm_samples + samples, circuit.id)
        server_log_tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]

    ok = [s for s in samples if s.status == 201]
    errors = [s for s in samples if s.status != 201]
    latencies = [s.latency_ms for s in samples]
    elapsed = sum(r["seconds"] for r in rounds)
    rate = len(ok) / elapsed if elapsed > 0 else 0.0
    ratio = statistics.median(r["ratio_per_core"] for r in rounds)
    p50, p90, p99 = (percentile(latencies, q) for q in (50, 90, 99))
    cpu_known = all(r["cpu_seconds"] is not None for r in rounds)
    service_cpu = sum(r["cpu_seconds"] for r in rounds) if cpu_known else None
    generator_cpu = [r["load_generator_cpu_seconds"] for r in rounds]
    generator_cpu_total = None if None in generator_cpu else sum(generator_cpu)
    return {
        "circuit": circuit.id,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "connections": connections,
        "database": database,
        "database_url": safe_url(database_url),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "prove": {"presentations": total, "seconds": prove_seconds},
        "raw_verify": {
            "runs": raw_all.runs,
            "per_second_per_core": raw_all.per_second,
            "median_ms": statistics.median(raw_all.samples_ms) if raw_all.samples_ms else None,
        },
        "warmup": {"submissions": len(warm_samples), "errors": len(warm_errors)},
        "rounds": rounds,
        "service": {
            "submitted": len(samples),
            "admitted": len(ok),
            "errors": len(errors),
            "error_examples": [f"{s.status} {s.detail}" for s in errors[:5]],
            "seconds": elapsed,
            "admissions_per_second": rate,
            "admissions_per_second_per_worker": rate / args.workers,
            "latency_ms": {
                "p50": p50,
                "p90": p90,
                "p99": p99,
                "max": max(latencies, default=0.0),
                "mean": statistics.fmean(latencies) if latencies else 0.0,
            },
            "cpu_seconds": service_cpu,
            "cpu_utilisation": None if service_cpu is None else service_cpu / elapsed,
            "cpu_ms_per_admission": None
            if service_cpu is None or not ok
            else service_cpu * 1000 / len(ok),
        },
        "load_generator": {
            "name": generator.name,
            "reason": generator.reason,
            "version": generator.version or None,
            "description": describe(generator, args),
            "cpu_seconds": generator_cpu_total,
            "cpu_ms_per_request": None
            if generator_cpu_total is None or not samples
            else generator_cpu_total * 1000 / len(samples),
            "cpu_source": rounds[0]["load_generator_cpu_source"] if rounds else "",
        },
        "ratio_per_core": ratio,
        "targets": {
            "ratio_per_core": {"target": TARGET_RATIO, "met": ratio >= TARGET_RATIO},
            "errors": {"target": 0, "met": not errors and not warm_errors},
            "p99_ms": {"target": TARGET_P99_MS, "met": p99 <= TARGET_P99_MS},
        },
        "correctness_problems": problems,
        "server_log_tail": server_log_tail if errors or problems else "",
    }


def round_result(
    load: LoadRun,
    raw: RawRate,
    cpu_before: dict[int, float] | None,
    cpu_after: dict[int, float] | None,
    workers: int,
) -> dict[str, Any]:
    """One round: its admissions per second next to the raw rate measured around it."""
    admitted = sum(1 for s in load.samples if s.status == 201)
    rate = admitted / load.seconds if load.seconds > 0 else 0.0
    ratio = (rate / workers) / raw.per_second if raw.per_second else 0.0
    cpu_by_process = (
        None
        if cpu_before is None or cpu_after is None
        else {pid: cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after}
    )
    return {
        "submitted": len(load.samples),
        "admitted": admitted,
        "errors": len(load.samples) - admitted,
        "seconds": load.seconds,
        "admissions_per_second": rate,
        "raw_per_second_per_core": raw.per_second,
        "raw_median_ms": statistics.median(raw.samples_ms) if raw.samples_ms else None,
        "ratio_per_core": ratio,
        "p99_ms": percentile([s.latency_ms for s in load.samples], 99),
        "cpu_seconds": None if cpu_by_process is None else sum(cpu_by_process.values()),
        "cpu_seconds_by_process": cpu_by_process,
        "load_generator_cpu_seconds": load.cpu_seconds,
        "load_generator_cpu_source": load.cpu_source,
        **{f"load_generator_{key}": value for key, value in load.extra.items()},
    }


def describe(generator: Generator, args: argparse.Namespace) -> str:
    """One line naming the load generator, its set-up and why it was chosen."""
    connections = "keep-alive" if args.keepalive else "a new connection per request"
    if generator.name == "wrk":
        setup = f"{generator.version}, {args.concurrency} threads x 1 connection ({connections})"
    else:
        setup = f"Python httpx, {args.concurrency} threads ({connections})"
    return f"{generator.name}: {setup}; {generator.reason}"


def drive_timed(
    generator: Generator,
    base: str,
    bodies: Sequence[bytes],
    first_index: int,
    args: argparse.Namespace,
    tmp: Path,
) -> LoadRun:
    """One timed phase: ``bodies`` (the items from ``first_index`` on), with the generator."""
    if generator.name == "wrk":
        assert generator.wrk is not None
        return drive_wrk(
            generator.wrk,
            base,
            bodies,
            first_index,
            args.concurrency,
            args.duration,
            args.keepalive,
            tmp,
        )
    return drive_python(base, bodies, first_index, args.concurrency, args.duration, args.keepalive)


def progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def report(r: dict[str, Any]) -> None:
    s, raw = r["service"], r["raw_verify"]
    latency = s["latency_ms"]
    print("round  admitted  seconds  admissions/s  per worker  raw /s  ratio   p99 ms")
    for number, rr in enumerate(r["rounds"], 1):
        print(
            f"{number:5d}  {rr['admitted']:8d}  {rr['seconds']:7.2f}  "
            f"{rr['admissions_per_second']:12.1f}  "
            f"{rr['admissions_per_second'] / r['workers']:10.1f}  "
            f"{rr['raw_per_second_per_core']:6.1f}  {rr['ratio_per_core']:5.3f}  "
            f"{rr['p99_ms']:6.1f}"
        )
    print(f"raw library verify, 1 core: {raw['per_second_per_core']:.1f} /s", end="")
    print(f" (median {raw['median_ms']:.2f} ms over {raw['runs']} runs, service idle)")
    print(
        f"service: {s['admitted']} admitted of {s['submitted']} in {s['seconds']:.2f} s = "
        f"{s['admissions_per_second']:.1f} admissions/s "
        f"({s['admissions_per_second_per_worker']:.1f} /s per worker); errors {s['errors']}"
        + (f" (+{r['warmup']['errors']} in warm-up)" if r["warmup"]["errors"] else "")
    )
    print(
        f"latency (all rounds): p50 {latency['p50']:.1f} ms, p90 {latency['p90']:.1f} ms, "
        f"p99 {latency['p99']:.1f} ms, mean {latency['mean']:.1f} ms, max {latency['max']:.1f} ms"
    )
    print(
        f"per core: (service / {r['workers']} workers) / raw, median of "
        f"{len(r['rounds'])} rounds = {r['ratio_per_core']:.3f}"
    )
    if s["cpu_ms_per_admission"] is not None:
        share = raw["median_ms"] / s["cpu_ms_per_admission"]
        print(
            f"CPU: service processes {s['cpu_ms_per_admission']:.1f} ms per admission "
            f"(raw verify {raw['median_ms']:.1f} ms: {share:.2f} of it is verification), "
            f"{s['cpu_utilisation']:.2f} of {r['cpus']} CPUs busy during the timed phases"
        )
    gen = r["load_generator"]
    cpu = (
        "CPU not measured"
        if gen["cpu_ms_per_request"] is None
        else f"{gen['cpu_ms_per_request']:.2f} ms CPU per request ({gen['cpu_source']}), "
        f"on the same {r['cpus']} CPUs"
    )
    print(f"load generator: {gen['name']}, {cpu}")
    for example in s["error_examples"]:
        print(f"  error: {example}")
    targets = r["targets"]
    marks = {True: "met", False: "MISSED"}
    print(
        f"targets: per-core ratio (median round) >= {TARGET_RATIO:.2f}: "
        f"{marks[targets['ratio_per_core']['met']]}"
        f"; zero errors: {marks[targets['errors']['met']]}"
        f"; p99 <= {TARGET_P99_MS:.0f} ms: {marks[targets['p99_ms']['met']]}"
    )
    for problem in r["correctness_problems"]:
        print(f"CORRECTNESS: {problem}")
    if r["server_log_tail"]:
        print("server log (end):\n" + r["server_log_tail"])


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--circuit", default=DEFAULT_CIRCUIT)
    p.add_argument("--workers", type=positive_int, default=2, help="service worker processes")
    p.add_argument(
        "--concurrency",
        type=positive_int,
        default=3,
        help="clients (wrk threads or threads); 3 keeps 2 workers busy, see bench/README.md",
    )
    p.add_argument(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="timed phase's load generator (auto: wrk if on PATH, else python)",
    )
    p.add_argument(
        "--keepalive",
        action="store_true",
        help="one keep-alive connection per client instead of one connection per request",
    )
    p.add_argument(
        "--rounds", type=positive_int, default=3, help="timed phases, each between raw measurements"
    )
    p.add_argument(
        "--requests", type=positive_int, default=600, help="timed submissions per round, at most"
    )
    p.add_argument(
        "--duration", type=positive_float, default=60.0, help="each timed phase, at most (s)"
    )
    p.add_argument("--warmup", type=positive_int, default=20, help="untimed submissions first")
    p.add_argument(
        "--raw-runs", type=positive_int, default=300, help="raw verify calls, over all rounds"
    )
    p.add_argument(
        "--prove-processes", type=positive_int, default=os.cpu_count() or 1, help="for set-up"
    )
    p.add_argument(
        "--database-url",
        help="e.g. postgresql+psycopg://user:pw@127.0.0.1:5432/db (default: SQLite in a temp dir)",
    )
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        generator = choose_generator(args.generator)
    except RuntimeError as exc:
        print(f"service_bench: {exc}", file=sys.stderr)
        return 2
    # SIGTERM unwinds like Ctrl-C, so the server is stopped and the temp dir removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="zkattest-service-bench-") as tmp:
        try:
            result = run(args, Path(tmp), generator)
        except (RuntimeError, VerificationError, httpx.HTTPError) as exc:
            print(f"service_bench: {exc}", file=sys.stderr)
            return 1
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 1 if result["correctness_problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
