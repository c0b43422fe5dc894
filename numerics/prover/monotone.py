"""Layer: tight inequalities, where interval splitting cannot terminate, and goals that use a hypothesis bounding a
variable (the `gcongr` step: from n >= (C/eps)**(1/r) conclude C*n**(-r) <= eps). In one variable x, the gap is
monotone on x's interval and >= 0 at the interval's end -- a domain end, or the root of a hypothesis that bounds x --
or monotone on each side of a point x0 where its derivative changes sign, and >= 0 at x0: gap(x) >= gap(end) >= 0.
The interval is cut out by x's facts when they are affine in x; a fact f(x) >= 0 that is not (n**r >= C/eps) is
read as x >= x0 (x <= x0) when f is strictly increasing (decreasing) in x on x's domain and f(x0) = 0. Derivative
signs and end values are proved by the sign rules, or by a monotonicity argument one level down (MONOTONE_DEPTH
levels in all)."""
from __future__ import annotations

import math

import sympy as sp

from boundlab.theory.symbols import Domain

from ..limits import task_cache
from ..signs import Facts, domain_end, number_sign
from .goal import Goal, Proof
from .layer import Budget, Layer
from ..sampling import refuted
from .signs import signer

MONOTONE_DEPTH = 2
NORMALIZE_SECONDS = 0.5  # a hypothesis's monotonicity in one variable: a short sign search
INNER_SECONDS = 0.75  # a sign search inside an argument (a derivative, an end value): the proofs found are fast, and
#                      a failing search is the cost of trying the next variable, end or lemma


class Monotone(Layer):
    name, kinds = "monotone", ("monotone",)
    share = 0.75  # of the claim's budget: monotonicity leaves time for the intervals

    def accepts(self, goal: Goal) -> bool:
        return goal.inequality and bool(goal.gap.free_symbols)

    depth, outer = MONOTONE_DEPTH, True

    def prove(self, goal: Goal, budget: Budget) -> Proof | None:
        facts = Facts.of(goal.domains, goal.hypotheses)
        node = _numerator_node(goal.gap, goal.strict, facts, self.depth, budget, self.outer) or \
            _monotone_node(goal.gap, goal.strict, facts, self.depth, budget, outer=self.outer)
        return Proof("monotonicity", {"kind": "monotone", "argument": node}) if node is not None else None

    def describe(self, certificate: dict) -> str:
        arg = certificate["argument"]
        if arg["kind"] == "cleared":
            return f"times {arg['denominator']} > 0: " + self.describe({"argument": arg["proof"]})
        if arg["kind"] == "split":
            return f"in the cases {arg['condition']} >= 0 and <= 0, each by monotonicity"
        if arg["kind"] == "peak":
            return (f"increasing in {arg['variable']} up to {arg['point']}, decreasing after it, "
                    f">= 0 at both ends of its domain")
        if arg["kind"] == "critical point":
            return (f"monotone in {arg['variable']} on each side of {arg['point']}, where the gap is "
                    f"{arg['value_at_point']}")
        x, at = arg["variable"], arg["at"]
        if arg.get("ray"):
            side = ">=" if arg["direction"] == "increasing" else "<="
            return f"{arg['direction']} in {x} on the whole ray {x} {side} {at} a hypothesis cuts out, gap >= 0 there"
        return f"{arg['direction']} in {x}, gap >= 0 at {x} = {at}"


class QuickMonotone(Monotone):
    """The monotonicity argument with the sign rules alone (no nested argument, no reduction), tried before the
    costly reductions: a two-point Jensen inequality is monotone on each side of a = b in 0.1 s, where a failing
    homogeneity or lemma search takes seconds. Its certificates are the monotonicity layer's kind, described the same
    way."""
    name = "quick"
    share = 0.15  # of the claim's budget
    depth, outer = 0, False


