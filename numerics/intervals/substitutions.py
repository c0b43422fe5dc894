"""Changes of variable that turn a gap on its domain into a gap on a bounded box the branch and bound can split,
and the algebra that keeps the transformed gap small.

A variable under a square root is written x = p**2; an unbounded one is mapped onto [0, 1] (x = lo/u, ...); factors
of constant sign on the domain (such as the pole u**-k) are divided out, which keeps the sign of the gap.
"""
from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp

from .arithmetic import Unsupported
from .compiler import enclose_bounds


def _square_root(q: Fraction | float, up: bool) -> tuple[Fraction | float, bool]:
    """sqrt(q) exactly when q is a square of a fraction, else rounded outward to 2**-30; and whether exact."""
    if isinstance(q, float):
        return q, True
    n, d = math.isqrt(q.numerator), math.isqrt(q.denominator)
    if n * n == q.numerator and d * d == q.denominator:
        return Fraction(n, d), True
    scaled = math.isqrt(q * 2 ** 60 // 1)
    return Fraction(scaled + up, 2 ** 30), False


def substitution(dom: tuple, rooted: bool, u: sp.Symbol):
    """(x as a function of u, the bounded domain of u) for x over dom = (lo, hi, lo_open, hi_open).

    rooted: x = p**2 first (x sits under a square root; p = sqrt(x) makes it polynomial), its ends rounded
    outward. Then an unbounded p is mapped onto u in [0, 1], u = 0 standing for infinity (always excluded):
    [lo, oo): p = lo/u (lo > 0) or lo + (1-u)/u; (-oo, hi]: p = hi/u (hi < 0) or hi - (1-u)/u;
    (-oo, oo): p = (2u-1)/(u(1-u)).
    """
    lo, hi, lo_open, hi_open = dom
    power = 1
    if rooted:
        (lo, lo_exact), (hi, hi_exact) = _square_root(lo, False), _square_root(hi, True)
        lo_open, hi_open, power = lo_open and lo_exact, hi_open and hi_exact, 2
    if not (isinstance(lo, float) or isinstance(hi, float)):
        return u ** power, (lo, hi, lo_open, hi_open)
    if isinstance(lo, float) and isinstance(hi, float):
        p, ends = (2 * u - 1) / (u * (1 - u)), (True, True)
    elif isinstance(hi, float):
        r = sp.Rational(lo)
        p, ends = (r / u if lo > 0 else r + (1 - u) / u), (True, lo_open)
    else:
        r = sp.Rational(hi)
        p, ends = (r / u if hi < 0 else r - (1 - u) / u), (True, hi_open)
    return p ** power, (Fraction(0), Fraction(1), *ends)


def _sign_on_domain(base: sp.Expr, k: sp.Expr, doms: dict) -> int | None:
    """The constant sign (+1 or -1) of base**k on the domain when base is a number or a linear function of one
    variable without a root in the domain (a root at an excluded end is fine); None otherwise."""
    if base.is_number:
        s = 1 if base.is_positive else -1 if base.is_negative else None
    elif len(base.free_symbols) == 1 and (v := next(iter(base.free_symbols))) in doms and base.is_polynomial(v) \
            and sp.degree(base, v) == 1:
        a, b = sp.Poly(base, v).all_coeffs()
        if not (a.is_Rational and b.is_Rational):
            return None
        root, (lo, hi, lo_ex, hi_ex) = Fraction(str(-b / a)), doms[v]
        if not (root < lo or root > hi or (root == lo and lo_ex) or (root == hi and hi_ex)):
            return None
        s = 1 if a * (sp.Rational(lo + hi) / 2 - sp.Rational(root)) > 0 else -1
    else:
        return None
    if s == 1:
        return 1
    return (-1) ** int(k) if s is not None and k.is_Integer else None


def _factors(part: sp.Expr) -> list[sp.Expr]:
    """The factors of part, not expanded (so sums of positive terms stay visibly positive); a polynomial factor
    is split further when SymPy factors it non-trivially, e.g. p**2 - 2*p*q + q**2 = (p - q)**2."""
    out = []
    for f in sp.Mul.make_args(sp.factor_terms(part)):
        base, k = f.as_base_exp()
        if k.is_Integer and base.free_symbols and base.is_polynomial():
            split = sp.factor(base)
            if split.is_Pow or len(sp.Mul.make_args(split)) > 1:
                out.extend(g ** k for g in sp.Mul.make_args(split))
                continue
        out.append(f)
    return out


def _resolve_abs(e: sp.Expr, doms: dict) -> sp.Expr:
    """e with each Abs(a) whose argument has one sign on the whole domain replaced by a or -a (after x = p**2,
    sqrt(x) is Abs(p) to SymPy)."""
    box = {v: d[:2] for v, d in doms.items()}

    def resolve(a):
        try:
            lo, hi = enclose_bounds(a, box)
        except Unsupported:
            return sp.Abs(a)
        return a if lo >= 0 else -a if hi <= 0 else sp.Abs(a)

    return e.replace(sp.Abs, resolve)


def signed_form(expr: sp.Expr, transform: dict, doms: dict) -> tuple[sp.Expr, sp.Expr]:
    """(g, m) with expr(transform) = m * g and m > 0 on the domain: the transformed expression as one fraction,
    less its factors of constant sign (such as u**-k, the pole of x = 1/u at infinity)."""
    e = tidy(_resolve_abs(expr.xreplace(transform), doms))
    num, den = sp.fraction(sp.together(e))
    kept, dropped, sign = [], [], 1
    for part, power in ((num, 1), (den, -1)):
        for f in _factors(part):
            base, k = f.as_base_exp()
            s = _sign_on_domain(base, k, doms)
            (kept if s is None else dropped).append(f ** power)
            sign *= s or 1
    if not transform and not any(f.free_symbols for f in dropped):
        return e, sp.Integer(1)
    return sign * sp.Mul(*kept), sign * sp.Mul(*dropped)



def simplest(e: sp.Expr) -> sp.Expr:
    """The shortest of e, together(e) and cancel(e): fewer operations usually mean less interval dependency.
    Large expressions are left alone: SymPy's rational simplification can take minutes on them."""
    if sp.count_ops(e) > 80:
        return e
    forms = [e, sp.together(e)]
    try:
        forms.append(sp.cancel(e))
    except sp.PolynomialError:
        pass
    return min(forms, key=sp.count_ops)


def tidy(e: sp.Expr) -> sp.Expr:
    """e with the arguments of its functions and powers in their simplest form (log(1 + (1-u)/u) -> log(1/u))."""
    if not e.args or e.is_Atom:
        return e
    args = [tidy(a) for a in e.args]
    if isinstance(e, sp.Function) or e.is_Pow:
        args = [simplest(a) for a in args]
    return e.func(*args)
