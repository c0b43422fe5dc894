"""The scenario contract (a torch generator of instance batches and the quantities measured on them), and the
scenarios by name: the built-in ones, those installed packages provide, and those a user registers."""
from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from boundlab.theory.claim import CURVES
from boundlab.theory.registry import entry_point_name, installed, installed_from

from .inputs import REQUIRED, Input


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


class Refutation(ScenarioError):
    """The scenario shows that what a claim measures does not exist at a point: training diverges, the expected
    risk is infinite. A claim about it there is VIOLATED with this message as its evidence, not an input error."""


@dataclass
class Instance:
    """One drawn instance for worst-case programs: quadratic forms in a vector variable, and a replay.

    `boundlab worstcase` maximises forms[Q] (or forms[Q]/forms[R]) over the variable by an SDP, compares the result
    with the largest (generalised) eigenvalue, and calls `replay` on the maximiser: it must compute the quantities
    through the scenario's own code path, not from the forms, so that a wrong form is caught.
    """

    forms: dict[str, np.ndarray]  # quantity name -> matrix M with quantity = v^T M v
    variable: str  # what the vector variable is, e.g. "Delta"
    replay: Any  # callable(vector) -> dict of quantity values, through the scenario's own code path
    data: dict[str, Any]  # the instance itself (e.g. X, Sigma), for witnesses
    quantities: dict[str, float] = field(default_factory=dict)  # other measured values of this instance (e.g. a
    # norm a claim's bound uses), so that the worst-case constant can be compared with the claim's right-hand side


