"""Generators of claims for the property-based tests of the whole pipeline.

Analytic claims: true ones from known inequalities and identities with random substitutions (AM-GM, log(1+u) <= u,
exp(r) >= 1 + r, monotone functions under a hypothesis, Hoeffding-type sample sizes, symbolic powers, identities by
a random SymPy rewrite), false ones by perturbing those (relation reversed, constant shifted), and random ones
whose truth nobody knows. Empirical claims: means and variances of small simulators (Bernoulli, Gaussian,
exponential, uniform draws in torch) with known answers.

Every generated claim is the text of a claim file, as a user writes it: the tests execute that text, and a failing
example is saved as a file that `boundlab check --file` replays. Randomness comes from a `random.Random`, so one
generator serves Hypothesis (`st.randoms()`) and the seeded runner (`tests/fuzz/run.py`).
"""
from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass, field

import sympy as sp

from boundlab.theory import NONNEGATIVE, POSITIVE, SIZE, UNIT_OPEN, Claim, ClaimError, Domain

NAMES = ("x", "y", "z", "n", "m", "a", "b", "t", "s", "delta", "eps")
NAMED_DOMAINS = {POSITIVE: "POSITIVE", NONNEGATIVE: "NONNEGATIVE", SIZE: "SIZE", UNIT_OPEN: "UNIT_OPEN"}
INF = math.inf

POSITIVE_DOMAINS = (
    POSITIVE, SIZE, UNIT_OPEN,
    Domain(0.5, 4), Domain(1, 10, lo_open=True), Domain(0.1, 100, hi_open=True), Domain(2, INF, hi_open=True),
    Domain(1e-3, 1e3, scale="log"), Domain(0, INF, lo_open=True, hi_open=True, scale="log"),
    Domain(1, 20, integer=True), Domain(2, INF, hi_open=True, integer=True, scale="log"),
)
NONNEGATIVE_DOMAINS = (NONNEGATIVE, Domain(0, 1), Domain(0, 5, hi_open=True, integer=True))
REAL_DOMAINS = (Domain(), Domain(-5, 5), Domain(-1, 0, lo_open=True), Domain(-10, INF, hi_open=True), Domain(-2, 3))
UNIT_DOMAINS = (UNIT_OPEN, Domain(0.01, 0.5), Domain(0, 1, lo_open=True, hi_open=True, scale="log"))

#: Known inequalities and identities: (name, lhs, rel, rhs, slots). Slots U, V are positive expressions, R, S real
#: ones, K a constant >= 1; every statement holds wherever its slots are in range.
TEMPLATES = (
    ("AM-GM", "(U + V)/2", ">=", "sqrt(U*V)", "UV"),
    ("log(1+u) <= u", "log(1 + U)", "<=", "U", "U"),
    ("exp(r) >= 1 + r", "exp(R)", ">=", "1 + R", "R"),
    ("u/(1+u) <= log(1+u)", "U/(1 + U)", "<=", "log(1 + U)", "U"),
    ("u + 1/u >= 2", "U + 1/U", ">=", "2", "U"),
    ("(r+s)^2 <= 2(r^2+s^2)", "(R + S)**2", "<=", "2*(R**2 + S**2)", "RS"),
    ("Bernoulli", "(1 + U)**K", ">=", "1 + K*U", "UK"),
    ("log concave", "log((U + V)/2)", ">=", "(log(U) + log(V))/2", "UV"),
    ("1 - r <= exp(-r)", "1 - R", "<=", "exp(-R)", "R"),
    ("min <= max", "Min(R, S)", "<=", "Max(R, S)", "RS"),
    ("triangle", "Abs(R + S)", "<=", "Abs(R) + Abs(S)", "RS"),
    ("erf < 1", "erf(R)", "<", "1", "R"),
    ("floor", "floor(R)", "<=", "R", "R"),
    ("ceiling", "ceiling(R)", ">=", "R", "R"),
    ("gamma", "gamma(U + 2)", ">=", "1", "U"),
    ("LambertW", "LambertW(U)", "<=", "log(1 + U)", "U"),
    ("sqrt subadditive", "sqrt(U + V)", "<=", "sqrt(U) + sqrt(V)", "UV"),
    ("HM <= GM", "2*U*V/(U + V)", "<=", "sqrt(U*V)", "UV"),
    ("exp convex", "exp((R + S)/2)", "<=", "(exp(R) + exp(S))/2", "RS"),
    ("QM >= AM", "sqrt((U**2 + V**2)/2)", ">=", "(U + V)/2", "UV"),
    ("log u <= u - 1", "log(U)", "<=", "U - 1", "U"),
    ("1 - 1/u <= log u", "1 - 1/U", "<=", "log(U)", "U"),
    ("Young", "U*V", "<=", "U**3/3 + 2*V**(3/2)/3", "UV"),
    ("exp(-u) <= 1/(1+u)", "exp(-U)", "<=", "1/(1 + U)", "U"),
    ("(1+1/u)^u < e", "(1 + 1/U)**U", "<", "E", "U"),
    ("log(1+u) >= 2u/(2+u)", "log(1 + U)", ">=", "2*U/(2 + U)", "U"),
    ("beta", "beta(U, V)", "=", "gamma(U)*gamma(V)/gamma(U + V)", "UV"),
    ("W e^W", "LambertW(U)*exp(LambertW(U))", "=", "U", "U"),
    ("log of product", "log(U*V)", "=", "log(U) + log(V)", "UV"),
    ("exp of sum", "exp(R + S)", "=", "exp(R)*exp(S)", "RS"),
    ("min + max", "Max(R, S) + Min(R, S)", "=", "R + S", "RS"),
    ("gamma recursion", "gamma(U + 1)", "=", "U*gamma(U)", "U"),
    ("erf odd", "erf(R)", "=", "-erf(-R)", "R"),
    ("floor/ceiling", "floor(-R)", "=", "-ceiling(R)", "R"),
)
INCREASING = ("exp({})", "log({})", "sqrt({})", "({})**3", "({})**(2/3)", "erf({})", "LambertW({})", "({})/(1 + {})")
DECREASING = ("1/({})", "exp(-{})", "({})**(-1/2)")
REVERSED = {"<=": ">", "<": ">=", ">=": "<", ">": "<="}


