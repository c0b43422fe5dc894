"""Throughput of the linear fine-tuning scenario's exact risk against an honest baseline and a lower bound.

What: instances per second, and peak memory, for four ways of producing instances of the `linear_finetune`
scenario (design X with rows N(0, Sigma), source-target difference Delta of norm 1 in a uniform direction, no
label noise) at one point (d, n, covariance):

  (a) batched     the scenario's own code path: `scenario.run(point, batch, gen, {"L"})`, the exact population
                  risk of the fine-tuned weights for a whole batch in torch (design drawn in the eigenbasis of
                  Sigma, Cholesky of the n x n Gram matrix);
  (b) loop        a plain per-instance numpy loop, the baseline the target refers to: draw X (rows N(0, Sigma),
                  same covariance family) and Delta, theta_hat = theta_S + pinv(X) (y - X theta_S) with
                  y = X theta_T, risk e^T Sigma e with e = theta_hat - theta_T;
  (b') loop_eigen the same loop with the scenario's shortcut (design drawn in the eigenbasis, Sigma diagonal
                  there): what batching alone buys, beyond that shortcut;
  (c) drawing     only drawing the random design in torch, the way the scenario draws it: randn of shape
                  (batch, n, k) times Lambda_k^{1/2} (k = rank of Sigma). Any method that samples the design
                  honestly pays at least this, so it bounds (a).

Why: the verdicts of `boundlab check` rest on Monte Carlo over many instances; the batched exact risk is only worth
its complexity if it is clearly faster than the obvious loop (target: batched >= 3x loop) and close to the cost
of merely sampling the design (target: batched >= 60% of drawing's instances per second).

How: float64 throughout; torch and numpy with their default thread counts; time.perf_counter, best of
`--repeats`. Each method runs in a fresh subprocess (`--worker`), which reports its timings and its peak resident
set size (VmHWM of /proc/self/status on Linux, else getrusage ru_maxrss; both see torch's allocations, unlike
tracemalloc), together with the rise of that peak over the process's peak after imports and a tiny warm-up. Before timing, the loop and the batched path
must agree on the mean risk within Monte Carlo error, so that the comparison is like for like.

    .venv/bin/python benchmarks/linear_finetune.py                 # d=200 n=50 batch=2000 repeats=3 powerlaw
    .venv/bin/python benchmarks/linear_finetune.py --quick         # a small run (seconds)
    .venv/bin/python benchmarks/linear_finetune.py --profile       # also: where the batched path spends time
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("batched", "loop", "loop_eigen", "drawing")
TARGET_LOOP = 3.0  # batched / loop, instances per second
TARGET_DRAW = 0.60  # batched / drawing, instances per second


def point_of(args) -> dict:
    point = {"d": args.d, "n": args.n, "covariance": args.covariance}
    if args.covariance in ("powerlaw", "lowrank"):
        point["p"] = args.p
    if args.covariance == "lowrank":
        point["k"] = args.k
    return point


def maxrss_mib() -> float:
    """Peak resident set size of this process so far, MiB.

    On Linux, VmHWM of /proc/self/status: the high-water mark of this address space, which starts afresh at
    execve. (getrusage's ru_maxrss would do, but Linux carries it across fork and execve, so a worker started by a
    parent that has imported torch would inherit the parent's peak.) Elsewhere, ru_maxrss.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10  # kB
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


# ---------------------------------------------------------------------------------------------------------------
# (b) the numpy baseline: independent of the scenario's code (its own covariance, its own sampling).

def numpy_covariance(args, rng):
    """Eigenvalues and a basis of Sigma for the covariance family, built with numpy only."""
    import numpy as np

    d, s2 = args.d, args.sigma ** 2
    idx = np.arange(1, d + 1, dtype=np.float64)
    if args.covariance == "isotropic":
        return np.full(d, s2), np.eye(d)
    lam = s2 * idx ** (-args.p)
    if args.covariance == "lowrank":
        lam[args.k:] = 0.0
    q, r = np.linalg.qr(rng.standard_normal((d, d)))  # Haar basis; the risk's law does not depend on it
    return lam, q * np.sign(np.diag(r))


def numpy_loop(args, batch: int, seed: int):
    """Per-instance risks, shape (batch,): draw X and Delta, pinv, e^T Sigma e."""
    import numpy as np

    rng = np.random.default_rng(seed)
    d, n = args.d, args.n
    lam, vecs = numpy_covariance(args, rng)
    sigma = (vecs * lam) @ vecs.T
    root = np.sqrt(lam)[:, None] * vecs.T  # rows of Z @ root have covariance V diag(lam) V^T = Sigma
    out = np.empty(batch)
    for i in range(batch):
        x = rng.standard_normal((n, d)) @ root
        g = rng.standard_normal(d)
        delta = args.Delta * g / np.linalg.norm(g)
        theta_s = rng.standard_normal(d)
        theta_t = theta_s + delta
        y = x @ theta_t
        theta_hat = theta_s + np.linalg.pinv(x) @ (y - x @ theta_s)
        e = theta_hat - theta_t
        out[i] = e @ sigma @ e
    return out


def numpy_loop_eigen(args, batch: int, seed: int):
    """(b') The same loop with the scenario's own shortcut: the design drawn in the eigenbasis of Sigma
    (X V = Z Lambda^{1/2}, the same law), so Sigma is diagonal there. Shows what batching alone buys."""
    import numpy as np

    rng = np.random.default_rng(seed)
    d, n = args.d, args.n
    lam, vecs = numpy_covariance(args, rng)
    keep = lam > 1e-12 * lam.max()
    lam, vecs = lam[keep], vecs[:, keep]
    out = np.empty(batch)
    for i in range(batch):
        x = rng.standard_normal((n, lam.size)) * np.sqrt(lam)
        g = rng.standard_normal(d)
        delta = (args.Delta * g / np.linalg.norm(g)) @ vecs
        e = np.linalg.pinv(x) @ (x @ delta) - delta
        out[i] = e ** 2 @ lam
    return out


# ---------------------------------------------------------------------------------------------------------------
# (a) and (c): the scenario and its drawing.

def batched(args, batch: int, seed: int):
    import torch
    from boundlab.verify.scenarios import get_scenario

    scenario = get_scenario("linear_finetune")
    return scenario.run(point_of(args), batch, torch.Generator().manual_seed(seed), {"L"})["L"]


def drawing(args, batch: int, seed: int):
    """The design only, as the scenario draws it: the covariance, then randn (batch, n, k) times Lambda_k^{1/2}
    (the design in the eigenbasis of Sigma, k = rank)."""
    import torch
    from boundlab.verify.scenarios import get_scenario
    from boundlab.verify.scenarios.linalg import DTYPE, covariance

    opts = get_scenario("linear_finetune").resolve(point_of(args))
    gen = torch.Generator().manual_seed(seed)
    lam, vecs = covariance(opts, gen)
    rank = int((lam > 1e-12 * lam.max()).sum())
    return torch.randn(batch, args.n, rank, generator=gen, dtype=DTYPE) * lam[:rank].sqrt()


def worker(args) -> None:
    """Time one method in this (fresh) process; print one JSON line."""
    fn = {"batched": batched, "loop": numpy_loop, "loop_eigen": numpy_loop_eigen, "drawing": drawing}[args.worker]
    fn(args, min(args.batch, 8), args.seed + 10_000)  # imports and one-off initialisation, outside the timing
    base = maxrss_mib()
    times = []
    for rep in range(args.repeats):
        t0 = time.perf_counter()
        fn(args, args.batch, args.seed + rep)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"method": args.worker, "times": times, "base_mib": base, "peak_mib": maxrss_mib()}))


