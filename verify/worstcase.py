"""Worst cases of a claim's quadratic forms: an SDP on a drawn instance, its eigenvalue form, and a replay.

A claim with `worstcase="L"` asks for sup over unit vectors of L; `worstcase="L/L_S"` for sup of the ratio.
The scenario draws one instance and gives each quantity as a quadratic form in the vector variable; the SDP's
maximiser is replayed through the scenario's own code path, so the witness is checked, not trusted.
"""
from __future__ import annotations

import time

import numpy as np
import torch

from numerics.worstcase import SolverError, max_rayleigh, max_rayleigh_eig
from theory.claim import Claim, ClaimError

from .check import point_seed
from .scenarios import ScenarioError, get_scenario
from .verdict import CERTIFIED, ERROR, Result

AGREEMENT = 1e-6  # relative tolerance between the SDP and the eigenvalue form, and for the replay


def parse_target(claim: Claim, scenario) -> tuple[str, str | None]:
    """The quantities of `claim.worstcase` ("Q" or "Q/R"), checked against what the scenario measures."""
    if not claim.worstcase:
        raise ClaimError(claim.id, "has no worst-case program (no `worstcase` target); "
                                   "`boundlab list --json` shows which claims have one")
    num, _, den = (part.strip() for part in claim.worstcase.partition("/"))
    for part in filter(None, (num, den)):
        if part not in scenario.quantities:
            raise ClaimError(claim.id, f"worst-case target {claim.worstcase!r} names {part!r}, which scenario "
                                       f"{scenario.name} does not measure")
    return num, (den or None)


def run_worstcase(claim: Claim, seed: int = 0, point_index: int = 0, solver: str = "CLARABEL", directions: int = 0,
                  **solver_opts) -> Result:
    """The worst-case constant at one grid point. With `directions` > 0 the evidence adds the distribution of the
    ratio over that many random directions (standard normal) on the same instance: what a typical direction gives,
    against the worst one."""
    start = time.perf_counter()
    try:
        result = _run(claim, seed, point_index, solver, solver_opts, directions)
    except (ClaimError, ScenarioError, SolverError, ValueError) as exc:
        text = str(exc)
        result = Result(claim.id, ERROR, "worst-case program",
                        {"error": text if text.startswith("claim ") else f"claim {claim.id}: {text}"})
    except Exception as exc:  # never a bare traceback: report the cause as an ERROR
        result = Result(claim.id, ERROR, "worst-case program (internal error)",
                        {"error": f"claim {claim.id}: {type(exc).__name__}: {exc}"})
    result.seconds = time.perf_counter() - start
    return result


def _run(claim, seed, point_index, solver, solver_opts, directions) -> Result:
    scenario = get_scenario(claim.scenario)
    num, den = parse_target(claim, scenario)
    if not 0 <= point_index < len(claim.grid):
        raise ClaimError(claim.id, f"grid point {point_index} does not exist (the grid has {len(claim.grid)})")
    values, options = claim.split_point(claim.grid[point_index])
    point = {**{k: v for k, v in values.items() if k in scenario.inputs}, **options}
    gen = torch.Generator().manual_seed(point_seed(seed, claim.id + ".worstcase", point_index))
    inst = scenario.instance(point, gen)
    a, b = inst.forms[num], (inst.forms[den] if den else None)
    wc = max_rayleigh(a, b, solver=solver, **solver_opts)
    eig_value, _ = max_rayleigh_eig(a, b)
    replayed = inst.replay(wc.witness)
    w = np.asarray(wc.witness)
    replay_value = replayed[num] / (replayed[den] if den else float(w @ w))
    scale = max(abs(eig_value), 1e-300)
    agree = abs(wc.constant - eig_value) / scale
    replay_gap = abs(replay_value - wc.constant) / scale
    evidence = {"target": f"sup over {inst.variable} of {claim.worstcase}" + ("" if den else f" with |{inst.variable}| = 1"),
                "point": claim.grid[point_index], "seed": seed, "constant": wc.constant,
                "eigenvalue_form": eig_value, "relative_difference": agree,
                "replayed_value": replay_value, "replay_relative_difference": replay_gap,
                "solver": wc.solver, "status": wc.status, "diagnostics": wc.diagnostics,
                "dual_bound": wc.dual_bound}
    if directions > 0:
        evidence["direction_ratios"] = _direction_ratios(a, b, directions, seed)
    witness = {inst.variable: w.tolist(), **{k: np.asarray(v).tolist() for k, v in inst.data.items()}}
    ok = agree <= AGREEMENT and replay_gap <= AGREEMENT
    if not ok:
        evidence["error"] = (f"claim {claim.id}: the SDP value and the eigenvalue form or the replay differ by "
                             f"more than {AGREEMENT:g} relative: the solver result is inaccurate")
    verdict = CERTIFIED if ok else ERROR
    return Result(claim.id, verdict, f"SDP ({wc.solver}) vs eigenvalue form, witness replayed through "
                                     f"scenario {claim.scenario}", evidence, witness)


def _direction_ratios(a, b, count: int, seed: int) -> dict:
    """Quantiles of v^T A v / v^T B v (B = I without a denominator) over `count` standard normal directions v."""
    a = np.asarray(a, dtype=np.float64)
    v = np.random.default_rng(seed).standard_normal((count, a.shape[0]))
    num = np.einsum("ki,ij,kj->k", v, a, v)
    den = np.einsum("ki,ij,kj->k", v, np.asarray(b, dtype=np.float64), v) if b is not None else (v * v).sum(1)
    r = num / den
    q = np.quantile(r, [0.0, 0.25, 0.5, 0.75, 1.0])
    return {"count": count, "min": float(q[0]), "q1": float(q[1]), "median": float(q[2]), "q3": float(q[3]),
            "max": float(q[4]), "mean": float(r.mean())}
