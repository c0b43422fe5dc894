"""Curve claims (statistics `rate`, `trend`, `bound`): measured along a swept variable and decided by shape.

Asymptotic claims with unknown constants cannot be checked value by value. At every grid point the scenario is run
at each swept value (independent repetitions, one seed per point), and:
- `rate`: the log-log slope of the mean curve, with a bootstrap interval over repetitions, is compared with the
  claimed slope within `claim.resolution` (the allowance for pre-asymptotic bias). VIOLATED when the interval
  lies outside the band, CONSISTENT when the estimate lies inside it and the interval is no wider than the band,
  or, for a one-sided claim (`<=`, `>=`), when the whole interval lies on the claimed side; INCONCLUSIVE
  otherwise. The evidence adds the slopes of the two halves of the range and a floor fit, which
  show where the curve flattens.
- `trend`: over the whole sweep, Welch intervals for the change from the first to the last mean and for the
  least-squares slope of the means against the rank of the swept value, with the changes between neighbours as
  a diagnostic; VIOLATED when any lies wholly on the wrong side of zero; CONSISTENT when the first-to-last change
  or the slope lies wholly on the claimed side (and no test found a wrong-way change), or when every mean is known to `claim.resolution` of the
  sweep's scale (the largest mean, so that a mean near zero needs an absolute precision); else INCONCLUSIVE. A monotone sequence of true means cannot fail any of these:
  its first-to-last change and its slope against the rank (a positive combination of its pairwise changes) have
  the claimed sign.
- `bound`: the smallest constants (an LP, shared by all grid points) on the lower half of the swept range and on
  all of it; a constant that grows like x^e with e above `claim.resolution` (bootstrap interval) is not a
  constant: VIOLATED. Only constants whose term changes along the swept variable are judged (a constant in front
  of a term that does not cannot reveal a wrong exponent); where no constant enters, the bound is a plain
  inequality, refuted when the mean is surely above it.
All intervals are Bonferroni-corrected over the tests of the claim. A bootstrap needs at least MIN_BOOTSTRAP
repetitions of a random quantity (fewer is INCONCLUSIVE); a deterministic one (all repetitions equal) is judged
exactly, on the measured finite curve. Every point states its power: the smallest error it detects.
"""
from __future__ import annotations

import collections
import math

import numpy as np
import scipy.stats
import sympy as sp

from boundlab.numerics.rates import Curve, RateError, constant_drift, fit_floor, fit_slope
from boundlab.theory.claim import Claim

from . import stats
from .measure import budget, formula_values, measure_point, point_seed, samples_from, validate_grid
from .scenarios import get_scenario
from .verdict import CONSISTENT, INCONCLUSIVE, VIOLATED, Result

MIN_BOOTSTRAP = 8  # repetitions of a random quantity below which a bootstrap interval means nothing


def check_curve(claim: Claim, seed: int, quick: bool, alpha: float) -> Result:
    name, values = claim.over
    if claim.statistic in ("rate", "bound") and len(values) < 3:
        raise RateError(f"claim {claim.id}: a {claim.statistic} needs at least 3 values of {name} to fit a slope; "
                        f"got {len(values)} ({', '.join(f'{v:g}' for v in values)})")
    if claim.statistic == "trend" and len(values) < 2:
        raise RateError(f"claim {claim.id}: a trend needs at least 2 values of {name}, got {len(values)}")
    scenario = get_scenario(claim.scenario)
    points = validate_grid(claim, scenario)
    batch = budget(claim, quick)
    K, G = len(values), len(claim.grid)
    envs = [[measure_point(claim, seed, g * K + k, batch, points) for k in range(K)] for g in range(G)]
    decide = {"rate": _decide_rate, "trend": _decide_trend, "bound": _decide_bound}[claim.statistic]
    tests = {"rate": G, "trend": G * (K + 1), "bound": 1}[claim.statistic]
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
    exact = bool(evidence) and all(e.get("deterministic") for e in evidence)
    method = {"rate": "simulation; log-log slope of the mean with a bootstrap interval over repetitions",
              "trend": "simulation; Welch intervals for the first-to-last change, the slope against the rank and "
                       "the consecutive differences of the mean",
              "bound": "simulation; smallest constants by linear program (cvxpy), drift with a bootstrap interval"
              }[claim.statistic]
    if exact:
        method = {"rate": "simulation; exact log-log slope of the mean",
                  "bound": "simulation; smallest constants by linear program (cvxpy), exact drift"}[claim.statistic]
        method += f" along {name} (deterministic: all {batch} repetitions equal)"
    else:
        method += f" along {name}, Bonferroni over {tests} test(s), family-wise alpha = {alpha:g}"
    return Result(claim.id, verdict, f"{method} [scenario {claim.scenario}]",
                  {"repetitions": batch, "samples_from": samples_from(claim), "alpha": alpha,
                   "over": {name: list(values)}, "points": evidence, **stats.power(evidence)}, witness)


