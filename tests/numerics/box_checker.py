"""An independent replay of the box certificates of boundlab.numerics.intervals, on mpmath.iv (not arb; not importing it).

It checks that claim_gap(transform) = factor * gap with factor > 0 on the domain, that the transform covers the
domain, that the boxes cover the transformed domain, and it re-encloses every box: the gap (natural form, the
monotone faces with their derivative signs, or the mean-value form) and, for excluded boxes, the constraint.
"""
from fractions import Fraction
from functools import lru_cache

import mpmath
import sympy as sp
from flint import arb, ctx
from mpmath import iv

PREC = 113  # bits; a different precision and engine from the prover's


class Reject(Exception):
    pass


def _q(s):
    """A certificate number: a fraction or decimal string, or +-oo."""
    return {"oo": sp.oo, "-oo": -sp.oo}.get(s) or Fraction(s)


def _man_exp(p):
    """An mpmath.iv end as (m, e) with value m * 2**e, or None for +-inf (then the sign is the second item)."""
    with mpmath.workprec(PREC):
        m = mpmath.mpf(p)
    if mpmath.isinf(m):
        return None, 1 if m > 0 else -1
    sign, man, exp, _ = m._mpf_
    return (-man if sign else man), exp


def _exact(e):
    """e rebuilt (so evaluated) with each Float replaced by the decimal it prints as."""
    if e.is_Float:
        return sp.Rational(str(e))
    return e.func(*map(_exact, e.args)) if e.args else e


def _require(ok, why):
    if not ok:
        raise Reject(why)


def _to_arb(p):
    man, exp = _man_exp(p)
    return arb(float(exp) * float("inf")) if man is None else arb(man) * arb(2) ** exp


def _to_mpf(b, lower):
    if not b.is_finite():
        return mpmath.mpf("-inf" if lower else "inf")
    man, exp = (b.lower() if lower else b.upper()).mid().man_exp()
    with mpmath.workprec(PREC):
        return mpmath.mpf(mpmath.libmp.from_man_exp(int(man), int(exp)))


def _arb_fn(x, f, increasing, limits=(None, None)):
    """f on the interval x, evaluated in arb at its ends, for an increasing (or decreasing) f that mpmath.iv
    lacks (erf, LambertW, digamma); `limits` are f(-oo) and f(oo) where finite (arb gives nan there)."""
    def at(p):
        if mpmath.isinf(p) and limits[p > 0] is not None:
            return arb(limits[p > 0])
        return f(_to_arb(p))

    with ctx.workprec(PREC):
        lo, hi = (x.a, x.b) if increasing else (x.b, x.a)
        return iv.mpf([_to_mpf(at(lo), True), _to_mpf(at(hi), False)])


def _arb_gamma(x, f):
    """gamma or loggamma (f) on x > 0 in arb: decreasing up to its minimum in [1.4616, 1.4617] (where digamma
    changes sign), increasing after, and convex, so its maximum is at an end."""
    with ctx.workprec(PREC):
        a, b, m0, m1 = _to_arb(x.a), _to_arb(x.b), arb("1.4616"), arb("1.4617")
        _require(a >= 0 and b > 0 and m0.digamma() < 0 < m1.digamma(), f"gamma of {x}")
        low = f(b) if b < m0 else f(a) if a > m1 else f(m0.union(m1))
        return iv.mpf([_to_mpf(low, True), max(_to_mpf(f(a), False), _to_mpf(f(b), False))])