def _numerator_node(gap, strict: bool, facts: Facts, depth: int, budget: Budget, outer: bool) -> dict | None:
    """gap = N/D with D > 0 by the sign rules and holding a logarithm or an exponential: N has the gap's sign, and
    its derivative is the simpler (x/log(x) >= a is x - a*log(x) >= 0, with its critical point at x = a)."""
    found = positive_denominator(gap, facts, budget, lambda num, den: bool(den.free_symbols) and den.has(sp.log, sp.exp))
    node = _monotone_node(found[0], strict, facts, depth, budget, outer=outer) if found is not None else None
    return cleared(found[0], *found[1:], node) if node is not None else None


def positive_denominator(gap, facts: Facts, budget: Budget, accept) -> tuple | None:
    """(N, D, proof that D > 0) for gap = N/D with N and D that `accept(N, D)` takes and D shown positive by the
    sign rules: N then has the gap's sign."""
    num, den = sp.fraction(sp.together(gap))
    if not accept(num, den):
        return None
    tree = signer(facts, budget, INNER_SECONDS).prove(den, True)
    return (num, den, tree) if tree is not None else None


def cleared(num, den, tree, proof) -> dict:
    """The certificate node of N/D >= 0 from D > 0 and N's proof."""
    return {"kind": "cleared", "numerator": sp.sstr(num), "denominator": sp.sstr(den), "positive": tree, "proof": proof}


def _real(r) -> bool:
    """r is real wherever it is defined: SymPy says so, or a rational function of real symbols."""
    return bool(r.is_real) or (not r.has(sp.I) and all(s.is_real for s in r.free_symbols)
                               and r.is_rational_function())


def value_at(e, x, point) -> sp.Expr:
    """e at x = point, simplified, with powers of powers of a positive base merged: (b**r)**s = b**(r*s) for b > 0
    and real r, s (SymPy keeps (b**(1/(p - 1)))**p, unsure that 1/(p - 1) is real), and logarithms expanded when
    that makes it shorter."""
    def nested(t):
        return isinstance(t, sp.Pow) and isinstance(t.base, sp.Pow) and bool(t.base.base.is_positive) \
            and _real(t.base.exp) and _real(t.exp)
    try:
        value = sp.simplify(e.subs(x, point).replace(nested, lambda t: t.base.base ** (t.base.exp * t.exp)))
    except (ValueError, TypeError):  # Min(1, zoo): SymPy refuses an argument it cannot compare
        return sp.nan
    if any(isinstance(t.args[0], sp.Pow) for t in value.atoms(sp.log)):  # log((k*N**b)**(1/(1 - a)))
        expanded = sp.simplify(sp.expand_log(log_powers_expanded(value)))
        value = expanded if sp.count_ops(expanded) < sp.count_ops(value) else value
    return value


def log_powers_expanded(e):
    """log(b**r) as r*log(b) where b > 0 and r is real wherever defined (SymPy keeps it, unsure that r is real)."""
    power_log = lambda t: isinstance(t, sp.log) and isinstance(t.args[0], sp.Pow) \
        and bool(t.args[0].base.is_positive) and _real(t.args[0].exp)  # noqa: E731
    return e.replace(power_log, lambda t: t.args[0].exp * sp.log(t.args[0].base))


#: Functions with jumps: a gap holding one is not continuous, and its derivative (0 almost everywhere) says nothing.
JUMPS = (sp.floor, sp.ceiling, sp.sign, sp.Heaviside, sp.Piecewise, sp.frac)


def interior(facts: Facts, x) -> Facts:
    """The facts with those on x strict: a derivative's sign is needed inside x's interval only (the gap is
    continuous up to its ends, where its value is proved), so (1 + x)**r is monotone on x >= -1 though its
    derivative is undefined at x = -1."""
    return Facts(facts.domains, [(f, s or x in f.free_symbols) for f, s in facts.known])


#: Steps tried between the sign rules and a monotonicity argument one level down, each a function (e, strict, facts,
#: depth, budget) -> proof node or None. The lemma layer, which builds on this module, adds its substitutions here
#: (`lemmas.reduce_node`) rather than this module importing it.
REDUCTIONS: list = []


