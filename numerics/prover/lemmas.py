"""Layer: goals that follow from classical one-variable bounds, MetiTarski's idea. An occurrence log(u) or exp(u) in
the gap is replaced by a bound from the lemma library (`boundlab.theory.catalogue.classical.LEMMAS`: log(y) <= y - 1,
exp(y) >= 1 + y, ...) in the direction that can only lower the gap -- the gap, as a function of that occurrence, is
shown monotone by the sign rules -- and the simpler gap is proved. A difference of two positive products of powers
is first compared through its logarithms, so (1 - 1/K)**n <= exp(-n/K) becomes -n/K - n*log(1 - 1/K) >= 0, where
log(1 - u) <= -u closes it.

Each use of a lemma carries the lemma's own certificate (proved by the layers before this one, never by a lemma),
its instance y = u with proofs of the lemma's conditions there, and the sign proof of the monotonicity; the
certificate checker replays all three.
"""
from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path

import sympy as sp

from ..signs import Facts, log_form, power_bases
from .goal import Goal, Proof
from .layer import Budget, Layer
from .monotone import INNER_SECONDS, REDUCTIONS, _prove_rec, cleared, positive_denominator
from .signs import signer

LEMMA_DEPTH = 3  # lemma substitutions, logarithms and monotonicity arguments nested in one proof
Z = sp.Symbol("lemma_z", real=True)  # the occurrence being bounded, as a variable


@dataclasses.dataclass(frozen=True)
class Lemma:
    """f(y) <= bound(y) (upper) or f(y) >= bound(y) for y in the claim's domain; f is log or exp."""

    id: str
    function: type
    y: sp.Symbol
    bound: sp.Expr
    upper: bool
    strict: bool
    conditions: tuple  # (expr in y, strict): expr > 0 (>= 0) is y's domain


