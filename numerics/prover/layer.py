"""The interface of a prover layer, and the time budget that a proof attempt hands to its layers."""
from __future__ import annotations

import abc
import dataclasses
import math
import time

from ..limits import TimeLimitExceeded, time_limit
from .goal import Goal, Proof


class Layer(abc.ABC):
    """One way of proving goals: which goals it can handle, a proof within a budget, and what its certificates show.

    Soundness is the rule: a layer that is not sure returns None, and the goal goes to the next layer. Each kind of
    certificate in `kinds` has its replay in tests/numerics/certificate_checker.py (`REPLAYS`).
    """

    name: str  # short, for tables and tests
    kinds: tuple[str, ...]  # the kinds of certificate it writes
    share: float = 1.0  # of the attempt's budget: the layer is done by start + share * seconds

    @abc.abstractmethod
    def accepts(self, goal: Goal) -> bool:
        """Whether the goal is of a kind this layer handles. It runs under the layer's budget, as it may do algebra
        (the smt layer reads the gap as a ratio of polynomials)."""

    @abc.abstractmethod
    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        """A proof of an accepted goal within the budget (its certificate without the goal's header), or None."""

    @abc.abstractmethod
    def describe(self, certificate: dict) -> str:
        """One line saying what a certificate of one of this layer's kinds shows."""


@dataclasses.dataclass
class Budget:
    """The time of one proof attempt: `seconds` of this process's CPU time from `start`, until `end` (earlier for a
    layer's share). CPU time, not wall-clock time, so that a proof does not depend on what else the machine runs (a
    parallel run gives the serial run's certificates). A layer watches `left()` in its loops; `run` adds a CPU-time
    limit (`boundlab.numerics.limits`) of the same length and a second more, for a SymPy call that never returns to
    those loops (solve building a minimal polynomial)."""

    seconds: float
    start: float = dataclasses.field(default_factory=time.process_time)
    end: float = math.inf

    def __post_init__(self):
        self.end = min(self.end, self.start + self.seconds)

    def left(self) -> float:
        return self.end - time.process_time()

    def share(self, fraction: float) -> Budget:
        """The budget that ends `fraction` of the way through this attempt (and no later than this one)."""
        return Budget(self.seconds, self.start, min(self.end, self.start + fraction * self.seconds))

    def run(self, layer: Layer, goal: Goal) -> Proof | None:
        """The layer's proof of the goal within its share of this budget, or None: the goal is not one it accepts,
        it found no proof, or its time ran out (a runaway layer gives up, and the next layer has its turn)."""
        budget = self.share(layer.share)
        left = budget.left()
        if left <= 0:
            return None
        try:
            with time_limit(left + 1.0):
                return layer.prove(goal, budget) if layer.accepts(goal) else None
        except TimeLimitExceeded:
            return None
