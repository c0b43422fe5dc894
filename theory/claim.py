"""Claims: `lhs REL rhs` under hypotheses, about closed forms or about measured random quantities.

A formula is written once, as a string in the paper's form. It is parsed twice from that one string: evaluated
(the mathematics every check uses) and unevaluated (kept in the paper's term order for LaTeX).

A claim's statistic says what the relation is about (`boundlab statistics` lists them; `theory/statistic.py` says
how they are found, `verify/statistics/` holds boundlab's own, one module each):
- ``value``: analytic; both sides are closed forms in the parameters.
- ``mean``, ``var``: E[lhs] REL rhs, Var[lhs] REL rhs, where lhs involves measured quantities.
- ``as``: lhs REL rhs almost surely (on every instance); ``some``: on some instance.
- ``prob``: P(lhs REL rhs) >= prob.
- ``dist``: lhs ~ D(params), with D a distribution of `boundlab.theory.functions`.

Curve statistics sweep one variable, `over = (name, values)`, inside every grid point, and hold asymptotically with
unknown constants, so they are checked by shape rather than by value:
- ``rate``: the log-log slope of E[lhs] in the swept variable REL rhs (rhs a closed form, e.g. -2a/(2a+1)).
- ``trend``: E[lhs] is non-increasing (REL '<=') or non-decreasing ('>=') along the swept values; rhs is 0.
- ``bound``: there are constants c >= 0 (`constants`) with E[lhs] <= rhs(c) at every point; rhs is linear in c.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.parsing.sympy_parser import parse_expr, standard_transformations

from .functions import DISTRIBUTIONS, FUNCTIONS
from .provenance import Provenance
from .statistic import CURVES, Statistic, get_statistic
from .symbols import Param, Quantity

RELATIONS = {"=": sp.Eq, "<=": sp.Le, ">=": sp.Ge, "<": sp.Lt, ">": sp.Gt, "!=": sp.Ne}
#: The relations a derivation chains: `!=` is not transitive (a != b != a).
CHAIN_RELATIONS = {k: v for k, v in RELATIONS.items() if k != "!="}
#: Names a formula may use besides its parameters and quantities. Calculus operators evaluate in the formula the
#: checks use, and stay unevaluated (Derivative, Integral, Limit) in the form LaTeX prints.
MATH_NAMES = {"pi": sp.pi, "E": sp.E, "oo": sp.oo, "sqrt": sp.sqrt, "log": sp.log, "exp": sp.exp, "Abs": sp.Abs,
              "Min": sp.Min, "Max": sp.Max, "Rational": sp.Rational, "LambertW": sp.LambertW, "gamma": sp.gamma,
              "beta": sp.beta, "erf": sp.erf, "floor": sp.floor, "ceiling": sp.ceiling,
              "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
              "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
              "diff": sp.diff, "integrate": sp.integrate, "limit": sp.limit}
DISPLAY_NAMES = {"diff": sp.Derivative, "integrate": sp.Integral, "limit": sp.Limit}
EXPECTATIONS = ("holds", "VIOLATED")


class ClaimError(ValueError):
    """A malformed claim; the message names the claim and the cause."""

    def __init__(self, claim_id: str, message: str, kind: str = "claim"):
        super().__init__(f"{kind} {claim_id}: {message}")
        self.claim_id = claim_id


@dataclass(frozen=True)
class Formula:
    """One formula, parsed once for mathematics and once, unevaluated, for printing."""

    source: str
    expr: sp.Expr
    display: sp.Expr


def parse_formula(claim_id: str, text: Any, names: dict[str, Any], role: str) -> Formula:
    """Parse `text` allowing only the declared `names`; raise ClaimError naming what is undefined."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = repr(text)
    if isinstance(text, sp.Basic):
        expr = display = text
        source = sp.sstr(text)
    elif isinstance(text, str):
        if not text.strip():
            raise ClaimError(claim_id, f"the {role} is empty")
        try:
            expr = parse_expr(text, local_dict=dict(names), transformations=standard_transformations)
            display = parse_expr(text, local_dict={**names, **DISPLAY_NAMES}, transformations=standard_transformations,
                                 evaluate=False)
        except Exception as exc:  # SymPy raises many types on bad syntax
            raise ClaimError(claim_id, f"cannot parse the {role} {text!r}: {exc}") from None
        source = text
    else:
        raise ClaimError(claim_id, f"the {role} must be a string or a SymPy expression, not {type(text).__name__}")
    if not isinstance(expr, (sp.Expr, sp.Rel, sp.logic.boolalg.Boolean)):
        raise ClaimError(claim_id, f"the {role} {source!r} is not an expression")
    known = {v for v in names.values() if isinstance(v, sp.Symbol)}
    unknown = sorted(str(s) for s in expr.free_symbols if s not in known)
    if unknown:
        raise ClaimError(claim_id, f"the {role} {source!r} uses undefined symbol(s) {', '.join(unknown)}; "
                                   f"declare them as parameters or quantities")
    undef = sorted({str(f.func) for f in expr.atoms(AppliedUndef)})
    if undef:
        raise ClaimError(claim_id, f"the {role} {source!r} calls undefined function(s) {', '.join(undef)}")
    return Formula(source, expr, display)


