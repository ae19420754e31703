"""docs/validation.md's section on the estimated bargaining model, and its calibration plot.

Every number is computed here from the evaluation (``migdip.bargaining.evaluate``) and the
estimate (``migdip.bargaining.estimated``); the verdicts are comparisons of those numbers, so
a goal met or missed reads from the table, not from prose written beside it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from migdip.atlas.coverage import GREENHILL
from migdip.atomic import write_text
from migdip.bargaining.estimate import PRIORS
from migdip.bargaining.evaluate import MODELS, Evaluation

TARGET_NAMES = {
    "deal": "deal reached",
    "got_destination": "what the destination got (all/most/some/none)",
    "got_partner": "what the partner got (all/most/some/none)",
    "coercion": "coercion: the challenger's success (all or most / some / none)",
}
PLOT = "img/bargaining-calibration.svg"


def _pct(x: float | None) -> str:
    return "-" if x is None or math.isnan(x) else f"{100 * x:.0f}%"


def _num(x: float) -> str:
    """Three significant figures: an estimate's sixth digit is not known (and two machines'
    floating point differ there)."""
    if math.isnan(x):
        return "-"
    if abs(x) >= 1000:
        return f"{float(f'{x:.3g}'):,.0f}"
    return f"{x:.3g}"


def _params(doc: dict[str, Any]) -> list[str]:
    lines = [
        f"Posterior mode and 90% interval (Laplace approximation, seed 0), estimated on "
        f"{doc['deal_episodes']} episodes with a known deal outcome and {doc['money_episodes']} "
        "with the money promised; prior centres are the stylised values the model used before.",
        "",
        "| parameter | estimate | 90% interval | prior centre |",
        "|---|---|---|---|",
    ]
    for name, centre, _, _ in PRIORS:
        est, lo, hi = doc["params"][name]
        lines.append(f"| {name} | {_num(est)} | {_num(lo)} to {_num(hi)} | {_num(centre)} |")
    return lines


def _beats(ev: Evaluation, target: str, rival: str) -> bool | None:
    s, r = ev.classes[target].get("structural"), ev.classes[target].get(rival)
    if not s or not r:
        return None
    return s["accuracy"] > r["accuracy"] and s["brier"] < r["brier"]


def _design(ev: Evaluation) -> list[str]:
    title = {
        "leave-one-out": "Leave one episode out",
        "temporal": "Temporal split: fitted on episodes before 2014, predicting 2014-2025",
    }[ev.design]
    lines = [
        f"#### {title}",
        "",
        "| prediction | model | episodes | accuracy | balanced accuracy | Brier | log loss |",
        "|---|---|---|---|---|---|---|",
    ]
    for target, name in TARGET_NAMES.items():
        for m in MODELS:
            s = ev.classes[target].get(m)
            if not s:
                continue
            lines.append(
                f"| {name} | {m} | {s['n']:.0f} | {_pct(s['accuracy'])} | "
                f"{_pct(s['balanced_accuracy'])} | {s['brier']:.3f} | {s['log_loss']:.3f} |"
            )
    lines += [
        "",
        "| money promised | model | episodes | Spearman | within a factor of 2 | median error "
        "(factor) |",
        "|---|---|---|---|---|---|",
    ]
    for m in MODELS:
        s = ev.money[m]
        rho = "-" if math.isnan(s["spearman"]) else f"{s['spearman']:.2f}"
        lines.append(
            f"| money | {m} | {s['n']:.0f} | {rho} | {_pct(s['within_factor_2'])} | "
            f"{math.exp(s['median_abs_log_error']):.1f} |"
        )
    verdicts = []
    for target, name in TARGET_NAMES.items():
        vs = {r: _beats(ev, target, r) for r in ("majority", "logistic")}
        if None in vs.values():
            continue
        st = ev.classes[target]["structural"]
        assert st is not None
        if all(vs.values()):
            verdicts.append(f"{name}: beats the majority class and the logistic baseline")
            continue
        gaps = []
        for r, ok in vs.items():
            rv = ev.classes[target][r]
            if not ok and rv:
                gaps.append(
                    f"the {r} baseline (accuracy {_pct(st['accuracy'])} against "
                    f"{_pct(rv['accuracy'])}, Brier {st['brier']:.3f} against {rv['brier']:.3f})"
                )
        verdicts.append(f"{name}: does not beat " + " nor ".join(gaps))
    lines += ["", "Goals (higher accuracy and lower Brier score than the baseline): "]
    lines += [f"- {v}" for v in verdicts]
    shares = ev.coercion_shares
    lines += [
        "",
        "Coercion, out of sample: mean predicted share of episodes in which the challenger "
        f"got all or most of its demands {_pct(shares['structural']['success'])} (recorded "
        f"{_pct(shares['recorded']['success'])}), at least some "
        f"{_pct(shares['structural']['at_least_partial'])} (recorded "
        f"{_pct(shares['recorded']['at_least_partial'])}); Greenhill's published aggregates: "
        f"all or most {GREENHILL['all_or_most_note']}, at least some "
        f"{_pct(float(str(GREENHILL['at_least_some'])))}.",
    ]
    return lines + _greenhill_lines(ev)


def _greenhill_lines(ev: Evaluation) -> list[str]:
    """The structural predictions over Greenhill's own cases, against her aggregates, with the
    sampling error of a share over that many cases (two standard errors)."""
    cases = ev.greenhill_shares
    n = int(cases.get("recorded", {}).get("n", 0))
    if n == 0:
        return []
    st, rec = cases["structural"], cases["recorded"]
    checks = []
    for key, label, published, said in (
        (
            "success",
            "all or most",
            float(str(GREENHILL["all_or_most"])),
            f"{GREENHILL['all_or_most_note']} (taken as 50%)",
        ),
        (
            "at_least_partial",
            "at least some",
            float(str(GREENHILL["at_least_some"])),
            _pct(float(str(GREENHILL["at_least_some"]))),
        ),
    ):
        margin = 2 * math.sqrt(published * (1 - published) / n)
        gap = st[key] - published
        beyond = f"{100 * (abs(gap) - margin):.0f} points beyond"
        verdict = "within" if abs(gap) <= margin else beyond
        checks.append(
            f"{label} {_pct(st[key])} (recorded {_pct(rec[key])}) against {said}, "
            f"{verdict} two standard errors (±{100 * margin:.0f} points)"
        )
    return [
        "",
        f"Greenhill's own population: the {n} of these episodes that are cases of her catalogue "
        "of coercive engineered migration (`coercion.greenhill_case`; no model reads the flag). "
        "Mean predicted share, structural model: " + "; ".join(checks) + ".",
    ]


def calibration_svg(ev: Evaluation) -> str:
    """The structural deal model's calibration: predicted against observed by decile."""
    size, pad = 320, 40
    span = size - 2 * pad

    def xy(p: float, o: float) -> tuple[float, float]:
        return round(pad + p * span, 1), round(size - pad - o * span, 1)

    points = " ".join(f"{x},{y}" for x, y in (xy(p, o) for p, o, _ in ev.calibration))
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="4"><title>predicted {p:.2f}, observed {o:.2f}, '
        f"{n} episodes</title></circle>"
        for (p, o, n), (x, y) in ((c, xy(c[0], c[1])) for c in ev.calibration)
    )
    x0, y0 = xy(0, 0)
    x1, y1 = xy(1, 1)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
        'aria-label="Calibration of the predicted probability of a deal">'
        "<title>Deal reached: predicted probability against observed share "
        f"({ev.design}, deciles)</title>"
        f'<rect x="{pad}" y="{pad}" width="{span}" height="{span}" fill="none" stroke="#999"/>'
        f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#bbb" stroke-dasharray="4 4"/>'
        f'<polyline points="{points}" fill="none" stroke="#1f5f8b" stroke-width="2"/>'
        f'<g fill="#1f5f8b">{dots}</g>'
        f'<text x="{size / 2}" y="{size - 8}" text-anchor="middle" font-size="12">'
        "predicted probability</text>"
        f'<text x="12" y="{size / 2}" font-size="12" transform="rotate(-90 12 {size / 2})" '
        'text-anchor="middle">observed share</text></svg>\n'
    )


