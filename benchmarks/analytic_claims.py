"""The analytic benchmark of boundlab's prover: true and deliberately wrong claims and derivations.

What: every analytic claim (statistic "value") and every derivation of the transfer-learning catalogue
(caulking2026, hernandez2021, barnett2024, cliff2023, isik2024, classical, and the analytic claims of shachaf2021),
which must come out as holding (PROVED, CERTIFIED or CONSISTENT), together with planted errors defined here, each
registered with expect="VIOLATED", which must be refuted with a replayable witness. The errors are the ones a
careful co-author makes: an exponent inverted, a sign flipped, a factor dropped, a condition that forgets a
parameter, a rounded constant taken for an exact one, an inequality turned around, one wrong step in an otherwise
right chain (and a chain whose two wrong steps cancel, so that only step-wise checking sees them).
And a section "textbook steps" (ids textbook.*): ordinary steps of textbook learning-theory proofs
(concentration, PAC sample complexity, online regret, kernel and ridge bounds), true ones and planted slips, both
defined here (the true ones are not catalogue claims: provenance "derived", "textbook steps of learning-theory
proofs").

Why: a prover that reports a false claim as PROVED, CERTIFIED or CONSISTENT has the worst defect this project can
have; one that cannot settle the true claims is of little use. This list measures both, on formulas in the form the
papers write them (derivatives, limits, integrals, Lambert W, Beta functions, exact rationals).

How: `CLAIMS` (list of Claim) and `DERIVATIONS` (list of Derivation). The true items outside the textbook section
are imported from the catalogue, so they are the very objects `boundlab check` sees; the wrong ones are defined here
only, never in the catalogue, with provenance "derived" and a note "planted error: ...". The runner
(benchmarks/prover.py) checks each item and compares the verdict with `expect`. The truth of every item is
established independently of SymPy by tests/theory/test_catalogue_content.py (mpmath at 50 digits on random points
of the domain; finite differences and quadrature for the calculus). The textbook steps are also checked on their
own by tests/theory/test_benchmark_textbook_truth.py (wide log-uniform sampling, domain edges, hypothesis
boundaries and touching sets).

    .venv/bin/python -c "import runpy; m = runpy.run_path('benchmarks/analytic_claims.py'); print(len(m['CLAIMS']))"
"""
from __future__ import annotations

import math

from boundlab.theory import (NONNEGATIVE, POSITIVE, SIZE, UNIT_OPEN, Claim, Derivation, Domain, Param, Provenance,
                             Step)
from boundlab.theory.catalogue import barnett2024, caulking2026, classical, cliff2023, hernandez2021, isik2024, shachaf2021


def planted(module, error: str) -> Provenance:
    """Provenance of a planted error in the setting of `module`'s paper."""
    paper = getattr(module, "PAPER", None)
    if paper is None:  # textbook facts: the planted variant is ours
        return Provenance("derived", "classical", "planted variants of textbook facts", note=f"planted error: {error}")
    return Provenance("derived", **paper, note=f"planted error: {error}")


# ---- caulking2026 ---------------------------------------------------------------------------------------------
cau = caulking2026

rate_increasing_in_t = Claim(
    id="caulking2026.wrong_rate_increasing_in_t",
    title="Wrong: a higher adapter input dimension gives a faster rate",
    doc="Planted error: the sign of dr/dt is flipped; r(a, t) = 2a/(2a + t) decreases in t.",
    lhs=f"diff({cau.RATE}, t)", rel=">", rhs="0", params=(cau.a, cau.t), expect="VIOLATED",
    provenance=planted(cau, "sign of the derivative flipped"),
)

sample_complexity_exponent_inverted = Claim(
    id="caulking2026.wrong_sample_complexity_exponent_inverted",
    title="Wrong: the sample complexity with the exponent r instead of 1/r",
    doc="Planted error: n* = (C1/(eps - F))^r does not solve C1 n^(-r) + F = eps (the right exponent is 1/r).",
    lhs="C1*((C1/(eps - F))**r)**(-r) + F", rel="=", rhs="eps", params=(cau.C1, cau.eps, cau.F, cau.r),
    hypotheses=("eps > F",), expect="VIOLATED", provenance=planted(cau, "exponent inverted"),
)

limit_exponent_inverted = Claim(
    id="caulking2026.wrong_limit_exponent",
    title="Wrong: unlimited pre-training needs (C1/eps)^(1 + 2 alpha beta) samples",
    doc="Planted error: 1/(2 alpha beta) replaced by 2 alpha beta in the exponent of n*(eps, infinity).",
    lhs="(C1/eps)**(1/(2*alpha*beta/(2*alpha*beta + 1)))", rel="=", rhs="(C1/eps)**(1 + 2*alpha*beta)",
    params=(cau.C1, cau.eps, cau.alpha, cau.beta), expect="VIOLATED", provenance=planted(cau, "exponent inverted"),
)

beats_scratch_without_head = Claim(
    id="caulking2026.wrong_beats_scratch_condition",
    title="Wrong: caulking has the faster exponent when alpha d > s",
    doc="Planted error: the condition forgets the head's Hölder exponent beta <= 1; the right condition is "
        "alpha beta d > s, and alpha d > s does not imply it.",
    lhs="2*alpha*beta/(2*alpha*beta + 1)", rel=">", rhs="2*s/(2*s + d)",
    params=(cau.alpha, cau.beta, cau.s, cau.d), hypotheses=("alpha*d > s",), expect="VIOLATED",
    provenance=planted(cau, "condition without the head exponent beta"),
)

# ---- hernandez2021 --------------------------------------------------------------------------------------------
her = hernandez2021

marginal_equals_average = Claim(
    id="hernandez2021.wrong_marginal_value",
    title="Wrong: the marginal value of fine-tuning data is 1 + r",
    doc="Planted error: the factor alpha of the marginal value 1 + alpha r is dropped (1 + r is the average value).",
    lhs=f"diff({her.D_E}, D_F)", rel="=", rhs=f"1 + {her.R}", params=her.LAW, expect="VIOLATED",
    provenance=planted(her, "factor alpha dropped: marginal confused with average"),
)

ten_x_model_hundred_x_data = Claim(
    id="hernandez2021.wrong_exchange_rate_exact",
    title="Wrong: 10x the model size is worth exactly 100x the data",
    doc="Planted error: the paper's rounded 'about 100x' (text to Python, beta = 0.38, alpha = 0.18) taken as "
        "exact; 10^(beta/alpha) = 129.",
    lhs="10**((38/100)/(18/100))", rel="=", rhs="100", expect="VIOLATED",
    provenance=planted(her, "a rounded statement taken as exact"),
)

crossover_wrong_exponent = Claim(
    id="hernandez2021.wrong_crossover_exponent",
    title="Wrong: transfer exceeds the data collected below (k N^beta)^(1/alpha)",
    doc="Planted error: the crossover exponent 1/(1 - alpha) replaced by 1/alpha.",
    lhs=her.D_T, rel=">", rhs="D_F", params=her.LAW, hypotheses=("D_F < (k*N**b)**(1/a)",), expect="VIOLATED",
    provenance=planted(her, "exponent 1/(1 - alpha) replaced by 1/alpha"),
)

# ---- barnett2024 ----------------------------------------------------------------------------------------------
bar = barnett2024

hessian_sign_flipped = Claim(
    id="barnett2024.wrong_hessian_determinant",
    title="Wrong: the Hessian determinant with the gap term subtracted",
    doc="Planted error: the sign of the G term of det H is flipped.",
    lhs="diff(A*p**(-a)*f**(-b) + G*f**(-b), p, 2)*diff(A*p**(-a)*f**(-b) + G*f**(-b), f, 2)"
        " - diff(A*p**(-a)*f**(-b) + G*f**(-b), p, f)**2",
    rel="=", rhs="a*b*A*f**(-2*b - 2)*p**(-2*a - 2)*(A*(1 + a + b) - G*p**a*(1 + a)*(1 + b))",
    params=(bar.A, bar.G_pos, bar.a, bar.b, bar.p, bar.f), expect="VIOLATED",
    provenance=planted(bar, "sign of a term flipped"),
)

concave_in_pretraining = Claim(
    id="barnett2024.wrong_concave_in_pretraining",
    title="Wrong: the loss is concave in the pre-training data",
    doc="Planted error: diminishing returns read as concavity; L is convex in p (L_pp > 0).",
    lhs=f"diff({bar.L}, p, 2)", rel="<=", rhs="0", params=bar.LAW, expect="VIOLATED",
    provenance=planted(bar, "convex taken for concave"),
)

