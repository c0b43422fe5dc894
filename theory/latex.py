"""LaTeX for claims: formulas in the paper's own form, statements, claim blocks and standalone documents.

Formulas are printed from `Formula.display` (the unevaluated parse of the source string), so terms and factors
keep the order the paper wrote them in. SymPy prints unevaluated products clumsily (``1 \\frac{1}{d}``,
``\\frac{\\left(-1\\right) n}{d}``, ``n - - d``), so `_PaperPrinter` reprints products and sums from their
written factors: signs are pulled to the front and a written ``a/b`` becomes ``\\frac{a}{b}``.

What is typeset must read as what was verified, and one way only (tests/theory/test_latex_roundtrip.py reads
every formula back with SymPy's LaTeX parser), so: a sum that multiplies a fraction keeps its parentheses;
a derivative's operand is bracketed unless it is one symbol, function, power or fraction, and a derivative or
limit followed by another factor is bracketed whole; a power of a function is ``(\\log x)^{b}``, never
``\\log(x)^{b}``; a total derivative is an upright ``\\mathrm{d}``, never a parameter d; Lambert's W is
``\\operatorname{W}``, never a variable W.

A claim's provenance is printed exactly as `Provenance.label()` gives it, so a reconstructed or derived claim is
never typeset as a paper's theorem, and a claim registered as false (``expect="VIOLATED"``) is typeset in its own
environment, "Refuted claim", never as a theorem.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sympy as sp
from sympy.printing.latex import LatexPrinter, requires_partial
from sympy.printing.precedence import PRECEDENCE, precedence

__all__ = ["claim_latex", "derivation_latex", "document_setup", "environments", "escape_text", "formula_latex",
           "macro_name", "number_text", "preamble", "standalone", "statement_latex", "tex_names", "text_latex"]

REL_TEX = {"=": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">", "!=": r"\neq", "~": r"\sim"}

#: Estimated width (see `_width`) above which a statement is broken over lines with multline*. Measured with
#: pdflatex, one unit of `_width` is 3 to 6pt, so 55 units fit the 345pt text block of plain `article`.
LINE_CHARS = 55
#: Statements up to this width are displayed on one line unconditionally: they fit a two-column paper's column.
NARROW_CHARS = 30

_ESCAPES = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def escape_text(s: str) -> str:
    """`s` as LaTeX text: the characters & % $ # _ { } ~ ^ \\ are escaped, everything else is kept."""
    return re.sub(r"[&%$#_{}~^\\]", lambda m: _ESCAPES[m.group()], str(s))


def tt(name: str) -> str:
    """An identifier in typewriter type that may break after its dots and underscores."""
    return r"\texttt{" + escape_text(name).replace(".", r".\allowbreak{}").replace(r"\_", r"\_\allowbreak{}") + "}"


def text_latex(s: str) -> str:
    """Prose that may hold inline math: text outside `$...$` is escaped, math inside is kept as written."""
    parts = str(s).split("$")
    if len(parts) % 2 == 0:  # an unpaired $: treat the whole string as text
        return escape_text(s)
    return "".join(f"${p}$" if i % 2 else escape_text(p) for i, p in enumerate(parts))


