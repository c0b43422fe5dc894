"""Mutation testing of the checker: small wrong versions of each claim, and whether `check` catches them.

A mutant changes one thing (a constant halved or doubled, an exponent scaled by 3/4 or 5/4, a term or factor
dropped, log(x) turned into log(1/x), a square root removed, the relation reversed, a hypothesis dropped) and keeps
the claim's id, so an empirical mutant is decided on the very instances its original was (the measurements are
reused, only the formula changes). Outcomes:

    killed      VIOLATED: the checker caught the slip
    survived    not refuted, and not shown to be true: listed with the likely reason
    true        the mutant is itself a true statement, so no checker may refute it: PROVED by the prover, or
                implied by the original (its bound is weaker, shown by the prover), or an algebraic rewrite
    invalid     the mutant is malformed (ERROR: e.g. a division by zero at the grid points)

kill rate = killed / (killed + survived). Only claims that hold and come out as expected are mutated.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import sympy as sp

from boundlab.theory.claim import Claim, ClaimError
from boundlab.theory.provenance import Provenance

from .check import check
from .measure import reuse_measurements
from boundlab.numerics.limits import TimeLimitExceeded, time_limit
from .verdict import ERROR, PROVED, VIOLATED

REVERSED = {"<=": ">=", ">=": "<=", "<": ">", ">": "<"}
HOLDS = ("PROVED", "CERTIFIED", "CONSISTENT")


@dataclass
class Mutant:
    operator: str
    where: str  # "lhs", "rhs", "relation" or "hypotheses"
    description: str
    claim: Claim
    outcome: str = ""
    verdict: str = ""
    reason: str = ""

    def to_json(self) -> dict:
        return {"operator": self.operator, "where": self.where, "description": self.description,
                "outcome": self.outcome, "verdict": self.verdict, "reason": self.reason}


@dataclass
class ClaimReport:
    id: str
    original: str
    mutants: list[Mutant] = field(default_factory=list)
    skipped: str = ""
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(m.outcome == outcome for m in self.mutants)

    def to_json(self) -> dict:
        return {"id": self.id, "original_verdict": self.original, "skipped": self.skipped,
                "seconds": round(self.seconds, 2), **{k: self.count(k) for k in ("killed", "survived", "true",
                                                                               "invalid")},
                "mutants": [m.to_json() for m in self.mutants]}


# ---- mutation operators on one expression -------------------------------------------------------------------
def _rebuild(expr, args):
    try:
        return expr.func(*args)
    except Exception:  # noqa: BLE001 - some heads cannot be rebuilt from arbitrary arguments: no mutant there
        return None


def _local(expr, parent):
    """Mutations of the node `expr` itself: (operator, description, replacement)."""
    out = []
    if expr.is_Number and expr not in (sp.S.Zero, sp.S.NegativeOne) and (
            expr is not sp.S.One or isinstance(parent, sp.Add)):
        out += [("constant halved", f"{expr} -> {expr / 2}", expr / 2),
                ("constant doubled", f"{expr} -> {expr * 2}", expr * 2)]
    if isinstance(expr, sp.Pow):
        base, exp = expr.args
        if exp == sp.Rational(1, 2):
            out.append(("square root removed", f"sqrt({base}) -> {base}", base))
        elif exp == -sp.Rational(1, 2):
            out.append(("square root removed", f"1/sqrt({base}) -> 1/({base})", 1 / base))
        elif exp != -1:
            for k in (sp.Rational(3, 4), sp.Rational(5, 4)):
                out.append(("exponent perturbed", f"exponent {exp} -> {sp.nsimplify(exp * k)}", base ** (exp * k)))
    if isinstance(expr, sp.log):
        out.append(("log argument inverted", f"log({expr.args[0]}) -> log(1/({expr.args[0]}))",
                    sp.log(1 / expr.args[0])))
    if isinstance(expr, sp.Add) and len(expr.args) > 1:
        for i, a in enumerate(expr.args):
            out.append(("term dropped", f"term {a} dropped", sp.Add(*expr.args[:i], *expr.args[i + 1:])))
    if isinstance(expr, sp.Mul) and len(expr.args) > 1:
        for i, a in enumerate(expr.args):
            if not a.is_Number:
                out.append(("factor dropped", f"factor {a} dropped", sp.Mul(*expr.args[:i], *expr.args[i + 1:])))
    return out


def expression_mutants(expr) -> list[tuple[str, str, sp.Expr]]:
    """Every single-node mutation of `expr`, each rebuilt into a whole expression; no duplicates, none equal to
    the original."""
    seen, out = {expr}, []

    def walk(node, parent, rebuild):
        for op, desc, new in _local(node, parent):
            whole = rebuild(new)
            if whole is not None and whole not in seen:
                seen.add(whole)
                out.append((op, desc, whole))
        for i, child in enumerate(node.args):
            if not isinstance(child, sp.Basic) or isinstance(child, (sp.Symbol, sp.Tuple)):
                continue

            def sub(new, node=node, i=i, rebuild=rebuild):
                args = list(node.args)
                args[i] = new
                rebuilt = _rebuild(node, args)
                return None if rebuilt is None else rebuild(rebuilt)
            walk(child, node, sub)

    walk(expr, None, lambda new: new)
    return out


# ---- mutants of a claim ----------------------------------------------------------------------------------------
def _variant(claim: Claim, **changes) -> Claim | None:
    """The claim with some fields changed (re-parsed and re-validated), or None when that is malformed."""
    try:
        return dataclasses.replace(claim, **changes)
    except (ClaimError, TypeError, ValueError):  # e.g. a dropped term leaves a side that is not an expression
        return None


def claim_mutants(claim: Claim) -> list[Mutant]:
    """All mutants of a claim: each side's expression mutations, the relation reversed, each hypothesis dropped."""
    out = []
    for where, formula in (("lhs", claim.left), ("rhs", claim.right)):
        if formula is None:
            continue
        for op, desc, new in expression_mutants(formula.expr):
            mutant = _variant(claim, **{where: new})
            if mutant is not None:
                out.append(Mutant(op, where, desc, mutant))
    if claim.rel in REVERSED and claim.statistic not in ("trend",):
        mutant = _variant(claim, rel=REVERSED[claim.rel])
        if mutant is not None:
            out.append(Mutant("relation reversed", "relation", f"{claim.rel} -> {REVERSED[claim.rel]}", mutant))
    for i, h in enumerate(claim.hypotheses):
        mutant = _variant(claim, hypotheses=claim.hypotheses[:i] + claim.hypotheses[i + 1:])
        if mutant is not None:
            out.append(Mutant("hypothesis dropped", "hypotheses", f"dropped {claim.conditions[i].source}", mutant))
    return out


