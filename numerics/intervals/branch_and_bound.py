"""Branch and bound: a proof that a gap is >= 0 (> 0) on a domain box under constraints, by rigorous enclosures.

After the changes of variable (`substitutions.py`) the prover bisects the box (breadth first). On each box it tries
the natural enclosure of the gap, then the monotonicity test (a variable whose partial derivative has a sign on the
box, seen from its enclosure or proved the same way one order up, is fixed at the minimising end), then the
mean-value form gap(m) + grad(box).(box - m). The monotonicity test proves claims that are tight at a point
(exp(x) >= 1 + x at 0): the minimum sits at a box end where the gap evaluates to exactly 0. Where a constraint c > 0
is undecided on a box it tries gap - w c >= 0 with a weight w > 0 (then gap >= w c > 0 where the constraint holds).
Every proof is recorded in a certificate that tests/numerics/box_checker.py replays.
"""
from __future__ import annotations

import math
import time
from collections import deque
from fractions import Fraction

import sympy as sp
from flint import ctx
from sympy.printing.str import StrPrinter

from boundlab.theory.symbols import Domain

from ..limits import task_cache
from ..signs import relation_fact
from . import arithmetic as ia
from .arithmetic import INF, Interval, OutsideDomain, Unsupported
from .compiler import compile_enclosure, float_interval, is_short
from .substitutions import signed_form, simplest, substitution, tidy


def _dyadic_near(lo: Fraction, hi: Fraction, target: Fraction) -> Fraction:
    """A point near target (lo < target < hi) with a short binary expansion, strictly inside (lo, hi): exact in
    arb, so that a tight point such as 0 stays an exact box end."""
    room = min(target - lo, hi - target) / 2
    step = Fraction(2) ** (room.numerator.bit_length() - room.denominator.bit_length())
    while step > room:
        step /= 2
    while step * 2 <= room:
        step *= 2
    return round(target / step) * step


MAX_ORDER = 2  # a derivative's sign may itself be proved by a monotonicity test, one level deep


@task_cache(maxsize=4096)
def _derivative(e: sp.Expr, v: sp.Symbol) -> sp.Expr:
    return simplest(tidy(sp.diff(e, v)))


class _Target:
    """sum(weight * expr) to be proved >= 0 (the gap, the gap minus a multiple of a constraint, a derivative)."""

    def __init__(self, terms):
        self.terms = terms  # [(Fraction weight, expr, compiled)]

    @classmethod
    def of(cls, *pairs):
        return cls([(Fraction(w), e, compile_enclosure(e)) for w, e in pairs])

    def value(self, env, st) -> Interval:
        total = None
        for w, _, fn in self.terms:
            v = fn(env, st)
            v = v if w == 1 else ia.neg(v) if w == -1 else ia.mul(ia.of_fraction(w), v)
            total = v if total is None else ia.add(total, v)
        return total

    def negated(self) -> "_Target":
        return _Target([(-w, e, fn) for w, e, fn in self.terms])

    def derivative(self, v) -> "_Target | None":
        """The partial derivative in v, or None when a term is not smooth or its derivative has no enclosure."""
        if any(e.has(sp.floor, sp.ceiling) for _, e, _ in self.terms):
            return None
        try:
            return _Target.of(*((w, _derivative(e, v)) for w, e, _ in self.terms))
        except Unsupported:
            return None


class _Printer(StrPrinter):
    """sstr, writing the stand-ins of long Floats back as those Floats."""

    def __init__(self, floats):
        super().__init__()
        self.floats = floats

    def _print_Dummy(self, d):
        return f"({self.floats[d]})" if d in self.floats else super()._print_Dummy(d)


