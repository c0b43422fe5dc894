"""The analytic benchmark of boundlab's prover: true and deliberately wrong claims and derivations.

What: every analytic claim (statistic "value") and every derivation of the transfer-learning catalogue
(caulking2026, hernandez2021, barnett2024, cliff2023, isik2024, classical, and the analytic claims of shachaf2021),
which must come out as holding (PROVED, CERTIFIED or CONSISTENT), together with planted errors defined here, each
registered with expect="VIOLATED", which must be refuted with a replayable witness. The errors are the ones a
careful co-author makes: an exponent inverted, a sign flipped, a factor dropped, a condition that forgets a
parameter, a rounded constant taken for an exact one, an inequality turned around, one wrong step in an otherwise
right chain (and a chain whose two wrong steps cancel, so that only step-wise checking sees them).

Why: a prover that reports a false claim as PROVED, CERTIFIED or CONSISTENT has the worst defect this project can
have; one that cannot settle the true claims is of little use. This list measures both, on formulas in the form the
papers write them (derivatives, limits, integrals, Lambert W, Beta functions, exact rationals).

How: `CLAIMS` (list of Claim) and `DERIVATIONS` (list of Derivation). The true items are imported from the
catalogue, so they are the very objects `boundlab check` sees; the wrong ones are defined here only, never in the
catalogue, with provenance "derived" and a note "planted error: ...". The runner (benchmarks/prover.py) checks each
item and compares the verdict with `expect`. The truth of every item is established independently of SymPy by
tests/theory/test_catalogue_content.py (mpmath at 50 digits on random points of the domain; finite differences and
quadrature for the calculus).

    .venv/bin/python -c "import runpy; m = runpy.run_path('benchmarks/analytic_claims.py'); print(len(m['CLAIMS']))"
"""
from __future__ import annotations

from boundlab.theory import Claim, Derivation, Provenance, Step
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

# ---- the benchmark --------------------------------------------------------------------------------------------
MODULES = (caulking2026, hernandez2021, barnett2024, cliff2023, isik2024, classical)
TRUE_CLAIMS = [c for m in (*MODULES, shachaf2021) for c in m.CLAIMS if c.kind == "analytic"]
TRUE_DERIVATIONS = [d for m in MODULES for d in m.DERIVATIONS]

CLAIMS = TRUE_CLAIMS + WRONG_CLAIMS
DERIVATIONS = TRUE_DERIVATIONS + WRONG_DERIVATIONS
