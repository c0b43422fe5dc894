"""Textbook facts that the transfer-learning claims and derivations rely on (`classical` provenance).

Gaussian moments (Isserlis; shared/papers/linear_transfer.md, T1: the fourth moment 3 sigma^4 is why alpha = 3 in
the Zou/Wu fourth-moment assumption), Beta moments (the isotropic fine-tuning risk is Beta distributed,
shared/papers/shachaf2021.md), and the elementary inequalities used in concentration bounds.
"""
import math

from theory import (NONNEGATIVE, POSITIVE, SIZE, UNIT_OPEN, Claim, Derivation, Domain, Param, Provenance, Quantity,
                    Step)


def textbook(source: str) -> Provenance:
    return Provenance("classical", "textbook", source)


GAUSS = textbook("Gaussian moments (Isserlis' theorem)")
BETA = textbook("moments of the Beta distribution")
CALCULUS = textbook("elementary inequalities of calculus")

REAL = Domain(-math.inf, math.inf)

sigma = Param("sigma", POSITIVE, r"\sigma", "standard deviation of a centred Gaussian")
a = Param("a", POSITIVE, "a", "first shape parameter of a Beta law")
b = Param("b", POSITIVE, "b", "second shape parameter of a Beta law")
x = Param("x", REAL, "x", "a real number")
x_gt_m1 = Param("x", Domain(-1, math.inf, lo_open=True, hi_open=True), "x", "a real number above $-1$")
x_ge_m1 = Param("x", Domain(-1, math.inf, hi_open=True), "x", "a real number, at least $-1$")
x_pos = Param("x", POSITIVE, "x", "a positive number")
x_nonneg = Param("x", NONNEGATIVE, "x", "a non-negative number")
u = Param("u", NONNEGATIVE, "u", "a non-negative number")
v = Param("v", NONNEGATIVE, "v", "a non-negative number")
l1 = Param("l1", POSITIVE, r"\lambda_1", "a positive number (an eigenvalue)")
l2 = Param("l2", POSITIVE, r"\lambda_2", "a positive number (an eigenvalue)")
delta = Param("delta", UNIT_OPEN, r"\delta", "failure probability")
d = Param("d", SIZE, "d", "dimension (or capacity)")
n = Param("n", SIZE, "n", "number of samples")

DENSITY = "exp(-x**2/(2*sigma**2))/(sqrt(2*pi)*sigma)"  # x is the integration variable
# Beta moments as integrals over (0, oo): with x = y/(1 + y), E[X^k] = int_0^oo y^(a+k-1) (1+y)^(-a-b-k) dy / B(a, b)
# (the Beta-prime form; SymPy integrates it in closed form at once, unlike the form over (0, 1))

gaussian_second_moment = Claim(
    id="classical.gaussian_second_moment",
    title="Second moment of a centred Gaussian",
    doc="E[X^2] = sigma^2 for X ~ N(0, sigma^2), as an integral against the density.",
    lhs=f"integrate(x**2*{DENSITY}, (x, -oo, oo))", rel="=", rhs="sigma**2", params=(sigma,), provenance=GAUSS,
)

gaussian_fourth_moment = Claim(
    id="classical.gaussian_fourth_moment",
    title="Fourth moment of a centred Gaussian",
    doc="E[X^4] = 3 sigma^4 for X ~ N(0, sigma^2) (linear_transfer.md, T1: the constant 3 of the fourth-moment "
        "assumption is tight for Gaussian data).",
    lhs=f"integrate(x**4*{DENSITY}, (x, -oo, oo))", rel="=", rhs="3*sigma**4", params=(sigma,), provenance=GAUSS,
)

beta_mean = Claim(
    id="classical.beta_mean",
    title="Mean of the Beta law, from the integral",
    doc="E[X] = a/(a + b) for X ~ Beta(a, b). The integral of x against the density over (0, 1) is written in the "
        "variable y = x/(1 - x), which turns it into int_0^oo y^a (1 + y)^(-a - b - 1) dy / B(a, b).",
    lhs="integrate(y**a*(1 + y)**(-a - b - 1), (y, 0, oo))/beta(a, b)", rel="=", rhs="a/(a + b)", params=(a, b), provenance=BETA,
)

