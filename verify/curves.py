"""Curve claims (statistics `rate`, `trend`, `bound`): measured along a swept variable and decided by shape.

Asymptotic claims with unknown constants cannot be checked value by value. At every grid point the scenario is run
at each swept value (independent repetitions, one seed per point), and:
- `rate`: the log-log slope of the mean curve, with a bootstrap interval over repetitions, is compared with the
  claimed slope within `claim.resolution` (the allowance for pre-asymptotic bias). VIOLATED when the interval
  lies outside the band, CONSISTENT when the estimate lies inside it and the interval is no wider than the band,
  INCONCLUSIVE otherwise. The evidence adds the slopes of the two halves of the range and a floor fit, which
  show where the curve flattens.
- `trend`: Welch intervals for the differences of consecutive means; VIOLATED when one lies wholly on the wrong
  side of zero, INCONCLUSIVE when a mean is known to less than `claim.resolution` relative precision.
- `bound`: the smallest constants (an LP, shared by all grid points) on the lower half of the swept range and on
  all of it; a constant that grows like x^e with e above `claim.resolution` (bootstrap interval) is not a
  constant: VIOLATED. Only constants whose term changes along the swept variable are judged (a constant in front
  of a term that does not cannot reveal a wrong exponent); where no constant enters, the bound is a plain
  inequality, refuted when the mean is surely above it.
All intervals are Bonferroni-corrected over the tests of the claim.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.stats
import sympy as sp

from numerics.rates import Curve, RateError, constant_drift, fit_floor, fit_slope
from theory.claim import Claim

from . import stats
from .check import _side, _validate_grid, budget, measure_point, point_seed
from .scenarios import get_scenario
from .verdict import CONSISTENT, INCONCLUSIVE, VIOLATED, Result


def check_curve(claim: Claim, seed: int, quick: bool, alpha: float) -> Result:
    name, values = claim.over
    if claim.statistic in ("rate", "bound") and len(values) < 3:
        raise RateError(f"claim {claim.id}: a {claim.statistic} needs at least 3 values of {name} to fit a slope; "
                        f"got {len(values)} ({', '.join(f'{v:g}' for v in values)})")
    if claim.statistic == "trend" and len(values) < 2:
        raise RateError(f"claim {claim.id}: a trend needs at least 2 values of {name}, got {len(values)}")
    scenario = get_scenario(claim.scenario)
    points = _validate_grid(claim, scenario)
    batch = budget(claim, quick)
    K, G = len(values), len(claim.grid)
    envs = [[measure_point(claim, seed, g * K + k, batch, points) for k in range(K)] for g in range(G)]
    decide = {"rate": _decide_rate, "trend": _decide_trend, "bound": _decide_bound}[claim.statistic]
    tests = {"rate": G, "trend": G * (K - 1), "bound": 1}[claim.statistic]
    alpha_pt = stats.bonferroni(alpha, tests)
    evidence, verdict, witness = [], CONSISTENT, None
    if claim.statistic == "bound":  # the constants are shared by all grid points: one program over all of them
        verdict, ev, wit = decide(claim, [e for row in envs for e in row], batch, alpha_pt,
                                  point_seed(seed, claim.id, 0))
        witness = {"seed": seed, "batch": batch, **wit} if verdict == VIOLATED else None
        evidence.append(ev)
    else:
        for g in range(G):
            outcome, ev, wit = decide(claim, envs[g], batch, alpha_pt, point_seed(seed, claim.id, g))
            evidence.append({"point": claim.grid[g], **ev})
            if outcome == VIOLATED:
                verdict = VIOLATED
                witness = {"seed": seed, "point_index": g, "point": claim.grid[g], "batch": batch, **wit}
                break
            if outcome == INCONCLUSIVE:
                verdict = INCONCLUSIVE
    method = {"rate": "simulation; log-log slope of the mean with a bootstrap interval over repetitions",
              "trend": "simulation; Welch intervals for consecutive differences of the mean",
              "bound": "simulation; smallest constants by linear program (cvxpy), drift with a bootstrap interval"
              }[claim.statistic]
    method += f" along {name}, Bonferroni over {tests} test(s), family-wise alpha = {alpha:g}"
    return Result(claim.id, verdict, f"{method} [scenario {claim.scenario}]",
                  {"repetitions": batch, "alpha": alpha, "over": {name: list(values)}, "points": evidence}, witness)


def _params(env: dict) -> dict:
    return {s: v for s, v in env.items() if not isinstance(v, np.ndarray)}


def _decide_rate(claim, envs, batch, alpha, seed):
    x = np.array(claim.over[1], dtype=float)
    curve = Curve(x, [_side(claim.left.expr, env, batch) for env in envs])
    claimed = float(_side(claim.right.expr, _params(envs[0]), 1)[0])
    fit = fit_slope(curve, alpha, seed)
    tol, s = claim.resolution, fit.slope
    ev = {"claimed_slope": claimed, "tolerance": tol, **fit.to_json()}
    if x.size >= 4:
        ev["floor"] = fit_floor(curve, alpha, seed).to_json()
    lo_band, hi_band = {"=": (claimed - tol, claimed + tol), "<=": (-math.inf, claimed + tol),
                        ">=": (claimed - tol, math.inf)}[claim.rel]
    if s.hi < lo_band or s.lo > hi_band:
        return VIOLATED, ev, {"measured_slope": s.estimate, "interval": [s.lo, s.hi], "claimed": claimed,
                              "tolerance": tol, "means": fit.means, "over": list(claim.over[1])}
    if not lo_band <= s.estimate <= hi_band or s.half_width > tol:
        ev["note"] = (f"slope {s.estimate:.3f} with interval [{s.lo:.3f}, {s.hi:.3f}] neither inside nor outside "
                      f"the band [{lo_band:.3f}, {hi_band:.3f}]: more repetitions or a longer range are needed")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None


def _decide_trend(claim, envs, batch, alpha, seed):
    values = claim.over[1]
    samples = [_side(claim.left.expr, env, batch) for env in envs]
    means = [float(v.mean()) for v in samples]
    intervals = [stats.mean_interval(v, alpha) for v in samples]
    pairs, worst = [], None
    sign = 1.0 if claim.rel == "<=" else -1.0  # increments must be <= 0 (non-increasing) or >= 0
    for k in range(len(values) - 1):
        a, b = samples[k], samples[k + 1]
        diff = float(b.mean() - a.mean())
        va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
        se = math.sqrt(va + vb)
        df = (va + vb) ** 2 / max(va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1), 1e-300)
        q = float(scipy.stats.t.ppf(1 - alpha / 2, df)) if se > 0 else 0.0
        slack = claim.tol * max(abs(means[k]), abs(means[k + 1]))
        excess = sign * diff - q * se - slack  # > 0: the wrong-way change is significant
        pairs.append({"from": values[k], "to": values[k + 1], "difference": diff, "interval": [diff - q * se,
                                                                                                 diff + q * se]})
        if excess > 0 and (worst is None or excess > worst[0]):
            worst = (excess, k)
    ev = {"means": [iv.to_json() for iv in intervals], "differences": pairs,
          "overall_change": means[-1] - means[0]}
    if worst is not None:
        k = worst[1]
        return VIOLATED, ev, {"from": values[k], "to": values[k + 1], "mean_from": means[k],
                              "mean_to": means[k + 1], "interval": pairs[k]["interval"]}
    rel_hw = max(iv.half_width / max(abs(iv.estimate), 1e-300) for iv in intervals)
    if rel_hw > claim.resolution:
        ev["note"] = (f"a mean is known only to {rel_hw:.1%} (resolution {claim.resolution:.0%}): "
                      f"more repetitions are needed")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None


def _decide_bound(claim, envs, batch, alpha, seed):
    x = np.array([p[claim.over[0]] for p in claim.points()], dtype=float)
    consts = [c.symbol for c in claim.constants]
    rhs = claim.right.expr
    coeffs = [sp.diff(rhs, c) for c in consts]
    offset_expr = rhs.subs({c: 0 for c in consts})
    curves = [_side(claim.left.expr, env, batch) for env in envs]
    features = np.array([[float(_side(e, env, batch).mean()) for e in coeffs] for env in envs])
    offset = np.array([float(_side(offset_expr, env, batch).mean()) for env in envs])
    means = np.array([c.mean() for c in curves])
    # where no constant enters, the bound is a plain inequality: refuted when the mean is surely above it
    z = scipy.stats.norm.ppf(1 - alpha / 2)
    for k in np.flatnonzero((np.abs(features) == 0).all(axis=1)):
        lo = means[k] - z * curves[k].std(ddof=1) / math.sqrt(curves[k].size)
        if lo > offset[k]:
            return VIOLATED, {"note": "no constant enters the bound here"}, {
                "point": claim.points()[k], "measured": float(means[k]), "lower_confidence": float(lo),
                "bound": float(offset[k])}
    drift = constant_drift(x, features, offset, curves, alpha, seed)
    names = [c.name for c in claim.constants]
    # only a constant whose term changes along the swept variable can reveal a wrong exponent in it
    swept = {s for s in claim.right.expr.free_symbols if s.name == claim.over[0]}
    decided = [bool(sp.diff(rhs, c).free_symbols & swept) for c in consts]
    ev = {"tolerance": claim.resolution, "means": [float(m) for m in means], **drift.to_json(),
          "constants": dict(zip(names, drift.full.constants)),
          "decided_on": [n for n, d in zip(names, decided) if d]}
    tol = claim.resolution
    tested = [(n, e) for n, e, d in zip(names, drift.exponents, decided) if d and e is not None]
    grown = [(n, e) for n, e in tested if e.lo > tol]
    if grown:
        n, e = max(grown, key=lambda t: t[1].lo)
        return VIOLATED, ev, {"constant": n, "over": claim.over[0], "drift_exponent": e.estimate, "interval": [e.lo, e.hi],
                              "tolerance": tol, "constants_half_range": drift.half.constants,
                              "constants_full_range": drift.full.constants, "means": ev["means"]}
    unsure = [n for n, e in tested if e.estimate > tol or e.half_width > tol]
    if unsure or not tested:
        ev["note"] = (f"the drift of {', '.join(unsure)} is not resolved within {tol:g}: more repetitions are needed"
                      if unsure else f"no constant's term changes with {claim.over[0]}: nothing to decide the shape")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None
