"""Gaussian designs for the classical ground truth: inverse Wishart moments, projections, least-squares and ridge
risks, fourth moments.

Per grid point (drawn once from the generator): Sigma = diag(i^-spectrum), two random PSD test matrices A and B
(W W^T / d, W Gaussian) that turn matrix identities into scalar ones (with probe "top", A = e1 e1^T, the top
eigenvector of Sigma: the direction a wrong isotropy assumption misjudges most), and a teacher beta in a uniformly
random direction with |beta|^2 = beta2. Per instance: X (n x d) with rows N(0, Sigma), labels y = X beta + N(0,
sigma^2), and the raw measured values below. Every quantity is a trace or a norm, unchanged by a rotation of all of
them at once, and A, B and beta have rotation-invariant laws: so Sigma is drawn in its eigenbasis, which gives the
same law as a Haar-random basis with no d x d rotation. A and B are drawn only for the quantities that use them, and
the risks use n x n systems when n < d, so a wide design (d = 20000, n = 100) needs no d x d matrix; the batch is
worked in chunks of at most MAX_BYTES.

The formulas being tested live in the claims (theory/catalogue/classical.py), never here; the `pop_*` quantities
are plain traces of the drawn point's matrices, and `kappa`, `df2`, `beta_res`, `res_A` spectral functionals at the
root kappa of the deterministic equivalents' fixed-point equation (a root no formula function expresses).
"""
from __future__ import annotations

import math

import torch

from boundlab.numerics.deterministic_equivalent import effective_regularisation
from .base import REQUIRED, Input, Scenario, ScenarioError
from .linalg import Pseudoinverse

DTYPE = torch.float64
MAX_BYTES = 256 * 2**20  # working set of one chunk of instances
USES_A = {"tr_inv", "tr_inv2", "tr_proj", "quartic", "pop_inv", "pop_inv2", "tr_A", "pop_SA", "pop_SB", "pop_SASB",
          "res_A"}
