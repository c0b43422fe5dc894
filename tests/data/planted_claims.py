"""Claims with planted errors, as a user might write them in a --file module: each must be VIOLATED."""
from boundlab import Claim
from boundlab.theory.catalogue.shachaf2021 import DERIVED, Delta, L, d, isotropic_risk_mean, isotropic_risk_variance, n, sigma

COMMON = dict(params=(d, n, sigma, Delta), quantities=(L,), scenario="linear_finetune", provenance=DERIVED)

mean_squared = Claim(
    id="planted.mean_squared", title="Isotropic mean risk with the factor squared (wrong)",
    lhs="L", rel="=", rhs="(1 - n/d)**2*sigma**2*Delta**2", statistic="mean", hypotheses=("n <= d",),
    grid=isotropic_risk_mean.grid, **COMMON)

variance_halved = Claim(
    id="planted.variance_halved", title="Variance of the normalised risk with the constant halved (wrong)",
    lhs="L/(sigma**2*Delta**2)", rel="=", rhs="n*(d - n)/(d**2*(d + 2))", statistic="var",
    hypotheses=("n < d",), grid=isotropic_risk_variance.grid, **COMMON)

mean_as_bound = Claim(
    id="planted.mean_as_bound", title="The mean used as an almost-sure bound (wrong)",
    lhs="L", rel="<=", rhs="(1 - n/d)*sigma**2*Delta**2", statistic="as", hypotheses=("n <= d",),
    grid=isotropic_risk_mean.grid, **COMMON)
