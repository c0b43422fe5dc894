"""boundlab.theory.latex: paper-order printing, honest provenance, escaping, and documents that pdflatex compiles cleanly."""
import re

import pytest

from boundlab.theory import POSITIVE, SIZE, UNIT_OPEN, Claim, Param, Provenance, Quantity
from boundlab.theory.latex import claim_latex, escape_text, formula_latex, standalone, statement_latex, tex_names, text_latex

d = Param("d", SIZE, description="dimension")
n = Param("n", SIZE, description="number of fine-tuning samples")
sigma = Param("sigma", POSITIVE, tex=r"\sigma")
Delta = Param("Delta", POSITIVE, tex=r"\|\Delta\|")
l1 = Param("l1", POSITIVE, tex=r"\lambda_1")
l2 = Param("l2", POSITIVE, tex=r"\lambda_2")
delta = Param("delta", UNIT_OPEN, tex=r"\delta")
L = Quantity("L", r"L(\hat\theta)", "the population risk of the fine-tuned weights")
R = Quantity("R", r"R", "the squared residual norm, a random variable")

DERIVED = Provenance("derived", "shachaf2021", "Shachaf, Brutzkus and Globerson (2021)", arxiv="2107.01641")
RECON = Provenance("reconstructed", "shachaf2021", "Shachaf, Brutzkus and Globerson (2021)", arxiv="2107.01641")
CLASSICAL = Provenance("classical", "textbook", "Wishart & Bartlett (1933)")
STATED = Provenance("stated", "shachaf2021", "Shachaf, Brutzkus and Globerson (2021)", arxiv="2107.01641",
                    theorem="Theorem 3")
EMPIRICAL = dict(params=(d, n, sigma, Delta), quantities=(L,), scenario="linear_finetune", grid=({"d": 50, "n": 10},))

CLAIMS = {
    "value": Claim(id="demo.value", title="Geometric mean bound", lhs="sqrt(l1*l2)/2*Delta**2", rel="<=",
                   rhs="(l1 + l2)/4*Delta**2", provenance=CLASSICAL, params=(l1, l2, Delta)),
    "mean": Claim(id="demo.mean", title="Mean risk", lhs="L", rel="=", rhs="(1 - n/d)*sigma**2*Delta**2",
                  provenance=DERIVED, hypotheses=("n < d",), statistic="mean", **EMPIRICAL),
    "var": Claim(id="demo.var", title="Variance of the risk", lhs="L", rel="<=",
                 rhs="2*n*(d - n)/(d**2*(d + 2))*sigma**4*Delta**4", provenance=RECON, hypotheses=("n < d",),
                 statistic="var", **EMPIRICAL),
    "as": Claim(id="demo.as", title="Risk never exceeds the prior risk", lhs="L", rel="<=",
                rhs="sigma**2*Delta**2", provenance=STATED, statistic="as", **EMPIRICAL),
    "prob": Claim(id="demo.prob", title="High-probability risk", lhs="L/(sigma**2*Delta**2)", rel="<=",
                  rhs="BetaQuantile(1 - delta, (d-n)/2, n/2)", prob="1 - delta", provenance=DERIVED,
                  params=(d, n, sigma, Delta, delta), quantities=(L,), hypotheses=("n < d",), statistic="prob",
                  scenario="linear_finetune", grid=({"d": 50, "n": 10, "delta": 0.1},)),
    "dist": Claim(id="demo.dist", title="Law of the normalised risk", lhs="L/(sigma**2*Delta**2)", rel="~",
                  rhs="Beta((d-n)/2, n/2)", provenance=RECON, hypotheses=("n < d",), statistic="dist",
                  **EMPIRICAL),
    "violated": Claim(id="demo.too_good", title="A bound that is too good", lhs="L", rel="<=",
                      rhs="(1 - n/d)**2*sigma**2*Delta**2", provenance=DERIVED, hypotheses=("n < d",),
                      statistic="mean", expect="VIOLATED", **EMPIRICAL),
    "special": Claim(id="demo.special_chars", title="Risk_ratio at 100% & more: {x} ~ #1 ^ $5 \\ end",
                     lhs="L", rel=">=", rhs="0", provenance=DERIVED, statistic="mean", **EMPIRICAL),
    "long": Claim(id="demo.long", title="A long statement", lhs="R", rel="<=",
                  rhs="sigma**2*n/d + sigma**2*Delta**2*(1 - n/d) + 2*sigma*Delta*sqrt(n/d) + l1*l2/(d - n - 1)"
                      " + l1**2*n**2/d**2 + l2**2*(d - n)**2/d**2 + sqrt(l1*l2)*log(d/n)",
                  prob="1 - delta", provenance=DERIVED, params=(d, n, sigma, Delta, l1, l2, delta),
                  quantities=(R,), hypotheses=("n + 1 < d",), statistic="prob", scenario="linear_finetune",
                  grid=({"d": 50, "n": 10},)),
}