class _PaperPrinter(LatexPrinter):
    """A LatexPrinter for unevaluated expressions that prints products and sums as they were written."""

    def _signed_factors(self, expr):
        """(negative, factors) of a product, with nested products flattened and numeric signs pulled out."""
        negative, out, stack = False, [], [expr]
        while stack:
            f = stack.pop(0)
            if isinstance(f, sp.Mul):
                stack[:0] = f.args
                continue
            if f.is_Number and f.is_negative:
                negative, f = not negative, -f
            if f is not sp.S.One:
                out.append(f)
        return negative, out

    def _product(self, factors, lead: str = "") -> str:
        """Juxtaposed factors after `lead` (a fraction already printed, if any): a sum, a signed factor after
        another, and a derivative or limit that is not last get parentheses (the operator would reach over what
        follows); a number after the first factor gets a \\cdot."""
        parts = [lead] if lead else []
        many = len(factors) + bool(lead) > 1
        for i, f in enumerate(factors):
            tex = self._print(f)
            if many and (precedence(f) < PRECEDENCE["Mul"] or parts and tex.startswith("-")
                         or isinstance(f, (sp.Derivative, sp.Limit)) and i < len(factors) - 1):
                tex = rf"\left({tex}\right)"
            if parts and (f.is_Number or tex.lstrip("{")[:1].isdigit()):  # SymPy prints a decimal base as {0.5}^{2}
                parts.append(r"\cdot")
            parts.append(tex)
        return " ".join(parts) or "1"

    @staticmethod
    def _division(factors) -> int | None:
        """The index of the last written division (a factor x**-1) among `factors`, or None."""
        over = [i for i, f in enumerate(factors) if f.is_Pow and f.exp is sp.S.NegativeOne]
        return over[-1] if over else None

    def _print_Mul(self, expr):
        negative, factors = self._signed_factors(expr)
        last = self._division(factors)
        if last is not None:
            # Everything up to the last written division is the fraction; what follows multiplies it.
            head, tail = factors[:last + 1], factors[last + 1:]
            num = [f for f in head if not (f.is_Pow and f.exp is sp.S.NegativeOne)]
            den = [f.base for f in head if f.is_Pow and f.exp is sp.S.NegativeOne]
            body = self._product(tail, rf"\frac{{{self._product(num)}}}{{{self._product(den)}}}")
        else:
            body = self._product(factors)
            if negative and len(factors) == 1 and precedence(factors[0]) < PRECEDENCE["Mul"]:
                body = rf"\left({body}\right)"
        return ("- " if negative else "") + body

    def _is_fraction(self, expr) -> bool:
        """Whether the product `expr` prints as one \\frac with nothing after it and no sign before it."""
        negative, factors = self._signed_factors(expr)
        return not negative and self._division(factors) == len(factors) - 1

    def _operand(self, expr) -> str:
        """The operand of a derivative: in parentheses unless it is one symbol, number, function, power or
        fraction, so that the reach of the operator is plain to see."""
        tex = self._print(expr)
        if precedence(expr) <= PRECEDENCE["Mul"] and not (isinstance(expr, sp.Mul) and self._is_fraction(expr)):
            return rf"\left({tex}\right)"
        return tex

    def _print_Derivative(self, expr):
        """d/dx (\\partial when SymPy sees several variables) before its operand, bracketed as `_operand` says."""
        d = r"\partial" if requires_partial(expr.expr) else self._settings["diff_operator_latex"]
        order = sum(n for _, n in expr.variable_count)
        den = "".join(f"{d} {self._print(x)}" if n == 1 else f"{d} {self.parenthesize_super(self._print(x))}^{{{n}}}"
                      for x, n in reversed(expr.variable_count))
        top = d if order == 1 else f"{d}^{{{order}}}"
        return rf"\frac{{{top}}}{{{den}}} {self._operand(expr.expr)}"

    def _print_Limit(self, expr):
        """The limit of an operand always in parentheses, so that it cannot seem to reach over a following term."""
        body, z, z0, direction = expr.args
        point = self._print(z0)
        if str(direction) != "+-" and z0 not in (sp.oo, -sp.oo):
            point += f"^{direction}"
        return rf"\lim_{{{self._print(z)} \to {point}}}\left({self._print(body)}\right)"

    def _print_Pow(self, expr):
        """x**-k as \\frac{1}{x^{k}} (SymPy's own way loses or repeats signs); a power of a function application
        bracketed, (log x)^b, never log(x)^b, which reads both ways (|x|, floor and ceiling carry brackets)."""
        if expr.exp.is_Rational and expr.exp.is_negative:
            inverse = expr.base if expr.exp == -1 else sp.Pow(expr.base, -expr.exp, evaluate=False)
            return rf"\frac{{1}}{{{self._print(inverse)}}}"
        if expr.base.is_Function and not isinstance(expr.base, (sp.Abs, sp.floor, sp.ceiling)) \
                and not (expr.exp.is_Rational and expr.exp.q != 1):
            return rf"\left({self._print(expr.base)}\right)^{{{self._print(expr.exp)}}}"
        return super()._print_Pow(expr)

    def _e_is_a_symbol(self) -> bool:
        return "e" in self._settings["symbol_names"].values()

    def _print(self, expr, **kwargs):
        """Euler's number upright when a symbol is named e (SymPy's E prints itself, as e, before any _print_)."""
        if expr is sp.E and self._e_is_a_symbol():
            return r"\mathrm{e}"
        return super()._print(expr, **kwargs)

    def _print_exp(self, expr):
        """e^{x}, or \\exp(x) when a symbol is named e."""
        if self._e_is_a_symbol():
            return rf"\exp\left({self._print(expr.args[0])}\right)"
        return rf"e^{{{self._print(expr.args[0])}}}"

    def _print_beta(self, expr):
        """B(a, b) with its arguments printed as LaTeX (SymPy's own printer inserts them as plain text)."""
        a, b = expr.args if len(expr.args) == 2 else expr.args * 2
        return rf"\operatorname{{B}}\left({self._print(a)}, {self._print(b)}\right)"

    def _print_LambertW(self, expr):
        """W(x) and W_k(x) upright, as a function, never a variable W times (x)."""
        branch = f"_{{{self._print(expr.args[1])}}}" if len(expr.args) > 1 else ""
        return rf"\operatorname{{W}}{branch}\left({self._print(expr.args[0])}\right)"

    def add_terms(self, expr) -> list[str]:
        """The terms of a sum in written order, each after the first carrying its sign ("+ a", "- b")."""
        terms = list(expr.args) if isinstance(expr, sp.Add) else [expr]
        out = []
        for i, term in enumerate(terms):
            negative, factors = self._signed_factors(term)
            if isinstance(term, sp.Mul) or negative:  # the term without its sign, as written otherwise
                term = sp.Mul(*factors, evaluate=False) if len(factors) > 1 else (factors or [sp.S.One])[0]
            tex = self._print(term)
            if isinstance(term, sp.Add) and (negative or i):
                tex = rf"\left({tex}\right)"
            sign = ("- " if negative else "") if i == 0 else ("- " if negative else "+ ")
            out.append(sign + tex)
        return out

    def _print_Add(self, expr, order=None):
        return " ".join(self.add_terms(expr))

    def parenthesize_super(self, s):
        """Bracket a symbol name before a superscript when it has one already or ends in an argument list."""
        return rf"\left({s}\right)" if "^" in s or s.endswith(")") else s


