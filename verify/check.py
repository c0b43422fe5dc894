"""From a claim to a verdict: the claim's statistic checks it (`boundlab.verify.statistics`: proofs and falsification
for analytic claims, simulation for empirical ones); here, what every check shares: the time limit, errors as
verdicts, and the worst-case programs of claims that have them."""
from __future__ import annotations

import time
import traceback

from boundlab.numerics.falsify import DomainError
from boundlab.numerics.limits import DEFAULT_SECONDS, TimeLimitExceeded, time_limit
from boundlab.numerics.rates import RateError
from boundlab.theory.claim import Claim, ClaimError

from . import stats
from .evidence import ScenarioRefutation
from .scenarios import Refutation, ScenarioError
from .verdict import ERROR, HOLDS, INCONCLUSIVE, VIOLATED, Result


def check(claim: Claim, seed: int = 0, quick: bool = False, alpha: float = stats.DEFAULT_ALPHA,
          seconds: float | None = DEFAULT_SECONDS) -> Result:
    """The verdict on one claim; malformed input gives ERROR with a message, never an exception. A check that runs
    past `seconds` of CPU time (`boundlab.numerics.limits`; None: no limit) is INCONCLUSIVE, never a hang."""
    start = time.perf_counter()
    try:
        with time_limit(seconds):
            result = claim.stat.check(claim, seed, quick, alpha)
            if claim.worstcase and result.verdict in HOLDS:
                result = _judge_worst_cases(claim, seed, result)
    except TimeLimitExceeded as exc:
        result = Result(claim.id, INCONCLUSIVE, "time limit",
                        {"note": f"claim {claim.id}: the check {exc} (the per-claim limit); raise it with "
                                 f"--time-limit, or lower the claim's budget", "time_limit": exc.seconds})
    except Refutation as exc:  # the scenario shows the measured quantity does not exist there (divergence)
        result = Result(claim.id, VIOLATED, "scenario refutation",
                        {"note": "the scenario refutes what the claim measures at this point"},
                        ScenarioRefutation(seed=seed, refutation=_named(claim, exc)))
    except (ClaimError, ScenarioError, DomainError, RateError) as exc:
        result = Result(claim.id, ERROR, "input check", {"error": _named(claim, exc)})
    except Exception as exc:  # a bug or an unexpected input must still give a verdict, with its cause
        result = Result(claim.id, ERROR, "internal error",
                        {"error": _named(claim, exc), "type": type(exc).__name__,
                         "where": traceback.format_exc(limit=-2).strip().splitlines()[-3:]})
    result.expect, result.statistic = claim.expect, claim.statistic
    result.seconds = time.perf_counter() - start
    return result


def _judge_worst_cases(claim: Claim, seed: int, result: Result) -> Result:
    """A claim with a worst-case program holds only if the certified constant respects its bound at every grid
    point (`boundlab.verify.worstcase`, which imports this module: hence the late import)."""
    from .worstcase import DIRECTIONS, run_worst_cases, with_worst_cases

    return with_worst_cases(claim, result, run_worst_cases(claim, seed, directions=DIRECTIONS))


def _named(claim: Claim, exc: Exception) -> str:
    """The error's message, prefixed by the claim; an exception with no message (MemoryError, StopIteration) is
    named by its type."""
    text = str(exc) or {MemoryError: "ran out of memory"}.get(type(exc), type(exc).__name__)
    return text if text.startswith(f"claim {claim.id}") else f"claim {claim.id}: {text}"
