"""The check pipeline: planted errors are caught, true claims are not flagged, witnesses replay, bad input errors."""
import json
from pathlib import Path

import pytest

from boundlab.theory import Registry
from boundlab.verify.check import check
from boundlab.verify.measure import replay
from boundlab.verify.verdict import CONSISTENT, ERROR, PROVED, VIOLATED

DATA = Path(__file__).parent.parent / "data"
REG = Registry.catalogue([str(DATA / "planted_claims.py"), str(DATA / "bad_claims.py")])
PLANTED = ["planted.mean_squared", "planted.variance_halved", "planted.mean_as_bound"]
# analytic claims: tests/test_benchmark.py; curve claims (rates, trends, bounds): tests/test_caulking2026.py
EMPIRICAL = [c.id for c in Registry.catalogue() if c.kind == "empirical" and not c.stat.curve]


@pytest.mark.parametrize("seed", range(20))
def test_planted_errors_are_violated_with_the_default_budget_for_every_seed(seed):
    for cid in PLANTED:
        res = check(REG.get(cid), seed=seed)
        assert res.verdict == VIOLATED, (cid, seed, res.evidence)
        assert res.witness["seed"] == seed and "point" in res.witness


@pytest.mark.parametrize("seed", [pytest.param(s, marks=pytest.mark.slow) for s in range(20)])  # the sweep
def test_catalogue_claims_come_out_as_expected_across_seeds(seed):
    """True empirical claims are never VIOLATED (nor INCONCLUSIVE); the known-false claim is always refuted."""
    for cid in EMPIRICAL:
        res = check(REG.get(cid), seed=seed, quick=True)
        assert res.as_expected, (cid, seed, res.verdict, res.evidence)


def test_witness_of_an_almost_sure_violation_replays():
    claim = REG.get("planted.mean_as_bound")
    res = check(claim, seed=5)
    again = replay(claim, res.witness)
    assert again["lhs"] == res.witness["lhs"] and again["rhs"] == res.witness["rhs"]
    assert again["lhs"] > again["rhs"]


def test_known_false_claim_is_refuted_at_the_notes_instance():
    """our study notes on Shachaf et al. (2021) 2.1: d = 2, n = 1, Sigma = diag(1, 0.01), Delta = e_2: L > L_S w.p. 0.994."""
    claim = REG.get("shachaf2021.never_hurts")
    res = check(claim, seed=0)
    assert res.verdict == VIOLATED and res.as_expected
    w = res.witness
    assert w["lhs"] > w["rhs"]
    assert replay(claim, w)["L"] == w["measured"]["L"]


def test_same_seed_same_json_and_different_seed_differs():
    claim = REG.get("shachaf2021.isotropic_risk_mean")
    a, b, c = (check(claim, seed=s, quick=True) for s in (4, 4, 5))
    dump = lambda r: json.dumps({k: v for k, v in r.to_json().items() if k != "seconds"}, sort_keys=True)
    assert dump(a) == dump(b) and dump(a) != dump(c)


@pytest.mark.parametrize("cid, message", [
    ("bad.contradictory", "contradictory"),
    ("bad.outside_hypotheses", "grid point 1 ({'d': 20, 'n': 30}) is outside the claim's hypotheses"),
    ("bad.not_psd", "not positive semidefinite"),
    ("bad.nan_scenario", "non-finite value"),
])
def test_bad_input_gives_error_naming_claim_and_cause(cid, message):
    res = check(REG.get(cid))
    assert res.verdict == ERROR and not res.as_expected
    assert res.evidence["error"].startswith(f"claim {cid}") and message in res.evidence["error"]


def test_a_formula_with_an_imaginary_part_is_an_error_never_its_real_part():
    """A negative parameter to a fractional power is complex in SymPy: the claim cannot be judged on the real part
    (a mutant 'exponent 2 -> 3/2' of a claim with a negative scale was once killed on it)."""
    import numpy as np
    import sympy as sp

    from boundlab.verify.measure import formula_values
    from boundlab.verify.scenarios import ScenarioError

    x, a = sp.Symbol("x", real=True), sp.Symbol("alpha", negative=True)
    with pytest.raises(ScenarioError, match=r"complex value \(2 of 2 instances\)"):
        formula_values(a ** sp.Rational(3, 2) * x, {x: np.array([1.0, 4.0]), a: -2.0}, 2)
    with pytest.raises(ScenarioError, match=r"non-finite value \(1 of 2 instances\).*root or logarithm"):
        formula_values(x ** sp.Rational(3, 2), {x: np.array([-1.0, 4.0])}, 2)
    assert formula_values(a ** 2 * x, {x: np.array([1.0, 4.0]), a: -2.0}, 2).tolist() == [4.0, 16.0]


def test_analytic_claims_are_proved():
    for cid in ("shachaf2021.beta_mean_identity", "shachaf2021.beta_variance_identity",
                "shachaf2021.isotropic_sample_complexity", "shachaf2021.isotropic_mean_below_source"):
        assert check(REG.get(cid)).verdict == PROVED


