"""Shachaf, Brutzkus and Globerson (NeurIPS 2021), "A Theoretical Analysis of Fine-tuning with Linear Teachers",
arXiv:2107.01641: the linear-regression part.

The paper's theorem text was not available (see our study notes on Shachaf et al. (2021)). Every claim below is our own
derivation in the paper's setting (`derived`) or a textbook fact (`classical`); none is the paper's theorem.
Setting: x ~ N(0, Sigma) in R^d, n target samples X, labels y = X theta_T (+ noise), Delta = theta_T - theta_S;
fine-tuning is gradient descent from theta_S to convergence; L is the population risk of its limit.
"""
from boundlab.theory import NONNEGATIVE, POSITIVE, SIZE, UNIT_OPEN, Claim, Param, Provenance, Quantity

PAPER = dict(paper="shachaf2021", citation="Shachaf, Brutzkus and Globerson (2021)", arxiv="2107.01641",
             title="A Theoretical Analysis of Fine-tuning with Linear Teachers")
DERIVED = Provenance("derived", **PAPER, note="our study notes on Shachaf et al. (2021), section 3 (num-checked there)")
SCENARIO = "linear_finetune"

# parameters
d = Param("d", SIZE, "d", "input dimension")
n = Param("n", SIZE, "n", "number of target samples")
k = Param("k", SIZE, "k", "rank of the target covariance")
sigma = Param("sigma", POSITIVE, r"\sigma", r"scale of the target covariance, $\Sigma = \sigma^2 I$")
Delta = Param("Delta", POSITIVE, r"\|\Delta\|", r"norm of the source-target difference $\Delta = \theta_T - \theta_S$")
s = Param("s", NONNEGATIVE, "s", "standard deviation of the label noise")
l1 = Param("l1", POSITIVE, r"\lambda_1", "first eigenvalue of a diagonal 2 x 2 covariance")
l2 = Param("l2", POSITIVE, r"\lambda_2", "second eigenvalue of a diagonal 2 x 2 covariance")
delta = Param("delta", UNIT_OPEN, r"\delta", "failure probability")
eps = Param("eps", POSITIVE, r"\varepsilon", "target risk level")

# measured quantities (names match the scenario's)
L = Quantity("L", r"L(\hat\theta)", r"the exact population risk of the fine-tuned weights $\hat\theta$")
L_S = Quantity("L_S", r"L(\theta_S)", r"the population risk of the source weights, $\Delta^\top \Sigma \Delta$")
op_gap = Quantity("op_gap", r"\|\Sigma - \hat\Sigma\|_{\mathrm{op}}",
                  r"the operator norm of the difference between $\Sigma$ and the sample covariance $X^\top X / n$")
gd_gap = Quantity("gd_gap", r"\|\theta^{\mathrm{GD}} - \hat\theta\| / \|\Delta\|",
                  r"the distance from real gradient descent, run to convergence from $\theta_S$, to the closed form "
                  r"$\theta_S + X^+ X \Delta$, relative to $\|\Delta\|$")
sup_L = Quantity("sup_L", r"\sup_{\|\Delta\| = 1} L(\hat\theta)",
                 r"the worst risk over unit $\Delta$ for the drawn design, $\lambda_{\max}((I - P) \Sigma (I - P))$, "
                 r"with $P$ the projection onto the row space of $X$")
sup_ratio = Quantity("sup_ratio", r"\sup_{\Delta} L(\hat\theta) / L(\theta_S)",
                     r"the worst ratio of fine-tuned to source risk over $\Delta$ for the drawn design")

FAMILIES = (
    {"d": 40, "n": 10, "covariance": "powerlaw", "p": 1.0},
    {"d": 40, "n": 10, "covariance": "isotropic"},
    {"d": 40, "n": 25, "covariance": "powerlaw", "p": 2.0, "alignment": "bottom", "k_align": 5},
    {"d": 40, "n": 10, "covariance": "lowrank", "k": 20, "p": 0.5},
    {"d": 2, "n": 1, "covariance": "diag2", "l1": 1.0, "l2": 0.01, "alignment": "bottom"},
)

finetune_limit = Claim(
    id="shachaf2021.finetune_limit",
    title="Fine-tuning converges to the interpolant closest to the source weights",
    doc="Gradient descent on the squared loss from theta_S stays in theta_S + row(X), so its limit is "
        "theta_S + X^+ X Delta. Checked against real gradient descent (autograd) to convergence.",
    lhs="gd_gap", rel="=", rhs="0", statistic="as", tol=1e-8, samples=64,
    params=(), quantities=(gd_gap,), scenario=SCENARIO, provenance=DERIVED,
    grid=({"d": 30, "n": 10}, {"d": 30, "n": 12, "covariance": "powerlaw", "p": 1.0},
          {"d": 30, "n": 10, "s": 0.3}, {"d": 2, "n": 1, "covariance": "diag2", "l1": 3.0, "l2": 0.2}),
)

