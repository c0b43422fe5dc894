"""Scaling-law forms for transfer, written once: the catalogue's claims state them, the `transfer_curves`
scenario simulates them (its "law" kind), and `boundlab.numerics.fitting` fits and compares them.

The working hypothesis for Barnett (2024), reconstructed (the paper's exact form was not seen):

    L(p, f) = (A p^(-alpha) + G) f^(-beta) + E,     A > 0, G >= 0, E >= 0, alpha > 0, beta > 0,

and its alternatives as hypotheses to compare. H-add and H-Chin are one family of functions (G + E is one
constant); H-eff leaves its transferred-data term T(p) unspecified and is not encoded.
"""

L = "(A*p**(-a) + G)*f**(-b) + E"
FORMS = {"H-main": L, "H-add": "A*p**(-a) + B*f**(-b) + G + E", "H-Chin": "E + A*p**(-a) + B*f**(-b)"}