def _params(env: dict) -> dict:
    return {s: v for s, v in env.items() if not isinstance(v, np.ndarray)}


def _too_few(batch: int, exact: bool) -> str | None:
    """Why a bootstrap over `batch` repetitions cannot decide (None when it can, or when the curve is exact)."""
    if exact or batch >= MIN_BOOTSTRAP:
        return None
    return (f"a bootstrap over {batch} repetitions of a random quantity gives no interval to trust: at least "
            f"{MIN_BOOTSTRAP} are needed")


def _decide_rate(claim, envs, batch, alpha, seed):
    x = np.array(claim.over[1], dtype=float)
    curve = Curve(x, [formula_values(claim.left.expr, env, batch) for env in envs])
    claimed = float(formula_values(claim.right.expr, _params(envs[0]), 1)[0])
    exact = all(stats.constant(v) for v in curve.samples)  # deterministic: the bootstrap interval has width 0
    fit = fit_slope(curve, alpha, seed)
    tol, s = claim.resolution, fit.slope
    detectable = tol + 2 * s.half_width  # a slope off by more is outside the band whenever the interval covers it
    ev = {"claimed_slope": claimed, "relation": claim.rel, "tolerance": tol, **fit.to_json(), "detectable": detectable,
          "detectable_relative": stats.relative(detectable, claimed)}
    if exact:
        ev["deterministic"] = True
    if x.size >= 4:
        ev["floor"] = fit_floor(curve, alpha, seed).to_json()
    lo_band, hi_band = {"=": (claimed - tol, claimed + tol), "<=": (-math.inf, claimed + tol),
                        ">=": (claimed - tol, math.inf)}[claim.rel]
    few = _too_few(batch, exact)
    if few:
        ev["note"] = few
        return INCONCLUSIVE, ev, None
    if s.hi < lo_band or s.lo > hi_band:
        return VIOLATED, ev, {"measured_slope": s.estimate, "interval": [s.lo, s.hi], "claimed": claimed,
                              "tolerance": tol, "means": fit.means, "over": list(claim.over[1]),
                              **({"deterministic": True} if exact else {})}
    one_sided_inside = claim.rel != "=" and lo_band <= s.lo and s.hi <= hi_band  # wholly on the claimed side
    if not one_sided_inside and (not lo_band <= s.estimate <= hi_band or s.half_width > tol):
        ev["note"] = (f"slope {s.estimate:.3f} with interval [{s.lo:.3f}, {s.hi:.3f}] neither inside nor outside "
                      f"the band [{lo_band:.3f}, {hi_band:.3f}]: more repetitions or a longer range are needed")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None


def _decide_trend(claim, envs, batch, alpha, seed):
    values = claim.over[1]
    samples = [formula_values(claim.left.expr, env, batch) for env in envs]
    means = [float(v.mean()) for v in samples]
    intervals = [stats.mean_interval(v, alpha) for v in samples]
    K, size = len(values), max(abs(m) for m in means)
    sign = 1.0 if claim.rel == "<=" else -1.0  # changes must be <= 0 (non-increasing) or >= 0
    slack = claim.tol * size  # the claim, for '<=': mean_k <= mean_j + slack whenever j < k

    def contrast(weights):
        return stats.contrast_interval(samples, weights, alpha)

    def wrong_way(test):  # > 0: the change is surely the wrong way, beyond its slack
        _, _, _, iv, allowed = test
        return (iv.lo if sign > 0 else -iv.hi) - allowed

    steps = [contrast([0] * k + [-1, 1] + [0] * (K - k - 2)) for k in range(K - 1)]
    first_last = contrast([-1] + [0] * (K - 2) + [1])
    rank = np.arange(K) - (K - 1) / 2
    slope = contrast(rank / (rank ** 2).sum())  # per step; at most 2 slack / K under the claim
    tests = [("first to last", 0, K - 1, first_last, slack), ("fitted slope", 0, K - 1, slope, 2 * slack / K)]
    tests += sorted((("neighbours", k, k + 1, iv, slack) for k, iv in enumerate(steps)), key=wrong_way, reverse=True)
    detectable = 2 * first_last.half_width + slack  # a wrong-way change this large fails the first-to-last test
    ev = {"means": [iv.to_json() for iv in intervals],
          "differences": [{"from": values[k], "to": values[k + 1], "difference": iv.estimate,
                           "interval": [iv.lo, iv.hi]} for k, iv in enumerate(steps)],
          "overall_change": means[-1] - means[0],
          "first_to_last": {"difference": first_last.estimate, "interval": [first_last.lo, first_last.hi]},
          "trend_slope": {"estimate": slope.estimate, "interval": [slope.lo, slope.hi], "per": "step"},
          "detectable": detectable, "detectable_relative": stats.relative(detectable, size)}
    failed = [t for t in tests if wrong_way(t) > 0]
    if failed:
        test, a, b, iv, _ = failed[0]
        return VIOLATED, ev, {"test": test, "from": values[a], "to": values[b], "mean_from": means[a],
                              "mean_to": means[b], "interval": [iv.lo, iv.hi]}
    clear = any((iv.hi < 0) if sign > 0 else (iv.lo > 0) for iv in (first_last, slope))  # the claimed sign, surely
    # each mean's precision relative to the sweep's scale (a mean near zero is known to an absolute precision)
    rel_hw = max(iv.half_width for iv in intervals) / max(size, 1e-300)
    if not clear and rel_hw > claim.resolution:
        ev["note"] = (f"the direction is not clear over the sweep and a mean is known only to {rel_hw:.1%} of "
                      f"the largest (resolution {claim.resolution:.0%}): more repetitions are needed")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None


