"""Fukuchi, Hataya and Matsui (AISTATS 2026), "Provable Target Sample Complexity Improvements as Pre-Trained Models
Scale" (caulking), arXiv:2602.04233.

The full text was not available (see our study notes on caulking, section 0). What is verified from public
summaries is the shape of the result: a pre-trained model head o feature extractor with an adapter (the "caulk")
between them, and a target error rate up to n^(-2 alpha beta / (2 alpha beta + 1)) plus an o(1) term in the source
size m. Everything below is either our reconstruction of that rate (`reconstructed`), a consequence we derived
from it (`derived`, section 3 of the note) or Stone's classical rate (`classical`); none of it is the paper's
theorem, and no constant of the paper is known.

The last claims are measured in the `caulking` scenario (the note's section 5 recipe): rates as log-log slopes with
bootstrap intervals, the bound's constants by a linear program, and the sample complexity's trend in m.

Notation (section 3 of the note): r(a, t) = 2a / (2a + t) is the rate exponent of a squared-L2 regression problem
with effective smoothness a and input dimension t; caulking has a = alpha beta, t = 1; an unstructured
Hölder-s target on [0, 1]^d has r(s, d). The bound is C1 n^(-r) + F, with F = C2 delta_m^2 the floor left by
pre-training on m source samples.
"""
import math

from boundlab.theory import NONNEGATIVE, POSITIVE, SIZE, UNIT_OPEN, Claim, Derivation, Domain, Param, Provenance, Quantity

PAPER = dict(paper="caulking2026", citation="Fukuchi, Hataya and Matsui (2026)", arxiv="2602.04233",
             title="Provable Target Sample Complexity Improvements as Pre-Trained Models Scale")
NOTE = "our study notes on caulking"
RECONSTRUCTED = Provenance("reconstructed", **PAPER,
                           note=f"{NOTE}, T1 and section 3: exponent 2ab/(2ab+1) verified from a summary; "
                                "the bound's exact form is reconstructed")
DERIVED = Provenance("derived", **PAPER, note=f"{NOTE}, section 3 (our consequences of the reconstructed bound)")
STONE = Provenance("classical", "stone1982", "Stone (1982), Ann. Statist. 10(4)",
                   title="Optimal Global Rates of Convergence for Nonparametric Regression",
                   note=f"{NOTE}, L3: minimax rate n^(-2s/(2s+d)) over a Hölder-s ball on [0,1]^d")


# parameters
a = Param("a", POSITIVE, "a", r"effective smoothness, $a = \alpha\beta$ for caulking")
t = Param("t", Domain(1, math.inf, hi_open=True, scale="log"), "t",
          r"input dimension of the adapter (extended to real $t \ge 1$)")
alpha = Param("alpha", POSITIVE, r"\alpha", "smoothness (complexity) exponent of the adapter")
beta = Param("beta", Domain(0, 1, lo_open=True), r"\beta", r"Hölder exponent of the frozen head")
s = Param("s", POSITIVE, "s", r"Hölder smoothness of an unstructured target")
d = Param("d", SIZE, "d", "input dimension of an unstructured target")
C1 = Param("C1", POSITIVE, "C_1", "constant of the $n$-term of the bound")
F = Param("F", NONNEGATIVE, "F", r"floor of the bound left by pre-training, $F = C_2 \delta_m^2$")
eps = Param("eps", POSITIVE, r"\varepsilon", "target excess risk")
r = Param("r", UNIT_OPEN, "r", "rate exponent of the bound in $n$")
n = Param("n", Domain(1, math.inf, hi_open=True, scale="log"), "n",
          r"number of target samples (extended to real $n \ge 1$)")
A = Param("A", POSITIVE, "A", r"the level $(C_1/(\varepsilon - F))^{1/r}$ that $n/\log n$ must reach")

RATE = "2*a/(2*a + t)"

rate_exponent_positive = Claim(
    id="caulking2026.rate_exponent_positive",
    title="The rate exponent is positive",
    doc="Note section 3, item 1: r(a, t) = 2a/(2a + t) > 0 for a, t > 0.",
    lhs=RATE, rel=">", rhs="0", params=(a, t), provenance=DERIVED,
)

rate_exponent_below_one = Claim(
    id="caulking2026.rate_exponent_below_one",
    title="The rate exponent is below one",
    doc="Note section 3, item 1: r(a, t) < 1, so no Hölder-type rate beats the parametric rate 1/n.",
    lhs=RATE, rel="<", rhs="1", params=(a, t), provenance=DERIVED,
)

