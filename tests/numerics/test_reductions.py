"""The prover's reductions on the steps theorists write, each replayed by the independent checker, which also
rejects corrupted certificates: a hypothesis that bounds a variable used through a monotone goal (an end from a
hypothesis, one with a symbolic power read as a bound on the variable), a strictly monotone gap past an excluded end,
logarithms of a difference of powers, a classical lemma substituted for log(u) or exp(u), and a critical point where
the gap touches 0 along a curve (Young at a = b**(1/(p - 1)), Pinsker at q = p), a peak (the gap rises, then
falls, and is >= 0 at both ends, a limit at an infinite one), a case split on whether the hypothesis's interval
holds the critical point (with a positive factor set aside and a fact added to a remainder), and homogeneity (one
variable set to 1)."""
import copy
import json

import pytest
from certificate_checker import check as replay

from boundlab.numerics.prover import LAYERS, Budget, Goal, prove
from boundlab.numerics.prover.lemmas import library
from boundlab.theory import Claim, Domain, Param, Provenance

PROV = Provenance("derived", "classical", "prover reductions")
OPEN_UNIT = Domain(0, 1, lo_open=True, hi_open=True)


def claim(lhs, rel, rhs, params, hypotheses=()):
    ps = tuple(Param(*p) if isinstance(p, tuple) else Param(p) for p in params)
    return Claim(id="t.step", title="a step", lhs=lhs, rel=rel, rhs=rhs, params=ps, hypotheses=hypotheses,
                 provenance=PROV)


STEPS = {  # name: (claim, a word that the certificate must hold: the reduction under test[, the one layer to run,
    #          where an earlier layer would prove the step another way])
    "bound through a symbolic power": (claim("C*n**(-r)", "<=", "eps", ["C", "eps", "r", "n"],
                                             ("n**r >= C/eps",)), '"end"'),
    "a hypothesis read as a bound": (claim("1/log(n)", "<=", "eps", ["eps", ("n", Domain(1, float("inf"),
                                                                                        lo_open=True))],
                                           ("log(n) >= 1/eps",)), '"normalized"'),
    "bound from a hypothesis": (claim("C*n**(-r)", "<=", "eps", ["C", "eps", "r", "n"], ("n >= (C/eps)**(1/r)",)),
                                '"end"'),
    "log(1 - u) <= -u inside a power": (claim("(1 - 1/K)**n", "<=", "exp(-n/K)",
                                             [("K", Domain(1, float("inf"), lo_open=True)), "n"]), '"lemma"'),
    "(1 + 1/n)**n < e": (claim("(1 + 1/n)**n", "<", "E", [("n", Domain(1, float("inf")))]), '"logarithm"'),
    "exp(-x) <= 1/(1 + x)": (claim("exp(-x)", "<=", "1/(1 + x)", ["x"]), '"lemma"', "lemmas"),
    "concave powers are subadditive": (claim("(a + b)**r", "<=", "a**r + b**r", ["a", "b", ("r", OPEN_UNIT)]),
                                       '"logs"'),
    "Young's inequality, tight along a curve": (claim("a*b", "<=", "a**p/p + b**(p/(p - 1))*(p - 1)/p",
                                                       ["a", "b", ("p", Domain(1, float("inf"), lo_open=True))]),
                                                 '"critical point"'),
    "Pinsker, tight along the diagonal": (claim("p*log(p/q) + (1 - p)*log((1 - p)/(1 - q))", ">=", "2*(p - q)**2",
                                                [("p", OPEN_UNIT), ("q", OPEN_UNIT)]), '"critical point"'),
    "weighted AM-GM, homogeneous": (claim("a**w*b**(1 - w)", "<=", "w*a + (1 - w)*b", ["a", "b", ("w", OPEN_UNIT)]),
                                    '"homogeneous"', "homogeneous"),
    "Jensen for a power, homogeneous": (claim("((a + b)/2)**p", "<=", "(a**p + b**p)/2",
                                              ["a", "b", ("p", Domain(1, float("inf")))]), '"homogeneous"',
                                        "homogeneous"),
    "relative entropy above its tangent, homogeneous (log(1/y) at the pivot)": (
        claim("x*log(x/y)", ">=", "x - y", ["x", "y"]), '"reduced_gap"', "homogeneous"),
    "a positive denominator cleared, then a lemma": (claim("eta/(1 - exp(-eta))", "<=", "1 + eta", ["eta"]),
                                                     '"cleared"'),
    "Jensen for the logarithm, a convex combination positive": (
        claim("w*log(a) + (1 - w)*log(b)", "<=", "log(w*a + (1 - w)*b)", [("w", Domain(0, 1)), "a", "b"]),
        '"rule": "affine"'),
    "a power's logarithm at the hypothesis's end": (
        claim("k*D**a*N**b", ">", "D", ["k", ("a", OPEN_UNIT), "b", "D", "N"], ("D < (k*N**b)**(1/(1 - a))",)),
        '"logarithm"'),
    "a square root read as a variable for z3": (claim("x", "<=", "b + sqrt(c)", ["x", "b", "c"], ("x**2 <= b*x + c",)),
                                                '"z3"'),
    "cosh written with exp, then a lemma": (claim("cosh(x)", "<=", "exp(x**2/2)", [("x", Domain())]), '"lemma"'),
    "a tail below its Gaussian: rising, then falling to a limit": (
        claim("1 - erf(x)", "<=", "exp(-x**2)", [("x", Domain(0, float("inf")))]), '"peak"'),
    "Chernoff's exponent: the logarithm of a power of a quotient": (
        claim("(exp(d)/(1 + d)**(1 + d))**m", "<=", "exp(-m*d**2/(2 + d))", ["d", "m"]), '"logarithm"'),
    "a minimum at the critical point or at the hypothesis's end, by cases": (
        claim("n", ">=", "2*k*log(n)", [("k", Domain(0.5, float("inf"))), ("n", Domain(1, float("inf")))],
              ("n >= 4*k*log(2*k)",)), '"split"'),
    "x/log(x) >= a: the numerator x - a*log(x) has the gap's sign": (
        claim("x/log(x)", ">=", "a", [("x", Domain(1, float("inf"), lo_open=True)), ("a", Domain(1, float("inf")))],
              ("x >= 2*a*log(a)",)), '"numerator"'),
    "strictly increasing past an open end": (claim("log(y)", "<", "y - 1", [("y", Domain(1, float("inf"),
                                                                                      lo_open=True))]), "open_end"),
}


