"""Fine-tuning a linear model from source weights (Shachaf, Brutzkus and Globerson 2021, linear part).

Instance: target covariance Sigma = V diag(lam) V^T, design X (n x d) with rows ~ N(0, Sigma), source-target
difference Delta with controlled alignment to the eigenvectors of Sigma, labels y = X theta_T + xi. The estimator
is the limit of gradient descent started at theta_S, the interpolant closest to theta_S:
theta_hat = theta_S + X^+ (y - X theta_S). Its risk is exact: L = (theta_hat - theta_T)^T Sigma (theta_hat - theta_T).
Real gradient descent in torch (autograd) checks that closed form (quantity `gd_gap`).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from boundlab.theory.claim import CURVES

from .base import REQUIRED, Input, Instance, Scenario, ScenarioError
from .linalg import DTYPE, Pseudoinverse, covariance, quad

GD_TOL, GD_MAX_STEPS = 1e-11, 50_000  # gradient descent stops within GD_TOL * max(1, |theta_S|) of its limit
GD = {"gd_gap", "L_gd"}  # quantities that run real gradient descent
SOURCE = GD | {"L_scratch", "L_T"}  # quantities that need theta_S itself, not only Delta = theta_T - theta_S


def draw_delta(opts: dict, vecs: torch.Tensor, batch: int, gen: torch.Generator) -> torch.Tensor:
    """Source-target differences of norm `Delta`, aligned with the top `k_align` eigenvectors at angle phi.

    alignment: "random" (uniform direction), "top" (phi = 0), "bottom" (phi = pi/2) or an angle phi in radians;
    Delta = |Delta| (cos phi u_top + sin phi u_bottom), u_top and u_bottom uniform on their eigen-subspaces.
    """
    d, norm, align = vecs.shape[0], float(opts["Delta"]), opts["alignment"]
    if align == "random":
        g = torch.randn(batch, d, generator=gen, dtype=DTYPE)
        return norm * g / g.norm(dim=1, keepdim=True)
    phi = {"top": 0.0, "bottom": math.pi / 2}.get(align, align) if isinstance(align, str) else align
    if isinstance(phi, bool) or not isinstance(phi, (int, float)):
        raise ScenarioError(f"alignment must be 'random', 'top', 'bottom' or an angle, not {align!r}")
    k = int(opts["k_align"])
    if not 1 <= k < d:
        raise ScenarioError(f"k_align must satisfy 1 <= k_align < d, got {k} with d = {d}")

    def unit_in(cols: torch.Tensor) -> torch.Tensor:
        g = torch.randn(batch, cols.shape[1], generator=gen, dtype=DTYPE)
        return (g / g.norm(dim=1, keepdim=True)) @ cols.T

    return norm * (math.cos(phi) * unit_in(vecs[:, :k]) + math.sin(phi) * unit_in(vecs[:, k:]))


def gradient_descent(x: torch.Tensor, y: torch.Tensor, theta0: torch.Tensor, rank: int | None = None,
                     tol: float = GD_TOL, max_steps: int = GD_MAX_STEPS) -> tuple[torch.Tensor, torch.Tensor]:
    """Full-batch gradient descent on (1/2n)|X theta - y|^2 from theta0, by autograd, with step 1/lambda_max(H),
    H = X^T X / n. Returns the iterate and a bound on its distance to the limit of the iteration.

    The bound needs no closed form: the iterates stay in theta0 + row(X), where the gradient is H (theta - limit)
    and H is positive definite with smallest eigenvalue mu (its `rank`-th largest, rank = min(n, d) by default),
    so |theta - limit| <= |grad| / mu. Iteration stops once every bound is below tol * max(1, |theta0|).
    """
    n, d = x.shape[-2:]
    rank = min(n, d) if rank is None else rank
    gram = x @ x.transpose(-1, -2) / n if n <= d else x.transpose(-1, -2) @ x / n  # same nonzero eigenvalues
    eig = torch.linalg.eigvalsh(gram)
    step, mu = (1.0 / eig[..., -1]).unsqueeze(-1), eig[..., -rank]
    target = tol * torch.linalg.norm(theta0, dim=-1).clamp(min=1.0)
    theta = theta0.clone().requires_grad_(True)
    for _ in range(max_steps):
        loss = (((x @ theta.unsqueeze(-1)).squeeze(-1) - y) ** 2).sum() / (2 * n)
        (grad,) = torch.autograd.grad(loss, theta)
        bound = torch.linalg.norm(grad, dim=-1) / mu
        if bool((bound <= target).all()):
            break
        with torch.no_grad():
            theta -= step * grad
    return theta.detach(), bound


class LinearFinetune(Scenario):
    name = "linear_finetune"
    description = ("Gradient descent on least squares started at source weights theta_S, target labels "
                   "y = X theta_T + noise; exact population risk of its limit.")
    quantities = {
        "L": "exact population risk of the fine-tuned weights, (theta_hat - theta_T)^T Sigma (...)",
        "L_S": "population risk of the source weights, Delta^T Sigma Delta",
        "op_gap": "operator norm of Sigma - X^T X / n",
        "L_bias": "the noise-free part of L, |(I - P) Delta|_Sigma^2 (P the projector onto the row space of X)",
        "L_noise": "the noise part of L, |X^+ xi|_Sigma^2 (0 when s = 0); L = L_bias + L_noise + a cross "
                   "term of mean zero (zero when Sigma is isotropic)",
        "Delta2": "|Delta|^2", "null_Delta2": "|(I - P) Delta|^2, the part of Delta fine-tuning cannot see",
        "L_T": "risk of predicting 0, |theta_T|_Sigma^2, for theta_T = theta_S + Delta (|theta_S| = theta, uniform "
               "direction independent of Delta)",
        "L_scratch": "risk of training from scratch: the interpolant closest to 0, X^+ y, on the same X and noise",
        "L_gd": "population risk of the real gradient-descent iterate (autograd, to convergence) from theta_S: "
                "the estimator's output, without the closed form",
        "gd_gap": "|theta_GD - theta_hat| / |Delta| after real gradient descent (autograd) to convergence",
        "sup_L": "sup over unit Delta of the risk: lambda_max((I-P) Sigma (I-P))",
        "sup_ratio": "sup over Delta of L / L_S: lambda_max(Sigma^-1/2 (I-P) Sigma (I-P) Sigma^-1/2)",
    }
    inputs = {
        "d": Input(REQUIRED, int, low=1, description="dimension of x and of the weights"),
        "n": Input(REQUIRED, int, low=1, description="target samples: rows of X"),
        "sigma": Input(1.0, float, low=0, low_open=True,
                       description="scale of the covariance: its eigenvalues are sigma^2 times the family's"),
        "Delta": Input(1.0, float, low=0, description="|Delta|, the norm of theta_T - theta_S"),
        "s": Input(0.0, float, low=0, description="standard deviation of the target label noise xi"),
        "covariance": Input("isotropic", choices=("isotropic", "powerlaw", "lowrank", "diag2", "matrix"),
                            description="covariance family of x: sigma^2 I; i^-p (lowrank: for i <= k) in a "
                                        "Haar-random basis; diag(l1, l2); or the matrix Sigma"),
        "p": Input(1.0, float, description="exponent of the powerlaw and lowrank covariances"),
        "k": Input(1, int, low=1, description="rank of the lowrank covariance, at most d"),
        "l1": Input(1.0, float, low=0, description="first eigenvalue of the diag2 covariance (d = 2)"),
        "l2": Input(1.0, float, low=0, description="second eigenvalue of the diag2 covariance (d = 2)"),
        "Sigma": Input(None, domain="a symmetric positive semidefinite d x d matrix",
                       description="the covariance of the matrix family (times sigma^2)"),
        "alignment": Input("random", float, choices=("random", "top", "bottom"),
                           description="direction of Delta: uniform, or at angle phi (radians; top 0, bottom pi/2) "
                                       "between the top k_align eigenvectors and the rest"),
        "k_align": Input(1, int, low=1, description="eigenvectors counted as top by alignment, below d"),
        "theta": Input(1.0, float, low=0, description="|theta_S| (uniform direction, independent of Delta)"),
    }

    repetitions = 512  # a closed form per instance: cheap

    def default_samples(self, statistic, wanted):
        """64 instances (16 repetitions) when real gradient descent runs (gd_gap, L_gd), the closed forms' 4000
        (512) otherwise."""
        if wanted & GD:
            return 16 if statistic in CURVES else 64
        return super().default_samples(statistic, wanted)

    def draw(self, opts: dict, batch: int, gen: torch.Generator) -> "Draw":
        lam, vecs = covariance(opts, gen)
        rank = int((lam > 1e-12 * lam.max()).sum()) if float(lam.max()) > 0 else 0
        # Rows of Z Lambda_k^{1/2} V_k^T are N(0, Sigma); the design is kept in range coordinates, X_k = X V_k.
        z = torch.randn(batch, int(opts["n"]), rank, generator=gen, dtype=DTYPE)
        delta = draw_delta(opts, vecs, batch, gen)
        xi = float(opts["s"]) * torch.randn(batch, int(opts["n"]), generator=gen, dtype=DTYPE) if opts["s"] > 0 else None
        return Draw(lam, vecs, z.mul_(lam[:rank].sqrt()), delta, xi)

    def measure(self, opts, batch, gen, wanted):
        dr = self.draw(opts, batch, gen)
        if dr.rank == 0:  # Sigma = 0: every risk, gap and worst case vanishes; all of Delta is unseen
            norm2 = (dr.delta ** 2).sum(-1)
            return {q: norm2 if q in ("Delta2", "null_Delta2") else torch.zeros(batch, dtype=DTYPE) for q in wanted}
        pinv = Pseudoinverse(dr.xk)
        seen = pinv.project(dr.delta_k)  # P Delta in range coordinates: what the design reveals of Delta
        noise_fit = pinv.apply(dr.xi) if dr.xi is not None else None  # X^+ xi, the noise the interpolant fits
        bias = seen - dr.delta_k  # theta_hat - theta_T in range coordinates, without noise
        err = bias + noise_fit if noise_fit is not None else bias
        out = {"L": err ** 2 @ dr.lam_k, "L_S": quad(dr.lam, dr.vecs, dr.delta)}
        if wanted & {"L_bias", "L_noise", "null_Delta2", "Delta2"}:
            out["L_bias"] = bias ** 2 @ dr.lam_k
            out["L_noise"] = noise_fit ** 2 @ dr.lam_k if noise_fit is not None else torch.zeros(batch, dtype=DTYPE)
            out["Delta2"] = (dr.delta ** 2).sum(-1)
            # the null part: |Delta|^2 - |P Delta_k|^2, Delta's component outside range(Sigma) being invisible too
            out["null_Delta2"] = (out["Delta2"] - (seen ** 2).sum(-1)).clamp(min=0)
        if "op_gap" in wanted:  # Sigma - Sigma_hat = V_k (Lambda_k - X_k^T X_k / n) V_k^T
            gap = torch.diag(dr.lam_k) - dr.xk.transpose(-1, -2) @ dr.xk / dr.xk.shape[-2]
            out["op_gap"] = torch.linalg.eigvalsh(gap).abs().amax(dim=-1)
        if wanted & {"sup_L", "sup_ratio"}:
            a = null_form(dr.lam_k, pinv)
            out["sup_L"] = torch.linalg.eigvalsh(a)[..., -1]
            if "sup_ratio" in wanted:
                if dr.rank < dr.lam.shape[0]:
                    raise ScenarioError(f"scenario {self.name}: sup_ratio needs a positive definite covariance")
                root_inv = dr.lam_k.rsqrt()
                out["sup_ratio"] = torch.linalg.eigvalsh(root_inv[:, None] * a * root_inv)[..., -1]
        if wanted & SOURCE:
            g = torch.randn(batch, dr.lam.shape[0], generator=gen, dtype=DTYPE)
            theta_s = float(opts["theta"]) * g / g.norm(dim=-1, keepdim=True)
            theta_t = theta_s + dr.delta
            out["L_T"] = quad(dr.lam, dr.vecs, theta_t)
            t_k = theta_t @ dr.vk
            scratch = pinv.project(t_k) - t_k + (noise_fit if noise_fit is not None else 0.0)
            out["L_scratch"] = scratch ** 2 @ dr.lam_k
        if wanted & GD:
            x = dr.x()
            y = (x @ theta_t.unsqueeze(-1)).squeeze(-1) + (dr.xi if dr.xi is not None else 0.0)
            residual = y - (x @ theta_s.unsqueeze(-1)).squeeze(-1)
            closed = theta_s + pinv.apply(residual) @ dr.vk.T  # X^+ = V_k X_k^+
            trained, bound = gradient_descent(x, y, theta_s, rank=min(x.shape[-2], dr.rank))
            slow = bound > GD_TOL * theta_s.norm(dim=-1).clamp(min=1.0)
            if bool(slow.any()):
                raise ScenarioError(
                    f"scenario {self.name}: real gradient descent did not come within {GD_TOL:g} of its limit in "
                    f"{GD_MAX_STEPS} steps on {int(slow.sum())} of {batch} instances (their designs are ill-conditioned, "
                    f"as square Gaussian designs often are); gd_gap and L_gd would measure the unfinished run, not "
                    f"the limit")
            out["gd_gap"] = torch.linalg.norm(trained - closed, dim=-1) / dr.delta.norm(dim=-1).clamp(min=1e-300)
            out["L_gd"] = quad(dr.lam, dr.vecs, trained - theta_t)
        return out

    def instance(self, point: dict, gen: torch.Generator) -> Instance:
        """One design X: the risk and the source risk as quadratic forms in Delta, with a replay."""
        opts = self.resolve(point)
        if opts["s"] > 0:
            raise ScenarioError("worst cases over Delta need s = 0: with label noise the risk is not a "
                                "quadratic form in Delta")
        dr = self.draw(opts, 1, gen)
        pinv = Pseudoinverse(dr.xk)
        sigma = (dr.vecs * dr.lam) @ dr.vecs.T
        forms = {"L": (dr.vk @ null_form(dr.lam_k, pinv)[0] @ dr.vk.T).numpy(), "L_S": sigma.numpy()}

        def replay(vector) -> dict[str, float]:
            delta = torch.as_tensor(np.asarray(vector, dtype=np.float64)).reshape(1, -1)
            delta_k = delta @ dr.vk
            err = pinv.project(delta_k) - delta_k
            return {"L": float((err ** 2 @ dr.lam_k)[0]), "L_S": float(quad(dr.lam, dr.vecs, delta)[0])}

        x = dr.x()[0]
        op_gap = float(torch.linalg.eigvalsh(sigma - x.T @ x / x.shape[0]).abs().max())
        return Instance(forms=forms, variable="Delta", replay=replay,
                        data={"X": x.numpy(), "Sigma": sigma.numpy()}, quantities={"op_gap": op_gap})


def null_form(lam_k: torch.Tensor, pinv: Pseudoinverse) -> torch.Tensor:
    """(I - P_k) Lambda_k (I - P_k): the risk as a quadratic form in Delta, in range coordinates."""
    k = lam_k.shape[0]
    null = torch.eye(k, dtype=DTYPE) - pinv.projector()
    return null @ (lam_k[:, None] * null)


class Draw:
    """A batch of instances, with the design in the coordinates of the range of Sigma (rank k): X = X_k V_k^T.

    X_k = Z Lambda_k^{1/2} with Z standard Gaussian (n x k): since Z V_k^T has the law of an n x d standard Gaussian
    restricted to range(Sigma), the rows of X are N(0, Sigma), and X_k has full rank min(n, k) almost surely.
    """

    def __init__(self, lam, vecs, xk, delta, xi):
        self.lam, self.vecs, self.xk, self.delta, self.xi = lam, vecs, xk, delta, xi
        self.rank = xk.shape[-1]
        self.lam_k, self.vk = lam[: self.rank], vecs[:, : self.rank]
        self.delta_k = delta @ self.vk

    def x(self) -> torch.Tensor:
        """The design in the original coordinates, (batch, n, d)."""
        return self.xk @ self.vk.T
