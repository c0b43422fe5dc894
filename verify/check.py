"""From a claim to a verdict: proofs and falsification for analytic claims, simulation for empirical ones."""
from __future__ import annotations

import time
import traceback

import numpy as np
import sympy as sp

from boundlab.numerics.evaluate import scipy_distribution
from boundlab.numerics.falsify import DomainError, falsify
from boundlab.numerics.limits import DEFAULT_SECONDS, TimeLimitExceeded, time_limit
from boundlab.numerics.prover import prove
from boundlab.numerics.rates import RateError
from boundlab.theory.claim import CURVES, Claim, ClaimError

from . import stats
from .measure import (CENSORED, budget, censored_text, formula_values, join_stages, measure_point, measure_stages,
                      point_seed, samples_from, stage_size, validate_grid)
from .scenarios import Refutation, ScenarioError, get_scenario
from .verdict import CONSISTENT, ERROR, HOLDS, INCONCLUSIVE, PROVED, VIOLATED, Result

COMPARE = {"=": None, "<=": np.less_equal, ">=": np.greater_equal, "<": np.less, ">": np.greater}
SEQUENTIAL = ("mean", "var", "prob", "dist")  # statistics a check may leave undecided: more instances can decide
STAGES = 5  # a sequential check draws up to 5 stages, doubling the instances at each: 16x the budget in all
STAGE_SECONDS = 10.0  # ... and no further stage once a grid point would take longer (CPU time: not the machine's load)
ZERO = 1e-6  # a claimed value below this fraction of the samples' own size is zero up to rounding


def check(claim: Claim, seed: int = 0, quick: bool = False, alpha: float = stats.DEFAULT_ALPHA,
          seconds: float | None = DEFAULT_SECONDS) -> Result:
    """The verdict on one claim; malformed input gives ERROR with a message, never an exception. A check that runs
    past `seconds` of CPU time (`boundlab.numerics.limits`; None: no limit) is INCONCLUSIVE, never a hang."""
    start = time.perf_counter()
    try:
        with time_limit(seconds):
            result = (_check_analytic(claim, seed) if claim.kind == "analytic"
                      else _check_empirical(claim, seed, quick, alpha))
            if claim.worstcase and result.verdict in HOLDS:
                result = _judge_worst_cases(claim, seed, result)
    except TimeLimitExceeded as exc:
        result = Result(claim.id, INCONCLUSIVE, "time limit",
                        {"note": f"claim {claim.id}: the check {exc} (the per-claim limit); raise it with "
                                 f"--time-limit, or lower the claim's budget", "time_limit": exc.seconds})
    except Refutation as exc:  # the scenario shows the measured quantity does not exist there (divergence)
        result = Result(claim.id, VIOLATED, "scenario refutation",
                        {"note": "the scenario refutes what the claim measures at this point"},
                        {"seed": seed, "refutation": _named(claim, exc)})
    except (ClaimError, ScenarioError, DomainError, RateError) as exc:
        result = Result(claim.id, ERROR, "input check", {"error": _named(claim, exc)})
    except Exception as exc:  # a bug or an unexpected input must still give a verdict, with its cause
        result = Result(claim.id, ERROR, "internal error",
                        {"error": _named(claim, exc), "type": type(exc).__name__,
                         "where": traceback.format_exc(limit=-2).strip().splitlines()[-3:]})
    result.expect = claim.expect
    result.seconds = time.perf_counter() - start
    return result


def _judge_worst_cases(claim: Claim, seed: int, result: Result) -> Result:
    """A claim with a worst-case program holds only if the certified constant respects its bound at every grid
    point (`boundlab.verify.worstcase`, which imports this module: hence the late import)."""
    from .worstcase import DIRECTIONS, run_worst_cases, with_worst_cases

    return with_worst_cases(claim, result, run_worst_cases(claim, seed, directions=DIRECTIONS))


