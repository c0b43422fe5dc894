"""Closed forms for fine-tuning deep linear networks from balanced pre-trained layers (Shachaf, Brutzkus and
Globerson 2021; our study notes on Shachaf et al. (2021), section 2.2 and table 3.8). All are derivations of the note (`[R]`),
not the paper's theorems.

Depth N counts weight matrices (N = 1 is linear regression); `math.inf` is the infinite-depth limit. With P the
projector onto the row space of the design X:

- D1: the limit of gradient flow is beta_bar = P theta_T + a (I - P) theta_S, a = (r / |theta_S|)^((N-1)/N), where
  r = |beta_bar| is the unique positive root of r^2 = |P theta_T|^2 + (r / |theta_S|)^(2(N-1)/N) |(I-P) theta_S|^2.
- D2: its risk |beta_bar - theta_T|^2_Sigma = |(I - P)(a theta_S - theta_T)|^2_Sigma.
- D3: N = inf, a = r / |theta_S| = |P theta_T| / |P theta_S|.
- D4: with the first layer frozen the predictor stays on the line {gamma theta_S}:
  risk >= |theta_T|^2_Sigma - <theta_S, theta_T>_Sigma^2 / |theta_S|^2_Sigma.
- 3.8: the deterministic equivalent (Sigma = I, d -> inf, rho = n/d): r^2 = rho (alpha^2 s^2 + e^2) + a^2 (1 - rho) s^2,
  L = (1 - rho) [(a - alpha)^2 s^2 + e^2].
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def depth_power(N) -> float:
    """The exponent (N - 1)/N of D1 (1 for N = inf); ValueError unless N is an integer >= 1 or inf."""
    if isinstance(N, str) and N.strip().lower() in ("inf", "infinity"):
        return 1.0
    if isinstance(N, bool) or not isinstance(N, (int, float, np.integer, np.floating)):
        raise ValueError(f"depth N must be an integer >= 1 or inf, not {N!r}")
    if N == math.inf:
        return 1.0
    if not math.isfinite(N) or N != int(N) or N < 1:
        raise ValueError(f"depth N must be an integer >= 1 or inf, not {N!r}")
    return (int(N) - 1) / int(N)


def fixed_point_norm(p, q, s, N):
    """r > 0 solving r^2 = p + (r/s)^(2w) q, w = (N-1)/N (D1), elementwise over arrays.

    p = |P theta_T|^2 > 0, q = |(I-P) theta_S|^2 >= 0, s = |theta_S| > 0. For w < 1 the root is unique because
    r^2 - q (r/s)^(2w) grows strictly faster than its subtracted term; for w = 1 (N = inf) it is
    r = s sqrt(p / (s^2 - q)), which needs P theta_S != 0 (q < s^2). Solved by geometric bisection (bracket found by
    doubling) and two Newton steps.
    """
    w = depth_power(N)
    p, q, s = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (p, q, s)))
    if not (np.isfinite(p).all() and np.isfinite(q).all() and np.isfinite(s).all()):
        raise ValueError("fixed_point_norm: p, q, s must be finite")
    if (p <= 0).any() or (q < 0).any() or (s <= 0).any():
        raise ValueError("fixed_point_norm needs |P theta_T|^2 = p > 0, |(I-P) theta_S|^2 = q >= 0 and |theta_S| = s > 0 "
                         "(p = 0 means the labels vanish: the data say nothing, and r = 0 is a root)")
    if w == 1.0:
        visible = s ** 2 - q
        if (visible <= 1e-15 * s ** 2).any():
            raise ValueError("the infinite-depth limit needs P theta_S != 0 (|(I-P) theta_S| < |theta_S|): the data "
                             "must see the source direction")
        return s * np.sqrt(p / visible)
    f = lambda r: r * r - p - q * (r / s) ** (2 * w)
    lo = np.sqrt(p)  # f(lo) = -q (lo/s)^(2w) <= 0
    hi = np.maximum(np.sqrt(p + q), s)
    for _ in range(2000):
        bad = f(hi) < 0
        if not bad.any():
            break
        hi = np.where(bad, 2 * hi, hi)
    else:
        raise ValueError("fixed_point_norm: no bracket found")
    for _ in range(80):  # geometric bisection: the ratio hi/lo shrinks to 1 + 2^-80 relative
        mid = np.sqrt(lo * hi)
        neg = f(mid) < 0
        lo, hi = np.where(neg, mid, lo), np.where(neg, hi, mid)
    r = np.sqrt(lo * hi)
    for _ in range(2):
        fp = 2 * r - 2 * w * q * (r / s) ** (2 * w) / r
        r = r - f(r) / fp
    return r


def null_coefficient(p, q, s, N):
    """a = (r/s)^((N-1)/N): the coefficient of (I - P) theta_S in the fine-tuned vector (D1; D3 for N = inf)."""
    w = depth_power(N)
    return (fixed_point_norm(p, q, s, N) / np.asarray(s, dtype=np.float64)) ** w


def _rowspace(X, v):
    """P v = X^+ X v, batched over leading axes of X (..., n, d) and v (..., d)."""
    X, v = np.asarray(X, dtype=np.float64), np.asarray(v, dtype=np.float64)
    return np.einsum("...ij,...j->...i", np.linalg.pinv(X), np.einsum("...ij,...j->...i", X, v))


def finetuned_limit(X, theta_s, theta_t, N):
    """beta_bar of D1 (D3 for N = inf) for designs X (..., n, d), source and target (..., d)."""
    theta_s, theta_t = np.asarray(theta_s, dtype=np.float64), np.asarray(theta_t, dtype=np.float64)
    pt = _rowspace(X, theta_t)
    null_s = theta_s - _rowspace(X, theta_s)
    a = null_coefficient((pt ** 2).sum(-1), (null_s ** 2).sum(-1), np.linalg.norm(theta_s, axis=-1), N)
    return pt + a[..., None] * null_s


def sigma_norm2(v, sigma=None):
    """|v|^2_Sigma (Sigma = I when None), batched over leading axes."""
    v = np.asarray(v, dtype=np.float64)
    if sigma is None:
        return (v ** 2).sum(-1)
    return np.einsum("...i,ij,...j->...", v, np.asarray(sigma, dtype=np.float64), v)


def finetuned_risk(X, theta_s, theta_t, N, sigma=None):
    """D2: |beta_bar - theta_T|^2_Sigma."""
    return sigma_norm2(finetuned_limit(X, theta_s, theta_t, N) - np.asarray(theta_t, dtype=np.float64), sigma)


def freezing_bound(theta_s, theta_t, sigma=None):
    """D4: min over gamma of |gamma theta_S - theta_T|^2_Sigma = |theta_T|^2_Sigma - <theta_S, theta_T>_Sigma^2 /
    |theta_S|^2_Sigma, the least risk reachable with the first layer frozen."""
    ts, tt = np.asarray(theta_s, dtype=np.float64), np.asarray(theta_t, dtype=np.float64)
    m = np.eye(ts.shape[-1]) if sigma is None else np.asarray(sigma, dtype=np.float64)
    cross = np.einsum("...i,ij,...j->...", ts, m, tt)
    return sigma_norm2(tt, sigma) - cross ** 2 / sigma_norm2(ts, sigma)


@dataclass(frozen=True)
class DeepEquivalent:
    """Deterministic-equivalent values of 3.8: null-space coefficient a, end-to-end norm r, risk L."""

    a: float
    r: float
    L: float


def deterministic_equivalent(rho, alpha, e, s=1.0, N=1) -> DeepEquivalent:
    """Table 3.8: isotropic Sigma = I, d -> inf at rho = n/d in (0, 1), |theta_S| = s,
    theta_T = alpha theta_S + xi with xi a random direction of norm e. Elementwise over array arguments."""
    rho, alpha, e, s = (np.asarray(v, dtype=np.float64) for v in (rho, alpha, e, s))
    if ((rho <= 0) | (rho >= 1)).any():
        raise ValueError(f"the deterministic equivalent needs 0 < rho = n/d < 1, got rho = {rho}")
    if (s <= 0).any() or (e < 0).any() or not np.isfinite(alpha).all():
        raise ValueError("the deterministic equivalent needs s > 0, e >= 0 and a finite alpha")
    p = rho * (alpha ** 2 * s ** 2 + e ** 2)
    q = (1 - rho) * s ** 2
    if (p <= 0).any():
        raise ValueError("the deterministic equivalent needs a nonzero target (alpha != 0 or e > 0)")
    if depth_power(N) == 1.0:  # D3 with |P theta_T|^2 / |P theta_S|^2 -> (alpha^2 s^2 + e^2) / s^2
        r = np.sqrt(alpha ** 2 * s ** 2 + e ** 2)
        a = r / s
    else:
        r = fixed_point_norm(p, q, s, N)
        a = (r / s) ** depth_power(N)
    L = (1 - rho) * ((a - alpha) ** 2 * s ** 2 + e ** 2)
    scalar = lambda v: float(v) if np.ndim(v) == 0 else v
    return DeepEquivalent(scalar(a), scalar(r), scalar(L))
