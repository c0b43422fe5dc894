"""Cost and accuracy of `boundlab.numerics.fitting.fit_law` against plain scipy least squares on the same starts.

What: one 5-parameter scaling law, H-main L(p, f) = (A p^-alpha + G) f^-beta + E (papers/scaling_laws_transfer.md,
section 2.2), on a 10 x 10 log-spaced grid (p in [1e6, 1e10], f in [1e4, 1e8]) with 5% multiplicative lognormal
noise, fitted two ways from the same Latin-hypercube starts:

  (a) fit_law    boundlab's fit: Huber loss (delta 1e-3) on log residuals, bounds, A in log space, analytic
                 Jacobian (lambdified SymPy gradient), `starts` starts, best end point kept, diagnostics;
  (b) plain      scipy.optimize.least_squares with no robust loss (squared log residuals), the same bounds and
                 parametrisation, a numerical (2-point) Jacobian, started from the first of the same starts only,
                 which is what a quick fit usually does;
  (b') plain_all the plain fit run from every start, best kept: what the multi-start costs without the analytic
                 Jacobian and the robust loss.

Why: fit_law runs many starts and a robust loss, so it costs more than one plain fit; the table shows how much
more, and what it buys (final loss, error in the parameters against the generating truth). Plain least squares from
one start often stops at a poor local optimum or on a bound for this law.

How: float64; time.perf_counter, best of `--repeats` runs; the parameter error is the largest relative error over
the five parameters (log scale for A). Loss columns: the Huber cost of fit_law's objective and the mean squared
log residual (msle) at each end point, so both methods are judged on both criteria.

    .venv/bin/python benchmarks/fitting.py            # 20 starts, 5 repeats, 5 noise seeds
    .venv/bin/python benchmarks/fitting.py --quick    # 5 starts, 1 repeat, 1 seed (seconds)
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.optimize
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from boundlab.numerics.fitting import LawParam, _Problem, _check_data, _starts, compile_law, fit_law  # noqa: E402

A, a, G, b, E, p, f = sp.symbols("A alpha G beta E p f")
EXPR = (A * p**-a + G) * f**-b + E
PARAMS = [LawParam("A", 1e-2, 1e6, log=True), LawParam("alpha", 0.01, 1.5), LawParam("G", 0.0, 100.0),
          LawParam("beta", 0.01, 1.5), LawParam("E", 0.0, 10.0)]
TRUTH = dict(A=1e3, alpha=0.3, G=5.0, beta=0.25, E=1.5)


def data(seed: int):
    P, F = np.meshgrid(np.logspace(6, 10, 10), np.logspace(4, 8, 10))
    X = np.stack([P.ravel(), F.ravel()], axis=1)
    law = compile_law(EXPR, PARAMS, [p, f])
    y = law(TRUTH, X) * np.exp(0.05 * np.random.default_rng(seed).standard_normal(100))
    return law, X, y


def param_error(law, theta) -> float:
    errs = []
    for q, v in zip(law.params, theta):
        t = TRUTH[q.name]
        errs.append(abs(np.log(v / t)) if q.log else abs(v - t) / abs(t))
    return float(max(errs))


def plain(law, X, y, U):
    cols, yv = _check_data(law, X, y)
    prob = _Problem(law, cols, yv, "linear", 1.0)
    span = law.uhi - law.ulo
    best = None
    for u in U:
        u = np.clip(u, law.ulo + 1e-10 * span, law.uhi - 1e-10 * span)
        res = scipy.optimize.least_squares(prob.residuals, u, jac="2-point", bounds=(law.ulo, law.uhi), method="trf")
        if best is None or res.cost < best.cost:
            best = res
    return law.to_theta(best.x)


def scores(law, X, y, theta):
    cols, yv = _check_data(law, X, y)
    r = _Problem(law, cols, yv, "huber", 1e-3).residuals(law.to_u(theta))
    huber = np.where(np.abs(r) <= 1e-3, 0.5 * r**2, 1e-3 * np.abs(r) - 0.5e-6).sum()
    return float(huber), float(np.mean(r**2))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--starts", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if args.quick:
        args.starts, args.repeats, args.seeds = 5, 1, 1
    rows = {m: {"time": [], "huber": [], "msle": [], "err": []} for m in ("fit_law", "plain", "plain_all")}
    for seed in range(args.seeds):
        law, X, y = data(seed)
        U = _starts(law, args.starts, np.random.default_rng(seed))  # the same starts fit_law draws for this seed
        runs = {"fit_law": lambda: law.vector(fit_law(law, X=X, y=y, starts=args.starts, seed=seed).values),
                "plain": lambda: plain(law, X, y, U[:1]),
                "plain_all": lambda: plain(law, X, y, U)}
        for m, run in runs.items():
            best_t = np.inf
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                theta = run()
                best_t = min(best_t, time.perf_counter() - t0)
            hub, msle = scores(law, X, y, theta)
            rows[m]["time"].append(best_t)
            rows[m]["huber"].append(hub)
            rows[m]["msle"].append(msle)
            rows[m]["err"].append(param_error(law, theta))
    print(f"H-main, 10x10 grid, 5% noise, {args.starts} starts, best of {args.repeats}, median over {args.seeds} seed(s)")
    print(f"{'method':<10} {'time [s]':>9} {'huber cost':>11} {'msle':>10} {'max rel err':>12} {'worst err':>10}")
    for m, r in rows.items():
        print(f"{m:<10} {np.median(r['time']):9.4f} {np.median(r['huber']):11.3e} {np.median(r['msle']):10.3e} "
              f"{np.median(r['err']):12.3g} {np.max(r['err']):10.3g}")


if __name__ == "__main__":
    main()
