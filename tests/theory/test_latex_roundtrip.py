"""What boundlab typesets means what it verified: every formula of every claim block and derivation of the
catalogue, and generated formulas, are read back from their LaTeX with SymPy's lark LaTeX parser
(`tests/latex_parse.py`) and compared with the verified expression (`Formula.expr`); a string with two readings
fails unless both agree."""
import importlib.util
import operator
import re
import sys
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, Phase, assume, given, settings

from boundlab.theory import POSITIVE, Claim, Derivation, Domain, Param, Provenance
from boundlab.theory.claim import ClaimError, namespace, parse_formula
from boundlab.theory.latex import _over_tex, claim_latex, derivation_latex, formula_latex, statement_latex, tex_names
from boundlab.theory.registry import Registry


def helper(name: str):
    """tests/<name>.py as a module, loaded by path: putting tests/ on sys.path would shadow `theory`, `numerics`
    and `verify` with the test folders of the same names."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / f"{name}.py")
    module = sys.modules.setdefault(name, importlib.util.module_from_spec(spec))
    if module.__spec__ is spec:
        spec.loader.exec_module(module)
    return module


lp, strategies = helper("latex_parse"), helper("expression_strategies")

REGISTRY = Registry.catalogue()
DERIVED = Provenance("derived", "mine", "Me (2026)")
RELATIONS = {"=": "=", r"\le": "<=", r"\ge": ">=", "<": "<", ">": ">"}


def domains(params, quantities=()) -> dict:
    return {**{p.symbol: p.domain for p in params}, **{q.symbol: None for q in quantities}}


# ---------------------------------------------------------------------------------------------- claim blocks

def statement_parts(claim: Claim, statement: str) -> list[tuple[str, object]]:
    """(LaTeX, verified meaning) for each piece of a statement: the wrappers E[.], Var[.], Pr[.] >= p, the
    log-log slope, "is non-increasing in", "there are constants", "almost surely" and "for some instance" are undone
    here, and the operators E, Var and slope are opaque functions, the same on both sides."""
    lhs, rhs, stat = claim.left.expr, claim.right.expr, claim.statistic
    E, Var, slope = lp.OPAQUE["E"], lp.OPAQUE["Var"], lp.OPAQUE["slope"]
    for quantifier, quantified in ((r" \quad\text{almost surely}", "as"), (r" \quad\text{for some instance}", "some")):
        if stat == quantified:
            assert statement.endswith(quantifier)
            statement = statement[:-len(quantifier)]
    if stat in ("value", "as", "some"):
        return [(statement, lp.Relation(claim.rel, lhs, rhs))]
    if stat in ("mean", "var"):
        return [(statement, lp.Relation(claim.rel, (E if stat == "mean" else Var)(lhs), rhs))]
    if stat == "prob":
        m = re.fullmatch(r"\\Pr\\left\[(.*) \\right\] \\ge (.*)", statement, re.S)
        return [(m.group(1), lp.Relation(claim.rel, lhs, rhs)), (m.group(2), claim.probability.expr)]
    if stat == "dist":
        left, right = statement.split(r" \sim ")
        return [(left, lhs), (right, rhs)]
    if stat == "rate":
        m = re.fullmatch(r"\\frac\{\\mathrm\{d\} \\log \\mathbb\{E\}\\left\[(.*)\\right\]\}"
                         r"\{\\mathrm\{d\} \\log (.*?)\}(.*)", statement, re.S)
        tex = rf"\operatorname{{slope}}\left({m.group(1)}, {m.group(2)}\right){m.group(3)}"
        return [(tex, lp.Relation(claim.rel, slope(lhs, over_symbol(claim)), rhs))]
    if stat == "trend":
        m = re.fullmatch(r"\\mathbb\{E\}\\left\[(.*)\\right\] \\text\{ is (non-increasing|non-decreasing) in \} (.*)",
                         statement, re.S)
        assert (m.group(2) == "non-increasing") == (claim.rel == "<=")
        return [(m.group(1), lhs), (m.group(3), over_symbol(claim))]
    assert stat == "bound"
    m = re.fullmatch(r"\\exists\\, (.*?) \\ge 0:\\quad (.*)", statement, re.S)
    constants = [(tex, c.symbol) for tex, c in zip(m.group(1).split(", "), claim.constants, strict=True)]
    return constants + [(m.group(2), lp.Relation(claim.rel, E(lhs), rhs))]


def over_symbol(claim: Claim):
    name = claim.over[0]
    return next((p.symbol for p in claim.params if p.name == name), sp.Symbol(name))


def names_of(claim: Claim) -> dict:
    names = tex_names(claim)
    if claim.over:
        names.setdefault(over_symbol(claim), _over_tex(claim))
    for f in (claim.left, claim.right, claim.probability):
        if f is not None:
            names = lp.bound_names(f.display, names)
    return names


COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def read_domain(item: str, param: Param, names: dict):
    """The set an assumption item (`p > 0`, `p \\in \\{1, 2, \\dots\\}`, `p \\in (0, 1]`, ...) describes, as a
    membership test."""
    m = re.fullmatch(re.escape(param.latex) + r" \\in (.*)", item)
    if not m:
        (reading,) = lp.readings(item, names)
        assert isinstance(reading, lp.Relation) and reading.lhs == param.symbol, item
        return lambda v: COMPARE[reading.op](v, float(reading.rhs))
    s = m.group(1)
    if s == r"\mathbb{R}":
        return lambda v: True
    if (m := re.fullmatch(r"\\\{(-?\d+), (-?\d+), \\dots\\\}", s)):
        assert int(m.group(2)) == int(m.group(1)) + 1, item
        return lambda v: float(v).is_integer() and v >= int(m.group(1))
    m = re.fullmatch(r"(\\mathbb\{Z\} \\cap )?([(\[])(.*), (.*)([)\]])", s)
    lo, hi = (float(sp.sympify(x.replace(r"\infty", "oo"))) for x in (m.group(3), m.group(4)))
    return lambda v: ((not m.group(1) or float(v).is_integer()) and (lo < v if m.group(2) == "(" else lo <= v)
                      and (v < hi if m.group(5) == ")" else v <= hi))


def check_hypotheses(block: str, params, conditions, names: dict, doms: dict) -> int:
    """The `Let` items: one assumption per parameter (the same set as its domain, on test points), then the
    hypotheses. Returns the number of items."""
    items = re.findall(r"  \\item \$([^$]*)\$", block)
    assert len(items) == len(params) + len(conditions), block
    for item, p in zip(items, params):
        member = read_domain(item, p, names)
        for v in (-3, -1, -0.5, 0, 0.25, 0.5, 1, 1.5, 2, 3, 7, 10**6):
            assert member(v) == p.domain.contains(v), f"{item!r} and {p.domain.describe()} differ at {v}"
    for item, h in zip(items[len(params):], conditions):
        lp.check(item, h.expr, names, doms)
    return len(items)


@pytest.mark.parametrize("claim_id", REGISTRY.ids())
def test_catalogue_claim_block_reads_as_verified(claim_id):
    claim = REGISTRY.get(claim_id)
    block, names = claim_latex(claim), names_of(claim)
    doms = domains((*claim.params, *claim.constants), claim.quantities)
    assert lp.statement_of(block) == statement_latex(claim)  # the block shows the statement, broken into lines
    for tex, meaning in statement_parts(claim, lp.statement_of(block)):
        lp.check(tex, meaning, names, doms)
    check_hypotheses(block, claim.params, claim.conditions, names, doms)


# ---------------------------------------------------------------------------------------------- derivations

def check_derivation(derivation: Derivation, block: str) -> int:
    """Each align* row: its relation is the step's, its formula the chain's. Returns the number of rows."""
    rows = re.search(r"\\begin\{align\*\}\n(.*)\n\\end\{align\*\}", block, re.S).group(1).split(" \\\\\n")
    chain = derivation.chain()
    assert len(rows) == len(chain)
    names = {p.symbol: p.latex for p in derivation.params}
    doms = domains(derivation.params)
    for i, (row, formula) in enumerate(zip(rows, chain)):
        m = re.fullmatch(r"  (?:(=|\\le|\\ge|<|>)\{\} )?& (.*?)(?: && \\text\{\\small .*\})?", row, re.S)
        assert m and (m.group(1) is None) == (i == 0), row
        if i:
            assert RELATIONS[m.group(1)] == derivation.steps[i - 1].rel, row
        lp.check(m.group(2), formula.expr, lp.bound_names(formula.display, names), doms)
    check_hypotheses(block, derivation.params, derivation.conditions, names, doms)
    return len(rows)


@pytest.mark.parametrize("derivation_id", [d.id for d in REGISTRY.derivations()])
def test_catalogue_derivation_reads_as_verified(derivation_id):
    derivation = REGISTRY.derivation(derivation_id)
    marks = ["PROVED"] * len(derivation.steps)  # the status marks sit outside the formulas
    assert check_derivation(derivation, derivation_latex(derivation, marks)) == len(derivation.steps) + 1


# ---------------------------------------------------------------------------------------------- generated formulas

NAMES = {**{p.symbol: p.latex for p in strategies.PARAMS}, **{q.symbol: q.tex for q in strategies.QUANTITIES}}
DOMAINS = domains(strategies.PARAMS, strategies.QUANTITIES)
NAMESPACE = namespace("generated", strategies.PARAMS, strategies.QUANTITIES)
@pytest.mark.parametrize("generated", [300, pytest.param(1000, marks=pytest.mark.slow)])
def test_generated_formulas_read_as_verified(generated):
    """Random formulas written as a user writes them (300 distinct, 1000 in the sweep), parsed by parse_formula,
    printed, read back."""
    checked = set()

    @settings(max_examples=generated * 13 // 10, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as drawn, at once
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(strategies.expressions())
    def read_back(source):
        if source in checked:  # Hypothesis draws some sources twice
            return
        try:
            formula = parse_formula("generated", source, NAMESPACE, "formula")
        except ClaimError:  # e.g. Min(n, BetaQuantile(1, 1, 1)): SymPy cannot compare them; not a formula
            assume(False)
        assume(not formula.expr.doit().has(sp.nan, sp.zoo))  # 0/0 and the like: nothing to compare
        tex = formula_latex(formula, NAMES)
        lp.check(tex, formula.expr, lp.bound_names(formula.display, NAMES), DOMAINS)
        checked.add(source)

    read_back()
    assert len(checked) >= generated


# ---------------------------------------------------------------------------------------------- from the user's side

MRS = r"\frac{\beta p}{\alpha f} \left(1 + \frac{G}{A} p^{\alpha}\right)"


def cli_latex(capsys, *args) -> str:
    from boundlab.verify.cli import main

    assert main(["latex", *args]) == 0
    return capsys.readouterr().out


def test_marginal_rate_of_substitution_is_typeset_with_its_parentheses(capsys):
    """The reported defect: (b/a)*(p/f)*(1 + (G/A)*p**a) was typeset as \\frac{\\beta p}{\\alpha f} 1 + ..."""
    claim = REGISTRY.get("barnett2024.marginal_rate_of_substitution")
    out = cli_latex(capsys, claim.id)
    assert f"= {MRS}." in out and r"\frac{\beta p}{\alpha f} 1 +" not in out
    for tex, meaning in statement_parts(claim, lp.statement_of(out)):
        lp.check(tex, meaning, names_of(claim), domains(claim.params))
    chain = cli_latex(capsys, "barnett2024.mrs_chain")
    assert rf"={{}} & {MRS} && " in chain
    assert check_derivation(REGISTRY.derivation("barnett2024.mrs_chain"), chain) == 4
    grows = cli_latex(capsys, "barnett2024.mrs_grows_with_pretraining")
    assert rf"\frac{{\partial}}{{\partial p}} \left({MRS}\right) > 0" in grows


def test_a_claim_file_reads_back_through_the_cli(tmp_path, capsys):
    """A user's claim file with the shapes that used to lose parentheses, through `boundlab latex --file`."""
    path = tmp_path / "mine.py"
    path.write_text(
        "from boundlab.theory import Claim, Param, Provenance, POSITIVE\n"
        "a, b, n = Param('a', POSITIVE, tex=r'\\alpha'), Param('b', POSITIVE, tex=r'\\beta'), Param('n', POSITIVE)\n"
        "mine = Claim(id='mine.shapes', title='Shapes', lhs='(a/b)**n*(1 + n) - (a - b)/(n*b)*(-(a - n))',\n"
        "             rel='<=', rhs='-(a - b) + diff(a*n*log(n)**b, n) + a/b*(n + 1)*3 + limit(n/(n + 1), n, oo)',\n"
        "             params=(a, b, n), hypotheses=('a/(b*n) < (a + b)**-2',),\n"
        "             provenance=Provenance('derived', 'mine', 'Me (2026)'))\n")
    out = cli_latex(capsys, "mine.shapes", "--file", str(path))
    reg = Registry.catalogue([str(path)])
    claim = reg.get("mine.shapes")
    for tex, meaning in statement_parts(claim, lp.statement_of(out)):
        lp.check(tex, meaning, names_of(claim), domains(claim.params))
    assert check_hypotheses(out, claim.params, claim.conditions, names_of(claim), domains(claim.params)) == 4


