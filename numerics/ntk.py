"""The neural tangent kernel of two-layer ReLU networks on the unit sphere (our study notes on Shachaf et al. (2021), 2.3).

For f(x) = (1/sqrt m) sum_r a_r relu(w_r^T x) with a_r = +-1 fixed and only the first layer trained, the Gram
matrix of the parameter gradients at initialisation is K_ij = (1/m) sum_r x_i^T x_j 1{w_r^T x_i > 0} 1{w_r^T x_j > 0}.
For w_r ~ N(0, I) it converges, as m grows, to

    H_inf_ij = x_i^T x_j (pi - arccos(x_i^T x_j)) / (2 pi),

the probability that a Gaussian half-space contains both x_i and x_j being (pi - angle)/(2 pi). All functions are
batched over leading axes and work in the dtype of their input (float64 in the scenario).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch is imported where it is used: numerics loads without it
    import torch


def unit_gram(x: torch.Tensor) -> torch.Tensor:
    """X X^T for rows on the unit sphere, clamped to [-1, 1], with the diagonal set to exactly 1: arccos has slope
    -1/sqrt(2 eps) at 1 - eps, so a self inner product rounded to 1 - 1e-16 would move H_ii by about 2e-9."""
    g = (x @ x.transpose(-1, -2)).clamp(-1.0, 1.0)
    g.diagonal(dim1=-2, dim2=-1).fill_(1.0)
    return g


def ntk_gram(x: torch.Tensor) -> torch.Tensor:
    """H_inf of the rows of x (shape (..., n, d), unit rows): x_i^T x_j (pi - arccos(x_i^T x_j)) / (2 pi)."""
    import torch

    g = unit_gram(x)
    return g * (math.pi - torch.arccos(g)) / (2 * math.pi)


def empirical_ntk(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """The Gram matrix of first-layer gradients of f at weights w (shape (..., m, d)) on the rows of x:
    (1/m) sum_r x_i^T x_j 1{w_r^T x_i > 0} 1{w_r^T x_j > 0}; it does not depend on the signs a_r."""
    m = w.shape[-2]
    active = (x @ w.transpose(-1, -2) > 0).to(x.dtype)  # (..., n, m)
    return (x @ x.transpose(-1, -2)) * (active @ active.transpose(-1, -2)) / m


def lambda_min(h: torch.Tensor) -> torch.Tensor:
    """lambda_0 = the smallest eigenvalue of each symmetric matrix in a batch."""
    import torch

    return torch.linalg.eigvalsh(h)[..., 0]


def relative_op_gap(k: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """|K - H|_op / |H|_op for symmetric K, H (batched)."""
    import torch

    gap = torch.linalg.eigvalsh(k - h).abs().amax(dim=-1)
    return gap / torch.linalg.eigvalsh(h).abs().amax(dim=-1)


def inverse_form(h: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
    """r^T H^{-1} r for positive definite H (..., n, n) and r (..., n), by Cholesky (no batched LU solve)."""
    import torch

    chol = torch.linalg.cholesky(h)
    s = torch.linalg.solve_triangular(chol, r.unsqueeze(-1), upper=False)
    return (s ** 2).sum(dim=(-2, -1))