@dataclass
class Generated:
    """A generated claim: its kind, the claim file's text, and its truth when known (None when unknown)."""

    kind: str
    source: str
    truth: bool | None
    claim_id: str
    info: dict = field(default_factory=dict)  # for simulated claims: the law, its parameters and known moments
    _claim: Claim | None = field(default=None, repr=False)

    def claim(self) -> Claim:
        """The claim the file defines (executing it once; a simulated claim's file registers its scenario)."""
        if self._claim is None:
            space: dict = {"__name__": f"fuzz_{self.claim_id.replace('.', '_')}"}
            exec(compile(self.source, f"<{self.claim_id}>", "exec"), space)  # noqa: S102 - our own generated text
            self._claim = space["claim"]
        return self._claim


# ---- expressions --------------------------------------------------------------------------------------------
def par(s: str) -> str:
    """s, parenthesised unless it is a name, an unsigned number or one whole function call."""
    if re.fullmatch(r"[A-Za-z_]\w*|\d+(\.\d+)?", s):
        return s
    m = re.fullmatch(r"[A-Za-z_]\w*\((.*)\)", s)
    if m:
        depth = 0
        for ch in m.group(1):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth < 0:
                break
        else:
            return s
    return f"({s})"


class Exprs:
    """Random expression trees (as source text) over declared parameters: positive ones, and real ones."""

    POSITIVE_CONSTANTS = ("2", "3", "7", "1/2", "3/4", "0.5", "1.5", "pi", "E", "sqrt(2)", "log(3)")

    def __init__(self, rnd: random.Random, domains: dict[str, Domain]):
        self.rnd = rnd
        self.positive = [k for k, d in domains.items() if d.positive]
        self.names = list(domains)

    def const(self) -> str:
        return self.rnd.choice(self.POSITIVE_CONSTANTS)

    def pos(self, depth: int) -> str:
        """An expression > 0 wherever its parameters are in their domains."""
        r = self.rnd
        if depth <= 0 or r.random() < 0.3:
            return r.choice(self.positive) if self.positive and r.random() < 0.8 else self.const()
        a = lambda: self.pos(depth - 1)  # noqa: E731
        forms = (
            lambda: f"{a()} + {a()}", lambda: f"{par(a())}*{par(a())}", lambda: f"{par(a())}/{par(a())}",
            lambda: f"{par(a())}**{r.choice(('2', '3', '(-1)', '(1/2)', '(3/2)', '(-1/2)'))}",
            lambda: f"sqrt({a()})", lambda: f"exp(-{par(a())})", lambda: f"exp({par(a())}/{r.choice(('2', '10'))})",
            lambda: f"log(1 + {a()})", lambda: f"Max({a()}, {a()})", lambda: f"Min({a()}, {a()})",
            lambda: f"erf({a()})", lambda: f"gamma({a()})", lambda: f"LambertW({a()})", lambda: f"ceiling({a()})",
            lambda: f"floor({a()}) + 1", lambda: f"Abs({self.real(depth - 1)}) + {a()}",
            lambda: f"{par(a())}**{par(self.real(depth - 1))}", lambda: f"beta({a()}, {a()})",
        )
        return r.choice(forms)()

    def real(self, depth: int) -> str:
        """A real expression (wherever its functions are defined)."""
        r = self.rnd
        if depth <= 0 or r.random() < 0.3:
            if self.names and r.random() < 0.7:
                return r.choice(self.names)
            return r.choice(("-1", "2", "-3/2", "0.1", "-pi", self.const()))
        a = lambda: self.real(depth - 1)  # noqa: E731
        forms = (
            lambda: self.pos(depth), lambda: f"-{par(a())}", lambda: f"{a()} + {a()}", lambda: f"{a()} - {par(a())}",
            lambda: f"{par(a())}*{par(a())}", lambda: f"log({self.pos(depth - 1)})", lambda: f"exp({a()})",
            lambda: f"floor({a()})", lambda: f"Abs({a()})", lambda: f"erf({a()})", lambda: f"Min({a()}, {a()})",
            lambda: f"Max({a()}, {a()})", lambda: f"{par(a())}**{r.choice(('2', '3'))}",
            lambda: f"{par(a())}/{par(self.pos(depth - 1))}",
        )
        return r.choice(forms)()