def note(tex: str) -> str:
    """The optional argument (the provenance line) of the claim environment."""
    return re.search(r"\\begin\{bl(?:theorem|false)\}\[\{(.*?)\}\]", tex).group(1)


@pytest.mark.parametrize("key", sorted(CLAIMS))
def test_each_claim_compiles(key, pdflatex):
    pdflatex(standalone([CLAIMS[key]]))


def test_all_claims_in_one_document(pdflatex):
    log = pdflatex(standalone(list(CLAIMS.values())))
    assert "undefined" not in log.lower()


def test_paper_order_is_kept():
    c = CLAIMS["mean"]
    rhs = formula_latex(c.right, tex_names(c))
    assert "1 - \\frac{n}{d}" in rhs and rhs.index("1 - \\frac{n}{d}") < rhs.index("\\sigma^{2}")
    assert rhs.index("\\sigma^{2}") < rhs.index("\\|\\Delta\\|^{2}")
    lhs = formula_latex(CLAIMS["value"].left, tex_names(CLAIMS["value"]))
    assert lhs == r"\frac{\sqrt{\lambda_1 \lambda_2}}{2} \|\Delta\|^{2}"


@pytest.mark.parametrize("source, expected", [
    ("n*d**(-1)", r"\frac{n}{d}"),
    ("-1*n", "- n"),
    ("1 - 1/d", r"1 - \frac{1}{d}"),
    ("-n/d + 1", r"- \frac{n}{d} + 1"),
    ("n - (-d)", "n + d"),
    ("n*3", r"n \cdot 3"),
    ("exp(-n/d)", r"e^{- \frac{n}{d}}"),
    ("2*n/(3*d)", r"\frac{2 n}{3 d}"),
    ("n/d*sigma", r"\frac{n}{d} \sigma"),
    ("d - n - 1", "d - n - 1"),
])
def test_unevaluated_printing_is_clean(source, expected):
    c = Claim(id="t.t", title="t", lhs=source, rel="=", rhs="0", provenance=DERIVED, params=(d, n, sigma))
    assert formula_latex(c.left, tex_names(c)) == expected


