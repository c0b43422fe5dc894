"""The defects the fuzzing found, each replayed as a user meets it: a claim file checked through the command line
(`boundlab check --file f.py --json out`). Every verdict here is known independently: the true claims are
textbook facts (or identities), and each VIOLATED witness is re-evaluated at 50 digits by `invariants.replay`."""
import json

import mpmath
import pytest

import boundlab.numerics.prover
from invariants import certificate_replays, replay
from boundlab.theory.registry import load_file
from boundlab.verify.cli import main

HEADER = '''import math
from boundlab.theory import Claim, Domain, Param, Provenance, POSITIVE, SIZE, UNIT_OPEN
P = Provenance("derived", "mine", "Me (2026)")
'''


def check_file(tmp_path, source: str, *args: str) -> dict:
    """{claim id: result JSON} of `boundlab check --file` on the claims of `source`."""
    path, out = tmp_path / "mine.py", tmp_path / "out.json"
    path.write_text(HEADER + source)
    main(["check", "--file", str(path), "--json", str(out), *args])
    return {r["id"]: r for r in json.loads(out.read_text())["results"]}


def assert_proved_and_replays(result: dict) -> None:
    assert result["verdict"] == "PROVED", result
    assert certificate_replays(result["evidence"]["certificate"]) is None


def assert_replays(tmp_path, result: dict) -> None:
    claims = {c.id: c for c in vars(load_file(tmp_path / "mine.py")).values() if hasattr(c, "left")}
    assert replay(claims[result["id"]], result["witness"]) is None


def test_hoeffding_sample_size_is_proved_or_consistent_not_an_internal_error(tmp_path):
    # a StopIteration in the sign rules' monotone rule (a constant minus a square root) ended in
    # "ERROR internal error -> claim ...: " with an empty cause (with n POSITIVE too: tests/numerics/test_signs.py
    # replays the rule itself); the default prover budget, as the crash needs the time to reach that rule
    results = check_file(tmp_path, '''
size = Claim(id="mine.size", title="Hoeffding", lhs="sqrt(log(2/delta)/(2*n))", rel="<=", rhs="eps",
             params=(Param("n", SIZE), Param("delta", UNIT_OPEN), Param("eps", POSITIVE)),
             hypotheses=("n >= log(2/delta)/(2*eps**2)",), provenance=P)
''')
    assert results["mine.size"]["verdict"] in ("PROVED", "CONSISTENT"), results


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
    monkeypatch.setattr(boundlab.numerics.prover, "SECONDS", 1.0)  # the claims below are proved in well under 1 s


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


def test_decimals_mean_what_they_say_in_proofs_and_witnesses(tmp_path, quick_prover):
    # The sign rules read exp(x) - 2.0 as exp(x) - exp(log(2.0)) with log(2.0) a rounded Float, and "proved"
    # exp(x) >= 2.0 from x >= 0.6931471805599452978, where exp(x) < 2; they compared 0.7 with 0.69999999999999999
    # in binary (0.7 is 0.69999999999999995559 there). The interval layer lost track of a hypothesis with such a
    # decimal (an internal error: "x <= _float0 is not in list").
    results = check_file(tmp_path, '''
x = Param("x", Domain(-10, 10))
rounded_log = Claim(id="mine.rounded_log", title="t", lhs="exp(x)", rel=">=", rhs="2.0", params=(x,),
                    hypotheses=("x >= 0.6931471805599452978",), provenance=P)
binary = Claim(id="mine.binary", title="t", lhs="x", rel=">=", rhs="0.7", params=(x,),
               hypotheses=("x >= 0.69999999999999999",), provenance=P)
below = Claim(id="mine.below", title="t", lhs="x", rel="<=", rhs="0.7", params=(x,),
              hypotheses=("x <= 0.69999999999999999",), provenance=P)
tenth = Claim(id="mine.tenth", title="t", lhs="10*x", rel="<=", rhs="1", params=(x,), hypotheses=("x <= 0.1",),
              provenance=P)
sums = Claim(id="mine.sums", title="t", lhs="0.1 + 0.2", rel="=", rhs="0.3", provenance=P)
''')
    with mpmath.workdps(50):  # the first claim is false at x = 0.6931471805599452978
        assert mpmath.exp(mpmath.mpf("0.6931471805599452978")) < 2
    assert results["mine.rounded_log"]["verdict"] != "PROVED"
    assert results["mine.binary"]["verdict"] != "PROVED"  # false at x = 0.69999999999999999
    assert results["mine.below"]["verdict"] == results["mine.tenth"]["verdict"] == "PROVED"
    assert results["mine.sums"]["verdict"] == "PROVED"


