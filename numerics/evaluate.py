"""Numeric functions generated from a claim's SymPy expressions: numpy, torch, mpmath and arb (python-flint
balls, for fast high-precision evaluation at points) back ends."""
from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import scipy.special
import scipy.stats
import sympy as sp

from theory.functions import Beta, Distribution


def _beta_quantile_mp(p, a, b):
    """Inverse of the regularised incomplete beta function, by bisection in mpmath."""
    p, a, b = mpmath.mpf(p), mpmath.mpf(a), mpmath.mpf(b)
    return mpmath.findroot(lambda x: mpmath.betainc(a, b, 0, x, regularized=True) - p, (0, 1), solver="bisect")


def _torch_modules():
    import torch

    names = ("sqrt", "log", "exp", "sin", "cos", "tan", "tanh", "abs", "erf", "lgamma", "floor", "ceil")
    space = {name: getattr(torch, name) for name in names}
    space.update({"Abs": torch.abs, "pi": np.pi, "E": np.e, "loggamma": torch.lgamma,
                  "BetaQuantile": lambda p, a, b: torch.as_tensor(scipy.special.betaincinv(a, b, p))})
    return [space]


def _arb_modules():
    """Names for lambdify's mpmath printer, mapped to arb: numbers become exact balls (a Float's binary value,
    a Rational as a quotient of integers), functions are arb's. Constants (pi, e) are computed at the precision in
    force when the function is compiled, which is part of the cache key."""
    from flint import arb

    def mpf(v):
        if isinstance(v, tuple):  # mpmath's (sign, mantissa, exponent, bits): exactly (-1)^sign m 2^e
            sign, man, exp, _ = v
            return (-1) ** sign * arb(man) * arb(2) ** exp
        return arb(v)

    def lambertw(x, k=0):
        return arb(x).lambertw(-1 if int(k) == -1 else 0)

    one = lambda name: (lambda x: getattr(arb(x), name)())  # noqa: E731
    space = {name: one(name) for name in ("exp", "log", "sqrt", "gamma", "erf", "floor", "ceil")}
    space.update({"mpf": mpf, "pi": arb.pi(), "e": arb.const_e(), "lambertw": lambertw, "LambertW": lambertw,
                  "fabs": abs,
                  "loggamma": one("lgamma"), "beta": lambda p, q: (arb(p).lgamma() + arb(q).lgamma()
                                                                    - (arb(p) + arb(q)).lgamma()).exp(),
                  "power": lambda x, y: arb(x) ** y})
    return [space]


MODULES = {
    "numpy": lambda: [{"BetaQuantile": lambda p, a, b: scipy.special.betaincinv(a, b, p)}, "numpy", "scipy"],
    "torch": _torch_modules,
    "mpmath": lambda: [{"BetaQuantile": _beta_quantile_mp}, "mpmath"],
    "arb": _arb_modules,
}


@lru_cache(maxsize=512)
def _compile(expr: sp.Expr, symbols: tuple[sp.Symbol, ...], backend: str, prec: int = 0):
    if backend == "torch":  # SymPy's torch printer refuses our own functions; print plainly into torch names
        from sympy.printing.lambdarepr import LambdaPrinter

        return sp.lambdify(symbols, expr, modules=MODULES[backend](), printer=LambdaPrinter(
            {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True}))
    if backend == "arb":
        from sympy.printing.pycode import MpmathPrinter

        return sp.lambdify(symbols, expr, modules=MODULES[backend](), printer=MpmathPrinter(
            {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True}))
    return sp.lambdify(symbols, expr, modules=MODULES[backend]())


def compile_expr(expr: sp.Expr, symbols: tuple[sp.Symbol, ...], backend: str = "numpy"):
    """A function of `symbols` (positional) computing `expr` with the given back end."""
    if backend not in MODULES:
        raise ValueError(f"unknown back end {backend!r}; use one of {', '.join(MODULES)}")
    if backend == "arb":
        from flint import ctx

        return _compile(sp.sympify(expr), tuple(symbols), backend, ctx.prec)
    return _compile(sp.sympify(expr), tuple(symbols), backend)


def evaluate(expr: sp.Expr, values: dict[sp.Symbol, object], backend: str = "numpy"):
    """`expr` at `values` (scalars or arrays, broadcast); every free symbol must have a value."""
    missing = sorted(str(s) for s in expr.free_symbols if s not in values)
    if missing:
        raise ValueError(f"no value for {', '.join(missing)} in {expr}")
    symbols = tuple(sorted(expr.free_symbols, key=str))
    fn = compile_expr(expr, symbols, backend)
    if backend == "mpmath":
        return fn(*(mpmath.mpf(values[s]) if not isinstance(values[s], mpmath.mpf) else values[s] for s in symbols))
    return fn(*(values[s] for s in symbols))


def scipy_distribution(dist: Distribution, values: dict[sp.Symbol, float]):
    """The frozen scipy distribution for a `theory.functions` distribution at parameter values."""
    args = [float(evaluate(a, values)) for a in dist.args]
    if isinstance(dist, Beta):
        a, b = args
        if not (a > 0 and b > 0):
            raise ValueError(f"Beta parameters must be positive, got a = {a:g}, b = {b:g}")
        return scipy.stats.beta(a, b)
    raise ValueError(f"no numeric form for distribution {dist.func.__name__}")