def _absolute_node(e, strict: bool, facts: Facts, depth: int, budget: Budget) -> dict | None:
    """|u| replaced by u (or -u) where the sign rules show u >= 0 (u <= 0) under the facts: sqrt((b - a)**2) is
    b - a given a < b."""
    for atom in sorted(e.atoms(sp.Abs), key=sp.count_ops):
        u = atom.args[0]
        for sign in (1, -1):
            tree = signer(facts, budget, INNER_SECONDS).prove(sign * u, False)
            if tree is None:
                continue
            reduced = e.xreplace({atom: sign * u})
            proof = _prove_rec(reduced, strict, facts, depth - 1, budget)
            if proof is None:
                return None
            return {"kind": "absolute", "atom": sp.sstr(atom), "negated": sign == -1, "sign": tree,
                    "reduced": sp.sstr(reduced), "proof": proof}
    return None


REDUCTIONS.append(_absolute_node)


def _factor_node(e, strict: bool, facts: Facts, depth: int, budget: Budget) -> dict | None:
    """A product with factors the sign rules show > 0: the rest of the product has e's sign (a*(log(a/2) -
    log(log(a))) >= 0 for a > 0 is log(a/2) - log(log(a)) >= 0, monotone in a on its own). The rest is a smaller
    expression, so the depth is not spent."""
    if not isinstance(e, sp.Mul):
        return None
    positive, rest, trees = [], [], []
    for f in e.args:
        tree = signer(facts, budget, INNER_SECONDS).prove(f, True) if f.free_symbols else None
        if tree is not None or (f.is_number and number_sign(f) == 1):
            positive.append(f)
            trees.append(tree or {"expr": sp.sstr(f), "sign": ">0", "rule": "number"})
        else:
            rest.append(f)
    if not positive or len(rest) != 1:
        return None
    proof = _prove_rec(rest[0], strict, facts, depth, budget)
    if proof is None:
        return None
    return {"kind": "factor", "positive": trees, "rest": sp.sstr(rest[0]), "proof": proof}


REDUCTIONS.insert(0, _factor_node)


def _prove_rec(e, strict: bool, facts: Facts, depth: int, budget: Budget) -> dict | None:
    """A sign tree, a reduction, or a monotonicity argument one level down; no search when e is negative at a
    sampled point."""
    if refuted(e, facts):
        return None
    tree = signer(facts, budget, INNER_SECONDS).prove(e, strict)
    if tree is not None:
        return {"kind": "sign", "tree": tree}
    if depth <= 0:
        return None
    node = next((n for reduce in REDUCTIONS if (n := reduce(e, strict, facts, depth, budget)) is not None), None)
    return node if node is not None else _monotone_node(e, strict, facts, depth - 1, budget)


def _x_facts(x, facts: Facts, budget: Budget) -> tuple[list, list] | None:
    """The facts that involve x as affine ones (so they cut an interval out of x's line), with the normalizations
    that made them so; None when some fact is neither affine in x nor normalizable."""
    out, normalized = [], []
    for f, strict in facts.known:
        if x not in f.free_symbols:
            continue
        if not sp.diff(f, x).has(x):
            out.append((f, strict))
            continue
        norm = _normalize(x, f, facts, budget)
        if norm is None:
            return None
        normalized.append(norm[0])
        out.append((norm[1], strict))
    return out, normalized


def _domain_facts(x, facts: Facts) -> Facts:
    """The facts not about x, and x's domain."""
    dom = facts.domains[x]
    own = Facts.of({x: dom}).known
    return Facts(facts.domains, [k for k in facts.known if x not in k[0].free_symbols] + own)


def _normalize(x, f, facts: Facts, budget: Budget) -> tuple[dict, sp.Expr] | None:
    """f >= 0 as x - x0 >= 0 (x0 - x >= 0), with its certificate: f has one root x0 in closed form, f is strictly
    increasing (decreasing) in x on x's domain (its derivative > 0 (< 0) inside it), and x0 lies in the domain's
    closure; else None."""
    if sp.count_ops(f) > 40:
        return None
    try:
        roots = [r for r in sp.solve(f, x) if not r.has(x, sp.I)]
    except Exception:  # noqa: BLE001 - SymPy's solver fails in many ways
        return None
    if len(roots) != 1:
        return None
    root, base = roots[0], _domain_facts(x, facts)
    deriv = sp.diff(f, x)
    for sign in (1, -1):
        if refuted(sign * deriv, base):
            continue
        # > 0 inside x's interval: f, continuous up to the ends, is then strictly monotone on the closed interval
        tree = signer(interior(base, x), budget, NORMALIZE_SECONDS).prove(sign * deriv, True)
        if tree is None:
            continue
        inside = _within(x, root, [k for k in base.known if x in k[0].free_symbols], base, budget)
        if inside is None:
            return None
        affine = x - root if sign == 1 else root - x
        return {"fact": sp.sstr(f), "root": sp.sstr(root), "affine": sp.sstr(affine), "increasing": sign == 1,
                "derivative": tree, "inside": inside}, affine
    return None


