"""Gaussian designs for the classical ground truth (our study notes on linear transfer, T1, T4, C1-C4).

Per grid point (drawn once from the generator): Sigma = V diag(i^-spectrum) V^T in a Haar-random basis V, two random
PSD test matrices A and B (W W^T / d, W Gaussian) that turn matrix identities into scalar ones (with probe "top",
A = v1 v1^T, the top eigenvector of Sigma: the direction a wrong isotropy assumption misjudges most), and a teacher beta
in a uniformly random direction with |beta|^2 = beta2. Per instance: X (n x d) with rows N(0, Sigma), labels
y = X beta + N(0, sigma^2), and the raw measured values below. The formulas being tested live in the claims
(theory/catalogue/classical.py), never here; the `pop_*` quantities are plain traces of the drawn point's matrices.
"""
from __future__ import annotations

import math
import numbers

import torch

from numerics.deterministic_equivalent import effective_regularisation, ridge_equivalent
from .base import REQUIRED, Scenario, ScenarioError
from .linear_finetune import random_orthogonal

DTYPE = torch.float64


class GaussianDesign(Scenario):
    name = "gaussian_design"
    description = "Gaussian design matrices X (n x d) with rows N(0, Sigma): inverse Wishart moments, projections, " \
                  "least-squares risks, fourth moments."
    quantities = {
        "tr_inv": "tr(A W^-1) with W = X^T X (needs n >= d + 2)",
        "tr_inv2": "tr(A W^-2) (needs n >= d + 4)",
        "tr_proj": "tr(A P) with P = X^+ X, the projection on the row space of X",
        "risk": "excess risk |beta_hat - beta|_Sigma^2 of ridge regression (X^T X/n + ridge I)^-1 X^T y/n, or of "
                "the minimum-norm least-squares solution X^+ y when ridge = 0, on one draw of X and the noise",
        "noise_avg_risk": "the same risk averaged over the label noise exactly, given X: |(M X - I) beta|_Sigma^2 + "
                          "sigma^2 tr(M^T Sigma M), M the estimator's linear map (a lower-variance estimate)",
        "quartic": "(x^T A x)(x^T B x) for x, the first row of X",
        "pop_inv": "tr(A Sigma^-1)", "pop_inv2": "tr(A Sigma^-2)", "pop_prec": "tr(Sigma^-1)", "tr_A": "tr(A)",
        "pop_SA": "tr(Sigma A)", "pop_SB": "tr(Sigma B)", "pop_SASB": "tr(Sigma A Sigma B)",
        "de_risk": "the deterministic-equivalent risk (numerics.deterministic_equivalent) of the point",
        "de_proj": "tr(A Sigma (Sigma + kappa I)^-1), the deterministic equivalent of E tr(A P) (ridgeless)",
    }
    inputs = {"d": REQUIRED, "n": REQUIRED, "spectrum": 0.0, "sigma": 0.5, "beta2": 1.0, "ridge": 0.0,
              "probe": "random"}

    def resolve(self, point: dict) -> dict:
        o = super().resolve(point)
        for key, low, integer in (("d", 1, True), ("n", 1, True), ("spectrum", 0, False), ("sigma", 0, False),
                                  ("beta2", 0, False), ("ridge", 0, False)):
            v = o[key]
            if (isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v)
                    or (integer and v != int(v)) or v < low):
                raise ScenarioError(f"scenario {self.name}: {key} must be {'an integer' if integer else 'a number'} "
                                    f">= {low}, got {v!r}")
            o[key] = int(v) if integer else float(v)
        if o["probe"] not in ("random", "top"):
            raise ScenarioError(f"scenario {self.name}: probe must be random or top, got {o['probe']!r}")
        return o

    def measure(self, o, batch, gen, wanted):
        d, n = o["d"], o["n"]
        s = torch.arange(1, d + 1, dtype=DTYPE) ** -o["spectrum"]
        V = random_orthogonal(d, gen)
        sigma = (V * s) @ V.T
        A, B = (w @ w.T / d for w in (torch.randn(d, d, generator=gen, dtype=DTYPE) for _ in range(2)))
        if o["probe"] == "top":
            A = torch.outer(V[:, 0], V[:, 0])
        u = torch.randn(d, generator=gen, dtype=DTYPE)
        beta = u * math.sqrt(o["beta2"]) / u.norm()
        X = torch.randn(batch, n, d, generator=gen, dtype=DTYPE) * s.sqrt() @ V.T  # rows N(0, Sigma)
        out = {}
        full = lambda value: torch.full((batch,), float(value), dtype=DTYPE)
        if wanted & {"tr_inv", "tr_inv2"}:
            need = d + (4 if "tr_inv2" in wanted else 2)
            if n < need:
                raise ScenarioError(f"scenario {self.name}: the inverse Wishart moment needs n >= {need} (its mean "
                                    f"is infinite below), got n = {n}, d = {d}")
            inv = torch.linalg.inv(X.transpose(1, 2) @ X)
            out["tr_inv"] = (A * inv).sum((1, 2))
            out["tr_inv2"] = (A * (inv @ inv)).sum((1, 2))
        if "tr_proj" in wanted:
            out["tr_proj"] = (A * (torch.linalg.pinv(X) @ X)).sum((1, 2))
        if wanted & {"risk", "noise_avg_risk"}:
            if o["ridge"] > 0:  # the estimator is M y, M = (X^T X/n + ridge I)^-1 X^T/n, or X^+
                gram = X.transpose(1, 2) @ X / n + o["ridge"] * torch.eye(d, dtype=DTYPE)
                # Cholesky, not torch.linalg.solve: batched LU solves hit an MKL error (DLASWP) and hung here
                M = torch.cholesky_solve(X.transpose(1, 2) / n, torch.linalg.cholesky(gram))
            else:
                M = torch.linalg.pinv(X)
            if "risk" in wanted:
                y = X @ beta + o["sigma"] * torch.randn(batch, n, generator=gen, dtype=DTYPE)
                e = (M @ y.unsqueeze(2)).squeeze(2) - beta
                out["risk"] = ((e @ sigma) * e).sum(1)
            if "noise_avg_risk" in wanted:
                e = (M @ X) @ beta - beta
                out["noise_avg_risk"] = ((e @ sigma) * e).sum(1) + o["sigma"] ** 2 * ((sigma @ M) * M).sum((1, 2))
        if "quartic" in wanted:
            x = X[:, 0, :]
            out["quartic"] = ((x @ A) * x).sum(1) * ((x @ B) * x).sum(1)
        prec = (V / s) @ V.T
        pops = {"pop_inv": lambda: torch.trace(A @ prec), "pop_inv2": lambda: torch.trace(A @ prec @ prec),
                "pop_prec": lambda: (1 / s).sum(), "tr_A": lambda: torch.trace(A),
                "pop_SA": lambda: torch.trace(sigma @ A), "pop_SB": lambda: torch.trace(sigma @ B),
                "pop_SASB": lambda: torch.trace(sigma @ A @ sigma @ B)}
        for name in wanted & set(pops):
            out[name] = full(pops[name]())
        try:
            if "de_risk" in wanted:
                coords = (V.T @ beta).numpy()
                out["de_risk"] = full(ridge_equivalent(s.numpy(), coords, o["sigma"], n, o["ridge"]).risk)
            if "de_proj" in wanted:
                kappa = effective_regularisation(s.numpy(), n)
                out["de_proj"] = full(torch.trace(A @ (V * (s / (s + kappa))) @ V.T))
        except ValueError as err:
            raise ScenarioError(f"scenario {self.name}: {err}") from None
        return out