def fill(template: str, values: dict[str, str]) -> str:
    """The template with each slot letter replaced by its (parenthesised) value."""
    return re.sub(r"\b([UVRSKW])\b", lambda m: par(values[m.group(1)]), template)


# ---- claim files -----------------------------------------------------------------------------------------
def domain_source(d: Domain) -> str:
    if d in NAMED_DOMAINS:
        return NAMED_DOMAINS[d]
    num = lambda v: "math.inf" if v == INF else "-math.inf" if v == -INF else repr(v)  # noqa: E731
    args = [num(d.lo), num(d.hi)]
    args += [f"{k}=True" for k in ("lo_open", "hi_open", "integer") if getattr(d, k)]
    if d.scale != "uniform":
        args.append(f"scale={d.scale!r}")
    return f"Domain({', '.join(args)})"


HEADER = '''"""Generated by tests/fuzz ({kind}); replay with `boundlab check --file <this file>`."""
import math

from boundlab.theory import Claim, Domain, NONNEGATIVE, POSITIVE, Param, Provenance, SIZE, UNIT_OPEN

FUZZ = Provenance("derived", "fuzz", "boundlab fuzz")
'''


def analytic_source(kind: str, cid: str, domains: dict[str, Domain], lhs: str, rel: str, rhs: str,
                    hypotheses=()) -> str:
    lines = [HEADER.format(kind=kind)]
    lines += [f"{k} = Param({k!r}, {domain_source(d)})" for k, d in domains.items()]
    hyps = "".join(f"{h!r}, " for h in hypotheses)
    lines.append(f"\nclaim = Claim(id={cid!r}, title={kind!r}, lhs={lhs!r}, rel={rel!r}, rhs={rhs!r},\n"
                 f"              params=({', '.join(domains)},), hypotheses=({hyps}), provenance=FUZZ)\n")
    return "\n".join(lines)


def _domains(rnd: random.Random, count: int, pools=(POSITIVE_DOMAINS,)) -> dict[str, Domain]:
    names = rnd.sample(NAMES, count)
    return {k: rnd.choice(rnd.choice(pools)) for k in names}


def _hypothesis(rnd: random.Random, ex: Exprs, domains: dict[str, Domain]) -> str:
    """A random hypothesis on the parameters (possibly restrictive; symbolic powers included)."""
    names = list(domains)
    a, b = rnd.choice(names), rnd.choice(names)
    c = rnd.choice(("1/2", "2", "3", "10", "0.5"))
    rel = rnd.choice(("<=", "<", ">=", ">"))
    forms = [f"{a} {rel} {c}*{b}" if a != b else f"{a} {rel} {c}", f"{a} + {b} <= {c}*10",
             f"{ex.pos(1)} {rel} {c}"]
    if domains[a].positive:
        forms.append(f"{a}**{par(ex.real(1))} {rel} {c}")
    h = rnd.choice(forms)
    return h if mentions(h, names) else _hypothesis(rnd, ex, domains)  # a false constant one would be refused


