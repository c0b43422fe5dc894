"""The reconstructed upper bound on the target risk of SGD pre-training then fine-tuning, in the shape recalled
from Wu, Zou, Braverman, Gu and Kakade (2022) (our study notes on linear transfer, A2: reconstructed, NOT the paper's
theorem text), with every hidden constant set to 1 and Gaussian data (alpha = 3):

    E|w_{M+N} - w*|_H^2 <= |P_ft P_pre w*|_H^2
        + (sigma^2 + alpha [|P_pre w*|^2_{I, top k*} / (N_eff gamma) + |P_pre w*|^2_{H, tail k*}]) D_ft / N_eff
        + (sigma^2 + alpha [|w*|^2_{I, top k+} / (M_eff gamma0) + |w*|^2_{G, tail k+}]) tr(P_ft H P_ft C_pre)

P_pre, P_ft: products of (I - gamma_t S) over the step-decay schedule; M_eff = M / ln M and N_eff = N / ln N (the
note's M / log M, read with the natural log; `effective="phases"` reads it as the phase length M / ceil(log2 M),
under which constant 1 fails, see theory/catalogue/wu2022.py); k+ = #{mu_i >= 1/(M_eff gamma0)}, k* = #{lambda_i >= 1/(N_eff gamma)}; D_ft = k* + N_eff^2 gamma^2 sum_{i>k*}
lambda_i^2; C_pre = G_top^-1 / M_eff + M_eff gamma0^2 G_tail. "top"/"tail": the eigen-directions of G (or H) with
index <= k or > k; |v|^2_{I, top k} is the Euclidean norm there, |v|^2_{S, tail k} the S-weighted one.

The bound is a quadratic form in (w*, sigma): bound = w*^T Psi w* + sigma^2 psi0, which is what makes the worst
teacher a generalised eigenvalue (note A6). `bound_ingredients` gives the norms and spectral factors above at one
teacher, which the claim wu2022.reconstructed_bound combines in SymPy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .sgd_risk import SGDError, _covariance, step_decay

ALPHA_GAUSSIAN = 3.0  # E[x x^T A x x^T] <= alpha tr(SA) S holds for Gaussian x with alpha = 3, and 3 is tight (T1)
EFFECTIVE = ("ln", "phases")


def effective_size(steps: int, effective: str = "ln") -> float:
    """T_eff: T / max(1, ln T), or with "phases" the phase length T / ceil(log2 T)."""
    if effective not in EFFECTIVE:
        raise SGDError(f"effective sample size must be one of {EFFECTIVE}, got {effective!r}")
    if steps <= 0:
        return 0.0
    return steps / (max(1.0, math.log(steps)) if effective == "ln" else len(step_decay("G", steps, 1.0)))


@dataclass(frozen=True)
class Stage:
    """One stage of the schedule in its covariance's eigenbasis (eigenvalues descending): the contraction P, the
    effective sample size, and k (eigenvalues >= 1/(T_eff gamma0)). Empty stage (T = 0): P = I, T_eff = 0."""

    s: np.ndarray
    U: np.ndarray
    contraction: np.ndarray  # diagonal of P in the eigenbasis
    t_eff: float
    k: int
    gamma0: float

    def matrix(self, diag: np.ndarray) -> np.ndarray:
        return (self.U * diag) @ self.U.T

    def norm_form(self) -> np.ndarray:
        """Q with v^T Q v = |v|^2_{I, top k} / (T_eff gamma0) + |v|^2_{S, tail k} (an empty stage has k = 0)."""
        top = np.arange(self.s.size) < self.k
        return self.matrix(np.where(top, 1.0 / (self.t_eff * self.gamma0) if self.k else 0.0, self.s))


def stage(name: str, S, steps: int, gamma0: float, effective: str = "ln") -> Stage:
    """The schedule's stage on S: step decay from gamma0 over `steps` samples (boundlab.numerics.sgd_risk.step_decay)."""
    S = _covariance(name, S)
    if not (gamma0 > 0 and np.isfinite(gamma0)):
        raise SGDError(f"the step size on {name} must be finite and > 0, got {gamma0}")
    s, U = np.linalg.eigh(S)
    s, U = np.clip(s[::-1], 0, None), U[:, ::-1]
    phases = step_decay(name, steps, gamma0)
    contraction = np.ones_like(s)
    for ph in phases:
        contraction = contraction * (1 - ph.gamma * s) ** ph.steps
    t_eff = effective_size(steps, effective)
    k = int(np.sum(s >= 1.0 / (t_eff * gamma0))) if t_eff else 0
    return Stage(s, U, contraction, t_eff, k, gamma0)


def pretraining_covariance(pre: Stage) -> np.ndarray:
    """C_pre = G_top^-1 / M_eff + M_eff gamma0^2 G_tail (0 without pre-training)."""
    if pre.t_eff == 0:
        return np.zeros((pre.s.size, pre.s.size))
    top = np.arange(pre.s.size) < pre.k
    return pre.matrix(np.where(top, 1.0 / (pre.t_eff * np.where(top, pre.s, 1.0)),
                               pre.t_eff * pre.gamma0 ** 2 * pre.s))


INGREDIENTS = ("bias", "ft_norm", "ft_dim", "pre_norm", "pre_trace")


