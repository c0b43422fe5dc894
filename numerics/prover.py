"""The layered prover for analytic claims (and derivation steps): cheap exact layers first, rigorous numerics last.

1. identity        `=` claims: the difference simplifies to 0 (several simplifiers; hypotheses x < y used by
                   writing y = x + t, t > 0); constants are decided exactly.
2. signs           `<=`, `<`, `>=`, `>`: the gap (rhs - lhs or lhs - rhs) is shown > 0 / >= 0 by sign rules under
                   the domains and hypotheses (`boundlab.numerics.signs`).
3. z3              polynomial gaps (after clearing a denominator) with polynomial hypotheses: unsat of the negation.
4. monotonicity    for tight inequalities, where interval splitting cannot terminate: in one variable x, the gap
                   is monotone on each side of a point x0 where its derivative changes sign (or on the whole
                   domain), and its value at x0 (or at the domain's end) is proved recursively: gap(x) >= gap(x0) >= 0.
5. intervals       rigorous branch and bound with arb balls over the domain box (`boundlab.numerics.intervals`).

Every proof carries a certificate (JSON) that `tests/numerics/certificate_checker.py` replays independently.
Soundness is the rule: a layer that is not sure returns None; the claim then goes to falsification.
"""
from __future__ import annotations

import dataclasses
import math
import time

import sympy as sp

from boundlab.theory.claim import Claim
from boundlab.theory.symbols import Domain

from .intervals import exact_decimals, float_ball
from .limits import TimeLimitExceeded, time_limit
from .signs import Facts, SignProver, domain_end, number_sign, relation_fact

SIMPLIFIERS = {
    "simplify": sp.simplify,
    "powsimp": lambda e: sp.simplify(sp.powsimp(sp.powdenest(e))),
    "expand_log": lambda e: sp.simplify(sp.expand_log(e)),
    "gammasimp": lambda e: sp.simplify(sp.gammasimp(sp.combsimp(e))),
    "expand": lambda e: sp.simplify(sp.expand(sp.powsimp(e))),
}
MONOTONE_DEPTH = 2
SECONDS = 8.0  # a claim's time budget by default (property-based test runs lower it to check many claims)
SYMBOLIC_SHARE = 0.5  # of a claim's time budget, for the sign and monotonicity layers
_DEADLINE = [math.inf]  # when the current proof attempt must give up


def _left() -> float:
    return _DEADLINE[0] - time.perf_counter()


def _within_time(deadline: float, layer, goal):
    """layer(goal) by the wall-clock `deadline`, which the layer's own loops watch through `_left()`, and under a
    CPU limit of the same length and a second more, for a SymPy call that never returns to those loops (solve
    building a minimal polynomial): a runaway layer gives up, and the next layer has its turn."""
    left = min(_DEADLINE[0], deadline) - time.perf_counter()
    if left <= 0:
        return None
    saved, _DEADLINE[0] = _DEADLINE[0], min(_DEADLINE[0], deadline)
    try:
        with time_limit(left + 1.0):
            return layer(goal)
    except TimeLimitExceeded:
        return None
    finally:
        _DEADLINE[0] = saved


def _signer(facts: Facts) -> SignProver:
    """A sign prover with at most 2 s, and no more than the attempt has left."""
    return SignProver(facts, seconds=max(0.0, min(2.0, _left())))


@dataclasses.dataclass
class Proof:
    method: str
    certificate: dict


