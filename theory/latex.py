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
           "level_tex", "macro_name", "number_math", "number_text", "preamble", "prose_latex", "standalone",
           "statement_latex", "tex_names", "text_latex", "values_latex"]

REL_TEX = {"=": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">", "!=": r"\neq", "~": r"\sim"}

#: Estimated width (see `_width`) above which a statement is broken over lines with multline*. Measured with
#: pdflatex, one unit of `_width` is 3 to 6pt, so 55 units fit the 345pt text block of plain `article`.
LINE_CHARS = 55
#: Statements up to this width are displayed on one line unconditionally: they fit a two-column paper's column.
NARROW_CHARS = 30

_ESCAPES = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
            "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}

#: Characters pdflatex typesets in text (T1 and utf8): printable ASCII, Latin-1 and common punctuation.
#: Anything else, which would stop pdflatex ("Unicode character not set up"), is written as [U+XXXX].
_TEXT_CHARS = re.compile("[\t\n\r\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u0152\u0153]")


def escape_text(s: str) -> str:
    """`s` as LaTeX text: the characters & % $ # _ { } ~ ^ \\ < > | are escaped (the last three print as other
    glyphs in OT1 fonts), whitespace runs become one space (a blank line would end a paragraph inside a title),
    and a character pdflatex cannot typeset is written as its code point, [U+XXXX]."""
    return "".join(_ESCAPES.get(c) or (c if _TEXT_CHARS.match(c) else _math_char(c) or f"[U+{ord(c):04X}]")
                   for c in re.sub(r"\s+", " ", str(s)))


def tt(name: str) -> str:
    """An identifier in typewriter type that may break after its dots and underscores."""
    return r"\texttt{" + escape_text(name).replace(".", r".\allowbreak{}").replace(r"\_", r"\_\allowbreak{}") + "}"


def text_latex(s: str) -> str:
    """Researcher's prose as LaTeX: `$...$` is the author's inline maths, kept as written (when its braces
    balance); elsewhere ASCII maths (``n^0.283``, ``(1 - 1/n)^n``, ``x_i <= sqrt(d/n)``, ``alpha``) becomes inline
    maths (`prose_latex`) and everything else is escaped text."""
    parts = str(s).split("$")
    if len(parts) % 2 == 0 or not all(_balanced(p) for p in parts[1::2]):  # an unpaired $: all of it is text
        return prose_latex(s)
    return "".join(f"${p}$" if i % 2 else prose_latex(p) for i, p in enumerate(parts))


def _balanced(tex: str) -> bool:
    """Whether the braces of `tex` (not counting \\{ and \\}) balance, and it holds no blank line, # or % and
    nothing but ASCII: what inline maths must be to be kept as written."""
    depth = 0
    for b in re.sub(r"\\.", "", tex):
        depth += (b == "{") - (b == "}")
        if depth < 0:
            return False
    return depth == 0 and not re.search(r"[#%]|\n\s*\n|[^\x20-\x7e\s]", tex) and not tex.rstrip().endswith("\\")


# ---- ASCII maths in prose ----------------------------------------------------------------------------------
GREEK = {g: "\\" + g for g in ("alpha beta gamma delta zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau "
                               "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi "
                               "Omega varepsilon vartheta varphi varrho").split()}
GREEK.update(eps=r"\varepsilon", epsilon=r"\varepsilon")
#: Function and operator names written before their argument, and their LaTeX.
FUNCTIONS = {**{f: "\\" + f for f in "log ln exp sin cos tan sinh cosh tanh arcsin arccos arctan min max sup inf "
                                    "det lim arg Pr sum prod".split()},
             **{f: rf"\operatorname{{{f}}}" for f in "tr Var Cov argmin argmax sign erf diag rank".split()},
             "sqrt": r"\sqrt"}