beta_second_moment = Claim(
    id="classical.beta_second_moment",
    title="Second moment of the Beta law, from the integral",
    doc="E[X^2] = a (a + 1)/((a + b)(a + b + 1)) for X ~ Beta(a, b), as an integral in y = x/(1 - x).",
    lhs="integrate(y**(a + 1)*(1 + y)**(-a - b - 2), (y, 0, oo))/beta(a, b)", rel="=", rhs="a*(a + 1)/((a + b)*(a + b + 1))",
    params=(a, b), provenance=BETA,
)

beta_variance = Claim(
    id="classical.beta_variance",
    title="Variance of the Beta law",
    doc="Var[X] = E[X^2] - E[X]^2 = ab/((a + b)^2 (a + b + 1)), with the moments as ratios of Beta functions.",
    lhs="beta(a + 2, b)/beta(a, b) - (beta(a + 1, b)/beta(a, b))**2", rel="=",
    rhs="a*b/((a + b)**2*(a + b + 1))", params=(a, b), provenance=BETA,
)

exp_above_tangent = Claim(
    id="classical.exp_above_tangent",
    title="The exponential lies above its tangent at zero",
    doc="exp(x) >= 1 + x for every real x (convexity of exp).",
    lhs="exp(x)", rel=">=", rhs="1 + x", params=(x,), provenance=CALCULUS,
)

log1p_below_identity = Claim(
    id="classical.log1p_below_identity",
    title="log(1 + x) lies below x",
    doc="x - log(1 + x) >= 0 for x > -1 (the same fact as exp(y) >= 1 + y).",
    lhs="x - log(1 + x)", rel=">=", rhs="0", params=(x_gt_m1,), provenance=CALCULUS,
)

log_below_tangent = Claim(
    id="classical.log_below_tangent",
    title="The logarithm lies below its tangent at one",
    doc="log(x) <= x - 1 for x > 0 (concavity of log).",
    lhs="log(x)", rel="<=", rhs="x - 1", params=(x_pos,), provenance=CALCULUS,
)

log_inverse_delta_positive = Claim(
    id="classical.log_inverse_delta_positive",
    title="The confidence term log(1/delta) is positive",
    doc="log(1/delta) > 0 for delta in (0, 1).",
    lhs="log(1/delta)", rel=">", rhs="0", params=(delta,), provenance=CALCULUS,
)

sqrt_subadditive = Claim(
    id="classical.sqrt_subadditive",
    title="The square root is subadditive",
    doc="sqrt(u + v) <= sqrt(u) + sqrt(v) for u, v >= 0 (square both sides).",
    lhs="sqrt(u + v)", rel="<=", rhs="sqrt(u) + sqrt(v)", params=(u, v), provenance=CALCULUS,
)

sqrt_concave_mean = Claim(
    id="classical.sqrt_concave_mean",
    title="The square root of a mean exceeds the mean of square roots",
    doc="(sqrt(u) + sqrt(v))/2 <= sqrt((u + v)/2) for u, v >= 0 (concavity of the square root).",
    lhs="(sqrt(u) + sqrt(v))/2", rel="<=", rhs="sqrt((u + v)/2)", params=(u, v), provenance=CALCULUS,
)

am_gm = Claim(
    id="classical.am_gm",
    title="Arithmetic and geometric means",
    doc="sqrt(l1 l2)/2 <= (l1 + l2)/4, the AM-GM inequality halved (it compares the d = 2, n = 1 mean risk "
        "sqrt(l1 l2)/2 of shachaf2021.diag2_mean with the average eigenvalue).",
    lhs="sqrt(l1*l2)/2", rel="<=", rhs="(l1 + l2)/4", params=(l1, l2), provenance=CALCULUS,
)

