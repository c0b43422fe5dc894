"""Derivations: a chain `e0 REL1 e1 REL2 e2 ...` under shared hypotheses, each step with an optional hint.

A derivation is written in a plain Python file:

    Derivation(id="mine.bound", title="...", params=(n, delta), hypotheses=("n >= 2",), provenance=...,
               start="sqrt(log(n/delta)/n)",
               steps=[("=", "sqrt((log(n) + log(1/delta))/n)", "log of a quotient"),
                      Step("<=", "sqrt(log(n)/n) + sqrt(log(1/delta)/n)", hint="sqrt(a + b) <= sqrt(a) + sqrt(b)",
                           uses="classical.sqrt_subadditive")])

Step i is the analytic claim `e_{i-1} REL_i e_i` under the derivation's parameters and hypotheses (`step_claims`),
so every step is checked like any other claim. `uses` names a claim the step relies on; it must exist in the
registry (checked when the derivation is checked, where the registry is known). The chain's composed relation
is "=" when every step is "=", otherwise "<=" / "<" (or ">=" / ">") when all inequalities point the same way,
strict when any step is strict; a chain mixing "<=" and ">=" proves no relation between its ends.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .claim import CHAIN_RELATIONS, Claim, ClaimError
from .provenance import Provenance
from .symbols import Param

UP, DOWN = ("<=", "<"), (">=", ">")


@dataclass(frozen=True)
class Step:
    """One link of a chain: the relation to the previous expression, the new expression, a hint."""

    rel: str
    expr: Any
    hint: str = ""
    uses: str | None = None  # id of a claim the step relies on


def compose(relations) -> str | None:
    """The relation between the ends of a chain of `relations`; None when they point both ways."""
    rels = list(relations)
    if all(r == "=" for r in rels):
        return "="
    if any(r in UP for r in rels) and any(r in DOWN for r in rels):
        return None
    up = any(r in UP for r in rels)
    strict = any(r in ("<", ">") for r in rels)
    return ("<" if strict else "<=") if up else (">" if strict else ">=")


@dataclass
class Derivation:
    """A chain of expressions joined by =, <=, <, >=, >, under shared parameters and hypotheses."""

    id: str
    title: str
    start: Any
    steps: tuple
    provenance: Provenance
    params: tuple[Param, ...] = ()
    hypotheses: tuple[Any, ...] = ()
    doc: str = ""
    expect: str = "holds"  # "VIOLATED" registers a derivation known to contain a false step
    step_claims: tuple[Claim, ...] = field(init=False, repr=False)

    def __post_init__(self):
        did = self.id
        if not did or not all(part.isidentifier() for part in str(did).split(".")):
            raise ClaimError(did or "<unnamed>", "the id must be dotted identifiers, e.g. 'paper.derivation_name'",
                             "derivation")
        if self.expect not in ("holds", "VIOLATED"):
            raise ClaimError(did, f"expect must be 'holds' or 'VIOLATED', not {self.expect!r}", "derivation")
        steps = []
        for i, s in enumerate(self.steps, 1):
            if isinstance(s, (tuple, list)) and 2 <= len(s) <= 3:
                s = Step(*s)
            if not isinstance(s, Step):
                raise ClaimError(did, f"step {i} must be Step(rel, expr, hint) or a tuple (rel, expr[, hint]), "
                                      f"not {s!r}", "derivation")
            if s.rel not in CHAIN_RELATIONS:
                raise ClaimError(did, f"step {i}: relation must be one of {', '.join(CHAIN_RELATIONS)}, not {s.rel!r}",
                                 "derivation")
            steps.append(s)
        if not steps:
            raise ClaimError(did, "a derivation needs at least one step after its start", "derivation")
        self.steps, self.params, self.hypotheses = tuple(steps), tuple(self.params), tuple(self.hypotheses)
        claims, prev = [], self.start
        for i, s in enumerate(self.steps, 1):
            try:
                claims.append(Claim(id=f"{did}.step{i}", title=f"{self.title}, step {i}", lhs=prev, rel=s.rel,
                                    rhs=s.expr, provenance=self.provenance, params=self.params,
                                    hypotheses=self.hypotheses, doc=s.hint))
            except ClaimError as exc:  # name the derivation and the step, not the internal step claim
                cause = str(exc).split(": ", 1)[1]
                raise ClaimError(did, f"step {i}: {cause}", "derivation") from None
            prev = s.expr
        self.step_claims = tuple(claims)

    @property
    def relation(self) -> str | None:
        """The composed relation between the start and the last expression (None if the chain mixes directions)."""
        return compose(s.rel for s in self.steps)

    @property
    def conditions(self):
        return self.step_claims[0].conditions

    def chain(self) -> list:
        """The Formula of every expression of the chain, start first."""
        return [self.step_claims[0].left] + [c.right for c in self.step_claims]

    def summary(self) -> dict:
        return {"id": self.id, "title": self.title, "paper": self.provenance.paper,
                "provenance": self.provenance.kind, "kind": "derivation", "steps": len(self.steps),
                "relation": self.relation, "expect": self.expect}
