"""`some`: lhs REL rhs on some instance, at some grid point. One instance anywhere establishes it; it is refuted
only when no instance at any point bears it out and an event of probability `resolution` would have shown."""
from __future__ import annotations

import dataclasses

import numpy as np

from .. import stats
from ..evidence import Witness, num, point_text
from ..verdict import CONSISTENT, INCONCLUSIVE, VIOLATED
from .pointwise import Pointwise, event, instance_values, undecided


@dataclasses.dataclass(kw_only=True)
class NoInstance(Witness):
    """No instance at any grid point satisfies the relation, with the budget that would have revealed one."""

    kind = "no instance"
    seed: int
    batch: int
    points: int
    instances: int
    events: int
    detectable_rate: float

    def text(self) -> str:
        return f"seed {self.seed}: no instance among {self.instances} ({self.batch} at each of {self.points} " \
               f"point(s)) satisfies the relation; an event of probability {num(self.detectable_rate, '.3g')} or " \
               f"more at any point would have shown"


class Some(Pointwise):
    """lhs REL rhs on some instance at some grid point; no instance anywhere refutes it."""

    name = "some"
    method = "simulation; a search for one instance where the relation holds"
    short = "witness search"
    lower_bounds = True

    def text(self, claim, lhs, rhs):
        return f"{lhs} {claim.rel} {rhs} for some instance, at some grid point"

    def latex(self, claim, tex):
        return [*super().latex(claim, tex), r"\quad\text{for some instance}"]

    def decide(self, claim, env, n, alpha):
        ok, maybe, lhs, rhs, _ = event(claim, env, n)
        rate = stats.detectable_rate(n, alpha)  # not a "detectable" deviation: a found example needs no power
        ev = {"instances": n, "events": int(ok.sum()), "smallest_revealed_rate": rate}
        if ok.any():
            i = int(np.argmax(ok))
            ev["example"] = {"instance": i, "lhs": float(lhs[i]), "rhs": float(rhs[i]),
                             "measured": instance_values(env, i)}
            return CONSISTENT, ev, None
        if maybe.any():
            undecided(claim, env, ev, int(maybe.sum()))
            return INCONCLUSIVE, ev, None
        if rate > claim.resolution:
            ev["note"] = (f"too few to rule out an event of probability {claim.resolution:g} (the resolution): they "
                          f"reveal one of {rate:.3g} or more")
            return INCONCLUSIVE, ev, None
        return VIOLATED, ev, None

    def decisive(self, outcome):
        return outcome == CONSISTENT  # one example anywhere establishes it

    def conclude(self, claim, seed, batch, stages, points, outcomes, alpha):
        if any(o == CONSISTENT for o, _ in outcomes):
            return CONSISTENT, None
        if any(o == INCONCLUSIVE for o, _ in outcomes):
            return INCONCLUSIVE, None
        grid = len(points)
        return VIOLATED, NoInstance(seed=seed, batch=batch, points=grid, instances=batch * grid, events=0,
                                    detectable_rate=stats.detectable_rate(batch, alpha))

    def points_text(self, evidence, points):
        found = [p for p in points if "example" in p]
        if not found:
            return f"no instance among {sum(p['instances'] for p in points)} over {len(points)} point(s)"
        p, x = found[0], found[0]["example"]
        return f"instance {x['instance']} at point {point_text(p['point'])}: lhs {num(x['lhs'])} vs rhs " \
               f"{num(x['rhs'])} ({p['events']} of {p['instances']} instances there)"

    def figure(self, claim, result, seed, quick):
        from ..figures import event_panel

        return event_panel(claim, result, seed, quick)
