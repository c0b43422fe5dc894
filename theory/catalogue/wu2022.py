"""Wu, Zou, Braverman, Gu and Kakade (2022), "The Power and Limitation of Pretraining-Finetuning for Linear Regression
under Covariate Shift", arXiv:2208.01857.

Only the abstract was read (our study notes on linear transfer, section A): online SGD pre-training on a source
distribution, then SGD fine-tuning on the target, with sharp instance-dependent bounds and the claim that O(N^2)
source samples can do the work of N target samples for a large class of instances. The theorem text was NOT
available. What is here: the exact second-moment recursion of SGD on Gaussian data (note T2) and its mean-square
stability condition (`derived`, checked against real SGD runs in the scenario `sgd_shift`); the upper bound in the
shape recalled in note A2 with every hidden constant set to 1 (`reconstructed`: NOT the paper's theorem), tested
against the exact risk on random instances, for the worst teacher and for the worst target covariance; and the
O(N^2) statement with the hypothesis under which it holds (`derived`, note A4).
"""

from boundlab.theory import NONNEGATIVE, POSITIVE, SIZE, Claim, Param, Provenance, Quantity

PAPER = dict(paper="wu2022", citation="Wu, Zou, Braverman, Gu and Kakade (2022)", arxiv="2208.01857",
             title="The Power and Limitation of Pretraining-Finetuning for Linear Regression under Covariate Shift")
NOTE = "our study notes on linear transfer"
DERIVED = Provenance("derived", **PAPER, note=f"{NOTE}, T2: exact expected risk of online SGD on Gaussian data "
                                              "(our derivation in the paper's setting)")

d = Param("d", SIZE, "d", "dimension")
g = Param("g", POSITIVE, r"\gamma", "step size")
lam = Param("l", POSITIVE, r"\lambda", "eigenvalue of an isotropic covariance $S = \\lambda I_d$")
RECONSTRUCTED = Provenance("reconstructed", **PAPER,
                            note=f"{NOTE}, A2: the bound's shape as recalled from the paper, every hidden constant "
                                 "set to 1, alpha = 3 (Gaussian data); the theorem text was not available")
risk = Quantity("risk", r"\|w_{M+N} - w^*\|_H^2", "the target excess risk of one online SGD run after M source "
                                                    "and N target steps")
exact = Quantity("exact", r"\mathcal{R}_{M,N}", "the expected target excess risk by the exact second-moment "
                                                 "recursion")

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

sigma = Param("sigma", NONNEGATIVE, r"\sigma", "standard deviation of the label noise")
bias = Quantity("bias", r"\|P_{ft} P_{pre} w^*\|_H^2",
                r"the teacher carried through both stages: $P_{pre}$ and $P_{ft}$ are the products of "
                r"$I - \gamma_t S$ over the step-decay schedule, $M$ steps on $S = G$ from $\gamma_0$, then $N$ "
                r"steps on $S = H$ from $\gamma$")
ft_norm = Quantity("ft_norm", r"\|P_{pre} w^*\|_{ft}^2",
                   r"$\|P_{pre} w^*\|^2_{I_{0:k^*}} / (N_{eff} \gamma) + \|P_{pre} w^*\|^2_{H_{k^*:\infty}}$, with "
                   r"$N_{eff} = N/\ln N$ and $k^*$ the number of eigenvalues of $H$ at least $1/(N_{eff} \gamma)$")
ft_dim = Quantity("ft_dim", r"D_{ft} / N_{eff}",
                  r"the effective dimension $D_{ft} = k^* + N_{eff}^2 \gamma^2 \sum_{i > k^*} \lambda_i^2$ "
                  r"($\lambda_i$ the eigenvalues of $H$) over $N_{eff}$; 0 when $N = 0$")
pre_norm = Quantity("pre_norm", r"\|w^*\|_{pre}^2",
                    r"$\|w^*\|^2_{I_{0:k^\dagger}} / (M_{eff} \gamma_0) + \|w^*\|^2_{G_{k^\dagger:\infty}}$, with "
                    r"$M_{eff} = M/\ln M$ and $k^\dagger$ the number of eigenvalues of $G$ at least "
                    r"$1/(M_{eff} \gamma_0)$")
pre_trace = Quantity("pre_trace", r"\operatorname{tr}(P_{ft} H P_{ft} C_{pre})",
                     r"the pre-training variance carried through fine-tuning, $C_{pre} = "
                     r"G_{0:k^\dagger}^{-1}/M_{eff} + M_{eff} \gamma_0^2 G_{k^\dagger:\infty}$; 0 when $M = 0$")
