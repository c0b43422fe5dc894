"""The exact expected risk of online SGD (boundlab.numerics.sgd_risk) against Monte Carlo over batched SGD runs.

What: the time to get the expected target excess risk after `--steps` SGD steps at dimension `--d` (step decay on the
target covariance H, lambda_i ~ i^-1 in a random basis, trace 1, teacher N(0, I), noise 0.5, step 1/(12 tr H)):
  exact        boundlab.numerics.sgd_risk.expected_risk: closed form per constant-step phase (one eigendecomposition);
  monte_carlo  the scenario sgd_shift's batched SGD (a runs x d tensor, one fresh sample per run per step),
               with enough runs for a 1% relative standard error.
Monte Carlo is run on a pilot of `--pilot` runs over all the steps; the runs needed for 1% are (std/mean / 0.01)^2
from the pilot. If the pilot has that many, its time is the Monte Carlo time (measured); if not, the time is
projected as pilot time x runs needed / pilot runs (linear in the runs; at small batches the per-step overhead makes
this an underestimate, which favours Monte Carlo). The pilot mean must agree with the exact value (|z| <= 4).

    .venv/bin/python benchmarks/sgd_risk.py                        # d = 200, 10^5 steps, pilot 64 runs
    .venv/bin/python benchmarks/sgd_risk.py --quick                # d = 50, 10^4 steps (seconds)
"""
from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
import torch

from boundlab.numerics.sgd_risk import expected_risk, step_decay
from boundlab.verify.scenarios.sgd_shift import SGDShift


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--d", type=int, default=200)
    ap.add_argument("--steps", type=int, default=100_000)
    ap.add_argument("--pilot", type=int, default=64)
    ap.add_argument("--quick", action="store_true", help="d = 50, 10^4 steps, pilot 64")
    ap.add_argument("--json", help="also write the table as JSON")
    a = ap.parse_args()
    if a.quick:
        a.d, a.steps = 50, 10_000
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(0)
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((a.d, a.d)))
    lam = 1.0 / np.arange(1, a.d + 1)
    H = q @ np.diag(lam / lam.sum()) @ q.T
    H = (H + H.T) / 2
    w = rng.standard_normal(a.d)
    phases = step_decay("H", a.steps, 1 / (12 * np.trace(H)))

    t = time.perf_counter()
    exact = expected_risk(None, H, w, np.zeros(a.d), 0.5, phases)
    t_exact = time.perf_counter() - t

    t = time.perf_counter()
    risks = SGDShift.simulate(H, H, w, 0.5, phases, a.pilot, gen).numpy()
    t_pilot = time.perf_counter() - t
    mean, se = risks.mean(), risks.std(ddof=1) / math.sqrt(a.pilot)
    z = (mean - exact) / se
    if abs(z) > 4:
        raise SystemExit(f"pilot Monte Carlo {mean:.6g} +- {se:.2g} disagrees with the exact {exact:.6g} (z = {z:.1f})")
    runs = math.ceil((risks.std(ddof=1) / mean / 0.01) ** 2)
    rows = [("exact recursion", exact, 0.0, t_exact, "measured"),
            (f"Monte Carlo, {a.pilot} runs", mean, se / mean, t_pilot, "measured")]
    if runs > a.pilot:
        rows.append((f"Monte Carlo to 1%, {runs} runs", mean, 0.01, t_pilot * runs / a.pilot,
                     "projected from the pilot"))
    t_mc = rows[-1][3]
    print(f"expected target excess risk after {a.steps} SGD steps, d = {a.d} (1 thread)")
    print(f"{'method':34s} {'risk':>10s} {'rel. s.e.':>10s} {'seconds':>12s}  how")
    for name, r, rel, sec, how in rows:
        print(f"{name:34s} {r:10.5f} {rel:10.4f} {sec:12.3f}  {how}")
    print(f"{runs} runs give 1% relative standard error; speed-up of the exact recursion over Monte Carlo to 1%: "
          f"{t_mc / t_exact:,.0f}x")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"d": a.d, "steps": a.steps, "rows": [dict(zip(("method", "risk", "rel_se", "seconds", "how"),
                                                                      row)) for row in rows]}, fh, indent=2)


if __name__ == "__main__":
    main()