def render(doc: dict[str, Any], evaluations: list[Evaluation], docs: Path | None) -> str:
    """The section's markdown; with ``docs``, also writes the calibration plot there."""
    loo = next(e for e in evaluations if e.design == "leave-one-out")
    if docs is not None:
        write_text(docs / PLOT, calibration_svg(loo))
    lines = [
        "## Estimated bargaining model, out of sample",
        "",
        "Generated by `migdip.bargaining.report`. The model of docs/bargaining.md with its "
        "parameters estimated on the Atlas's outcome-coded episodes (likelihood and priors in "
        "`migdip.bargaining.estimate`), against the majority class, a regularised logistic "
        "regression and a gradient-boosted model on the same dyadic indicators "
        "(`migdip.bargaining.evaluate`). In every fold every model is fitted on the training "
        "episodes only.",
        "",
        *_params(doc),
        "",
    ]
    for ev in evaluations:
        lines += [*_design(ev), ""]
    lines += [
        f"![Calibration of the deal probability, leave one episode out]({PLOT})",
        "",
        "| predicted (decile mean) | observed share | episodes |",
        "|---|---|---|",
        *(f"| {p:.2f} | {o:.2f} | {n} |" for p, o, n in loo.calibration),
        "",
    ]
    return "\n".join(lines)