def mentions(text: str, names) -> bool:
    return bool(re.search(rf"\b({'|'.join(names)})\b", text))


# ---- analytic generators --------------------------------------------------------------------------------
def _slots(rnd: random.Random, ex: Exprs, letters: str) -> dict[str, str]:
    depth = rnd.choice((0, 0, 1, 1, 2))
    make = {"U": lambda: ex.pos(depth), "V": lambda: ex.pos(depth), "R": lambda: ex.real(depth),
            "S": lambda: ex.real(depth), "K": lambda: rnd.choice(("2", "3", "3/2", "5/2", "1.5"))}
    return {k: make[k]() for k in letters}


def known(rnd: random.Random, cid: str) -> Generated:
    """A known inequality or identity with random substitutions and, sometimes, a harmless extra hypothesis."""
    name, lhs, rel, rhs, letters = rnd.choice(TEMPLATES)
    real = any(k in letters for k in "RS")
    domains = _domains(rnd, rnd.choice((1, 1, 2, 3)), (POSITIVE_DOMAINS, REAL_DOMAINS) if real else
                       (POSITIVE_DOMAINS,))
    ex = Exprs(rnd, domains)
    if not ex.positive and "U" in letters:
        return known(rnd, cid)
    values = _slots(rnd, ex, letters)
    hyps = (_hypothesis(rnd, ex, domains),) if rnd.random() < 0.25 else ()  # a hypothesis keeps it true
    return Generated("known " + ("identity" if rel == "=" else "inequality"),
                     analytic_source(name, cid, domains, fill(lhs, values), rel, fill(rhs, values), hyps),
                     True, cid, {"template": name})


def under_hypothesis(rnd: random.Random, cid: str) -> Generated:
    """True statements that need their hypothesis: monotone functions, Hoeffding-type sizes, symbolic powers."""
    form = rnd.choice(("monotone", "monotone", "hoeffding", "power", "power"))
    if form == "monotone":
        domains = _domains(rnd, rnd.choice((1, 2, 2, 3)))
        ex = Exprs(rnd, domains)
        u, w = ex.pos(rnd.choice((0, 1))), ex.pos(rnd.choice((0, 1)))
        if not mentions(u + w, domains):  # a hypothesis between constants could be false, and refused
            return under_hypothesis(rnd, cid)
        if rnd.random() < 0.6:
            f = rnd.choice(INCREASING)
            lhs, rel, rhs = f.format(*[par(u)] * f.count("{}")), "<=", f.format(*[par(w)] * f.count("{}"))
        else:
            f = rnd.choice(DECREASING)
            lhs, rel, rhs = f.format(par(w)), "<=", f.format(par(u))
        hyps = (f"{u} <= {w}",)
    elif form == "hoeffding":
        n, d, e = rnd.sample(NAMES, 3)
        domains = {n: rnd.choice((SIZE, POSITIVE)), d: rnd.choice(UNIT_DOMAINS), e: POSITIVE}
        c, k = rnd.choice(("1", "2", "4")), rnd.choice(("1", "2", "8"))
        lhs, rel, rhs = f"sqrt(log({c}/{d})/({k}*{n}))", "<=", e
        hyps = (f"{n} >= log({c}/{d})/({k}*{e}**2)",)
    else:
        n, a, d = rnd.sample(NAMES, 3)
        if rnd.random() < 0.5:
            domains = {n: rnd.choice((SIZE, POSITIVE)), a: POSITIVE, d: rnd.choice(UNIT_DOMAINS)}
            lhs, rel, rhs, hyps = f"{n}**(-{a})", "<=", d, (f"{n} >= {d}**(-1/{a})",)
        else:
            domains = {n: POSITIVE, a: POSITIVE}
            c = rnd.choice(("2", "1/2", "10"))
            lhs, rel, rhs, hyps = f"{n}**{a}", "<=", c, (f"{n} <= {c}**(1/{a})",)
    return Generated("under hypothesis", analytic_source(form, cid, domains, lhs, rel, rhs, hyps), True, cid,
                     {"template": form})


REWRITES = {
    "expand": sp.expand, "factor": sp.factor, "expand_log": sp.expand_log, "logcombine": sp.logcombine,
    "powsimp": sp.powsimp, "powdenest": sp.powdenest, "together": sp.together, "cancel": sp.cancel,
    "expand_power_base": sp.expand_power_base, "radsimp": sp.radsimp,
}


