"""Shachaf, Brutzkus and Globerson (NeurIPS 2021), "A Theoretical Analysis of Fine-tuning with Linear Teachers",
arXiv:2107.01641: the deep-linear part.

The paper's theorem text was not available (our study notes on Shachaf et al. (2021)). Every claim below is the note's own
derivation in the paper's setting (`derived`, sections 2.2 D1-D4 and 3.8), never the paper's theorem. Setting: a deep
linear network f(x) = W_N ... W_1 x started at balanced rank-one layers with end-to-end vector theta_S, fine-tuned by
full-batch gradient descent on the layers on n target samples y = X theta_T, x ~ N(0, Sigma). P is the projector onto
the row space of X. The empirical claims run real gradient descent on the layers through the scenario `deep_linear`;
the closed forms (boundlab.numerics.deep_linear) enter only where they have first been checked against it.
"""
from boundlab.theory import NONNEGATIVE, POSITIVE, SIZE, Claim, Domain, Param, Provenance, Quantity

PAPER = dict(paper="shachaf2021", citation="Shachaf, Brutzkus and Globerson (2021)", arxiv="2107.01641",
             title="A Theoretical Analysis of Fine-tuning with Linear Teachers")
NOTE = "our study notes on Shachaf et al. (2021)"
D1 = Provenance("derived", **PAPER, note=f"{NOTE}, D1: the limit of fine-tuning a balanced deep linear network "
                                         "(our derivation from Arora, Cohen and Hazan's end-to-end dynamics)")
D2 = Provenance("derived", **PAPER, note=f"{NOTE}, D2: the population risk of the D1 limit")
D3 = Provenance("derived", **PAPER, note=f"{NOTE}, D3: the infinite-depth limit of D1")
D4 = Provenance("derived", **PAPER, note=f"{NOTE}, D4: freezing the first layer confines the predictor to the "
                                         "line through theta_S (formalising the review's 'complete failure')")
DE = Provenance("derived", **PAPER, note=f"{NOTE}, 3.8: deterministic equivalent of D2 for isotropic data, "
                                         "rho = n/d = 0.1 as in the paper's Figure 2(a)")
SCENARIO = "deep_linear"

# parameters
d = Param("d", SIZE, "d", "input dimension")
n = Param("n", SIZE, "n", "number of target samples")
N = Param("N", SIZE, "N", "depth, the number of weight matrices")
alpha = Param("alpha", Domain(), r"\alpha", r"scale of the source in the target, $\theta_T = \alpha \theta_S + e\xi$")
e = Param("e", NONNEGATIVE, "e", r"norm of the target's part off the source, $e \xi$ with $\xi$ a unit direction")
s = Param("s", POSITIVE, "s", r"norm of the source, $\|\theta_S\|$")

# measured quantities (names match the scenario's)
risk_gd = Quantity("risk_gd", r"L(\beta^{\mathrm{GD}})",
                   r"the population risk $\|\beta^{\mathrm{GD}} - \theta_T\|_\Sigma^2$ of gradient descent on the "
                   r"layers, run until the training loss is negligible")
risk_cf = Quantity("risk_cf", r"L(\bar\beta)",
                   r"the population risk of the closed-form limit $\bar\beta = P\theta_T + a (I - P) \theta_S$, "
                   r"$a = (\|\bar\beta\| / \|\theta_S\|)^{(N-1)/N}$ (for $N = \infty$: $a = \|P\theta_T\| / "
                   r"\|P\theta_S\|$), on the drawn design")
risk_shallow = Quantity("risk_shallow", r"L_1(\bar\beta)",
                        r"the population risk of the depth-one limit $\theta_S + X^+(y - X\theta_S)$ on the same "
                        r"design")
norm_cf = Quantity("norm_cf", r"\bar r",
                   r"$\|\bar\beta\| / \|\theta_S\|$, the norm of the closed-form limit relative to the source's: "
                   r"$\|\bar\beta\|$ is the root $r$ of $r^2 = \|P\theta_T\|^2 + (r / \|\theta_S\|)^{2(N-1)/N} "
                   r"\|(I - P)\theta_S\|^2$ on the drawn design")
