"""boundlab.numerics.fitting over 50 seeds each (a file of its own, so that pytest-xdist runs it beside the rest): bootstrap
coverage of the H-main parameters (model selection: test_fitting_selection.py).
The truth is the generating parameter vector of the simulated data (test_fitting.simulate)."""
import time

import pytest

from boundlab.numerics.fitting import compile_law, fit_law
from test_fitting import H_MAIN, INPUTS, PARAMS, TRUTH, simulate


@pytest.mark.slow
def test_bootstrap_coverage_h_main():
    """Over 50 seeds, each parameter's 95% percentile bootstrap interval contains the truth in >= 90% of seeds."""
    law = compile_law(H_MAIN, PARAMS["H-main"], INPUTS)
    seeds = 50
    hits = {k: 0 for k in TRUTH["H-main"]}
    t0 = time.perf_counter()
    for s in range(seeds):
        X, y = simulate("H-main", 1000 + s)
        fit = fit_law(law, X=X, y=y, starts=5, seed=s, bootstrap=100)
        assert fit.intervals is not None and fit.bootstrap_failures <= 10, fit.diagnostics
        for k, v in TRUTH["H-main"].items():
            lo, hi = fit.intervals[k]
            hits[k] += lo <= v <= hi
    rates = {k: h / seeds for k, h in hits.items()}
    print(f"coverage over {seeds} seeds: {rates} ({time.perf_counter() - t0:.1f} s)")
    assert all(r >= 0.90 for r in rates.values()), rates
