"""`mean`: E[lhs] REL rhs, by a Student-t interval for the mean of lhs - rhs over the instances."""
from __future__ import annotations

import numpy as np
import sympy as sp

from .. import stats
from ..measure import CENSORED, censored_error, censored_text, formula_values
from ..verdict import CONSISTENT, INCONCLUSIVE, VIOLATED
from .base import detects, size
from .pointwise import IntervalStatistic, decide_interval, scale


class Mean(IntervalStatistic):
    """E[lhs] REL rhs over the instances, by a Student-t interval."""

    name = "mean"
    method = "simulation; Student-t interval for the mean"
    short = "t-interval"
    lower_bounds = True

    def text(self, claim, lhs, rhs):
        return f"E[{lhs}] {claim.rel} {rhs}"

    def latex(self, claim, tex):
        return [rf"\mathbb{{E}}\left[{' '.join(tex.lhs)}\right]", f"{tex.rel} {tex.rhs[0]}", *tex.rhs[1:]]

    def decide(self, claim, env, n, alpha):
        lhs, rhs = formula_values(claim.left.expr, env, n), formula_values(claim.right.expr, env, n)
        diff = stats.mean_interval(lhs - rhs, alpha)
        claimed = float(rhs.mean())
        shifted = stats.Interval(diff.estimate + claimed, diff.lo + claimed, diff.hi + claimed, diff.n, diff.level)
        terms = [formula_values(t, env, n) for side in (claim.left.expr, claim.right.expr)
                 for t in sp.Add.make_args(side)]
        outcome, ev, wit = decide_interval(claim, shifted, claimed, scale(float(np.abs(rhs).mean()), terms))
        if CENSORED in env:
            return _censored(claim, env, outcome, ev, wit)
        if stats.constant(lhs - rhs):
            ev["deterministic"] = True  # all instances agree: the interval is exact, not statistics
        return outcome, ev, wit

    def power_text(self, evidence):
        return detects(evidence, f"a deviation of {size(evidence)} or more")


def _censored(claim, env, outcome, ev, wit):
    """E[q] REL value when some values of q are lower bounds: the interval is then one for a mean at most E[q], so
    its lower end still bounds E[q] from below. That refutes E[q] <= value (or = value) and establishes
    E[q] >= value; nothing else is decided."""
    censored = {s: m for s, m in env[CENSORED].items() if m.any()}
    if len(censored) > 1 or claim.left.expr not in censored or claim.right.expr.free_symbols & set(censored):
        raise censored_error(claim, censored, "; only a claim on the mean of that quantity itself can be decided on "
                                              "lower bounds")
    q = claim.left.expr
    ev["censored"] = int(censored[q].sum())
    lower_suffices = (outcome == VIOLATED and claim.rel in ("<=", "<", "=")
                      and ev["interval"]["lo"] > ev["claimed"]) or (outcome == CONSISTENT and claim.rel in (">=", ">"))
    if lower_suffices:
        if wit is not None:
            wit.censored = ev["censored"]
        return outcome, ev, wit
    ev["note"] = (censored_text(claim, env[CENSORED]) +
                  ": the measured mean is only a lower bound on E[" + str(q) + "], which cannot decide this claim")
    return INCONCLUSIVE, ev, None
