"""numerics/intervals/: enclosures contain mpmath values at random points; true claims are proved and their
certificates replay in the independent checker (tests/numerics/box_checker.py, on mpmath.iv); false claims,
shown false here by evaluation at a point, are never proved; corrupted certificates are rejected."""
import copy
import importlib.util
import json
import math
import random
import time
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
import sympy as sp
from flint import arb

from boundlab.numerics.intervals import OutsideDomain, Unsupported, enclose, enclose_bounds, prove_nonnegative
from boundlab.theory.symbols import NONNEGATIVE, POSITIVE, SIZE, UNIT_OPEN, Domain

_spec = importlib.util.spec_from_file_location("box_checker", Path(__file__).with_name("box_checker.py"))
box_checker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(box_checker)
check_boxes = box_checker.check_boxes

x, y, z = sp.symbols("x y z", real=True)
a, b, t, eps, delta = sp.symbols("a b t epsilon delta", positive=True)
n, d = sp.symbols("n d", integer=True, positive=True)
R = Domain()
Q = sp.Rational

# ---- enclosures ------------------------------------------------------------------------------------------------
ENCLOSED = [  # (expression, box)
    (x ** 2 - 2 * x + 2, {x: (-3, 5)}),
    (x ** 3 - x, {x: (-2, Fraction(3, 2))}),
    ((x - y) ** 2 / (1 + x ** 2), {x: (-1, 2), y: (0, 3)}),
    (sp.exp(x) - 1 - x, {x: (-5, 5)}),
    (sp.log(1 + x) - x / (1 + x), {x: (0, 10)}),
    (sp.sqrt(a * b), {a: (0, 100), b: (Fraction(1, 3), 7)}),
    (x ** y, {x: (0, Fraction(1, 4)), y: (Fraction(1, 2), 2)}),
    (x ** y, {x: (2, 5), y: (-1, 3)}),
    (1 / (x ** 2 + y ** 2 + Q(1, 10)), {x: (-1, 1), y: (-1, 1)}),
    (sp.Abs(x - 1) + sp.Min(x, y) - sp.Max(x, 2 * y), {x: (-2, 2), y: (-1, 3)}),
    (sp.LambertW(x), {x: (-Fraction(1, 3), 20)}),
    (sp.LambertW(x, -1), {x: (-Fraction(1, 3), -Fraction(1, 100))}),
    (sp.gamma(x), {x: (Fraction(1, 10), 6)}),
    (sp.loggamma(x) - x, {x: (Fraction(1, 2), 30)}),
    (sp.erf(x) * sp.exp(-x ** 2), {x: (-3, 2)}),
    (sp.pi * x + sp.E - sp.Float(0.18), {x: (-1, 1)}),
    (sp.log(1 / delta) / (2 * eps ** 2), {delta: (Fraction(1, 100), 1), eps: (Fraction(1, 10), 1)}),
    (sp.polygamma(0, x), {x: (Fraction(1, 2), 9)}),
]


def _point(box, rng):
    return {s: Fraction(lo) + (Fraction(hi) - Fraction(lo)) * Fraction(rng.randint(0, 1000), 1000)
            for s, (lo, hi) in box.items()}


@pytest.mark.parametrize("expr, box", ENCLOSED, ids=[sp.sstr(e)[:30] for e, _ in ENCLOSED])
def test_enclosure_contains_mpmath_values_at_random_points(expr, box):
    lo, hi = enclose_bounds(expr, box)
    ball = enclose(expr, box)
    f = sp.lambdify(list(box), expr, "mpmath")
    rng = random.Random(0)
    with mpmath.workdps(40):
        for _ in range(200):
            p = _point(box, rng)
            v = f(*(mpmath.mpf(q.numerator) / q.denominator for q in p.values()))
            if isinstance(v, mpmath.mpc) or not mpmath.isfinite(v):
                continue
            assert lo - Fraction(1, 10 ** 30) <= Fraction(mpmath.nstr(v, 35)) <= hi + Fraction(1, 10 ** 30), (p, v)
            assert ball.contains(arb(mpmath.nstr(v, 15)).mid()) or abs(v) > 1e300


