"""The defects the fuzzing found, each replayed as a user meets it: a claim file checked through the command line
(`boundlab check --file f.py --json out`). Every verdict here is known independently: the true claims are
textbook facts (or identities), and each VIOLATED witness is re-evaluated at 50 digits by `invariants.replay`."""
import json

import pytest

import numerics.prover
from invariants import replay
from theory.registry import load_file
from verify.cli import main

HEADER = '''import math
from theory import Claim, Domain, Param, Provenance, POSITIVE, SIZE, UNIT_OPEN
P = Provenance("derived", "mine", "Me (2026)")
'''


def check_file(tmp_path, source: str, *args: str) -> dict:
    """{claim id: result JSON} of `boundlab check --file` on the claims of `source`."""
    path, out = tmp_path / "mine.py", tmp_path / "out.json"
    path.write_text(HEADER + source)
    main(["check", "--file", str(path), "--json", str(out), *args])
    return {r["id"]: r for r in json.loads(out.read_text())["results"]}


def assert_replays(tmp_path, result: dict) -> None:
    claims = {c.id: c for c in vars(load_file(tmp_path / "mine.py")).values() if hasattr(c, "left")}
    assert replay(claims[result["id"]], result["witness"]) is None


def test_hoeffding_sample_size_is_proved_or_consistent_not_an_internal_error(tmp_path):
    # a StopIteration in the sign rules' monotone rule (a constant minus a square root) ended in
    # "ERROR internal error -> claim ...: " with an empty cause
    results = check_file(tmp_path, '''
delta, eps = Param("delta", UNIT_OPEN), Param("eps", POSITIVE)
size = Claim(id="mine.size", title="Hoeffding", lhs="sqrt(log(2/delta)/(2*n))", rel="<=", rhs="eps",
             params=(Param("n", SIZE), delta, eps), hypotheses=("n >= log(2/delta)/(2*eps**2)",), provenance=P)
positive = Claim(id="mine.positive", title="Hoeffding", lhs="sqrt(log(2/delta)/(2*n))", rel="<=", rhs="eps",
                 params=(Param("n", POSITIVE), delta, eps), hypotheses=("n >= log(2/delta)/(2*eps**2)",),
                 provenance=P)
''')
    assert {r["verdict"] for r in results.values()} <= {"PROVED", "CONSISTENT"}, results


def test_log_scale_sampling_never_overflows(tmp_path):
    # Nelder-Mead in log coordinates reached exp(710): "OverflowError: math range error", for some seeds
    source = '''
x = Param("x", Domain(1, math.inf, hi_open=True, scale="log"))
big = Claim(id="mine.big", title="t", lhs="log(x)", rel="<=", rhs="100", params=(x,), provenance=P)
'''
    for seed in range(3):
        result = check_file(tmp_path, source, "--seed", str(seed))["mine.big"]
        assert result["verdict"] == "VIOLATED", result  # false: log(x) > 100 for x > e^100, a float
        assert_replays(tmp_path, result)


@pytest.fixture
def quick_prover(monkeypatch):
    monkeypatch.setattr(numerics.prover, "SECONDS", 1.0)  # the claims below are proved in well under 1 s


def test_hypotheses_that_sympy_decides_or_that_combine_relations(tmp_path, quick_prover):
    # "x <= x" is SymPy's True, and (x > 1) & (x < 2) an And: both crashed the falsifier's confirmation
    results = check_file(tmp_path, '''
x = Param("x", POSITIVE)
same = Claim(id="mine.same", title="t", lhs="exp(-x)", rel="<=", rhs="exp(-x)", params=(x,), hypotheses=("x <= x",),
             provenance=P)
inside = Claim(id="mine.inside", title="t", lhs="x", rel="<=", rhs="2", params=(x,),
               hypotheses=("(x > 1) & (x < 2)",), provenance=P)
either = Claim(id="mine.either", title="t", lhs="x", rel="<", rhs="3", params=(x,), hypotheses=("Or(x < 1, x < 2)",),
               provenance=P)
outside = Claim(id="mine.outside", title="t", lhs="x", rel=">=", rhs="3", params=(x,),
                hypotheses=("And(x > 1, x < 2)",), provenance=P)
''')
    verdicts = {cid: r["verdict"] for cid, r in results.items()}
    assert verdicts["mine.same"] == verdicts["mine.inside"] == "PROVED"
    assert verdicts["mine.either"] in ("PROVED", "CONSISTENT")
    assert verdicts["mine.outside"] == "VIOLATED"
    assert_replays(tmp_path, results["mine.outside"])