def _ends(x, dom, x_facts, facts: Facts, budget: Budget):
    """(direction, point, how, open) for x's interval ends: its domain's finite ends, then the roots of its affine
    facts whose coefficient of x has a proved sign (a lower end for a positive one). `how` is None for a domain end,
    else the fact and the proof of its coefficient's sign; `open` says the interval excludes the end."""
    seen = set()
    for direction, end, open_ in ((1, dom.lo, dom.lo_open), (-1, dom.hi, dom.hi_open)):
        if math.isfinite(end):
            seen.add((direction, domain_end(end)))
            yield direction, domain_end(end), None, open_
    for f, open_ in x_facts:
        c = sp.diff(f, x)
        if c == 0:
            continue
        point = sp.simplify(x - f / c)
        if point.has(sp.log):  # log((2/delta)**(c/eps**2)) as c*log(2/delta)/eps**2: its sign then reads off
            point = log_powers_expanded(point)
        if point.has(x) or not point.free_symbols and not math.isfinite(float(point)):
            continue
        if c.is_number:
            s, tree = number_sign(c), None
        else:
            s, tree = 1, signer(facts, budget).prove(c, True)
            if tree is None:
                s, tree = -1, signer(facts, budget).prove(-c, True)
            if tree is None:
                continue
        if s in (1, -1) and (s, point) not in seen:  # not the domain's own end again
            seen.add((s, point))
            yield s, point, {"fact": sp.sstr(f), "coefficient": tree}, open_


def _within(x, point, x_facts, facts: Facts, budget: Budget) -> list | None:
    """Proofs that x = point lies in the closure of the interval the facts cut out (every fact >= 0 there)."""
    proofs = []
    rest = Facts(facts.domains, [k for k in facts.known if x not in k[0].free_symbols])
    for f, _ in x_facts:
        raw = f.subs(x, point)
        if raw.free_symbols and refuted(raw, rest):  # the point lies outside the interval somewhere: no search
            return None
        value = value_at(f, x, point)
        if not value.free_symbols:
            if number_sign(value) not in (0, 1):
                return None
            proofs.append({"fact": sp.sstr(f), "at_point": sp.sstr(value)})
            continue
        tree = signer(rest, budget).prove(value, False)
        if tree is None:
            return None
        proofs.append({"fact": sp.sstr(f), "at_point": sp.sstr(value), "tree": tree})
    return proofs


@task_cache(maxsize=256)  # a critical point and a peak ask for the same zeros, at each level
def _critical_points(numerator, x) -> tuple:
    """Zeros of a derivative's numerator in x, as candidate points for the argument (which proves what it needs of
    them): closed forms when SymPy finds them cheaply (a polynomial of degree at most 2 in x, the factors of degree
    <= 2 of one of degree <= 8, a small transcendental expression), then the simple points 0, 1, -1 and the other
    variables (where inequalities touch: (1 + x)**a = 1 + a*x at x = 0, kl(p, q) = 0 at q = p) where it is 0."""
    found = []
    try:
        poly = sp.Poly(numerator, x)
    except sp.PolynomialError:
        poly = None
    try:
        if poly is not None and 2 < poly.degree() <= 8:
            _, factors = sp.factor_list(numerator, x)
            found = [r for f, _ in factors if 1 <= sp.degree(f, x) <= 2 for r in sp.solve(f, x)]
        elif poly is not None and poly.degree() <= 2 or poly is None and sp.count_ops(numerator) <= 25:
            found = sp.solve(numerator, x)
    except Exception:  # noqa: BLE001 - SymPy's solver fails in many ways (an AttributeError on sign(x + 1/10))
        found = []
    if poly is None or poly.degree() > 2:
        guesses = [sp.Integer(0), sp.Integer(1), sp.Integer(-1), *sorted(numerator.free_symbols - {x}, key=str)]
        found += [g for g in guesses if g not in found and value_at(numerator, x, g) == 0]
    return tuple(found[:4])