@pytest.mark.parametrize("source, expected", [
    ("n/d*(1 + n)", r"\frac{n}{d} \left(1 + n\right)"),  # was \frac{n}{d} 1 + n
    ("n/d*3", r"\frac{n}{d} \cdot 3"),  # was \frac{n}{d} 3
    ("diff(n/d*(1 + n), n)", r"\frac{\mathrm{d}}{\mathrm{d} n} \left(\frac{n}{d} \left(1 + n\right)\right)"),
    ("diff(-n*log(n), n)", r"\frac{\mathrm{d}}{\mathrm{d} n} \left(- n \log{\left(n \right)}\right)"),
    ("diff(n*sigma, n)*d", r"\left(\frac{\mathrm{d}}{\mathrm{d} n} \left(n \sigma\right)\right) d"),
    ("diff(n/d, n)", r"\frac{\mathrm{d}}{\mathrm{d} n} \frac{n}{d}"),
    ("log(n)**d", r"\left(\log{\left(n \right)}\right)^{d}"),  # was \log{\left(n \right)}^{d}
    ("LambertW(-1/n, -1)", r"\operatorname{W}_{-1}\left(- \frac{1}{n}\right)"),
    ("beta(sigma, n + 1)", r"\operatorname{B}\left(\sigma, n + 1\right)"),  # SymPy's printer gave (sigma, n + 1)
    ("limit(n/(n + 1), n, oo) + 1", r"\lim_{n \to \infty}\left(\frac{n}{n + 1}\right) + 1"),
    ("(-n)**(-1)", r"\frac{1}{- n}"),  # was \frac{1}{\left(-1\right) n}
    ("(n/d)**sigma", r"\left(\frac{n}{d}\right)^{\sigma}"),
    ("1/sigma/((-n)*d)", r"\frac{1}{\sigma \left(- n d\right)}"),  # was \frac{1}{\sigma - n d}
    ("sigma**0.5*0.5**sigma", r"\sigma^{0.5} \cdot {0.5}^{\sigma}"),  # was \sigma^{0.5} {0.5}^{\sigma}
])
def test_printing_keeps_the_grouping_of_the_formula(source, expected):
    c = Claim(id="t.t", title="t", lhs=source, rel="=", rhs="0", provenance=DERIVED, params=(d, n, sigma))
    assert formula_latex(c.left, tex_names(c)) == expected


def test_special_functions_and_distributions():
    prob, dist = CLAIMS["prob"], CLAIMS["dist"]
    assert r"q_{1 - \delta}\!\left(\mathrm{Beta}\left(\frac{d - n}{2}, \frac{n}{2}\right)\right)" in \
        statement_latex(prob)
    assert statement_latex(dist) == \
        r"\frac{L(\hat\theta)}{\sigma^{2} \|\Delta\|^{2}} \sim \mathrm{Beta}\left(\frac{d - n}{2}, \frac{n}{2}\right)"


def test_statement_by_statistic():
    assert statement_latex(CLAIMS["value"]).startswith(r"\frac{\sqrt{\lambda_1 \lambda_2}}{2} \|\Delta\|^{2} \le ")
    assert statement_latex(CLAIMS["mean"]).startswith(r"\mathbb{E}\left[L(\hat\theta)\right] = \left(1 - ")
    assert statement_latex(CLAIMS["var"]).startswith(r"\operatorname{Var}\left[L(\hat\theta)\right] \le ")
    assert statement_latex(CLAIMS["as"]).endswith(r"\le \sigma^{2} \|\Delta\|^{2} \quad\text{almost surely}")
    assert statement_latex(CLAIMS["prob"]).startswith(r"\Pr\left[\frac{L(\hat\theta)}")
    assert statement_latex(CLAIMS["prob"]).endswith(r"\right] \ge 1 - \delta")
    assert " \\ge 0" in statement_latex(CLAIMS["special"])


def test_provenance_is_printed_honestly():
    derived = claim_latex(CLAIMS["mean"])
    assert note(derived).startswith("Derived here") and "Theorem" not in note(derived)
    assert "Reconstructed from" in note(claim_latex(CLAIMS["var"]))
    assert "Theorem" not in claim_latex(CLAIMS["var"])
    assert note(claim_latex(CLAIMS["value"])) == r"Classical result (Wishart \& Bartlett (1933))"
    assert note(claim_latex(CLAIMS["as"])).startswith("Theorem 3 of Shachaf")
    for key in ("value", "mean", "var", "as", "prob", "dist"):
        assert note(claim_latex(CLAIMS[key])).replace(r"\allowbreak{}", "") == escape_text(CLAIMS[key].provenance.label())
    cited = claim_latex(CLAIMS["var"], cite=True)  # a report cites the source where the label names it
    assert r"\blcite{shachaf2021}{Shachaf, Brutzkus and Globerson (2021)}" in note(cited)
    assert r"\blcite{wishart1933}{Wishart \& Bartlett (1933)}" in note(claim_latex(CLAIMS["value"], cite=True))