def test_inconclusive_when_the_budget_cannot_resolve(tmp_path):
    from boundlab.theory import Claim
    from boundlab.theory.catalogue.shachaf2021 import isotropic_risk_mean

    small = Claim(**{**{k: getattr(isotropic_risk_mean, k) for k in (
        "title", "lhs", "rel", "rhs", "provenance", "params", "quantities", "hypotheses", "statistic",
        "scenario", "grid")}, "id": "t.small", "samples": 20, "resolution": 0.001})
    res = check(small)
    assert res.verdict == "INCONCLUSIVE" and not res.as_expected
    assert any("resolution" in p.get("note", "") for p in res.evidence["points"])


def test_consistent_carries_evidence():
    res = check(REG.get("shachaf2021.isotropic_risk_quantile"), seed=1)
    assert res.verdict == CONSISTENT
    # the probability is exactly 1 - delta, so each Clopper-Pearson interval must cover it
    for point in res.evidence["points"]:
        assert point["interval"]["lo"] <= point["claimed"] <= point["interval"]["hi"]


CLAIM_FILE = '''
import torch
from boundlab.theory import Claim, Param, Provenance, Quantity, POSITIVE
from boundlab.verify.scenarios import Scenario, register_scenario


class Shifted(Scenario):
    """x ~ N(mu, 1)."""
    name = "test_check_user_shifted_normal"
    quantities = {"x": "normal draws"}
    inputs = {"mu": 1.0}

    def measure(self, point, batch, gen, wanted):
        return {"x": point["mu"] + torch.randn(batch, generator=gen, dtype=torch.float64)}


register_scenario(Shifted)
mu = Param("mu", POSITIVE, r"\\mu")
x = Quantity("x", "x")
mine = Provenance("derived", "mine", "Me (2026)")
# E[x] = mu <= 2: loose at mu = 0.5, nearly tight at mu = 1.9
bound = Claim(id="mine.bound", title="A bound with room at one point only", lhs="x", rel="<=", rhs="2",
              statistic="mean", params=(mu,), quantities=(x,), provenance=mine, scenario="%s",
              grid=({"mu": 0.5}, {"mu": 1.9}), samples=%d)
# P(x <= mu + 1.2816) = 0.9: claimed at level 0.9 with 32 trials
rare = Claim(id="mine.rare", title="A probability checked on 32 trials", lhs="x", rel="<=", rhs="mu + 1.2816",
             statistic="prob", prob="0.9", params=(mu,), quantities=(x,), provenance=mine,
             scenario="test_check_user_shifted_normal", grid=({"mu": 0.5},), samples=32)
'''


def test_the_table_names_the_point_nearest_to_violating_a_bound(tmp_path, capsys):
    """From the user's side: a claim file through `boundlab check --file`; the table, the JSON and the exit status.
    The worst point of E[x] <= 2 is mu = 1.9 (nearly tight), not mu = 0.5 (farthest from 2)."""
    from boundlab.verify.cli import main

    path = tmp_path / "mine.py"
    path.write_text(CLAIM_FILE % ("test_check_user_shifted_normal", 4000))
    out = tmp_path / "out.json"
    status = main(["check", "--file", str(path), "mine.bound", "mine.rare", "--json", str(out)])
    table = capsys.readouterr().out
    assert status == 1  # the 32-trial probability cannot be confirmed
    bound_line = table.split("mine.bound")[1].split("mine.rare")[0]
    measured = float(bound_line.split("worst of 2 point(s): measured ")[1].split()[0])
    assert abs(measured - 1.9) < 0.1 and "detects a deviation of" in bound_line
    rows = {r["id"]: r for r in json.loads(out.read_text())["results"]}
    assert rows["mine.bound"]["verdict"] == CONSISTENT
    assert rows["mine.bound"]["evidence"]["detectable_relative"] > 0
    assert rows["mine.rare"]["verdict"] == "INCONCLUSIVE"
    rare = rows["mine.rare"]["evidence"]["points"][0]
    assert rare["stages"] == 5 and rare["instances"] == 512 and "too few trials to confirm" in rare["note"]


def test_the_issue_probability_claim_states_its_power():
    """shachaf2021.ntk_finetune_beats_scratch was CONSISTENT on 31 of 32 trials, which could not have detected
    even a true probability of 0.14 against the claimed 0.9; now it runs enough trials to detect 0.52 or less."""
    res = check(REG.get("shachaf2021.ntk_finetune_beats_scratch"), quick=True)
    from boundlab.verify.render import brief

    assert res.verdict == CONSISTENT, brief(res)
    p = res.evidence["points"][0]
    assert p["interval"]["n"] >= 128 and p["detectable"] <= 2 * 0.25 * 0.9
    assert "detects a probability 0.381 or more below the claimed" in brief(res)


def test_an_error_without_a_message_is_named_by_its_type():
    from boundlab.verify.check import _named

    claim = REG.get("planted.mean_squared")
    assert _named(claim, MemoryError()) == "claim planted.mean_squared: ran out of memory"
    assert _named(claim, StopIteration()) == "claim planted.mean_squared: StopIteration"
