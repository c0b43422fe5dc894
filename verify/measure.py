"""How a claim's instances are drawn: the seed of each grid point, the budget, the validated grid, the scenario's
measurements (cached within `reuse_measurements`), sequential stages, and a formula's values on them. The check
(`check.py` and the statistics in `statistics/`), figures and worst cases all draw through here, so a witness replays."""
from __future__ import annotations

import contextlib
import hashlib

import numpy as np
import sympy as sp

from boundlab.theory.claim import Claim, ClaimError


CENSORED = "censored"  # env key: {quantity symbol: instances where its value is only a lower bound}


def _evaluate(expr, env):
    from boundlab.numerics.evaluate import evaluate  # scipy.special: imported when a claim is first evaluated

    return evaluate(expr, env)


def _scenarios():
    """The scenarios (torch): imported when a claim is first measured, not when a statistic is looked up, so that
    defining, listing and typesetting claims stays light."""
    from . import scenarios

    return scenarios


def point_seed(seed: int, claim_id: str, index: int, stage: int = 0) -> int:
    """A seed for one grid point (and stage of a sequential check), derived from the run's seed so that every
    draw is replayable."""
    digest = hashlib.sha256(f"{seed}:{claim_id}:{index}{f':{stage}' if stage else ''}".encode()).digest()
    return int.from_bytes(digest[:8], "little") % (2 ** 63)


