"""Layer: polynomial gaps (after clearing a denominator) with polynomial hypotheses, proved by z3's nonlinear real
arithmetic (`boundlab.numerics.smt`): the negation is unsatisfiable on the domain box. z3 runs within the budget's
CPU time like every layer (native code: stopped by `cpu_watchdog`, as `Budget.run`'s limit cannot reach it)."""
from __future__ import annotations

from ..smt import SECONDS, polynomial_form, prove_polynomial
from .goal import Goal, Proof
from .layer import Budget, Layer


class Smt(Layer):
    name, kinds = "smt", ("z3",)

    def accepts(self, goal: Goal) -> bool:
        return goal.inequality and polynomial_form(goal.gap, goal.domains) is not None

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        cert = prove_polynomial(goal.gap, goal.strict, goal.domains, goal.hypotheses, min(SECONDS, budget.left()))
        return Proof("z3 (nonlinear real arithmetic)", cert) if cert is not None else None

    def describe(self, certificate: dict) -> str:
        return "z3: the negation is unsatisfiable (nonlinear real arithmetic)"