@dataclass(frozen=True)
class Pieces:
    """What the bound is made of at one (G, H, M, N): the contractions P_pre and P_ft, H, the norm forms of both
    stages (Stage.norm_form), ft_dim = D_ft / N_eff and pre_trace = tr(P_ft H P_ft C_pre) (each 0 without its
    stage). The bound is |P_ft P_pre w*|_H^2 + (sigma^2 + alpha |P_pre w*|^2_ft) ft_dim + (sigma^2 + alpha
    |w*|^2_pre) pre_trace."""

    P_pre: np.ndarray
    P_ft: np.ndarray
    H: np.ndarray
    ft_form: np.ndarray
    pre_form: np.ndarray
    ft_dim: float
    pre_trace: float


def pieces(G, H, M: int, N: int, gamma0: float, gamma: float, effective: str = "ln") -> Pieces:
    """The Pieces of the bound after M steps on G from gamma0 and N steps on H from gamma (step decay)."""
    pre, ft = stage("G", G, M, gamma0, effective), stage("H", H, N, gamma, effective)
    if pre.s.size != ft.s.size:
        raise SGDError(f"covariances G ({pre.s.size} x {pre.s.size}) and H ({ft.s.size} x {ft.s.size}) differ in size")
    H = ft.matrix(ft.s)
    P_pre, P_ft = pre.matrix(pre.contraction), ft.matrix(ft.contraction)
    tail = ft.s[ft.k:]
    ft_dim = (ft.k + ft.t_eff ** 2 * gamma ** 2 * float(tail @ tail)) / ft.t_eff if ft.t_eff else 0.0
    pre_trace = float(np.trace(P_ft @ H @ P_ft @ pretraining_covariance(pre)))
    return Pieces(P_pre, P_ft, H, ft.norm_form(), pre.norm_form(), ft_dim, pre_trace)


def bound_forms(G, H, M: int, N: int, gamma0: float, gamma: float, alpha: float = ALPHA_GAUSSIAN,
                effective: str = "ln") -> tuple[np.ndarray, float]:
    """(Psi, psi0) with bound(w*, sigma) = w*^T Psi w* + sigma^2 psi0 (module docstring)."""
    p = pieces(G, H, M, N, gamma0, gamma, effective)
    both = p.P_ft @ p.P_pre
    psi = both.T @ p.H @ both + alpha * (p.ft_dim * p.P_pre.T @ p.ft_form @ p.P_pre + p.pre_trace * p.pre_form)
    return (psi + psi.T) / 2, p.ft_dim + p.pre_trace


def bound(G, H, w_star, sigma: float, M: int, N: int, gamma0: float, gamma: float, alpha: float = ALPHA_GAUSSIAN,
          effective: str = "ln") -> float:
    """The reconstructed bound at one teacher and noise level."""
    psi, psi0 = bound_forms(G, H, M, N, gamma0, gamma, alpha, effective)
    w = np.asarray(w_star, dtype=np.float64).reshape(-1)
    return float(w @ psi @ w + sigma ** 2 * psi0)


def bound_ingredients(G, H, w_star, M: int, N: int, gamma0: float, gamma: float,
                      effective: str = "ln") -> dict[str, float]:
    """The bound's ingredients at one teacher (INGREDIENTS), which wu2022.reconstructed_bound combines in SymPy:
    bias = |P_ft P_pre w*|_H^2, ft_norm = |P_pre w*|^2_ft, ft_dim, pre_norm = |w*|^2_pre, pre_trace (Pieces)."""
    p = pieces(G, H, M, N, gamma0, gamma, effective)
    w = np.asarray(w_star, dtype=np.float64).reshape(-1)
    if w.size != p.H.shape[0]:
        raise SGDError(f"the teacher has dimension {w.size} but H is {p.H.shape[0]} x {p.H.shape[0]}")
    seen = p.P_pre @ w  # the teacher as pre-training leaves it, in expectation
    end = p.P_ft @ seen
    return {"bias": float(end @ p.H @ end), "ft_norm": float(seen @ p.ft_form @ seen), "ft_dim": p.ft_dim,
            "pre_norm": float(w @ p.pre_form @ w), "pre_trace": p.pre_trace}


def pretraining_target_form(G, w_star, sigma: float, M: int, gamma0: float, alpha: float = ALPHA_GAUSSIAN,
                            effective: str = "ln") -> np.ndarray:
    """Without fine-tuning (N = 0) the bound is linear in the target covariance: bound = tr(H K_b) with
    K_b = P_pre w* w*^T P_pre + (sigma^2 + alpha |w*|^2_{pre}) C_pre (note A6)."""
    pre = stage("G", G, M, gamma0, effective)
    w = np.asarray(w_star, dtype=np.float64).reshape(-1)
    if w.size != pre.s.size:
        raise SGDError(f"the teacher has dimension {w.size} but G is {pre.s.size} x {pre.s.size}")
    mean = pre.matrix(pre.contraction) @ w
    K = np.outer(mean, mean)
    if pre.t_eff:
        K = K + (sigma ** 2 + alpha * float(w @ pre.norm_form() @ w)) * pretraining_covariance(pre)
    return (K + K.T) / 2
