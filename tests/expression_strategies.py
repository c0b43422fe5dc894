"""Hypothesis strategies for formulas as a user writes them: source strings of random expression trees over the
names the formula language knows (`boundlab.theory.claim.MATH_NAMES`, `boundlab.theory.functions`) and symbols with domains.

`expressions(params, quantities)` draws sources; parse them with `boundlab.theory.claim.parse_formula` in
`boundlab.theory.claim.namespace("id", params, quantities)`. Sources carry random redundant parentheses, since
`a*(b*c)`, `(a/b)*c`, `a/b*c` and `a/(b*c)` are different unevaluated trees, printed differently. Calculus is
kept cheap to evaluate: derivatives of anything, limits at infinity of rational functions, integrals of
polynomials over [0, 1].
"""
from __future__ import annotations

from hypothesis import strategies as st

from boundlab.theory import NONNEGATIVE, POSITIVE, SIZE, UNIT_OPEN, Domain, Param, Quantity

#: Parameters with varied domains and LaTeX names: Greek, norms, subscripts, and letters that are also notation:
#: `d` (the derivative's), `e` (Euler's number), `W` (Lambert's function).
PARAMS = (Param("n", SIZE), Param("d", SIZE), Param("x", Domain()), Param("alpha", POSITIVE, tex=r"\alpha"),
          Param("sigma", POSITIVE, tex=r"\sigma"), Param("Delta", POSITIVE, tex=r"\|\Delta\|"),
          Param("l1", POSITIVE, tex=r"\lambda_1"), Param("delta", UNIT_OPEN, tex=r"\delta"),
          Param("p0", NONNEGATIVE, tex="p_0"), Param("W", POSITIVE), Param("e", POSITIVE))
#: A measured quantity whose LaTeX name ends in an argument list.
QUANTITIES = (Quantity("L", r"L(\hat\theta)", "a risk"),)
#: Bound variable of the generated integrals (not a parameter).
DUMMY = "t"

ATOM, POWER, PRODUCT, SUM = 4, 3, 2, 1  # binding strength of what a source fragment is, loosest last
_NUMBERS = ("1", "2", "3", "Rational(1, 3)", "Rational(3, 2)", "0.5", "0.05", "pi", "E")
_UNARY = ("sqrt({})", "log({})", "exp({})", "Abs({})", "erf({})", "gamma({})", "floor({})", "ceiling({})",
          "LambertW({})", "LambertW({}, -1)", "sin({})", "cos({})", "tan({})", "atan({})", "tanh({})")
_BINARY_CALLS = ("Min({}, {})", "Max({}, {})", "beta({}, {})")


def _wrap(fragment, strength: int, extra: bool) -> str:
    """The source of `fragment` as an operand needing `strength`: in parentheses when it binds less tightly,
    or when `extra` asks for redundant ones."""
    text, own = fragment
    return f"({text})" if own < strength or (extra and own < ATOM) else text


def _combine(draw, children, names) -> tuple[str, int]:
    """One operator node over fragments drawn from `children`; derivatives in one of `names`."""
    kind = draw(st.sampled_from(("+", "-", "*", "/", "**", "neg", "inv", "unary", "call", "quantile", "diff")))
    extra = draw(st.booleans())
    if kind in ("+", "-"):
        a, b = draw(children), draw(children)
        return f"{_wrap(a, SUM, extra)} {kind} {_wrap(b, PRODUCT if kind == '-' else SUM, extra)}", SUM
    if kind in ("*", "/"):
        a, b = draw(children), draw(children)
        return f"{_wrap(a, PRODUCT, extra)}{kind}{_wrap(b, POWER if kind == '/' else PRODUCT, extra)}", PRODUCT
    if kind == "**":
        exponent = draw(st.one_of(st.sampled_from(("2", "-1", "(-2)", "Rational(1, 2)", "(-Rational(1, 2))")),
                                  children.map(lambda f: f"({f[0]})")))
        return f"{_wrap(draw(children), ATOM, False)}**{exponent}", POWER
    if kind == "neg":
        return f"-{_wrap(draw(children), POWER, extra)}", SUM
    if kind == "inv":
        return f"1/{_wrap(draw(children), POWER, extra)}", PRODUCT
    if kind == "unary":
        return draw(st.sampled_from(_UNARY)).format(draw(children)[0]), ATOM
    if kind == "call":
        return draw(st.sampled_from(_BINARY_CALLS)).format(draw(children)[0], draw(children)[0]), ATOM
    if kind == "quantile":
        return f"BetaQuantile({draw(children)[0]}, {draw(children)[0]}, {draw(children)[0]})", ATOM
    var = draw(st.sampled_from(names))
    order = draw(st.sampled_from(("", ", 2")))
    return f"diff({draw(children)[0]}, {var}{order})", ATOM


def _polynomial(names):
    """Small sums of products of integer powers (cheap to integrate and to take limits of)."""
    term = st.tuples(st.sampled_from(("1", "2", "3")), st.sampled_from(names), st.integers(0, 3)).map(
        lambda t: f"{t[0]}*{t[1]}**{t[2]}")
    return st.lists(term, min_size=1, max_size=2).map(" + ".join)


@st.composite
def _calculus(draw, names) -> tuple[str, int]:
    """A limit at infinity of a rational function, or an integral over [0, 1] of a polynomial."""
    if draw(st.booleans()):
        var = draw(st.sampled_from(names))
        terms = _polynomial((var, var, *names))
        return f"limit(({draw(terms)})/({draw(terms)} + {var}**4), {var}, oo)", ATOM
    return f"integrate({draw(_polynomial((DUMMY, DUMMY, *names)))}, ({DUMMY}, 0, 1))", ATOM


def expressions(params=PARAMS, quantities=QUANTITIES, max_leaves: int = 5):
    """Source strings of random expressions over `params`, `quantities` and the formula language."""
    names = [p.name for p in params] + [q.name for q in quantities]
    leaf = st.one_of(st.sampled_from(names), st.sampled_from(_NUMBERS)).map(lambda s: (s, ATOM))

    @st.composite
    def node(draw, children):
        return draw(_calculus(names)) if draw(st.integers(0, 39)) == 0 else _combine(draw, children, names)

    # the top is always an operator: bare leaves would be drawn over and over
    return node(st.recursive(leaf, node, max_leaves=max_leaves - 1)).map(lambda f: f[0])