mrs_without_gap = Claim(
    id="barnett2024.wrong_mrs_without_gap",
    title="Wrong: the marginal rate of substitution is (beta/alpha)(p/f)",
    doc="Planted error: the gap factor 1 + (G/A) p^alpha is dropped (it is right only for G = 0).",
    lhs=f"diff({bar.L}, f)/diff({bar.L}, p)", rel="=", rhs="(b/a)*(p/f)",
    params=(bar.A, bar.G_pos, bar.E, bar.a, bar.b, bar.p, bar.f), expect="VIOLATED",
    provenance=planted(bar, "gap factor dropped"),
)

# ---- cliff2023 ------------------------------------------------------------------------------------------------
cli = cliff2023

power_floor_is_cliff = Claim(
    id="cliff2023.wrong_power_floor_is_cliff",
    title="Wrong: a power law plus a floor is a cliff",
    doc="Planted error: with E > 0 the log-log curve of A n^(-alpha) + E is strictly convex, not concave.",
    lhs=f"diff({cli.POWER_FLOOR}, t, 2)", rel="<", rhs="0", params=(cli.A, cli.a, cli.E_pos, cli.t),
    expect="VIOLATED", provenance=planted(cli, "sign of the curvature flipped"),
)

nearest_neighbour_no_cliff = Claim(
    id="cliff2023.wrong_nearest_neighbour_convex",
    title="Wrong: 1-NN on class-pure clusters has a convex log-log curve",
    doc="Planted error: err = (1 - 1/K)^n decays faster than any power law, so its log-log curve is concave.",
    lhs="diff(log((1 - 1/K)**exp(t)), t, 2)", rel=">=", rhs="0", params=(cli.K, cli.t), hypotheses=("K >= 2",),
    expect="VIOLATED", provenance=planted(cli, "concave taken for convex"),
)

# ---- classical ------------------------------------------------------------------------------------------------
cla = classical

gaussian_fourth_two = Claim(
    id="classical.wrong_gaussian_fourth_moment_two",
    title="Wrong: the Gaussian fourth moment is 2 sigma^4",
    doc="Planted error: the constant 3 of E[X^4] = 3 sigma^4 replaced by 2 (the variance of X^2).",
    lhs=f"integrate(x**4*{cla.DENSITY}, (x, -oo, oo))", rel="=", rhs="2*sigma**4", params=(cla.sigma,),
    expect="VIOLATED", provenance=planted(cla, "constant 3 replaced by 2"),
)

gaussian_fourth_sigma_squared = Claim(
    id="classical.wrong_gaussian_fourth_moment_power",
    title="Wrong: the Gaussian fourth moment is 3 sigma^2",
    doc="Planted error: the power of sigma is wrong (dimensionally inconsistent); right only at sigma = 1.",
    lhs=f"integrate(x**4*{cla.DENSITY}, (x, -oo, oo))", rel="=", rhs="3*sigma**2", params=(cla.sigma,),
    expect="VIOLATED", provenance=planted(cla, "power of sigma wrong"),
)

beta_variance_missing_factor = Claim(
    id="classical.wrong_beta_variance",
    title="Wrong: the Beta variance without the factor a + b + 1",
    doc="Planted error: Var[Beta(a, b)] written as ab/(a + b)^2, dropping the factor 1/(a + b + 1).",
    lhs="beta(a + 2, b)/beta(a, b) - (beta(a + 1, b)/beta(a, b))**2", rel="=", rhs="a*b/(a + b)**2",
    params=(cla.a, cla.b), expect="VIOLATED", provenance=planted(cla, "factor dropped"),
)

log1p_above_identity = Claim(
    id="classical.wrong_log1p_above_identity",
    title="Wrong: log(1 + x) lies above x",
    doc="Planted error: the inequality log(1 + x) <= x turned around; equality holds only at x = 0.",
    lhs="log(1 + x)", rel=">=", rhs="x", params=(cla.x_gt_m1,), expect="VIOLATED",
    provenance=planted(cla, "inequality turned around"),
)

sqrt_superadditive = Claim(
    id="classical.wrong_sqrt_superadditive",
    title="Wrong: the square root is superadditive",
    doc="Planted error: sqrt(u + v) <= sqrt(u) + sqrt(v) turned around; equality only when u v = 0.",
    lhs="sqrt(u + v)", rel=">=", rhs="sqrt(u) + sqrt(v)", params=(cla.u, cla.v), expect="VIOLATED",
    provenance=planted(cla, "inequality turned around"),
)

WRONG_CLAIMS = [rate_increasing_in_t, sample_complexity_exponent_inverted, limit_exponent_inverted,
                beats_scratch_without_head, marginal_equals_average, ten_x_model_hundred_x_data,
                crossover_wrong_exponent, hessian_sign_flipped, concave_in_pretraining, mrs_without_gap,
                power_floor_is_cliff, nearest_neighbour_no_cliff, gaussian_fourth_two, gaussian_fourth_sigma_squared,
                beta_variance_missing_factor, log1p_above_identity, sqrt_superadditive]

# ---- wrong derivations ----------------------------------------------------------------------------------------
radius_drops_delta = Derivation(
    id="classical.wrong_uniform_radius_bound",
    title="Wrong: the uniform-convergence radius without its confidence term",
    doc="Planted error in the last step: sqrt(log(1/delta)/n) <= sqrt(d log n/n) needs delta >= n^(-d), "
        "which is not assumed.",
    start="sqrt((d*log(n) + log(1/delta))/n)",
    steps=[("=", "sqrt(d*log(n)/n + log(1/delta)/n)", "split the fraction"),
           Step("<=", "sqrt(d*log(n)/n) + sqrt(log(1/delta)/n)", hint="sqrt(u + v) <= sqrt(u) + sqrt(v)",
                uses="classical.sqrt_subadditive"),
           ("<=", "2*sqrt(d*log(n)/n)", "the confidence term is the smaller one (wrong)")],
    params=(cla.d, cla.n, cla.delta), hypotheses=("n >= 2",), expect="VIOLATED",
    provenance=planted(cla, "last step drops the log(1/delta) term"),
)

beta_variance_slip = Derivation(
    id="classical.wrong_beta_variance_chain",
    title="Wrong: the Beta variance chain with a lost square",
    doc="Planted error in the last step: the denominator (a + b)^2 (a + b + 1) loses its square.",
    start="beta(a + 2, b)/beta(a, b) - (beta(a + 1, b)/beta(a, b))**2",
    steps=[("=", "a*(a + 1)/((a + b)*(a + b + 1)) - (a/(a + b))**2", "B(a + 1, b) = B(a, b) a/(a + b)"),
           ("=", "(a*(a + 1)*(a + b) - a**2*(a + b + 1))/((a + b)**2*(a + b + 1))", "common denominator"),
           ("=", "a*b/((a + b)*(a + b + 1))", "simplify (wrong)")],
    params=(cla.a, cla.b), expect="VIOLATED", provenance=planted(cla, "a square lost in the last step"),
)

mrs_exponent_slip = Derivation(
    id="barnett2024.wrong_mrs_chain",
    title="Wrong: the marginal rate of substitution with an exponent slip",
    doc="Planted error: dL/dp is written with p^(-alpha + 1) instead of p^(-alpha - 1) in step 1, and the slip "
        "is silently undone in step 2, so the end result is right but two steps are false.",
    start=f"diff({bar.L}, f)/diff({bar.L}, p)",
    steps=[("=", "(-b*(A*p**(-a) + G)*f**(-b - 1))/(-a*A*p**(-a + 1)*f**(-b))", "the two partial derivatives"),
           ("=", "(b/a)*(p/f)*(A*p**(-a) + G)/(A*p**(-a))", "collect powers of p and f"),
           ("=", "(b/a)*(p/f)*(1 + (G/A)*p**a)", "divide by A p^(-alpha)")],
    params=bar.LAW, expect="VIOLATED", provenance=planted(bar, "exponent slip that cancels later"),
)

sample_complexity_slip = Derivation(
    id="caulking2026.wrong_sample_complexity_chain",
    title="Wrong: plugging an inverted sample complexity into the bound",
    doc="Planted error in step 1: (x^r)^(-r) is taken for 1/x.",
    start="C1*((C1/(eps - F))**r)**(-r) + F",
    steps=[("=", "C1*(C1/(eps - F))**(-1) + F", "(x^r)^(-r) = 1/x (wrong)"),
           ("=", "(eps - F) + F", "C1 cancels"),
           ("=", "eps", "")],
    params=(cau.C1, cau.eps, cau.F, cau.r), hypotheses=("eps > F",), expect="VIOLATED",
    provenance=planted(cau, "exponent inverted"),
)

