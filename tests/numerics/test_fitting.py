"""Tests of boundlab.numerics.fitting: recovery on the H-main law, the selection ranking, clear FitErrors for bad input, and
the at-bound and identifiability diagnostics. Coverage and selection rates over 50 seeds are in
test_fitting_coverage.py and test_fitting_selection.py.

The laws are the forms of boundlab.theory.catalogue.barnett2024 (the hypotheses of papers/scaling_laws_transfer.md section 2.2);
the truth in each test is the generating parameter vector, and the data are drawn by the scenario transfer_curves
(kind "law": the law times lognormal noise).
"""
import time

import numpy as np
import pytest
import sympy as sp
import torch

from boundlab.numerics.fitting import FitError, LawParam, bootstrap, compile_law, fit_law, select_model
from boundlab.theory.laws import FORMS
from boundlab.verify.scenarios import get_scenario

A, a, G, b, E, B, p, f = sp.symbols("A alpha G beta E B p f")
INPUTS = [p, f]
# the forms of the catalogue, with the exponents named alpha and beta here
EXPRS = {name: sp.sympify(form, locals=dict(A=A, a=a, G=G, b=b, E=E, B=B, p=p, f=f)) for name, form in FORMS.items()}
H_MAIN, H_ADD, H_CHIN = EXPRS["H-main"], EXPRS["H-add"], EXPRS["H-Chin"]

P_A = LawParam("A", 1e-2, 1e6, log=True)
P_a = LawParam("alpha", 0.01, 1.5)
P_G = LawParam("G", 0.0, 100.0)
P_b = LawParam("beta", 0.01, 1.5)
P_E = LawParam("E", 0.0, 10.0)
P_B = LawParam("B", 1e-2, 1e6, log=True)
PARAMS = {"H-main": [P_A, P_a, P_G, P_b, P_E], "H-add": [P_A, P_a, P_B, P_b, P_G, P_E],
          "H-Chin": [P_A, P_a, P_B, P_b, P_E]}
# every term matters on the grid: A p^-alpha runs from ~16 to 1 around G = 5; the f-term runs from ~2 to 0.06 beside E
TRUTH = {"H-main": dict(A=1e3, alpha=0.3, G=5.0, beta=0.25, E=1.5),
         "H-add": dict(A=30.0, alpha=0.3, B=20.0, beta=0.25, G=0.5, E=1.0),
         "H-Chin": dict(A=30.0, alpha=0.3, B=20.0, beta=0.25, E=1.5)}
NOISE = 0.05
LAW_SCENARIO = get_scenario("transfer_curves")
SCENARIO_NAMES = {"alpha": "a", "beta": "b"}


def grid(k=10):
    P, F = np.meshgrid(np.logspace(6, 10, k), np.logspace(4, 8, k))
    return np.stack([P.ravel(), F.ravel()], axis=1)


def simulate(form, seed, X=None, truth=None):
    """Losses drawn from the law at each (p, f) of X by the scenario transfer_curves (kind "law", lognormal noise)."""
    X = grid() if X is None else X
    point = {"kind": "law", "form": form, "law_noise": NOISE,
             **{SCENARIO_NAMES.get(k, k): v for k, v in (truth or TRUTH[form]).items()}}
    gen = torch.Generator().manual_seed(seed)
    return X, np.array([LAW_SCENARIO.run({**point, "p": pp, "f": ff}, 1, gen, {"loss"})["loss"][0] for pp, ff in X])


def test_recovery_noiseless():
    X, _ = simulate("H-main", 0)
    law = compile_law(H_MAIN, PARAMS["H-main"], INPUTS)
    y = law(TRUTH["H-main"], X)
    fit = fit_law(law, X=X, y=y, starts=20, seed=0)
    assert fit.converged, fit.diagnostics
    for k, v in TRUTH["H-main"].items():
        assert fit.values[k] == pytest.approx(v, rel=1e-4), (k, fit.values)
    assert fit.msle < 1e-12
    assert not fit.at_bound


def test_selection_ranking_shape():
    X, y = simulate("H-main", 7)
    cands = {name: (EXPRS[name], PARAMS[name]) for name in ("H-main", "H-Chin")}
    sel = select_model(cands, INPUTS, X, y, folds=5, seed=0, starts=5)
    assert [r[0] for r in sel.ranking][0] == sel.chosen == "H-main"
    assert sel.ranking[0][1] <= sel.ranking[1][1]
    assert len(sel.fold_scores["H-main"]) == 5


