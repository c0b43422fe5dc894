"""Layer: a claim between constants of the extended reals (oo = oo, limit(1/x, x, 0, '+') > 10**6), which SymPy
decides exactly. Sides that still depend on the parameters are not proved."""
from __future__ import annotations

import sympy as sp

from .goal import Goal, Proof
from .layer import Budget, Layer


class Extended(Layer):
    name, kinds = "extended", ("extended",)

    def accepts(self, goal: Goal) -> bool:
        return goal.extended

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        lhs, rel, rhs = goal.sides
        if lhs.free_symbols or rhs.free_symbols or lhs.has(sp.nan, sp.zoo) or rhs.has(sp.nan, sp.zoo):
            return None
        if sp.Rel(lhs, rhs, "==" if rel == "=" else rel) is not sp.true:
            return None
        return Proof("exact evaluation (extended reals)",
                     {"kind": "extended", "lhs": sp.sstr(lhs), "rhs": sp.sstr(rhs), "relation": rel})

    def describe(self, certificate: dict) -> str:
        return f"{certificate['lhs']} {certificate['relation']} {certificate['rhs']} in the extended reals"