def _ev(e, env, pole):
    """e over the box env (symbol -> iv.mpf); pole[0] is set where the value may jump (a pole crossed)."""
    if e.is_Symbol:
        return env[e]
    if e.is_Rational or e.is_Float:
        return iv.mpf(str(e))
    if e in (sp.pi, sp.E):
        return iv.pi if e == sp.pi else iv.e
    if e.func == sp.LambertW:
        k = int(e.args[1]) if len(e.args) > 1 else 0
        return _arb_fn(_ev(e.args[0], env, pole), lambda b: b.lambertw(k), k == 0)
    if e.func == sp.polygamma and e.args[0] == 0:
        return _arb_fn(_ev(e.args[1], env, pole), arb.digamma, True)
    a = [_ev(x, env, pole) for x in e.args]
    if e.is_Add:
        return sum(a[1:], a[0])
    if e.is_Mul:
        if any(x.a == x.b == 0 for x in a):  # 0 times a real number: 0 at every real point (iv says 0*oo is all)
            return iv.mpf(0)
        out = a[0]
        for x in a[1:]:
            out = out * x
        return out
    if e.is_Pow:
        b, p = a
        if e.exp.is_Integer:
            pole[0] |= e.exp < 0 and b.a < 0 < b.b
            if e.exp < 0 and b.a == b.b == 0 and e.base.is_nonnegative:  # at an excluded end 0 of u > 0: u**-k
                return iv.mpf([mpmath.inf, mpmath.inf])  # is +oo in the extended reals, as the prover reads it
            return b ** int(e.exp)
        _require(b.a >= 0, f"real power of a possibly negative number in {e}")
        if b.a == b.b == 1:  # 1**p = 1 for every real p (iv says 1**oo is all)
            return iv.mpf(1)
        pole[0] |= b.a == 0 and p.a <= 0 <= p.b
        if b.a == 0 and p.a > 0:  # x**p on [0, b] is in [0, max over p of b**p]: mpmath.iv goes through log(0)
            return iv.mpf([0, (iv.mpf(b.b) ** p).b]) if b.b > 0 else iv.mpf(0)
        return b ** p
    if e.func == sp.log:
        _require(a[0].a >= 0, f"log of a possibly negative number in {e}")
    simple = {sp.exp: iv.exp, sp.log: iv.log, sp.Abs: abs, sp.erf: lambda x: _arb_fn(x, arb.erf, True, (-1, 1)),
              sp.floor: lambda x: iv.mpf([mpmath.floor(x.a), mpmath.floor(x.b)]),
              sp.ceiling: lambda x: iv.mpf([mpmath.ceil(x.a), mpmath.ceil(x.b)]),
              sp.gamma: lambda x: _arb_gamma(x, arb.gamma), sp.loggamma: lambda x: _arb_gamma(x, arb.lgamma)}
    if e.func in simple:
        return simple[e.func](a[0])
    if e.func in (sp.Min, sp.Max):
        pick = min if e.func == sp.Min else max
        return iv.mpf([pick(x.a for x in a), pick(x.b for x in a)])
    raise Reject(f"the checker cannot evaluate {e.func}")


def _positive_factor(m, doms):
    """m > 0 on the domain: a product of numbers and powers of linear functions of one variable without a root in
    the domain (a root at an excluded end is allowed)."""
    sign = 1
    for f in sp.Mul.make_args(m):
        base, k = f.as_base_exp()
        if not base.is_number:
            (v,) = base.free_symbols
            lo, hi, lo_ex, hi_ex = doms[v]
            a, b = sp.Poly(base, v).all_coeffs()
            root = -b / a
            _require(root < lo or root > hi or (root == lo and lo_ex) or (root == hi and hi_ex),
                     f"factor {f} may vanish on the domain")
            base = a * ((lo + hi) / 2 - root)
        _require(base > 0 or k.is_Integer, f"factor {f} may be complex")
        sign *= 1 if base > 0 else (-1) ** int(k)
    _require(sign > 0, f"factor {m} is negative")


def _covered(region, boxes):
    """The union of boxes (lists of (lo, hi)) contains region: split region at box sides until a box holds it."""
    todo = [(region, boxes)]
    while todo:
        reg, bs = todo.pop()
        bs = [b for b in bs if all(lo < rh and hi > rl if rl < rh else lo <= rl <= hi
                                   for (lo, hi), (rl, rh) in zip(b, reg))]
        if any(all(lo <= rl and rh <= hi for (lo, hi), (rl, rh) in zip(b, reg)) for b in bs):
            continue
        cuts = [(k, e) for b in bs[:64] for k, side in enumerate(b) for e in side if reg[k][0] < e < reg[k][1]]
        if not cuts:
            return False
        k, c = min(cuts, key=lambda kc: abs(2 * kc[1] - sum(reg[kc[0]])) / (reg[kc[0]][1] - reg[kc[0]][0]))
        todo += [(reg[:k] + [(reg[k][0], c)] + reg[k + 1:], bs), (reg[:k] + [(c, reg[k][1])] + reg[k + 1:], bs)]
    return True


def _simplest(e):
    forms = [e, sp.together(e)]
    try:
        forms.append(sp.cancel(e))
    except sp.PolynomialError:
        pass
    return min(forms, key=sp.count_ops)


def _tidy(e):
    if not e.args or e.is_Atom:
        return e
    args = [_tidy(a) for a in e.args]
    return e.func(*([_simplest(a) for a in args] if isinstance(e, sp.Function) or e.is_Pow else args))


@lru_cache(maxsize=None)
def _derivative_forms(e, v):
    """Equal forms of de/dv (the prover's simplified one first); their enclosures are intersected."""
    raw = sp.diff(e, v)
    return (_simplest(_tidy(raw)), raw)