RESOLVENT = {"kappa", "df2", "beta_res", "res_A"}  # the spectral functionals at the effective regularisation kappa
USES_B = {"quartic", "pop_SB", "pop_SASB"}


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
        "kappa": "the effective regularisation kappa > 0 solving kappa - ridge = (kappa/n) sum_i s_i/(s_i + kappa), "
                 "s_i the eigenvalues of Sigma (boundlab.numerics.deterministic_equivalent): a root, which no formula "
                 "function expresses",
        "df2": "sum_i s_i^2/(s_i + kappa)^2 = tr(Sigma^2 (Sigma + kappa I)^-2)",
        "beta_res": "beta^T Sigma (Sigma + kappa I)^-2 beta, the teacher's weight at the scale kappa",
        "res_A": "tr(A (Sigma + kappa I)^-1)",
    }
    inputs = {
        "d": Input(REQUIRED, int, low=1, description="dimension: columns of X"),
        "n": Input(REQUIRED, int, low=1, description="samples: rows of X"),
        "spectrum": Input(0.0, float, low=0, description="Sigma = diag(i^-spectrum), i = 1..d (0: isotropic)"),
        "sigma": Input(0.5, float, low=0, description="standard deviation of the label noise"),
        "beta2": Input(1.0, float, low=0, description="|beta|^2 of the teacher (uniformly random direction)"),
        "ridge": Input(0.0, float, low=0, description="ridge penalty of the risks (0: minimum-norm least squares)"),
        "probe": Input("random", choices=("random", "top"),
                       description="test matrix A: random Wishart, or e1 e1^T on Sigma's top eigenvector"),
    }
    repetitions = 512  # an instance costs a factorisation of one small design: a sweep of 512 takes a second

    def measure(self, o, batch, gen, wanted):
        d, n = o["d"], o["n"]
        s = torch.arange(1, d + 1, dtype=DTYPE) ** -o["spectrum"]  # Sigma = diag(s), in its eigenbasis
        if wanted & {"tr_inv", "tr_inv2"}:
            need = d + (4 if "tr_inv2" in wanted else 2)
            if n < need:
                raise ScenarioError(f"scenario {self.name}: the inverse Wishart moment needs n >= {need} (its mean "
                                    f"is infinite below), got n = {n}, d = {d}")
        A = B = None
        if wanted & USES_A:
            if o["probe"] == "top":
                A = torch.zeros(d, d, dtype=DTYPE)
                A[0, 0] = 1.0
            else:
                A = _wishart(d, gen)
        if wanted & USES_B:
            B = _wishart(d, gen)
        u = torch.randn(d, generator=gen, dtype=DTYPE)
        beta = u * math.sqrt(o["beta2"]) / u.norm()
        out = {}
        per_instance = sorted(wanted & {"tr_inv", "tr_inv2", "tr_proj", "risk", "noise_avg_risk", "quartic"})
        if per_instance:
            chunk = max(1, MAX_BYTES // (8 * 6 * (n * d + min(n, d) ** 2 + (d * d if A is not None else 0))))
            parts = [self._per_instance(o, min(chunk, batch - i), gen, set(per_instance), s, A, B, beta)
                     for i in range(0, batch, chunk)]  # a loop over chunks of the batch, for memory
            out = {q: torch.cat([p[q] for p in parts]) for q in per_instance}
        full = lambda value: torch.full((batch,), float(value), dtype=DTYPE)
        pops = {"pop_inv": lambda: (torch.diagonal(A) / s).sum(), "pop_inv2": lambda: (torch.diagonal(A) / s ** 2).sum(),
                "pop_prec": lambda: (1 / s).sum(), "tr_A": lambda: torch.trace(A),
                "pop_SA": lambda: (torch.diagonal(A) * s).sum(), "pop_SB": lambda: (torch.diagonal(B) * s).sum(),
                "pop_SASB": lambda: ((s[:, None] * A * s) * B.T).sum()}
        for name in wanted & set(pops):
            out[name] = full(pops[name]())
        if wanted & RESOLVENT:
            try:
                kappa = effective_regularisation(s.numpy(), n, o["ridge"])
            except ValueError as err:
                raise ScenarioError(f"scenario {self.name}: {err}") from None
            res = {"kappa": lambda: kappa, "df2": lambda: (s ** 2 / (s + kappa) ** 2).sum(),
                   "beta_res": lambda: (s * beta ** 2 / (s + kappa) ** 2).sum(),
                   "res_A": lambda: (torch.diagonal(A) / (s + kappa)).sum()}
            for name in wanted & RESOLVENT:
                out[name] = full(res[name]())
        return out

    def _per_instance(self, o, batch, gen, wanted, s, A, B, beta) -> dict[str, torch.Tensor]:
        """The quantities measured on each drawn design, for one chunk of `batch` instances."""
        d, n = o["d"], o["n"]
        X = torch.randn(batch, n, d, generator=gen, dtype=DTYPE) * s.sqrt()  # rows N(0, diag(s))
        Xt = X.transpose(1, 2)
        out = {}
        if wanted & {"tr_inv", "tr_inv2"}:
            inv = torch.cholesky_inverse(torch.linalg.cholesky(Xt @ X))
            out["tr_inv"] = (A * inv).sum((1, 2))
            out["tr_inv2"] = (A * (inv @ inv)).sum((1, 2))
        pinv = Pseudoinverse(X).matrix() if "tr_proj" in wanted or (wanted & {"risk", "noise_avg_risk"}
                                                                and o["ridge"] == 0) else None
        if "tr_proj" in wanted:  # tr(A X^+ X) without forming the d x d projector
            out["tr_proj"] = ((A @ pinv) * Xt).sum((1, 2))
        if wanted & {"risk", "noise_avg_risk"}:
            # the estimator is M y: M = (X^T X/n + ridge I)^-1 X^T/n = X^T (X X^T/n + ridge I)^-1/n, or X^+
            if o["ridge"] == 0:
                M = pinv
            elif n < d:  # the n x n form; Cholesky, not torch.linalg.solve (batched LU hit an MKL error and hung)
                gram = X @ Xt / n + o["ridge"] * torch.eye(n, dtype=DTYPE)
                M = Xt @ torch.cholesky_inverse(torch.linalg.cholesky(gram)) / n
            else:
                gram = Xt @ X / n + o["ridge"] * torch.eye(d, dtype=DTYPE)
                M = torch.cholesky_solve(Xt / n, torch.linalg.cholesky(gram))
            signal = X @ beta  # (batch, n)
            if "risk" in wanted:
                y = signal + o["sigma"] * torch.randn(batch, n, generator=gen, dtype=DTYPE)
                e = (M @ y.unsqueeze(2)).squeeze(2) - beta
                out["risk"] = (e ** 2 * s).sum(1)
            if "noise_avg_risk" in wanted:
                e = (M @ signal.unsqueeze(2)).squeeze(2) - beta
                out["noise_avg_risk"] = (e ** 2 * s).sum(1) + o["sigma"] ** 2 * (M ** 2 * s[:, None]).sum((1, 2))
        if "quartic" in wanted:
            x = X[:, 0, :]
            out["quartic"] = ((x @ A) * x).sum(1) * ((x @ B) * x).sum(1)
        return out


def _wishart(d: int, gen: torch.Generator) -> torch.Tensor:
    """W W^T / d for a d x d standard Gaussian W: a random PSD test matrix with a rotation-invariant law."""
    w = torch.randn(d, d, generator=gen, dtype=DTYPE)
    return w @ w.T / d