@dataclasses.dataclass
class Goal:
    """What to prove: gap >= 0 (gap > 0 if strict), or gap == 0 when `equality`, for every point of the domains
    that satisfies the hypotheses."""

    gap: sp.Expr
    strict: bool
    equality: bool
    domains: dict[sp.Symbol, Domain]
    hypotheses: list

    @classmethod
    def of(cls, claim: Claim) -> "Goal":
        """The claim's goal, its conjunctions split into their relations, its decimals exact (0.7 is 7/10), and
        each longer Float (SymPy's 15-digit rounding of a constant such as sqrt(1.5)) a symbol ranging over the
        numbers in its ball (`intervals.float_ball`, rounded outward to doubles): no layer then proves anything from a
        rounding error."""
        lhs, rhs = exact_decimals(claim.left.expr), exact_decimals(claim.right.expr)
        gap = lhs - rhs if claim.rel in (">=", ">", "=") else rhs - lhs
        hypotheses = [exact_decimals(r) for h in claim.conditions
                      for r in (h.expr.args if isinstance(h.expr, sp.And) else [h.expr])]
        domains = {p.symbol: p.domain for p in claim.params}
        taken = {str(s) for s in domains}
        for k, f in enumerate(sorted({f for e in (gap, *hypotheses) for f in e.atoms(sp.Float)}, key=float)):
            name = f"float_{k}"
            while name in taken:
                name += "_"
            ball = float_ball(f)
            lo, hi = math.nextafter(float(ball.lower()), -math.inf), math.nextafter(float(ball.upper()), math.inf)
            c = sp.Symbol(name, positive=True) if lo > 0 else sp.Symbol(name, negative=True)
            gap, hypotheses = gap.xreplace({f: c}), [h.xreplace({f: c}) for h in hypotheses]
            domains[c] = Domain(lo, hi)
        return cls(gap, claim.rel in ("<", ">"), claim.rel == "=", domains, [h for h in hypotheses if h is not sp.true])

    def header(self) -> dict:
        """The statement every certificate proves, for the checker."""
        return {"gap": sp.sstr(self.gap), "relation": "= 0" if self.equality else ("> 0" if self.strict else ">= 0"),
                "symbols": {str(s): {"assumptions": _assumptions(s), "lo": _num(d.lo), "hi": _num(d.hi),
                                     "lo_open": d.lo_open, "hi_open": d.hi_open, "integer": d.integer}
                            for s, d in self.domains.items()},
                "hypotheses": [sp.sstr(h) for h in self.hypotheses]}


def _assumptions(s: sp.Symbol) -> dict:
    return {k: v for k, v in s.assumptions0.items() if k in ("real", "positive", "nonnegative", "integer") and v}


def _num(v: float):
    return v if math.isfinite(v) else ("oo" if v > 0 else "-oo")


def prove(claim: Claim, seconds: float | None = None) -> Proof | None:
    """A proof of an analytic claim under its domains and hypotheses, or None (`seconds`: SECONDS by default)."""
    seconds = SECONDS if seconds is None else seconds
    if claim.rel == "!=":  # lhs != rhs everywhere: the gap keeps one strict sign, one way round or the other
        return next((p for rel in (">", "<") if (p := prove(dataclasses.replace(claim, rel=rel), seconds / 2))), None)
    if has_infinity(claim):
        return _extended(claim)
    goal = Goal.of(claim)
    if sp.false in goal.hypotheses:  # the decimals contradict each other: no statement worth a (vacuous) proof
        return None
    start = time.perf_counter()
    end, symbolic = start + seconds, start + SYMBOLIC_SHARE * seconds  # monotonicity leaves time for the intervals
    _DEADLINE[0] = end
    layers = [(_identity, end)] if goal.equality else [
        (_signs, end), (_z3, end), (_monotone, symbolic), (lambda g: _intervals(g, _left()), end)]
    proof = next((p for layer, until in layers if (p := _within_time(until, layer, goal)) is not None), None)
    if proof is not None:
        proof.certificate = {**goal.header(), **proof.certificate}
    return proof


# ---- infinities ----------------------------------------------------------------------------------------------
INFINITIES = (sp.oo, -sp.oo, sp.zoo, sp.nan)


def has_infinity(claim: Claim) -> bool:
    """Whether a side is or holds an infinity (oo, or a limit that SymPy evaluated to oo): lhs - rhs is then no
    gap (oo - oo is nan), and the claim is decided in the extended reals."""
    return any(side.expr.has(*INFINITIES) for side in (claim.left, claim.right))


