"""A user's own worst-case program, as a claim file: Q(v) = lam v^T A v with A = diag(1/4, 1/400, ..., 1/400) in
d = 50, so sup over unit v of Q is lam/4 while a random unit direction gives about lam/200. The simulation of random
directions cannot see a bound that is too small; the worst-case program must."""
import numpy as np
import torch

from boundlab import POSITIVE, Claim, Param, Provenance, Quantity
from boundlab import Instance, Scenario, register_scenario

D = 50


def spectrum(lam: float) -> np.ndarray:
    return lam * np.array([1 / 4] + [1 / 400] * (D - 1))


class SpikedForm(Scenario):
    name = "user_spiked_form"
    description = "Q(v) = lam v^T A v, A = diag(1/4, 1/400, ...), at a uniformly random unit v in R^50"
    quantities = {"Q": "lam v^T A v at a random unit direction v"}
    inputs = {"lam": 1.0}

    def measure(self, point, batch, gen, wanted):
        a = torch.as_tensor(spectrum(point["lam"]))
        v = torch.randn(batch, D, generator=gen, dtype=torch.float64)
        v = v / v.norm(dim=1, keepdim=True)
        return {"Q": (v * v * a).sum(dim=1)}

    def instance(self, point, gen):
        a = np.diag(spectrum(self.resolve(point)["lam"]))
        return Instance(forms={"Q": a}, variable="v", replay=lambda v: {"Q": float(np.asarray(v) @ a @ v)},
                        data={"A": a})


register_scenario(SpikedForm())
lam = Param("lam", POSITIVE, r"\lambda")
Q = Quantity("Q", "Q(v)", "the quadratic form at a unit direction")
mine = Provenance("derived", "mine", "Me (2026)")
common = dict(lhs="Q", rel="<=", statistic="as", params=(lam,), quantities=(Q,), scenario="user_spiked_form",
              samples=500, grid=({"lam": 0.5}, {"lam": 2.0}), provenance=mine, worstcase="Q")

halved = Claim(id="mine.spiked_halved", title="sup Q <= lam/8 (the top eigenvalue halved: wrong)", rhs="lam/8",
               **common)
exact = Claim(id="mine.spiked_exact", title="sup Q <= lam/4", rhs="lam/4", **common)