def _implied(claim: Claim, mutant: Mutant) -> str | None:
    """Why the mutant is true whenever the original is, when the prover can show it; else None."""
    if mutant.where == "hypotheses" or mutant.where == "relation":
        return None
    old = getattr(claim, "left" if mutant.where == "lhs" else "right").expr
    new = getattr(mutant.claim, "left" if mutant.where == "lhs" else "right").expr
    try:
        if sp.simplify(new - old) == 0:
            return "an algebraic rewrite of the original (difference simplifies to 0)"
    except Exception:  # noqa: BLE001
        return None
    if claim.rel == "=" or (new.free_symbols | old.free_symbols) - set(claim.param_symbols.values()):
        return None
    # rhs of an upper bound grown, or lhs shrunk, is implied: prove new >= old (resp. <=) over the domains
    upper = claim.rel in ("<=", "<")
    grows = (mutant.where == "rhs") == upper
    goal = _variant(claim, id=claim.id + "_implication", lhs=new, rel=">=" if grows else "<=", rhs=old,
                    statistic="value", quantities=(), scenario=None, grid=(), worstcase=None, over=(),
                    constants=(), expect="holds",
                    provenance=Provenance("derived", "mutation", "boundlab mutation testing"))
    if goal is None:
        return None
    from boundlab.numerics.prover import prove

    try:
        proof = prove(goal, seconds=4.0)
    except Exception:  # noqa: BLE001 - the prover may not handle every expression: then no claim of implication
        return None
    return None if proof is None else f"implied by the original: {goal.left.source} {goal.rel} " \
                                      f"{goal.right.source} ({proof.method})"


