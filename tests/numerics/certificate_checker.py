"""An independent replay of the prover's certificates. It imports nothing from numerics/: it re-reads the statement
from the certificate's header, rebuilds the facts (domain ends, hypotheses), and checks each rule of a proof with
its own means: SymPy for identities of expressions, mpmath interval arithmetic for constants, its own z3 encoding
for polynomial claims, and `box_checker` for interval branch and bound. `check(cert)` returns (ok, reason).
"""
from __future__ import annotations

import math
import random

import mpmath
import sympy as sp

import box_checker
from box_checker import Reject, _ev, check_boxes

SLACK = "t_slack"


class Bad(Exception):
    """The certificate does not prove what it says."""


def _same(a, b) -> bool:
    """a and b are the same expression: structurally, or their difference simplifies to 0 (with logarithms
    expanded where the symbols' assumptions allow it: 2*log(b/2 + 4) - log(7*b + 7) for positive b; or powers of
    one base combined after expanding, or powers of products split first)."""
    return a == b or sp.simplify(a - b) == 0 or sp.simplify(sp.expand_log(a - b)) == 0 \
        or sp.powsimp(sp.expand(a - b)) == 0 \
        or sp.simplify(sp.powsimp(sp.expand(sp.expand_power_base(a - b)))) == 0 \
        or sp.simplify(sp.powsimp(a - b)) == 0  # ((a + b)/2)**p vs (a + b)**p/2**p; (1 - e)*(1 - e)**(m - 1)


def _at(e, x, point) -> sp.Expr:
    """e at x = point, simplified; (b**r)**s read as b**(r*s) when b >= 0 (at b = 0 both sides are 0, 1 or
    undefined together) and log(b**r) as r*log(b) when b > 0, for r, s rational functions of real symbols (real
    wherever defined), which SymPy does not do when unsure that r is real or b is not 0."""
    def real(r):
        return bool(r.is_real) or (not r.has(sp.I) and all(v.is_real for v in r.free_symbols)
                                   and r.is_rational_function())
    e = e.subs(x, point)
    for t in sorted(e.atoms(sp.Pow), key=sp.count_ops, reverse=True):
        if isinstance(t.base, sp.Pow) and t.base.base.is_nonnegative and real(t.base.exp) and real(t.exp):
            e = e.xreplace({t: sp.Pow(t.base.base, t.base.exp * t.exp)})
    for t in e.atoms(sp.log):  # log(b**r) = r*log(b) for b > 0 and r real
        if isinstance(t.args[0], sp.Pow) and t.args[0].base.is_positive and real(t.args[0].exp):
            e = e.xreplace({t: t.args[0].exp * sp.log(t.args[0].base)})
    e = sp.simplify(e)
    return sp.simplify(sp.expand_log(e)) if e.has(sp.log) else e


IV = {name: getattr(mpmath.iv, name) for name in dir(mpmath.iv) if not name.startswith("_")}


def _iv_sign(e: sp.Expr) -> int | None:
    """Sign of a constant by interval arithmetic, at 300 bits and then 1200 (1 - erf(10) is 2e-45): box_checker's
    evaluator (arb for erf, gamma and LambertW, whose mpmath.iv forms do not converge), else mpmath.iv; 0 only
    when SymPy reduces e to 0; None when it cannot be decided."""
    for prec in (300, 1200):
        old = box_checker.PREC, mpmath.iv.prec
        box_checker.PREC = mpmath.iv.prec = prec
        try:
            v = _ev(e, {}, [False])
        except Reject:
            try:
                v = mpmath.iv.mpf(sp.lambdify([], e, modules=[IV])())
            except Exception:  # noqa: BLE001 - a function mpmath.iv cannot evaluate: undecided
                v = mpmath.iv.mpf([-mpmath.inf, mpmath.inf])
        finally:
            box_checker.PREC, mpmath.iv.prec = old
        if v.a > 0:
            return 1
        if v.b < 0:
            return -1
    return 0 if sp.simplify(e) == 0 else None


def _end(v) -> sp.Rational:
    """A domain end (a JSON number, or a certificate's exact string "p/q") as the decimal it prints as: 0.1 is 1/10.
    Never nsimplify, which reads 0.4054651081081636 as log(3/2): a domain other than the claim's."""
    return sp.Rational(v) if isinstance(v, str) else sp.Rational(repr(float(v)))


class Context:
    """Symbols, domains and facts of a statement; `facts` are (expr, strict) meaning expr > 0 (>= 0)."""

    def __init__(self, header: dict):
        self.symbols = {name: sp.Symbol(name, **info["assumptions"]) for name, info in header["symbols"].items()}
        self.domains = {self.symbols[n]: info for n, info in header["symbols"].items()}
        self.facts = []
        for s, info in self.domains.items():
            if info["lo"] != "-oo":
                self.facts.append((s - _end(info["lo"]), info["lo_open"]))
            if info["hi"] != "oo":
                self.facts.append((_end(info["hi"]) - s, info["hi_open"]))
        self.header_hypotheses = list(header["hypotheses"])
        for h in header["hypotheses"]:
            self.add_relation(self.parse(h))

    def parse(self, text: str) -> sp.Expr:
        return sp.sympify(text, locals=dict(self.symbols))

    def add_relation(self, rel) -> None:
        if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
            self.facts.append((rel.lhs - rel.rhs, isinstance(rel, sp.StrictGreaterThan)))
        elif isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
            self.facts.append((rel.rhs - rel.lhs, isinstance(rel, sp.StrictLessThan)))

    def derived(self, facts=None, domains=None, symbols=None) -> "Context":
        out = object.__new__(Context)
        out.symbols = dict(self.symbols if symbols is None else symbols)
        out.domains = dict(self.domains if domains is None else domains)
        out.facts = list(self.facts if facts is None else facts)
        out.header_hypotheses = self.header_hypotheses
        return out

    def without(self, x) -> "Context":
        return self.derived(facts=[f for f in self.facts if x not in f[0].free_symbols])


