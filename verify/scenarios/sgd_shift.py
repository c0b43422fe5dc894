"""Online SGD pre-training on a source covariance G, then fine-tuning on a target covariance H (Wu, Zou, Braverman,
Gu and Kakade 2022 setting; shared/papers/linear_transfer.md, T2 and A5).

Instance (one per grid point, shared by all runs): target spectrum lambda_i ~ i^-a, source spectrum mu_i ~ i^-b, each
scaled to trace 1; geometry "commuting" (both diagonal), "permuted" (the source spectrum in a random order) or
"rotated" (H and G in independent Haar-random bases); teacher w* with coordinates i^(-c/2) times N(0, 1) in the
target eigenbasis (teacher "gaussian"; "flat": all signs +1). Runs: `batch` independent SGD runs at once as a (batch, d) tensor, from w = 0, one fresh sample
per run per step, M source steps then N target steps, step decay (or constant) with gamma0 = step/tr G and
gamma = step/tr H. Quantities: each run's exact target excess risk |w - w*|_H^2, and the exact expectation from
the second-moment recursion (numerics.sgd_risk), the same for every run; and M*(N), the source size at which
pre-training alone matches supervised learning on N target samples (the O(N^2) experiment of note A4).
"""
from __future__ import annotations

import math
import numbers

import numpy as np
import torch

from numerics.sgd_risk import Phase, SGDError, expected_risk, matching_source_size, step_decay
from .base import REQUIRED, Scenario, ScenarioError
from .linear_finetune import random_orthogonal

DTYPE = torch.float64


class SGDShift(Scenario):
    name = "sgd_shift"
    description = "Online SGD on source data (covariance G) then target data (covariance H), many runs at once."
    quantities = {"risk": "target excess risk |w - w*|_H^2 of one SGD run after M source and N target steps",
                  "exact": "the exact expected target excess risk, from the second-moment recursion",
                  "mstar": "the smallest M at which pre-training alone (best step size) matches supervised SGD on N "
                           "target samples (best step size), exactly, to 1%"}
    inputs = {"d": REQUIRED, "M": 0, "N": REQUIRED, "a": 1.0, "b": 1.0, "c": 0.0, "sigma": 0.5,
              "geometry": "rotated", "step": 1 / 12, "schedule": "step_decay", "teacher": "gaussian"}

    def resolve(self, point: dict) -> dict:
        o = super().resolve(point)
        for key, low, integer in (("d", 1, True), ("M", 0, True), ("N", 0, True), ("a", 0, False),
                                  ("b", 0, False), ("c", -math.inf, False), ("sigma", 0, False), ("step", 0, False)):
            v = o[key]
            if (isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v)
                    or (integer and v != int(v)) or v < low or (key == "step" and v == 0)):
                raise ScenarioError(f"scenario {self.name}: {key} must be {'an integer' if integer else 'a number'}"
                                    f" {'> 0' if key == 'step' else f'>= {low:g}'}, got {v!r}")
            o[key] = int(v) if integer else float(v)
        if o["geometry"] not in ("commuting", "permuted", "rotated"):
            raise ScenarioError(f"scenario {self.name}: geometry must be commuting, permuted or rotated, "
                                f"got {o['geometry']!r}")
        if o["teacher"] not in ("gaussian", "flat"):
            raise ScenarioError(f"scenario {self.name}: teacher must be gaussian or flat, got {o['teacher']!r}")
        if o["schedule"] not in ("step_decay", "constant"):
            raise ScenarioError(f"scenario {self.name}: schedule must be step_decay or constant, got {o['schedule']!r}")
        return o

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
        g0, g = o["step"] / np.trace(G), o["step"] / np.trace(H)
        if o["schedule"] == "constant":
            return [Phase("G", g0, o["M"]), Phase("H", g, o["N"])]
        return step_decay("G", o["M"], g0) + step_decay("H", o["N"], g)

    def measure(self, o, batch, gen, wanted):
        G, H, w_star = self.instance_matrices(o, gen)
        phases = self.schedule(o, G, H)
        out = {}
        try:
            exact = expected_risk(G, H, w_star, np.zeros(o["d"]), o["sigma"], phases)
        except SGDError as err:
            raise ScenarioError(f"scenario {self.name}: {err}") from None
        if "exact" in wanted:
            out["exact"] = torch.full((batch,), exact, dtype=DTYPE)
        if "risk" in wanted:
            out["risk"] = self.simulate(G, H, w_star, o["sigma"], phases, batch, gen)
        if "mstar" in wanted:  # exact, so the same for every run of one instance: computed once per instance
            draws = 1 if o["geometry"] == "commuting" and o["teacher"] == "flat" else batch
            values = []
            for k in range(draws):
                if k:
                    G, H, w_star = self.instance_matrices(o, gen)
                try:
                    values.append(matching_source_size(G, H, w_star, o["sigma"], o["N"]))
                except SGDError as err:
                    raise ScenarioError(f"scenario {self.name}: {err}") from None
            out["mstar"] = torch.tensor(values * (batch // len(values)), dtype=DTYPE)
        return out

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
