"""The deterministic equivalent (DE) of ridge and ridgeless least squares with Gaussian features
(our study notes on linear transfer, T4 and C4): an approximation at finite n and d, exact in the proportional limit.

Rows x ~ N(0, Sigma) with eigenvalues s_i, teacher coordinates beta_i in the eigenbasis, noise variance sigma^2,
estimator (X^T X / n + lambda I)^-1 X^T y / n (lambda = 0: the minimum-norm interpolator, d > n). kappa > 0 solves
kappa - lambda = (kappa / n) sum_i s_i / (s_i + kappa); with df2 = sum_i s_i^2 / (s_i + kappa)^2,

    variance ~ sigma^2 df2 / (n - df2),    bias ~ kappa^2 sum_i s_i beta_i^2 / (s_i + kappa)^2 / (1 - df2 / n),

and E[X^+ X] ~ Sigma (Sigma + kappa I)^-1 (ridgeless).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq


@dataclass(frozen=True)
class Equivalent:
    kappa: float
    df2: float
    bias: float
    variance: float

    @property
    def risk(self) -> float:
        return self.bias + self.variance


def effective_regularisation(s, n: int, ridge: float = 0.0) -> float:
    """kappa solving kappa - ridge = (kappa / n) sum s_i / (s_i + kappa); ValueError when none is positive."""
    s = np.asarray(s, dtype=np.float64)
    if n < 1 or ridge < 0 or (s < 0).any() or not np.isfinite(s).all():
        raise ValueError(f"need n >= 1, ridge >= 0 and a non-negative finite spectrum, got n = {n}, ridge = {ridge}")
    if ridge == 0 and np.count_nonzero(s) <= n:
        raise ValueError(f"ridgeless regression has a deterministic equivalent only when the features outnumber the "
                         f"samples (rank {np.count_nonzero(s)} > n = {n})")
    f = lambda k: k - ridge - k / n * float(np.sum(s / (s + k)))
    hi = ridge + float(s.sum()) / n + 1e-300  # f(hi) >= 0 since k s / (s + k) <= s
    lo = ridge if ridge > 0 else hi * 1e-15
    while f(lo) > 0:  # ridgeless: f < 0 near 0 exactly when the rank exceeds n
        lo /= 1e3
    return brentq(f, lo, hi, xtol=1e-15 * hi, rtol=1e-14)


def ridge_equivalent(s, beta, sigma: float, n: int, ridge: float = 0.0) -> Equivalent:
    """Bias and variance of the DE, for spectrum s and teacher coordinates beta in the same eigenbasis."""
    s, beta = np.asarray(s, dtype=np.float64), np.asarray(beta, dtype=np.float64)
    if s.shape != beta.shape:
        raise ValueError(f"spectrum and teacher differ in length: {s.size} and {beta.size}")
    kappa = effective_regularisation(s, n, ridge)
    df2 = float(np.sum(s ** 2 / (s + kappa) ** 2))
    bias = kappa ** 2 * float(np.sum(s * beta ** 2 / (s + kappa) ** 2)) / (1 - df2 / n)
    return Equivalent(kappa, df2, bias, sigma ** 2 * df2 / (n - df2))