# ---- sign trees ---------------------------------------------------------------------------------------------
def check_tree(node: dict, ctx: Context, want: sp.Expr, strict: bool) -> None:
    e = ctx.parse(node["expr"])
    if not _same(e, want):
        raise Bad(f"a node proves {e}, but {want} was needed")
    if strict and node["sign"] != ">0":
        raise Bad(f"{e}: a strict sign was needed")
    strict = node["sign"] == ">0"
    kids = node.get("children", [])
    rule = node["rule"]
    if rule == "number":
        s = _iv_sign(e)
        if not (s == 1 or (s == 0 and not strict)):
            raise Bad(f"the constant {e} does not have the sign claimed")
    elif rule == "fact":
        _check_fact(node, e, strict, ctx)
    elif rule == "fact plus":  # e = f + r, f a fact (>= 0, or > 0), r shown >= 0 (> 0 unless f > 0)
        text = node["fact"]
        fs = text.endswith(" > 0")
        f = ctx.parse(text[:-len(" > 0")] if fs else text.removesuffix(" >= 0"))
        if not any(_same(f, g) and (t or not fs) for g, t in ctx.facts):
            raise Bad(f"{text} is not a fact")
        r = ctx.parse(kids[0]["expr"])
        if not _same(e, f + r):
            raise Bad(f"{e} is not {f} + {r}")
        check_tree(kids[0], ctx, r, strict and not fs)
    elif rule in ("sum", "product"):
        # the children's expressions, not e's printed structure: 1/(2*(sqrt(x) + 1)), a product of 1/2 and
        # 1/(sqrt(x) + 1) in the prover, reads back as the single factor 1/(2*sqrt(x) + 2)
        parts = [ctx.parse(k["expr"]) for k in kids]
        combine = sp.Add if rule == "sum" else sp.Mul
        negated = node.get("negated", [])  # factors shown <= 0: their negations are the children
        if rule == "sum" and negated or len(negated) % 2:
            raise Bad(f"{rule} {e}: an odd number of negated factors, or a negated term")
        if not parts or not _same(combine(*parts) * (-1) ** len(negated), e):
            raise Bad(f"{rule} {e}: the children's {rule} is not the node's expression")
        for k, part in zip(kids, parts):
            check_tree(k, ctx, part, strict and rule == "product")
        if rule == "sum" and strict and not any(k["sign"] == ">0" for k in kids):
            raise Bad(f"sum {e}: no strictly positive term")
    elif rule == "affine":  # affine in x over x's bounded domain: between its values at the ends
        x = ctx.symbols[node["variable"]]
        info = ctx.domains[x]
        lo, hi = ctx.parse(node["lo"]), ctx.parse(node["hi"])
        if "oo" in (info["lo"], info["hi"]) or not (_same(lo, _end(info["lo"])) and _same(hi, _end(info["hi"]))):
            raise Bad(f"{lo}, {hi} are not the ends of the bounded domain of {x}")
        if sp.diff(e, x).has(x):
            raise Bad(f"{e} is not affine in {x}")
        for k, end in zip(kids, (lo, hi), strict=True):
            check_tree(k, ctx, e.subs(x, end), strict)
    elif rule == "power":
        _check_power(node, e, strict, kids, ctx)
    elif rule == "log":
        if isinstance(e, sp.log):
            check_tree(kids[0], ctx, e.args[0] - 1, strict)
        else:
            c, rest = e.as_coeff_Mul()
            if not (c < 0 and isinstance(rest, sp.log)):
                raise Bad(f"{e} is not a negative multiple of a log")
            check_tree(kids[0], ctx, 1 - rest.args[0], strict)
            check_tree(kids[1], ctx, rest.args[0], True)
    elif rule == "monotone":
        a, b = ctx.parse(node["a"]), ctx.parse(node["b"])
        f = {"exp": sp.exp, "log": sp.log}.get(node["function"])
        if f is None:  # power: e = a**p - b**p with p > 0, a, b > 0
            p = ctx.parse(node["exponent"])
            f = lambda v: v ** p  # noqa: E731
            for k, side in zip(kids[1:3], (a, b)):
                check_tree(k, ctx, side, True)
            if p.is_number:
                if _iv_sign(p) != 1:
                    raise Bad(f"exponent {p} is not positive")
            else:
                if len(kids) < 4:
                    raise Bad(f"no proof that the exponent {p} is positive")
                check_tree(kids[3], ctx, p, True)
        elif node["function"] == "log":
            for k, side in zip(kids[1:], (a, b)):
                check_tree(k, ctx, side, True)
        if not _same(e, f(a) - f(b)):
            raise Bad(f"{e} is not {node['function']}({a}) - {node['function']}({b})")
        check_tree(kids[0], ctx, a - b, strict)
    elif rule == "squares":
        a, b, diff = ctx.parse(node["a"]), ctx.parse(node["b"]), ctx.parse(node["difference"])
        if not _same(e, a - b) or not _same(diff, a ** 2 - b ** 2):
            raise Bad(f"{e} is not {a} - ({b}), or {diff} is not their difference of squares")
        check_tree(kids[0], ctx, a, False)
        check_tree(kids[1], ctx, b, False)
        check_tree(kids[2], ctx, diff, strict)
    elif rule == "logs":
        _check_logs(node, e, strict, kids, ctx)
    elif rule == "quotient":
        num, den = ctx.parse(node["numerator"]), ctx.parse(node["denominator"])
        if not _same(e, num / den):
            raise Bad(f"{e} is not {num}/({den})")
        check_tree(kids[0], ctx, num, strict)
        check_tree(kids[1], ctx, den, True)
    elif rule == "rewrite":
        form = ctx.parse(node["form"])
        if not _same(e, form):
            raise Bad(f"{e} is not {form}")
        check_tree(kids[0], ctx, form, strict)
    else:
        raise Bad(f"unknown rule {rule}")


def _check_fact(node, e, strict, ctx: Context) -> None:
    if e.is_Symbol and e in ctx.domains:
        info = ctx.domains[e]
        lo = -math.inf if info["lo"] == "-oo" else float(info["lo"])
        if lo > 0 or (lo == 0 and (info["lo_open"] or not strict)):
            return
    for f, fs in ctx.facts:
        if strict and not fs and "shift" not in node:
            continue
        ratio = sp.cancel(e / f) if f != 0 else None
        if ratio is not None and ratio.is_number and _iv_sign(ratio) == 1 and (fs or not strict):
            return
        shift = sp.expand(e - f)
        if shift.is_number:
            s = _iv_sign(shift)
            if s == 1 or (s == 0 and (fs or not strict)):
                return
    raise Bad(f"{e} {node['sign']} is not a known fact")


def _check_logs(node, e, strict, kids, ctx: Context) -> None:
    """e = a - b, every base of the powers in a and b positive, and log a - log b (exponent * log(base) summed, by
    SymPy's own reading of a and b as products of powers) has the sign claimed."""
    diff = _log_difference(node, e, kids[1:], ctx)
    check_tree(kids[0], ctx, diff, strict)


def check_logarithm(node: dict, ctx: Context, e, strict: bool) -> None:
    """As the sign rule `logs`, with any sub-proof of the logarithms' difference."""
    check_sub(node["proof"], ctx, _log_difference(node, e, node["bases"], ctx), strict)


def check_lemma(node: dict, ctx: Context, e, strict: bool) -> None:
    """An occurrence f(u) of e bounded by a lemma f(y) <= bound(y) (>=): the lemma's own certificate replays and
    states that bound, y = u satisfies the lemma's domain, e is monotone in the occurrence the right way, and e with
    the bound in place has the sign claimed."""
    lemma = node["lemma_certificate"]
    ok, why = check(lemma)
    if not ok:
        raise Bad(f"the lemma {node['lemma']} does not replay: {why}")
    lctx = Context(lemma)
    y, f = lctx.symbols[node["y"]], {"log": sp.log, "exp": sp.exp}[node["function"]]
    bound = lctx.parse(node["bound"])
    upper = node["upper"]
    if lemma["hypotheses"] or not _same(lctx.parse(lemma["gap"]), bound - f(y) if upper else f(y) - bound) or (
            node["strict"] and lemma["relation"] != "> 0"):
        raise Bad(f"the lemma {node['lemma']} does not state {f(y)} {'<' if upper else '>'}= {bound}")
    u, atom = ctx.parse(node["instance"]), ctx.parse(node["atom"])
    if not _same(atom, f(u)):
        raise Bad(f"{atom} is not {f(u)}")
    for (fact, fstrict), tree in zip(lctx.facts, node["conditions"], strict=True):
        check_tree(tree, ctx, fact.subs(y, u), fstrict)
    z = sp.Symbol("lemma_z", real=True)
    zctx = ctx.derived(symbols={**ctx.symbols, "lemma_z": z})
    g = e.xreplace({atom: z})
    slope = sp.diff(g, z)
    strictly = bool(node["strict_derivative"])
    check_tree(node["derivative"], zctx, -slope if upper else slope, strictly)
    reduced = ctx.parse(node["reduced"])
    if not _same(reduced, g.subs(z, bound.subs(y, u))):
        raise Bad(f"{reduced} is not {e} with {atom} replaced by its bound")
    check_sub(node["proof"], ctx, reduced, strict and not (node["strict"] and strictly))


def replay_lemma(cert: dict) -> None:
    ctx, gap, strict = _statement(cert)
    check_sub(cert["argument"], ctx, gap, strict)


