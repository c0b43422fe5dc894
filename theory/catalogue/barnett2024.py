"""Barnett (2024), "An Empirical Study of Scaling Laws for Transfer", arXiv:2408.16947.

Only the abstract and the opening of the introduction were read (our study notes on scaling laws for transfer, section 2).
Verified: the law has power laws in pre-training data p and fine-tuning data f, an irreducible loss and a
"transfer gap" term; model size is not a variable. The exact functional form was NOT seen. The claims below use the
notes' working hypothesis (H-main, confidence about 60%),

    L(p, f) = (A p^(-alpha) + G) f^(-beta) + E,     A > 0, G >= 0, E >= 0, alpha > 0, beta > 0,

so the law itself is `reconstructed` and everything derived from it (marginal values, convexity, the optimal
allocation of a budget, the effective fine-tuning multiplier) is `derived`. None of it is the paper's statement.
"""
import math

from boundlab.theory import NONNEGATIVE, POSITIVE, Claim, Derivation, Domain, Param, Provenance, Quantity
from boundlab.theory.laws import FORMS, L  # noqa: F401 - FORMS: the hypotheses this paper's claims compare

PAPER = dict(paper="barnett2024", citation="Barnett (2024)", arxiv="2408.16947",
             title="An Empirical Study of Scaling Laws for Transfer")
NOTE = "our study notes on scaling laws for transfer"
RECONSTRUCTED = Provenance("reconstructed", **PAPER,
                           note=f"{NOTE}, section 2.2: working hypothesis H-main for the law's form (not seen)")
DERIVED = Provenance("derived", **PAPER, note=f"{NOTE}, section 2.4 (derived under the working hypothesis H-main)")

POS_LOG = Domain(0, math.inf, lo_open=True, hi_open=True, scale="log")

# parameters
A = Param("A", POSITIVE, "A", "coefficient of the pre-training power law")
G = Param("G", NONNEGATIVE, "G", "the transfer gap")
G_pos = Param("G", POSITIVE, "G", "the transfer gap")
E = Param("E", NONNEGATIVE, "E", "the irreducible loss")
a = Param("a", POSITIVE, r"\alpha", "exponent of the pre-training data")
b = Param("b", POSITIVE, r"\beta", "exponent of the fine-tuning data")
p = Param("p", POS_LOG, "p", "pre-training tokens")
p0 = Param("p0", POS_LOG, "p_0", "a reference amount of pre-training tokens")
f = Param("f", POS_LOG, "f", "fine-tuning tokens")
c_p = Param("c_p", POS_LOG, "c_p", "cost of one pre-training token")
c_f = Param("c_f", POS_LOG, "c_f", "cost of one fine-tuning token")
B = Param("B", POS_LOG, "B", "the budget")
Lt = Param("Lt", POSITIVE, "L_t", "a target loss")

LAW = (A, G, E, a, b, p, f)

loss_derivative_pretraining = Claim(
    id="barnett2024.loss_derivative_pretraining",
    title="Marginal value of pre-training data",
    doc="Note section 2.4, item 2: dL/dp = -alpha A p^(-alpha - 1) f^(-beta).",
    lhs=f"diff({L}, p)", rel="=", rhs="-a*A*p**(-a - 1)*f**(-b)", params=LAW, provenance=DERIVED,
)

loss_derivative_finetuning = Claim(
    id="barnett2024.loss_derivative_finetuning",
    title="Marginal value of fine-tuning data",
    doc="Note section 2.4, item 2: dL/df = -beta (A p^(-alpha) + G) f^(-beta - 1).",
    lhs=f"diff({L}, f)", rel="=", rhs="-b*(A*p**(-a) + G)*f**(-b - 1)", params=LAW, provenance=DERIVED,
)

marginal_rate_of_substitution = Claim(
    id="barnett2024.marginal_rate_of_substitution",
    title="Pre-training tokens that one fine-tuning token is worth",
    doc="Note section 2.4, item 2: the ratio of the partial derivatives is "
        "(beta/alpha)(p/f)(1 + (G/A) p^alpha); the gap makes fine-tuning data relatively more valuable.",
    lhs=f"diff({L}, f)/diff({L}, p)", rel="=", rhs="(b/a)*(p/f)*(1 + (G/A)*p**a)", params=LAW,
    provenance=DERIVED,
)