class _Problem:
    """A gap on a bounded box after the change of variables, with what the proofs on each box need."""

    def __init__(self, gap, variables, domains, constraints, strict):
        self.strict = strict
        # short Floats become the decimals they denote; long ones (computed-looking) become constants whose
        # range is the widened Float, so that SymPy's algebra below stays exact
        floats = {f for e in (gap, *constraints) for f in e.atoms(sp.Float)}
        long = {f: sp.Dummy(f"float{k}") for k, f in enumerate(f for f in floats if not is_short(f))}
        exact = {f: long.get(f) or sp.Rational(str(f)) for f in floats}
        self.constants = {d: f for f, d in long.items()}
        self.printer = _Printer(self.constants)
        gap = gap.xreplace(exact)
        constraints = [c.xreplace(exact) for c in constraints]
        rooted = {b for e in (gap, *constraints) for pw in e.atoms(sp.Pow)
                  if pw.exp.is_Rational and pw.exp.q == 2 for b in pw.base.free_symbols}
        taken = {str(s) for s in variables}
        self.transform, self.vars, self.doms, self.logscale, self.scale = {}, [], {}, [], []
        for x in variables:
            d = domains[x]
            dom = (ia.exact(d.lo), ia.exact(d.hi), d.lo_open, d.hi_open)
            root = x in rooted and dom[0] >= 0
            if root or math.isinf(d.lo) or math.isinf(d.hi):
                name = "u_" + str(x)
                while name in taken:
                    name += "_"
                taken.add(name)
                bounded = not (math.isinf(d.lo) or math.isinf(d.hi))
                positive = not bounded or dom[0] > 0 or (dom[0] == 0 and d.lo_open)
                u = sp.Symbol(name, positive=True) if positive else sp.Symbol(name, nonnegative=True)
                self.transform[x], dom = substitution(dom, root, u)
                x = u
            self.vars.append(x)
            self.doms[x] = dom
            lo, hi = dom[:2]
            self.logscale.append(d.scale == "log" and lo > 0)
            self.scale.append(math.log(hi / lo) if self.logscale[-1] else float(hi - lo))
        self.gap, self.factor = signed_form(gap, self.transform, self.doms)
        self.target = _Target.of((1, self.gap))
        self.constraints = []  # (index among the constraints, expr, factor, strict)
        for i, rel in enumerate(constraints):
            form = relation_fact(rel)
            if form is not None:
                c, m = signed_form(form[0], self.transform, self.doms)
                self.constraints.append((i, c, m, form[1]))
        self.cfns = [compile_enclosure(c) for _, c, _, _ in self.constraints]
        self.all_used = len(self.constraints) == len(constraints)

    def show(self, e) -> str:
        return self.printer.doprint(e)

    @staticmethod
    def ok(lo, strict) -> bool:
        return lo > 0 if strict else lo >= 0

    def env(self, box) -> dict:
        out = {d: float_interval(f) for d, f in self.constants.items()}
        out.update((v, Interval(ia.of_fraction(lo).lo, ia.of_fraction(hi).hi)) for v, (lo, hi) in zip(self.vars, box))
        return out

    def examine(self, box):
        """('proved' | 'excluded' | 'violated' | 'split', record) for one box."""
        env = self.env(box)
        record = {"box": {str(v): [ia.text(lo), ia.text(hi)] for v, (lo, hi) in zip(self.vars, box)}}
        holds, open_constraints = self.all_used, []
        for i, ((_, _, _, cstrict), cfn) in enumerate(zip(self.constraints, self.cfns)):
            try:
                r = cfn(env, ia.State())
            except OutsideDomain:
                holds = False
                continue
            if (r.hi <= 0) if cstrict else (r.hi < 0):
                return "excluded", {**record, "status": "excluded", "constraint": i,
                                    "enclosure": [ia.text(r.lo), ia.text(r.hi, False)]}
            if not self.ok(r.lo, cstrict):
                holds = False
                open_constraints.append(i)
        proof = self.certify(self.target, box, env, self.strict, 0)
        if proof is not None:
            return "proved", {**record, "status": "proved", **proof}
        if holds and self.violated(box):
            return "violated", record
        for i in open_constraints:
            weight = self.multiplier(box, i)
            if weight is None:
                continue
            target = _Target.of((1, self.gap), (-weight, self.constraints[i][1]))
            proof = self.certify(target, box, env, self.strict and not self.constraints[i][3], 0)
            if proof is not None:
                return "proved", {**record, "status": "proved", **proof,
                                  "multiplier": {"constraint": i, "weight": str(weight)}}
        return "split", None

    def centre(self, box) -> tuple:
        return tuple((_dyadic_near(lo, hi, (lo + hi) / 2),) * 2 if lo < hi else (lo, hi) for lo, hi in box)

    def violated(self, box) -> bool:
        """The gap is certainly < 0 (<= 0 if strict) at the centre of box or at one of its two extreme corners
        that is a point of the domain (a strict claim often fails just at a closed end)."""
        points = [self.centre(box)]
        for end in (0, 1):
            if all(side[end] != self.doms[v][end] or not self.doms[v][2 + end] for v, side in zip(self.vars, box)):
                points.append(tuple((side[end], side[end]) for side in box))
        for point in points:
            try:
                g = self.target.value(self.env(point), ia.State())
            except OutsideDomain:
                continue
            if not self.ok(g.hi, self.strict):
                return True
        return False

    def multiplier(self, box, i) -> Fraction | None:
        """A weight w > 0 making grad(gap) - w grad(constraint i) small at the centre of box (least squares)."""
        free = [k for k, (lo, hi) in enumerate(box) if lo < hi]
        con = _Target.of((1, self.constraints[i][1]))
        ds = [t.derivative(self.vars[k]) for t in (self.target, con) for k in free]
        if None in ds:
            return None
        try:
            env = self.env(self.centre(box))
            values = [d.value(env, ia.State()) for d in ds]
            g, c = values[:len(free)], values[len(free):]
        except OutsideDomain:
            return None
        mid = [float(x.lo) / 2 + float(x.hi) / 2 for x in g + c]
        g, c = mid[:len(free)], mid[len(free):]
        dot, norm = sum(x * y for x, y in zip(g, c)), sum(x * x for x in c)
        ratio = dot / norm if norm > 0 else math.inf
        if not all(map(math.isfinite, mid)) or not math.isfinite(ratio) or dot <= 0:
            return None
        return Fraction(ratio).limit_denominator(4096) or None

    def certify(self, t: _Target, box, env, need: bool, order: int) -> dict | None:
        """A proof that t >= 0 (> 0 if need) on the box (a tuple of (lo, hi), points where fixed), or None.

        In turn: the natural enclosure; the monotonicity test (a variable whose partial derivative has a sign,
        seen from its enclosure or proved by this same test one order up, is fixed at the minimising end;
        fixing it at an excluded end with a strict sign makes a strict claim need only >= 0 on that face);
        the mean-value form t(m) + grad t(box).(box - m) on what is left.
        """
        st = ia.State()
        try:
            g = t.value(env, st)
        except OutsideDomain:
            return None
        if self.ok(g.lo, need):
            return {"enclosure": [ia.text(g.lo), ia.text(g.hi, False)]}
        if st.pole or order >= MAX_ORDER:
            return None
        box, env, fixed = list(box), dict(env), []
        free = [i for i, (lo, hi) in enumerate(box) if lo < hi]
        while free:
            moved, grads = [], {}
            for i in free:
                v = self.vars[i]
                d = t.derivative(v)
                if d is None:
                    return None
                try:
                    grads[i] = gi = d.value(env, ia.State())
                except OutsideDomain:
                    return None
                lo, hi, lo_ex, hi_ex = self.doms[v]
                if gi.lo >= 0:
                    moved.append((i, 0, gi.lo > 0 and lo_ex and box[i][0] == lo, None))
                elif gi.hi <= 0:
                    moved.append((i, 1, gi.hi < 0 and hi_ex and box[i][1] == hi, None))
                elif order + 1 < MAX_ORDER:
                    up = gi.hi == INF or (gi.lo != -INF and gi.hi + gi.lo > 0)
                    sub = self.certify(d if up else d.negated(), box, env, False, order + 1)
                    if sub is not None:
                        moved.append((i, 0 if up else 1, False, sub))
            if not moved:
                break
            for i, end, link, sub in moved:
                box[i] = (box[i][end], box[i][end])
                env[self.vars[i]] = ia.of_fraction(box[i][0])
                fixed.append([str(self.vars[i]), ("lo", "hi")[end], link] + ([sub] if sub else []))
            need = need and not any(link for _, _, link, _ in moved)
            free = [i for i in free if all(i != j for j, _, _, _ in moved)]
            st = ia.State()
            try:
                g = t.value(env, st)
            except OutsideDomain:
                return None
            if self.ok(g.lo, need):
                return {"fixed": fixed, "enclosure": [ia.text(g.lo), ia.text(g.hi, False)]}
            if st.pole:
                return None
        if not free:
            return None
        cbox = self.centre(box)
        cenv = dict(env)
        cenv.update((self.vars[i], ia.of_fraction(cbox[i][0])) for i in free)
        try:
            mv = t.value(cenv, ia.State())
        except OutsideDomain:
            return None
        for i in free:
            v = self.vars[i]
            mv = ia.add(mv, ia.mul(grads[i], ia.add(env[v], ia.neg(cenv[v]))))
        if not self.ok(mv.lo, need):
            return None
        proof = {"centre": {str(self.vars[i]): str(cbox[i][0]) for i in free},
                 "enclosure": [ia.text(mv.lo), ia.text(mv.hi, False)]}
        return {"fixed": fixed, **proof} if fixed else proof

    def split(self, box):
        """The two halves of box along its widest side (relative to the domain; log scale where declared)."""
        def width(i):
            lo, hi = box[i]
            if lo == hi:
                return -1.0
            return (math.log(hi / lo) if self.logscale[i] else float(hi - lo)) / self.scale[i]

        i = max(range(len(box)), key=width)
        lo, hi = box[i]
        mid = (lo + hi) / 2
        if self.logscale[i] and hi > 4 * lo:
            mid = Fraction(math.sqrt(lo) * math.sqrt(hi))
        c = _dyadic_near(lo, hi, mid)
        return box[:i] + ((lo, c),) + box[i + 1:], box[:i] + ((c, hi),) + box[i + 1:]


