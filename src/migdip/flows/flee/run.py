"""`migdip sim flee`: run a Flee-format case, score it, write out.csv, plots and a summary."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from migdip.atomic import write_text
from migdip.flows.engine.core import Params
from migdip.flows.flee.model import FLEE_PARAMS, run_case
from migdip.flows.flee.plots import camp_plots
from migdip.flows.flee.reader import read_case
from migdip.flows.flee.scoring import score, write_out_csv


def evaluate_case(
    case_dir: Path,
    out_dir: Path | None = None,
    settings: Path | None = None,
    seed: int | None = None,
    params: Params = FLEE_PARAMS,
    plots: bool = True,
    strict: bool = False,
) -> dict[str, Any]:
    """Run and score a case; write out.csv, one plot per camp and summary.json to out_dir.
    ``strict`` refuses the quirks Flee accepts (see ``read_case``); otherwise they are done as
    Flee does and listed in the summary's ``warnings``."""
    case_dir = Path(case_dir)
    if settings is None:
        for candidate in (case_dir / "simsetting.yml", case_dir.parent / "simsetting.yml"):
            if candidate.is_file():
                settings = candidate
                break
    case = read_case(case_dir, settings, strict=strict)
    start = time.perf_counter()
    sim, result, _ = run_case(case, params, seed)
    seconds = time.perf_counter() - start
    scores = score(case, sim)
    summary: dict[str, Any] = {
        "case": case.name,
        "days": case.length,
        "seconds": seconds,
        "seed": seed,
        "params": {k: v for k, v in params.__dict__.items()},
        "scores": scores.as_dict(),
        "total_simulated_final": float(result.total()[-1]),
        "warnings": list(case.warnings),
    }
    if out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        write_out_csv(case, sim, result.total(), out_dir / "out.csv")
        if plots:
            files = camp_plots(
                case.camps, case.start, sim, case.camp_data, out_dir / "plots", case.name
            )
            summary["plots"] = [str(f) for f in files]
        summary["out_csv"] = str(out_dir / "out.csv")
        write_text(out_dir / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")
    return summary
