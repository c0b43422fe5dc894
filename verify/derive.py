"""Checking a derivation: every step is an analytic claim checked on its own; the chain's verdict is the weakest.

Order of verdicts, strongest first: PROVED, CERTIFIED, CONSISTENT, INCONCLUSIVE, VIOLATED, ERROR. A chain is
PROVED only when every step is; one VIOLATED step makes it VIOLATED (its witness names the step); a step that names
an unknown claim in `uses` makes the derivation an ERROR before anything is checked.
"""
from __future__ import annotations

import time

from boundlab.numerics.limits import DEFAULT_SECONDS
from boundlab.theory.derivation import Derivation

from .check import check
from .evidence import StepWitness
from .verdict import CERTIFIED, CONSISTENT, ERROR, INCONCLUSIVE, PROVED, VIOLATED, Result

ORDER = (PROVED, CERTIFIED, CONSISTENT, INCONCLUSIVE, VIOLATED, ERROR)


def weakest(verdicts) -> str:
    return max(verdicts, key=ORDER.index)


def check_derivation(derivation: Derivation, registry=None, seed: int = 0,
                     seconds: float | None = DEFAULT_SECONDS) -> Result:
    """The verdict on a derivation; `evidence["steps"]` holds each step's own result, each step checked within
    `seconds` of CPU time."""
    start = time.perf_counter()
    unknown = [(i, s.uses) for i, s in enumerate(derivation.steps, 1)
               if s.uses and (registry is None or not registry.has_claim(s.uses))]
    if unknown:
        i, name = unknown[0]
        result = Result(derivation.id, ERROR, "input check",
                        {"error": f"derivation {derivation.id}: step {i} uses claim {name!r}, which is not in the "
                                  f"catalogue or the loaded files (`boundlab list` shows the ids)"})
    else:
        steps = [check(c, seed=seed, seconds=seconds) for c in derivation.step_claims]
        verdict = weakest(r.verdict for r in steps)
        evidence = {"relation": derivation.relation, "steps": [_step_json(i, derivation, r)
                                                               for i, r in enumerate(steps, 1)]}
        witness = None
        bad = next((i for i, r in enumerate(steps, 1) if r.verdict in (VIOLATED, ERROR)), None)
        if bad is not None:
            r = steps[bad - 1]
            witness = StepWitness(step=bad, witness=r.witness)
            if r.verdict == ERROR:
                evidence["error"] = f"derivation {derivation.id}: step {bad}: {r.evidence.get('error')}"
        method = f"{len(steps)} step(s): " + ", ".join(f"{v} {sum(r.verdict == v for r in steps)}"
                                                         for v in ORDER if any(r.verdict == v for r in steps))
        result = Result(derivation.id, verdict, method, evidence, witness, statistic="value")  # steps are value claims
    result.expect = derivation.expect
    result.seconds = time.perf_counter() - start
    return result


def _step_json(i: int, derivation: Derivation, r: Result) -> dict:
    s, c = derivation.steps[i - 1], derivation.step_claims[i - 1]
    return {"step": i, "lhs": c.left.source, "relation": s.rel, "rhs": c.right.source, "hint": s.hint,
            "uses": s.uses, "verdict": r.verdict, "method": r.method, "evidence": r.evidence, "witness": r.witness}