def _printer(symbols_tex: dict) -> _PaperPrinter:
    return _PaperPrinter({"order": "none", "symbol_names": dict(symbols_tex), "diff_operator": "rd",
                          "inv_trig_style": "full"})  # \arctan, as papers write it, not \operatorname{atan}


def formula_latex(formula, symbols_tex: dict) -> str:
    """LaTeX of a Formula (or a SymPy expression) in the paper's form, naming symbols by `symbols_tex`."""
    expr = getattr(formula, "display", formula)
    return _printer(symbols_tex).doprint(expr)


def tex_names(claim) -> dict:
    """The LaTeX name of every parameter and measured quantity of `claim`, keyed by its SymPy symbol."""
    names = {p.symbol: p.latex for p in (*claim.params, *claim.constants)}
    names.update({q.symbol: q.tex for q in claim.quantities})
    return names


def _over_tex(claim) -> str:
    """The LaTeX name of the variable a curve claim sweeps."""
    name = claim.over[0]
    for p in claim.params:
        if p.name == name:
            return p.latex
    return name if len(name) == 1 else rf"\mathrm{{{name}}}"


def _number_tex(v) -> str:
    if v == float("inf"):
        return r"\infty"
    return f"{v:g}".replace("e+0", "e").replace("e+", "e")


