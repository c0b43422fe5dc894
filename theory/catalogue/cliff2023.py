"""Wang, Zablotchi, Shavit and Rosenfeld (2023), "Cliff-Learning", arXiv:2302.07348.

Only the abstract, the introduction and Eq. 1.1 were read (our study notes on scaling laws for transfer, section 3).
Verified: cliff-learning is a region of a data-scaling law where performance improves faster than a power law, i.e.
a region of concavity on a log-log plot; the large-n baseline is E[test error] = A n^(-alpha) + E (their Eq. 1.1,
attributed to Hernandez et al.). The formal criterion below is our reading (`reconstructed`): with t = log n and
l(t) = log err(e^t), a cliff is a stretch where l''(t) < 0. The examples (sigmoid in log n, 1-NN on pure clusters,
min-norm regression) are our own constructions (`derived`), not the paper's toy models.
"""
import math

from boundlab.theory import NONNEGATIVE, POSITIVE, SIZE, Claim, Derivation, Domain, Param, Provenance

PAPER = dict(paper="cliff2023", citation="Wang, Zablotchi, Shavit and Rosenfeld (2023)", arxiv="2302.07348",
             title="Cliff-Learning")
NOTE = "our study notes on scaling laws for transfer"
RECONSTRUCTED = Provenance("reconstructed", **PAPER,
                           note=f"{NOTE}, section 3.2: the cliff criterion l''(t) < 0 is our reading of "
                                "'concavity on a log-log plot'")
DERIVED = Provenance("derived", **PAPER, note=f"{NOTE}, sections 3.2-3.3 (our derivations and constructions)")

POS_LOG = Domain(0, math.inf, lo_open=True, hi_open=True, scale="log")

# parameters
A = Param("A", POSITIVE, "A", "coefficient of the power law")
a = Param("a", POSITIVE, r"\alpha", "exponent of the power law")
E = Param("E", NONNEGATIVE, "E", "the error floor")
E_pos = Param("E", POSITIVE, "E", "the error floor")
t = Param("t", Domain(0, math.inf, hi_open=True), "t", r"log sample size, $t = \log n$ with $n \ge 1$")
n = Param("n", Domain(1, math.inf, hi_open=True, scale="log"), "n",
          r"number of downstream samples (extended to real $n \ge 1$)")
c = Param("c", POSITIVE, "c", "error at zero data of the sigmoid curve")
n0 = Param("n0", POS_LOG, "n_0", "sample size at the middle of the cliff")
g = Param("g", POSITIVE, r"\gamma", "steepness of the sigmoid in $\\log n$")
K = Param("K", SIZE, "K", "number of class-pure clusters")
d = Param("d", SIZE, "d", "input dimension")

POWER_FLOOR = "log(A*exp(-a*t) + E)"  # l(t) for err = A n^(-alpha) + E

pure_power_law_boundary = Claim(
    id="cliff2023.pure_power_law_boundary",
    title="A pure power law is a straight line on a log-log plot",
    doc="Note section 3.2: for err = A n^(-alpha), l(t) = log A - alpha t and l''(t) = 0, the boundary between "
        "cliff and no cliff.",
    lhs="diff(log(A*exp(-a*t)), t, 2)", rel="=", rhs="0", params=(A, a, t), provenance=RECONSTRUCTED,
)

power_floor_curvature = Claim(
    id="cliff2023.power_floor_curvature",
    title="Curvature of the log-log curve of a power law plus floor",
    doc="Note section 3.2: for err = A n^(-alpha) + E, "
        "l''(t) = alpha^2 A E e^(-alpha t)/(A e^(-alpha t) + E)^2.",
    lhs=f"diff({POWER_FLOOR}, t, 2)", rel="=", rhs="a**2*A*E*exp(-a*t)/(A*exp(-a*t) + E)**2", params=(A, a, E, t),
    provenance=DERIVED,
)