def _monotone_node(gap, strict: bool, facts: Facts, depth: int, budget: Budget, outer: bool = False) -> dict | None:
    """gap >= 0 (> 0) by monotonicity in one variable x, whose facts cut an interval out of its line: either the
    derivative has one sign there and the gap is >= 0 at the interval's end, or the derivative is <= 0 before a
    point x0 of the interval and >= 0 after it, and gap(x0) >= 0. Ends are tried for every variable before
    critical points (solving for them is the costly part)."""
    if gap.has(*JUMPS):
        return None
    variables = []

    within = {}  # (x, point) -> _within's answer: each pass over the ends asks again

    def by_ends(x, deriv, x_facts, normalized, xf, ends, level, rays=True):
        for direction, point, how, open_ in ends:
            if budget.left() <= 0:
                return None
            if (x, point) not in within:
                within[x, point] = _within(x, point, x_facts, xf, budget)
            inside = within[x, point]
            if inside is None and how is not None:
                node = _on_ray(gap, x, direction, point, how, open_, strict, xf, level, budget) if rays else None
                if node is not None:
                    return {**node, **({"normalized": normalized} if normalized else {})}
                continue
            # a strict goal also follows from a strictly monotone gap that is >= 0 at an end the interval excludes
            strictly = strict and open_ and inside is not None and _end_value(gap, x, point, True, xf, 0, budget) is None
            mono = _prove_rec(direction * deriv, strictly, interior(xf, x), level, budget) if inside is not None \
                else None
            at = _end_value(gap, x, point, strict and not strictly, xf, level, budget) if mono is not None else None
            if at is not None:
                node = {"kind": "monotone", "variable": str(x), "derivative": sp.sstr(deriv),
                        "direction": "increasing" if direction == 1 else "decreasing", "at": sp.sstr(point),
                        "monotone": mono, "value": at, "inside": inside, **({"open_end": True} if strictly else {})}
                return {**node, **({"end": how} if how else {}), **({"normalized": normalized} if normalized else {})}
        return None

    def around(x, x0, sign, deriv, x_facts, xf, level):
        """(x0 lies in x's interval, sign*deriv >= 0 past x0, sign*deriv <= 0 before x0): proofs, None from the
        first that fails on."""
        inside = _within(x, x0, x_facts, xf, budget)
        past = _prove_rec(sign * deriv, False, interior(xf, x).with_fact(x - x0, False), level, budget) \
            if inside is not None else None
        before = _prove_rec(-sign * deriv, False, interior(xf, x).with_fact(x0 - x, False), level, budget) \
            if past is not None else None
        return inside, past, before

    def by_critical(x, deriv, x_facts, normalized, xf, ends, level):
        for x0 in _critical_points(sp.numer(deriv), x):
            if budget.left() <= 0:
                return None
            if x0.is_real is False or x0.has(x):
                continue
            inside, right, left = around(x, x0, 1, deriv, x_facts, xf, level)
            if left is None:
                continue
            value = value_at(gap, x, x0)
            at = _end_value(gap, x, x0, strict, xf, level, budget)
            if at is not None:
                node = {"kind": "critical point", "variable": str(x), "derivative": sp.sstr(deriv),
                        "point": sp.sstr(x0), "value_at_point": sp.sstr(value), "increasing_after": right,
                        "decreasing_before": left, "value": at, "inside": inside}
                return {**node, **({"normalized": normalized} if normalized else {})}
        return None

    def by_peak(x, deriv, x_facts, normalized, xf, ends, level):
        """Increasing before x0 and decreasing after it, on x's domain (no other fact bounds x): the gap is >= its
        smaller value at the domain's two ends, a limit at an infinite end. Below the layer's own (`outer`) argument,
        the derivative's signs by the sign rules alone: a deeper search there costs the other arguments their time."""
        dom = facts.domains[x]
        if (level and not outer) or normalized or any(k not in Facts.of({x: dom}).known for k in x_facts):
            return None
        ends_ = None
        for x0 in _critical_points(sp.numer(deriv), x):
            if budget.left() <= 0:
                return None
            if x0.is_real is False or x0.has(x):
                continue
            inside, after, before = around(x, x0, -1, deriv, x_facts, xf, level)
            if before is None:
                continue
            if ends_ is None:
                ends_ = [_domain_end_value(gap, x, side, strict, xf, level, budget) for side in ("lo", "hi")]
            if None in ends_:
                return None
            node = {"kind": "peak", "variable": str(x), "derivative": sp.sstr(deriv), "point": sp.sstr(x0),
                    "increasing_before": before, "decreasing_after": after, "inside": inside, "ends": ends_}
            return node
        return None

    def by_split(x, deriv, x_facts, normalized, xf, ends):
        """x's interval holds the critical point x0 for some values of the other variables only (a fact f >= 0 on x
        with f(x0) of either sign): the goal is proved again with f(x0) >= 0 a fact (x0 inside: a critical point),
        and with f(x0) <= 0 (x0 past the fact's end: monotone from there). The minimum over x's interval lies at x0
        or at that end, and each case finds it (x >= 2 a log a implies x >= a log x, the minimum at x = a for a <= e
        and at the end for the others)."""
        if normalized:
            return None
        for x0 in _critical_points(sp.numer(deriv), x):
            if x0.is_real is False or x0.has(x) or not x0.free_symbols:
                continue
            for f, _ in x_facts:
                c = value_at(f, x, x0)
                if not c.free_symbols or c.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or budget.left() <= 0:
                    continue
                cases = []
                for sign in (1, -1):
                    node = _monotone_node(gap, strict, facts.with_fact(sign * c, False), depth, budget)
                    if node is None:
                        break
                    cases.append(node)
                else:
                    return {"kind": "split", "condition": sp.sstr(c), "cases": cases}
        return None

    def affine(x):
        return all(not sp.diff(f, x).has(x) for f, _ in facts.known if x in f.free_symbols)

    names = sorted(gap.free_symbols, key=str)
    # variables whose facts cut out an interval as they are first (normalizing a fact costs a solve); for each group,
    # the sign rules alone at every variable's ends, then the ends outside the domain, past which the gap may be
    # monotone on the whole ray that a fact cuts out
    for group in ([x for x in names if affine(x)], [x for x in names if not affine(x)]):
        first = len(variables)
        for x in group:
            if budget.left() <= 0:
                return None
            dom = facts.domains.get(x)
            found = _x_facts(x, facts, budget) if dom is not None else None
            if found is None:
                continue
            deriv = sp.together(sp.diff(gap, x))
            if deriv == 0:
                continue
            x_facts, normalized = found
            xf = Facts(facts.domains, facts.known + [k for k in x_facts if k not in facts.known])
            variables.append((x, deriv, x_facts, normalized, xf, list(_ends(x, dom, x_facts, xf, budget))))
            node = by_ends(*variables[-1], 0, rays=False)
            if node is not None:
                return node
        for v in variables[first:]:
            node = by_ends(*v, 0)
            if node is not None:
                return node
    for level in sorted({0, depth}):  # then critical points with the sign rules alone, then both with recursion
        for v in variables:
            node = (by_ends(*v, level) if level else None) or by_critical(*v, level)
            if node is not None:
                return node
    for level in sorted({0, depth}):  # a peak last: its searches would cost the arguments above their time
        for v in variables:
            node = by_peak(*v, level)
            if node is not None:
                return node
    for v in variables if outer else ():
        node = by_split(*v)
        if node is not None:
            return node
    return None


