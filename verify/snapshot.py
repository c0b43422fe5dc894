"""Golden snapshots of the catalogue, and semantic diffs against them: regression tests for theory.

A snapshot (stable, readable JSON, format FORMAT) records per claim its statement as written, hypotheses, parameter
domains, provenance, expectation, verdict and method, and worst-case constants with solver and tolerance.
`compare` reads the current claims against it and says, per claim: unchanged; rewritten but equivalent (proved
symbolically, or by sampling at 50 digits, and labelled which); changed meaning (with a point where old and new
differ); hypotheses weakened or strengthened (with a point admitted by one and not the other); provenance or
expectation changed; verdict changed (when current results are given); constant moved beyond tolerance; new;
vanished. Only `write(..., update=True)` replaces an existing golden file.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sympy as sp

from boundlab.numerics.limits import TimeLimitExceeded, time_limit
from boundlab.theory.claim import Claim, ClaimError

FORMAT = 1
DEFAULT_PATH = "boundlab.snapshot.json"
CONSTANT_RTOL = 1e-6  # worst-case constants are certified to this relative tolerance (boundlab.verify.worstcase.AGREEMENT)
QUIET = ("unchanged", "equivalent")
SIMPLIFY_SECONDS = 5.0  # CPU time for SymPy to reduce old - new to 0 ...
SAMPLE_SECONDS = 20.0  # ... and then for the comparison at sample points
ENTRY_KEYS = ("title", "statistic", "lhs", "rel", "rhs", "prob", "hypotheses", "params", "provenance", "expect",
              "verdict", "method", "worstcase")


class SnapshotError(Exception):
    """The golden file is missing, corrupted, hand-edited into an invalid shape, or of another format."""


def entry(claim: Claim, result=None, worst=None) -> dict:
    """The golden record of one claim (`result`: its check Result; `worst`: its worst-case Result, if any)."""
    out = {"title": claim.title, "statistic": claim.statistic, "lhs": claim.left.source, "rel": claim.rel,
           "rhs": claim.right.source if claim.right is not None else None,
           "prob": claim.probability.source if claim.probability is not None else None,
           "hypotheses": [h.source for h in claim.conditions],
           "params": {p.name: p.domain.describe() for p in claim.params},
           "provenance": claim.provenance.to_json(), "expect": claim.expect,
           "verdict": result.verdict if result is not None else None,
           "method": result.method if result is not None else None, "worstcase": None}
    if worst is not None and "constant" in worst.evidence:
        ev = worst.evidence
        out["worstcase"] = {"target": claim.worstcase, "constant": ev["constant"], "solver": ev["solver"],
                            "status": ev["status"], "rtol": CONSTANT_RTOL, "point": ev["point"], "seed": ev["seed"]}
    return out


def take(claims, results=None, worsts=None) -> dict:
    """A snapshot document from claims and (optionally) their check and worst-case results, keyed by claim id."""
    results, worsts = results or {}, worsts or {}
    return {"format": FORMAT, "generator": "boundlab snapshot",
            "claims": {c.id: entry(c, results.get(c.id), worsts.get(c.id)) for c in sorted(claims, key=lambda c: c.id)}}


def write(path: str | Path, doc: dict, update: bool = False) -> None:
    path = Path(path)
    if path.exists() and not update:
        raise SnapshotError(f"{path} exists; `boundlab snapshot --update` replaces it (nothing was written)")
    try:
        path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    except OSError as exc:
        raise SnapshotError(f"cannot write {path}: {exc.strerror}") from None


def load(path: str | Path) -> dict:
    """Read and validate a golden file; every problem is a SnapshotError that says what to do."""
    path = Path(path)
    if not path.exists():
        raise SnapshotError(f"no snapshot at {path}: create it with `boundlab snapshot -o {path}`")
    try:
        doc = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path} is corrupted (not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}); "
                            "restore it from version control, or re-create it with `boundlab snapshot --update`")
    if not isinstance(doc, dict) or "format" not in doc or "claims" not in doc:
        raise SnapshotError(f"{path} is not a boundlab snapshot (no 'format' and 'claims' fields)")
    if doc["format"] != FORMAT:
        raise SnapshotError(f"{path} has snapshot format {doc['format']!r}; this boundlab reads format {FORMAT}: "
                            "re-create it with `boundlab snapshot --update` (after checking the old verdicts)")
    if not isinstance(doc["claims"], dict):
        raise SnapshotError(f"{path}: 'claims' must map claim ids to records")
    for cid, rec in doc["claims"].items():
        missing = [k for k in ENTRY_KEYS if not isinstance(rec, dict) or k not in rec]
        if missing:
            raise SnapshotError(f"{path}: the record of {cid} lacks {', '.join(missing)} (hand-edited?); "
                                "restore it or re-create the file with `boundlab snapshot --update`")
        if not isinstance(rec["hypotheses"], list) or not isinstance(rec["lhs"], str):
            raise SnapshotError(f"{path}: the record of {cid} has a malformed statement (hand-edited?)")
    return doc


@dataclass
class Finding:
    kind: str  # unchanged, equivalent, changed meaning, hypotheses weakened, ..., new, vanished
    detail: str = ""

    def to_json(self) -> dict:
        return {"kind": self.kind, "detail": self.detail}


@dataclass
class Report:
    claims: dict[str, list[Finding]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(f.kind in QUIET for fs in self.claims.values() for f in fs)

    def changed(self) -> dict[str, list[Finding]]:
        return {cid: fs for cid, fs in self.claims.items() if any(f.kind not in QUIET for f in fs)}

    def text(self, verbose: bool = False) -> str:
        lines = []
        for cid, fs in sorted(self.claims.items()):
            if verbose or any(f.kind not in QUIET for f in fs) or any(f.kind == "equivalent" for f in fs):
                for f in fs:
                    lines.append(f"{cid}: {f.kind}" + (f": {f.detail}" if f.detail else ""))
        counts = {}
        for fs in self.claims.values():
            k = next((f.kind for f in fs if f.kind not in QUIET), "equivalent" if any(
                f.kind == "equivalent" for f in fs) else "unchanged")
            counts[k] = counts.get(k, 0) + 1
        lines.append(f"{len(self.claims)} claims: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) +
                     (" -- no change of meaning" if self.ok else " -- CHANGES"))
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {"ok": self.ok, "claims": {cid: [f.to_json() for f in fs] for cid, fs in sorted(self.claims.items())}}


# ---- semantic comparison ----------------------------------------------------------------------------------------
def _as_old(claim: Claim, **old) -> Claim:
    """The current claim with the golden record's statement (or hypotheses) put back, parsed in today's namespace."""
    return dataclasses.replace(claim, **old)


def _points(claim: Claim, count: int = 48):
    """Sample values of every free symbol: parameters from their domains, measured quantities log-uniform > 0."""
    from boundlab.numerics.falsify import hypotheses_mask, sample_points

    rng = np.random.default_rng(20261123)
    pts = sample_points(claim, rng, count * 4) if claim.params else {}
    if pts:
        mask = hypotheses_mask(claim, pts)
        pts = {k: v[mask][:count] for k, v in pts.items()}
    n = len(next(iter(pts.values()))) if pts else count
    subs = [{claim.param(k).symbol: sp.Float(float(v[i]), 50) for k, v in pts.items()} for i in range(n)]
    for q in claim.quantities:
        vals = np.exp(rng.uniform(-3, 3, n))
        for i in range(n):
            subs[i][q.symbol] = sp.Float(float(vals[i]), 50)
    return subs


def _same_expression(old: sp.Expr, new: sp.Expr, points) -> tuple[str | None, str]:
    """('proved' | 'sampled', '') when old == new everywhere, else (None, a point where they differ, or why they
    could not be compared); `points()` gives the sample points (drawn only when a symbolic proof fails)."""
    if old == new:
        return "identical", ""
    try:
        with time_limit(SIMPLIFY_SECONDS):
            if sp.simplify(old - new) == 0:
                return "proved", "proved symbolically (the difference simplifies to 0)"
    except (Exception, TimeLimitExceeded):  # noqa: BLE001 - fall through to sampling
        pass
    compared, end = 0, time.process_time() + SAMPLE_SECONDS
    for s in points() if old.free_symbols | new.free_symbols else [{}]:
        left = end - time.process_time()
        if left <= 0:  # beta(beta(log(3), b), gamma(z)) takes SymPy seconds a point at 50 digits
            break
        try:
            with time_limit(left):
                a, b = old.evalf(50, subs=s), new.evalf(50, subs=s)
        except TimeLimitExceeded:
            break
        except (ArithmeticError, ValueError, TypeError):  # PrecisionExhausted: floor(x) at an integer x, ...
            continue
        if not (a.is_real and b.is_real):
            continue
        compared += 1
        if abs(a - b) > sp.Float(10, 50) ** -40 * max(1, abs(a), abs(b)):
            where = ", ".join(f"{k} = {float(v):.6g}" for k, v in s.items()) or "every point (constants)"
            return None, f"at {where}: old {float(a):.6g}, new {float(b):.6g}"
    if not compared:  # no evidence of equality is no evidence: a change nobody could compare is a change
        return None, "at no sampled point could both be evaluated at 50 digits (treated as a change)"
    return "sampled", f"equal at 50 digits at {compared} sampled point(s) (no symbolic proof)"


def _compare_statement(claim: Claim, rec: dict) -> Finding:
    cur = {"statistic": claim.statistic, "lhs": claim.left.source, "rel": claim.rel,
           "rhs": claim.right.source if claim.right is not None else None,
           "prob": claim.probability.source if claim.probability is not None else None}
    if all(cur[k] == rec[k] for k in cur):
        return Finding("unchanged")
    if cur["statistic"] != rec["statistic"] or cur["rel"] != rec["rel"]:
        return Finding("changed meaning", f"was {rec['statistic']} '{rec['lhs']} {rec['rel']} {rec['rhs']}', now "
                                          f"{cur['statistic']} '{cur['lhs']} {cur['rel']} {cur['rhs']}'")
    try:
        old = _as_old(claim, lhs=rec["lhs"], rhs=rec["rhs"], prob=rec["prob"])
    except ClaimError as exc:
        return Finding("changed meaning", f"the old statement no longer parses here: {exc}")
    how = []
    points = functools.cache(lambda: _points(claim))  # drawn once per claim, and only when first needed
    for side in ("left", "right", "probability"):
        a, b = getattr(old, side), getattr(claim, side)
        if a is None or b is None:
            continue
        label, detail = _same_expression(a.expr, b.expr, points)
        if label is None:
            return Finding("changed meaning", f"{side}-hand side '{a.source}' -> '{b.source}' differs {detail}"
                           if side != "probability" else f"probability differs {detail}")
        if label != "identical":
            how.append(label)
    label = "sampled" if "sampled" in how else "proved"
    return Finding("equivalent", f"rewritten, {'proved symbolically' if label == 'proved' else 'equal by sampling at 50 digits (not proved)'}")


def _compare_hypotheses(claim: Claim, rec: dict) -> Finding | None:
    cur = [h.source for h in claim.conditions]
    if sorted(cur) == sorted(rec["hypotheses"]):
        return None
    from boundlab.numerics.falsify import hypotheses_mask, sample_points

    try:
        old = _as_old(claim, hypotheses=tuple(rec["hypotheses"]))
    except ClaimError as exc:
        return Finding("hypotheses changed", f"the old hypotheses no longer parse here: {exc}")
    if not claim.params:
        return Finding("hypotheses changed", f"{rec['hypotheses']} -> {cur}")
    pts = sample_points(claim, np.random.default_rng(7), 20000)
    m_old, m_new = hypotheses_mask(old, pts), hypotheses_mask(claim, pts)
    point = lambda i: ", ".join(f"{k} = {v[i]:.6g}" for k, v in pts.items())
    wider, narrower = np.flatnonzero(m_new & ~m_old), np.flatnonzero(m_old & ~m_new)
    text = f"{' and '.join(rec['hypotheses']) or 'none'} -> {' and '.join(cur) or 'none'}"
    if len(wider) and len(narrower):
        return Finding("hypotheses changed", f"{text}; new admits {point(wider[0])}, old admits {point(narrower[0])}")
    if len(wider):
        return Finding("hypotheses weakened", f"{text}; now also admits {point(wider[0])}")
    if len(narrower):
        return Finding("hypotheses strengthened", f"{text}; no longer admits {point(narrower[0])}")
    return Finding("equivalent", f"hypotheses rewritten ({text}), the same on 20000 sampled points (not proved)")


def compare(doc: dict, claims, results=None, worsts=None) -> Report:
    """Semantic diff of `claims` (and their current results, when given) against the golden document."""
    golden, results, worsts = doc["claims"], results or {}, worsts or {}
    report = Report()
    for claim in claims:
        rec = golden.get(claim.id)
        if rec is None:
            report.claims[claim.id] = [Finding("new", "not in the snapshot: `boundlab snapshot --update` adds it")]
            continue
        fs = [_compare_statement(claim, rec)]
        hyp = _compare_hypotheses(claim, rec)
        if hyp is not None:
            fs.append(hyp)
        prov = claim.provenance.to_json()
        if prov != rec["provenance"]:
            fs.append(Finding("provenance changed", f"{rec['provenance'].get('kind')} -> {prov['kind']}"
                              if prov["kind"] != rec["provenance"].get("kind") else "citation or note edited"))
        if claim.expect != rec["expect"]:
            fs.append(Finding("expectation changed", f"{rec['expect']} -> {claim.expect}"))
        res = results.get(claim.id)
        if res is not None and rec["verdict"] is not None and res.verdict != rec["verdict"]:
            fs.append(Finding("verdict changed", f"{rec['verdict']} -> {res.verdict} ({res.method})"))
        wc, old_wc = worsts.get(claim.id), rec["worstcase"]
        if wc is not None and old_wc is not None and "constant" in wc.evidence:
            new_c, old_c = wc.evidence["constant"], old_wc["constant"]
            if abs(new_c - old_c) > old_wc.get("rtol", CONSTANT_RTOL) * max(abs(old_c), 1e-300):
                fs.append(Finding("constant moved", f"sup of {claim.worstcase}: {old_c:.12g} -> {new_c:.12g} "
                                                    f"(tolerance {old_wc.get('rtol', CONSTANT_RTOL):g} relative)"))
        if len(fs) > 1 and fs[0].kind == "unchanged":
            fs = fs[1:]
        report.claims[claim.id] = fs
    ids = {c.id for c in claims}
    for cid in sorted(set(golden) - ids):
        report.claims[cid] = [Finding("vanished", "in the snapshot but no longer defined (renamed or deleted?)")]
    return report


def subjects(claims, derivations=()) -> list:
    """What a snapshot records: the claims, and every step of the derivations as the claim `<id>.step<i>`, so that
    a rewritten step is compared like any claim."""
    return [*claims, *(c for d in derivations for c in d.step_claims)]


def unexpected(claims, derivations, results: dict) -> list[str]:
    """Ids (of claims and derivations) whose results are missing or not as expected: a golden file must not record
    an ERROR or an INCONCLUSIVE as the baseline. A derivation is judged as a whole (its weakest step)."""
    from .derive import weakest

    bad = [c.id for c in claims if c.id not in results or not results[c.id].as_expected]
    for d in derivations:
        steps = [results.get(c.id) for c in d.step_claims]
        if None in steps:
            bad.append(d.id)
            continue
        verdict = weakest(r.verdict for r in steps)
        if (verdict == "VIOLATED") != (d.expect == "VIOLATED") or verdict in ("ERROR", "INCONCLUSIVE"):
            bad.append(d.id)
    return bad


def worst_cases(claims, seed: int = 0) -> dict:
    """The worst-case constant of every claim with a worst-case program, at grid point 0."""
    from .worstcase import run_worstcase

    return {c.id: run_worstcase(c, seed=seed) for c in claims if c.worstcase}


def check_snapshot(path: str | Path, claims, derivations=()) -> Report:
    """The pytest plugin's entry: statements, hypotheses, provenance and worst-case constants against `path`."""
    claims = subjects(claims, derivations)
    return compare(load(path), claims, worsts=worst_cases(claims))
