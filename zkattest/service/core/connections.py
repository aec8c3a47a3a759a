"""Connection limits of the service's HTTP server (uvicorn, h11 parser).

uvicorn, as ``uvicorn.run`` leaves it, lets a client hold a connection
open for as long as it likes before finishing a request head, and with
httptools (which it prefers when installed) lets that head grow without
bound: 400 connections that send a few bytes and stall stay open, and a
32 MiB head that never ends costs the worker about 40 MiB. :func:`serve
<zkattest.service.server.serve>` therefore runs uvicorn with

- the h11 parser, which refuses (400) a request line plus headers longer
  than :data:`MAX_HEADER_BYTES` as soon as it has read that much;
- :class:`HeaderTimeoutH11Protocol`, which closes a connection whose request
  head is not complete :data:`HEADER_TIMEOUT_SECONDS` after it opened, or
  after the previous response on it ended (uvicorn has no such timeout:
  its keep-alive timer stops at the first byte of a next request, and a
  new connection has none);
- ``limit_concurrency`` (:data:`MAX_CONCURRENCY`), ``timeout_keep_alive``
  (:data:`KEEP_ALIVE_SECONDS`) and ``timeout_graceful_shutdown``
  (:data:`GRACEFUL_SHUTDOWN_SECONDS`).

Every limit is per worker process. A reverse proxy in front can do more
(connections per client address, a minimum upload rate); these bound what one
process spends on clients that never finish a request.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

__all__ = [
    "GRACEFUL_SHUTDOWN_SECONDS",
    "HEADER_TIMEOUT_SECONDS",
    "KEEP_ALIVE_SECONDS",
    "MAX_CONCURRENCY",
    "MAX_HEADER_BYTES",
    "HeaderTimeoutH11Protocol",
]

MAX_HEADER_BYTES: Final = 16 * 1024
"""Largest request line plus headers, in bytes (uvicorn's
``h11_max_incomplete_event_size``). The service's requests carry a few short
headers (a bearer token, a request id, forwarded-for lines from a proxy);
16 KiB is h11's and Node.js's default and leaves them ample room. A longer head
is answered 400 and the connection closed, after at most one socket read
beyond the limit has been buffered."""

HEADER_TIMEOUT_SECONDS: Final = 10.0
"""Time a connection has to deliver a complete request head, counted from
the moment it opens or the previous response on it ends. An honest client
sends its head in one packet, within milliseconds even over a slow mobile
link; ten seconds leave room for retransmissions while making a slow-header
("slowloris") client reconnect, and lose its place, every ten seconds.
The request body is not timed here: its size is capped by the app
(``ZKATTEST_MAX_BODY_BYTES``)."""

MAX_CONCURRENCY: Final = 256
"""Open connections, or requests in progress, at which a worker answers a
further request 503 and closes its connection (uvicorn's
``limit_concurrency``; either count reaching it will do). At about 11 ms of CPU
per verification, 256 requests are three seconds of one worker's work: a client
further back is better told at once to come back. uvicorn counts every open
connection, idle ones and ones still sending their head included, so a client
that holds this many connections open gets everyone else 503 answers until
:data:`HEADER_TIMEOUT_SECONDS` or :data:`KEEP_ALIVE_SECONDS` closes them; the
limit trades that for a bound on what a worker holds."""

KEEP_ALIVE_SECONDS: Final = 5
"""How long an idle keep-alive connection is kept after a response (uvicorn's
default, stated here so that it is a decision): long enough for a client's
follow-up request, short against :data:`MAX_CONCURRENCY`."""

GRACEFUL_SHUTDOWN_SECONDS: Final = 20
"""At shut-down, how long requests in progress may still finish before they are
cancelled (uvicorn waits for ever by default, so one client that sends its body
slowly could hold a stopping worker until the supervisor kills it). An
admission takes milliseconds; 20 s ends before the usual supervisors give up
(Kubernetes' grace period is 30 s, systemd's stop timeout 90 s)."""


class HeaderTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request head is late.

    A timer runs while the connection waits for a request head: started when
    the connection opens and again when a response ends (the next request on a
    keep-alive connection), stopped when h11 has parsed a whole head. When it
    fires, the transport is closed without an answer, as for uvicorn's
    keep-alive timeout.
    """

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        header_timeout: float = HEADER_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout = header_timeout
        self._header_timer: asyncio.TimerHandle | None = None

    # uvicorn's own signature narrows asyncio.Protocol's (BaseTransport) the same way.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        # uvicorn builds a new scope for each request head h11 parses (including
        # those answered 503 at the concurrency limit, and upgrades).
        scope = self.scope
        super().handle_events()
        if self.scope is not scope:
            self._stop_header_timer()

    def on_response_complete(self) -> None:
        # Started before uvicorn's own handler runs, because that handler goes
        # on to parse a pipelined next request, whose head stops the timer.
        if not self.transport.is_closing():
            self._start_header_timer()
        super().on_response_complete()

    def _start_header_timer(self) -> None:
        self._stop_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_timed_out)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timed_out(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            # Debug only: a client that opens connections and stays silent
            # must not be able to fill the log.
            self.logger.debug("request head not complete in %.1f s; closing", self.header_timeout)
            self.transport.close()
