"""Isik, Ponomareva, Hazimeh, Paparas, Vassilvitskii and Koyejo, "Scaling Laws for Downstream Task Performance in
Machine Translation", arXiv:2402.04177 (ICLR 2025).

The laws come from a figure caption quoted by a secondary review (our study notes on scaling laws for transfer,
section 4, [V2]): translation quality f(D_p) = (log(A D_p^alpha))^beta and downstream cross-entropy
L(D_p) = E + A/D_p^alpha, with D_p the pre-training data. The laws are `reconstructed`; their shape properties are
our derivations (`derived`). The log base is not stated; natural log is assumed.
"""
import math

from boundlab.theory import NONNEGATIVE, POSITIVE, Claim, Domain, Param, Provenance

PAPER = dict(paper="isik2024", citation="Isik et al. (2024)", arxiv="2402.04177",
             title="Scaling Laws for Downstream Task Performance of Large Language Models")
NOTE = "our study notes on scaling laws for transfer"
DERIVED = Provenance("derived", **PAPER, note=f"{NOTE}, section 4 (derived from the laws quoted there [V2])")

POS_LOG = Domain(0, math.inf, lo_open=True, hi_open=True, scale="log")

A = Param("A", POS_LOG, "A", "scale coefficient of the law")
a = Param("a", POSITIVE, r"\alpha", "exponent of the pre-training data")
b = Param("b", POSITIVE, r"\beta", "outer exponent of the quality law")
E = Param("E", NONNEGATIVE, "E", "irreducible cross-entropy")
D_p = Param("D_p", POS_LOG, "D_p", "pre-training data")

BLEU = "log(A*D_p**a)**b"
CE = "E + A/D_p**a"

quality_law_slope = Claim(
    id="isik2024.quality_law_slope",
    title="Slope of the quality law in log pre-training data",
    doc="Note section 4: d f / d log D_p = alpha beta (log A + alpha log D_p)^(beta - 1), where A D_p^alpha > 1.",
    lhs=f"D_p*diff({BLEU}, D_p)", rel="=", rhs="a*b*(log(A) + a*log(D_p))**(b - 1)", params=(A, a, b, D_p),
    hypotheses=("A*D_p**a > 1",), provenance=DERIVED,
)

quality_law_monotone = Claim(
    id="isik2024.quality_law_monotone",
    title="The quality law can only increase",
    doc="Note section 4: the law is strictly increasing in D_p where it is defined (A D_p^alpha > 1), so it "
        "cannot express the misaligned cases where BLEU falls as pre-training grows.",
    lhs=f"diff({BLEU}, D_p)", rel=">", rhs="0", params=(A, a, b, D_p), hypotheses=("A*D_p**a > 1",),
    provenance=DERIVED,
)

cross_entropy_decreasing = Claim(
    id="isik2024.cross_entropy_decreasing",
    title="The cross-entropy law decreases in the pre-training data",
    doc="Note section 4: dL/dD_p = -alpha A D_p^(-alpha - 1) < 0.",
    lhs=f"diff({CE}, D_p)", rel="<", rhs="0", params=(A, a, E, D_p), provenance=DERIVED,
)

cross_entropy_convex = Claim(
    id="isik2024.cross_entropy_convex",
    title="The cross-entropy law is convex in the pre-training data",
    doc="Note section 4: d^2L/dD_p^2 = alpha (alpha + 1) A D_p^(-alpha - 2) > 0.",
    lhs=f"diff({CE}, D_p, 2)", rel=">", rhs="0", params=(A, a, E, D_p), provenance=DERIVED,
)

CLAIMS = [quality_law_slope, quality_law_monotone, cross_entropy_decreasing, cross_entropy_convex]
DERIVATIONS = []