@dataclass(frozen=True)
class StatementTex:
    """The pieces a statistic's `latex` hook builds its statement from, in the claim's notation: the sides' terms
    (a line may break before each term of a top-level sum), the relation, the swept variable of a curve claim,
    and `formula(f)` for any other formula of the claim (e.g. a probability's claimed level)."""

    claim: object
    lhs: list[str]
    rhs: list[str]
    rel: str

    @property
    def over(self) -> str:
        return _over_tex(self.claim)

    def formula(self, f) -> str:
        return formula_latex(f, tex_names(self.claim))


def _statement_chunks(claim) -> list[str]:
    """The statement as pieces between which a line may break (the statistic's `latex` hook)."""
    pr = _printer(tex_names(claim))
    tex = StatementTex(claim, pr.add_terms(claim.left.display), pr.add_terms(claim.right.display), REL_TEX[claim.rel])
    return claim.stat.latex(claim, tex)


def statement_latex(claim) -> str:
    """The displayed math of the claim's statement, by statistic (E, Var, Pr, almost surely, ~)."""
    return " ".join(_statement_chunks(claim))


def _width(tex: str) -> float:
    """A generous estimate of the printed width of math `tex`, in em-like units: each glyph counts 1 (both
    parts of a fraction, and sub- and superscripts at full size), a binary operator or relation 2.5."""
    tex = re.sub(r"\\(left|right|Bigl|Bigr|!|,|;)", "", tex)
    tex = re.sub(r"\\text\{([^}]*)\}|\\(quad|log|exp|min|max|Pr|det|sup|inf|lim)\b", r"\1\2", tex)
    ops = len(re.findall(r"(?<![{(\[^_])\s*(?:[-+=<>]|\\le\b|\\ge\b|\\sim\b)", tex))
    tex = re.sub(r"\\[A-Za-z]+", "x", tex)
    return len(re.sub(r"[\s{}^_]", "", tex)) + 1.5 * ops


def _display(chunks: list[str], line_chars: int = LINE_CHARS) -> str:
    """The statement displayed on one line when it surely fits, else `\\bldisplay{one line}{lines}`: TeX measures
    the one-line form against the line width and falls back to multline* with lines packed from the chunks for
    `line_chars`, each shrunk to the line if a single chunk is wider (\\blfit), and \\Bigl/\\Bigr brackets for
    Pr, since a \\left...\\right pair cannot span a line break."""
    lines = [[chunks[0]]]
    for c in chunks[1:]:
        if _width(" ".join(lines[-1] + [c])) > line_chars:
            lines.append([])
        lines[-1].append(c)
    one = " ".join(chunks)
    if len(lines) == 1 and _width(one) <= NARROW_CHARS:
        return "\\[\n  " + one + ".\n\\]"
    if len(lines) == 1 and len(chunks) > 1:  # fits the width it was packed for; a narrower column gets two lines
        half = len(chunks) // 2
        lines = [chunks[:half], chunks[half:]]
    rows = [("{} " if i else "") + " ".join(line) + ("." if i == len(lines) - 1 else "") for i, line in enumerate(lines)]
    body = " \\\\\n  ".join(rf"\blfit{{{row}}}" for row in rows)
    body = body.replace(r"\Pr\left[", r"\Pr\Bigl[").replace(r"\right] \ge", r"\Bigr] \ge")
    return "\\bldisplay{%\n  " + one + ".}{%\n  " + body + "}"


def provenance_tex(provenance, cite: bool = False) -> str:
    """`Provenance.label()` as LaTeX text; with `cite`, its citation carries `\\blcite{key}{citation}` (a \\cite
    of the report's references.bib) when the source has a BibTeX entry."""
    label = escape_text(provenance.label()).replace("arXiv:", r"arXiv:\allowbreak{}")  # a long id may end a line
    if cite and provenance.bibtex():
        citation = escape_text(provenance.citation)
        label = label.replace(citation, rf"\blcite{{{provenance.cite_key()}}}{{{citation}}}", 1)
    return label