def test_enclosures_are_tight_for_powers_and_monotone_functions():
    # even / odd powers of a sign-changing interval, computed exactly
    assert enclose_bounds(x ** 2, {x: (-1, 2)}) == (0, 4)
    assert enclose_bounds(x ** 3, {x: (-1, 2)}) == (-1, 8)
    assert enclose_bounds(x ** -2, {x: (-1, 2)})[0] == Fraction(1, 4)
    # u**a on [0, eps] x [a_min, a_max] with eps < 1 is [0, eps**a_min]
    lo, hi = enclose_bounds(t ** a, {t: (0, Fraction(1, 4)), a: (Fraction(1, 2), 3)})
    assert lo == 0 and Fraction(1, 2) <= hi < Fraction(1, 2) + Fraction(1, 10 ** 15)
    # a monotone function of one variable: the exact range up to rounding
    lo, hi = enclose_bounds(sp.exp(x), {x: (0, 1)})
    with mpmath.workdps(40):
        e30 = Fraction(mpmath.nstr(mpmath.e, 30))
    assert lo == 1 and -Fraction(1, 10 ** 29) <= hi - e30 < Fraction(1, 10 ** 17)
    # the minimum of gamma lies in [1.4616, 1.4617]
    lo, hi = enclose_bounds(sp.gamma(x), {x: (1, 2)})
    assert Fraction("0.8856") < lo <= Fraction("0.88561") and hi == 1
    # the natural enclosure of a sum that cancels is wide, but no wider than its terms say
    lo, hi = enclose_bounds(sp.exp(x) - 1 - x, {x: (-1, 1)})
    assert lo < 0 < hi and hi - lo < 5


def test_floats_are_the_decimals_they_print():
    lo, hi = enclose_bounds(sp.Float(0.18), {})
    assert lo <= Fraction("0.18") <= hi and not lo <= Fraction(0.18) <= hi  # Fraction(0.18): the binary double
    lo, _ = enclose_bounds(x, {x: (0.1, 0.3)})
    assert Fraction("0.1") - Fraction(1, 10 ** 18) < lo <= Fraction("0.1")


def test_unbounded_and_unsupported():
    assert enclose_bounds(sp.log(x), {x: (0, 2)})[0] == -math.inf
    assert enclose_bounds(1 / x, {x: (0, 1)}) == (1, math.inf)
    assert not enclose(1 / x, {x: (0, 1)}).is_finite()
    with pytest.raises(OutsideDomain):
        enclose(sp.log(x), {x: (-1, 1)})
    with pytest.raises(OutsideDomain):
        enclose(sp.sqrt(x), {x: (-1, 1)})
    with pytest.raises(Unsupported, match="sin"):
        enclose(sp.sin(x), {x: (0, 1)})
    with pytest.raises(Unsupported, match="no range"):
        enclose(x + y, {x: (0, 1)})


# ---- proofs ----------------------------------------------------------------------------------------------------
def _prove(gap, domains, constraints=(), strict=False, **kw):
    report = {}
    start = time.perf_counter()
    cert = prove_nonnegative(gap, domains, list(constraints), strict=strict, report=report, **kw)
    report["elapsed"] = time.perf_counter() - start
    if cert is not None:
        cert = json.loads(json.dumps(cert))  # JSON-serialisable, and the checker sees only what JSON keeps
        ok, why = check_boxes(cert)
        assert ok, why
    return cert, report


TRUE = {  # id: (gap, domains, constraints, strict)
    "2a/(2a+t) < 1 (unbounded)": (1 - 2 * a / (2 * a + t), {a: POSITIVE, t: POSITIVE}, (), True),
    "x^2 - 2x + 2 > 0 on R": (x ** 2 - 2 * x + 2, {x: R}, (), True),
    "exp(x) >= 1 + x (tight at 0)": (sp.exp(x) - (1 + x), {x: Domain(-5, 5)}, (), False),
    "log(1/delta) > 0": (sp.log(1 / delta), {delta: UNIT_OPEN}, (), True),
    "300**0.18 > 2.75 (a constant)": (sp.Pow(300, sp.Float(0.18), evaluate=False) - sp.Float(2.75), {}, (), True),
    "300**0.18 > 2.75 (folded by SymPy)": (sp.Integer(300) ** sp.Float(0.18) - sp.Float(2.75), {}, (), True),
    "1 - n/d <= 1 given n < d": (1 - (1 - n / d), {n: SIZE, d: SIZE}, (n < d,), False),
    "1 - n/d >= 0 given n < d": (1 - n / d, {n: SIZE, d: SIZE}, (n < d,), False),
    "sqrt(ab) <= (a+b)/2": ((a + b) / 2 - sp.sqrt(a * b),
                            {a: Domain(0, 100, lo_open=True), b: Domain(0, 100, lo_open=True)}, (), False),
    "x - log(1+x) >= 0 (tight at 0)": (x - sp.log(1 + x), {x: Domain(0, 10)}, (), False),
    "log(1+x) <= x on [0, oo)": (x - sp.log(1 + x), {x: NONNEGATIVE}, (), False),
    "x >= log x on [1, oo)": (x - sp.log(x), {x: Domain(1, math.inf, hi_open=True)}, (), True),
    "x log x >= x - 1 (tight at 1)": (x * sp.log(x) - x + 1, {x: POSITIVE}, (), False),
    "sqrt(x) <= (1+x)/2 on [0, oo)": ((1 + x) / 2 - sp.sqrt(x), {x: NONNEGATIVE}, (), False),
    "0.61 >= sqrt(log x / x)": (sp.Float(0.61) - sp.sqrt(sp.log(x) / x), {x: Domain(1, 1e6)}, (), False),
    "W(x) < log(2 + x)": (sp.log(2 + x) - sp.LambertW(x), {x: Domain(0, 100)}, (), True),
    "gamma(x) > 0.88": (sp.gamma(x) - sp.Float(0.88), {x: Domain(0, 10, lo_open=True)}, (), True),
    "d/da 2ab/(2ab+1) > 0": (sp.diff(2 * a * b / (2 * a * b + 1), a), {a: POSITIVE, b: POSITIVE}, (), True),
    "n >= 2 on the integers above 1": (n - 2, {n: Domain(2, 50, integer=True, scale="log")}, (), False),
}

