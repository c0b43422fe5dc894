"""Deep linear networks fine-tuned from balanced pre-trained layers (Shachaf, Brutzkus and Globerson 2021; the
our study notes on Shachaf et al. (2021), sections 1, 2.2 D1-D4, 3.8 and 4).

Instance: x ~ N(0, Sigma) in R^d (isotropic, as in the note's Figure 2 protocol, or a power-law spectrum in a random
basis), theta_S uniform on the sphere of radius s, theta_T = alpha theta_S + e xi with xi a uniform unit direction
(optionally orthogonal to theta_S), n target samples y = X theta_T. The network f(x) = W_N ... W_1 x has width k and
starts at the balanced rank-one layers W_1 = c v_1 u_S^T, W_j = c v_j v_{j-1}^T, W_N = c v_{N-1}^T, c = |theta_S|^(1/N),
with random unit v_j, so that its end-to-end vector is theta_S. Fine-tuning is real full-batch gradient descent on
the layers (not on beta) for the loss |X beta - y|^2 / (2n), batched over instances, optionally with one layer frozen,
run until the training loss is negligible (with the first layer frozen: until the loss is stationary on the line
{gamma theta_S} it is confined to). Closed forms (boundlab.numerics.deep_linear) are measured on the same draws.
"""
from __future__ import annotations

import math

import torch

from boundlab.numerics import deep_linear as dl

from boundlab.theory.claim import CURVES

from .base import REQUIRED, Input, Refutation, Scenario, ScenarioError, one_thread
from .linalg import DTYPE, Pseudoinverse, covariance, quad

FREEZE = ("none", "first", "middle", "last")
GD_QUANTITIES = {"risk_gd", "gap", "gap_half", "coef", "norm_ratio", "residual", "off_line"}
CHECK_EVERY = 8  # convergence is checked every CHECK_EVERY steps
DIVERGED = 1e6  # a training residual this many times |y| means gradient descent diverges


def balanced_layers(theta_s: torch.Tensor, N: int, k: int, gen: torch.Generator) -> list[torch.Tensor]:
    """The balanced rank-one layers with end-to-end vector theta_S (note section 1), shapes (batch, rows, cols):
    W_1 (k, d), W_j (k, k), W_N (1, k); for N = 1 the single layer is theta_S^T (1, d)."""
    batch, d = theta_s.shape
    if N == 1:
        return [theta_s.unsqueeze(1).clone()]
    s = theta_s.norm(dim=-1)
    c = (s ** (1.0 / N))[:, None, None]
    v = torch.randn(batch, N - 1, k, generator=gen, dtype=DTYPE)
    v = v / v.norm(dim=-1, keepdim=True)
    u = theta_s / s[:, None]
    layers = [c * v[:, 0, :, None] * u[:, None, :]]
    layers += [c * v[:, j, :, None] * v[:, j - 1, None, :] for j in range(1, N - 1)]
    layers.append(c * v[:, N - 2, None, :])
    return layers


def end_to_end(layers: list[torch.Tensor]) -> torch.Tensor:
    """beta = (W_N ... W_1)^T, shape (batch, d)."""
    prod = layers[0]
    for w in layers[1:]:
        prod = torch.bmm(w, prod)
    return prod[:, 0, :]


def layer_gradients(layers: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor):
    """Gradients of |X beta - y|^2 / (2n) with respect to every layer, and the residual X beta - y.

    With g = X^T (X beta - y) / n, the gradient for W_j is (W_N ... W_{j+1})^T g^T (W_{j-1} ... W_1)^T
    (tests/verify/test_deep_linear.py checks this against autograd)."""
    n = x.shape[1]
    prefix = [layers[0]]
    for w in layers[1:]:
        prefix.append(torch.bmm(w, prefix[-1]))
    beta = prefix[-1][:, 0, :]
    res = torch.bmm(x, beta.unsqueeze(-1)).squeeze(-1) - y
    g = torch.bmm(res.unsqueeze(1), x) / n  # (batch, 1, d)
    grads = [None] * len(layers)
    suffix = None  # W_N ... W_{j+1}, shape (batch, 1, k_j)
    for j in range(len(layers) - 1, -1, -1):
        left = g if j == 0 else torch.bmm(g, prefix[j - 1].transpose(1, 2))
        grads[j] = left if suffix is None else torch.bmm(suffix.transpose(1, 2), left)
        if j > 0:
            suffix = layers[j] if suffix is None else torch.bmm(suffix, layers[j])
    return grads, res, beta


