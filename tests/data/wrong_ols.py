"""Slips in the classical OLS risk sigma^2 d/(n - d - 1), as a user would write them in a --file module: the
denominator shifted to n - d, the trace factor d dropped, and, under covariate shift, the trace tr(Sigma_T Sigma^-1)
taken as d. All must be VIOLATED."""
from boundlab import Claim
from boundlab.theory.catalogue.classical import OLS, d, n_ols, noise_ols, ols_excess, ols_risk_covariate_shift, ols_shift_excess

GRID = ({"d": 8, "p": 20, "source_noise": 1.0, "spectrum": 0.0, "f": 1},
        {"d": 15, "p": 40, "source_noise": 0.5, "spectrum": 1.5, "f": 1})
COMMON = dict(lhs="source_excess", rel="=", statistic="mean", params=(d, n_ols, noise_ols), quantities=(ols_excess,),
              hypotheses=("p >= d + 4",), provenance=OLS, scenario="transfer_curves", samples=20000, grid=GRID)

shifted_denominator = Claim(id="wrong.ols_shifted_denominator", title="OLS risk with n - d (wrong)",
                            rhs="source_noise**2*d/(p - d)", **COMMON)
missing_trace = Claim(id="wrong.ols_missing_trace", title="OLS risk without the trace factor d (wrong)",
                      rhs="source_noise**2/(p - d - 1)", **COMMON)

# under covariate shift, the trace tr(Sigma_T Sigma^-1) replaced by d (as if there were no shift)

shift_trace_as_d = Claim(
    id="wrong.ols_shift_trace_as_d", title="OLS risk under covariate shift with d for the trace (wrong)",
    lhs="shifted_source_excess*(p - d - 1)/(source_noise**2*d)", rel="=", rhs="1", statistic="mean",
    params=(d, n_ols, noise_ols), quantities=(ols_shift_excess,), hypotheses=("p >= d + 4",), provenance=OLS,
    scenario="transfer_curves", samples=20000, grid=ols_risk_covariate_shift.grid)