WRONG_DERIVATIONS = [radius_drops_delta, beta_variance_slip, mrs_exponent_slip, sample_complexity_slip]

# ---- textbook steps -------------------------------------------------------------------------------------------
# Ordinary steps of textbook learning-theory proofs (concentration, PAC sample complexity, online regret, kernel
# and ridge bounds), written here from scratch as a theorist writes them: a hypothesis that bounds a variable used
# through a monotone goal, compositions with the classical elementary inequalities, convexity (Young, weighted
# AM-GM, Bernoulli, Jensen at two points, subadditivity of concave powers), tight two-variable inequalities that
# touch along a curve, polynomial and rational inequalities. The true ones are defined here (they are not
# catalogue claims); the planted slips among them carry expect="VIOLATED". Their truth is established independently
# by tests/theory/test_benchmark_textbook_truth.py (mpmath at 50 digits).
TEXTBOOK = Provenance("derived", "classical", "textbook steps of learning-theory proofs")


def textbook_slip(error: str) -> Provenance:
    """Provenance of a planted slip in a textbook step."""
    return planted(cla, error)


REALS = Domain(-math.inf, math.inf)
UNIT_CLOSED = Domain(0, 1)
UNIT_HALF_OPEN = Domain(0, 1, lo_open=True)  # (0, 1]
ABOVE_ONE = Domain(1, math.inf, lo_open=True, hi_open=True)
AT_LEAST_ONE = Domain(1, math.inf, hi_open=True)
AT_LEAST_MINUS_ONE = Domain(-1, math.inf, hi_open=True)

tb_n = Param("n", SIZE, "n", "number of samples")
tb_m = Param("m", SIZE, "m", "number of samples")
tb_T = Param("T", SIZE, "T", "number of rounds")
tb_t = Param("t", SIZE, "t", "a round index")
tb_eps = Param("eps", UNIT_OPEN, r"\varepsilon", "accuracy")
tb_eps_pos = Param("eps", POSITIVE, r"\varepsilon", "deviation from the mean")
tb_eps_unit = Param("eps", UNIT_HALF_OPEN, r"\varepsilon", "relative deviation, in (0, 1]")
tb_delta = Param("delta", UNIT_OPEN, r"\delta", "failure probability")
tb_H = Param("H", Domain(1, math.inf, hi_open=True, integer=True, scale="log"), r"|\mathcal{H}|",
             "size of a finite hypothesis class (or value of its growth function)")
tb_N = Param("N", Domain(2, math.inf, hi_open=True, integer=True, scale="log"), "N", "number of experts")
tb_K = Param("K", SIZE, "K", "number of classes (coupons), each of probability at least 1/K")
tb_k = Param("k", Domain(0, math.inf, hi_open=True, integer=True), "k", "index of the last epoch of the doubling trick")
tb_d = Param("d", SIZE, "d", "VC dimension")
tb_sigma = Param("sigma", POSITIVE, r"\sigma", "standard deviation (sub-Gaussian parameter)")
tb_b = Param("b", POSITIVE, "b", "almost-sure bound on |X - E X|")
tb_L = Param("L", POSITIVE, "L", r"confidence term $\log(2/\delta)$")
tb_v = Param("v", NONNEGATIVE, "v", "a variance")
tb_B = Param("B", POSITIVE, "B", "range of the observations")
tb_t_real = Param("t", REALS, "t", "the Chernoff parameter")
tb_t_pos = Param("t", POSITIVE, "t", "the Chernoff parameter")
tb_mu = Param("mu", POSITIVE, r"\mu", "mean of a sum of independent Bernoulli variables")
tb_u = Param("u", NONNEGATIVE, "u", "deviation in units of the range")
tb_x_ge_m1 = Param("x", AT_LEAST_MINUS_ONE, "x", "a real number, at least -1")
tb_p_ge1 = Param("p", AT_LEAST_ONE, "p", "an exponent, at least 1")
tb_r_concave = Param("r", UNIT_CLOSED, "r", "an exponent in [0, 1]")
tb_r_sub = Param("r", UNIT_HALF_OPEN, "r", "an exponent in (0, 1]")
tb_p_conv = Param("p", ABOVE_ONE, "p", "an exponent above 1")
tb_pp = Param("p", UNIT_OPEN, "p", "a Bernoulli parameter")
tb_qq = Param("q", UNIT_OPEN, "q", "a Bernoulli parameter")
tb_w = Param("w", UNIT_CLOSED, "w", "a mixing weight")
tb_a_nn = Param("a", NONNEGATIVE, "a", "a non-negative number")
tb_b_nn = Param("b", NONNEGATIVE, "b", "a non-negative number")
tb_c_nn = Param("c", NONNEGATIVE, "c", "a non-negative number")
tb_a_pos = Param("a", POSITIVE, "a", "a positive number")
tb_b_pos = Param("b", POSITIVE, "b", "a positive number")
tb_c_pos = Param("c", POSITIVE, "c", "a positive weight")
tb_a_real = Param("a", REALS, "a", "a real number")
tb_b_real = Param("b", REALS, "b", "a real number")
tb_c_real = Param("c", REALS, "c", "a real number")
tb_x_pos = Param("x", POSITIVE, "x", "a positive number")
tb_y_pos = Param("y", POSITIVE, "y", "a positive number")
tb_x_unit = Param("x", UNIT_CLOSED, "x", "a loss in [0, 1]")
tb_a_ge1 = Param("a", AT_LEAST_ONE, "a", "a constant, at least 1")
tb_C = Param("C", POSITIVE, "C", "the constant of a rate")
tb_r_rate = Param("r", POSITIVE, "r", "the exponent of a rate")
tb_eta = Param("eta", POSITIVE, r"\eta", "learning rate")
tb_D = Param("D", POSITIVE, "D", "diameter of the decision set")
tb_G = Param("G", POSITIVE, "G", "bound on the gradient norms")
tb_lam = Param("lam", POSITIVE, r"\lambda", "ridge parameter")
tb_s = Param("s", NONNEGATIVE, "s", "an eigenvalue of the kernel (covariance) operator")
tb_s_pos = Param("s", POSITIVE, "s", "an eigenvalue of the kernel (covariance) operator")
tb_theta2 = Param("theta2", NONNEGATIVE, r"\theta_j^2", "squared coefficient of the target along the eigenvector")
tb_R = Param("R", POSITIVE, "R", "norm bound on the target")
tb_Deff = Param("Deff", POSITIVE, r"\mathcal{N}", "effective dimension (a constant of the variance term)")
tb_i = Param("i", SIZE, "i", "index of an eigenvalue")
tb_alpha = Param("alpha", ABOVE_ONE, r"\alpha", "decay exponent of the eigenvalues, above 1")

# -- concentration
hoeffding_sample_size = Claim(
    id="textbook.concentration_hoeffding_sample_size",
    title="Hoeffding: the two-sided sample size gives confidence delta",
    doc="Two-sided Hoeffding for [0, 1]-valued variables: P(|mean - mu| >= eps) <= 2 exp(-2 n eps^2); solving for n, "
        "n >= log(2/delta)/(2 eps^2) makes the tail at most delta (monotone in n).",
    lhs="2*exp(-2*n*eps**2)", rel="<=", rhs="delta", params=(tb_n, tb_eps, tb_delta),
    hypotheses=("n >= log(2/delta)/(2*eps**2)",), provenance=TEXTBOOK,
)

hoeffding_union_factor_dropped = Claim(
    id="textbook.wrong_hoeffding_union_factor_dropped",
    title="Wrong: the two-sided Hoeffding sample size with log(1/delta)",
    doc="Planted error: the factor 2 of the two tails is dropped inside the logarithm; at n = log(1/delta)/(2 eps^2) "
        "the two-sided tail is 2 delta.",
    lhs="2*exp(-2*n*eps**2)", rel="<=", rhs="delta", params=(tb_n, tb_eps, tb_delta),
    hypotheses=("n >= log(1/delta)/(2*eps**2)",), expect="VIOLATED",
    provenance=textbook_slip("the union bound's factor 2 dropped from the logarithm"),
)

hoeffding_radius_solves = Claim(
    id="textbook.concentration_hoeffding_radius_solves",
    title="The Hoeffding radius sqrt(log(2/delta)/(2n)) has tail exactly delta",
    doc="Inverting the two-sided Hoeffding bound for the deviation: eps = sqrt(log(2/delta)/(2n)) gives "
        "2 exp(-2 n eps^2) = delta.",
    lhs="2*exp(-2*n*sqrt(log(2/delta)/(2*n))**2)", rel="=", rhs="delta", params=(tb_n, tb_delta),
    provenance=TEXTBOOK,
)