isotropic_risk_law = Claim(
    id="shachaf2021.isotropic_risk_law",
    title="Isotropic Gaussian design: the normalised risk is Beta distributed",
    doc="For Sigma = sigma^2 I and n < d the row space of X is a uniform n-dimensional subspace, so "
        "L / (sigma^2 |Delta|^2) is the squared norm of the projection of a unit vector on a uniform "
        "(d - n)-dimensional subspace: Beta((d - n)/2, n/2).",
    lhs="L/(sigma**2*Delta**2)", rel="~", rhs="Beta((d - n)/2, n/2)", statistic="dist",
    params=(d, n, sigma, Delta), quantities=(L,), hypotheses=("n < d",), scenario=SCENARIO,
    provenance=DERIVED,
    grid=({"d": 50, "n": 10, "sigma": 1.0, "Delta": 1.0}, {"d": 50, "n": 25, "sigma": 2.0, "Delta": 0.5},
          {"d": 100, "n": 90, "sigma": 0.5, "Delta": 3.0}, {"d": 7, "n": 2, "sigma": 1.0, "Delta": 1.0}),
)

isotropic_risk_mean = Claim(
    id="shachaf2021.isotropic_risk_mean",
    title="Isotropic Gaussian design: mean risk of fine-tuning",
    doc="The mean of Beta((d - n)/2, n/2) is 1 - n/d: fine-tuning removes, on average, the fraction n/d of "
        "the source risk. Sample complexity for mean risk eps: n >= d (1 - eps / (sigma^2 |Delta|^2)).",
    lhs="L", rel="=", rhs="(1 - n/d)*sigma**2*Delta**2", statistic="mean",
    params=(d, n, sigma, Delta), quantities=(L,), hypotheses=("n <= d",), scenario=SCENARIO,
    provenance=DERIVED,
    grid=({"d": 50, "n": 10, "sigma": 1.0, "Delta": 1.0}, {"d": 50, "n": 25, "sigma": 2.0, "Delta": 0.5},
          {"d": 100, "n": 90, "sigma": 0.5, "Delta": 3.0}, {"d": 20, "n": 2, "sigma": 1.0, "Delta": 1.0}),
)

isotropic_risk_variance = Claim(
    id="shachaf2021.isotropic_risk_variance",
    title="Isotropic Gaussian design: variance of the normalised risk",
    doc="The variance of Beta((d - n)/2, n/2), 2n(d - n) / (d^2 (d + 2)).",
    lhs="L/(sigma**2*Delta**2)", rel="=", rhs="2*n*(d - n)/(d**2*(d + 2))", statistic="var",
    params=(d, n, sigma, Delta), quantities=(L,), hypotheses=("n < d",), scenario=SCENARIO, samples=20000,
    resolution=0.1, provenance=DERIVED,
    grid=({"d": 50, "n": 10, "sigma": 1.0, "Delta": 1.0}, {"d": 50, "n": 25, "sigma": 2.0, "Delta": 0.5},
          {"d": 30, "n": 6, "sigma": 1.0, "Delta": 1.0}),
)

isotropic_zero_risk = Claim(
    id="shachaf2021.isotropic_zero_risk",
    title="With at least d samples fine-tuning recovers the target exactly",
    doc="For n >= d, X has rank d almost surely, the interpolant is unique and equals theta_T.",
    lhs="L", rel="=", rhs="0", statistic="as", tol=1e-9,
    params=(d, n, sigma, Delta), quantities=(L,), hypotheses=("n >= d",), scenario=SCENARIO, samples=1000,
    provenance=DERIVED,
    grid=({"d": 20, "n": 20}, {"d": 20, "n": 40, "sigma": 3.0}, {"d": 50, "n": 60, "Delta": 2.0}),
)

isotropic_risk_quantile = Claim(
    id="shachaf2021.isotropic_risk_quantile",
    title="Isotropic Gaussian design: the exact high-probability risk level",
    doc="With probability exactly 1 - delta, L <= q_{1-delta}(Beta((d - n)/2, n/2)) sigma^2 |Delta|^2.",
    lhs="L", rel="<=", rhs="BetaQuantile(1 - delta, (d - n)/2, n/2)*sigma**2*Delta**2", prob="1 - delta",
    statistic="prob", params=(d, n, sigma, Delta, delta), quantities=(L,), hypotheses=("n < d",),
    scenario=SCENARIO, provenance=DERIVED,
    grid=({"d": 50, "n": 25, "delta": 0.05, "sigma": 1.0, "Delta": 1.0},
          {"d": 50, "n": 10, "delta": 0.5, "sigma": 2.0, "Delta": 1.0},
          {"d": 100, "n": 90, "delta": 0.1, "sigma": 1.0, "Delta": 2.0}),
)