def budget(claim: Claim, quick: bool) -> int:
    """Instances per grid point (for curve claims: repetitions per sweep value): the claim's `samples`, or when it
    sets none its scenario's default for the statistic and quantities; with --quick half of it (at least 2000; for
    curve claims, whose instances are whole training runs, at least 8 repetitions)."""
    full = claim.samples or _scenarios().get_scenario(claim.scenario).default_samples(
        claim.statistic, {q.name for q in claim.quantities})
    if not quick:
        return full
    floor = 8 if claim.stat.curve else 2000
    return min(full, max(floor, full // 2))


def samples_from(claim: Claim) -> str:
    """Where a check's budget comes from, for its evidence."""
    return "the claim's samples" if claim.samples else f"the {claim.scenario} scenario's default"


def validate_grid(claim: Claim, scenario=None) -> list[tuple[dict, dict]]:
    """Grid points split into parameter values and scenario input (of the claim's scenario, unless given); errors
    name the point and the cause."""
    scenario = scenario or _scenarios().get_scenario(claim.scenario)
    if claim.conditions and claim.params:
        from boundlab.numerics.falsify import DomainError, hypotheses_mask, sample_points

        pts = sample_points(claim, np.random.default_rng(0), 2000)
        if len(next(iter(pts.values()))) and not hypotheses_mask(claim, pts).any():
            raise DomainError(f"claim {claim.id}: no point of the parameter domains satisfies the hypotheses "
                              f"({', '.join(h.source for h in claim.conditions)}): they look contradictory")
    used = {s for f in (claim.left, claim.right, claim.probability) if f is not None for s in f.expr.free_symbols}
    needed = {p.name for p in claim.params if p.symbol in used or p.symbol in claim.conditions_symbols()}
    needed -= {c.name for c in claim.constants}
    out = []
    for i, point in enumerate(claim.points()):
        values, options = claim.split_point(point)
        missing = sorted(needed - set(values))
        if missing:
            raise ClaimError(claim.id, f"grid point {i} ({point}) gives no value for {', '.join(missing)}")
        bad = claim.violated_hypotheses(values)
        if bad:
            raise ClaimError(claim.id, f"grid point {i} ({point}) is outside the claim's hypotheses: "
                                       + "; ".join(bad))
        sc_point = {**{k: v for k, v in values.items() if k in scenario.inputs}, **options}
        out.append((values, sc_point))
    return out


_MEASURED: list[dict] = []  # while reuse_measurements() is active: scenario outputs by their inputs


@contextlib.contextmanager
def reuse_measurements():
    """Within this block, a claim measured again at the same point, seed and budget (e.g. a mutant of it, which
    keeps its id) reuses the scenario's output: the same instances, and no second simulation."""
    _MEASURED.append({})
    try:
        yield
    finally:
        _MEASURED.pop()


def measure_point(claim: Claim, seed: int, index: int, batch: int, grid=None, stage: int = 0) -> dict:
    """Run the scenario at grid point `index` (its `stage`-th draw): the values of the claim's symbols, measured
    ones as arrays. `grid` is the claim's validated grid when the caller has it already."""
    scenario = _scenarios().get_scenario(claim.scenario)
    values, sc_point = (grid if grid is not None else validate_grid(claim, scenario))[index]
    wanted = {s.name for s in claim.measured_symbols()}
    key = (claim.id, claim.scenario, repr(sorted(sc_point.items())), seed, index, batch, stage, tuple(sorted(wanted)))
    data = _MEASURED[-1].get(key) if _MEASURED else None
    if data is None:
        import torch

        gen = torch.Generator().manual_seed(point_seed(seed, claim.id, index, stage))
        data = scenario.run(sc_point, batch, gen, wanted)
        if _MEASURED:
            _MEASURED[-1][key] = data
    env = {claim.param(k).symbol: float(v) for k, v in values.items()}
    env.update({q.symbol: data[q.name] for q in claim.quantities if q.name in data})
    censored = {q.symbol: data[f"{q.name}_censored"] for q in claim.quantities if f"{q.name}_censored" in data}
    if any(m.any() for m in censored.values()):
        if not claim.stat.lower_bounds:
            raise censored_error(claim, censored, f"; a {claim.statistic!r} claim cannot be decided on lower "
                                                  f"bounds")
        env[CENSORED] = censored
    return env


def censored_text(claim: Claim, censored: dict) -> str:
    """Which measured values are only lower bounds, and why (the scenario's reason)."""
    scenario = _scenarios().get_scenario(claim.scenario)
    return "; ".join(f"scenario {scenario.name}: {s.name} on {int(m.sum())} of {m.size} instances is only a lower "
                     f"bound ({scenario.censored_why.get(s.name, 'censored')})" for s, m in censored.items() if m.any())


def censored_error(claim: Claim, censored: dict, why: str) -> Exception:
    """The ScenarioError of a claim that lower bounds cannot decide: which values are censored, then `why`."""
    return _scenarios().ScenarioError(censored_text(claim, censored) + why)


def stage_size(batch: int, stage: int) -> int:
    """Instances drawn at a stage: `batch` at the first, then as many as all stages before, so that stage j
    ends with batch * 2^j in all."""
    return batch << max(stage - 1, 0)


def measure_stages(claim: Claim, seed: int, index: int, batch: int, stages: int, grid=None) -> dict:
    """The instances of the first `stages` stages of grid point `index`, joined."""
    return join_stages([measure_point(claim, seed, index, stage_size(batch, j), grid, j) for j in range(stages)])


def join_stages(parts: list[dict]) -> dict:
    """The instances of several stages as one env; censoring masks joined (all False in a stage without any)."""
    out = {s: (np.concatenate([p[s] for p in parts]) if isinstance(v, np.ndarray) else v)
           for s, v in parts[0].items() if s != CENSORED}
    symbols = {s for p in parts for s in p.get(CENSORED, {})}
    if symbols:
        out[CENSORED] = {s: np.concatenate([p.get(CENSORED, {}).get(s, np.zeros(len(p[s]), bool)) for p in parts])
                         for s in symbols}
    return out


def formula_values(expr: sp.Expr, env: dict, n: int) -> np.ndarray:
    with np.errstate(all="ignore"):
        val = _evaluate(expr, env) if expr.free_symbols else float(expr)
    if np.iscomplexobj(val):  # a real formula only: an imaginary part is an error, never silently dropped
        imaginary = np.broadcast_to(np.imag(val) != 0, (n,))
        if imaginary.any():
            raise _scenarios().ScenarioError(
                f"the claim evaluates to a complex value ({int(imaginary.sum())} of {n} instances): a root or "
                f"logarithm of a negative number, or a fractional power of one, at these parameters")
        val = np.real(val)
    arr = np.broadcast_to(np.asarray(val, dtype=np.float64), (n,))
    if not np.isfinite(arr).all():
        raise _scenarios().ScenarioError(
            f"the claim evaluates to a non-finite value ({int((~np.isfinite(arr)).sum())} of {n} instances): a "
            f"division by zero, an overflow, or a root or logarithm of a negative number at these parameters")
    return arr


def replay(claim: Claim, witness: dict) -> dict:
    """Re-run the instances of a witness (every stage it drew) and return the measured values at its instance."""
    env = measure_stages(claim, witness["seed"], witness["point_index"], witness["batch"], witness.get("stages", 1))
    i = witness.get("instance")
    out = {str(s): (float(v[i]) if i is not None else float(np.mean(v))) for s, v in env.items()
           if isinstance(v, np.ndarray)}
    if i is not None:
        n = witness["batch"]
        out["lhs"] = float(formula_values(claim.left.expr, env, n)[i])
        out["rhs"] = float(formula_values(claim.right.expr, env, n)[i])
    return out


def params_of(env) -> dict:
    """The parameter values of a measured point (its non-array entries), by symbol."""
    return {s: v for s, v in env.items() if not isinstance(v, np.ndarray)}
