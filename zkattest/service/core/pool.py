"""A bounded pool for CPU-bound work, so that the event loop keeps answering.

Verifying a presentation costs tens of milliseconds of CPU. Run on the event
loop, a flood of bogus presentations delays every other request of the process,
``/healthz`` included. :class:`BoundedPool` runs such work on a few threads and
admits at most ``concurrency + queue`` calls at once; one more is refused at
once with :class:`PoolFull` (the service answers 503 with ``Retry-After``)
instead of queueing without limit.

The pairing and multi-scalar arithmetic runs in native code (arkworks through
PyO3; the py-ecc fallback is pure Python); Python's interpreter lock still
serialises the Python parts, but the event loop gets the lock back at least
every switch interval (5 ms), so light requests keep their latency under load.

The counter is touched only from the event loop's thread, so it needs no lock.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from zkattest.errors import ZkAttestError

__all__ = ["BoundedPool", "PoolFull"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


class PoolFull(ZkAttestError):  # noqa: N818 (names the condition, like its problem type)
    """Every slot and queue place is taken; try again shortly."""


class BoundedPool:
    """``concurrency`` worker threads and at most ``queue`` calls waiting for one."""

    def __init__(self, concurrency: int, queue: int, *, name: str = "zkattest-verify") -> None:
        if type(concurrency) is not int or concurrency < 1:
            raise ValueError("concurrency must be a positive integer")
        if type(queue) is not int or queue < 0:
            raise ValueError("queue must be a non-negative integer")
        self._limit = concurrency + queue
        self._admitted = 0
        self._executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=name)

    @property
    def admitted(self) -> int:
        """Calls running or waiting now."""
        return self._admitted

    async def run(self, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """``fn(*args, **kwargs)`` on a worker thread (with the caller's context
        variables, e.g. the request id for logs); :class:`PoolFull` at once if
        the pool is full."""
        if self._admitted >= self._limit:
            raise PoolFull("every verification slot is busy")
        self._admitted += 1
        try:
            context = contextvars.copy_context()
            call = functools.partial(context.run, fn, *args, **kwargs)
            return await asyncio.get_running_loop().run_in_executor(self._executor, call)
        finally:
            self._admitted -= 1

    def shutdown(self) -> None:
        """Stop the threads once the calls running now end."""
        self._executor.shutdown(wait=True, cancel_futures=True)
