"""The scenario interface: a torch generator of instance batches and the quantities measured on them."""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch


REQUIRED = object()  # marks a scenario input that has no default


@contextlib.contextmanager
def one_thread():
    """Run torch on one thread inside the block. Training loops are thousands of small batched passes: two threads
    gain ~10% on a quiet machine but stall up to 70x when another process shares the cores (each pass ends in a
    barrier waiting for a descheduled thread; measured 0.5 s against 36 s), and the numbers do not change."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class ScenarioError(ValueError):
    """Bad scenario input (unknown option, non-PSD covariance, NaN output); the message says which."""


@dataclass
class Instance:
    """One drawn instance for worst-case programs: quadratic forms in a vector variable, and a replay."""

    forms: dict[str, np.ndarray]  # quantity name -> matrix M with quantity = v^T M v
    variable: str  # what the vector variable is, e.g. "Delta"
    replay: Any  # callable(vector) -> dict of quantity values, through the scenario's own code path
    data: dict[str, Any]  # the instance itself (e.g. X, Sigma), for witnesses


class Scenario:
    """Subclasses set `name`, `description`, `quantities` (name -> meaning) and `inputs` (name -> default,
    REQUIRED when there is none), and implement `measure`; `instance` when worst-case programs apply."""

    name = ""
    description = ""
    quantities: dict[str, str] = {}
    inputs: dict[str, Any] = {}

    def resolve(self, point: dict) -> dict:
        """The point with defaults filled in; unknown or missing inputs raise ScenarioError."""
        unknown = sorted(set(point) - set(self.inputs))
        if unknown:
            raise ScenarioError(f"scenario {self.name} does not take {', '.join(unknown)}; "
                                f"it takes {', '.join(self.inputs)}")
        full = {k: point.get(k, v) for k, v in self.inputs.items()}
        missing = [k for k, v in full.items() if v is REQUIRED]
        if missing:
            raise ScenarioError(f"scenario {self.name} needs {', '.join(missing)}")
        for k, v in full.items():
            if isinstance(v, float) and not math.isfinite(v):
                raise ScenarioError(f"scenario {self.name}: input {k} = {v} is not finite")
        return full

    def measure(self, point: dict, batch: int, gen: torch.Generator, wanted: set[str]) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    def instance(self, point: dict, gen: torch.Generator) -> Instance:
        raise ScenarioError(f"scenario {self.name} has no worst-case programs")

    def run(self, point: dict, batch: int, gen: torch.Generator, wanted: set[str]) -> dict[str, np.ndarray]:
        """`measure`, with checks: every wanted quantity present, shaped (batch,), finite."""
        unknown = sorted(set(wanted) - set(self.quantities))
        if unknown:
            raise ScenarioError(f"scenario {self.name} does not measure {', '.join(unknown)}; "
                                f"it measures {', '.join(self.quantities)}")
        out = self.measure(self.resolve(point), batch, gen, set(wanted))
        result = {}
        for name in wanted:
            value = out.get(name)
            if value is None:
                raise ScenarioError(f"scenario {self.name} did not return {name}")
            arr = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
            arr = np.asarray(arr, dtype=np.float64).reshape(-1)
            if arr.shape != (batch,):
                raise ScenarioError(f"scenario {self.name} returned {name} of shape {arr.shape}, not ({batch},)")
            bad = ~np.isfinite(arr)
            if bad.any():
                raise ScenarioError(f"scenario {self.name} returned {int(bad.sum())} non-finite value(s) of "
                                    f"{name} at {point} (first at instance {int(np.argmax(bad))})")
            result[name] = arr
        return result