sup_teacher = Quantity("sup_teacher", r"\sup_{w^*, \sigma} \mathcal{R}_{M,N} / \mathcal{B}_{M,N}",
                       "the largest ratio of exact risk to the reconstructed bound (the right-hand side of "
                       "wu2022.reconstructed_bound) over all teachers and noise levels at one "
                       r"$(G, H, M, N)$: a generalised eigenvalue, since both are quadratic forms in $(w^*, \sigma)$")
sup_covariance = Quantity("sup_covariance", r"\sup_{H \succeq 0} \mathcal{R}_{M,0} / \mathcal{B}_{M,0}",
                          "the largest ratio of exact risk to the reconstructed bound over all target covariances, "
                          "without "
                          "fine-tuning: a generalised eigenvalue, since both are linear in $H$")
A3_GRID = (  # note A5's random families: spectra i^-a and i^-b (trace 1), teacher i^(-c/2) N(0, 1), step 1/(4 alpha tr)
    # geometry,   a,   b,   c, sigma^2, M,       N
    ("commuting", 0.5, 2.5, 0.0, 1.0, 10_000, 0),
    ("permuted", 2.2, 1.9, 1.0, 1.0, 10_000, 0),  # bias-dominated: the case where M/ceil(log2 M) fails (see below)
    ("rotated", 1.5, 1.5, 2.0, 0.1, 100_000, 100),
    ("commuting", 1.0, 2.0, 1.0, 0.1, 0, 10_000),
    ("permuted", 2.5, 0.5, 0.0, 0.01, 1000, 1000),
    ("rotated", 0.5, 0.5, 1.0, 1.0, 1000, 10_000),
    ("commuting", 2.0, 1.0, 2.0, 0.01, 100_000, 1000),
    ("permuted", 1.5, 2.5, 2.0, 0.1, 100_000, 10_000),
    ("rotated", 2.5, 2.0, 0.0, 0.01, 10_000, 100),
)
FAMILY = lambda g, a, b, c, s2, M, N: {"d": 30 if g == "rotated" else 60, "geometry": g, "a": a, "b": b, "c": c,
                                       "sigma": s2 ** 0.5, "M": M, "N": N}

reconstructed_bound = Claim(
    id="wu2022.reconstructed_bound",
    title="Pre-training then fine-tuning: the reconstructed risk bound, with constant 1",
    doc="Note A2/A3: the exact expected target risk of step-decay SGD (M source samples, then N target samples) "
        "against the bound's shape with every hidden constant set to 1 and alpha = 3 (Gaussian data): the bias "
        "|P_ft P_pre w*|_H^2, the fine-tuning variance (sigma^2 + alpha |P_pre w*|_ft^2) D_ft/N_eff and the "
        "pre-training variance (sigma^2 + alpha |w*|_pre^2) tr(P_ft H P_ft C_pre), the norms and spectral factors "
        "measured on each instance. On the note's random families (A5): target "
        "and source spectra i^-a, i^-b in the same basis, the same basis permuted, or independent random bases; "
        "sigma^2 in {0.01, 0.1, 1}; M up to 1e5, N up to 1e4; step sizes 1/(4 alpha tr). Every instance is checked; "
        "the ratio exact/bound (the tightness) is reported. Read 'log M' as the natural log: with the phase length "
        "M/ceil(log2 M) instead the constant-1 bound fails (wu2022.bound_fails_with_phase_length).",
    lhs="exact", rel="<=", rhs="bias + (sigma**2 + 3*ft_norm)*ft_dim + (sigma**2 + 3*pre_norm)*pre_trace",
    statistic="as", params=(sigma,), quantities=(exact, bias, ft_norm, ft_dim, pre_norm, pre_trace),
    provenance=RECONSTRUCTED, scenario="sgd_shift", samples=12, grid=tuple(FAMILY(*f) for f in A3_GRID),
)

WORST = ("The exact risk is w*^T Phi w* + sigma^2 phi0 (Phi by the adjoint of the recursion, note T2) and the bound "
         "is w*^T Psi w* + sigma^2 psi0, so the largest ratio over all teachers and noise levels is the largest "
         "generalised eigenvalue of (diag(Phi, phi0), diag(Psi, psi0)) (note A6). `boundlab worstcase` solves it as "
         "an SDP, compares it with the eigenvalue and replays the maximiser through the forward recursion. ")