def _log_difference(node, e, base_trees, ctx: Context):
    """The difference log a - log b of a node whose expression e is a - b, its bases proved positive."""
    a, b, diff = ctx.parse(node["a"]), ctx.parse(node["b"]), ctx.parse(node["difference"])
    if not _same(e, a - b):
        raise Bad(f"{e} is not {a} - ({b})")
    def leaves(e):  # the bases log(e) = sum ex*log(base) needs > 0, a product-of-powers base split in its turn
        out = []
        for base in e.as_powers_dict():
            if base != sp.E:
                out += leaves(base) if isinstance(base, (sp.Mul, sp.Pow, sp.exp)) else [base]
        return out

    def log_of(e):
        return sp.Add(*[ex * (1 if base == sp.E else log_of(base) if isinstance(base, (sp.Mul, sp.Pow, sp.exp))
                              else sp.log(base)) for base, ex in e.as_powers_dict().items()])

    every = leaves(a) + leaves(b)
    bases = [base for base in every if not base.is_number]
    for base in {base for base in every if base.is_number}:
        if _iv_sign(base) != 1:
            raise Bad(f"the base {base} is not positive")
    proved = [ctx.parse(k["expr"]) for k in base_trees]

    def covers(p, base):  # p > 0 shows base > 0 when base is p times a positive number
        ratio = sp.cancel(base / p)
        return _same(p, base) or (ratio.is_number and _iv_sign(ratio) == 1)

    for base in bases:
        k = next((i for i, p in enumerate(proved) if covers(p, base)), None)
        if k is None:
            raise Bad(f"no proof that the base {base} is positive")
        check_tree(base_trees[k], ctx, proved[k], True)
    if not _same(diff, log_of(a) - log_of(b)):
        raise Bad(f"{diff} is not log({a}) - log({b})")
    return diff


def _check_power(node, e, strict, kids, ctx: Context) -> None:
    if isinstance(e, sp.exp) or (isinstance(e, sp.Pow) and e.base == sp.E):
        return
    if not isinstance(e, sp.Pow):
        raise Bad(f"{e} is not a power")
    kind = node["kind"]
    if kind == "positive base":
        check_tree(kids[0], ctx, e.base, True)
    elif kind == "even power" and not strict:
        if not (e.exp.is_integer and e.exp.is_even and e.exp.is_positive):
            raise Bad(f"{e}: not an even power")
    elif kind == "nonnegative base, positive exponent" and not strict:
        check_tree(kids[0], ctx, e.base, False)
        check_tree(kids[1], ctx, e.exp, True)
    else:
        raise Bad(f"{e}: power rule {kind} does not apply")


# ---- monotonicity --------------------------------------------------------------------------------------------
def check_sub(proof: dict, ctx: Context, want, strict: bool) -> None:
    """A sub-proof inside a monotonicity argument: a sign tree or a nested argument."""
    if proof["kind"] == "sign":
        check_tree(proof["tree"], ctx, want, strict)
    elif proof["kind"] == "logarithm":
        check_logarithm(proof, ctx, want, strict)
    elif proof["kind"] == "lemma":
        check_lemma(proof, ctx, want, strict)
    elif proof["kind"] == "absolute":  # |u| = u where u >= 0 (-u where u <= 0)
        atom = ctx.parse(proof["atom"])
        if not isinstance(atom, sp.Abs) or not want.has(atom):
            raise Bad(f"{atom} is not an absolute value in {want}")
        u = -atom.args[0] if proof["negated"] else atom.args[0]
        check_tree(proof["sign"], ctx, u, False)
        check_sub(proof["proof"], ctx, want.xreplace({atom: u}), strict)
    elif proof["kind"] == "cleared":  # want = N/D with D > 0: N has its sign
        num, den = ctx.parse(proof["numerator"]), ctx.parse(proof["denominator"])
        if not _same(want, num / den):
            raise Bad(f"{want} is not ({num})/({den})")
        check_tree(proof["positive"], ctx, den, True)
        check_sub(proof["proof"], ctx, num, strict)
    elif proof["kind"] == "factor":  # want = (factors shown > 0) * rest: rest has want's sign
        parts = [ctx.parse(t["expr"]) for t in proof["positive"]]
        rest = ctx.parse(proof["rest"])
        if not parts or not _same(want, sp.Mul(*parts) * rest):
            raise Bad(f"{want} is not the product of {parts} and {rest}")
        for t, part in zip(proof["positive"], parts):
            check_tree(t, ctx, part, True)
        check_sub(proof["proof"], ctx, rest, strict)
    elif proof["kind"] == "split":  # c >= 0 or c <= 0 at every point: one proof with each as a fact
        c = ctx.parse(proof["condition"])
        if len(proof["cases"]) != 2:
            raise Bad("a split needs its two cases")
        for sign, case in zip((1, -1), proof["cases"]):
            check_sub(case, ctx.derived(facts=ctx.facts + [(sign * c, False)]), want, strict)
    elif proof["kind"] == "constant":
        if want.free_symbols:
            raise Bad(f"{want} is not a constant")
        s = _iv_sign(want)
        if not (s == 1 or (s == 0 and not strict)):
            raise Bad(f"the constant {want} does not have the sign claimed")
    else:
        check_monotone(proof, ctx, want, strict)


def check_monotone(arg: dict, ctx: Context, gap, strict: bool) -> None:
    """gap >= 0 (> 0) by a monotonicity argument in x: the derivative's sign inside x's interval (the facts on x made
    strict: the gap, free of functions with jumps, is continuous up to the ends, where its value is checked)."""
    x = ctx.symbols[arg["variable"]]
    if gap.has(sp.floor, sp.ceiling, sp.sign, sp.Heaviside, sp.Piecewise, sp.frac):
        raise Bad(f"{gap} has a function with jumps: no monotonicity argument")
    deriv = ctx.parse(arg["derivative"])
    if not _same(deriv, sp.diff(gap, x)):
        raise Bad(f"{deriv} is not the derivative of {gap} in {x}")
    ctx = _normalized(arg.get("normalized", []), ctx, x)
    x_facts = [(f, s) for f, s in ctx.facts if x in f.free_symbols and not sp.diff(f, x).has(x)]
    point = ctx.parse(arg["point"] if arg["kind"] in ("critical point", "peak") else arg["at"])
    if arg.get("ray"):
        return _check_ray(arg, ctx, gap, strict, x, x_facts, point)
    for f, _ in x_facts:  # the point lies in the closure of the interval
        value = _at(f, x, point)
        if value.free_symbols:
            entry = next((i for i in arg["inside"] if _same(ctx.parse(i["fact"]), f)), None)
            if entry is None:
                raise Bad(f"no proof that {x} = {point} satisfies {f} >= 0")
            check_tree(entry["tree"], ctx.without(x), value, False)
        elif _iv_sign(value) not in (0, 1):
            raise Bad(f"{x} = {point} violates {f} >= 0")
    inside = ctx.derived(facts=[(f, s or x in f.free_symbols) for f, s in ctx.facts])
    if arg["kind"] == "monotone":
        info, lower = ctx.domains[x], arg["direction"] == "increasing"
        if "end" in arg:  # the root of an affine fact whose coefficient of x is positive (a lower end) or negative
            f = ctx.parse(arg["end"]["fact"])
            if not any(_same(f, g) for g, _ in x_facts):
                raise Bad(f"{f} >= 0 is not a fact affine in {x}")
            c = sp.diff(f, x)
            if not _same(f.subs(x, point), 0):
                raise Bad(f"{point} is not the root of {f} in {x}")
            if arg["end"]["coefficient"] is not None:
                check_tree(arg["end"]["coefficient"], ctx, c if lower else -c, True)
            elif _iv_sign(c) != (1 if lower else -1):
                raise Bad(f"the coefficient {c} of {x} in {f} does not make {point} a {'lower' if lower else 'upper'} end")
        else:
            end = info["lo"] if lower else info["hi"]
            if end in ("oo", "-oo") or not _same(point, _end(end)):
                raise Bad(f"{point} is not the {'lower' if lower else 'upper'} end of {x}")
        open_end = bool(arg.get("open_end"))  # strictly monotone, the end excluded: the gap is > 0 past it
        if open_end:
            if "end" in arg:
                f = ctx.parse(arg["end"]["fact"])
                if not any(_same(f, g) and s for g, s in x_facts):
                    raise Bad(f"{f} > 0 is not a strict fact: the interval may hold its end {point}")
            elif not info["lo_open" if lower else "hi_open"]:
                raise Bad(f"the domain of {x} holds its end {point}")
        check_sub(arg["monotone"], inside, deriv if lower else -deriv, open_end)
    elif arg["kind"] == "peak":
        return _check_peak(arg, ctx, gap, strict, x, x_facts, inside, deriv, point)
    elif arg["kind"] == "critical point":
        after = inside.derived(facts=inside.facts + [(x - point, False)])
        before = inside.derived(facts=inside.facts + [(point - x, False)])
        check_sub(arg["increasing_after"], after, deriv, False)
        check_sub(arg["decreasing_before"], before, -deriv, False)
    else:
        raise Bad(f"unknown argument {arg['kind']}")
    check_sub(arg["value"], ctx.without(x), _at(gap, x, point), strict and not arg.get("open_end"))


