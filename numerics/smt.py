"""Polynomial claims by z3's nonlinear real arithmetic: gap = N/D >= 0 is proved when no real point of the domain
box, under the hypotheses, has N*D < 0 (N*D <= 0 for a strict claim) with D != 0.

Only rational-coefficient polynomials go to z3; integer domains are relaxed to real ones (proving more). The
certificate holds the numerator, denominator and the SMT-LIB query that z3 found unsatisfiable.
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import sympy as sp

from boundlab.theory.symbols import Domain

TIMEOUT_MS = 5000


def _poly(e: sp.Expr, symbols) -> sp.Poly | None:
    try:
        p = sp.Poly(e, *symbols)
    except (sp.PolynomialError, sp.GeneratorsNeeded):
        return None
    return p if all(c.is_Rational for c in p.coeffs()) else None


def _to_z3(p: sp.Poly, vars_):
    import z3

    total = z3.RealVal(0)
    for monom, coeff in p.terms():
        term = z3.RealVal(str(sp.Rational(coeff)))
        for v, k in zip(vars_, monom):
            for _ in range(k):
                term = term * v
        total = total + term
    return total


def _bound(v: float, down: bool) -> str:
    """A domain end as a short rational, rounded outward (down for a lower end): the proof then covers a superset
    of the domain. The nearest short fraction (limit_denominator) may lie inside it, which is unsound."""
    q = Fraction(v)
    if q.denominator <= 10 ** 12:
        return str(q)
    scaled = q * 10 ** 12
    return str(Fraction(math.floor(scaled) if down else math.ceil(scaled), 10 ** 12))


@lru_cache(maxsize=256)
def _ratio(gap: sp.Expr) -> tuple | None:
    symbols = sorted(gap.free_symbols, key=str)
    num, den = sp.fraction(sp.together(gap))
    pn, pd = _poly(sp.expand(num), symbols), _poly(sp.expand(den), symbols)
    return None if pn is None or pd is None else (symbols, num, den, pn, pd)


def polynomial_form(gap: sp.Expr, domains: dict[sp.Symbol, Domain]) -> tuple | None:
    """(symbols, numerator, denominator, their Polys) when gap is a ratio of polynomials with rational coefficients
    in symbols that all have a domain, the form z3 reads; else None. Cached: the prover's z3 layer asks it twice."""
    if not gap.free_symbols or any(s not in domains for s in gap.free_symbols):
        return None
    return _ratio(gap)


def prove_polynomial(gap: sp.Expr, strict: bool, domains: dict[sp.Symbol, Domain], hypotheses) -> dict | None:
    """A z3 certificate that gap >= 0 (> 0) on the domains under the hypotheses, or None."""
    import z3

    form = polynomial_form(gap, domains)
    if form is None:
        return None
    symbols, num, den, pn, pd = form
    hyp_polys = []
    for h in hypotheses:
        # a hypothesis z3 cannot read is left out: the claim is then proved on a larger set, which is sound
        lhs = _poly(sp.expand(h.lhs - h.rhs), symbols) if isinstance(h, sp.Rel) and h.free_symbols <= set(symbols) \
            else None
        if lhs is not None:
            hyp_polys.append((lhs, type(h)))
    vars_ = [z3.Real(str(s)) for s in symbols]
    solver = z3.Solver()
    solver.set("timeout", TIMEOUT_MS)
    for v, s in zip(vars_, symbols):
        d = domains[s]
        if math.isfinite(d.lo):
            lo = z3.RealVal(_bound(d.lo, down=True))
            solver.add(v > lo if d.lo_open else v >= lo)
        if math.isfinite(d.hi):
            hi = z3.RealVal(_bound(d.hi, down=False))
            solver.add(v < hi if d.hi_open else v <= hi)
    ops = {sp.StrictLessThan: lambda a: a < 0, sp.LessThan: lambda a: a <= 0, sp.StrictGreaterThan: lambda a: a > 0,
           sp.GreaterThan: lambda a: a >= 0, sp.Equality: lambda a: a == 0, sp.Unequality: lambda a: a != 0}
    for p, kind in hyp_polys:
        solver.add(ops[kind](_to_z3(p, vars_)))
    n, d = _to_z3(pn, vars_), _to_z3(pd, vars_)
    solver.add(d != 0)
    solver.add(n * d <= 0 if strict else n * d < 0)
    if solver.check() != z3.unsat:
        return None
    return {"kind": "z3", "numerator": sp.sstr(num), "denominator": sp.sstr(den), "smt2": solver.to_smt2(),
            "z3": z3.get_version_string()}
