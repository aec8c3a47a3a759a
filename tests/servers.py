"""Server processes for the tests: a command on a free loopback port, ready when
its ``/healthz`` answers 200, stopped when the block ends however it ends."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

STARTUP_SECONDS = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(base: str) -> bool:
    return httpx.get(f"{base}/healthz", timeout=2).status_code == 200


@contextmanager
def running_server(
    command: list[str],
    *,
    env: dict[str, str] | None = None,
    log: Path,
    cwd: Path | None = None,
    ready: Callable[[str], bool] = _healthy,
) -> Iterator[str]:
    """Run ``command --port <free port>`` (its output appended to ``log``) and
    yield its base URL once ``ready`` (default: ``/healthz`` answers 200);
    raise with the log's tail if it never is."""
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own commands
            [*command, "--port", str(port)],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if ready(base):
                    break
            except Exception:  # noqa: S110 - not up yet
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