# ---------------------------------------------------------------------------------------------- the reader itself

A, B, N, D, P, F, G, AL, BE = sp.symbols("A b n d p f G alpha beta", positive=True)
W_, T = sp.symbols("W t", positive=True)
PLAIN = {A: "A", B: "b", N: "n", D: "d", P: "p", F: "f", G: "G", AL: r"\alpha", BE: r"\beta", W_: "W", T: "t"}
ANY = {s: None for s in PLAIN}


@pytest.mark.parametrize("tex, meaning, why", [
    # the printer's output before this change, which the reader must reject
    (r"\frac{\beta p}{\alpha f} 1 + \frac{G}{A} p^{\alpha}", BE * P / (AL * F) * (1 + G / A * P**AL),
     "a sum after a fraction lost its parentheses"),
    (r"\frac{\partial}{\partial p} \frac{\beta p}{\alpha f} 1 + \frac{G}{A} p^{\alpha}",
     sp.diff(BE * P / (AL * F) * (1 + G / A * P**AL), P), "the derivative reaches over part of the product"),
    (r"\frac{\partial}{\partial n} - n \frac{\partial}{\partial n} \log{\left(A n \right)}",
     sp.diff(-N * sp.diff(sp.log(A * N), N), N), "a derivative of a negative operand"),
    (r"\frac{\partial}{\partial p} \left(A p^{2} f\right) \frac{\partial}{\partial f} \left(A p f^{2}\right)",
     4 * A**2 * P**2 * F**2, "a product of derivatives reads as the derivative of a product too"),
    (r"\frac{\partial}{\partial n} \log{\left(A n \right)}^{\beta}", sp.diff(sp.log(A * N)**BE, N),
     "log(x)^b reads as log(x^b) too"),
    (r"\frac{d^{2}}{d t^{2}} \log{\left(1 - \frac{t}{d} \right)}", sp.diff(sp.log(1 - T / D), T, 2),
     "an italic d is also the parameter d"),
    (r"- A W_{-1}\left(- \frac{1}{A}\right)", -A * sp.LambertW(-1 / A, -1), "Lambert's W is written as a symbol"),
    (r"\operatorname{B}\left(Delta, 10\right)", sp.beta(A, 10), "SymPy's beta printer inserts plain text"),
    (r"\frac{1}{A - b n}", 1 / (A * (-B * N)), "a signed factor of a denominator lost its parentheses"),
    # and wrong formulas that read unambiguously
    (r"\frac{A}{b n}", A / B * N, "a/(b*n) is not a/b*n"),
    (r"- A - b", -(A - B), "-(a - b) is not -a - b"),
    (r"\left(\frac{A}{b}\right)^{n}", A / B**N, "(a/b)^n is not a/b^n"),
])
def test_reader_rejects_misprints(tex, meaning, why):
    with pytest.raises(lp.LatexReadError):
        lp.check(tex, meaning, PLAIN, ANY)