def rewritten(rnd: random.Random, cid: str) -> Generated:
    """An identity: a random positive expression against a random SymPy rewrite of it, or against its derivative
    computed by SymPy for a `diff(...)` claim."""
    domains = _domains(rnd, rnd.choice((1, 2, 2, 3)))
    ex = Exprs(rnd, domains)
    lhs = ex.pos(rnd.choice((1, 2, 2)))
    expr = Generated("", analytic_source("", cid, domains, lhs, "=", "0"), None, cid).claim().left.expr
    if rnd.random() < 0.25 and expr.free_symbols:
        x = rnd.choice(sorted(expr.free_symbols, key=str))
        lhs, rhs, how = f"diff({lhs}, {x})", sp.sstr(sp.diff(expr, x)), "diff"
    else:
        how = rnd.choice(sorted(REWRITES))
        rhs = sp.sstr(REWRITES[how](expr))
    out = Generated("identity by rewrite", analytic_source(f"identity ({how})", cid, domains, lhs, "=", rhs), True,
                    cid, {"rewrite": how})
    try:
        unevaluated = out.claim().right.expr.has(sp.Derivative, sp.Subs, sp.Integral)
    except ClaimError:  # SymPy wrote a function claims may not name: draw again
        return rewritten(rnd, cid)
    return rewritten(rnd, cid) if unevaluated else out  # d/dx floor(x) is no formula to check


def perturbed(rnd: random.Random, cid: str) -> Generated:
    """A known statement made false: an inequality reversed or an identity shifted by a constant (false at every
    point), or an inequality's larger side lowered or scaled down a little (false near its tight points, if the
    domain has them: truth unknown)."""
    base = known(rnd, cid) if rnd.random() < 0.7 else under_hypothesis(rnd, cid)
    try:
        c = base.claim()
    except ClaimError:  # hypotheses SymPy finds false: a claim nobody can make, so nothing to perturb
        return perturbed(rnd, cid)
    domains = {p.name: p.domain for p in c.params}
    lhs, rel, rhs = c.left.source, c.rel, c.right.source
    hyps = tuple(h.source for h in c.conditions)
    how = rnd.choice(("reversed", "shifted", "scaled"))
    if rel == "=":
        how = "shifted"
    if how == "reversed":
        rel, truth = REVERSED[rel], False
    elif how == "shifted":
        rhs, truth = f"{par(rhs)} + {rnd.choice(('1/1000', '10**(-9)', '1'))}", False
        if rel != "=":
            rhs = f"{par(c.right.source)} {'-' if rel in ('<=', '<') else '+'} {rnd.choice(('1/1000', '1'))}"
            truth = None
    else:
        factor = rnd.choice(("9/10", "99/100", "0.999"))
        if rel in ("<=", "<"):
            rhs = f"{factor}*{par(rhs)}"
        else:
            lhs = f"{factor}*{par(lhs)}"
        truth = None
    return Generated(f"perturbed ({how})", analytic_source(f"perturbed {how}", cid, domains, lhs, rel, rhs, hyps),
                     truth, cid, base.info)


def unknown(rnd: random.Random, cid: str) -> Generated:
    """Random sides, relation, domains and hypotheses: truth unknown; exercises the odd corners."""
    domains = _domains(rnd, rnd.choice((1, 2, 2, 3)), (POSITIVE_DOMAINS, NONNEGATIVE_DOMAINS, REAL_DOMAINS))
    ex = Exprs(rnd, domains)
    lhs, rhs = ex.real(rnd.choice((1, 2))), ex.real(rnd.choice((0, 1, 2)))
    rel = rnd.choice(("<=", "<", ">=", ">", "="))
    hyps = tuple(_hypothesis(rnd, ex, domains) for _ in range(rnd.choice((0, 0, 1, 2))))
    return Generated("random", analytic_source("random", cid, domains, lhs, rel, rhs, hyps), None, cid)


