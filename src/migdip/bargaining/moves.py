"""What would move a predicted agreement: the same negotiation re-solved under one change.

Changes tried: the partner's credible threat to release people (or, if it already threatens,
none); the destination's threat of visa sanctions (the stick); each issue taken off the table;
the destination's cost per arrival halved and doubled (its valuation of prevention, the most
uncertain parameter). Each row says whether a deal is still reached, how the transfer moves
and which terms change.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from migdip.bargaining.model import BargainParams, Terms, build, solve


def _changes(terms: Terms, p: BargainParams) -> list[tuple[str, Terms, BargainParams]]:
    out: list[tuple[str, Terms, BargainParams]] = []
    if terms.threat * terms.credibility > 0:
        out.append(("the partner drops its threat", replace(terms, threat=0, credibility=0), p))
    else:
        out.append(
            (
                "the partner credibly threatens to release 30% of the people it hosts",
                replace(terms, threat=0.3, credibility=0.8),
                p,
            )
        )
    if terms.sanction == 0:
        out.append(
            (
                "the destination threatens to withhold visas (sanctions)",
                replace(terms, sanction=1.0),
                p,
            )
        )
    for issue in terms.issues:
        if len(terms.issues) > 1:
            rest = tuple(i for i in terms.issues if i != issue)
            out.append((f"{issue} is taken off the table", replace(terms, issues=rest), p))
    for factor, word in ((0.5, "halved"), (2.0, "doubled")):
        q = replace(p, cost_per_arrival_eur=p.cost_per_arrival_eur * factor)
        out.append((f"the destination's cost per arrival is {word}", terms, q))
    return out


def what_moves(
    con: duckdb.DuckDBPyConnection,
    base: dict[str, Any],
    p: BargainParams,
    terms: Terms,
    prevented: NDArray[np.float64] | None,
) -> list[dict[str, Any]]:
    known = (base["inputs"], base["sources"])
    rows = []
    for label, t, q in _changes(terms, p):
        r = solve(
            build(
                con,
                base["destination"],
                base["partner"],
                base["year"],
                q,
                prevented=prevented,
                terms=t,
                known=known,
            )
        )
        row: dict[str, Any] = {"change": label, "agreement": r["agreement"]}
        if r["agreement"]:
            row["money_eur"] = r["package"]["money_eur"]
            row["got"] = r["got"]
        if r["agreement"] and base["agreement"]:
            row["money_change_eur"] = r["package"]["money_eur"] - base["package"]["money_eur"]
            row["terms_changed"] = {
                k: [base["package"][k], v]
                for k, v in r["package"].items()
                if k != "money_eur" and v != base["package"][k]
            }
        rows.append(row)
    return rows