coef_de = Quantity("coef_de", r"a_{\mathrm{DE}}",
                   r"the null-space coefficient of the note's deterministic equivalent (table 3.8): "
                   r"$a = (r/s)^{(N-1)/N}$ with $r$ the root of $r^2 = \rho (\alpha^2 s^2 + e^2) + a^2 (1 - \rho) "
                   r"s^2$, $\rho = n/d$ (for $N = \infty$: $a = \sqrt{\alpha^2 + e^2/s^2}$); not random")
gap = Quantity("gap", r"\|\beta^{\mathrm{GD}} - \bar\beta\| / \|\bar\beta\|",
               r"the relative distance from gradient descent on the layers to the closed-form limit $\bar\beta$")
gap_half = Quantity("gap_half", r"\|\beta^{\mathrm{GD}}_{\eta/2} - \bar\beta\| / \|\bar\beta\|",
                    r"the same distance for gradient descent with half the step size")
coef = Quantity("coef", r"a^{\mathrm{GD}}",
                r"the coefficient of $(I - P)\theta_S$ in gradient descent's end-to-end vector, "
                r"$\langle (I-P)\beta^{\mathrm{GD}}, (I-P)\theta_S \rangle / \|(I-P)\theta_S\|^2$", nonnegative=False)
norm_ratio = Quantity("norm_ratio", r"\|\beta^{\mathrm{GD}}\| / \|\theta_S\|",
                      r"the norm of gradient descent's end-to-end vector relative to the source's")
null_source = Quantity("null_source", r"\|(I - P)\theta_S\|_\Sigma^2",
                       r"the part of the source invisible to the data, in the $\Sigma$ norm")
null_target = Quantity("null_target", r"\|(I - P)\theta_T\|_\Sigma^2",
                       r"the part of the target invisible to the data, in the $\Sigma$ norm")
null_cross = Quantity("null_cross", r"\langle (I - P)\theta_S, (I - P)\theta_T \rangle_\Sigma",
                      r"the $\Sigma$ inner product of the invisible parts of source and target", nonnegative=False)
risk_zero = Quantity("risk_zero", r"\|\theta_T\|_\Sigma^2", r"the risk of predicting 0")
source2 = Quantity("source2", r"\|\theta_S\|_\Sigma^2", r"the squared $\Sigma$ norm of the source")
cross_st = Quantity("cross_st", r"\langle \theta_S, \theta_T \rangle_\Sigma",
                    r"the $\Sigma$ inner product of source and target", nonnegative=False)
off_line = Quantity("off_line", r"\mathrm{dist}(\beta^{\mathrm{GD}}, \mathbb{R}\theta_S) / \|\beta^{\mathrm{GD}}\|",
                    r"the distance of gradient descent's end-to-end vector from the line through $\theta_S$, "
                    r"relative to its norm")

GD_GRID = ({"d": 30, "n": 6, "N": 2, "alpha": 2.0, "e": 0.3},
           {"d": 40, "n": 4, "N": 3, "alpha": 0.5, "e": 0.3},
           {"d": 30, "n": 6, "N": 4, "alpha": 1.5, "e": 0.5, "covariance": "powerlaw", "p": 1.0})

