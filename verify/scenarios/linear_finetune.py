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

from .base import REQUIRED, Instance, Scenario, ScenarioError

DTYPE = torch.float64


def random_orthogonal(d: int, gen: torch.Generator) -> torch.Tensor:
    """A Haar-distributed orthogonal matrix (QR of a Gaussian matrix with the sign fix)."""
    q, r = torch.linalg.qr(torch.randn(d, d, generator=gen, dtype=DTYPE))
    return q * torch.sign(torch.diagonal(r)).unsqueeze(0)


def covariance(opts: dict, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Eigenvalues (descending) and eigenvectors (columns) of the target covariance named by `opts`."""
    d, sigma2, family = int(opts["d"]), float(opts["sigma"]) ** 2, opts["covariance"]
    idx = torch.arange(1, d + 1, dtype=DTYPE)
    if family == "isotropic":
        return torch.full((d,), sigma2, dtype=DTYPE), torch.eye(d, dtype=DTYPE)
    if family == "powerlaw":
        return sigma2 * idx ** (-float(opts["p"])), random_orthogonal(d, gen)
    if family == "lowrank":
        k = int(opts["k"])
        if not 1 <= k <= d:
            raise ScenarioError(f"lowrank covariance needs 1 <= k <= d, got k = {k}, d = {d}")
        lam = sigma2 * idx ** (-float(opts["p"]))
        lam[k:] = 0.0
        return lam, random_orthogonal(d, gen)
    if family == "diag2":
        if d != 2:
            raise ScenarioError(f"diag2 covariance needs d = 2, got d = {d}")
        l1, l2 = float(opts["l1"]), float(opts["l2"])
        if min(l1, l2) < 0:
            raise ScenarioError(f"diag2 covariance needs l1, l2 >= 0, got {l1}, {l2}")
        order = [0, 1] if l1 >= l2 else [1, 0]
        lam = sigma2 * torch.tensor([l1, l2], dtype=DTYPE)[order]
        return lam, torch.eye(2, dtype=DTYPE)[:, order]
    if family == "matrix":
        sigma_m = torch.as_tensor(np.asarray(opts["Sigma"], dtype=np.float64))
        if sigma_m.shape != (d, d):
            raise ScenarioError(f"covariance matrix has shape {tuple(sigma_m.shape)}, expected ({d}, {d})")
        if not torch.allclose(sigma_m, sigma_m.T, atol=1e-12 * (1 + sigma_m.abs().max())):
            raise ScenarioError("covariance matrix is not symmetric")
        lam, vecs = torch.linalg.eigh(sigma_m)
        if lam[0] < -1e-12 * max(1.0, float(lam[-1])):
            raise ScenarioError(f"covariance matrix is not positive semidefinite (eigenvalue {float(lam[0]):.3g})")
        return sigma2 * lam.clamp(min=0).flip(0), vecs.flip(1)
    raise ScenarioError(f"unknown covariance family {family!r}: use isotropic, powerlaw, lowrank, diag2 or matrix")


def draw_delta(opts: dict, vecs: torch.Tensor, batch: int, gen: torch.Generator) -> torch.Tensor:
    """Source-target differences of norm `Delta`, aligned with the top `k_align` eigenvectors at angle phi.

    alignment: "random" (uniform direction), "top" (phi = 0), "bottom" (phi = pi/2) or an angle phi in radians;
    Delta = |Delta| (cos phi u_top + sin phi u_bottom), u_top and u_bottom uniform on their eigen-subspaces.
    """
    d, norm, align = vecs.shape[0], float(opts["Delta"]), opts["alignment"]
    if align == "random":
        g = torch.randn(batch, d, generator=gen, dtype=DTYPE)
        return norm * g / g.norm(dim=1, keepdim=True)
    phi = {"top": 0.0, "bottom": math.pi / 2}.get(align, align)
    if not isinstance(phi, (int, float)):
        raise ScenarioError(f"alignment must be 'random', 'top', 'bottom' or an angle, not {align!r}")
    k = int(opts["k_align"])
    if not 1 <= k < d:
        raise ScenarioError(f"k_align must satisfy 1 <= k_align < d, got {k} with d = {d}")

    def unit_in(cols: torch.Tensor) -> torch.Tensor:
        g = torch.randn(batch, cols.shape[1], generator=gen, dtype=DTYPE)
        return (g / g.norm(dim=1, keepdim=True)) @ cols.T

    return norm * (math.cos(phi) * unit_in(vecs[:, :k]) + math.sin(phi) * unit_in(vecs[:, k:]))


class Pseudoinverse:
    """X^+ for a batch of designs, through the eigendecomposition of the smaller Gram matrix."""

    def __init__(self, x: torch.Tensor):
        self.x = x
        n, d = x.shape[-2:]
        self.wide = n <= d
        gram = x @ x.transpose(-1, -2) if self.wide else x.transpose(-1, -2) @ x
        w, self.u = torch.linalg.eigh(gram)
        cutoff = w[..., -1:].clamp(min=0) * (max(n, d) * 1e-13)
        self.winv = torch.where(w > cutoff, 1.0 / w, torch.zeros_like(w))

    def _gram_pinv(self, v: torch.Tensor) -> torch.Tensor:
        c = (self.u.transpose(-1, -2) @ v.unsqueeze(-1)).squeeze(-1) * self.winv
        return (self.u @ c.unsqueeze(-1)).squeeze(-1)

    def apply(self, y: torch.Tensor) -> torch.Tensor:
        """X^+ y for y of shape (batch, n)."""
        xt = self.x.transpose(-1, -2)
        if self.wide:
            return (xt @ self._gram_pinv(y).unsqueeze(-1)).squeeze(-1)
        return self._gram_pinv((xt @ y.unsqueeze(-1)).squeeze(-1))

    def project(self, v: torch.Tensor) -> torch.Tensor:
        """P v = X^+ X v, the projection onto the row space of X."""
        return self.apply((self.x @ v.unsqueeze(-1)).squeeze(-1))

    def projector(self) -> torch.Tensor:
        d = self.x.shape[-1]
        eye = torch.eye(d, dtype=self.x.dtype).expand(self.x.shape[0], d, d)
        return torch.stack([self.project(eye[:, :, j]) for j in range(d)], dim=-1)


def quad(lam: torch.Tensor, vecs: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
    """e^T Sigma e for Sigma = V diag(lam) V^T, batched over the rows of e."""
    return ((e @ vecs) ** 2 @ lam)


def gradient_descent(x: torch.Tensor, y: torch.Tensor, theta0: torch.Tensor, tol: float = 1e-14,
                     max_steps: int = 50_000) -> torch.Tensor:
    """Full-batch gradient descent on (1/2n)|X theta - y|^2 from theta0 with autograd, step 1/lambda_max."""
    n = x.shape[-2]
    lam_max = torch.linalg.eigvalsh(x @ x.transpose(-1, -2) / n)[..., -1]
    step = (1.0 / lam_max).unsqueeze(-1)
    theta = theta0.clone().requires_grad_(True)
    scale = torch.linalg.norm(theta0, dim=-1).clamp(min=1.0)
    for _ in range(max_steps):
        loss = (((x @ theta.unsqueeze(-1)).squeeze(-1) - y) ** 2).sum() / (2 * n)
        (grad,) = torch.autograd.grad(loss, theta)
        with torch.no_grad():
            theta -= step * grad
        if bool((torch.linalg.norm(step * grad, dim=-1) <= tol * scale).all()):
            break
    return theta.detach()


class LinearFinetune(Scenario):
    name = "linear_finetune"
    description = ("Gradient descent on least squares started at source weights theta_S, target labels "
                   "y = X theta_T + noise; exact population risk of its limit.")
    quantities = {
        "L": "exact population risk of the fine-tuned weights, (theta_hat - theta_T)^T Sigma (...)",
        "L_S": "population risk of the source weights, Delta^T Sigma Delta",
        "op_gap": "operator norm of Sigma - X^T X / n",
        "gd_gap": "|theta_GD - theta_hat| / |Delta| after real gradient descent (autograd) to convergence",
        "sup_L": "sup over unit Delta of the risk: lambda_max((I-P) Sigma (I-P))",
        "sup_ratio": "sup over Delta of L / L_S: lambda_max(Sigma^-1/2 (I-P) Sigma (I-P) Sigma^-1/2)",
    }
    inputs = {"d": REQUIRED, "n": REQUIRED, "sigma": 1.0, "Delta": 1.0, "s": 0.0, "covariance": "isotropic",
              "p": 1.0, "k": 1, "l1": 1.0, "l2": 1.0, "Sigma": None, "alignment": "random", "k_align": 1}

    def resolve(self, point: dict) -> dict:
        full = super().resolve(point)
        for key in ("d", "n"):
            if full[key] != int(full[key]) or full[key] < 1:
                raise ScenarioError(f"scenario {self.name}: {key} must be a positive integer, got {full[key]}")
        if full["sigma"] <= 0 or full["Delta"] < 0 or full["s"] < 0:
            raise ScenarioError(f"scenario {self.name}: need sigma > 0, Delta >= 0, s >= 0")
        return full

    def draw(self, opts: dict, batch: int, gen: torch.Generator):
        d, n = int(opts["d"]), int(opts["n"])
        lam, vecs = covariance(opts, gen)
        z = torch.randn(batch, n, d, generator=gen, dtype=DTYPE)
        if opts["covariance"] == "isotropic":
            x = z * math.sqrt(float(lam[0]))
        else:
            x = (z @ vecs) * lam.clamp(min=0).sqrt() @ vecs.T
        delta = draw_delta(opts, vecs, batch, gen)
        xi = float(opts["s"]) * torch.randn(batch, n, generator=gen, dtype=DTYPE) if opts["s"] > 0 else None
        return lam, vecs, x, delta, xi

    def measure(self, opts, batch, gen, wanted):
        lam, vecs, x, delta, xi = self.draw(opts, batch, gen)
        pinv = Pseudoinverse(x)
        err = pinv.project(delta) - delta  # theta_hat - theta_T without noise
        if xi is not None:
            err = err + pinv.apply(xi)
        out = {"L": quad(lam, vecs, err), "L_S": quad(lam, vecs, delta)}
        sigma = (vecs * lam) @ vecs.T
        if "op_gap" in wanted:
            sigma_hat = x.transpose(-1, -2) @ x / x.shape[-2]
            out["op_gap"] = torch.linalg.eigvalsh(sigma - sigma_hat).abs().amax(dim=-1)
        if wanted & {"sup_L", "sup_ratio"}:
            null = torch.eye(sigma.shape[0], dtype=DTYPE) - pinv.projector()
            a = null @ sigma @ null
            out["sup_L"] = torch.linalg.eigvalsh(a)[..., -1]
            if "sup_ratio" in wanted:
                root_inv = self._inverse_root(lam, vecs)
                out["sup_ratio"] = torch.linalg.eigvalsh(root_inv @ a @ root_inv)[..., -1]
        if "gd_gap" in wanted:
            theta_s = torch.randn(batch, x.shape[-1], generator=gen, dtype=DTYPE)
            y = (x @ (theta_s + delta).unsqueeze(-1)).squeeze(-1) + (xi if xi is not None else 0.0)
            closed = theta_s + pinv.apply(y - (x @ theta_s.unsqueeze(-1)).squeeze(-1))
            trained = gradient_descent(x, y, theta_s)
            out["gd_gap"] = torch.linalg.norm(trained - closed, dim=-1) / delta.norm(dim=-1).clamp(min=1e-300)
        return out

    def _inverse_root(self, lam, vecs):
        if float(lam.min()) <= 0:
            raise ScenarioError(f"scenario {self.name}: sup_ratio needs a positive definite covariance")
        return (vecs * lam.rsqrt()) @ vecs.T

    def instance(self, point: dict, gen: torch.Generator) -> Instance:
        """One design X: the risk and the source risk as quadratic forms in Delta, with a replay."""
        opts = self.resolve(point)
        if opts["s"] > 0:
            raise ScenarioError("worst cases over Delta need s = 0: with label noise the risk is not a "
                                "quadratic form in Delta")
        lam, vecs, x, _, _ = self.draw(opts, 1, gen)
        pinv = Pseudoinverse(x)
        sigma = (vecs * lam) @ vecs.T
        null = torch.eye(sigma.shape[0], dtype=DTYPE) - pinv.projector()[0]
        forms = {"L": (null @ sigma @ null).numpy(), "L_S": sigma.numpy()}

        def replay(vector) -> dict[str, float]:
            delta = torch.as_tensor(np.asarray(vector, dtype=np.float64)).reshape(1, -1)
            err = pinv.project(delta) - delta
            return {"L": float(quad(lam, vecs, err)[0]), "L_S": float(quad(lam, vecs, delta)[0])}

        return Instance(forms=forms, variable="Delta", replay=replay,
                        data={"X": x[0].numpy(), "Sigma": sigma.numpy()})
