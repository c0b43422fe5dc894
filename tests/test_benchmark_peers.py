"""The peer provers of the prover benchmark (benchmarks/peers.py): the translation of a claim into cvc5's negation
query proves easy true claims (so does z3 on the same query), never proves a false one (including the corner cases
of the encodings: a power at a zero base, a negative base to an integer exponent, a definition that excludes the
whole domain), and reports a claim it cannot express as unsupported. The solvers run in child processes with short
limits; the whole module takes ~20 s."""
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

pytest.importorskip("cvc5")

from peers import cvc5_prove, dreal_status, translate, z3_prove  # noqa: E402

from boundlab.theory import Claim, Domain, Param, Provenance  # noqa: E402

REAL = Domain(-math.inf, math.inf, lo_open=True, hi_open=True)
POS = Domain(0, math.inf, lo_open=True, hi_open=True)
PROV = Provenance("classical", "test", "peer translation tests")
SHORT = 2.0  # seconds for the claims cvc5 cannot settle: their outcome is recorded, not waited for


def claim(lhs, rel, rhs, *params, hypotheses=()):
    params = params or (("x", REAL),)
    return Claim(id="peers.test", title="peer test", lhs=lhs, rel=rel, rhs=rhs, provenance=PROV,
                 params=tuple(Param(n, d) for n, d in params), hypotheses=hypotheses)


def test_easy_true_claims_are_proved():
    assert cvc5_prove(claim("x**2 + 1", ">", "0"), 10).outcome == "proved"
    assert cvc5_prove(claim("sqrt(u + v)", "<=", "sqrt(u) + sqrt(v)", ("u", Domain(0, math.inf, hi_open=True)),
                            ("v", Domain(0, math.inf, hi_open=True))), 10).outcome == "proved"
    assert cvc5_prove(claim("exp(x)", ">", "0"), 10).outcome == "proved"
    assert cvc5_prove(claim("x**x", ">", "0", ("x", Domain(0, 1))), 10).outcome == "proved"  # 0**0 = 1


def test_tangent_line_claims_are_not_refuted():
    # recorded with cvc5 1.4.2: both time out (incremental linearization never places its tangent exactly at the
    # touching point); a proof would be sound, a refutation a translation bug
    assert cvc5_prove(claim("exp(x)", ">=", "1 + x"), SHORT).outcome in ("proved", "timeout", "unknown")
    assert cvc5_prove(claim("log(x)", "<=", "x - 1", ("x", POS)), SHORT).outcome in ("proved", "timeout", "unknown")


def test_false_claims_are_never_proved():
    res = cvc5_prove(claim("x**2", ">=", "x", ("x", Domain(0, 2, lo_open=True, hi_open=True))), 10)
    assert res.outcome == "refuted"  # an exact polynomial query: cvc5 finds the counterexample
    assert not cvc5_prove(claim("exp(x)", ">=", "1 + 2*x"), SHORT).proved
    assert not cvc5_prove(claim("log(1 + x)", ">=", "x", ("x", Domain(-1, math.inf, lo_open=True))), SHORT).proved


def test_power_encodings_keep_the_points_where_they_are_defined():
    # x**a = 0 at x = 0 (a > 0): the encoding must not drop the zero base
    assert not cvc5_prove(claim("x**a", ">", "0", ("x", Domain(0, 1)), ("a", Domain(0, 1, lo_open=True))), 5).proved
    # (-2)**1 < 0: a negative base to an integer exponent is real, and the claim fails there
    assert not cvc5_prove(claim("x**n", ">=", "0", ("x", Domain(-2, -1)), ("n", Domain(1, 5, integer=True))), 5).proved
    # at the integer points 0**n = 0, and n = 0 is excluded: x**n <= 1 holds on [0, 1] for n >= 1, not for n >= -1
    assert not cvc5_prove(claim("x**n", "<=", "1", ("x", Domain(0, 1)), ("n", Domain(-1, 5, integer=True))), 5).proved


def test_a_proof_from_an_empty_domain_is_vacuous():
    res = cvc5_prove(claim("log(x)", ">=", "5", ("x", Domain(-math.inf, 0, lo_open=True, hi_open=True))), 5)
    assert res.outcome == "vacuous" and not res.proved


def test_untranslatable_claims_are_unsupported():
    for lhs in ("gamma(x)", "erf(x) + 1", "LambertW(x)"):
        q = translate(claim(lhs, ">", "0", ("x", POS)))
        assert q.unsupported and not q.smtlib
        res = cvc5_prove(claim(lhs, ">", "0", ("x", POS)), 5)
        assert res.outcome == "unsupported" and not res.proved


def test_the_query_states_domain_hypotheses_and_negation():
    q = translate(claim("x*n", ">", "0", ("x", POS), ("n", Domain(1, math.inf, hi_open=True, integer=True)),
                        hypotheses=("x < n",)))
    text = q.script()
    assert "(declare-fun |n!int| () Int)" in text and "(= |n| (to_real |n!int|))" in text
    assert "(assert (> |x| 0.0))" in text and "(assert (>= |n| 1.0))" in text
    assert "(assert (< |x| |n|))" in text and "(assert (not (> (* " in text
    relaxed = translate(claim("x*n", ">", "0", ("x", POS), ("n", Domain(1, math.inf, hi_open=True, integer=True))),
                        relax_integers=True)
    assert "Int" not in relaxed.smtlib and not relaxed.exact  # ints as reals: sat there is no counterexample


def test_dreal_status_is_a_reason_or_none():
    status = dreal_status()
    assert status is None or "dreal" in status.lower()


def test_z3_on_the_same_translation():
    assert z3_prove(claim("x**2 + 1", ">", "0"), 10).outcome == "proved"
    # recorded with z3 5.4.1: both proved at once (its tangent lemmas for exp); older versions may time out
    assert z3_prove(claim("exp(x)", ">=", "1 + x"), SHORT).outcome in ("proved", "timeout", "unknown")
    assert z3_prove(claim("log(x)", "<=", "x - 1", ("x", POS)), SHORT).outcome in ("proved", "timeout", "unknown")
    assert not z3_prove(claim("exp(x)", ">=", "1 + 2*x"), SHORT).proved
    assert not z3_prove(claim("x**a", ">", "0", ("x", Domain(0, 1)), ("a", Domain(0, 1, lo_open=True))), 5).proved
    assert z3_prove(claim("gamma(x)", ">", "0", ("x", POS)), 5).outcome == "unsupported"
