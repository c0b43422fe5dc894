"""Curve statistics (rate, trend, bound): measured along a swept variable and decided by shape.

Asymptotic claims with unknown constants cannot be checked value by value. At every grid point the scenario is run
at each swept value (independent repetitions, one seed per point); a subclass decides the curves (`decide`, one
grid point's curve; or `decide_all`, every curve at once when its unknowns are shared by the grid points, as a
bound's constants are). All intervals are Bonferroni-corrected over the claim's `tests`. A bootstrap needs at least
MIN_BOOTSTRAP repetitions of a random quantity (fewer is INCONCLUSIVE); a deterministic one (all repetitions equal)
is judged exactly, on the measured finite curve. Every point states its power: the smallest error it detects.
"""
from __future__ import annotations

import dataclasses

from boundlab.theory.claim import ClaimError

from .. import stats
from ..measure import budget, measure_point, point_seed, samples_from, validate_grid
from ..verdict import CONSISTENT, INCONCLUSIVE, VIOLATED, Result
from .base import Statistic

MIN_BOOTSTRAP = 8  # repetitions of a random quantity below which a bootstrap interval means nothing


class Curve(Statistic):
    """A statistic on the mean curve along `over`; `method` and `exact_method` say how (random and deterministic
    curves), `min_values` how many swept values it needs."""

    curve = True
    relations = ("=", "<=", ">=")
    method = exact_method = ""
    min_values = 2

    def validate(self, claim):
        if claim.constants:
            raise ClaimError(claim.id, "only 'bound' claims have free constants")
        if claim.right.expr.free_symbols & claim.measured_symbols():
            raise ClaimError(claim.id, f"the right-hand side of a {self.name!r} claim must not be measured")

    def tests(self, grid: int, values: int) -> int:
        """The number of intervals the claim's family-wise error rate is split over."""
        return grid

    def check(self, claim, seed, quick, alpha) -> Result:
        from boundlab.numerics.rates import RateError

        name, values = claim.over
        if len(values) < self.min_values:
            raise RateError(f"claim {claim.id}: a {self.name} needs at least {self.min_values} values of {name}"
                            + (" to fit a slope" if self.min_values >= 3 else "") + f"; got {len(values)} "
                            f"({', '.join(f'{v:g}' for v in values)})")
        points = validate_grid(claim)
        batch = budget(claim, quick)
        K, G = len(values), len(claim.grid)
        envs = [[measure_point(claim, seed, g * K + k, batch, points) for k in range(K)] for g in range(G)]
        tests = self.tests(G, K)
        verdict, evidence, witness = self.decide_all(claim, envs, batch, stats.bonferroni(alpha, tests), seed)
        if all(e.get("deterministic") for e in evidence) and evidence and self.exact_method:
            method = self.exact_method + f" along {name} (deterministic: all {batch} repetitions equal)"
        else:
            method = self.method + f" along {name}, Bonferroni over {tests} test(s), family-wise alpha = {alpha:g}"
        return Result(claim.id, verdict, f"{method} [scenario {claim.scenario}]",
                      {"repetitions": batch, "samples_from": samples_from(claim), "alpha": alpha,
                       "over": {name: list(values)}, "points": evidence, **stats.power(evidence)}, witness)

    def decide_all(self, claim, envs, batch, alpha, seed):
        """Decide each grid point's curve in turn, stopping at the first refutation: (verdict, evidence, witness)."""
        evidence, verdict, witness = [], CONSISTENT, None
        for g, row in enumerate(envs):
            outcome, ev, wit = self.decide(claim, row, batch, alpha, point_seed(seed, claim.id, g))
            evidence.append({"point": claim.grid[g], **ev})
            if outcome == VIOLATED:
                return VIOLATED, evidence, dataclasses.replace(wit, seed=seed, point_index=g, point=claim.grid[g],
                                                               batch=batch)
            if outcome == INCONCLUSIVE:
                verdict = INCONCLUSIVE
        return verdict, evidence, witness

    def decide(self, claim, envs, batch, alpha, seed):
        raise NotImplementedError

    log_figure = False  # the figure's axes are log-log

    def figure(self, claim, result, seed, quick):
        from ..figures import curve_panel

        return curve_panel(claim, result, seed, quick, self.figure_series, log=self.log_figure)

    def figure_series(self, claim, result, g: int, envs: list, batch: int, means: list) -> dict:
        """Extra lines of grid point g's curve in the figure (a fitted slope, a fitted bound), from its measured
        points `envs` along the sweep and their means."""
        return {}


def too_few(batch: int, exact: bool) -> str | None:
    """Why a bootstrap over `batch` repetitions cannot decide (None when it can, or when the curve is exact)."""
    if exact or batch >= MIN_BOOTSTRAP:
        return None
    return (f"a bootstrap over {batch} repetitions of a random quantity gives no interval to trust: at least "
            f"{MIN_BOOTSTRAP} are needed")
