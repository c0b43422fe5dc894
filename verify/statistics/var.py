"""`var`: Var[lhs] REL rhs, by an asymptotic interval for the variance (from the fourth central moment)."""
from __future__ import annotations

from boundlab.theory.claim import ClaimError

from .. import stats
from ..measure import formula_values
from .base import detects, size
from .pointwise import IntervalStatistic, decide_interval, scale


class Var(IntervalStatistic):
    """Var[lhs] REL rhs over the instances, by an interval from the fourth moment."""

    name = "var"
    method = "simulation; asymptotic interval for the variance (fourth moment)"
    short = "variance interval"
    figure_what = "Var"

    def validate(self, claim):
        if claim.right.expr.free_symbols & claim.measured_symbols():
            raise ClaimError(claim.id, "the right-hand side of a 'var' claim must not be measured")

    def text(self, claim, lhs, rhs):
        return f"Var[{lhs}] {claim.rel} {rhs}"

    def latex(self, claim, tex):
        return [rf"\operatorname{{Var}}\left[{' '.join(tex.lhs)}\right]", f"{tex.rel} {tex.rhs[0]}", *tex.rhs[1:]]

    def decide(self, claim, env, n, alpha):
        lhs, rhs = formula_values(claim.left.expr, env, n), float(formula_values(claim.right.expr, env, n)[0])
        return decide_interval(claim, stats.variance_interval(lhs, alpha), rhs, scale(rhs, [(lhs - lhs.mean()) ** 2]))

    def power_text(self, evidence):
        return detects(evidence, f"a deviation of {size(evidence)} or more")