subspace_risk_law = Claim(
    id="shachaf2021.subspace_risk_law",
    title="Isotropic on a k-dimensional subspace: only the visible part of Delta matters",
    doc="For x = U z with U a d x k orthonormal basis and z ~ N(0, sigma^2 I_k), n < k: "
        "L / (sigma^2 |U^T Delta|^2) = L / L(theta_S) ~ Beta((k - n)/2, n/2); the sample complexity is "
        "governed by k, not d.",
    lhs="L/L_S", rel="~", rhs="Beta((k - n)/2, n/2)", statistic="dist",
    params=(d, n, k), quantities=(L, L_S), hypotheses=("n < k", "k <= d"), scenario=SCENARIO,
    provenance=DERIVED,
    grid=({"d": 40, "n": 5, "k": 20, "covariance": "lowrank", "p": 0.0},
          {"d": 60, "n": 10, "k": 12, "covariance": "lowrank", "p": 0.0, "sigma": 2.0}),
)

lowrank_zero_risk = Claim(
    id="shachaf2021.lowrank_zero_risk",
    title="A covariance of rank at most n gives zero risk",
    doc="If rank Sigma = k <= n, the n samples span the support of the data almost surely, so null(X) is "
        "orthogonal to range(Sigma) and L = 0 whatever Delta is.",
    lhs="L", rel="=", rhs="0", statistic="as", tol=1e-9,
    params=(d, n, k), quantities=(L,), hypotheses=("k <= n", "k <= d"), scenario=SCENARIO, samples=1000,
    provenance=DERIVED,
    grid=({"d": 40, "n": 10, "k": 10, "covariance": "lowrank", "p": 1.0},
          {"d": 40, "n": 15, "k": 5, "covariance": "lowrank", "p": 0.0, "Delta": 5.0}),
)

diag2_mean = Claim(
    id="shachaf2021.diag2_mean",
    title="d = 2, n = 1, diagonal covariance: exact mean risk",
    doc="For Sigma = diag(lambda_1, lambda_2) and one sample, E[L] = sqrt(lambda_1 lambda_2)/2 |Delta|^2 for "
        "every Delta (the cross term vanishes by symmetry).",
    lhs="L", rel="=", rhs="sqrt(l1*l2)/2*Delta**2", statistic="mean", samples=100000,
    params=(l1, l2, Delta), quantities=(L,), scenario=SCENARIO, provenance=DERIVED,
    grid=({"d": 2, "n": 1, "covariance": "diag2", "l1": 3.0, "l2": 0.2, "Delta": 1.48},
          {"d": 2, "n": 1, "covariance": "diag2", "l1": 1.0, "l2": 0.01, "Delta": 1.0, "alignment": "bottom"},
          {"d": 2, "n": 1, "covariance": "diag2", "l1": 1.0, "l2": 1.0, "Delta": 2.0}),
)

label_noise_mean = Claim(
    id="shachaf2021.label_noise_mean",
    title="Label noise: mean risk with isotropic design",
    doc="With y = X theta_T + xi, xi ~ N(0, s^2 I), Sigma = I and n < d - 1: "
        "E[L] = (1 - n/d) |Delta|^2 + s^2 n / (d - n - 1) (an extension; the paper is noiseless).",
    lhs="L", rel="=", rhs="(1 - n/d)*Delta**2 + s**2*n/(d - n - 1)", statistic="mean",
    params=(d, n, Delta, s), quantities=(L,), hypotheses=("n < d - 1",), scenario=SCENARIO, samples=8000,
    provenance=DERIVED,
    grid=({"d": 60, "n": 20, "s": 0.5, "Delta": 1.0}, {"d": 30, "n": 10, "s": 1.0, "Delta": 0.5},
          {"d": 40, "n": 30, "s": 0.2, "Delta": 1.0}),
)

operator_norm_bound = Claim(
    id="shachaf2021.operator_norm_bound",
    title="Deterministic operator-norm bound on the fine-tuned risk",
    doc="Since Sigma_hat (I - P) = 0, L = Delta^T (I - P)(Sigma - Sigma_hat)(I - P) Delta "
        "<= |Sigma - Sigma_hat| |Delta|^2, for every design (the Bartlett-Long-Lugosi-Tsigler bias argument "
        "with theta* replaced by Delta). It sees Delta only through its norm.",
    lhs="L", rel="<=", rhs="op_gap*Delta**2", statistic="as", samples=1000,
    params=(Delta,), quantities=(L, op_gap), scenario=SCENARIO, provenance=DERIVED,
    grid=tuple({**f, "Delta": 1.5} for f in FAMILIES),
)

