"""Independent truth for the analytic benchmark (benchmarks/analytic_claims.py) and the catalogue claims it holds.

A claim's formula is SymPy, so a test that only asked SymPy would be true by construction. Here:

- every claim and every derivation step of the benchmark is evaluated in mpmath at 50 digits at 200 random points
  of its domain that satisfy its hypotheses (log-uniform in [1e-3, 1e3] for sizes and unbounded positive
  parameters, uniform for bounded ones, closed ends now and then). A true item must hold at every point; a planted
  error (expect="VIOLATED") must fail clearly at one point at least (a wrong derivation: at one step at least);
- where a formula differentiates, integrates or takes a limit, the value SymPy computed is compared with mpmath's
  own numerical differentiation, quadrature, or evaluation far out, of the un-differentiated expression;
- the Beta moments, which the catalogue integrates in the variable y = x/(1 - x), are compared with quadrature of
  the density over (0, 1).

When a true item fails at 50 digits the point is re-evaluated at 400 and 4000 digits before the test fails: some
true strict inequalities (the marginal value of data below its average when D_T/D_F ~ 1e-3000) only separate there.
"""
from __future__ import annotations

import math
import random
from pathlib import Path

import mpmath
import pytest
import sympy as sp

from boundlab.theory import Registry, load_file

BENCH = load_file(Path(__file__).resolve().parents[2] / "benchmarks" / "analytic_claims.py")
CLAIMS, DERIVATIONS = BENCH.CLAIMS, BENCH.DERIVATIONS
POINTS = 200
DIGITS = 50
ESCALATE = (400, 4000)
EQ_SLACK = mpmath.mpf("1e-30")  # relative slack of '=' for a true item
CLEAR = mpmath.mpf("1e-20")  # a planted error must miss by more than this, relatively
BOX = (1e-3, 1e3)
#: sampling boxes narrower than BOX for some items (and their derivation steps), with the reason. Both are
#: true formulas whose evaluated form cancels completely at extreme points, beyond any fixed precision:
#: - the sigmoid's SymPy derivative has the factor X/(X + 1) - 1 with X = (e^t/n0)^gamma;
#: - the logit chain starts from 1 - r/(1 + r) with r = k D_F^(alpha - 1) N^beta, up to 1e7000 in BOX.
NARROW = {"cliff2023.sigmoid_is_cliff": {"g": (1e-3, 30.0), "t": (1e-3, 30.0)},
          "hernandez2021.logit_chain": {"b": (1e-3, 3.0)}}


# ---- sampling -------------------------------------------------------------------------------------------------
def _loguniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def draw(param, rng, box=BOX):
    """One value of `param`'s domain: log-uniform in `box` for unbounded ends, uniform on bounded intervals."""
    dom = param.domain
    lo, hi = dom.lo, dom.hi
    closed = [e for e, is_open in ((lo, dom.lo_open), (hi, dom.hi_open)) if math.isfinite(e) and not is_open]
    if closed and rng.random() < 0.05:
        return rng.choice(closed)
    if dom.integer:
        first = math.floor(lo) + 1 if dom.lo_open and lo == math.floor(lo) else math.ceil(lo)
        last = min(hi, box[1])
        last = math.ceil(last) - 1 if dom.hi_open and last == hi and hi == math.ceil(hi) else math.floor(last)
        first = max(first, 1)
        return min(max(round(_loguniform(rng, first, last + 0.5)), first), last)
    if math.isfinite(lo) and math.isfinite(hi):
        return rng.uniform(lo, hi) if hi > lo else lo
    if math.isfinite(lo):
        return lo + _loguniform(rng, *box)
    if math.isfinite(hi):
        return hi - _loguniform(rng, *box)
    return rng.choice((-1, 1)) * _loguniform(rng, *box)


def _fn(expr, symbols):
    return sp.lambdify(symbols, expr, modules="mpmath")


def _real(v):
    """A real mpf, or None for complex, infinite or undefined values."""
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            return None
        v = v.real
    v = mpmath.mpf(v)
    return v if mpmath.isfinite(v) else None


