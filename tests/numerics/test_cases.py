"""The cases layer (numerics/prover/cases.py): claims holding min, max or |u| are proved case by case, each case's
certificate replays, a corrupted case split is rejected, and false claims of the same shapes are not proved."""
import json

import pytest

from boundlab.numerics.prover import prove
from boundlab.theory import Claim, Domain, Param, Provenance

from certificate_checker import check as replay

PROV = Provenance("classical", "textbook", "textbook")
POS = Domain(0, float("inf"), lo_open=True, hi_open=True)


def claim(lhs, rel, rhs, params, hypotheses=()):
    ps = tuple(Param(*p) if isinstance(p, tuple) else Param(p, POS) for p in params)
    return Claim(id="t.cases", title="cases", lhs=lhs, rel=rel, rhs=rhs, params=ps, hypotheses=hypotheses,
                 provenance=PROV)


TRUE = {
    "a ridge term below min(1, s/lambda)": claim("s/(s + lam)", "<=", "Min(1, s/lam)", ["s", "lam"]),
    "max on the left, a hypothesis in each case": claim("Max(a, b)", "<=", "c", ["a", "b", "c"], ("a <= c", "b <= c")),
    "|x - y| by the triangle inequality": claim("Abs(x - y)", "<=", "Abs(x) + Abs(y)", [("x", Domain()),
                                                                                    ("y", Domain())]),
    "nested min": claim("Min(a, Min(b, c))", "<=", "(a + b + c)/3", ["a", "b", "c"]),
    "a clipped loss below the square loss": claim("Min(1, Abs(u))**2", "<=", "u**2", [("u", Domain())]),
}
FALSE = {
    "min(1, s/lambda) below half": claim("s/(s + lam)", "<=", "Min(1/2, s/lam)", ["s", "lam"]),
    "max below one bound only": claim("Max(a, b)", "<=", "c", ["a", "b", "c"], ("a <= c",)),
    "|x - y| below |x| alone": claim("Abs(x - y)", "<=", "Abs(x)", [("x", Domain()), ("y", Domain())]),
}


@pytest.fixture(scope="module")
def proofs():
    return {name: prove(c, seconds=8) for name, c in TRUE.items()}


@pytest.mark.parametrize("name", list(TRUE))
def test_the_claim_is_proved_case_by_case_and_replays(proofs, name):
    proof = proofs[name]
    assert proof is not None and proof.certificate["kind"] == "cases", name
    assert len(proof.certificate["cases"]) >= 2
    ok, why = replay(proof.certificate)
    assert ok, why


def _corruptions(cert):
    """A case dropped; a case's hypotheses swapped for the other's; the atom's value changed; the goal shifted."""
    first, second = cert["cases"][0], cert["cases"][1]
    yield "dropped", {**cert, "cases": cert["cases"][1:]}
    if first["certificate"] is not None and second["certificate"] is not None:
        swapped = json.loads(json.dumps(first))
        swapped["certificate"]["hypotheses"] = second["certificate"]["hypotheses"]
        yield "hypotheses of another case", {**cert, "cases": [swapped, *cert["cases"][1:]]}
        extra = json.loads(json.dumps(first))
        extra["certificate"]["hypotheses"].append(f"{next(iter(cert['symbols']))} >= 1000")
        yield "an extra assumption", {**cert, "cases": [extra, *cert["cases"][1:]]}
    yield "the gap", {**cert, "gap": f"-1 + {cert['gap']}"}


@pytest.mark.parametrize("name", list(TRUE))
def test_a_corrupted_case_split_is_rejected(proofs, name):
    for what, bad in _corruptions(proofs[name].certificate):
        ok, _ = replay(bad)
        assert not ok, (name, what)


@pytest.mark.parametrize("name", list(FALSE))
def test_false_claims_of_the_same_shapes_are_not_proved(name):
    assert prove(FALSE[name], seconds=3) is None


# A closed domain end where a power with a variable exponent has base 0: the end is a case of its own.
UNIT_LEFT_OPEN = Domain(0, 1, lo_open=True)
END_TRUE = {
    "(1 - x)^(1/x) <= 1/e on (0, 1]": claim("(1 - x)**(1/x)", "<=", "exp(-1)", [("x", UNIT_LEFT_OPEN)]),
    "(1 - 2/k)^k <= e^-2 for integers k >= 2": claim("(1 - 2/k)**k", "<=", "exp(-2)",
                                                     [("k", Domain(2, float("inf"), integer=True))]),
}
END_FALSE = {
    "(1 - x)^(1/x) <= e^-2": claim("(1 - x)**(1/x)", "<=", "exp(-2)", [("x", UNIT_LEFT_OPEN)]),
    "(1 - 2/k)^k <= e^-3": claim("(1 - 2/k)**k", "<=", "exp(-3)", [("k", Domain(2, float("inf"), integer=True))]),
}


@pytest.mark.parametrize("name", list(END_TRUE))
def test_a_degenerate_domain_end_is_a_case_and_the_split_replays(name):
    proof = prove(END_TRUE[name], seconds=8)
    assert proof is not None and proof.certificate["kind"] == "cases" and "end" in proof.certificate, name
    cert = proof.certificate
    ok, why = replay(cert)
    assert ok, why
    at, rest = cert["cases"]
    x = cert["end"]["variable"]
    assert x not in at["symbols"] and rest["symbols"][x][f"{cert['end']['side']}_open"]
    corrupt = {
        "the point moved": {**cert, "end": {**cert["end"], "point": "3/2"}},
        "the end case dropped": {**cert, "cases": [None, rest]},
        "the end left closed": {**cert, "cases": [at, {**rest, "symbols": cert["symbols"]}]},
        "the gap shifted": {**cert, "gap": f"-1 + {cert['gap']}"},
    }
    for what, bad in corrupt.items():
        assert not replay(bad)[0], what


@pytest.mark.parametrize("name", list(END_FALSE))
def test_false_claims_with_a_degenerate_end_are_not_proved(name):
    assert prove(END_FALSE[name], seconds=3) is None
