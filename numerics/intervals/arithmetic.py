"""Interval arithmetic on arb balls: the closed interval [lo, hi] whose ends are exact arb numbers or +-inf, and
the operations the compiler (`compiler.py`) builds enclosures from.

Every operation evaluates arb balls at exact ends and keeps the lower end of the lower ball and the upper end of the
upper ball: the result contains every value, and an end that is exactly 0 stays 0 (an arb ball mid +- rad over
[0, w] would dip below 0). Points where a value diverges are read in the extended reals (1/x on [0, 1] encloses to
[1, +oo]).
"""
from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp
from flint import arb, fmpq

INF = math.inf
ZERO, ONE = arb(0), arb(1)
#: Gamma and loggamma decrease up to their minimum at 1.46163..., then increase; both are convex on (0, oo).
GAMMA_MIN_LO, GAMMA_MIN_HI = arb(1.4616), arb(1.4617)


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
        return f"Interval({text(self.lo)}, {text(self.hi)})"


class State:
    """Per-evaluation flags: `pole` is set when a value may jump (a pole crossed, 0**y with y around 0)."""

    __slots__ = ("pole",)

    def __init__(self):
        self.pole = False


# ---- exact ends ------------------------------------------------------------------------------------------------
def down(ball):
    return ball.lower() if ball.is_finite() else -INF


def up(ball):
    return ball.upper() if ball.is_finite() else INF


def of_ball(ball) -> Interval:
    return Interval(down(ball), up(ball))


def exact(value) -> Fraction | float:
    """A domain or box end as an exact Fraction (a float as the decimal it prints as), or +-inf."""
    if isinstance(value, float):
        return value if math.isinf(value) else Fraction(repr(value))
    if isinstance(value, sp.Basic):
        if value in (sp.oo, -sp.oo):
            return INF if value == sp.oo else -INF
        return Fraction(str(sp.Rational(str(value)) if value.is_Float else sp.Rational(value)))
    return Fraction(value)


def of_fraction(q: Fraction | float) -> Interval:
    if isinstance(q, float):
        return Interval(q, q)
    return of_ball(arb(fmpq(q.numerator, q.denominator)))


def fraction(end) -> Fraction | float:
    """An exact arb end as a Fraction (inf stays a float)."""
    if isinstance(end, float):
        return end
    man, exp = end.mid().man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** -exp)


def text(q, lower: bool = True) -> str:
    """An end as an exact string: a Fraction as p/q; an arb end as p/q when short, else as a decimal rounded
    outward (down for a lower end) to 20 digits, so that exp(-30000) does not print 13000 digits."""
    if isinstance(q, float):
        return "oo" if q > 0 else "-oo"
    if isinstance(q, Fraction):
        return str(q)
    man, exp = q.mid().man_exp()
    if abs(int(exp)) < 200:
        return str(fraction(q))
    mid, rad, ten = (int(v) for v in q.mid_rad_10exp(20))
    return f"{mid - rad if lower else mid + rad}e{ten}"


# ---- interval operations ---------------------------------------------------------------------------------------
def add(a: Interval, b: Interval) -> Interval:
    lo = -INF if a.lo == -INF or b.lo == -INF else down(a.lo + b.lo)
    hi = INF if a.hi == INF or b.hi == INF else up(a.hi + b.hi)
    return Interval(lo, hi)


def neg(a: Interval) -> Interval:
    return Interval(-a.hi, -a.lo)


def _product(x, y):
    """(lower, upper) of x*y for ends x, y; 0 times an infinite end is 0 (ends are limits, not values)."""
    if x == 0 or y == 0:
        return ZERO, ZERO
    if isinstance(x, float) or isinstance(y, float):
        v = INF if (x > 0) == (y > 0) else -INF
        return v, v
    b = x * y
    return down(b), up(b)


def mul(a: Interval, b: Interval) -> Interval:
    ps = [_product(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    return Interval(min(p[0] for p in ps), max(p[1] for p in ps))


def _inverse_end(x, lower: bool):
    if isinstance(x, float):
        return ZERO
    b = ONE / x
    return down(b) if lower else up(b)


def recip(a: Interval, st: State) -> Interval:
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


def int_pow(a: Interval, n: int, st: State) -> Interval:
    """a**n for an integer n: even powers of a sign-changing interval are [0, max(|lo|, |hi|)**n]."""
    if n == 0:
        return Interval(ONE, ONE)
    if n < 0:
        return recip(int_pow(a, -n, st), st)

    def power(x):
        if isinstance(x, float):
            v = INF if x > 0 or n % 2 == 0 else -INF
            return v, v
        b = x ** n
        return down(b), up(b)

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
        return down(b), up(b)
    return v, v


def real_pow(a: Interval, e: Interval, st: State) -> Interval:
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


def monotone(a: Interval, f, increasing: bool, at_minus_inf, at_inf) -> Interval:
    """f(a) for f monotone on a; at_minus_inf / at_inf are its limits."""
    def value(x, lower):
        if x == -INF:
            return at_minus_inf
        if x == INF:
            return at_inf
        b = f(x)
        return down(b) if lower else up(b)

    if increasing:
        return Interval(value(a.lo, True), value(a.hi, False))
    return Interval(value(a.hi, True), value(a.lo, False))


def log(a: Interval) -> Interval:
    if a.lo < 0 or a.hi == 0:
        raise OutsideDomain("log of a number <= 0")
    return monotone(a, arb.log, True, None, INF)


def lambertw(a: Interval, branch: int) -> Interval:
    if a.lo < up(-(-ONE).exp()):
        raise OutsideDomain("LambertW below -1/e")
    if branch == 0:
        return monotone(a, arb.lambertw, True, None, INF)
    if a.hi > 0:
        raise OutsideDomain("LambertW branch -1 needs a negative argument")
    return monotone(a, lambda x: x.lambertw(-1), False, None, None)


def gamma_like(a: Interval, f) -> Interval:
    """gamma or loggamma on a >= 0: decreasing, then increasing past 1.4616...; convex, so the max is at an end."""
    if a.lo < 0 or a.hi == 0:
        raise OutsideDomain("gamma of a number <= 0")
    if a.hi <= GAMMA_MIN_LO:
        lo = down(f(a.hi))
    elif a.lo >= GAMMA_MIN_HI:
        lo = down(f(a.lo))
    else:
        lo = down(f(GAMMA_MIN_LO.union(GAMMA_MIN_HI)))
    hi = max(INF if isinstance(x, float) else up(f(x)) for x in (a.lo, a.hi))
    return Interval(lo, hi)


def digamma(a: Interval) -> Interval:
    if a.lo < 0 or a.hi == 0:
        raise OutsideDomain("digamma of a number <= 0")
    return monotone(a, arb.digamma, True, None, INF)


def absolute(a: Interval) -> Interval:
    if a.lo >= 0:
        return a
    if a.hi <= 0:
        return neg(a)
    return Interval(ZERO, max(-a.lo, a.hi))