gd_limit = Claim(
    id="shachaf2021.deep_gd_limit",
    title="Gradient descent on the layers converges to the closed-form fine-tuned vector",
    doc="Note D1: from balanced pre-trained layers, gradient flow on the layers converges to beta_bar = P theta_T + "
        "a (I - P) theta_S with a = (|beta_bar| / |theta_S|)^((N-1)/N). Real gradient descent on the layers (step 1 "
        "in units of the curvature scale 1/(N R^(2-2/N) lambda_max(X^T X/n))), run until the training residual is "
        "1e-10 |y|, lands within 5% of it on every instance (measured on 1000 instances per point: median gap "
        "0.1-0.3%, largest 0.6-1.7%, and 2.1% once in 20 seeds x 48); the remaining gap is discretisation error, "
        "which halves with the step size (claim deep_gap_halves_with_step). The exponent 1/N in place of (N-1)/N "
        "is refuted through the coefficient law deep_null_coefficient (tests/data/wrong_deep_linear.py).",
    lhs="gap", rel="<=", rhs="0.05", statistic="as", samples=48, tol=1e-9,
    quantities=(gap,), scenario=SCENARIO, provenance=D1, grid=GD_GRID,
)

gap_halves = Claim(
    id="shachaf2021.deep_gap_halves_with_step",
    title="The distance to the closed form is discretisation error: it halves with the step size",
    doc="Note D1 (num-checked there: deviation proportional to the step size). The gap between gradient descent and "
        "the gradient-flow limit beta_bar is first order in the step: halving the step halves it on every instance "
        "(ratio between 0.4 and 0.6).",
    lhs="gap_half/gap", rel="<=", rhs="0.6", statistic="as", samples=32, tol=1e-9,
    quantities=(gap, gap_half), scenario=SCENARIO, provenance=D1,
    grid=({"d": 40, "n": 4, "N": 3, "alpha": 2.0, "e": 0.3},),
)

null_coefficient = Claim(
    id="shachaf2021.deep_null_coefficient",
    title="The invisible part of the source is rescaled by a power of the norm ratio",
    doc="Note D1, measured on gradient descent alone (no closed form): the null-space part of the fine-tuned "
        "vector is a (I - P) theta_S with a = (|beta| / |theta_S|)^((N-1)/N), because (I - P) beta(t) stays parallel "
        "to (I - P) theta_S and d ln a = ((N-1)/N) d ln |beta| along the flow. The tolerance 0.01 covers the "
        "discretisation error of the step.",
    lhs="coef", rel="=", rhs="norm_ratio**((N - 1)/N)", statistic="as", samples=48, tol=0.01,
    params=(N,), quantities=(coef, norm_ratio), scenario=SCENARIO, provenance=D1,
    grid=({"d": 30, "n": 6, "N": 3, "alpha": 2.0, "e": 0.3},
          {"d": 30, "n": 6, "N": 4, "alpha": 0.5, "e": 0.3, "covariance": "powerlaw", "p": 1.0}),
)

risk_closed_form = Claim(
    id="shachaf2021.deep_risk_closed_form",
    title="The closed-form risk is the risk of gradient descent",
    doc="Note D2: L(beta_bar) = |(I - P)(a theta_S - theta_T)|^2_Sigma on the drawn design, expanded, with D1's "
        "a = (|beta_bar| / |theta_S|)^((N-1)/N) and |beta_bar| measured (the root of D1's fixed-point equation, "
        "which no formula function expresses), against the exact population risk of real gradient descent on the "
        "layers (mean over instances of the difference, within 2% for the step's discretisation error).",
    lhs="risk_gd", rel="=",
    rhs="norm_cf**(2*(N - 1)/N)*null_source - 2*norm_cf**((N - 1)/N)*null_cross + null_target",
    statistic="mean", samples=48, tol=0.02, params=(N,),
    quantities=(risk_gd, norm_cf, null_source, null_cross, null_target), scenario=SCENARIO, provenance=D2,
    grid=GD_GRID[:2],
)