def run_worker(args, method: str) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", method, "--d", str(args.d), "--n", str(args.n),
           "--batch", str(args.batch), "--repeats", str(args.repeats), "--covariance", args.covariance,
           "--p", str(args.p), "--k", str(args.k), "--sigma", str(args.sigma), "--Delta", str(args.Delta),
           "--seed", str(args.seed)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"worker {method} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------------------------

def check_agreement(args) -> bool:
    """The loop and the batched path must agree on the mean risk (independent draws, same law)."""
    import numpy as np

    a = batched(args, args.batch, args.seed + 777)
    b = numpy_loop(args, args.batch, args.seed + 777)
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    z = (a.mean() - b.mean()) / se if se > 0 else (0.0 if np.isclose(a.mean(), b.mean()) else math.inf)
    ok = abs(z) <= 4.0
    print(f"agreement check ({args.batch} instances each, independent draws): mean risk batched "
          f"{a.mean():.6g} (sd {a.std(ddof=1):.3g}), numpy loop {b.mean():.6g} (sd {b.std(ddof=1):.3g}); "
          f"difference {a.mean() - b.mean():+.3g} = {z:+.2f} standard errors -> {'OK' if ok else 'DISAGREE'} "
          "(|z| <= 4)")
    if args.covariance == "isotropic" and args.n < args.d:
        print(f"  isotropic: claimed mean sigma^2 |Delta|^2 (1 - n/d) = {args.sigma**2 * args.Delta**2 * (1 - args.n / args.d):.6g}")
    return ok


