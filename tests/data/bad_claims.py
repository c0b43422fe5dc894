"""Claims that are well formed but cannot be checked as given: each must give ERROR with a clear message."""
import torch

from boundlab import Claim, Quantity
from boundlab.theory.catalogue.shachaf2021 import DERIVED, L, d, n
from boundlab import Scenario, register_scenario

contradictory = Claim(
    id="bad.contradictory", title="Contradictory hypotheses", lhs="L", rel="<=", rhs="1", statistic="as",
    params=(d, n), quantities=(L,), hypotheses=("n < d", "n > d + 1"), scenario="linear_finetune",
    provenance=DERIVED, grid=({"d": 50, "n": 10},))

outside = Claim(
    id="bad.outside_hypotheses", title="A grid point outside the hypotheses", lhs="L", rel="=",
    rhs="1 - n/d", statistic="mean", params=(d, n), quantities=(L,), hypotheses=("n < d",),
    scenario="linear_finetune", provenance=DERIVED, grid=({"d": 50, "n": 10}, {"d": 20, "n": 30}))

not_psd = Claim(
    id="bad.not_psd", title="A covariance that is not PSD", lhs="L", rel="<=", rhs="10", statistic="as",
    quantities=(L,), scenario="linear_finetune", provenance=DERIVED,
    grid=({"d": 2, "n": 1, "covariance": "matrix", "Sigma": [[1.0, 2.0], [2.0, 1.0]]},))


class NaNScenario(Scenario):
    """A broken user scenario: its measured quantity is NaN on some instances."""

    name = "nan_demo"
    quantities = {"Q": "a quantity that is sometimes NaN"}
    inputs = {"m": 10}

    def measure(self, point, batch, gen, wanted):
        q = torch.rand(batch, generator=gen, dtype=torch.float64)
        q[::7] = float("nan")
        return {"Q": q}


register_scenario(NaNScenario())
Q = Quantity("Q", "Q", "a quantity that is sometimes NaN")
nan_claim = Claim(
    id="bad.nan_scenario", title="A scenario yielding NaN", lhs="Q", rel="<=", rhs="1", statistic="as",
    quantities=(Q,), scenario="nan_demo", provenance=DERIVED, grid=({"m": 10},))
