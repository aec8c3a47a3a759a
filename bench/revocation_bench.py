"""Revocation, side by side with AnonCreds in one run: what the issuer, the holder
and the verifier pay, for registries of 1,000 and 10,000 credentials.

zkattest (``zkattest.revocation``): a Vitto-Biryukov accumulator per issuer;
the registry is made once with its capacity of handles (no file for anyone
but the issuer); the issuer revokes a batch and publishes a signed state with
the update data; the holder brings its witness forward from that state alone;
the presentation proves membership under its one challenge. AnonCreds 0.2.3
(CKS accumulator, CL_ACCUM): the issuer generates a tails file every holder
downloads; each witness is computed from it, at issuance and after revocations.

Printed, per registry size: AnonCreds' tails file (bytes, generation time),
the holder's first witness and its update after 1,000 revocations, the
issuer's status-list update; ours: the registry's creation, the issuer's
publication of 1,000 removals (its state's bytes, what every holder fetches),
the holder's witness update over them (median of ``--rounds`` rounds of
``--iterations`` calls, and the rounds' range), the holder's whole step from
the relayed JSON (parsing and validating every point, the issuer's signature,
the update and the new witness's pairing check), and what a holder keeps (its
witness, in the credential). Then the presentation: accredited_investor_506c
with and without revocation, zkattest timed call by call in alternation in
rounds, AnonCreds' one-predicate presentation with and without its
non-revocation proof: extra bytes and extra verification time of each.
Targets: membership <= 300 extra bytes and <= 3 ms extra verify; witness
update over 1,000 removals < 50 ms.

    pip install -e '.[bench]'   # anoncreds, for the peer
    .venv/bin/python bench/revocation_bench.py [--sizes 1000 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from _common import (
    fmt_ms,
    median_ms,
    non_negative_int,
    paired_ms,
    positive_int,
    print_rounds,
    print_table,
    ratio_spread,
)
from eligibility_bench import investor_attributes

from zkattest import (
    Challenge,
    HolderSecret,
    IssuerLedger,
    IssuerSecretKey,
    RegistryState,
    RegistryStates,
    RevocationRegistry,
    accept_credential,
    get_circuit,
    issue_credential,
    prove,
    request_credential,
    verify,
)
from zkattest.hazmat.accumulator import update_witness
from zkattest.hazmat.curve import use_backend
from zkattest.schema import get_schema

CIRCUIT = "accredited_investor_506c"
REMOVED = 1000
TARGET_UPDATE_MS = 50.0
TARGET_EXTRA_BYTES = 300
TARGET_EXTRA_VERIFY_MS = 3.0
ANONCREDS_PEER = Path(__file__).resolve().parent / "peers" / "anoncreds_peer.py"


@dataclass(frozen=True)
class Ours:
    size: int
    create_s: float
    publish_ms: float
    state_bytes: int
    held_bytes: int
    update_rounds: list[float]
    #: The holder's whole step: parse the relayed JSON (every point validated),
    #: check the issuer's signature, update, check the new witness.
    step_ms: float


def ours(size: int, rounds: int, iterations: int, warmup: int) -> Ours:
    """The issuer's registry of ``size``, :data:`REMOVED` revoked and published,
    one holder's witness brought forward over them."""
    issuer = IssuerSecretKey.generate()
    start = time.perf_counter()
    registry = RevocationRegistry.create(":memory:", issuer, capacity=size)
    create_s = time.perf_counter() - start
    handle, held = registry.enroll("holder")
    removed = min(REMOVED, size - 1)
    for n in range(removed):
        registry.enroll(f"c{n}")
        registry.revoke_customer(f"c{n}")
    start = time.perf_counter()
    state = registry.publish()
    publish_ms = (time.perf_counter() - start) * 1000.0
    assert state.removals is not None
    moved = held.follow([state], issuer.public_key())  # checks it, and the signature
    assert moved.holds()
    text = state.to_json()
    step_ms = median_ms(
        lambda: held.follow([RegistryState.from_json(text)], issuer.public_key()),
        1,
        max(3, iterations // 3),
    )
    update_rounds = [
        median_ms(
            lambda: update_witness(held.witness, handle, state.removals),  # type: ignore[arg-type]
            warmup,
            iterations,
        )
        for _ in range(rounds)
    ]
    return Ours(
        size,
        create_s,
        publish_ms,
        len(state.to_json()),
        len(json.dumps(held.to_dict())),
        update_rounds,
        step_ms,
    )


@dataclass(frozen=True)
class Presentations:
    rounds: dict[str, list[float]]
    ratios: list[float]
    extra_ms: list[float]
    plain_bytes: int
    revocable_bytes: int
    plain_proof: int
    revocable_proof: int


def presentations(rounds: int, iterations: int, warmup: int) -> Presentations:
    """accredited_investor_506c from one holder's bound credentials, one
    revocable and one not, verified in alternation."""
    today = dt.datetime.now(dt.UTC).date()
    issuer = IssuerSecretKey.generate()
    registry = RevocationRegistry.create(":memory:", issuer, capacity=16)
    holder = HolderSecret.generate()

    def credential(customer: str, revocable: bool) -> Any:
        pending = request_credential(holder, issuer.public_key(), "investor/v1")
        issued = issue_credential(
            issuer,
            get_schema("investor/v1"),
            investor_attributes(CIRCUIT, today),
            request=pending.request,
            customer=customer,
            ledger=IssuerLedger(":memory:"),
            registry=registry if revocable else None,
        )
        return accept_credential(issued.to_json(), issuer.public_key(), holder=holder,
                                 pending=pending)  # fmt: skip

    plain, revocable = credential("a", False), credential("b", True)
    states = RegistryStates()
    states.add(registry.state(), issuer.public_key())
    challenge = Challenge.create(
        get_circuit(CIRCUIT),
        verifier_domain="bench.example",
        wallet_address="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        chain_id=1,
        lifetime=dt.timedelta(hours=1),
        max_state_age=dt.timedelta(days=1),
    )
    shown = prove(plain, challenge, holder=holder)
    member = prove(revocable, challenge, holder=holder)
    key = issuer.public_key()

    def verify_plain() -> None:
        verify(shown, challenge, key)

    def verify_revocable() -> None:
        verify(member, challenge, key, registries=states)

    out: dict[str, list[float]] = {"verify": [], "verify, revocable": []}
    ratios, extra = [], []
    for op in (verify_plain, verify_revocable) * warmup:
        op()
    for _ in range(rounds):
        with_revocation, without = paired_ms(verify_revocable, verify_plain, iterations)
        out["verify"].append(without)
        out["verify, revocable"].append(with_revocation)
        ratios.append(with_revocation / without)
        extra.append(with_revocation - without)
    return Presentations(
        out,
        ratios,
        extra,
        len(shown.to_json()),
        len(member.to_json()),
        len(shown.proof),
        len(member.proof),
    )


def load_peer() -> ModuleType | None:
    if importlib.util.find_spec("anoncreds") is None:
        return None
    spec = importlib.util.spec_from_file_location("anoncreds_peer", ANONCREDS_PEER)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=positive_int, nargs="+", default=[1000, 10_000])
    p.add_argument("--rounds", type=positive_int, default=5)
    p.add_argument("--iterations", type=positive_int, default=9)
    p.add_argument("--warmup", type=non_negative_int, default=2)
    p.add_argument("--no-peer", action="store_true", help="skip AnonCreds")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"revocation: registries of {', '.join(map(str, args.sizes))} credentials, {REMOVED}"
        f" revoked in one epoch; medians of {args.rounds} rounds of {args.iterations} calls;"
        f" Python {sys.version.split()[0]} on {platform.machine()}, {os.cpu_count()} CPUs",
        flush=True,
    )
    peer = None if args.no_peer else load_peer()
    with use_backend("arkworks"):
        mine = [ours(size, args.rounds, args.iterations, args.warmup) for size in args.sizes]
        shown = presentations(args.rounds, args.iterations, args.warmup)
    theirs = (
        []
        if peer is None
        else [
            peer.run_revocation(size, REMOVED, args.iterations, args.warmup) for size in args.sizes
        ]
    )
    print()
    print("zkattest (Vitto-Biryukov accumulator, arkworks):")
    print_table(
        [
            "credentials",
            "registry made (s)",
            f"publish {REMOVED} removed (ms)",
            "state (bytes)",
            "per-credential file",
            "holder keeps (bytes)",
            f"witness update, {REMOVED} removed (ms)",
            "whole step from the JSON (ms)",
        ],
        [
            [
                f"{o.size:,}",
                f"{o.create_s:.2f}",
                fmt_ms(o.publish_ms),
                f"{o.state_bytes:,}",
                "none",
                str(o.held_bytes),
                f"{fmt_ms(statistics.median(o.update_rounds))}"
                f" ({fmt_ms(min(o.update_rounds))}-{fmt_ms(max(o.update_rounds))})",
                fmt_ms(o.step_ms),
            ]
            for o in mine
        ],
    )
    if peer is None:
        print(
            "\nAnonCreds skipped: " + ("--no-peer" if args.no_peer else "pip install -e '.[bench]'")
        )
    else:
        print("\nAnonCreds 0.2.3 (CKS accumulator, CL_ACCUM, tails file):")
        print_table(
            [
                "credentials",
                "tails made (s)",
                "tails file (bytes)",
                "holder's first witness (ms)",
                f"status list, {REMOVED} revoked (ms)",
                "witness update (ms)",
            ],
            [
                [
                    f"{t.size:,}",
                    f"{t.tails_generation_s:.2f}",
                    f"{t.tails_bytes:,}",
                    fmt_ms(t.witness_ms),
                    fmt_ms(t.revoke_ms) + ("" if t.revoked == REMOVED else f" ({t.revoked})"),
                    fmt_ms(t.witness_update_ms),
                ]
                for t in theirs
            ],
        )
    print(f"\npresentations, {CIRCUIT} on arkworks, plain and revocable in alternation:")
    print_rounds(shown.rounds)
    ratio, low, high = ratio_spread(shown.ratios)
    extra_ms = statistics.median(shown.extra_ms)
    extra_bytes = shown.revocable_bytes - shown.plain_bytes
    extra_proof = shown.revocable_proof - shown.plain_proof
    print(
        f"zkattest: revocation adds {extra_proof} bytes to the proof ({shown.plain_proof:,} ->"
        f" {shown.revocable_proof:,}; target <= {TARGET_EXTRA_BYTES}:"
        f" {met(extra_proof <= TARGET_EXTRA_BYTES)}), {extra_bytes} to the presentation's JSON"
        f" ({shown.plain_bytes:,} -> {shown.revocable_bytes:,}), and {extra_ms:.3f} ms to verify"
        f" (rounds {min(shown.extra_ms):.3f}-{max(shown.extra_ms):.3f}; {ratio:.2f}x,"
        f" {low:.2f}-{high:.2f}; target <= {TARGET_EXTRA_VERIFY_MS:g} ms:"
        f" {met(extra_ms <= TARGET_EXTRA_VERIFY_MS)})"
    )
    for o in mine:
        update = statistics.median(o.update_rounds)
        print(
            f"zkattest, {o.size:,} credentials: witness update over {REMOVED} removals"
            f" {update:.3f} ms (target < {TARGET_UPDATE_MS:g} ms: {met(update < TARGET_UPDATE_MS)})"
        )
    for o, t in zip(mine, theirs, strict=False):
        update = statistics.median(o.update_rounds)
        extra_theirs = t.presentation_bytes[1] - t.presentation_bytes[0]
        print(
            f"AnonCreds, {t.size:,} credentials: tails file {t.tails_bytes:,} bytes per holder"
            f" (zkattest: none); witness {t.witness_ms:.3f} ms, update {t.witness_update_ms:.3f}"
            f" ms (zkattest update {update:.3f} ms: {update / t.witness_update_ms:.2f}x theirs);"
            f" presentation +{extra_theirs:,} bytes"
            f" ({extra_theirs / max(extra_bytes, 1):.0f}x ours) and"
            f" +{t.verify_ms[1] - t.verify_ms[0]:.3f} ms verify"
            f" ({(t.verify_ms[1] - t.verify_ms[0]) / max(extra_ms, 1e-9):.1f}x ours)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