def gradient_descent(layers: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor, step: torch.Tensor,
                     frozen: frozenset = frozenset(), line: torch.Tensor | None = None, tol: float = 1e-10,
                     max_steps: int = 50_000) -> tuple[torch.Tensor, torch.Tensor]:
    """Full-batch gradient descent on the layers, step sizes `step` (batch,), until every instance has converged.

    Converged: relative training residual |X beta - y| / |y| <= tol; or, when `line` (unit vectors u, the first layer
    frozen) is given, the loss is stationary on the line {gamma u}: |<X u, X beta - y>| <= tol |X u| |y|. A converged
    instance stops moving, so a batch gives the same iterates as its instances run one at a time. Returns the
    end-to-end vectors and the steps each instance took; ScenarioError when the loss explodes (diverges) or when
    some instance has not converged within max_steps.
    """
    layers = [w.clone() for w in layers]
    ynorm = y.norm(dim=-1).clamp(min=1e-300)
    xu = torch.bmm(x, line.unsqueeze(-1)).squeeze(-1) if line is not None else None
    active = torch.ones(y.shape[0], dtype=torch.bool)
    steps = torch.zeros(y.shape[0], dtype=torch.long)
    trainable = [j for j in range(len(layers)) if j not in frozen]
    scale = step[:, None, None]
    for t in range(max_steps + 1):
        grads, res, beta = layer_gradients(layers, x, y)
        if t % CHECK_EVERY == 0 or t == max_steps:  # the same schedule for a batch and for its instances
            rel = res.norm(dim=-1) / ynorm
            if not bool(torch.isfinite(rel).all()) or bool((rel > DIVERGED).any()):
                raise Refutation(f"gradient descent diverges (training residual {float(rel.max()):.3g} x |y| "
                                    f"after {t} steps): lower the step size `step`")
            if line is None:
                done = rel <= tol
            else:
                done = (xu * res).sum(-1).abs() <= tol * xu.norm(dim=-1) * ynorm
            if bool((active & done).any()):
                active &= ~done
                scale = (step * active)[:, None, None]
            if not bool(active.any()):
                return beta, steps
            if t == max_steps:
                break
        steps += active
        for j in trainable:
            layers[j] = layers[j] - scale * grads[j]
    raise ScenarioError(f"gradient descent did not converge within {max_steps} steps on {int(active.sum())} of "
                        f"{y.shape[0]} instances (criterion {tol:g}); an unconverged run is not a result. Raise "
                        f"max_steps or the step size"
                        + ("; with the first layer frozen and N >= 3 the predictor gamma theta_S cannot change "
                           "sign, so when the best gamma is negative gradient descent creeps towards the saddle "
                           "gamma = 0" if line is not None else ""))