rate_exponent_derivative_a = Claim(
    id="caulking2026.rate_exponent_derivative_a",
    title="Derivative of the rate exponent in the smoothness",
    doc="Note section 3, item 1: the partial derivative of r(a, t) in a is 2t/(2a + t)^2.",
    lhs=f"diff({RATE}, a)", rel="=", rhs="2*t/(2*a + t)**2", params=(a, t), provenance=DERIVED,
)

rate_exponent_increasing_in_a = Claim(
    id="caulking2026.rate_exponent_increasing_in_a",
    title="A smoother adapter gives a faster rate",
    doc="Note section 3, item 1: r(a, t) is strictly increasing in a = alpha beta.",
    lhs=f"diff({RATE}, a)", rel=">", rhs="0", params=(a, t), provenance=DERIVED,
)

rate_exponent_decreasing_in_t = Claim(
    id="caulking2026.rate_exponent_decreasing_in_t",
    title="A higher adapter input dimension gives a slower rate",
    doc="Note section 3, item 1: r(a, t) is strictly decreasing in t (a simpler adapter class helps).",
    lhs=f"diff({RATE}, t)", rel="<", rhs="0", params=(a, t), provenance=DERIVED,
)

rate_exponent_limit = Claim(
    id="caulking2026.rate_exponent_limit",
    title="The rate exponent tends to one for very smooth adapters",
    doc="Note section 3, item 1: r(a, t) -> 1 as a -> infinity.",
    lhs=f"limit({RATE}, a, oo)", rel="=", rhs="1", params=(t,), provenance=DERIVED,
)

one_input_adapter_is_faster = Claim(
    id="caulking2026.one_input_adapter_is_faster",
    title="A one-input adapter beats a t-input adapter",
    doc="Note section 3, item 1: r(a, 1) > r(a, t) for t > 1; the '+1' of the verified exponent is the best case.",
    lhs="2*a/(2*a + 1)", rel=">", rhs=RATE, params=(a, t), hypotheses=("t > 1",), provenance=DERIVED,
)

caulking_rate_exponent = Claim(
    id="caulking2026.caulking_rate_exponent",
    title="The caulking exponent depends on the exponents only through their product",
    doc="Note T1: in the limit of good pre-training the n-part of the bound is n^(-2 alpha beta/(2 alpha beta + 1)), "
        "which is r(a, 1) with a = alpha beta.",
    lhs="2*alpha*beta/(2*alpha*beta + 1)", rel="=", rhs="1 - 1/(2*alpha*beta + 1)", params=(alpha, beta),
    provenance=RECONSTRUCTED,
)

sample_complexity_inverts_bound = Claim(
    id="caulking2026.sample_complexity_inverts_bound",
    title="The target sample complexity reaches the target error",
    doc="Note section 3, item 3: n* = (C1/(eps - F))^(1/r) solves C1 n^(-r) + F = eps; it is finite only when "
        "eps exceeds the floor F.",
    lhs="C1*((C1/(eps - F))**(1/r))**(-r) + F", rel="=", rhs="eps", params=(C1, eps, F, r),
    hypotheses=("eps > F",), provenance=DERIVED,
)

sample_complexity_limit = Claim(
    id="caulking2026.sample_complexity_limit",
    title="Sample complexity with unlimited pre-training",
    doc="Note section 3, item 3: with F = 0 and r = 2 alpha beta/(2 alpha beta + 1), "
        "n*(eps, infinity) = (C1/eps)^(1/r) = (C1/eps)^(1 + 1/(2 alpha beta)).",
    lhs="(C1/eps)**(1/(2*alpha*beta/(2*alpha*beta + 1)))", rel="=", rhs="(C1/eps)**(1 + 1/(2*alpha*beta))",
    params=(C1, eps, alpha, beta), provenance=DERIVED,
)

caulking_beats_scratch = Claim(
    id="caulking2026.caulking_beats_scratch",
    title="Caulking has the faster exponent when alpha beta d > s",
    doc="Note C1 and section 3, item 5: the caulking exponent 2 alpha beta/(2 alpha beta + 1) exceeds the exponent "
        "2s/(2s + d) of an unstructured Hölder-s target on [0, 1]^d exactly when alpha beta d > s.",
    lhs="2*alpha*beta/(2*alpha*beta + 1)", rel=">", rhs="2*s/(2*s + d)", params=(alpha, beta, s, d),
    hypotheses=("alpha*beta*d > s",), provenance=DERIVED,
)

