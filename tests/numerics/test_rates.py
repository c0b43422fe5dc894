"""Rates from curves: slopes, floors and constants on synthetic curves whose truth is known by construction."""
import itertools
import math

import numpy as np
import pytest

from boundlab.numerics.rates import (ConstantsLP, Curve, RateError, constant_drift, detect_cliff, fit_floor, fit_slope,
                            loglog_slopes)

X = np.geomspace(300, 1e5, 9)


def power_curve(r, floor=0.0, reps=12, noise=0.05, seed=0, x=X, C=1.0):
    """Repetitions C x^-r * lognormal noise (mean-one) + floor: the mean curve is exactly C x^-r + floor."""
    rng = np.random.default_rng(seed)
    mult = rng.lognormal(-noise ** 2 / 2, noise, size=(x.size, reps))
    return Curve(x, list(C * x[:, None] ** -r * mult + floor))


def test_slope_of_an_exact_power_law():
    x = np.array([1.0, 10.0, 100.0])
    assert loglog_slopes(x, 3 * x ** -0.7) == pytest.approx(-0.7, abs=1e-12)
    assert loglog_slopes(x, np.stack([x ** -0.5, x ** -1.0])) == pytest.approx([-0.5, -1.0], abs=1e-12)


def test_slope_interval_covers_the_true_slope_at_its_level():
    """Over 200 independent curves, the 95% normal interval (bootstrap se) covers -r about 95% of the time."""
    covered = [fit_slope(power_curve(0.5, seed=s), alpha=0.05, seed=s, boot=400).slope for s in range(200)]
    rate = np.mean([e.lo <= -0.5 <= e.hi for e in covered])
    assert 0.89 <= rate <= 0.99, rate
    assert np.mean([e.estimate for e in covered]) == pytest.approx(-0.5, abs=0.005)


def test_bootstrap_standard_error_matches_the_spread_over_independent_curves():
    fits = [fit_slope(power_curve(0.6, seed=s), alpha=0.05, seed=s, boot=400).slope for s in range(100)]
    spread = np.std([f.estimate for f in fits], ddof=1)
    assert np.median([f.se for f in fits]) == pytest.approx(spread, rel=0.3)


def test_a_floor_flattens_the_upper_half_and_is_detected():
    pure, floored = power_curve(0.5, seed=1), power_curve(0.5, floor=3e-3, seed=1)
    fp, ff = fit_slope(pure, 1e-3, seed=0), fit_slope(floored, 1e-3, seed=0)
    assert abs(fp.flattening.estimate) < 0.03
    exact = X ** -0.5 + 3e-3  # the mean curve: its half-range slopes by numpy's polyfit
    halves = [np.polyfit(np.log(X[i]), np.log(exact[i]), 1)[0] for i in (slice(0, 5), slice(4, 9))]
    assert ff.flattening.lo <= halves[1] - halves[0] <= ff.flattening.hi
    assert ff.flattening.lo > 0.05  # the upper half is significantly flatter
    floor = fit_floor(floored, 1e-3, seed=0)
    assert floor.detected and floor.floor.lo <= 3e-3 <= floor.floor.hi
    assert floor.r.lo <= 0.5 <= floor.r.hi
    # C x^-r = F at x = (C/F)^(1/r) = (1/3e-3)^2 ~ 1.1e5
    assert floor.crossover == pytest.approx((1 / 3e-3) ** 2, rel=0.5)
    assert not fit_floor(pure, 1e-3, seed=0).detected


@pytest.mark.parametrize("bad, message", [
    (dict(x=[300, 1000], samples=[[1, 2], [1, 2]]), "at least 3 sizes"),
    (dict(x=[300, 400, 500], samples=[[1, 2]] * 3), "spanning a factor"),
    (dict(x=[300, 1000, 3000], samples=[[1, 2], [1, math.nan], [1, 2]]), "NaN"),
    (dict(x=[300, 1000, 3000], samples=[[1, 2], [1, -1], [1, 2]]), "must be > 0"),
    (dict(x=[300, 1000, 1000], samples=[[1, 2]] * 3), "increase strictly"),
    (dict(x=[300, 1000, 3000], samples=[[1], [1, 2], [1, 2]]), "repetition"),
    (dict(x=[300, math.inf, 3000], samples=[[1, 2]] * 3), "finite and positive"),
])
def test_curves_that_cannot_give_a_slope_are_refused(bad, message):
    with pytest.raises(RateError, match=message):
        fit_slope(Curve(bad["x"], bad["samples"]), 0.05)