bernstein_sample_size = Claim(
    id="textbook.concentration_bernstein_sample_size",
    title="Bernstein: the sample size that gives confidence delta",
    doc="Bernstein's inequality for |X - E X| <= b with variance sigma^2: P(|mean - mu| >= eps) <= "
        "2 exp(-n eps^2/(2 (sigma^2 + b eps/3))); n >= 2 (sigma^2 + b eps/3) log(2/delta)/eps^2 makes it <= delta.",
    lhs="2*exp(-n*eps**2/(2*(sigma**2 + b*eps/3)))", rel="<=", rhs="delta",
    params=(tb_n, tb_eps_pos, tb_sigma, tb_b, tb_delta),
    hypotheses=("n >= 2*(sigma**2 + b*eps/3)*log(2/delta)/eps**2",), provenance=TEXTBOOK,
)

bernstein_radius_split = Claim(
    id="textbook.concentration_bernstein_radius_split",
    title="The Bernstein radius splits into a variance and a range term",
    doc="The root of n eps^2 = 2 (sigma^2 + b eps/3) L is eps = bL/(3n) + sqrt((bL/(3n))^2 + 2 sigma^2 L/n), "
        "which is at most sqrt(2 sigma^2 L/n) + 2bL/(3n) (sqrt(u + v) <= sqrt(u) + sqrt(v)).",
    lhs="b*L/(3*n) + sqrt((b*L/(3*n))**2 + 2*sigma**2*L/n)", rel="<=", rhs="sqrt(2*sigma**2*L/n) + 2*b*L/(3*n)",
    params=(tb_b, tb_L, tb_n, tb_sigma), provenance=TEXTBOOK,
)

variance_plugin = Claim(
    id="textbook.concentration_variance_plugin",
    title="Replacing the variance by the squared range in the Bernstein radius",
    doc="Empirical-Bernstein style step: a variance v <= B^2 of a variable with range B gives "
        "sqrt(2 v L/n) <= B sqrt(2 L/n), recovering the Hoeffding radius (monotonicity of the square root).",
    lhs="sqrt(2*v*L/n)", rel="<=", rhs="B*sqrt(2*L/n)", params=(tb_v, tb_B, tb_L, tb_n),
    hypotheses=("v <= B**2",), provenance=TEXTBOOK,
)

chernoff_exponent_minimum = Claim(
    id="textbook.concentration_chernoff_exponent_minimum",
    title="The Chernoff exponent of a sub-Gaussian variable is minimised at t = eps/sigma^2",
    doc="Chernoff's method: P(X >= eps) <= exp(-t eps) E exp(tX) <= exp(-t eps + t^2 sigma^2/2) for every t; the "
        "bound is never below exp(-eps^2/(2 sigma^2)), attained at t = eps/sigma^2 (complete the square).",
    lhs="exp(-t*eps + t**2*sigma**2/2)", rel=">=", rhs="exp(-eps**2/(2*sigma**2))",
    params=(tb_t_real, tb_eps_pos, tb_sigma), provenance=TEXTBOOK,
)

chernoff_every_t = Claim(
    id="textbook.wrong_chernoff_exponent_every_t",
    title="Wrong: every Chernoff parameter t > 0 gives the optimal sub-Gaussian tail",
    doc="Planted error: the minimum over t is read as a bound for every t (inequality turned round); "
        "exp(-t eps + t^2 sigma^2/2) exceeds exp(-eps^2/(2 sigma^2)) unless t = eps/sigma^2.",
    lhs="exp(-t*eps + t**2*sigma**2/2)", rel="<=", rhs="exp(-eps**2/(2*sigma**2))",
    params=(tb_t_pos, tb_eps_pos, tb_sigma), expect="VIOLATED",
    provenance=textbook_slip("inequality turned round: the minimum taken for every value"),
)

bennett_to_bernstein = Claim(
    id="textbook.concentration_bennett_to_bernstein",
    title="Bennett's function dominates the Bernstein exponent",
    doc="From Bennett to Bernstein: h(u) = (1 + u) log(1 + u) - u >= u^2/(2 + 2u/3) for u >= 0 (compare derivatives "
        "twice).",
    lhs="(1 + u)*log(1 + u) - u", rel=">=", rhs="u**2/(2 + 2*u/3)", params=(tb_u,), provenance=TEXTBOOK,
)

multiplicative_chernoff = Claim(
    id="textbook.concentration_multiplicative_chernoff",
    title="Multiplicative Chernoff bound with exponent mu eps^2/3",
    doc="Upper tail of a sum of independent Bernoulli variables with mean mu: P(S >= (1 + eps) mu) <= "
        "(e^eps/(1 + eps)^(1 + eps))^mu <= exp(-mu eps^2/3) for eps in (0, 1] (log(1 + eps) >= 2 eps/(2 + eps)).",
    lhs="(exp(eps)/(1 + eps)**(1 + eps))**mu", rel="<=", rhs="exp(-mu*eps**2/3)", params=(tb_eps_unit, tb_mu),
    provenance=TEXTBOOK,
)

exp_tail_below_polynomial = Claim(
    id="textbook.concentration_exp_tail_below_polynomial",
    title="A sub-Gaussian tail is below the corresponding polynomial tail",
    doc="exp(-x) <= 1/(1 + x) for x >= 0, at x = n eps^2/2: the sub-Gaussian tail exp(-n eps^2/2) is at most "
        "2/(2 + n eps^2), a Chebyshev-type rate.",
    lhs="exp(-n*eps**2/2)", rel="<=", rhs="2/(2 + n*eps**2)", params=(tb_n, tb_eps_pos), provenance=TEXTBOOK,
)

exp_tail_above_polynomial = Claim(
    id="textbook.wrong_exp_tail_above_polynomial",
    title="Wrong: the exponential tail dominates the polynomial one",
    doc="Planted error: exp(-x) <= 1/(1 + x) turned round, at x = n eps^2.",
    lhs="exp(-n*eps**2)", rel=">=", rhs="1/(1 + n*eps**2)", params=(tb_n, tb_eps_pos), expect="VIOLATED",
    provenance=textbook_slip("inequality turned round"),
)

pinsker_bernoulli = Claim(
    id="textbook.concentration_pinsker_bernoulli",
    title="Pinsker's inequality for two Bernoulli laws",
    doc="KL(Ber(p) || Ber(q)) >= 2 (p - q)^2 on (0, 1)^2, the step from the Chernoff-Hoeffding (relative entropy) "
        "bound to Hoeffding's; equality along p = q.",
    lhs="p*log(p/q) + (1 - p)*log((1 - p)/(1 - q))", rel=">=", rhs="2*(p - q)**2", params=(tb_pp, tb_qq),
    provenance=TEXTBOOK,
)

pinsker_constant_four = Claim(
    id="textbook.wrong_pinsker_constant_four",
    title="Wrong: Pinsker's inequality with the constant 4",
    doc="Planted error: the constant 2 of Pinsker's inequality doubled; near p = q = 1/2 the relative entropy is "
        "2 (p - q)^2 to second order.",
    lhs="p*log(p/q) + (1 - p)*log((1 - p)/(1 - q))", rel=">=", rhs="4*(p - q)**2", params=(tb_pp, tb_qq),
    expect="VIOLATED", provenance=textbook_slip("constant off by a factor two"),
)

bernoulli_convex_power = Claim(
    id="textbook.concentration_bernoulli_convex_power",
    title="Bernoulli's inequality for a real exponent p >= 1",
    doc="(1 + x)^p >= 1 + p x for x >= -1 and real p >= 1 (convexity of y -> y^p); used to linearise moment "
        "bounds (1 + x)^p from below.",
    lhs="(1 + x)**p", rel=">=", rhs="1 + p*x", params=(tb_x_ge_m1, tb_p_ge1), provenance=TEXTBOOK,
)

jensen_square = Claim(
    id="textbook.concentration_jensen_square",
    title="Jensen for the square at two points",
    doc="(w a + (1 - w) b)^2 <= w a^2 + (1 - w) b^2: the mean squared is at most the mean square (variance >= 0), "
        "for a two-point law.",
    lhs="(w*a + (1 - w)*b)**2", rel="<=", rhs="w*a**2 + (1 - w)*b**2", params=(tb_w, tb_a_real, tb_b_real),
    provenance=TEXTBOOK,
)