class DeepLinear(Scenario):
    name = "deep_linear"
    description = ("Real gradient descent on the layers of a deep linear network started at balanced rank-one "
                   "pre-trained layers with end-to-end vector theta_S, target labels y = X theta_T; closed forms "
                   "of the fine-tuned limit on the same draws.")
    quantities = {
        "risk_gd": "population risk |beta_GD - theta_T|^2_Sigma of gradient descent on the layers, run to convergence",
        "risk_cf": "population risk of the closed-form limit beta_bar of D1 (D3 for N = inf) on the same X (the limit "
                   "without frozen layers)",
        "risk_inf": "population risk of the infinite-depth limit (D3) on the same X",
        "risk_shallow": "population risk of the N = 1 limit theta_S + X^+ (y - X theta_S) on the same X",
        "coef_de": "the null-space coefficient a of table 3.8's deterministic equivalent at rho = n/d (isotropic "
                   "only): a = (r/s)^((N-1)/N), r the root of r^2 = rho (alpha^2 s^2 + e^2) + a^2 (1 - rho) s^2 "
                   "(N = inf: a = sqrt(alpha^2 + e^2/s^2)); the same for every instance",
        "norm_cf": "|beta_bar| / |theta_S|, beta_bar the closed-form limit of D1: r = |beta_bar| is the root of "
                   "r^2 = |P theta_T|^2 + (r/|theta_S|)^(2(N-1)/N) |(I - P) theta_S|^2 (N = inf: r = |theta_S| "
                   "|P theta_T| / |P theta_S|)",
        "risk_zero": "risk of predicting 0, |theta_T|^2_Sigma",
        "source2": "|theta_S|^2_Sigma",
        "cross_st": "<theta_S, theta_T>_Sigma",
        "null_source": "|(I - P) theta_S|^2_Sigma, P the projector onto the row space of X",
        "null_target": "|(I - P) theta_T|^2_Sigma",
        "null_cross": "<(I - P) theta_S, (I - P) theta_T>_Sigma",
        "gap": "|beta_GD - beta_bar| / |beta_bar| (beta_bar: D1, the limit without frozen layers)",
        "gap_half": "|beta_GD - beta_bar| / |beta_bar| for gradient descent with half the step size",
        "coef": "null-space coefficient of beta_GD: <(I-P) beta_GD, (I-P) theta_S> / |(I-P) theta_S|^2",
        "norm_ratio": "|beta_GD| / |theta_S|",
        "residual": "relative training residual |X beta_GD - y| / |y|",
        "off_line": "distance of beta_GD from the line through theta_S, relative to |beta_GD|",
    }
    inputs = {
        "d": Input(REQUIRED, int, low=1, description="dimension of x and of theta_S, theta_T"),
        "n": Input(REQUIRED, int, low=1, description="target samples: rows of X, labels y = X theta_T"),
        "N": Input(3, int, low=1, allow_inf=True,
                   description="depth: the number of weight matrices (inf: the infinite-depth closed forms only)"),
        "k": Input(2, float, description="width of the hidden layers: an integer >= 1 for depth N >= 2"),
        "alpha": Input(1.0, float, description="theta_T = alpha theta_S + e xi: the part of theta_T along theta_S"),
        "e": Input(0.0, float, low=0, description="norm of the part e xi of theta_T, xi a unit direction"),
        "s": Input(1.0, float, low=0, low_open=True, description="|theta_S|, the norm of the source vector"),
        "freeze": Input("none", choices=FREEZE, description="the layer kept frozen while fine-tuning, if any "
                                                            "(middle: layer N // 2 + 1)"),
        "xi": Input("random", choices=("random", "orthogonal"),
                    description="direction xi: uniform, or uniform among those orthogonal to theta_S"),
        "covariance": Input("isotropic", choices=("isotropic", "powerlaw"),
                            description="covariance of x: identity, or eigenvalues i^-p in a Haar-random basis"),
        "p": Input(1.0, float, description="exponent of the powerlaw covariance"),
        "step": Input(1.0, float, low=0, high=2, low_open=True, high_open=True,
                      why="it is in units of the stability estimate 1/(N R^(2-2/N) lambda_max(X^T X/n)) of the "
                          "layer curvature, and gradient descent diverges at or above 2",
                      description="gradient-descent step in units of the stability estimate of the curvature"),
        "tol": Input(1e-10, float, low=0, high=1e-3, low_open=True, high_open=True,
                     description="convergence criterion: relative training residual |X beta - y| / |y| at which "
                                 "gradient descent stops"),
        "max_steps": Input(50_000, int, low=1, description="gradient-descent steps allowed before giving up"),
    }
    samples, repetitions = 2000, 128

    def default_samples(self, statistic, wanted):
        """48 instances (16 repetitions) when gradient descent must run (seconds), the closed forms' 2000 (128)
        otherwise."""
        if wanted & GD_QUANTITIES:
            return 16 if statistic in CURVES else 48
        return super().default_samples(statistic, wanted)

    def resolve(self, point: dict) -> dict:
        """The rules between inputs: the width k for N >= 2, labels that do not vanish, a frozen layer that leaves
        one to train, and an orthogonal xi in d >= 2."""
        full = super().resolve(point)
        N = full["N"]
        if N != math.inf and N >= 2:
            if full["k"] != int(full["k"]) or full["k"] < 1:
                raise ScenarioError(f"scenario {self.name}: width k must be an integer >= 1 for depth N >= 2, got "
                                    f"{full['k']}: the balanced rank-one pre-trained layers need one hidden unit "
                                    f"per layer (k >= 1 suffices; larger k adds directions that gradient descent "
                                    f"never uses)")
            full["k"] = int(full["k"])
        if full["alpha"] == 0 and full["e"] == 0:
            raise ScenarioError(f"scenario {self.name}: theta_T = 0 (alpha = e = 0): the labels vanish")
        if full["freeze"] in ("first", "last") and N < 2:
            raise ScenarioError(f"scenario {self.name}: freeze = {full['freeze']!r} needs depth N >= 2 (at N = 1 the "
                                f"only layer would be frozen and nothing trained)")
        if full["freeze"] == "middle" and N < 3:
            raise ScenarioError(f"scenario {self.name}: freeze = 'middle' needs depth N >= 3 (a layer that is "
                                f"neither the first nor the last)")
        if full["xi"] == "orthogonal" and full["d"] < 2:
            raise ScenarioError(f"scenario {self.name}: xi = 'orthogonal' needs d >= 2")
        return full

    def draw(self, o: dict, batch: int, gen: torch.Generator):
        """Eigenpairs of Sigma, design X (batch, n, d), theta_S, theta_T (batch, d)."""
        d, n = int(o["d"]), int(o["n"])
        lam, vecs = covariance({"d": d, "sigma": 1.0, "covariance": o["covariance"], "p": o["p"]}, gen)
        g = torch.randn(batch, d, generator=gen, dtype=DTYPE)
        theta_s = float(o["s"]) * g / g.norm(dim=-1, keepdim=True)
        xi = torch.randn(batch, d, generator=gen, dtype=DTYPE)
        if o["xi"] == "orthogonal":
            u = theta_s / theta_s.norm(dim=-1, keepdim=True)
            xi = xi - (xi * u).sum(-1, keepdim=True) * u
        xi = xi / xi.norm(dim=-1, keepdim=True)
        theta_t = float(o["alpha"]) * theta_s + float(o["e"]) * xi
        x = torch.randn(batch, n, d, generator=gen, dtype=DTYPE)
        if o["covariance"] != "isotropic":  # rows Z Lambda^(1/2) V^T ~ N(0, Sigma)
            x = x * lam.sqrt() @ vecs.T
        return lam, vecs, x, theta_s, theta_t

    def measure(self, o, batch, gen, wanted):
        with one_thread():  # measured: 0.2 s against 17 s for deep_freeze_last_bound on a loaded machine
            return self._measure(o, batch, gen, wanted)

    def _measure(self, o, batch, gen, wanted):
        N, d, n = o["N"], int(o["d"]), int(o["n"])
        if N == math.inf and wanted & GD_QUANTITIES:
            raise ScenarioError(f"scenario {self.name}: N = inf has no network to train; "
                                f"{', '.join(sorted(wanted & GD_QUANTITIES))} need a finite depth (closed-form "
                                f"quantities only: risk_cf, risk_inf, risk_shallow, coef_de, ...)")
        lam, vecs, x, theta_s, theta_t = self.draw(o, batch, gen)
        pinv = Pseudoinverse(x)
        y = torch.bmm(x, theta_t.unsqueeze(-1)).squeeze(-1)
        pt = pinv.project(theta_t)
        null_s = theta_s - pinv.project(theta_s)
        s = theta_s.norm(dim=-1)
        p2, q2 = (pt ** 2).sum(-1), (null_s ** 2).sum(-1)
        if bool((p2 <= 0).any()):
            raise ScenarioError(f"scenario {self.name}: the labels vanish on some instance (P theta_T = 0)")

        def solve(root, depth):
            """D1's fixed point per instance: `root` is dl.null_coefficient (a) or dl.fixed_point_norm (r)."""
            try:
                return torch.as_tensor(root(p2.numpy(), q2.numpy(), s.numpy(), depth), dtype=DTYPE)
            except ValueError as exc:
                raise ScenarioError(f"scenario {self.name}: {exc}") from None

        limit = lambda depth: pt + solve(dl.null_coefficient, depth)[:, None] * null_s
        iso = o["covariance"] == "isotropic"
        inner = (lambda u, v: (u * v).sum(-1)) if iso else (lambda u, v: ((u @ vecs) * (v @ vecs)) @ lam)
        quad_sigma = (lambda v: (v ** 2).sum(-1)) if iso else (lambda v: quad(lam, vecs, v))  # |v|^2_Sigma
        risk = lambda beta: quad_sigma(beta - theta_t)
        out = {}
        beta_bar = limit(N) if wanted & {"risk_cf", "gap", "gap_half"} else None
        if "risk_cf" in wanted:
            out["risk_cf"] = risk(beta_bar)
        if "risk_inf" in wanted:
            out["risk_inf"] = risk(limit(math.inf))
        if "risk_shallow" in wanted:
            out["risk_shallow"] = risk(limit(1))
        if "norm_cf" in wanted:
            out["norm_cf"] = solve(dl.fixed_point_norm, N) / s
        if "coef_de" in wanted:
            if o["covariance"] != "isotropic" or n >= d:
                raise ScenarioError(f"scenario {self.name}: coef_de (table 3.8) needs an isotropic covariance and "
                                    f"n < d, got {o['covariance']} with n = {n}, d = {d}")
            de = dl.deterministic_equivalent(n / d, float(o["alpha"]), float(o["e"]), float(o["s"]), N)
            out["coef_de"] = torch.full((batch,), de.a, dtype=DTYPE)
        if "risk_zero" in wanted:
            out["risk_zero"] = quad_sigma(theta_t)
        if "source2" in wanted:
            out["source2"] = quad_sigma(theta_s)
        if "cross_st" in wanted:
            out["cross_st"] = inner(theta_s, theta_t)
        if "null_source" in wanted:
            out["null_source"] = quad_sigma(null_s)
        if "null_target" in wanted:
            out["null_target"] = quad_sigma(theta_t - pt)
        if "null_cross" in wanted:
            out["null_cross"] = inner(null_s, theta_t - pt)
        if not wanted & GD_QUANTITIES:
            return out

        layers = balanced_layers(theta_s, N, int(o["k"]), gen)
        frozen = frozenset({"none": (), "first": (0,), "middle": (N // 2,), "last": (N - 1,)}[o["freeze"]])
        line = theta_s / s[:, None] if o["freeze"] == "first" else None
        if line is not None and N >= 3:
            gamma_hat = (torch.bmm(x, theta_s.unsqueeze(-1)).squeeze(-1) * y).sum(-1)
            if bool((gamma_hat <= 0).any()):
                raise ScenarioError(
                    f"scenario {self.name}: with the first layer frozen and N = {N} >= 3 the predictor gamma theta_S "
                    f"cannot change sign (layers 2..N are balanced scalars whose product is gamma), but the best "
                    f"gamma is negative on {int((gamma_hat <= 0).sum())} of {batch} instances: gradient descent "
                    f"would creep towards the saddle gamma = 0 and never converge. Use N = 2 or a larger alpha")
        step = self.step_size(x, y, pinv, theta_s, N, line) * float(o["step"])
        run = lambda h: gradient_descent(layers, x, y, h, frozen, line, float(o["tol"]), int(o["max_steps"]))[0]
        beta = run(step)
        if "risk_gd" in wanted:
            out["risk_gd"] = risk(beta)
        if "gap" in wanted:
            out["gap"] = (beta - beta_bar).norm(dim=-1) / beta_bar.norm(dim=-1)
        if "gap_half" in wanted:
            out["gap_half"] = (run(step / 2) - beta_bar).norm(dim=-1) / beta_bar.norm(dim=-1)
        if "coef" in wanted:
            out["coef"] = ((beta - pinv.project(beta)) * null_s).sum(-1) / q2
        if "norm_ratio" in wanted:
            out["norm_ratio"] = beta.norm(dim=-1) / s
        if "residual" in wanted:
            out["residual"] = (torch.bmm(x, beta.unsqueeze(-1)).squeeze(-1) - y).norm(dim=-1) / y.norm(dim=-1)
        if "off_line" in wanted:
            u = theta_s / s[:, None]
            out["off_line"] = (beta - (beta * u).sum(-1, keepdim=True) * u).norm(dim=-1) / beta.norm(dim=-1)
        return out

    @staticmethod
    def step_size(x, y, pinv, theta_s, N, line=None) -> torch.Tensor:
        """1/(N R^(2-2/N) lambda_max(X^T X / n)) per instance. For balanced layers the end-to-end curvature is at
        most N |beta|^(2-2/N) lambda_max(X^T X/n) (the preconditioner of Arora, Cohen and Hazan 2018), with R a
        bound on |beta| computed from the data alone: the limit has |beta| <= |theta_S| max(1, min((1 + p/s^2)^(N/2),
        sqrt(p/m))), p = |X^+ y|^2, m = |P theta_S|^2, s = |theta_S| (from r^2 = p + (r/s)^(2(N-1)/N) |(I-P) theta_S|^2
        with r >= s). With the first layer frozen the predictor is gamma theta_S and layers 2..N are balanced scalars
        whose product moves gamma: curvature (N-1) s^(2-2/N) max(1, |gamma_hat|)^(2(N-2)/(N-1)) |X u_S|^2 / n,
        gamma_hat = <X theta_S, y> / |X theta_S|^2 (exact at N = 2, where step 1 solves for gamma in one step)."""
        n = x.shape[1]
        s = theta_s.norm(dim=-1)
        if line is not None:  # layers 2..N move a scalar gamma (beta = gamma theta_S) through features X u
            xu = torch.bmm(x, line.unsqueeze(-1)).squeeze(-1)
            curv = (xu ** 2).sum(-1) / n
            gamma = ((xu * y).sum(-1).abs() / (xu ** 2).sum(-1) / s).clamp(min=1.0)
            return 1.0 / ((N - 1) * s ** (2 - 2 / N) * gamma ** (2 * (N - 2) / (N - 1)) * curv)
        lam_max = torch.linalg.eigvalsh(torch.bmm(x, x.transpose(1, 2)) / n)[:, -1]
        p, m = (pinv.apply(y) ** 2).sum(-1), (pinv.project(theta_s) ** 2).sum(-1)
        radius = s * torch.minimum((1 + p / s ** 2) ** (N / 2), (p / m).sqrt()).clamp(min=1.0)
        return 1.0 / (N * radius ** (2 - 2 / N) * lam_max)
