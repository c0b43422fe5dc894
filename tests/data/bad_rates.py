"""Rate claims with bad input, as a user might write them: each must give ERROR (or INCONCLUSIVE), never a pass."""
from boundlab import Claim
from boundlab.theory.catalogue.caulking2026 import DERIVED, INF, alpha_w, beta, err, n

COMMON = dict(lhs="err", rel="=", rhs="-2*alpha*beta/(2*alpha*beta + 1)", statistic="rate", params=(alpha_w, beta, n),
              quantities=(err,), scenario="caulking", samples=8, provenance=DERIVED)

alpha_outside = Claim(id="badrate.alpha_outside", title="alpha outside (0, 1]", over=("n", (300, 3000, 30000)),
                      grid=({"alpha": 1.5, "beta": 1, "m": INF},), **COMMON)

short_grid = Claim(id="badrate.short_grid", title="Two sizes only", over=("n", (300, 3000)),
                   grid=({"alpha": 0.5, "beta": 1, "m": INF},), **COMMON)

narrow_grid = Claim(id="badrate.narrow_grid", title="Sizes spanning less than a factor of two",
                    over=("n", (1000, 1200, 1400)), grid=({"alpha": 0.5, "beta": 1, "m": INF},), **COMMON)