def hypothesis_items(item) -> list[str]:
    """The hypotheses of a claim or derivation as LaTeX list items: each parameter's domain, then the conditions."""
    names = tex_names(item) if hasattr(item, "quantities") else {p.symbol: p.latex for p in item.params}
    return _hypothesis_items(item.params, item.conditions, names)


def _let(items: list[str], omit, setting: str) -> list[str]:
    """The hypotheses' lines of a block: those not in `omit` (a shared setting typeset once, named `setting`),
    as "Let ... Then"."""
    own = [it for it in items if it not in omit]
    lead = f"In {setting}," if omit else ""
    if not own:
        return [lead] if lead else []
    return [f"In {setting}, let also" if omit else "Let", r"\begin{itemize}", *[rf"  \item {it}" for it in own],
            r"\end{itemize}", "Then"]


def claim_latex(claim, omit=(), cite: bool = False, line_chars: int = LINE_CHARS, setting: str = "the setting") -> str:
    """The claim as a `bltheorem` block (or `blfalse` when it is registered as false), with hypotheses,
    statement, measured quantities, id and a label `claim:<id with dots as colons>`. Hypotheses in `omit` are
    left out (a report states shared ones once, as `setting`); `cite` cites the source; displays are packed for
    `line_chars` (see `_display`)."""
    env = "blfalse" if claim.expect == "VIOLATED" else "bltheorem"
    lines = [rf"\begin{{{env}}}[{{{provenance_tex(claim.provenance, cite)}}}]"
             rf"\label{{claim:{claim.id.replace('.', ':')}}}%",
             rf"\textbf{{{text_latex(claim.title.rstrip('.'))}.}}"]
    lines += _let(hypothesis_items(claim), omit, setting)
    lines.append(_display(_statement_chunks(claim), line_chars))
    if claim.kind == "empirical":
        for q in claim.quantities:
            lines.append(f"Here ${q.tex}$ denotes {text_latex(q.description) or 'a measured quantity'}.")
        lines.append(rf"Quantities are measured in scenario {tt(claim.scenario)}.")
        if claim.over:
            values = r",\allowbreak ".join(_number_tex(v) for v in claim.over[1])  # a long sweep breaks in a column
            lines.append(rf"The claim is checked along ${_over_tex(claim)} \in \{{{values}\}}$ by "
                         + claim.stat.checked_along + ".")
    if claim.expect == "VIOLATED":
        lines.append(r"\emph{This claim is registered as false: the verifier is expected to refute it.}")
    lines += [rf"Claim id: {tt(claim.id)}.", rf"\end{{{env}}}"]
    return "\n".join(lines)


#: Status marks of derivation steps, by verdict.
STEP_MARKS = {"PROVED": r"\checkmark", "CERTIFIED": r"\checkmark", "CONSISTENT": r"\approx", "INCONCLUSIVE": "?",
              "VIOLATED": r"\times", "ERROR": "!"}
MARK_LEGEND = (r"$\checkmark$ proved, $\approx$ no counterexample found (not proved), $\times$ refuted, "
               r"$?$ undecided, $!$ malformed")


def _hypothesis_items(params, conditions, names) -> list[str]:
    items = [f"${p.domain.latex(p.latex)}$" + (f" ({text_latex(p.description)})" if p.description else "")
             for p in params]
    return items + [f"${formula_latex(h, names)}$" for h in conditions]


