"""theory/derivation.py: chains parse into step claims, compose their relations, and name what is malformed."""
import re

import pytest

from boundlab.theory import SIZE, ClaimError, Derivation, Param, Provenance, Step
from boundlab.theory.derivation import compose

n, d = Param("n", SIZE), Param("d", SIZE)
PROV = Provenance("derived", "t", "T (2026)")


def make(**kw):
    base = dict(id="t.d", title="T", params=(n, d), provenance=PROV, start="n/d",
                steps=[("=", "1/(d/n)", "flip"), Step("<=", "1", hint="n <= d")], hypotheses=("n <= d",))
    base.update(kw)
    return Derivation(**base)


def test_steps_are_claims_between_consecutive_expressions():
    dv = make()
    first, second = dv.step_claims
    assert (first.left.source, first.rel, first.right.source) == ("n/d", "=", "1/(d/n)")
    assert (second.left.source, second.rel, second.right.source) == ("1/(d/n)", "<=", "1")
    assert second.doc == "n <= d" and [h.source for h in second.conditions] == ["n <= d"]
    assert [f.source for f in dv.chain()] == ["n/d", "1/(d/n)", "1"]
    assert dv.relation == "<="


@pytest.mark.parametrize("rels, composed", [
    (["=", "="], "="), (["=", "<="], "<="), (["<=", "<", "="], "<"), ([">=", "="], ">="), ([">", ">="], ">"),
    (["<=", ">="], None), (["<", "=", ">"], None),
])
def test_composed_relation(rels, composed):
    assert compose(rels) == composed


@pytest.mark.parametrize("kw, message", [
    (dict(steps=[("=", "m")]), "step 1: the right-hand side 'm' uses undefined symbol"),
    (dict(steps=[("==", "n")]), "step 1: relation must be one of"),
    (dict(steps=["n"]), "step 1 must be Step"),
    (dict(steps=[]), "at least one step"),
    (dict(hypotheses=("n + d",)), "hypothesis 'n + d' is not a relation"),
    (dict(hypotheses=("1 > 2",)), "contradictory"),
    (dict(id="bad id"), "dotted identifiers"),
    (dict(expect="maybe"), "expect"),
])
def test_malformed_derivations_name_the_derivation_and_the_cause(kw, message):
    with pytest.raises(ClaimError, match=re.escape(message)) as info:
        make(**kw)
    assert str(info.value).startswith("derivation ")
