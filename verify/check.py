"""From a claim to a verdict: proofs and falsification for analytic claims, simulation for empirical ones."""
from __future__ import annotations

import contextlib
import hashlib
import time
import traceback

import numpy as np
import sympy as sp
import torch

from numerics.falsify import DomainError, falsify, hypotheses_mask, sample_points
from numerics.prover import prove
from numerics.evaluate import evaluate, scipy_distribution
from numerics.rates import RateError
from theory.claim import CURVES, Claim, ClaimError

from . import stats
from .scenarios import ScenarioError, get_scenario
from .verdict import CONSISTENT, ERROR, INCONCLUSIVE, PROVED, VIOLATED, Result

COMPARE = {"=": None, "<=": np.less_equal, ">=": np.greater_equal, "<": np.less, ">": np.greater}


def point_seed(seed: int, claim_id: str, index: int) -> int:
    """A seed for one grid point, derived from the run's seed so that every draw is replayable."""
    digest = hashlib.sha256(f"{seed}:{claim_id}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "little") % (2 ** 63)


def budget(claim: Claim, quick: bool) -> int:
    """Instances per grid point: the claim's own, or with --quick half of it (at least 2000; for curve claims,
    whose instances are whole training runs, at least 8 repetitions)."""
    if not quick:
        return claim.samples
    floor = 8 if claim.statistic in CURVES else 2000
    return min(claim.samples, max(floor, claim.samples // 2))


def check(claim: Claim, seed: int = 0, quick: bool = False, alpha: float = stats.DEFAULT_ALPHA) -> Result:
    """The verdict on one claim; malformed input gives ERROR with a message, never an exception."""
    start = time.perf_counter()
    try:
        result = (_check_analytic(claim, seed) if claim.kind == "analytic"
                  else _check_empirical(claim, seed, quick, alpha))
    except (ClaimError, ScenarioError, DomainError, RateError) as exc:
        result = Result(claim.id, ERROR, "input check", {"error": _named(claim, exc)})
    except Exception as exc:  # a bug or an unexpected input must still give a verdict, with its cause
        result = Result(claim.id, ERROR, "internal error",
                        {"error": _named(claim, exc), "type": type(exc).__name__,
                         "where": traceback.format_exc(limit=-2).strip().splitlines()[-3:]})
    result.expect = claim.expect
    result.seconds = time.perf_counter() - start
    return result


def _named(claim: Claim, exc: Exception) -> str:
    text = str(exc)
    return text if text.startswith(f"claim {claim.id}") else f"claim {claim.id}: {text}"


# ---- analytic claims ------------------------------------------------------------------------------------
def _check_analytic(claim: Claim, seed: int) -> Result:
    search = falsify(claim, seed)  # also rejects contradictory hypotheses, before any proof is attempted
    if search.counterexample is not None:
        return Result(claim.id, VIOLATED, "falsification search (sampling, Nelder-Mead, mpmath 50 digits)",
                      {"points": search.points}, search.counterexample)
    proof = prove(claim)
    if proof is not None:
        return Result(claim.id, PROVED, proof.method, {"certificate": proof.certificate})
    return Result(claim.id, CONSISTENT, "falsification search (sampling, Nelder-Mead, mpmath 50 digits)",
                  {"points": search.points, "worst_relative_gap": search.worst_gap,
                   "worst_point": search.worst_point, "note": "no proof found; no counterexample either"})


# ---- empirical claims -----------------------------------------------------------------------------------
def _validate_grid(claim: Claim, scenario) -> list[tuple[dict, dict]]:
    """Grid points split into parameter values and scenario input; errors name the point and the cause."""
    if claim.conditions and claim.params:
        pts = sample_points(claim, np.random.default_rng(0), 2000)
        if len(next(iter(pts.values()))) and not hypotheses_mask(claim, pts).any():
            raise DomainError(f"claim {claim.id}: no point of the parameter domains satisfies the hypotheses "
                              f"({', '.join(h.source for h in claim.conditions)}): they look contradictory")
    used = {s for f in (claim.left, claim.right, claim.probability) if f is not None for s in f.expr.free_symbols}
    if claim.statistic == "dist":
        used |= {s for a in claim.right.expr.args for s in a.free_symbols}
    needed = {p.name for p in claim.params if p.symbol in used or p.symbol in claim.conditions_symbols()}
    needed -= {c.name for c in claim.constants}
    out = []
    for i, point in enumerate(claim.points()):
        values, options = claim.split_point(point)
        missing = sorted(needed - set(values))
        if missing:
            raise ClaimError(claim.id, f"grid point {i} ({point}) gives no value for {', '.join(missing)}")
        bad = claim.violated_hypotheses(values)
        if bad:
            raise ClaimError(claim.id, f"grid point {i} ({point}) is outside the claim's hypotheses: "
                                       + "; ".join(bad))
        sc_point = {**{k: v for k, v in values.items() if k in scenario.inputs}, **options}
        out.append((values, sc_point))
    return out


_MEASURED: list[dict] = []  # while reuse_measurements() is active: scenario outputs by their inputs


@contextlib.contextmanager
def reuse_measurements():
    """Within this block, a claim measured again at the same point, seed and budget (e.g. a mutant of it, which
    keeps its id) reuses the scenario's output: the same instances, and no second simulation."""
    _MEASURED.append({})
    try:
        yield
    finally:
        _MEASURED.pop()


def measure_point(claim: Claim, seed: int, index: int, batch: int, grid=None) -> dict:
    """Run the scenario at grid point `index`: the values of the claim's symbols, measured ones as arrays.
    `grid` is the claim's validated grid when the caller has it already."""
    scenario = get_scenario(claim.scenario)
    values, sc_point = (grid if grid is not None else _validate_grid(claim, scenario))[index]
    wanted = {s.name for s in claim.measured_symbols()}
    key = (claim.id, claim.scenario, repr(sorted(sc_point.items())), seed, index, batch, tuple(sorted(wanted)))
    data = _MEASURED[-1].get(key) if _MEASURED else None
    if data is None:
        gen = torch.Generator().manual_seed(point_seed(seed, claim.id, index))
        data = scenario.run(sc_point, batch, gen, wanted)
        if _MEASURED:
            _MEASURED[-1][key] = data
    env = {claim.param(k).symbol: float(v) for k, v in values.items()}
    env.update({q.symbol: data[q.name] for q in claim.quantities if q.name in data})
    return env


def _side(expr: sp.Expr, env: dict, n: int) -> np.ndarray:
    with np.errstate(all="ignore"):
        val = evaluate(expr, env) if expr.free_symbols else float(expr)
    arr = np.broadcast_to(np.asarray(val, dtype=np.float64), (n,))
    if not np.isfinite(arr).all():
        raise ScenarioError(f"the claim evaluates to a non-finite value ({int((~np.isfinite(arr)).sum())} of {n} "
                            f"instances): a division by zero or an overflow in the formula at these parameters")
    return arr


def _check_empirical(claim: Claim, seed: int, quick: bool, alpha: float) -> Result:
    if claim.statistic in CURVES:
        from .curves import check_curve
        return check_curve(claim, seed, quick, alpha)
    scenario = get_scenario(claim.scenario)
    grid = _validate_grid(claim, scenario)
    if claim.statistic in ("var", "dist") and claim.right.expr.free_symbols & claim.measured_symbols():
        raise ClaimError(claim.id, f"the right-hand side of a {claim.statistic!r} claim must not be measured")
    batch = budget(claim, quick)
    alpha_pt = stats.bonferroni(alpha, len(grid))
    decide = {"mean": _decide_mean, "var": _decide_var, "as": _decide_as, "prob": _decide_prob,
              "dist": _decide_dist}[claim.statistic]
    points, verdict, witness = [], CONSISTENT, None
    for i in range(len(grid)):
        env = measure_point(claim, seed, i, batch, grid)
        outcome, evidence, wit = decide(claim, env, batch, alpha_pt)
        evidence = {"point": claim.grid[i], **evidence}
        points.append(evidence)
        if outcome == VIOLATED:
            verdict = VIOLATED
            witness = {"seed": seed, "point_index": i, "point": claim.grid[i], "batch": batch,
                       "point_seed": point_seed(seed, claim.id, i), **wit}
            break
        if outcome == INCONCLUSIVE:
            verdict = INCONCLUSIVE
    method = {"mean": "simulation; Student-t interval for the mean",
              "var": "simulation; asymptotic interval for the variance (fourth moment)",
              "as": "simulation; every instance checked",
              "prob": "simulation; Clopper-Pearson interval for the probability",
              "dist": "simulation; Kolmogorov-Smirnov test"}[claim.statistic]
    if claim.statistic != "as":
        method += f", Bonferroni over {len(grid)} point(s), family-wise alpha = {alpha:g}"
    evidence = {"samples_per_point": batch, "alpha": alpha, "points": points}
    if points and all("tightness" in p for p in points):
        evidence["tightness"] = {"min": min(p["tightness"]["min"] for p in points),
                                 "max": max(p["tightness"]["max"] for p in points)}
    return Result(claim.id, verdict, f"{method} [scenario {claim.scenario}]", evidence, witness)


def _scale(values: np.ndarray) -> float:
    s = float(np.mean(np.abs(values)))
    return s if s > 0 else 1.0


def _decide_interval(claim: Claim, interval: stats.Interval, claimed: float, scale: float):
    """Compare an interval for the measured side with the claimed value under the claim's relation."""
    ev = {"interval": interval.to_json(), "claimed": claimed}
    slack = claim.tol * abs(claimed)  # an approximation claim's relative tolerance (1e-9 for an exact one)
    if slack > 1e-9 * abs(claimed):
        ev["tolerance"] = slack
    if claim.rel == "=":
        violated = interval.hi < claimed - slack or interval.lo > claimed + slack
    elif claim.rel in ("<=", "<"):
        violated = interval.lo > claimed + slack
    else:
        violated = interval.hi < claimed - slack
    if violated:
        return VIOLATED, ev, {"measured": interval.estimate, "interval": [interval.lo, interval.hi],
                              "claimed": claimed}
    if interval.half_width > claim.resolution * scale:
        ev["note"] = (f"interval half-width {interval.half_width:.3g} exceeds the resolution "
                      f"{claim.resolution:g} x {scale:.3g}: too few samples to confirm")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None


def _decide_mean(claim, env, n, alpha):
    lhs, rhs = _side(claim.left.expr, env, n), _side(claim.right.expr, env, n)
    diff = stats.mean_interval(lhs - rhs, alpha)
    claimed = float(rhs.mean())
    shifted = stats.Interval(diff.estimate + claimed, diff.lo + claimed, diff.hi + claimed, diff.n, diff.level)
    return _decide_interval(claim, shifted, claimed, _scale(rhs))


def _decide_var(claim, env, n, alpha):
    lhs, rhs = _side(claim.left.expr, env, n), float(_side(claim.right.expr, env, n)[0])
    return _decide_interval(claim, stats.variance_interval(lhs, alpha), rhs, abs(rhs) or 1.0)


def _holds(claim, lhs, rhs):
    slack = claim.tol * (1.0 + np.abs(rhs))
    if claim.rel == "=":
        return np.abs(lhs - rhs) <= slack, np.abs(lhs - rhs) - slack
    margin = {"<=": lhs - rhs, "<": lhs - rhs, ">=": rhs - lhs, ">": rhs - lhs}[claim.rel]
    return margin <= slack, margin - slack


def tightness(claim, lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray | None:
    """Per instance, how much of the bound the measured side uses: the claimed-smaller side over the larger.
    None for an identity, or when the larger side is not positive everywhere."""
    small, big = (lhs, rhs) if claim.rel in ("<=", "<") else (rhs, lhs)
    return small / big if claim.rel != "=" and (big > 0).all() else None


def _decide_as(claim, env, n, alpha):
    lhs, rhs = _side(claim.left.expr, env, n), _side(claim.right.expr, env, n)
    ok, excess = _holds(claim, lhs, rhs)
    bad = int((~ok).sum())
    ev = {"instances": n, "violations": bad, "worst_excess": float(excess.max()),
          "rule_of_three_upper": min(1.0, 3.0 / n) if bad == 0 else None}
    ratio = tightness(claim, lhs, rhs)
    if ratio is not None:
        ev["tightness"] = {"min": float(ratio.min()), "median": float(np.median(ratio)), "max": float(ratio.max())}
    if bad:
        i = int(np.argmax(excess))
        measured = {str(s): float(v[i]) for s, v in env.items() if isinstance(v, np.ndarray)}
        return VIOLATED, ev, {"instance": i, "lhs": float(lhs[i]), "rhs": float(rhs[i]), "measured": measured,
                              "violations": bad}
    return CONSISTENT, ev, None


def _decide_prob(claim, env, n, alpha):
    lhs, rhs = _side(claim.left.expr, env, n), _side(claim.right.expr, env, n)
    k = int(_holds(claim, lhs, rhs)[0].sum())
    claimed = float(_side(claim.probability.expr, env, 1)[0])
    interval = stats.clopper_pearson(k, n, alpha)
    # the claim is P(event) >= claimed: refuted when the whole interval lies below it
    ev = {"interval": interval.to_json(), "claimed": claimed, "events": k}
    if interval.hi < claimed:
        return VIOLATED, ev, {"measured": interval.estimate, "interval": [interval.lo, interval.hi],
                              "claimed": claimed}
    return CONSISTENT, ev, None


def _decide_dist(claim, env, n, alpha):
    x = _side(claim.left.expr, env, n)
    params = {s: v for s, v in env.items() if not isinstance(v, np.ndarray)}
    try:
        dist = scipy_distribution(claim.right.expr, params)
    except ValueError as exc:
        raise ClaimError(claim.id, str(exc)) from None
    stat, pvalue = stats.ks_test(x, dist)
    ev = {"ks_statistic": stat, "p_value": pvalue, "threshold": alpha, "sample_mean": float(x.mean()),
          "claimed_mean": float(dist.mean()), "sample_var": float(x.var(ddof=1)), "claimed_var": float(dist.var())}
    if pvalue < alpha:
        return VIOLATED, ev, {"ks_statistic": stat, "p_value": pvalue, "sample_mean": float(x.mean()),
                              "claimed_mean": float(dist.mean())}
    return CONSISTENT, ev, None


def replay(claim: Claim, witness: dict) -> dict:
    """Re-run the instance batch of a witness and return the measured values at its instance."""
    env = measure_point(claim, witness["seed"], witness["point_index"], witness["batch"])
    i = witness.get("instance")
    out = {str(s): (float(v[i]) if i is not None else float(np.mean(v))) for s, v in env.items()
           if isinstance(v, np.ndarray)}
    if i is not None:
        n = witness["batch"]
        out["lhs"] = float(_side(claim.left.expr, env, n)[i])
        out["rhs"] = float(_side(claim.right.expr, env, n)[i])
    return out


def check_all(claims, seed: int = 0, quick: bool = False, progress=None) -> list[Result]:
    """Check claims in order; `progress(i, total, claim, result)` is called after each one."""
    results = []
    for i, claim in enumerate(claims):
        if progress:
            progress(i, len(claims), claim, None)
        res = check(claim, seed=seed, quick=quick)
        results.append(res)
        if progress:
            progress(i, len(claims), claim, res)
    return results

