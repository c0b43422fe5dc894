"""numerics/prover/sos.py: the sum-of-squares layer on its own. Every proof it returns is replayed by the independent
checker (tests/numerics/certificate_checker.py: exact PSD Gram matrices, the exact identity, the constraints facts of
the statement); corrupted certificates are rejected; false goals, and goals that hold only non-strictly, are not
proved."""
import copy
import json
import math
import time

import cvxpy  # noqa: F401 - loaded here, not inside the first goal's time budget
import pytest

from boundlab.numerics.prover import Budget, Goal
from boundlab.numerics.prover.sos import Sos
from boundlab.theory import NONNEGATIVE, POSITIVE, SIZE, Claim, Domain, Param, Provenance

from certificate_checker import REPLAYS, check

PROV = Provenance("classical", "textbook", "textbook")
REAL = Domain()
a, b, c, x, y, z, w = (Param(s, REAL) for s in "abcxyzw")
ap, bp, cp = (Param(s, POSITIVE) for s in "abc")
xpos, ypos = Param("x", POSITIVE), Param("y", POSITIVE)
unit = Param("x", Domain(0, 1))
xb, yb = Param("x", Domain(-1, 1)), Param("y", Domain(-1, 1))
LAYER = Sos()
SECONDS = 10.0


def claim(lhs, rel, rhs, params=(), hyps=()):
    return Claim(id="t.c", title="t", lhs=lhs, rel=rel, rhs=rhs, params=params, hypotheses=hyps, provenance=PROV)


TRUE = {
    "(a + b)**2 <= 2*(a**2 + b**2)": claim("(a + b)**2", "<=", "2*(a**2 + b**2)", (a, b)),
    "a**2 + b**2 + c**2 >= ab + bc + ca": claim("a**2 + b**2 + c**2", ">=", "a*b + b*c + c*a", (a, b, c)),
    "x**4 - 2x**2 + 1 >= 0": claim("x**4 - 2*x**2 + 1", ">=", "0", (x,)),
    "x**3 + y**3 >= x**2 y + x y**2 (x, y > 0)": claim("x**3 + y**3", ">=", "x**2*y + x*y**2", (xpos, ypos)),
    "x(1 - x) <= 1/4 on [0, 1]": claim("x*(1 - x)", "<=", "1/4", (unit,)),
    "1 - x**2 >= 0 on [-1, 1] (a product of constraints)": claim("1 - x**2", ">=", "0", (xb,)),
    "x/(1 + x**2) <= 1/2 (x > 0, a denominator)": claim("x/(1 + x**2)", "<=", "1/2", (xpos,)),
    "Nesbitt": claim("a/(b + c) + b/(a + c) + c/(a + b)", ">=", "3/2", (ap, bp, cp)),
    "a**3 + b**3 + c**3 >= 3abc (a, b, c > 0)": claim("a**3 + b**3 + c**3", ">=", "3*a*b*c", (ap, bp, cp)),
    "AM-GM of four fourth powers": claim("x**4 + y**4 + z**4 + w**4", ">=", "4*x*y*z*w", (x, y, z, w)),
    "x**6 + y**6 + 1 >= 3x**2y**2": claim("x**6 + y**6 + 1", ">=", "3*x**2*y**2", (x, y)),
    "x(y - x) <= y**2/4 given x <= y (a hypothesis)": claim("x*(y - x)", "<=", "y**2/4", (
        Param("x", NONNEGATIVE), Param("y", NONNEGATIVE)), ("x <= y",)),
    "x**2 + 1 > x (strict)": claim("x**2 + 1", ">", "x", (x,)),
    "x**4 + y**4 - xy + 1/2 > 0 on a box (strict)": claim("x**4 + y**4 - x*y + 1/2", ">", "0", (xb, yb)),
    "n/d < 1 given n < d (strict by the hypothesis)": claim("n/d", "<", "1", (Param("d", SIZE), Param("n", SIZE)),
                                                           ("n < d",)),
    "1/(x**2 - x + 1) > 0 (the denominator by SOS)": claim("1/(x**2 - x + 1)", ">", "0", (x,)),
}

