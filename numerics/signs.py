"""Sign reasoning where SymPy's assumptions give up: prove `e > 0` or `e >= 0` from parameter domains and
hypotheses, with a proof tree that `tests/numerics/certificate_checker.py` replays rule by rule.

Facts are what the domains and hypotheses say: x in (lo, hi) gives x - lo > 0 and hi - x > 0; a hypothesis
`a*b*d > s` gives a*b*d - s > 0. Rules (each a node of the proof tree):

- number      a closed-form constant whose sign a rigorous enclosure (arb) decides;
- fact        e is a positive multiple of a fact (a domain end or a hypothesis);
- sum         every term >= 0 (and one > 0 for a strict claim);
- product     every factor > 0 (>= 0 for a non-strict claim), or an even number of them < 0 (<= 0) and the rest > 0;
- power       b**p with b > 0, or b >= 0 and p > 0, or an even integer p; exp(x) > 0;
- log         log(a) with a - 1 > 0 (>= 0);
- monotone    f(A) - f(B) for increasing f (exp, log, x**p with p > 0 on x >= 0) has the sign of A - B;
- squares     A - B with A, B >= 0 has the sign of A**2 - B**2 (for square roots);
- logs        A - B with A, B products of powers of positive bases has the sign of log A - log B, written out as
              sums of exponent * log(base) (for symbolic exponents and exp: Bernoulli, AM-GM, concave powers);
- quotient    N/D with N >= 0 (> 0) and D > 0;
- rewrite     e equals another form (together, factor, expand, logcombine) that is proved.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import sympy as sp

from boundlab.theory.symbols import Domain
from .sampling import refuted

MAX_DEPTH = 14
MAX_REWRITES = 3  # rewrites in a row
MAX_OPS = 120  # expressions larger than this are not factored or expanded (SymPy can take minutes)
MAX_DIGITS = 10 ** 6  # nor those with a number whose numerator or denominator is above this (long decimals)
MAX_POWER = 24  # nor those with a power whose exponent holds a number above this: (1 + 1/z)**999 has 1000 terms


def domain_end(v: float) -> sp.Rational:
    """A finite domain end as the decimal it prints as (0.1 is 1/10), as the interval layer reads it. Not
    nsimplify's guess: that reads the end 0.4054651081081636 of a rounded constant's ball as log(3/2), a fact
    stronger than the domain."""
    return sp.Rational(repr(float(v)))


@dataclass
class Facts:
    """What is known: symbol domains and expressions known to be > 0 (strict) or >= 0."""

    domains: dict[sp.Symbol, Domain]
    known: list[tuple[sp.Expr, bool]] = field(default_factory=list)  # (expr, strict): expr > 0 or expr >= 0

    @classmethod
    def of(cls, domains: dict[sp.Symbol, Domain], hypotheses=()) -> "Facts":
        """Facts from domains (both ends) and from hypotheses that are relations."""
        known = []
        for s, dom in domains.items():
            if math.isfinite(dom.lo):
                known.append((s - domain_end(dom.lo), dom.lo_open))
            if math.isfinite(dom.hi):
                known.append((domain_end(dom.hi) - s, dom.hi_open))
        for h in hypotheses:
            fact = relation_fact(h)
            if fact is not None:
                known.append(fact)
        return cls(dict(domains), known)

    def with_fact(self, expr: sp.Expr, strict: bool) -> "Facts":
        return Facts(self.domains, self.known + [(sp.sympify(expr), strict)])


def relation_fact(rel) -> tuple[sp.Expr, bool] | None:
    """A relation as (expr, strict) meaning expr > 0 (strict) or expr >= 0; None for = and !=."""
    if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
        return rel.lhs - rel.rhs, isinstance(rel, sp.StrictGreaterThan)
    if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
        return rel.rhs - rel.lhs, isinstance(rel, sp.StrictLessThan)
    return None


def number_sign(e: sp.Expr) -> int | None:
    """The sign of a closed-form constant, decided by a rigorous arb enclosure (None when undecided)."""
    # arb evaluation of SymPy expressions, from its modules: the package's branch and bound imports this module
    from .intervals.arithmetic import Unsupported
    from .intervals.compiler import enclose

    e = sp.sympify(e)
    if e.is_Rational:
        return int(sp.sign(e))
    for prec in (64, 256):
        try:
            ball = enclose(e, {}, prec=prec)
        except (Unsupported, ValueError, ZeroDivisionError):
            return None
        if ball.is_finite():
            if ball > 0:
                return 1
            if ball < 0:
                return -1
            if ball.is_exact() and ball == 0:
                return 0
    return 0 if sp.simplify(e) == 0 else None


def _node(e, strict, rule, children=(), **extra) -> dict:
    node = {"expr": sp.sstr(e), "sign": ">0" if strict else ">=0", "rule": rule}
    if children:
        node["children"] = list(children)
    node.update(extra)
    return node


class SignProver:
    """Depth-limited search for a sign proof; results are cached per (expression, strictness, facts)."""

    def __init__(self, facts: Facts, seconds: float = 2.0):
        self.facts = facts
        self.cache: dict = {}
        self.deadline = time.process_time() + seconds  # CPU time, as the prover's budgets

    def prove(self, e, strict: bool, depth: int = 0, chain: int = 0) -> dict | None:
        """`chain` counts rewrites in a row: a rewrite of a rewrite of a rewrite is not tried."""
        e = sp.sympify(e)
        key = (e, strict)
        if key in self.cache:
            return self.cache[key]
        if time.process_time() > self.deadline:
            return None
        if depth and refuted(e, self.facts):  # a sub-goal negative at a sampled point: no rule can prove it
            self.cache[key] = None
            return None
        self.cache[key] = None  # guards against rewrite cycles
        result = self._prove(e, strict, depth, chain) if depth <= MAX_DEPTH else None
        if result is None and strict is False:
            result = self.cache.get((e, True))  # e > 0 implies e >= 0
        self.cache[key] = result
        return result

    # ---- rules ----------------------------------------------------------------------------------------
    def _prove(self, e, strict, depth, chain):
        if not e.free_symbols:
            s = number_sign(e)
            if s == 1 or (s == 0 and not strict):
                return _node(e, strict, "number")
            return None
        found = self._fact(e, strict)
        if found is not None:
            return found
        for rule in (self._sum, self._product, self._power, self._log, self._monotone, self._squares, self._logs,
                     self._affine, self._fact_plus):
            node = rule(e, strict, depth)
            if node is not None:
                return node
        return self._rewrites(e, strict, depth, chain) if chain < MAX_REWRITES else None

    def _fact(self, e, strict):
        if e.is_Symbol and e in self.facts.domains:
            dom = self.facts.domains[e]
            if dom.lo > 0 or (dom.lo == 0 and (dom.lo_open or not strict)):
                return _node(e, strict, "fact", fact=f"{e} in {dom.describe()}")
        for i, (f, fs) in enumerate(self.facts.known):
            if strict and not fs:
                continue
            if f == e:
                return _node(e, strict, "fact", fact=sp.sstr(f) + (" > 0" if fs else " >= 0"), factor="1")
            if f.free_symbols and f.free_symbols == e.free_symbols and not _costly(e):
                ratio = sp.cancel(e / f)
                if ratio.is_number and number_sign(ratio) == 1:
                    return _node(e, strict, "fact", fact=sp.sstr(f) + (" > 0" if fs else " >= 0"),
                                 factor=sp.sstr(ratio))
                shift = sp.expand(e - f)  # e = fact + a constant
                if shift.is_number and (number_sign(shift) == 1 or (shift == 0 and (fs or not strict))):
                    return _node(e, strict, "fact", fact=sp.sstr(f) + (" > 0" if fs else " >= 0"),
                                 shift=sp.sstr(shift))
        return None

    def _sum(self, e, strict, depth):
        if not isinstance(e, sp.Add):
            return None
        children, any_strict = [], False
        for term in e.args:
            node = self.prove(term, True, depth + 1) if (strict and not any_strict) else None
            if node is not None:
                any_strict = True
            else:
                node = self.prove(term, False, depth + 1)
            if node is None:
                return None
            children.append(node)
        if strict and not any_strict:
            return None
        return _node(e, strict, "sum", children)

    def _product(self, e, strict, depth):
        """Every factor > 0 (>= 0); failing that, an even number of factors shown < 0 (<= 0) and the rest > 0."""
        if not isinstance(e, sp.Mul):
            return None
        factors = sp.Mul.make_args(e)
        coeff, _ = e.as_coeff_Mul()
        if not coeff.is_negative:
            children = [self.prove(f, strict, depth + 1) for f in factors]
            if all(c is not None for c in children):
                return _node(e, strict, "product", children)
        children, negated = [], []
        for i, f in enumerate(factors):
            node = self.prove(f, strict, depth + 1)
            if node is None:
                node = self.prove(-f, strict, depth + 1)
                negated.append(i)
            if node is None:
                return None
            children.append(node)
        if not negated or len(negated) % 2:
            return None
        return _node(e, strict, "product", children, negated=negated)

    def _power(self, e, strict, depth):
        if isinstance(e, sp.exp):
            return _node(e, strict, "power", kind="exp")
        if not isinstance(e, sp.Pow):
            return None
        b, p = e.base, e.exp
        node = self.prove(b, True, depth + 1)
        if node is not None:
            return _node(e, strict, "power", [node], kind="positive base")
        if p.is_integer and p.is_even and p.is_positive and not strict:
            return _node(e, strict, "power", kind="even power")
        if not strict:
            nb, npow = self.prove(b, False, depth + 1), self.prove(p, True, depth + 1)
            if nb is not None and npow is not None:
                return _node(e, strict, "power", [nb, npow], kind="nonnegative base, positive exponent")
        return None

    def _log(self, e, strict, depth):
        """log(a) > 0 when a > 1; -c log(a) > 0 (c > 0) when 0 < a < 1."""
        if isinstance(e, sp.log):
            node = self.prove(e.args[0] - 1, strict, depth + 1)
            return _node(e, strict, "log", [node]) if node is not None else None
        coeff, rest = e.as_coeff_Mul()
        if coeff.is_negative and isinstance(rest, sp.log):
            a = rest.args[0]
            below, positive = self.prove(1 - a, strict, depth + 1), self.prove(a, True, depth + 1)
            if below is not None and positive is not None:
                return _node(e, strict, "log", [below, positive], kind="negative multiple")
        return None

    def _monotone(self, e, strict, depth):
        """f(A) - f(B) with f increasing; a constant c on one side is read as f(f^-1(c))."""
        if not isinstance(e, sp.Add):
            return None
        const, terms = e.as_coeff_add()
        if const != 0:
            terms = terms + (const,)
        if len(terms) != 2:
            return None
        for pos, neg in (terms, terms[::-1]):
            pair = _increasing_pair(pos, -neg)
            if pair is None:
                continue
            kind, a, b, side, exponent = pair
            sides = [self.prove(s, True, depth + 1) for s in side]  # where f is increasing (e.g. bases > 0)
            if any(s is None for s in sides):
                continue
            node = self.prove(a - b, strict, depth + 1)
            if node is not None:
                extra = {"exponent": sp.sstr(exponent)} if kind == "power" else {}
                return _node(e, strict, "monotone", [node, *sides], function=kind, a=sp.sstr(a), b=sp.sstr(b),
                             **extra)
        return None

    def _squares(self, e, strict, depth):
        """A - B with A, B >= 0 has the sign of A**2 - B**2 (tried when e holds a square root)."""
        if not isinstance(e, sp.Add) or _costly(e) or not any(isinstance(q, sp.Pow) and q.exp == sp.S.Half
                                                              for q in e.atoms(sp.Pow)):
            return None
        plus = sp.Add(*[t for t in e.args if not t.could_extract_minus_sign()])
        minus = -sp.Add(*[t for t in e.args if t.could_extract_minus_sign()])
        if plus == 0 or minus == 0:
            return None
        a_node = self.prove(plus, False, depth + 1)
        b_node = self.prove(minus, False, depth + 1) if a_node is not None else None
        if b_node is None:
            return None
        diff = sp.expand(plus ** 2 - minus ** 2)
        node = self.prove(diff, strict, depth + 1)
        if node is None:
            return None
        return _node(e, strict, "squares", [a_node, b_node, node], a=sp.sstr(plus), b=sp.sstr(minus),
                     difference=sp.sstr(diff))

    def _logs(self, e, strict, depth):
        """A - B with A, B > 0 has the sign of log A - log B; A and B are products of powers (exp(u) is E**u) whose
        bases are shown > 0, so log A is the sum of exponent * log(base). Tried when a power has a symbolic
        exponent or exp appears: 1 - (1 + x)**(a - 1) >= 0 becomes (1 - a)*log(1 + x) >= 0."""
        if not isinstance(e, sp.Add) or not _has_symbolic_power(e) or e.has(sp.Float):  # log(2.0) is rounded
            return None
        const, terms = e.as_coeff_add()
        if const != 0:
            terms = terms + (const,)
        if len(terms) != 2:
            return None
        for pos, neg in (terms, terms[::-1]):
            a, b = pos, -neg
            bases = power_bases(a) | power_bases(b)
            children = []
            for base in sorted(bases, key=sp.default_sort_key):
                if base.is_number:
                    if number_sign(base) != 1:
                        break
                    continue
                node = self.prove(base, True, depth + 1)
                if node is None:
                    break
                children.append(node)
            else:
                difference = log_form(a) - log_form(b)
                node = self.prove(difference, strict, depth + 1)
                if node is not None:
                    return _node(e, strict, "logs", [node, *children], a=sp.sstr(a), b=sp.sstr(b),
                                 difference=sp.sstr(difference))
        return None

    def _fact_plus(self, e, strict, depth):
        """e = f + r for a known fact f >= 0 (> 0) whose subtraction leaves r in fewer variables, and r >= 0 (> 0
        unless f > 0): x - a >= 0 from x - 2*a*log(a) >= 0 and 2*a*log(a) - a >= 0."""
        if not isinstance(e, sp.Add) or _costly(e):
            return None
        for f, fs in self.facts.known:
            if not f.free_symbols or not f.free_symbols <= e.free_symbols:
                continue
            r = sp.expand(e - f)
            if r == 0 or len(r.free_symbols) >= len(e.free_symbols):
                continue
            child = self.prove(r, strict and not fs, depth + 1)
            if child is not None:
                return _node(e, strict, "fact plus", [child], fact=sp.sstr(f) + (" > 0" if fs else " >= 0"))
        return None

    def _affine(self, e, strict, depth):
        """e affine in a variable x whose domain is a bounded interval: e lies between its values at the two ends,
        so both of them > 0 (>= 0) suffice (a convex combination w + (1 - w)*b > 0 for w in [0, 1], b > 0)."""
        if not isinstance(e, sp.Add) or _costly(e):
            return None
        for x in sorted(e.free_symbols, key=str):
            dom = self.facts.domains.get(x)
            if dom is None or not (math.isfinite(dom.lo) and math.isfinite(dom.hi)):
                continue
            slope = sp.diff(e, x)
            if slope == 0 or slope.has(x):
                continue
            lo, hi = domain_end(dom.lo), domain_end(dom.hi)
            ends = [self.prove(sp.expand(e.subs(x, end)), strict, depth + 1) for end in (lo, hi)]
            if all(n is not None for n in ends):
                return _node(e, strict, "affine", ends, variable=str(x), lo=sp.sstr(lo), hi=sp.sstr(hi))
        return None

    def _rewrites(self, e, strict, depth, chain):
        forms = []
        num, den = sp.fraction(sp.together(e))
        if den != 1:
            n_node = self.prove(num, strict, depth + 1)
            d_node = self.prove(den, True, depth + 1) if n_node is not None else None
            if n_node is not None and d_node is not None:
                return _node(e, strict, "quotient", [n_node, d_node], numerator=sp.sstr(num),
                             denominator=sp.sstr(den))
            n_node = self.prove(-num, strict, depth + 1)
            d_node = self.prove(-den, True, depth + 1) if n_node is not None else None
            if n_node is not None and d_node is not None:
                return _node(e, strict, "quotient", [n_node, d_node], numerator=sp.sstr(-num),
                             denominator=sp.sstr(-den))
        if _costly(e):
            return None
        for how in (sp.factor, sp.expand, lambda x: sp.logcombine(x), sp.powsimp, sp.cancel):
            try:
                form = how(e)
            except (sp.PolynomialError, NotImplementedError, ValueError, TypeError):
                continue
            if form != e and form not in forms:
                forms.append(form)
        for form in forms:
            node = self.prove(form, strict, depth + 1, chain + 1)
            if node is not None:
                return _node(e, strict, "rewrite", [node], form=sp.sstr(form))
        return None


def _costly(e) -> bool:
    """Whether SymPy's algebra (factor, expand, cancel) on e could take minutes, or all memory: a long decimal r
    (6931471805599452978/10**19) makes exp(r) a polynomial generator of that degree and r*log(2) the power 2**r."""
    return sp.count_ops(e) > MAX_OPS or any(abs(r.p) > MAX_POWER for q in e.atoms(sp.Pow)
                                            for r in q.exp.atoms(sp.Rational)) or any(
        max(abs(r.p), r.q) > MAX_DIGITS for r in e.atoms(sp.Rational))


def log_form(a) -> sp.Expr:
    """log a for a product of powers with positive bases: the sum of exponent * log(base), log(E) being 1, a base
    that is itself a product of powers read the same way ((e**x/(1 + x)**(1 + x))**m is m*(x - (1 + x)*log(1 + x)))."""
    return sp.Add(*[ex * (1 if base == sp.E else log_form(base) if _product(base) else sp.log(base))
                    for base, ex in a.as_powers_dict().items()])


def power_bases(a) -> set:
    """The bases that `log_form(a)` takes the logarithm of (E aside): each must be > 0."""
    return {b for base in a.as_powers_dict() if base != sp.E
            for b in (power_bases(base) if _product(base) else {base})}


def _product(base) -> bool:
    """A base that is a product of powers in its own right (SymPy keeps (e**x/y)**m unsplit); a number times one
    factor ((a + b)/2) stays one base, as it prints and reads back."""
    if isinstance(base, sp.Mul):
        return len([f for f in base.args if not f.is_number]) > 1 or any(
            isinstance(f, (sp.Pow, sp.exp)) for f in base.args)
    return isinstance(base, (sp.Pow, sp.exp))


def _has_symbolic_power(e) -> bool:
    return bool(e.atoms(sp.exp)) or any(not q.exp.is_number for q in e.atoms(sp.Pow))


def _increasing_pair(pos, neg):
    """(kind, A, B, side conditions, exponent) when pos = f(A) and neg = f(B) for an increasing f, else None.

    Side conditions are expressions that must be > 0 for f to be increasing there (bases of powers); the exponent
    is p for f(x) = x**p (None for exp and log). A constant c on one side is read as f(f^-1(c)) only when it is
    exact: log(2.0) is a rounded Float, and exp(x) - 2.0 >= 0 does not follow from x >= 0.6931471805599452978."""
    exact = lambda c: c.is_number and not c.has(sp.Float)  # noqa: E731
    if isinstance(pos, sp.exp) or isinstance(neg, sp.exp):
        a = pos.args[0] if isinstance(pos, sp.exp) else (sp.log(pos) if exact(pos) and pos > 0 else None)
        b = neg.args[0] if isinstance(neg, sp.exp) else (sp.log(neg) if exact(neg) and neg > 0 else None)
        return ("exp", a, b, (), None) if a is not None and b is not None else None
    if isinstance(pos, sp.log) or isinstance(neg, sp.log):
        a = pos.args[0] if isinstance(pos, sp.log) else (sp.exp(pos) if exact(pos) else None)
        b = neg.args[0] if isinstance(neg, sp.log) else (sp.exp(neg) if exact(neg) else None)
        return ("log", a, b, (a, b), None) if a is not None and b is not None else None
    for p_side, other in ((pos, neg), (neg, pos)):
        if isinstance(p_side, sp.Pow) and p_side.exp != 1 and p_side.base != sp.E and (
                not p_side.exp.is_number or p_side.exp > 0):
            p = p_side.exp
            if isinstance(other, sp.Pow) and other.exp == p:
                o = other.base
            elif exact(other) and other > 0 and exact(p):
                o = other ** (1 / p)
            else:
                continue
            a, b = (p_side.base, o) if p_side is pos else (o, p_side.base)
            return ("power", a, b, (a, b) if p.is_number else (a, b, p), p)  # a symbolic exponent must be > 0
    return None

