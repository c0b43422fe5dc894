"""numerics/prover/: each layer on its own, against a table of goals with the outcome expected of it (in the style of
cvxpy's solver_test_helpers): "proved" (and the certificate replays in the independent checker), "not proved"
(accepted, no proof), "not handled" (not accepted); None where the outcome depends on the time given. Then the
registry: every kind of certificate a layer writes has its replay, and a new layer plugs in with one line."""
import math
import re
import time
from pathlib import Path

import pytest

import boundlab.numerics.prover as prover
from boundlab.numerics.prover import LAYERS, Budget, Goal, Layer, describe
from boundlab.theory import POSITIVE, SIZE, Claim, Domain, Param, Provenance

from certificate_checker import REPLAYS, check

PROV = Provenance("classical", "textbook", "textbook")
a, t, d, n = Param("a", POSITIVE), Param("t", POSITIVE), Param("d", SIZE), Param("n", SIZE)
x, y, xpos = Param("x", Domain()), Param("y", Domain()), Param("x", POSITIVE)
xp = Param("x", Domain(-1, math.inf, lo_open=True, hi_open=True))
C1, eps, F = Param("C1", POSITIVE), Param("eps", POSITIVE), Param("F", POSITIVE)
r = Param("r", Domain(0, 1, True, True))
SECONDS = 3.0  # per layer and goal: the outcomes pinned below are decided well within it

P, N, X = "proved", "not proved", "not handled"
prover.lemmas.library()  # as prove() does: the lemma library's import of the catalogue is not a layer's time
NAMES = ("extended", "identity", "lambert", "cases", "signs", "smt", "quick", "homogeneous", "lemmas", "monotone",
         "intervals")


def claim(lhs, rel, rhs, params=(), hyps=()):
    return Claim(id="t.c", title="t", lhs=lhs, rel=rel, rhs=rhs, params=params, hypotheses=hyps, provenance=PROV)


#: goal -> (claim, outcome per layer in the order of NAMES)
TABLE = {
    "oo > 10**6": (claim("oo", ">", "10**6"), (P, X, X, X, X, X, X, X, X, X, X)),
    "oo < 1": (claim("oo", "<", "1"), (N, X, X, X, X, X, X, X, X, X, X)),
    "beta mean (x < y as y = x + t)": (claim("((d - n)/2)/((d - n)/2 + n/2)", "=", "1 - n/d", (d, n), ("n < d",)),
                                       (X, P, X, X, X, X, X, X, X, X, X)),
    "inverted sample complexity": (claim("C1*((C1/(eps - F))**(1/r))**(-r) + F", "=", "eps", (C1, eps, F, r),
                                         ("eps > F",)), (X, P, X, X, X, X, X, X, X, X, X)),
    "exponent inverted (false)": (claim("C1*((C1/(eps - F))**r)**(-r) + F", "=", "eps", (C1, eps, F, r),
                                        ("eps > F",)), (X, N, X, X, X, X, X, X, X, X, X)),
    "sin(x)**2 + cos(x)**2 = 1": (claim("sin(x)**2 + cos(x)**2", "=", "1", (x,)), (X, P, X, X, X, X, X, X, X, X, X)),
    "n/d < 1 given n < d": (claim("n/d", "<", "1", (d, n), ("n < d",)), (X, X, X, X, P, P, P, N, X, P, P)),
    "x/(1 + x) < 1": (claim("x/(1 + x)", "<", "1", (xpos,)), (X, X, X, X, P, P, N, X, X, N, P)),
    "x**4 - 2x**2 + 1 >= 0": (claim("x**4 - 2*x**2 + 1", ">=", "0", (x,)), (X, X, X, X, P, P, N, X, X, N, P)),
    "exp(-x) <= 1": (claim("exp(-x)", "<=", "1", (xpos,)), (X, X, X, X, P, X, P, X, P, P, P)),
    "AM-GM": (claim("sqrt(a*t)", "<=", "(a + t)/2", (a, t)), (X, X, X, X, P, P, P, P, X, P, P)),
    "exp(x) >= 1 + x": (claim("exp(x)", ">=", "1 + x", (x,)), (X, X, X, X, N, X, P, X, P, P, None)),
    "x - log(1 + x) >= 0": (claim("x - log(1 + x)", ">=", "0", (xp,)), (X, X, X, X, N, X, P, X, P, P, P)),
    "Motzkin": (claim("x**2*y**4 + x**4*y**2 + 1", ">=", "3*x**2*y**2", (x, y)), (X, X, X, X, N, P, N, N, X, N, None)),
    "300**0.18 > 2.75 (a rounded constant)": (claim("300**0.18", ">", "2.75"), (X, X, X, X, P, P, P, X, X, P, P)),
    "300**0.18 > 2.8 (false)": (claim("300**0.18", ">", "2.8"), (X, X, X, X, N, N, N, X, X, N, N)),
    "log(1 + x) >= x (false)": (claim("log(1 + x)", ">=", "x", (xpos,)), (X, X, X, X, N, X, N, X, N, N, N)),
    "x**2 >= x (false)": (claim("x**2", ">=", "x", (xpos,)), (X, X, X, X, N, N, N, X, X, N, N)),
    "s/(s + l) <= min(1, s/l)": (claim("a/(a + t)", "<=", "Min(1, a/t)", (a, t)), (X, X, X, P, N, X, N, N, X, N, N)),
    "|x| >= x/2 + max(x, 0)/2": (claim("Abs(x)", ">=", "x/2 + Max(x, 0)/2", (x,)), (X, X, X, P, N, X, N, X, X, N, N)),
    "min(1, x) >= x/2 (false)": (claim("Min(1, x)", ">=", "x/2", (xpos,)), (X, X, X, N, N, X, N, X, X, N, N)),
    "W(x) <= log(1 + x)": (claim("LambertW(x)", "<=", "log(1 + x)", (xpos,)), (X, X, P, X, N, X, N, X, N, N, N)),
    "W(x) >= log(1 + x) (false)": (claim("LambertW(x)", ">=", "log(1 + x)", (xpos,)),
                                   (X, X, N, X, N, X, N, X, N, N, N)),
    "sin(x) <= 2 (no enclosure of sin)": (claim("sin(x)", "<=", "2", (x,)), (X, X, X, X, N, X, N, X, X, N, N)),
}
CASES = [(goal, name, outcomes[k]) for goal, (_, outcomes) in TABLE.items() for k, name in enumerate(NAMES)
         if outcomes[k] is not None]


