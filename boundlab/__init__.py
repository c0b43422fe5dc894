"""boundlab: verify learning-theory bounds.

One import name, three layers: `boundlab.theory` (what is claimed: SymPy claims, derivations, provenance, LaTeX, the
catalogue), `boundlab.numerics` (proofs, counterexamples, rates, worst cases) and `boundlab.verify` (scenarios,
decision rules, verdicts, reports, the command line). The repository keeps them as the top-level folders
`theory/`, `numerics/` and `verify/`; the build maps them into this package (pyproject.toml).

The public API is importable from here:

    from boundlab import Claim, Param, Provenance, Quantity, Scenario, check
"""
from __future__ import annotations

import importlib

#: public name -> the module that defines it; imported on first use, so that `import boundlab` (and the command
#: line's start-up) stays cheap: torch and cvxpy load only when a scenario or a check is asked for
_PUBLIC = {
    **{name: "boundlab.theory" for name in (
        "Beta", "BetaQuantile", "Claim", "ClaimError", "Derivation", "Domain", "Formula", "NONNEGATIVE", "POSITIVE",
        "Param", "Provenance", "Quantity", "Registry", "RegistryError", "SIZE", "Step", "UNIT_OPEN", "load_file")},
    **{name: "boundlab.verify.scenarios" for name in (
        "REQUIRED", "Input", "Instance", "Refutation", "Scenario", "ScenarioError", "get_scenario",
        "register_scenario")},
    "Statistic": "boundlab.verify.statistics.base",
    "Pointwise": "boundlab.verify.statistics.pointwise",
    "IntervalStatistic": "boundlab.verify.statistics.pointwise",
    "Curve": "boundlab.verify.statistics.curve",
    "register_statistic": "boundlab.theory.statistic",
    "check": "boundlab.verify.check",
    "Result": "boundlab.verify.verdict",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'boundlab' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
