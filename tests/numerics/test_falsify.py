import math

import mpmath
import numpy as np
import pytest

from boundlab.numerics.falsify import DomainError, falsify, hypotheses_mask
from boundlab.theory import SIZE, Claim, ClaimError, Domain, Param, Provenance

d, n = Param("d", SIZE), Param("n", SIZE)
x = Param("x", Domain(0, 10, lo_open=True))
PROV = Provenance("classical", "t", "textbook")


def claim(lhs, rel, rhs, params, hyps=(), cid="t.c"):
    return Claim(id=cid, title="t", lhs=lhs, rel=rel, rhs=rhs, params=params, hypotheses=hyps, provenance=PROV)


def test_false_identity_gets_a_counterexample_confirmed_at_50_digits():
    c = claim("(1 - n/d)**2", "=", "1 - n/d", (d, n), ("n < d",))
    search = falsify(c, seed=0)
    w = search.counterexample
    assert w is not None and w["digits"] == 50
    dv, nv = float(w["point"]["d"]), float(w["point"]["n"])
    assert (1 - nv / dv) ** 2 != pytest.approx(1 - nv / dv, rel=1e-12)  # independently re-evaluated
    assert len(w["lhs"].replace("-", "").replace(".", "")) >= 20  # printed to 30 significant digits


def test_local_optimisation_finds_a_narrow_violation():
    # x - log(1 + x) <= x^2/2 - x^3/10 fails only for x > about 2.46 (on (0, 10])
    c = claim("x - log(1 + x)", "<=", "x**2/2 - x**3/10", (x,))
    w = falsify(c, seed=1).counterexample
    assert w is not None
    xv = mpmath.mpf(w["point"]["x"])
    assert xv - mpmath.log(1 + xv) > xv ** 2 / 2 - xv ** 3 / 10


def test_float_cancellation_is_not_reported_as_a_violation():
    # (exp(x) - 1)/x = 1 + x/2 + ... >= 1 is true; float64 computes 0 at tiny x (a false alarm the high-precision
    # confirmation must reject), while the claim ">= 1 + x" is truly false there and must be confirmed.
    tiny = Param("x", Domain(1e-30, 1e-12, scale="log"))
    search = falsify(claim("(exp(x) - 1)/x", ">=", "1", (tiny,)), seed=0)
    assert search.worst_gap < 0  # float64 did see a (spurious) violation
    assert search.counterexample is None
    w = falsify(claim("(exp(x) - 1)/x", ">=", "1 + x", (tiny,)), seed=0).counterexample
    assert w is not None
    with mpmath.workdps(80):
        xv = mpmath.mpf(w["point"]["x"])
        assert mpmath.expm1(xv) / xv < 1 + xv


def test_true_inequality_survives_search():
    c = claim("exp(x)", ">=", "1 + x", (x,))
    search = falsify(c, seed=0)
    assert search.counterexample is None and search.points > 1000 and search.worst_gap >= 0


def test_contradictory_hypotheses():
    with pytest.raises(DomainError, match="contradictory"):
        falsify(claim("n", "<=", "d", (d, n), ("n < d", "n > d + 1")), seed=0)


def test_log_coordinates_beyond_the_float_range_end_the_local_search():
    # Nelder-Mead in log coordinates reached exp(710): OverflowError, an internal error
    big = Param("x", Domain(1, math.inf, hi_open=True, scale="log"))
    w = falsify(claim("log(x)", "<=", "100", (big,)), seed=0).counterexample
    assert w is not None and mpmath.log(mpmath.mpf(w["point"]["x"])) > 100


def test_hypotheses_sympy_decides_and_boolean_combinations():
    y = Param("y", Domain(0, 10, lo_open=True))
    pts = {"y": np.array([0.5, 1.5, 2.5, 3.5])}
    masks = {h: hypotheses_mask(claim("y", "<=", "10", (y,), (h,)), pts).tolist()
             for h in ("y <= y", "(y > 1) & (y < 3)", "Or(y < 1, y > 3)", "~(y > 2)")}
    assert masks == {"y <= y": [True] * 4, "(y > 1) & (y < 3)": [False, True, True, False],
                     "Or(y < 1, y > 3)": [True, False, False, True], "~(y > 2)": [True, True, False, False]}
    assert falsify(claim("y", ">=", "3", (y,), ("(y > 1) & (y < 3)",)), seed=0).counterexample is not None
    assert falsify(claim("y", "<=", "y", (y,), ("y <= y",)), seed=0).counterexample is None


def test_true_identities_of_functions_arb_lacked_have_no_counterexample():
    # sin and cos came from mpmath at 15 digits into the confirmation: sin^2 + cos^2 = 1 was refuted
    r = Param("x", Domain(-3, 3))
    assert falsify(claim("sin(x)**2 + cos(x)**2", "=", "1", (r,)), seed=0).counterexample is None
    assert falsify(claim("asinh(x)", "=", "log(x + sqrt(x**2 + 1))", (r,)), seed=0).counterexample is None
    assert falsify(claim("sin(x)", "<=", "99/100", (r,)), seed=0).counterexample is not None


def test_a_formula_without_numeric_form_is_a_named_claim_error():
    with pytest.raises(ClaimError, match=r"claim t.c: .*Derivative\(ceiling\(x\), x\) unevaluated"):
        falsify(claim("diff(ceiling(x), x)", ">=", "0", (x,)), seed=0)
