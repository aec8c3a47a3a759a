"""Request limits: a body-size cap, a body deadline and a per-client token bucket.

All are ASGI-level so an oversized, too slow or over-rate request is answered
(413 / 408 / 429 problem+json) before any parsing or curve arithmetic. The
body deadline complements the server's request-head deadline
(:mod:`zkattest.service.core.connections`): a client that sends its head and
then trickles its body does not hold a connection slot for longer. The rate
limit is per process; behind a load balancer each process enforces its own
share.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zkattest.service.problems import problem_response

__all__ = ["BodySizeLimit", "RateLimit", "RateLimiter", "client_key"]


class BodySizeLimit:
    """Refuse bodies larger than ``max_bytes`` (by Content-Length or as they
    stream), and bodies not complete ``timeout_seconds`` after the app first
    asked for them (408)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        timeout_seconds: float = 30.0,
        paths: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.timeout_seconds = timeout_seconds
        #: Larger limits for named paths (a registry state of 1,000 removals is ~170 KB).
        self.paths = dict(paths or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = max(self.default_max_bytes, self.paths.get(scope.get("path", ""), 0))
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                if not value.isdigit():
                    await problem_response("malformed-request", "bad Content-Length")(
                        scope, receive, send
                    )
                    return
                if int(value) > max_bytes:
                    await problem_response("payload-too-large")(scope, receive, send)
                    return
        received = 0
        answered = False  # a 413 or 408 went out; whatever the app sends afterwards is dropped
        complete = False  # the whole body is in: later receives wait for a disconnect
        deadline: float | None = None
        loop = asyncio.get_running_loop()

        async def refuse(slug: str) -> Message:
            nonlocal answered
            answered = True
            await problem_response(slug)(scope, receive, send)
            return {"type": "http.disconnect"}

        async def limited_receive() -> Message:
            nonlocal received, complete, deadline
            if answered:
                return {"type": "http.disconnect"}
            if complete:
                return await receive()
            if deadline is None:
                deadline = loop.time() + self.timeout_seconds
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                return await refuse("request-timeout")
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    return await refuse("payload-too-large")
                complete = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            if not answered:
                await send(message)

        await self.app(scope, limited_receive, guarded_send)


class RateLimiter:
    """Token buckets per client key: ``per_minute`` requests, bursting to the same."""

    def __init__(self, per_minute: int, *, max_clients: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def waiting(self, key: str) -> float:
        """The seconds ``key`` must wait before its next request, without taking
        a token (0 if it may go ahead)."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def acquire(self, key: str) -> float:
        """0 if the request may proceed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait


def client_key(scope: Scope) -> str:
    """The key a client is limited by: its address as the server saw it, an IPv6
    address by its /64 (one end site holds a whole /64, so a single client could
    otherwise take a fresh address, and a fresh bucket, for each request); an
    IPv4 client on a dual-stack socket by its IPv4 address. Forwarding headers
    count only where the server was told to trust the proxy (``ZKATTEST_TRUSTED_PROXIES``)."""
    client = scope.get("client")
    if not client:
        return "unknown"
    host = str(client[0])
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host  # not an IP address (a Unix socket, a test client's name)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class RateLimit:
    """Apply a :class:`RateLimiter` to POSTs on the listed paths, keyed by client address."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, paths: tuple[str, ...]) -> None:
        self.app = app
        self.limiter = limiter
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in self.paths:
            wait = self.limiter.acquire(client_key(scope))
            if wait > 0:
                headers = {"Retry-After": str(math.ceil(wait))}
                await problem_response("rate-limited", headers=headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)