def test_a_tiny_constant_is_not_proved_zero(tmp_path, quick_prover):
    # the identity layer took nsimplify(d) == 0 as a proof for a constant difference d; nsimplify rounds to 15
    # digits and calls exp(-100)*zeta(3) (about 4.5e-44) zero, and arb has no zeta to refute it first
    results = check_file(tmp_path, '''
tiny = Claim(id="mine.tiny", title="t", lhs="exp(-100)*zeta(3)", rel="=", rhs="0", provenance=P)
small = Claim(id="mine.small", title="t", lhs="li(3)/10**50", rel="=", rhs="0", provenance=P)
''')
    assert mpmath.zeta(3) > 1 and mpmath.li(3) > 2  # so both sides differ: neither claim holds
    assert {r["verdict"] for r in results.values()} <= {"CONSISTENT", "VIOLATED"}, results


def test_witnesses_after_cancellation_and_proofs_through_limits_at_infinity_replay(tmp_path, quick_prover):
    # 1 + erf(log(x)) near x = 1e-4 loses 39 digits to cancellation at any precision: the replay demanded
    # d - 30 correct digits of d and never found the witness reliable; the proof of erf(a)**(2/3) <= 3**(2/3)
    # maps a = 2/u onto u in (0, 1], and the independent box checker evaluated erf(oo) as arb's nan
    from invariants import certificate_replays

    results = check_file(tmp_path, '''
x = Param("x", Domain(0, math.inf, lo_open=True, hi_open=True, scale="log"))
s = Param("s", Domain(0.5, 4))
a = Param("a", Domain(2, math.inf, hi_open=True))
shifted = Claim(id="mine.shifted", title="t", lhs="erf(Min(log(x), Min(x, s)))", rel="=",
                rhs="1 - erf(-Min(log(x), Min(x, s)))", params=(x, s), provenance=P)
power = Claim(id="mine.power", title="t", lhs="erf(a)**(2/3)", rel="<=", rhs="3**(2/3)", params=(a,),
              hypotheses=("erf(a) <= 3",), provenance=P)
b, n = Param("b", Domain(0.1, 100, hi_open=True)), Param("n", Domain(2, math.inf, hi_open=True, integer=True))
ratio = Claim(id="mine.ratio", title="t", lhs="(n + b)/(1 + (n + b))", rel="<=", rhs="0.999*log(1 + (n + b))",
              params=(b, n), provenance=P)
''')
    assert results["mine.shifted"]["verdict"] == "VIOLATED"  # erf(m) = 1 + erf(m) nowhere
    assert_replays(tmp_path, results["mine.shifted"])
    for cid in ("mine.power", "mine.ratio"):  # ratio: n = 2/u, and the gap at u -> 0+ is +oo (1/u at u = 0)
        assert results[cid]["verdict"] == "PROVED", results[cid]
        assert certificate_replays(results[cid]["evidence"]["certificate"]) is None


