"""verify/scenarios/caulking.py against independent truths.

- the banded B-spline least squares against numpy lstsq on the design matrix of scipy.interpolate.BSpline, and
  piecewise constants against per-bin means by np.bincount; the scratch histogram against per-cell means by
  np.ravel_multi_index and np.bincount;
- the whole estimator pipeline against a numpy recomputation on the very samples the scenario drew (the target
  a*(u) summed with np.cos term by term, the OLS feature by np.linalg.lstsq);
- feature_err against Monte Carlo over 1e6 points and its 1/m decay; the Holder exponent of the Weierstrass adapter;
- the rates -2ab/(2ab + 1) (caulk) and -2ab/(2ab + D) (scratch) of our study notes on caulking section 5, the
  error floor left by pre-training on m samples, and the sample complexity nstar;
- determinism, and bad input against ScenarioError messages.
"""
import json
import math

import numpy as np
import pytest
import torch
from scipy.interpolate import BSpline

from boundlab.verify.cli import main
from boundlab.verify.scenarios import ScenarioError, get_scenario
from boundlab.verify.scenarios.caulking import RIDGE, bspline_eval, bspline_lsq, histogram_regression, pretrain, weierstrass

S = get_scenario("caulking")


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def t64(a) -> torch.Tensor:
    return torch.as_tensor(np.asarray(a, dtype=np.float64))


def knots(K: int, p: int) -> np.ndarray:
    """Uniform knots (i - p)/K, i = 0..K + 2p: K intervals on [0, 1], extended by p beyond each end."""
    return np.arange(-p, K + p + 1) / K


def adapter_numpy(u, a, terms=24):
    """a*(u) = 0.5 + 0.4 S(u)/S(0), every term by np.cos at its full argument."""
    w = 2.0 ** (-np.arange(terms) * a)
    return 0.5 + 0.4 * (np.cos(np.pi * np.multiply.outer(u, 2.0 ** np.arange(terms))) @ w) / w.sum()


# --------------------------------------------------------------------------------------------------- estimators

@pytest.mark.parametrize("degree", [0, 1, 2, 3])
def test_bspline_least_squares_matches_scipy_design_and_lstsq(degree):
    rng = np.random.default_rng(degree)
    batch, n, K = 3, 400, 9
    u = rng.random((batch, n))
    u[:, :2] = [0.0, 1.0]  # both ends of [0, 1]
    y = np.sin(7 * u) + 0.3 * rng.normal(size=(batch, n))
    t = knots(K, degree)
    exact = bspline_lsq(t64(u), t64(y), K, degree, ridge=0.0).numpy()
    ridged = bspline_lsq(t64(u), t64(y), K, degree).numpy()
    u_test = np.linspace(0, 1, 101)
    for i in range(batch):
        design = BSpline.design_matrix(u[i], t, degree).toarray()
        assert design.shape == (n, K + degree)
        want = np.linalg.lstsq(design, y[i], rcond=None)[0]
        np.testing.assert_allclose(exact[i], want, rtol=0, atol=1e-10)
        np.testing.assert_allclose(ridged[i], want, rtol=0, atol=1e-6)  # the ridge: 1e-8 of one point's weight
        curve = bspline_eval(t64(np.tile(u_test, (1, 1))), t64(exact[i:i + 1]), K, degree).numpy()[0]
        np.testing.assert_allclose(curve, BSpline(t, want, degree)(u_test), rtol=0, atol=1e-10)


