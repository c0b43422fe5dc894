"""Statistics decided grid point by grid point on a batch of instances (mean, var, as, some, prob, dist).

`Pointwise.check` draws each grid point, in stages when the statistic is sequential (doubling the instances until
it decides), Bonferroni-corrects over points and stages, and folds the points' outcomes into a verdict; a subclass
implements `decide(claim, env, n, alpha) -> (outcome, evidence, witness)` for one point. The helpers below are
shared by several of them: an interval against a claimed value, and the per-instance event `lhs REL rhs`.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from .. import stats
from ..evidence import Located, num
from ..measure import (CENSORED, budget, censored_error, censored_text, formula_values, join_stages, measure_point,
                       point_seed, samples_from, stage_size, validate_grid)
from ..verdict import CONSISTENT, INCONCLUSIVE, VIOLATED, Result
from .base import Statistic

STAGES = 5  # a sequential check draws up to 5 stages, doubling the instances at each: 16x the budget in all
STAGE_SECONDS = 10.0  # ... and no further stage once a grid point would take longer (CPU time: not the machine's load)
ZERO = 1e-6  # a claimed value below this fraction of the samples' own size is zero up to rounding


class Pointwise(Statistic):
    """A statistic decided at each grid point on its own; `method` says how, for the result."""

    method = ""

    def decide(self, claim, env: dict, n: int, alpha: float):
        """One grid point's (outcome, evidence, witness) from its measured instances `env` (quantity symbol ->
        values of shape (n,), parameter symbol -> value), at error rate `alpha`."""
        raise NotImplementedError(f"statistic {self.name} does not implement decide(claim, env, n, alpha)")

    @staticmethod
    def sides(claim, env: dict, n: int):
        """The values of the claim's left- and right-hand sides on the n instances, as arrays."""
        return formula_values(claim.left.expr, env, n), formula_values(claim.right.expr, env, n)

    def check(self, claim, seed, quick, alpha) -> Result:
        grid = validate_grid(claim)
        batch = budget(claim, quick)
        stages = STAGES if self.sequential else 1
        alpha_pt = stats.bonferroni(alpha, len(grid) * stages)
        points, outcomes = [], []
        for i in range(len(grid)):
            outcome, evidence, wit = self._sequential(claim, seed, i, batch, grid, stages, alpha_pt)
            points.append({"point": claim.grid[i], **evidence})
            outcomes.append((outcome, wit))
            if self.decisive(outcome):
                break
        verdict, witness = self.conclude(claim, seed, batch, stages, points, outcomes, alpha_pt)
        method = self.method
        if stages > 1:
            method += (f", sequential (up to {stages} stages doubling the instances), Bonferroni over {len(grid)} "
                       f"point(s) x {stages} stages, family-wise alpha = {alpha:g}")
        evidence = {"samples_per_point": batch, "samples_from": samples_from(claim), "alpha": alpha,
                    "points": points, **stats.power(points)}
        if points and all("tightness" in p for p in points):
            evidence["tightness"] = {"min": min(p["tightness"]["min"] for p in points),
                                     "max": max(p["tightness"]["max"] for p in points)}
        return Result(claim.id, verdict, f"{method} [scenario {claim.scenario}]", evidence, witness)

    def decisive(self, outcome: str) -> bool:
        """Whether one point's outcome decides the claim (no further point is drawn): a refutation."""
        return outcome == VIOLATED

    def conclude(self, claim, seed, batch, stages, points, outcomes, alpha):
        """The verdict and witness from the points' outcomes: VIOLATED at the first refuting point, INCONCLUSIVE
        when any point is open, else CONSISTENT."""
        for i, (outcome, wit) in enumerate(outcomes):
            if outcome == VIOLATED:
                return VIOLATED, dataclasses.replace(wit, seed=seed, point_index=i, point=claim.grid[i], batch=batch,
                                                     stages=points[i]["stages"] if stages > 1 else None,
                                                     point_seed=point_seed(seed, claim.id, i))
        return (INCONCLUSIVE if any(o == INCONCLUSIVE for o, _ in outcomes) else CONSISTENT), None

    def _sequential(self, claim, seed: int, index: int, batch: int, grid, stages: int, alpha: float):
        """Decide one grid point in up to `stages` stages (see `stage_size`), each decided at `alpha` on all the
        instances so far; Bonferroni over the stages keeps the point's error rate at stages x alpha. Stops at the
        first decision, or when the next stage (as many instances as so far: about as long) would pass
        STAGE_SECONDS."""
        start, parts = time.process_time(), []
        for stage in range(stages):
            parts.append(measure_point(claim, seed, index, stage_size(batch, stage), grid, stage))
            outcome, ev, wit = self.decide(claim, join_stages(parts), batch << stage, alpha)
            if outcome != INCONCLUSIVE or "censored" in ev:  # more lower bounds cannot decide what they cannot
                break
            if stage + 1 < stages and 2 * (time.process_time() - start) > STAGE_SECONDS:
                ev["note"] += f"; no stage after {stage + 1}: the next would pass the {STAGE_SECONDS:g} s (CPU) cap"
                break
        if stages > 1:
            ev.update(stages=stage + 1, instances=batch << stage)
            if outcome == INCONCLUSIVE:
                ev["note"] += f" (after {stage + 1} stage(s), {batch << stage} instances)"
        return outcome, ev, wit