def _value(terms, env, pole):
    """sum(w * f) over env for terms [(w, forms of f)], each f enclosed as the intersection over its forms."""
    total = iv.mpf(0)
    for w, forms in terms:
        vs = [_ev(f, env, pole) for f in forms]
        lo, hi = max(v.a for v in vs), min(v.b for v in vs)
        _require(lo <= hi, "disjoint enclosures of one function")
        total += iv.mpf(str(w)) * iv.mpf([lo, hi])
    return total


def _verify(terms, env, box, need, rec, syms, doms):
    """Replay one proof record: fixed variables (derivative signs, possibly proved by a nested record), then
    the mean-value form or the natural enclosure; need: whether > 0 is needed rather than >= 0."""
    env, box = dict(env), dict(box)
    whole_env, whole_box = dict(env), dict(box)  # before any variable is fixed
    smooth = not any(f.has(sp.floor, sp.ceiling) for _, forms in terms for f in forms)
    for item in rec.get("fixed", []):
        (n, end, link), v = item[:3], syms[item[0]]
        pole = [False]
        _value(terms, env, pole)
        _require(smooth and not pole[0], f"the gap may jump on {box}")
        d = [(w, _derivative_forms(forms[0], v)) for w, forms in terms]
        if len(item) > 3:
            _require(not link, "a strict step needs a direct enclosure")
            # the prover fixes several variables at once, each by a sign proved on the box before any of them is
            # fixed; a sign on the whole box holds on the part left after the earlier fixes (its centre may lie
            # outside that part, so the nested record is replayed on the whole box)
            _verify(d if end == "lo" else [(-w, f) for w, f in d], whole_env, whole_box, False, item[3], syms, doms)
        else:
            g = _value(d, env, [False])
            _require((g.a > 0 if link else g.a >= 0) if end == "lo" else (g.b < 0 if link else g.b <= 0),
                     f"d/d{n} has no sign on {box}")
        at = box[n][end == "hi"]
        lo, hi, lo_ex, hi_ex = doms[v]
        _require(not link or (_q(at), True) == ((lo, lo_ex) if end == "lo" else (hi, hi_ex)),
                 f"{n} = {at} is not an excluded end")
        env[v], box[n], need = iv.mpf(at), [at, at], need and not link
    if "centre" in rec:
        pole, cenv = [False], {**env, **{syms[n]: iv.mpf(c) for n, c in rec["centre"].items()}}
        _value(terms, env, pole)
        _require(smooth and not pole[0] and all(_q(box[n][0]) <= _q(c) <= _q(box[n][1])
                                                for n, c in rec["centre"].items()), f"bad mean-value form on {box}")
        val = _value(terms, cenv, [False])
        for n in rec["centre"]:
            v = syms[n]
            val += _value([(w, _derivative_forms(f[0], v)) for w, f in terms], env, [False]) * (env[v] - cenv[v])
        # both enclose the gap on the box, so their intersection does: the mean-value form is infinite where a
        # derivative is (u**(2/3) at u = 0), the natural enclosure is not
        natural = _value(terms, env, [False])
        val = iv.mpf([max(val.a, natural.a), min(val.b, natural.b)])
    else:
        val = _value(terms, env, [False])
    # the recorded enclosure in binary floating point at PREC bits, not as exact fractions: gamma(7**1000) is
    # recorded as about 10**(10**846), a fraction no one can build; signs are kept exactly, magnitudes to far
    # within the slack by which the two engines round apart
    with mpmath.workprec(PREC):
        lo, hi = (mpmath.mpf({"oo": "inf", "-oo": "-inf"}.get(s, s)) for s in rec["enclosure"])
        _require((val.a > 0 if need else val.a >= 0) and (lo > 0 if need else lo >= 0),
                 f"not certainly {'> 0' if need else '>= 0'} on {box}: {val}")
        slack = mpmath.ldexp(1 + min(abs(mpmath.mpf(val.a)), mpmath.mpf(2) ** 40), -40)
        _require(lo <= mpmath.mpf(val.a) + slack and mpmath.mpf(val.b) <= hi + slack,
                 f"the recorded [{mpmath.nstr(lo, 8)}, {mpmath.nstr(hi, 8)}] misses {val}")