def test_a_rounded_constant_never_refutes_a_true_identity(tmp_path, quick_prover):
    # SymPy folds log(0.5) into the 15-digit Float -0.693147180559945; the confirmation took it as exact and
    # "refuted" log(z*0.5) = log(z) + log(0.5) at z = 2 (lhs 0, rhs 2.3e-17): a long Float is a ball now
    results = check_file(tmp_path, '''
z = Param("z", Domain(0.1, 100, hi_open=True))
halved = Claim(id="mine.halved", title="t", lhs="log(z*0.5)", rel="=", rhs="log(z) + log(0.5)", params=(z,),
               provenance=P)
off = Claim(id="mine.off", title="t", lhs="log(z*0.5)", rel="=", rhs="log(z) + log(0.5) + 10**-9", params=(z,),
            provenance=P)
''')
    assert results["mine.halved"]["verdict"] in ("PROVED", "CONSISTENT")
    assert results["mine.off"]["verdict"] == "VIOLATED"  # a real difference is still far above the rounding
    assert_replays(tmp_path, results["mine.off"])


def test_an_identity_through_huge_intermediates_replays(tmp_path, quick_prover):
    # beta(g, c) = gamma(g)*gamma(c)/gamma(g + c) at g = gamma(60) ~ 1e80: at 50 digits g + c rounds to g and the
    # certificate checker saw a difference of -1.59 where there is none; a point is looked at again at 200 digits
    results = check_file(tmp_path, '''
m = Param("m", Domain(0.1, 100, hi_open=True))
beta = Claim(id="mine.beta", title="t", lhs="beta(gamma(m), log(7/4))", rel="=",
             rhs="gamma(gamma(m))*gamma(log(7/4))/gamma(gamma(m) + log(7/4))", params=(m,), provenance=P)
''')
    assert_proved_and_replays(results["mine.beta"])


def test_a_certificate_with_a_constant_below_double_precision_replays(tmp_path, quick_prover):
    # the proof of erf(-s) < 1 on s in [-10, 10] signs the constant 1 - erf(10) = 2e-45, which the checker's
    # 113-bit intervals could not separate from 0 (and a 15-digit nsimplify called 0, a fallback now gone)
    results = check_file(tmp_path, '''
s = Param("s", Domain(-10, 10))
below = Claim(id="mine.below", title="t", lhs="erf(-s)", rel="<", rhs="1", params=(s,), provenance=P)
''')
    assert_proved_and_replays(results["mine.below"])


def test_a_monotone_argument_nested_in_an_end_value_replays(tmp_path, monkeypatch):
    # log(u) <= u - 1 at u = m + s, monotone in m and then in s: the end value's proof (itself a monotone argument)
    # had its sub-proof overwritten by the value's text, and the checker crashed on it (2 s: the route the prover
    # takes within that budget)
    monkeypatch.setattr(boundlab.numerics.prover, "SECONDS", 2.0)
    results = check_file(tmp_path, '''
two = Claim(id="mine.two", title="t", lhs="log(Abs(m) + s)", rel="<=", rhs="Abs(m) + s - 1",
            params=(Param("m", SIZE), Param("s", Domain(2, math.inf, hi_open=True))), provenance=P)
''')
    assert_proved_and_replays(results["mine.two"])


def test_a_proof_whose_enclosures_are_astronomical_replays(tmp_path, quick_prover):
    # gamma(7**a + 2) >= 1 for a up to 1000: the interval proof records enclosures near 10**(10**846), and the box
    # checker hung building them as exact fractions
    results = check_file(tmp_path, '''
huge = Claim(id="mine.huge", title="t", lhs="gamma(7**a + 2)", rel=">=", rhs="1",
             params=(Param("a", Domain(0.001, 1000.0, scale="log")), Param("eps", Domain(0.5, 4))),
             hypotheses=("a**floor(eps) <= 2",), provenance=P)
''')
    assert_proved_and_replays(results["mine.huge"])


def test_a_prover_layer_stuck_in_sympy_gives_up_at_its_budget(tmp_path, quick_prover):
    # HM <= GM with gamma(delta): the monotonicity layer's sp.solve built a minimal polynomial for minutes, past
    # every deadline the layer watches; a layer now runs under a CPU limit too, and the claim ends well inside 60 s
    results = check_file(tmp_path, '''
hm = Claim(id="mine.hm", title="t", lhs="2*gamma(delta)*t/(gamma(delta) + t)", rel="<=", rhs="sqrt(gamma(delta)*t)",
           params=(Param("t", Domain(0, math.inf, lo_open=True, hi_open=True, scale="log")),
                   Param("delta", Domain(2, math.inf, hi_open=True))), provenance=P)
''', "--time-limit", "60")
    assert results["mine.hm"]["verdict"] in ("PROVED", "CONSISTENT"), results  # true (AM-GM); not 'ran past 60 s'


