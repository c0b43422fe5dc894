"""Results as text, one line each, for the command line's table, the pytest plugin and the report.

What every result shares is written here (an error, a scenario's refutation, a worst-case program's broken bound,
a time limit, the worst cases of a claim that holds); the rest is the claim's statistic's to say
(`Statistic.summary`, `Statistic.witness_text`), chosen by the statistic recorded in the result, never guessed from
the keys of its evidence; a refutation is told by its witness, whose kind says what it is
(`boundlab.verify.evidence`).
"""
from __future__ import annotations

from boundlab.theory.statistic import get_statistic

from .evidence import Witness, num, witness_from_json
from .verdict import ERROR, VIOLATED, Result


def brief(r: Result) -> str:
    """One line of the evidence behind a verdict: the deciding number, not the whole record."""
    e, w = r.evidence, r.witness
    if r.verdict == ERROR:
        return str(e.get("error"))
    stat = get_statistic(r.statistic) if r.statistic else None
    if r.verdict == VIOLATED and w:
        w = w if isinstance(w, Witness) else witness_from_json(w)
        return w.text() if isinstance(w, Witness) else str(w)  # a record written before witnesses had kinds
    if stat is None or "time_limit" in e:
        return str(e.get("note", ""))
    return stat.summary(r) + _worst_cases(e)


def _worst_cases(e: dict) -> str:
    """The worst-case programs' part of a claim that holds: the largest constant against its bound."""
    worst = [w for w in e.get("worstcase", []) if "constant" in w and "bound" in w]
    if not worst:
        return ""
    top = max(worst, key=lambda w: w["constant"] - w["bound"] if w["relation"] in ("<=", "<") else
              w["bound"] - w["constant"])
    return f"; worst case (SDP) within the bound at {len(worst)} point(s), tightest {num(top['constant'], '.4g')} " \
           f"{top['relation']} {num(top['bound'], '.4g')}"