def _check_peak(arg: dict, ctx: Context, gap, strict: bool, x, x_facts, inside: Context, deriv, point) -> None:
    """The gap rises up to x0 and falls after it on x's domain, which no other fact narrows: it is >= its smaller
    value at the domain's two ends, each checked at a finite end, or as SymPy's limit at an infinite end of a gap in
    x alone."""
    info = ctx.domains[x]
    own = Context({"symbols": {str(x): info}, "hypotheses": []}).facts
    if any(not any(_same(f, g) and s == t for g, t in own) for f, s in x_facts) or any(
            x in f.free_symbols and sp.diff(f, x).has(x) for f, _ in ctx.facts):
        raise Bad(f"a fact other than its domain bounds {x}: its interval's ends are not the domain's")
    check_sub(arg["increasing_before"], inside.derived(facts=inside.facts + [(point - x, False)]), deriv, False)
    check_sub(arg["decreasing_after"], inside.derived(facts=inside.facts + [(x - point, False)]), -deriv, False)
    ends = {e["side"]: e for e in arg["ends"]}
    if set(ends) != {"lo", "hi"} or len(arg["ends"]) != 2:
        raise Bad("a peak needs the gap at both ends of the domain")
    for side, e in ends.items():
        end = info[side]
        if not _same(ctx.parse(e["at"]), sp.oo if end == "oo" else -sp.oo if end == "-oo" else _end(end)):
            raise Bad(f"{e['at']} is not the {side} end of {x}")
        if end in ("oo", "-oo"):
            if gap.free_symbols != {x}:
                raise Bad(f"a limit at {end} of a gap in more than {x}")
            limit = sp.limit(gap, x, sp.oo if end == "oo" else -sp.oo)
            s = 1 if limit == sp.oo else (_iv_sign(limit) if limit.is_number and limit.is_finite else None)
            if not (s == 1 or (s == 0 and not strict)):
                raise Bad(f"the gap's limit {limit} at {end} is not {'> 0' if strict else '>= 0'}")
        else:
            check_sub(e["value"], ctx.without(x), _at(gap, x, _end(end)), strict)


def _check_ray(arg: dict, ctx: Context, gap, strict: bool, x, x_facts, point) -> None:
    """gap >= 0 on x's region, inside the ray {f >= 0} of an affine fact f with root x0 = point: the gap as a function
    of a real x with no domain (its own symbol) is monotone on the ray's interior, and >= 0 at x0."""
    if arg["kind"] != "monotone" or "end" not in arg:
        raise Bad("a ray argument needs an end from a fact")
    f = ctx.parse(arg["end"]["fact"])
    end = next(((g, s) for g, s in x_facts if _same(f, g)), None)
    if end is None:
        raise Bad(f"{f} >= 0 is not a fact affine in {x}")
    if not _same(f.subs(x, point), 0):
        raise Bad(f"{point} is not the root of {f} in {x}")
    c, lower = sp.diff(f, x), arg["direction"] == "increasing"
    if arg["end"]["coefficient"] is not None:
        check_tree(arg["end"]["coefficient"], ctx, c if lower else -c, True)
    elif _iv_sign(c) != (1 if lower else -1):
        raise Bad(f"the coefficient {c} of {x} in {f} does not make {point} a {'lower' if lower else 'upper'} end")
    open_end = bool(arg.get("open_end"))
    if open_end and not end[1]:
        raise Bad(f"{f} > 0 is not a strict fact: the ray may hold its end {point}")
    ray = sp.Symbol(str(x), real=True)
    g = gap.xreplace({x: ray})
    symbols = {**ctx.symbols, str(x): ray}
    domains = {**{s: d for s, d in ctx.domains.items() if s != x},
               ray: {"lo": "-oo", "hi": "oo", "lo_open": True, "hi_open": True, "assumptions": {"real": True}}}
    facts = [k for k in ctx.facts if x not in k[0].free_symbols] + [(f.xreplace({x: ray}), True)]
    if "positive_end" in arg:  # a lower end x0 >= 0: the ray's interior x > x0 lies among the positive numbers
        if not lower:
            raise Bad("a positive end bounds a ray from below only")
        check_tree(arg["positive_end"], ctx.without(x), point, False)
        facts.append((ray, True))
    on_ray = ctx.derived(facts=facts, domains=domains, symbols=symbols)
    deriv = on_ray.parse(arg["derivative"])
    if not _same(deriv, sp.diff(g, ray)):
        raise Bad(f"{deriv} is not the derivative of {g} in {ray}")
    check_sub(arg["monotone"], on_ray, deriv if lower else -deriv, open_end)
    check_sub(arg["value"], ctx.without(x), _at(gap, x, point), strict and not open_end)


def _normalized(entries: list, ctx: Context, x) -> Context:
    """The context with, for each fact f >= 0 that is not affine in x, its equivalent x - x0 >= 0 (x0 - x >= 0): f(x0)
    = 0, f strictly monotone in x on x's domain (its derivative of one strict sign inside it), x0 in the domain's
    closure. Raises when a fact is left non-affine."""
    facts, replaced = list(ctx.facts), []
    dom = ctx.derived(facts=[f for f in ctx.facts if x not in f[0].free_symbols] +
                      [f for f in Context({"symbols": {str(x): ctx.domains[x]}, "hypotheses": []}).facts])
    for entry in entries:
        f, root = ctx.parse(entry["fact"]), ctx.parse(entry["root"])
        k = next((i for i, (g, _) in enumerate(facts) if _same(g, f)), None)
        if k is None:
            raise Bad(f"{f} >= 0 is not a fact")
        if root.has(x) or not _same(_at(f, x, root), 0):
            raise Bad(f"{root} is not a root of {f} in {x}")
        sign = 1 if entry["increasing"] else -1
        inside = dom.derived(facts=[(g, s or x in g.free_symbols) for g, s in dom.facts])  # the ends aside
        check_tree(entry["derivative"], inside, sign * sp.diff(f, x), True)
        for g, _ in dom.facts:
            if x in g.free_symbols:
                value = g.subs(x, root)
                tree = next((i.get("tree") for i in entry["inside"] if _same(ctx.parse(i["fact"]), g)), None)
                if tree is not None:
                    check_tree(tree, dom.without(x), value, False)
                elif value.free_symbols or _iv_sign(value) not in (0, 1):
                    raise Bad(f"{root} is not in the domain of {x}")
        replaced.append(k)
        facts.append((sign * (x - root), facts[k][1]))
    if any(x in g.free_symbols and sp.diff(g, x).has(x) for i, (g, _) in enumerate(facts) if i not in replaced):
        raise Bad(f"the facts about {x} are not affine in it: the region in {x} may not be an interval")
    return ctx.derived(facts=facts)