uniform_radius_positive = Claim(
    id="classical.uniform_radius_positive",
    title="The uniform-convergence radius is positive",
    doc="sqrt((d log n + log(1/delta))/n) > 0 for n >= 2 and delta in (0, 1).",
    lhs="sqrt((d*log(n) + log(1/delta))/n)", rel=">", rhs="0", params=(d, n, delta), hypotheses=("n >= 2",),
    provenance=CALCULUS,
)

bernoulli_inequality = Claim(
    id="classical.bernoulli_inequality",
    title="Bernoulli's inequality",
    doc="(1 + x)^n >= 1 + n x for x >= -1 and integer n >= 1.",
    lhs="(1 + x)**n", rel=">=", rhs="1 + n*x", params=(x_ge_m1, n), provenance=CALCULUS,
)

one_minus_inverse_power = Claim(
    id="classical.one_minus_inverse_power",
    title="(1 - 1/n)^n is at most 1/e",
    doc="(1 - 1/n)^n <= exp(-1) for integer n >= 1 (from 1 - y <= exp(-y)).",
    lhs="(1 - 1/n)**n", rel="<=", rhs="exp(-1)", params=(n,), provenance=CALCULUS,
)

gaussian_tail = Claim(
    id="classical.gaussian_tail",
    title="Chernoff bound on the two-sided Gaussian tail",
    doc="P(|Z| > x) = 1 - erf(x/sqrt(2)) <= exp(-x^2/2) for Z ~ N(0, 1) and x >= 0.",
    lhs="1 - erf(x/sqrt(2))", rel="<=", rhs="exp(-x**2/2)", params=(x_nonneg,), provenance=GAUSS,
)

# ---- least squares, measured (scenario transfer_curves: OLS on p >= d Gaussian samples) --------------------------
OLS = textbook("inverse Wishart moments: E[(X^T X)^-1] = Sigma^-1/(n - d - 1)")
n_ols = Param("p", SIZE, "n", "number of samples")
noise_ols = Param("source_noise", POSITIVE, r"\sigma", "standard deviation of the label noise")
ols_excess = Quantity("source_excess", r"\|\hat\beta - \beta\|_\Sigma^2",
                      "the excess risk of ordinary least squares on $n$ samples with rows $N(0, \\Sigma)$")

ols_risk = Claim(
    id="classical.ols_risk",
    title="Excess risk of ordinary least squares",
    doc="linear_transfer.md, C1-C2: beta_hat - beta = (X^T X)^-1 X^T eps, so E|beta_hat - beta|_Sigma^2 = "
        "sigma^2 tr(Sigma E[(X^T X)^-1]) = sigma^2 d/(n - d - 1), whatever Sigma is. Measured on OLS solutions "
        "(drawn exactly from their sufficient statistics, tested against explicit designs) with isotropic and "
        "power-law spectra; n >= d + 4 keeps the variance of the estimate finite.",
    lhs="source_excess", rel="=", rhs="source_noise**2*d/(p - d - 1)", statistic="mean",
    params=(d, n_ols, noise_ols), quantities=(ols_excess,), hypotheses=("p >= d + 4",), provenance=OLS,
    scenario="transfer_curves", samples=20000,
    grid=({"d": 8, "p": 20, "source_noise": 1.0, "spectrum": 0.0, "f": 1},
          {"d": 15, "p": 40, "source_noise": 0.5, "spectrum": 1.5, "f": 1},
          {"d": 40, "p": 120, "source_noise": 2.0, "spectrum": 1.0, "f": 1}),
)

ols_shift_excess = Quantity("shifted_source_excess", r"\|\hat\beta - \beta\|_{\Sigma_T}^2",
                            "the excess risk under a test covariance $\\Sigma_T$ of least squares trained on $n$ "
                            "rows $N(0, \\Sigma)$")
shift_trace = Quantity("shift_trace", r"\operatorname{tr}(\Sigma_T \Sigma^{-1})",
                       "the trace of the test covariance against the inverse training covariance")