def test_refuted_claim_is_not_a_theorem():
    tex = claim_latex(CLAIMS["violated"])
    assert tex.startswith(r"\begin{blfalse}") and tex.rstrip().endswith(r"\end{blfalse}")
    assert "bltheorem" not in tex
    assert r"\begin{bltheorem}" in claim_latex(CLAIMS["mean"])


def test_claim_block_contents():
    tex = claim_latex(CLAIMS["mean"]).replace(r"\allowbreak{}", "")
    assert r"\label{claim:demo:mean}" in tex and r"\texttt{demo.mean}" in tex
    assert r"\textbf{Mean risk.}" in tex
    assert r"\item $d \in \{1, 2, \dots\}$ (dimension)" in tex and r"\item $n < d$" in tex
    assert r"\texttt{linear\_finetune}" in tex and "population risk of the fine-tuned weights" in tex
    assert "\\texttt{demo.\\allowbreak{}value}" in claim_latex(CLAIMS["value"])
    assert "scenario" not in claim_latex(CLAIMS["value"])  # analytic: nothing is measured


def test_long_statement_is_broken():
    tex = claim_latex(CLAIMS["long"])
    assert r"\bldisplay{" in tex and r"\Pr\Bigl[" in tex and r"\Bigr] \ge 1 - \delta" in tex  # TeX picks the form
    assert r"\bldisplay{" not in claim_latex(CLAIMS["mean"])


def test_escape_text():
    assert escape_text("a_b 100% & $x$ #1 {y} ~ ^ \\") == \
        r"a\_b 100\% \& \$x\$ \#1 \{y\} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    tex = claim_latex(CLAIMS["special"])
    assert r"\textbf{\texttt{Risk\_\allowbreak{}ratio} at 100\% \& more: \{x\} \textasciitilde{} \#1" in tex
    assert r"\texttt{demo.\allowbreak{}special\_\allowbreak{}chars}" in tex and r"\label{claim:demo:special_chars}" in tex


def test_standalone_preamble():
    doc = standalone([CLAIMS["mean"]])
    assert doc.startswith(r"\documentclass{article}") and doc.rstrip().endswith(r"\end{document}")
    for package in ("amsmath", "amssymb", "amsthm", "booktabs", "[T1]{fontenc}", "lmodern", "geometry"):
        assert package in doc


def test_text_with_inline_math():
    assert text_latex(r"scale, $\Sigma = \sigma^2 I$ & more_x") == \
        r"scale, $\Sigma = \sigma^2 I$ \& \texttt{more\_\allowbreak{}x}"  # a code name in typewriter type
    assert text_latex("costs $5") == r"costs \$5"  # an unpaired $ is text


def test_macro_names_are_letters_only_and_keep_ids_apart():
    from boundlab.theory.latex import macro_name

    names = [macro_name(i, "WorstCase") for i in ("shachaf2021.worst_ratio", "shachaf2021.worst_risk",
                                                   "shachaf2012.worst_ratio", "wu2022.worst_ratio")]
    assert names[0] == "blShachafTwoZeroTwoOneWorstRatioWorstCase"
    assert all(re.fullmatch(r"bl[A-Za-z]+", n) for n in names) and len(set(names)) == len(names)


@pytest.mark.parametrize("value, text", [(3.98813549, "3.988"), (0.0392253, "0.03923"), (7, "7"), (0.0, "0"),
                                         (-2.159048, r"\ensuremath{-2.159}"), (34142.51, "34143"), (0.99996, "1"),
                                         (1.2346e-4, r"\ensuremath{1.235\times 10^{-4}}"),
                                         (-6.02e23, r"\ensuremath{-6.02\times 10^{23}}"),
                                         (9.99996e-7, r"\ensuremath{10^{-6}}"),
                                         (float("inf"), r"\ensuremath{\infty}")])
def test_number_text_gives_four_significant_digits(value, text):
    from boundlab.theory.latex import number_text

    assert number_text(value) == text


def test_number_text_refuses_what_is_not_a_number():
    from boundlab.theory.latex import number_text

    for bad in (float("nan"), "3", None, True):
        with pytest.raises((TypeError, ValueError)):
            number_text(bad)
