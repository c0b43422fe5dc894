"""What the prover proves: a claim's goal, a proof with its certificate, and the substitutions y = x + t that a
hypothesis x < y allows."""
from __future__ import annotations

import dataclasses
import math

import sympy as sp

from boundlab.theory.claim import Claim
from boundlab.theory.symbols import Domain

from ..intervals import exact_decimals, float_ball
from ..signs import relation_fact

INFINITIES = (sp.oo, -sp.oo, sp.zoo, sp.nan)
SLACK = "t_slack"  # the name of the slack variable of a substitution y = x + t


@dataclasses.dataclass
class Proof:
    method: str
    certificate: dict


@dataclasses.dataclass
class Goal:
    """What to prove: gap >= 0 (gap > 0 if strict), or gap == 0 when `equality`, for every point of the domains
    that satisfies the hypotheses. When a side of the claim is or holds an infinity (oo, or a limit that SymPy
    evaluated to oo), lhs - rhs is no gap (oo - oo is nan): `sides` is then (lhs, relation, rhs), to be decided in
    the extended reals."""

    gap: sp.Expr
    strict: bool
    equality: bool
    domains: dict[sp.Symbol, Domain]
    hypotheses: list
    sides: tuple[sp.Expr, str, sp.Expr] | None = None

    @property
    def extended(self) -> bool:
        return self.sides is not None

    @property
    def inequality(self) -> bool:
        """gap >= 0 or gap > 0 over the reals."""
        return not self.extended and not self.equality

    @classmethod
    def of(cls, claim: Claim) -> "Goal":
        """The claim's goal, its conjunctions split into their relations, its decimals exact (0.7 is 7/10), and
        each longer Float (SymPy's 15-digit rounding of a constant such as sqrt(1.5)) a symbol ranging over the
        numbers in its ball (`intervals.float_ball`, rounded outward to doubles): no layer then proves anything from a
        rounding error."""
        lhs, rhs = exact_decimals(claim.left.expr), exact_decimals(claim.right.expr)
        strict, equality = claim.rel in ("<", ">"), claim.rel == "="
        domains = {p.symbol: p.domain for p in claim.params}
        if lhs.has(*INFINITIES) or rhs.has(*INFINITIES):
            return cls(sp.nan, strict, equality, domains, [], (lhs, claim.rel, rhs))
        lhs, rhs = _exponentials(lhs), _exponentials(rhs)
        gap = lhs - rhs if claim.rel in (">=", ">", "=") else rhs - lhs
        hypotheses = [_exponentials(exact_decimals(r)) for h in claim.conditions
                      for r in (h.expr.args if isinstance(h.expr, sp.And) else [h.expr])]
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
        return cls(gap, strict, equality, domains, [_rounding_dropped(h) for h in hypotheses if h is not sp.true])

    def header(self) -> dict:
        """The statement every certificate proves, for the checker (none in the extended reals: a certificate there
        states its sides)."""
        if self.extended:
            return {}
        return {"gap": sp.sstr(self.gap), "relation": "= 0" if self.equality else ("> 0" if self.strict else ">= 0"),
                "symbols": {str(s): {"assumptions": _assumptions(s), "lo": _num(d.lo), "hi": _num(d.hi),
                                     "lo_open": d.lo_open, "hi_open": d.hi_open, "integer": d.integer}
                            for s, d in self.domains.items()},
                "hypotheses": [sp.sstr(h) for h in self.hypotheses]}


def _exponentials(e):
    """cosh, sinh and tanh written with exp (an identity): the lemmas and sign rules then see exp(x), exp(-x)."""
    return e.replace(lambda u: isinstance(u, (sp.cosh, sp.sinh, sp.tanh)), lambda u: u.rewrite(sp.exp))


def _rounding_dropped(h):
    """A hypothesis weakened by dropping a rounding where it can only help: ceiling(u) >= u on the smaller side of
    the relation and floor(u) <= u on the larger, each with a positive numeric coefficient (n >= ceiling(L/eps**2)
    gives n >= L/eps**2). The goal then holds under weaker hypotheses, which proves the claim."""
    fact = relation_fact(h)
    if fact is None:
        return h
    expr, strict = fact  # expr > 0 (>= 0): the larger side minus the smaller
    for atom in expr.atoms(sp.ceiling, sp.floor):
        c = expr.coeff(atom)
        rest = expr - c * atom
        if atom in rest.free_symbols or rest.has(atom) or not c.is_number:
            continue
        if (isinstance(atom, sp.ceiling) and c < 0) or (isinstance(atom, sp.floor) and c > 0):
            expr = rest + c * atom.args[0]
    if expr == fact[0]:
        return h
    return sp.StrictGreaterThan(expr, 0) if strict else sp.GreaterThan(expr, 0)


def _assumptions(s: sp.Symbol) -> dict:
    return {k: v for k, v in s.assumptions0.items() if k in ("real", "positive", "nonnegative", "integer") and v}


def _num(v: float):
    return v if math.isfinite(v) else ("oo" if v > 0 else "-oo")


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


def substitution_json(sub: dict) -> dict:
    """A substitution as a certificate records it."""
    value = sp.sstr(sub["value"])
    return {"symbol": str(sub["symbol"]), "value": value, "slack": SLACK, "strict": sub["strict"],
            "text": f"{sub['symbol']} = {value.replace(SLACK, 't')}, t {'>' if sub['strict'] else '>='} 0"}


def with_substitution(cert: dict) -> str:
    """The note ', with y = x + t, t > 0' when the certificate proves the goal after a substitution, else ''."""
    return f", with {cert['substitution']['text']}" if cert.get("substitution") else ""
