"""Fukuchi, Hataya and Matsui (AISTATS 2026), "Provable Target Sample Complexity Improvements as Pre-Trained Models
Scale" (caulking), arXiv:2602.04233.

The full text was not available (see shared/papers/caulking2026.md, section 0). What is verified from public
summaries is the shape of the result: a pre-trained model head o feature extractor with an adapter (the "caulk")
between them, and a target error rate up to n^(-2 alpha beta / (2 alpha beta + 1)) plus an o(1) term in the source
size m. Everything below is either our reconstruction of that rate (`reconstructed`) or a consequence we derived
from it (`derived`), following section 3 of the note; none of it is the paper's theorem, and no constant of the
paper is known.

Notation (section 3 of the note): r(a, t) = 2a / (2a + t) is the rate exponent of a squared-L2 regression problem
with effective smoothness a and input dimension t; caulking has a = alpha beta, t = 1; an unstructured
Hölder-s target on [0, 1]^d has r(s, d). The bound is C1 n^(-r) + F, with F = C2 delta_m^2 the floor left by
pre-training on m source samples.
"""
import math

from theory import NONNEGATIVE, POSITIVE, SIZE, UNIT_OPEN, Claim, Derivation, Domain, Param, Provenance

PAPER = dict(paper="caulking2026", citation="Fukuchi, Hataya and Matsui (2026)", arxiv="2602.04233")
NOTE = "shared/papers/caulking2026.md"
RECONSTRUCTED = Provenance("reconstructed", **PAPER,
                           note=f"{NOTE}, T1 and section 3: exponent 2ab/(2ab+1) verified from a summary; "
                                "the bound's exact form is reconstructed")
DERIVED = Provenance("derived", **PAPER, note=f"{NOTE}, section 3 (our consequences of the reconstructed bound)")


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

CLAIMS = [rate_exponent_positive, rate_exponent_below_one, rate_exponent_derivative_a, rate_exponent_increasing_in_a,
          rate_exponent_decreasing_in_t, rate_exponent_limit, one_input_adapter_is_faster, caulking_rate_exponent,
          sample_complexity_inverts_bound, sample_complexity_limit, caulking_beats_scratch, sample_ratio_exponent,
          sample_complexity_increases_with_floor, sample_complexity_decreases_with_rate, log_log_slope_with_floor,
          lambert_sample_complexity, lambert_lower_bound, worked_example_caulking, worked_example_scratch]

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
