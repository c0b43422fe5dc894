"""Rate claims with the slips the caulking issue names, as a user would write them in a --file module: each must be
VIOLATED."""
from boundlab import Claim
from boundlab.theory.catalogue.caulking2026 import (D, DERIVED, EPS, INF, SIZES, alpha_w, beta, caulking_rate, eps, err, n,
                                           nstar)

ambient_dimension = Claim(
    id="wrong.ambient_dimension", title="Caulking rate with the ambient dimension in place of the adapter's (wrong)",
    lhs="err", rel="=", rhs="-2*alpha*beta/(2*alpha*beta + D)", statistic="rate", over=("n", SIZES),
    params=(alpha_w, beta, D, n), quantities=(err,), grid=({"alpha": 0.5, "beta": 1, "D": 3, "m": INF},),
    scenario="caulking", samples=16, provenance=DERIVED)

exponent_not_inverted = Claim(
    id="wrong.exponent_not_inverted", title="Sample complexity with the rate exponent not inverted (wrong)",
    lhs="nstar", rel="=", rhs="-2*alpha*beta/(2*alpha*beta + 1)", statistic="rate", over=("eps", EPS),
    params=(alpha_w, beta, eps), quantities=(nstar,), grid=({"alpha": 0.5, "beta": 1, "m": INF},),
    scenario="caulking", samples=16, resolution=0.15, provenance=DERIVED)

no_floor_rate = Claim(
    id="wrong.no_floor_rate", title="The caulking rate claimed after a poor pre-training, ignoring the floor (wrong)",
    lhs="err", rel="<=", rhs="-2*alpha*beta/(2*alpha*beta + 1)", statistic="rate", over=("n", SIZES),
    params=(alpha_w, beta, n), quantities=(err,), grid=({"alpha": 0.5, "beta": 1, "m": 20},),
    scenario="caulking", samples=16, provenance=DERIVED)