def prove_nonnegative(gap: sp.Expr, domains: dict[sp.Symbol, Domain], constraints=(), strict: bool = False,
                      max_boxes: int = 20000, seconds: float = 10.0, prec: int = 64,
                      report: dict | None = None) -> dict | None:
    """Prove gap >= 0 (gap > 0 if strict) at every point of the product of domains satisfying the constraints.

    Returns a JSON-serialisable certificate (replayed by tests/numerics/box_checker.py) or None when the claim
    was not proved within max_boxes and seconds; never a certificate for a false claim. Integer domains are
    relaxed to real intervals, and open ends are treated as closed except where the monotonicity test can use
    them (both sound: they prove more). `report`, if given, receives the reason: "proved", "budget",
    "counterexample" (with the box: gap < 0 at its centre, in the real relaxation), or "unsupported".
    """
    start, cpu = time.perf_counter(), time.process_time()  # the budget is CPU time: the same boxes on a busy machine
    report = report if report is not None else {}
    gap = sp.sympify(gap)
    rels = []
    for c in constraints:
        rels.extend(c.args if isinstance(c, sp.And) else [c])
    symbols = gap.free_symbols.union(*(r.free_symbols for r in rels))
    unknown = sorted(str(s) for s in symbols if s not in domains)
    if unknown:
        raise ValueError(f"no domain for {', '.join(unknown)}")
    variables = sorted(symbols, key=str)
    try:
        p = _Problem(gap, variables, domains, rels, strict)
    except Unsupported as exc:
        report.update(reason="unsupported", detail=str(exc))
        return None
    queue = deque([(tuple(p.doms[v][:2] for v in p.vars), 0)])  # breadth first: boxes shrink evenly
    records, count = [], 0
    while queue:
        if count >= max_boxes or time.process_time() - cpu > seconds:
            report.update(reason="budget", boxes=count, seconds=time.perf_counter() - start)
            return None
        box, depth = queue.popleft()
        count += 1
        try:
            with ctx.workprec(max(prec, 32 + depth)):
                status, record = p.examine(box)
        except Unsupported as exc:
            report.update(reason="unsupported", detail=str(exc))
            return None
        if status == "violated":
            report.update(reason="counterexample", box=record["box"], boxes=count)
            return None
        if status != "split":
            records.append(record)
        elif any(lo < hi for lo, hi in box):
            queue.extend((half, depth + 1) for half in p.split(box))
        elif depth < 1024:
            queue.append((box, 2 * depth + prec))  # a point: retry at a higher precision
        else:
            report.update(reason="undecided at a point", box=record)
            return None
    elapsed = time.perf_counter() - start
    report.update(reason="proved", boxes=count, seconds=elapsed)
    return {
        "kind": "boxes",
        "claim_gap": sp.sstr(gap),
        "gap": p.show(p.gap),
        "factor": p.show(p.factor),
        "strict": strict,
        "variables": [str(v) for v in p.vars],
        "assumptions": {str(s): sorted(k for k in ("integer", "nonnegative", "positive", "real")
                                       if s.assumptions0.get(k)) for s in [*variables, *p.vars]},
        "transform": {str(x): sp.sstr(t) for x, t in p.transform.items()},
        "constraints": [sp.sstr(r) for r in rels],
        "constraint_forms": [{"index": i, "expr": p.show(c), "factor": p.show(m), "strict": s}
                             for i, c, m, s in p.constraints],
        "domain": {str(x): {"lo": ia.text(ia.exact(domains[x].lo)), "hi": ia.text(ia.exact(domains[x].hi)),
                            "lo_open": domains[x].lo_open, "hi_open": domains[x].hi_open,
                            "integer": domains[x].integer} for x in variables},
        "box_domain": {str(v): [ia.text(lo), ia.text(hi), lo_ex, hi_ex]
                       for v, (lo, hi, lo_ex, hi_ex) in p.doms.items()},
        "boxes": records,
        "stats": {"boxes": count, "seconds": round(elapsed, 4), "prec": prec},
    }