def _extended(claim: Claim) -> Proof | None:
    """A proof of a claim between constants of the extended reals (oo = oo, limit(1/x, x, 0, '+') > 10**6): SymPy
    decides such a relation exactly. Sides that still depend on the parameters are not proved (None)."""
    lhs, rhs = exact_decimals(claim.left.expr), exact_decimals(claim.right.expr)
    if lhs.free_symbols or rhs.free_symbols or lhs.has(sp.nan, sp.zoo) or rhs.has(sp.nan, sp.zoo):
        return None
    if sp.Rel(lhs, rhs, "==" if claim.rel == "=" else claim.rel) is not sp.true:
        return None
    return Proof("exact evaluation (extended reals)",
                 {"kind": "extended", "lhs": sp.sstr(lhs), "rhs": sp.sstr(rhs), "relation": claim.rel})


# ---- identities ----------------------------------------------------------------------------------------------
SLACK = "t_slack"  # the name of the slack variable of a substitution y = x + t


def slack_substitutions(goal: Goal) -> list[dict]:
    """For each hypothesis that is affine with coefficient +-1 in some symbol y (y > x, y >= x, y < x, ...): the
    substitution y -> x + t (or x - t) with t > 0 (>= 0). Proving the claim for every t and every value of the
    other symbols proves it on a superset of the claim's domain, so the proof is sound (y's domain is dropped)."""
    out = []
    for h in goal.hypotheses:
        fact = relation_fact(h)
        if fact is None:
            continue
        expr, strict = fact  # expr > 0 (>= 0)
        t = sp.Symbol(SLACK, positive=True) if strict else sp.Symbol(SLACK, nonnegative=True)
        for sym in sorted(expr.free_symbols, key=str):
            coeff = expr.coeff(sym)
            rest = expr - coeff * sym
            if coeff in (1, -1) and sym not in rest.free_symbols:
                value = sp.expand((t - rest) / coeff)  # coeff*sym + rest = t
                out.append({"symbol": sym, "value": value, "slack": t, "strict": strict})
    return out


def _substitution_json(sub: dict) -> dict:
    return {"symbol": str(sub["symbol"]), "value": sp.sstr(sub["value"]), "slack": SLACK, "strict": sub["strict"],
            "text": f"{sub['symbol']} = {sp.sstr(sub['value']).replace(SLACK, 't')}, t {'>' if sub['strict'] else '>='} 0"}


def _identity(goal: Goal) -> Proof | None:
    diff = goal.gap
    if not diff.free_symbols:  # not nsimplify: it rounds, and calls exp(-100)*zeta(3) zero
        if sp.simplify(diff) == 0:
            return Proof("exact symbolic", {"kind": "identity", "difference": sp.sstr(diff), "simplifier": "simplify"})
        return None
    for sub in [None] + slack_substitutions(goal):
        expr = diff.subs(sub["symbol"], sub["value"]) if sub else diff
        for name, fn in SIMPLIFIERS.items():
            try:
                zero = fn(expr) == 0
            except (NotImplementedError, ValueError, TypeError, sp.PolynomialError):
                zero = False
            if zero:
                cert = {"kind": "identity", "difference": sp.sstr(expr), "simplifier": name}
                if sub:
                    cert["substitution"] = _substitution_json(sub)
                return Proof("exact symbolic", cert)
    return None


# ---- sign rules --------------------------------------------------------------------------------------------
def _signs(goal: Goal) -> Proof | None:
    if not goal.gap.free_symbols:
        s = number_sign(goal.gap)
        if s == 1 or (s == 0 and not goal.strict):
            return Proof("exact evaluation", {"kind": "constant"})
        return None
    facts = Facts.of(goal.domains, goal.hypotheses)
    tree = _signer(facts).prove(goal.gap, goal.strict)
    if tree is not None:
        return Proof("sign rules", {"kind": "sign", "tree": tree})
    for sub in slack_substitutions(goal):
        y, t = sub["symbol"], sub["slack"]
        gap = goal.gap.subs(y, sub["value"])
        domains = {**{s: d for s, d in goal.domains.items() if s != y},
                   t: Domain(0, math.inf, lo_open=sub["strict"], hi_open=True)}
        others = [h.subs(y, sub["value"]) for h in goal.hypotheses]
        tree = _signer(Facts.of(domains, [h for h in others if isinstance(h, sp.Rel)])).prove(gap, goal.strict)
        if tree is not None:
            return Proof("sign rules", {"kind": "sign", "tree": tree, "substitution": _substitution_json(sub)})
    return None


