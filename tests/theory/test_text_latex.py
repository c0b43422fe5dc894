"""theory/latex.py's text functions: researcher's prose with ASCII maths becomes LaTeX text with inline maths
(`text_latex`), numbers have one style (`number_text`, `level_tex`, `values_latex`), and whatever the input, the
output compiles (a property test, many strings to one pdflatex run)."""
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boundlab.theory.latex import escape_text, level_tex, number_text, preamble, text_latex, values_latex

EXAMPLES = [
    # maths in prose
    ("learning from scratch needs 10^12 samples", r"learning from scratch needs $10^{12}$ samples"),
    ("the rate n^0.283", r"the rate $n^{0.283}$"),
    ("(1 - 1/n)^n is at most 1/e", r"$\left(1 - 1/n\right)^{n}$ is at most $1/e$"),
    ("E[(X^T X)^-1] = Sigma^-1/(n - d - 1)", r"$E[\left(X^{T} X\right)^{-1}] = \Sigma^{-1}/(n - d - 1)$"),
    ("D_F^(1 - alpha) < k N^beta under the hypothesis", r"$D_{F}^{1 - \alpha} < k N^{\beta}$ under the hypothesis"),
    ("the points x_i and sigma_max", r"the points $x_{i}$ and $\sigma_{\max}$"),
    ("an error of O(d/n)", r"an error of $O(d/n)$"),
    ("a <= b, c >= d and x != y", r"$a \le b$, $c \ge d$ and $x \neq y$"),
    ("0.9 +- 0.1", r"$0.9 \pm 0.1$"),
    ("as p -> infinity", r"as $p \to \infty$"),
    ("sqrt(u + v) <= sqrt(u) + sqrt(v)", r"$\sqrt{u + v} \le \sqrt{u} + \sqrt{v}$"),
    ("log(1/delta) > 0 for delta in (0, 1)", r"$\log(1/\delta) > 0$ for $\delta$ in (0, 1)"),
    ("exp(-x^2/2)", r"$\exp(-x^{2}/2)$"),
    ("a sigmoid in log n, the log of the loss", r"a sigmoid in $\log n$, the log of the loss"),
    ("the level alpha and eps", r"the level $\alpha$ and $\varepsilon$"),
    ("X ~ N(0, sigma^2)", r"$X \sim N(0, \sigma^{2})$"),
    ("for p, f > 0", r"for $p, f > 0$"),
    ("the optimum p* = alpha B", r"the optimum $p^{*} = \alpha B$"),
    ("n*(eps) ~ eps^(-1/r)", r"$n^{*}(\varepsilon) \sim \varepsilon^{-1/r}$"),
    ("W_{-1}(-1/A) <= -1", r"$W_{-1}(-1/A) \le -1$"),
    ("(x^{1/r})^{-r} = 1/x", r"$\left(x^{1/r}\right)^{-r} = 1/x$"),
    ("P = X^+ X", r"$P = X^{+} X$"),
    ("|beta|^2 above zero", r"$|\beta|^{2}$ above zero"),
    ("the criterion l''(t) < 0", r"the criterion $l''(t) < 0$"),
    ("X ~ Beta(a, b)", r"$X \sim \operatorname{Beta}(a, b)$"),
    ("a slope of -0.5", r"a slope of $-0.5$"),
    ("with C1 = 2", r"with $C_{1} = 2$"),
    ("a 10^12 factor", r"a $10^{12}$ factor"),
    ("Table 1 (k = 19000, alpha = 0.18)", r"Table 1 ($k = 19000$, $\alpha = 0.18$)"),
    ("x^2^3", r"${x^{2}}^{3}$"),  # never a double superscript
    # numbers in prose: one style
    ("alpha = 1e-06", r"$\alpha = 10^{-6}$"),
    ("measured 0.30000000000000004 at 2.5e+03", "measured 0.3 at 2500"),
    ("a rate of 1e-8", r"a rate of \ensuremath{10^{-8}}"),
    # prose stays prose
    ("pre-trained two-layer networks", "pre-trained two-layer networks"),
    ("In a set, a Hölder-s ball", "In a set, a Hölder-s ball"),
    ("Theorem 3.1 of Stone (1982), arXiv 2103.01234", "Theorem 3.1 of Stone (1982), arXiv 2103.01234"),
    ("see https://arxiv.org/abs/2103.01234_v2",
     r"see https:/\allowbreak{}/\allowbreak{}arxiv.org/\allowbreak{}abs/\allowbreak{}2103.01234\_v2"),
    ("the log-log slope, items 3-4, a 1-Lipschitz head", "the log-log slope, items 3-4, a 1-Lipschitz head"),
    ("e.g. the paper's Figure 2(a)", "e.g. the paper's Figure 2(a)"),
    ("over 4 point(s), 1 test(s); point(s)", "over 4 points, 1 test; point(s)"),
    # code in typewriter type
    ("scenario transfer_curves", r"scenario \texttt{transfer\_\allowbreak{}curves}"),
    ("the claim classical.minnorm_risk", r"the claim \texttt{classical.\allowbreak{}minnorm\_\allowbreak{}risk}"),
    ("simplify(lhs - rhs) = 0", r"\texttt{simplify(lhs - rhs)} = 0"),
    # the author's inline maths is kept, and text is escaped
    (r"scale, $\Sigma = \sigma^2 I$ & more", r"scale, $\Sigma = \sigma^2 I$ \& more"),
    ("costs $5 & 100%", r"costs \$5 \& 100\%"),
    (r"a \command {x} # ~", r"a \textbackslash{}command \{x\} \# \textasciitilde{}"),
    ("two\n\nparagraphs", "two paragraphs"),
    ("a ≤ b in 😀", r"$a \le b$ in [U+1F600]"),
]