FALSE = {  # id: (gap, domains, constraints, strict, a point where the gap is < 0 (<= 0 if strict))
    "x^2 - 2x + 0.99 >= 0": (x ** 2 - 2 * x + sp.Float(0.99), {x: R}, (), False, {x: 1}),
    "log(1+x) >= x": (sp.log(1 + x) - x, {x: Domain(0, 10, lo_open=True, hi_open=True)}, (), False, {x: 1}),
    "x > 0 on [0, 1] (fails at the closed end)": (x, {x: Domain(0, 1)}, (), True, {x: 0}),
    "log(1/delta) > 0 on (0, 1]": (sp.log(1 / delta), {delta: Domain(0, 1, lo_open=True)}, (), True, {delta: 1}),
    "300**0.18 > 2.8": (sp.Pow(300, sp.Float(0.18), evaluate=False) - sp.Float(2.8), {}, (), True, {}),
    "1 - n/d >= 0 without n < d": (1 - n / d, {n: SIZE, d: SIZE}, (), False, {n: 3, d: 2}),
    "exp(-x) x^2 >= 0.55": (sp.exp(-x) * x ** 2 - sp.Float(0.55), {x: NONNEGATIVE}, (), False, {x: 2}),
    "2a/(2a+t) < 1 - 1/100": (1 - Q(1, 100) - 2 * a / (2 * a + t), {a: POSITIVE, t: POSITIVE}, (), True,
                              {a: 1000, t: 1}),
}


@pytest.mark.parametrize("gap, domains, constraints, strict", TRUE.values(), ids=TRUE.keys())
def test_true_claims_are_proved_fast_with_a_certificate_the_checker_accepts(gap, domains, constraints, strict):
    cert, report = _prove(gap, domains, constraints, strict)
    assert cert is not None, report  # typically in 2-80 ms: benchmarks/ measures it, a loaded machine must not fail it
    assert cert["kind"] == "boxes" and cert["strict"] == strict and cert["boxes"]


@pytest.mark.parametrize("gap, domains, constraints, strict, point", FALSE.values(), ids=FALSE.keys())
def test_false_claims_are_never_proved(gap, domains, constraints, strict, point):
    value = sp.N(gap.subs(point), 30)  # the independent truth: the claim fails at this point
    assert (value <= 0) if strict else (value < 0)
    assert all(c.subs(point) for c in constraints)
    cert, report = _prove(gap, domains, constraints, strict, seconds=2.0)
    assert cert is None
    assert report["reason"] == "counterexample"


def test_a_counterexample_box_is_reported():
    report = {}
    assert prove_nonnegative(x ** 2 - 2 * x + sp.Float(0.99), {x: R}, report=report) is None
    assert report["reason"] == "counterexample" and report["box"]


def test_unsupported_functions_give_no_proof_and_say_why():
    report = {}
    assert prove_nonnegative(sp.sin(x) + 2, {x: Domain(0, 1)}, report=report) is None
    assert report["reason"] == "unsupported" and "sin" in report["detail"]
    with pytest.raises(ValueError, match="no domain for y"):
        prove_nonnegative(x + y, {x: R})