worst_risk = Claim(
    id="shachaf2021.worst_risk",
    title="The worst unit Delta: an eigenvalue, below the operator-norm bound",
    doc="sup over |Delta| = 1 of L is lambda_max((I - P) Sigma (I - P)), an SDP over Delta Delta^T; it is at most "
        "|Sigma - Sigma_hat|. `boundlab worstcase` solves the SDP and replays its maximiser.",
    lhs="sup_L", rel="<=", rhs="op_gap", statistic="as", samples=500,
    quantities=(sup_L, op_gap), scenario=SCENARIO, provenance=DERIVED, worstcase="L",
    grid=FAMILIES,
)

worst_ratio = Claim(
    id="shachaf2021.worst_ratio",
    title="No Delta-uniform guarantee that fine-tuning helps",
    doc="sup over Delta of L(theta_hat) / L(theta_S) = |Sigma^{1/2} (I - P) Sigma^{-1/2}|^2 >= 1, since a nonzero "
        "idempotent has norm at least 1: no constant below 1 bounds the ratio for all Delta.",
    lhs="sup_ratio", rel=">=", rhs="1", statistic="as", samples=500, tol=1e-9,
    quantities=(sup_ratio,), scenario=SCENARIO, provenance=DERIVED, worstcase="L/L_S",
    grid=tuple(f for f in FAMILIES if f["covariance"] != "lowrank"),
)

never_hurts = Claim(
    id="shachaf2021.never_hurts",
    title="Known false: fine-tuning never increases the risk",
    doc="Registered as a false claim the tool must refute. For d = 2, n = 1, Sigma = diag(1, 0.01) and Delta "
        "along e_2, E[L] = 0.05 > L(theta_S) = 0.01, and L > L(theta_S) with probability 0.994 "
        "(our study notes on Shachaf et al. (2021), section 2.1).",
    lhs="L", rel="<=", rhs="L_S", statistic="as", samples=500, expect="VIOLATED",
    quantities=(L, L_S), scenario=SCENARIO, provenance=DERIVED,
    grid=FAMILIES[:2] + FAMILIES[4:],
)

beta_mean = Claim(
    id="shachaf2021.beta_mean_identity",
    title="The mean of the Beta law of the isotropic risk",
    doc="Links the distributional law to the mean claim: a/(a + b) with a = (d - n)/2, b = n/2.",
    lhs="((d - n)/2)/((d - n)/2 + n/2)", rel="=", rhs="1 - n/d", params=(d, n), hypotheses=("n < d",),
    provenance=Provenance("classical", "textbook", "Beta distribution moments"),
)

beta_variance = Claim(
    id="shachaf2021.beta_variance_identity",
    title="The variance of the Beta law of the isotropic risk",
    doc="ab/((a + b)^2 (a + b + 1)) with a = (d - n)/2, b = n/2.",
    lhs="((d - n)/2)*(n/2)/(((d - n)/2 + n/2)**2*((d - n)/2 + n/2 + 1))", rel="=",
    rhs="2*n*(d - n)/(d**2*(d + 2))", params=(d, n), hypotheses=("n < d",),
    provenance=Provenance("classical", "textbook", "Beta distribution moments"),
)

sample_complexity = Claim(
    id="shachaf2021.isotropic_sample_complexity",
    title="Isotropic design: the sample size that gives a prescribed mean risk",
    doc="Solving (1 - n/d) sigma^2 |Delta|^2 = eps for n.",
    lhs="(1 - (d*(1 - eps/(sigma**2*Delta**2)))/d)*sigma**2*Delta**2", rel="=", rhs="eps",
    params=(d, sigma, Delta, eps), hypotheses=("eps <= sigma**2*Delta**2",), provenance=DERIVED,
)

mean_below_source = Claim(
    id="shachaf2021.isotropic_mean_below_source",
    title="Isotropic design: on average, fine-tuning does not increase the risk",
    doc="(1 - n/d) sigma^2 |Delta|^2 <= sigma^2 |Delta|^2 = L(theta_S): with isotropic data the counterexample "
        "of never_hurts cannot occur in expectation.",
    lhs="(1 - n/d)*sigma**2*Delta**2", rel="<=", rhs="sigma**2*Delta**2", params=(d, n, sigma, Delta),
    provenance=DERIVED,
)

CLAIMS = [finetune_limit, isotropic_risk_law, isotropic_risk_mean, isotropic_risk_variance, isotropic_zero_risk,
          isotropic_risk_quantile, subspace_risk_law, lowrank_zero_risk, diag2_mean, label_noise_mean,
          operator_norm_bound, worst_risk, worst_ratio, never_hurts, beta_mean, beta_variance, sample_complexity,
          mean_below_source]
