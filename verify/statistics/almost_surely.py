"""`as`: lhs REL rhs almost surely, checked on every instance; refuted by one violating instance."""
from __future__ import annotations

import dataclasses

import numpy as np

from .. import stats
from ..evidence import Located, num
from ..measure import CENSORED
from ..verdict import CONSISTENT, INCONCLUSIVE, VIOLATED
from .base import percent
from .pointwise import Pointwise, censored_count, event, instance_values, undecided


@dataclasses.dataclass(kw_only=True)
class InstanceWitness(Located):
    """An instance that breaks the relation: both sides there, its measured values, how many instances broke it."""

    kind = "instance"
    instance: int
    lhs: float
    rhs: float
    measured: dict
    violations: int
    censored: int | None = None

    def text(self) -> str:
        return f"{self.where()}instance {self.instance}: lhs {num(self.lhs)} vs rhs {num(self.rhs)} " \
               f"({self.violations} of {self.batch} instances violate)"


class AlmostSurely(Pointwise):
    """lhs REL rhs on every instance; one violating instance refutes it."""

    name = "as"
    method = "simulation; every instance checked"
    short = "every instance"
    lower_bounds = True

    def text(self, claim, lhs, rhs):
        return f"{lhs} {claim.rel} {rhs} almost surely"

    def latex(self, claim, tex):
        return [*super().latex(claim, tex), r"\quad\text{almost surely}"]

    def decide(self, claim, env, n, alpha):
        ok, maybe, lhs, rhs, excess = event(claim, env, n)
        bad = int((~maybe).sum())
        rate = stats.detectable_rate(n, alpha)
        ev = {"instances": n, "violations": bad, "worst_excess": float(excess.max()),
              "rule_of_three_upper": min(1.0, 3.0 / n) if bad == 0 else None,
              "detectable": rate, "detectable_relative": rate}
        ratio = stats.tightness(claim.rel, lhs, rhs)
        if ratio is not None:
            ev["tightness"] = {"min": float(ratio.min()), "median": float(np.median(ratio)),
                               "max": float(ratio.max())}
        if bad:
            i = int(np.argmax(np.where(maybe, -np.inf, excess)))
            return VIOLATED, ev, InstanceWitness(instance=i, lhs=float(lhs[i]), rhs=float(rhs[i]),
                                                 measured=instance_values(env, i), violations=bad,
                                                 censored=censored_count(env) if CENSORED in env else None)
        if not ok.all():
            undecided(claim, env, ev, int((~ok).sum()))
            return INCONCLUSIVE, ev, None
        return CONSISTENT, ev, None

    def points_text(self, evidence, points):
        total = sum(p["instances"] for p in points)
        tight = evidence.get("tightness")
        return f"{total} instances over {len(points)} point(s), none violates (worst excess " \
               f"{num(max(p['worst_excess'] for p in points), '.3g')}" + \
            (f"; tightness, the claimed-smaller side over the larger, in [{num(tight['min'], '.3g')}, "
             f"{num(tight['max'], '.3g')}])" if tight else ")")

    def power_text(self, evidence):
        det = evidence.get("detectable")
        return "" if det is None else f"; a violation rate of {percent(det)} or more would have shown"

    def figure(self, claim, result, seed, quick):
        from ..figures import event_panel

        return event_panel(claim, result, seed, quick)
