"""Independent truth of the "textbook steps" of the analytic benchmark (benchmarks/analytic_claims.py, ids textbook.*).

The claims are SymPy, so asking SymPy whether they hold would be true by construction. Here each side and each
hypothesis is evaluated in mpmath at 50 digits at 300 points of the claim's domain that satisfy its hypotheses:

- unbounded parameters log-uniformly over wide ranges (magnitudes and distances to a finite end in [1e-8, 1e8],
  integers up to 1e9), bounded ones uniformly; now and then exactly at a closed end or within 10^-k of an end;
- pushed onto the boundary of a hypothesis (a hypothesis solved for one of its parameters, rounded the admissible
  way for integers), where a monotone step is tight;
- near the touching set of a tight inequality: two real parameters made (nearly) equal, and for the items that touch
  along a curve (t = eps/sigma^2, eta = sqrt(8 log(N)/T), b = a^(p - 1), ...) a parameter set on the curve, exactly
  or up to a relative jitter 10^-k.

A true item must hold at every point: '=' and the non-strict relations within 1e-40 relative (rounding at touching
points; relative to the larger of |lhs| + |rhs| and the sum of the magnitudes of the terms of both sides, the size
of the rounding error of their gap), the strict ones exactly. A point that fails at 50 digits is re-evaluated at 150
and 600 digits before it counts (near a touching set the two sides can agree to more digits than 50 carry; a point
admitted on the boundary of a hypothesis at 50 digits that lies outside it at a higher precision no longer counts).
A planted slip (expect="VIOLATED") must be violated, by more than 1e-30 relative, at one sampled point at least.
"""
from __future__ import annotations

import contextlib
import math
import random
from pathlib import Path

import mpmath
import pytest
import sympy as sp

from boundlab.theory import load_file

BENCH = load_file(Path(__file__).resolve().parents[2] / "benchmarks" / "analytic_claims.py")
ITEMS = [c for c in BENCH.CLAIMS if c.id.startswith("textbook.")]
AREAS = ("concentration", "pac", "online", "ridge")
POINTS = 300
DIGITS = 50
ESCALATE = (150, 600)
TOL = mpmath.mpf("1e-40")  # relative slack of '=' and of the non-strict relations, for true items
CLEAR = mpmath.mpf("1e-30")  # a planted slip must miss by more than this, relatively
WIDE = (1e-8, 1e8)  # log-uniform range of magnitudes (and of distances to a finite end) of unbounded reals
SIZES = (1, 1e9)  # log-uniform range of unbounded integers
OPS = {sp.StrictLessThan: lambda a, b: a < b, sp.LessThan: lambda a, b: a <= b,
       sp.StrictGreaterThan: lambda a, b: a > b, sp.GreaterThan: lambda a, b: a >= b}


def _jitter(rng):
    """A relative perturbation: 0 (exactly on the curve) or +-10^-k."""
    return 0 if rng.random() < 0.2 else rng.choice((-1, 1)) * mpmath.mpf(10) ** (-rng.randint(1, 20))


def _on(value, rng):
    return value * (1 + _jitter(rng))