RELATIONS = {"<=": r"\le", ">=": r"\ge", "!=": r"\neq", "==": "=", "=": "=", "<": "<", ">": ">", "~": r"\sim",
             "<<": r"\ll", ">>": r"\gg", "->": r"\to", "<-": r"\leftarrow", "=>": r"\Rightarrow",
             "+-": r"\pm", "±": r"\pm", "≤": r"\le", "≥": r"\ge", "≠": r"\neq", "→": r"\to", "≈": r"\approx"}
_UNICODE_MATH = {"×": r"\times", "·": r"\cdot", "∞": r"\infty", "√": r"\surd", "∈": r"\in", "∑": r"\sum",
                 "−": "-", **{k: v for k, v in RELATIONS.items() if len(k) == 1 and ord(k) > 127},
                 **{chr(0x3b1 + i): "\\" + g for i, g in enumerate(
                     "alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi o pi rho "
                     "varsigma sigma tau upsilon varphi chi psi omega".split()) if g != "o"}}


def _math_char(c: str) -> str | None:
    """A maths character pdflatex has no text glyph for (≤, α, ∞, ...) as inline maths, or None."""
    return f"${_UNICODE_MATH[c]}$" if c in _UNICODE_MATH else None


_TOKEN = re.compile(r"""
    (?P<url>(?:https?://|www\.)[^\s]+[^\s.,;:)\]])
  | (?P<code>(?=[A-Za-z][\w.]*_)[A-Za-z]\w*(?:\.\w+)+|(?:\w+/){2,}[\w.]*\w|(?:\w+/)+\w+\.[A-Za-z]{1,4}\b)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+(?![\w.]))?)
  | (?P<word>[^\W\d_](?:[^\W_]|_(?=[^\W_]))*)
  | (?P<op><=|>=|!=|==|->|<-|=>|\+-|<<|>>|\*\*|[-+*/=<>^_|~±≤≥≠→≈])
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<ws>\s+)
  | (?P<other>.)""", re.VERBOSE | re.DOTALL)
_PAIRS = {"(": ")]", "[": ")]", "{": "}"}
_MATHS = ("num", "id", "op", "open", "close", "ws", "comma")  # the kinds of token maths is made of


@dataclass
class _Tok:
    kind: str  # num, id (a maths name), word, op, open, close, ws, comma, other
    text: str
    after: str = ""  # the kind of the token before it ("" at the start)
    tex: str = ""  # its maths, when not its text's (an operator name such as Beta in Beta(a, b))

    @property
    def glued(self) -> bool:
        """No space before it."""
        return self.after != "ws"


def _math_name(w: str) -> str | None:
    """A word as a maths name (x, C1 as C_{1}, alpha, x_i, sigma_max, L_pp, sum_i, log), or None for a word
    of prose or code (risk_mean)."""
    base, *subs = w.split("_")
    if base == "sqrt" and subs or not w.isascii():
        return None
    m = re.fullmatch(r"([A-Za-z])(\d+)", base)
    if m:
        base, subs = m[1], [m[2]] + subs
    if base in ("infinity", "inf") and not subs:
        return r"\infty "
    if base in GREEK:
        tex = GREEK[base] + " "
    elif base in FUNCTIONS:
        tex = FUNCTIONS[base] + " "
    elif re.fullmatch(r"[A-Za-z]", base):
        tex = base
    else:
        return None
    if not subs:
        return tex
    parts = [GREEK.get(p) or {"min": r"\min", "max": r"\max", "inf": r"\infty", "infinity": r"\infty"}.get(p)
             or (p if len(p) <= 2 else rf"\mathrm{{{p}}}") for p in subs]
    return tex.rstrip() + "_{" + ",".join(parts) + "}"