def _proof(c, layer=None):
    """The prover's proof, or the named layer's alone (with its goal's header)."""
    if layer is None:
        return prove(c, seconds=30)
    library()  # as prove() does
    goal = Goal.of(c)
    proof = Budget(30).run(next(la for la in LAYERS if la.name == layer), goal)
    if proof is not None:
        proof.certificate = {**goal.header(), **proof.certificate}
    return proof


@pytest.fixture(scope="module")
def proofs():
    return {name: _proof(c, *rest) for name, (c, _, *rest) in STEPS.items()}


@pytest.mark.parametrize("name", list(STEPS))
def test_the_step_is_proved_by_its_reduction_and_replays(proofs, name):
    proof = proofs[name]
    assert proof is not None, name
    assert STEPS[name][1] in json.dumps(proof.certificate), (name, proof.method)
    ok, why = replay(proof.certificate)
    assert ok, why


def _corruptions(cert):
    """Copies of the certificate with one part changed: the goal, a lemma's bound or instance, a fact end's root, a
    normalized hypothesis's root, a logarithm's difference, an excluded end."""
    text = json.dumps(cert)
    swaps = [('"gap": "', '"gap": "-1 + '), ('"bound": "y - 1"', '"bound": "y - 2"'), ('"bound": "1 + y"', '"bound": "1 + 2*y"'),
             ('"open_end": true', '"open_end": false'), ('"root": "', '"root": "1 + '), ('"at": "', '"at": "1 + '),
             ('"difference": "', '"difference": "2 + '), ('"point": "', '"point": "1 + '),
             ('"degree": "', '"degree": "1 + '), ('"reduced_gap": "', '"reduced_gap": "1 + '),
             ('"condition": "', '"condition": "1 + '), ('"rest": "', '"rest": "2*'),
             ('"numerator": "', '"numerator": "1 + ')]
    for old, new in swaps:
        if old in text:
            yield old, json.loads(text.replace(old, new, 1))


@pytest.mark.parametrize("name", list(STEPS))
def test_a_corrupted_certificate_is_rejected(proofs, name):
    cert = proofs[name].certificate
    tried = 0
    for what, bad in _corruptions(cert):
        tried += 1
        ok, _ = replay(bad)
        assert not ok, (name, what)
    assert tried >= 1