FALSE = {
    "x**2 >= x on (0, 2)": claim("x**2", ">=", "x", (Param("x", Domain(0, 2, True, True)),)),
    "(a + b)**2 <= a**2 + b**2": claim("(a + b)**2", "<=", "a**2 + b**2", (a, b)),
    "x**4 - 2x**2 + 1 > 0 (zero at x = 1)": claim("x**4 - 2*x**2 + 1", ">", "0", (x,)),
    "x*y < 1 on [0, 1]**2 (equality at a corner)": claim("x*y", "<", "1", (unit, Param("y", Domain(0, 1)))),
}

TIMES: dict[str, float] = {}


def _proof(c):
    goal = Goal.of(c)
    start = time.perf_counter()
    proof = Budget(SECONDS).run(LAYER, goal)
    return goal, proof, time.perf_counter() - start


@pytest.fixture(scope="module")
def certificates():
    """Certificates of a few true goals, proved once, for the corruption tests."""
    out = {}
    for name in ("x**3 + y**3 >= x**2 y + x y**2 (x, y > 0)", "x/(1 + x**2) <= 1/2 (x > 0, a denominator)",
                 "x**4 - 2x**2 + 1 >= 0", "x**2 + 1 > x (strict)", "x(1 - x) <= 1/4 on [0, 1]",
                 "n/d < 1 given n < d (strict by the hypothesis)", "1/(x**2 - x + 1) > 0 (the denominator by SOS)"):
        goal, proof, _ = _proof(TRUE[name])
        assert proof is not None, name
        out[name] = {**goal.header(), **proof.certificate}
    return out


def test_the_layer_is_registered_with_the_checker():
    assert LAYER.name == "sos" and LAYER.kinds == ("sos",)
    assert set(LAYER.kinds) <= set(REPLAYS)


@pytest.mark.parametrize("name", list(TRUE))
def test_true_goals_are_proved_and_the_certificate_replays(name):
    goal, proof, seconds = _proof(TRUE[name])
    TIMES[name] = seconds
    assert proof is not None, name
    cert = {**goal.header(), **proof.certificate}
    assert cert["kind"] == "sos"
    json.loads(json.dumps(cert))  # plain JSON
    ok, why = check(cert)
    assert ok, (name, why, cert)
    assert LAYER.describe(cert).startswith("sum of squares: ")
    if goal.strict:
        assert cert["positive"], "a strict goal needs its positive part"


@pytest.mark.parametrize("name", list(FALSE))
def test_false_goals_are_not_proved(name):
    goal, proof, _ = _proof(FALSE[name])
    assert LAYER.accepts(goal)
    assert proof is None, (name, proof and proof.certificate)


def test_goals_it_does_not_handle():
    for other in (claim("exp(x)", ">=", "1 + x", (x,)),  # not a polynomial
                  claim("x**2", "=", "x*x", (x,)),  # an equality
                  claim("sqrt(2)*x**2", ">=", "0", (x,)),  # an irrational coefficient
                  claim("x**10", ">=", "0", (x,)),  # the degree
                  claim("a*b*c*x*y*z*w", ">=", "-1", (a, b, c, x, y, z, w))):  # the number of variables
        assert not LAYER.accepts(Goal.of(other)), other.left.expr


def test_no_time_no_proof():
    assert Budget(0.0).run(LAYER, Goal.of(TRUE["x**4 - 2x**2 + 1 >= 0"])) is None


def _rejected(cert) -> str:
    ok, why = check(cert)
    assert not ok, "a corrupted certificate was accepted"
    return why


def _entry(value: str, delta) -> str:
    from fractions import Fraction

    return str(Fraction(value) + Fraction(delta))


def test_a_changed_gram_entry_is_rejected(certificates):
    cert = copy.deepcopy(certificates["x**3 + y**3 >= x**2 y + x y**2 (x, y > 0)"])
    gram = cert["terms"][0]["gram"]
    gram[0][0] = _entry(gram[0][0], 1)  # still PSD: the identity fails
    assert "not the polynomial" in _rejected(cert)
    cert = copy.deepcopy(certificates["x**3 + y**3 >= x**2 y + x y**2 (x, y > 0)"])
    gram = cert["terms"][0]["gram"]
    gram[0][1] = _entry(gram[0][1], "1/1000")  # no longer symmetric
    assert "symmetric" in _rejected(cert)


def test_a_gram_matrix_that_is_not_psd_is_rejected_even_when_the_identity_holds(certificates):
    cert = copy.deepcopy(certificates["x**4 - 2x**2 + 1 >= 0"])
    (term,) = cert["terms"]
    # x**4 - 2*x**2 + 1 written with the Gram matrix diag(1, -2, 1) in the basis 1, x, x**2: the identity holds
    term["basis"], term["gram"] = ["1", "x", "x**2"], [["1", "0", "0"], ["0", "-2", "0"], ["0", "0", "1"]]
    assert "positive semidefinite" in _rejected(cert)


