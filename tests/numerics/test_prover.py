"""numerics/prover/: every proof it returns is replayed by the independent checker; false claims are never
proved (their falsity is shown here by evaluation at a point); corrupted certificates are rejected."""
import copy
import json
import math

import mpmath
import pytest
import sympy as sp

from boundlab.numerics.prover import describe, prove
from boundlab.theory import POSITIVE, SIZE, UNIT_OPEN, Claim, Domain, Param, Provenance

from certificate_checker import check

PROV = Provenance("classical", "textbook", "textbook")
a, b, t, s, d = (Param(c, POSITIVE) for c in "abtsd")
x, y = Param("x", Domain()), Param("y", Domain())  # the real line
xp = Param("x", Domain(-1, math.inf, lo_open=True, hi_open=True))
xpos = Param("x", POSITIVE)
n, dim = Param("n", SIZE), Param("d", SIZE)
delta = Param("delta", UNIT_OPEN)
eps, F, C1, r = Param("eps", POSITIVE), Param("F", POSITIVE), Param("C1", POSITIVE), Param("r", Domain(0, 1, True, True))


def claim(lhs, rel, rhs, params, hyps=()):
    return Claim(id="t.c", title="t", lhs=lhs, rel=rel, rhs=rhs, params=params, hypotheses=hyps, provenance=PROV)


TRUE = {
    "rate in (0,1)": claim("2*a/(2*a + t)", "<", "1", (a, t)),
    "rate increases in a": claim("diff(2*a/(2*a + t), a)", ">", "0", (a, t)),
    "rate decreases in t": claim("diff(2*a/(2*a + t), t)", "<", "0", (a, t)),
    "caulking beats scratch": claim("2*a*b/(2*a*b + 1)", ">", "2*s/(2*s + d)", (a, b, s, d), ("a*b*d > s",)),
    "log(1/delta) > 0": claim("log(1/delta)", ">", "0", (delta,)),
    "confidence radius > 0": claim("sqrt((d*log(n) + log(1/delta))/n)", ">", "0", (dim, n, delta), ("n >= 2",)),
    "inverted sample complexity": claim("C1*((C1/(eps - F))**(1/r))**(-r) + F", "=", "eps", (C1, eps, F, r),
                                       ("eps > F",)),
    "n/d < 1 given n < d (slack)": claim("n/d", "<", "1", (dim, n), ("n < d",)),
    "beta mean": claim("((d - n)/2)/((d - n)/2 + n/2)", "=", "1 - n/d", (dim, n), ("n < d",)),
    "exp(x) >= 1 + x": claim("exp(x)", ">=", "1 + x", (x,)),
    "x - log(1+x) >= 0": claim("x - log(1 + x)", ">=", "0", (xp,)),
    "log(x) <= x - 1": claim("log(x)", "<=", "x - 1", (xpos,)),
    "AM-GM": claim("sqrt(a*b)", "<=", "(a + b)/2", (a, b)),
    "polynomial": claim("x**4 - 2*x**2 + 1", ">=", "0", (x,)),
    "Motzkin (not a sum of squares)": claim("x**2*y**4 + x**4*y**2 + 1", ">=", "3*x**2*y**2", (x, y)),
    "constant": claim("300**0.18", ">", "2.75", ()),
    "floor never a cliff": claim("diff(log(a*exp(-b*t) + s), t, 2)", ">=", "0", (a, b, t, s)),
}

FALSE = {
    "rate increases in t": (claim("diff(2*a/(2*a + t), t)", ">", "0", (a, t)), {"a": 1, "t": 1}),
    "log(1+x) >= x": (claim("log(1 + x)", ">=", "x", (xpos,)), {"x": 1}),
    "sqrt superadditive": (claim("sqrt(a + b)", ">=", "sqrt(a) + sqrt(b)", (a, b)), {"a": 1, "b": 1}),
    "exponent inverted": (claim("C1*((C1/(eps - F))**r)**(-r) + F", "=", "eps", (C1, eps, F, r), ("eps > F",)),
                          {"C1": 2, "eps": 1, "F": 0.5, "r": 0.5}),
    "wrong condition": (claim("2*a*b/(2*a*b + 1)", ">", "2*s/(2*s + d)", (a, b, s, d), ("a*b > s",)),
                        {"a": 1, "b": 1, "s": 0.9, "d": 0.5}),
    "constant": (claim("300**0.18", ">", "2.8", ()), {}),
}