# ---- z3 ------------------------------------------------------------------------------------------------------
def _z3_of(e, env):
    import z3

    if e.is_Symbol:
        return env[e]
    if e.is_Rational:
        return z3.RealVal(str(e))
    if isinstance(e, sp.Add):
        return z3.Sum(*[_z3_of(a, env) for a in e.args])
    if isinstance(e, sp.Mul):
        out = _z3_of(e.args[0], env)
        for a in e.args[1:]:
            out = out * _z3_of(a, env)
        return out
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0:
        base = _z3_of(e.base, env)
        out = base
        for _ in range(int(e.exp) - 1):
            out = out * base
        return out
    raise Bad(f"{e} is not a polynomial z3 can read")


def check_z3(cert: dict, ctx: Context, gap, strict: bool) -> None:
    import z3

    # square roots sqrt(u)**p (u a polynomial) read as r**p for a fresh r >= 0 with r**2 = u, after checking that
    # u >= 0 wherever the facts free of roots hold (where the claim is real)
    roots = {}
    for a in sorted({a for e in (gap, *[f for f, _ in ctx.facts]) for a in e.atoms(sp.Pow)
                     if a.exp.is_Rational and a.exp.q == 2}, key=sp.default_sort_key):
        roots.setdefault(a.base, sp.Dummy(f"root{len(roots)}"))
    plain = lambda e: e.replace(lambda a: isinstance(a, sp.Pow) and a.exp.is_Rational and a.exp.q == 2,  # noqa: E731
                                lambda a: roots[a.base] ** a.exp.p)
    num, den = ctx.parse(cert["numerator"]), ctx.parse(cert["denominator"])
    if not _same(gap, num / den):
        raise Bad("the certificate's numerator/denominator is not the gap")
    num, den = plain(num), plain(den)
    env = {s: z3.Real(str(s)) for s in ctx.symbols.values()}
    env.update({r: z3.Real(f"root_{k}") for k, r in enumerate(roots.values())})
    solver, free_of_roots = z3.Solver(), []
    for f, fs in ctx.facts:
        try:
            c = _z3_of(sp.expand(plain(f)), env)
        except Bad:
            continue  # leaving a fact out only makes the query harder to refute
        solver.add(c > 0 if fs else c >= 0)
        if not plain(f).has(*roots.values()):
            free_of_roots.append(c > 0 if fs else c >= 0)
    for u, r in roots.items():
        real = z3.Solver()
        real.add(*free_of_roots, _z3_of(sp.expand(u), env) < 0)
        if real.check() != z3.unsat:
            raise Bad(f"sqrt({u}) may be imaginary in the domain")
        solver.add(env[r] >= 0, env[r] * env[r] == _z3_of(sp.expand(u), env))
    n, d = _z3_of(sp.expand(num), env), _z3_of(sp.expand(den), env)
    solver.add(d != 0, n * d <= 0 if strict else n * d < 0)
    if solver.check() != z3.unsat:
        raise Bad("z3 does not find the negation unsatisfiable")


# ---- identities ----------------------------------------------------------------------------------------------
def _sample(info: dict | None, rng: random.Random) -> float:
    """A point inside a domain (a slack variable has none: any t > 0)."""
    lo = 0.0 if info is None or info["lo"] == "-oo" else float(info["lo"])
    hi = lo + 5.0 if info is None or info["hi"] == "oo" else float(info["hi"])
    if info is not None and info["lo"] == "-oo":
        lo = hi - 5.0
    return rng.uniform(lo + 0.05 * (hi - lo), hi - 0.05 * (hi - lo))


def _substituted(sub: dict, ctx: Context):
    """(context with the slack symbol, y, value) after checking that the substitution y -> value turns one of the
    hypotheses into exactly t > 0 (t >= 0)."""
    t = sp.Symbol(SLACK, positive=True) if sub["strict"] else sp.Symbol(SLACK, nonnegative=True)
    y = ctx.symbols[sub["symbol"]]
    sctx = ctx.derived(symbols={**ctx.symbols, SLACK: t})
    value = sctx.parse(sub["value"])
    if not any(fs == sub["strict"] and _same(f.subs(y, value), t) for f, fs in ctx.facts):
        raise Bad(f"the substitution {sub['text']} does not come from a hypothesis")
    facts = [(f.subs(y, value), fs) for f, fs in ctx.facts if not _is_domain_fact(f, y, ctx)]
    return sctx.derived(facts=facts + [(t, sub["strict"])]), y, value


def _exponent_digits(values) -> int:
    """How many digits the largest decimal exponent among the values has (175 for 10**(10**175))."""
    sizes = [abs(mpmath.log10(abs(v))) for v in values if v != 0 and mpmath.isfinite(v)]
    return max((int(mpmath.log10(s)) + 1 for s in sizes if s >= 1), default=0)


def check_identity(cert: dict, ctx: Context, gap) -> None:
    if "substitution" in cert:
        ctx, y, value = _substituted(cert["substitution"], ctx)
        gap = gap.subs(y, value)
    diff = ctx.parse(cert["difference"])
    if not _same(diff, gap):
        raise Bad("the certificate's difference is not the claim's")
    # an independent numeric look: the difference vanishes at random points of the domain (50 digits), relative to
    # the size of its terms (exp(b - 3/2) - exp(-3/2)*exp(b) is ~1e384 at 50 digits when b = 1000), and to 15
    # digits where SymPy folded a constant into a Float (gamma(erf(1.5)) is 1.0232...)
    rng = random.Random(0)
    free = sorted(diff.free_symbols, key=str)
    fn = sp.lambdify(free, [diff, *sp.Add.make_args(diff)], "mpmath")
    tol = mpmath.mpf(10) ** (-12 if diff.has(sp.Float) else -35)  # SymPy's own Floats carry 15 digits
    # a point that looks wrong at 50 digits is looked at again with 150 more, and as many more as its terms' decimal
    # exponents have digits: a huge intermediate (gamma(gamma(60)) + 0.56) loses the small addend at 50 digits, and
    # exp(exp(exp(6))) = 10**(10**175) has no correct mantissa below 175 digits; a real non-identity keeps its
    # difference at any precision
    def off(point, digits):
        with mpmath.workdps(digits):
            v, *terms = fn(*[mpmath.mpf(x) for x in point])
            return (v, terms) if abs(v) > tol * max(1, *map(abs, terms)) else None

    for _ in range(20):
        point = [_sample(ctx.domains.get(s), rng) for s in free]
        first = off(point, 50)
        if first is None:
            continue
        again = off(point, min(5000, 200 + _exponent_digits(first[1])))
        if again is not None:
            raise Bad(f"the difference is {mpmath.nstr(again[0], 5)} at a point: not an identity")
    if not diff.has(sp.Float) and all(sp.simplify(f(diff)) != 0 for f in (lambda e: e, lambda e: sp.expand_log(
            sp.powsimp(e)), sp.gammasimp)):  # with Floats, SymPy's own rounding: the 15-digit look above decides
        raise Bad("SymPy does not reduce the difference to 0")


