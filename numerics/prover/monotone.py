"""Layer: tight inequalities, where interval splitting cannot terminate. In one variable x, the gap is monotone on
each side of a point x0 where its derivative changes sign (or on the whole domain), and its value at x0 (or at the
domain's end) is proved recursively: gap(x) >= gap(x0) >= 0. Derivative signs and end values are proved by the sign
rules, or by a monotonicity argument one level down (MONOTONE_DEPTH levels in all)."""
from __future__ import annotations

import math

import sympy as sp

from ..signs import Facts, domain_end, number_sign
from .goal import Goal, Proof
from .layer import Budget, Layer
from .signs import signer

MONOTONE_DEPTH = 2


class Monotone(Layer):
    name, kinds = "monotone", ("monotone",)
    share = 0.5  # of the claim's budget: monotonicity leaves time for the intervals

    def accepts(self, goal: Goal) -> bool:
        return goal.inequality and bool(goal.gap.free_symbols)

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        facts = Facts.of(goal.domains, goal.hypotheses)
        node = _monotone_node(goal.gap, goal.strict, facts, MONOTONE_DEPTH, budget)
        return Proof("monotonicity", {"kind": "monotone", "argument": node}) if node is not None else None

    def describe(self, certificate: dict) -> str:
        arg = certificate["argument"]
        if arg["kind"] == "critical point":
            return (f"monotone in {arg['variable']} on each side of {arg['point']}, where the gap is "
                    f"{arg['value_at_point']}")
        return f"{arg['direction']} in {arg['variable']}, gap >= 0 at {arg['variable']} = {arg['at']}"


def _prove_rec(e, strict: bool, facts: Facts, depth: int, budget: Budget) -> dict | None:
    """A sign tree, or a monotonicity argument one level down."""
    tree = signer(facts, budget).prove(e, strict)
    if tree is not None:
        return {"kind": "sign", "tree": tree}
    return _monotone_node(e, strict, facts, depth - 1, budget) if depth > 0 else None


def _x_facts(x, facts: Facts) -> list | None:
    """The facts that involve x, when all are affine in x (so they cut an interval out of x's line), else None."""
    out = [(f, st) for f, st in facts.known if x in f.free_symbols]
    for f, _ in out:
        if sp.diff(f, x).has(x):
            return None
    return out


def _within(x, point, x_facts, facts: Facts, budget: Budget) -> list | None:
    """Proofs that x = point lies in the closure of the interval the facts cut out (every fact >= 0 there)."""
    proofs = []
    for f, _ in x_facts:
        value = sp.simplify(f.subs(x, point))
        if not value.free_symbols:
            if number_sign(value) not in (0, 1):
                return None
            proofs.append({"fact": sp.sstr(f), "at_point": sp.sstr(value)})
            continue
        rest = Facts(facts.domains, [k for k in facts.known if x not in k[0].free_symbols])
        tree = signer(rest, budget).prove(value, False)
        if tree is None:
            return None
        proofs.append({"fact": sp.sstr(f), "at_point": sp.sstr(value), "tree": tree})
    return proofs


def _critical_points(numerator, x) -> list:
    """Closed-form zeros of a derivative's numerator in x, when SymPy finds them cheaply (a polynomial of degree
    at most 2 in x, or a small transcendental expression); the argument only needs them as candidate points."""
    try:
        poly = sp.Poly(numerator, x)
        cheap = poly.degree() <= 2
    except sp.PolynomialError:
        cheap = sp.count_ops(numerator) <= 25
    if not cheap:
        return []
    try:
        return sp.solve(numerator, x)[:3]
    except Exception:  # noqa: BLE001 - SymPy's solver fails in many ways (an AttributeError on sign(x + 1/10))
        return []


def _monotone_node(gap, strict: bool, facts: Facts, depth: int, budget: Budget) -> dict | None:
    """gap >= 0 (> 0) by monotonicity in one variable x, whose facts cut an interval out of its line:
    either the derivative has one sign there and the gap is >= 0 at the interval's finite end, or the
    derivative is <= 0 before a point x0 of the interval and >= 0 after it, and gap(x0) >= 0."""
    for x in sorted(gap.free_symbols, key=str):
        if budget.left() <= 0:
            return None
        dom = facts.domains.get(x)
        x_facts = _x_facts(x, facts) if dom is not None else None
        if x_facts is None:
            continue
        deriv = sp.together(sp.diff(gap, x))
        if deriv == 0:
            continue
        for direction, end in ((1, dom.lo), (-1, dom.hi)):
            if not math.isfinite(end):
                continue
            point = domain_end(end)
            inside = _within(x, point, x_facts, facts, budget)
            mono = _prove_rec(direction * deriv, False, facts, depth, budget) if inside is not None else None
            at = _end_value(gap, x, point, strict, facts, depth, budget) if mono is not None else None
            if at is not None:
                return {"kind": "monotone", "variable": str(x), "derivative": sp.sstr(deriv),
                        "direction": "increasing" if direction == 1 else "decreasing", "at": sp.sstr(point),
                        "monotone": mono, "value": at, "inside": inside}
        roots = _critical_points(sp.numer(deriv), x)
        for x0 in roots:
            if budget.left() <= 0:
                return None
            if x0.is_real is False or x0.has(x):
                continue
            inside = _within(x, x0, x_facts, facts, budget)
            right = _prove_rec(deriv, False, facts.with_fact(x - x0, False), depth, budget) if inside is not None \
                else None
            left = _prove_rec(-deriv, False, facts.with_fact(x0 - x, False), depth, budget) if right is not None \
                else None
            if left is None:
                continue
            value = sp.simplify(gap.subs(x, x0))
            at = _end_value(gap, x, x0, strict, facts, depth, budget)
            if at is not None:
                return {"kind": "critical point", "variable": str(x), "derivative": sp.sstr(deriv),
                        "point": sp.sstr(x0), "value_at_point": sp.sstr(value), "increasing_after": right,
                        "decreasing_before": left, "value": at, "inside": inside}
    return None


def _end_value(gap, x, point, strict: bool, facts: Facts, depth: int, budget: Budget) -> dict | None:
    """A proof that gap at x = point is >= 0 (> 0), in the remaining variables."""
    value = sp.simplify(gap.subs(x, point))
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    if not value.free_symbols:
        s = number_sign(value)
        return {"kind": "constant", "at_point": sp.sstr(value)} if s == 1 or (s == 0 and not strict) else None
    rest = Facts(facts.domains, [k for k in facts.known if x not in k[0].free_symbols])
    node = _prove_rec(value, strict, rest, depth, budget)
    # "at_point", not "value": a nested monotone argument's "value" is its own end's sub-proof
    return {**node, "at_point": sp.sstr(value)} if node is not None else None