#: items whose touching set is a curve, a triple a = b = c, or a point that making two parameters equal rarely
#: reaches: put parameters on it
TOUCH = {
    "textbook.concentration_chernoff_exponent_minimum": lambda v, g: {"t": _on(v["eps"] / v["sigma"] ** 2, g)},
    "textbook.wrong_chernoff_exponent_every_t": lambda v, g: {"t": _on(v["eps"] / v["sigma"] ** 2, g)},
    "textbook.online_hedge_regret_any_eta": lambda v, g: {"eta": _on(mpmath.sqrt(8 * mpmath.log(v["N"]) / v["T"]), g)},
    "textbook.wrong_ogd_step_size_inverted": lambda v, g: {"D": _on(v["G"] * mpmath.sqrt(v["T"]), g)},
    "textbook.ridge_bias_variance_balance":
        lambda v, g: {"lam": _on(v["sigma"] * mpmath.sqrt(v["Deff"] / v["n"]) / v["R"], g)},
    "textbook.wrong_ridge_bias_below_variance_past_optimum":
        lambda v, g: {"lam": _on(v["sigma"] * mpmath.sqrt(v["Deff"] / v["n"]) / v["R"], g)},
    "textbook.ridge_young_cross_term": lambda v, g: {"b": _on(v["a"] ** (v["p"] - 1), g)},
    "textbook.ridge_peter_paul_cross_term": lambda v, g: {"a": _on(v["c"] * v["b"], g)},
    "textbook.pac_schur_three_terms":
        lambda v, g: {"b": _on(v["a"], g), "c": _on(v["a"], g) if g.random() < 0.5 else mpmath.mpf(0)},
    "textbook.online_am_gm_three": lambda v, g: {"b": _on(v["a"], g), "c": _on(v["a"], g)},
    "textbook.wrong_online_am_gm_three_real": lambda v, g: {"b": _on(v["a"], g), "c": _on(v["a"], g)},
    "textbook.concentration_pinsker_bernoulli":
        lambda v, g: {"p": mpmath.mpf(1) / 2 + _jitter(g) / 4, "q": mpmath.mpf(1) / 2 + _jitter(g) / 4},
}


# ---- sampling -------------------------------------------------------------------------------------------------
def _loguniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _first_integer(dom):
    lo = dom.lo
    return math.floor(lo) + 1 if dom.lo_open and lo == math.floor(lo) else math.ceil(lo)


def contains(dom, x) -> bool:
    if not mpmath.isfinite(x):
        return False
    if dom.integer and x != mpmath.floor(x):
        return False
    lo, hi = _ENDS.get(dom) or _ENDS.setdefault(dom, (mpmath.mpf(dom.lo), mpmath.mpf(dom.hi)))
    above = x > lo if dom.lo_open else x >= lo
    below = x < hi if dom.hi_open else x <= hi
    return above and below


_ENDS = {}  # the ends of a domain as mpf (compared exactly, without converting a float at every call)


def draw(dom, rng):
    """One value of the domain, as an mpf (drawn as a float, except within 10^-k of a finite end)."""
    lo, hi = dom.lo, dom.hi
    closed = [e for e, is_open in ((lo, dom.lo_open), (hi, dom.hi_open)) if math.isfinite(e) and not is_open]
    if closed and rng.random() < 0.05:
        return mpmath.mpf(rng.choice(closed))
    if dom.integer:
        first = _first_integer(dom)
        u = rng.random()
        if u < 0.1:
            return mpmath.mpf(first)
        if u < 0.3 or not math.isinf(hi):
            top = first + 10 if math.isinf(hi) else min(math.floor(hi), first + 10)
            return mpmath.mpf(rng.randint(first, top))
        return mpmath.mpf(max(first, math.floor(_loguniform(rng, max(first, 1), SIZES[1]))))
    near = rng.random() < 0.15
    if math.isfinite(lo) and math.isfinite(hi):
        if near:
            gap = (hi - lo) * _TENTH[rng.randint(1, 15)]
            return lo + gap if rng.random() < 0.5 else hi - gap
        return mpmath.mpf(lo + (hi - lo) * rng.random())
    gap = _TENTH[rng.randint(9, 20)] if near else _loguniform(rng, *WIDE)
    if math.isfinite(lo):
        return lo + gap if near else mpmath.mpf(lo + gap)
    if math.isfinite(hi):
        return hi - gap if near else mpmath.mpf(hi - gap)
    return mpmath.mpf(0) if rng.random() < 0.05 else rng.choice((-1, 1)) * mpmath.mpf(gap)


with mpmath.workdps(DIGITS):
    _TENTH = {k: mpmath.mpf(10) ** -k for k in range(1, 21)}  # 10^-k, exact to 50 digits


def precision(digits):
    """mpmath at `digits` (no context switch when it is already there: the sampling loop is hot)."""
    return contextlib.nullcontext() if mpmath.mp.dps == digits else mpmath.workdps(digits)


