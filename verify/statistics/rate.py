"""`rate`: the log-log slope of E[lhs] along the swept variable REL rhs (a closed form, e.g. -2a/(2a+1)).

The slope of the mean curve, with a bootstrap interval over repetitions, is compared with the claimed slope within
`claim.resolution` (the allowance for pre-asymptotic bias). VIOLATED when the interval lies outside the band,
CONSISTENT when the estimate lies inside it and the interval is no wider than the band, or, for a one-sided claim
(`<=`, `>=`), when the whole interval lies on the claimed side; INCONCLUSIVE otherwise. The evidence adds the slopes
of the two halves of the range and a floor fit, which show where the curve flattens.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np


from .. import stats
from ..evidence import Located, num
from ..measure import formula_values, params_of
from ..verdict import CONSISTENT, INCONCLUSIVE, VIOLATED
from .base import detects
from .curve import Curve, too_few


@dataclasses.dataclass(kw_only=True)
class SlopeWitness(Located):
    """The log-log slope's interval lies outside the claimed band; the means along the sweep show the curve."""

    kind = "slope"
    measured_slope: float
    interval: list
    claimed: float
    tolerance: float
    means: list
    over: list
    deterministic: bool | None = None

    def text(self) -> str:
        measured = "exact (deterministic)" if self.deterministic else \
            f"in [{num(self.interval[0], '.3f')}, {num(self.interval[1], '.3f')}]"
        return f"{self.where()}log-log slope {num(self.measured_slope, '.3f')} {measured} vs claimed " \
               f"{num(self.claimed, '.3f')} +- {num(self.tolerance, 'g')}"


class Rate(Curve):
    """the log-log slope of E[lhs] along `over` REL rhs, with a bootstrap interval."""

    name = "rate"
    min_values = 3
    method = "simulation; log-log slope of the mean with a bootstrap interval over repetitions"
    exact_method = "simulation; exact log-log slope of the mean"
    short = "log-log slope"
    checked_along = "the log-log slope of the mean, with a bootstrap interval over repetitions"
    log_figure = True

    def text(self, claim, lhs, rhs):
        return f"E[{lhs}] ~ {claim.over[0]}^s with log-log slope s {claim.rel} {rhs}"

    def latex(self, claim, tex):
        return [rf"\frac{{\mathrm{{d}} \log \mathbb{{E}}\left[{' '.join(tex.lhs)}\right]}}{{\mathrm{{d}} \log "
                rf"{tex.over}}}", f"{tex.rel} {tex.rhs[0]}", *tex.rhs[1:]]

    def decide(self, claim, envs, batch, alpha, seed):
        from boundlab.numerics.rates import Curve as Samples, fit_floor, fit_slope

        x = np.array(claim.over[1], dtype=float)
        curve = Samples(x, [formula_values(claim.left.expr, env, batch) for env in envs])
        claimed = float(formula_values(claim.right.expr, params_of(envs[0]), 1)[0])
        exact = all(stats.constant(v) for v in curve.samples)  # deterministic: the bootstrap interval has width 0
        fit = fit_slope(curve, alpha, seed)
        tol, s = claim.resolution, fit.slope
        detectable = tol + 2 * s.half_width  # a slope off by more is outside the band whenever the interval covers it
        ev = {"claimed_slope": claimed, "relation": claim.rel, "tolerance": tol, **fit.to_json(),
              "detectable": detectable, "detectable_relative": stats.relative(detectable, claimed)}
        if exact:
            ev["deterministic"] = True
        if x.size >= 4:
            ev["floor"] = fit_floor(curve, alpha, seed).to_json()
        lo_band, hi_band = {"=": (claimed - tol, claimed + tol), "<=": (-math.inf, claimed + tol),
                            ">=": (claimed - tol, math.inf)}[claim.rel]
        few = too_few(batch, exact)
        if few:
            ev["note"] = few
            return INCONCLUSIVE, ev, None
        if s.hi < lo_band or s.lo > hi_band:
            return VIOLATED, ev, SlopeWitness(measured_slope=s.estimate, interval=[s.lo, s.hi], claimed=claimed,
                                              tolerance=tol, means=fit.means, over=list(claim.over[1]),
                                              deterministic=True if exact else None)
        one_sided_inside = claim.rel != "=" and lo_band <= s.lo and s.hi <= hi_band  # wholly on the claimed side
        if not one_sided_inside and (not lo_band <= s.estimate <= hi_band or s.half_width > tol):
            ev["note"] = (f"slope {s.estimate:.3f} with interval [{s.lo:.3f}, {s.hi:.3f}] neither inside nor "
                          f"outside the band [{lo_band:.3f}, {hi_band:.3f}]: more repetitions or a longer range are "
                          f"needed")
            return INCONCLUSIVE, ev, None
        return CONSISTENT, ev, None

    def points_text(self, evidence, points):
        return "; ".join(f"slope {num(p['slope']['estimate'], '.3f')} "
                         + (f"exact (deterministic: all {evidence['repetitions']} repetitions equal)"
                            if p.get("deterministic")
                            else f"in [{num(p['slope']['lo'], '.3f')}, {num(p['slope']['hi'], '.3f')}]")
                         + f" vs claimed {num(p['claimed_slope'], '.3f')} +- {num(p['tolerance'], 'g')}"
                         for p in points)

    def power_text(self, evidence):
        return detects(evidence, f"a slope off by {num(evidence.get('detectable'), '.3g')} or more")

    def numbers(self, evidence):
        points = evidence.get("points") or []
        if not points:
            return []
        k = stats.worst_point(points, "slope", "claimed_slope")
        return [*[(what, f"/points/{k}/slope/{key}", f"fitted log-log slope ({key}) at grid point {k + 1}")
                  for what, key in (("Slope", "estimate"), ("SlopeLow", "lo"), ("SlopeHigh", "hi"))],
                ("ClaimedSlope", f"/points/{k}/claimed_slope", "claimed slope")]

    def figure_series(self, claim, result, g, envs, batch, means):
        points = result.evidence["points"]
        if g >= len(points):
            return {}
        lx, ly = np.log(claim.over[1]), np.log(np.maximum(means, 1e-300))
        return {"fitted_slope": points[g]["slope"]["estimate"], "claimed_slope": points[g]["claimed_slope"],
                "center": [float(np.exp(lx.mean())), float(np.exp(ly.mean()))]}