def _tokens(s: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(s):
        kind, text = m.lastgroup, m.group()
        if kind == "word" and out and out[-1].text == "'" and out[-1].after != "ws":
            pass  # the s of paper's
        elif kind == "word" and _math_name(text) is not None:
            kind = "id"
        elif kind == "word" and out and out[-1].kind == "num" and re.fullmatch(r"[a-z]{1,3}", text) \
                and text not in ("st", "nd", "rd", "th"):
            kind = "id"  # 2ab, 2s: a coefficient and its variables
        elif kind == "other" and text == ",":
            kind = "comma"
        elif text == "'" and out and (out[-1].kind in ("id", "close") or out[-1].text == "'"):
            kind = "op"  # a prime: f'(x), l''(t)
        out.append(_Tok(kind, text, out[-1].kind if out else ""))
    for i, t in enumerate(out[:-2]):  # a word under a script is a maths name: risk^2, dD_p^2
        if t.kind == "word" and out[i + 1].text in ("^", "_") and out[i + 1].glued and _operand(out[i + 2]) \
                and out[i + 2].glued and re.fullmatch(r"[A-Za-z]+(?:_[A-Za-z0-9]+)*", t.text):
            base, *subs = t.text.split("_")
            t.kind, t.tex = "id", rf"\mathrm{{{base}}}" + (f"_{{\\mathrm{{{','.join(subs)}}}}}" if subs else "")
    return out


def _match(toks: list[_Tok]) -> dict[int, int]:
    """Matching brackets of `toks` (index of opener -> index of closer, both ways); unmatched ones are left out.
    ( and [ close with ) or ] (intervals such as [0, 1)); { closes with }."""
    pairs, stack = {}, []
    for i, t in enumerate(toks):
        if t.kind == "open":
            stack.append(i)
        elif t.kind == "close":
            k = next((k for k in range(len(stack) - 1, -1, -1) if t.text in _PAIRS[toks[stack[k]].text]), None)
            if k is not None:
                j = stack[k]
                del stack[k:]
                pairs[j], pairs[i] = i, j
    return pairs


def _operand(t: _Tok) -> bool:
    return t.kind in ("num", "id", "open", "close")


def prose_latex(s: str) -> str:
    """Prose without `$` as LaTeX: maximal runs of maths-like tokens (names, numbers, operators, brackets) that
    carry a maths signal (`_is_math`) become inline maths (`_math`), the rest is escaped text."""
    s = re.sub(r"\b(\d+)(\s+[^\W\d_]+)\(s\)", lambda m: m[1] + m[2] + ("" if m[1] == "1" else "s"), str(s))
    toks = _code_calls(_tokens(s))
    out, run = [], []
    for t in toks + [_Tok("other", "")]:
        if t.kind in _MATHS:
            run.append(t)
        else:
            out.append(_run_latex(run))
            out.append(_text(t))
            run = []
    return "".join(out)


def _code_calls(toks: list[_Tok]) -> list[_Tok]:
    """A word glued to a bracketed argument list: with a plural marker, point(s), one word of prose; applied to
    maths, logit(phi) or Beta(a, b), an operator name; applied to anything else, simplify(lhs - rhs), code in
    typewriter type."""
    pairs, out, i = _match(toks), [], 0
    while i < len(toks):
        t = toks[i]
        j = pairs.get(i + 1, 0) if i + 1 < len(toks) and toks[i + 1].text == "(" and toks[i + 1].glued else 0
        inner = toks[i + 2:j]
        if t.kind == "word" and j and re.fullmatch(r"[A-Za-z]+", t.text) \
                and all(x.kind in _MATHS for x in inner) and not re.fullmatch(r"[a-z]{1,2}", _join(inner)):
            out.append(_Tok("id", t.text, t.after, rf"\operatorname{{{t.text}}}"))
        elif t.kind == "word" and j:
            kind = "word" if re.fullmatch(r"[^\W\d_]{1,2}", _join(inner)) else "code"
            out.append(_Tok(kind, _join(toks[i:j + 1]), t.after))
            i = j + 1
            continue
        else:
            out.append(t)
        i += 1
    return out


def _join(toks: list[_Tok]) -> str:
    return "".join(t.text for t in toks)


def _text(t: _Tok) -> str:
    """One token as text: a relation as its maths symbol, a long or scientific number in `number_text` style,
    a code name (risk_mean) in typewriter type."""
    if t.kind == "op" and t.text in RELATIONS and t.text not in ("=", "<", ">", "~"):
        return f"${RELATIONS[t.text]}$"
    if t.kind == "num" and _odd_number(t.text):
        return number_text(float(t.text))
    if t.kind == "code" or t.kind in ("word", "id") and "_" in t.text:
        return tt(t.text)
    if t.kind == "url":
        return escape_text(t.text).replace("/", r"/\allowbreak{}")
    return escape_text(t.text)


def _odd_number(text: str) -> bool:
    """A number not to print as written: in scientific notation or with more than 6 decimals (float noise)."""
    return bool(re.search(r"[eE]|\.\d{7}", text))


def _run_latex(run: list[_Tok]) -> str:
    """A run of maths-like tokens: unmatched brackets and commas outside brackets (except in a list of names,
    `p, f > 0`) split it; each piece is maths when it carries a signal, else text."""
    pairs, depth, pieces, cur = _match(run), 0, [], []
    for i, t in enumerate(run):
        if t.kind in ("open", "close") and i not in pairs:
            pieces += [cur, [t]]
            cur = []
            continue
        depth += (t.kind == "open") - (t.kind == "close")
        if t.kind == "comma" and depth == 0 and not _name_list(run, i):
            pieces += [cur, [t]]
            cur = []
            continue
        cur.append(t)
    return "".join(_piece_latex(p) for p in pieces + [cur])


def _name_list(run, i) -> bool:
    """Whether the comma at `i` is in a list of plain names that an inequality follows (p, f > 0; u, v >= 0),
    none of them the article a."""
    rest = [t for t in run[i + 1:] if t.kind != "ws"]
    before = [t for t in run[:i] if t.kind != "ws"][-2:]
    names = before[-1:] + rest[:1]
    return len(rest) > 1 and (len(before) < 2 or before[0].kind == "comma") and len(names) == 2 \
        and rest[1].text in ("<", ">", "<=", ">=", "!=", "≤", "≥", "≠") \
        and all(t.kind == "id" and "_" not in t.text and not t.tex and t.text not in ("a", "A", "I") for t in names)


def _piece_latex(p: list[_Tok]) -> str:
    """A balanced piece: its ends trimmed of spaces, dangling operators and the article a; brackets around all
    of it stay text; the rest is maths if it carries a signal."""
    if not p:
        return ""
    if len(p) == 1 and p[0].kind in ("open", "close", "comma"):
        return _text(p[0])
    i, j = 0, len(p)
    while i < j and (p[i].kind in ("ws", "comma") or p[i].kind == "op" and not _sign(p, i) and not _bar(p, i, 1)
                     or (p[i].kind == "num" and p[i + 2:i + 3] and p[i + 2].kind == "open"  # Table 1 (k = 2)
                         or p[i].text == "a" and p[i + 2:i + 3] and _operand(p[i + 2]))  # a $10^{12}$ factor
                     and p[i + 1].kind == "ws" and not _relation_at_top(p)):
        i += 1
    while j > i and (p[j - 1].kind in ("ws", "comma")
                     or p[j - 1].kind == "op" and not _star(p, j - 1) and p[j - 1].text != "'"
                     and not _bar(p, j - 1, -1)):
        j -= 1
    head, body, tail = p[:i], p[i:j], p[j:]
    pairs = _match(body)
    if body and body[0].kind == "open" and pairs.get(0) == len(body) - 1:
        inner = _run_latex(body[1:-1])
        core = _text(body[0]) + inner + _text(body[-1])
    elif len(body) == 1 and body[0].kind == "num":
        core = _text(body[0])
    elif body and _is_math(body):
        core = "$" + _math(body) + "$"
    else:
        core = "".join(_text(t) for t in body)
    return "".join(_text(t) for t in head) + core + "".join(_text(t) for t in tail)


def _sign(p, i) -> bool:
    """Whether the operator at `i` is a sign (-0.5, -(s + 1)), not a hyphen (Hölder-s) nor a binary operator:
    - or + glued to the operand after it and not to a word, a number or a bracket before it."""
    return p[i].text in ("-", "+") and i + 1 < len(p) and _operand(p[i + 1]) and p[i + 1].glued \
        and (p[i - 1].kind in ("ws", "open", "op") if i else p[i].after not in ("word", "id", "num", "close"))


def _relation_at_top(p) -> bool:
    """Whether a relation stands outside all brackets of `p` (a formula, not a phrase that holds one)."""
    depth = 0
    for t in p:
        depth += (t.kind == "open") - (t.kind == "close")
        if depth == 0 and t.kind == "op" and t.text in RELATIONS:
            return True
    return False


def _bar(p, i, side: int) -> bool:
    """Whether | at `i` is an absolute-value bar glued to an operand on its inner `side` (+1 after, -1 before)."""
    k = i + side if side > 0 else i
    return p[i].text == "|" and 0 <= i + side < len(p) and _operand(p[i + side]) and p[k].glued


def _star(p, i) -> bool:
    """Whether `*` at `i` is a star on the name before it (p*, n*(eps)), not a product."""
    return p[i].text == "*" and p[i].glued and i > 0 and p[i - 1].kind == "id" \
        and (i + 1 == len(p) or p[i + 1].kind not in ("id", "num"))


def _is_math(body: list[_Tok]) -> bool:
    """Whether a piece carries a maths signal: a script, a relation, ± or →, a Greek name, infinity, a function
    applied (log(x), log n), a star, a sign, a number in scientific notation, or an operator in an expression with
    names."""
    names = any(t.kind == "id" and t.text not in FUNCTIONS for t in body)
    for i, t in enumerate(body):
        nxt = body[i + 1] if i + 1 < len(body) else None
        if t.kind == "op" and (t.text in ("^", "_", "**") or t.text in RELATIONS or _star(body, i)
                               or t.text in ("+", "-", "*", "/") and names):
            return True
        if t.kind == "id" and ("_" in t.text or t.text.rstrip("0123456789") in GREEK and t.text[0].islower()
                               or t.text in ("inf", "infinity")
                               or nxt is not None and nxt.kind == "open" and nxt.glued
                               and (t.text in FUNCTIONS or len(t.text) == 1 or t.tex)):
            return True
        if t.kind == "num" and _odd_number(t.text):
            return True
        if t.text in FUNCTIONS and i + 2 < len(body) and body[i + 1].kind == "ws" and body[i + 2].kind == "id" \
                and (len(body[i + 2].text) == 1 or body[i + 2].text in GREEK):
            return True  # log n, det A
    return _sign(body, 0)


def _math(toks: list[_Tok]) -> str:
    """Maths tokens as LaTeX maths: scripts ^x, ^-1 and ^(...) as ^{...} (a bracketed group under a script loses
    its brackets), names (`_math_name`), sqrt(x) as \\sqrt{x}, relations and operators as symbols; a second script
    of one kind on one base braces the base first, so the result always compiles."""
    pairs = _match(toks)
    atoms: list[list] = []  # [tex, has ^, has _]
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "op" and (t.text in ("^", "**", "_") or _star(toks, i)):
            kind = "_" if t.text == "_" else "^"
            if _star(toks, i):
                arg, i = "*", i + 1
            else:
                arg, i = _script(toks, i + 1, pairs)
            base = atoms[-1] if atoms and atoms[-1][0].strip() else None
            if base is None:
                atoms.append(["{}", False, False])
                base = atoms[-1]
            slot = 1 if kind == "^" else 2
            if base[slot]:
                base[:] = ["{" + base[0] + "}", False, False]
            base[0] += f"{kind}{{{arg}}}"
            base[slot] = True
            continue
        if t.kind == "open" and i in pairs:
            j = pairs[i]
            inner = _math(toks[i + 1:j])
            if t.text == "{":
                tex = r"\{" + inner + r"\}"
            elif toks[i - 1:i] and toks[i - 1].text == "sqrt" and t.glued:
                atoms[-1][0] = r"\sqrt{" + inner + "}"
                i = j + 1
                continue
            elif j + 1 < len(toks) and toks[j + 1].text in ("^", "**"):
                tex = rf"\left{t.text}{inner}\right{toks[j].text}"
            else:
                tex = t.text + inner + toks[j].text
            atoms.append([tex, False, False])
            i = j + 1
            continue
        if t.text == "'" and atoms and atoms[-1][0].strip():  # a prime is a superscript: x^{2}' is {x^{2}}'
            base = atoms[-1]
            if base[1] and not base[0].endswith("'"):  # primes in a row are one superscript: l''
                base[:] = ["{" + base[0] + "}", False, False]
            base[0] += "'"
            base[1] = True
            i += 1
            continue
        tex = _math_token(t)
        if t.kind == "num" and "^" in tex and i + 1 < len(toks) and toks[i + 1].text in ("^", "**"):
            tex = rf"\left({tex}\right)"  # 1e5^2: (10^{5})^{2}, not a double superscript
        atoms.append([tex, False, t.kind == "id" and "_" in t.text])
        i += 1
    return re.sub(r"(\\[A-Za-z]+) (?=[\^_'}\])/,(\[|])|( ) +", r"\1\2", "".join(a[0] for a in atoms)).strip()


def _script(toks, k, pairs) -> tuple[str, int]:
    """The argument of a script starting at `k` and the index after it: a bracketed group (without its round
    brackets), a sign and an operand, or one operand; `\\wedge`-free, an empty script when there is none."""
    sign = ""
    if k < len(toks) and toks[k].text in "-+" and k + 1 < len(toks) and _operand(toks[k + 1]):
        sign, k = toks[k].text, k + 1
    if not sign and k < len(toks) and toks[k].text in ("+", "-", "*"):
        return toks[k].text, k + 1  # X^+, A^*
    if k >= len(toks) or not _operand(toks[k]) or toks[k].kind == "close":
        return sign, k
    t = toks[k]
    if t.kind == "open" and k in pairs:
        inner = _math(toks[k + 1:pairs[k]])
        keep = sign or t.text == "["
        return sign + (t.text + inner + toks[pairs[k]].text if keep and t.text != "{" else inner), pairs[k] + 1
    tex = _math_token(t).strip()
    if t.text in FUNCTIONS and k + 1 < len(toks) and toks[k + 1].kind == "open" and k + 1 in pairs:
        end = pairs[k + 1] + 1
        return sign + _math(toks[k:end]), end
    return sign + tex, k + 1


def _math_token(t: _Tok) -> str:
    """One token in maths: a name, a number in `number_text` style when odd, an operator as its symbol."""
    if t.kind == "ws":
        return " "
    if t.kind == "id":
        return t.tex or (r"\surd " if t.text == "sqrt" else _math_name(t.text) or t.text)
    if t.kind == "num":
        return number_math(float(t.text)) if _odd_number(t.text) else t.text
    if t.text in RELATIONS:
        return f" {RELATIONS[t.text]} "
    if t.text == "*":
        return r" \cdot "
    if t.kind in ("open", "close"):
        return {"{": r"\{", "}": r"\}"}.get(t.text, t.text)
    if t.kind == "comma":
        return ","
    return t.text if t.text in ("+", "-", "/", "|", "'") else escape_text(t.text)


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
    """`Provenance.label()` as LaTeX text: the citation as names, the rest as prose (a classical source may write
    maths); with `cite`, the citation carries `\\blcite{key}{citation}` (a \\cite of the report's references.bib)
    when the source has a BibTeX entry."""
    label, citation = provenance.label(), provenance.citation
    before, found, after = label.partition(citation)
    names = escape_text(citation) if provenance.bibtex() else text_latex(citation)  # a textbook fact may hold maths
    if found and cite and provenance.bibtex():
        names = rf"\blcite{{{provenance.cite_key()}}}{{{names}}}"
    tex = text_latex(before) + names + text_latex(after) if found else text_latex(label)
    return tex.replace("arXiv:", r"arXiv:\allowbreak{}")  # a long id may end a line


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
    """A derivation as a `blderivation` block (`blwrong` when it is registered as wrong): hypotheses, then an align* chain with one line per step, each
    with its hint and, when `verdicts` (one per step) are given, a status mark. `omit` and `cite` as for
    `claim_latex`; `narrow` (a two-column paper) numbers the steps and lists their hints below the chain; `legend`
    explains the marks (a report does it once)."""
    names = {p.symbol: p.latex for p in derivation.params}
    env = "blwrong" if derivation.expect == "VIOLATED" else "blderivation"
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
        r"  \newtheorem{blwrong}[bltheorem]{Refuted derivation}",
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


def number_math(value, digits: int = 4) -> str:
    """`value` as maths (no $): an integer as it is, otherwise `digits` significant digits, in decimal between
    1e-3 and 1e5 and as m \\times 10^{e} beyond (10^{e} when m is 1); a negative number with a minus sign."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, int):
        return str(value)
    if value != value:
        raise ValueError("NaN has no text")
    if value in (float("inf"), float("-inf")):
        return ("-" if value < 0 else "") + r"\infty"
    if value == 0:
        return "0"
    exp = math.floor(math.log10(abs(value)))
    if -3 <= exp < 5:
        text = f"{value:.{max(digits - 1 - exp, 0)}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    mant = f"{value / 10 ** exp:.{digits - 1}f}".rstrip("0").rstrip(".")
    if mant in ("10", "-10"):  # rounding carried into the next power
        mant, exp = mant[:-1], exp + 1
    return mant.replace("1", "") + f"10^{{{exp}}}" if mant in ("1", "-1") else mant + rf"\times 10^{{{exp}}}"


def values_latex(value, digits: int = 4, items: int = 4) -> str:
    """A JSON value (a grid point, a counterexample) for running text, briefly: a mapping as ``$n = 3$,
    $\varepsilon = 0.1$`` (a key that is no maths name in typewriter type), numbers as `number_math` says, a list
    as its first `items` entries and its length. Short on purpose: the full record is in the JSON."""
    def math(v) -> str:
        if isinstance(v, bool) or v is None:
            return rf"\text{{{str(v).lower()}}}"
        if isinstance(v, (int, float)):
            return number_math(v, digits) if v == v else r"\mathrm{NaN}"
        if isinstance(v, str) and v in ("inf", "-inf", "nan"):
            return {"inf": r"\infty", "-inf": r"-\infty", "nan": r"\mathrm{NaN}"}[v]
        if isinstance(v, (list, tuple)):
            more = [rf"\ldots\text{{ ({len(v)} entries)}}"] if len(v) > items else []
            return "(" + ", ".join([math(x) for x in v[:items]] + more) + ")"
        if isinstance(v, dict):
            return r"\{" + ", ".join(rf"\text{{{pair(k, x)}}}" for k, x in v.items()) + r"\}"
        return r"\text{" + text_latex(str(v)) + "}"

    def pair(k, v) -> str:
        name = _math_name(k) if re.fullmatch(r"[A-Za-z]\w*", str(k)) else None
        return f"${name.strip()} = {math(v)}$" if name else f"{tt(str(k))} $= {math(v)}$"

    if isinstance(value, dict):
        return ", ".join(pair(k, v) for k, v in value.items())
    return f"${math(value)}$"


def number_text(value, digits: int = 4) -> str:
    """`value` for running text, as `number_math` says; in \\ensuremath (so it works in text and in maths) when
    it has a minus sign or a power of ten."""
    tex = number_math(value, digits)
    return tex if re.fullmatch(r"[\d.]+", tex) else r"\ensuremath{" + tex + "}"


def level_tex(level: float, digits: int = 4) -> str:
    """A confidence level for running text, always in one form: 1 - 10^{-6}, 1 - 2.5\\times 10^{-7} (what is
    missing to 1, in `number_math` style), or a decimal such as 0.95 when what is missing is 0.001 or more."""
    miss = float(f"{1 - level:.{digits}g}")
    if miss >= 1e-3 or miss <= 0:
        return number_text(float(level), digits)
    return r"\ensuremath{1 - " + number_math(miss, digits) + "}"