def test_parameter_at_bound_is_reported():
    """Data generated with G = 0 (perfect transfer), fitted with G >= 0: the fit ends on the bound and says so."""
    law = compile_law(H_MAIN, PARAMS["H-main"], INPUTS)
    truth = dict(TRUTH["H-main"], G=0.0)
    reported = 0
    for s in range(6):  # with 5% noise the fitted G is either on the bound or a noisy positive value
        X, y = simulate("H-main", 300 + s, truth=truth)
        fit = fit_law(law, X=X, y=y, starts=10, seed=s)
        if "G" in fit.at_bound:
            reported += 1
            assert fit.values["G"] <= 1e-4
            assert any("parameter G is at its lower bound 0" in d for d in fit.diagnostics), fit.diagnostics
    assert reported >= 1
    fit = fit_law(law, X=X, y=law(truth, X), starts=10, seed=0)  # noiseless: G = 0 is exactly optimal
    assert fit.at_bound.get("G") == "lower", (fit.values, fit.diagnostics)


def test_nonidentified_parameter_is_reported():
    """H-add fitted to its own data: G and E enter only through G + E, so the starts disagree on them."""
    X, y = simulate("H-add", 11)
    fit = fit_law(H_ADD, PARAMS["H-add"], INPUTS, X, y, starts=20, seed=0)
    assert any("not identified" in d and (" G " in d or " E " in d) for d in fit.diagnostics), fit.diagnostics


def test_bootstrap_function_matches_keyword():
    X, y = simulate("H-main", 3)
    f1 = fit_law(H_MAIN, PARAMS["H-main"], INPUTS, X, y, starts=5, seed=1, bootstrap=20)
    f2 = bootstrap(H_MAIN, PARAMS["H-main"], INPUTS, X, y, B=20, seed=1, starts=5)
    assert f1.intervals == f2.intervals
    for k, (lo, hi) in f1.intervals.items():
        assert lo <= f1.values[k] * (1 + 1e-9) + 1e-12 or lo <= hi


def _err(match, *args, **kw):
    with pytest.raises(FitError, match=match):
        fit_law(*args, **kw)


def test_bad_inputs_raise_fit_error():
    X, y = simulate("H-main", 0)
    pm = PARAMS["H-main"]
    _err("fewer than the 5 parameters", H_MAIN, pm, INPUTS, X[:4], y[:4])
    Xb = X.copy(); Xb[3, 0] = 0.0
    _err("input p .*non-positive", H_MAIN, pm, INPUTS, Xb, y)
    Xb = X.copy(); Xb[5, 1] = np.nan
    _err("input f .*non-finite", H_MAIN, pm, INPUTS, Xb, y)
    yb = y.copy(); yb[2] = -1.0
    _err("y .*non-positive", H_MAIN, pm, INPUTS, X, yb)
    yb = y.copy(); yb[2] = np.inf
    _err("y .*non-finite", H_MAIN, pm, INPUTS, X, yb)
    _err("shapes do not match", H_MAIN, pm, INPUTS, X, y[:-1])
    _err(r"expected \(n, 2\)", H_MAIN, pm, INPUTS, X[:, :1], y)
    _err("lo=2.0 >= hi=1.0", H_MAIN, [LawParam("A", 2.0, 1.0, log=True)] + pm[1:], INPUTS, X, y)
    _err("log=True needs lo > 0", H_MAIN, [LawParam("A", 0.0, 1.0, log=True)] + pm[1:], INPUTS, X, y)
    _err(r"symbol\(s\) \['E'\] that are neither", H_MAIN, pm[:4], INPUTS, X, y)
    # a law that is non-finite everywhere at the given start (log of a negative number at every point)
    bad = sp.log(E - p) + A
    _err("non-finite or non-positive at every point", bad, [LawParam("A", 0, 1), LawParam("E", 0, 1)], [p], X[:, :1], y,
         x0={"A": 0.5, "E": 0.5})
    _err("every one of the 3 starts", bad, [LawParam("A", 0, 1), LawParam("E", 0, 1)], [p], X[:, :1], y, starts=3)