# ---- interval branch and bound ---------------------------------------------------------------------------------
def check_box_certificate(boxes: dict, ctx: Context, gap, strict: bool) -> None:
    """The boxes replay (box_checker) and prove this claim: same gap, domains, hypotheses and strictness."""
    ok, why = check_boxes(boxes)
    if not ok:
        raise Bad(why)
    if not _same(sp.sympify(boxes["claim_gap"], locals=dict(ctx.symbols)), gap):
        raise Bad("the boxes prove another expression")
    if boxes["strict"] != strict:
        raise Bad("the boxes prove a relation of another strictness")
    for name, info in boxes["domain"].items():
        mine = ctx.domains[ctx.symbols[name]]
        lo_ok = mine["lo"] == "-oo" or (info["lo"] not in ("-oo", "-inf") and
                                         _end(info["lo"]) <= _end(mine["lo"]))
        hi_ok = mine["hi"] == "oo" or (info["hi"] not in ("oo", "inf") and
                                        _end(info["hi"]) >= _end(mine["hi"]))
        if not (lo_ok or mine["lo"] == "-oo") or not hi_ok:
            raise Bad(f"the boxes cover a smaller domain of {name} than the claim's")
    claimed = {sp.sympify(h, locals=dict(ctx.symbols)) for h in boxes["constraints"]}
    mine = {sp.sympify(h, locals=dict(ctx.symbols)) for h in ctx.header_hypotheses}
    if not claimed <= mine:
        raise Bad("the boxes assume a constraint the claim does not have")


# ---- constants of the extended reals ---------------------------------------------------------------------------
def _rank(text: str) -> int:
    """1 for oo, -1 for -oo, 0 for a finite real number (its 30-digit value must be finite and real)."""
    e = sp.sympify(text)
    if e.free_symbols:
        raise Bad(f"{text} is not a constant")
    if e in (sp.oo, -sp.oo):
        return 1 if e == sp.oo else -1
    v = sp.N(e, 30)
    if not (v.is_real and v.is_finite):
        raise Bad(f"{text} is not an extended real number")
    return 0


def check_extended(cert: dict) -> None:
    """lhs REL rhs between constants, at least one infinite, by the order of the extended reals: -oo < every
    real number < oo."""
    a, b = _rank(cert["lhs"]), _rank(cert["rhs"])
    if a == b == 0:
        raise Bad("neither side is infinite: not a certificate of the extended reals")
    holds = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "=": a == b}[cert["relation"]]
    if not holds:
        raise Bad(f"{cert['lhs']} {cert['relation']} {cert['rhs']} is false in the extended reals")


# ---- entry point ---------------------------------------------------------------------------------------------
def _statement(cert: dict) -> tuple[Context, sp.Expr, bool]:
    """The header's statement: its context, the gap, and whether the relation is strict."""
    ctx = Context(cert)
    return ctx, ctx.parse(cert["gap"]), cert["relation"] == "> 0"


def replay_identity(cert: dict) -> None:
    ctx, gap, _ = _statement(cert)
    if cert["relation"] != "= 0":
        raise Bad("an identity certificate for an inequality")
    check_identity(cert, ctx, gap)


def replay_constant(cert: dict) -> None:
    _, gap, strict = _statement(cert)
    s = _iv_sign(gap) if cert["relation"] != "= 0" else (0 if sp.simplify(gap) == 0 else None)
    if not (s == 1 or (s == 0 and not strict)):
        raise Bad(f"the constant {gap} does not satisfy {cert['relation']}")


def replay_sign(cert: dict) -> None:
    ctx, gap, strict = _statement(cert)
    if "substitution" in cert:
        sctx, y, value = _substituted(cert["substitution"], ctx)
        check_tree(cert["tree"], sctx, gap.subs(y, value), strict)
    else:
        check_tree(cert["tree"], ctx, gap, strict)


def replay_monotone(cert: dict) -> None:
    ctx, gap, strict = _statement(cert)
    arg = cert["argument"]
    (check_sub if arg["kind"] in ("split", "cleared") else check_monotone)(arg, ctx, gap, strict)


def replay_homogeneous(cert: dict) -> None:
    """gap(t*x_S) = t**k * gap(x) for t > 0 over variables whose domains are cones, every fact on them homogeneous
    too (its sign kept), and the pivot b ranging over (0, oo): the gap's sign is its sign with b = 1."""
    ctx, gap, strict = _statement(cert)
    arg = cert["argument"]
    t = sp.Dummy("t", positive=True)
    names = arg["variables"]
    xs = [ctx.symbols[n] for n in names]
    for x in xs:
        lo, hi = ctx.domains[x]["lo"], ctx.domains[x]["hi"]
        cone = (lo == 0 and hi == "oo") or (lo == "-oo" and (hi == 0 or hi == "oo"))
        if not cone or ctx.domains[x]["assumptions"].get("integer"):
            raise Bad(f"the domain of {x} is not a cone")
    b = ctx.symbols[arg["pivot"]]
    if b not in xs or ctx.domains[b]["lo"] != 0 or not ctx.domains[b]["lo_open"] or ctx.domains[b]["hi"] != "oo":
        raise Bad(f"the pivot {b} does not range over (0, oo)")

    def homogeneous(e, k) -> bool:
        if k.free_symbols & set(xs):
            return False
        se = e.xreplace({x: t * x for x in xs})
        se = se.replace(lambda u: u.is_Pow and u.base.is_Add, lambda u: sp.Pow(sp.factor_terms(u.base), u.exp))
        se = se.replace(lambda u: isinstance(u, sp.log) and u.args[0].is_Add, lambda u: sp.log(sp.factor_terms(u.args[0])))
        d = sp.expand_log(sp.expand_power_base(se - t**k * e))  # log(t*a) = log(t) + log(a) for a > 0
        return sp.powsimp(sp.expand(d)) == 0 or sp.simplify(d) == 0

    if not homogeneous(gap, ctx.parse(arg["degree"])):
        raise Bad(f"{gap} is not homogeneous of degree {arg['degree']} in {', '.join(names)}")
    degrees = {ctx.parse(f): ctx.parse(m) for f, m in arg["fact_degrees"].items()}
    facts = []
    for f, s in ctx.facts:
        if f.free_symbols & set(xs):
            k = next((m for g, m in degrees.items() if _same(g, f)), None)
            if k is None or not homogeneous(f, k):
                raise Bad(f"the fact {f} >= 0 is not shown homogeneous")
            f = f.subs(b, 1)
            if not f.free_symbols:
                continue
        facts.append((f, s))
    domains = {x: info for x, info in ctx.domains.items() if x != b}
    reduced = ctx.parse(arg["reduced_gap"])  # the prover's form: log(1/y) at b = 1 may read log(y) negated
    if not _same(reduced, gap.subs(b, 1)):
        raise Bad(f"{reduced} is not {gap} at {b} = 1")
    check_sub(arg["reduced"], ctx.derived(facts=facts, domains=domains), reduced, strict)


def replay_z3(cert: dict) -> None:
    ctx, gap, strict = _statement(cert)
    check_z3(cert, ctx, gap, strict)


def replay_boxes(cert: dict) -> None:
    ctx, gap, strict = _statement(cert)
    check_box_certificate(cert["boxes"], ctx, gap, strict)


# ---- sums of squares -------------------------------------------------------------------------------------------
def _psd_rational(q: list) -> bool:
    """A symmetric matrix of Rationals is positive semidefinite: LDL^T in exact arithmetic, where a zero pivot is
    allowed only on a row that is zero (beyond the pivot)."""
    a = [list(row) for row in q]
    n = len(a)
    for p in range(n):
        d = a[p][p]
        if d < 0:
            return False
        if d == 0:
            if any(a[p][j] != 0 for j in range(p + 1, n)):
                return False
            continue
        for i in range(p + 1, n):
            f = a[i][p] / d
            if f != 0:
                for j in range(p + 1, n):
                    a[i][j] -= f * a[p][j]
    return True


