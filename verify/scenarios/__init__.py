"""Scenarios by name: torch generators of instance batches and their measured quantities (the contract is
`Scenario` in base.py, its inputs declared as `Input`s in inputs.py). Every named Scenario subclass defined in a
module of this package is built in and registered here, so a new scenario is one new module; then those installed
packages provide (entry-point group `boundlab.scenarios`). A user registers their own with `register_scenario`, or by
giving a Claim the scenario object."""
import importlib
import inspect
import pkgutil

from .base import (REQUIRED, SCENARIOS, Instance, Refutation, Scenario, ScenarioError, get_scenario, load_installed,
                   register_scenario)
from .inputs import Input

for _module in pkgutil.iter_modules(__path__):
    _loaded = importlib.import_module(f"{__name__}.{_module.name}")
    for _cls in vars(_loaded).values():
        if inspect.isclass(_cls) and issubclass(_cls, Scenario) and _cls.__module__ == _loaded.__name__ and _cls.name:
            register_scenario(_cls)
load_installed()

__all__ = ["Input", "Instance", "REQUIRED", "Refutation", "SCENARIOS", "Scenario", "ScenarioError", "get_scenario",
           "register_scenario"]
