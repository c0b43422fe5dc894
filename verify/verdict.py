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


_TOWARDS_VIOLATION = {"=": abs, "<=": lambda d: d, "<": lambda d: d, ">=": lambda d: -d, ">": lambda d: -d}


def worst_point(points: list[dict]) -> int:
    """The index of the grid point nearest to refuting the claim, in widths of its interval (of the measured value,
    or of a rate's slope): for a bound (the point's "relation" `<=`, `<`, `>=`, `>`) the one with the least slack,
    a violating one first; for an identity (`=`, also when no relation is recorded) the one farthest from the
    claimed value in either direction."""
    def excess(p):
        iv, claimed = (p["slope"], p["claimed_slope"]) if "slope" in p else (p["interval"], p["claimed"])
        off = _TOWARDS_VIOLATION[p.get("relation", "=")](iv["estimate"] - claimed) - p.get("tolerance", 0.0)
        return off / max(iv["hi"] - iv["lo"], 1e-300)
    return max(range(len(points)), key=lambda k: excess(points[k]))


def _num(x, spec: str = ".4g") -> str:
    """A number for the text: a float, or a non-finite one as JSON stores it ("inf", "-inf", "nan")."""
    if isinstance(x, str):
        try:
            x = float(x)
        except ValueError:
            return x
    return format(x, spec) if isinstance(x, (int, float)) else str(x)


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)


def _percent(x: float) -> str:
    return f"{_num(100 * x, '.2g')}%"


def _power(e: dict, p: dict) -> str:
    """What a check that found nothing could have found: the smallest error it detects (at its error rate), from
    the claim's evidence `e` and its first point `p`."""
    det, rel = e.get("detectable"), e.get("detectable_relative")
    if det is None:
        return ""
    if "violations" in p:
        return f"; a violation rate of {_percent(det)} or more would have shown"
    if not _finite(det):
        return "; detects no error at this budget"
    size = _percent(rel) if _finite(rel) else _num(det)
    if "slope" in p:
        what = f"a slope off by {_num(det, '.3g')} or more"
    elif "differences" in p:
        what = f"a wrong-way change of {size} or more from first to last"
    elif "drift_exponents" in p:
        what = f"a drift exponent of {_num(det, '.3g')} or more"
    elif "p_value" in p:
        what = f"a Kolmogorov-Smirnov distance of {_num(det, '.3g')} or more"
    elif "events" in p:
        what = f"a probability {_num(det, '.3g')} or more below the claimed"
    else:
        what = f"a deviation of {size} or more"
    return f"; detects {what}"


