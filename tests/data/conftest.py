"""Fixtures for the update tests: recorded publisher responses, never the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from migdip.data.publishers import unhcr

RECORDED = Path(__file__).resolve().parent / "recorded"


@pytest.fixture(autouse=True)
def _recorded_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recordings ask UNHCR for years up to 2026: so do the fetchers under test."""
    monkeypatch.setattr(unhcr, "this_year", lambda: 2026)


@pytest.fixture(scope="session")
def release() -> Path:
    """The recorded newer release of every dataset (built from the bundled data on first use)."""
    from tests.data.recorded.build import ensure_release

    return ensure_release()
