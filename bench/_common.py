"""Helpers the benchmark scripts share: timing, argument types, table printing, peers."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def median_ms(op: Callable[[], object], warmup: int, iterations: int) -> float:
    """Median of ``iterations`` timed calls of ``op`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        op()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        op()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000.0


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def error_summary(stderr: str) -> str:
    """The first two lines of ``stderr`` that mention an error, else its last line."""
    errors = [
        line.strip()
        for line in stderr.splitlines()
        if "error" in line.lower() and line.strip().lower() not in ("error", "npm error")
    ]
    return "; ".join(errors[:2]) if errors else last_line(stderr)


def fmt_ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def fmt_ratio(num: float | None, den: float | None) -> str:
    return "n/a" if num is None or not den else f"{num / den:.1f}x"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]
    line = "  ".join(f"{{:<{widths[0]}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    print(line.format(*headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))


def node_version() -> str:
    try:
        proc = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return proc.stdout.strip() or "unknown"


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


# -- paired timing: two operations in alternation, in rounds -----------------------------


def paired_ms(bound: Any, unbound: Any, iterations: int) -> tuple[float, float]:
    """Medians (ms) of ``bound`` and ``unbound`` timed in alternation, one call
    of each in turn (which goes first alternating too), so that both see the
    same machine: on a noisy one their ratio is steadier than either."""
    samples: dict[Any, list[float]] = {bound: [], unbound: []}
    for k in range(iterations):
        for op in (bound, unbound) if k % 2 else (unbound, bound):
            start = time.perf_counter()
            op()
            samples[op].append(time.perf_counter() - start)
    return (
        statistics.median(samples[bound]) * 1000.0,
        statistics.median(samples[unbound]) * 1000.0,
    )


def print_rounds(rounds: Mapping[str, list[float]]) -> None:
    """Per operation, the median of the rounds' medians and their range."""
    rows = [
        [op, fmt_ms(statistics.median(values)), f"{fmt_ms(min(values))} - {fmt_ms(max(values))}"]
        for op, values in rounds.items()
    ]
    print_table(["operation", "median ms", "rounds' range"], rows)


def ratio_spread(ratios: Sequence[float]) -> tuple[float, float, float]:
    """The median of the rounds' ratios, and their least and greatest."""
    return statistics.median(ratios), min(ratios), max(ratios)