def _named(claim: Claim, exc: Exception) -> str:
    """The error's message, prefixed by the claim; an exception with no message (MemoryError, StopIteration) is
    named by its type."""
    text = str(exc) or {MemoryError: "ran out of memory"}.get(type(exc), type(exc).__name__)
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
def _check_empirical(claim: Claim, seed: int, quick: bool, alpha: float) -> Result:
    if claim.statistic in CURVES:
        from .curves import check_curve
        return check_curve(claim, seed, quick, alpha)
    scenario = get_scenario(claim.scenario)
    grid = validate_grid(claim, scenario)
    if claim.statistic in ("var", "dist") and claim.right.expr.free_symbols & claim.measured_symbols():
        raise ClaimError(claim.id, f"the right-hand side of a {claim.statistic!r} claim must not be measured")
    batch = budget(claim, quick)
    stages = STAGES if claim.statistic in SEQUENTIAL else 1
    alpha_pt = stats.bonferroni(alpha, len(grid) * stages)
    decide = {"mean": _decide_mean, "var": _decide_var, "as": _decide_as, "prob": _decide_prob,
              "some": _decide_some, "dist": _decide_dist}[claim.statistic]
    points, verdict, witness = [], CONSISTENT, None
    for i in range(len(grid)):
        outcome, evidence, wit = _sequential(claim, seed, i, batch, grid, stages, alpha_pt, decide)
        evidence = {"point": claim.grid[i], **evidence}
        points.append(evidence)
        if claim.statistic == "some":  # one instance anywhere establishes it; only every point's silence refutes it
            if outcome == CONSISTENT:
                verdict = CONSISTENT
                break
            verdict = INCONCLUSIVE if outcome == INCONCLUSIVE or verdict == INCONCLUSIVE else VIOLATED
            if i + 1 == len(grid) and verdict == VIOLATED:
                witness = {"seed": seed, "batch": batch, "points": len(grid), "instances": batch * len(grid),
                           "events": 0, "detectable_rate": stats.detectable_rate(batch, alpha_pt)}
            continue
        if outcome == VIOLATED:
            verdict = VIOLATED
            witness = {"seed": seed, "point_index": i, "point": claim.grid[i], "batch": batch,
                       **({"stages": evidence["stages"]} if stages > 1 else {}),
                       "point_seed": point_seed(seed, claim.id, i), **wit}
            break
        if outcome == INCONCLUSIVE:
            verdict = INCONCLUSIVE
    method = {"mean": "simulation; Student-t interval for the mean",
              "var": "simulation; asymptotic interval for the variance (fourth moment)",
              "as": "simulation; every instance checked",
              "prob": "simulation; Clopper-Pearson interval for the probability",
              "some": "simulation; a search for one instance where the relation holds",
              "dist": "simulation; Kolmogorov-Smirnov test"}[claim.statistic]
    if stages > 1:
        method += (f", sequential (up to {stages} stages doubling the instances), Bonferroni over {len(grid)} "
                   f"point(s) x {stages} stages, family-wise alpha = {alpha:g}")
    evidence = {"samples_per_point": batch, "samples_from": samples_from(claim), "alpha": alpha, "points": points,
                **stats.power(points)}
    if points and all("tightness" in p for p in points):
        evidence["tightness"] = {"min": min(p["tightness"]["min"] for p in points),
                                 "max": max(p["tightness"]["max"] for p in points)}
    return Result(claim.id, verdict, f"{method} [scenario {claim.scenario}]", evidence, witness)


def _sequential(claim: Claim, seed: int, index: int, batch: int, grid, stages: int, alpha: float, decide):
    """Decide one grid point in up to `stages` stages (see `stage_size`), each decided at `alpha` on all the
    instances so far; Bonferroni over the stages keeps the point's error rate at stages x alpha. Stops at the first
    decision, or when the next stage (as many instances as so far: about as long) would pass STAGE_SECONDS."""
    start, parts = time.process_time(), []
    for stage in range(stages):
        parts.append(measure_point(claim, seed, index, stage_size(batch, stage), grid, stage))
        outcome, ev, wit = decide(claim, join_stages(parts), batch << stage, alpha)
        if outcome != INCONCLUSIVE or "censored" in ev:  # more lower bounds cannot decide what lower bounds cannot
            break
        if stage + 1 < stages and 2 * (time.process_time() - start) > STAGE_SECONDS:
            ev["note"] += f"; no stage after {stage + 1}: the next would pass the {STAGE_SECONDS:g} s (CPU) cap"
            break
    if stages > 1:
        ev.update(stages=stage + 1, instances=batch << stage)
        if outcome == INCONCLUSIVE:
            ev["note"] += f" (after {stage + 1} stage(s), {batch << stage} instances)"
    return outcome, ev, wit


