"""Wu, Zou, Braverman, Gu and Kakade (2022), "The Power and Limitation of Pretraining-Finetuning for Linear Regression
under Covariate Shift", arXiv:2208.01857.

Only the abstract was read (shared/papers/linear_transfer.md, section A): online SGD pre-training on a source
distribution, then SGD fine-tuning on the target, with sharp instance-dependent bounds and the claim that O(N^2)
source samples can do the work of N target samples for a large class of instances. The theorem text was NOT
available. What is here is `derived`: the exact second-moment recursion of SGD on Gaussian data (note T2) and its
mean-square stability condition, checked against real SGD runs in the scenario `sgd_shift`.
"""
import math

from theory import POSITIVE, SIZE, Claim, Param, Provenance, Quantity

PAPER = dict(paper="wu2022", citation="Wu, Zou, Braverman, Gu and Kakade (2022)", arxiv="2208.01857")
NOTE = "shared/papers/linear_transfer.md"
DERIVED = Provenance("derived", **PAPER, note=f"{NOTE}, T2: exact expected risk of online SGD on Gaussian data "
                                              "(our derivation in the paper's setting)")

d = Param("d", SIZE, "d", "dimension")
g = Param("g", POSITIVE, r"\gamma", "step size")
lam = Param("l", POSITIVE, r"\lambda", "eigenvalue of an isotropic covariance $S = \\lambda I_d$")
risk = Quantity("risk", r"\|w_{M+N} - w^*\|_H^2", "the target excess risk of one online SGD run after M source "
                                                    "and N target steps")
exact = Quantity("exact", r"\mathcal{R}_{M,N}", "the expected target excess risk by the exact second-moment "
                                                 "recursion (numerics.sgd_risk)")

recursion_matches_sgd = Claim(
    id="wu2022.recursion_matches_sgd",
    title="The second-moment recursion gives the expected risk of SGD exactly",
    doc="Note T2: with B = E[(w - w*)(w - w*)^T], one step on x ~ N(0, S) maps B to B - gamma(SB + BS) + "
        "gamma^2 (2SBS + tr(SB)S) + gamma^2 sigma^2 S (Isserlis), so E|w - w*|_H^2 = tr(H B). Measured as the mean "
        "of (SGD risk - recursion) over independent runs, with source and target covariances in random bases "
        "(not commuting), step decay, pre-training only, fine-tuning only, and both.",
    lhs="risk - exact", rel="=", rhs="0", statistic="mean", quantities=(risk, exact), provenance=DERIVED,
    scenario="sgd_shift", samples=8000,
    grid=({"d": 6, "M": 200, "N": 0, "a": 1.0, "b": 2.0}, {"d": 6, "M": 0, "N": 150, "a": 1.0, "b": 2.0},
          {"d": 6, "M": 300, "N": 100, "a": 1.0, "b": 2.0}, {"d": 10, "M": 400, "N": 200, "a": 1.5, "b": 0.5,
                                                              "geometry": "permuted", "sigma": 1.0}),
)

isotropic_stability_limit = Claim(
    id="wu2022.isotropic_stability_limit",
    title="Mean-square stability limit of SGD with an isotropic covariance",
    doc="Note T2: for S = lambda I_d the diagonal map of the recursion is (1 - 2 gamma lambda + 2 gamma^2 lambda^2) I "
        "+ gamma^2 lambda^2 1 1^T, whose largest eigenvalue 1 - 2 gamma lambda + (d + 2) gamma^2 lambda^2 equals 1 "
        "at gamma = 2/(tr S + 2 lambda_max) = 2/((d + 2) lambda).",
    lhs="1 - 2*(2/((d + 2)*l))*l + (d + 2)*(2/((d + 2)*l))**2*l**2", rel="=", rhs="1", params=(d, lam),
    provenance=DERIVED,
)

isotropic_stable_below_limit = Claim(
    id="wu2022.isotropic_stable_below_limit",
    title="Below the limit the isotropic recursion contracts",
    doc="Note T2: for 0 < gamma < 2/((d + 2) lambda) the largest eigenvalue of the diagonal map is below 1 "
        "(and it is at least 1 - 2 gamma lambda + 2 gamma^2 lambda^2 > 0, the other eigenvalue).",
    lhs="1 - 2*g*l + (d + 2)*g**2*l**2", rel="<", rhs="1", params=(d, g, lam),
    hypotheses=("g*l*(d + 2) < 2",), provenance=DERIVED,
)

mstar = Quantity("mstar", r"M^*(N)", "the smallest number of source samples at which pre-training alone (step "
                                   "decay, best of 8 step sizes) reaches the risk of supervised SGD on N target samples")
N2 = dict(statistic="rate", over=("N", (50, 100, 200, 400)), quantities=(mstar,), resolution=0.2,
          scenario="sgd_shift", samples=2)
N2_DOC = ("Note A4: a target direction with eigenvalue lambda_i costs supervised SGD about sigma^2/N; pre-training "
          "alone matches it when the source eigenvalue mu_i >~ lambda_i N/M, so mu_i >~ lambda_i^2 makes M ~ N^2 "
          "enough. Measured exactly (second-moment recursion, no sampling) with d = 100, lambda_i ~ i^-1.5 "
          "(trace 1), mu ~ lambda^q (trace 1, the same eigenbasis), w*_i = 1, sigma^2 = 0.1; the resolution 0.2 "
          "allows for the log factors of step decay. ")

source_quadratic_when_spectrum_squared = Claim(
    id="wu2022.source_quadratic_when_spectrum_squared",
    title=r"$O(N^2)$ source samples do the work of $N$ target samples when $\mu \propto \lambda^2$",
    doc=N2_DOC + "Here q = 2: M*(N) grows like N^2 (log-log slope 2).",
    lhs="mstar", rel="=", rhs="2", grid=({"d": 100, "a": 1.5, "b": 3.0, "sigma": 0.1 ** 0.5, "geometry": "commuting",
                                          "teacher": "flat"},),
    provenance=DERIVED, **N2,
)

source_quadratic_fails_when_spectrum_cubed = Claim(
    id="wu2022.source_quadratic_fails_when_spectrum_cubed",
    title=r"$O(N^2)$ source samples are not enough when $\mu \propto \lambda^3$",
    doc=N2_DOC + "Here q = 3: the hypothesis mu >~ lambda^2 fails and M*(N) grows faster than N^2 (note: about "
                 "N^2.7 to N^3.2), so the claim M* ~ N^2 without its hypothesis is false.",
    lhs="mstar", rel="=", rhs="2", grid=({"d": 100, "a": 1.5, "b": 4.5, "sigma": 0.1 ** 0.5, "geometry": "commuting",
                                          "teacher": "flat"},),
    provenance=DERIVED, expect="VIOLATED", **N2,
)

CLAIMS = [recursion_matches_sgd, isotropic_stability_limit, isotropic_stable_below_limit,
          source_quadratic_when_spectrum_squared, source_quadratic_fails_when_spectrum_cubed]
DERIVATIONS = []
