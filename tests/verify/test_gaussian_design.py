"""The gaussian_design scenario: two estimates of one expectation agree, slips in the classical identities are
VIOLATED, and bad input gets a clear error."""
import numpy as np
import pytest
import torch
from pathlib import Path

from theory.registry import load_file
from verify.check import check
from verify.scenarios import ScenarioError, get_scenario

SC = get_scenario("gaussian_design")


@pytest.mark.parametrize("point", [{"d": 30, "n": 12, "spectrum": 1.0, "sigma": 0.8},
                                   {"d": 10, "n": 25, "spectrum": 0.5, "ridge": 0.1}])
def test_drawn_noise_and_noise_averaged_risk_agree(point):
    """The risk with drawn label noise and its exact average over the noise given X (note T3) estimate the same
    mean: their difference is within 4 standard errors."""
    out = SC.run(point, 6000, torch.Generator().manual_seed(0), {"risk", "noise_avg_risk"})
    diff = out["risk"] - out["noise_avg_risk"]
    assert abs(diff.mean()) < 4 * diff.std(ddof=1) / np.sqrt(diff.size)
    assert out["noise_avg_risk"].std() < out["risk"].std()


def test_slips_in_classical_identities_are_violated():
    module = load_file(Path(__file__).resolve().parents[1] / "data" / "wrong_classical.py")
    for claim in (module.isserlis_without_two, module.wishart_second_shifted, module.minnorm_variance_shifted,
                  module.equivalent_at_small_n):
        res = check(claim, quick=True)
        assert res.verdict == "VIOLATED", (claim.id, res.evidence)


@pytest.mark.parametrize("point, wanted, message", [
    ({"d": 5, "n": 6}, "tr_inv", "needs n >= 7"),
    ({"d": 5, "n": 8}, "tr_inv2", "needs n >= 9"),
    ({"d": 5, "n": 8}, "de_risk", "features outnumber the samples"),
    ({"d": 0, "n": 8}, "tr_A", "d must be an integer >= 1"),
    ({"d": 3, "n": 8, "sigma": -1.0}, "tr_A", "sigma must be a number >= 0"),
    ({"d": 3, "n": 8, "rank": 2}, "tr_A", "does not take rank"),
])
def test_bad_input_is_named(point, wanted, message):
    with pytest.raises(ScenarioError, match=message):
        SC.run(point, 4, torch.Generator().manual_seed(0), {wanted})