def _scale(claimed: float, terms: list[np.ndarray]) -> float:
    """The size a precision is relative to: the claimed value's; or, when that is zero up to rounding (no relative
    precision could ever be met), the measured terms' own (the largest root mean square of the terms that add up to
    the claim, e.g. of `risk` and `exact` in E[risk - exact] = 0), so that zero is resolved to a fraction of it."""
    size = max(float(np.sqrt(np.mean(np.square(t)))) for t in terms)
    return abs(claimed) if abs(claimed) > ZERO * size else (size or 1.0)


def _decide_interval(claim: Claim, interval: stats.Interval, claimed: float, scale: float):
    """Compare an interval for the measured side with the claimed value under the claim's relation. The check
    detects (with probability at least the interval's level) a true value farther than 2 half-widths plus the
    tolerance from the claimed one: then the interval excludes the claimed value whenever it covers the truth.
    INCONCLUSIVE when the half-width exceeds resolution x scale (the power floor: a detectable deviation of at most
    2 x resolution x scale beyond the tolerance), unless a bound's interval lies wholly on its claimed side (the
    bound is then established, however wide the interval)."""
    slack = claim.tol * abs(claimed)  # an approximation claim's relative tolerance (1e-9 for an exact one)
    detectable = 2 * interval.half_width + slack
    ev = {"interval": interval.to_json(), "claimed": claimed, "relation": claim.rel, "detectable": detectable,
          "detectable_relative": stats.relative(detectable, claimed)}
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
    established = {"=": False, "<=": interval.hi <= claimed + slack, "<": interval.hi <= claimed + slack,
                   ">=": interval.lo >= claimed - slack, ">": interval.lo >= claimed - slack}[claim.rel]
    if not established and interval.half_width > claim.resolution * scale:
        ev["note"] = (f"interval half-width {interval.half_width:.3g} exceeds the resolution "
                      f"{claim.resolution:g} x {scale:.3g}: too few samples to confirm")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None


def _decide_mean(claim, env, n, alpha):
    lhs, rhs = formula_values(claim.left.expr, env, n), formula_values(claim.right.expr, env, n)
    diff = stats.mean_interval(lhs - rhs, alpha)
    claimed = float(rhs.mean())
    shifted = stats.Interval(diff.estimate + claimed, diff.lo + claimed, diff.hi + claimed, diff.n, diff.level)
    terms = [formula_values(t, env, n) for side in (claim.left.expr, claim.right.expr) for t in sp.Add.make_args(side)]
    outcome, ev, wit = _decide_interval(claim, shifted, claimed, _scale(float(np.abs(rhs).mean()), terms))
    if CENSORED in env:
        return _censored_mean(claim, env, outcome, ev, wit)
    if stats.constant(lhs - rhs):
        ev["deterministic"] = True  # all instances agree: the interval is exact, not statistics
    return outcome, ev, wit


def _censored_mean(claim, env, outcome, ev, wit):
    """E[q] REL value when some values of q are lower bounds: the interval is then one for a mean at most E[q], so
    its lower end still bounds E[q] from below. That refutes E[q] <= value (or = value) and establishes
    E[q] >= value; nothing else is decided."""
    censored = {s: m for s, m in env[CENSORED].items() if m.any()}
    if len(censored) > 1 or claim.left.expr not in censored or claim.right.expr.free_symbols & set(censored):
        raise ScenarioError(censored_text(claim, get_scenario(claim.scenario), censored) + "; only a claim on the "
                            "mean of that quantity itself can be decided on lower bounds")
    q = claim.left.expr
    ev["censored"] = int(censored[q].sum())
    lower_suffices = (outcome == VIOLATED and claim.rel in ("<=", "<", "=")
                      and ev["interval"]["lo"] > ev["claimed"]) or (outcome == CONSISTENT and claim.rel in (">=", ">"))
    if lower_suffices:
        if wit is not None:
            wit["censored"] = ev["censored"]
        return outcome, ev, wit
    ev["note"] = (censored_text(claim, get_scenario(claim.scenario), env[CENSORED]) +
                  ": the measured mean is only a lower bound on E[" + str(q) + "], which cannot decide this claim")
    return INCONCLUSIVE, ev, None


def _decide_var(claim, env, n, alpha):
    lhs, rhs = formula_values(claim.left.expr, env, n), float(formula_values(claim.right.expr, env, n)[0])
    return _decide_interval(claim, stats.variance_interval(lhs, alpha), rhs, _scale(rhs, [(lhs - lhs.mean()) ** 2]))


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


FLIP = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "=": "="}