# ---- simulated claims -----------------------------------------------------------------------------------
#: law: (parameters with domains and grid values, torch draw, mean, variance), formulas in the parameters
LAWS = {
    "bernoulli": ({"p": ("UNIT_OPEN", (0.05, 0.2, 0.5, 0.7))},
                  "(torch.rand(batch, generator=gen, dtype=torch.float64) < p).double()", "p", "p*(1 - p)"),
    "gaussian": ({"mu": ("Domain()", (-2.0, 0.0, 0.5, 3.0)), "sigma": ("POSITIVE", (0.1, 1.0, 2.5))},
                 "mu + sigma*torch.randn(batch, generator=gen, dtype=torch.float64)", "mu", "sigma**2"),
    "exponential": ({"rate": ("POSITIVE", (0.5, 1.0, 4.0))},
                    "-torch.log1p(-torch.rand(batch, generator=gen, dtype=torch.float64))/rate", "1/rate",
                    "1/rate**2"),
    "uniform": ({"lo": ("Domain()", (-1.0, 0.0, 2.0)), "width": ("POSITIVE", (0.5, 1.0, 3.0))},
                "lo + width*torch.rand(batch, generator=gen, dtype=torch.float64)", "lo + width/2", "width**2/12"),
}
SCENARIO_NAMES = itertools.count()

SIM_SOURCE = '''"""Generated by tests/fuzz ({kind}); replay with `boundlab check --file <this file>`."""
import math

import torch

from boundlab.theory import Claim, Domain, POSITIVE, Param, Provenance, Quantity, UNIT_OPEN
from boundlab.verify.scenarios import Scenario, register_scenario

FUZZ = Provenance("derived", "fuzz", "boundlab fuzz")


class Draws(Scenario):
    name = {scenario!r}
    description = "independent {law} draws"
    quantities = {{"X": "one {law} draw"}}
    inputs = {inputs!r}

    def measure(self, point, batch, gen, wanted):
{unpack}
        return {{"X": {draw}}}


register_scenario(Draws())
{params}
X = Quantity("X", "X", "a {law} draw", nonnegative=False)

claim = Claim(id={cid!r}, title={title!r}, lhs={lhs!r}, rel="=", rhs={rhs!r}, statistic={statistic!r},
              params=({names},), quantities=(X,), scenario={scenario!r}, grid={grid!r}, samples={samples},
              provenance=FUZZ)
'''


def simulated(rnd: random.Random, cid: str, shift: float = 0.0, law: str | None = None,
              point_values: list | None = None, statistic: str | None = None, samples: int | None = None,
              lhs_form: str | None = None) -> Generated:
    """`E[f(X)] = known mean` or `Var[X] = known variance` for draws X of a random law at 1-3 grid points; with
    `shift`, the claimed value is off by that much (the other arguments then repeat a previous draw)."""
    law = law or rnd.choice(sorted(LAWS))
    params, draw, mean, var = LAWS[law]
    statistic = statistic or rnd.choice(("mean", "mean", "var"))
    if lhs_form is None:
        lhs_form = rnd.choice(("X", "X", "2*X + 1", "X**2")) if statistic == "mean" else "X"
    known_value = {"X": mean, "2*X + 1": f"2*({mean}) + 1", "X**2": f"{var} + ({mean})**2"}[lhs_form] \
        if statistic == "mean" else var
    if point_values is None:
        point_values = [{k: rnd.choice(v[1]) for k, v in params.items()} for _ in range(rnd.choice((1, 2, 3)))]
    samples = samples or rnd.choice((1000, 2000, 4000))
    rhs = known_value if shift == 0 else f"{known_value} + {shift!r}"
    scenario = f"fuzz_{law}_{next(SCENARIO_NAMES)}"
    names = list(params)
    source = SIM_SOURCE.format(
        kind=f"simulated {statistic}", scenario=scenario, law=law, inputs={k: 1.0 for k in names},
        unpack="\n".join(f"        {k} = float(point[{k!r}])" for k in names), draw=draw,
        params="".join(f"{k} = Param({k!r}, {params[k][0]})\n" for k in names), cid=cid,
        title=f"{statistic} of {lhs_form}, {law}" + (" (shifted)" if shift else ""), lhs=lhs_form, rhs=rhs,
        statistic=statistic, names=", ".join(names), grid=tuple(point_values), samples=samples)
    return Generated(f"simulated {statistic}" + (" shifted" if shift else ""), source, shift == 0, cid,
                     {"law": law, "points": point_values, "statistic": statistic, "samples": samples,
                      "lhs": lhs_form, "shift": shift})


ANALYTIC = {"known": known, "under hypothesis": under_hypothesis, "identity": rewritten, "perturbed": perturbed,
            "random": unknown}
#: generator weights for a mixed run (the runner draws simulated claims with their shifted twins as one task)
MIX = (("known", 3), ("under hypothesis", 2), ("identity", 2), ("perturbed", 3), ("random", 3), ("simulated", 2))


def draw_kind(rnd: random.Random) -> str:
    kinds, weights = zip(*MIX)
    return rnd.choices(kinds, weights)[0]