TABLE_DOC = ("Note 3.8: for Sigma = I, |theta_S| = s = 1, theta_T = alpha theta_S + e xi and rho = n/d fixed as "
             "d -> oo, the risk of the fine-tuned vector tends to (1 - rho)[(a - alpha)^2 s^2 + e^2] with "
             "a = (r/s)^((N-1)/N), r^2 = rho (alpha^2 s^2 + e^2) + a^2 (1 - rho) s^2 (N = oo: a = sqrt(alpha^2 + "
             "e^2/s^2)); a, the root of that fixed point, is measured (no formula function expresses it). "
             "Reproduced at d = 500, n = 50 (the paper's n = d/10) by the closed form of D1/D3 on real "
             "Gaussian designs (D1 is checked against gradient descent by deep_gd_limit and deep_risk_closed_form), "
             "for N = 1, 3, 7 and oo. The tolerance 4% is the finite-d gap (measured: up to +2%, at N = oo, where "
             "|P theta_T| / |P theta_S| has an O(1/n) bias); the note's own Monte Carlo matched to 1-3%. ")
TABLE = dict(lhs="risk_cf", rel="=", rhs="(1 - n/d)*((coef_de - alpha)**2*s**2 + e**2)", statistic="mean",
             samples=200, tol=0.04, resolution=0.07, params=(d, n, alpha, e, s), quantities=(risk_cf, coef_de),
             scenario=SCENARIO, provenance=DE)

table_scaled = Claim(
    id="shachaf2021.deep_table_scaled_target",
    title=r"Deterministic equivalent of the fine-tuned risk at $\rho = 0.1$, $\alpha = 2$, $e = 0.3$",
    doc=TABLE_DOC + "Here alpha = 2: table values 0.9810, 0.6726, 0.4242, 0.0815.",
    grid=tuple({"d": 500, "n": 50, "N": depth, "alpha": 2.0, "e": 0.3, "s": 1.0} for depth in (1, 3, 7, "inf")),
    **TABLE,
)

table_shrunk = Claim(
    id="shachaf2021.deep_table_shrunk_target",
    title=r"Deterministic equivalent of the fine-tuned risk at $\rho = 0.1$, $\alpha = 0.5$, $e = 0.3$",
    doc=TABLE_DOC + "Here alpha = 0.5: table values 0.3060, 0.2541, 0.1910, 0.0872.",
    grid=tuple({"d": 500, "n": 50, "N": depth, "alpha": 0.5, "e": 0.3, "s": 1.0} for depth in (1, 3, 7, "inf")),
    **TABLE,
)

infinite_positive = Claim(
    id="shachaf2021.deep_infinite_depth_positive_scale",
    title="At infinite depth every positive rescaling of the source is learned exactly",
    doc="Note D3: as N -> oo, beta_bar = P theta_T + (|P theta_T| / |P u_S|)(I - P) u_S depends on theta_S only "
        "through its direction; for theta_T = alpha theta_S with alpha > 0 it equals theta_T, so the risk is 0 "
        "(up to rounding) for every design, whatever alpha (depth 1 pays (1 - alpha)^2 |(I-P) theta_S|^2_Sigma).",
    lhs="risk_cf", rel="=", rhs="0", statistic="as", samples=500, tol=1e-9,
    quantities=(risk_cf,), scenario=SCENARIO, provenance=D3,
    grid=({"d": 40, "n": 8, "N": "inf", "alpha": 0.3}, {"d": 40, "n": 8, "N": "inf", "alpha": 3.0},
          {"d": 40, "n": 8, "N": "inf", "alpha": 5.0, "s": 0.2, "covariance": "powerlaw", "p": 1.0}),
)

infinite_negative = Claim(
    id="shachaf2021.deep_infinite_depth_negative_scale",
    title="At infinite depth a negative rescaling of the source is not learned",
    doc="Note D3: the null-space coefficient a = |P theta_T| / |P theta_S| is positive, so for theta_T = alpha "
        "theta_S with alpha < 0 the risk is (a - alpha)^2 |(I-P) theta_S|^2_Sigma with a = |alpha|: "
        "4 alpha^2 |(I-P) theta_S|^2_Sigma, worse than depth 1 whenever |alpha| > 1.",
    lhs="risk_cf", rel="=", rhs="4*alpha**2*null_source", statistic="as", samples=500, tol=1e-9,
    params=(alpha,), quantities=(risk_cf, null_source), scenario=SCENARIO, provenance=D3,
    grid=({"d": 40, "n": 8, "N": "inf", "alpha": -0.5}, {"d": 40, "n": 8, "N": "inf", "alpha": -2.0},
          {"d": 40, "n": 8, "N": "inf", "alpha": -1.0, "covariance": "powerlaw", "p": 1.0}),
)

