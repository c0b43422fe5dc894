"""Read boundlab's LaTeX back into SymPy with an independent parser, to check that what is typeset means what
was verified.

The parser is SymPy's lark LaTeX grammar and transformer, the machinery of
`sympy.parsing.latex.parse_latex(s, backend="lark")`, with two changes:
- where lark reports an ambiguity (a `_ambig` node) every reading is kept instead of failing, so a string that
  could be read two ways is caught; relations, Min and Max are kept unevaluated (SymPy would decide
  `x <= x + 1`, and cannot order placeholders);
- the grammar keeps only the rules the string at hand can use (`_CORE`, `_GATED`): every other rule needs a
  token (`\\sin`, `\\begin`, `\\binom`, `\\sum`, `\\langle`, `!`, a prime, a Greek letter, `\\mathit`, or a
  `\\lim` the string lacks, ...) that is not in it (`_check_tokens` enforces what normalised input may hold),
  so it can take part in no reading. This makes lark's Earley parser several times faster;
  `test_trimmed_grammar_reads_like_sympys` compares the readings with those of the whole grammar.

Before parsing, the LaTeX is normalised, token by token, in ways that do not change what a reader sees:
- `\\left`, `\\right`, `\\Bigl`, `\\Bigr`, thin spaces, `\\limits`, line breaks and empty groups `{}` are layout;
- each symbol's LaTeX name (`\\|\\Delta\\|`, `L(\\hat\\theta)`, `\\lambda_1`) becomes a one-letter placeholder, so
  names the grammar cannot read (uppercase Greek, norms, hats) or reads specially (`d`) do not matter; `\\pi`
  and `e` or `\\mathrm{e}` (Euler's number) become placeholders for pi and E;
- juxtaposition becomes an explicit `\\cdot` (the grammar cannot read `x^{2} y`), between a token that ends an
  operand and one that starts one. So a declared symbol followed by `(` is a product, never a function call:
  the symbols are numbers, listed as such in the claim's hypotheses;
- constructs the grammar cannot read become placeholder functions, mapped back to the same SymPy function:
  `\\log{(x)}`, `\\sin` and the other trigonometric and hyperbolic functions, `\\operatorname{erf}`,
  `\\Gamma`, `\\operatorname{B}`, `\\operatorname{W}_{k}`, `q_{p}(\\mathrm{Beta}(a, b))`, `\\mathrm{Beta}`, and the
  opaque `\\mathbb{E}[.]`, `\\operatorname{Var}[.]`,
  `\\operatorname{slope}(.)`. Such a function applies to the parenthesised group after it; a power right after
  that group (`\\log(x)^{b}`) is rejected as ambiguous;
- `\\partial` and `\\mathrm{d}` become the grammar's `d`, a derivative of order k becomes k first derivatives
  (mixed partials commute for the smooth functions here), and a derivative or a limit reaches over the product
  after it, up to the next + - , or relation at its level (the usual convention, and the grammar's own for
  derivatives): that reach is braced, so that the grammar neither extends a limit over a sum nor fails on a
  derivative after a `\\cdot`. An operator with nothing after it is an error.

A reading counts only if it uses the declared symbols and known functions. The LaTeX means the verified
expression when at least one reading remains and every remaining reading agrees with it (`agree`).
"""
from __future__ import annotations

import functools
import itertools
import random
import re
from dataclasses import dataclass
from pathlib import Path

import sympy as sp
from sympy.core.function import AppliedUndef

from boundlab.theory.functions import Beta, BetaQuantile, Distribution


class LatexReadError(AssertionError):
    """The LaTeX cannot be read, or reads ambiguously, or means something other than the verified formula."""


@dataclass(frozen=True)
class Relation:
    """`lhs op rhs` as read, unevaluated."""

    op: str
    lhs: object
    rhs: object


# ---------------------------------------------------------------------------------------------- the parser