def test_reader_accepts_what_it_should():
    for tex, meaning in [(r"\frac{A}{b} n", A / B * N), (r"- \left(A - b\right)", -(A - B)),
                         (r"\left(\frac{A}{b}\right)^{n}", (A / B)**N), (r"\frac{A}{b n}", A / (B * N)),
                         (r"\operatorname{W}_{-1}\left(- \frac{1}{A}\right) \le t",
                          lp.Relation("<=", sp.LambertW(-1 / A, -1), T)),
                         (r"\lim_{n \to \infty}\left(\frac{n}{n + 1}\right) + e^{\pi}", 1 + sp.exp(sp.pi)),
                         (r"\int\limits_{0}^{1} t^{2}\, \mathrm{d}t \cdot 3", 1)]:
        lp.check(tex, meaning, PLAIN, ANY)


def test_a_parameter_named_e_is_not_eulers_number():
    e, x = Param("e", POSITIVE), Param("x", Domain())
    claim = Claim(id="t.e", title="e", lhs="e*exp(x) + E", rel="=", rhs="0", params=(e, x), provenance=DERIVED)
    tex, names, doms = formula_latex(claim.left, tex_names(claim)), tex_names(claim), domains(claim.params)
    assert tex == r"e \exp\left(x\right) + \mathrm{e}"
    lp.check(tex, claim.left.expr, names, doms)
    with pytest.raises(lp.LatexReadError):  # as it was printed before
        lp.check(r"e e^{x} + e", claim.left.expr, names, doms)