power_floor_never_cliff = Claim(
    id="cliff2023.power_floor_never_cliff",
    title="A power law plus a floor is never a cliff",
    doc="Note section 3.2: l''(t) >= 0 for err = A n^(-alpha) + E with A, E >= 0, so any concave stretch of a "
        "measured curve rules out Eq. 1.1 there.",
    lhs=f"diff({POWER_FLOOR}, t, 2)", rel=">=", rhs="0", params=(A, a, E, t), provenance=DERIVED,
)

power_floor_speed_decreasing = Claim(
    id="cliff2023.power_floor_speed_decreasing",
    title="A power law plus a floor learns ever more slowly",
    doc="Note section 3.2: the learning speed s(n) = -d log err / d log n = alpha A n^(-alpha)/(A n^(-alpha) + E) "
        "is non-increasing in n.",
    lhs="diff(-n*diff(log(A*n**(-a) + E), n), n)", rel="<=", rhs="0", params=(A, a, E, n), provenance=DERIVED,
)

sigmoid_is_cliff = Claim(
    id="cliff2023.sigmoid_is_cliff",
    title="A sigmoid in log n is a cliff everywhere",
    doc="Note section 3.3: for err = c/(1 + (n/n0)^gamma), l''(t) = -gamma^2 sigma (1 - sigma) < 0 with "
        "sigma = (n/n0)^gamma/(1 + (n/n0)^gamma).",
    lhs="diff(log(c/(1 + (exp(t)/n0)**g)), t, 2)", rel="<", rhs="0", params=(c, n0, g, t), provenance=DERIVED,
)

sigmoid_speed = Claim(
    id="cliff2023.sigmoid_speed",
    title="The learning speed of the sigmoid curve",
    doc="Note section 3.3: s(n) = gamma sigma, rising from 0 to gamma.",
    lhs="-n*diff(log(c/(1 + (n/n0)**g)), n)", rel="=", rhs="g*(n/n0)**g/(1 + (n/n0)**g)", params=(c, n0, g, n),
    provenance=DERIVED,
)

nearest_neighbour_cliff = Claim(
    id="cliff2023.nearest_neighbour_cliff",
    title="1-NN on class-pure clusters is a cliff",
    doc="Note section 3.3: err = (1 - 1/K)^n gives l(t) = e^t log(1 - 1/K), and l''(t) < 0 for K >= 2.",
    lhs="diff(log((1 - 1/K)**exp(t)), t, 2)", rel="<", rhs="0", params=(K, t), hypotheses=("K >= 2",),
    provenance=DERIVED,
)

min_norm_cliff = Claim(
    id="cliff2023.min_norm_cliff",
    title="Min-norm regression with isotropic inputs is a cliff",
    doc="Note section 3.3: E[excess risk] = (1 - n/d) |w*|^2 for n < d, so l(t) = log(1 - e^t/d) + const is "
        "concave for e^t < d.",
    lhs="diff(log(1 - exp(t)/d), t, 2)", rel="<", rhs="0", params=(d, t), hypotheses=("exp(t) < d",),
    provenance=DERIVED,
)

CLAIMS = [pure_power_law_boundary, power_floor_curvature, power_floor_never_cliff, power_floor_speed_decreasing,
          sigmoid_is_cliff, sigmoid_speed, nearest_neighbour_cliff, min_norm_cliff]

power_floor_chain = Derivation(
    id="cliff2023.power_floor_chain",
    title="The log-log curvature of a power law plus floor",
    doc="Note section 3.2: differentiate l(t) = log(A e^(-alpha t) + E) twice.",
    start=f"diff({POWER_FLOOR}, t, 2)",
    steps=[("=", "diff(-a*A*exp(-a*t)/(A*exp(-a*t) + E), t)", "first derivative"),
           ("=", "a**2*A*E*exp(-a*t)/(A*exp(-a*t) + E)**2", "quotient rule; the A^2 terms cancel"),
           (">=", "0", "every factor is non-negative")],
    params=(A, a, E, t), provenance=DERIVED,
)

DERIVATIONS = [power_floor_chain]
