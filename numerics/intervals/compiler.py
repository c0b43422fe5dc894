"""SymPy expressions compiled to interval enclosures over a box, and SymPy's numbers read as their authors meant
them: a short decimal is the decimal it prints as (0.7 is 7/10), a long one (SymPy's 15-digit rounding of a computed
constant) a ball around its binary value.

`ARB_CONSTANTS` and `ARB_FUNCTIONS` are the one table of SymPy's constants and functions as arb's: the compiler
encloses from it, and `boundlab.numerics.evaluate` names its arb back end from it.
"""
from __future__ import annotations

from fractions import Fraction

import sympy as sp
from flint import arb, ctx, fmpq
from sympy.codegen.cfunctions import expm1, log1p

from ..limits import task_cache
from . import arithmetic as ia
from .arithmetic import INF, ONE, ZERO, Interval, Unsupported

#: Floats with at most this many significant digits denote their decimal exactly; longer ones look computed.
SHORT_DECIMAL = 12


def is_short(f: sp.Float) -> bool:
    """Whether f is a decimal as its author wrote it: at most SHORT_DECIMAL significant digits (0.18, not SymPy's
    2.79178407657188 for 300**0.18), or more than double precision holds (SymPy keeps a typed 0.69999999999999999
    at 60 bits; what it computes at parse time is 53-bit)."""
    digits = str(f).lower().split("e")[0].replace("-", "").replace(".", "").strip("0")
    return f._prec > 53 or len(digits) <= SHORT_DECIMAL


def exact_decimals(e: sp.Basic) -> sp.Basic:
    """e with each short Float replaced by the decimal it denotes, as a Rational (0.7 is 7/10, not the binary
    0.6999999999999999556): what a claim's author wrote. Long Floats (SymPy's rounding of 300**0.18) stay."""
    return e.xreplace({f: sp.Rational(str(f)) for f in e.atoms(sp.Float) if is_short(f)})


def float_ball(f: sp.Float) -> arb:
    """A Float as an arb ball: the decimal it prints as; a long (computed-looking) Float its binary value widened
    by 16 units in its last bit, to cover SymPy's own rounding when it folded e.g. exp(0.3) or log(0.5) into a
    Float (not the 15 digits it prints: 1.34985880757600 is 3.1e-15 from exp(0.3), more than the 16 ulps)."""
    if is_short(f):
        q = Fraction(str(f))
        return arb(fmpq(q.numerator, q.denominator))
    sign, man, exp, _ = f._mpf_
    b = arb(-man if sign else man) * arb(2) ** exp
    return b + arb(0, abs(b).upper() * arb(2) ** (4 - f._prec))


def float_interval(f: sp.Float) -> Interval:
    return ia.of_ball(float_ball(f))


def _fold(op, parts):
    def f(env, st):
        r = parts[0](env, st)
        for g in parts[1:]:
            r = op(r, g(env, st))
        return r
    return f


def _unary(g, op):
    return lambda env, st: op(g(env, st))


#: SymPy's constants as arb's (computed at the working precision)
ARB_CONSTANTS = {sp.pi: arb.pi, sp.E: arb.const_e, sp.EulerGamma: arb.const_euler, sp.Catalan: arb.const_catalan}
#: SymPy's functions of one real argument as arb's
ARB_FUNCTIONS = {
    sp.exp: arb.exp, sp.log: arb.log, sp.sqrt: arb.sqrt, expm1: arb.expm1, log1p: arb.log1p, sp.gamma: arb.gamma,
    sp.loggamma: arb.lgamma, sp.erf: arb.erf, sp.erfc: arb.erfc, sp.floor: arb.floor, sp.ceiling: arb.ceil,
    sp.sin: arb.sin, sp.cos: arb.cos, sp.tan: arb.tan, sp.asin: arb.asin, sp.acos: arb.acos, sp.atan: arb.atan,
    sp.sinh: arb.sinh, sp.cosh: arb.cosh, sp.tanh: arb.tanh, sp.asinh: arb.asinh, sp.acosh: arb.acosh,
    sp.atanh: arb.atanh,
}
#: the increasing functions the compiler encloses from their ends: function -> (limit at -oo, limit at +oo)
MONOTONE = {sp.exp: (ZERO, INF), sp.erf: (-ONE, ONE), sp.floor: (-INF, INF), sp.ceiling: (-INF, INF)}


@task_cache(maxsize=1024)
def compile_enclosure(e: sp.Expr):
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
        return lambda env, st: ia.of_ball(arb(q))
    if e.is_Float:
        return lambda env, st: float_interval(e)
    if e in ARB_CONSTANTS:
        return lambda env, st: ia.of_ball(ARB_CONSTANTS[e]())
    if e.is_Add:
        return _fold(ia.add, [compile_enclosure(t) for t in e.args])
    if e.is_Mul:
        return _fold(ia.mul, [compile_enclosure(t) for t in e.args])
    if e.is_Pow:
        base, ex = compile_enclosure(e.base), e.exp
        if ex.is_Integer:
            n = int(ex)
            return lambda env, st: ia.int_pow(base(env, st), n, st)
        exponent = compile_enclosure(ex)
        return lambda env, st: ia.real_pow(base(env, st), exponent(env, st), st)
    if e.func == sp.LambertW and (len(e.args) == 1 or e.args[1] in (0, -1)):
        branch = 0 if len(e.args) == 1 else int(e.args[1])
        return _unary(compile_enclosure(e.args[0]), lambda a: ia.lambertw(a, branch))
    if e.func == sp.polygamma and e.args[0] == 0:
        return _unary(compile_enclosure(e.args[1]), ia.digamma)
    if e.func not in (*MONOTONE, sp.log, sp.Abs, sp.Min, sp.Max, sp.gamma, sp.loggamma):
        raise Unsupported(f"no interval enclosure for {e.func.__name__} (in {sp.sstr(e)})")
    args = [compile_enclosure(a) for a in e.args]
    if e.func in MONOTONE:
        f, (at_lo, at_hi) = ARB_FUNCTIONS[e.func], MONOTONE[e.func]
        return _unary(args[0], lambda a: ia.monotone(a, f, True, at_lo, at_hi))
    if e.func == sp.log:
        return _unary(args[0], ia.log)
    if e.func == sp.Abs:
        return _unary(args[0], ia.absolute)
    if e.func == sp.Min:
        return _fold(lambda a, b: Interval(min(a.lo, b.lo), min(a.hi, b.hi)), args)
    if e.func == sp.Max:
        return _fold(lambda a, b: Interval(max(a.lo, b.lo), max(a.hi, b.hi)), args)
    if e.func == sp.gamma:
        return _unary(args[0], lambda a: ia.gamma_like(a, ARB_FUNCTIONS[sp.gamma]))
    return _unary(args[0], lambda a: ia.gamma_like(a, ARB_FUNCTIONS[sp.loggamma]))


def _env(box) -> dict:
    return {s: Interval(ia.of_fraction(ia.exact(lo)).lo, ia.of_fraction(ia.exact(hi)).hi)
            for s, (lo, hi) in box.items()}


def enclose_bounds(expr: sp.Expr, box: dict, prec: int = 64) -> tuple[Fraction | float, Fraction | float]:
    """Exact lower and upper bounds (Fractions, or +-inf) of expr over the box; see `enclose`."""
    fn = compile_enclosure(sp.sympify(expr))
    with ctx.workprec(prec):
        r = fn(_env(box), ia.State())
    return ia.fraction(r.lo), ia.fraction(r.hi)


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