def test_the_split_sets_a_positive_factor_aside_and_adds_a_fact_to_a_remainder(proofs):
    """In the case where the critical point lies before the hypothesis's end, the derivative's sign needs x - k >= 0
    from n - 4k log(2k) >= 0 plus the case's fact, and the value at the end sets the positive factor k aside."""
    text = json.dumps(proofs["a minimum at the critical point or at the hypothesis's end, by cases"].certificate)
    assert '"rule": "fact plus"' in text and '"kind": "factor"' in text
    for old, new in (('"rule": "fact plus", "children": [{"expr": "', '"rule": "fact plus", "children": [{"expr": "2 + '),
                     ('"kind": "factor", "positive": [{"expr": "', '"kind": "factor", "positive": [{"expr": "2*')):
        assert old in text
        ok, _ = replay(json.loads(text.replace(old, new, 1)))
        assert not ok, old


def test_a_lemma_whose_own_proof_is_corrupted_is_rejected(proofs):
    cert = copy.deepcopy(proofs["exp(-x) <= 1/(1 + x)"].certificate)
    text = json.dumps(cert)
    assert '"lemma_certificate"' in text
    bad = json.loads(text.replace('"relation": ">= 0"', '"relation": "> 0"', 2))  # the lemma now claims strictness
    ok, _ = replay(bad)
    assert not ok


@pytest.mark.parametrize("lhs, rel, rhs, params, hypotheses", [
    ("(1 - 1/K)**n", "<=", "exp(-2*n/K)", [("K", Domain(1, float("inf"), lo_open=True)), "n"], ()),
    ("exp(-x)", "<=", "1/(1 + 2*x)", ["x"], ()),
    ("C*n**(-r)", "<=", "eps/2", ["C", "eps", "r", "n"], ("n**r >= C/eps",)),
    ("(1 + x)**a", "<=", "1 + a*x/2", ["x", ("a", OPEN_UNIT)], ()),
    ("(1 + 1/n)**n", "<", "2", [("n", Domain(1, float("inf")))], ()),
    ("a*b", "<=", "a**p/p + b**(p/(p - 1))*(p - 1)/(2*p)", ["a", "b", ("p", Domain(1, float("inf"), lo_open=True))],
     ()),
    ("p*log(p/q) + (1 - p)*log((1 - p)/(1 - q))", ">=", "21*(p - q)**2/10", [("p", OPEN_UNIT), ("q", OPEN_UNIT)], ()),
    ("a**w*b**(1 - w)", "<=", "w*a + (1 - w)*b - b/10", ["a", "b", ("w", OPEN_UNIT)], ()),
    ("2*exp(-n*eps**2/(2*(sigma**2 + b*eps/3)))", "<=", "delta",
     [("n", Domain(1, float("inf"))), "eps", "sigma", "b", ("delta", OPEN_UNIT)],
     ("n >= (sigma**2 + b*eps/3)*log(2/delta)/eps**2",)),
    ("eta/(1 - exp(-eta))", "<=", "1 + eta/3", ["eta"], ()),
    ("x", "<=", "b/2 + sqrt(c)", ["x", "b", "c"], ("x**2 <= b*x + c",)),
    ("cosh(x)", "<=", "exp(x**2/3)", [("x", Domain())], ()),
    ("sqrt((log(H) + log(2/delta))/(2*m))", "<=", "eps/2",
     [("m", Domain(1, float("inf"), integer=True)), ("eps", OPEN_UNIT), ("delta", OPEN_UNIT),
      ("H", Domain(1, float("inf"), integer=True))], ("m >= (log(H) + log(2/delta))/(2*eps**2)",)),
    ("w*log(a) + (1 - w)*log(b)", "<=", "log((1 - w)*a + w*b)", [("w", Domain(0, 1)), "a", "b"], ()),
    ("2*exp(-2*n*eps**2)", "<=", "delta", [("n", Domain(1, float("inf"), integer=True)), "eps", ("delta", OPEN_UNIT)],
     ("n >= floor(log(2/delta)/(2*eps**2))",)),  # rounding down the sample size: not enough
    ("1 - erf(x)", "<=", "exp(-2*x**2)", [("x", Domain(0, float("inf")))], ()),
    ("n", ">=", "2*k*log(n)", [("k", Domain(0.5, float("inf"))), ("n", Domain(1, float("inf")))],
     ("n >= 2*k*log(2*k)",)),  # the factor 2 of the sample-size lemma dropped
    ("x/log(x)", ">=", "a", [("x", Domain(1, float("inf"), lo_open=True)), ("a", Domain(1, float("inf")))],
     ("x >= a*log(a)",)),
    ("(exp(d)/(1 + d)**(1 + d))**m", "<=", "exp(-m*d**2/2)", ["d", "m"], ()),
])
def test_false_steps_of_the_same_shapes_are_not_proved(lhs, rel, rhs, params, hypotheses):
    assert prove(claim(lhs, rel, rhs, params, hypotheses), seconds=2) is None