def brute_force_lp(features, offset, measured):
    """The LP optimum by enumerating the vertices of the feasible set (two constants: pairs of tight
    constraints among the points and c_k = 0), independently of any solver."""
    P, K = features.shape
    rows = [(features[p], measured[p] - offset[p]) for p in range(P)] + [(np.eye(K)[k], 0.0) for k in range(K)]
    best, arg = math.inf, None
    weights = 1 / measured
    for (a1, b1), (a2, b2) in itertools.combinations(rows, 2):
        A = np.stack([a1, a2])
        if abs(np.linalg.det(A)) < 1e-14:
            continue
        c = np.linalg.solve(A, [b1, b2])
        if (c >= -1e-12).all() and (features @ c + offset >= measured * (1 - 1e-9)).all():
            value = weights @ (features @ c + offset)
            if value < best:
                best, arg = value, c
    return arg


def test_constants_lp_agrees_with_vertex_enumeration():
    rng = np.random.default_rng(3)
    n = np.repeat(np.geomspace(100, 1e4, 6), 3)
    floor = np.tile([0.0, 1e-3, 1e-2], 6)
    features = np.stack([n ** -0.5, floor], axis=1)
    measured = 2 * n ** -0.5 + 0.5 * floor + rng.uniform(0, 1e-3, n.size)
    fit = ConstantsLP(features, np.zeros(n.size)).solve(measured)
    assert fit.feasible and fit.status == "optimal"
    assert fit.constants == pytest.approx(brute_force_lp(features, np.zeros(n.size), measured), rel=1e-5)
    assert (features @ np.array(fit.constants) >= measured * (1 - 1e-6)).all()
    assert fit.active  # an optimal bound touches the data somewhere


def test_constants_lp_reports_infeasibility():
    features = np.array([[1.0], [0.0]])
    fit = ConstantsLP(features, np.zeros(2)).solve(np.array([1.0, 1.0]))
    assert not fit.feasible


def drift_inputs(true_r, claimed_r, floor=0.0, reps=12, seed=0):
    curve = power_curve(true_r, floor=floor, reps=reps, seed=seed)
    features = np.stack([X ** -claimed_r], axis=1)
    return X, features, np.zeros(X.size), curve.samples


def test_the_right_exponent_gives_a_constant_that_does_not_drift():
    drift = constant_drift(*drift_inputs(0.5, 0.5), alpha=1e-3, boot=60)
    (e,) = drift.exponents
    assert abs(e.estimate) < 0.03 and e.lo < 0.05


def test_a_wrong_exponent_makes_the_constant_drift_by_the_difference():
    drift = constant_drift(*drift_inputs(0.25, 0.5), alpha=1e-3, boot=60)
    (e,) = drift.exponents
    assert e.lo > 0.15 and e.estimate == pytest.approx(0.25, abs=0.06)


def test_a_floor_missing_from_the_bound_makes_the_constant_drift():
    drift = constant_drift(*drift_inputs(0.5, 0.5, floor=5e-3), alpha=1e-3, boot=60)
    assert drift.exponents[0].lo > 0.2


def cliff_curve(kind, seed, reps=10, noise=0.05):
    """Repetitions around a known mean curve: a sigmoid in log n (a cliff) or a power law plus a floor."""
    x = np.geomspace(1e2, 1e6, 13)
    mean = 0.1 + 1 / (1 + (x / 3e3) ** 2.0) if kind == "sigmoid" else x ** -0.5 + 1e-3
    rng = np.random.default_rng(seed)
    return Curve(x, list(mean[:, None] * rng.lognormal(-noise ** 2 / 2, noise, size=(x.size, reps))))


def test_cliff_detector_flags_sigmoids_and_never_power_laws_with_floors():
    """Across 50 seeds: every sigmoid-in-log-n curve is flagged where it bends down, no power law plus floor is
    (log(C x^-r + F) is convex in log x, so a flag there would be a false alarm)."""
    sig = [detect_cliff(cliff_curve("sigmoid", s), 1e-3, seed=s, boot=300) for s in range(50)]
    pow_ = [detect_cliff(cliff_curve("power", s), 1e-3, seed=s, boot=300) for s in range(50)]
    assert all(c.flagged for c in sig)
    assert not any(c.flagged for c in pow_)
    assert all(c.where[0] <= 3e3 <= c.where[1] * 10 for c in sig)  # the bend is at the sigmoid's knee, near 3e3


def test_cliff_curvature_matches_the_exact_curve():
    """Noise-free: the window curvature equals the second derivative of a quadratic in log x exactly."""
    x = np.geomspace(1, 1e4, 9)
    t = np.log(x)
    curve = Curve(x, list(np.exp(0.3 - 0.2 * t - 0.05 * t ** 2)[:, None] * np.ones((9, 3))))
    cliff = detect_cliff(curve, 1e-3, boot=20)
    assert all(c.estimate == pytest.approx(-0.1, abs=1e-9) for c in cliff.curvature)


def test_cliff_needs_enough_sizes():
    with pytest.raises(RateError, match="at least 4 sizes"):
        detect_cliff(Curve([1, 10, 100], [[1, 2]] * 3), 0.05)
