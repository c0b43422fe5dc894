"""Slips in the classical Gaussian-design identities, as a user would write them in a --file module. All must be
VIOLATED: Isserlis' identity without its factor 2; the inverse Wishart second moment with n - d - 2 for n - d - 3;
the minimum-norm variance with d - n for d - n - 1; and the deterministic equivalent trusted to 3% far from the
proportional limit (n = 8, where it is off by about 9%)."""
from boundlab import Claim
from boundlab.theory.catalogue import classical as c

isserlis_without_two = Claim(
    id="wrong.isserlis_without_two", title="Fourth moment with tr(SASB) once (wrong)",
    lhs="quartic", rel="=", rhs="pop_SASB + pop_SA*pop_SB", quantities=(c.quartic, c.pop_SASB, c.pop_SA, c.pop_SB),
    provenance=c.GAUSS, samples=100_000, grid=c.gaussian_fourth_moment_matrix.grid, **c.DESIGN)

wishart_second_shifted = Claim(
    id="wrong.wishart_second_shifted", title="Inverse Wishart second moment with n - d - 2 (wrong)",
    lhs="tr_inv2", rel="=", rhs="(pop_prec*pop_inv + (n - d - 1)*pop_inv2)/((n - d)*(n - d - 1)*(n - d - 2))",
    params=(c.d, c.n), quantities=(c.tr_inv2, c.pop_prec, c.pop_inv, c.pop_inv2), hypotheses=("n >= d + 4",),
    provenance=c.WISHART, samples=20000, grid=c.inverse_wishart_second_moment.grid, **c.DESIGN)

minnorm_variance_shifted = Claim(
    id="wrong.minnorm_variance_shifted", title="Min-norm risk with d - n in the variance (wrong)",
    lhs="risk", rel="=", rhs="beta2*(1 - n/d) + sigma**2*n/(d - n)", params=(c.d, c.n, c.noise, c.beta2),
    quantities=(c.risk,), hypotheses=("d >= n + 2",), provenance=c.MINNORM, samples=4000, **c.DESIGN,
    grid=({"d": 12, "n": 8, "sigma": 1.0, "beta2": 1.0},))

equivalent_at_small_n = Claim(
    id="wrong.equivalent_at_small_n", title="The deterministic equivalent to 3% at n = 8 (wrong)",
    lhs="noise_avg_risk", rel="=", rhs=c.ridgeless_equivalent.rhs, params=(c.n, c.noise),
    quantities=(c.noise_avg_risk, c.kappa, c.df2, c.beta_res), provenance=c.DE, samples=2000, tol=0.03,
    grid=({"d": 20, "n": 8, "spectrum": 1.5, "sigma": 0.5},), **c.DESIGN)