class Scenario:
    """A simulator: draws a batch of random instances at a point and measures quantities on each.

    A subclass sets the class attributes
      name         the name claims use (`Claim(scenario="name")`), unique among registered scenarios;
      description  one line for `boundlab scenarios`;
      quantities   measured quantity name -> its meaning; a claim's Quantity names must be among them;
      inputs       input name -> Input(default or REQUIRED, kind, description=..., domain): what `resolve` checks
                   and converts, and `boundlab scenarios` lists (see Input); a plain default instead of an Input
                   is taken unchecked. A grid point's parameters that are inputs, and every other key of the point,
                   reach `measure`;
    and implements
      measure(point, batch, gen, wanted) -> {name: values}  for each name in `wanted` (a subset of `quantities`),
                   a torch tensor or numpy array of shape (batch,): one float64, finite value per instance.
                   `point` has passed `resolve`. Draw every random number from `gen` (a torch.Generator seeded
                   per claim, run and grid point), so that a witness replays; draw the batch as tensors, not by a
                   Python loop over instances.
    and may override
      resolve(point) -> point  for rules between inputs (`m >= D + 2`): call super(), which checks each input
                   against its declaration, then raise ScenarioError saying which inputs and why;
      samples, repetitions, default_samples(statistic, wanted)  the budget of a claim that sets no `samples`
                   (instances per grid point; repetitions per sweep value for rate, trend and bound), sized so that
                   a default check of one grid point takes seconds;
      instance(point, gen) -> Instance  for worst-case programs: one instance whose quantities are quadratic
                   forms v^T M v in a vector variable v (see Instance).

    A quantity that some instances know only as a lower bound (a level not reached by the largest size tried) is
    returned at that bound, with a boolean `<name>_censored` of shape (batch,) True on those instances, and the
    reason in the class attribute `censored_why[name]`. A claim on the mean of the quantity itself is still decided
    where a lower bound suffices (refuting `E[q] <= b`, establishing `E[q] >= b`); other claims on it are bad input.

    What each statistic of a claim needs: `mean`, `var`, `as` and `dist` one measured value per instance of each
    quantity the claim uses; `prob` the same, the event `lhs REL rhs` being judged on each instance; `rate`, `trend`
    and `bound` an input that the claim's `over` sweeps; a `worstcase` target (`"Q"` or `"Q/R"`) the method
    `instance`, with a form for each quantity of the target.

    `register_scenario(MyScenario)` makes a scenario available by name; a claim may also hold it directly
    (`Claim(..., scenario=MyScenario())`), which registers it. A package registers its scenarios for every user who
    installs it through the entry-point group `boundlab.scenarios` (see `load_installed`).
    """

    name = ""
    description = ""
    quantities: dict[str, str] = {}
    inputs: dict[str, Input | Any] = {}
    censored_why: dict[str, str] = {}
    samples = 4000  # instances per grid point for a claim that sets no `samples`
    repetitions = 32  # repetitions per sweep value for its rate, trend and bound claims

    def default_samples(self, statistic: str, wanted: set[str]) -> int:
        """The budget of a claim that sets no `samples` and measures `wanted`: instances per grid point, or for the
        curve statistics (rate, trend, bound) repetitions per sweep value. A scenario whose quantities differ in cost
        (a training run against a closed form) overrides this."""
        return self.repetitions if statistic in CURVES else self.samples

    def budget(self) -> dict:
        """The default budgets, for `boundlab scenarios`: instances per grid point and repetitions per sweep value,
        each a number, or per quantity where they differ."""
        out = {}
        for key, statistic in (("instances", "mean"), ("repetitions", "rate")):
            each = {q: self.default_samples(statistic, {q}) for q in self.quantities}
            out[key] = each if len(set(each.values())) > 1 else self.default_samples(statistic, set(self.quantities))
        return out

    def declared(self) -> dict[str, Input]:
        """`inputs` as declarations: a plain default (the older form) is an Input with that default and no checks."""
        return {k: v if isinstance(v, Input) else Input(v) for k, v in self.inputs.items()}

    def resolve(self, point: dict) -> dict:
        """The point with defaults filled in, every input checked against its declaration and converted to its kind;
        an unknown, missing or bad input raises ScenarioError naming the scenario, the input, the value and the
        domain."""
        declared = self.declared()
        unknown = sorted(set(point) - set(declared))
        if unknown:
            raise ScenarioError(f"scenario {self.name} does not take {', '.join(unknown)}; "
                                f"it takes {', '.join(declared)}")
        missing = [k + (f" ({d.description})" if d.description else "") for k, d in declared.items()
                   if d.required and k not in point]
        if missing:
            raise ScenarioError(f"scenario {self.name} needs {', '.join(missing)}")
        full = {}
        for k, d in declared.items():
            try:
                full[k] = d.parse(point.get(k, d.default))
            except ValueError as exc:
                raise ScenarioError(f"scenario {self.name}: input {k} {exc}") from None
        return full

    def measure(self, point: dict, batch: int, gen: torch.Generator, wanted: set[str]) -> dict[str, torch.Tensor]:
        raise ScenarioError(f"scenario {self.name} does not implement measure(point, batch, gen, wanted)")

    def instance(self, point: dict, gen: torch.Generator) -> Instance:
        raise ScenarioError(f"scenario {self.name} has no worst-case programs (it does not implement instance)")

    def register(self) -> str:
        """Register this scenario (`register_scenario`) and return its name: what a Claim holding it calls."""
        return register_scenario(self).name

    def summary(self) -> dict:
        """What `boundlab scenarios` shows: name, description, inputs (type, domain, default, description),
        quantities, budgets, whether it has worst-case programs, where it is defined and, for an installed one,
        the distribution and entry point that provide it."""
        inputs = {k: {"type": d.type_name(), "domain": d.describe(), "required": d.required,
                      "default": None if d.required else d.default, "description": d.description}
                  for k, d in self.declared().items()}
        return {"name": self.name, "description": self.description, "inputs": inputs,
                "quantities": dict(self.quantities), "budget": self.budget(),
                "worstcase": type(self).instance is not Scenario.instance,
                "defined_in": _origin(self), "installed_from": INSTALLED_FROM.get(self.name)}

    def run(self, point: dict, batch: int, gen: torch.Generator, wanted: set[str]) -> dict[str, np.ndarray]:
        """`measure`, with checks: every wanted quantity present, shaped (batch,), finite."""
        unknown = sorted(set(wanted) - set(self.quantities))
        if unknown:
            raise ScenarioError(f"scenario {self.name} does not measure {', '.join(unknown)}; "
                                f"it measures {', '.join(self.quantities)}")
        out = self.measure(self.resolve(point), batch, gen, set(wanted))
        if not isinstance(out, dict):
            raise ScenarioError(f"scenario {self.name}: measure returned a {type(out).__name__}, not a dict of "
                                f"quantity name -> values of shape ({batch},)")
        result = {}
        for name in wanted:
            value = out.get(name)
            if value is None:
                raise ScenarioError(f"scenario {self.name} did not return {name}")
            try:
                arr = np.asarray(value.detach().cpu() if isinstance(value, torch.Tensor) else value, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise ScenarioError(f"scenario {self.name} returned {name} as {type(value).__name__}, not numbers: "
                                    f"{exc}") from None
            if arr.shape != (batch,):
                raise ScenarioError(f"scenario {self.name} returned {name} of shape {tuple(arr.shape)}; expected "
                                    f"({batch},): one value per instance of the batch")
            bad = ~np.isfinite(arr)
            if bad.any():
                raise ScenarioError(f"scenario {self.name} returned {int(bad.sum())} non-finite value(s) of "
                                    f"{name} at {point} (first at instance {int(np.argmax(bad))})")
            result[name] = arr
            mask = out.get(f"{name}_censored")
            if mask is not None:
                mask = np.asarray(mask.detach().cpu() if isinstance(mask, torch.Tensor) else mask, dtype=bool)
                if mask.shape != (batch,):
                    raise ScenarioError(f"scenario {self.name} returned {name}_censored of shape {mask.shape}; "
                                        f"expected ({batch},)")
                result[f"{name}_censored"] = mask
        return result


SCENARIOS: dict[str, Scenario] = {}  # name -> scenario: the built-in ones, the installed ones and those registered
INSTALLED_FROM: dict[str, str] = {}  # name of an installed scenario -> its distribution and entry point
BROKEN: list[str] = []  # a message per `boundlab.scenarios` entry point left out, naming it and the cause


def get_scenario(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        broken = "".join(f"; {b}" for b in BROKEN)  # it may be one of theirs
        raise ScenarioError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)} (`boundlab scenarios` "
                            f"describes them){broken}") from None


