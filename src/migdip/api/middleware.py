"""ASGI middleware: a limit on request bodies, and a cache of successful reads.

The cache keeps the bytes of successful GET responses under ``/api/`` (jobs excepted: they
change) keyed by path and query, least recently used first out; any successful write clears it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from migdip.api.envelope import error

Cached = tuple[int, list[tuple[bytes, bytes]], bytes]
NOT_CACHED = ("/api/v1/jobs", "/api/v1/health")
MAX_CACHED_BODY = 4_000_000


class ResponseCache:
    def __init__(self, app: ASGIApp, entries: int = 2048) -> None:
        self.app, self.entries = app, entries
        self._store: OrderedDict[bytes, Cached] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._store.clear()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if scope["method"] != "GET":
            await self._write(scope, receive, send)
            return
        if not path.startswith("/api/") or path.startswith(NOT_CACHED):
            await self.app(scope, receive, send)
            return
        key = path.encode() + b"?" + scope.get("query_string", b"")
        with self._lock:
            hit = self._store.get(key)
            if hit is not None:
                self._store.move_to_end(key)
        if hit is not None:
            status, headers, body = hit
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [*headers, (b"x-cache", b"hit")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self._fill(key, scope, receive, send)

    async def _fill(self, key: bytes, scope: Scope, receive: Receive, send: Send) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"x-cache", b"miss")]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    body = b"".join(chunks)
                    if len(body) <= MAX_CACHED_BODY:
                        with self._lock:
                            self._store[key] = (200, list(start.get("headers", [])), body)
                            while len(self._store) > self.entries:
                                self._store.popitem(last=False)
            await send(message)

        await self.app(scope, receive, capture)

    async def _write(self, scope: Scope, receive: Receive, send: Send) -> None:
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, watch)
        if status and status[0] < 400:
            self.clear()


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes (413, error envelope)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error(
            413,
            "too_large",
            f"the request body is larger than {self.limit:,} bytes; accepted: at most "
            f"{self.limit:,}",
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
