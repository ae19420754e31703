"""ASGI middleware: a limit on request bodies, and a cache of successful reads.

The cache keeps the bytes of successful GET responses under ``/api/`` (jobs excepted: they
change), bounded in entries and in bytes, least recently used first out. It is keyed by the
warehouse generation, the path and the query parameters the operation declares (sorted; unknown
parameters, which FastAPI ignores, cannot make new entries); any successful write clears it, and
a write by another process changes the generation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from migdip.api.deps import query_names
from migdip.api.envelope import error

Cached = tuple[int, list[tuple[bytes, bytes]], bytes]
NOT_CACHED = ("/api/v1/jobs", "/api/v1/health", "/api/v1/atlas/audit")  # change, or need a token
MAX_CACHED_BODY = 4_000_000


class ResponseCache:
    def __init__(self, app: ASGIApp, entries: int = 2048, max_bytes: int = 64_000_000) -> None:
        self.app, self.entries, self.max_bytes = app, entries, max_bytes
        self._store: OrderedDict[bytes, Cached] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._store)

    def clear(self) -> None:
        with self._lock:
            self._store.clear()
            self._bytes = 0

    def _key(self, scope: Scope) -> bytes | None:
        """Generation, path and declared parameters; None for paths no operation serves."""
        app = scope["app"]
        names = query_names(app, scope["path"])
        if names is None:
            return None
        query = scope.get("query_string", b"").decode("latin-1")
        params = sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k in names)
        generation = app.state.migdip.warehouse.generation() or ""
        return f"{generation}|{scope['path']}?{urlencode(params)}".encode()

    @staticmethod
    def _weight(key: bytes, entry: Cached) -> int:
        return len(key) + len(entry[2]) + sum(len(a) + len(b) for a, b in entry[1])

    def _put(self, key: bytes, entry: Cached) -> None:
        with self._lock:
            old = self._store.pop(key, None)
            if old is not None:
                self._bytes -= self._weight(key, old)
            self._store[key] = entry
            self._bytes += self._weight(key, entry)
            while self._store and (len(self._store) > self.entries or self._bytes > self.max_bytes):
                k, v = self._store.popitem(last=False)
                self._bytes -= self._weight(k, v)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if scope["method"] != "GET":
            await self._write(scope, receive, send)
            return
        with_token = any(k == b"authorization" for k, _ in scope.get("headers", []))
        if not path.startswith("/api/") or path.startswith(NOT_CACHED) or with_token:
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
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
                        self._put(key, (200, list(start.get("headers", [])), body))
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
        if declared is not None:
            await self.app(scope, receive, send)  # within the limit, as declared
            return
        # A body of unknown length (chunked): read it first, within the limit, then replay it,
        # so an oversized one gets 413 before the application sees any of it.
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error(
            413,
            "too_large",
            f"the request body is larger than {self.limit:,} bytes; accepted: at most "
            f"{self.limit:,}",
        )
        await response(scope, receive, send)
