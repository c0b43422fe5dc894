"""Derivations that are well formed Python but cannot be checked as given: each must give a clear ERROR."""
from boundlab import Derivation, Param, Provenance, Step, SIZE

n, d = Param("n", SIZE), Param("d", SIZE)
PROV = Provenance("derived", "test", "Test (2026)")

unknown_hint = Derivation(
    id="bad.unknown_hint", title="A hint naming a claim that does not exist", params=(n,), provenance=PROV,
    start="n", steps=[Step("<=", "n**2", hint="squares grow", uses="classical.no_such_claim")])

contradictory = Derivation(
    id="bad.contradictory_chain", title="Contradictory hypotheses", params=(n, d), provenance=PROV,
    hypotheses=("n < d", "n > d + 1"), start="n", steps=[("<=", "d", "")])