mrs_grows_with_pretraining = Claim(
    id="barnett2024.mrs_grows_with_pretraining",
    title="More pre-training makes fine-tuning data relatively more valuable",
    doc="Note section 2.4, item 2: the marginal rate of substitution increases in p.",
    lhs="diff((b/a)*(p/f)*(1 + (G/A)*p**a), p)", rel=">", rhs="0", params=LAW, provenance=DERIVED,
)

convex_in_pretraining = Claim(
    id="barnett2024.convex_in_pretraining",
    title="The loss is strictly convex in the pre-training data",
    doc="Note section 2.4, item 3: L_pp = alpha (alpha + 1) A p^(-alpha - 2) f^(-beta) > 0.",
    lhs=f"diff({L}, p, 2)", rel=">", rhs="0", params=LAW, provenance=DERIVED,
)

hessian_determinant = Claim(
    id="barnett2024.hessian_determinant",
    title="The determinant of the Hessian of the loss",
    doc="Note section 2.4, item 3: det H = alpha beta A f^(-2 beta - 2) p^(-2 alpha - 2) "
        "[A (1 + alpha + beta) + G p^alpha (1 + alpha)(1 + beta)]. E does not enter the Hessian.",
    lhs="diff(A*p**(-a)*f**(-b) + G*f**(-b), p, 2)*diff(A*p**(-a)*f**(-b) + G*f**(-b), f, 2)"
        " - diff(A*p**(-a)*f**(-b) + G*f**(-b), p, f)**2",
    rel="=", rhs="a*b*A*f**(-2*b - 2)*p**(-2*a - 2)*(A*(1 + a + b) + G*p**a*(1 + a)*(1 + b))",
    params=(A, G, a, b, p, f), provenance=DERIVED,
)

jointly_convex = Claim(
    id="barnett2024.jointly_convex",
    title="The loss is jointly convex in both data sizes",
    doc="Note section 2.4, item 3: with L_pp > 0, a positive Hessian determinant makes L jointly convex "
        "on p, f > 0, so the budget allocation has a unique optimum.",
    lhs="a*b*A*f**(-2*b - 2)*p**(-2*a - 2)*(A*(1 + a + b) + G*p**a*(1 + a)*(1 + b))", rel=">", rhs="0",
    params=(A, G, a, b, p, f), provenance=DERIVED,
)

first_order_condition = Claim(
    id="barnett2024.first_order_condition",
    title="The tangency condition of the budget allocation",
    doc="Note section 2.4, item 4: minimising L subject to c_p p + c_f f = B needs c_f L_p = c_p L_f, i.e. "
        "alpha A c_f f = beta c_p p (A + G p^alpha); the two sides differ by a positive factor.",
    lhs=f"c_f*diff({L}, p) - c_p*diff({L}, f)", rel="=",
    rhs="(b*c_p*p*(A + G*p**a) - a*A*c_f*f)*p**(-a - 1)*f**(-b - 1)", params=(*LAW, c_p, c_f),
    provenance=DERIVED,
)

cobb_douglas_allocation = Claim(
    id="barnett2024.cobb_douglas_allocation",
    title="Without a gap the budget splits in fixed shares",
    doc="Note section 2.4, item 4: for G = 0, p* = alpha B/((alpha + beta) c_p) and "
        "f* = beta B/((alpha + beta) c_f) satisfy the first-order condition alpha A c_f f = beta c_p p A.",
    lhs="a*A*c_f*(b*B/((a + b)*c_f))", rel="=", rhs="b*c_p*(a*B/((a + b)*c_p))*A",
    params=(A, a, b, c_p, c_f, B), provenance=DERIVED,
)

cobb_douglas_budget = Claim(
    id="barnett2024.cobb_douglas_budget",
    title="The gap-free allocation spends the whole budget",
    doc="Note section 2.4, item 4: c_p p* + c_f f* = B for the shares alpha/(alpha + beta), beta/(alpha + beta).",
    lhs="c_p*(a*B/((a + b)*c_p)) + c_f*(b*B/((a + b)*c_f))", rel="=", rhs="B",
    params=(a, b, c_p, c_f, B), provenance=DERIVED,
)