def test_the_table_names_the_registered_layers_in_order():
    assert tuple(layer.name for layer in LAYERS) == NAMES


@pytest.mark.parametrize("goal_name, layer_name, expected", CASES)
def test_each_layer_on_its_own(goal_name, layer_name, expected):
    layer = next(layer for layer in LAYERS if layer.name == layer_name)
    goal = Goal.of(TABLE[goal_name][0])
    proof = Budget(SECONDS).run(layer, goal)
    outcome = P if proof is not None else N if layer.accepts(goal) else X
    assert outcome == expected, (goal_name, layer_name)
    if proof is not None:
        cert = {**goal.header(), **proof.certificate}
        assert cert["kind"] in layer.kinds
        ok, why = check(cert)
        assert ok, (goal_name, layer_name, why)
        assert layer.describe(cert) == describe(cert)


def test_every_kind_of_certificate_has_its_replay():
    kinds = [k for layer in LAYERS for k in layer.kinds]
    for kind in set(kinds):  # a kind two layers write (the quick pass of monotonicity) is described one way
        writers = {type(layer).describe for layer in LAYERS if kind in layer.kinds}
        assert len(writers) == 1, f"two layers describe the kind {kind} differently: describe() could not choose"
    assert set(kinds) <= set(REPLAYS)


def test_a_layer_has_its_share_of_the_budget_and_a_runaway_layer_gives_up():
    class Spin(Layer):
        name, kinds, share = "spin", (), 0.5

        def accepts(self, goal):
            return True

        def prove(self, goal, budget):
            while True:  # never looks at the budget: the CPU-time limit stops it
                sum(range(1000))

        def describe(self, certificate):
            return ""

    budget = Budget(1.0)
    assert budget.share(0.5).end == pytest.approx(budget.start + 0.5)
    assert budget.share(2.0).end == budget.end
    start = time.process_time()
    assert budget.run(Spin(), Goal.of(TABLE["exp(-x) <= 1"][0])) is None
    assert time.process_time() - start < 3.0
    assert Budget(0.0).run(LAYERS[0], Goal.of(TABLE["oo > 10**6"][0])) is None  # no time left: not even tried


README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
EXAMPLE = re.search(r"```python\n(.*?)```", README[README.index("### A prover layer"):], re.S).group(1)


def test_a_new_layer_plugs_in_with_one_line(monkeypatch, capsys):
    monkeypatch.setattr(prover, "LAYERS", list(LAYERS))  # the example's insert stays in this test
    exec(compile(EXAMPLE, "example", "exec"), {})
    assert capsys.readouterr().out == "a product of squares | gap = (x - 1)**2, a product of squares\n"