def test_the_certificate_records_the_change_of_variables():
    cert, _ = _prove(1 - 2 * a / (2 * a + t), {a: POSITIVE, t: POSITIVE}, strict=True)
    assert set(cert["transform"]) == {"a", "t"} and cert["variables"] == ["u_a", "u_t"]
    assert cert["box_domain"]["u_a"] == ["0", "1", True, True]
    assert cert["domain"]["a"] == {"lo": "0", "hi": "oo", "lo_open": True, "hi_open": True, "integer": False}
    # claim_gap(transform) = factor * gap, with factor > 0 on the domain
    u_a, u_t = sp.symbols("u_a u_t", positive=True)
    back = sp.sympify(cert["claim_gap"], locals={"a": a, "t": t}).subs(
        {a: sp.sympify(cert["transform"]["a"], locals={"u_a": u_a}),
         t: sp.sympify(cert["transform"]["t"], locals={"u_t": u_t})})
    gap = sp.sympify(cert["gap"], locals={"u_a": u_a, "u_t": u_t})
    factor = sp.sympify(cert["factor"], locals={"u_a": u_a, "u_t": u_t})
    assert sp.simplify(back - factor * gap) == 0


def test_time_and_box_budgets_are_respected():
    start = time.perf_counter()
    report = {}  # tight along the diagonal n = d under a nonlinear gap: not provable by boxes
    assert prove_nonnegative(sp.log(d) - sp.log(n), {n: SIZE, d: SIZE}, [n < d], seconds=0.5,
                             report=report) is None
    assert report["reason"] == "budget" and time.perf_counter() - start < 1.5
    assert prove_nonnegative(sp.log(d) - sp.log(n), {n: SIZE, d: SIZE}, [n < d], max_boxes=50,
                             report=report) is None
    assert report["boxes"] == 50


# ---- the checker rejects corrupted certificates ----------------------------------------------------------------
@pytest.fixture(scope="module")
def certificate():
    cert, _ = _prove(sp.Float(0.61) - sp.sqrt(sp.log(x) / x), {x: Domain(1, 1e6)})
    assert len(cert["boxes"]) > 4
    return cert


def _corrupt(cert, how):
    bad = copy.deepcopy(cert)
    boxes = bad["boxes"]
    if how == "box deleted":
        del boxes[len(boxes) // 2]
    elif how == "enclosure altered":
        rec = next(r for r in boxes if "centre" not in r and "fixed" not in r)
        rec["enclosure"][0] = str(Fraction(rec["enclosure"][0]) + 1)
    elif how == "enclosure made negative":
        boxes[0]["enclosure"][0] = "-1/1000"
    elif how == "box moved":
        rec = boxes[-1]
        for side in rec["box"].values():
            width = Fraction(side[1]) - Fraction(side[0])
            side[0], side[1] = str(Fraction(side[0]) + width / 2), str(Fraction(side[1]) + width / 2)
    elif how == "gap changed":
        bad["gap"] = f"({bad['gap']}) + 1/1000"
    elif how == "transform altered":
        bad["transform"]["x"] = "2*" + bad["transform"]["x"]
    elif how == "domain widened":
        bad["domain"]["x"]["hi"] = "2000000"
    elif how == "strict claimed":
        bad["strict"], bad["claim_gap"] = True, bad["claim_gap"].replace("0.61", "0.6065306597126334")
    return bad


@pytest.mark.parametrize("how", ["box deleted", "enclosure altered", "enclosure made negative", "box moved",
                                 "gap changed", "transform altered", "domain widened", "strict claimed"])
def test_corrupted_certificates_are_rejected(certificate, how):
    assert check_boxes(certificate)[0]
    ok, why = check_boxes(_corrupt(certificate, how))
    assert not ok, how


def test_corrupted_monotone_and_constraint_proofs_are_rejected():
    cert, _ = _prove(sp.exp(x) - (1 + x), {x: Domain(-5, 5)})
    fixed = next(r for r in cert["boxes"] if r.get("fixed"))
    bad = copy.deepcopy(cert)
    next(r for r in bad["boxes"] if r.get("fixed"))["fixed"][0][1] = "hi" if fixed["fixed"][0][1] == "lo" else "lo"
    assert not check_boxes(bad)[0]
    cert, _ = _prove(1 - n / d, {n: Domain(1, 100), d: Domain(1, 100)}, [n < d])
    bad = copy.deepcopy(cert)
    bad["constraint_forms"][0]["strict"] = False
    assert not check_boxes(bad)[0]
    bad = copy.deepcopy(cert)
    for rec in bad["boxes"]:
        rec.pop("multiplier", None)
    assert any("multiplier" in r for r in cert["boxes"]) and not check_boxes(bad)[0]


def test_a_constraint_with_a_long_decimal_keeps_its_index():
    # the certificate looked the constraint up by value after its long Float became a constant: "not in list"
    bound = sp.Float("0.69999999999999999", 17)
    cert = prove_nonnegative(Q(7, 10) - x, {x: Domain(0, 1)}, [sp.Le(x, bound)], seconds=30)
    assert cert is not None and [f["index"] for f in cert["constraint_forms"]] == [0]
    assert check_boxes(cert)[0]
