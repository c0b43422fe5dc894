"""Layer: rigorous branch and bound with arb balls over the domain box (`boundlab.numerics.intervals`), for the
inequalities the symbolic layers left; unbounded domains by a change of variable."""
from __future__ import annotations

from ..intervals import prove_nonnegative
from .goal import Goal, Proof
from .layer import Budget, Layer


class Intervals(Layer):
    name, kinds = "intervals", ("boxes",)

    def accepts(self, goal: Goal) -> bool:
        return goal.inequality

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        cert = prove_nonnegative(goal.gap, goal.domains, goal.hypotheses, strict=goal.strict, seconds=budget.left())
        return Proof("interval branch and bound (arb)", {"kind": "boxes", "boxes": cert}) if cert is not None else None

    def describe(self, certificate: dict) -> str:
        boxes = certificate["boxes"]
        after = f" after {', '.join(f'{k} = {v}' for k, v in boxes['transform'].items())}" if boxes.get("transform") \
            else ""
        return f"interval branch and bound: {len(boxes['boxes'])} boxes{after}"
