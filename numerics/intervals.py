"""Rigorous interval enclosures (python-flint arb) and branch-and-bound proofs that a gap is >= 0 on a domain.

An interval is an inf-sup pair whose ends are exact arb numbers or +-inf. Every operation evaluates arb balls at
exact ends and keeps the lower end of the lower ball and the upper end of the upper ball: the result contains
every value, and an end that is exactly 0 stays 0 (an arb ball mid +- rad over [0, w] would dip below 0).
Points where the gap diverges are read in the extended reals (1/x on [0, 1] encloses to [1, +oo]).

The prover bisects the domain box (breadth first). On each box it tries the natural enclosure of the gap, then
the monotonicity test (a variable whose partial derivative has a sign on the box, seen from its enclosure or
proved the same way one order up, is fixed at the minimising end), then the mean-value form
gap(m) + grad(box).(box - m). The monotonicity test proves claims that are tight at a point (exp(x) >= 1 + x at
0): the minimum sits at a box end where the gap evaluates to exactly 0. Where a constraint c > 0 is undecided on
a box it tries gap - w c >= 0 with a weight w > 0 (then gap >= w c > 0 where the constraint holds).
Before that, a variable under a square root is written x = p**2, an unbounded one is mapped onto [0, 1]
(x = lo/u, ...), and factors of constant sign on the domain (such as the pole u**-k) are divided out, which
keeps the sign of the gap. Every proof is recorded in a certificate that tests/numerics/box_checker.py replays.
"""
from __future__ import annotations

import math
import time
from collections import deque
from fractions import Fraction
from functools import lru_cache

import sympy as sp
from sympy.printing.str import StrPrinter
from flint import arb, ctx, fmpq

from boundlab.theory.symbols import Domain

INF = math.inf
ZERO, ONE = arb(0), arb(1)
#: Gamma and loggamma decrease up to their minimum at 1.46163..., then increase; both are convex on (0, oo).
GAMMA_MIN_LO, GAMMA_MIN_HI = arb(1.4616), arb(1.4617)
#: Floats with at most this many significant digits denote their decimal exactly; longer ones look computed.
SHORT_DECIMAL = 12


class Unsupported(ValueError):
    """The expression uses a function (or constant) that has no enclosure here."""


class OutsideDomain(Unsupported):
    """The box reaches outside the real domain of a function (log of a negative, ...): a smaller box may not."""