sample_ratio_exponent = Claim(
    id="caulking2026.sample_ratio_exponent",
    title="The scratch-to-caulking sample ratio grows as eps shrinks",
    doc="Note section 3, item 5: n_0(eps)/n*(eps) behaves like eps^-(d/(2s) - 1/(2 alpha beta)), and the exponent "
        "is positive when alpha beta d > s.",
    lhs="d/(2*s) - 1/(2*alpha*beta)", rel=">", rhs="0", params=(alpha, beta, s, d),
    hypotheses=("alpha*beta*d > s",), provenance=DERIVED,
)

sample_complexity_increases_with_floor = Claim(
    id="caulking2026.sample_complexity_increases_with_floor",
    title="A higher floor needs more target samples",
    doc="Note section 3, items 3-4: n* = (C1/(eps - F))^(1/r) is strictly increasing in the floor F on F < eps, "
        "so a better pre-trained model (smaller F) needs fewer target samples.",
    lhs="diff((C1/(eps - F))**(1/r), F)", rel=">", rhs="0", params=(C1, eps, F, r),
    hypotheses=("eps > F",), provenance=DERIVED,
)

sample_complexity_decreases_with_rate = Claim(
    id="caulking2026.sample_complexity_decreases_with_rate",
    title="A faster rate needs fewer target samples",
    doc="Note section 3, item 4: n* = (C1/(eps - F))^(1/r) is non-increasing in r when C1 > eps - F "
        "(the usual small-eps regime).",
    lhs="diff((C1/(eps - F))**(1/r), r)", rel="<=", rhs="0", params=(C1, eps, F, r),
    hypotheses=("eps > F", "C1 > eps - F"), provenance=DERIVED,
)

log_log_slope_with_floor = Claim(
    id="caulking2026.log_log_slope_with_floor",
    title="The floor flattens the log-log learning curve",
    doc="Note section 3, item 6: the log-log slope of C1 n^(-r) + F is -r C1 n^(-r)/(C1 n^(-r) + F), "
        "never steeper than -r.",
    lhs="n*diff(log(C1*n**(-r) + F), n)", rel=">=", rhs="-r", params=(C1, F, r, n), provenance=DERIVED,
)

lambert_sample_complexity = Claim(
    id="caulking2026.lambert_sample_complexity",
    title="The Lambert-W solution of n / log n = A",
    doc="Note section 3, item 3: with the log factor the sample complexity solves n/log(n) = A; for A > e the "
        "larger solution is n = -A W_{-1}(-1/A), with W_{-1} the lower branch of the Lambert W function.",
    lhs="-A*LambertW(-1/A, -1)/log(-A*LambertW(-1/A, -1))", rel="=", rhs="A", params=(A,),
    hypotheses=("A > E",), provenance=DERIVED,
)

lambert_lower_bound = Claim(
    id="caulking2026.lambert_lower_bound",
    title="The Lambert-W sample complexity is at least A log A",
    doc="Note section 3, item 3: since W_{-1}(-1/A) <= -1, n = -A W_{-1}(-1/A) >= A, hence n = A log n >= A log A.",
    lhs="-A*LambertW(-1/A, -1)", rel=">=", rhs="A*log(A)", params=(A,), hypotheses=("A > E",),
    provenance=DERIVED,
)

worked_example_caulking = Claim(
    id="caulking2026.worked_example_caulking",
    title="Worked example: caulking needs a thousand samples",
    doc="Note section 3, item 7: constants 1, alpha = beta = 1, t = 1, F = 0, eps = 0.01 give "
        "n* = (1/0.01)^(1 + 1/2) = 1000 exactly.",
    lhs="(1/(1/100))**(1 + 1/(2*1*1))", rel="=", rhs="1000", provenance=DERIVED,
)

worked_example_scratch = Claim(
    id="caulking2026.worked_example_scratch",
    title="Worked example: learning from scratch needs 10^12 samples",
    doc="Note section 3, item 7: an unstructured target with s = 1, d = 10, constant 1 and eps = 0.01 needs "
        "n_0 = (1/0.01)^(1 + 10/2) = 10^12 samples.",
    lhs="(1/(1/100))**(1 + 10/(2*1))", rel="=", rhs="10**12", provenance=DERIVED,
)

# ---- measured in the `caulking` scenario (note section 5) ------------------------------------------------------
alpha_w = Param("alpha", Domain(0, 1, lo_open=True), r"\alpha",
                "Hölder exponent of the Weierstrass-type adapter (sharp: not smoother than that)")