def test_piecewise_constant_is_the_bin_mean_and_empty_bins_get_the_overall_mean():
    rng = np.random.default_rng(5)
    n, K = 1000, 20
    u = 0.6 * rng.random((2, n))  # bins 12..19 are empty
    y = rng.normal(size=(2, n)) + 3 * u
    got = bspline_lsq(t64(u), t64(y), K, 0).numpy()
    for i in range(2):
        k = np.minimum((u[i] * K).astype(int), K - 1)
        count = np.bincount(k, minlength=K)
        total = np.bincount(k, weights=y[i], minlength=K)
        want = np.where(count > 0, total / np.maximum(count, 1), y[i].mean())
        assert (count == 0).sum() >= 8
        np.testing.assert_allclose(got[i], want, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("dense_cells", [2**22, 0], ids=["dense", "unique"])
@pytest.mark.parametrize("D,B", [(1, 7), (3, 5), (4, 3)])
def test_scratch_histogram_is_the_cell_mean(D, B, dense_cells):
    rng = np.random.default_rng(10 * D + B)
    batch, n, T = 3, 300, 500
    x, x_test = rng.random((batch, n, D)), rng.random((batch, T, D))
    x_test[:, 0] = 1.0  # the upper edge belongs to the last cell
    y = rng.normal(size=(batch, n)) + x.sum(-1)
    got = histogram_regression(t64(x), t64(y), t64(x_test), B, dense_cells=dense_cells).numpy()
    for i in range(batch):
        cell = np.ravel_multi_index(np.minimum(np.floor(x[i] * B).astype(int), B - 1).T, (B,) * D)
        cell_t = np.ravel_multi_index(np.minimum(np.floor(x_test[i] * B).astype(int), B - 1).T, (B,) * D)
        count = np.bincount(cell, minlength=B ** D)
        mean = np.bincount(cell, weights=y[i], minlength=B ** D) / np.maximum(count, 1)
        want = np.where(count[cell_t] > 0, mean[cell_t], y[i].mean())
        np.testing.assert_allclose(got[i], want, rtol=1e-10, atol=1e-12)
    if D == 4:
        assert (count == 0).any()  # 81 cells, 300 points: some predictions fall back to the overall mean


E2E = {
    "constant-m_inf": {"alpha": 0.6, "beta": 0.7, "D": 2, "m": "inf"},
    "constant-m40": {"alpha": 0.6, "beta": 0.7, "D": 2, "m": 40},
    "spline2-m40": {"alpha": 0.9, "D": 3, "m": 40, "adapter": "spline", "degree": 2},
}


@pytest.mark.parametrize("name", list(E2E))
def test_errors_match_a_numpy_recomputation_on_the_drawn_samples(name):
    """Redraw the scenario's samples with the same generator (pre-training, target sample, test points, in that
    order) and recompute both estimators and their test errors with numpy and scipy only: bins by np.bincount
    (empty bins: the overall mean), splines by lstsq on BSpline.design_matrix stacked with the ridge rows,
    predictions truncated to the range of h*, cells by ravel_multi_index."""
    point = {**E2E[name], "n": 3000, "test": 4000}
    a, b, D, m, n, T, c = point["alpha"], point.get("beta", 1.0), point["D"], point["m"], 3000, 4000, 3
    got = S.run(point, c, gen(11), {"err", "err_scratch"})
    g = gen(11)
    if m == "inf":
        coef = np.tile(np.r_[0.0, np.full(D, 1 / D)], (c, 1))
    else:
        xs = torch.rand(c, m, D, generator=g, dtype=torch.float64).numpy()
        ys = xs.mean(-1) + 0.1 * torch.randn(c, m, generator=g, dtype=torch.float64).numpy()
        coef = np.stack([np.linalg.lstsq(np.c_[np.ones(m), xs[i]], ys[i], rcond=None)[0] for i in range(c)])
    x = torch.rand(c, n, D, generator=g, dtype=torch.float64).numpy()
    noise = torch.randn(c, n, generator=g, dtype=torch.float64).numpy()
    x_test = torch.rand(c, T, D, generator=g, dtype=torch.float64).numpy()

    def f_star(z):
        v = adapter_numpy(z.mean(-1), a) - 0.5
        return 0.5 + np.sign(v) * np.abs(v) ** b

    y, f_test = f_star(x) + 0.3 * noise, f_star(x_test)
    K, B = math.ceil(2 * n ** (1 / (2 * a * b + 1))), round(n ** (1 / (2 * a * b + D)))
    degree = point.get("degree", 1) if point.get("adapter") == "spline" else 0
    for i in range(c):
        u, u_test = (np.clip(coef[i, 0] + z @ coef[i, 1:], 0, 1) for z in (x[i], x_test[i]))
        if degree == 0:
            k, k_test = (np.minimum((z * K).astype(int), K - 1) for z in (u, u_test))
            count = np.bincount(k, minlength=K)
            value = np.where(count > 0, np.bincount(k, weights=y[i], minlength=K) / np.maximum(count, 1), y[i].mean())
            pred = value[k_test]
        else:
            # the ridge objective |y - Phi c|^2 + RIDGE |c - mean(y)|^2 as one stacked least-squares problem
            t = knots(K, degree)
            phi = BSpline.design_matrix(u, t, degree).toarray()
            root = math.sqrt(RIDGE)
            stacked = np.r_[phi, root * np.eye(K + degree)], np.r_[y[i], np.full(K + degree, root * y[i].mean())]
            pred = BSpline(t, np.linalg.lstsq(*stacked, rcond=None)[0], degree)(u_test)
        pred = np.clip(pred, 0.5 - 0.5 ** b, 0.5 + 0.5 ** b)  # the range of the head h*
        assert got["err"][i] == pytest.approx(np.mean((pred - f_test[i]) ** 2), rel=1e-6)
        cell, cell_t = (np.ravel_multi_index(np.minimum((z * B).astype(int), B - 1).T, (B,) * D)
                        for z in (x[i], x_test[i]))
        count = np.bincount(cell, minlength=B ** D)
        mean = np.bincount(cell, weights=y[i], minlength=B ** D) / np.maximum(count, 1)
        pred = np.where(count[cell_t] > 0, mean[cell_t], y[i].mean())
        assert got["err_scratch"][i] == pytest.approx(np.mean((pred - f_test[i]) ** 2), rel=1e-9)


def test_scratch_histogram_refuses_cells_it_cannot_number():
    x = torch.rand(1, 10, 60, dtype=torch.float64)
    with pytest.raises(ScenarioError, match="2\\^60 cells per instance"):
        histogram_regression(x, torch.zeros(1, 10, dtype=torch.float64), x, 2)


# ------------------------------------------------------------------------------------------- the target, g_m

def test_adapter_matches_the_cosine_series():
    u = np.r_[0.0, 1.0, 0.5, np.random.default_rng(0).random(5000)]
    for a in (0.3, 0.5, 1.0):
        np.testing.assert_allclose(weierstrass(t64(u), a).numpy(), adapter_numpy(u, a), rtol=0, atol=1e-10)


def test_adapter_is_a_holder_and_no_smoother():
    """max_u |a*(u + h) - a*(u)| / h^e over dyadic h = 2^-k: flat in k for e = a, growing like h^-0.15 for
    e = a + 0.15."""
    a, ks = 0.5, np.arange(4, 21)
    u = np.random.default_rng(1).random(40000) * 0.9
    au = weierstrass(t64(u), a).numpy()
    diffs = np.array([np.abs(weierstrass(t64(u + 2.0 ** -k), a).numpy() - au).max() for k in ks])
    h = 2.0 ** -ks
    ratio, rougher = diffs / h ** a, diffs / h ** (a + 0.15)
    slope = np.polyfit(ks, np.log2(ratio), 1)[0]  # per halving of h
    assert abs(slope) < 0.03, slope
    assert ratio[-6:].max() <= 1.5 * ratio[:6].max(), ratio
    slope_rough = np.polyfit(ks, np.log2(rougher), 1)[0]
    assert slope_rough > 0.12 and rougher[-1] > 4 * rougher[0], (slope_rough, rougher)


def test_pretrain_is_ols_with_intercept():
    c, m, D = 4, 60, 3
    icpt, slope = pretrain(c, m, D, 0.2, gen(3))
    g = gen(3)
    xs = torch.rand(c, m, D, generator=g, dtype=torch.float64).numpy()
    ys = xs.mean(-1) + 0.2 * torch.randn(c, m, generator=g, dtype=torch.float64).numpy()
    for i in range(c):
        want = np.linalg.lstsq(np.c_[np.ones(m), xs[i]], ys[i], rcond=None)[0]
        np.testing.assert_allclose(np.r_[icpt[i].item(), slope[i].numpy()], want, rtol=1e-10, atol=1e-12)


def test_feature_err_against_monte_carlo():
    """The scenario's exact |g_m - g*|^2 against the mean of (g_m(x) - mean(x))^2 over 1e6 uniform points, for
    the g_m that pretrain draws from the same generator (the scenario pre-trains first)."""
    c, m, D = 3, 30, 3
    exact = S.run({"alpha": 0.5, "m": m, "D": D}, c, gen(4), {"feature_err"})["feature_err"]
    icpt, slope = pretrain(c, m, D, 0.1, gen(4))
    x = np.random.default_rng(4).random((1_000_000, D))
    for i in range(c):
        sq = (icpt[i].item() + x @ slope[i].numpy() - x.mean(1)) ** 2
        se = sq.std() / math.sqrt(sq.size)
        assert abs(sq.mean() - exact[i]) <= 5 * se, (sq.mean(), exact[i], se)


def test_feature_err_decays_like_one_over_m_and_vanishes_at_m_inf():
    scaled = [S.run({"alpha": 0.5, "m": m}, 300, gen(m), {"feature_err"})["feature_err"].mean() * m
              for m in (100, 10_000)]
    assert 1 / 1.5 <= scaled[0] / scaled[1] <= 1.5, scaled
    for m in ("inf", math.inf, float("inf")):
        assert np.all(S.run({"alpha": 0.5, "m": m}, 4, gen(0), {"feature_err"})["feature_err"] == 0.0)


# -------------------------------------------------------------------------------------------------- rates, m

@pytest.mark.parametrize("a", [0.5, 0.8])
def test_rates_at_m_inf(a):
    """Log-log slopes of the mean errors over 9 sizes in [300, 1e5], 10 repetitions (note, section 5)."""
    sizes = np.unique(np.round(np.geomspace(300, 1e5, 9)).astype(int))
    runs = [S.run({"alpha": a, "n": int(n)}, 10, gen(100 + i), {"err", "err_scratch"}) for i, n in enumerate(sizes)]
    slope = np.polyfit(np.log(sizes), np.log([r["err"].mean() for r in runs]), 1)[0]
    slope_scratch = np.polyfit(np.log(sizes), np.log([r["err_scratch"].mean() for r in runs]), 1)[0]
    print(f"a = {a}: caulk slope {slope:.3f} (theory {-2 * a / (2 * a + 1):.3f}), "
          f"scratch slope {slope_scratch:.3f} (theory {-2 * a / (2 * a + 3):.3f})")
    assert abs(slope + 2 * a / (2 * a + 1)) <= 0.05, slope
    assert abs(slope_scratch + 2 * a / (2 * a + 3)) <= 0.06, slope_scratch


@pytest.mark.parametrize("degree", [1, 2, 3])
def test_spline_adapter_error_falls_at_the_rate(degree):
    """a = 0.8, b = 1: from n = 1000 to 30000 the spline adapter's error falls by about 30^(2a/(2a+1)) = 8.1."""
    err = [S.run({"alpha": 0.8, "n": n, "adapter": "spline", "degree": degree}, 8, gen(n + degree), {"err"})["err"]
           for n in (1000, 30000)]
    ratio = err[0].mean() / err[1].mean()
    assert 8.1 / 1.8 < ratio < 8.1 * 1.8, ratio  # seeds give 6.9..12.1


def test_pretraining_leaves_a_floor_that_falls_with_m():
    err = {m: S.run({"alpha": 0.5, "n": 100_000, "m": m}, 12, gen(7), {"err"})["err"] for m in (20, 1000, "inf")}
    mean = {m: e.mean() for m, e in err.items()}
    assert mean[20] > 2 * mean["inf"], mean
    assert mean["inf"] < mean[1000] < mean[20], mean
    assert err[20].min() > np.median(err["inf"]), err


# ---------------------------------------------------------------------------------------------------- nstar

def test_nstar_is_in_range_grows_as_eps_falls_and_meets_eps():
    point = {"alpha": 0.5, "n_max": 30_000, "curve_points": 25}
    nstar = {eps: S.run({**point, "eps": eps}, 12, gen(8), {"nstar"})["nstar"] for eps in (2e-2, 8e-3, 4e-3)}
    for v in nstar.values():
        assert np.all((v >= 32) & (v <= 30_000)), v
    assert nstar[2e-2].mean() < nstar[8e-3].mean() < nstar[4e-3].mean(), {e: v.mean() for e, v in nstar.items()}
    # at n = nstar the error is about eps (fresh samples; nstar is interpolated between grid sizes)
    err = S.run({"alpha": 0.5, "n": int(np.median(nstar[4e-3]))}, 16, gen(9), {"err"})["err"]
    assert 4e-3 / 1.4 < err.mean() < 4e-3 * 1.4, err.mean()


def test_nstar_at_the_first_grid_size_when_eps_is_already_met():
    v = S.run({"alpha": 0.5, "eps": 1.0, "n_max": 1000, "curve_points": 5}, 4, gen(0), {"nstar"})["nstar"]
    assert np.all(v == 32)


def test_nstar_below_the_floor_is_censored_at_n_max():
    # eps under the floor that pre-training on m = 20 leaves: nstar is only known to exceed n_max
    out = S.run({"alpha": 0.5, "m": 20, "eps": 1e-4, "n_max": 20_000, "curve_points": 10}, 6, gen(1), {"nstar"})
    assert out["nstar_censored"].all() and np.all(out["nstar"] == 20_000)
    reached = S.run({"alpha": 0.5, "eps": 0.02, "n_max": 5000, "curve_points": 8}, 4, gen(1), {"nstar"})
    assert not reached["nstar_censored"].any() and np.all(reached["nstar"] < 5000)


# ------------------------------------------------------------------------------------- determinism, bad input

def test_same_seed_same_values():
    point = {"alpha": 0.7, "beta": 0.8, "n": 5000, "m": 200, "eps": 0.02, "n_max": 5000, "curve_points": 8}
    wanted = {"err", "err_scratch", "feature_err", "nstar"}
    one, two, other = (S.run(point, 5, gen(s), wanted) for s in (3, 3, 4))
    for q in wanted:
        np.testing.assert_array_equal(one[q], two[q])
        assert not np.array_equal(one[q], other[q])


def test_chunks_keep_within_memory_and_give_every_instance():
    """A batch larger than one chunk (n = 1e5 allows ~18 instances per chunk) is measured in pieces."""
    out = S.run({"alpha": 0.5, "n": 100_000, "test": 2000}, 40, gen(2), {"err"})["err"]
    assert out.shape == (40,) and np.all(out > 0) and len(set(out)) == 40


NAN = float("nan")
BAD = [
    ({}, "needs a"),
    ({"alpha": 0}, r"alpha = 0 is outside \(0, 1\]: the Weierstrass adapter is alpha-Holder only for 0 < alpha <= 1"),
    ({"alpha": 1.5}, r"alpha = 1.5 is outside \(0, 1\]"),
    ({"alpha": -0.2}, r"alpha = -0.2 is outside \(0, 1\]"),
    ({"alpha": "0.5"}, r"alpha must be a number in \(0, 1\], got '0.5'"),
    ({"alpha": True}, r"alpha must be a number in \(0, 1\], got True"),
    ({"alpha": NAN}, r"alpha must be a number in \(0, 1\], got nan"),
    ({"beta": 0}, r"beta = 0 is outside \(0, 1\]"),
    ({"beta": 1.2}, r"beta = 1.2 is outside \(0, 1\]"),
    ({"beta": "x"}, r"beta must be a number in \(0, 1\]"),
    ({"D": 0}, r"D = 0 is outside \[1, inf\)"),
    ({"D": 2.5}, r"D must be an integer in \[1, inf\), got 2.5"),
    ({"D": "3"}, r"D must be an integer"),
    ({"D": False}, r"D must be an integer"),
    ({"m": 4}, r"m must be inf \(or 'inf'\) or an integer in \[D \+ 2, inf\) = \[5, inf\), got 4"),
    ({"m": 50.5}, r"m must be inf .* got 50.5"),
    ({"m": "lots"}, r"m must be inf .* got 'lots'"),
    ({"m": -math.inf}, r"m must be inf .* got -inf"),
    ({"m": NAN}, r"m must be inf .* got nan"),
    ({"m": True}, r"m must be inf .* got True"),
    ({"n": 1}, r"n = 1 is outside \[2, inf\)"),
    ({"n": 100.5}, r"n must be an integer in \[2, inf\) \(or None\), got 100.5"),
    ({"n": "100"}, r"n must be an integer"),
    ({"noise": -0.1}, r"noise = -0.1 is outside \[0, inf\)"),
    ({"noise": NAN}, r"noise must be a number in \[0, inf\), got nan"),
    ({"source_noise": -1}, r"source_noise = -1 is outside \[0, inf\)"),
    ({"source_noise": math.inf}, r"source_noise must be a number in \[0, inf\), got inf"),
    ({"adapter": "linear"}, r"adapter must be 'constant' or 'spline', got 'linear'"),
    ({"degree": 0}, r"degree = 0 is outside \[1, 3\]"),
    ({"degree": 4}, r"degree = 4 is outside \[1, 3\]"),
    ({"degree": 1.5}, r"degree must be an integer in \[1, 3\]"),
    ({"adapter": "spline", "beta": 0.5}, r"adapter = 'spline' needs beta = 1 .* nonlinear head has no closed form"),
    ({"bins": 0}, r"bins = 0 is outside \(0, inf\)"),
    ({"bins": "2"}, r"bins must be a number in \(0, inf\)"),
    ({"scratch_bins": -1.0}, r"scratch_bins = -1.0 is outside \(0, inf\)"),
    ({"test": 0}, r"test = 0 is outside \[1, inf\)"),
    ({"terms": 0}, r"terms = 0 is outside \[1, 52\]"),
    ({"terms": 100}, r"terms = 100 is outside \[1, 52\]"),
    ({"eps": 0}, r"eps = 0 is outside \(0, inf\)"),
    ({"eps": "small"}, r"eps must be a number in \(0, inf\) \(or None\), got 'small'"),
    ({"n_min": 1}, r"n_min = 1 is outside \[2, inf\)"),
    ({"n_min": 500, "n_max": 500}, r"n_max = 500 is outside \[501, inf\) \(n_max must exceed n_min\)"),
    ({"curve_points": 1}, r"curve_points = 1 is outside \[2, inf\)"),
    ({"gamma": 0.5}, r"does not take gamma"),
]


@pytest.mark.parametrize("point,message", BAD, ids=[f"{i}-{','.join(p) or 'none'}" for i, (p, _) in enumerate(BAD)])
def test_bad_input_is_a_scenario_error_naming_it(point, message):
    full = {"alpha": 0.5, **point} if "alpha" not in point and point else point
    with pytest.raises(ScenarioError, match=message):
        S.run(full, 2, gen(0), {"feature_err"})


@pytest.mark.parametrize("wanted,message", [({"err"}, "need the target sample size n"),
                                            ({"err_scratch"}, "need the target sample size n"),
                                            ({"nstar"}, "nstar needs the target error level eps"),
                                            ({"risk"}, "does not measure risk")])
def test_missing_inputs_for_a_quantity(wanted, message):
    with pytest.raises(ScenarioError, match=message):
        S.run({"alpha": 0.5}, 2, gen(0), wanted)


def test_a_claim_on_nstar_below_the_floor_is_decided_where_a_lower_bound_suffices(tmp_path):
    # nstar at eps under the floor was an input ERROR; the censored values (n_max, a lower bound) refute a claim
    # that it is at most 5000, establish that it is at least 1000, and decide nothing else
    path, out = tmp_path / "mine.py", tmp_path / "out.json"
    path.write_text('''
from boundlab.theory import Claim, Provenance
from boundlab.theory.catalogue import caulking2026 as k

P = Provenance("derived", "mine", "Me (2026)")
common = dict(statistic="mean", params=(k.alpha_w, k.beta, k.eps), quantities=(k.nstar,), provenance=P,
              scenario="caulking", samples=4, grid=({"alpha": 0.5, "m": 20, "eps": 1e-4, "n_max": 20000,
                                                    "curve_points": 10},))
reachable = Claim(id="mine.reachable", title="t", lhs="nstar", rel="<=", rhs="5000", **common)
at_least = Claim(id="mine.at_least", title="t", lhs="nstar", rel=">=", rhs="1000", **common)
loose = Claim(id="mine.loose", title="t", lhs="nstar", rel="<=", rhs="10**6", **common)
scaled = Claim(id="mine.scaled", title="t", lhs="nstar*eps", rel="<=", rhs="1", **common)
''')
    assert main(["check", "--file", str(path), "--json", str(out)]) == 1
    results = {r["id"]: r for r in json.loads(out.read_text())["results"]}
    bad = results["mine.reachable"]
    assert bad["verdict"] == "VIOLATED" and bad["witness"]["censored"] == 4 and bad["witness"]["measured"] == 20000
    assert results["mine.at_least"]["verdict"] == "CONSISTENT"
    loose = results["mine.loose"]
    assert loose["verdict"] == "INCONCLUSIVE"
    assert "only a lower bound" in loose["evidence"]["points"][0]["note"]
    assert loose["evidence"]["points"][0]["instances"] == 4  # no further stage: lower bounds cannot decide it
    scaled = results["mine.scaled"]
    assert scaled["verdict"] == "ERROR" and "below the error floor" in scaled["evidence"]["error"]


def test_events_on_nstar_below_the_floor_are_decided_where_a_lower_bound_decides_them(tmp_path):
    """prob, as and some claims on censored nstar (every value the lower bound n_max = 20000): the event
    `nstar <= 10000` is false on every instance whatever the true value, `nstar >= 1000` true, `nstar <= 10**6`
    undecided. An event of a formula of nstar (not nstar itself) stays an input error."""
    path, out = tmp_path / "mine.py", tmp_path / "out.json"
    path.write_text('''
from boundlab.theory import Claim, Provenance
from boundlab.theory.catalogue import caulking2026 as k

P = Provenance("derived", "mine", "Me (2026)")
common = dict(params=(k.alpha_w, k.beta, k.eps), quantities=(k.nstar,), provenance=P, scenario="caulking",
              samples=4, grid=({"alpha": 0.5, "m": 20, "eps": 1e-4, "n_max": 20000, "curve_points": 10},))
often = Claim(id="mine.often", title="t", lhs="nstar", rel="<=", rhs="10000", statistic="prob", prob="1/2",
              **common)
mostly = Claim(id="mine.mostly", title="t", lhs="1000", rel="<=", rhs="nstar", statistic="prob", prob="1/2",
               **common)
open_prob = Claim(id="mine.open_prob", title="t", lhs="nstar", rel="<=", rhs="10**6", statistic="prob",
                  prob="1/2", **common)
always = Claim(id="mine.always", title="t", lhs="nstar", rel="<=", rhs="10000", statistic="as", **common)
always_big = Claim(id="mine.always_big", title="t", lhs="nstar", rel=">", rhs="1000", statistic="as", **common)
somewhere = Claim(id="mine.somewhere", title="t", lhs="nstar", rel="<=", rhs="10**6", statistic="some", **common)
formula = Claim(id="mine.formula", title="t", lhs="nstar*eps", rel="<=", rhs="1", statistic="prob", prob="1/2",
                **common)
''')
    assert main(["check", "--file", str(path), "--json", str(out)]) == 1
    results = {r["id"]: r for r in json.loads(out.read_text())["results"]}
    verdicts = {cid: r["verdict"] for cid, r in results.items()}
    assert verdicts == {"mine.often": "VIOLATED", "mine.mostly": "CONSISTENT", "mine.open_prob": "INCONCLUSIVE",
                        "mine.always": "VIOLATED", "mine.always_big": "CONSISTENT", "mine.somewhere": "INCONCLUSIVE",
                        "mine.formula": "ERROR"}
    assert results["mine.often"]["witness"]["censored"] >= 4  # every instance drawn, over its stages
    assert "undecided on 4 of them" in results["mine.open_prob"]["evidence"]["points"][0]["note"]
    assert "side is that quantity itself" in results["mine.formula"]["evidence"]["error"]
