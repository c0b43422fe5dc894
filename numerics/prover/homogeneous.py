"""Homogeneity: a gap with gap(t*x_S) = t**k * gap(x) for t > 0, over variables x_S whose domains are cones (scaled
into themselves) and facts that keep their signs under the scaling, is >= 0 exactly when it is >= 0 with one of those
variables, b > 0, set to 1: gap(x) = b**k * gap(x/b). Weighted AM-GM a**w*b**(1 - w) <= w*a + (1 - w)*b becomes
t**w <= w*t + 1 - w, a goal in one variable fewer. Logarithms of degree-1 terms count as degree 0 (their log(t)
parts cancel): Jensen's w*log(a) + (1 - w)*log(b) <= log(w*a + (1 - w)*b) becomes w*log(a) <= log(w*a + 1 - w)."""
from __future__ import annotations

import math

import sympy as sp

from ..signs import Facts
from .goal import Goal, Proof
from .layer import Budget, Layer
from .monotone import MONOTONE_DEPTH, _monotone_node, _prove_rec

T = sp.Symbol("homogeneous_t", positive=True)  # the scale


def _cone(dom) -> bool:
    """A domain that t > 0 maps into itself: [0, oo), (0, oo), (-oo, 0], (-oo, 0) or the line, not integer."""
    return not dom.integer and ((dom.lo == 0 and dom.hi == math.inf) or (dom.hi == 0 and dom.lo == -math.inf)
                                or (dom.lo == -math.inf and dom.hi == math.inf))


def scaled(e: sp.Expr, variables) -> sp.Expr:
    """e at t*x for the variables, with t pulled out of sums under powers and split off products: (t*a + t*b)**p
    is t**p*(a + b)**p (valid for t > 0)."""
    e = e.xreplace({v: T * v for v in variables})
    e = e.replace(lambda u: isinstance(u, sp.Pow) and isinstance(u.base, sp.Add),
                  lambda u: sp.Pow(sp.factor_terms(u.base), u.exp))
    e = e.replace(lambda u: isinstance(u, sp.log) and isinstance(u.args[0], sp.Add),
                  lambda u: sp.log(sp.factor_terms(u.args[0])))
    return sp.expand_log(sp.expand_power_base(e))  # log(t*a) = log(t) + log(a) for a > 0: logs of degree 0


def degree(e: sp.Expr, variables) -> sp.Expr | None:
    """k (a number, or an expression in the other symbols) with e(t*x) = t**k * e(x) for t > 0, checked by
    simplifying the difference to 0; None when e is not homogeneous in the variables (or SymPy cannot tell)."""
    try:
        se = scaled(e, variables)
        _, power = sp.factor_terms(sp.expand(se)).as_independent(T, as_Add=False)
        base, k = power.as_base_exp()
        if power == 1:
            k = sp.Integer(0)
        elif base != T or k.has(T) or k.free_symbols & set(variables):
            return None
        diff = sp.expand_power_base(se - T**k * e)
        return k if sp.powsimp(sp.expand(diff)) == 0 or sp.simplify(diff) == 0 else None
    except Exception:  # noqa: BLE001 - SymPy's simplification fails in many ways
        return None


def homogeneous_node(gap, strict: bool, facts: Facts, depth: int, budget: Budget) -> dict | None:
    """gap >= 0 (> 0) from the same goal with one of the scaled variables (`cones`) set to 1 (proved `depth` levels down), or None."""
    cones = sorted((v for v in gap.free_symbols if v in facts.domains and _cone(facts.domains[v])), key=str)
    pivots = [v for v in cones if facts.domains[v].lo == 0 and facts.domains[v].lo_open]
    if len(cones) < 2 or not pivots or budget.left() <= 0:
        return None
    k = degree(gap, cones)
    if k is None:
        return None
    others = [(f, s) for f, s in facts.known if f.free_symbols & set(cones)]
    fact_degrees = {sp.sstr(f): degree(f, cones) for f, _ in others}
    if any(m is None for m in fact_degrees.values()):  # a fact that scaling could break (a - 1 >= 0)
        return None
    for b in pivots[:2]:
        if budget.left() <= 0:
            return None
        reduced = gap.subs(b, 1)  # not simplified: a sum keeps its terms, which the logarithm step compares
        kept = [(f, s) for f, s in facts.known if b not in f.free_symbols]
        kept += [(sp.simplify(f.subs(b, 1)), s) for f, s in others if b in f.free_symbols
                 and f.subs(b, 1).free_symbols]
        domains = {v: d for v, d in facts.domains.items() if v != b}
        # a monotonicity argument with the sign rules alone first: quick in the goal with one variable fewer, where
        # the reductions' lemma searches would cost it its time
        node = _monotone_node(reduced, strict, Facts(domains, kept), 0, budget) or \
            _prove_rec(reduced, strict, Facts(domains, kept), depth - 1, budget)
        if node is not None:
            return {"kind": "homogeneous", "variables": [str(v) for v in cones], "pivot": str(b),
                    "degree": sp.sstr(k), "fact_degrees": {f: sp.sstr(m) for f, m in fact_degrees.items()},
                    "reduced_gap": sp.sstr(reduced), "reduced": node}
    return None


class Homogeneous(Layer):
    name, kinds = "homogeneous", ("homogeneous",)
    share = 0.35  # of the claim's budget: the reduced goal's sign rules, lemmas and monotonicity

    def accepts(self, goal: Goal) -> bool:
        return goal.inequality and len(goal.gap.free_symbols) >= 2

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        node = homogeneous_node(goal.gap, goal.strict, Facts.of(goal.domains, goal.hypotheses), MONOTONE_DEPTH + 1,
                                budget)
        return Proof("homogeneity", {"kind": "homogeneous", "argument": node}) if node is not None else None

    def describe(self, certificate: dict) -> str:
        arg = certificate["argument"]
        return (f"homogeneous of degree {arg['degree']} in {', '.join(arg['variables'])}: proved with "
                f"{arg['pivot']} = 1")
