"""Verdicts and results: what the tool concludes about a claim, with the evidence and a replayable witness."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

PROVED, CERTIFIED, CONSISTENT = "PROVED", "CERTIFIED", "CONSISTENT"
INCONCLUSIVE, VIOLATED, ERROR = "INCONCLUSIVE", "VIOLATED", "ERROR"
VERDICTS = (PROVED, CERTIFIED, CONSISTENT, INCONCLUSIVE, VIOLATED, ERROR)
HOLDS = (PROVED, CERTIFIED, CONSISTENT)


@dataclass
class Result:
    id: str
    verdict: str
    method: str
    evidence: dict = field(default_factory=dict)
    witness: dict | None = None
    expect: str = "holds"
    seconds: float = 0.0

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")

    @property
    def as_expected(self) -> bool:
        """True when a true claim holds, or a registered known-false claim is refuted."""
        if self.expect == VIOLATED:
            return self.verdict == VIOLATED
        return self.verdict in HOLDS

    def to_json(self) -> dict:
        """The result as JSON; timings are left out so that the same seed gives the same JSON."""
        return strict_json({"id": self.id, "verdict": self.verdict, "method": self.method,
                            "evidence": self.evidence, "witness": self.witness, "expect": self.expect,
                            "as_expected": self.as_expected})


def strict_json(obj):
    """`obj` with non-finite floats written as the strings "inf", "-inf", "nan" (strict JSON has no Infinity)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, dict):
        return {k: strict_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [strict_json(v) for v in obj]
    return obj


def farthest_point(points: list[dict]) -> int:
    """The index of the grid point whose interval lies farthest from the claimed value, in interval widths."""
    def off(p):
        iv = p["interval"]
        return abs(iv["estimate"] - p["claimed"]) / max(iv["hi"] - iv["lo"], 1e-300)
    return max(range(len(points)), key=lambda k: off(points[k]))


def _num(x) -> str:
    return f"{x:.4g}" if isinstance(x, (int, float)) else str(x)


def brief(r) -> str:
    """One line of the evidence behind a verdict: the deciding number, not the whole record."""
    e, w = r.evidence, r.witness
    if r.verdict == "ERROR":
        return str(e.get("error"))
    if r.verdict == "VIOLATED" and w:
        point = json.dumps(strict_json(w.get("point")), default=str)
        where = (f"seed {w['seed']}" + (f", point {point}" if "point" in w else "")) if "seed" in w else f"at {point}"
        if "measured_slope" in w:
            return f"{where}: log-log slope {w['measured_slope']:.3f} in [{w['interval'][0]:.3f}, " \
                   f"{w['interval'][1]:.3f}] vs claimed {w['claimed']:.3f} +- {w['tolerance']:g}"
        if "drift_exponent" in w:
            return f"{where}: constant {w['constant']} grows like {w.get('over', 'x')}^{w['drift_exponent']:.3f} (interval " \
                   f"[{w['interval'][0]:.3f}, {w['interval'][1]:.3f}], tolerance {w['tolerance']:g}) as the range grows"
        if "mean_from" in w:
            return f"{where}: mean {_num(w['mean_from'])} at {w['from']} rises to {_num(w['mean_to'])} at {w['to']} " \
                   f"(difference in [{_num(w['interval'][0])}, {_num(w['interval'][1])}])"
        if "lhs" in w:
            return f"{where}, instance {w.get('instance', '-')}: lhs {_num(w['lhs'])} vs rhs {_num(w['rhs'])}" + \
                (f" ({w['violations']} of {w['batch']} instances violate)" if "violations" in w else "")
        if "interval" in w:
            return f"{where}: measured {_num(w['measured'])} in [{_num(w['interval'][0])}, " \
                   f"{_num(w['interval'][1])}] vs claimed {_num(w['claimed'])}"
        return f"{where}: " + ", ".join(f"{k} {_num(v)}" for k, v in w.items() if k not in ("seed", "point"))
    if "certificate" in e:
        from numerics.prover import describe

        return describe(e["certificate"])
    points = e.get("points")
    if isinstance(points, list) and points:
        if "slope" in points[0]:
            return "; ".join(f"slope {p['slope']['estimate']:.3f} in [{p['slope']['lo']:.3f}, {p['slope']['hi']:.3f}] "
                             f"vs claimed {p['claimed_slope']:.3f} +- {p['tolerance']:g}" for p in points)
        if "differences" in points[0]:
            return "; ".join("means " + " -> ".join(_num(m["estimate"]) for m in p["means"]) for p in points)
        if "drift_exponents" in points[0]:
            p = points[0]
            drift = ", ".join(f"{k} {_num(v)} (drift {d['estimate']:.3f})" if d else f"{k} {_num(v)}"
                              for (k, v), d in zip(p["constants"].items(), p["drift_exponents"]))
            return f"smallest constants {drift}"
        if "violations" in points[0]:
            total = sum(p["instances"] for p in points)
            tight = e.get("tightness")
            return f"{total} instances over {len(points)} point(s), none violates (worst excess " \
                   f"{max(p['worst_excess'] for p in points):.3g}" + \
                (f"; tightness, the claimed-smaller side over the larger, in [{tight['min']:.3g}, {tight['max']:.3g}])"
                 if tight else ")")
        if "p_value" in points[0]:
            return f"smallest Kolmogorov-Smirnov p-value {min(p['p_value'] for p in points):.3g} over " \
                   f"{len(points)} point(s) (threshold {points[0]['threshold']:.2g} each)"
        if "interval" in points[0]:
            p = points[farthest_point(points)]
            iv = p["interval"]
            return f"worst of {len(points)} point(s): measured {_num(iv['estimate'])} in [{_num(iv['lo'])}, " \
                   f"{_num(iv['hi'])}] vs claimed {_num(p['claimed'])}" + (f"; {p['note']}" if "note" in p else "")
    if "worst_relative_gap" in e:
        return f"no proof; no counterexample in {e['points']} points (smallest relative gap " \
               f"{e['worst_relative_gap']:.3g})"
    return ""