def test_a_z3_proof_over_rounded_constants_replays(tmp_path, quick_prover):
    # (2t + log(1.5))**2 <= 2*((2t)**2 + log(1.5)**2): the checker read the end 0.4054651081081636 of log(1.5)'s
    # ball as log(3/2) (nsimplify), which z3 cannot read, and found the negation satisfiable without it
    results = check_file(tmp_path, '''
t = Param("t", SIZE)
square = Claim(id="mine.square", title="t", lhs="((t + t) + log(1.5))**2", rel="<=",
               rhs="2*((t + t)**2 + log(1.5)**2)", params=(t,), provenance=P)
''')
    assert_proved_and_replays(results["mine.square"])


def test_a_witness_and_an_identity_with_astronomical_exponents_replay(tmp_path, quick_prover):
    # exp(-exp(x/2)) at x = 4177 is 2e-(4.6e906): its mantissa needs 960 digits, so the replay judged it no finite
    # number; exp(exp(exp(d))) is 10**(10**175) at d = 6, where the checker saw a difference at 200 digits
    results = check_file(tmp_path, '''
x, m = Param("x", Domain(4000, 5000)), Param("m", SIZE)
tiny = Claim(id="mine.tiny", title="t", lhs="exp(-exp(x/2))", rel="<=", rhs="exp(-log(1 + m)) - 1", params=(x, m),
             hypotheses=("log(1 + m) <= exp(x/2)",), provenance=P)
tower = Claim(id="mine.tower", title="t", lhs="exp(exp(exp(d)) + d)", rel="=", rhs="exp(exp(exp(d)))*exp(d)",
              params=(Param("d", Domain(5.5, 6)),), provenance=P)
''', "--seed", "3")
    assert results["mine.tiny"]["verdict"] == "VIOLATED"  # false everywhere: lhs > 0 > rhs
    assert_replays(tmp_path, results["mine.tiny"])
    assert_proved_and_replays(results["mine.tower"])


def test_boxes_that_fix_two_variables_at_once_replay(tmp_path, monkeypatch):
    # exp(r) >= 1 + r at r = y - m: the prover fixed u_m and y in one round, each by a sign proved on the whole box,
    # and the checker replayed the second sign on the box left after the first fix, where its centre did not lie
    monkeypatch.setattr(boundlab.numerics.prover, "SECONDS", 2.0)
    results = check_file(tmp_path, '''
tangent = Claim(id="mine.tangent", title="t", lhs="exp(y - m)", rel=">=", rhs="1 + (y - m)",
                params=(Param("y", UNIT_OPEN), Param("m", SIZE)), provenance=P)
''')
    assert_proved_and_replays(results["mine.tangent"])


def test_a_witness_that_fails_by_a_tiny_relative_amount_replays(tmp_path, quick_prover):
    # sqrt(a + b) > sqrt(a) + sqrt(b) is false everywhere; at a = gamma(641) ~ 1e1521 the sides differ by 3.9 in
    # 1e760, which the confirmation sees at 1000 digits and the replay judged "holds" by half the digits
    results = check_file(tmp_path, '''
sub = Claim(id="mine.sub", title="t", lhs="sqrt(gamma(d) + (z + pi))", rel=">", rhs="sqrt(gamma(d)) + sqrt(z + pi)",
            params=(Param("d", Domain(600, 700)), Param("z", Domain(1, 20, integer=True))), provenance=P)
''')
    assert results["mine.sub"]["verdict"] == "VIOLATED"
    assert_replays(tmp_path, results["mine.sub"])
