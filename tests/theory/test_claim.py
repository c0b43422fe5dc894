import pytest
import sympy as sp

from boundlab.theory import SIZE, Claim, ClaimError, Param, Provenance, Quantity

d, n = Param("d", SIZE), Param("n", SIZE)
L = Quantity("L", r"L(\hat\theta)", "risk")
PROV = Provenance("derived", "p", "Doe (2020)")
EMP = dict(params=(d, n), quantities=(L,), scenario="linear_finetune", provenance=PROV, grid=({"d": 5, "n": 2},))


def make(**kw):
    base = dict(id="t.c", title="t", lhs="L", rel="=", rhs="1 - n/d", statistic="mean", **EMP)
    base.update(kw)
    return Claim(**base)


def test_one_string_two_parses():
    c = make()
    assert sp.simplify(c.right.expr - (1 - n.symbol / d.symbol)) == 0
    # the display form keeps the paper's order: the constant term first
    assert sp.latex(c.right.display, order="none").startswith("1 -")
    assert c.kind == "empirical" and c.measured_symbols() == {L.symbol}


@pytest.mark.parametrize("kw, message", [
    (dict(rhs="1 - n/dd"), "undefined symbol"),
    (dict(rhs="foo(n)"), "undefined function"),
    (dict(rhs="1 - n/"), "cannot parse"),
    (dict(rhs=""), "empty"),
    (dict(rel="=="), "relation"),
    (dict(statistic="median"), "statistic"),
    (dict(statistic="value"), "cannot involve measured"),
    (dict(lhs="n", statistic="mean"), "needs a measured quantity"),
    (dict(scenario=None), "scenario"),
    (dict(grid=()), "grid"),
    (dict(statistic="prob", rel="<="), "prob"),
    (dict(statistic="dist", rel="~", rhs="n"), "distribution"),
    (dict(hypotheses=("n + 1",)), "not a relation"),
    (dict(hypotheses=("1 > 2",)), "contradictory"),
    (dict(id="bad id"), "dotted identifiers"),
    (dict(expect="maybe"), "expect"),
    (dict(grid=({"d": "five", "n": 2},)), "must be a number"),
])
def test_malformed_claims_name_the_claim_and_the_cause(kw, message):
    with pytest.raises(ClaimError, match=message) as info:
        make(**kw)
    assert str(info.value).startswith("claim ")


def test_hypotheses_and_domains_are_checked_at_points():
    c = make(hypotheses=("n < d",))
    assert c.violated_hypotheses({"d": 5, "n": 2}) == []
    assert c.violated_hypotheses({"d": 5, "n": 7}) == ["hypothesis n < d fails"]
    assert "outside" in c.violated_hypotheses({"d": 5.5, "n": 2})[0]


def test_split_point_and_summary():
    c = make(grid=({"d": 5, "n": 2, "covariance": "powerlaw"},))
    values, options = c.split_point(c.grid[0])
    assert values == {"d": 5, "n": 2} and options == {"covariance": "powerlaw"}
    assert {"id", "title", "paper", "provenance", "kind"} <= set(c.summary())


def test_statement_text():
    assert make().statement_text() == "E[L] = 1 - n/d"
    assert "almost surely" in make(statistic="as", rel="<=").statement_text()
