"""The layered prover for analytic claims (and derivation steps): cheap exact layers first, rigorous numerics last.

Each layer is one module of this package, a `Layer` (which goals it accepts, a proof within a `Budget`, a line
describing its certificates); `LAYERS` tries them in this order, and the first proof wins:

extended    a claim between constants of the extended reals (a side is or holds oo): SymPy decides it exactly.
identity    `=` claims: the difference simplifies to 0 (several simplifiers; hypotheses x < y used by writing
            y = x + t, t > 0); constants are decided exactly.
lambert     a gap holding the Lambert W function of one variable x: the change of variables w = W_k(z(x)),
            x = g(w*exp(w)), gives a goal in w on the branch's range, proved by all the layers.
cases       a gap holding min, max or |u|: one goal per case (Min(a, b) is a where a <= b, b where b <= a),
            each proved by all the layers; a closed domain end where a power's base is 0 is a case of its own.
signs       `<=`, `<`, `>=`, `>`: the gap (rhs - lhs or lhs - rhs) is shown > 0 / >= 0 by sign rules under the
            domains and hypotheses (`boundlab.numerics.signs`).
smt         polynomial gaps (after clearing a denominator) with polynomial hypotheses: z3 finds the negation unsat.
quick       the monotonicity argument (below) with the sign rules alone, before the costly reductions.
homogeneous a gap homogeneous in variables whose domains are cones (gap(t*x) = t**k*gap(x), t > 0), under facts the
            scaling keeps, is proved with one of them set to 1, one variable fewer (weighted AM-GM, Jensen).
lemmas      classical one-variable bounds (log(y) <= y - 1, exp(y) >= 1 + y, ...: a library of catalogue claims)
            substituted for log(u) or exp(u) where the gap is monotone in it, after comparing logarithms of a
            difference of positive powers; each use cites the lemma's own certificate.
monotone    for tight inequalities, where interval splitting cannot terminate: the gap is monotone on each side of a
            point x0 (or on the whole domain), and its value there is proved recursively: gap(x) >= gap(x0) >= 0;
            or it rises then falls and is >= 0 at both ends; or, by cases, its minimum is at x0 or at an end.
intervals   rigorous branch and bound with arb balls over the domain box (`boundlab.numerics.intervals`).

A new layer is a module here with a `Layer` subclass, and one line in `LAYERS`; its tests are a column of the
known-answer table in tests/numerics/test_layers.py and, for a new kind of certificate, its replay in
tests/numerics/certificate_checker.py (`REPLAYS`). A layer that caches work across calls uses
`boundlab.numerics.limits.task_cache`, emptied before each task, so that no proof depends on what ran before it.

Every proof carries a certificate (JSON: the goal's header, then the layer's part) that
`tests/numerics/certificate_checker.py` replays independently. Soundness is the rule: a layer that is not sure
returns None; a claim no layer proves goes to falsification.
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from boundlab.theory.claim import Claim

from .cases import Cases
from .extended import Extended
from .goal import INFINITIES, Goal, Proof
from .homogeneous import Homogeneous
from .identity import Identity
from .intervals import Intervals
from .lambert import Lambert
from .layer import Budget, Layer
from .lemmas import Lemmas, library
from .monotone import Monotone, QuickMonotone
from .signs import Signs
from .smt import Smt

__all__ = ["INFINITIES", "LAYERS", "SECONDS", "Budget", "Goal", "Layer", "Proof", "describe", "prove", "prove_goal"]

SECONDS = 8.0  # a claim's time budget by default (property-based test runs lower it to check many claims)
#: the layers in the order they are tried
LAYERS: list[Layer] = [Extended(), Identity(), Lambert(), Cases(), Signs(), Smt(), QuickMonotone(), Homogeneous(),
                       Lemmas(), Monotone(), Intervals()]


def prove(claim: Claim, seconds: float | None = None) -> Proof | None:
    """A proof of an analytic claim under its domains and hypotheses, or None (`seconds`: SECONDS by default)."""
    seconds = SECONDS if seconds is None else seconds
    if claim.rel == "!=":  # lhs != rhs everywhere: the gap keeps one strict sign, one way round or the other
        return next((p for rel in (">", "<") if (p := prove(dataclasses.replace(claim, rel=rel), seconds / 2))), None)
    goal = Goal.of(claim)
    if sp.false in goal.hypotheses:  # the decimals contradict each other: no statement worth a (vacuous) proof
        return None
    library()  # the lemma library imports the catalogue once per process (about a second): not the claim's time
    return prove_goal(goal, Budget(seconds))


def prove_goal(goal: Goal, budget: Budget) -> Proof | None:
    """The first layer's proof of the goal within the budget, its certificate headed by the goal's statement."""
    proof = next((p for layer in LAYERS if (p := budget.run(layer, goal)) is not None), None)
    if proof is not None:
        proof.certificate = {**goal.header(), **proof.certificate}
    return proof


def describe(cert: dict) -> str:
    """One line saying what a certificate shows, in the words of the layer that writes its kind."""
    kind = cert.get("kind")
    layer = next((layer for layer in LAYERS if kind in layer.kinds), None)
    return layer.describe(cert) if layer is not None else str(kind)