def test_trimmed_grammar_reads_like_sympys():
    """The rules dropped from SymPy's grammar give no reading of normalised input: with the full grammar, the
    readings are the same, ambiguous ones included."""
    names = {P: "p", F: "f", G: "G", A: "A", AL: r"\alpha", BE: r"\beta", N: "n"}
    samples = [r"\frac{\beta p}{\alpha f} \left(1 + \frac{G}{A} p^{\alpha}\right) \le \sqrt{\left|{p - f}\right|}",
               r"\frac{\partial}{\partial p} \left(A p^{- \alpha} + G\right) - \min\left(p, f\right)^{2}",
               r"\lim_{n \to \infty}\left(\frac{n}{n + 1}\right) + \int\limits_{0}^{1} p^{2}\, \mathrm{d}p",
               r"\operatorname{W}_{-1}\left(- \frac{1}{A}\right) + \log{\left(p \right)} = e^{\pi}",
               r"\left\lfloor{p}\right\rfloor + \left\lceil{f}\right\rceil > \frac{1}{2}",
               r"\frac{\partial}{\partial p} p f"]
    for tex in samples:
        full, trimmed = lp.readings(tex, names, full=True), lp.readings(tex, names)
        assert set(map(str, full)) == set(map(str, trimmed)), tex
    assert len(trimmed) == 2  # d/dp (p f) and (d/dp p) f: both grammars see the ambiguity