def _event(claim, env, n):
    """Per instance, whether the event `lhs REL rhs` surely holds and whether it may hold; the sides; the excess.
    They differ only where a side is a censored quantity, known as a lower bound b: its true value t >= b makes
    `t <= r` false once b > r and `t >= r` true once b >= r, and leaves the instance undecided otherwise."""
    lhs, rhs = formula_values(claim.left.expr, env, n), formula_values(claim.right.expr, env, n)
    ok, excess = _holds(claim, lhs, rhs)
    censored = {s: m for s, m in env.get(CENSORED, {}).items() if m.any()}
    if not censored:
        return ok, ok, lhs, rhs, excess
    (q, mask), = censored.items() if len(censored) == 1 else ((None, None),)
    sides = (claim.left.expr, claim.right.expr)
    if q not in sides or any(q in side.free_symbols for side in sides if side != q):
        raise ScenarioError(censored_text(claim, get_scenario(claim.scenario), censored) + "; only a claim whose "
                            "side is that quantity itself can be decided on lower bounds")
    rel, bound, other = (claim.rel, lhs, rhs) if claim.left.expr == q else (FLIP[claim.rel], rhs, lhs)
    if rel in (">=", ">"):  # true at b stays true above b
        return ok, ok | mask, lhs, rhs, excess
    maybe = ok | (mask & (bound < other)) if rel == "=" else ok  # t = r is still possible when b < r
    return ok & ~mask, maybe, lhs, rhs, excess


def _censored_count(env) -> int:
    """How many measured values of the instances are only lower bounds."""
    return int(sum(m.sum() for m in env[CENSORED].values()))


def _undecided(claim, env, ev, undecided: int) -> None:
    """Record in the evidence that censored values leave `undecided` instances' events open."""
    ev["censored"] = _censored_count(env)
    ev["note"] = (censored_text(claim, get_scenario(claim.scenario), env[CENSORED]) +
                  f": the event is undecided on {undecided} of them, which leaves this claim open")


def _decide_as(claim, env, n, alpha):
    ok, maybe, lhs, rhs, excess = _event(claim, env, n)
    bad = int((~maybe).sum())
    rate = stats.detectable_rate(n, alpha)
    ev = {"instances": n, "violations": bad, "worst_excess": float(excess.max()),
          "rule_of_three_upper": min(1.0, 3.0 / n) if bad == 0 else None,
          "detectable": rate, "detectable_relative": rate}
    ratio = tightness(claim, lhs, rhs)
    if ratio is not None:
        ev["tightness"] = {"min": float(ratio.min()), "median": float(np.median(ratio)), "max": float(ratio.max())}
    if bad:
        i = int(np.argmax(np.where(maybe, -np.inf, excess)))
        measured = {str(s): float(v[i]) for s, v in env.items() if isinstance(v, np.ndarray)}
        wit = {"instance": i, "lhs": float(lhs[i]), "rhs": float(rhs[i]), "measured": measured, "violations": bad}
        if CENSORED in env:
            wit["censored"] = _censored_count(env)
        return VIOLATED, ev, wit
    if not ok.all():
        _undecided(claim, env, ev, int((~ok).sum()))
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None


def _decide_some(claim, env, n, alpha):
    """Some instance satisfies the relation: CONSISTENT with the first one as an example; none of n is a refutation
    at this point when an event of probability `resolution` would have shown (with probability 1 - alpha)."""
    ok, maybe, lhs, rhs, _ = _event(claim, env, n)
    rate = stats.detectable_rate(n, alpha)  # not a "detectable" deviation: a found example needs no power
    ev = {"instances": n, "events": int(ok.sum()), "smallest_revealed_rate": rate}
    if ok.any():
        i = int(np.argmax(ok))
        measured = {str(s): float(v[i]) for s, v in env.items() if isinstance(v, np.ndarray)}
        ev["example"] = {"instance": i, "lhs": float(lhs[i]), "rhs": float(rhs[i]), "measured": measured}
        return CONSISTENT, ev, None
    if maybe.any():
        _undecided(claim, env, ev, int(maybe.sum()))
        return INCONCLUSIVE, ev, None
    if rate > claim.resolution:
        ev["note"] = (f"too few to rule out an event of probability {claim.resolution:g} (the resolution): they "
                      f"reveal one of {rate:.3g} or more")
        return INCONCLUSIVE, ev, None
    return VIOLATED, ev, None


