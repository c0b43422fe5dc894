"""`dist`: lhs ~ D(params), by a Kolmogorov-Smirnov test of the instances against the claimed law."""
from __future__ import annotations

import dataclasses

from boundlab.theory.claim import ClaimError
from boundlab.theory.functions import DISTRIBUTIONS, Distribution

from .. import stats
from ..evidence import Located
from ..measure import formula_values, params_of
from ..verdict import CONSISTENT, INCONCLUSIVE, VIOLATED
from .base import detects, num
from .pointwise import Pointwise


@dataclasses.dataclass(kw_only=True)
class KsWitness(Located):
    """The instances' law is surely not the claimed one: the Kolmogorov-Smirnov distance and its p-value."""

    kind = "distribution"
    ks_statistic: float
    p_value: float
    sample_mean: float
    claimed_mean: float

    def text(self) -> str:
        return f"{self.where()}Kolmogorov-Smirnov distance {num(self.ks_statistic, '.3g')} from the claimed law " \
               f"(p-value {num(self.p_value, '.3g')}); sample mean {num(self.sample_mean)} vs {num(self.claimed_mean)}"


class Dist(Pointwise):
    """lhs ~ D(params), by a Kolmogorov-Smirnov test against the claimed law."""

    name = "dist"
    relations = ("~",)
    sequential = True
    method = "simulation; Kolmogorov-Smirnov test"
    short = "KS test"

    def validate(self, claim):
        if not isinstance(claim.right.expr, Distribution):
            raise ClaimError(claim.id, f"the right-hand side of a '~' claim must be a distribution "
                                       f"({', '.join(DISTRIBUTIONS)}), not {claim.right.source!r}")
        if claim.right.expr.free_symbols & claim.measured_symbols():
            raise ClaimError(claim.id, "the right-hand side of a 'dist' claim must not be measured")

    def text(self, claim, lhs, rhs):
        return f"{lhs} ~ {rhs}"

    def latex(self, claim, tex):
        return [" ".join(tex.lhs), rf"\sim {' '.join(tex.rhs)}"]

    def decide(self, claim, env, n, alpha):
        from boundlab.numerics.evaluate import scipy_distribution

        x = formula_values(claim.left.expr, env, n)
        try:
            law = scipy_distribution(claim.right.expr, params_of(env))
        except ValueError as exc:
            raise ClaimError(claim.id, str(exc)) from None
        stat, pvalue = stats.ks_test(x, law)
        distance = stats.detectable_ks(n, alpha)
        ev = {"ks_statistic": stat, "p_value": pvalue, "threshold": alpha, "sample_mean": float(x.mean()),
              "claimed_mean": float(law.mean()), "sample_var": float(x.var(ddof=1)), "claimed_var": float(law.var()),
              "detectable": distance, "detectable_relative": distance}
        if pvalue < alpha:
            return VIOLATED, ev, KsWitness(ks_statistic=stat, p_value=pvalue, sample_mean=float(x.mean()),
                                           claimed_mean=float(law.mean()))
        if distance > 2 * claim.resolution:  # a law's distance is absolute: the floor is 2 x resolution
            ev["note"] = (f"{n} samples detect only a Kolmogorov-Smirnov distance of {distance:.3g} or more from "
                          f"the claimed law; the floor is {2 * claim.resolution:g} (2 x resolution): too few samples "
                          f"to confirm")
            return INCONCLUSIVE, ev, None
        return CONSISTENT, ev, None

    def points_text(self, evidence, points):
        return f"smallest Kolmogorov-Smirnov p-value {num(min(p['p_value'] for p in points), '.3g')} over " \
               f"{len(points)} point(s) (threshold {num(points[0]['threshold'], '.2g')} each)"

    def power_text(self, evidence):
        return detects(evidence, f"a Kolmogorov-Smirnov distance of {num(evidence.get('detectable'), '.3g')} or more")

    def numbers(self, evidence):
        points = evidence.get("points") or []
        if not points:
            return []
        k = min(range(len(points)), key=lambda k: points[k]["p_value"])
        return [("KsPValue", f"/points/{k}/p_value", "smallest Kolmogorov-Smirnov p-value")]

    def figure(self, claim, result, seed, quick):
        from ..figures import pp_panel

        return pp_panel(claim, result, seed, quick)