def brief(r) -> str:
    """One line of the evidence behind a verdict: the deciding number, not the whole record."""
    e, w = r.evidence, r.witness
    if r.verdict == "ERROR":
        return str(e.get("error"))
    if r.verdict == "VIOLATED" and w and "seed" not in w and {"point", "lhs", "rhs"} <= set(w):  # analytic
        point = ", ".join(f"{k} = {_short(v)}" for k, v in w.get("exact_point", w["point"]).items())
        if "bracket" in w:  # a '!=' claim refuted by a sign change of lhs - rhs: the sides meet inside the bracket
            (name, (lo, hi)), = w["bracket"].items()
            return f"lhs = rhs = {_short(w['rhs'])} at a root {name} in [{float(lo)!r}, {float(hi)!r}] of the " \
                   f"continuous lhs - rhs (it changes sign there)"
        if w.get("relation") == "!=":
            return f"lhs = rhs = {_short(w['rhs'])} at {point}"
        return f"counterexample{' ' + point if point else ''}: lhs {_short(w['lhs'])} vs rhs {_short(w['rhs'])}"
    if r.verdict == "VIOLATED" and w and "certified_upper" in w:  # a worst-case program broke the bound
        point = json.dumps(strict_json(w.get("point")), default=str)
        return f"seed {w['seed']}, point {point}: worst-case constant {_num(w['constant'], '.6g')} (the maximiser " \
               f"replays to {_num(w['attained'], '.6g')}, certified at most {_num(w['certified_upper'], '.6g')}) " \
               f"breaks the claimed {w['relation']} {_num(w['bound'], '.6g')}"
    if r.verdict == "VIOLATED" and w and "detectable_rate" in w:  # an existential claim no instance bore out
        return f"seed {w['seed']}: no instance among {w['instances']} ({w['batch']} at each of {w['points']} " \
               f"point(s)) satisfies the relation; an event of probability {_num(w['detectable_rate'], '.3g')} or " \
               f"more at any point would have shown"
    if r.verdict == "VIOLATED" and w and "refutation" in w:  # the scenario refuted it (training diverges)
        return f"seed {w['seed']}: {w['refutation']}"
    if r.verdict == "VIOLATED" and w:
        point = json.dumps(strict_json(w.get("point")), default=str)
        where = (f"seed {w['seed']}" + (f", point {point}" if "point" in w else "")) if "seed" in w else f"at {point}"
        if "measured_slope" in w:
            measured = "exact (deterministic)" if w.get("deterministic") else \
                f"in [{_num(w['interval'][0], '.3f')}, {_num(w['interval'][1], '.3f')}]"
            return f"{where}: log-log slope {_num(w['measured_slope'], '.3f')} {measured} vs claimed " \
                   f"{_num(w['claimed'], '.3f')} +- {_num(w['tolerance'], 'g')}"
        if "drift_exponent" in w:
            return f"{where}: constant {w['constant']} grows like {w.get('over', 'x')}^" \
                   f"{_num(w['drift_exponent'], '.3f')} (interval [{_num(w['interval'][0], '.3f')}, " \
                   f"{_num(w['interval'][1], '.3f')}], tolerance {_num(w['tolerance'], 'g')}) as the range grows"
        if "mean_from" in w:
            moves = "rises" if w["mean_to"] > w["mean_from"] else "falls"
            what = {"fitted slope": "fitted slope of the mean per step",
                    "first to last": "first-to-last difference"}.get(w.get("test"), "difference")
            return f"{where}: mean {_num(w['mean_from'])} at {w['from']} {moves} to {_num(w['mean_to'])} at " \
                   f"{w['to']} ({what} in [{_num(w['interval'][0])}, {_num(w['interval'][1])}])"
        if "lhs" in w:
            return f"{where}, instance {w.get('instance', '-')}: lhs {_num(w['lhs'])} vs rhs {_num(w['rhs'])}" + \
                (f" ({w['violations']} of {w['batch']} instances violate)" if "violations" in w else "")
        if "interval" in w:
            num = _num if _num(w["measured"]) != _num(w["claimed"]) else "{:.10g}".format  # digits that differ
            return f"{where}: measured {num(w['measured'])} in [{num(w['interval'][0])}, " \
                   f"{num(w['interval'][1])}] vs claimed {num(w['claimed'])}" + \
                (f" ({w['censored']} value(s) only lower bounds: the true mean is higher still)" if "censored" in w
                 else "")
        if "ks_statistic" in w:
            return f"{where}: Kolmogorov-Smirnov distance {_num(w['ks_statistic'], '.3g')} from the claimed law " \
                   f"(p-value {_num(w['p_value'], '.3g')}); sample mean {_num(w['sample_mean'])} vs " \
                   f"{_num(w['claimed_mean'])}"
        return f"{where}: " + ", ".join(f"{k} {_num(v)}" for k, v in w.items() if k not in ("seed", "point"))
    if "certificate" in e:
        from boundlab.numerics.prover import describe

        return describe(e["certificate"])
    points = e.get("points")
    if isinstance(points, list) and points:
        notes = [p["note"] for p in points if "note" in p]
        return _brief_points(e, points) + (_power(e, points[0]) if r.verdict == "CONSISTENT" else "") + \
            (f"; {notes[0]}" if r.verdict == "INCONCLUSIVE" and notes else "") + _worst_cases(e)
    if "worst_relative_gap" in e:
        return f"no proof; no counterexample in {e['points']} points (smallest relative gap " \
               f"{_num(e['worst_relative_gap'], '.3g')})"
    return str(e.get("note", ""))  # e.g. a check stopped at its time limit


