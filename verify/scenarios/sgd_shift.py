"""Online SGD pre-training on a source covariance G, then fine-tuning on a target covariance H (Wu, Zou, Braverman,
Gu and Kakade 2022 setting; our study notes on linear transfer, T2 and A5).

Instance (one per grid point, shared by all runs): target spectrum lambda_i ~ i^-a, source spectrum mu_i ~ i^-b, each
scaled to trace 1; geometry "commuting" (both diagonal), "permuted" (the source spectrum in a random order) or
"rotated" (H and G in independent Haar-random bases); teacher w* with coordinates i^(-c/2) times N(0, 1) in the
target eigenbasis (teacher "gaussian"; "flat": all signs +1). Runs: `batch` independent SGD runs at once as a (batch, d) tensor, from w = 0, one fresh sample
per run per step, M source steps then N target steps, step decay (or constant) with gamma0 = step/tr G and
gamma = step/tr H. Quantities: each run's exact target excess risk |w - w*|_H^2, and the exact expectation from
the second-moment recursion (boundlab.numerics.sgd_risk), the same for every run; M*(N), the source size at which
pre-training alone matches supervised learning on N target samples (the O(N^2) experiment of note A4); the
ingredients of the reconstructed bound of note A2 (boundlab.numerics.sgd_bound), which its claim combines, the bound as
one number, and the worst ratio exact/bound over all teachers and noise levels, or over all target covariances when
there is no fine-tuning (generalised eigenvalues, note A6).

Without `risk`, every instance of the batch is an independent draw (a new basis, permutation and teacher), except
when nothing is random (commuting geometry, flat teacher): then one instance is computed and repeated.
"""
from __future__ import annotations

import numpy as np
import torch

import scipy.linalg

from boundlab.numerics.sgd_bound import (EFFECTIVE, INGREDIENTS, bound, bound_forms, bound_ingredients,
                                         pretraining_target_form)
from boundlab.numerics.sgd_risk import (Divergence, Phase, SGDError, expected_risk, matching_source_size, risk_forms, second_moment,
                               step_decay)
from boundlab.theory.claim import CURVES

from .base import REQUIRED, Input, Instance, Refutation, Scenario, ScenarioError, one_thread
from .linalg import random_orthogonal

DTYPE = torch.float64