# ---- monotonicity --------------------------------------------------------------------------------------------
def _monotone(goal: Goal) -> Proof | None:
    facts = Facts.of(goal.domains, goal.hypotheses)
    node = _monotone_node(goal.gap, goal.strict, facts, MONOTONE_DEPTH)
    return Proof("monotonicity", {"kind": "monotone", "argument": node}) if node is not None else None


def _prove_rec(e, strict: bool, facts: Facts, depth: int) -> dict | None:
    """A sign tree, or a monotonicity argument one level down."""
    tree = _signer(facts).prove(e, strict)
    if tree is not None:
        return {"kind": "sign", "tree": tree}
    return _monotone_node(e, strict, facts, depth - 1) if depth > 0 else None


def _x_facts(x, facts: Facts) -> list | None:
    """The facts that involve x, when all are affine in x (so they cut an interval out of x's line), else None."""
    out = [(f, st) for f, st in facts.known if x in f.free_symbols]
    for f, _ in out:
        if sp.diff(f, x).has(x):
            return None
    return out


def _within(x, point, x_facts, facts: Facts) -> list | None:
    """Proofs that x = point lies in the closure of the interval the facts cut out (every fact >= 0 there)."""
    proofs = []
    for f, _ in x_facts:
        value = sp.simplify(f.subs(x, point))
        if not value.free_symbols:
            if number_sign(value) not in (0, 1):
                return None
            proofs.append({"fact": sp.sstr(f), "at_point": sp.sstr(value)})
            continue
        tree = _signer(Facts(facts.domains, [k for k in facts.known if x not in k[0].free_symbols])).prove(
            value, False)
        if tree is None:
            return None
        proofs.append({"fact": sp.sstr(f), "at_point": sp.sstr(value), "tree": tree})
    return proofs


def _critical_points(numerator, x) -> list:
    """Closed-form zeros of a derivative's numerator in x, when SymPy finds them cheaply (a polynomial of degree
    at most 2 in x, or a small transcendental expression); the argument only needs them as candidate points."""
    try:
        poly = sp.Poly(numerator, x)
        cheap = poly.degree() <= 2
    except sp.PolynomialError:
        cheap = sp.count_ops(numerator) <= 25
    if not cheap:
        return []
    try:
        return sp.solve(numerator, x)[:3]
    except Exception:  # noqa: BLE001 - SymPy's solver fails in many ways (an AttributeError on sign(x + 1/10))
        return []


def _monotone_node(gap, strict: bool, facts: Facts, depth: int) -> dict | None:
    """gap >= 0 (> 0) by monotonicity in one variable x, whose facts cut an interval out of its line:
    either the derivative has one sign there and the gap is >= 0 at the interval's finite end, or the
    derivative is <= 0 before a point x0 of the interval and >= 0 after it, and gap(x0) >= 0."""
    for x in sorted(gap.free_symbols, key=str):
        if _left() <= 0:
            return None
        dom = facts.domains.get(x)
        x_facts = _x_facts(x, facts) if dom is not None else None
        if x_facts is None:
            continue
        deriv = sp.together(sp.diff(gap, x))
        if deriv == 0:
            continue
        for direction, end in ((1, dom.lo), (-1, dom.hi)):
            if not math.isfinite(end):
                continue
            point = domain_end(end)
            inside = _within(x, point, x_facts, facts)
            mono = _prove_rec(direction * deriv, False, facts, depth) if inside is not None else None
            at = _end_value(gap, x, point, strict, facts, depth) if mono is not None else None
            if at is not None:
                return {"kind": "monotone", "variable": str(x), "derivative": sp.sstr(deriv),
                        "direction": "increasing" if direction == 1 else "decreasing", "at": sp.sstr(point),
                        "monotone": mono, "value": at, "inside": inside}
        roots = _critical_points(sp.numer(deriv), x)
        for x0 in roots:
            if _left() <= 0:
                return None
            if x0.is_real is False or x0.has(x):
                continue
            inside = _within(x, x0, x_facts, facts)
            right = _prove_rec(deriv, False, facts.with_fact(x - x0, False), depth) if inside is not None else None
            left = _prove_rec(-deriv, False, facts.with_fact(x0 - x, False), depth) if right is not None else None
            if left is None:
                continue
            value = sp.simplify(gap.subs(x, x0))
            at = _end_value(gap, x, x0, strict, facts, depth)
            if at is not None:
                return {"kind": "critical point", "variable": str(x), "derivative": sp.sstr(deriv),
                        "point": sp.sstr(x0), "value_at_point": sp.sstr(value), "increasing_after": right,
                        "decreasing_before": left, "value": at, "inside": inside}
    return None