sign_not_learned = Claim(
    id="shachaf2021.deep_sign_not_learned",
    title="Gradient descent on a deep network never flips the invisible part of the source",
    doc="Note D1/D3: the null-space coefficient a = (|beta| / |theta_S|)^((N-1)/N) stays positive, so for "
        "theta_T = alpha theta_S with alpha < 0 the risk (a - alpha)^2 |(I-P) theta_S|^2_Sigma is at least "
        "alpha^2 |(I-P) theta_S|^2_Sigma at every depth. Checked on real gradient descent on the layers.",
    lhs="risk_gd", rel=">=", rhs="alpha**2*null_source", statistic="as", samples=48, tol=1e-9,
    params=(alpha,), quantities=(risk_gd, null_source), scenario=SCENARIO, provenance=D1,
    grid=({"d": 30, "n": 6, "N": 2, "alpha": -1.0}, {"d": 40, "n": 4, "N": 3, "alpha": -0.5}),
)

aligned_no_help = Claim(
    id="shachaf2021.deep_depth_no_help_when_aligned",
    title="When the target is the source plus noise, depth does not lower the mean risk",
    doc="Note D3 and table 3.8 (alpha = 1, e = 0.3, rho = 0.1: 0.0810 at N = 1, 0.0817 at N = 20, 0.0827 at "
        "N = oo): with theta_T = theta_S + e xi, a deep network rescales the invisible part of the source by "
        "a > 1 for nothing. Not true instance by instance (the cross term with the noise has either sign), so "
        "stated for the mean over designs of L_N - L_1 (closed forms of D1/D3 on the same real designs, "
        "d = 200, n = 20).",
    lhs="risk_cf - risk_shallow", rel=">=", rhs="0", statistic="mean", samples=2000,
    quantities=(risk_cf, risk_shallow), scenario=SCENARIO, provenance=DE,
    grid=({"d": 200, "n": 20, "N": 20, "alpha": 1.0, "e": 0.3},
          {"d": 200, "n": 20, "N": "inf", "alpha": 1.0, "e": 0.3}),
)

# with the first layer frozen and N >= 3, gamma cannot change sign: alpha = 2 keeps gamma_hat > 0 (a negative one
# would leave gradient descent creeping towards the saddle gamma = 0, an error, not a result); at N = 2 any sign is fine
FREEZE_GRID = ({"d": 20, "n": 8, "N": 2, "alpha": 0.0, "e": 1.0, "freeze": "first"},
               {"d": 20, "n": 10, "N": 3, "alpha": 2.0, "e": 0.5, "freeze": "first"},
               {"d": 20, "n": 10, "N": 4, "alpha": 2.0, "e": 0.5, "freeze": "first"},
               {"d": 20, "n": 10, "N": 2, "alpha": 1.0, "e": 0.5, "freeze": "first", "covariance": "powerlaw",
                "p": 1.0})

# D4's bound, min over gamma of |gamma theta_S - theta_T|^2_Sigma: the risk of 0 less the part the source line explains
FREEZE_BOUND = "risk_zero - cross_st**2/source2"
FREEZE_TERMS = (risk_zero, cross_st, source2)

freeze_first_bound = Claim(
    id="shachaf2021.deep_freeze_first_bound",
    title="Freezing the first layer: no better than the best multiple of the source",
    doc="Note D4: the frozen first layer c v_1 u_S^T has row space span(theta_S), so every reachable predictor "
        "is gamma theta_S and the risk is at least min_gamma |gamma theta_S - theta_T|^2_Sigma = |theta_T|^2_Sigma "
        "- <theta_S, theta_T>_Sigma^2 / |theta_S|^2_Sigma, for every n. Real gradient descent on the other layers, "
        "run until the loss is stationary on that line.",
    lhs="risk_gd", rel=">=", rhs=FREEZE_BOUND, statistic="as", samples=48, tol=1e-9,
    quantities=(risk_gd, *FREEZE_TERMS), scenario=SCENARIO, provenance=D4, grid=FREEZE_GRID,
)