D = Param("D", SIZE, "D", "dimension of the inputs, uniform on $[0, 1]^D$")
C2 = Param("C2", NONNEGATIVE, "C_2", "constant of the floor term")
err = Quantity("err", r"\mathcal{E}(\hat f_T)",
               r"the excess risk of the caulked model (least squares over the adapter, head and feature extractor "
               r"frozen) on fresh target points")
err_scratch = Quantity("err_scratch", r"\mathcal{E}(\hat f_0)",
                       r"the excess risk of histogram regression on $[0, 1]^D$ from scratch")
feature_err = Quantity("feature_err", r"\|\hat g_m - g^*\|^2",
                       r"the squared $L_2$ error of the feature extractor pre-trained on $m$ source samples; the "
                       r"floor $\delta_m^2$ is at most a constant times its power $\alpha\beta$ (Hölder composition)")
nstar = Quantity("nstar", r"n^*(\varepsilon)",
                 r"the smallest number of target samples at which the caulked model's excess risk falls to "
                 r"$\varepsilon$ (on one nested sample path, interpolated in log-log)")
INF = math.inf
SIZES = (300, 620, 1300, 2700, 5500, 11000, 24000, 49000, 100000)
SIMULATED = dict(scenario="caulking", samples=64)

caulking_rate = Claim(
    id="caulking2026.caulking_rate",
    title=r"Caulking learns at the rate $n^{-2\alpha\beta/(2\alpha\beta + 1)}$",
    doc="Note T1 and section 5: with the true feature extractor (m = infinity) and a Lipschitz head (beta = 1), the "
        "excess risk of least squares over a piecewise-constant adapter with K ~ n^(1/(2ab+1)) bins decays with "
        "log-log slope -2 alpha beta/(2 alpha beta + 1) (the Weierstrass adapter makes the upper rate sharp).",
    lhs="err", rel="=", rhs="-2*alpha*beta/(2*alpha*beta + 1)", statistic="rate", over=("n", SIZES),
    params=(alpha_w, beta, n), quantities=(err,), grid=({"alpha": 0.5, "beta": 1, "m": INF},
                                                           {"alpha": 0.8, "beta": 1, "m": INF}),
    provenance=RECONSTRUCTED, **SIMULATED,
)

scratch_rate = Claim(
    id="caulking2026.scratch_rate",
    title=r"Learning from scratch has Stone's rate $n^{-2s/(2s + D)}$",
    doc="Note L3 and section 5: the same target is an (alpha beta)-Hölder function on [0, 1]^D; histogram regression "
        "with n^(1/(2s + D)) cells per axis reaches the minimax slope -2s/(2s + D), s = alpha beta.",
    lhs="err_scratch", rel="=", rhs="-2*alpha*beta/(2*alpha*beta + D)", statistic="rate", over=("n", SIZES),
    params=(alpha_w, beta, D, n), quantities=(err_scratch,),
    grid=({"alpha": 0.5, "beta": 1, "D": 3, "m": INF}, {"alpha": 0.8, "beta": 1, "D": 3, "m": INF}),
    provenance=STONE, **SIMULATED,
)

error_bound = Claim(
    id="caulking2026.error_bound",
    title="The caulking error bound with a floor left by pre-training",
    doc="Note T1 and section 3, item 8: E[err] <= C1 n^(-2ab/(2ab+1)) + C2 delta_m^2 at every (n, m), with the "
        "floor delta_m^2 bounded through the feature extractor's error (Hölder composition, note D2). The constants "
        "are the smallest an LP finds; they must not drift as the range of n grows.",
    lhs="err", rel="<=", rhs="C1*n**(-2*alpha*beta/(2*alpha*beta + 1)) + C2*feature_err**(alpha*beta)",
    statistic="bound", over=("n", SIZES), constants=(C1, C2), params=(alpha_w, beta, n),
    quantities=(err, feature_err), grid=tuple({"alpha": 0.5, "beta": 1, "m": m} for m in (20, 100, 1000, INF)),
    provenance=RECONSTRUCTED, **SIMULATED,
)

bound_without_floor = Claim(
    id="caulking2026.bound_without_floor",
    title=r"A bound with no term in $m$ fails when pre-training is poor",
    doc="Note section 3, item 6: after a poor pre-training (m = 20) the learning curve flattens to the floor "
        "C2 delta_m^2, so no constant C1 makes E[err] <= C1 n^(-2ab/(2ab+1)) hold as n grows: the smallest C1 keeps "
        "growing with the range of n. Registered as false: the verifier must refute it.",
    lhs="err", rel="<=", rhs="C1*n**(-2*alpha*beta/(2*alpha*beta + 1))", statistic="bound", over=("n", SIZES),
    constants=(C1,), params=(alpha_w, beta, n), quantities=(err,), grid=({"alpha": 0.5, "beta": 1, "m": 20},),
    provenance=DERIVED, expect="VIOLATED", **SIMULATED,
)

