"""numerics/signs.py: the monotone rule for powers, whose exponent the proof tree records; each tree is replayed
by the independent checker."""
import math

import pytest
import sympy as sp

from numerics.signs import Facts, SignProver
from theory import Domain

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
