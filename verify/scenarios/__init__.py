"""Scenarios by name: torch generators of instance batches and their measured quantities."""
from .base import Instance, Scenario, ScenarioError
from .caulking import Caulking
from .deep_linear import DeepLinear
from .gaussian_design import GaussianDesign
from .linear_finetune import LinearFinetune
from .relu_ntk import ReluNTK
from .sgd_shift import SGDShift
from .transfer_curves import TransferCurves

SCENARIOS: dict[str, Scenario] = {s.name: s for s in (LinearFinetune(), Caulking(), TransferCurves(), SGDShift(),
                                                            GaussianDesign(), DeepLinear(), ReluNTK())}


def get_scenario(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ScenarioError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}") from None


def register_scenario(scenario: Scenario) -> None:
    """Make a user's scenario (e.g. from a --file module) available by name."""
    if not isinstance(scenario, Scenario) or not scenario.name:
        raise ScenarioError(f"not a named scenario: {scenario!r}")
    SCENARIOS[scenario.name] = scenario


__all__ = ["Instance", "SCENARIOS", "Scenario", "ScenarioError", "get_scenario", "register_scenario"]
