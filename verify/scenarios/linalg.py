"""Batched torch linear algebra shared by the scenarios: Haar rotations, the covariance families scenarios take as
input, pseudoinverses of wide and tall designs, and quadratic forms in an eigenbasis."""
from __future__ import annotations

import numpy as np
import torch

from .base import ScenarioError

DTYPE = torch.float64
GRAM_COND = 1e8  # a lower bound on cond(X X^T), from its Cholesky factor, above which X^+ comes from QR instead


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
    if family in ("powerlaw", "lowrank"):  # eigenvalues i^-p (i <= k for lowrank) in a Haar-random basis
        k = int(opts["k"]) if family == "lowrank" else d
        if not 1 <= k <= d:
            raise ScenarioError(f"lowrank covariance needs 1 <= k <= d, got k = {k}, d = {d}")
        lam = torch.zeros(d, dtype=DTYPE)
        lam[:k] = (sigma2 * idx[:k] ** (-float(opts["p"]))).sort(descending=True).values
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
        if not bool(torch.isfinite(sigma_m).all()):
            raise ScenarioError("covariance matrix Sigma has non-finite entries (NaN or inf)")
        if not torch.allclose(sigma_m, sigma_m.T, atol=1e-12 * (1 + sigma_m.abs().max())):
            raise ScenarioError("covariance matrix is not symmetric")
        lam, vecs = torch.linalg.eigh(sigma_m)
        if lam[0] < -1e-12 * max(1.0, float(lam[-1])):
            raise ScenarioError(f"covariance matrix is not positive semidefinite (eigenvalue {float(lam[0]):.3g})")
        return sigma2 * lam.clamp(min=0).flip(0), vecs.flip(1)
    raise ScenarioError(f"unknown covariance family {family!r}: use isotropic, powerlaw, lowrank, diag2 or matrix")


class Pseudoinverse:
    """X^+ for a batch of designs of full rank min(n, k), and the projector P = X^+ X onto their row space.

    Wide designs (n < k, the interesting regime) go through the Cholesky factor of the n x n Gram matrix X X^T:
    X^+ = X^T (X X^T)^{-1}, about a tenth of the cost of a batched QR. Square and tall designs, whose Gram matrix
    squares a possibly large condition number, and any batch where a Cholesky factorisation fails or its factor
    shows a condition number above GRAM_COND, use Householder QR instead. The scenario passes the design in the coordinates of the range of Sigma, where Gaussian rows have
    full rank almost surely; a rank-deficient design gives non-finite output, reported as an error.
    """

    def __init__(self, x: torch.Tensor):
        self.x = x
        n, k = x.shape[-2:]
        self.chol = None
        if n < k:
            chol, info = torch.linalg.cholesky_ex(x @ x.transpose(-1, -2))
            diag = torch.diagonal(chol, dim1=-2, dim2=-1)
            if not bool(info.any()) and float(((diag.amax(-1) / diag.amin(-1)) ** 2).max()) < GRAM_COND:
                self.chol = chol
        if self.chol is None:
            self.wide = n < k
            # wide: X^T = Q R, X^+ = Q R^{-T}; tall or square: X = Q R, X^+ = R^{-1} Q^T
            self.q, self.r = torch.linalg.qr(x.transpose(-1, -2) if self.wide else x)

    def apply(self, y: torch.Tensor) -> torch.Tensor:
        """X^+ y for y of shape (batch, n)."""
        y = y.unsqueeze(-1)
        if self.chol is not None:
            return (self.x.transpose(-1, -2) @ torch.cholesky_solve(y, self.chol)).squeeze(-1)
        if self.wide:
            c = torch.linalg.solve_triangular(self.r.transpose(-1, -2), y, upper=False)
            return (self.q @ c).squeeze(-1)
        return torch.linalg.solve_triangular(self.r, self.q.transpose(-1, -2) @ y, upper=True).squeeze(-1)

    def matrix(self) -> torch.Tensor:
        """The matrices X^+, shape (batch, k, n)."""
        if self.chol is not None:
            return self.x.transpose(-1, -2) @ torch.cholesky_inverse(self.chol)
        inv_qt = torch.linalg.solve_triangular(self.r, self.q.transpose(-1, -2), upper=True)  # R^-1 Q^T
        return inv_qt.transpose(-1, -2) if self.wide else inv_qt  # wide: X^+ = Q R^-T

    def project(self, v: torch.Tensor) -> torch.Tensor:
        """P v = X^+ X v for v of shape (batch, k)."""
        return self.apply((self.x @ v.unsqueeze(-1)).squeeze(-1))

    def projector(self) -> torch.Tensor:
        """The matrices P, shape (batch, k, k)."""
        if self.chol is not None:
            return self.x.transpose(-1, -2) @ torch.cholesky_solve(self.x, self.chol)
        if self.wide:
            return self.q @ self.q.transpose(-1, -2)
        return torch.linalg.solve_triangular(self.r, self.q.transpose(-1, -2) @ self.x, upper=True)


def quad(lam: torch.Tensor, vecs: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
    """e^T Sigma e for Sigma = V diag(lam) V^T, batched over the rows of e."""
    return ((e @ vecs) ** 2 @ lam)
