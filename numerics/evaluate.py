"""Numeric functions generated from a claim's SymPy expressions: numpy, torch, mpmath and arb (python-flint
balls, for fast high-precision evaluation at points) back ends."""
from __future__ import annotations

import builtins
import dis
from functools import reduce

import mpmath
import numpy as np
import scipy.special
import sympy as sp
from sympy.printing.codeprinter import PrintMethodNotImplementedError

from boundlab.theory.functions import Beta, Distribution

from .limits import task_cache


def _beta_quantile_mp(p, a, b):
    """Inverse of the regularised incomplete beta function, by bisection in mpmath."""
    p, a, b = mpmath.mpf(p), mpmath.mpf(a), mpmath.mpf(b)
    return mpmath.findroot(lambda x: mpmath.betainc(a, b, 0, x, regularized=True) - p, (0, 1), solver="bisect")


def _torch_modules():
    import torch

    names = ("sqrt", "log", "exp", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
             "acosh", "atanh", "abs", "erf", "lgamma", "floor", "ceil")
    space = {name: getattr(torch, name) for name in names}
    space.update({"Abs": torch.abs, "pi": np.pi, "E": np.e, "loggamma": torch.lgamma,
                  "BetaQuantile": lambda p, a, b: torch.as_tensor(scipy.special.betaincinv(a, b, p))})
    return [space]


#: lambdify's mpmath printer as the torch and arb back ends use it: plain names (exp, ceil, pi), no module prefix
PLAIN = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True}


def _arb_modules():
    """Names for lambdify's mpmath printer, mapped to arb: numbers become exact balls (a Float's binary value,
    a Rational as a quotient of integers), functions and constants are arb's (`intervals.compiler.ARB_FUNCTIONS`,
    `ARB_CONSTANTS`, under the names the printer gives them: ceiling is ceil). Constants (pi, e) are computed at
    the precision in force when the function is compiled, which is part of the cache key."""
    from flint import arb
    from sympy.printing.pycode import MpmathPrinter

    from .intervals.compiler import ARB_CONSTANTS, ARB_FUNCTIONS

    def mpf(v):
        if isinstance(v, tuple):  # mpmath's (sign, mantissa, exponent, bits): exactly (-1)^sign m 2^e
            sign, man, exp, _ = v
            return (-1) ** sign * arb(man) * arb(2) ** exp
        return arb(v)

    def lambertw(x, k=0):
        return arb(x).lambertw(-1 if int(k) == -1 else 0)

    def polygamma(n, x):
        if n != 0:
            raise NoNumericForm(f"no arb form for polygamma({n}, x) (only the digamma function, n = 0)")
        return arb(x).digamma()

    def extreme(name):  # min and max of balls, rigorously (Python's min compares overlapping balls as equal)
        return lambda *xs: reduce(lambda a, b: getattr(arb(a), name)(arb(b)), xs)

    one = lambda f: (lambda x: f(arb(x)))  # noqa: E731
    printed, dummy = MpmathPrinter(PLAIN).doprint, sp.Dummy()
    space = {printed(f(dummy)).partition("(")[0]: one(g) for f, g in ARB_FUNCTIONS.items()}
    space.update({printed(c): g() for c, g in ARB_CONSTANTS.items()})
    space.update({"mpf": mpf, "lambertw": lambertw, "LambertW": lambertw, "fabs": abs,
                  "sign": one(arb.sgn), "atan2": lambda y, x: arb.atan2(arb(y), arb(x)), "min": extreme("min"),
                  "max": extreme("max"), "polygamma": polygamma,
                  "beta": lambda p, q: (arb(p).lgamma() + arb(q).lgamma() - (arb(p) + arb(q)).lgamma()).exp(),
                  "power": lambda x, y: arb(x) ** y})
    return [space]


def _lambertw_real(x, k=0):
    """scipy's lambertw, real where W is real and NaN elsewhere: its complex dtype would make the functions of
    real arguments around it (beta, gamma) refuse their input."""
    w = scipy.special.lambertw(x, k)
    return np.where(np.imag(w) == 0, np.real(w), np.nan)


MODULES = {
    "numpy": lambda: [{"BetaQuantile": lambda p, a, b: scipy.special.betaincinv(a, b, p), "lambertw": _lambertw_real},
                      "numpy", "scipy"],
    "torch": _torch_modules,
    "mpmath": lambda: [{"BetaQuantile": _beta_quantile_mp}, "mpmath"],
    "arb": _arb_modules,
}


class NoNumericForm(ValueError):
    """A formula holds a part that a back end cannot compute (an unevaluated derivative or integral, a function
    it lacks) or, for arb, cannot compute as a rigorous ball."""


def _names(code) -> set[str]:
    """The global names a generated function (and the lambdas inside it) looks up."""
    names = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    return names.union(*(_names(c) for c in code.co_consts if hasattr(c, "co_code")))


@task_cache(maxsize=512)
def _compile(expr: sp.Expr, symbols: tuple[sp.Symbol, ...], backend: str, prec: int = 0):
    printer = None
    if backend in ("torch", "arb"):  # SymPy's torch printer refuses our own functions; print plainly into names
        from sympy.printing.lambdarepr import LambdaPrinter
        from sympy.printing.pycode import MpmathPrinter

        printer = (LambdaPrinter if backend == "torch" else MpmathPrinter)(PLAIN)
    parts = expr.atoms(sp.Derivative, sp.Integral, sp.Limit, sp.Subs)
    if parts and backend != "mpmath":  # only mpmath computes these (numerically, one point at a time)
        raise NoNumericForm(f"no {backend} form for {sp.sstr(expr)}: SymPy left "
                            f"{sp.sstr(min(parts, key=sp.count_ops))} unevaluated")
    try:
        fn = sp.lambdify(symbols, expr, modules=MODULES[backend](), printer=printer)
    except PrintMethodNotImplementedError as exc:
        raise NoNumericForm(f"no {backend} form for {sp.sstr(expr)}: {str(exc).splitlines()[0]}") from None
    names = _names(fn.__code__)
    missing = sorted(n for n in names if n not in fn.__globals__ and not hasattr(builtins, n))
    if missing:
        raise NoNumericForm(f"no {backend} form for {', '.join(missing)} (in {sp.sstr(expr)})")
    if backend == "arb":  # lambdify imports what our arb names lack from mpmath: 15-digit floats, not balls
        loose = sorted(n for n in names if getattr(fn.__globals__.get(n), "__module__", "").startswith("mpmath"))
        if loose:
            raise NoNumericForm(f"no rigorous (arb) form for {', '.join(loose)} (in {sp.sstr(expr)})")
    return fn


def compile_expr(expr: sp.Expr, symbols: tuple[sp.Symbol, ...], backend: str = "numpy"):
    """A function of `symbols` (positional) computing `expr` with the given back end; NoNumericForm when the
    back end cannot compute it (for arb: not rigorously)."""
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
    """The frozen scipy distribution for a `boundlab.theory.functions` distribution at parameter values."""
    import scipy.stats  # a second to import: only when a law is tested

    args = [float(evaluate(a, values)) for a in dist.args]
    if isinstance(dist, Beta):
        a, b = args
        if not (a > 0 and b > 0):
            raise ValueError(f"Beta parameters must be positive, got a = {a:g}, b = {b:g}")
        return scipy.stats.beta(a, b)
    raise ValueError(f"no numeric form for distribution {dist.func.__name__}")