def _on_ray(gap, x, direction, point, how, open_, strict: bool, facts: Facts, level: int, budget: Budget):
    """gap >= 0 where a fact bounds x by its root x0 that may lie outside x's domain (n >= K*log(K/delta) with n >=
    1: the root may be below 1): the gap, read as a function of a real x with no domain, is monotone on the whole
    ray from x0 that the fact cuts out and >= 0 at x0; x's region lies in that ray."""
    ray = sp.Symbol(str(x), real=True)
    f = next(k for k in facts.known if sp.sstr(k[0]) == how["fact"])[0].xreplace({x: ray})
    domains = {**{s: d for s, d in facts.domains.items() if s != x}, ray: Domain()}
    rest = [k for k in facts.known if x not in k[0].free_symbols]
    on_ray = Facts(domains, rest + [(f, open_)])
    # a lower end x0 >= 0 puts the ray's interior x > x0 among the positive numbers, which the derivative's sign
    # may need (the derivative is only needed there)
    positive = signer(Facts(facts.domains, rest), budget, INNER_SECONDS).prove(point, False) if direction == 1 \
        and facts.domains[x].lo >= 0 else None
    if positive is not None:
        on_ray = on_ray.with_fact(ray, True)
    g = gap.xreplace({x: ray})
    deriv = sp.together(sp.diff(g, ray))
    strictly = strict and open_ and _end_value(gap, x, point, True, facts, 0, budget) is None
    mono = _prove_rec(direction * deriv, strictly, interior(on_ray, ray), level, budget)
    at = _end_value(gap, x, point, strict and not strictly, facts, level, budget) if mono is not None else None
    if at is None:
        return None
    return {"kind": "monotone", "variable": str(x), "derivative": sp.sstr(deriv), "ray": True,
            "direction": "increasing" if direction == 1 else "decreasing", "at": sp.sstr(point), "monotone": mono,
            "value": at, "inside": [], "end": how, **({"open_end": True} if strictly else {}),
            **({"positive_end": positive} if positive is not None else {})}