def _real(v):
    """A real mpf, or None for complex, infinite or undefined values."""
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            return None
        v = v.real
    v = mpmath.mpf(v)
    return v if mpmath.isfinite(v) else None


def _call(f, args):
    try:
        return _real(f(*args))
    except (ZeroDivisionError, ValueError, OverflowError, TypeError):
        return None


class Item:
    """A claim with mpmath functions for its sides and hypotheses, the hypotheses solved for each of their
    parameters (to sample their boundary), and its real parameters (two of which are made nearly equal now and
    then: the touching set of most tight inequalities)."""

    def __init__(self, claim):
        self.claim = claim
        self.params = list(claim.params)
        self.names = [p.name for p in self.params]
        self.symbols = [p.symbol for p in self.params]
        fn = lambda e: sp.lambdify(self.symbols, e, modules="mpmath")  # noqa: E731
        self.lhs, self.rhs = fn(claim.left.expr), fn(claim.right.expr)
        self.terms = [fn(t) for side in (claim.left.expr, claim.right.expr) for t in sp.Add.make_args(side)]
        self.hyps = [(OPS[type(h.expr)], fn(h.expr.lhs), fn(h.expr.rhs)) for h in claim.conditions]
        self.boundaries = []  # (parameter index, function of all values giving its value on the boundary)
        for h in claim.conditions:
            lhs, rhs = h.expr.lhs, h.expr.rhs
            alone = [(lhs, rhs), (rhs, lhs)]
            alone = [(s, other) for s, other in alone if s in self.symbols and s not in other.free_symbols]
            if alone:  # "n >= log(2/delta)/(2*eps**2)": the boundary of the parameter alone on one side
                self.boundaries += [(self.symbols.index(s), fn(other)) for s, other in alone]
                continue
            for sym in h.expr.free_symbols:
                z = sp.Dummy("z", real=True)
                try:
                    roots = sp.solve((lhs - rhs).subs(sym, z), z, check=False, simplify=False, rational=False)
                except (NotImplementedError, ValueError):
                    continue
                self.boundaries += [(self.symbols.index(sym), fn(root)) for root in roots]
        self.reals = [i for i, p in enumerate(self.params) if not p.domain.integer]
        self.touch = TOUCH.get(claim.id)

    def admissible(self, values, digits=DIGITS) -> bool:
        if not all(contains(p.domain, v) for p, v in zip(self.params, values)):
            return False
        with precision(digits):
            for op, f, g in self.hyps:
                a, b = _call(f, values), _call(g, values)
                if a is None or b is None or not op(a, b):
                    return False
        return True

    def candidate(self, rng):
        values = [draw(p.domain, rng) for p in self.params]
        u = rng.random()
        if self.boundaries and u < 0.35:
            i, f = rng.choice(self.boundaries)
            target = _call(f, values)
            if target is None:
                return values
            if self.params[i].domain.integer:
                target = mpmath.ceil(target) if rng.random() < 0.5 else mpmath.floor(target)
            else:
                target = _on(target, rng) if rng.random() < 0.5 else target
            values[i] = target
        elif self.touch and u < 0.6:
            named = dict(zip(self.names, values))
            for name, value in self.touch(named, rng).items():
                values[self.names.index(name)] = value
        elif len(self.reals) >= 2 and u < 0.75:  # two parameters nearly equal (s = lam, p = q, a = b, x = y)
            i, j = rng.sample(self.reals, 2)
            values[j] = _on(values[i], rng) if values[i] != 0 else _jitter(rng)
        return values

    def points(self, count=POINTS):
        rng = random.Random(self.claim.id)
        out, tries = [], 0
        with mpmath.workdps(DIGITS):
            while len(out) < count:
                tries += 1
                assert tries < 200 * count, f"{self.claim.id}: the hypotheses admit too few points ({len(out)})"
                values = [mpmath.mpf(v) for v in self.candidate(rng)]  # rounded to 50 digits: the point is exactly this
                if self.admissible(values):
                    out.append(values)
        return out

    def sides(self, values, digits=DIGITS):
        with precision(digits):
            return _call(self.lhs, values), _call(self.rhs, values)

    def scale(self, values, digits=DIGITS):
        """The sum of the magnitudes of the terms of both sides: the size of the rounding error of their gap."""
        with precision(digits):
            terms = [_call(t, values) for t in self.terms]
            return sum((abs(t) for t in terms if t is not None), mpmath.mpf(0))