def load_installed() -> None:
    """Register the scenarios that installed packages provide: each entry point of the group `boundlab.scenarios`
    loads a Scenario subclass or instance. One that fails to load, or whose name is taken, is recorded in BROKEN,
    naming its distribution and entry point, and breaks only the claims that need it."""
    loaded, broken = installed("boundlab.scenarios")
    for ep, obj in loaded:
        try:
            INSTALLED_FROM[register_scenario(obj).name] = installed_from(ep)
        except ScenarioError as exc:
            broken.append(f"{entry_point_name(ep)} was not registered: {exc}")
    BROKEN[:] = broken


def register_scenario(scenario: Scenario | type[Scenario], replace: bool = False) -> Scenario:
    """Make a scenario (an instance, or a subclass of Scenario, which is instantiated) available by its name, and
    return it. A name held by a different scenario is refused unless `replace=True`: a claim file must not silently
    change what the catalogue's claims measure. The same scenario again (the same object, or the same class when a
    file is loaded twice) is harmless."""
    if isinstance(scenario, type) and issubclass(scenario, Scenario):
        scenario = scenario()
    if not isinstance(scenario, Scenario) or not isinstance(scenario.name, str) or not scenario.name:
        raise ScenarioError(f"not a named scenario: {scenario!r}; subclass boundlab.Scenario and set its "
                            f"`name`")
    held = SCENARIOS.get(scenario.name)
    if held is not None and not replace and _source(held) != _source(scenario):
        raise ScenarioError(f"scenario name {scenario.name!r} is taken by {_origin(held)}; registering "
                            f"{_origin(scenario)} under it would change what every claim naming {scenario.name!r} "
                            f"measures. Give yours another `name`, or call register_scenario(..., replace=True) to "
                            f"replace it on purpose")
    SCENARIOS[scenario.name] = scenario
    return scenario


def _source(scenario: Scenario) -> tuple[str, str]:
    """The class of a scenario and the file defining it: what tells two scenarios of the same name apart (a file
    loaded twice defines the same class again)."""
    cls = type(scenario)
    file = getattr(sys.modules.get(cls.__module__), "__file__", None)
    return cls.__qualname__, os.path.realpath(file) if file else cls.__module__


def _origin(scenario: Scenario) -> str:
    """`Class (file)` for messages, the file relative to the current folder when inside it."""
    cls, where = _source(scenario)
    if os.path.isabs(where) and not os.path.relpath(where).startswith(".."):
        where = os.path.relpath(where)
    return f"{cls} ({where})"