@pytest.mark.parametrize("name", sorted(TRUE))
def test_true_claims_are_proved_and_the_certificate_replays(name):
    c = TRUE[name]
    proof = prove(c)
    assert proof is not None, name
    json.dumps(proof.certificate)  # plain JSON
    ok, why = check(proof.certificate)
    assert ok, (name, why, proof.certificate)
    assert describe(proof.certificate)


def _value(c, point):
    with mpmath.workdps(50):
        subs = {p.symbol: sp.Rational(str(point[p.name])) for p in c.params}
        lhs, rhs = sp.N(c.left.expr.subs(subs), 50), sp.N(c.right.expr.subs(subs), 50)
    return lhs, rhs


@pytest.mark.parametrize("name", sorted(FALSE))
def test_false_claims_are_never_proved(name):
    c, point = FALSE[name]
    lhs, rhs = _value(c, point)  # the independent truth: the claim fails at this point
    holds = {"=": abs(lhs - rhs) < 1e-40, ">=": lhs >= rhs, ">": lhs > rhs, "<=": lhs <= rhs, "<": lhs < rhs}[c.rel]
    assert not holds
    assert prove(c) is None


def _corrupt_first(node, key, value):
    """Replace `key` in the first node of a proof tree (depth first) that has it."""
    if isinstance(node, dict):
        if key in node:
            node[key] = value
            return True
        return any(_corrupt_first(v, key, value) for v in node.values())
    if isinstance(node, list):
        return any(_corrupt_first(v, key, value) for v in node)
    return False


@pytest.mark.parametrize("name, key, value", [
    ("rate in (0,1)", "gap", "1 - 3*a/(2*a + t)"),
    ("caulking beats scratch", "hypotheses", ["a*b*d > s/2"]),
    ("caulking beats scratch", "expr", "s - a*b*d"),
    ("beta mean", "difference", "n/d"),
    ("exp(x) >= 1 + x", "point", "1"),
    ("exp(x) >= 1 + x", "derivative", "exp(x) + 1"),
    ("Motzkin (not a sum of squares)", "numerator", "x**2*y**4 + x**4*y**2 - 3*x**2*y**2"),
    ("x - log(1+x) >= 0", "symbols", {"x": {"assumptions": {"real": True}, "lo": "-oo", "hi": "oo",
                                            "lo_open": True, "hi_open": True, "integer": False}}),
])
def test_corrupted_certificates_are_rejected(name, key, value):
    cert = copy.deepcopy(prove(TRUE[name]).certificate)
    assert check(cert)[0]
    assert _corrupt_first(cert, key, value), f"no {key} in the certificate of {name}"
    ok, why = check(cert)
    assert not ok and why


@pytest.mark.parametrize("text, exact", [("log(0.5)", "log(1/2)"), ("300**0.18", "300**(9/50)"),
                                         ("sqrt(1.5)", "sqrt(3/2)"), ("-exp(0.3)", "-exp(3/10)")])
def test_a_rounded_constant_ranges_over_its_whole_ball(text, exact):
    # the prover's symbol for SymPy's 15-digit rounding covers the same ball as the interval layer and the
    # falsifier (intervals.float_ball), and the true constant
    from boundlab.numerics.intervals import float_ball
    from boundlab.numerics.prover import Goal

    c = claim(f"{text}*exp(x)", "<=", "x", (Param("x", POSITIVE),))
    (f,) = (c.right.expr - c.left.expr).atoms(sp.Float)  # the gap's Float: -log(0.5) once negated
    (symbol,) = [s for s in Goal.of(c).domains if str(s).startswith("float_")]
    ball, dom = float_ball(f), Goal.of(c).domains[symbol]
    assert dom.lo <= ball.lower() and ball.upper() <= dom.hi
    true = sp.N(sp.sympify(exact), 30) * (1 if f * sp.sympify(text) > 0 else -1)
    assert dom.lo <= true <= dom.hi