@pytest.mark.parametrize("text, tex", EXAMPLES)
def test_prose_becomes_text_with_inline_maths(text, tex):
    assert text_latex(text) == tex


@pytest.mark.parametrize("value, tex", [(-0.5, r"\ensuremath{-0.5}"), (-3, r"\ensuremath{-3}"),
                                        (1e-6, r"\ensuremath{10^{-6}}"), (-1e-6, r"\ensuremath{-10^{-6}}"),
                                        (2.5e-7, r"\ensuremath{2.5\times 10^{-7}}"), (0.283, "0.283"),
                                        (3.0000000000000004, "3"), (float("-inf"), r"\ensuremath{-\infty}")])
def test_a_negative_number_has_a_minus_sign_and_a_power_of_ten_no_mantissa_of_one(value, tex):
    assert number_text(value) == tex


@pytest.mark.parametrize("level, tex", [(1 - 1e-6, r"\ensuremath{1 - 10^{-6}}"),
                                        (1 - 2e-7, r"\ensuremath{1 - 2\times 10^{-7}}"),
                                        (1 - 1e-6 / 3, r"\ensuremath{1 - 3.333\times 10^{-7}}"), (0.95, "0.95"),
                                        (0.999, "0.999"), (1.0, "1")])
def test_a_confidence_level_is_written_one_way(level, tex):
    assert level_tex(level) == tex


def test_a_record_is_written_as_names_and_short_numbers():
    assert values_latex({"n": 3.0000000000000004, "eps": 0.1}) == r"$n = 3$, $\varepsilon = 0.1$"
    assert values_latex({"point_index": 2, "x": list(range(10)), "s": "inf"}) == \
        r"\texttt{point\_\allowbreak{}index} $= 2$, $x = (0, 1, 2, 3, \ldots\text{ (10 entries)})$, $s = \infty$"
    assert values_latex([1.23456789, -2]) == "$(1.235, -2)$"


# ---- whatever the input, the output compiles -----------------------------------------------------------------
MATHS_BITS = ["x", "n", "a", "A", " ", "  ", "^", "_", "(", ")", "[", "]", "{", "}", "+", "-", "*", "/", "=", "<", ">",
              "!", "|", "~", ",", ".", "'", "0", "12", "0.5", "1e-06", "3.0000000000000004", "alpha", "Sigma", "eps",
              "sqrt", "log", "exp", "E", "inf", "infinity", "**", "<=", "->", "+-", "!=", "$", "\\", "x_i", "D_F",
              "risk_mean", "point(s)", "word", "pre-trained", "Beta", "%", "#", "&", "\n", "ö", "≤", "α", "😀"]
# Text between two $ is the author's LaTeX, kept as written: the strings below hold at most one $ (an unpaired $ is
# text), or inline maths that is LaTeX.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).filter(lambda s: s.count("$") < 2)
MATHS_TEXT = st.lists(st.sampled_from(MATHS_BITS), max_size=25).map("".join).filter(lambda s: s.count("$") < 2)
INLINE = st.sampled_from([r"$x^{2}$", r"$\alpha + \beta$", "$n$", r"$\frac{1}{2}$"])
WITH_MATHS = st.tuples(MATHS_TEXT.map(lambda s: s.replace("$", "")), INLINE,
                       MATHS_TEXT.map(lambda s: s.replace("$", ""))).map("".join)


def _errors(outputs: list[str], tmp_path) -> str:
    """pdflatex's errors for a document setting each output as a paragraph, in bold, in an align* \\text and as
    a section title (a moving argument)."""
    blocks = [rf"{tex}\par\textbf{{{tex}}}\par\begin{{align*}} x && \text{{\small {tex}}}\end{{align*}}"
              rf"\subsection{{{tex}}}" for tex in outputs]
    blocks[0] = "\\tableofcontents\n" + blocks[0]
    source = "\\documentclass{article}\n" + preamble() + "\n\\begin{document}\n" + "\n\n".join(blocks) + \
        "\n\\end{document}\n"
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # a fresh folder: no .toc of an earlier example
    (folder / "doc.tex").write_text(source)
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=folder,
                         capture_output=True, text=True, errors="replace", timeout=120)
    return "" if run.returncode == 0 else run.stdout[-2000:]


needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")


@needs_pdflatex
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.data_too_large])
@given(st.lists(st.one_of(ANY_TEXT, MATHS_TEXT, WITH_MATHS), min_size=60, max_size=60))
def test_any_text_compiles(tmp_path, texts):
    outputs = [text_latex(t) for t in texts]
    assert all(re.sub(r"\\.", "", o).count("$") % 2 == 0 for o in outputs), texts
    assert not _errors(outputs, tmp_path), [t for t in texts]


def test_braces_always_balance_and_no_blank_line_ends_a_title():
    for t in ["{", "}", "x^{", "x_}", "(x^(", "a^^b", "x__y", "{}{}}{", "\n\n\n", "$}$", "$\n\n$"]:
        tex = text_latex(t)
        depth = 0
        for c in re.sub(r"\\.", "", tex):
            depth += (c == "{") - (c == "}")
            assert depth >= 0, (t, tex)
        assert depth == 0 and "\n\n" not in tex, (t, tex)


def test_escape_text_leaves_no_character_pdflatex_cannot_set():
    assert escape_text("a < b | c > d") == r"a \textless{} b \textbar{} c \textgreater{} d"
    assert escape_text("x\x00y") == "x[U+0000]y"