ols_risk_covariate_shift = Claim(
    id="classical.ols_risk_covariate_shift",
    title="Excess risk of ordinary least squares under covariate shift",
    doc="linear_transfer.md, C2: with the same teacher and a test covariance Sigma_T, E|beta_hat - beta|_T^2 = "
        "sigma^2 tr(Sigma_T Sigma^-1)/(n - d - 1). Training covariance diag(i^-s), test covariance diag(i^-t); the "
        "trace is computed from the two matrices of the instance, and the claim is stated as the ratio of the two sides.",
    lhs="shifted_source_excess*(p - d - 1)/(source_noise**2*shift_trace)", rel="=", rhs="1", statistic="mean",
    params=(d, n_ols, noise_ols), quantities=(ols_shift_excess, shift_trace), hypotheses=("p >= d + 4",),
    provenance=OLS, scenario="transfer_curves", samples=20000,
    grid=({"d": 8, "p": 20, "source_noise": 1.0, "spectrum": 1.0, "test_spectrum": 0.0, "f": 1},
          {"d": 15, "p": 40, "source_noise": 0.5, "spectrum": 0.0, "test_spectrum": 1.5, "f": 1},
          {"d": 30, "p": 90, "source_noise": 1.0, "spectrum": 1.5, "test_spectrum": 0.5, "f": 1}),
)

CLAIMS = [gaussian_second_moment, gaussian_fourth_moment, beta_mean, beta_second_moment, beta_variance,
          exp_above_tangent, log1p_below_identity, log_below_tangent, log_inverse_delta_positive, sqrt_subadditive,
          sqrt_concave_mean, am_gm, uniform_radius_positive, bernoulli_inequality, one_minus_inverse_power,
          gaussian_tail, ols_risk, ols_risk_covariate_shift]

beta_variance_chain = Derivation(
    id="classical.beta_variance_chain",
    title="The Beta variance from the first two moments",
    doc="Var[X] = E[X^2] - E[X]^2 for X ~ Beta(a, b), with E[X^k] = B(a + k, b)/B(a, b).",
    start="beta(a + 2, b)/beta(a, b) - (beta(a + 1, b)/beta(a, b))**2",
    steps=[("=", "a*(a + 1)/((a + b)*(a + b + 1)) - (a/(a + b))**2", "B(a + 1, b) = B(a, b) a/(a + b)"),
           ("=", "(a*(a + 1)*(a + b) - a**2*(a + b + 1))/((a + b)**2*(a + b + 1))", "common denominator"),
           ("=", "a*b/((a + b)**2*(a + b + 1))", "a (a + 1)(a + b) - a^2 (a + b + 1) = a b")],
    params=(a, b), provenance=BETA,
)

uniform_radius_split = Derivation(
    id="classical.uniform_radius_split",
    title="Splitting the uniform-convergence radius",
    doc="sqrt((d log n + log(1/delta))/n) <= sqrt(d log n/n) + sqrt(log(1/delta)/n): the complexity and the "
        "confidence terms separate.",
    start="sqrt((d*log(n) + log(1/delta))/n)",
    steps=[("=", "sqrt(d*log(n)/n + log(1/delta)/n)", "split the fraction"),
           Step("<=", "sqrt(d*log(n)/n) + sqrt(log(1/delta)/n)", hint="sqrt(u + v) <= sqrt(u) + sqrt(v)",
                uses="classical.sqrt_subadditive")],
    params=(d, n, delta), hypotheses=("n >= 2",), provenance=CALCULUS,
)

gaussian_fourth_by_parts = Derivation(
    id="classical.gaussian_fourth_by_parts",
    title="The Gaussian fourth moment by Stein's identity",
    doc="E[X^4] = E[X X^3] = sigma^2 E[3 X^2] = 3 sigma^4 (integration by parts against the Gaussian density).",
    start=f"integrate(x**4*{DENSITY}, (x, -oo, oo))",
    steps=[("=", f"3*sigma**2*integrate(x**2*{DENSITY}, (x, -oo, oo))", "E[X g(X)] = sigma^2 E[g'(X)], g = x^3"),
           ("=", "3*sigma**4", "E[X^2] = sigma^2")],
    params=(sigma,), provenance=GAUSS,
)

DERIVATIONS = [beta_variance_chain, uniform_radius_split, gaussian_fourth_by_parts]