@functools.cache
def library() -> tuple[Lemma, ...]:
    from boundlab.theory.catalogue.classical import LEMMAS

    out = []
    for claim in LEMMAS:
        (param,) = claim.params
        y, lhs, rhs, rel = param.symbol, claim.left.expr, claim.right.expr, claim.rel
        if rhs in (sp.log(y), sp.exp(y)):
            lhs, rhs, rel = rhs, lhs, {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[rel]
        conditions = tuple(Facts.of({y: param.domain}).known)
        out.append(Lemma(claim.id, type(lhs), y, rhs, rel in ("<", "<="), rel in ("<", ">"), conditions))
    return tuple(out)


STORED = Path(__file__).with_name("lemma_certificates.json")  # `python -m boundlab.numerics.prover.lemmas` writes it


@functools.cache
def _stored() -> dict:
    return json.loads(STORED.read_text()) if STORED.exists() else {}


@functools.cache
def lemma_certificate(lemma_id: str) -> dict | None:
    """The lemma's own proof, by the layers before this one (a lemma never proves itself): the stored one when it
    proves the lemma as stated now, else found afresh."""
    from boundlab.theory.catalogue.classical import LEMMAS

    claim = next(c for c in LEMMAS if c.id == lemma_id)
    goal = Goal.of(claim)
    stored = _stored().get(lemma_id)
    if stored is not None and all(stored.get(k) == v for k, v in goal.header().items()):
        return stored
    return prove_lemma(goal)


def prove_lemma(goal: Goal) -> dict | None:
    from . import LAYERS

    budget = Budget(8.0)
    for layer in LAYERS:
        if isinstance(layer, Lemmas):
            return None
        proof = budget.run(layer, goal)
        if proof is not None:
            return {**goal.header(), **proof.certificate}
    return None


class Lemmas(Layer):
    name, kinds = "lemmas", ("lemma",)
    share = 0.4  # of the claim's budget: it runs before the monotonicity layer (which nests its reductions too)

    def accepts(self, goal: Goal) -> bool:
        return goal.inequality and _applies(goal.gap)

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        node = reduce_node(goal.gap, goal.strict, Facts.of(goal.domains, goal.hypotheses), LEMMA_DEPTH, budget)
        return Proof("classical lemmas", {"kind": "lemma", "argument": node}) if node is not None else None

    def describe(self, certificate: dict) -> str:
        used = sorted(set(_lemmas_used(certificate["argument"])))
        return f"classical lemmas ({', '.join(u.split('.')[-1] for u in used) or 'logarithms'})"


def _lemmas_used(node) -> list[str]:
    if isinstance(node, dict):
        return ([node["lemma"]] if node.get("kind") == "lemma" and "lemma" in node else []) + [
            u for v in node.values() for u in _lemmas_used(v)]
    if isinstance(node, list):
        return [u for v in node for u in _lemmas_used(v)]
    return []


def _powers(e) -> bool:
    """Whether e holds exp or a power with a symbolic exponent (what a logarithm simplifies)."""
    return bool(e.atoms(sp.exp)) or any(not q.exp.is_number for q in e.atoms(sp.Pow))


def _applies(e) -> bool:
    return bool(e.atoms(sp.log)) or _powers(e)


def reduce_node(gap, strict: bool, facts: Facts, depth: int, budget: Budget) -> dict | None:
    """gap >= 0 (> 0) through its logarithm or a lemma substitution, then the sign rules, monotonicity or a further
    reduction (`depth` levels), or None."""
    if depth <= 0 or budget.left() <= 0 or not _applies(gap):
        return None
    # a direct lemma first, as a failing logarithm step costs more; but the logarithm first when each side is one
    # product of powers (its logarithm holds no logarithm of a sum: e**eps/(1 + eps)**(1 + eps) against e**(-eps**2/3))
    steps = (_logarithm, _substitution, _cleared) if _two_products(gap) else (_substitution, _logarithm, _cleared)
    for step in steps:
        node = step(gap, strict, facts, depth, budget)
        if node is not None:
            return node
    return None


def _two_products(gap) -> bool:
    """gap = A - B with A and B single terms, one of them holding exp or a symbolic power."""
    if not isinstance(gap, sp.Add) or len(gap.args) != 2:
        return False
    return any(_powers(t) for t in gap.args) and any(t.could_extract_minus_sign() for t in gap.args) \
        and not all(t.could_extract_minus_sign() for t in gap.args)


def _cleared(gap, strict, facts, depth, budget) -> dict | None:
    """gap = N/D with D > 0 by the sign rules and holding exp, log or a symbolic power: N, expanded when that
    differs, has the gap's sign
    (eta/(1 - exp(-eta)) <= 1 + eta becomes 1 - (1 + eta)*exp(-eta) >= 0, where a logarithm closes it)."""
    # a polynomial denominator is the monotonicity layer's
    found = positive_denominator(gap, facts, budget, lambda num, den: _applies(den) and sp.count_ops(num) <= 60)
    if found is None:
        return None
    num, den, tree = found
    for form in dict.fromkeys((sp.expand(num), num)):
        proof = _prove_rec(form, strict, facts, depth - 1, budget)
        if proof is not None:
            return cleared(form, den, tree, proof)
    return None


def _logarithm(gap, strict, facts, depth, budget) -> dict | None:
    """A - B with A, B > 0 products of powers (a sum counts as one base): log A - log B has the same sign."""
    if not isinstance(gap, sp.Add):
        return None
    plus = sp.Add(*[t for t in gap.args if not t.could_extract_minus_sign()])
    minus = -sp.Add(*[t for t in gap.args if t.could_extract_minus_sign()])
    if plus == 0 or minus == 0 or not (_powers(plus) or _powers(minus)):
        return None
    bases, trees = power_bases(plus) | power_bases(minus), []
    for base in sorted(bases, key=sp.default_sort_key):
        tree = signer(facts, budget, INNER_SECONDS).prove(base, True)
        if tree is None:
            return None
        trees.append(tree)
    difference = log_form(plus) - log_form(minus)
    if difference == gap:
        return None
    proof = _prove_rec(difference, strict, facts, depth - 1, budget)
    if proof is None:
        return None
    return {"kind": "logarithm", "a": sp.sstr(plus), "b": sp.sstr(minus), "difference": sp.sstr(difference),
            "bases": trees, "proof": proof}


def _substitution(gap, strict, facts, depth, budget) -> dict | None:
    """An occurrence f(u) bounded by a lemma f(y) <= bound(y) (>=) at y = u, where the gap is nonincreasing
    (nondecreasing) in the occurrence: the gap is at least its value with the bound in place."""
    for atom in sorted(gap.atoms(sp.log, sp.exp), key=sp.count_ops):
        u = atom.args[0]
        G = gap.xreplace({atom: Z})
        dG = sp.diff(G, Z)
        for lemma in library():
            if lemma.function is not type(atom) or budget.left() <= 0:
                continue
            conditions = []
            for expr, cstrict in lemma.conditions:
                tree = signer(facts, budget, INNER_SECONDS).prove(expr.subs(lemma.y, u), cstrict)
                if tree is None:
                    break
                conditions.append(tree)
            else:
                direction = -dG if lemma.upper else dG
                tree = signer(facts, budget, INNER_SECONDS).prove(direction, True) if lemma.strict and strict else None
                strict_derivative = tree is not None
                tree = tree or signer(facts, budget, INNER_SECONDS).prove(direction, False)
                if tree is None:
                    continue
                reduced = G.subs(Z, lemma.bound.subs(lemma.y, u))
                need = strict and not (lemma.strict and strict_derivative)
                proof = _prove_rec(reduced, need, facts, depth - 1, budget)
                cert = lemma_certificate(lemma.id) if proof is not None else None
                if cert is not None:
                    return {"kind": "lemma", "lemma": lemma.id, "lemma_certificate": cert,
                            "function": lemma.function.__name__, "bound": sp.sstr(lemma.bound),
                            "y": str(lemma.y), "upper": lemma.upper, "strict": lemma.strict,
                            "atom": sp.sstr(atom), "instance": sp.sstr(u), "conditions": conditions,
                            "derivative": tree, "strict_derivative": strict_derivative,
                            "reduced": sp.sstr(reduced), "proof": proof}
    return None



REDUCTIONS.append(reduce_node)

if __name__ == "__main__":  # store the lemmas' certificates, so that a proof does not re-prove them in each process
    from boundlab.theory.catalogue.classical import LEMMAS

    STORED.write_text(json.dumps({c.id: prove_lemma(Goal.of(c)) for c in LEMMAS}, indent=1) + "\n")
    print(f"wrote {STORED}: {len(LEMMAS)} lemmas")
