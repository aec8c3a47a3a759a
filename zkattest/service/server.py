"""``zkattest serve``: the verifier service under uvicorn, ready for several workers.

What it does beyond ``uvicorn --factory zkattest.service.app:create_app``:

- checks every setting, the database, the receipt keys and that it can
  listen, before starting (one line per problem, exit 2);
- with ``--workers`` above 1, points prometheus_client's multiprocess mode at
  a fresh private directory (``PROMETHEUS_MULTIPROC_DIR``) so that ``/metrics``
  sums all workers and its counters never go backwards, and removes the
  directory at exit; an operator's own ``PROMETHEUS_MULTIPROC_DIR`` is used
  instead (with any number of workers), cleared of prometheus_client's old
  value files first;
- hands uvicorn the service's logging configuration, so the supervisor's lines
  look like the workers';
- bounds what a worker spends on connections: the size of a request head, the
  time it may take to arrive, the connections and requests held at once, the
  keep-alive and shut-down waits (:mod:`zkattest.service.core.connections`).

prometheus_client picks its value store when first imported, from the
variable: uvicorn's workers are fresh processes that import it after
:func:`serve` has set it.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Final

from zkattest.errors import InvalidInputError
from zkattest.service.core.connections import (
    GRACEFUL_SHUTDOWN_SECONDS,
    HEADER_TIMEOUT_SECONDS,
    KEEP_ALIVE_SECONDS,
    MAX_CONCURRENCY,
    MAX_HEADER_BYTES,
    HeaderTimeoutH11Protocol,
)
from zkattest.service.core.logs import logging_config

__all__ = ["MULTIPROCESS_ENV", "clear_metrics_dir", "serve"]

#: prometheus_client's variable: the directory the worker processes share.
MULTIPROCESS_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
# prometheus_client's value files: counter_123.db, gauge_livesum_123.db, ...
_METRICS_FILE: Final = re.compile(r"(counter|histogram|summary|gauge_[a-z]+)_\d+\.db")


def serve(
    host: str,
    port: int,
    workers: int,
    *,
    header_timeout: float = HEADER_TIMEOUT_SECONDS,
    max_header_bytes: int = MAX_HEADER_BYTES,
    max_concurrency: int = MAX_CONCURRENCY,
    keep_alive_timeout: int = KEEP_ALIVE_SECONDS,
    graceful_shutdown_timeout: int = GRACEFUL_SHUTDOWN_SECONDS,
) -> None:
    """Run the service until interrupted.

    The keyword arguments are the connection limits of
    :mod:`zkattest.service.core.connections`, each per worker; tests shorten them.
    """
    import uvicorn

    # Reads and checks the settings, the database and the receipt keys; exits 2
    # with one line per problem. (Importing the app here is harmless for the
    # metrics: uvicorn starts its workers as fresh processes.)
    from zkattest.service.app import settings_from_environment

    if not 0 < port < 65536:
        raise InvalidInputError(f"--port must be 1-65535, got {port}")
    if not 0 < workers <= 64:
        raise InvalidInputError(f"--workers must be 1-64, got {workers}")
    _check_can_listen(host, port)
    settings = settings_from_environment()
    private_dir: Path | None = None
    shared = os.environ.get(MULTIPROCESS_ENV)
    if shared:
        clear_metrics_dir(Path(shared))
    elif workers > 1:
        private_dir = Path(tempfile.mkdtemp(prefix="zkattest-metrics-"))
        os.environ[MULTIPROCESS_ENV] = str(private_dir)
    try:
        uvicorn.run(
            "zkattest.service.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=logging_config(settings.log_level, settings.log_format),
            # uvicorn would believe X-Forwarded-For from 127.0.0.1 by default:
            # only the configured proxies may say who the client is.
            proxy_headers=bool(settings.trusted_proxies),
            forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
            access_log=False,  # zkattest.access logs each request, with its id
            # h11 (not httptools, uvicorn's choice when installed) caps the request
            # head; the subclass adds a deadline for it. uvicorn calls the partial
            # as it would the class (its type says class, hence the ignore).
            http=functools.partial(  # type: ignore[arg-type]
                HeaderTimeoutH11Protocol, header_timeout=header_timeout
            ),
            h11_max_incomplete_event_size=max_header_bytes,
            limit_concurrency=max_concurrency,
            timeout_keep_alive=keep_alive_timeout,
            timeout_graceful_shutdown=graceful_shutdown_timeout,
            # backlog stays uvicorn's 2048 (the kernel caps it at somaxconn): a
            # worker accepts whatever is queued each time round its loop, so the
            # queue stays short, and the limits above apply once accepted.
        )
    finally:
        if private_dir is not None:
            os.environ.pop(MULTIPROCESS_ENV, None)
            shutil.rmtree(private_dir, ignore_errors=True)


def clear_metrics_dir(directory: Path) -> None:
    """Check an operator's ``PROMETHEUS_MULTIPROC_DIR`` and remove the values an
    earlier run left there (prometheus_client's advice). Only prometheus_client's
    own files (``counter_<pid>.db``, ``histogram_...``, ``gauge_<mode>_...``,
    ``summary_...``) are removed; anything else in the directory is left."""
    if not directory.is_dir():
        raise InvalidInputError(f"{MULTIPROCESS_ENV}={directory}: not a directory")
    for file in directory.iterdir():
        if _METRICS_FILE.fullmatch(file.name) and file.is_file():
            file.unlink(missing_ok=True)


def _check_can_listen(host: str, port: int) -> None:
    """Refuse early, in one line, a host that does not resolve or a port in use."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InvalidInputError(f"--host {host}: cannot resolve it ({exc})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise InvalidInputError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}"
            ) from None