def derivation_latex(derivation, verdicts=None, omit=(), cite: bool = False, narrow: bool = False,
                     setting: str = "the setting", legend: bool = True) -> str:
    """A derivation as a `blderivation` block: hypotheses, then an align* chain with one line per step, each
    with its hint and, when `verdicts` (one per step) are given, a status mark. `omit` and `cite` as for
    `claim_latex`; `narrow` (a two-column paper) numbers the steps and lists their hints below the chain; `legend`
    explains the marks (a report does it once)."""
    names = {p.symbol: p.latex for p in derivation.params}
    env = "blfalse" if derivation.expect == "VIOLATED" else "blderivation"
    lines = [rf"\begin{{{env}}}[{{{provenance_tex(derivation.provenance, cite)}}}]"
             rf"\bllabel{{blderivation}}{{derivation:{derivation.id.replace('.', ':')}}}%",
             rf"\textbf{{{text_latex(derivation.title.rstrip('.'))}.}}"]
    lines += _let(hypothesis_items(derivation), omit, setting)
    chain = derivation.chain()
    fit = (lambda tex: rf"\blfit[0.72\linewidth]{{{tex}}}") if narrow else (lambda tex: tex)  # a column is narrow
    rows, hints = [rf"  & {fit(formula_latex(chain[0], names))}"], []
    for i, (step, f) in enumerate(zip(derivation.steps, chain[1:])):
        tag = []
        if verdicts is not None:
            tag.append(f"${STEP_MARKS[verdicts[i]]}$")
        if narrow:
            tag.append(f"({i + 1})")
            if step.hint:
                hints.append(f"({i + 1}) {text_latex(step.hint)}")
        elif step.hint:
            tag.append(text_latex(step.hint))
        note = rf" && \text{{\small {' '.join(tag)}}}" if tag else ""
        rows.append(rf"  {REL_TEX[step.rel]}{{}} & {fit(formula_latex(f, names))}{note}")
    lines += [r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]
    if hints:
        lines.append(r"\par{\small " + "; ".join(hints) + ".}")
    if verdicts is not None and legend:
        lines.append(rf"\par{{\small Marks: {MARK_LEGEND}.}}")
    if derivation.expect == "VIOLATED":
        lines.append(r"\emph{This derivation is registered as wrong: the verifier is expected to refute a step.}")
    lines += [rf"\par Derivation id: {tt(derivation.id)}.", rf"\end{{{env}}}"]
    return "\n".join(lines)


def environments() -> str:
    """The packages and claim environments that claim blocks need, safe to load in anyone's preamble: each
    environment is defined only when it is not defined yet."""
    return "\n".join([
        r"\makeatletter",
        r"\RequirePackage{amsmath}",
        r"\@ifpackageloaded{ntheorem}{}{\RequirePackage{amsthm}}",
        r"\ifdefined\checkmark\else\ifdefined\mathbb\providecommand\checkmark{\surd}\else"
        r"\RequirePackage{amssymb}\fi\fi",
        r"\ifdefined\mathbb\else\RequirePackage{amssymb}\fi",
        r"\RequirePackage{booktabs}\RequirePackage{graphicx}",
        r"\ifdefined\bltheorem\else",
        r"  \theoremstyle{plain}",
        r"  \newtheorem{bltheorem}{Claim}",
        r"  \newtheorem{blfalse}[bltheorem]{Refuted claim}",
        r"  \newtheorem{blderivation}[bltheorem]{Derivation}",
        r"\fi",
        r"% cleveref's names: at once when cleveref is loaded already, else when the document begins",
        r"\def\bl@crefnames{\crefname{bltheorem}{Claim}{Claims}\crefname{blfalse}{Claim}{Claims}"
        r"\crefname{blderivation}{Derivation}{Derivations}\Crefname{bltheorem}{Claim}{Claims}"
        r"\Crefname{blfalse}{Claim}{Claims}\Crefname{blderivation}{Derivation}{Derivations}}",
        r"\@ifpackageloaded{cleveref}{\bl@crefnames}{\AtBeginDocument{\ifdefined\crefname\bl@crefnames\fi}}",
        r"\providecommand\blcite[2]{#2}",
        r"% \bllabel{type}{key}: a label that cleveref names by its environment, though claims share one counter",
        r"\providecommand\bllabel[2]{\ifdefined\crefname\label[#1]{#2}\else\label{#2}\fi}",
        r"% \bldisplay{one line}{multline* lines}: the one-line display when it fits the line, else the lines",
        r"\providecommand\bldisplay[2]{\setbox\z@\hbox{$\displaystyle #1$}\ifdim\wd\z@>\linewidth"
        r" \expandafter\@firstoftwo\else\expandafter\@secondoftwo\fi"
        r"{\begin{multline*}#2\end{multline*}}{\[#1\]}}",
        r"% \blfit[width]{math}: display-style math, shrunk to the width (a multline line's room by default) if wider",
        r"\providecommand\blfit[2][\linewidth-2\multlinegap]{\setbox\z@\hbox{$\displaystyle #2$}"
        r"\ifdim\wd\z@>\dimexpr#1\relax\resizebox{\dimexpr#1\relax}{!}{\box\z@}\else\box\z@\fi}",
        r"\makeatother",
    ])


