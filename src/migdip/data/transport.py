"""HTTP for dataset updates: one small interface, the standard library behind it.

A :class:`Transport` downloads one URL into a file. :class:`UrllibTransport` is the real one
(``urllib.request``); tests substitute :class:`RecordedTransport`, which answers from recorded
responses in a folder (``index.json`` maps each URL to a body file, a status, a content type and,
optionally, the length the server announced). Every failure is an :class:`InputError` naming the
URL and what was expected: :class:`Offline` when the host cannot be reached at all,
:class:`DownloadError` for an HTTP error, an HTML page where data were expected, or a body
shorter than announced (a truncated download).
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from migdip import __version__
from migdip.errors import InputError

Progress = Callable[[int, int | None], None]  # bytes so far, bytes announced (None: unknown)
CHUNK = 1 << 16
TIMEOUT_SECONDS = 60.0


class DownloadError(InputError):
    """A download failed or did not bring what was expected; nothing was replaced."""


class Offline(DownloadError):
    """The publisher's host could not be reached (no network, DNS, refused connection)."""


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    content_type: str
    path: Path
    size: int


class Transport(Protocol):
    def get(
        self, url: str, target: Path, progress: Progress | None = None, html: bool = False
    ) -> Response:
        """Download ``url`` into ``target``; raise DownloadError (or Offline) on failure.

        ``html`` is true for the one kind of request that expects a web page (a landing page
        to find a file's current address on); otherwise an HTML answer is an error."""
        ...


def _looks_like_html(path: Path, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    with path.open("rb") as fh:
        head = fh.read(512).lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def finish(
    url: str,
    status: int,
    content_type: str,
    path: Path,
    announced: int | None,
    html: bool = False,
) -> Response:
    """Checks every transport applies once the body is on disk."""
    size = path.stat().st_size
    if status >= 400:
        raise DownloadError(f"{url}: the server answered HTTP {status}; expected the data file")
    if announced is not None and size < announced:
        raise DownloadError(
            f"{url}: the download is truncated ({size:,} of {announced:,} bytes arrived); "
            "try again later"
        )
    if size == 0:
        raise DownloadError(f"{url}: the server sent an empty body; expected the data file")
    if not html and _looks_like_html(path, content_type):
        raise DownloadError(
            f"{url}: the server sent an HTML page (content type {content_type or 'unknown'!r}), "
            "not data; the service may be down or its address may have moved"
        )
    return Response(url, status, content_type, path, size)


class UrllibTransport:
    """Downloads through ``urllib.request`` with a timeout, streaming to disk."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout

    def get(
        self, url: str, target: Path, progress: Progress | None = None, html: bool = False
    ) -> Response:
        request = urllib.request.Request(
            url, headers={"User-Agent": f"migdip/{__version__} (dataset update)"}
        )
        host = urlsplit(url).hostname or url
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status = int(answer.status)
                content_type = str(answer.headers.get("Content-Type") or "")
                length = answer.headers.get("Content-Length")
                announced = int(length) if length and length.isdigit() else None
                done = 0
                with target.open("wb") as fh:
                    while chunk := answer.read(CHUNK):
                        fh.write(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(done, announced)
        except urllib.error.HTTPError as exc:
            raise DownloadError(
                f"{url}: the server answered HTTP {exc.code} ({exc.reason}); expected the data file"
            ) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise DownloadError(f"{url}: no answer within {self.timeout:.0f} s") from None
            raise Offline(
                f"no network: cannot reach {host} ({reason}); the current data are kept"
            ) from None
        except TimeoutError:
            raise DownloadError(f"{url}: no answer within {self.timeout:.0f} s") from None
        except OSError as exc:  # the connection dropped mid-body (IncompleteRead is one)
            raise DownloadError(f"{url}: the download broke off ({exc}); try again") from None
        return finish(url, status, content_type, target, announced, html)


class RecordedTransport:
    """Answers from recorded responses: ``folder/index.json`` maps URL -> response.

    Each entry is ``{"body": "file name in folder", "status": 200, "content_type": "...",
    "announced": <bytes, optional>}``; ``"offline": true`` simulates an unreachable host. A URL
    not in the index is answered as an unreachable host too, so a test can never reach the
    network by accident.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        index = folder / "index.json"
        self.index: dict[str, dict[str, object]] = json.loads(index.read_text(encoding="utf-8"))
        self.requested: list[str] = []

    def get(
        self, url: str, target: Path, progress: Progress | None = None, html: bool = False
    ) -> Response:
        self.requested.append(url)
        entry = self.index.get(url)
        host = urlsplit(url).hostname or url
        if entry is None or entry.get("offline"):
            raise Offline(f"no network: cannot reach {host} (recorded); the current data are kept")
        body = self.folder / str(entry["body"])
        shutil.copyfile(body, target)
        size = os.path.getsize(target)
        if progress is not None:
            progress(size, size)
        announced = entry.get("announced")
        return finish(
            url,
            int(str(entry.get("status", 200))),
            str(entry.get("content_type", "application/octet-stream")),
            target,
            int(str(announced)) if announced is not None else None,
            html,
        )