def _end_value(gap, x, point, strict: bool, facts: Facts, depth: int) -> dict | None:
    """A proof that gap at x = point is >= 0 (> 0), in the remaining variables."""
    value = sp.simplify(gap.subs(x, point))
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    if not value.free_symbols:
        s = number_sign(value)
        return {"kind": "constant", "at_point": sp.sstr(value)} if s == 1 or (s == 0 and not strict) else None
    rest = Facts(facts.domains, [k for k in facts.known if x not in k[0].free_symbols])
    node = _prove_rec(value, strict, rest, depth)
    # "at_point", not "value": a nested monotone argument's "value" is its own end's sub-proof
    return {**node, "at_point": sp.sstr(value)} if node is not None else None


# ---- z3 ------------------------------------------------------------------------------------------------------
def _z3(goal: Goal) -> Proof | None:
    from .smt import prove_polynomial

    cert = prove_polynomial(goal.gap, goal.strict, goal.domains, goal.hypotheses)
    return Proof("z3 (nonlinear real arithmetic)", cert) if cert is not None else None


# ---- intervals -----------------------------------------------------------------------------------------------
def _intervals(goal: Goal, seconds: float) -> Proof | None:
    if seconds <= 0:
        return None
    from .intervals import prove_nonnegative

    cert = prove_nonnegative(goal.gap, goal.domains, goal.hypotheses, strict=goal.strict, seconds=seconds)
    if cert is None:
        return None
    return Proof("interval branch and bound (arb)", {"kind": "boxes", "boxes": cert})


def describe(cert: dict) -> str:
    """One line saying what a certificate shows."""
    kind = cert.get("kind")
    with_subs = f", with {cert['substitution']['text']}" if cert.get("substitution") else ""
    if kind == "identity":
        return f"{cert['simplifier']}(lhs - rhs) = 0{with_subs}"
    if kind == "constant":
        return "exact evaluation of a constant (arb ball)"
    if kind == "extended":
        return f"{cert['lhs']} {cert['relation']} {cert['rhs']} in the extended reals"
    if kind == "sign":
        return f"sign rules ({_count(cert['tree'])} steps, top rule: {cert['tree']['rule']}){with_subs}"
    if kind == "monotone":
        arg = cert["argument"]
        if arg["kind"] == "critical point":
            return f"monotone in {arg['variable']} on each side of {arg['point']}, where the gap is {arg['value_at_point']}"
        return f"{arg['direction']} in {arg['variable']}, gap >= 0 at {arg['variable']} = {arg['at']}"
    if kind == "z3":
        return "z3: the negation is unsatisfiable (nonlinear real arithmetic)"
    if kind == "boxes":
        boxes = cert["boxes"]
        return f"interval branch and bound: {len(boxes['boxes'])} boxes" + (
            f" after {', '.join(f'{k} = {v}' for k, v in boxes['transform'].items())}" if boxes.get("transform")
            else "")
    return str(kind)


def _count(tree: dict) -> int:
    return 1 + sum(_count(c) for c in tree.get("children", ()))