class Item:
    """An analytic claim with mpmath functions for its sides, the terms of its sides, and its hypotheses."""

    def __init__(self, claim):
        self.claim = claim
        self.symbols = [p.symbol for p in claim.params]
        self.lhs, self.rhs = _fn(claim.left.expr, self.symbols), _fn(claim.right.expr, self.symbols)
        self.terms = [_fn(t, self.symbols) for side in (claim.left.expr, claim.right.expr)
                      for t in sp.Add.make_args(side)]
        self.hyps = [(type(h.expr), _fn(h.expr.lhs, self.symbols), _fn(h.expr.rhs, self.symbols))
                     for h in claim.conditions]

    def admissible(self, values) -> bool:
        ops = {sp.StrictLessThan: lambda a, b: a < b, sp.LessThan: lambda a, b: a <= b,
               sp.StrictGreaterThan: lambda a, b: a > b, sp.GreaterThan: lambda a, b: a >= b}
        with mpmath.workdps(DIGITS):
            args = [mpmath.mpf(v) for v in values]
            for kind, f, g in self.hyps:
                a, b = _real(f(*args)), _real(g(*args))
                if a is None or b is None or not ops[kind](a, b):
                    return False
        return True

    def sides(self, values, digits=DIGITS):
        """(lhs, rhs) at `values`; None for a side that is undefined at this precision (e.g. 1 - r/(1 + r) = 0)."""
        with mpmath.workdps(digits):
            args = [mpmath.mpf(v) for v in values]
            return self._value(self.lhs, args), self._value(self.rhs, args)

    def scale(self, values, digits=DIGITS):
        """The sum of the magnitudes of the terms of both sides: the size of the rounding error of their gap."""
        with mpmath.workdps(digits):
            args = [mpmath.mpf(v) for v in values]
            terms = [self._value(t, args) for t in self.terms]
            return sum((abs(t) for t in terms if t is not None), mpmath.mpf(0))

    @staticmethod
    def _value(f, args):
        try:
            return _real(f(*args))
        except (ZeroDivisionError, ValueError, OverflowError):
            return None


def points(claim, count=POINTS, seed=0, box=BOX, narrow=None):
    """`count` points of the claim's domain satisfying its hypotheses (one empty point without parameters)."""
    item = Item(claim)
    if not claim.params:
        return item, [()]
    rng = random.Random(f"{claim.id}:{seed}")
    if narrow is None:
        keys = [k for k in NARROW if claim.id == k or claim.id.startswith(k + ".")]
        narrow = NARROW[keys[0]] if keys else {}
    out, tries = [], 0
    while len(out) < count:
        tries += 1
        assert tries < 500 * count, f"{claim.id}: the hypotheses admit too few sampled points ({len(out)})"
        values = tuple(draw(p, rng, narrow.get(p.name, box)) for p in claim.params)
        if item.admissible(values):
            out.append(values)
    return item, out


# ---- the relation at a point ----------------------------------------------------------------------------------
def holds(rel, lhs, rhs, scale=0) -> bool:
    """The relation at a point, with a relative slack for '=' and the non-strict relations; `scale` is the size of
    the terms whose rounding errors the gap carries (the slack is relative to the larger of it and |lhs| + |rhs|)."""
    scale = max(abs(lhs) + abs(rhs), scale)
    return {"=": lambda: abs(lhs - rhs) <= EQ_SLACK * scale, "<=": lambda: lhs <= rhs + EQ_SLACK * scale,
            ">=": lambda: lhs + EQ_SLACK * scale >= rhs, "<": lambda: lhs < rhs, ">": lambda: lhs > rhs}[rel]()


def clearly_fails(rel, lhs, rhs) -> bool:
    margin = CLEAR * (abs(lhs) + abs(rhs))
    return {"=": lambda: abs(lhs - rhs) > margin, "<=": lambda: lhs > rhs + margin,
            ">=": lambda: lhs + margin < rhs, "<": lambda: lhs >= rhs + margin,
            ">": lambda: lhs + margin <= rhs}[rel]()


def failures(claim, count=POINTS):
    """Points where a claim fails (after escalating the precision), as (values, lhs, rhs)."""
    item, pts = points(claim, count)
    bad = []
    for values in pts:
        for digits in (DIGITS, *ESCALATE):
            lhs, rhs = item.sides(values, digits)
            with mpmath.workdps(digits):
                if lhs is not None and rhs is not None and holds(claim.rel, lhs, rhs, item.scale(values, digits)):
                    break
        else:
            bad.append((values, lhs, rhs))
    return bad


def clear_violations(claim, count=POINTS):
    item, pts = points(claim, count)
    out = []
    for values in pts:
        lhs, rhs = item.sides(values)
        with mpmath.workdps(DIGITS):
            if lhs is not None and rhs is not None and clearly_fails(claim.rel, lhs, rhs):
                out.append((values, lhs, rhs))
    return out