def test_a_flipped_or_swapped_multiplier_is_rejected(certificates):
    cert = copy.deepcopy(certificates["x**3 + y**3 >= x**2 y + x y**2 (x, y > 0)"])
    cert["constraints"][0] = "-" + cert["constraints"][0]  # -x >= 0 is no fact
    assert "neither a domain end nor a hypothesis" in _rejected(cert)
    cert = copy.deepcopy(certificates["x(1 - x) <= 1/4 on [0, 1]"])
    cert["constraints"] = ["x - 1" if g == "1 - x" else g for g in cert["constraints"]]
    assert "neither a domain end nor a hypothesis" in _rejected(cert)
    cert = copy.deepcopy(certificates["x**3 + y**3 >= x**2 y + x y**2 (x, y > 0)"])
    first, second = cert["terms"][0]["multiplier"], cert["terms"][1]["multiplier"]
    assert first != second
    cert["terms"][0]["multiplier"] = second  # y * s_1 instead of x * s_1
    assert "not the polynomial" in _rejected(cert)


def test_a_dropped_term_is_rejected(certificates):
    cert = copy.deepcopy(certificates["x**3 + y**3 >= x**2 y + x y**2 (x, y > 0)"])
    del cert["terms"][1]
    assert "not the polynomial" in _rejected(cert)
    cert = copy.deepcopy(certificates["x**2 + 1 > x (strict)"])
    cert["positive"] = []  # the strict part dropped
    assert "strict" in _rejected(cert)


def test_a_changed_goal_is_rejected(certificates):
    cert = copy.deepcopy(certificates["x**4 - 2x**2 + 1 >= 0"])
    cert["gap"] = "x**4 - 2*x**2 + 2"
    assert "numerator/denominator is not the gap" in _rejected(cert)
    cert = copy.deepcopy(certificates["x/(1 + x**2) <= 1/2 (x > 0, a denominator)"])
    cert["gap"] = "1/2 - x/(1 + x**3)"
    assert "not the gap" in _rejected(cert)
    cert = copy.deepcopy(certificates["x**4 - 2x**2 + 1 >= 0"])
    cert["relation"] = "> 0"  # the certificate of a non-strict goal proves no strict one
    assert "strict" in _rejected(cert)
    cert["relation"] = "= 0"
    assert "equality" in _rejected(cert)
    cert = copy.deepcopy(certificates["x(1 - x) <= 1/4 on [0, 1]"])
    cert["symbols"]["x"]["hi"] = 2  # the domain [0, 2]: 1 - x is no longer a domain end
    if "1 - x" in cert["constraints"]:
        _rejected(cert)


def test_a_strict_part_needs_a_strict_fact(certificates):
    cert = copy.deepcopy(certificates["n/d < 1 given n < d (strict by the hypothesis)"])
    assert any("constraint" in p for p in cert["positive"]), cert["positive"]
    cert["hypotheses"] = ["n <= d"]  # the same constraint, no longer strict: d - n > 0 is not known
    assert "strict" in _rejected(cert)


def test_the_denominator_needs_its_sign(certificates):
    cert = copy.deepcopy(certificates["x/(1 + x**2) <= 1/2 (x > 0, a denominator)"])
    cert["denominator_positive"] = {"rule": "constant"}
    assert "not a positive constant" in _rejected(cert)
    cert = copy.deepcopy(certificates["1/(x**2 - x + 1) > 0 (the denominator by SOS)"])
    assert cert["denominator_positive"]["rule"] == "sos"
    cert["denominator_positive"]["positive"] = []
    assert "strict" in _rejected(cert)
    cert = copy.deepcopy(certificates["1/(x**2 - x + 1) > 0 (the denominator by SOS)"])
    gram = cert["denominator_positive"]["terms"][0]["gram"]
    gram[-1][-1] = _entry(gram[-1][-1], -1)
    _rejected(cert)


def test_timings_are_reported():
    """Not a check: the time of each goal, for the report (pytest -s shows it)."""
    for name, seconds in TIMES.items():
        print(f"{seconds:6.2f} s  {name}")
    assert all(math.isfinite(s) for s in TIMES.values())