CHANGES = 1.5  # a measured coefficient whose means change less than this factor along a sweep decides no drift


def _decide_bound(claim, envs, batch, alpha, seed):
    x = np.array([p[claim.over[0]] for p in claim.points()], dtype=float)
    consts = [c.symbol for c in claim.constants]
    rhs = claim.right.expr
    coeffs = [sp.diff(rhs, c) for c in consts]
    offset_expr = rhs.subs({c: 0 for c in consts})
    curves = [formula_values(claim.left.expr, env, batch) for env in envs]
    features = np.array([[float(formula_values(e, env, batch).mean()) for e in coeffs] for env in envs])
    offset = np.array([float(formula_values(offset_expr, env, batch).mean()) for env in envs])
    means = np.array([c.mean() for c in curves])
    exact = all(stats.constant(c) for c in curves)
    few = _too_few(batch, exact)
    # where no constant enters, the bound is a plain inequality: refuted when the mean is surely above it
    z = scipy.stats.norm.ppf(1 - alpha / 2)
    for k in [] if few else np.flatnonzero((np.abs(features) == 0).all(axis=1)):
        lo = means[k] - z * curves[k].std(ddof=1) / math.sqrt(curves[k].size)
        if lo > offset[k]:
            return VIOLATED, {"note": "no constant enters the bound here"}, {
                "point": claim.points()[k], "measured": float(means[k]), "lower_confidence": float(lo),
                "bound": float(offset[k])}
    drift = constant_drift(x, features, offset, curves, alpha, seed)
    names = [c.name for c in claim.constants]
    # only a constant whose term changes along the swept variable can reveal a wrong exponent in it: a term in the
    # swept variable itself, or in a measured quantity (C1*noise_avg_risk) whose means change along the sweep within
    # a grid row by more than a factor CHANGES (not only from row to row, nor by the noise of a quantity that does
    # not depend on the swept variable, such as caulking's feature_err along n)
    swept = {s for s in rhs.free_symbols if s.name == claim.over[0]}
    given = {p.name for p in claim.params} | {c.name for c in claim.constants}
    rows = collections.defaultdict(list)
    for k, p in enumerate(claim.points()):
        rows[repr(sorted((a, v) for a, v in p.items() if a != claim.over[0]))].append(k)
    decided = [bool(coef.free_symbols & swept) or (
        any(s.name not in given for s in coef.free_symbols)
        and any(np.all(col[ks] != 0) and np.ptp(np.log(np.abs(col[ks]))) > math.log(CHANGES) for ks in rows.values()))
        for coef, col in zip(coeffs, features.T)]
    ev = {"tolerance": claim.resolution, "means": [float(m) for m in means], **drift.to_json(),
          "constants": dict(zip(names, drift.full.constants)),
          "decided_on": [n for n, d in zip(names, decided) if d]}
    tol = claim.resolution
    tested = [(n, e) for n, e, d in zip(names, drift.exponents, decided) if d and e is not None]
    if exact:
        ev["deterministic"] = True
    if tested:  # a drift beyond the tolerance by more than the interval's width is always seen
        ev["detectable"] = ev["detectable_relative"] = tol + 2 * max(e.half_width for _, e in tested)
    if few:
        ev["note"] = few
        return INCONCLUSIVE, ev, None
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