def _short(value) -> str:
    """A number of a witness (often a 30-digit string) to 7 significant digits."""
    try:
        return f"{_num(float(value), '.7g')}"
    except (TypeError, ValueError):
        return str(value)


def _worst_cases(e: dict) -> str:
    """The worst-case programs' part of a claim that holds: the largest constant against its bound."""
    worst = [w for w in e.get("worstcase", []) if "constant" in w and "bound" in w]
    if not worst:
        return ""
    top = max(worst, key=lambda w: w["constant"] - w["bound"] if w["relation"] in ("<=", "<") else
              w["bound"] - w["constant"])
    return f"; worst case (SDP) within the bound at {len(worst)} point(s), tightest {_num(top['constant'], '.4g')} " \
           f"{top['relation']} {_num(top['bound'], '.4g')}"


def _brief_points(e: dict, points: list[dict]) -> str:
    if "slope" in points[0]:
        return "; ".join(f"slope {_num(p['slope']['estimate'], '.3f')} "
                         + (f"exact (deterministic: all {e['repetitions']} repetitions equal)" if p.get("deterministic")
                            else f"in [{_num(p['slope']['lo'], '.3f')}, {_num(p['slope']['hi'], '.3f')}]")
                         + f" vs claimed {_num(p['claimed_slope'], '.3f')} +- {_num(p['tolerance'], 'g')}"
                         for p in points)
    if "differences" in points[0]:
        return "; ".join("means " + " -> ".join(_num(m["estimate"]) for m in p["means"]) for p in points)
    if "drift_exponents" in points[0]:
        p = points[0]
        drift = ", ".join(f"{k} {_num(v)} (drift {_num(d['estimate'], '.3f')})" if d else f"{k} {_num(v)}"
                          for (k, v), d in zip(p["constants"].items(), p["drift_exponents"]))
        return f"smallest constants {drift}"
    if "events" in points[0] and "interval" not in points[0]:  # an existential claim: its example, if any
        found = [p for p in points if "example" in p]
        if not found:
            return f"no instance among {sum(p['instances'] for p in points)} over {len(points)} point(s)"
        p, x = found[0], found[0]["example"]
        return f"instance {x['instance']} at point {json.dumps(strict_json(p['point']), default=str)}: lhs " \
               f"{_num(x['lhs'])} vs rhs {_num(x['rhs'])} ({p['events']} of {p['instances']} instances there)"
    if "violations" in points[0]:
        total = sum(p["instances"] for p in points)
        tight = e.get("tightness")
        return f"{total} instances over {len(points)} point(s), none violates (worst excess " \
               f"{_num(max(p['worst_excess'] for p in points), '.3g')}" + \
            (f"; tightness, the claimed-smaller side over the larger, in [{_num(tight['min'], '.3g')}, "
             f"{_num(tight['max'], '.3g')}])" if tight else ")")
    if "p_value" in points[0]:
        return f"smallest Kolmogorov-Smirnov p-value {_num(min(p['p_value'] for p in points), '.3g')} over " \
               f"{len(points)} point(s) (threshold {_num(points[0]['threshold'], '.2g')} each)"
    if "interval" in points[0]:
        p = points[worst_point(points)]
        iv = p["interval"]
        measured = (f"{_num(iv['estimate'])} exact (all {iv['n']} instances equal)" if p.get("deterministic") else
                    f"{_num(iv['estimate'])} in [{_num(iv['lo'])}, {_num(iv['hi'])}]")
        return f"worst of {len(points)} point(s): measured {measured} vs claimed {_num(p['claimed'])}"
    return ""
