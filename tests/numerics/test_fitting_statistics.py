"""numerics.fitting over 50 seeds each (a file of its own, so that pytest-xdist runs it beside the rest): bootstrap
coverage of the H-main parameters, and cross-validated selection of the generating law among H-main, H-add, H-Chin.
The truth is the generating parameter vector of the simulated data (test_fitting.simulate)."""
import time

import pytest

from numerics.fitting import compile_law, fit_law, select_model
from test_fitting import EXPRS, H_MAIN, INPUTS, PARAMS, TRUTH, simulate


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


@pytest.mark.slow
def test_model_selection_picks_generating_form():
    """H-add and H-Chin are the same family of functions (G + E is one constant): a tie between them goes to the
    smaller H-Chin, so data from H-add count as correctly classified when H-add or H-Chin is chosen."""
    seeds = 50
    cands = {name: (EXPRS[name], PARAMS[name]) for name in EXPRS}
    ok = {}
    t0 = time.perf_counter()
    for form in EXPRS:
        good = {"H-add", "H-Chin"} if form in ("H-add", "H-Chin") else {form}
        chosen = []
        for s in range(seeds):
            X, y = simulate(form, 2000 + s)
            sel = select_model(cands, INPUTS, X, y, folds=3, seed=s, starts=3, fold_starts=0)
            chosen.append(sel.chosen)
        ok[form] = sum(c in good for c in chosen) / seeds
        print(form, {c: chosen.count(c) for c in set(chosen)})
    print(f"selection rates {ok} ({time.perf_counter() - t0:.1f} s)")
    assert all(r >= 0.90 for r in ok.values()), ok
