"""A slip in the fine-tuned deep linear network (our study notes on Shachaf et al. (2021), D1), as a user would write it in a
--file module: the null-space coefficient a = (|beta| / |theta_S|)^((N-1)/N) with the exponent 1/N instead. The two
agree at N = 2 only; at N = 3 and 5, real gradient descent on the layers refutes it (VIOLATED)."""
from boundlab import Claim, Provenance
from boundlab.theory.catalogue.shachaf2021_deep_linear import N, coef, norm_ratio

wrong_exponent = Claim(
    id="wrong.deep_null_coefficient_exponent",
    title="Null-space coefficient with exponent 1/N (wrong)",
    doc="D1 with the exponent (N-1)/N replaced by 1/N.",
    lhs="coef", rel="=", rhs="norm_ratio**(1/N)", statistic="as", samples=48, tol=0.01,
    params=(N,), quantities=(coef, norm_ratio), scenario="deep_linear",
    provenance=Provenance("derived", "shachaf2021", "Shachaf, Brutzkus and Globerson (2021)", arxiv="2107.01641",
                          note="a deliberate slip in our study notes on Shachaf et al. (2021), D1"),
    grid=({"d": 30, "n": 6, "N": 3, "alpha": 2.0, "e": 0.3}, {"d": 30, "n": 6, "N": 5, "alpha": 0.5, "e": 0.3}),
)
