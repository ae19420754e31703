"""Time migdip's alternating-offers solver against an established negotiation library.

The library (NegMAS, AGPL-3.0) is never a dependency of migdip: it is installed in a separate
environment and run in a subprocess. Create that environment once with
``python benchmarks/negotiation_library_bench.py --install`` (into ``benchmarks/.negmas-env``,
ignored by git), or point ``--python`` at an interpreter that has ``negmas``.

Both sides run the same bilateral alternating-offers setting: one issue with ``values`` outcomes
(a split), opposite linear utilities, ``steps`` rounds. They do different work: NegMAS simulates
two time-based conceding agents exchanging offers; migdip solves the subgame-perfect equilibrium
by backward induction. The figures compare the cost of one negotiation each way.
Run: python benchmarks/negotiation_library_bench.py [--install] [--python PATH]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from migdip.bargaining.solvers import alternating_offers

ENV = Path(__file__).resolve().parent / ".negmas-env"
SNIPPET = """
import time, warnings
warnings.filterwarnings("ignore")
from negmas import SAOMechanism, TimeBasedConcedingNegotiator, make_issue
from negmas.preferences import LinearAdditiveUtilityFunction as U
from negmas.preferences.value_fun import IdentityFun, AffineFun
values, steps, repeats = {values}, {steps}, {repeats}
issues = [make_issue(name="share", values=values)]
times = []
agreed = 0
for _ in range(repeats):
    s = SAOMechanism(issues=issues, n_steps=steps)
    s.add(TimeBasedConcedingNegotiator(name="a"),
          ufun=U(values=[IdentityFun()], weights=[1.0 / (values - 1)], issues=issues))
    s.add(TimeBasedConcedingNegotiator(name="b"),
          ufun=U(values=[AffineFun(-1.0, values - 1)], weights=[1.0 / (values - 1)],
                 issues=issues))
    t = time.perf_counter()
    state = s.run()
    times.append(time.perf_counter() - t)
    agreed += state.agreement is not None
times.sort()
print(times[len(times) // 2], agreed)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--install", action="store_true")
    parser.add_argument("--python", type=Path, default=ENV / "bin" / "python")
    parser.add_argument("--values", type=int, default=101)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    if args.install and not (ENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(ENV)], check=True)
        subprocess.run(
            [str(ENV / "bin" / "python"), "-m", "pip", "install", "-q", "negmas"], check=True
        )
    grid = np.linspace(0.0, 1.0, args.values)
    runs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        alternating_offers(grid, 1 - grid, delta1=0.95, delta2=0.95, rounds=args.steps)
        runs.append(time.perf_counter() - start)
    ours = sorted(runs)[len(runs) // 2]
    print(
        f"migdip alternating offers (SPE by backward induction), {args.values} outcomes, "
        f"{args.steps} rounds: {ours * 1000:.2f} ms per negotiation (median of {args.repeats})"
    )
    if not args.python.exists():
        print(
            f"NegMAS: not installed (no {args.python}); run with --install to time it in a "
            "separate environment"
        )
        return
    code = SNIPPET.format(values=args.values, steps=args.steps, repeats=args.repeats)
    out = subprocess.run(
        [str(args.python), "-c", code], capture_output=True, text=True, check=True, timeout=600
    )
    seconds, agreed = out.stdout.split()
    print(
        f"NegMAS {args.values} outcomes, SAOMechanism with two TimeBasedConcedingNegotiators, "
        f"{args.steps} steps: {float(seconds) * 1000:.2f} ms per negotiation (median of "
        f"{args.repeats}; {agreed} agreements); ratio {float(seconds) / ours:,.0f}x"
    )


if __name__ == "__main__":
    main()