def document_setup() -> str:
    """Fonts, page and line-breaking settings of boundlab's own documents (not for a paper's preamble).
    `lmodern` and `geometry` are loaded only when installed."""
    return "\n".join([
        r"\usepackage[T1]{fontenc}",
        r"\IfFileExists{lmodern.sty}{\usepackage{lmodern}}{}",
        r"\IfFileExists{geometry.sty}{\usepackage[margin=1in]{geometry}}{}",
        r"\setlength{\emergencystretch}{3em}  % ids and scenario names in \texttt cannot be hyphenated",
        r"\allowdisplaybreaks",
    ])


def preamble() -> str:
    """Everything a standalone boundlab document needs before \\begin{document}."""
    return environments() + "\n" + document_setup()


def standalone(claims: list, derivations=(), verdicts=None) -> str:
    """A complete pdflatex document typesetting `claims`, then `derivations` (with `verdicts[id]`, the step
    verdicts of each derivation, when given)."""
    blocks = [claim_latex(c) for c in claims]
    blocks += [derivation_latex(d, (verdicts or {}).get(d.id)) for d in derivations]
    body = "\n\n".join(blocks)
    return f"\\documentclass{{article}}\n{preamble()}\n\\begin{{document}}\n\n{body}\n\n\\end{{document}}\n"


_DIGITS = ("Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")


def macro_name(*parts: str) -> str:
    """A LaTeX command name (letters only) from a claim id and what it names: each word capitalised, each digit
    spelled out, e.g. ("shachaf2021.worst_ratio", "WorstCase") -> "blShachafTwoZeroTwoOneWorstRatioWorstCase"."""
    words = re.findall(r"[A-Za-z]+|[0-9]", "_".join(parts))
    return "bl" + "".join(_DIGITS[int(w)] if w.isdigit() else w[0].upper() + w[1:] for w in words)


def number_text(value, digits: int = 4) -> str:
    """`value` for running text: an integer as it is, otherwise `digits` significant digits, in decimal between
    1e-3 and 1e5 and as m \\times 10^{e} beyond (in \\ensuremath, so it works in text and in math)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, int):
        return str(value)
    if value != value:
        raise ValueError("NaN has no text")
    if value in (float("inf"), float("-inf")):
        return r"\ensuremath{" + ("-" if value < 0 else "") + r"\infty}"
    if value == 0:
        return "0"
    exp = math.floor(math.log10(abs(value)))
    if -3 <= exp < 5:
        text = f"{value:.{max(digits - 1 - exp, 0)}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    mant = f"{value / 10 ** exp:.{digits - 1}f}".rstrip("0").rstrip(".")
    if mant in ("10", "-10"):  # rounding carried into the next power
        mant, exp = mant[:-1], exp + 1
    return r"\ensuremath{" + mant + r"\times 10^{" + str(exp) + "}}"