def holds(rel, lhs, rhs, scale=0) -> bool:
    slack = TOL * max(abs(lhs) + abs(rhs), scale)
    return {"=": lambda: abs(lhs - rhs) <= slack, "<=": lambda: lhs <= rhs + slack, ">=": lambda: lhs + slack >= rhs,
            "<": lambda: lhs < rhs, ">": lambda: lhs > rhs}[rel]()


def clearly_fails(rel, lhs, rhs) -> bool:
    margin = CLEAR * (abs(lhs) + abs(rhs))
    return {"=": lambda: abs(lhs - rhs) > margin, "<=": lambda: lhs > rhs + margin,
            ">=": lambda: lhs + margin < rhs, "<": lambda: lhs >= rhs + margin,
            ">": lambda: lhs + margin <= rhs}[rel]()


def failures(item, pts):
    """Points where a true item fails at 50 digits and still fails at 150 and 600 (a point admitted at 50 digits
    on the boundary of a hypothesis may lie just outside it: it no longer counts when a higher precision says so)."""
    bad = []
    with mpmath.workdps(DIGITS):
        for values in pts:
            for digits in (DIGITS, *ESCALATE):
                with precision(digits):
                    if digits != DIGITS and not item.admissible(values, digits):
                        break
                    lhs, rhs = item.sides(values, digits)
                    rel = item.claim.rel
                    if lhs is not None and rhs is not None and (
                            holds(rel, lhs, rhs) or holds(rel, lhs, rhs, item.scale(values, digits))):
                        break
            else:
                bad.append(([mpmath.nstr(v, 20) for v in values], lhs, rhs))
    return bad


def violations(item, pts):
    out = []
    with mpmath.workdps(DIGITS):
        for values in pts:
            lhs, rhs = item.sides(values)
            if lhs is not None and rhs is not None and clearly_fails(item.claim.rel, lhs, rhs):
                out.append(([mpmath.nstr(v, 20) for v in values], lhs, rhs))
    return out


# ---- the section as a whole -----------------------------------------------------------------------------------
def test_the_textbook_section_is_big_mixed_and_well_formed():
    wrong = [c for c in ITEMS if c.expect == "VIOLATED"]
    assert len(ITEMS) >= 44 and len(wrong) >= 11 and len(wrong) >= 0.2 * len(ITEMS)
    ids = [c.id for c in BENCH.CLAIMS]
    assert len(ids) == len(set(ids))
    for c in ITEMS:
        area = c.id.split(".", 1)[1]
        assert c.title and c.doc and c.kind == "analytic", c.id
        assert all(isinstance(h, str) for h in c.hypotheses), c.id
        if c.expect == "VIOLATED":
            assert area.startswith("wrong_"), c.id
            assert c.provenance.kind == "derived" and c.provenance.note.startswith("planted error"), c.id
        else:
            assert area.split("_")[0] in AREAS, c.id
            assert (c.provenance.kind, c.provenance.paper, c.provenance.citation) == \
                ("derived", "classical", "textbook steps of learning-theory proofs"), c.id
    true_by_area = {a: sum(c.id.startswith(f"textbook.{a}_") for c in ITEMS) for a in AREAS}
    assert min(true_by_area.values()) >= 8, true_by_area


# ---- every item -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("claim", ITEMS, ids=[c.id for c in ITEMS])
def test_textbook_item_holds_everywhere_or_is_violated_somewhere(claim):
    item = Item(claim)
    pts = item.points()
    if claim.expect == "VIOLATED":
        assert violations(item, pts), f"{claim.id}: the planted slip holds at all {len(pts)} sampled points"
    else:
        bad = failures(item, pts)
        assert not bad, f"{claim.id}: fails at {len(bad)} of {len(pts)} points, e.g. {bad[0]}"
