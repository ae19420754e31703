"""What every publisher's fetcher shares: the result type, JSON pages, CSV output, code look-ups."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from migdip.data.transport import DownloadError, Progress, Transport

# The progress of one dataset's downloads: (dataset, url, bytes so far, bytes announced).
Reporter = Callable[[str, str, int, int | None], None]


@dataclass(frozen=True)
class Fetched:
    """A newer release on disk, converted to a format the dataset's ingest accepts."""

    dataset: str
    path: Path
    release: str
    source_url: str
    retrieved_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """What a fetcher is given: the transport, a private work folder and a progress reporter."""

    dataset: str
    transport: Transport
    workdir: Path
    report: Reporter | None = None

    def get(self, url: str, name: str, html: bool = False) -> Path:
        target = self.workdir / name
        progress: Progress | None = None
        if self.report is not None:
            report, dataset = self.report, self.dataset

            def progress(done: int, total: int | None) -> None:
                report(dataset, url, done, total)

        self.transport.get(url, target, progress, html)
        return target


def read_json(path: Path, url: str, expected: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DownloadError(
            f"{url}: the answer is not valid JSON ({exc}); expected {expected}; is the download "
            "truncated?"
        ) from None


def write_csv_gz(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows as a gzipped CSV (the bundled files' form); return how many were written."""
    n = 0
    with (
        path.open("wb") as raw,
        gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0
        ) as packed,  # same bytes: same sha
        io.TextIOWrapper(packed, encoding="utf-8", newline="") as fh,
    ):
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            n += 1
    return n


def layout_error(url: str, dataset: str, found: Iterable[str], expected: str) -> DownloadError:
    shown = ", ".join(list(found)[:12])
    return DownloadError(
        f"{url}: the layout of the {dataset} download has changed: found {shown or 'nothing'}; "
        f"expected {expected}. Nothing was replaced; report it, or ingest a file by hand with "
        f"`migdip data ingest {dataset} FILE`"
    )


def this_year() -> int:
    return datetime.now(UTC).year


@contextmanager
def workbook_rows(
    path: Path, url: str, dataset: str, sheet: str
) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The rows (values) of one sheet of a downloaded workbook, closed after use; a file that
    is not a workbook, or lacks the sheet, is a DownloadError naming the URL."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise DownloadError(f"{url}: not an Excel workbook ({type(exc).__name__})") from None
    try:
        if sheet not in book.sheetnames:
            raise layout_error(url, dataset, book.sheetnames, f"a sheet named {sheet!r}")
        yield book[sheet].iter_rows(values_only=True)
    finally:
        book.close()