def _scenario_name(claim_id: str, scenario: Any) -> str:
    """The name of a scenario given as an object or a class (a boundlab.Scenario), registered on the way.
    theory cannot import verify (torch): the object registers itself, and the claim keeps only its name, so checks,
    reports and snapshots see a name as usual."""
    is_scenario = all(callable(getattr(scenario, a, None)) for a in ("measure", "register"))
    if not is_scenario:
        raise ClaimError(claim_id, f"scenario must be a scenario name or a boundlab.Scenario (object or "
                                   f"class), not {scenario!r}")
    try:
        return (scenario() if isinstance(scenario, type) else scenario).register()
    except (TypeError, ValueError) as exc:  # ScenarioError is a ValueError: the name is taken by another scenario
        raise ClaimError(claim_id, str(exc)) from None


def namespace(owner: str, params, quantities=()) -> dict[str, Any]:
    """The names a formula of `owner` may use: its parameters and quantities, special functions, constants."""
    names: dict[str, Any] = {}
    for item in (*params, *quantities):
        if item.name in names:
            raise ClaimError(owner, f"the name {item.name!r} is declared twice")
        names[item.name] = item.symbol
    return {**MATH_NAMES, **FUNCTIONS, **DISTRIBUTIONS, **names}


@dataclass
class Claim:
    """A statement `lhs REL rhs` with hypotheses, provenance and, when empirical, how to measure it.

    Empirical claims name a scenario (see `boundlab.Scenario`), or hold the scenario object or class itself, which
    registers it and leaves its name in `scenario`; and a grid of points: each point sets parameter values and,
    under other keys, scenario options. Curve statistics also sweep `over = (name, values)` at every
    grid point, and `bound` claims declare their free `constants`. `samples` is the number of instances (for curves:
    repetitions) per point; None takes the scenario's default (`boundlab scenarios` lists them). `resolution` is,
    for curves, the tolerance on a slope or a drift exponent.
    `tol` is the relative slack of a comparison: rounding for exact claims, the stated accuracy of an approximation
    (a mean claimed `=` within tol x |claimed| is refuted only when its whole interval lies outside that band).
    `expect="VIOLATED"` registers a known-false claim that the tool must refute.
    """

    id: str
    title: str
    lhs: Any
    rel: str
    rhs: Any
    provenance: Provenance
    params: tuple[Param, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    hypotheses: tuple[Any, ...] = ()
    statistic: Any = "value"  # a statistic name; a statistic object or class becomes its name (theory/statistic.py)
    prob: Any = None
    scenario: Any = None  # a scenario name; a scenario object or class becomes its name (see _scenario_name)
    grid: tuple[dict, ...] = ()
    samples: int | None = None
    tol: float = 1e-9
    resolution: float = 0.05
    expect: str = "holds"
    worstcase: str | None = None
    over: tuple = ()
    constants: tuple[Param, ...] = ()
    doc: str = ""
    # filled in by __post_init__
    left: Formula = field(init=False, repr=False)
    right: Formula | None = field(init=False, repr=False)
    probability: Formula | None = field(init=False, repr=False)
    conditions: tuple[Formula, ...] = field(init=False, repr=False)
    stat: Statistic = field(init=False, repr=False)  # the statistic itself: its rules, statement and check

    def __post_init__(self):
        cid = self.id
        if not cid or not all(part.isidentifier() for part in cid.split(".")):
            raise ClaimError(cid or "<unnamed>", "the id must be dotted identifiers, e.g. 'paper.claim_name'")
        self.params, self.quantities = tuple(self.params), tuple(self.quantities)
        self.hypotheses, self.grid = tuple(self.hypotheses), tuple(dict(p) for p in self.grid)
        try:
            self.stat = get_statistic(self.statistic)
        except ValueError as exc:
            raise ClaimError(cid, str(exc)) from None
        self.statistic = self.stat.name
        if self.expect not in EXPECTATIONS:
            raise ClaimError(cid, f"expect must be one of {EXPECTATIONS}, not {self.expect!r}")
        if not isinstance(self.provenance, Provenance):
            raise ClaimError(cid, "provenance must be a theory.Provenance")
        if self.rel == "!=" and self.stat.empirical:
            raise ClaimError(cid, "'!=' is for analytic claims (statistic 'value'): a simulation can show that a "
                                  "mean differs from a value, never that it equals it exactly: it could not refute it")
        if self.rel not in self.stat.relations:
            if self.rel not in (*RELATIONS, "~"):
                raise ClaimError(cid, f"relation must be one of {sorted(RELATIONS)} or '~', not {self.rel!r}")
            raise ClaimError(cid, f"a {self.statistic!r} claim takes the relation "
                                  f"{' or '.join(repr(r) for r in self.stat.relations)}, not {self.rel!r}")
        self.constants = tuple(self.constants)
        names = namespace(cid, (*self.params, *self.constants), self.quantities)
        self.left = parse_formula(cid, self.lhs, names, "left-hand side")
        self.right = parse_formula(cid, self.rhs, names, "right-hand side")
        self.probability = parse_formula(cid, self.prob, names, "probability") if self.prob is not None else None
        self.conditions = tuple(parse_formula(cid, h, names, "hypothesis") for h in self.hypotheses)
        for h in self.conditions:
            if not isinstance(h.expr, (sp.Rel, sp.logic.boolalg.Boolean)):
                raise ClaimError(cid, f"hypothesis {h.source!r} is not a relation")
            if h.expr is sp.false:
                raise ClaimError(cid, f"hypothesis {h.source!r} is false: the hypotheses are contradictory")
        measured = self.measured_symbols()
        if not self.stat.empirical and measured:
            raise ClaimError(cid, f"an analytic claim (statistic {self.statistic!r}) cannot involve measured "
                                  f"quantities")
        if self.stat.empirical:
            if not measured:
                raise ClaimError(cid, f"statistic {self.statistic!r} needs a measured quantity on the left")
            if not self.scenario:
                raise ClaimError(cid, "an empirical claim must name its scenario")
            if not self.grid:
                raise ClaimError(cid, "an empirical claim needs a grid of parameter points")
        self._check_curve()
        self.stat.validate(self)
        if any(q.symbol in self.conditions_symbols() for q in self.quantities):
            raise ClaimError(cid, "hypotheses may constrain parameters only, not measured quantities")
        if self.samples is not None and (isinstance(self.samples, bool)
                                         or not isinstance(self.samples, numbers.Integral) or self.samples < 2):
            raise ClaimError(cid, f"samples must be an integer >= 2 (or None: the scenario's default), not "
                                  f"{self.samples!r}")
        if not math.isfinite(self.tol) or self.tol < 0 or not 0 < self.resolution:
            raise ClaimError(cid, "tol must be >= 0 and resolution > 0")
        param_names = {p.name for p in self.params}
        for i, point in enumerate(self.grid):
            for key, value in point.items():
                if key in param_names and not isinstance(value, (int, float)):
                    raise ClaimError(cid, f"grid point {i}: parameter {key} must be a number, not {value!r}")
        if self.scenario is not None and not isinstance(self.scenario, str):
            self.scenario = _scenario_name(cid, self.scenario)

    def _check_curve(self):
        """The common rules of curve statistics: one swept variable, not set in the grid points."""
        cid, stat = self.id, self.statistic
        if not self.stat.curve:
            if self.over or self.constants:
                raise ClaimError(cid, f"`over` and `constants` belong to the curve statistics ({', '.join(CURVES)}), "
                                      f"not to {stat!r}")
            return
        if (not isinstance(self.over, tuple) or len(self.over) != 2 or not isinstance(self.over[0], str)
                or isinstance(self.over[1], (str, bytes))):
            raise ClaimError(cid, f"a {stat!r} claim needs over = (name, values), e.g. ('n', (300, 1000, 3000))")
        name, values = self.over
        values = tuple(values)
        if not name.isidentifier() or not values:
            raise ClaimError(cid, f"over = {self.over!r}: give a variable name and at least one value")
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v):
                raise ClaimError(cid, f"over: the values of {name} must be numbers, not {v!r}")
        self.over = (name, values)
        if any(name in p for p in self.grid):
            raise ClaimError(cid, f"{name} is swept by `over`; do not also set it in the grid points")

    def points(self) -> list[dict]:
        """The points measured: the grid, times the swept values for curve statistics."""
        if not self.over:
            return [dict(p) for p in self.grid]
        name, values = self.over
        return [{**p, name: v} for p in self.grid for v in values]

    # ---- views -------------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return "empirical" if self.stat.empirical else "analytic"

    @property
    def param_symbols(self) -> dict[str, sp.Symbol]:
        return {p.name: p.symbol for p in self.params}

    def measured_symbols(self) -> set[sp.Symbol]:
        qs = {q.symbol for q in self.quantities}
        used = self.left.expr.free_symbols | self.right.expr.free_symbols
        return used & qs

    def conditions_symbols(self) -> set[sp.Symbol]:
        out: set[sp.Symbol] = set()
        for h in self.conditions:
            out |= h.expr.free_symbols
        return out

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def split_point(self, point: dict) -> tuple[dict, dict]:
        """Split a grid point into parameter values and scenario options."""
        names = {p.name for p in self.params}
        return ({k: v for k, v in point.items() if k in names}, {k: v for k, v in point.items() if k not in names})

    def violated_hypotheses(self, values: dict[str, float]) -> list[str]:
        """Hypotheses (and parameter domains) that `values` break; empty when all hold."""
        bad = [f"{p.name} = {values[p.name]} is outside {p.domain.describe()}"
               for p in self.params if p.name in values and not p.domain.contains(values[p.name])]
        subs = {p.symbol: values[p.name] for p in self.params if p.name in values}
        for h in self.conditions:
            if not h.expr.free_symbols <= set(subs):
                continue
            truth = h.expr.subs(subs)
            if truth is not sp.true and not bool(truth):
                bad.append(f"hypothesis {h.source} fails")
        return bad

    def summary(self) -> dict:
        return {"id": self.id, "title": self.title, "paper": self.provenance.paper,
                "provenance": self.provenance.kind, "kind": self.kind, "statistic": self.statistic,
                "scenario": self.scenario, "expect": self.expect, "worstcase": self.worstcase}

    def statement_text(self) -> str:
        """A plain-text statement for terminals."""
        core = self.stat.text(self, self.left.source, self.right.source)
        hyp = ", ".join(h.source for h in self.conditions)
        return core + (f"   [if {hyp}]" if hyp else "")
