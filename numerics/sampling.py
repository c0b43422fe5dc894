"""A cheap numerical look before a proof search: when an expression is clearly negative at a sampled point of the
region its facts cut out, no search for a proof that it is >= 0 there can succeed, and the prover skips it. It
prunes and never proves: a wrong "refuted" only costs a proof, never soundness."""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from .evaluate import NoNumericForm, compile_expr

COUNT = 400  # points drawn; those outside the facts are dropped
TOLERANCE = 1e-7  # relative to the sum of the magnitudes of the expression's terms: float rounding is not a sign
_cache: dict = {}


def _draw(dom, rng: np.random.Generator) -> np.ndarray:
    """Points of a domain: uniform on a bounded one, log-uniform distances from the finite end of a half-line."""
    lo, hi = (dom.lo, dom.hi) if dom is not None else (-math.inf, math.inf)
    if math.isfinite(lo) and math.isfinite(hi):
        x = rng.uniform(lo, hi, COUNT)
    else:
        spread = np.exp(rng.uniform(math.log(1e-4), math.log(1e4), COUNT))
        if math.isfinite(lo):
            x = lo + spread
        elif math.isfinite(hi):
            x = hi - spread
        else:
            x = rng.choice([-1.0, 1.0], COUNT) * spread
    return np.round(x) if dom is not None and dom.integer else x


def _values(e, symbols, pts) -> np.ndarray:
    fn = compile_expr(e, symbols, "numpy")
    with np.errstate(all="ignore"):
        out = np.asarray(fn(*pts), dtype=complex)
    return np.where(np.abs(out.imag) > 0, np.nan, out.real) * np.ones(COUNT)


def refuted(e: sp.Expr, facts) -> bool:
    """Whether e is clearly negative at some sampled point where the facts (`signs.Facts`: domains, and expressions
    known >= 0) hold, so that e >= 0 is false there."""
    key = (e, tuple(facts.known), tuple(sorted((str(v), d) for v, d in facts.domains.items() if v in e.free_symbols)))
    if key in _cache:
        return _cache[key]
    symbols = set(e.free_symbols)
    relevant = []
    for _ in range(3):  # the facts that constrain e's symbols, and the symbols those facts bring in
        relevant = [(f, s) for f, s in facts.known if f.free_symbols & symbols]
        symbols |= {v for f, _ in relevant for v in f.free_symbols}
    symbols = tuple(sorted(symbols, key=str))
    rng = np.random.default_rng(0)
    pts = [_draw(facts.domains.get(v), rng) for v in symbols]
    try:
        keep = np.ones(COUNT, dtype=bool)
        for f, _ in relevant:
            keep &= _values(f, symbols, pts) >= 0
        terms = e.args if isinstance(e, sp.Add) else (e,)
        scale = sum(np.abs(_values(t, symbols, pts)) for t in terms)
        value = _values(e, symbols, pts)
    except (NoNumericForm, TypeError, ValueError, ZeroDivisionError, OverflowError):
        _cache[key] = False
        return False
    bad = keep & np.isfinite(value) & np.isfinite(scale) & (value < -TOLERANCE * scale)
    _cache[key] = out = bool(bad.any())
    if len(_cache) > 10_000:
        _cache.clear()
    return out