jensen_sqrt = Claim(
    id="textbook.concentration_jensen_sqrt",
    title="Jensen for the square root at two points",
    doc="w sqrt(a) + (1 - w) sqrt(b) <= sqrt(w a + (1 - w) b), the step E sqrt(Z) <= sqrt(E Z) that bounds a "
        "Rademacher average by the square root of its second moment.",
    lhs="w*sqrt(a) + (1 - w)*sqrt(b)", rel="<=", rhs="sqrt(w*a + (1 - w)*b)", params=(tb_w, tb_a_nn, tb_b_nn),
    provenance=TEXTBOOK,
)

subadditive_concave_power = Claim(
    id="textbook.concentration_subadditive_concave_power",
    title="Concave powers are subadditive",
    doc="(a + b)^r <= a^r + b^r for a, b >= 0 and r in (0, 1]: splits a radius (A + B)^r into a complexity and a "
        "confidence term.",
    lhs="(a + b)**r", rel="<=", rhs="a**r + b**r", params=(tb_a_nn, tb_b_nn, tb_r_sub), provenance=TEXTBOOK,
)

subadditive_convex_power = Claim(
    id="textbook.wrong_subadditive_convex_power",
    title="Wrong: powers above one are subadditive",
    doc="Planted error: the condition r <= 1 of the subadditivity of powers is dropped; for p > 1, "
        "(a + b)^p > a^p + b^p whenever a, b > 0.",
    lhs="(a + b)**p", rel="<=", rhs="a**p + b**p", params=(tb_a_nn, tb_b_nn, tb_p_conv), expect="VIOLATED",
    provenance=textbook_slip("condition r <= 1 dropped"),
)

# -- PAC sample complexity
pac_finite_class = Claim(
    id="textbook.pac_finite_class_sample_size",
    title="Realizable PAC bound for a finite class",
    doc="A consistent learner over a finite class H: P(some bad hypothesis survives m samples) <= |H| (1 - eps)^m, "
        "and m >= log(|H|/delta)/eps makes this at most delta (1 - eps <= exp(-eps)).",
    lhs="(1 - eps)**m*H", rel="<=", rhs="delta", params=(tb_m, tb_eps, tb_delta, tb_H),
    hypotheses=("m >= log(H/delta)/eps",), provenance=TEXTBOOK,
)

pac_one_minus_eps_power = Claim(
    id="textbook.pac_one_minus_eps_power",
    title="(1 - eps)^m <= exp(-eps m)",
    doc="A bad hypothesis (error > eps) survives m independent samples with probability (1 - eps)^m, at most "
        "exp(-eps m) since log(1 - eps) <= -eps.",
    lhs="(1 - eps)**m", rel="<=", rhs="exp(-eps*m)", params=(tb_eps, tb_m), provenance=TEXTBOOK,
)

pac_union_lower = Claim(
    id="textbook.pac_bernoulli_survival_lower",
    title="Survival probability of a bad hypothesis, from below",
    doc="Bernoulli's inequality with an integer exponent: (1 - eps)^m >= 1 - m eps; used in PAC lower bounds "
        "(with m < 1/(2 eps) samples a bad hypothesis survives with probability at least 1/2).",
    lhs="(1 - eps)**m", rel=">=", rhs="1 - m*eps", params=(tb_eps, tb_m), provenance=TEXTBOOK,
)

pac_agnostic = Claim(
    id="textbook.pac_agnostic_sample_size",
    title="Agnostic PAC bound for a finite class",
    doc="Hoeffding and a union bound over H: P(some |empirical - true risk| > eps) <= 2 |H| exp(-2 m eps^2), at "
        "most delta when m >= log(2 |H|/delta)/(2 eps^2).",
    lhs="2*H*exp(-2*m*eps**2)", rel="<=", rhs="delta", params=(tb_m, tb_eps, tb_delta, tb_H),
    hypotheses=("m >= log(2*H/delta)/(2*eps**2)",), provenance=TEXTBOOK,
)

pac_agnostic_realizable_rate = Claim(
    id="textbook.wrong_pac_agnostic_realizable_rate",
    title="Wrong: the agnostic bound with the realizable 1/eps rate",
    doc="Planted error: eps^2 written as eps in the sample size (the realizable rate in the agnostic bound); at "
        "m = log(2|H|/delta)/(2 eps) the union bound is 2|H| (delta/(2|H|))^eps > delta.",
    lhs="2*H*exp(-2*m*eps**2)", rel="<=", rhs="delta", params=(tb_m, tb_eps, tb_delta, tb_H),
    hypotheses=("m >= log(2*H/delta)/(2*eps)",), expect="VIOLATED",
    provenance=textbook_slip("exponent of eps wrong: eps instead of eps^2"),
)

pac_log_ratio_inverted = Claim(
    id="textbook.wrong_pac_log_ratio_inverted",
    title="Wrong: the realizable sample size with log(delta/|H|)",
    doc="Planted error: the fraction in the logarithm inverted (a sign flip of the log); log(delta/|H|) < 0, so "
        "the hypothesis is void and the bound fails for small m.",
    lhs="(1 - eps)**m*H", rel="<=", rhs="delta", params=(tb_m, tb_eps, tb_delta, tb_H),
    hypotheses=("m >= log(delta/H)/eps",), expect="VIOLATED",
    provenance=textbook_slip("fraction inside the logarithm inverted"),
)

pac_coupon_miss = Claim(
    id="textbook.pac_coupon_miss_probability",
    title="A class of probability 1/K is missed by n samples with probability at most exp(-n/K)",
    doc="(1 - 1/K)^n <= exp(-n/K), from log(1 - u) <= -u inside the power; the missing-mass step of "
        "nearest-neighbour and memorisation bounds.",
    lhs="(1 - 1/K)**n", rel="<=", rhs="exp(-n/K)", params=(tb_K, tb_n), provenance=TEXTBOOK,
)

pac_coupon_union = Claim(
    id="textbook.pac_coupon_union_sample_size",
    title="n >= K log(K/delta) samples see all K classes with probability 1 - delta",
    doc="Union bound over K classes of probability at least 1/K: K (1 - 1/K)^n <= K exp(-n/K) <= delta when "
        "n >= K log(K/delta).",
    lhs="K*(1 - 1/K)**n", rel="<=", rhs="delta", params=(tb_K, tb_n, tb_delta),
    hypotheses=("n >= K*log(K/delta)",), provenance=TEXTBOOK,
)

pac_sauer_shelah = Claim(
    id="textbook.pac_sauer_shelah_exponential",
    title="The last step of the Sauer-Shelah bound: (1 + d/m)^m <= e^d",
    doc="sum_{i <= d} C(m, i) <= (m/d)^d (1 + d/m)^m <= (e m/d)^d for m >= d; the last step is (1 + d/m)^m <= e^d "
        "(log(1 + x) <= x).",
    lhs="(1 + d/m)**m", rel="<=", rhs="exp(d)", params=(tb_d, tb_m), hypotheses=("m >= d",), provenance=TEXTBOOK,
)

pac_below_e = Claim(
    id="textbook.pac_one_plus_inverse_power_below_e",
    title="(1 + 1/m)^m < e",
    doc="(1 + 1/m)^m < e for every integer m >= 1 (log(1 + x) < x for x > 0).",
    lhs="(1 + 1/m)**m", rel="<", rhs="E", params=(tb_m,), provenance=TEXTBOOK,
)

pac_x_log_x = Claim(
    id="textbook.pac_x_above_a_log_x",
    title="x >= 2a log(a) implies x >= a log(x)",
    doc="Shalev-Shwartz and Ben-David, Lemma A.1, used to solve m >= a log(m) in the VC sample-size bound: for "
        "a >= 1 and x >= 2 a log a, x >= a log x.",
    lhs="x", rel=">=", rhs="a*log(x)", params=(tb_a_ge1, tb_x_pos), hypotheses=("x >= 2*a*log(a)",),
    provenance=TEXTBOOK,
)

pac_x_log_x_factor_dropped = Claim(
    id="textbook.wrong_pac_x_above_a_log_x_factor_dropped",
    title="Wrong: x >= a log(a) implies x >= a log(x)",
    doc="Planted error: the factor 2 of Lemma A.1 dropped; at x = a log a, a log x = a log a + a log log a > x "
        "for a > e.",
    lhs="x", rel=">=", rhs="a*log(x)", params=(tb_a_ge1, tb_x_pos), hypotheses=("x >= a*log(a)",),
    expect="VIOLATED", provenance=textbook_slip("factor 2 dropped from the condition"),
)

pac_growth_log = Claim(
    id="textbook.pac_growth_function_log",
    title="Replacing log |H| by d log(e m/d) in the uniform-convergence rate",
    doc="With Sauer-Shelah, the growth function is at most (e m/d)^d for m >= d, so log(Pi(m)/delta)/m <= "
        "(d log(e m/d) + log(1/delta))/m (monotonicity of the logarithm).",
    lhs="log(H/delta)/m", rel="<=", rhs="(d*log(E*m/d) + log(1/delta))/m", params=(tb_H, tb_delta, tb_m, tb_d),
    hypotheses=("H <= (E*m/d)**d", "m >= d"), provenance=TEXTBOOK,
)