# ---- an interval against a claimed value (mean, var, prob) ---------------------------------------------------
@dataclasses.dataclass(kw_only=True)
class IntervalWitness(Located):
    """The measured value's interval excludes the claimed value; `censored` values were only lower bounds."""

    kind = "interval"
    measured: float
    interval: list
    claimed: float
    censored: int | None = None

    def text(self) -> str:
        number = num if num(self.measured) != num(self.claimed) else "{:.10g}".format  # digits that differ
        return f"{self.where()}measured {number(self.measured)} in [{number(self.interval[0])}, " \
               f"{number(self.interval[1])}] vs claimed {number(self.claimed)}" + \
            (f" ({self.censored} value(s) only lower bounds: the true mean is higher still)"
             if self.censored is not None else "")


def scale(claimed: float, terms: list[np.ndarray]) -> float:
    """The size a precision is relative to: the claimed value's; or, when that is zero up to rounding (no relative
    precision could ever be met), the measured terms' own (the largest root mean square of the terms that add up to
    the claim, e.g. of `risk` and `exact` in E[risk - exact] = 0), so that zero is resolved to a fraction of it."""
    size = max(float(np.sqrt(np.mean(np.square(t)))) for t in terms)
    return abs(claimed) if abs(claimed) > ZERO * size else (size or 1.0)


