"""Throughput of the caulking scenario's batched estimators against a plain per-instance numpy loop.

What: fits per second, where one fit is one instance's estimator fitted on n target samples and its test error
(excess risk against the noiseless target on `--test` fresh points) computed, for the `caulking` scenario
(X ~ U[0,1]^D, f* = h* o a* o g*, Weierstrass adapter a*, our study notes on caulking section 5):

  batched     the scenario's own code path, `scenario.run(point, batch, gen, {"err"})` (caulk estimator: bins
              of g_m(x)) or `{"err_scratch"}` (histogram on [0,1]^D), a whole batch of instances in torch;
  loop        a plain per-instance numpy loop over the same data-generating process: draw the source sample and
              fit g_m by np.linalg.lstsq (finite m), draw X, Y and the test points, a*(u) as its cosine series
              term by term (np.cos), the histogram by np.bincount, the test error;
  loop_fast   the same loop with the scenario's angle-doubling evaluation of a*: what batching alone buys.

Why: `boundlab check` runs the scenario many times (rates over n, floors over m, nstar over eps); the batched path
is only worth its complexity if it is clearly faster than the obvious loop.

How: float64; numpy with its default thread count, torch on the one thread the scenario uses, in this process; time.perf_counter, best of
`--repeats`; fits per second = batch / best time. Before timing, the batched path and the loop must agree on the
mean test error within Monte Carlo error (independent draws of the same law, |z| <= 4), estimator by estimator
and size by size, so that the comparison is like for like.

    .venv/bin/python benchmarks/caulking.py                  # n = 1000 and 100000, batch 32, best of 3
    .venv/bin/python benchmarks/caulking.py --quick          # n = 1000 and 10000, batch 8, best of 2 (seconds)
    .venv/bin/python benchmarks/caulking.py --m 1000 --json out.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUANTITY = {"caulk": "err", "scratch": "err_scratch"}


def point_of(args, n: int) -> dict:
    return {"alpha": args.a, "beta": args.b, "D": args.D, "m": args.m, "n": n, "test": args.test}


# ---------------------------------------------------------------------------------------------------------------
# the numpy baseline: its own sampling, its own target and estimators (nothing from the scenario's code)

def adapter_series(u, a: float, terms: int = 24):
    """a*(u) = 0.5 + 0.4 S(u)/S(0), S(u) = sum_j 2^{-ja} cos(2^j pi u), term by term with np.cos."""
    w = 2.0 ** (-np.arange(terms) * a)
    return 0.5 + 0.4 * (np.cos(np.pi * np.multiply.outer(u, 2.0 ** np.arange(terms))) @ w) / w.sum()


def adapter_doubling(u, a: float, terms: int = 24):
    """The same function by squaring exp(i pi u) (angle doubling), as the scenario evaluates it."""
    w = 2.0 ** (-np.arange(terms) * a)
    z, s = np.exp(1j * np.pi * u), np.zeros_like(u)
    for wj in w:
        s += wj * z.real
        z = z * z
    return 0.5 + 0.4 * s / w.sum()


def numpy_loop(args, n: int, batch: int, seed: int, estimator: str, adapter=adapter_series):
    """Per-instance test errors, shape (batch,), of the caulk estimator or the scratch histogram."""
    rng = np.random.default_rng(seed)
    a, b, D, ab = args.a, args.b, args.D, args.a * args.b

    def f_star(x):
        v = adapter(x.mean(1), a) - 0.5
        return 0.5 + np.sign(v) * np.abs(v) ** b

    out = np.empty(batch)
    for i in range(batch):
        if args.m == math.inf:
            coef = np.r_[0.0, np.full(D, 1 / D)]
        else:
            xs = rng.random((int(args.m), D))
            ys = xs.mean(1) + args.source_noise * rng.standard_normal(xs.shape[0])
            coef = np.linalg.lstsq(np.c_[np.ones(xs.shape[0]), xs], ys, rcond=None)[0]
        x = rng.random((n, D))
        y = f_star(x) + args.noise * rng.standard_normal(n)
        x_test = rng.random((args.test, D))
        f_test = f_star(x_test)
        if estimator == "caulk":
            K = math.ceil(args.bins * n ** (1 / (2 * ab + 1)))
            k, k_test = (np.minimum((np.clip(coef[0] + z @ coef[1:], 0, 1) * K).astype(int), K - 1)
                         for z in (x, x_test))
            count = np.bincount(k, minlength=K)
            value = np.where(count > 0, np.bincount(k, weights=y, minlength=K) / np.maximum(count, 1), y.mean())
            pred = np.clip(value, 0.5 - 0.5 ** b, 0.5 + 0.5 ** b)[k_test]  # the range of h*
        else:
            B = max(1, round(args.scratch_bins * n ** (1 / (2 * ab + D))))
            cell, cell_t = (np.ravel_multi_index(np.minimum((z * B).astype(int), B - 1).T, (B,) * D)
                            for z in (x, x_test))
            count = np.bincount(cell, minlength=B ** D)
            mean = np.bincount(cell, weights=y, minlength=B ** D) / np.maximum(count, 1)
            pred = np.where(count[cell_t] > 0, mean[cell_t], y.mean())
        out[i] = np.mean((pred - f_test) ** 2)
    return out


def batched(args, n: int, batch: int, seed: int, estimator: str):
    import torch
    from boundlab.verify.scenarios import get_scenario

    q = QUANTITY[estimator]
    return get_scenario("caulking").run(point_of(args, n), batch, torch.Generator().manual_seed(seed), {q})[q]


METHODS = {"batched": batched, "loop": numpy_loop,
           "loop_fast": lambda *a: numpy_loop(*a, adapter=adapter_doubling)}


# ---------------------------------------------------------------------------------------------------------------

def agreement(args, n: int, estimator: str) -> tuple[bool, str]:
    """Mean test error, batched vs loop, independent draws: |difference| <= 4 standard errors."""
    a = batched(args, n, args.batch, args.seed + 777, estimator)
    b = numpy_loop(args, n, args.batch, args.seed + 777, estimator)
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    z = (a.mean() - b.mean()) / se
    ok = abs(z) <= 4.0
    return ok, (f"n={n:<7d} {estimator:<8s} mean err batched {a.mean():.4e}, loop {b.mean():.4e}: "
                f"difference {z:+.2f} standard errors -> {'OK' if ok else 'DISAGREE'}")


def best_time(fn, args, n: int, estimator: str) -> float:
    fn(args, n, min(args.batch, 2), args.seed + 10_000, estimator)  # warm-up, outside the timing
    times = []
    for rep in range(args.repeats):
        t0 = time.perf_counter()
        fn(args, n, args.batch, args.seed + rep, estimator)
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--a", type=float, default=0.5)
    ap.add_argument("--b", type=float, default=1.0)
    ap.add_argument("--D", type=int, default=3)
    ap.add_argument("--m", type=float, default=math.inf, help="source sample size (default inf: g* itself)")
    ap.add_argument("--noise", type=float, default=0.3)
    ap.add_argument("--source-noise", dest="source_noise", type=float, default=0.1)
    ap.add_argument("--bins", type=float, default=2.0)
    ap.add_argument("--scratch-bins", dest="scratch_bins", type=float, default=1.0)
    ap.add_argument("--test", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="a small run: n = 1000 and 10000, batch 8, best of 2")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.batch, args.repeats = [1000, 10_000], 8, 2
    if args.m != math.inf:
        args.m = int(args.m)
    sys.path.insert(0, str(ROOT))
    import torch

    print(f"caulking benchmark: a={args.a} b={args.b} D={args.D} m={args.m} test={args.test} batch={args.batch} "
          f"repeats={args.repeats} float64; torch {torch.__version__} (the scenario runs on 1 thread), "
          f"cpus={os.cpu_count()}")
    checks = [agreement(args, n, e) for n in args.sizes for e in QUANTITY]
    print("agreement (independent draws, same law):")
    for _, line in checks:
        print("  " + line)
    agree = all(ok for ok, _ in checks)

    rows = []
    for n in args.sizes:
        for estimator in QUANTITY:
            fits = {m: args.batch / best_time(fn, args, n, estimator) for m, fn in METHODS.items()}
            rows.append({"n": n, "estimator": estimator, "fits_per_s": fits,
                         "batched_over_loop": fits["batched"] / fits["loop"],
                         "batched_over_loop_fast": fits["batched"] / fits["loop_fast"]})
    print("\nfits per second (one fit = one instance fitted and its test error computed; best of repeats)")
    head = f"{'n':>7} {'estimator':<9}{'batched':>11}{'loop':>11}{'loop_fast':>11}{'b/loop':>9}{'b/fast':>9}"
    print(head + "\n" + "-" * len(head))
    for r in rows:
        f = r["fits_per_s"]
        print(f"{r['n']:>7} {r['estimator']:<9}{f['batched']:>11.1f}{f['loop']:>11.1f}{f['loop_fast']:>11.1f}"
              f"{r['batched_over_loop']:>8.1f}x{r['batched_over_loop_fast']:>8.1f}x")
    print("-" * len(head))
    print("batched: scenario.run; loop: numpy per instance, a* by np.cos term by term; loop_fast: the same loop with "
          "a* by angle doubling")
    print(f"mean-error agreement batched vs loop: {'OK' if agree else 'DISAGREE (comparison not like for like)'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"settings": {k: (str(v) if v == math.inf else v)
                                                            for k, v in vars(args).items()},
                                               "agreement": [line for _, line in checks], "agree": agree,
                                               "rows": rows}, indent=1))
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