#: The rules of SymPy's latex.lark that normalised input can use (see the module docstring): arithmetic always,
#: the others only when the string holds one of the tokens they need ("CALL": a letter right before "(").
#: Not among them: `div` needs "/" or \div; `_basic_fraction` and `_simple_fraction` need a digit or letter
#: right after \frac or its first group, where normalised input always has "{" (`_check_tokens`).
#: Juxtaposition (`adjacent_expressions`) is all explicit \cdot in normalised input but for a derivative (d/dx
#: before its operand, d x in its denominator or an integral) and a function before its "(", which the rule
#: would read as a product, no reading: so it is needed only where there is a d.
_CORE = ("latex_string", "_one_letter_symbol", "number", "_atomic_expr", "group_round_parentheses",
         "group_curly_parentheses", "_expression_core", "add", "sub", "mul", "_expression_func",
         "_expression_power", "_expression_mul", "_expression", "superscript", "fraction", "_general_fraction",
         "_function")
_GATED = {
    ("d", r"\lim", r"\int"): ("adjacent_expressions", "_limit_dir", "limit_dir_expr", "group_curly_parentheses_lim",
                              "limit", "differential", "_integral", "normal_integral", "group_curly_parentheses_int",
                              "special_fraction", "integral_with_special_fraction"),
    ("CALL", r"\min", r"\max", r"\log", r"\exp", r"\sqrt", "|", r"\lfloor", r"\lceil"): (
        "list_of_expressions", "function_applied", "min", "max", "exponential", "log", "square_root",
        "group_square_brackets", "abs", "floor", "ceil"),
    ("=", "<", ">", r"\le", r"\ge", r"\leq", r"\geq", r"\neq"): ("_relation", "eq", "ne", "lt", "lte", "gt", "gte"),
}
_RULES = _CORE + tuple(r for group in _GATED.values() for r in group)
#: Terminals that normalised input never holds (names are one plain letter; no imaginary unit, prime or star):
#: they are dropped wherever they are one option of an alternation, with the alternatives that still need one.
_ABSENT = ("LATIN_SYMBOL_WITH_LATIN_SUBSCRIPT", "LATIN_SYMBOL_WITH_GREEK_SUBSCRIPT",
           "GREEK_SYMBOL_WITH_LATIN_SUBSCRIPT", "GREEK_SYMBOL_WITH_GREEK_SUBSCRIPT", "GREEK_SYMBOL_WITH_PRIMES",
           "CMD_IMAGINARY_UNIT", "CMD_PRIME", "CMD_ASTERISK", "PRIMES", "STARS", "PRIMES_VIA_CMD", "STARS_VIA_CMD")
#: What normalised input may hold besides one-letter names and numbers; `_RULES` cover these tokens.
_ALLOWED = {r"\frac", r"\sqrt", r"\cdot", "+", "-", "=", "<", ">", r"\le", r"\ge", r"\leq", r"\geq", r"\neq", "(", ")",
            "{", "}", "[", "]", "|", "^", "_", ",", r"\lim", r"\to", r"\infty", r"\int", r"\min", r"\max",
            r"\lfloor", r"\rfloor", r"\lceil", r"\rceil", r"\log", r"\exp"}
#: Options of SymPy's LarkLaTeXParser.
_LARK_OPTIONS = dict(parser="earley", start="latex_string", lexer="auto", ambiguity="explicit",
                     propagate_positions=False, maybe_placeholders=False, keep_all_tokens=True)


def _alternatives(rhs: str) -> list[str]:
    """The alternatives of a lark rule body, split at the `|` outside parentheses and quotes."""
    out, depth, quoted, start = [], 0, False, 0
    for i, c in enumerate(rhs):
        if c == '"' and rhs[i - 1] != "\\":
            quoted = not quoted
        elif not quoted:
            depth += (c == "(") - (c == ")")
            if c == "|" and depth == 0:
                out.append(rhs[start:i])
                start = i + 1
    return [a.strip() for a in out + [rhs[start:]]]


def _references(alternative: str) -> set[str]:
    """The rule names an alternative uses (lowercase words outside "strings" and /regexes/)."""
    return set(re.findall(r"\b[a-z_]+\b", re.sub(r'"(?:\\.|[^"\\])*"|/(?:\\.|[^/\\])+/', "", alternative)))