def test_functions_arb_lacked_never_refute_true_identities(tmp_path, quick_prover):
    # sin and cos were imported from mpmath at 15 digits into the "50-digit" confirmation and taken as exact balls:
    # sin(x)**2 + cos(x)**2 = 1 was VIOLATED with a witness 2e-16 off
    results = check_file(tmp_path, '''
x = Param("x", Domain(-3, 3))
pythagoras = Claim(id="mine.pythagoras", title="t", lhs="sin(x)**2 + cos(x)**2", rel="=", rhs="1", params=(x,),
                   provenance=P)
asinh = Claim(id="mine.asinh", title="t", lhs="asinh(x)", rel="=", rhs="log(x + sqrt(x**2 + 1))", params=(x,),
              provenance=P)
sine = Claim(id="mine.sine", title="t", lhs="sin(x)", rel="<=", rhs="99/100", params=(x,), provenance=P)
digamma = Claim(id="mine.digamma", title="t", lhs="diff(log(gamma(x + 4)), x)", rel=">=", rhs="0", params=(x,),
                provenance=P)
''')
    assert results["mine.pythagoras"]["verdict"] in ("PROVED", "CONSISTENT")
    assert results["mine.asinh"]["verdict"] in ("PROVED", "CONSISTENT")
    for cid in ("mine.sine", "mine.digamma"):  # still refuted, rigorously: sin(1.6) > 0.99, digamma(1) < 0
        assert results[cid]["verdict"] == "VIOLATED", results[cid]
        assert_replays(tmp_path, results[cid])


def test_lambertw_inside_a_real_function_and_an_unevaluated_derivative(tmp_path, quick_prover):
    # scipy's complex lambertw made beta raise TypeError (internal error); a derivative SymPy cannot take
    # (ceiling's) had no printer (internal error): now a true claim is checked, and the other is a named input error
    results = check_file(tmp_path, '''
x = Param("x", POSITIVE)
w = Claim(id="mine.w", title="t", lhs="beta(1, LambertW(x))", rel="=", rhs="1/LambertW(x)", params=(x,),
          provenance=P)
step = Claim(id="mine.step", title="t", lhs="diff(ceiling(x), x)", rel=">=", rhs="0", params=(x,), provenance=P)
''')
    assert results["mine.w"]["verdict"] in ("PROVED", "CONSISTENT"), results["mine.w"]
    step = results["mine.step"]
    assert step["verdict"] == "ERROR" and step["method"] == "input check"
    assert "Derivative(ceiling(x), x)" in step["evidence"]["error"] and "unevaluated" in step["evidence"]["error"]


def test_hypotheses_with_symbolic_powers(tmp_path, quick_prover):
    results = check_file(tmp_path, '''
x, a, n, d = Param("x", POSITIVE), Param("a", POSITIVE), Param("n", SIZE), Param("delta", UNIT_OPEN)
tail = Claim(id="mine.tail", title="t", lhs="n**(-a)", rel="<=", rhs="delta", params=(n, a, d),
             hypotheses=("n >= delta**(-1/a)",), provenance=P)
level = Claim(id="mine.level", title="t", lhs="2 - x**a", rel=">=", rhs="0", params=(x, a),
              hypotheses=("x**a <= 2",), provenance=P)
wrong = Claim(id="mine.wrong", title="t", lhs="x**a", rel="<=", rhs="1", params=(x, a),
              hypotheses=("x <= 2**(1/a)",), provenance=P)
''')
    assert results["mine.tail"]["verdict"] in ("PROVED", "CONSISTENT")
    assert results["mine.level"]["verdict"] == "PROVED"
    assert results["mine.wrong"]["verdict"] == "VIOLATED"
    assert_replays(tmp_path, results["mine.wrong"])