def _decide_prob(claim, env, n, alpha):
    """P(event) >= claimed by a Clopper-Pearson interval. With censored values, refuted only when it is refuted
    counting every undecided instance as an event, and established only when it is established counting none."""
    sure, maybe, _, _, _ = _event(claim, env, n)
    k, k_max = int(sure.sum()), int(maybe.sum())
    best = _decide_events(claim, env, n, alpha, k_max)
    if best[0] == VIOLATED:
        if CENSORED in env:
            best[2]["censored"] = _censored_count(env)
        return best
    worst = _decide_events(claim, env, n, alpha, k) if k < k_max else best
    if worst[0] != CONSISTENT and k < k_max:
        _undecided(claim, env, worst[1], k_max - k)
        return INCONCLUSIVE, worst[1], None
    return worst


def _decide_events(claim, env, n, alpha, k):
    """P(event) >= claimed, given k events in n instances."""
    claimed = float(formula_values(claim.probability.expr, env, 1)[0])
    interval = stats.clopper_pearson(k, n, alpha)
    shortfall = stats.detectable_shortfall(claimed, n, alpha)
    # the claim is P(event) >= claimed: refuted when the whole interval lies below it
    ev = {"interval": interval.to_json(), "claimed": claimed, "relation": ">=", "events": k,
          "detectable": shortfall, "detectable_relative": stats.relative(shortfall, claimed)}
    if interval.hi < claimed:
        return VIOLATED, ev, {"measured": interval.estimate, "interval": [interval.lo, interval.hi],
                              "claimed": claimed}
    # the power floor of a mean, relative to the claimed value, unless the interval lies wholly above it (established)
    if interval.lo < claimed and shortfall > 2 * claim.resolution * claimed:
        ev["note"] = (f"{n} trials detect only a true probability {shortfall:.3g} or more below the claimed "
                      f"{claimed:g}; the floor is {2 * claim.resolution:g} x {claimed:g} (2 x resolution): "
                      f"too few trials to confirm")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None


def _decide_dist(claim, env, n, alpha):
    x = formula_values(claim.left.expr, env, n)
    params = {s: v for s, v in env.items() if not isinstance(v, np.ndarray)}
    try:
        dist = scipy_distribution(claim.right.expr, params)
    except ValueError as exc:
        raise ClaimError(claim.id, str(exc)) from None
    stat, pvalue = stats.ks_test(x, dist)
    distance = stats.detectable_ks(n, alpha)
    ev = {"ks_statistic": stat, "p_value": pvalue, "threshold": alpha, "sample_mean": float(x.mean()),
          "claimed_mean": float(dist.mean()), "sample_var": float(x.var(ddof=1)), "claimed_var": float(dist.var()),
          "detectable": distance, "detectable_relative": distance}
    if pvalue < alpha:
        return VIOLATED, ev, {"ks_statistic": stat, "p_value": pvalue, "sample_mean": float(x.mean()),
                              "claimed_mean": float(dist.mean())}
    if distance > 2 * claim.resolution:  # a law's distance is absolute: the floor is 2 x resolution
        ev["note"] = (f"{n} samples detect only a Kolmogorov-Smirnov distance of {distance:.3g} or more from the "
                      f"claimed law; the floor is {2 * claim.resolution:g} (2 x resolution): too few samples to "
                      f"confirm")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None


def replay(claim: Claim, witness: dict) -> dict:
    """Re-run the instances of a witness (every stage it drew) and return the measured values at its instance."""
    env = measure_stages(claim, witness["seed"], witness["point_index"], witness["batch"], witness.get("stages", 1))
    i = witness.get("instance")
    out = {str(s): (float(v[i]) if i is not None else float(np.mean(v))) for s, v in env.items()
           if isinstance(v, np.ndarray)}
    if i is not None:
        n = witness["batch"]
        out["lhs"] = float(formula_values(claim.left.expr, env, n)[i])
        out["rhs"] = float(formula_values(claim.right.expr, env, n)[i])
    return out


def check_all(claims, seed: int = 0, quick: bool = False, progress=None,
              seconds: float | None = DEFAULT_SECONDS) -> list[Result]:
    """Check claims in order, each within `seconds` of CPU time; `progress(i, total, claim, result)` is called
    before (with None) and after each one."""
    results = []
    for i, claim in enumerate(claims):
        if progress:
            progress(i, len(claims), claim, None)
        res = check(claim, seed=seed, quick=quick, seconds=seconds)
        results.append(res)
        if progress:
            progress(i, len(claims), claim, res)
    return results