class SGDShift(Scenario):
    name = "sgd_shift"
    description = "Online SGD on source data (covariance G) then target data (covariance H), many runs at once."
    quantities = {"risk": "target excess risk |w - w*|_H^2 of one SGD run after M source and N target steps",
                  "exact": "the exact expected target excess risk, from the second-moment recursion",
                  "mstar": "the smallest M at which pre-training alone (best step size) matches supervised SGD on N "
                           "target samples (best step size), exactly, to 1%",
                  "bound": "the reconstructed upper bound after Wu et al. (2022) (constants 1, alpha = 3; "
                           "numerics/sgd_bound.py) as one number, the denominator of the worst-case programs' "
                           "exact/bound; a claim states it over the ingredients below: bias + (sigma^2 + 3 ft_norm) "
                           "ft_dim + (sigma^2 + 3 pre_norm) pre_trace",
                  "bias": "|P_ft P_pre w*|_H^2: the teacher carried through both stages' contractions P (products of "
                          "I - gamma_t S over the schedule)",
                  "ft_norm": "|P_pre w*|^2 in the fine-tuning norm: Euclidean over H's top k* eigen-directions, "
                             "divided by N_eff gamma, plus H-weighted over the others; k* = #{lambda_i >= "
                             "1/(N_eff gamma)}, N_eff = N / ln N (effective)",
                  "ft_dim": "D_ft / N_eff, D_ft = k* + N_eff^2 gamma^2 sum_{i > k*} lambda_i^2 (0 when N = 0)",
                  "pre_norm": "|w*|^2 in the pre-training norm: Euclidean over G's top k+ eigen-directions, divided "
                              "by M_eff gamma0, plus G-weighted over the others; k+ = #{mu_i >= 1/(M_eff gamma0)}",
                  "pre_trace": "tr(P_ft H P_ft C_pre), C_pre = G_top^-1 / M_eff + M_eff gamma0^2 G_tail "
                               "(0 when M = 0)",
                  "sup_teacher": "sup over teachers w* and noise levels sigma of exact / bound (a generalised "
                                 "eigenvalue)",
                  "sup_covariance": "sup over target covariances H of exact / bound, without fine-tuning (N = 0; a "
                                    "generalised eigenvalue)"}
    inputs = {
        "d": Input(REQUIRED, int, low=1, description="dimension"),
        "M": Input(0, int, low=0, description="source SGD steps (pre-training samples)"),
        "N": Input(REQUIRED, int, low=0, description="target SGD steps (fine-tuning samples)"),
        "a": Input(1.0, float, low=0, description="target spectrum lambda_i ~ i^-a, scaled to trace 1"),
        "b": Input(1.0, float, low=0, description="source spectrum mu_i ~ i^-b, scaled to trace 1"),
        "c": Input(0.0, float, description="teacher coordinates i^(-c/2) (times N(0, 1) or 1) in the target basis"),
        "sigma": Input(0.5, float, low=0, description="standard deviation of the label noise"),
        "geometry": Input("rotated", choices=("commuting", "permuted", "rotated"),
                          description="G and H diagonal, the source spectrum permuted, or in independent Haar bases"),
        "step": Input(1 / 12, float, low=0, low_open=True, description="step sizes gamma0 = step/tr G, gamma = "
                                                                        "step/tr H"),
        "schedule": Input("step_decay", choices=("step_decay", "constant"), description="the step-size schedule"),
        "teacher": Input("gaussian", choices=("gaussian", "flat"),
                         description="signs of the teacher's coordinates: N(0, 1) draws, or all +1"),
        "effective": Input("ln", choices=EFFECTIVE,
                           description="effective sample size of the bound: T / max(1, ln T), or the phase length"),
        "vary": Input("teacher", choices=("teacher", "covariance"),
                      description="the worst-case program's variable: (w*, sigma), or the target covariance (N = 0)"),
    }
    samples, repetitions = 24, 16

    def default_samples(self, statistic, wanted):
        """4000 SGD runs (512 repetitions) when `risk` is measured (one instance, runs batched as tensors);
        otherwise each instance runs the exact second-moment recursion, and 24 (16) of them take seconds."""
        if "risk" in wanted:
            return 512 if statistic in CURVES else 4000
        return super().default_samples(statistic, wanted)

    def instance_matrices(self, o: dict, gen: torch.Generator):
        """(G, H, w*) for the point: drawn from `gen`, so one generator state gives one instance."""
        d = o["d"]
        idx = np.arange(1, d + 1, dtype=np.float64)
        lam, mu = idx ** -o["a"], idx ** -o["b"]
        lam, mu = lam / lam.sum(), mu / mu.sum()
        if o["geometry"] == "permuted":
            mu = mu[torch.randperm(d, generator=gen).numpy()]
        UH = random_orthogonal(d, gen).numpy() if o["geometry"] == "rotated" else np.eye(d)
        UG = random_orthogonal(d, gen).numpy() if o["geometry"] == "rotated" else np.eye(d)
        H, G = UH @ np.diag(lam) @ UH.T, UG @ np.diag(mu) @ UG.T
        signs = np.ones(d) if o["teacher"] == "flat" else torch.randn(d, generator=gen, dtype=DTYPE).numpy()
        w = UH @ (idx ** (-o["c"] / 2) * signs)
        return (G + G.T) / 2, (H + H.T) / 2, w

    def schedule(self, o: dict, G: np.ndarray, H: np.ndarray) -> list[Phase]:
        g0, g = self.steps(o, G, H)
        if o["schedule"] == "constant":
            return [Phase("G", g0, o["M"]), Phase("H", g, o["N"])]
        return step_decay("G", o["M"], g0) + step_decay("H", o["N"], g)

    def steps(self, o: dict, G: np.ndarray, H: np.ndarray) -> tuple[float, float]:
        return o["step"] / np.trace(G), o["step"] / np.trace(H)

    def measure(self, o, batch, gen, wanted):
        try:
            if "risk" in wanted:  # one instance for all runs: real SGD against the same exact expectation
                G, H, w_star = self.instance_matrices(o, gen)
                values = self.values(o, G, H, w_star, wanted - {"risk"} | {"exact"})  # exact: also a stability check
                out = {k: torch.full((batch,), v, dtype=DTYPE) for k, v in values.items() if k in wanted}
                with one_thread():  # a loop of small (batch, d) updates
                    out["risk"] = self.simulate(G, H, w_star, o["sigma"], self.schedule(o, G, H), batch, gen)
                return out
            fixed = o["geometry"] == "commuting" and o["teacher"] == "flat"
            rows = [self.values(o, *self.instance_matrices(o, gen), wanted) for _ in range(1 if fixed else batch)]
        except SGDError as err:
            kind = Refutation if isinstance(err, Divergence) else ScenarioError
            raise kind(f"scenario {self.name}: {err}") from None
        return {k: torch.tensor([r[k] for r in rows] * (batch // len(rows)), dtype=DTYPE) for k in wanted}

    def values(self, o, G, H, w_star, wanted) -> dict[str, float]:
        """The exact quantities of one instance."""
        phases, (g0, g) = self.schedule(o, G, H), self.steps(o, G, H)
        out = {}
        if "exact" in wanted:
            out["exact"] = expected_risk(G, H, w_star, np.zeros(o["d"]), o["sigma"], phases)
        if "bound" in wanted:
            out["bound"] = bound(G, H, w_star, o["sigma"], o["M"], o["N"], g0, g, effective=o["effective"])
        if wanted & set(INGREDIENTS):
            out.update(bound_ingredients(G, H, w_star, o["M"], o["N"], g0, g, effective=o["effective"]))
        if "sup_teacher" in wanted:
            a, b = self.teacher_forms(o, G, H)
            out["sup_teacher"] = _max_ratio(a, b, self.name)
        if "sup_covariance" in wanted:
            a, b = self.covariance_forms(o, G, H, w_star)
            out["sup_covariance"] = _max_ratio(a, b, self.name)
        if "mstar" in wanted:
            out["mstar"] = matching_source_size(G, H, w_star, o["sigma"], o["N"])
        return out

    def teacher_forms(self, o, G, H) -> tuple[np.ndarray, np.ndarray]:
        """exact and bound as quadratic forms in v = (w*, sigma): block-diagonal (Phi, phi0) and (Psi, psi0)."""
        if o["M"] == 0 and o["N"] == 0:
            raise ScenarioError(f"scenario {self.name}: with M = N = 0 the noise level plays no role, so the ratio "
                                "over (w*, sigma) is undefined; take M or N > 0")
        phi, phi0 = risk_forms(G, H, self.schedule(o, G, H))
        psi, psi0 = bound_forms(G, H, o["M"], o["N"], *self.steps(o, G, H), effective=o["effective"])
        return scipy.linalg.block_diag(phi, phi0), scipy.linalg.block_diag(psi, psi0)

    def covariance_forms(self, o, G, H, w_star) -> tuple[np.ndarray, np.ndarray]:
        """Without fine-tuning, exact = tr(H K) and bound = tr(H K_b) for every target covariance H: the forms K
        and K_b in h, for H = h h^T (a ratio of linear functions of H is largest at a rank-one H)."""
        if o["N"] != 0 or o["M"] == 0:
            raise ScenarioError(f"scenario {self.name}: the worst target covariance is a generalised eigenvalue "
                                f"only without fine-tuning and with pre-training (N = 0 < M), got M = {o['M']}, "
                                f"N = {o['N']}")
        K = second_moment(G, H, w_star, np.zeros(o["d"]), o["sigma"], self.schedule(o, G, H))
        return K, pretraining_target_form(G, w_star, o["sigma"], o["M"], self.steps(o, G, H)[0],
                                          effective=o["effective"])

    def instance(self, point: dict, gen: torch.Generator) -> Instance:
        """The worst-case program of `vary`: over (w*, sigma), or over the target covariance H = h h^T (N = 0).
        The replay recomputes exact risk (forward recursion) and bound for the witness."""
        o = self.resolve(point)
        G, H, w_star = self.instance_matrices(o, gen)
        phases, (g0, g) = self.schedule(o, G, H), self.steps(o, G, H)
        try:
            if o["vary"] == "teacher":
                exact, bnd = self.teacher_forms(o, G, H)

                def replay(v):
                    w, s = np.asarray(v[:-1]), abs(float(v[-1]))
                    return {"exact": expected_risk(G, H, w, np.zeros(o["d"]), s, phases),
                            "bound": bound(G, H, w, s, o["M"], o["N"], g0, g, effective=o["effective"])}
                variable = "(w*, sigma)"
            else:
                exact, bnd = self.covariance_forms(o, G, H, w_star)

                def replay(h):
                    Hh = np.outer(h, h)
                    return {"exact": expected_risk(G, Hh, w_star, np.zeros(o["d"]), o["sigma"], phases),
                            "bound": bound(G, Hh, w_star, o["sigma"], o["M"], 0, g0, g, effective=o["effective"])}
                variable = "h"
        except SGDError as err:
            kind = Refutation if isinstance(err, Divergence) else ScenarioError
            raise kind(f"scenario {self.name}: {err}") from None
        return Instance(forms={"exact": exact, "bound": bnd}, variable=variable, replay=replay,
                        data={"G": G, "H": H, "w_star": w_star, "sigma": o["sigma"], "M": o["M"], "N": o["N"],
                              "gamma0": g0, "gamma": g})

    @staticmethod
    def simulate(G, H, w_star, sigma, phases, batch, gen) -> torch.Tensor:
        """Real online SGD, `batch` runs at once: a loop over steps only, each step one (batch, d) update."""
        roots = {"G": torch.from_numpy(_psd_root(G)), "H": torch.from_numpy(_psd_root(H))}  # x = z root^T ~ N(0, S)
        wt = torch.from_numpy(w_star)
        w = torch.zeros(batch, wt.numel(), dtype=DTYPE)
        for ph in phases:
            root = roots[ph.on]
            for _ in range(ph.steps):
                x = torch.randn(batch, wt.numel(), generator=gen, dtype=DTYPE) @ root.T
                resid = ((w - wt) * x).sum(1) - sigma * torch.randn(batch, generator=gen, dtype=DTYPE)  # x.w - y
                w -= ph.gamma * resid.unsqueeze(1) * x
        e = w - wt
        return ((e @ torch.from_numpy(H)) * e).sum(1)


def _psd_root(S: np.ndarray) -> np.ndarray:
    """U diag(sqrt(s)): its outer product is S, also when S is singular."""
    s, U = np.linalg.eigh(S)
    return U * np.sqrt(np.clip(s, 0, None))


def _max_ratio(a: np.ndarray, b: np.ndarray, name: str) -> float:
    """sup over v of v^T a v / v^T b v: the largest generalised eigenvalue (b positive definite)."""
    try:
        return float(scipy.linalg.eigh(a, b, eigvals_only=True)[-1])
    except np.linalg.LinAlgError:
        raise ScenarioError(f"scenario {name}: the bound's quadratic form is not positive definite here, so the "
                            "ratio exact/bound is unbounded or undefined") from None