# ---- the benchmark as a whole ---------------------------------------------------------------------------------
def test_the_benchmark_has_the_promised_size_and_mix():
    items = CLAIMS + DERIVATIONS
    wrong = [i for i in items if i.expect == "VIOLATED"]
    assert len(items) >= 45 and len(wrong) >= 12
    assert len(DERIVATIONS) >= 6 and sum(d.expect == "VIOLATED" for d in DERIVATIONS) >= 2
    ids = [i.id for i in items]
    assert len(ids) == len(set(ids))
    assert all(c.kind == "analytic" for c in CLAIMS)


def test_true_items_come_from_the_catalogue_and_wrong_ones_are_marked_as_planted():
    reg = Registry.catalogue()
    for c in CLAIMS:
        assert c.provenance.kind != "stated"
        if c.expect == "VIOLATED":
            assert not reg.has_claim(c.id)
            assert c.provenance.kind == "derived" and c.provenance.note.startswith("planted error")
        elif c.id.startswith("textbook."):  # steps of textbook proofs, written for the benchmark: their truth is
            assert not reg.has_claim(c.id)  # checked in test_benchmark_textbook_truth.py
        else:
            assert reg.get(c.id) is c
        assert c.title and c.doc
    for d in DERIVATIONS:
        if d.expect == "VIOLATED":
            assert d.provenance.note.startswith("planted error")
        else:
            assert reg.derivation(d.id) is d
        for step in d.steps:
            assert step.uses is None or reg.has_claim(step.uses), (d.id, step.uses)


def test_every_catalogue_module_has_a_docstring_and_ids_named_after_it():
    """Ids start with the paper key, which is the module's name (or its prefix: a long paper is split into
    <paper>_<part>.py modules, e.g. shachaf2021_deep_linear)."""
    from boundlab.theory.registry import catalogue_modules

    for module in catalogue_modules():
        assert isinstance(module.CLAIMS, list) and module.__doc__
        name = module.__name__.rsplit(".", 1)[1]
        for c in module.CLAIMS + list(getattr(module, "DERIVATIONS", [])):
            key = c.id.split(".")[0]
            assert name == key or name.startswith(key + "_"), c.id


# ---- every claim, every derivation step -----------------------------------------------------------------------
@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_claim_holds_everywhere_or_fails_somewhere(claim):
    if claim.expect == "VIOLATED":
        assert clear_violations(claim), f"{claim.id}: planted error not violated at any sampled point"
    else:
        bad = failures(claim)
        assert not bad, f"{claim.id}: fails at {len(bad)} points, e.g. {bad[0]}"


@pytest.mark.parametrize("derivation", DERIVATIONS, ids=[d.id for d in DERIVATIONS])
def test_derivation_steps_hold_or_one_fails(derivation):
    if derivation.expect == "VIOLATED":
        assert any(clear_violations(step, count=POINTS) for step in derivation.step_claims), \
            f"{derivation.id}: no step of the planted error is violated"
    else:
        for step in derivation.step_claims:
            bad = failures(step)
            assert not bad, f"{step.id}: fails at {len(bad)} points, e.g. {bad[0]}"


def test_the_cancelling_planted_error_is_wrong_in_its_steps_but_right_at_its_ends():
    d = BENCH.mrs_exponent_slip
    ends = sp.simplify(d.chain()[0].expr - d.chain()[-1].expr)
    assert ends == 0
    assert clear_violations(d.step_claims[0]) and clear_violations(d.step_claims[1])
    assert not failures(d.step_claims[2])


# ---- calculus, independently of SymPy's differentiation, integration and limits -------------------------------
def _calculus_claims():
    out = []
    for c in CLAIMS + [s for d in DERIVATIONS for s in d.step_claims]:
        forms = [c.left.display, c.right.display]
        if any(f.atoms(sp.Derivative, sp.Integral, sp.Limit) for f in forms):
            out.append(c)
    return out


CALCULUS = _calculus_claims()
CALC_BOX = (0.3, 4.0)