def decide_interval(claim, interval: stats.Interval, claimed: float, size: float):
    """Compare an interval for the measured side with the claimed value under the claim's relation. The check
    detects (with probability at least the interval's level) a true value farther than 2 half-widths plus the
    tolerance from the claimed one: then the interval excludes the claimed value whenever it covers the truth.
    INCONCLUSIVE when the half-width exceeds resolution x size (the power floor: a detectable deviation of at most
    2 x resolution x size beyond the tolerance), unless a bound's interval lies wholly on its claimed side (the
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
        return VIOLATED, ev, IntervalWitness(measured=interval.estimate, interval=[interval.lo, interval.hi],
                                             claimed=claimed)
    established = {"=": False, "<=": interval.hi <= claimed + slack, "<": interval.hi <= claimed + slack,
                   ">=": interval.lo >= claimed - slack, ">": interval.lo >= claimed - slack}[claim.rel]
    if not established and interval.half_width > claim.resolution * size:
        ev["note"] = (f"interval half-width {interval.half_width:.3g} exceeds the resolution "
                      f"{claim.resolution:g} x {size:.3g}: too few samples to confirm")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None


class IntervalStatistic(Pointwise):
    """A statistic whose points compare an interval for a measured value with a claimed one (mean, var, prob):
    its `decide` builds the interval and calls `compare`."""

    sequential = True

    @staticmethod
    def compare(claim, interval: stats.Interval, claimed: float, size: float | None = None):
        """(outcome, evidence, witness) of `interval` against `claimed` under the claim's relation; `size` is what
        the resolution is relative to (default: the claimed value; see `decide_interval`)."""
        return decide_interval(claim, interval, claimed, abs(claimed) if size is None else size)

    def points_text(self, evidence, points) -> str:
        p = points[stats.worst_point(points)]
        iv = p["interval"]
        measured = (f"{num(iv['estimate'])} exact (all {iv['n']} instances equal)" if p.get("deterministic") else
                    f"{num(iv['estimate'])} in [{num(iv['lo'])}, {num(iv['hi'])}]")
        return f"worst of {len(points)} point(s): measured {measured} vs claimed {num(p['claimed'])}"

    def numbers(self, evidence) -> list:
        points = evidence.get("points") or []
        if not points or "interval" not in points[0]:
            return []
        k = stats.worst_point(points)
        return [("Measured", f"/points/{k}/interval/estimate",
                 f"measured value at grid point {k + 1}, the one nearest to refuting the claim"),
                ("Claimed", f"/points/{k}/claimed", f"claimed value at grid point {k + 1}")]

    def figure(self, claim, result, seed, quick):
        from ..figures import REL_MATH, interval_panel, quantity_tex

        return interval_panel(claim, result, [f"{self.figure_what} of {quantity_tex(claim, claim.left)}",
                                              f"claimed (${REL_MATH[claim.rel]}$)"])

    figure_what = "mean"  # what the figure's legend calls the measured value


# ---- the event lhs REL rhs on each instance (as, some, prob) ---------------------------------------------------
FLIP = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "=": "="}


def holds(claim, lhs, rhs):
    """Per instance, whether `lhs REL rhs` holds up to the claim's tolerance, and by how much it fails."""
    slack = claim.tol * (1.0 + np.abs(rhs))
    if claim.rel == "=":
        return np.abs(lhs - rhs) <= slack, np.abs(lhs - rhs) - slack
    margin = {"<=": lhs - rhs, "<": lhs - rhs, ">=": rhs - lhs, ">": rhs - lhs}[claim.rel]
    return margin <= slack, margin - slack


def event(claim, env, n):
    """Per instance, whether the event `lhs REL rhs` surely holds and whether it may hold; the sides; the excess.
    They differ only where a side is a censored quantity, known as a lower bound b: its true value t >= b makes
    `t <= r` false once b > r and `t >= r` true once b >= r, and leaves the instance undecided otherwise."""
    lhs, rhs = formula_values(claim.left.expr, env, n), formula_values(claim.right.expr, env, n)
    ok, excess = holds(claim, lhs, rhs)
    censored = {s: m for s, m in env.get(CENSORED, {}).items() if m.any()}
    if not censored:
        return ok, ok, lhs, rhs, excess
    (q, mask), = censored.items() if len(censored) == 1 else ((None, None),)
    sides = (claim.left.expr, claim.right.expr)
    if q not in sides or any(q in side.free_symbols for side in sides if side != q):
        raise censored_error(claim, censored, "; only a claim whose side is that quantity itself can be decided on "
                                              "lower bounds")
    rel, bound, other = (claim.rel, lhs, rhs) if claim.left.expr == q else (FLIP[claim.rel], rhs, lhs)
    if rel in (">=", ">"):  # true at b stays true above b
        return ok, ok | mask, lhs, rhs, excess
    maybe = ok | (mask & (bound < other)) if rel == "=" else ok  # t = r is still possible when b < r
    return ok & ~mask, maybe, lhs, rhs, excess


def censored_count(env) -> int:
    """How many measured values of the instances are only lower bounds."""
    return int(sum(m.sum() for m in env[CENSORED].values()))


def undecided(claim, env, ev, count: int) -> None:
    """Record in the evidence that censored values leave `count` instances' events open."""
    ev["censored"] = censored_count(env)
    ev["note"] = (censored_text(claim, env[CENSORED]) +
                  f": the event is undecided on {count} of them, which leaves this claim open")


def instance_values(env, i: int) -> dict:
    """The measured values of instance i, by quantity name."""
    return {str(s): float(v[i]) for s, v in env.items() if isinstance(v, np.ndarray)}

