"""The slip of issue 5, as a user would write it in a --file module: the gap-free budget shares alpha/(alpha + beta)
and beta/(alpha + beta) claimed optimal when there is a transfer gap G > 0. Must be VIOLATED."""
from boundlab import Claim
from boundlab.theory.catalogue.barnett2024 import DERIVED, A, B, G_pos, a, b, c_f, c_p

fixed_shares_with_gap = Claim(
    id="wrong.fixed_shares_with_gap", title="Fixed budget shares with a transfer gap (wrong)",
    doc="The first-order condition alpha A c_f f = beta c_p p (A + G p^alpha) at the gap-free shares.",
    lhs="a*A*c_f*(b*B/((a + b)*c_f))", rel="=",
    rhs="b*c_p*(a*B/((a + b)*c_p))*(A + G*(a*B/((a + b)*c_p))**a)",
    params=(A, G_pos, a, b, c_p, c_f, B), provenance=DERIVED)
