"""Exact expected risk of online SGD on Gaussian linear-regression data, source phases then target phases
(our study notes on linear transfer, T2; Wu, Zou, Braverman, Gu and Kakade 2022 setting).

Model: y = x.w* + eps, eps ~ N(0, sigma^2); at each step one fresh x ~ N(0, S) with S = G (source) or H (target);
w <- w - gamma (x.w - y) x. With e = w - w* and B = E[e e^T] (Isserlis' fourth moment, classical.T1):

    B <- B - gamma (S B + B S) + gamma^2 (2 S B S + tr(S B) S) + gamma^2 sigma^2 S.

In the eigenbasis of S (S = U diag(s) U^T, B~ = U^T B U) a step multiplies each off-diagonal entry by
K_ij = 1 - gamma (s_i + s_j) + 2 gamma^2 s_i s_j and maps the diagonal v to A v + c, A = diag(K_ii) + gamma^2 s s^T,
c = gamma^2 sigma^2 s. So k steps at a constant step size are closed form: K_ij^k off the diagonal and
A^k v + (I + A + ... + A^(k-1)) c on it, both from one eigendecomposition of the symmetric A (O(d^3)),
never step by step.
The expected target excess risk after the schedule is tr(H B).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


class SGDError(ValueError):
    """Bad SGD input: dimensions, a covariance that is not PSD, a step size beyond the stability limit."""


class Divergence(SGDError):
    """The step size is beyond the mean-square stability limit: the expected risk provably diverges."""


@dataclass(frozen=True)
class Phase:
    """`steps` SGD steps at step size `gamma` on samples from the covariance named `on` ("G" or "H")."""

    on: str
    gamma: float
    steps: int


def step_decay(on: str, total: int, gamma0: float) -> list[Phase]:
    """Step decay as simulated in the note (A2): ceil(log2 T) phases of ceil(T / ceil(log2 T)) steps (the last one
    shorter), the step size halving from gamma0 at each phase."""
    if total <= 0:
        return []
    count = max(1, math.ceil(math.log2(total)))
    length = math.ceil(total / count)
    phases, done, level = [], 0, 0
    while done < total:
        k = min(length, total - done)
        phases.append(Phase(on, gamma0 / 2 ** level, k))
        done, level = done + k, level + 1
    return phases


def _covariance(name: str, S) -> np.ndarray:
    S = np.asarray(S, dtype=np.float64)
    if S.ndim != 2 or S.shape[0] != S.shape[1]:
        raise SGDError(f"covariance {name} must be a square matrix, got shape {S.shape}")
    if not np.isfinite(S).all():
        raise SGDError(f"covariance {name} has non-finite entries")
    if not np.allclose(S, S.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(S).max())):
        raise SGDError(f"covariance {name} is not symmetric")
    low = float(np.linalg.eigvalsh(S).min())
    if low < -1e-10 * max(1.0, np.abs(S).max()):
        raise SGDError(f"covariance {name} is not positive semidefinite (smallest eigenvalue {low:.3g})")
    return (S + S.T) / 2


def _diagonal_map(s: np.ndarray, gamma: float) -> np.ndarray:
    return np.diag(1 - 2 * gamma * s + 2 * gamma ** 2 * s ** 2) + gamma ** 2 * np.outer(s, s)


def spectral_radius(S, gamma: float) -> float:
    """rho(A_gamma): the second moment of one phase at step size gamma stays bounded iff it is below 1."""
    s = np.clip(np.linalg.eigvalsh(_covariance("S", S)), 0, None)
    return float(np.abs(np.linalg.eigvalsh(_diagonal_map(s, gamma))).max())


def stability_limit(S) -> float:
    """The largest step size with rho(A_gamma) < 1 (bisection; rho - 1 changes sign once on (0, 2/lambda_max])."""
    s = np.clip(np.linalg.eigvalsh(_covariance("S", S)), 0, None)
    if s.max() <= 0:
        return math.inf
    lo, hi = 0.0, 2.0 / s.max()
    for _ in range(100):
        mid = (lo + hi) / 2
        if np.abs(np.linalg.eigvalsh(_diagonal_map(s, mid))).max() < 1:
            lo = mid
        else:
            hi = mid
    return lo


def _power_and_sum(A: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """A^k and I + A + ... + A^(k-1) from the eigendecomposition of A, which is symmetric positive definite
    (diag((1 - gamma s)^2 + gamma^2 s^2) plus the PSD rank-one gamma^2 s s^T); (1 - e^k)/(1 - e) is computed as
    -expm1(k log e)/(1 - e), accurate for e near 1."""
    e, V = np.linalg.eigh(A)
    e = np.clip(e, np.finfo(float).tiny, None)
    power = np.exp(k * np.log(e))
    with np.errstate(divide="ignore", invalid="ignore"):
        total = np.where(np.abs(1 - e) > 1e-15, -np.expm1(k * np.log(e)) / (1 - e), float(k))
    return (V * power) @ V.T, (V * total) @ V.T


def _checked(G, H, d: int) -> dict:
    """The covariances by name, validated and of dimension d (None when not given)."""
    mats = {"G": None if G is None else _covariance("G", G), "H": None if H is None else _covariance("H", H)}
    for name, S in mats.items():
        if S is not None and S.shape != (d, d):
            raise SGDError(f"covariance {name} is {S.shape[0]} x {S.shape[1]} but the teacher has dimension {d}")
    return mats


def _propagate(B: np.ndarray, mats: dict, sigma: float, phases) -> np.ndarray:
    """B after the phases, in order, phase by phase in closed form. With sigma = 0 the map is linear and
    self-adjoint for <X, Y> = tr(X Y) (tr(C tr(SB) S) = tr(SB) tr(SC)), so running it on H through the reversed
    phases gives the matrix Phi with tr(H B_T) = tr(Phi B_0)."""
    eig = {}
    for ph in phases:
        if ph.on not in mats or mats[ph.on] is None:
            raise SGDError(f"a phase runs on covariance {ph.on!r}, which was not given")
        if not (ph.gamma > 0 and math.isfinite(ph.gamma)) or int(ph.steps) != ph.steps or ph.steps < 0:
            raise SGDError(f"a phase needs a finite step size > 0 and a whole number of steps, got {ph}")
        if ph.steps == 0:
            continue
        if ph.on not in eig:
            s, U = np.linalg.eigh(mats[ph.on])
            eig[ph.on] = (np.clip(s, 0, None), U)
        s, U = eig[ph.on]
        A = _diagonal_map(s, ph.gamma)
        rho = float(np.linalg.eigvalsh(A).max())  # A is symmetric positive definite (see _power_and_sum)
        if rho > 1 + 1e-12:  # = 1 up to rounding: a direction with a negligible eigenvalue does not contract
            raise Divergence(f"step size {ph.gamma:.6g} on covariance {ph.on} is beyond the mean-square stability "
                           f"limit {stability_limit(mats[ph.on]):.6g} (spectral radius {rho:.6g} >= 1): the "
                           "expected risk diverges")
        Bt = U.T @ B @ U
        K = 1 - ph.gamma * (s[:, None] + s[None, :]) + 2 * ph.gamma ** 2 * np.outer(s, s)
        P, Ssum = _power_and_sum(A, int(ph.steps))
        v = P @ np.diag(Bt) + Ssum @ (ph.gamma ** 2 * sigma ** 2 * s)
        Bt = Bt * K ** int(ph.steps)
        np.fill_diagonal(Bt, v)
        B = U @ Bt @ U.T
    return (B + B.T) / 2


def second_moment(G, H, w_star, w0, sigma: float, phases: list[Phase]) -> np.ndarray:
    """B = E[(w - w*)(w - w*)^T] after the phases, exactly."""
    w_star = np.asarray(w_star, dtype=np.float64).reshape(-1)
    w0 = np.asarray(w0, dtype=np.float64).reshape(-1)
    d = w_star.size
    mats = _checked(G, H, d)
    if w0.size != d:
        raise SGDError(f"start w0 has dimension {w0.size} but the teacher has dimension {d}")
    if not (math.isfinite(sigma) and sigma >= 0):
        raise SGDError(f"noise level sigma must be finite and >= 0, got {sigma}")
    e = w0 - w_star
    return _propagate(np.outer(e, e), mats, sigma, phases)


def expected_risk(G, H, w_star, w0, sigma: float, phases: list[Phase]) -> float:
    """Exact expected target excess risk tr(H B) after the phases."""
    B = second_moment(G, H, w_star, w0, sigma, phases)
    return float(np.trace(_covariance("H", H) @ B))


def risk_forms(G, H, phases: list[Phase]) -> tuple[np.ndarray, float]:
    """(Phi, phi0) with expected risk = w*^T Phi w* + sigma^2 phi0 for SGD from w = 0: Phi by the adjoint (the
    recursion run backwards from H, note T2), phi0 the risk of pure noise (w* = 0, sigma = 1)."""
    H = _covariance("H", H)
    d = H.shape[0]
    Phi = _propagate(H, _checked(G, H, d), 0.0, phases[::-1])
    return Phi, expected_risk(G, H, np.zeros(d), np.zeros(d), 1.0, phases)


STEP_GRID = tuple(np.geomspace(1 / 128, 1 / 2, 8))  # step sizes in units of 1/tr(S), all below the stability limit


def best_risk(G, H, w_star, sigma: float, on: str, steps: int, grid=STEP_GRID) -> float:
    """The smallest exact target risk of step-decay SGD from 0 over `steps` samples from G or H, over the step
    sizes grid/tr(S)."""
    S = G if on == "G" else H
    d = len(np.asarray(w_star).reshape(-1))
    return min(expected_risk(G, H, w_star, np.zeros(d), sigma, step_decay(on, steps, g / np.trace(S)))
               for g in grid)


def matching_source_size(G, H, w_star, sigma: float, N: int, grid=STEP_GRID, max_M: int = 10 ** 8,
                         rtol: float = 0.01) -> int:
    """M*(N): the smallest M at which pre-training alone (M source steps, best step size) reaches the risk of
    supervised SGD on N target samples (best step size), to within a factor 1 + rtol. Doubling then bisection,
    which assumes the best pre-training risk is non-increasing in M (step decay with a tuned step size).
    SGDError when not reached by max_M."""
    goal = best_risk(G, H, w_star, sigma, "H", N, grid)
    risk = lambda M: best_risk(G, H, w_star, sigma, "G", M, grid)
    lo, hi = 0, 1
    while risk(hi) > goal:
        lo, hi = hi, hi * 2
        if hi > max_M:
            raise SGDError(f"pre-training alone does not reach the supervised risk {goal:.4g} of N = {N} within "
                           f"{max_M} source samples")
    while hi - lo > max(1, rtol * lo):
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if risk(mid) <= goal else (mid, hi)
    return hi
