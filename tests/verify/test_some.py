"""Existential claims (`statistic="some"`: "pre-training can hurt", "the risk can exceed its mean"), as a user
writes them in a claim file and checks them from the command line. One instance anywhere establishes the claim, and
is shown; only silence at every grid point refutes it, and only when the instances would have revealed an event of
probability `resolution` (with probability 1 - alpha). Each verdict here is known by hand: an excess risk exceeds
its mean on about half the draws, and is a squared norm, never negative."""
import json

import pytest

from boundlab.theory import Claim, Provenance
from boundlab.theory.latex import claim_latex
from boundlab.theory.registry import load_file
from boundlab.verify.cli import main
from boundlab.verify.figures import figure_data
from boundlab.verify.stats import detectable_rate
from boundlab.verify.verdict import Result

CLAIMS = '''
from boundlab.theory import Claim, Provenance
from boundlab.theory.catalogue import classical as c

P = Provenance("derived", "mine", "Me (2026)")
mean = "beta2*(1 - n/d) + sigma**2*n/(d - n - 1)"
common = dict(statistic="some", params=(c.d, c.n, c.noise, c.beta2), quantities=(c.risk,), provenance=P,
              scenario="gaussian_design")
ONE = {"d": 40, "n": 15, "sigma": 0.7, "beta2": 1.69}
above = Claim(id="mine.above", title="t", lhs="risk", rel=">", rhs=mean, samples=400, grid=(ONE,), **common)
negative = Claim(id="mine.negative", title="t", lhs="risk", rel="<", rhs="0", samples=400,
                 grid=(ONE, {"d": 20, "n": 30, "sigma": 0.1, "beta2": 1.0}), **common)
few = Claim(id="mine.few", title="t", lhs="risk", rel="<", rhs="0", samples=20, grid=(ONE,), **common)
'''


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("some")
    (folder / "mine.py").write_text(CLAIMS)
    code = main(["check", "--file", str(folder / "mine.py"), "--json", str(folder / "out.json")])
    claims = {c.id: c for c in vars(load_file(folder / "mine.py")).values() if isinstance(c, Claim)}
    return code, {r["id"]: r for r in json.loads((folder / "out.json").read_text())["results"]}, claims


def test_one_instance_establishes_it_and_is_shown(checked):
    _, results, claims = checked
    result = results["mine.above"]
    assert result["verdict"] == "CONSISTENT", result
    point = result["evidence"]["points"][0]
    example = point["example"]
    assert example["lhs"] > example["rhs"] and example["measured"]["risk"] == example["lhs"]
    assert 0.3 < point["events"] / point["instances"] < 0.7  # about half the draws lie above the mean


def test_silence_everywhere_refutes_it_with_the_power_stated(checked):
    code, results, _ = checked
    result = results["mine.negative"]
    assert result["verdict"] == "VIOLATED" and code == 1
    w = result["witness"]
    assert w["events"] == 0 and w["instances"] == 800
    assert w["detectable_rate"] == pytest.approx(detectable_rate(400, 1e-6 / 2)) and w["detectable_rate"] < 0.05


def test_too_few_instances_to_refute_is_inconclusive(checked):
    _, results, _ = checked
    result = results["mine.few"]
    assert result["verdict"] == "INCONCLUSIVE"
    assert "too few to rule out an event of probability 0.05" in result["evidence"]["points"][0]["note"]


def test_the_statement_and_the_figure(checked):
    _, results, claims = checked
    assert r"\text{for some instance}" in claim_latex(claims["mine.above"])
    assert "for some instance, at some grid point" in claims["mine.above"].statement_text()
    result = Result(**{k: results["mine.above"][k] for k in ("id", "verdict", "method", "evidence", "witness")})
    panels = figure_data(claims["mine.above"], result, 0, False)["panels"]
    assert panels[0]["kind"] == "boxes"


def test_an_existential_claim_needs_a_measured_quantity():
    with pytest.raises(Exception, match="needs a measured quantity"):
        Claim(id="t.c", title="t", lhs="1", rel="<", rhs="2", statistic="some", scenario="gaussian_design",
              grid=({},), provenance=Provenance("derived", "t", "t"))


def test_a_true_existential_claim_is_found_at_every_one_of_20_seeds(tmp_path):
    from boundlab.verify.check import check

    path = tmp_path / "mine.py"
    path.write_text(CLAIMS)
    claim = {c.id: c for c in vars(load_file(path)).values() if isinstance(c, Claim)}["mine.above"]
    assert {check(claim, seed=s).verdict for s in range(20)} == {"CONSISTENT"}