pac_rate_sample_size = Claim(
    id="textbook.pac_rademacher_rate_sample_size",
    title="A sample size for the rate C sqrt(d/n)",
    doc="Solving C sqrt(d/n) <= eps for n: it holds once n eps^2 >= C^2 d (a hypothesis on a product, used through "
        "the monotone square root).",
    lhs="C*sqrt(d/n)", rel="<=", rhs="eps", params=(tb_C, tb_d, tb_n, tb_eps_pos),
    hypotheses=("n*eps**2 >= C**2*d",), provenance=TEXTBOOK,
)

pac_relative_entropy_linear = Claim(
    id="textbook.pac_relative_entropy_linear_lower",
    title="x log(x/y) >= x - y",
    doc="The two-variable form of log(z) <= z - 1 (z = y/x): each term of a relative entropy between unnormalised "
        "measures is at least x - y; equality along x = y. Used in the PAC-Bayes and Chernoff-type KL bounds.",
    lhs="x*log(x/y)", rel=">=", rhs="x - y", params=(tb_x_pos, tb_y_pos), provenance=TEXTBOOK,
)

pac_relative_entropy_sign = Claim(
    id="textbook.wrong_pac_relative_entropy_sign",
    title="Wrong: x log(x/y) >= y - x",
    doc="Planted error: the sign of the right-hand side flipped (x - y written y - x).",
    lhs="x*log(x/y)", rel=">=", rhs="y - x", params=(tb_x_pos, tb_y_pos), expect="VIOLATED",
    provenance=textbook_slip("sign flipped"),
)

pac_schur = Claim(
    id="textbook.pac_schur_three_terms",
    title="Schur's inequality (t = 1)",
    doc="a(a - b)(a - c) + b(b - a)(b - c) + c(c - a)(c - b) >= 0 for a, b, c >= 0; a polynomial step when "
        "comparing symmetric expressions of three error rates; equality at a = b = c and at a = b, c = 0.",
    lhs="a*(a - b)*(a - c) + b*(b - a)*(b - c) + c*(c - a)*(c - b)", rel=">=", rhs="0",
    params=(tb_a_nn, tb_b_nn, tb_c_nn), provenance=TEXTBOOK,
)

# -- online learning
hedge_regret = "log(N)/eta + eta*T/8"
hedge_tuned = Claim(
    id="textbook.online_hedge_tuned_regret",
    title="Hedge with the tuned learning rate has regret sqrt(T log(N)/2)",
    doc="Hedge with losses in [0, 1]: regret <= log(N)/eta + eta T/8; at eta = sqrt(8 log(N)/T) both terms equal "
        "sqrt(T log(N)/8), and the bound is sqrt(T log(N)/2).",
    lhs="log(N)/sqrt(8*log(N)/T) + sqrt(8*log(N)/T)*T/8", rel="=", rhs="sqrt(T*log(N)/2)", params=(tb_N, tb_T),
    provenance=TEXTBOOK,
)

hedge_any_eta = Claim(
    id="textbook.online_hedge_regret_any_eta",
    title="No learning rate beats the tuned Hedge bound",
    doc="log(N)/eta + eta T/8 >= sqrt(T log(N)/2) for every eta > 0 (AM-GM), with equality at "
        "eta = sqrt(8 log(N)/T): the tuning is optimal for this bound.",
    lhs=hedge_regret, rel=">=", rhs="sqrt(T*log(N)/2)", params=(tb_N, tb_T, tb_eta), provenance=TEXTBOOK,
)

hedge_tuned_constant = Claim(
    id="textbook.wrong_hedge_tuned_regret_constant",
    title="Wrong: Hedge with the tuned rate has regret sqrt(T log N)/2",
    doc="Planted error: the tuned bound sqrt(T log(N)/2) = sqrt(T log N)/sqrt(2) written with 2 for sqrt(2) "
        "(off by a factor sqrt(2)).",
    lhs="log(N)/sqrt(8*log(N)/T) + sqrt(8*log(N)/T)*T/8", rel="<=", rhs="sqrt(T*log(N))/2", params=(tb_N, tb_T),
    expect="VIOLATED", provenance=textbook_slip("constant off: 2 for sqrt(2)"),
)

ogd_tuned = Claim(
    id="textbook.online_ogd_tuned_regret",
    title="Online gradient descent with eta = D/(G sqrt(T)) has regret D G sqrt(T)",
    doc="Zinkevich: regret <= D^2/(2 eta) + eta G^2 T/2; at eta = D/(G sqrt(T)) this is D G sqrt(T).",
    lhs="D**2/(2*(D/(G*sqrt(T)))) + (D/(G*sqrt(T)))*G**2*T/2", rel="=", rhs="D*G*sqrt(T)",
    params=(tb_D, tb_G, tb_T), provenance=TEXTBOOK,
)

ogd_step_inverted = Claim(
    id="textbook.wrong_ogd_step_size_inverted",
    title="Wrong: online gradient descent with eta = G sqrt(T)/D",
    doc="Planted error: the step size inverted; D^2/(2 eta) + eta G^2 T/2 at eta = G sqrt(T)/D exceeds D G sqrt(T) "
        "unless D = G sqrt(T).",
    lhs="D**2/(2*(G*sqrt(T)/D)) + (G*sqrt(T)/D)*G**2*T/2", rel="<=", rhs="D*G*sqrt(T)",
    params=(tb_D, tb_G, tb_T), expect="VIOLATED", provenance=textbook_slip("step size inverted"),
)

inverse_sqrt_sum = Claim(
    id="textbook.online_inverse_sqrt_sum_integral",
    title="1/sqrt(t) <= 2 (sqrt(t) - sqrt(t - 1))",
    doc="The summand of sum_t eta_t with eta_t = 1/sqrt(t) is at most the integral of 1/sqrt(x) over [t - 1, t], "
        "in closed form; summing gives sum_{t <= T} 1/sqrt(t) <= 2 sqrt(T) (anytime OGD).",
    lhs="1/sqrt(t)", rel="<=", rhs="2*(sqrt(t) - sqrt(t - 1))", params=(tb_t,), provenance=TEXTBOOK,
)

harmonic_log_step = Claim(
    id="textbook.online_harmonic_log_step",
    title="1/t <= log(t/(t - 1))",
    doc="The harmonic sums of strongly convex OGD (regret G^2 (1 + log T)/(2 alpha)): 1/t <= log(t/(t - 1)) for "
        "t >= 2, which is log(1 + x) >= x/(1 + x) at x = 1/(t - 1).",
    lhs="1/t", rel="<=", rhs="log(t/(t - 1))", params=(tb_t,), hypotheses=("t >= 2",), provenance=TEXTBOOK,
)

doubling_sum = Claim(
    id="textbook.online_doubling_trick_geometric_sum",
    title="The doubling trick costs a factor sqrt(2)/(sqrt(2) - 1)",
    doc="Epochs of length 2^j, j = 0..k, each with regret c sqrt(2^j): the sum is c (sqrt(2)^(k + 1) - 1)/"
        "(sqrt(2) - 1), at most c sqrt(2)/(sqrt(2) - 1) sqrt(T) when the last epoch starts before T (2^k <= T).",
    lhs="(sqrt(2)**(k + 1) - 1)/(sqrt(2) - 1)", rel="<=", rhs="sqrt(2)/(sqrt(2) - 1)*sqrt(T)",
    params=(tb_k, tb_T), hypotheses=("2**k <= T",), provenance=TEXTBOOK,
)

doubling_factor = Claim(
    id="textbook.wrong_doubling_trick_geometric_factor",
    title="Wrong: the doubling trick costs only a factor sqrt(2)",
    doc="Planted error: the geometric sum sum_j sqrt(2)^j bounded by its last term times sqrt(2); the factor "
        "1/(sqrt(2) - 1) is dropped.",
    lhs="(sqrt(2)**(k + 1) - 1)/(sqrt(2) - 1)", rel="<=", rhs="sqrt(2)*sqrt(T)",
    params=(tb_k, tb_T), hypotheses=("2**k <= T",), expect="VIOLATED",
    provenance=textbook_slip("factor 1/(sqrt(2) - 1) of the geometric sum dropped"),
)