TEACHER_GRID = ({"d": 12, "geometry": "rotated", "a": 1.0, "b": 2.0, "M": 1000, "N": 100},
                {"d": 12, "geometry": "permuted", "a": 2.5, "b": 2.5, "M": 1000, "N": 0},
                {"d": 20, "geometry": "commuting", "a": 0.5, "b": 2.5, "M": 10_000, "N": 0, "teacher": "flat"},
                {"d": 20, "geometry": "rotated", "a": 1.5, "b": 0.5, "M": 0, "N": 10_000},
                {"d": 20, "geometry": "permuted", "a": 2.0, "b": 1.0, "M": 100_000, "N": 1000})

worst_teacher_within_bound = Claim(
    id="wu2022.worst_teacher_within_bound",
    title="The reconstructed bound holds for the worst teacher and noise level",
    doc=WORST + "Note A3 found the teacher part at most 0.9995 and the noise part at most 0.57 on 15 configurations; "
                "here the sup over both is at most 1 at every drawn (G, H) (the bias part makes it close to 1).",
    lhs="sup_teacher", rel="<=", rhs="1", statistic="as", quantities=(sup_teacher,), provenance=RECONSTRUCTED,
    scenario="sgd_shift", samples=12, worstcase="exact/bound", grid=TEACHER_GRID,
)

worst_target_covariance = Claim(
    id="wu2022.worst_target_covariance",
    title="Without fine-tuning the reconstructed bound holds for the worst target covariance",
    doc="Note A6: with N = 0 the pre-training error's second moment K does not depend on H, so exact = tr(H K), and "
        "the bound is tr(H K_b) with K_b = P_pre w* w*^T P_pre + (sigma^2 + alpha |w*|^2) C_pre. Over all H >= 0 "
        "the largest ratio is the largest generalised eigenvalue of (K, K_b), attained at a rank-one H = h h^T. "
        "`boundlab worstcase` solves it as an SDP over h h^T and replays the maximiser.",
    lhs="sup_covariance", rel="<=", rhs="1", statistic="as", quantities=(sup_covariance,),
    provenance=RECONSTRUCTED, scenario="sgd_shift", samples=12, worstcase="exact/bound",
    grid=tuple({**p, "vary": "covariance", "N": 0} for p in (
        {"d": 10, "geometry": "rotated", "a": 1.0, "b": 2.0, "M": 1000, "c": 1.0},
        {"d": 10, "geometry": "permuted", "a": 2.5, "b": 1.5, "M": 100_000, "sigma": 1.0},
        {"d": 20, "geometry": "rotated", "a": 0.5, "b": 1.0, "M": 10_000, "sigma": 0.1})),
)

bound_fails_with_phase_length = Claim(
    id="wu2022.bound_fails_with_phase_length",
    title=r"Known false: the constant-1 bound with $M_{eff}$ read as the phase length $M/\lceil\log_2 M\rceil$",
    doc=WORST + "Reading M_eff = M/log M as the length of a step-decay phase, M/ceil(log2 M), makes M_eff about 1.44 "
                "times smaller; the tail of the pre-training variance (M_eff gamma0^2 mu_i per unit noise) then "
                "falls below what SGD accumulates (the step sizes' squares sum to about 4/3 gamma0^2 M_eff), and the "
                "ratio exceeds 1 (up to about 1.14 at these points). So the bound's constant depends on the "
                "convention: a slip the tool must catch.",
    lhs="sup_teacher", rel="<=", rhs="1", statistic="as", quantities=(sup_teacher,), provenance=RECONSTRUCTED,
    scenario="sgd_shift", samples=24, expect="VIOLATED",
    grid=({"d": 30, "geometry": "permuted", "a": 2.5, "b": 1.5, "M": 1000, "N": 0, "effective": "phases"},
          {"d": 30, "geometry": "permuted", "a": 2.5, "b": 2.5, "M": 1000, "N": 0, "effective": "phases"}),
)

CLAIMS = [recursion_matches_sgd, isotropic_stability_limit, isotropic_stable_below_limit,
          source_quadratic_when_spectrum_squared, source_quadratic_fails_when_spectrum_cubed, reconstructed_bound,
          worst_teacher_within_bound, worst_target_covariance, bound_fails_with_phase_length]
DERIVATIONS = []
