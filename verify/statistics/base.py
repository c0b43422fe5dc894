"""The verification side of a statistic: one class per statistic, one interface.

A statistic subclasses `Statistic` (theory's rules and statement, plus what is below), sets `name` and the theory
attributes, and implements
  check(claim, seed, quick, alpha) -> Result   measure and decide (`Pointwise` and `Curve` do the drawing and the
                                               multiple-testing correction; their subclasses only `decide`);
and may override
  summary(result) -> str        the one line behind a verdict that holds or is open (the table, the plugin, the
                                report; `boundlab.verify.render` adds what is common to every statistic);
  method_cell(result) -> str    the report table's method cell (default: "simulation: " + `short`);
  numbers(evidence) -> list     the numbers the report quotes, as (macro suffix, JSON pointer below the evidence,
                                what it is);
  figure(claim, result, seed, quick) -> dict | None   the panel of the report's figure (`boundlab.verify.figures`
                                has the builders and draws it).
Its refutations are witnesses of its own kinds (`boundlab.verify.evidence.Witness` subclasses in its module, each
with its JSON and its `text()`). Register it (`register_statistic`, or a `boundlab.statistics` entry point, as boundlab's own are) and claims can
name it; or hand the object to the claim (`Claim(statistic=MyStatistic())`).
"""
from __future__ import annotations

from boundlab.theory.statistic import Statistic as TheoryStatistic

from ..evidence import finite, num
from ..verdict import CONSISTENT, INCONCLUSIVE, Result


class Statistic(TheoryStatistic):
    """A statistic: how claims of it read (theory) and how they are checked, summed up and drawn (here)."""

    #: the report table's "method" cell of a simulation, after "simulation: "
    short = ""
    #: whether a check can decide on quantities some instances know only as lower bounds (censored values)
    lower_bounds = False

    def check(self, claim, seed: int, quick: bool, alpha: float) -> Result:
        raise NotImplementedError(f"statistic {self.name} does not implement check(claim, seed, quick, alpha)")

    def summary(self, result: Result) -> str:
        """What the grid points measured (`points_text`); for a CONSISTENT verdict, what the check could have
        detected (`power_text`); for an INCONCLUSIVE one, why. Without points: the evidence's note."""
        points = result.evidence.get("points")
        if not isinstance(points, list) or not points:
            return str(result.evidence.get("note", ""))
        line = self.points_text(result.evidence, points)
        if result.verdict == CONSISTENT:
            line += self.power_text(result.evidence)
        notes = [p["note"] for p in points if "note" in p]
        if result.verdict == INCONCLUSIVE and notes:
            line += f"; {notes[0]}"
        return line

    def points_text(self, evidence: dict, points: list[dict]) -> str:
        """What the grid points measured, in one line."""
        return ""

    def power_text(self, evidence: dict) -> str:
        """What a check that found nothing could have found: `; detects ...`."""
        return ""

    def method_cell(self, result: dict) -> str:
        """The report table's method cell for this result (as JSON)."""
        method = result["method"]
        return "simulation: " + self.short if method.startswith("simulation") else method

    def numbers(self, evidence: dict) -> list[tuple[str, str, str]]:
        return []

    def figure(self, claim, result: Result, seed: int, quick: bool) -> dict | None:
        return None


# ---- numbers in text ---------------------------------------------------------------------------------------
def percent(x: float) -> str:
    return f"{num(100 * x, '.2g')}%"


def short(value) -> str:
    """A number of a witness (often a 30-digit string) to 7 significant digits."""
    try:
        return f"{num(float(value), '.7g')}"
    except (TypeError, ValueError):
        return str(value)


def detects(evidence: dict, what: str) -> str:
    """`; detects <what>`, the power of a check that found nothing, or what it lacks."""
    det = evidence.get("detectable")
    if det is None:
        return ""
    if not finite(det):
        return "; detects no error at this budget"
    return f"; detects {what}"


def size(evidence: dict) -> str:
    """The detectable deviation: relative when the claimed value is not zero, else absolute."""
    rel = evidence.get("detectable_relative")
    return percent(rel) if finite(rel) else num(evidence.get("detectable"))
