"""A Content-Security-Policy for the API documentation pages.

``/docs`` (Swagger UI) and ``/redoc`` load their scripts and styles from the
service itself (fastapi-offline). ReDoc would still fetch Redocly's logo from
its CDN; the policy ``default-src 'self'`` (with the inline script and styles
both pages need, and ``data:``/``blob:`` images) lets the browser load nothing
from another origin, so the pages work, and leak nothing, with no network.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DOCS_CSP", "DocsContentSecurityPolicy"]

DOCS_CSP: Final = b"default-src 'self' 'unsafe-inline' data: blob:"


class DocsContentSecurityPolicy:
    """ASGI middleware adding :data:`DOCS_CSP` to the answers on ``paths``."""

    def __init__(self, app: ASGIApp, paths: tuple[str, ...]) -> None:
        self.app = app
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"content-security-policy", DOCS_CSP)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_policy)
