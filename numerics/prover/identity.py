"""Layer: `=` claims whose difference simplifies to 0 (several simplifiers; a hypothesis x < y used by writing
y = x + t, t > 0). A constant difference is decided by `simplify` alone: not nsimplify, which rounds, and calls
exp(-100)*zeta(3) zero."""
from __future__ import annotations

import sympy as sp

from .goal import Goal, Proof, slack_substitutions, substitution_json, with_substitution
from .layer import Budget, Layer

SIMPLIFIERS = {
    "simplify": sp.simplify,
    "powsimp": lambda e: sp.simplify(sp.powsimp(sp.powdenest(e))),
    "expand_log": lambda e: sp.simplify(sp.expand_log(e)),
    "gammasimp": lambda e: sp.simplify(sp.gammasimp(sp.combsimp(e))),
    "expand": lambda e: sp.simplify(sp.expand(sp.powsimp(e))),
}


class Identity(Layer):
    name, kinds = "identity", ("identity",)

    def accepts(self, goal: Goal) -> bool:
        return goal.equality and not goal.extended

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        diff = goal.gap
        if not diff.free_symbols:
            if sp.simplify(diff) == 0:
                return Proof("exact symbolic", {"kind": "identity", "difference": sp.sstr(diff),
                                                "simplifier": "simplify"})
            return None
        for sub in [None] + slack_substitutions(goal):
            expr = diff.subs(sub["symbol"], sub["value"]) if sub else diff
            for name, fn in SIMPLIFIERS.items():
                try:
                    zero = fn(expr) == 0
                except (NotImplementedError, ValueError, TypeError, sp.PolynomialError):
                    zero = False
                if zero:
                    cert = {"kind": "identity", "difference": sp.sstr(expr), "simplifier": name}
                    if sub:
                        cert["substitution"] = substitution_json(sub)
                    return Proof("exact symbolic", cert)
        return None

    def describe(self, certificate: dict) -> str:
        return f"{certificate['simplifier']}(lhs - rhs) = 0{with_substitution(certificate)}"
