"""boundlab.numerics.fitting over 50 seeds each (a file of its own, so that pytest-xdist runs it beside the rest): cross-
validated selection of the generating law among H-main, H-add, H-Chin (coverage: test_fitting_coverage.py).
The truth is the generating parameter vector of the simulated data (test_fitting.simulate)."""
import time

import pytest

from boundlab.numerics.fitting import select_model
from test_fitting import EXPRS, INPUTS, PARAMS, simulate


@pytest.mark.slow
def test_model_selection_picks_generating_form():
    """H-add and H-Chin are the same family of functions (G + E is one constant): a tie between them goes to the
    smaller H-Chin, so a choice of either counts as right for H-Chin data. Data drawn from H-add are the same
    functions again, so they are not simulated separately."""
    seeds = 50
    cands = {name: (EXPRS[name], PARAMS[name]) for name in EXPRS}
    ok = {}
    t0 = time.perf_counter()
    for form in ("H-main", "H-Chin"):
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