def _survival_reason(claim: Claim, mutant: Mutant) -> str:
    if mutant.where == "hypotheses" and claim.kind == "empirical":
        return "outside the scenario's reach: the grid points satisfy the dropped hypothesis anyway"
    if claim.kind == "analytic":
        return "no counterexample found by the falsification search, and no proof either way"
    if mutant.verdict == "INCONCLUSIVE":
        return "budget too small: the interval is wider than the claim's resolution"
    return "not refuted at the claim's grid points and budget (outside the scenario's reach or budget too small)"


MUTANT_SECONDS = 60.0  # CPU seconds: a mutant whose check runs longer is a survivor (budget), not waited for


def _judge(claim: Claim, m: Mutant, seed: int, quick: bool, seconds: float) -> None:
    res = check(m.claim, seed=seed, quick=quick, seconds=seconds)
    m.verdict = res.verdict
    if res.method == "time limit":
        m.outcome, m.reason = "survived", f"budget too small: the check ran past {seconds:g} s of CPU time"
        return
    if res.verdict == VIOLATED:
        m.outcome = "killed"
    elif res.verdict == ERROR:
        m.outcome, m.reason = "invalid", str(res.evidence.get("error", ""))[:200]
    elif res.verdict == PROVED:
        m.outcome, m.reason = "true", "the mutant is itself PROVED"
    else:
        why = _implied(claim, m)
        m.outcome, m.reason = ("true", why) if why else ("survived", _survival_reason(claim, m))


def original_report(claim: Claim, seed: int = 0, quick: bool = True) -> ClaimReport:
    """The claim's own check, and why it is not mutated (`skipped`) when it is a known-false claim or does not
    hold. Run it within `reuse_measurements()`, so that its mutants are decided on its instances."""
    original = check(claim, seed=seed, quick=quick)
    report = ClaimReport(claim.id, original.verdict)
    if claim.expect != "holds" or original.verdict not in HOLDS:
        report.skipped = ("a registered known-false claim" if claim.expect != "holds"
                          else f"the original is {original.verdict}, not a claim that holds")
    return report


def judge_mutant(claim: Claim, m: Mutant, seed: int = 0, quick: bool = True, seconds: float = MUTANT_SECONDS) -> None:
    """Set the mutant's outcome, verdict and reason: its check and implication proof within `seconds` of CPU time
    (a slower one survives); an exception makes it invalid, never stops the run."""
    try:
        with time_limit(seconds):  # the check and the implication proof together
            _judge(claim, m, seed, quick, seconds)
    except TimeLimitExceeded:
        m.outcome = "survived"
        m.verdict = m.verdict or "INCONCLUSIVE"
        m.reason = f"budget too small: the check and the implication proof ran past {seconds:g} s"
    except Exception as exc:  # noqa: BLE001 - one mutant must not stop the run
        m.outcome, m.reason = "invalid", f"{type(exc).__name__}: {exc}"[:200]


def mutate_claim(claim: Claim, seed: int = 0, quick: bool = True, seconds: float = MUTANT_SECONDS) -> ClaimReport:
    """Check the claim, then each of its mutants within `seconds` of CPU time (a slower one survives)."""
    start = time.perf_counter()
    with reuse_measurements():
        report = original_report(claim, seed, quick)
        if not report.skipped:
            for m in claim_mutants(claim):
                judge_mutant(claim, m, seed, quick, seconds)
                report.mutants.append(m)
    report.seconds = time.perf_counter() - start
    return report


def kill_rate(reports) -> tuple[int, int, float]:
    killed = sum(r.count("killed") for r in reports)
    survived = sum(r.count("survived") for r in reports)
    return killed, survived, (killed / (killed + survived) if killed + survived else float("nan"))