effective_multiplier = Claim(
    id="barnett2024.effective_multiplier",
    title="More pre-training acts as a multiplier on fine-tuning data",
    doc="Note section 2.4, item 5: L(p, f) = L(p0, m f) with "
        "m = ((A p0^(-alpha) + G)/(A p^(-alpha) + G))^(1/beta), whatever f is.",
    lhs=L, rel="=", rhs="(A*p0**(-a) + G)*(((A*p0**(-a) + G)/(A*p**(-a) + G))**(1/b)*f)**(-b) + E",
    params=(*LAW, p0), provenance=DERIVED,
)

multiplier_bounded = Claim(
    id="barnett2024.multiplier_bounded",
    title="With a gap, the pre-training multiplier is bounded",
    doc="Note section 2.4, item 5: m <= (1 + (A/G) p0^(-alpha))^(1/beta) for every p, unlike Hernandez's "
        "multiplier, which is unbounded in N.",
    lhs="((A*p0**(-a) + G)/(A*p**(-a) + G))**(1/b)", rel="<=", rhs="(1 + A*p0**(-a)/G)**(1/b)",
    params=(A, G_pos, a, b, p, p0), provenance=DERIVED,
)

gap_fraction_below_one = Claim(
    id="barnett2024.gap_fraction_below_one",
    title="Pre-training removes part of the fine-tuning term, never all of it",
    doc="Note section 2.4, item 6: the gap fraction G/(A p^(-alpha) + G) lies in [0, 1).",
    lhs="G/(A*p**(-a) + G)", rel="<", rhs="1", params=(A, G, a, p), provenance=DERIVED,
)

unlimited_pretraining_floor = Claim(
    id="barnett2024.unlimited_pretraining_floor",
    title="The loss floor under unlimited pre-training",
    doc="Note sections 2.1 and 2.4, item 1: as p -> infinity at fixed f, L -> G f^(-beta) + E, which only f can "
        "lower (the verified 'ceiling' statement, in the working form).",
    lhs=f"limit({L}, p, oo)", rel="=", rhs="G*f**(-b) + E", params=(A, G, E, a, b, f),
    provenance=RECONSTRUCTED,
)

unlimited_finetuning_limit = Claim(
    id="barnett2024.unlimited_finetuning_limit",
    title="Unlimited fine-tuning data reaches the irreducible loss",
    doc="Note section 2.4, item 1: as f -> infinity at fixed p > 0, L -> E.",
    lhs=f"limit({L}, f, oo)", rel="=", rhs="E", params=(A, G, E, a, b, p), provenance=DERIVED,
)

finetuning_needed = Claim(
    id="barnett2024.finetuning_needed",
    title="Fine-tuning data needed with unlimited pre-training",
    doc="Note section 2.4, item 1: the floor reaches a target L_t > E at f = (G/(L_t - E))^(1/beta), "
        "whatever p is.",
    lhs="G*((G/(Lt - E))**(1/b))**(-b) + E", rel="=", rhs="Lt", params=(G_pos, E, b, Lt),
    hypotheses=("Lt > E",), provenance=DERIVED,
)

loss_above_floor = Claim(
    id="barnett2024.loss_above_floor",
    title="No finite pre-training reaches the floor",
    doc="Note section 2.1 and 2.4, item 1: L(p, f) > G f^(-beta) + E for every finite p.",
    lhs=L, rel=">", rhs="G*f**(-b) + E", params=LAW, provenance=DERIVED,
)

# ---- measured in the `transfer_curves` scenario ----------------------------------------------------------------
# A linear transfer setting built to have a transfer gap (verify/scenarios/transfer_curves.py): min-norm least
# squares pre-trained on p samples of a source teacher, fine-tuned on f samples of a target teacher that differs by
# `mismatch` times an independent draw; feature spectrum i^-spectrum, teacher coordinates of variance i^-decay.
SIMULATION = Provenance("derived", **PAPER,
                        note=f"{NOTE}, section 2.4, item 1 (the data-scarcity floor), in our synthetic linear "
                             "transfer setting (scenario transfer_curves); the rate is ours, from the deterministic "
                             "equivalent of min-norm regression, not the paper's")