hedge_exp_chord = Claim(
    id="textbook.online_hedge_exp_chord",
    title="exp(-eta x) lies below its chord on [0, 1]",
    doc="Multiplicative weights with losses x in [0, 1]: exp(-eta x) <= 1 - (1 - exp(-eta)) x (convexity of the "
        "exponential, Jensen at the two points 0 and 1).",
    lhs="exp(-eta*x)", rel="<=", rhs="1 - (1 - exp(-eta))*x", params=(tb_eta, tb_x_unit), provenance=TEXTBOOK,
)

hedge_eta_ratio = Claim(
    id="textbook.online_hedge_eta_ratio",
    title="eta/(1 - exp(-eta)) <= 1 + eta",
    doc="Weighted majority / Hedge with losses in [0, 1]: the loss is at most (eta L* + log N)/(1 - exp(-eta)), and "
        "eta/(1 - exp(-eta)) <= 1 + eta, which is exp(-eta) <= 1/(1 + eta).",
    lhs="eta/(1 - exp(-eta))", rel="<=", rhs="1 + eta", params=(tb_eta,), provenance=TEXTBOOK,
)

jensen_exp = Claim(
    id="textbook.online_jensen_exp_two_points",
    title="Jensen for the exponential at two points",
    doc="exp(w a + (1 - w) b) <= w exp(a) + (1 - w) exp(b): convexity of the exponential, as in the potential "
        "(log-sum-exp) analysis of exponential weights.",
    lhs="exp(w*a + (1 - w)*b)", rel="<=", rhs="w*exp(a) + (1 - w)*exp(b)", params=(tb_w, tb_a_real, tb_b_real),
    provenance=TEXTBOOK,
)

jensen_log = Claim(
    id="textbook.online_jensen_log_two_points",
    title="Jensen for the logarithm at two points",
    doc="w log(a) + (1 - w) log(b) <= log(w a + (1 - w) b): concavity of the logarithm, the step "
        "E log W <= log E W of the exponential-weights potential.",
    lhs="w*log(a) + (1 - w)*log(b)", rel="<=", rhs="log(w*a + (1 - w)*b)", params=(tb_w, tb_a_pos, tb_b_pos),
    provenance=TEXTBOOK,
)

jensen_log_turned = Claim(
    id="textbook.wrong_online_jensen_log_turned",
    title="Wrong: Jensen for the logarithm the wrong way round",
    doc="Planted error: concavity used as convexity (inequality turned round); it fails whenever a != b and "
        "0 < w < 1.",
    lhs="w*log(a) + (1 - w)*log(b)", rel=">=", rhs="log(w*a + (1 - w)*b)", params=(tb_w, tb_a_pos, tb_b_pos),
    expect="VIOLATED", provenance=textbook_slip("inequality turned round"),
)

weighted_am_gm = Claim(
    id="textbook.online_weighted_am_gm",
    title="Weighted AM-GM",
    doc="a^w b^(1 - w) <= w a + (1 - w) b for a, b >= 0 and w in [0, 1] (concavity of log); interpolates two regret "
        "bounds, e.g. sqrt(A B) <= (A + B)/2 at w = 1/2.",
    lhs="a**w*b**(1 - w)", rel="<=", rhs="w*a + (1 - w)*b", params=(tb_w, tb_a_nn, tb_b_nn), provenance=TEXTBOOK,
)

log_tangent_two = Claim(
    id="textbook.online_log_tangent_two_points",
    title="log(y) - log(x) <= (y - x)/x",
    doc="Concavity of log at x (log(z) <= z - 1 with z = y/x), used to bound the change of the log-potential of "
        "exponential weights by a relative change of the total weight; equality along y = x.",
    lhs="log(y) - log(x)", rel="<=", rhs="(y - x)/x", params=(tb_x_pos, tb_y_pos), provenance=TEXTBOOK,
)

am_gm_three = Claim(
    id="textbook.online_am_gm_three",
    title="AM-GM for three cubes",
    doc="a^3 + b^3 + c^3 >= 3abc for a, b, c >= 0 (the difference is (a + b + c)((a - b)^2 + (b - c)^2 + "
        "(c - a)^2)/2); balancing a three-term bound.",
    lhs="a**3 + b**3 + c**3", rel=">=", rhs="3*a*b*c", params=(tb_a_nn, tb_b_nn, tb_c_nn), provenance=TEXTBOOK,
)

am_gm_three_signs = Claim(
    id="textbook.wrong_online_am_gm_three_real",
    title="Wrong: AM-GM for three cubes of real numbers",
    doc="Planted error: the condition a, b, c >= 0 dropped; the difference (a + b + c)((a - b)^2 + (b - c)^2 + "
        "(c - a)^2)/2 is negative when a + b + c < 0.",
    lhs="a**3 + b**3 + c**3", rel=">=", rhs="3*a*b*c", params=(tb_a_real, tb_b_real, tb_c_real),
    expect="VIOLATED", provenance=textbook_slip("non-negativity condition dropped"),
)

# -- kernel and ridge regression
ridge_shrinkage = Claim(
    id="textbook.ridge_shrinkage_below_one",
    title="The ridge shrinkage factor is at most one",
    doc="The bias of ridge regression along an eigenvector of eigenvalue s is the shrinkage lam/(lam + s) times the "
        "coefficient, and lam/(lam + s) <= 1.",
    lhs="lam/(lam + s)", rel="<=", rhs="1", params=(tb_lam, tb_s), provenance=TEXTBOOK,
)

ridge_effdim_min = Claim(
    id="textbook.ridge_effective_dimension_term_min",
    title="A term of the effective dimension is at most min(1, s/lam)",
    doc="N(lam) = sum_j s_j/(s_j + lam), and each term s/(s + lam) <= min(1, s/lam): large eigenvalues count one, "
        "small ones s/lam.",
    lhs="s/(s + lam)", rel="<=", rhs="Min(1, s/lam)", params=(tb_s, tb_lam), provenance=TEXTBOOK,
)

ridge_effdim_inverted = Claim(
    id="textbook.wrong_ridge_effective_dimension_ratio_inverted",
    title="Wrong: a term of the effective dimension is at most min(1, lam/s)",
    doc="Planted error: the ratio s/lam inverted; s/(s + lam) > lam/s for s > lam (1 + sqrt(5))/2.",
    lhs="s/(s + lam)", rel="<=", rhs="Min(1, lam/s)", params=(tb_s_pos, tb_lam), expect="VIOLATED",
    provenance=textbook_slip("ratio inverted"),
)

ridge_balance = Claim(
    id="textbook.ridge_bias_variance_balance",
    title="The ridge bias-variance bound is at least 2 R sigma sqrt(N/n)",
    doc="Bias lam R^2 plus variance sigma^2 N/(n lam): by AM-GM their sum is at least 2 R sigma sqrt(N/n), with "
        "equality at lam = sigma sqrt(N/n)/R, which is the tuned ridge parameter.",
    lhs="lam*R**2 + sigma**2*Deff/(n*lam)", rel=">=", rhs="2*R*sigma*sqrt(Deff/n)",
    params=(tb_lam, tb_R, tb_sigma, tb_Deff, tb_n), provenance=TEXTBOOK,
)

ridge_bias_below_variance = Claim(
    id="textbook.wrong_ridge_bias_below_variance_past_optimum",
    title="Wrong: past the tuned ridge parameter the bias is below the variance",
    doc="Planted error: the direction of the trade-off turned round; for lam >= sigma sqrt(N/n)/R the bias lam R^2 "
        "is at least the variance sigma^2 N/(n lam).",
    lhs="lam*R**2", rel="<=", rhs="sigma**2*Deff/(n*lam)", params=(tb_lam, tb_R, tb_sigma, tb_Deff, tb_n),
    hypotheses=("lam >= sigma*sqrt(Deff/n)/R",), expect="VIOLATED",
    provenance=textbook_slip("inequality turned round"),
)

ridge_bias_quarter = Claim(
    id="textbook.ridge_bias_eigen_term_quarter",
    title="The ridge bias along one eigenvector is at most lam theta^2/4",
    doc="The population bias of ridge along an eigenvector with eigenvalue s is lam^2 s theta^2/(s + lam)^2 "
        "<= lam theta^2/4, since (s + lam)^2 >= 4 s lam; equality at s = lam.",
    lhs="lam**2*s*theta2/(s + lam)**2", rel="<=", rhs="lam*theta2/4", params=(tb_lam, tb_s, tb_theta2),
    provenance=TEXTBOOK,
)

ridge_bias_eighth = Claim(
    id="textbook.wrong_ridge_bias_eigen_term_eighth",
    title="Wrong: the ridge bias along one eigenvector is at most lam theta^2/8",
    doc="Planted error: the constant 1/4 halved; at s = lam the bias is lam theta^2/4.",
    lhs="lam**2*s*theta2/(s + lam)**2", rel="<=", rhs="lam*theta2/8", params=(tb_lam, tb_s, tb_theta2),
    expect="VIOLATED", provenance=textbook_slip("constant off by a factor two"),
)