def test_the_numerical_look_skips_only_expressions_negative_somewhere():
    import sympy as sp

    from boundlab.numerics.sampling import refuted
    from boundlab.numerics.signs import Facts

    x, y = sp.Symbol("x", positive=True), sp.Symbol("y", positive=True)
    facts = Facts.of({x: Domain(0, 2, lo_open=True), y: Domain(0, float("inf"), lo_open=True)})
    assert refuted(x - 1, facts)  # negative on (0, 1)
    assert refuted(x - 1, facts.with_fact(y - x, False).with_fact(1 - y, True))  # x < y < 1 through a second fact
    assert not refuted(x - 1, facts.with_fact(x - 1, False))  # the fact removes the negative part
    assert not refuted((x - 1) ** 2, facts)  # touches 0: rounding at x = 1 is no sign
    assert not refuted(sp.log(1 + x) - x + x**2 / 2, facts)  # >= 0, with cancellation near 0
    assert not refuted(sp.exp(y) - 1 - y, facts)


def test_a_sample_size_rounded_up_is_used_as_its_bound():
    step = claim("2*exp(-2*n*eps**2)", "<=", "delta", [("n", Domain(1, float("inf"), integer=True)), "eps",
                                                      ("delta", OPEN_UNIT)], ("n >= ceiling(log(2/delta)/(2*eps**2))",))
    proof = prove(step, seconds=8)
    assert proof is not None and "ceiling" not in json.dumps(proof.certificate["hypotheses"])
    ok, why = replay(proof.certificate)
    assert ok, why


RAYS = {  # a goal whose bound may lie outside the domain, and a word its certificate must hold
    "Bernstein's sample size": (claim("2*exp(-n*eps**2/(2*(sigma**2 + b*eps/3)))", "<=", "delta",
                                      [("n", Domain(1, float("inf"))), "eps", "sigma", "b", ("delta", OPEN_UNIT)],
                                      ("n >= 2*(sigma**2 + b*eps/3)*log(2/delta)/eps**2",)), '"ray": true'),
    "a deviation, the ray among the positive numbers": (
        claim("sqrt((log(H) + log(2/delta))/(2*m))", "<=", "eps",
              [("m", Domain(1, float("inf"), integer=True)), ("eps", OPEN_UNIT), ("delta", OPEN_UNIT),
               ("H", Domain(1, float("inf"), integer=True))], ("m >= (log(H) + log(2/delta))/(2*eps**2)",)),
        '"positive_end"'),
    "|b - a| read as b - a under a < b at the ray's end": (
        claim("(b - a)*sqrt(log(2/delta)/(2*n))", "<=", "eps",
              [("n", Domain(1, float("inf"), integer=True)), "eps", ("delta", OPEN_UNIT), ("a", Domain()),
               ("b", Domain())], ("a < b", "n >= (b - a)**2*log(2/delta)/(2*eps**2)")), '"absolute"'),
}


@pytest.mark.parametrize("name", list(RAYS))
def test_monotone_on_the_ray_that_a_hypothesis_cuts_out_past_the_domain(name):
    """n >= 1 and a bound that may lie below 1, outside n's domain: the gap is shown monotone on the whole ray
    n >= bound (n read as a real with no domain; positive past the bound when the bound is >= 0) and 0 there."""
    from boundlab.numerics.prover import Budget, Goal
    from boundlab.numerics.prover.monotone import Monotone

    goal = Goal.of(RAYS[name][0])
    proof = Monotone().prove(goal, Budget(30))
    assert proof is not None
    cert = {**goal.header(), **proof.certificate}
    text = json.dumps(cert)
    assert '"ray": true' in text and RAYS[name][1] in text
    ok, why = replay(cert)
    assert ok, why
    for old, new in (('"ray": true', '"ray": false'), ('"at": "', '"at": "1 + '),
                     ('"direction": "increasing"', '"direction": "decreasing"')):
        assert old in text, old
        assert not replay(json.loads(text.replace(old, new, 1)))[0], old
