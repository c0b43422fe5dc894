"""`trend`: E[lhs] is non-increasing (REL '<=') or non-decreasing ('>=') along the swept values; rhs is 0.

Over the whole sweep, Welch intervals for the change from the first to the last mean and for the least-squares
slope of the means against the rank of the swept value, with the changes between neighbours as a diagnostic;
VIOLATED when any lies wholly on the wrong side of zero; CONSISTENT when the first-to-last change or the slope lies
wholly on the claimed side (and no test found a wrong-way change), or when every mean is known to
`claim.resolution` of the sweep's scale (the largest mean, so that a mean near zero needs an absolute precision);
else INCONCLUSIVE. A monotone sequence of true means cannot fail any of these: its first-to-last change and its
slope against the rank (a positive combination of its pairwise changes) have the claimed sign.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from boundlab.theory.claim import ClaimError

from .. import stats
from ..evidence import Located, num
from ..measure import formula_values
from ..verdict import CONSISTENT, INCONCLUSIVE, VIOLATED
from .base import detects, size
from .curve import Curve


@dataclasses.dataclass(kw_only=True)
class TrendWitness(Located):
    """A change of the mean the wrong way, surely: which test saw it, between which swept values."""

    kind = "trend"
    test: str
    start: Any = dataclasses.field(metadata={"json": "from"})
    to: Any
    mean_from: float
    mean_to: float
    interval: list

    def text(self) -> str:
        moves = "rises" if self.mean_to > self.mean_from else "falls"
        what = {"fitted slope": "fitted slope of the mean per step",
                "first to last": "first-to-last difference"}.get(self.test, "difference")
        return f"{self.where()}mean {num(self.mean_from)} at {self.start} {moves} to {num(self.mean_to)} at " \
               f"{self.to} ({what} in [{num(self.interval[0])}, {num(self.interval[1])}])"


class Trend(Curve):
    """E[lhs] non-increasing (<=) or non-decreasing (>=) along `over`, by Welch intervals."""

    name = "trend"
    relations = ("<=", ">=")
    method = ("simulation; Welch intervals for the first-to-last change, the slope against the rank and the "
              "consecutive differences of the mean")
    short = "Welch intervals"
    checked_along = "intervals for the differences of consecutive means"

    def validate(self, claim):
        super().validate(claim)
        if claim.right.expr != 0:
            raise ClaimError(claim.id, "a 'trend' claim states the sign of the increments: its right-hand side is 0")

    def tests(self, grid, values):
        return grid * (values + 1)

    def text(self, claim, lhs, rhs):
        way = "non-increasing" if claim.rel == "<=" else "non-decreasing"
        return f"E[{lhs}] is {way} in {claim.over[0]}"

    def latex(self, claim, tex):
        way = "non-increasing" if claim.rel == "<=" else "non-decreasing"
        return [rf"\mathbb{{E}}\left[{' '.join(tex.lhs)}\right]", rf"\text{{ is {way} in }} {tex.over}"]

    def decide(self, claim, envs, batch, alpha, seed):
        values = claim.over[1]
        samples = [formula_values(claim.left.expr, env, batch) for env in envs]
        means = [float(v.mean()) for v in samples]
        intervals = [stats.mean_interval(v, alpha) for v in samples]
        K, scale = len(values), max(abs(m) for m in means)
        sign = 1.0 if claim.rel == "<=" else -1.0  # changes must be <= 0 (non-increasing) or >= 0
        slack = claim.tol * scale  # the claim, for '<=': mean_k <= mean_j + slack whenever j < k

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
        tests += sorted((("neighbours", k, k + 1, iv, slack) for k, iv in enumerate(steps)), key=wrong_way,
                        reverse=True)
        detectable = 2 * first_last.half_width + slack  # a wrong-way change this large fails the first-to-last test
        ev = {"means": [iv.to_json() for iv in intervals],
              "differences": [{"from": values[k], "to": values[k + 1], "difference": iv.estimate,
                               "interval": [iv.lo, iv.hi]} for k, iv in enumerate(steps)],
              "overall_change": means[-1] - means[0],
              "first_to_last": {"difference": first_last.estimate, "interval": [first_last.lo, first_last.hi]},
              "trend_slope": {"estimate": slope.estimate, "interval": [slope.lo, slope.hi], "per": "step"},
              "detectable": detectable, "detectable_relative": stats.relative(detectable, scale)}
        failed = [t for t in tests if wrong_way(t) > 0]
        if failed:
            test, a, b, iv, _ = failed[0]
            return VIOLATED, ev, TrendWitness(test=test, start=values[a], to=values[b], mean_from=means[a],
                                              mean_to=means[b], interval=[iv.lo, iv.hi])
        clear = any((iv.hi < 0) if sign > 0 else (iv.lo > 0) for iv in (first_last, slope))  # the claimed sign
        # each mean's precision relative to the sweep's scale (a mean near zero is known to an absolute precision)
        rel_hw = max(iv.half_width for iv in intervals) / max(scale, 1e-300)
        if not clear and rel_hw > claim.resolution:
            ev["note"] = (f"the direction is not clear over the sweep and a mean is known only to {rel_hw:.1%} of "
                          f"the largest (resolution {claim.resolution:.0%}): more repetitions are needed")
            return INCONCLUSIVE, ev, None
        return CONSISTENT, ev, None

    def points_text(self, evidence, points):
        return "; ".join("means " + " -> ".join(num(m["estimate"]) for m in p["means"]) for p in points)

    def power_text(self, evidence):
        return detects(evidence, f"a wrong-way change of {size(evidence)} or more from first to last")

    def numbers(self, evidence):
        points = evidence.get("points") or []
        if not points:
            return []
        last = len(points[0]["means"]) - 1
        return [("MeanFirst", "/points/0/means/0/estimate", "mean at the first swept value (first grid point)"),
                ("MeanLast", f"/points/0/means/{last}/estimate", "mean at the last swept value (first grid point)")]

    def figure_series(self, claim, result, g, envs, batch, means):
        """For the refuting grid point, the two swept values between which the mean went the wrong way (marked)."""
        w = result.witness
        if result.verdict != VIOLATED or not w or w.get("point_index") != g:
            return {}
        values = [float(v) for v in claim.over[1]]
        return {"mark": [values.index(float(w["from"])), values.index(float(w["to"]))],
                "mark_label": "wrong-way change"}