ridge_variance_square = Claim(
    id="textbook.ridge_variance_square_below_linear",
    title="The second-order effective dimension is below the first",
    doc="The ridge variance sigma^2/n sum_j s_j^2/(s_j + lam)^2 is at most sigma^2 N(lam)/n, term by term "
        "s^2/(s + lam)^2 <= s/(s + lam).",
    lhs="s**2/(s + lam)**2", rel="<=", rhs="s/(s + lam)", params=(tb_s, tb_lam), provenance=TEXTBOOK,
)

ridge_harmonic = Claim(
    id="textbook.ridge_harmonic_below_geometric",
    title="s lam/(s + lam) <= sqrt(s lam)/2",
    doc="The product term of the ridge risk along one eigenvector, s lam/(s + lam), is at most sqrt(s lam)/2 "
        "(harmonic mean below geometric mean); equality at s = lam.",
    lhs="s*lam/(s + lam)", rel="<=", rhs="sqrt(s*lam)/2", params=(tb_s_pos, tb_lam), provenance=TEXTBOOK,
)

ridge_tail_integral = Claim(
    id="textbook.ridge_eigen_tail_integral",
    title="A polynomially decaying eigenvalue is at most its integral",
    doc="Eigenvalues i^(-alpha), alpha > 1: i^(-alpha) <= int_{i-1}^{i} x^(-alpha) dx = ((i - 1)^(1 - alpha) - "
        "i^(1 - alpha))/(alpha - 1) for i >= 2; summing bounds the tail sum_{i > k} i^(-alpha) by k^(1 - alpha)/"
        "(alpha - 1).",
    lhs="i**(-alpha)", rel="<=", rhs="((i - 1)**(1 - alpha) - i**(1 - alpha))/(alpha - 1)",
    params=(tb_i, tb_alpha), hypotheses=("i >= 2",), provenance=TEXTBOOK,
)

ridge_rate_sample_size = Claim(
    id="textbook.ridge_rate_sample_size",
    title="n >= (C/eps)^(1/r) samples reach the rate C n^(-r) <= eps",
    doc="Inverting a kernel ridge rate C n^(-r) (r = 2 s/(2 s + 1) under a source condition): n >= (C/eps)^(1/r) "
        "gives C n^(-r) <= eps (n -> n^(-r) is decreasing).",
    lhs="C*n**(-r)", rel="<=", rhs="eps", params=(tb_C, tb_n, tb_r_rate, tb_eps_pos),
    hypotheses=("n >= (C/eps)**(1/r)",), provenance=TEXTBOOK,
)

ridge_young = Claim(
    id="textbook.ridge_young_cross_term",
    title="Young's inequality with conjugate exponents p and p/(p - 1)",
    doc="a b <= a^p/p + b^q/q with q = p/(p - 1) (concavity of log), used to split the cross term of a risk "
        "decomposition; equality along b = a^(p - 1).",
    lhs="a*b", rel="<=", rhs="a**p/p + b**(p/(p - 1))*(p - 1)/p", params=(tb_a_nn, tb_b_nn, tb_p_conv),
    provenance=TEXTBOOK,
)

ridge_peter_paul = Claim(
    id="textbook.ridge_peter_paul_cross_term",
    title="2ab <= a^2/c + c b^2",
    doc="Young's inequality with a free weight c > 0 ('Peter-Paul'), the usual way to absorb the cross term "
        "2 <f - f_lam, f_lam - f*> of the ridge excess risk; equality along a = c b.",
    lhs="2*a*b", rel="<=", rhs="a**2/c + c*b**2", params=(tb_a_real, tb_b_real, tb_c_pos), provenance=TEXTBOOK,
)

ridge_squared_split = Claim(
    id="textbook.ridge_squared_loss_split",
    title="(a + b)^2 <= 2 (a^2 + b^2)",
    doc="The squared error of an estimator splits into estimation and approximation errors: (a + b)^2 <= "
        "2 a^2 + 2 b^2; equality at a = b.",
    lhs="(a + b)**2", rel="<=", rhs="2*(a**2 + b**2)", params=(tb_a_real, tb_b_real), provenance=TEXTBOOK,
)

ridge_squared_split_factor = Claim(
    id="textbook.wrong_ridge_squared_loss_split_factor_dropped",
    title="Wrong: (a + b)^2 <= a^2 + b^2",
    doc="Planted error: the factor 2 dropped; (a + b)^2 - a^2 - b^2 = 2ab > 0 when a and b have the same sign.",
    lhs="(a + b)**2", rel="<=", rhs="a**2 + b**2", params=(tb_a_real, tb_b_real), expect="VIOLATED",
    provenance=textbook_slip("factor 2 dropped"),
)

ridge_bernoulli_concave = Claim(
    id="textbook.ridge_bernoulli_concave_power",
    title="Bernoulli's inequality for an exponent in [0, 1]",
    doc="(1 + x)^r <= 1 + r x for x >= -1 and r in [0, 1] (concavity of y -> y^r); with x = s/lam it bounds the "
        "source-condition factor (1 + s/lam)^r by 1 + r s/lam.",
    lhs="(1 + x)**r", rel="<=", rhs="1 + r*x", params=(tb_x_ge_m1, tb_r_concave), provenance=TEXTBOOK,
)

ridge_bernoulli_turned = Claim(
    id="textbook.wrong_ridge_bernoulli_concave_turned",
    title="Wrong: Bernoulli's inequality from below for an exponent in [0, 1]",
    doc="Planted error: the convex-case inequality (1 + x)^r >= 1 + r x used for a concave exponent r in [0, 1] "
        "(turned round); it fails for x != 0 and 0 < r < 1.",
    lhs="(1 + x)**r", rel=">=", rhs="1 + r*x", params=(tb_x_ge_m1, tb_r_concave), expect="VIOLATED",
    provenance=textbook_slip("inequality turned round: convex case used for a concave exponent"),
)

TEXTBOOK_CLAIMS = [
    hoeffding_sample_size, hoeffding_union_factor_dropped, hoeffding_radius_solves, bernstein_sample_size,
    bernstein_radius_split, variance_plugin, chernoff_exponent_minimum, chernoff_every_t, bennett_to_bernstein,
    multiplicative_chernoff, exp_tail_below_polynomial, exp_tail_above_polynomial, pinsker_bernoulli,
    pinsker_constant_four, bernoulli_convex_power, jensen_square, jensen_sqrt, subadditive_concave_power,
    subadditive_convex_power,
    pac_finite_class, pac_one_minus_eps_power, pac_union_lower, pac_agnostic, pac_agnostic_realizable_rate,
    pac_log_ratio_inverted, pac_coupon_miss, pac_coupon_union, pac_sauer_shelah, pac_below_e, pac_x_log_x,
    pac_x_log_x_factor_dropped, pac_growth_log, pac_rate_sample_size, pac_relative_entropy_linear,
    pac_relative_entropy_sign, pac_schur,
    hedge_tuned, hedge_any_eta, hedge_tuned_constant, ogd_tuned, ogd_step_inverted, inverse_sqrt_sum,
    harmonic_log_step, doubling_sum, doubling_factor, hedge_exp_chord, hedge_eta_ratio, jensen_exp, jensen_log,
    jensen_log_turned, weighted_am_gm, log_tangent_two, am_gm_three, am_gm_three_signs,
    ridge_shrinkage, ridge_effdim_min, ridge_effdim_inverted, ridge_balance, ridge_bias_below_variance,
    ridge_bias_quarter, ridge_bias_eighth, ridge_variance_square, ridge_harmonic, ridge_tail_integral,
    ridge_rate_sample_size, ridge_young, ridge_peter_paul, ridge_squared_split, ridge_squared_split_factor,
    ridge_bernoulli_concave, ridge_bernoulli_turned,
]

# ---- the benchmark --------------------------------------------------------------------------------------------
MODULES = (caulking2026, hernandez2021, barnett2024, cliff2023, isik2024, classical)
TRUE_CLAIMS = [c for m in (*MODULES, shachaf2021) for c in m.CLAIMS if c.kind == "analytic"]
TRUE_DERIVATIONS = [d for m in MODULES for d in m.DERIVATIONS]

CLAIMS = TRUE_CLAIMS + WRONG_CLAIMS + TEXTBOOK_CLAIMS
DERIVATIONS = TRUE_DERIVATIONS + WRONG_DERIVATIONS
