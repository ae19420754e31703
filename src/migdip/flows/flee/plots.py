"""Figures: simulated against registered counts per camp (PNG and SVG)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from migdip.atomic import atomic_path


def camp_plots(
    camps: tuple[str, ...],
    start: dt.date,
    sim: NDArray[np.float64],
    data: NDArray[np.float64],
    folder: Path,
    title: str,
    formats: tuple[str, ...] = ("png",),
) -> list[Path]:
    """One figure per camp, simulated and registered counts over time; returns the files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = np.datetime64(start.isoformat()) + np.arange(sim.shape[0]).astype("timedelta64[D]")
    written = []
    for k, camp in enumerate(camps):
        fig, ax = plt.subplots(figsize=(7, 3.6), dpi=100)
        ax.plot(days, data[:, k], label="UNHCR registered (interpolated)", color="#333333")
        ax.plot(days, sim[:, k], label="migdip simulation", color="#c0392b")
        ax.set_title(f"{title}: {camp}")
        ax.set_ylabel("people in camp")
        ax.legend(loc="upper left", frameon=False)
        fig.autofmt_xdate()
        fig.tight_layout()
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in camp)
        for fmt in formats:
            target = folder / f"{safe}.{fmt}"
            with atomic_path(target) as tmp:
                fig.savefig(tmp, format=fmt)
            written.append(target)
        plt.close(fig)
    return written