def grammar(rules=_RULES) -> str:
    """SymPy's lark LaTeX grammar with only `rules` (all of it when `rules` is None), without the alternatives
    that name a dropped rule, and without the `_ABSENT` terminals."""
    from sympy.parsing.latex import lark as sympy_lark

    text = (Path(sympy_lark.__file__).parent / "grammar" / "latex.lark").read_text(encoding="utf-8")
    if rules is None:
        return text
    text = re.sub(r"//[^\n]*", "", text)
    start = text.index("\nlatex_string:")
    head, body = text[:start], text[start:]
    defs = dict(re.findall(r"(?ms)^([a-z_]+):(.*?)(?=^[a-z_]+:|\Z)", body))
    if set(rules) - set(defs):
        raise RuntimeError(f"SymPy's LaTeX grammar has changed: no rule {sorted(set(rules) - set(defs))}")
    absent = rf"\b(?:{'|'.join(_ABSENT)})\b"
    alts = {name: [re.sub(rf"\s*\|\s*{absent}|{absent}\s*\|\s*", "", a) for a in _alternatives(defs[name])]
            for name in rules}
    while True:  # drop the alternatives that name a dropped rule, then the rules left with none
        for name in alts:
            alts[name] = [a for a in alts[name] if not re.search(absent, a) and _references(a) <= set(alts)]
        empty = [name for name, a in alts.items() if not a]
        if not empty:
            break
        for name in empty:
            del alts[name]
    kept = [f"{name}: " + "\n    | ".join(a) for name, a in alts.items()]
    return head + "\n" + "\n\n".join(kept) + "\n"


class _Readings(tuple):
    """The distinct readings of one ambiguous span."""


def _merge(values) -> _Readings:
    out = []
    for v in values:
        for r in (v if isinstance(v, _Readings) else (v,)):
            if not any(type(r) is type(o) and _equal(r, o) for o in out):
                out.append(r)
    return _Readings(out)


