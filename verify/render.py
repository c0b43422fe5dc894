"""Results as text for the command line's table, the pytest plugin's failures and the report: one line per result
(`brief`), a derivation's step table, a failure's full text.

What every result shares is written here (an error, a scenario's refutation, a worst-case program's broken bound,
a time limit, the worst cases of a claim that holds); the rest is the claim's statistic's to say
(`Statistic.summary`, `Statistic.witness_text`), chosen by the statistic recorded in the result, never guessed from
the keys of its evidence; a refutation is told by its witness, whose kind says what it is
(`boundlab.verify.evidence`).
"""
from __future__ import annotations

import json
import re

from boundlab.theory.latex import text_latex, values_latex
from boundlab.theory.statistic import get_statistic

from .evidence import Witness, num, strict_json, witness_from_json
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


def brief_latex(r: Result) -> str:
    """`brief(r)` as finished LaTeX for running text (it may hold inline maths): its prose through `text_latex`
    (``+-``, ``->``, ``alpha = 1e-06``, ``point(s)``, intervals ``[-2900, -1500]``), each JSON object in it (a grid
    point, a counterexample) as `values_latex` gives it, at 4 significant digits (the full record stays in
    report.json). The command line's `brief` is unchanged."""
    text, out, pos = brief(r), [], 0
    for m in re.finditer(r"\{", text):
        if m.start() < pos:
            continue
        try:
            value, end = _JSON.raw_decode(text, m.start())
        except ValueError:
            continue
        if value:
            out += [text_latex(text[pos:m.start()]), values_latex(value)]
            pos = end
    return "".join(out + [text_latex(text[pos:])])


_JSON = json.JSONDecoder()


def _worst_cases(e: dict) -> str:
    """The worst-case programs' part of a claim that holds: the largest constant against its bound."""
    worst = [w for w in e.get("worstcase", []) if "constant" in w and "bound" in w]
    if not worst:
        return ""
    top = max(worst, key=lambda w: w["constant"] - w["bound"] if w["relation"] in ("<=", "<") else
              w["bound"] - w["constant"])
    return f"; worst case (SDP) within the bound at {len(worst)} point(s), tightest {num(top['constant'], '.4g')} " \
           f"{top['relation']} {num(top['bound'], '.4g')}"


def json_default(obj):
    """JSON for numpy numbers and arrays (and anything else as its text)."""
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)


def table(results) -> str:
    """The command line's table: one row per claim (verdict, as expected, time, method) and its one-line brief."""
    width = max([len(r.id) for r in results] + [5])
    lines = [f"{'claim':<{width}}  {'verdict':<12}  {'expected':<8}  {'time':>7}  method",
             "-" * (width + 50)]
    for r in results:
        mark = "yes" if r.as_expected else "NO"
        lines.append(f"{r.id:<{width}}  {r.verdict:<12}  {mark:<8}  {r.seconds:6.2f}s  {r.method}")
        lines.append(f"{'':<{width}}  -> {brief(r)}")
    good = sum(r.as_expected for r in results)
    lines.append(f"{good} of {len(results)} claims as expected")
    return "\n".join(lines)


def derivation_text(derivation, result: Result) -> str:
    """A derivation's chain, step by step, each with its verdict and the brief of its own check."""
    rel = derivation.relation or "no relation (the chain mixes <= and >=)"
    mark = "" if result.as_expected else "   [NOT AS EXPECTED]"
    lines = [f"{derivation.id}: {derivation.title}",
             f"  start {derivation.step_claims[0].left.source}   chain relation: {rel}   -> {result.verdict}{mark}"]
    if result.verdict == ERROR and "steps" not in result.evidence:
        return "\n".join(lines + [f"  {result.evidence['error']}"])
    for step in result.evidence["steps"]:
        why = brief(Result(f"{derivation.id} step {step['step']}", step["verdict"], step["method"],
                           step["evidence"], step["witness"], statistic="value"))
        lines.append(f"  {step['step']:>2}  {step['relation']:<2} {step['rhs']}")
        lines.append(f"      {step['verdict']:<12} {why}" + (f"   [hint: {step['hint']}]" if step["hint"] else ""))
    return "\n".join(lines)


WITNESS_CHARS = 1500  # longer witnesses (e.g. a worst-case instance) are cut in a failure's text


def witness_json(witness) -> str:
    """A witness as one line of JSON, cut at WITNESS_CHARS."""
    text = json.dumps(strict_json(witness), default=json_default)
    return text if len(text) <= WITNESS_CHARS else text[:WITNESS_CHARS] + f" ... ({len(text)} characters)"


def expected(result: Result) -> str:
    return "expected VIOLATED (a registered known-false claim)" if result.expect == VIOLATED else "expected to hold"


def claim_failure(claim, r: Result, replay: str) -> tuple[str, str]:
    """A claim not as expected, as a test failure: the full text (statement, verdict, method, evidence, witness,
    the command that replays it) and the one-line summary."""
    evidence = brief(r)
    lines = [f"claim {claim.id}: {claim.title}",
             f"  statement : {claim.statement_text()}",
             f"  verdict   : {r.verdict}, {expected(r)}",
             f"  method    : {r.method}"]
    if r.verdict == ERROR:
        lines.append(f"  error     : {r.evidence.get('error')}")
        lines += [f"  where     : {w}" for w in r.evidence.get("where", [])]
    else:
        if evidence:
            lines.append(f"  evidence  : {evidence}")
        if r.witness:
            lines.append(f"  witness   : {witness_json(r.witness)}")
    lines.append(f"  replay    : {replay}")
    summary = f"{r.verdict}, {expected(r)}" + (f": {r.evidence.get('error')}" if r.verdict == ERROR else
                                               f": {evidence}" if evidence else "")
    return "\n".join(lines), summary


def derivation_failure(derivation, r: Result, replay: str) -> tuple[str, str]:
    """A derivation not as expected, as a test failure: its step table, verdict, witness, replay; and a summary."""
    text = f"derivation {derivation_text(derivation, r)}\n"
    text += f"  verdict   : {r.verdict}, {expected(r)}\n"
    if r.witness:
        text += f"  witness   : {witness_json(r.witness)}\n"
    text += f"  replay    : {replay}"
    step = f" at step {r.witness['step']}" if r.witness and "step" in r.witness else ""
    return text, f"{r.verdict}{step}, {expected(r)}"