def check_boxes(cert: dict) -> tuple[bool, str]:
    """(True, summary) when the certificate replays; (False, reason) otherwise."""
    iv.prec = PREC
    try:
        syms = {n: sp.Symbol(n, **{k: True for k in flags}) for n, flags in cert["assumptions"].items()}
        parse = lambda s: _exact(sp.parse_expr(s, local_dict=syms, evaluate=False))  # noqa: E731
        names, strict = cert["variables"], cert["strict"]
        doms = {syms[n]: (_q(lo), _q(hi), lo_ex, hi_ex) for n, (lo, hi, lo_ex, hi_ex) in cert["box_domain"].items()}
        _require(sorted(names) == sorted(cert["box_domain"]), "variables and box domain differ")
        transform = {syms[x]: parse(t) for x, t in cert["transform"].items()}
        for x, d in cert["domain"].items():
            lo, hi = _q(d["lo"]), _q(d["hi"])
            if syms[x] not in transform:
                _require(tuple(doms[syms[x]]) == (lo, hi, d["lo_open"], d["hi_open"]), f"box domain of {x} differs")
                continue
            t = transform[syms[x]]
            (u,) = t.free_symbols
            ulo, uhi, ulo_ex, uhi_ex = doms[u]
            _require(not [r for r in sp.Poly(sp.denom(sp.together(t)), u).real_roots() if ulo < r < uhi],
                     f"the transform of {x} has a pole")
            ends = sorted([(sp.limit(t, u, ulo, "+"), ulo_ex), (sp.limit(t, u, uhi, "-"), uhi_ex)],
                          key=lambda p: p[0])
            _require(ends[0][0] <= lo and ends[1][0] >= hi, f"the transform of {x} does not cover its domain")
            for (end, excluded), q, is_open in ((ends[0], lo, d["lo_open"]), (ends[1], hi, d["hi_open"])):
                _require(not (end == q and excluded and abs(q) < sp.oo and not is_open), f"{x} = {q} is not covered")

        def resolve(a):  # Abs(a) is a or -a when a has one sign on the whole domain
            try:
                v = _ev(a, {v: iv.mpf([str(d[0]), str(d[1])]) for v, d in doms.items()}, [False])
            except (Reject, KeyError):
                return sp.Abs(a)
            return a if v.a >= 0 else -a if v.b <= 0 else sp.Abs(a)

        pairs = [(parse(cert["claim_gap"]).xreplace(transform).replace(sp.Abs, resolve), parse(cert["factor"]),
                  parse(cert["gap"]), strict)]
        for f in cert["constraint_forms"]:
            rel = parse(cert["constraints"][f["index"]])
            big, small = (rel.lhs, rel.rhs) if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)) else \
                (rel.rhs, rel.lhs)
            _require(f["strict"] == isinstance(rel, (sp.StrictGreaterThan, sp.StrictLessThan)), "strictness")
            pairs.append(((big - small).xreplace(transform).replace(sp.Abs, resolve), parse(f["factor"]),
                          parse(f["expr"]), f["strict"]))
        for original, factor, form, _ in pairs:
            _require(sp.cancel(original - factor * form) == 0 or sp.simplify(original - factor * form) == 0,
                     f"{form} times {factor} is not the claim's {original}")
            _positive_factor(factor, doms)
        gap = pairs[0][2]
        boxes = [[(_q(b["box"][n][0]), _q(b["box"][n][1])) for n in names] for b in cert["boxes"]]
        _require(_covered([doms[syms[n]][:2] for n in names], boxes), "the boxes do not cover the domain")
        for rec in cert["boxes"]:
            env = {syms[n]: iv.mpf(rec["box"][n]) for n in names}
            if rec["status"] == "excluded":
                _, _, form, cstrict = pairs[1 + rec["constraint"]]
                hi = _ev(form, env, [False]).b
                _require(hi <= 0 if cstrict else hi < 0, f"constraint not certainly false on {rec['box']}")
                continue
            _require(rec["status"] == "proved", f"unknown status {rec['status']}")
            terms, need = [(1, (gap,))], strict
            if "multiplier" in rec:  # gap >= w * constraint >= 0 where the constraint holds
                w, (_, _, form, cstrict) = (sp.Rational(rec["multiplier"]["weight"]),
                                            pairs[1 + rec["multiplier"]["constraint"]])
                _require(w > 0, "negative multiplier")
                terms, need = terms + [(-w, (form,))], strict and not cstrict
            _verify(terms, env, dict(rec["box"]), need, rec, syms, doms)
    except Reject as exc:
        return False, str(exc)
    except (KeyError, TypeError, ValueError, IndexError, sp.SympifyError, sp.PolynomialError) as exc:
        return False, f"malformed certificate: {type(exc).__name__}: {exc}"
    return True, f"{len(cert['boxes'])} boxes replayed"