EPS = (1e-3, 1.6e-3, 2.5e-3, 4e-3, 6.3e-3)
sample_complexity_rate = Claim(
    id="caulking2026.sample_complexity_rate",
    title=r"The target sample complexity grows like $\varepsilon^{-(1 + 1/(2\alpha\beta))}$",
    doc="Note section 3, item 3: inverting the bound with m = infinity gives n*(eps) ~ eps^(-1/r), r = 2ab/(2ab+1). "
        "The tolerance is wider than for the error's slope: a bias e in the error's slope moves this one by "
        "about e/r^2, so the error's 0.05 becomes 0.2 here (r = 1/2).",
    lhs="nstar", rel="=", rhs="-(2*alpha*beta + 1)/(2*alpha*beta)", statistic="rate", over=("eps", EPS),
    params=(alpha_w, beta, eps), quantities=(nstar,), grid=({"alpha": 0.5, "beta": 1, "m": INF},),
    resolution=0.2, provenance=DERIVED, scenario="caulking", samples=96,
)

sample_complexity_falls_with_m = Claim(
    id="caulking2026.sample_complexity_falls_with_m",
    title="Better pre-training needs fewer target samples",
    doc="Note section 3, item 4 and section 5: n*(eps, m) is non-increasing in the source size m (the floor and "
        "the feature error shrink as m grows). Measured at eps = 3e-3, above the floor of every instance from "
        "m = 100 on. The per-instance sample complexity varies with the drawn feature extractor (a relative "
        "spread of 20% to 35%), hence many repetitions and a coarse resolution: each mean is known to within 50%.",
    lhs="nstar", rel="<=", rhs="0", statistic="trend", over=("m", (100, 300, 1000, 3000, INF)),
    params=(alpha_w, beta, eps), quantities=(nstar,), grid=({"alpha": 0.5, "beta": 1, "eps": 3e-3},),
    resolution=0.5, provenance=DERIVED, scenario="caulking", samples=128,
)

CLAIMS = [rate_exponent_positive, rate_exponent_below_one, rate_exponent_derivative_a, rate_exponent_increasing_in_a,
          rate_exponent_decreasing_in_t, rate_exponent_limit, one_input_adapter_is_faster, caulking_rate_exponent,
          sample_complexity_inverts_bound, sample_complexity_limit, caulking_beats_scratch, sample_ratio_exponent,
          sample_complexity_increases_with_floor, sample_complexity_decreases_with_rate, log_log_slope_with_floor,
          lambert_sample_complexity, lambert_lower_bound, worked_example_caulking, worked_example_scratch,
          caulking_rate, scratch_rate, error_bound, bound_without_floor, sample_complexity_rate,
          sample_complexity_falls_with_m]

sample_complexity_chain = Derivation(
    id="caulking2026.sample_complexity_chain",
    title="Plugging the sample complexity into the bound",
    doc="Note section 3, item 3: C1 n*^(-r) + F = C1 (C1/(eps - F))^(-1) + F = eps.",
    start="C1*((C1/(eps - F))**(1/r))**(-r) + F",
    steps=[("=", "C1*(C1/(eps - F))**(-1) + F", "(x^{1/r})^{-r} = 1/x for x > 0"),
           ("=", "(eps - F) + F", "C1 cancels"),
           ("=", "eps", "")],
    params=(C1, eps, F, r), hypotheses=("eps > F",), provenance=DERIVED,
)

bias_variance_balance = Derivation(
    id="caulking2026.bias_variance_balance",
    title="Balancing bias and variance of the sieve estimator",
    doc="Note T1: with K = n^(t/(2a + t)) adapter parameters the squared bias K^(-2a/t) equals the variance K/n "
        "(logs dropped), and both are n^(-2a/(2a + t)).",
    start="(n**(t/(2*a + t)))**(-2*a/t)",
    steps=[("=", "n**(-2*a/(2*a + t))", "power of a power"),
           ("=", "n**(t/(2*a + t))/n", "t/(2a + t) - 1 = -2a/(2a + t)")],
    params=(n, a, t), provenance=DERIVED,
)

DERIVATIONS = [sample_complexity_chain, bias_variance_balance]
