"""`value`: an analytic claim, both sides closed forms in the parameters. A counterexample search first (which also
rejects contradictory hypotheses), then the prover: VIOLATED with a counterexample, PROVED with a certificate, or
CONSISTENT (neither found)."""
from __future__ import annotations

import dataclasses

from boundlab.theory.claim import RELATIONS

from ..evidence import Witness, num
from ..verdict import CONSISTENT, PROVED, VIOLATED, Result
from .base import Statistic, short


@dataclasses.dataclass(kw_only=True)
class Counterexample(Witness):
    """A point of the parameters where the relation fails, both sides to 30 digits (exactly, for a claimed
    inequality `!=` whose sides meet: at a rational point, or at a root inside a bracket where lhs - rhs changes
    sign)."""

    kind = "counterexample"
    point: dict
    exact_point: dict | None = None
    lhs: str
    rhs: str
    relation: str
    digits: str | None = None
    bracket: dict | None = None

    def text(self) -> str:
        point = ", ".join(f"{k} = {short(v)}" for k, v in (self.exact_point or self.point).items())
        if self.bracket:  # the sides meet inside the bracket
            (name, (lo, hi)), = self.bracket.items()
            return f"lhs = rhs = {short(self.rhs)} at a root {name} in [{float(lo)!r}, {float(hi)!r}] of the " \
                   f"continuous lhs - rhs (it changes sign there)"
        if self.relation == "!=":
            return f"lhs = rhs = {short(self.rhs)} at {point}"
        return f"counterexample{' ' + point if point else ''}: lhs {short(self.lhs)} vs rhs {short(self.rhs)}"

SEARCH = "falsification search (sampling, Nelder-Mead, mpmath 50 digits)"


class Value(Statistic):
    """both sides closed forms: a counterexample search, then a proof (PROVED, VIOLATED or CONSISTENT)."""

    name = "value"
    relations = tuple(RELATIONS)
    empirical = False

    def check(self, claim, seed, quick, alpha) -> Result:
        from boundlab.numerics.falsify import falsify
        from boundlab.numerics.prover import prove

        search = falsify(claim, seed)
        if search.counterexample is not None:
            return Result(claim.id, VIOLATED, SEARCH, {"points": search.points},
                          Counterexample.from_json(search.counterexample))
        proof = prove(claim)
        if proof is not None:
            return Result(claim.id, PROVED, proof.method, {"certificate": proof.certificate})
        return Result(claim.id, CONSISTENT, SEARCH,
                      {"points": search.points, "worst_relative_gap": search.worst_gap,
                       "worst_point": search.worst_point, "note": "no proof found; no counterexample either"})

    def summary(self, result) -> str:
        e = result.evidence
        if "certificate" in e:
            from boundlab.numerics.prover import describe

            return describe(e["certificate"])
        if "worst_relative_gap" in e:
            return f"no proof; no counterexample in {e['points']} points (smallest relative gap " \
                   f"{num(e['worst_relative_gap'], '.3g')})"
        return super().summary(result)

    def method_cell(self, result) -> str:
        method, verdict = result["method"], result["verdict"]
        if method.startswith("falsification"):
            return "counterexample search" if verdict == VIOLATED else "search, no proof"
        return ("proof: " if verdict == PROVED else "") + method
