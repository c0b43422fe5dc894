"""`prob`: P(lhs REL rhs) >= prob, by a Clopper-Pearson interval for the frequency of the event."""
from __future__ import annotations

from boundlab.theory.claim import ClaimError

from .. import stats
from ..measure import CENSORED, formula_values
from ..verdict import CONSISTENT, INCONCLUSIVE, VIOLATED
from .base import detects, num
from .pointwise import IntervalStatistic, IntervalWitness, censored_count, event, undecided


class Prob(IntervalStatistic):
    """P(lhs REL rhs) >= prob, by a Clopper-Pearson interval for the event's frequency."""

    name = "prob"
    method = "simulation; Clopper-Pearson interval for the probability"
    short = "Clopper-Pearson"
    lower_bounds = True

    def validate(self, claim):
        if claim.probability is None:
            raise ClaimError(claim.id, "a probability claim needs `prob`, the claimed lower bound on the probability")

    def text(self, claim, lhs, rhs):
        return f"P({lhs} {claim.rel} {rhs}) >= {claim.probability.source}"

    def latex(self, claim, tex):
        core = super().latex(claim, tex)
        return [r"\Pr\left[" + core[0], *core[1:], rf"\right] \ge {tex.formula(claim.probability)}"]

    def decide(self, claim, env, n, alpha):
        """P(event) >= claimed by a Clopper-Pearson interval. With censored values, refuted only when it is refuted
        counting every undecided instance as an event, and established only when it is established counting none."""
        sure, maybe, _, _, _ = event(claim, env, n)
        k, k_max = int(sure.sum()), int(maybe.sum())
        best = _decide_events(claim, env, n, alpha, k_max)
        if best[0] == VIOLATED:
            if CENSORED in env:
                best[2].censored = censored_count(env)
            return best
        worst = _decide_events(claim, env, n, alpha, k) if k < k_max else best
        if worst[0] != CONSISTENT and k < k_max:
            undecided(claim, env, worst[1], k_max - k)
            return INCONCLUSIVE, worst[1], None
        return worst

    def power_text(self, evidence):
        return detects(evidence, f"a probability {num(evidence.get('detectable'), '.3g')} or more below the claimed")

    def figure(self, claim, result, seed, quick):
        from ..figures import interval_panel

        return interval_panel(claim, result, ["measured frequency", "claimed lower bound"], ylabel="probability")


def _decide_events(claim, env, n, alpha, k):
    """P(event) >= claimed, given k events in n instances."""
    claimed = float(formula_values(claim.probability.expr, env, 1)[0])
    interval = stats.clopper_pearson(k, n, alpha)
    shortfall = stats.detectable_shortfall(claimed, n, alpha)
    # the claim is P(event) >= claimed: refuted when the whole interval lies below it
    ev = {"interval": interval.to_json(), "claimed": claimed, "relation": ">=", "events": k,
          "detectable": shortfall, "detectable_relative": stats.relative(shortfall, claimed)}
    if interval.hi < claimed:
        return VIOLATED, ev, IntervalWitness(measured=interval.estimate, interval=[interval.lo, interval.hi],
                                             claimed=claimed)
    # the power floor of a mean, relative to the claimed value, unless the interval lies wholly above it (established)
    if interval.lo < claimed and shortfall > 2 * claim.resolution * claimed:
        ev["note"] = (f"{n} trials detect only a true probability {shortfall:.3g} or more below the claimed "
                      f"{claimed:g}; the floor is {2 * claim.resolution:g} x {claimed:g} (2 x resolution): "
                      f"too few trials to confirm")
        return INCONCLUSIVE, ev, None
    return CONSISTENT, ev, None
