"""Layer: goals holding min, max or |u|, proved case by case. At every point Min(a_1, ..., a_k) equals one of its
arguments a_j, the one no larger than the others; so the goal holds if, for each j, the gap with a_j in place of the
Min holds under the extra hypotheses a_j <= a_i (i != j). Max is the same with >=, and |u| is u where u >= 0 and
-u where u <= 0. The atom is replaced in the hypotheses too (a hypothesis |u| >= 1 becomes u >= 1 in the case
u >= 0). Each case is a goal of its own, proved by all the layers (a case may hold another min or max);
the certificate holds one full certificate per case, which the checker replays after checking that the cases are
exactly the atom's arguments with their hypotheses.

A closed end of a variable's domain where a power with a variable exponent (or a logarithm) has base 0 is a case of
its own: (1 - 1/n)**n on n >= 1 is proved at n = 1 (a goal in the other variables) and on n > 1, where the base is
positive and the power reads exp(n*log(1 - 1/n)). The two cases cover the domain, so the split is sound."""
from __future__ import annotations

import dataclasses
import math

import sympy as sp

from ..signs import domain_end
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


def degenerate_end(goal: Goal):
    """(x, side, point): a closed finite end of x's domain where a logarithm's argument is 0, or the base of a power
    with a variable exponent that holds x or whose base is not a bare variable (the derivative in x holds log(base)
    there; logarithms of the gap need base > 0); else None. A power b**c of a variable b >= 0 with c free of b is one
    the sign rules and the monotonicity layer handle at b = 0 (Young's inequality on a, b >= 0)."""
    for x in sorted(goal.gap.free_symbols, key=str):
        dom = goal.domains.get(x)
        if dom is None:
            continue
        bases = [p.base for p in goal.gap.atoms(sp.Pow) if x in p.exp.free_symbols or
                 p.exp.free_symbols and not p.base.is_Symbol] + [g.args[0] for g in goal.gap.atoms(sp.log)]
        for side, end, open_ in (("lo", dom.lo, dom.lo_open), ("hi", dom.hi, dom.hi_open)):
            if open_ or not math.isfinite(end):
                continue
            point = domain_end(end)
            if any(x in b.free_symbols and sp.simplify(b.subs(x, point)) == 0 for b in bases):
                return x, side, point
    return None


def end_cases(goal: Goal, x, side: str, point) -> list[Goal | None]:
    """The goal at x = point (x gone from the domains; None when a hypothesis fails there) and on the domain with
    that end open."""
    at = case_hypotheses(goal.hypotheses, x, point, [])
    rest = {s: d for s, d in goal.domains.items() if s != x}
    opened = {**goal.domains, x: dataclasses.replace(goal.domains[x], **{f"{side}_open": True})}
    return [Goal(goal.gap.subs(x, point), goal.strict, False, rest, at) if at is not None else None,
            Goal(goal.gap, goal.strict, False, opened, list(goal.hypotheses))]


class Cases(Layer):
    name, kinds = "cases", ("cases",)
    share = 1.0  # of the claim's budget: the cases' own proofs are the whole attempt

    def accepts(self, goal: Goal) -> bool:
        return goal.inequality and (_atom(goal) is not None or degenerate_end(goal) is not None)

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        from . import prove_goal  # the package's layer loop, which lists this layer

        atom = _atom(goal)
        if atom is None:
            x, side, point = degenerate_end(goal)
            out = []
            for k, sub in enumerate(end_cases(goal, x, side, point)):
                if sub is not None and sub.gap.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                    return None
                proof = prove_goal(sub, Budget(budget.left() / (2 - k))) if sub is not None else None
                if sub is not None and proof is None:
                    return None
                out.append(proof.certificate if proof is not None else None)
            return Proof("cases", {"kind": "cases", "end": {"variable": str(x), "side": side, "point": sp.sstr(point)},
                                   "cases": out})
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
        if "end" in certificate:
            end = certificate["end"]
            return f"at {end['variable']} = {end['point']} apart, where a power's base is 0, and past it"
        return f"by cases on {certificate['atom']}: " + ", ".join(c["value"] for c in certificate["cases"])
