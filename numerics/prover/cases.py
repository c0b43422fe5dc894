"""Layer: goals holding min, max or |u|, proved case by case. At every point Min(a_1, ..., a_k) equals one of its
arguments a_j, the one no larger than the others; so the goal holds if, for each j, the gap with a_j in place of the
Min holds under the extra hypotheses a_j <= a_i (i != j). Max is the same with >=, and |u| is u where u >= 0 and
-u where u <= 0. The atom is replaced in the hypotheses too (a hypothesis |u| >= 1 becomes u >= 1 in the case
u >= 0). Each case is a goal of its own, proved by all the layers (a case may hold another min or max);
the certificate holds one full certificate per case, which the checker replays after checking that the cases are
exactly the atom's arguments with their hypotheses."""
from __future__ import annotations

import sympy as sp

from .goal import Goal, Proof
from .layer import Budget, Layer

ATOMS = (sp.Min, sp.Max, sp.Abs)


def split(atom) -> list[tuple[sp.Expr, list]]:
    """(value, extra hypotheses) for each case of a Min, Max or Abs atom: the atom equals the value where the
    hypotheses hold, and at every point some case's hypotheses hold."""
    if isinstance(atom, sp.Abs):
        u = atom.args[0]
        return [(u, [sp.Ge(u, 0)]), (-u, [sp.Le(u, 0)])]
    rel = sp.Le if isinstance(atom, sp.Min) else sp.Ge
    args = list(atom.args)
    return [(a, [rel(a, b) for b in args if b is not a]) for a in args]


def _atom(goal: Goal):
    """The outermost min, max or |u| of the gap, else of a hypothesis (inner ones go to the cases' own goals)."""
    for e in (goal.gap, *goal.hypotheses):
        found = sorted(e.atoms(*ATOMS), key=lambda a: (-sp.count_ops(a), sp.sstr(a)))
        if found:
            return found[0]
    return None


def case_hypotheses(hypotheses, atom, value, extra) -> list | None:
    """The hypotheses of one case: the goal's with the atom replaced by its value, then the case's own; those that
    are true dropped; None when one is false (the case never occurs)."""
    out = [h.xreplace({atom: value}) for h in hypotheses] + list(extra)
    return None if sp.false in out else [h for h in out if h is not sp.true]


class Cases(Layer):
    name, kinds = "cases", ("cases",)
    share = 1.0  # of the claim's budget: the cases' own proofs are the whole attempt

    def accepts(self, goal: Goal) -> bool:
        return goal.inequality and _atom(goal) is not None

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        from . import prove_goal  # the package's layer loop, which lists this layer

        atom = _atom(goal)
        cases = split(atom)
        out = []
        for k, (value, extra) in enumerate(cases):
            hypotheses = case_hypotheses(goal.hypotheses, atom, value, extra)
            if hypotheses is None:  # a case that never occurs
                out.append({"value": sp.sstr(value), "certificate": None})
                continue
            sub = Goal(goal.gap.xreplace({atom: value}), goal.strict, False, goal.domains, hypotheses)
            left = budget.left()
            if left <= 0:
                return None
            proof = prove_goal(sub, Budget(left / (len(cases) - k)))
            if proof is None:
                return None
            out.append({"value": sp.sstr(value), "certificate": proof.certificate})
        return Proof("cases", {"kind": "cases", "atom": sp.sstr(atom), "cases": out})

    def describe(self, certificate: dict) -> str:
        return f"by cases on {certificate['atom']}: " + ", ".join(c["value"] for c in certificate["cases"])