def check_sos(part: dict, ctx: Context, target, strict: bool) -> None:
    """target = sum_j eps_j * h_j + sum_t m_t * (b_t^T Q_t b_t) as polynomials with rational coefficients, each Q_t
    a symmetric rational matrix that is positive semidefinite, each m_t a product of constraints each of which is a
    fact of the statement (a domain end or a hypothesis, read as >= 0), each eps_j >= 0 and h_j either
    (1 + sum of squares of the variables)**k or a constraint; a strict claim needs some eps_j > 0 with h_j > 0:
    a power, or a constraint that is a strict fact. Then target >= 0 (> 0) wherever the facts hold."""
    from sympy.polys.polyerrors import BasePolynomialError

    names = part["variables"]
    if not names or len(set(names)) != len(names) or any(v not in ctx.symbols for v in names):
        raise Bad(f"the variables {names} are not symbols of the statement")
    gens = [ctx.symbols[v] for v in names]

    def poly(e):
        e = ctx.parse(e) if isinstance(e, str) else sp.sympify(e)
        if e.has(sp.Float) or not e.free_symbols <= set(gens):
            raise Bad(f"{e} is not a polynomial with rational coefficients in {names}")
        try:
            return sp.Poly(e, *gens, domain="QQ")
        except BasePolynomialError as exc:
            raise Bad(f"{e} is not a polynomial with rational coefficients in {names}") from exc

    constraints, strict_facts = [], []
    for text in part["constraints"]:
        g = ctx.parse(text)
        matches = [fs for f, fs in ctx.facts if sp.expand(g - f) == 0]
        if not matches:
            raise Bad(f"the constraint {g} >= 0 is neither a domain end nor a hypothesis of the statement")
        constraints.append(poly(g))
        strict_facts.append(any(matches))
    one = sp.Poly(1, *gens, domain="QQ")
    total, positive = sp.Poly(0, *gens, domain="QQ"), False
    for item in part["positive"]:
        eps = sp.Rational(item["eps"])
        if eps < 0:
            raise Bad(f"eps = {eps} is negative")
        if "constraint" in item:
            i = item["constraint"]
            if not (isinstance(i, int) and 0 <= i < len(constraints)):
                raise Bad(f"the positive part names no constraint ({i})")
            h, h_positive = constraints[i], strict_facts[i]
        else:
            k = int(item["power"])
            if k < 0:
                raise Bad(f"a negative power {k}")
            h, h_positive = poly(1 + sum(g ** 2 for g in gens)) ** k, True
        total = total + h * eps
        positive = positive or (eps > 0 and h_positive)
    if strict and not positive:
        raise Bad("a strict claim, but no positive part eps * h with eps > 0 and h > 0")
    for term in part["terms"]:
        multiplier = one
        for i in term["multiplier"]:
            if not (isinstance(i, int) and 0 <= i < len(constraints)):
                raise Bad(f"the multiplier index {i} names no constraint")
            multiplier = multiplier * constraints[i]
        basis = [poly(b) for b in term["basis"]]
        gram = [[sp.Rational(v) for v in row] for row in term["gram"]]
        if len(gram) != len(basis) or any(len(row) != len(basis) for row in gram):
            raise Bad("a Gram matrix does not match its basis")
        if any(gram[i][j] != gram[j][i] for i in range(len(gram)) for j in range(i)):
            raise Bad("a Gram matrix is not symmetric")
        if not _psd_rational(gram):
            raise Bad("a Gram matrix is not positive semidefinite")
        square = sp.Poly(0, *gens, domain="QQ")
        for i, bi in enumerate(basis):
            row = sp.Poly(0, *gens, domain="QQ")
            for j, bj in enumerate(basis):
                if gram[i][j] != 0:
                    row = row + bj * gram[i][j]
            square = square + bi * row
        total = total + multiplier * square
    if poly(target) - total != sp.Poly(0, *gens, domain="QQ"):
        raise Bad("the sum of squares is not the polynomial it should be")


def replay_sos(cert: dict) -> None:
    """gap = numerator/denominator, the denominator > 0 (a positive constant, a sign tree, or a strict sum of squares)
    and the numerator a sum of squares times facts (see check_sos)."""
    ctx, gap, strict = _statement(cert)
    if cert["relation"] not in (">= 0", "> 0"):
        raise Bad("a sum-of-squares certificate for an equality")
    num, den = ctx.parse(cert["numerator"]), ctx.parse(cert["denominator"])
    if den == 0 or not (sp.cancel(sp.together(gap - num / den)) == 0 or _same(gap, num / den)):
        raise Bad("the certificate's numerator/denominator is not the gap")
    positive = cert["denominator_positive"]
    if positive["rule"] == "constant":
        if den.free_symbols or _iv_sign(den) != 1:
            raise Bad(f"the denominator {den} is not a positive constant")
    elif positive["rule"] == "sign":
        check_tree(positive["tree"], ctx, den, True)
    elif positive["rule"] == "sos":
        check_sos(positive, ctx, den, True)
    else:
        raise Bad(f"unknown argument {positive['rule']} for the denominator's sign")
    check_sos(cert, ctx, num, strict)


#: certificate kind -> its replay, which raises Bad when the certificate does not prove its statement (every kind a
#: prover layer writes has one: tests/numerics/test_layers.py)
def _same_relations(got: list, want: list) -> bool:
    """Two lists of relations, pairwise of one type with the same difference of sides."""
    return len(got) == len(want) and all(type(a) is type(b) and _same(a.lhs - a.rhs, b.lhs - b.rhs)
                                         for a, b in zip(got, want))


def replay_cases(cert: dict) -> None:
    """At every point Min(a_1, ..., a_k) is some a_j with a_j <= a_i (Max: >=), and |u| is u with u >= 0 or -u with
    u <= 0: one sub-certificate per case proves the gap with the atom replaced, under the statement's hypotheses
    with the atom replaced and exactly that case's own; a case whose hypotheses hold a false one is skipped."""
    ctx, gap, _ = _statement(cert)
    if "end" in cert:
        return _replay_end_cases(cert, ctx, gap)
    atom = ctx.parse(cert["atom"])
    given = [ctx.parse(h) for h in cert["hypotheses"]]
    if not isinstance(atom, (sp.Min, sp.Max, sp.Abs)) or not any(e.has(atom) for e in (gap, *given)):
        raise Bad(f"{atom} is not a min, max or absolute value of the statement")
    if isinstance(atom, sp.Abs):
        expected = [(atom.args[0], [sp.Ge(atom.args[0], 0)]), (-atom.args[0], [sp.Le(atom.args[0], 0)])]
    else:
        rel = sp.Le if isinstance(atom, sp.Min) else sp.Ge
        expected = [(a, [rel(a, b) for b in atom.args if b is not a]) for a in atom.args]
    if len(cert["cases"]) != len(expected):
        raise Bad(f"{len(cert['cases'])} cases for the {len(expected)} of {atom}")
    for (value, own), case in zip(expected, cert["cases"]):
        hyps = [h.xreplace({atom: value}) for h in given] + own
        if sp.false in hyps:
            continue
        hyps = [h for h in hyps if h is not sp.true]
        sub = case["certificate"]
        if sub is None:
            raise Bad(f"no proof of the case {atom} = {value}")
        if sub["symbols"] != cert["symbols"] or sub["relation"] != cert["relation"]:
            raise Bad(f"the case {atom} = {value} changes the symbols or the relation")
        sctx = Context(sub)
        if not _same(sctx.parse(sub["gap"]), gap.xreplace({atom: value})):
            raise Bad(f"the case's gap {sub['gap']} is not {gap} with {atom} = {value}")
        if not _same_relations([sctx.parse(h) for h in sub["hypotheses"]], hyps):
            raise Bad(f"the case {atom} = {value} assumes {sub['hypotheses']}, not {hyps}")
        ok, why = check(sub)
        if not ok:
            raise Bad(f"the case {atom} = {value}: {why}")


