"""Scenarios by name: torch generators of instance batches and their measured quantities (the contract is
`Scenario` in base.py, its inputs declared as `Input`s in inputs.py). The built-in ones are registered here; a
user registers their own with `register_scenario`, or by giving a Claim the scenario object."""
from .base import (REQUIRED, SCENARIOS, Instance, Refutation, Scenario, ScenarioError, get_scenario,
                   register_scenario)
from .inputs import Input
from .caulking import Caulking
from .deep_linear import DeepLinear
from .gaussian_design import GaussianDesign
from .linear_finetune import LinearFinetune
from .relu_ntk import ReluNTK
from .sgd_shift import SGDShift
from .transfer_curves import TransferCurves

for _builtin in (LinearFinetune, Caulking, TransferCurves, SGDShift, GaussianDesign, DeepLinear, ReluNTK):
    register_scenario(_builtin)

__all__ = ["Input", "Instance", "REQUIRED", "Refutation", "SCENARIOS", "Scenario", "ScenarioError", "get_scenario",
           "register_scenario"]