freeze_first_line = Claim(
    id="shachaf2021.deep_freeze_first_line",
    title="Freezing the first layer confines the predictor to the line through the source",
    doc="Note D4: with W_1 = c v_1 u_S^T frozen, beta = W_1^T (W_N ... W_2)^T is a multiple of theta_S, whatever "
        "the other layers learn. Measured on real gradient descent (relative distance from the line, zero up to "
        "rounding).",
    lhs="off_line", rel="=", rhs="0", statistic="as", samples=48, tol=1e-9,
    quantities=(off_line,), scenario=SCENARIO, provenance=D4, grid=FREEZE_GRID[1:],
)

freeze_first_mean = Claim(
    id="shachaf2021.deep_freeze_first_mean",
    title="Freezing the first layer: the bound is attained only as n grows",
    doc="Note D4, made exact here for isotropic Gaussian data: gradient descent with the first layer frozen (depth "
        "2, so that gamma can take either sign) converges to gamma_hat = <X theta_S, y> / |X theta_S|^2, and "
        "gamma_hat - gamma* = <u, w> / |u|^2 with u = X theta_S and w = X r independent Gaussian vectors "
        "(r = theta_T - gamma* theta_S is orthogonal to theta_S), so E[L] = B (1 + 1/(n - 2)) = B (n - 1)/(n - 2). "
        "The bound B is attained only as n -> oo. In the tight case <theta_S, theta_T> = 0 (first grid point: "
        "alpha = 0, xi orthogonal to theta_S) B = L(0) = |theta_T|^2: fine-tuning is no better than predicting 0, "
        "and at finite n worse.",
    lhs="risk_gd", rel="=", rhs=f"({FREEZE_BOUND})*(n - 1)/(n - 2)", statistic="mean", samples=2000,
    params=(n,), hypotheses=("n >= 3",), quantities=(risk_gd, *FREEZE_TERMS), scenario=SCENARIO, provenance=D4,
    grid=({"d": 20, "n": 10, "N": 2, "alpha": 0.0, "e": 1.0, "xi": "orthogonal", "freeze": "first"},
          {"d": 30, "n": 16, "N": 2, "alpha": 1.0, "e": 1.0, "freeze": "first"}),
)

freeze_last_false = Claim(
    id="shachaf2021.deep_freeze_last_bound",
    title="Known false: freezing the last layer also confines the predictor",
    doc="Registered as a false claim the tool must refute. Note D4: freezing the last (or a middle) layer does not "
        "restrict the end-to-end vector to the line through theta_S, since W_1 still moves in every direction; "
        "gradient descent still interpolates, and its risk, about (1 - n/d) |theta_T - theta_S|^2 here, falls "
        "below the freezing bound |theta_T|^2 - <theta_S, theta_T>^2 / |theta_S|^2.",
    lhs="risk_gd", rel=">=", rhs=FREEZE_BOUND, statistic="as", samples=48, tol=1e-9, expect="VIOLATED",
    quantities=(risk_gd, *FREEZE_TERMS), scenario=SCENARIO, provenance=D4,
    grid=({"d": 40, "n": 12, "N": 3, "alpha": 1.0, "e": 1.0, "freeze": "last"},),
)

CLAIMS = [gd_limit, gap_halves, null_coefficient, risk_closed_form, table_scaled, table_shrunk, infinite_positive,
          infinite_negative, sign_not_learned, aligned_no_help, freeze_first_bound, freeze_first_line,
          freeze_first_mean, freeze_last_false]
DERIVATIONS = []