#: a limit at an infinite end is taken for a gap in one variable only: SymPy's limit with symbolic parameters
#: assumes generic values of them
LIMIT_OPS = 60


def _domain_end_value(gap, x, side: str, strict: bool, facts: Facts, depth: int, budget: Budget) -> dict | None:
    """A proof that gap >= 0 (> 0) at the lo or hi end of x's domain: its value at a finite end, or its limit at an
    infinite one (a number, for a gap in x alone)."""
    dom = facts.domains[x]
    end = dom.lo if side == "lo" else dom.hi
    if math.isfinite(end):
        at = _end_value(gap, x, domain_end(end), strict, facts, depth, budget)
        return {"side": side, "at": sp.sstr(domain_end(end)), "value": at} if at is not None else None
    if gap.free_symbols != {x} or sp.count_ops(gap) > LIMIT_OPS:
        return None
    try:
        limit = sp.limit(gap, x, sp.oo if side == "hi" else -sp.oo)
    except Exception:  # noqa: BLE001 - SymPy's limit fails in many ways
        return None
    if limit.free_symbols or limit.has(sp.nan, sp.zoo, sp.AccumBounds) or limit.is_real is False:
        return None
    s = 1 if limit in (sp.oo,) else (None if limit == -sp.oo else number_sign(limit))
    if not (s == 1 or (s == 0 and not strict)):
        return None
    return {"side": side, "at": "oo" if side == "hi" else "-oo", "limit": sp.sstr(limit)}


def _end_value(gap, x, point, strict: bool, facts: Facts, depth: int, budget: Budget) -> dict | None:
    """A proof that gap at x = point is >= 0 (> 0), in the remaining variables."""
    value = value_at(gap, x, point)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    if not value.free_symbols:
        s = number_sign(value)
        return {"kind": "constant", "at_point": sp.sstr(value)} if s == 1 or (s == 0 and not strict) else None
    rest = Facts(facts.domains, [k for k in facts.known if x not in k[0].free_symbols])
    node = _prove_rec(value, strict, rest, depth, budget)
    # "at_point", not "value": a nested monotone argument's "value" is its own end's sub-proof
    return {**node, "at_point": sp.sstr(value)} if node is not None else None
