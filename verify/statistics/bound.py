"""`bound`: there are constants c >= 0 (`constants`) with E[lhs] <= rhs(c) at every point; rhs is linear in c.

The smallest constants (an LP, shared by all grid points) on the lower half of the swept range and on all of it;
a constant that grows like x^e with e above `claim.resolution` (bootstrap interval) is not a constant: VIOLATED.
Only constants whose term changes along the swept variable are judged (a constant in front of a term that does not
cannot reveal a wrong exponent); where no constant enters, the bound is a plain inequality, refuted when the mean
is surely above it.
"""
from __future__ import annotations

import collections
import dataclasses
import math

import numpy as np
import sympy as sp

from boundlab.theory.claim import ClaimError

from .. import stats
from ..evidence import Located, num
from ..measure import formula_values, point_seed
from ..verdict import CONSISTENT, INCONCLUSIVE, VIOLATED
from .base import detects
from .curve import Curve, too_few

CHANGES = 1.5  # a measured coefficient whose means change less than this factor along a sweep decides no drift


@dataclasses.dataclass(kw_only=True)
class DriftWitness(Located):
    """A 'constant' that grows with the swept range: its drift exponent's interval lies above the tolerance."""

    kind = "drift"
    constant: str
    over: str
    drift_exponent: float
    interval: list
    tolerance: float
    constants_half_range: list
    constants_full_range: list
    means: list

    def text(self) -> str:
        return f"{self.where()}constant {self.constant} grows like {self.over}^{num(self.drift_exponent, '.3f')} " \
               f"(interval [{num(self.interval[0], '.3f')}, {num(self.interval[1], '.3f')}], tolerance " \
               f"{num(self.tolerance, 'g')}) as the range grows"


@dataclasses.dataclass(kw_only=True)
class AboveBound(Located):
    """Where no constant enters, the mean lies surely above the bound."""

    kind = "above bound"
    measured: float
    lower_confidence: float
    bound: float

    def text(self) -> str:
        return f"{self.where()}mean {num(self.measured)} (lower confidence end {num(self.lower_confidence)}) above " \
               f"the bound {num(self.bound)}, where no constant enters it"


