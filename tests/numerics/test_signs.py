"""numerics/signs.py: the monotone rule for powers, whose exponent the proof tree records; each tree is replayed
by the independent checker."""
import math

import pytest
import sympy as sp

from boundlab.numerics.signs import Facts, SignProver
from boundlab.theory import Domain

from certificate_checker import Context, check_tree

x = sp.Symbol("x", positive=True)


def header(domains: dict, hypotheses=()) -> dict:
    return {"symbols": {str(s): {"assumptions": {"positive": True, "real": True}, "lo": d.lo,
                                 "hi": d.hi if math.isfinite(d.hi) else "oo", "lo_open": d.lo_open,
                                 "hi_open": d.hi_open} for s, d in domains.items()},
            "hypotheses": [sp.sstr(h) for h in hypotheses]}


@pytest.mark.parametrize("gap, domains, hypotheses, exponent", [
    # a constant minus a power: the StopIteration behind "ERROR internal error -> claim ...: " (Hoeffding sizes)
    (1 - sp.sqrt(x), {x: Domain(0, 1, lo_open=True)}, (), "1/2"),
    (sp.sqrt(x) - 2, {x: Domain(4, 9)}, (), "1/2"),
    (2 - x ** 3, {x: Domain(0, 1, lo_open=True)}, (), "3"),
])
def test_monotone_power_rule_records_its_exponent(gap, domains, hypotheses, exponent):
    tree = SignProver(Facts.of(domains, hypotheses), seconds=30).prove(gap, False)
    assert tree is not None

    def rules(node):
        yield node
        for child in node.get("children", ()):
            yield from rules(child)

    assert any(n["rule"] == "monotone" and n.get("exponent") == exponent for n in rules(tree)), tree
    check_tree(tree, Context(header(domains, hypotheses)), gap, False)


def test_a_rounded_constant_is_never_inverted():
    # exp(x) - 2.0 was read as exp(x) - exp(log(2.0)) with log(2.0) = 0.693147180559945 (a Float below log 2), so
    # the fact x >= 0.6931471805599452978 "proved" it; but exp(0.6931471805599452978) < 2
    facts = Facts.of({x: Domain(0, 10, lo_open=True)}, (sp.Ge(x, sp.Float("0.6931471805599452978", 20)),))
    assert SignProver(facts).prove(sp.exp(x) - sp.Float(2.0), False) is None
    exact = SignProver(Facts.of({x: Domain(0, 10, lo_open=True)}, (sp.Ge(x, sp.log(2)),))).prove(sp.exp(x) - 2, False)
    assert exact is not None and exact["rule"] == "monotone"


@pytest.mark.parametrize("gap", [
    # an unevaluated product prints as 1/(2*(sqrt(x) + 1)) and reads back as the single power 1/(2*sqrt(x) + 2):
    # the checker follows the children's factors (the fuzzing's log(1 + sqrt(x)) <= sqrt(x))
    sp.Mul(sp.Rational(1, 2), 1 / (sp.sqrt(x) + 1), evaluate=False),
    sp.Add(sp.Mul(2, x + 1, evaluate=False), 3, evaluate=False),
])
def test_trees_over_unevaluated_forms_replay(gap):
    domains = {x: Domain(0, 100)}
    tree = SignProver(Facts.of(domains, ()), seconds=30).prove(gap, True)
    assert tree is not None
    check_tree(tree, Context(header(domains)), gap, True)


def test_a_tree_whose_children_do_not_make_the_node_is_rejected():
    domains = {x: Domain(0, 100)}
    tree = SignProver(Facts.of(domains, ()), seconds=30).prove(x + 1, True)
    tree["children"] = tree["children"][:1]  # drop a term: the children no longer sum to x + 1
    with pytest.raises(Exception, match="children"):
        check_tree(tree, Context(header(domains)), x + 1, True)
