"""bench/flood_bench.py runs end to end (``--quick``, tiny numbers) and prints what
bench/README.md says it prints. Timings are not checked: only that they are there."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs the benchmark script: server and client processes

ROOT = Path(__file__).resolve().parents[2]


def test_flood_bench_quick_run_prints_its_table(tmp_path: Path) -> None:
    out = tmp_path / "flood.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZKATTEST_", "PROMETHEUS_"))}
    done = subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            str(ROOT / "bench" / "flood_bench.py"),
            "--quick",
            "--idle",
            "1",
            "--flood",
            "1",
            "--clients",
            "2",
            "--honest-interval",
            "250",
            "--prove-processes",
            "2",
            "--json",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("flood benchmark: accredited_investor_506c, 1 worker(s), 2 flood")
    assert lines[1].startswith("probes: GET /healthz every 50 ms and an honest admission every 250")
    assert re.fullmatch(
        r"flood body: .* refused in [\d.]+ ms in this process \(an honest verify: [\d.]+ ms\)",
        lines[2],
    )
    assert re.search(
        r"^round +healthz p99 idle +flood +ratio +admission p99 idle", done.stdout, re.M
    )
    assert re.search(r"^1 +[\d.]+ +[\d.]+ +[\d.]+x +[\d.]+ +[\d.]+ +[\d.]+x$", done.stdout, re.M)
    for row in ("GET /healthz p50 ms", "GET /healthz p99 ms", "honest admission p99 ms"):
        assert re.search(rf"^{row} +[\d.]+ +[\d.]+ +[\d.]+x$", done.stdout, re.M), row
    assert re.search(r"^honest admissions, idle: 201: \d+$", done.stdout, re.M)
    assert re.search(r"^honest admissions, flood: .*\d", done.stdout, re.M)
    flood = re.search(r"^flood answers \(2 clients, .*\): (.*)$", done.stdout, re.M)
    assert flood, done.stdout
    # bogus presentations are refused (403), or turned away when the service is full
    assert re.search(r"\b(403|429|503): \d+", flood.group(1)), flood.group(1)
    assert "201" not in flood.group(1)
    result = json.loads(out.read_text())
    assert len(result["rounds"]) == 1
    assert result["rounds"][0]["flood"]["healthz"]["requests"] > 0