class Bound(Curve):
    """E[lhs] <= rhs(C) for constants C >= 0 along `over`, the smallest C by an LP, refuted when they drift."""

    name = "bound"
    relations = ("<=",)
    method = "simulation; smallest constants by linear program (cvxpy), drift with a bootstrap interval"
    exact_method = "simulation; smallest constants by linear program (cvxpy), exact drift"
    short = "LP constants"
    checked_along = "the smallest constants (a linear program) and their drift as the range grows"
    min_values = 3
    log_figure = True

    def validate(self, claim):
        consts = [c.symbol for c in claim.constants]
        if not consts:
            raise ClaimError(claim.id, "a 'bound' claim declares its free constants, e.g. constants=(C1, C2)")
        if not set(consts) <= claim.right.expr.free_symbols:
            raise ClaimError(claim.id, "every declared constant must appear in the right-hand side")
        if (claim.left.expr.free_symbols | claim.conditions_symbols()) & set(consts):
            raise ClaimError(claim.id, "the free constants may appear only in the right-hand side")
        for c in consts:
            if sp.diff(claim.right.expr, c).free_symbols & set(consts):
                raise ClaimError(claim.id, f"the right-hand side must be linear in the constants; it is not in {c}")

    def tests(self, grid, values):
        return 1  # one program over all grid points

    def text(self, claim, lhs, rhs):
        consts = ", ".join(c.name for c in claim.constants)
        return f"E[{lhs}] {claim.rel} {rhs} for some constants {consts} >= 0"

    def latex(self, claim, tex):
        consts = ", ".join(c.latex for c in claim.constants)
        return [rf"\exists\, {consts} \ge 0:\quad \mathbb{{E}}\left[{' '.join(tex.lhs)}\right]",
                f"{tex.rel} {tex.rhs[0]}", *tex.rhs[1:]]

    def decide_all(self, claim, envs, batch, alpha, seed):
        """The constants are shared by all grid points: one program over every measured point."""
        verdict, ev, wit = self.decide(claim, [e for row in envs for e in row], batch, alpha,
                                       point_seed(seed, claim.id, 0))
        return verdict, [ev], (dataclasses.replace(wit, seed=seed, batch=batch) if verdict == VIOLATED else None)

    def decide(self, claim, envs, batch, alpha, seed):
        from boundlab.numerics.rates import constant_drift

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
        few = too_few(batch, exact)
        # where no constant enters, the bound is a plain inequality: refuted when the mean is surely above it
        z = stats.normal_quantile(alpha)
        for k in [] if few else np.flatnonzero((np.abs(features) == 0).all(axis=1)):
            lo = means[k] - z * curves[k].std(ddof=1) / math.sqrt(curves[k].size)
            if lo > offset[k]:
                return VIOLATED, {"note": "no constant enters the bound here"}, AboveBound(
                    point=claim.points()[k], measured=float(means[k]), lower_confidence=float(lo),
                    bound=float(offset[k]))
        drift = constant_drift(x, features, offset, curves, alpha, seed)
        names = [c.name for c in claim.constants]
        # only a constant whose term changes along the swept variable can reveal a wrong exponent in it: a term in
        # the swept variable itself, or in a measured quantity (C1*noise_avg_risk) whose means change along the
        # sweep within a grid row by more than a factor CHANGES (not only from row to row, nor by the noise of a
        # quantity that does not depend on the swept variable, such as caulking's feature_err along n)
        swept = {s for s in rhs.free_symbols if s.name == claim.over[0]}
        given = {p.name for p in claim.params} | {c.name for c in claim.constants}
        rows = collections.defaultdict(list)
        for k, p in enumerate(claim.points()):
            rows[repr(sorted((a, v) for a, v in p.items() if a != claim.over[0]))].append(k)
        decided = [bool(coef.free_symbols & swept) or (
            any(s.name not in given for s in coef.free_symbols)
            and any(np.all(col[ks] != 0) and np.ptp(np.log(np.abs(col[ks]))) > math.log(CHANGES)
                    for ks in rows.values()))
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
            return VIOLATED, ev, DriftWitness(constant=n, over=claim.over[0], drift_exponent=e.estimate,
                                              interval=[e.lo, e.hi], tolerance=tol,
                                              constants_half_range=drift.half.constants,
                                              constants_full_range=drift.full.constants, means=ev["means"])
        unsure = [n for n, e in tested if e.estimate > tol or e.half_width > tol]
        if unsure or not tested:
            ev["note"] = (f"the drift of {', '.join(unsure)} is not resolved within {tol:g}: more repetitions are "
                          f"needed" if unsure else f"no constant's term changes with {claim.over[0]}: nothing to "
                          f"decide the shape")
            return INCONCLUSIVE, ev, None
        return CONSISTENT, ev, None

    def points_text(self, evidence, points):
        p = points[0]
        if "drift_exponents" not in p:
            return ""
        drift = ", ".join(f"{k} {num(v)} (drift {num(d['estimate'], '.3f')})" if d else f"{k} {num(v)}"
                          for (k, v), d in zip(p["constants"].items(), p["drift_exponents"]))
        return f"smallest constants {drift}"

    def power_text(self, evidence):
        return detects(evidence, f"a drift exponent of {num(evidence.get('detectable'), '.3g')} or more")

    def numbers(self, evidence):
        points = evidence.get("points") or []
        if not points or not isinstance(points[0].get("constants"), dict):
            return []
        return [(f"Constant_{name}", f"/points/0/constants/{name}",
                 f"smallest constant {name} fitted over the whole range") for name in points[0]["constants"]]

    def figure_series(self, claim, result, g, envs, batch, means):
        """The bound at the constants fitted on the whole range; for a drift (VIOLATED) also at those fitted on
        the lower half, which the means leave behind as the range grows."""
        ev = result.evidence["points"][0]
        fits = {"fitted_bound": [ev["constants"][c.name] for c in claim.constants]}
        if result.verdict == VIOLATED and "constants_half_range" in ev:
            fits["half_bound"] = ev["constants_half_range"]["constants"]
        out = {key: [float(formula_values(claim.right.expr.subs(dict(zip([c.symbol for c in claim.constants],
                                                                           consts))), env, batch).mean())
                     for env in envs] for key, consts in fits.items()}
        w, name = result.witness, claim.over[0]
        if result.verdict == VIOLATED and w and w.get("kind") == "above bound" and \
                {k: v for k, v in w["point"].items() if k != name} == claim.grid[g]:
            out.update(mark=[list(claim.over[1]).index(w["point"][name])], mark_label="mean above the bound")
        return out
