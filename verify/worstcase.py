"""Worst cases of a claim's quadratic forms: an SDP on a drawn instance, its eigenvalue form, and a replay.

A claim with `worstcase="L"` asks for sup over unit vectors of L; `worstcase="L/L_S"` for sup of the ratio.
The scenario draws one instance and gives each quantity as a quadratic form in the vector variable; the SDP's
maximiser is replayed through the scenario's own code path, so the witness is checked, not trusted.
"""
from __future__ import annotations

import time

import numpy as np
import sympy as sp
import torch

from boundlab.numerics.worstcase import SolverError, max_rayleigh, max_rayleigh_eig
from boundlab.theory.claim import Claim, ClaimError

from .evidence import WorstCaseBreach
from .measure import _MEASURED, point_seed
from .scenarios import ScenarioError, get_scenario
from .verdict import CERTIFIED, ERROR, INCONCLUSIVE, VIOLATED, Result

AGREEMENT = 1e-6  # relative tolerance between the SDP and the eigenvalue form, and for the replay
DIRECTIONS = 2000  # random directions per worst-case instance, for the distribution of the ratio (report figures)


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
    method = f"SDP ({wc.solver}) vs eigenvalue form, witness replayed through scenario {claim.scenario}"
    if not (agree <= AGREEMENT and replay_gap <= AGREEMENT):
        evidence["error"] = (f"claim {claim.id}: the SDP value and the eigenvalue form or the replay differ by "
                             f"more than {AGREEMENT:g} relative: the solver result is inaccurate")
        return Result(claim.id, ERROR, method, evidence, witness)
    bound = claimed_bound(claim, num, den, values, {**replayed, **getattr(inst, "quantities", {})})
    upper = max(wc.constant, float(wc.diagnostics["certified_upper"]))  # no larger value exists
    lower = replay_value  # attained by the replayed witness
    slack = max(claim.tol, AGREEMENT) * max(1.0, abs(bound))
    evidence.update({"bound": bound, "relation": claim.rel, "certified_upper": upper, "attained": lower})
    breached = {"=": upper < bound - slack or lower > bound + slack, "<=": lower > bound + slack,
                "<": lower > bound + slack, ">=": upper < bound - slack, ">": upper < bound - slack}[claim.rel]
    if breached:
        return Result(claim.id, VIOLATED, method + "; the constant breaks the claimed bound", evidence,
                      WorstCaseBreach(seed=seed, point_index=point_index, point=claim.grid[point_index],
                                      constant=wc.constant, certified_upper=upper, attained=lower, bound=bound,
                                      relation=claim.rel, instance=witness))
    proved = {"=": upper <= bound + slack and lower >= bound - slack, "<=": upper <= bound + slack,
              "<": upper <= bound + slack, ">=": lower >= bound - slack, ">": lower >= bound - slack}[claim.rel]
    if not proved:  # between the attained value and the certified upper bound: the solver cannot tell
        evidence["note"] = (f"the bound {bound:.12g} lies between the attained value {lower:.12g} and the certified "
                            f"upper bound {upper:.12g}: solve more accurately to decide")
        return Result(claim.id, INCONCLUSIVE, method, evidence, witness)
    return Result(claim.id, CERTIFIED, method + "; the constant respects the claimed bound", evidence, witness)


def claimed_bound(claim: Claim, num: str, den: str | None, values: dict, measured: dict) -> float:
    """The claim's bound on the worst-case constant sup num/den at one grid point: the right-hand side, divided by
    `den` when the left-hand side is `num` itself (a claim `Q <= c R` bounds sup Q/R by c). Parameters take the grid
    point's values; measured quantities the worst-case instance's (its replay and `Instance.quantities`)."""
    symbols = {s.name: s for s in claim.left.expr.free_symbols | claim.right.expr.free_symbols}
    bound = claim.right.expr
    if den and sp.simplify(claim.left.expr - symbols.get(num, sp.Symbol(num))) == 0:
        bound = bound / symbols.get(den, sp.Symbol(den))
    env = {claim.param(k).symbol: v for k, v in values.items()}
    env.update({s: measured[s.name] for s in bound.free_symbols if s.name in measured})
    value = bound.subs(env)
    missing = sorted(str(s) for s in value.free_symbols)
    if missing:
        raise ClaimError(claim.id, f"the worst-case constant cannot be compared with the claimed bound "
                                   f"{sp.sstr(bound)}: the instance gives no value for {', '.join(missing)} "
                                   f"(a scenario's Instance.quantities may provide it)")
    value = complex(sp.N(value, 30))
    if value.imag or not np.isfinite(value.real):
        raise ClaimError(claim.id, f"the claimed bound {sp.sstr(bound)} is not a finite real number at grid point "
                                   f"{claim.grid}: {value}")
    return value.real


def run_worst_cases(claim: Claim, seed: int = 0, points=None, **kw) -> list[Result]:
    """`run_worstcase` at every grid point (or at the indices `points`). Inside `boundlab.verify.measure.reuse_measurements`
    a program solved once (by `check`) is not solved again (by the report's figures)."""
    out = []
    for j in range(len(claim.grid)) if points is None else points:
        key = ("worstcase", claim.id, claim.worstcase, repr(claim.grid[j:j + 1]), seed, j, repr(sorted(kw.items())))
        cached = _MEASURED[-1].get(key) if _MEASURED else None
        if cached is None:
            cached = run_worstcase(claim, seed=seed, point_index=j, **kw)
            if _MEASURED:
                _MEASURED[-1][key] = cached
        out.append(cached)
    return out


def with_worst_cases(claim: Claim, result: Result, worst: list[Result]) -> Result:
    """The claim's result once its worst-case programs are judged: a breached bound at any grid point makes the
    claim VIOLATED with the maximiser as its witness; a failed program makes it ERROR; an undecided one INCONCLUSIVE.
    The worst cases' constants and bounds join the evidence."""
    evidence = {**result.evidence, "worstcase": [{"point": claim.grid[j], "verdict": w.verdict,
                                                  **{k: w.evidence[k] for k in ("constant", "bound", "relation",
                                                                                "certified_upper", "error", "note")
                                                     if k in w.evidence}} for j, w in enumerate(worst)]}
    method = f"{result.method}; worst-case program at {len(worst)} point(s)"
    for verdict in (VIOLATED, ERROR, INCONCLUSIVE):
        bad = next((w for w in worst if w.verdict == verdict), None)
        if bad is not None:
            if verdict == ERROR:
                evidence["error"] = bad.evidence.get("error")
            return Result(result.id, verdict, method, evidence, bad.witness if verdict == VIOLATED else None,
                          result.expect, result.seconds)
    return Result(result.id, result.verdict, method, evidence, result.witness, result.expect, result.seconds)


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