class Interval:
    """The closed interval [lo, hi]; each end is an exact arb or +-inf."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def __repr__(self):
        return f"Interval({_text(self.lo)}, {_text(self.hi)})"


class _State:
    """Per-evaluation flags: `pole` is set when a value may jump (a pole crossed, 0**y with y around 0)."""

    __slots__ = ("pole",)

    def __init__(self):
        self.pole = False


# ---- exact ends ------------------------------------------------------------------------------------------------
def _down(ball):
    return ball.lower() if ball.is_finite() else -INF


def _up(ball):
    return ball.upper() if ball.is_finite() else INF


def _ball(ball) -> Interval:
    return Interval(_down(ball), _up(ball))


def _exact(value) -> Fraction | float:
    """A domain or box end as an exact Fraction (a float as the decimal it prints as), or +-inf."""
    if isinstance(value, float):
        return value if math.isinf(value) else Fraction(repr(value))
    if isinstance(value, sp.Basic):
        if value in (sp.oo, -sp.oo):
            return INF if value == sp.oo else -INF
        return Fraction(str(sp.Rational(str(value)) if value.is_Float else sp.Rational(value)))
    return Fraction(value)


def _of_fraction(q: Fraction | float) -> Interval:
    if isinstance(q, float):
        return Interval(q, q)
    return _ball(arb(fmpq(q.numerator, q.denominator)))


def _fraction(end) -> Fraction | float:
    """An exact arb end as a Fraction (inf stays a float)."""
    if isinstance(end, float):
        return end
    man, exp = end.mid().man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** -exp)


def _text(q, lower: bool = True) -> str:
    """An end as an exact string: a Fraction as p/q; an arb end as p/q when short, else as a decimal rounded
    outward (down for a lower end) to 20 digits, so that exp(-30000) does not print 13000 digits."""
    if isinstance(q, float):
        return "oo" if q > 0 else "-oo"
    if isinstance(q, Fraction):
        return str(q)
    man, exp = q.mid().man_exp()
    if abs(int(exp)) < 200:
        return str(_fraction(q))
    mid, rad, ten = (int(v) for v in q.mid_rad_10exp(20))
    return f"{mid - rad if lower else mid + rad}e{ten}"


# ---- interval operations ---------------------------------------------------------------------------------------
def _add(a: Interval, b: Interval) -> Interval:
    lo = -INF if a.lo == -INF or b.lo == -INF else _down(a.lo + b.lo)
    hi = INF if a.hi == INF or b.hi == INF else _up(a.hi + b.hi)
    return Interval(lo, hi)


def _neg(a: Interval) -> Interval:
    return Interval(-a.hi, -a.lo)


def _product(x, y):
    """(lower, upper) of x*y for ends x, y; 0 times an infinite end is 0 (ends are limits, not values)."""
    if x == 0 or y == 0:
        return ZERO, ZERO
    if isinstance(x, float) or isinstance(y, float):
        v = INF if (x > 0) == (y > 0) else -INF
        return v, v
    b = x * y
    return _down(b), _up(b)


def _mul(a: Interval, b: Interval) -> Interval:
    ps = [_product(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    return Interval(min(p[0] for p in ps), max(p[1] for p in ps))


def _inverse_end(x, lower: bool):
    if isinstance(x, float):
        return ZERO
    b = ONE / x
    return _down(b) if lower else _up(b)


def _recip(a: Interval, st: _State) -> Interval:
    if a.lo > 0 or a.hi < 0:
        return Interval(_inverse_end(a.hi, True), _inverse_end(a.lo, False))
    if a.lo == 0 and a.hi > 0:
        return Interval(_inverse_end(a.hi, True), INF)
    if a.hi == 0 and a.lo < 0:
        return Interval(-INF, _inverse_end(a.lo, False))
    if a.lo == a.hi:
        raise OutsideDomain("division by zero")
    st.pole = True
    return Interval(-INF, INF)


def _int_pow(a: Interval, n: int, st: _State) -> Interval:
    """a**n for an integer n: even powers of a sign-changing interval are [0, max(|lo|, |hi|)**n]."""
    if n == 0:
        return Interval(ONE, ONE)
    if n < 0:
        return _recip(_int_pow(a, -n, st), st)

    def power(x):
        if isinstance(x, float):
            v = INF if x > 0 or n % 2 == 0 else -INF
            return v, v
        b = x ** n
        return _down(b), _up(b)

    if n % 2 or a.lo >= 0:
        return Interval(power(a.lo)[0], power(a.hi)[1])
    if a.hi <= 0:
        return Interval(power(a.hi)[0], power(a.lo)[1])
    return Interval(ZERO, max(power(a.lo)[1], power(a.hi)[1]))


def _power_end(x, y):
    """(lower, upper) of x**y for ends x >= 0 and y, with the limits at 0 and at infinity."""
    if x == 0:
        v = ZERO if y > 0 else INF if y < 0 else ONE
    elif x == INF:
        v = INF if y > 0 else ZERO if y < 0 else ONE
    elif isinstance(y, float):
        v = ONE if x == 1 else INF if (x > 1) == (y > 0) else ZERO
    else:
        b = x ** y
        return _down(b), _up(b)
    return v, v


def _real_pow(a: Interval, e: Interval, st: _State) -> Interval:
    """a**e for a >= 0: x**y is monotone in each argument, so its extremes over a box are at the corners."""
    if a.lo < 0:
        raise OutsideDomain("non-integer power of a negative number")
    if a.lo == 0 and e.lo <= 0 <= e.hi and e.lo < e.hi:
        st.pole = True  # 0**y jumps at y = 0
    ps = [_power_end(x, y) for x in (a.lo, a.hi) for y in (e.lo, e.hi)]
    lo, hi = min(p[0] for p in ps), max(p[1] for p in ps)
    if lo == INF:
        raise OutsideDomain("0 to a negative power")
    return Interval(lo, hi)


def _monotone(a: Interval, f, increasing: bool, at_minus_inf, at_inf) -> Interval:
    """f(a) for f monotone on a; at_minus_inf / at_inf are its limits."""
    def value(x, lower):
        if x == -INF:
            return at_minus_inf
        if x == INF:
            return at_inf
        b = f(x)
        return _down(b) if lower else _up(b)

    if increasing:
        return Interval(value(a.lo, True), value(a.hi, False))
    return Interval(value(a.hi, True), value(a.lo, False))


def _log(a: Interval) -> Interval:
    if a.lo < 0 or a.hi == 0:
        raise OutsideDomain("log of a number <= 0")
    return _monotone(a, arb.log, True, None, INF)


def _lambertw(a: Interval, branch: int) -> Interval:
    if a.lo < _up(-(-ONE).exp()):
        raise OutsideDomain("LambertW below -1/e")
    if branch == 0:
        return _monotone(a, arb.lambertw, True, None, INF)
    if a.hi > 0:
        raise OutsideDomain("LambertW branch -1 needs a negative argument")
    return _monotone(a, lambda x: x.lambertw(-1), False, None, None)


def _gamma_like(a: Interval, f) -> Interval:
    """gamma or loggamma on a >= 0: decreasing, then increasing past 1.4616...; convex, so the max is at an end."""
    if a.lo < 0 or a.hi == 0:
        raise OutsideDomain("gamma of a number <= 0")
    if a.hi <= GAMMA_MIN_LO:
        lo = _down(f(a.hi))
    elif a.lo >= GAMMA_MIN_HI:
        lo = _down(f(a.lo))
    else:
        lo = _down(f(GAMMA_MIN_LO.union(GAMMA_MIN_HI)))
    hi = max(INF if isinstance(x, float) else _up(f(x)) for x in (a.lo, a.hi))
    return Interval(lo, hi)


def _digamma(a: Interval) -> Interval:
    if a.lo < 0 or a.hi == 0:
        raise OutsideDomain("digamma of a number <= 0")
    return _monotone(a, arb.digamma, True, None, INF)


def _abs(a: Interval) -> Interval:
    if a.lo >= 0:
        return a
    if a.hi <= 0:
        return _neg(a)
    return Interval(ZERO, max(-a.lo, a.hi))


def _is_short(f: sp.Float) -> bool:
    """Whether f is a decimal as its author wrote it: at most SHORT_DECIMAL significant digits (0.18, not SymPy's
    2.79178407657188 for 300**0.18), or more than double precision holds (SymPy keeps a typed 0.69999999999999999
    at 60 bits; what it computes at parse time is 53-bit)."""
    return f._prec > 53 or len(str(f).lower().split("e")[0].replace("-", "").replace(".", "").strip("0")) <= SHORT_DECIMAL


def exact_decimals(e: sp.Basic) -> sp.Basic:
    """e with each short Float replaced by the decimal it denotes, as a Rational (0.7 is 7/10, not the binary
    0.6999999999999999556): what a claim's author wrote. Long Floats (SymPy's rounding of 300**0.18) stay."""
    return e.xreplace({f: sp.Rational(str(f)) for f in e.atoms(sp.Float) if _is_short(f)})


def float_ball(f: sp.Float) -> arb:
    """A Float as an arb ball: the decimal it prints as; a long (computed-looking) Float its binary value widened
    by 16 units in its last bit, to cover SymPy's own rounding when it folded e.g. exp(0.3) or log(0.5) into a
    Float (not the 15 digits it prints: 1.34985880757600 is 3.1e-15 from exp(0.3), more than the 16 ulps)."""
    if _is_short(f):
        q = Fraction(str(f))
        return arb(fmpq(q.numerator, q.denominator))
    sign, man, exp, _ = f._mpf_
    b = arb(-man if sign else man) * arb(2) ** exp
    return b + arb(0, abs(b).upper() * arb(2) ** (4 - f._prec))


def _float_interval(f: sp.Float) -> Interval:
    return _ball(float_ball(f))


def _fold(op, parts):
    def f(env, st):
        r = parts[0](env, st)
        for g in parts[1:]:
            r = op(r, g(env, st))
        return r
    return f


def _unary(g, op):
    return lambda env, st: op(g(env, st))


CONSTANTS = {sp.pi: arb.pi, sp.E: arb.const_e, sp.EulerGamma: arb.const_euler}
MONOTONE = {  # function: (arb method, increasing, limit at -oo, limit at +oo)
    sp.exp: (arb.exp, True, ZERO, INF),
    sp.erf: (arb.erf, True, -ONE, ONE),
    sp.floor: (arb.floor, True, -INF, INF),
    sp.ceiling: (arb.ceil, True, -INF, INF),
}


@lru_cache(maxsize=1024)
def _compile(e: sp.Expr):
    """A function (env, state) -> Interval enclosing e over the box env (symbol -> Interval)."""
    if e.is_Symbol:
        def symbol(env, st):
            if e not in env:
                raise Unsupported(f"no range given for {e}")
            return env[e]
        return symbol
    if e.is_Integer:
        return lambda env, st: Interval(arb(int(e)), arb(int(e)))
    if e.is_Rational:
        q = fmpq(int(e.p), int(e.q))
        return lambda env, st: _ball(arb(q))
    if e.is_Float:
        return lambda env, st: _float_interval(e)
    if e in CONSTANTS:
        return lambda env, st: _ball(CONSTANTS[e]())
    if e.is_Add:
        return _fold(_add, [_compile(t) for t in e.args])
    if e.is_Mul:
        return _fold(_mul, [_compile(t) for t in e.args])
    if e.is_Pow:
        base, ex = _compile(e.base), e.exp
        if ex.is_Integer:
            n = int(ex)
            return lambda env, st: _int_pow(base(env, st), n, st)
        exponent = _compile(ex)
        return lambda env, st: _real_pow(base(env, st), exponent(env, st), st)
    if e.func == sp.LambertW and (len(e.args) == 1 or e.args[1] in (0, -1)):
        branch = 0 if len(e.args) == 1 else int(e.args[1])
        return _unary(_compile(e.args[0]), lambda a: _lambertw(a, branch))
    if e.func == sp.polygamma and e.args[0] == 0:
        return _unary(_compile(e.args[1]), _digamma)
    if e.func not in (*MONOTONE, sp.log, sp.Abs, sp.Min, sp.Max, sp.gamma, sp.loggamma):
        raise Unsupported(f"no interval enclosure for {e.func.__name__} (in {sp.sstr(e)})")
    args = [_compile(a) for a in e.args]
    if e.func in MONOTONE:
        f, inc, at_lo, at_hi = MONOTONE[e.func]
        return _unary(args[0], lambda a: _monotone(a, f, inc, at_lo, at_hi))
    if e.func == sp.log:
        return _unary(args[0], _log)
    if e.func == sp.Abs:
        return _unary(args[0], _abs)
    if e.func == sp.Min:
        return _fold(lambda a, b: Interval(min(a.lo, b.lo), min(a.hi, b.hi)), args)
    if e.func == sp.Max:
        return _fold(lambda a, b: Interval(max(a.lo, b.lo), max(a.hi, b.hi)), args)
    if e.func == sp.gamma:
        return _unary(args[0], lambda a: _gamma_like(a, arb.gamma))
    return _unary(args[0], lambda a: _gamma_like(a, arb.lgamma))


def _env(box) -> dict:
    return {s: Interval(_of_fraction(_exact(lo)).lo, _of_fraction(_exact(hi)).hi) for s, (lo, hi) in box.items()}


def enclose_bounds(expr: sp.Expr, box: dict, prec: int = 64) -> tuple[Fraction | float, Fraction | float]:
    """Exact lower and upper bounds (Fractions, or +-inf) of expr over the box; see `enclose`."""
    fn = _compile(sp.sympify(expr))
    with ctx.workprec(prec):
        r = fn(_env(box), _State())
    return _fraction(r.lo), _fraction(r.hi)


def enclose(expr: sp.Expr, box: dict, prec: int = 64) -> arb:
    """A rigorous enclosure of expr over the box {symbol: (lo, hi)} as an arb ball ([+/- inf] if unbounded).

    Box ends are Fractions, ints, floats (read as the decimals they print as) or +-inf. Raises Unsupported for a
    function it cannot enclose, and OutsideDomain (a subclass) when the box leaves a function's real domain.
    """
    lo, hi = enclose_bounds(expr, box, prec)
    if isinstance(lo, float) or isinstance(hi, float):
        return arb(0, INF)
    with ctx.workprec(prec):
        a, b = arb(fmpq(lo.numerator, lo.denominator)), arb(fmpq(hi.numerator, hi.denominator))
        return a.union(b)


# ---- the prover ------------------------------------------------------------------------------------------------
def _square_root(q: Fraction | float, up: bool) -> tuple[Fraction | float, bool]:
    """sqrt(q) exactly when q is a square of a fraction, else rounded outward to 2**-30; and whether exact."""
    if isinstance(q, float):
        return q, True
    n, d = math.isqrt(q.numerator), math.isqrt(q.denominator)
    if n * n == q.numerator and d * d == q.denominator:
        return Fraction(n, d), True
    scaled = math.isqrt(q * 2 ** 60 // 1)
    return Fraction(scaled + up, 2 ** 30), False


def _substitution(dom: tuple, rooted: bool, u: sp.Symbol):
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


def _signed_form(expr: sp.Expr, transform: dict, doms: dict) -> tuple[sp.Expr, sp.Expr]:
    """(g, m) with expr(transform) = m * g and m > 0 on the domain: the transformed expression as one fraction,
    less its factors of constant sign (such as u**-k, the pole of x = 1/u at infinity)."""
    e = _tidy(_resolve_abs(expr.xreplace(transform), doms))
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


def _relation(rel) -> tuple[sp.Expr, bool] | None:
    """(c, strict) with rel equivalent to c > 0 (strict) or c >= 0; None for relations we do not use."""
    if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
        return rel.rhs - rel.lhs, isinstance(rel, sp.StrictLessThan)
    if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
        return rel.lhs - rel.rhs, isinstance(rel, sp.StrictGreaterThan)
    return None


def _dyadic_near(lo: Fraction, hi: Fraction, target: Fraction) -> Fraction:
    """A point near target (lo < target < hi) with a short binary expansion, strictly inside (lo, hi): exact in
    arb, so that a tight point such as 0 stays an exact box end."""
    room = min(target - lo, hi - target) / 2
    step = Fraction(2) ** (room.numerator.bit_length() - room.denominator.bit_length())
    while step > room:
        step /= 2
    while step * 2 <= room:
        step *= 2
    return round(target / step) * step


MAX_ORDER = 2  # a derivative's sign may itself be proved by a monotonicity test, one level deep


def _simplest(e: sp.Expr) -> sp.Expr:
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


def _tidy(e: sp.Expr) -> sp.Expr:
    """e with the arguments of its functions and powers in their simplest form (log(1 + (1-u)/u) -> log(1/u))."""
    if not e.args or e.is_Atom:
        return e
    args = [_tidy(a) for a in e.args]
    if isinstance(e, sp.Function) or e.is_Pow:
        args = [_simplest(a) for a in args]
    return e.func(*args)


@lru_cache(maxsize=4096)
def _derivative(e: sp.Expr, v: sp.Symbol) -> sp.Expr:
    return _simplest(_tidy(sp.diff(e, v)))


class _Target:
    """sum(weight * expr) to be proved >= 0 (the gap, the gap minus a multiple of a constraint, a derivative)."""

    def __init__(self, terms):
        self.terms = terms  # [(Fraction weight, expr, compiled)]

    @classmethod
    def of(cls, *pairs):
        return cls([(Fraction(w), e, _compile(e)) for w, e in pairs])

    def value(self, env, st) -> Interval:
        total = None
        for w, _, fn in self.terms:
            v = fn(env, st)
            v = v if w == 1 else _neg(v) if w == -1 else _mul(_of_fraction(w), v)
            total = v if total is None else _add(total, v)
        return total

    def negated(self) -> "_Target":
        return _Target([(-w, e, fn) for w, e, fn in self.terms])

    def derivative(self, v) -> "_Target | None":
        """The partial derivative in v, or None when a term is not smooth or its derivative has no enclosure."""
        if any(e.has(sp.floor, sp.ceiling) for _, e, _ in self.terms):
            return None
        try:
            return _Target.of(*((w, _derivative(e, v)) for w, e, _ in self.terms))
        except Unsupported:
            return None


class _Printer(StrPrinter):
    """sstr, writing the stand-ins of long Floats back as those Floats."""

    def __init__(self, floats):
        super().__init__()
        self.floats = floats

    def _print_Dummy(self, d):
        return f"({self.floats[d]})" if d in self.floats else super()._print_Dummy(d)


class _Problem:
    """A gap on a bounded box after the change of variables, with what the proofs on each box need."""

    def __init__(self, gap, variables, domains, constraints, strict):
        self.strict = strict
        # short Floats become the decimals they denote; long ones (computed-looking) become constants whose
        # range is the widened Float, so that SymPy's algebra below stays exact
        floats = {f for e in (gap, *constraints) for f in e.atoms(sp.Float)}
        long = {f: sp.Dummy(f"float{k}") for k, f in enumerate(f for f in floats if not _is_short(f))}
        exact = {f: long.get(f) or sp.Rational(str(f)) for f in floats}
        self.constants = {d: f for f, d in long.items()}
        self.printer = _Printer(self.constants)
        gap = gap.xreplace(exact)
        constraints = [c.xreplace(exact) for c in constraints]
        rooted = {b for e in (gap, *constraints) for pw in e.atoms(sp.Pow)
                  if pw.exp.is_Rational and pw.exp.q == 2 for b in pw.base.free_symbols}
        taken = {str(s) for s in variables}
        self.transform, self.vars, self.doms, self.logscale, self.scale = {}, [], {}, [], []
        for x in variables:
            d = domains[x]
            dom = (_exact(d.lo), _exact(d.hi), d.lo_open, d.hi_open)
            root = x in rooted and dom[0] >= 0
            if root or math.isinf(d.lo) or math.isinf(d.hi):
                name = "u_" + str(x)
                while name in taken:
                    name += "_"
                taken.add(name)
                bounded = not (math.isinf(d.lo) or math.isinf(d.hi))
                positive = not bounded or dom[0] > 0 or (dom[0] == 0 and d.lo_open)
                u = sp.Symbol(name, positive=True) if positive else sp.Symbol(name, nonnegative=True)
                self.transform[x], dom = _substitution(dom, root, u)
                x = u
            self.vars.append(x)
            self.doms[x] = dom
            lo, hi = dom[:2]
            self.logscale.append(d.scale == "log" and lo > 0)
            self.scale.append(math.log(hi / lo) if self.logscale[-1] else float(hi - lo))
        self.gap, self.factor = _signed_form(gap, self.transform, self.doms)
        self.target = _Target.of((1, self.gap))
        self.constraints = []  # (index among the constraints, expr, factor, strict)
        for i, rel in enumerate(constraints):
            form = _relation(rel)
            if form is not None:
                c, m = _signed_form(form[0], self.transform, self.doms)
                self.constraints.append((i, c, m, form[1]))
        self.cfns = [_compile(c) for _, c, _, _ in self.constraints]
        self.all_used = len(self.constraints) == len(constraints)

    def show(self, e) -> str:
        return self.printer.doprint(e)

    @staticmethod
    def ok(lo, strict) -> bool:
        return lo > 0 if strict else lo >= 0

    def env(self, box) -> dict:
        out = {d: _float_interval(f) for d, f in self.constants.items()}
        out.update((v, Interval(_of_fraction(lo).lo, _of_fraction(hi).hi)) for v, (lo, hi) in zip(self.vars, box))
        return out

    def examine(self, box):
        """('proved' | 'excluded' | 'violated' | 'split', record) for one box."""
        env = self.env(box)
        record = {"box": {str(v): [_text(lo), _text(hi)] for v, (lo, hi) in zip(self.vars, box)}}
        holds, open_constraints = self.all_used, []
        for i, ((_, _, _, cstrict), cfn) in enumerate(zip(self.constraints, self.cfns)):
            try:
                r = cfn(env, _State())
            except OutsideDomain:
                holds = False
                continue
            if (r.hi <= 0) if cstrict else (r.hi < 0):
                return "excluded", {**record, "status": "excluded", "constraint": i,
                                    "enclosure": [_text(r.lo), _text(r.hi, False)]}
            if not self.ok(r.lo, cstrict):
                holds = False
                open_constraints.append(i)
        proof = self.certify(self.target, box, env, self.strict, 0)
        if proof is not None:
            return "proved", {**record, "status": "proved", **proof}
        if holds and self.violated(box):
            return "violated", record
        for i in open_constraints:
            weight = self.multiplier(box, i)
            if weight is None:
                continue
            target = _Target.of((1, self.gap), (-weight, self.constraints[i][1]))
            proof = self.certify(target, box, env, self.strict and not self.constraints[i][3], 0)
            if proof is not None:
                return "proved", {**record, "status": "proved", **proof,
                                  "multiplier": {"constraint": i, "weight": str(weight)}}
        return "split", None

    def centre(self, box) -> tuple:
        return tuple((_dyadic_near(lo, hi, (lo + hi) / 2),) * 2 if lo < hi else (lo, hi) for lo, hi in box)

    def violated(self, box) -> bool:
        """The gap is certainly < 0 (<= 0 if strict) at the centre of box or at one of its two extreme corners
        that is a point of the domain (a strict claim often fails just at a closed end)."""
        points = [self.centre(box)]
        for end in (0, 1):
            if all(side[end] != self.doms[v][end] or not self.doms[v][2 + end] for v, side in zip(self.vars, box)):
                points.append(tuple((side[end], side[end]) for side in box))
        for point in points:
            try:
                g = self.target.value(self.env(point), _State())
            except OutsideDomain:
                continue
            if not self.ok(g.hi, self.strict):
                return True
        return False

    def multiplier(self, box, i) -> Fraction | None:
        """A weight w > 0 making grad(gap) - w grad(constraint i) small at the centre of box (least squares)."""
        free = [k for k, (lo, hi) in enumerate(box) if lo < hi]
        con = _Target.of((1, self.constraints[i][1]))
        ds = [t.derivative(self.vars[k]) for t in (self.target, con) for k in free]
        if None in ds:
            return None
        try:
            env = self.env(self.centre(box))
            g, c = [d.value(env, _State()) for d in ds[:len(free)]], [d.value(env, _State()) for d in ds[len(free):]]
        except OutsideDomain:
            return None
        mid = [float(x.lo) / 2 + float(x.hi) / 2 for x in g + c]
        g, c = mid[:len(free)], mid[len(free):]
        dot, norm = sum(x * y for x, y in zip(g, c)), sum(x * x for x in c)
        ratio = dot / norm if norm > 0 else math.inf
        if not all(map(math.isfinite, mid)) or not math.isfinite(ratio) or dot <= 0:
            return None
        return Fraction(ratio).limit_denominator(4096) or None

    def certify(self, t: _Target, box, env, need: bool, order: int) -> dict | None:
        """A proof that t >= 0 (> 0 if need) on the box (a tuple of (lo, hi), points where fixed), or None.

        In turn: the natural enclosure; the monotonicity test (a variable whose partial derivative has a sign,
        seen from its enclosure or proved by this same test one order up, is fixed at the minimising end;
        fixing it at an excluded end with a strict sign makes a strict claim need only >= 0 on that face);
        the mean-value form t(m) + grad t(box).(box - m) on what is left.
        """
        st = _State()
        try:
            g = t.value(env, st)
        except OutsideDomain:
            return None
        if self.ok(g.lo, need):
            return {"enclosure": [_text(g.lo), _text(g.hi, False)]}
        if st.pole or order >= MAX_ORDER:
            return None
        box, env, fixed = list(box), dict(env), []
        free = [i for i, (lo, hi) in enumerate(box) if lo < hi]
        while free:
            moved, grads = [], {}
            for i in free:
                v = self.vars[i]
                d = t.derivative(v)
                if d is None:
                    return None
                try:
                    grads[i] = gi = d.value(env, _State())
                except OutsideDomain:
                    return None
                lo, hi, lo_ex, hi_ex = self.doms[v]
                if gi.lo >= 0:
                    moved.append((i, 0, gi.lo > 0 and lo_ex and box[i][0] == lo, None))
                elif gi.hi <= 0:
                    moved.append((i, 1, gi.hi < 0 and hi_ex and box[i][1] == hi, None))
                elif order + 1 < MAX_ORDER:
                    up = gi.hi == INF or (gi.lo != -INF and gi.hi + gi.lo > 0)
                    sub = self.certify(d if up else d.negated(), box, env, False, order + 1)
                    if sub is not None:
                        moved.append((i, 0 if up else 1, False, sub))
            if not moved:
                break
            for i, end, link, sub in moved:
                box[i] = (box[i][end], box[i][end])
                env[self.vars[i]] = _of_fraction(box[i][0])
                fixed.append([str(self.vars[i]), ("lo", "hi")[end], link] + ([sub] if sub else []))
            need = need and not any(link for _, _, link, _ in moved)
            free = [i for i in free if all(i != j for j, _, _, _ in moved)]
            st = _State()
            try:
                g = t.value(env, st)
            except OutsideDomain:
                return None
            if self.ok(g.lo, need):
                return {"fixed": fixed, "enclosure": [_text(g.lo), _text(g.hi, False)]}
            if st.pole:
                return None
        if not free:
            return None
        cbox = self.centre(box)
        cenv = dict(env)
        cenv.update((self.vars[i], _of_fraction(cbox[i][0])) for i in free)
        try:
            mv = t.value(cenv, _State())
        except OutsideDomain:
            return None
        for i in free:
            v = self.vars[i]
            mv = _add(mv, _mul(grads[i], _add(env[v], _neg(cenv[v]))))
        if not self.ok(mv.lo, need):
            return None
        proof = {"centre": {str(self.vars[i]): str(cbox[i][0]) for i in free},
                 "enclosure": [_text(mv.lo), _text(mv.hi, False)]}
        return {"fixed": fixed, **proof} if fixed else proof

    def split(self, box):
        """The two halves of box along its widest side (relative to the domain; log scale where declared)."""
        def width(i):
            lo, hi = box[i]
            if lo == hi:
                return -1.0
            return (math.log(hi / lo) if self.logscale[i] else float(hi - lo)) / self.scale[i]

        i = max(range(len(box)), key=width)
        lo, hi = box[i]
        mid = (lo + hi) / 2
        if self.logscale[i] and hi > 4 * lo:
            mid = Fraction(math.sqrt(lo) * math.sqrt(hi))
        c = _dyadic_near(lo, hi, mid)
        return box[:i] + ((lo, c),) + box[i + 1:], box[:i] + ((c, hi),) + box[i + 1:]


def prove_nonnegative(gap: sp.Expr, domains: dict[sp.Symbol, Domain], constraints=(), strict: bool = False,
                      max_boxes: int = 20000, seconds: float = 10.0, prec: int = 64,
                      report: dict | None = None) -> dict | None:
    """Prove gap >= 0 (gap > 0 if strict) at every point of the product of domains satisfying the constraints.

    Returns a JSON-serialisable certificate (replayed by tests/numerics/box_checker.py) or None when the claim
    was not proved within max_boxes and seconds; never a certificate for a false claim. Integer domains are
    relaxed to real intervals, and open ends are treated as closed except where the monotonicity test can use
    them (both sound: they prove more). `report`, if given, receives the reason: "proved", "budget",
    "counterexample" (with the box: gap < 0 at its centre, in the real relaxation), or "unsupported".
    """
    start = time.perf_counter()
    report = report if report is not None else {}
    gap = sp.sympify(gap)
    rels = []
    for c in constraints:
        rels.extend(c.args if isinstance(c, sp.And) else [c])
    symbols = gap.free_symbols.union(*(r.free_symbols for r in rels))
    unknown = sorted(str(s) for s in symbols if s not in domains)
    if unknown:
        raise ValueError(f"no domain for {', '.join(unknown)}")
    variables = sorted(symbols, key=str)
    try:
        p = _Problem(gap, variables, domains, rels, strict)
    except Unsupported as exc:
        report.update(reason="unsupported", detail=str(exc))
        return None
    queue = deque([(tuple(p.doms[v][:2] for v in p.vars), 0)])  # breadth first: boxes shrink evenly
    records, count = [], 0
    while queue:
        if count >= max_boxes or time.perf_counter() - start > seconds:
            report.update(reason="budget", boxes=count, seconds=time.perf_counter() - start)
            return None
        box, depth = queue.popleft()
        count += 1
        try:
            with ctx.workprec(max(prec, 32 + depth)):
                status, record = p.examine(box)
        except Unsupported as exc:
            report.update(reason="unsupported", detail=str(exc))
            return None
        if status == "violated":
            report.update(reason="counterexample", box=record["box"], boxes=count)
            return None
        if status != "split":
            records.append(record)
        elif any(lo < hi for lo, hi in box):
            queue.extend((half, depth + 1) for half in p.split(box))
        elif depth < 1024:
            queue.append((box, 2 * depth + prec))  # a point: retry at a higher precision
        else:
            report.update(reason="undecided at a point", box=record)
            return None
    elapsed = time.perf_counter() - start
    report.update(reason="proved", boxes=count, seconds=elapsed)
    return {
        "kind": "boxes",
        "claim_gap": sp.sstr(gap),
        "gap": p.show(p.gap),
        "factor": p.show(p.factor),
        "strict": strict,
        "variables": [str(v) for v in p.vars],
        "assumptions": {str(s): sorted(k for k in ("integer", "nonnegative", "positive", "real")
                                       if s.assumptions0.get(k)) for s in [*variables, *p.vars]},
        "transform": {str(x): sp.sstr(t) for x, t in p.transform.items()},
        "constraints": [sp.sstr(r) for r in rels],
        "constraint_forms": [{"index": i, "expr": p.show(c), "factor": p.show(m), "strict": s}
                             for i, c, m, s in p.constraints],
        "domain": {str(x): {"lo": _text(_exact(domains[x].lo)), "hi": _text(_exact(domains[x].hi)),
                            "lo_open": domains[x].lo_open, "hi_open": domains[x].hi_open,
                            "integer": domains[x].integer} for x in variables},
        "box_domain": {str(v): [_text(lo), _text(hi), lo_ex, hi_ex] for v, (lo, hi, lo_ex, hi_ex) in p.doms.items()},
        "boxes": records,
        "stats": {"boxes": count, "seconds": round(elapsed, 4), "prec": prec},
    }
