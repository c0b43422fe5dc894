"""The Lambert W layer (numerics/prover/lambert.py): claims holding W_k(z(x)) are proved in the new variable
w = W_k(z(x)), the certificate replays, a corrupted substitution is rejected, and false claims are not proved."""
import json

import pytest

from boundlab.numerics.prover import prove
from boundlab.theory import POSITIVE, Claim, Param, Provenance

from certificate_checker import check as replay

PROV = Provenance("classical", "textbook", "textbook")
A = Param("A", POSITIVE)
X = Param("x", POSITIVE)


def claim(lhs, rel, rhs, params, hypotheses=()):
    return Claim(id="t.lambert", title="lambert", lhs=lhs, rel=rel, rhs=rhs, params=params, hypotheses=hypotheses,
                 provenance=PROV)


TRUE = {
    "W(x) e^W(x) = x": claim("LambertW(x)*exp(LambertW(x))", "=", "x", (X,)),
    "e^W(x) = x/W(x)": claim("exp(LambertW(x))", "=", "x/LambertW(x)", (X,)),
    "W(x) <= log(1 + x)": claim("LambertW(x)", "<=", "log(1 + x)", (X,)),
    "-W_{-1}(-1/A) >= log(A)": claim("-LambertW(-1/A, -1)", ">=", "log(A)", (A,), ("A > E",)),
    "the lower branch is <= -1": claim("-LambertW(-1/(2*A), -1)", ">=", "1", (A,), ("2*A >= E",)),
    "n = -A W_{-1}(-1/A) >= A": claim("-A*LambertW(-1/A, -1)", ">=", "A", (A,), ("A > E",)),
}
FALSE = {
    "W(x) >= log(1 + x)": claim("LambertW(x)", ">=", "log(1 + x)", (X,)),
    "-W_{-1}(-1/A) <= log(A)": claim("-LambertW(-1/A, -1)", "<=", "log(A)", (A,), ("A > E",)),
    "W_{-1} outside its domain: A in (0, e) allowed": claim("-LambertW(-1/A, -1)", ">=", "1", (A,)),
    "just outside: A > e - 1/1000": claim("-LambertW(-1/A, -1)", ">=", "1", (A,), ("A > E - 1/1000",)),
}


@pytest.fixture(scope="module")
def proofs():
    return {name: prove(c, seconds=8) for name, c in TRUE.items()}


@pytest.mark.parametrize("name", list(TRUE))
def test_the_claim_is_proved_in_the_new_variable_and_replays(proofs, name):
    proof = proofs[name]
    assert proof is not None and proof.certificate["kind"] == "lambert", name
    ok, why = replay(proof.certificate)
    assert ok, why


def _corruptions(cert):
    red = cert["reduced"]
    yield "another inverse", {**cert, "inverse": f"2*({cert['inverse']})"}
    yield "a branch condition dropped", {**cert, "conditions": cert["conditions"][:-1]}
    yield "the reduced gap shifted", {**cert, "reduced": {**red, "gap": f"1 + {red['gap']}"}}
    info = red["symbols"][cert["w"]]
    yield "a wider range", {**cert, "reduced": {**red, "symbols": {**red["symbols"], cert["w"]: {**info, "lo": -2}}}}
    if red["hypotheses"]:
        yield "a hypothesis dropped", {**cert, "reduced": {**red, "hypotheses": red["hypotheses"][1:]}}
    other = json.loads(json.dumps(cert))
    other["atom"] = other["atom"].replace("LambertW(", "LambertW(2*", 1)
    yield "another atom", other


@pytest.mark.parametrize("name", list(TRUE))
def test_a_corrupted_substitution_is_rejected(proofs, name):
    for what, bad in _corruptions(proofs[name].certificate):
        ok, _ = replay(bad)
        assert not ok, (name, what)


@pytest.mark.parametrize("name", list(FALSE))
def test_false_claims_are_not_proved(name):
    assert prove(FALSE[name], seconds=3) is None