def _equal(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


@functools.lru_cache(maxsize=None)
def parser(rules=_RULES):
    """A function from a normalised string to its readings: lark with SymPy's grammar (restricted to `rules`;
    None for all of it) and SymPy's transformer, keeping every reading of an ambiguous span."""
    import lark
    from sympy.parsing.latex import lark as sympy_lark
    from sympy.parsing.latex.lark.transformer import TransformToSymPyExpr

    class AllReadings(TransformToSymPyExpr):
        def _call_userfunc(self, tree, new_children=None):
            children = tree.children if new_children is None else new_children
            if tree.data == "_ambig":
                return _merge(children)
            if not any(isinstance(c, _Readings) for c in children):
                return super()._call_userfunc(tree, children)
            results = []
            for combo in itertools.product(*[c if isinstance(c, _Readings) else (c,) for c in children]):
                try:
                    results.append(super()._call_userfunc(tree, list(combo)))
                except Exception:  # a combination the grammar allows but SymPy cannot build is no reading
                    continue
            if not results:
                raise LatexReadError(f"no reading of a {tree.data} builds an expression")
            return _merge(results)

        def list_of_expressions(self, tokens):  # a tuple, not a one-shot filter: readings may share it
            return tuple(super().list_of_expressions(tokens))

        def min(self, tokens):  # unevaluated: placeholders carry no assumptions to compare by
            return sp.Min(*tokens[2], evaluate=False)

        def max(self, tokens):
            return sp.Max(*tokens[2], evaluate=False)

        def eq(self, tokens):
            return Relation("=", tokens[0], tokens[2])

        def ne(self, tokens):
            return Relation("!=", tokens[0], tokens[2])

        def lt(self, tokens):
            return Relation("<", tokens[0], tokens[2])

        def lte(self, tokens):
            return Relation("<=", tokens[0], tokens[2])

        def gt(self, tokens):
            return Relation(">", tokens[0], tokens[2])

        def gte(self, tokens):
            return Relation(">=", tokens[0], tokens[2])

    # ordered_sets=False: lark's Earley sets unordered (faster); it changes the order of readings, not the set
    lark_parser = lark.Lark(grammar(rules), source_path=str(Path(sympy_lark.__file__).parent / "grammar") + "/",
                            ordered_sets=False, **_LARK_OPTIONS)
    return lambda s: tuple(_merge([AllReadings().transform(lark_parser.parse(s))]))


@functools.lru_cache(maxsize=None)
def _parse(s: str, full: bool = False) -> tuple:
    toks = set(_TOKEN.findall(s))
    if re.search(r"(?<![\\A-Za-z])[A-Za-z] \(", s):
        toks.add("CALL")
    rules = _CORE + tuple(r for needs, group in _GATED.items() if toks & set(needs) for r in group)
    try:
        return parser(None if full else rules)(s)
    except LatexReadError:
        raise
    except Exception as exc:
        raise LatexReadError(f"SymPy's lark grammar cannot read {s!r}: {type(exc).__name__}: {exc}") from None


# ---------------------------------------------------------------------------------------------- normalising

_TOKEN = re.compile(r"\\(?:operatorname|mathrm|mathbb|mathcal|mathit|mathbf|text)\{[^{}]*\}|\\[A-Za-z]+|\\.|"
                    r"\d+(?:\.\d+)?|\S")
_LAYOUT = {r"\left", r"\right", r"\Bigl", r"\Bigr", r"\bigl", r"\bigr", r"\!", r"\,", r"\;", r"\:", r"\quad",
           r"\qquad", r"\limits", r"\displaystyle", "\\\\"}
#: Functions by their LaTeX name, and the name of the placeholder that stands for them.
_FUNCTIONS = {r"\log": "log", r"\exp": "exp", r"\operatorname{erf}": "erf", r"\Gamma": "gamma",
              r"\operatorname{B}": "beta", r"\operatorname{W}": "LambertW", r"\mathrm{Beta}": "Beta",
              r"\operatorname{q}": "BetaQuantile", r"\mathbb{E}": "E", r"\operatorname{Var}": "Var",
              r"\operatorname{slope}": "slope",
              **{"\\" + f: f for f in ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh")}}
_LETTERS = "abcfghjklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"  # no d: the grammar's differential
_OPEN = {"{": "}", "(": ")", "[": "]"}
_OPENERS = {"(", "{", "[", "|(", r"\lfloor", r"\lceil", "{*"}
_CLOSERS = {")", "}", "]", "|)", r"\rfloor", r"\rceil", "}*"}
_TERMINATORS = {"+", "-", ",", "=", "<", ">", r"\le", r"\ge", r"\leq", r"\geq"}
_STARTS = {"{*", "(", "|(", r"\frac", r"\sqrt", r"\min", r"\max", r"\lfloor", r"\lceil", r"\infty", r"\log",
           r"\exp"}
_ENDS = {"}*", ")", "|)", "}", r"\rfloor", r"\rceil", r"\infty"}


def tokens(tex: str) -> list[str]:
    """LaTeX tokens: control words and symbols, `\\mathrm{..}`-style names as one token, numbers, characters;
    layout dropped; `\\left|` and `\\right|` marked as opening and closing bars; a number right after ^ or _
    split after its first digit, as TeX reads it."""
    out = []
    for tok in _TOKEN.findall(tex):
        if out and out[-1] in "^_" and tok[0].isdigit() and len(tok) > 1:
            out += [tok[0], tok[1:]]
        elif out and out[-1] in (r"\left", r"\right") and tok == "|":
            out[-1] = "|(" if out[-1] == r"\left" else "|)"
        else:
            out.append(tok)
    out = [t for t in out if t not in _LAYOUT]
    i = 0
    while i < len(out) - 1:  # empty groups {}
        if out[i] == "{" and out[i + 1] == "}":
            del out[i:i + 2]
            i = max(i - 1, 0)
        else:
            i += 1
    return out


def _close(toks: list[str], i: int) -> int:
    """The index of the bracket that closes the one at toks[i]."""
    opener, closer, depth = toks[i], _OPEN[toks[i]], 0
    for j in range(i, len(toks)):
        depth += (toks[j] == opener) - (toks[j] == closer)
        if depth == 0:
            return j
    raise LatexReadError(f"unbalanced {opener} in {' '.join(toks)}")


def _group(toks: list[str], i: int) -> tuple[list[str], int]:
    """The argument at toks[i] (a braced group without its braces, or one token) and the index after it."""
    if i >= len(toks):
        raise LatexReadError(f"a missing argument at the end of {' '.join(toks)}")
    if toks[i] == "{":
        j = _close(toks, i)
        return toks[i + 1:j], j + 1
    return [toks[i]], i + 1


class _Normaliser:
    """Turns boundlab's LaTeX into what SymPy's lark grammar reads, and maps the placeholders back."""

    def __init__(self, names: dict):
        self.names = sorted(((tuple(tokens(tex)), sym) for sym, tex in names.items()), key=lambda x: -len(x[0]))
        self.back: dict[str, object] = {}  # placeholder letter -> symbol, constant or function name
        self.kind: dict[str, str] = {}  # placeholder letter -> "symbol" or "function"
        self._given: dict = {}

    def letter(self, obj, kind: str) -> str:
        if (obj, kind) not in self._given:
            if len(self._given) == len(_LETTERS):
                raise LatexReadError("more distinct names than one-letter placeholders")
            c = _LETTERS[len(self._given)]
            self._given[(obj, kind)], self.back[c], self.kind[c] = c, obj, kind
        return self._given[(obj, kind)]

    def normalise(self, tex: str) -> str:
        try:
            toks = self._scopes(self._functions(self._operators(self._symbols(self._beta_quantiles(tokens(tex))))))
        except LatexReadError as exc:
            raise LatexReadError(f"{tex!r}: {exc}") from None
        out = []
        for tok in toks:
            if out and self._ends(out[-1]) and self._starts(tok):
                out.append(r"\cdot")
            out.append(tok)
        s = " ".join(t[3:] if t.startswith("OP:") else {"|(": "|", "|)": "|", "{*": "{", "}*": "}"}.get(t, t)
                     for t in out)
        _check_tokens(s, tex)
        return s

    def _starts(self, tok: str) -> bool:
        return tok in _STARTS or tok in self.kind or tok[0].isdigit() or tok.startswith("OP:")

    def _ends(self, tok: str) -> bool:
        return tok in _ENDS or self.kind.get(tok) == "symbol" or tok[0].isdigit()

    @staticmethod
    def _beta_quantiles(toks):
        """q_{p}(\\mathrm{Beta}(a, b)) -> q(p, Beta(a, b)), before the letter q could be taken for a symbol."""
        out, i = [], 0
        while i < len(toks):
            if toks[i] == "q" and toks[i + 1:i + 2] == ["_"]:
                p, j = _group(toks, i + 2)
                if toks[j:j + 2] == ["(", r"\mathrm{Beta}"]:
                    out += [r"\operatorname{q}", "(", *_Normaliser._beta_quantiles(p), ","]
                    i = j + 1
                    continue
            out.append(toks[i])
            i += 1
        return out

    def _symbols(self, toks):
        out, i = [], 0
        while i < len(toks):
            for name, sym in self.names:
                if tuple(toks[i:i + len(name)]) == name:
                    out.append(self.letter(sym, "symbol"))
                    i += len(name)
                    break
            else:
                tok = toks[i]
                constant = {r"\pi": sp.pi, "e": sp.E, r"\mathrm{e}": sp.E}.get(tok)
                out.append(self.letter(constant, "symbol") if constant is not None
                           else "d" if tok in (r"\partial", r"\mathrm{d}") else tok)
                i += 1
        return out

    def _operators(self, toks):
        """Derivative operators, and limits and integrals with their scripts, as single tokens."""
        out, i = [], 0
        while i < len(toks):
            tok = toks[i]
            if tok == r"\frac" and toks[i + 1:i + 3] == ["{", "d"]:
                num, j = _group(toks, i + 1)
                den, k = _group(toks, j)
                if num[0] == "d" and den[:1] == ["d"]:
                    out += self._derivative(den)
                    i = k
                    continue
            if tok in (r"\int", r"\lim"):
                j, scripts = i + 1, []
                while j < len(toks) and toks[j] in "_^":
                    arg, k = _group(toks, j + 1)
                    scripts.append(f"{toks[j]}{{ {' '.join(arg)} }}")
                    j = k
                out.append(f"OP:{tok} {' '.join(scripts)}")
                i = j
                continue
            out.append(tok)
            i += 1
        return out

    @staticmethod
    def _derivative(den):
        """The denominator `d x^{2} d y` -> the operators d/dx, d/dx, d/dy."""
        ops, i, den = [], 0, list(den)
        while i < len(den):
            if den[i] != "d" or i + 1 >= len(den):
                raise LatexReadError(f"cannot read the derivative denominator {' '.join(den)}")
            if den[i + 1:i + 2] == ["("] and den[i + 3:i + 4] == [")"]:  # a bracketed name: \partial (L(x))^{2}
                den[i + 1:i + 4] = [den[i + 2]]
            var, order, i = den[i + 1], 1, i + 2
            if den[i:i + 1] == ["^"]:
                arg, i = _group(den, i + 1)
                order = int("".join(arg))
            ops += [rf"OP:\frac{{d}}{{d {var}}}"] * order
        return ops

    def _functions(self, toks):
        """A named function applied to a (possibly braced) parenthesised group becomes a placeholder call."""
        out, i = [], 0
        while i < len(toks):
            tok, j, branch = toks[i], i + 1, []
            name = _FUNCTIONS.get(tok)
            if name and toks[j:j + 1] == ["_"]:  # a branch, as in W_{-1}
                branch, j = _group(toks, j + 1)
            # SymPy's \log{\left(x \right)}: the braces only group the parenthesised argument
            wrapped = bool(name) and toks[j:j + 2] in (["{", "("], ["{", "["]) and \
                _close(toks, j + 1) + 1 == _close(toks, j)
            j += wrapped
            if not name or toks[j:j + 1] not in (["("], ["["]):
                out.append(tok)
                i += 1
                continue
            end = _close(toks, j)
            if toks[end + 1 + wrapped:end + 2 + wrapped] == ["^"]:
                raise LatexReadError(f"a power of {tok}(...) reads both as the power of the function and of its "
                                     f"argument: {' '.join(toks)}")
            out += [self.letter(name + "_k" * bool(branch), "function"), "(", *self._functions(toks[j + 1:end]),
                    *([",", *branch] if branch else []), ")"]
            i = end + 1 + wrapped
        return out

    def _scopes(self, toks):
        """Brace each derivative or limit with the product it reaches over."""
        out, i = [], 0
        while i < len(toks):
            if not toks[i].startswith((r"OP:\frac", r"OP:\lim")):
                out.append(toks[i])
                i += 1
                continue
            j = i
            while j < len(toks) and toks[j].startswith(r"OP:\frac"):
                j += 1
            j = max(j, i + 1)
            k, depth = j, 0
            while k < len(toks) and not (depth == 0 and (toks[k] in _TERMINATORS or toks[k] in _CLOSERS)):
                depth += (toks[k] in _OPENERS) - (toks[k] in _CLOSERS)
                k += 1
            if k == j:
                raise LatexReadError(f"an operator with no operand before {' '.join(toks[k:k + 3])!r}")
            out += ["{*", *toks[i:j], *self._scopes(toks[j:k]), "}*"]
            i = k
        return out


def _check_tokens(s: str, tex: str) -> None:
    """Normalised input holds only one-letter names, numbers and `_ALLOWED` tokens, and \\frac{..}{..} always
    with braces (see `_CORE`)."""
    toks = _TOKEN.findall(s)
    bad = sorted({t for t in toks if not (t in _ALLOWED or re.fullmatch(r"[A-Za-z]|\d+(\.\d+)?", t))})
    if bad:
        raise LatexReadError(f"cannot read {', '.join(bad)} in {tex!r} (an undeclared name or an unknown construct)")
    for i, t in enumerate(toks):
        if t == r"\frac" and not (toks[i + 1:i + 2] == ["{"] and toks[_close(toks, i + 1) + 1:][:1] == ["{"]):
            raise LatexReadError(f"a \\frac without two braced arguments in {tex!r}")


# ---------------------------------------------------------------------------------------------- reading

class _NotAReading(Exception):
    """A parse that uses an undeclared name or builds no expression: not something a reader could mean."""


#: The opaque functions: the same undefined function on both sides of a comparison.
OPAQUE = {name: sp.Function(name) for name in ("E", "Var", "slope")}
_BUILD = {"log": sp.log, "exp": sp.exp, "erf": sp.erf, "gamma": sp.gamma, "beta": sp.beta, "LambertW": sp.LambertW,
          "LambertW_k": sp.LambertW, "Beta": Beta, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "arcsin": sp.asin,
          "arccos": sp.acos, "arctan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, **OPAQUE}


def readings(tex: str, names: dict, full: bool = False) -> list:
    """Every reading of `tex` that uses only the symbols of `names` ({symbol: LaTeX name}) and known functions:
    SymPy expressions (derivatives, integrals and limits done) or `Relation`s. `full`: with SymPy's whole
    grammar rather than the rules normalised input can use."""
    norm = _Normaliser(names)
    s = norm.normalise(tex)
    out = []
    for r in _parse(s, full):
        try:
            out.append(_rebuild(r, norm))
        except _NotAReading:
            continue
    if not out:
        raise LatexReadError(f"no reading of {tex!r} (normalised {s!r}) uses only the declared names")
    return out


def _rebuild(r, norm: _Normaliser):
    if isinstance(r, Relation):
        return Relation(r.op, _rebuild(r.lhs, norm), _rebuild(r.rhs, norm))
    if not isinstance(r, sp.Basic):
        raise _NotAReading
    e = _back(r, norm)
    return e.doit() if e.has(sp.Derivative, sp.Integral, sp.Limit) else e


def _back(e, norm: _Normaliser):
    """`e` with placeholders replaced by what they stand for."""
    if isinstance(e, sp.Symbol):
        if norm.kind.get(e.name) != "symbol":
            raise _NotAReading
        return norm.back[e.name]
    if isinstance(e, AppliedUndef):
        if norm.kind.get(e.func.__name__) != "function":
            raise _NotAReading
        what, args = norm.back[e.func.__name__], [_back(a, norm) for a in e.args]
        try:
            if what == "BetaQuantile":
                p, dist = args
                if not isinstance(dist, Beta):
                    raise _NotAReading
                return BetaQuantile(p, *dist.args)
            return _BUILD[what](*args)
        except (TypeError, ValueError) as exc:  # the wrong number of arguments
            raise _NotAReading from exc
    if isinstance(e, sp.Limit):  # its direction is stored as a symbol "+", "-" or "+-"
        body, var, point, direction = e.args
        return sp.Limit(_back(body, norm), _back(var, norm), _back(point, norm), str(direction))
    if not e.args:
        return e
    args = [_back(a, norm) for a in e.args]
    if isinstance(e, (sp.Min, sp.Max)):  # SymPy cannot order an unevaluated limit: compare once it is done
        return e.func(*args, evaluate=False)
    return e.func(*args)


def bound_names(expr, names: dict) -> dict:
    """`names` plus the bound variables of limits, integrals and derivatives in `expr` that `names` lacks (a
    limit's variable need not be declared), each named as SymPy prints it."""
    out = dict(names)
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Limit):
            out.setdefault(node.args[1], sp.latex(node.args[1]))
        elif isinstance(node, (sp.Integral, sp.Derivative)):
            out.update({v: sp.latex(v) for v in node.variables if v not in out})
    return out


# ---------------------------------------------------------------------------------------------- agreement

def sample(domain, rng: random.Random):
    """A random exact value in `domain` (a boundlab.theory.symbols.Domain; None for a measured, nonnegative quantity)."""
    if domain is None:
        return sp.Rational(rng.randint(100, 5000), 1000)
    lo, hi = domain.lo, domain.hi
    if domain.integer:
        first = int(lo) + 1 if domain.lo_open or lo != int(lo) else int(lo)
        return sp.Integer(rng.randint(first, first + 40 if hi == float("inf") else int(hi)))
    if lo == float("-inf"):
        x = (hi if hi < float("inf") else 3) - rng.uniform(0.05, 6)
    elif hi == float("inf"):
        x = lo + rng.uniform(0.05, 5)
    else:
        x = rng.uniform(lo + 0.02 * (hi - lo), hi - 0.02 * (hi - lo))
    return sp.Rational(round(x * 10**6), 10**6)


def _generic(name: str, args):
    """A fixed smooth function of `args`, a different one for each name: stands in for an opaque function."""
    rng = random.Random(name)
    return sp.exp(sp.sin(sp.Rational(rng.randint(1, 999), 97)
                         + sum(sp.Rational(rng.randint(1, 999), 89) * a for a in args)))


def _evaluable(e):
    """`e` with the opaque functions (E, Var, slope, distributions, the Beta quantile) made generic."""
    if not isinstance(e, sp.Basic) or not e.args:
        return e
    args = [_evaluable(a) for a in e.args]
    if isinstance(e, (AppliedUndef, Distribution, BetaQuantile)):
        return _generic(type(e).__name__, args)
    return e.func(*args)


def _value(e, point):
    """`e` at `point` to 50 digits, or None where it is not a finite number."""
    v = e.xreplace(point).evalf(50)
    re_, im_ = v.as_real_imag()
    return v if re_.is_Number and im_.is_Number and re_.is_finite and im_.is_finite else None


def agree(reading, expected, domains: dict, points: int = 4) -> bool:
    """Whether `reading` means `expected`: the same relation with agreeing sides; for expressions, equal as
    SymPy builds them, else equal at `points` random points of `domains` ({symbol: Domain or None}) to 50 digits
    (relative 1e-30; 1e-9 when there is a decimal, printed to 15 digits, whose rounding the expression may
    amplify), else, when no point can be evaluated, `simplify` of the difference is 0."""
    if isinstance(expected, sp.core.relational.Relational):
        expected = Relation({"==": "="}.get(expected.rel_op, expected.rel_op), expected.lhs, expected.rhs)
    if isinstance(expected, Relation) or isinstance(reading, Relation):
        return (isinstance(expected, Relation) and isinstance(reading, Relation) and reading.op == expected.op
                and agree(reading.lhs, expected.lhs, domains) and agree(reading.rhs, expected.rhs, domains))
    reading, expected = sp.sympify(reading), sp.sympify(expected)
    if reading == expected:
        return True
    a, b = _evaluable(reading), _evaluable(expected)
    tol = sp.Float("1e-9" if a.has(sp.Float) or b.has(sp.Float) else "1e-30", 50)
    rng, compared = random.Random(0), 0
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    for _ in range(3 * points):
        point = {s: sample(domains.get(s), rng) for s in symbols}
        va, vb = _value(a, point), _value(b, point)
        if va is None or vb is None:
            continue
        if abs(va - vb) > max(tol * max(abs(va), abs(vb)), sp.Float("1e-45", 50)):
            return False
        compared += 1
        if compared == points:
            return True
    return sp.simplify(reading - expected) == 0


def check(tex: str, expected, names: dict, domains: dict) -> None:
    """Raise LatexReadError unless `tex` has a reading and every reading agrees with `expected`."""
    rs = readings(tex, names)
    if not all(agree(r, expected, domains) for r in rs):
        how = "reads ambiguously as" if len(rs) > 1 else "reads as"
        raise LatexReadError(f"{tex!r} {how} {' or '.join(map(str, rs))}; the verified formula is {expected}")


def statement_of(block: str) -> str:
    """The displayed statement of a claim block without its layout: one line, no closing period, and
    \\Bigl[ \\Bigr] (needed across line breaks) as \\left[ \\right]. A `\\bldisplay{line}{lines}` holds the statement
    twice, on one line and broken: both must read the same."""
    m = re.search(r"\\\[\n  (.*)\.\n\\\]|\\bldisplay\{%\n  (.*?)\.\}\{%\n  (.*?)\}\n", block, re.S)
    if not m:
        raise LatexReadError(f"no displayed statement in\n{block}")
    forms = [f for f in m.groups() if f is not None]
    if len(forms) == 2:  # the broken form: lines \\blfit{...} joined by \\\\, the last one's period inside
        lines = [re.fullmatch(r"\\blfit\{(?:\{\} )?(.*)\}", line, re.S).group(1) for line in forms[1].split(" \\\\\n  ")]
        forms[1] = " ".join(lines).removesuffix(".")
    forms = [f.replace(r"\Pr\Bigl[", r"\Pr\left[").replace(r"\Bigr] \ge", r"\right] \ge") for f in forms]
    if len(set(forms)) != 1:
        raise LatexReadError(f"the one-line and the broken statement differ:\n{forms}")
    return forms[0]