def _replay_end_cases(cert: dict, ctx: Context, gap) -> None:
    """A closed domain end x = p split off: one certificate proves the gap at x = p (x gone from the symbols, the
    hypotheses with x = p, none when one is false there), the other the same statement with that end open."""
    end, cases = cert["end"], cert["cases"]
    name, side = end["variable"], end["side"]
    info = cert["symbols"].get(name)
    if info is None or side not in ("lo", "hi") or info[side] in ("oo", "-oo") or info[f"{side}_open"]:
        raise Bad(f"{name} has no closed {side} end to split off")
    x, point = ctx.symbols[name], ctx.parse(end["point"])
    if not point.is_Rational or point != _end(info[side]) or len(cases) != 2:
        raise Bad(f"the split point {point} is not the {side} end of {name}, or not two cases")
    at, rest = cases
    hyps = [ctx.parse(h).subs(x, point) for h in cert["hypotheses"]]
    if sp.false in hyps:
        if at is not None:
            raise Bad("a proof of a case that never occurs")
    else:
        if at is None:
            raise Bad(f"no proof at {name} = {point}")
        want = {k: v for k, v in cert["symbols"].items() if k != name}
        if at["symbols"] != want or at["relation"] != cert["relation"]:
            raise Bad(f"the case {name} = {point} keeps {name} or changes the relation")
        actx = Context(at)
        if not _same(actx.parse(at["gap"]), gap.subs(x, point)):
            raise Bad(f"the case's gap {at['gap']} is not the gap at {name} = {point}")
        hyps = [h for h in hyps if h is not sp.true]
        if not _same_relations([actx.parse(h) for h in at["hypotheses"]], hyps):
            raise Bad(f"the case {name} = {point} assumes {at['hypotheses']}, not {hyps}")
        ok, why = check(at)
        if not ok:
            raise Bad(f"the case {name} = {point}: {why}")
    opened = {**cert["symbols"], name: {**info, f"{side}_open": True}}
    if rest is None or rest["symbols"] != opened or rest["relation"] != cert["relation"] \
            or rest["gap"] != cert["gap"] or rest["hypotheses"] != cert["hypotheses"]:
        raise Bad(f"the other case is not the statement with {name}'s {side} end open")
    ok, why = check(rest)
    if not ok:
        raise Bad(f"the case past {name} = {point}: {why}")


def replay_lambert(cert: dict) -> None:
    """W = W_k(z(x)) for z in x alone, k = 0 (W >= -1) or -1 (W <= -1; the certificate's variable is u = -W >= 1):
    g(z(x)) = x exactly, z lies in the branch's domain (z >= -1/e, and z < 0 for k = -1) by sub-certificates of the
    statement, and the reduced certificate proves the gap with W for the atom and g(W*exp(W)) for x, under the
    hypotheses and x's domain read the same way, over the branch's range."""
    ctx, gap, _ = _statement(cert)
    atom = ctx.parse(cert["atom"])
    if not isinstance(atom, sp.LambertW) or not gap.has(atom):
        raise Bad(f"{atom} is not a Lambert W of the gap")
    k = int(atom.args[1]) if len(atom.args) > 1 else 0
    z, x = atom.args[0], ctx.symbols[cert["variable"]]
    if k not in (0, -1) or z.free_symbols != {x}:
        raise Bad(f"{atom}: not branch 0 or -1 of a function of {x} alone")
    y = sp.Symbol("lambert_y")
    if str(y) in ctx.symbols or cert["w"] in ctx.symbols:
        raise Bad("the substitution's names clash with the statement's")
    g = sp.sympify(cert["inverse"], locals={**ctx.symbols, str(y): y})
    if g.free_symbols - {y} or sp.simplify(g.subs(y, z) - x) != 0:
        raise Bad(f"{g} at y = {z} is not {x}: no inverse of {z}")
    wanted = [(z + sp.exp(-1), ">= 0")] + ([(-z, "> 0")] if k == -1 else [])
    if len(cert["conditions"]) != len(wanted):
        raise Bad("not the branch's domain conditions")
    for (expr, relation), sub in zip(wanted, cert["conditions"]):
        if sub["symbols"] != cert["symbols"] or sub["hypotheses"] != cert["hypotheses"] or \
                sub["relation"] != relation or not _same(Context(sub).parse(sub["gap"]), expr):
            raise Bad(f"the condition {expr} {relation} is not what the sub-certificate states")
        ok, why = check(sub)
        if not ok:
            raise Bad(f"the branch condition {expr} {relation}: {why}")
    red = cert["reduced"]
    info = {"lo": -1, "hi": "oo", "lo_open": False, "hi_open": True, "integer": False,
            "assumptions": {"real": True}} if k == 0 else \
        {"lo": 1, "hi": "oo", "lo_open": False, "hi_open": True, "integer": False,
         "assumptions": {"nonnegative": True, "positive": True, "real": True}}
    want_symbols = {**{n: i for n, i in cert["symbols"].items() if n != str(x)}, cert["w"]: info}
    if red["symbols"] != want_symbols or red["relation"] != cert["relation"]:
        raise Bad("the reduced statement's variables or relation are not the branch's")
    rctx = Context(red)
    W = (1 if k == 0 else -1) * rctx.symbols[cert["w"]]
    value = g.subs(y, W * sp.exp(W))
    dom = ctx.domains[x]
    relations = [ctx.parse(h) for h in cert["hypotheses"]]
    if dom["lo"] != "-oo":
        relations.append((sp.Gt if dom["lo_open"] else sp.Ge)(x, _end(dom["lo"]), evaluate=False))
    if dom["hi"] != "oo":
        relations.append((sp.Lt if dom["hi_open"] else sp.Le)(x, _end(dom["hi"]), evaluate=False))
    new = [r.xreplace({atom: W}).subs(x, value) for r in relations]
    new = [r for r in new if r is not sp.true]
    if sp.false in new or not _same_relations([rctx.parse(h) for h in red["hypotheses"]], new):
        raise Bad(f"the reduced hypotheses {red['hypotheses']} are not {new}")
    if not _same(rctx.parse(red["gap"]), gap.xreplace({atom: W}).subs(x, value)):
        raise Bad(f"the reduced gap {red['gap']} is not the gap with {atom} = {W}")
    ok, why = check(red)
    if not ok:
        raise Bad(f"the goal in {cert['w']}: {why}")


REPLAYS = {"lambert": replay_lambert, "cases": replay_cases, "lemma": replay_lemma, "extended": check_extended, "identity": replay_identity, "constant": replay_constant,
           "sign": replay_sign,
           "monotone": replay_monotone, "homogeneous": replay_homogeneous, "z3": replay_z3, "boxes": replay_boxes, "sos": replay_sos}


def check(cert: dict) -> tuple[bool, str]:
    """(True, "") when the certificate proves its header's statement; (False, reason) otherwise."""
    try:
        replay = REPLAYS.get(cert["kind"])
        if replay is None:
            raise Bad(f"unknown certificate kind {cert['kind']!r}")
        replay(cert)
    except Bad as exc:
        return False, str(exc)
    except (KeyError, TypeError, ValueError, AttributeError, sp.SympifyError) as exc:  # a malformed certificate
        return False, f"malformed certificate: {exc!r}"
    return True, ""


def _is_domain_fact(f, y, ctx: Context) -> bool:
    """f is one of y's own domain ends (dropped by a substitution y -> x + t)."""
    info = ctx.domains.get(y)
    if info is None:
        return False
    ends = []
    if info["lo"] != "-oo":
        ends.append(y - _end(info["lo"]))
    if info["hi"] != "oo":
        ends.append(_end(info["hi"]) - y)
    return any(f == e for e in ends)
