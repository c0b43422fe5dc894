"""Layer: `<=`, `<`, `>=`, `>` claims whose gap is shown > 0 / >= 0 by the sign rules of `boundlab.numerics.signs`
under the domains and hypotheses (a constant gap by a rigorous enclosure), directly or after a substitution
y = x + t for a hypothesis x < y."""
from __future__ import annotations

import math

import sympy as sp

from boundlab.theory.symbols import Domain

from ..signs import Facts, SignProver, number_sign
from .goal import Goal, Proof, slack_substitutions, substitution_json, with_substitution
from .layer import Budget, Layer

SIGNER_SECONDS = 1.0  # one sign search at most: the slowest sign proof of the benchmark takes 0.45 s, a failing
#                      search would take all it is given, and the reductions after it need the time


def signer(facts: Facts, budget: Budget, seconds: float = SIGNER_SECONDS) -> SignProver:
    """A sign prover with at most `seconds`, and no more than the budget has left."""
    return SignProver(facts, seconds=max(0.0, min(seconds, budget.left())))


class Signs(Layer):
    name, kinds = "signs", ("constant", "sign")
    share = 0.15  # of the claim's budget: a sign proof is found fast or not at all; the reductions need the rest

    def accepts(self, goal: Goal) -> bool:
        return goal.inequality

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        if not goal.gap.free_symbols:
            s = number_sign(goal.gap)
            if s == 1 or (s == 0 and not goal.strict):
                return Proof("exact evaluation", {"kind": "constant"})
            return None
        tree = signer(Facts.of(goal.domains, goal.hypotheses), budget).prove(goal.gap, goal.strict)
        if tree is not None:
            return Proof("sign rules", {"kind": "sign", "tree": tree})
        for sub in slack_substitutions(goal):
            y, t = sub["symbol"], sub["slack"]
            gap = goal.gap.subs(y, sub["value"])
            domains = {**{s: d for s, d in goal.domains.items() if s != y},
                       t: Domain(0, math.inf, lo_open=sub["strict"], hi_open=True)}
            others = [h.subs(y, sub["value"]) for h in goal.hypotheses]
            facts = Facts.of(domains, [h for h in others if isinstance(h, sp.Rel)])
            tree = signer(facts, budget).prove(gap, goal.strict)
            if tree is not None:
                return Proof("sign rules", {"kind": "sign", "tree": tree, "substitution": substitution_json(sub)})
        return None

    def describe(self, certificate: dict) -> str:
        if certificate["kind"] == "constant":
            return "exact evaluation of a constant (arb ball)"
        tree = certificate["tree"]
        return f"sign rules ({_count(tree)} steps, top rule: {tree['rule']}){with_substitution(certificate)}"


def _count(tree: dict) -> int:
    return 1 + sum(_count(c) for c in tree.get("children", ()))
