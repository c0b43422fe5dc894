"""Falsification of analytic claims: domain sampling (log-uniform for sizes), local optimisation of the relative
gap, and confirmation of any violation in mpmath at 50 digits, so that float64 cancellation is never reported as a
counterexample. A counterexample is printed to 30 significant digits.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import mpmath
import numpy as np
import scipy.optimize
import sympy as sp

from boundlab.theory.claim import RELATIONS, Claim, ClaimError

from .evaluate import NoNumericForm, compile_expr
from .intervals import exact_decimals, float_ball
from .prover import INFINITIES

MP_DIGITS = 50


@dataclass
class Search:
    """Outcome of a falsification search; `counterexample` is set when a violation was confirmed in mpmath."""

    points: int
    worst_gap: float
    worst_point: dict
    counterexample: dict | None = None


class DomainError(ValueError):
    """The hypotheses leave no point of the parameter domains."""


def _box(domain) -> tuple[float, float]:
    """A finite sampling box for a domain: unbounded ends are cut at 1e-6 / 1e6 (log scale) or +-100."""
    lo, hi = domain.lo, domain.hi
    if domain.scale == "log":
        lo = lo if lo > 0 else (1.0 if domain.integer else 1e-6)
        hi = hi if math.isfinite(hi) else max(1e6, lo * 1e6)
    else:
        lo = lo if math.isfinite(lo) else min(-100.0, hi - 200.0)
        hi = hi if math.isfinite(hi) else max(100.0, lo + 200.0)
    return lo, hi


def sample_points(claim: Claim, rng: np.random.Generator, count: int) -> dict[str, np.ndarray]:
    """`count` points of the parameter domains (before hypotheses): log-uniform for log-scale domains; for domains
    unbounded above (e.g. x > 0), half log-uniform, so that small and large magnitudes are both seen."""
    pts = {}
    for p in claim.params:
        lo, hi = _box(p.domain)
        if p.domain.scale == "log":
            x = np.exp(rng.uniform(np.log(lo), np.log(hi), count))
        else:
            x = rng.uniform(lo, hi, count)
            if not math.isfinite(p.domain.hi):
                base = max(p.domain.lo, 0.0) if math.isfinite(p.domain.lo) else 0.0
                spread = np.exp(rng.uniform(np.log(1e-6), np.log(1e6), count))
                sign = 1.0 if math.isfinite(p.domain.lo) else rng.choice([-1.0, 1.0], count)
                x = np.where(rng.random(count) < 0.5, x, base + sign * spread)
        if p.domain.integer:
            x = np.round(x)
        pts[p.name] = x
    keep = np.ones(count, dtype=bool)
    for p in claim.params:
        keep &= np.array([p.domain.contains(float(v)) for v in pts[p.name]])
    return {k: v[keep] for k, v in pts.items()}


def _numeric(expr: sp.Expr, claim: Claim, pts: dict[str, np.ndarray]) -> np.ndarray:
    """float64 values at the points; complex values (a log or root of a negative number) become NaN."""
    syms = tuple(p.symbol for p in claim.params)
    try:
        fn = compile_expr(expr, syms, "numpy")
    except NoNumericForm as exc:
        raise ClaimError(claim.id, f"cannot evaluate a formula: {exc}") from None
    with np.errstate(all="ignore"):
        out = np.asarray(fn(*(pts[p.name] for p in claim.params)))
        if np.iscomplexobj(out):
            out = np.where(np.abs(out.imag) > 0, np.nan, out.real)
    return np.broadcast_to(np.asarray(out, dtype=np.float64), next(iter(pts.values())).shape)


COMPARISONS = {sp.StrictLessThan: np.less, sp.LessThan: np.less_equal, sp.StrictGreaterThan: np.greater,
               sp.GreaterThan: np.greater_equal, sp.Equality: np.equal, sp.Unequality: np.not_equal}


def hypotheses_mask(claim: Claim, pts: dict[str, np.ndarray]) -> np.ndarray:
    """Where every hypothesis holds (in float64): relations, and relations combined with &, | and ~."""
    n = len(next(iter(pts.values()))) if pts else 0

    def holds(h) -> np.ndarray:
        if h in (sp.true, sp.false):  # a hypothesis that the domains already decide, e.g. n >= 1 for a size
            return np.full(n, h is sp.true)
        if isinstance(h, (sp.And, sp.Or)):
            masks = [holds(a) for a in h.args]
            return np.logical_and.reduce(masks) if isinstance(h, sp.And) else np.logical_or.reduce(masks)
        if isinstance(h, sp.Not):
            return ~holds(h.args[0])
        if type(h) not in COMPARISONS:
            raise DomainError(f"claim {claim.id}: cannot evaluate the hypothesis {h}: write relations (<, <=, >, "
                              f">=, Eq, Ne), combined with & (and), | (or) and ~ (not)")
        return COMPARISONS[type(h)](_numeric(h.lhs, claim, pts), _numeric(h.rhs, claim, pts))

    mask = np.ones(n, dtype=bool)
    for h in claim.conditions:
        mask &= holds(h.expr)
    return mask


@np.errstate(all="ignore")
def relative_gap(claim: Claim, pts: dict[str, np.ndarray]) -> np.ndarray:
    """Gap / scale: negative where the relation fails (for '=', minus the relative difference)."""
    lhs, rhs = _numeric(claim.left.expr, claim, pts), _numeric(claim.right.expr, claim, pts)
    scale = np.abs(lhs) + np.abs(rhs) + 1e-300
    gap = (rhs - lhs) if claim.rel in ("<=", "<", "=", "!=") else (lhs - rhs)
    rel = gap / scale
    if claim.rel == "=":
        rel = -np.abs(rel)
    elif claim.rel == "!=":  # never negative in float64: closeness to equality ranks the points for `confirm`
        rel = np.abs(rel)
    # an infinite side (oo, a limit that is infinite) is compared in the extended reals: -1 where the relation fails
    # there, a violation for `confirm` to decide exactly, +1 where it holds; NaN (undefined) is no evidence
    infinite = (np.isinf(lhs) | np.isinf(rhs)) & ~np.isnan(lhs) & ~np.isnan(rhs)
    compare = {"=": np.equal, "<=": np.less_equal, "<": np.less, ">=": np.greater_equal, ">": np.greater,
               "!=": np.not_equal}[claim.rel]
    rel = np.where(infinite, np.where(compare(lhs, rhs), 1.0, -1.0), rel)
    return np.where(np.isfinite(rel), rel, np.inf)


def confirm(claim: Claim, point: dict[str, float]) -> dict | None:
    """A witness when the claim certainly fails at `point`: with arb balls at 50 digits and, when those cannot
    decide, at 200 and 1000 digits, the hypotheses certainly hold and the relation certainly fails there. A point
    where no precision decides (a gap below 1e-1000, or an evaluation outside a function's domain) is not a
    counterexample. The point is taken exactly as the float it is; the claim's decimals as the decimals they denote
    (0.1 is 1/10), as the prover reads them."""
    from flint import arb, ctx

    syms = tuple(p.symbol for p in claim.params)  # a float point is exact in arb (it is dyadic)
    has_float = bool(claim.left.expr.atoms(sp.Float) | claim.right.expr.atoms(sp.Float))
    left, right, conditions = _exact_parts(claim)
    if left.has(*INFINITIES) or right.has(*INFINITIES):
        return _extended_witness(claim, point, left, right, conditions)
    # a long Float (SymPy's 15-digit rounding of log(0.5)) is a ball around it, never an exact number: else
    # log(z*0.5) = log(z) + log(0.5) is "refuted" by the rounding error of log(0.5)
    longs = sorted({f for e in (left, right, *conditions) for f in e.atoms(sp.Float)}, key=float)
    rename = {f: sp.Dummy(f"float{k}") for k, f in enumerate(longs)}
    left, right, conditions = left.xreplace(rename), right.xreplace(rename), [h.xreplace(rename) for h in conditions]
    syms += tuple(rename.values())
    args_of = lambda: [arb(float(point[p.name])) for p in claim.params] + [float_ball(f) for f in longs]  # noqa: E731
    old = ctx.prec
    try:
        for digits in (MP_DIGITS, 200, 1000):
            ctx.prec = int(digits * 3.33) + 20
            try:
                args = args_of()
                hyps = [_decide(h, syms, args) for h in conditions]
                lv = arb(compile_expr(left, syms, "arb")(*args))
                rv = arb(compile_expr(right, syms, "arb")(*args))
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                return None
            if any(outside for _, outside in hyps):
                return None  # the point is not in the claim's domain after all
            if not all(inside for inside, _ in hyps) or not (lv.is_finite() and rv.is_finite()):
                continue
            gap = lv - rv
            if claim.rel == "=":
                tol = arb(10) ** -12 * (abs(lv) + abs(rv)) if has_float else arb(0)
                bad, good = bool(abs(gap) > tol), bool(abs(gap) <= tol) and tol > 0
            elif claim.rel == "!=":  # only an exact ball is exactly 0; `equality_witness` finds the others
                bad, good = bool(gap == 0) and not has_float, bool(gap != 0)
            else:
                bad, good = _certainly(_negation(RELATIONS[claim.rel]), gap), _certainly(RELATIONS[claim.rel], gap)
            if good:
                return None
            if bad:
                exact = {"exact_point": {k: sp.sstr(sp.Rational(float(v))) for k, v in point.items()}} \
                    if claim.rel == "!=" else {}  # equal sides: exact balls at this (dyadic) point
                return {"point": {k: mpmath.nstr(mpmath.mpf(v), 30) for k, v in point.items()}, **exact,
                        "lhs": lv.str(30, radius=False), "rhs": rv.str(30, radius=False), "relation": claim.rel,
                        "digits": digits}
        return None
    finally:
        ctx.prec = old


def _extended_witness(claim: Claim, point: dict, left, right, conditions) -> dict | None:
    """A witness for a claim with an infinite side, when SymPy decides exactly that the relation fails at the
    point in the extended reals (oo < oo, a limit claimed finite that is oo) and that the hypotheses hold there."""
    exact = {p.symbol: sp.Rational(float(point[p.name])) for p in claim.params}  # a float is a dyadic rational
    if not all(h.subs(exact) is sp.true for h in conditions):
        return None
    lv, rv = left.subs(exact), right.subs(exact)
    if any(v.free_symbols or v.has(sp.nan, sp.zoo) or v.is_extended_real is not True for v in (lv, rv)):
        return None
    if sp.Rel(lv, rv, "==" if claim.rel == "=" else claim.rel) is not sp.false:
        return None
    text = lambda v: ("inf" if v == sp.oo else "-inf") if v in (sp.oo, -sp.oo) else mpmath.nstr(  # noqa: E731
        mpmath.mpf(sp.Float(v, 40)), 30)
    return {"point": {k: mpmath.nstr(mpmath.mpf(v), 30) for k, v in point.items()}, "lhs": text(lv),
            "rhs": text(rv), "relation": claim.rel, "digits": "exact (extended reals)"}


def falsify(claim: Claim, seed: int, count: int = 4000, local_starts: int = 5) -> Search:
    """Look for a point of the domain, under the hypotheses, where the claim fails."""
    rng = np.random.default_rng(seed)
    pts = sample_points(claim, rng, count)
    mask = hypotheses_mask(claim, pts)
    pts = {k: v[mask] for k, v in pts.items()}
    n = len(next(iter(pts.values()))) if pts else 0
    if claim.params and n == 0:
        raise DomainError(f"claim {claim.id}: no point of the parameter domains satisfies the hypotheses "
                          f"({', '.join(h.source for h in claim.conditions)}) among {count} samples: they look "
                          f"contradictory or leave an empty domain")
    if not claim.params:
        pts, n = {}, 1
    gap = relative_gap(claim, pts) if claim.params else np.array([0.0])
    if claim.params and np.all(gap == np.inf) and not _real_anywhere(claim, pts):
        raise DomainError(f"claim {claim.id}: the sides {claim.left.source!r} and {claim.right.source!r} are not both "
                          f"real numbers at any of {n} points of the domain: is a logarithm, root or limit taken "
                          f"outside its domain?")
    order = np.argsort(gap)
    search = Search(points=n, worst_gap=float(gap[order[0]]),
                    worst_point={k: float(v[order[0]]) for k, v in pts.items()})
    candidates = [{k: float(v[i]) for k, v in pts.items()} for i in order[:local_starts]]
    candidates += [_local_minimum(claim, c) for c in candidates]
    for point in candidates:
        if point is None:
            continue
        witness = confirm(claim, point)
        if witness is not None:
            search.counterexample = witness
            return search
    if claim.rel == "!=" and claim.params:
        search.counterexample = equality_witness(claim, [c for c in candidates if c is not None])
    return search


# ---- '!=': a point where the sides are equal -------------------------------------------------------------------
#: functions that may jump: a sign change of a gap that holds one of them is no evidence of a root
JUMPS = (sp.floor, sp.ceiling, sp.sign, sp.Heaviside, sp.Piecewise, sp.Mod, sp.frac)
SIMPLE_POINTS = 12  # exact points tried near each candidate (`_simple_points`)
SCAN = 64  # points of the line scanned through a candidate, per continuous parameter


def equality_witness(claim: Claim, candidates: list[dict]) -> dict | None:
    """A point where lhs = rhs, which refutes `lhs != rhs`: a candidate whose coordinates, read as simple rationals,
    make SymPy reduce lhs - rhs to exactly 0; else, on a line through a candidate along one continuous parameter,
    a sign change of lhs - rhs between two points, with the whole segment in the domain and the hypotheses and the
    gap finite on it (arb enclosures): the gap is then continuous there and has a root (intermediate values)."""
    left, right, conditions = _exact_parts(claim)
    gap = left - right
    if gap.atoms(sp.Float):  # a rounded constant (SymPy's log(0.5)): equality up to its rounding proves nothing
        return None
    seen = set()
    for point in candidates:
        for exact in itertools.islice(_simple_points(claim, point), SIMPLE_POINTS):
            key = tuple(exact.values())
            if key in seen:
                continue
            seen.add(key)
            witness = _exact_equality(claim, exact)
            if witness is not None:
                return witness
    if gap.has(*JUMPS, *INFINITIES):
        return None
    for point in candidates:
        for p in claim.params:
            if not p.domain.integer:
                witness = _sign_change(claim, left, right, conditions, point, p)
                if witness is not None:
                    return witness
    return None


def _simple_points(claim: Claim, point: dict):
    """Exact points near a candidate, most faithful first: every coordinate read as the simplest rational within
    1e-9 of it; then one coordinate at a time moved to a simpler value nearby (within 1e-6 or 1e-3, the nearest
    integer, 0): a touching root such as cos(x) = 1 - x**2/2 at x = 0 is approached by the search but never hit."""
    def simple(v: float) -> list:
        scale = max(1.0, abs(v))
        out = [sp.nsimplify(v, rational=True, tolerance=t * scale) for t in (1e-9, 1e-6, 1e-3)]
        return out + [sp.Integer(round(v))] + ([sp.Integer(0)] if abs(v) < 1e-3 else [])

    options = {p.name: [v for v in dict.fromkeys(simple(point[p.name]))
                        if p.domain.contains(float(v)) and (not p.domain.integer or v.is_integer)]
               for p in claim.params}
    if not all(options.values()):
        return
    base = {name: values[0] for name, values in options.items()}
    yield base
    for name, values in options.items():
        for v in values[1:]:
            yield {**base, name: v}


def _exact_equality(claim: Claim, exact_point: dict) -> dict | None:
    """The witness at an exact point (parameter name -> SymPy rational) if lhs - rhs is exactly 0 there."""
    left, right, conditions = _exact_parts(claim)
    exact = {p.symbol: exact_point[p.name] for p in claim.params}
    if not all(h.subs(exact) is sp.true for h in conditions):
        return None
    lv, rv = left.subs(exact), right.subs(exact)
    if any(v.has(*INFINITIES) or v.is_extended_real is not True for v in (lv, rv)):
        return None
    try:
        approx = sp.N(lv - rv, 30)  # a cheap look first: simplify only what is 0 to 30 digits
        if approx.is_number and approx.is_zero is False and abs(approx) > 1e-25 * (1 + abs(sp.N(lv, 30))):
            return None
        zero = sp.simplify(lv - rv) == 0
    except Exception:  # noqa: BLE001 - SymPy's simplifier fails in many ways: no witness then
        return None
    if not zero:
        return None
    def text(v) -> str:  # pi/4 as 30 digits
        with mpmath.workdps(40):
            return mpmath.nstr(mpmath.mpf(sp.N(v, 40)), 30)

    return {"point": {k: text(v) for k, v in ((p.name, exact[p.symbol]) for p in claim.params)},
            "exact_point": {p.name: sp.sstr(exact[p.symbol]) for p in claim.params},
            "lhs": text(lv), "rhs": text(rv), "relation": "!=", "digits": "exact (SymPy reduces lhs - rhs to 0)"}


def _sign_change(claim: Claim, left, right, conditions, point: dict, param) -> dict | None:
    """A bracketing segment along `param` through `point` (see `equality_witness`), narrowed by bisection."""
    from flint import arb, ctx

    lo, hi = _box(param.domain)
    v = abs(point[param.name]) or 1.0
    near = np.geomspace(1e-9, 0.5, SCAN // 4) * v  # a root beside the candidate (closest to equality)
    xs = np.concatenate([np.linspace(lo, hi, SCAN), point[param.name] + near, point[param.name] - near,
                         np.geomspace(max(lo, hi * 1e-12), hi, SCAN) if hi > 0 else []])
    xs = np.unique([t for t in xs if param.domain.contains(float(t))])
    if xs.size < 2:
        return None
    pts = {k: np.full(xs.size, v, dtype=float) for k, v in point.items()}
    pts[param.name] = xs
    with np.errstate(all="ignore"):
        signed = _numeric(claim.left.expr - claim.right.expr, claim, pts)
    ok = hypotheses_mask(claim, pts) & np.isfinite(signed)
    syms = tuple(p.symbol for p in claim.params)
    fn = compile_expr(left - right, syms, "arb")
    old, ctx.prec = ctx.prec, int(MP_DIGITS * 3.33) + 20
    try:
        def at(x):  # the arguments for a ball x of the parameter, the other coordinates exact
            return [x if p is param else arb(float(point[p.name])) for p in claim.params]

        def sign(x) -> int:
            try:
                v = arb(fn(*at(arb(x))))
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                return 0
            return 1 if v > 0 else -1 if v < 0 else 0

        def sound(a: float, b: float, depth: int = 0) -> bool:
            """The gap is finite and every hypothesis certainly holds on [a, b]."""
            ball = arb((a + b) / 2, (b - a) / 2)
            try:
                finite = arb(fn(*at(ball))).is_finite()
                inside = finite and all(_decide(h, syms, at(ball))[0] for h in conditions)
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                inside = False
            if inside:
                return True
            return depth < 6 and sound(a, (a + b) / 2, depth + 1) and sound((a + b) / 2, b, depth + 1)

        for i in np.flatnonzero(ok[:-1] & ok[1:] & (np.sign(signed[:-1]) * np.sign(signed[1:]) < 0))[:4]:
            a, b = float(xs[i]), float(xs[i + 1])
            sa, sb = sign(a), sign(b)
            if sa * sb != -1 or not (param.domain.contains(a) and param.domain.contains(b)) or not sound(a, b):
                continue
            for _ in range(80):  # bisection: the bracket stays a sign change
                m = (a + b) / 2
                sm = sign(m)
                if sm == 0 or m in (a, b):
                    break
                a, b = (m, b) if sm == sa else (a, m)
            root = {**point, param.name: (a + b) / 2}
            args = [arb(float(root[p.name])) for p in claim.params]
            lv, rv = (arb(compile_expr(side, syms, "arb")(*args)) for side in (left, right))
            return {"point": {k: mpmath.nstr(mpmath.mpf(v), 30) for k, v in root.items()},
                    "lhs": lv.str(30, radius=False), "rhs": rv.str(30, radius=False), "relation": "!=",
                    "bracket": {param.name: [mpmath.nstr(mpmath.mpf(a), 30), mpmath.nstr(mpmath.mpf(b), 30)]},
                    "digits": f"a sign change of lhs - rhs, continuous on {param.name} in the bracket: a root "
                              f"(intermediate value theorem)"}
    finally:
        ctx.prec = old
    return None


def _real_anywhere(claim: Claim, pts: dict[str, np.ndarray]) -> bool:
    """Whether both sides are real numbers (finite or infinite, not NaN) at some point."""
    with np.errstate(all="ignore"):
        lhs, rhs = _numeric(claim.left.expr, claim, pts), _numeric(claim.right.expr, claim, pts)
    return bool(np.any(~np.isnan(lhs) & ~np.isnan(rhs)))


def _local_minimum(claim: Claim, start: dict[str, float]) -> dict[str, float] | None:
    """Nelder-Mead on the relative gap over the continuous parameters, in log coordinates for log-scale ones."""
    free = [p for p in claim.params if not p.domain.integer]
    if not free:
        return None
    logs = [p.domain.scale == "log" for p in free]

    def unpack(z):
        point = dict(start)
        for p, v, lg in zip(free, z, logs):
            point[p.name] = float(math.exp(v)) if lg else float(v)
        return point

    def objective(z):
        try:
            point = unpack(z)
        except OverflowError:  # a log coordinate beyond the float range: outside the search
            return 1e3
        if not all(p.domain.contains(point[p.name]) for p in free):
            return 1e3
        pts = {k: np.array([v]) for k, v in point.items()}
        if not hypotheses_mask(claim, pts)[0]:
            return 1e3
        g = float(relative_gap(claim, pts)[0])
        return g if math.isfinite(g) else 1e3

    z0 = [math.log(start[p.name]) if lg else start[p.name] for p, lg in zip(free, logs)]
    res = scipy.optimize.minimize(objective, z0, method="Nelder-Mead", options={"maxiter": 400, "xatol": 1e-10,
                                                                                 "fatol": 1e-14})
    return unpack(res.x) if res.fun < 1e3 else None


def audit(claim: Claim, count: int = 100_000, seed: int = 0, digits: int = 50) -> dict:
    """Evaluate an analytic claim at `count` random points of its domain at `digits` digits (arb balls): the
    points where it certainly fails, and those where `digits` digits cannot decide. An audit of proofs: a proved
    claim must have no violation. Points that do not certainly satisfy the hypotheses are skipped."""
    from flint import arb, ctx

    rng = np.random.default_rng(seed)
    pts = sample_points(claim, rng, count) if claim.params else {}
    if claim.params:
        mask = hypotheses_mask(claim, pts)
        pts = {k: v[mask] for k, v in pts.items()}
    n = len(next(iter(pts.values()))) if pts else 1
    syms = tuple(p.symbol for p in claim.params)
    left, right, conditions = _exact_parts(claim)
    old, ctx.prec = ctx.prec, int(digits * 3.33) + 20
    try:
        lhs, rhs = (compile_expr(f, syms, "arb") for f in (left, right))
        float_tol = arb(10) ** (-12 if claim.left.expr.atoms(sp.Float) | claim.right.expr.atoms(sp.Float)
                                else -(digits - 10))
        violations, undecided, skipped, worst = 0, 0, 0, None
        for i in range(n):
            args = [arb(float(pts[p.name][i])) for p in claim.params]
            if not all(_decide(h, syms, args)[0] for h in conditions):
                skipped += 1
                continue
            try:
                lv, rv = arb(lhs(*args)), arb(rhs(*args))
            except (ValueError, ZeroDivisionError):
                undecided += 1
                continue
            gap = lv - rv
            if claim.rel == "=":
                scale = abs(lv) + abs(rv) + 1
                bad, unsure = bool(abs(gap) > float_tol * scale), not bool(abs(gap) <= float_tol * scale)
            else:
                bad = _certainly(_negation(RELATIONS[claim.rel]), gap)
                unsure = not bad and not _certainly(RELATIONS[claim.rel], gap)
            if bad:
                violations += 1
                worst = worst or {p.name: float(pts[p.name][i]) for p in claim.params} | {
                    "lhs": lv.str(30, radius=False), "rhs": rv.str(30, radius=False)}
            elif unsure:
                undecided += 1
    finally:
        ctx.prec = old
    return {"points": n - skipped, "violations": violations, "undecided": undecided, "digits": digits,
            "first_violation": worst}


def _exact_parts(claim: Claim) -> tuple:
    """The claim's sides and hypotheses with their decimals exact (`intervals.exact_decimals`)."""
    return (exact_decimals(claim.left.expr), exact_decimals(claim.right.expr),
            [exact_decimals(h.expr) for h in claim.conditions])


def _certainly(rel, value) -> bool:
    """value REL 0 holds for the whole ball."""
    if rel is sp.Unequality:
        return bool(value > 0) or bool(value < 0)
    if rel in (sp.StrictLessThan,):
        return bool(value < 0)
    if rel in (sp.LessThan,):
        return bool(value <= 0)
    if rel in (sp.StrictGreaterThan,):
        return bool(value > 0)
    if rel in (sp.GreaterThan,):
        return bool(value >= 0)
    return bool(value == 0)


def _decide(h, syms, args) -> tuple[bool, bool]:
    """(certainly true, certainly false) for a hypothesis at a point of arb balls: a relation, or relations
    combined with And, Or and Not."""
    from flint import arb

    if h in (sp.true, sp.false):
        return h is sp.true, h is sp.false
    if isinstance(h, (sp.And, sp.Or)):
        parts = [_decide(a, syms, args) for a in h.args]
        yes, no = [p[0] for p in parts], [p[1] for p in parts]
        return (all(yes), any(no)) if isinstance(h, sp.And) else (any(yes), all(no))
    if isinstance(h, sp.Not):
        yes, no = _decide(h.args[0], syms, args)
        return no, yes
    value = arb(compile_expr(h.lhs - h.rhs, syms, "arb")(*args))
    return _certainly(type(h), value), _certainly(_negation(type(h)), value)


def _negation(rel):
    return {sp.LessThan: sp.StrictGreaterThan, sp.StrictLessThan: sp.GreaterThan, sp.GreaterThan: sp.StrictLessThan,
            sp.StrictGreaterThan: sp.LessThan, sp.Equality: sp.Unequality, sp.Unequality: sp.Equality}[rel]