spectrum = Param("spectrum", POSITIVE, "s", "exponent of the feature spectrum, $\\lambda_i = i^{-s}$")
decay = Param("decay", POSITIVE, "c", "exponent of the teacher's coordinate variances, $i^{-c}$")
f_n = Param("f", Domain(1, math.inf, hi_open=True, integer=True, scale="log"), "f", "fine-tuning samples")
loss = Quantity("loss", r"L(p, f)", "the target test loss after pre-training on $p$ and fine-tuning on $f$ samples")
excess = Quantity("excess", r"L(\infty, f) - \sigma^2",
                  "the target excess risk after fine-tuning the source teacher itself on $f$ samples")

gap_floor_rate = Claim(
    id="barnett2024.gap_floor_rate",
    title="With unlimited pre-training the loss still falls only as a power of f",
    doc="The transfer gap in a linear setting: starting from the source teacher itself (p = infinity), "
        "fine-tuning by min-norm least squares on f target samples leaves an excess risk decaying with log-log "
        "slope -(s + c - 1) for c < s + 1 (the deterministic equivalent of ridgeless regression: effective ridge "
        "~ f^-s, bias sum_i lambda_i v_i^2 k^2/(lambda_i + k)^2), with d = 2000 >> f, so that the tail "
        "beyond d does not bend the curve; the resolution 0.15 allows for what is left of finite-size bias. The floor G f^-beta + E of the working form, with beta = s + c - 1.",
    lhs="excess", rel="=", rhs="-(spectrum + decay - 1)", statistic="rate", over=("f", (8, 16, 32, 64, 128)),
    params=(spectrum, decay, f_n), quantities=(excess,),
    grid=({"p": math.inf, "d": 2000, "spectrum": 1.5, "decay": 1.0},
          {"p": math.inf, "d": 2000, "spectrum": 2.0, "decay": 0.5}),
    hypotheses=("decay < spectrum + 1",), resolution=0.15, provenance=SIMULATION, scenario="transfer_curves",
    samples=256,
)

loss_falls_with_pretraining = Claim(
    id="barnett2024.loss_falls_with_pretraining",
    title="More pre-training never raises the loss (noiseless source labels)",
    doc="In the linear setting with noiseless source labels, the loss after fine-tuning on f = 32 samples is "
        "non-increasing in the pre-training size p and reaches the gap floor at p = d (least squares then "
        "recovers the source teacher exactly). With noisy source labels this fails near p = d "
        "(double descent), see tests/data/wrong_transfer.py. Each mean is known to within 35%.",
    lhs="loss", rel="<=", rhs="0", statistic="trend", over=("p", (16, 64, 256, 1024, math.inf)),
    params=(), quantities=(loss,), grid=({"f": 32, "d": 1000},), resolution=0.35,
    provenance=SIMULATION, scenario="transfer_curves", samples=128,
)

CLAIMS = [loss_derivative_pretraining, loss_derivative_finetuning, marginal_rate_of_substitution,
          mrs_grows_with_pretraining, convex_in_pretraining, hessian_determinant, jointly_convex,
          first_order_condition, cobb_douglas_allocation, cobb_douglas_budget, effective_multiplier,
          multiplier_bounded, gap_fraction_below_one, unlimited_pretraining_floor, unlimited_finetuning_limit,
          finetuning_needed, loss_above_floor, gap_floor_rate, loss_falls_with_pretraining]

mrs_chain = Derivation(
    id="barnett2024.mrs_chain",
    title="The marginal rate of substitution from the partial derivatives",
    doc="Note section 2.4, item 2: the ratio of dL/df to dL/dp, simplified.",
    start=f"diff({L}, f)/diff({L}, p)",
    steps=[("=", "(-b*(A*p**(-a) + G)*f**(-b - 1))/(-a*A*p**(-a - 1)*f**(-b))", "the two partial derivatives"),
           ("=", "(b/a)*(p/f)*(A*p**(-a) + G)/(A*p**(-a))", "collect powers of p and f"),
           ("=", "(b/a)*(p/f)*(1 + (G/A)*p**a)", "divide by A p^(-alpha)")],
    params=LAW, provenance=DERIVED,
)

DERIVATIONS = [mrs_chain]
