"""``zkattest serve``: the verifier service under uvicorn, ready for several workers.

What it does beyond ``uvicorn --factory zkattest.service.app:create_app``:

- checks every setting before starting (one line per bad variable, exit 2);
- with ``--workers`` above 1, points prometheus_client's multiprocess mode at
  a fresh private directory (``PROMETHEUS_MULTIPROC_DIR``) so that ``/metrics``
  sums all workers and its counters never go backwards, and removes the
  directory at exit; an operator's own ``PROMETHEUS_MULTIPROC_DIR`` is used
  instead, cleared of old value files first;
- hands uvicorn the service's logging configuration, so the supervisor's lines
  look like the workers'.

This module must not import prometheus_client: it picks its value store when
first imported, which has to happen after the variable is set.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Final

from zkattest.errors import InvalidInputError
from zkattest.service.core.logs import logging_config

__all__ = ["MULTIPROCESS_ENV", "serve"]

#: prometheus_client's variable: the directory the worker processes share.
MULTIPROCESS_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"


def serve(host: str, port: int, workers: int) -> None:
    """Run the service until interrupted."""
    import uvicorn

    from zkattest.service.app import settings_from_environment

    if not 0 < port < 65536:
        raise InvalidInputError(f"--port must be 1-65535, got {port}")
    if not 0 < workers <= 64:
        raise InvalidInputError(f"--workers must be 1-64, got {workers}")
    settings = settings_from_environment()  # exits 2 with the reasons if unusable
    private_dir: Path | None = None
    if workers > 1:
        shared = os.environ.get(MULTIPROCESS_ENV)
        if shared:
            directory = Path(shared)
            if not directory.is_dir():
                raise InvalidInputError(f"{MULTIPROCESS_ENV}={shared}: not a directory")
            for stale in directory.glob("*.db"):  # values of an earlier run
                stale.unlink(missing_ok=True)
        else:
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
            access_log=False,  # zkattest.access logs each request, with its id
        )
    finally:
        if private_dir is not None:
            os.environ.pop(MULTIPROCESS_ENV, None)
            shutil.rmtree(private_dir, ignore_errors=True)