def _check_derivative(node, symbols, values):
    inner = node.expr.doit()
    wrt = [v for v, _ in node.variable_count]
    orders = [k for _, k in node.variable_count]
    others = [s for s in symbols]
    f = _fn(inner, others)
    sympy_value = _fn(node.doit(), others)
    with mpmath.workdps(DIGITS):
        args = [mpmath.mpf(v) for v in values]
        at = {s: a for s, a in zip(others, args)}
        idx = [others.index(w) for w in wrt]

        def g(*xs):
            local = list(args)
            for i, x in zip(idx, xs):
                local[i] = x
            return f(*local)

        numeric = mpmath.diff(g, tuple(at[w] for w in wrt), tuple(orders)) if len(wrt) > 1 else \
            mpmath.diff(g, at[wrt[0]], orders[0])
        exact = sympy_value(*args)
        assert abs(numeric - exact) <= mpmath.mpf("1e-15") * (abs(numeric) + abs(exact) + 1e-30), \
            (node, values, numeric, exact)


def _check_integral(node, symbols, values):
    (var, lo, hi), = node.limits
    f = _fn(node.function, [var, *symbols])
    sympy_value = _fn(node.doit(), symbols)
    with mpmath.workdps(30):
        args = [mpmath.mpf(v) for v in values]
        lo_, hi_ = (mpmath.mpf(float(e)) if e.is_finite else (mpmath.inf if e > 0 else -mpmath.inf)
                    for e in (sp.sympify(lo), sp.sympify(hi)))
        nodes = [lo_, 0, hi_] if lo_ == -mpmath.inf and hi_ == mpmath.inf else [lo_, hi_]
        numeric = mpmath.quad(lambda x: f(x, *args), nodes)
        exact = sympy_value(*args)
        assert abs(numeric - exact) <= mpmath.mpf("1e-10") * (abs(exact) + 1e-30), (node, values, numeric, exact)


def _check_limit(node, symbols, values):
    expr, var, target, _ = node.args
    assert target == sp.oo, f"only limits at infinity are checked here, not {node}"
    f = _fn(expr, symbols)
    sympy_value = _fn(node.doit(), [s for s in symbols if s != var])
    with mpmath.workdps(DIGITS):
        args = [mpmath.mpf(v) for v in values]
        far = [mpmath.mpf(10) ** 200 if s == var else a for s, a in zip(symbols, args)]
        numeric = f(*far)
        exact = sympy_value(*[a for s, a in zip(symbols, args) if s != var])
        assert abs(numeric - exact) <= mpmath.mpf("1e-12") * (abs(exact) + 1), (node, values, numeric, exact)


@pytest.mark.parametrize("claim", CALCULUS, ids=[c.id for c in CALCULUS])
def test_calculus_agrees_with_numerical_differentiation_quadrature_and_limits(claim):
    symbols = [p.symbol for p in claim.params]
    _, pts = points(claim, count=6, seed=1, box=CALC_BOX, narrow={})
    nodes = set()
    for form in (claim.left.display, claim.right.display):
        nodes |= form.atoms(sp.Derivative, sp.Integral, sp.Limit)
    for node in nodes:
        for values in pts:
            extended = list(symbols)
            if isinstance(node, sp.Limit) and node.args[1] not in symbols:
                extended = [*symbols, node.args[1]]
                values = (*values, 1)
            check = {sp.Derivative: _check_derivative, sp.Integral: _check_integral, sp.Limit: _check_limit}
            check[type(node)](node, extended, values)


def test_calculus_checks_cover_derivatives_integrals_and_limits():
    kinds = set()
    for c in CALCULUS:
        for form in (c.left.display, c.right.display):
            kinds |= {type(n) for n in form.atoms(sp.Derivative, sp.Integral, sp.Limit)}
    assert kinds == {sp.Derivative, sp.Integral, sp.Limit}
    assert len(CALCULUS) >= 10


@pytest.mark.parametrize("moment, claim_id", [(1, "classical.beta_mean"), (2, "classical.beta_second_moment")])
def test_beta_moments_against_the_density_on_the_unit_interval(moment, claim_id):
    claim = Registry.catalogue().get(claim_id)
    item, pts = points(claim, count=8, seed=2, box=CALC_BOX, narrow={})
    for a, b in pts:
        with mpmath.workdps(30):
            a_, b_ = mpmath.mpf(a), mpmath.mpf(b)
            density = lambda x: x ** (moment + a_ - 1) * (1 - x) ** (b_ - 1)  # noqa: E731
            quad = mpmath.quad(density, [0, 0.5, 1]) / mpmath.beta(a_, b_)
            lhs, _ = item.sides((a, b), 30)
            assert abs(quad - lhs) <= mpmath.mpf("1e-9") * abs(quad), (claim_id, a, b, quad, lhs)
