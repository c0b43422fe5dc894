"""Polynomial claims by z3's nonlinear real arithmetic: gap = N/D >= 0 is proved when no real point of the domain
box, under the hypotheses, has N*D < 0 (N*D <= 0 for a strict claim) with D != 0.

Only rational-coefficient polynomials go to z3; integer domains are relaxed to real ones (proving more). The
certificate holds the numerator, denominator and the SMT-LIB query that z3 found unsatisfiable.
"""
from __future__ import annotations

import math
import time
from fractions import Fraction

import sympy as sp

from boundlab.theory.symbols import Domain

from .limits import cpu_watchdog, task_cache

SECONDS = 5.0  # CPU seconds for z3 in one proof at most (its checks together), and no more than the caller's budget


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


def radicals(exprs) -> dict:
    """{u**(p/2): (r, u, p)} for the half-integer powers of polynomials u in the expressions: each becomes r**p for
    a fresh variable r with r >= 0 and r**2 = u, so sqrt(c) + b >= x reads as a polynomial to z3."""
    atoms = sorted({a for e in exprs for a in e.atoms(sp.Pow) if a.exp.is_Rational and a.exp.q == 2},
                   key=sp.default_sort_key)
    out, names = {}, {}
    for a in atoms:
        if a.base not in names:
            names[a.base] = sp.Symbol(f"sqrt_{len(names)}", nonnegative=True)
        out[a] = (names[a.base], a.base, int(a.exp.p))
    return out


@task_cache(maxsize=256)
def _ratio(gap: sp.Expr) -> tuple | None:
    roots = radicals([gap])
    plain = gap.xreplace({a: r**p for a, (r, _, p) in roots.items()})
    symbols = sorted(plain.free_symbols | {s for _, u, _ in roots.values() for s in u.free_symbols}, key=str)
    if any(_poly(sp.expand(u), symbols) is None for _, u, _ in roots.values()):
        return None
    num, den = sp.fraction(sp.together(plain))
    pn, pd = _poly(sp.expand(num), symbols), _poly(sp.expand(den), symbols)
    return None if pn is None or pd is None else (symbols, num, den, pn, pd)


def polynomial_form(gap: sp.Expr, domains: dict[sp.Symbol, Domain]) -> tuple | None:
    """(symbols, numerator, denominator, their Polys) when gap is a ratio of polynomials with rational coefficients
    in symbols that all have a domain (and square roots of such polynomials, as variables `radicals`), the form z3
    reads; else None. Cached: the prover's z3 layer asks it twice."""
    if not gap.free_symbols or any(s not in domains for s in gap.free_symbols):
        return None
    return _ratio(gap)


def _unsat(solver, end: float) -> bool:
    """Whether z3 shows the solver's constraints unsatisfiable before this process's CPU clock reaches `end`."""
    import z3

    left = end - time.process_time()
    if left <= 0:
        return False
    with cpu_watchdog(left, solver.ctx.interrupt):
        return solver.check() == z3.unsat


def prove_polynomial(gap: sp.Expr, strict: bool, domains: dict[sp.Symbol, Domain], hypotheses,
                     seconds: float = SECONDS) -> dict | None:
    """A z3 certificate that gap >= 0 (> 0) on the domains under the hypotheses, or None (also when the proof, its
    encoding and z3's checks, needs more than `seconds` of CPU time). A square root r = sqrt(u) adds r >= 0 and
    r**2 = u, once z3 has shown u >= 0 wherever the domains and the hypotheses free of roots hold (the claim is real
    there)."""
    import z3

    end = time.process_time() + seconds
    form = polynomial_form(gap, domains)
    if form is None:
        return None
    symbols, num, den, pn, pd = form
    roots = radicals([gap])
    by_root = {r: u for r, u, _ in roots.values()}
    vars_ = [z3.Real(str(s)) for s in symbols]
    z3_of = lambda e: _to_z3(_poly(sp.expand(e), symbols), vars_)  # noqa: E731
    plain, rooted = [], []  # constraints without and with a root variable
    for v, s in zip(vars_, symbols):
        d = domains.get(s)
        if d is None:  # a root variable
            rooted += [v >= 0, v * v == z3_of(by_root[s])]
            continue
        if math.isfinite(d.lo):
            lo = z3.RealVal(_bound(d.lo, down=True))
            plain.append(v > lo if d.lo_open else v >= lo)
        if math.isfinite(d.hi):
            hi = z3.RealVal(_bound(d.hi, down=False))
            plain.append(v < hi if d.hi_open else v <= hi)
    ops = {sp.StrictLessThan: lambda a: a < 0, sp.LessThan: lambda a: a <= 0, sp.StrictGreaterThan: lambda a: a > 0,
           sp.GreaterThan: lambda a: a >= 0, sp.Equality: lambda a: a == 0, sp.Unequality: lambda a: a != 0}
    for h in hypotheses:
        # a hypothesis z3 cannot read is left out: the claim is then proved on a larger set, which is sound
        if not isinstance(h, sp.Rel):
            continue
        h = h.xreplace({a: r**p for a, (r, _, p) in roots.items()})
        lhs = _poly(sp.expand(h.lhs - h.rhs), symbols) if h.free_symbols <= set(symbols) else None
        if lhs is not None:
            (rooted if h.free_symbols & set(by_root) else plain).append(ops[type(h)](_to_z3(lhs, vars_)))
    for u in by_root.values():
        check = z3.Solver()
        check.add(*plain, z3_of(u) < 0)
        if not _unsat(check, end):
            return None
    solver = z3.Solver()
    solver.add(*plain, *rooted)
    n, d = _to_z3(pn, vars_), _to_z3(pd, vars_)
    solver.add(d != 0)
    solver.add(n * d <= 0 if strict else n * d < 0)
    if not _unsat(solver, end):
        return None
    back = {r: sp.sqrt(u) for r, u in by_root.items()}  # the certificate in the claim's symbols
    return {"kind": "z3", "numerator": sp.sstr(num.xreplace(back)), "denominator": sp.sstr(den.xreplace(back)),
            "smt2": solver.to_smt2(),
            "z3": z3.get_version_string()}