def check_drawing_matches(args) -> None:
    """The design drawn by (c) is the scenario's own (same generator, same numbers), when `draw` exposes it."""
    import torch
    from boundlab.verify.scenarios import get_scenario

    scenario = get_scenario("linear_finetune")
    dr = scenario.draw(scenario.resolve(point_of(args)), 4, torch.Generator().manual_seed(1))
    xk = getattr(dr, "xk", None)
    if xk is None:
        print("note: scenario.draw does not expose its design as .xk; drawing (c) not compared with it")
    elif not torch.allclose(xk, drawing(args, 4, 1), rtol=0, atol=1e-12):
        raise SystemExit("drawing (c) does not reproduce the scenario's design; fix the benchmark")


def profile(args) -> None:
    """torch.profiler over one scenario.run: self CPU time by operator."""
    import torch
    from torch.profiler import ProfilerActivity, profile as tprofile

    batched(args, args.batch, args.seed)  # warm
    with tprofile(activities=[ProfilerActivity.CPU]) as prof:
        batched(args, args.batch, args.seed)
    print("\nprofile of one batched scenario.run (torch.profiler, self CPU time by operator):")
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=14, max_name_column_width=34))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--d", type=int, default=200)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--covariance", default="powerlaw", choices=["isotropic", "powerlaw", "lowrank"])
    ap.add_argument("--p", type=float, default=1.0, help="power-law exponent (powerlaw, lowrank)")
    ap.add_argument("--k", type=int, default=20, help="rank (lowrank)")
    ap.add_argument("--sigma", type=float, default=1.0)
    ap.add_argument("--Delta", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="a small run: d=60 n=20 batch=300 repeats=2")
    ap.add_argument("--profile", action="store_true", help="also profile the batched path")
    ap.add_argument("--worker", choices=METHODS, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        sys.path.insert(0, str(ROOT))
        worker(args)
        return 0
    if args.quick:
        args.d, args.n, args.batch, args.repeats = 60, 20, 300, 2
    sys.path.insert(0, str(ROOT))
    import torch

    print(f"linear_finetune benchmark: d={args.d} n={args.n} covariance={args.covariance}"
          f"{' p=' + str(args.p) if args.covariance != 'isotropic' else ''}"
          f"{' k=' + str(args.k) if args.covariance == 'lowrank' else ''} batch={args.batch} "
          f"repeats={args.repeats} float64; torch {torch.__version__} threads={torch.get_num_threads()}, "
          f"cpus={os.cpu_count()}")
    check_drawing_matches(args)
    agree = check_agreement(args)
    results = {m: run_worker(args, m) for m in METHODS}

    ips = {m: args.batch / min(r["times"]) for m, r in results.items()}
    labels = {"batched": "(a) batched torch, scenario.run 'L'", "loop": "(b) numpy loop, pinv per instance",
              "loop_eigen": "(b') numpy loop in the eigenbasis",
              "drawing": "(c) torch drawing of the design only"}
    print("\ntime: best of repeats (time.perf_counter). memory: each method in a fresh subprocess; peak = that "
          "process's peak RSS (VmHWM),\nimports included; rise = peak minus the peak RSS after imports and a tiny "
          "warm-up run, i.e. what the batch itself adds")
    head = f"{'method':<40}{'best s':>9}{'inst/s':>11}{'peak MiB':>10}{'rise MiB':>10}"
    print(head + "\n" + "-" * len(head))
    for m in METHODS:
        r = results[m]
        print(f"{labels[m]:<40}{min(r['times']):>9.3f}{ips[m]:>11.0f}{r['peak_mib']:>10.0f}"
              f"{max(0.0, r['peak_mib'] - r['base_mib']):>10.0f}")
    r_loop, r_draw = ips["batched"] / ips["loop"], ips["batched"] / ips["drawing"]
    print("-" * len(head))
    print(f"batched / loop in the eigenbasis = {ips['batched'] / ips['loop_eigen']:6.2f}x   (no target; batching alone)")
    print(f"batched / loop    = {r_loop:6.2f}x   (target >= {TARGET_LOOP:g}x)   "
          f"{'PASS' if r_loop >= TARGET_LOOP else 'MISS'}")
    print(f"batched / drawing = {r_draw:6.1%}   (target >= {TARGET_DRAW:.0%})   "
          f"{'PASS' if r_draw >= TARGET_DRAW else 'MISS'}")
    print(f"mean-risk agreement loop vs batched: {'OK' if agree else 'DISAGREE (comparison not like for like)'}")
    if args.profile:
        profile(args)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
