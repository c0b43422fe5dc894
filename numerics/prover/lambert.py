"""Layer: goals holding the Lambert W function of one variable, proved after the change of variables w = W_k(z(x)).

W_k(z) is the real W on branch k (k = 0: W >= -1; k = -1: W <= -1) with W*exp(W) = z, defined for z >= -1/e (and
z < 0 on the lower branch); the new variable is w = W on branch 0, u = -W >= 1 on branch -1. When z depends on one variable x and x = g(z(x)) for a closed form g (z one-to-one,
checked by simplifying g(z(x)) - x to 0), every point x of the claim is x = g(W*exp(W)) for W = W_k(z(x)) on the
branch. So the goal holds if z(x) lies in the branch's domain wherever the claim's facts hold (two goals proved by
all the layers), and the goal in the new variable -- W_k(z(x)) replaced by W, x by g(W*exp(W)), x's domain and
hypotheses read in it -- holds on the branch's range. Sample sizes that solve n = A log n are of this kind: n = -A W_{-1}(-1/A)."""
from __future__ import annotations

import math

import sympy as sp

from boundlab.theory.symbols import Domain

from ..signs import domain_end
from .goal import Goal, Proof
from .layer import Budget, Layer

Y = sp.Symbol("lambert_y")  # the argument of the inverse g, as a certificate writes it
#: the new variable on each branch: w = W_0(z) in [-1, oo), and u = -W_{-1}(z) in [1, oo), positive, so that
#: logarithms of its powers expand (log(exp(u)/u) is u - log(u))
RANGES = {0: Domain(-1, math.inf, hi_open=True), -1: Domain(1, math.inf, hi_open=True)}
SIGNS = {0: 1, -1: -1}  # W_k(z) = sign * the new variable


def branch(atom) -> int:
    return int(atom.args[1]) if len(atom.args) > 1 else 0


def _atom(goal: Goal):
    """A LambertW atom of the gap on branch 0 or -1 whose argument depends on one variable with a domain."""
    for atom in sorted(goal.gap.atoms(sp.LambertW), key=sp.default_sort_key):
        z = atom.args[0]
        if len(atom.args) > 1 and not atom.args[1].is_Integer:
            continue
        if branch(atom) in RANGES and len(z.free_symbols) == 1 and next(iter(z.free_symbols)) in goal.domains:
            return atom
    return None


def inverse(z, x):
    """g with g(z(x)) = x, by solving z(x) = y for x: the unique closed-form solution, checked, else None."""
    y = sp.Dummy("y")
    try:
        solutions = sp.solve(sp.Eq(z, y), x)
    except Exception:  # noqa: BLE001 - SymPy's solver fails in many ways
        return None
    for g in solutions:
        if not g.has(sp.I) and sp.simplify(g.subs(y, z) - x) == 0:
            return sp.Lambda(y, g)
    return None


def branch_conditions(z, k: int) -> list[tuple[sp.Expr, bool]]:
    """(expr, strict): expr >= 0 (> 0) puts z in the domain of branch k."""
    return [(z + sp.exp(-1), False)] + ([(-z, True)] if k == -1 else [])


def domain_hypotheses(x, dom: Domain) -> list:
    """x's domain as relations, unevaluated (x > 0 for a positive x would read True, and say nothing of w)."""
    out = []
    if math.isfinite(dom.lo):
        out.append((sp.Gt if dom.lo_open else sp.Ge)(x, domain_end(dom.lo), evaluate=False))
    if math.isfinite(dom.hi):
        out.append((sp.Lt if dom.hi_open else sp.Le)(x, domain_end(dom.hi), evaluate=False))
    return out


def substituted(goal: Goal, atom, g, w):
    """The goal in the new variable: the atom replaced by W = sign*w, x by g(W*exp(W)), x's domain among the
    hypotheses, logarithms expanded where w's sign allows."""
    x, W = next(iter(atom.args[0].free_symbols)), SIGNS[branch(atom)] * w
    value = g(W * sp.exp(W))

    def new(e):
        return sp.expand_log(e.xreplace({atom: W}).subs(x, value))
    hyps = [new(h) for h in (*goal.hypotheses, *domain_hypotheses(x, goal.domains[x]))]
    hyps = [h for h in hyps if h is not sp.true]
    domains = {**{s: d for s, d in goal.domains.items() if s != x}, w: RANGES[branch(atom)]}
    return Goal(new(goal.gap), goal.strict, goal.equality, domains, hyps)


def w_symbol(goal: Goal, x, k: int) -> sp.Symbol:
    name, taken = f"{'w' if k == 0 else 'u'}_{x}", {str(s) for s in goal.domains}
    while name in taken:
        name += "_"
    return sp.Symbol(name, real=True) if k == 0 else sp.Symbol(name, positive=True)


class Lambert(Layer):
    name, kinds = "lambert", ("lambert",)

    def accepts(self, goal: Goal) -> bool:
        return not goal.extended and _atom(goal) is not None

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        from . import prove_goal  # the package's layer loop, which lists this layer

        atom = _atom(goal)
        z, k = atom.args[0], branch(atom)
        x = next(iter(z.free_symbols))
        g, w = inverse(z, x), w_symbol(goal, x, k)
        if g is None or sp.false in (sub := substituted(goal, atom, g, w)).hypotheses:
            return None
        conditions = []
        for expr, strict in branch_conditions(z, k):
            proof = prove_goal(Goal(expr, strict, False, goal.domains, list(goal.hypotheses)), budget.share(0.3))
            if proof is None:
                return None
            conditions.append(proof.certificate)
        proof = prove_goal(sub, budget)
        if proof is None:
            return None
        return Proof("Lambert W substitution", {
            "kind": "lambert", "atom": sp.sstr(atom), "variable": str(x), "w": str(w), "sign": SIGNS[k],
            "inverse": sp.sstr(g(Y)), "conditions": conditions, "reduced": proof.certificate})

    def describe(self, certificate: dict) -> str:
        w, x = certificate["w"], certificate["variable"]
        W = sp.Symbol(w) if certificate["sign"] == 1 else -sp.Symbol(w)
        value = sp.sstr(sp.sympify(certificate["inverse"]).subs(Y, W * sp.exp(W)))
        return f"with {sp.sstr(W)} = {certificate['atom']}, so {x} = {value}: the goal in {w} on the branch"
