"""boundlab.numerics.deep_linear against independent truths: the Bregman characterisation of D1 minimised numerically
(scipy), the depth-one interpolant by least squares, the numbers of the note's table 3.8, the N -> oo limit, and the
freezing bound as a numerical minimum over the line. (Against real gradient descent on the layers: the scenario tests
in tests/verify/test_deep_linear.py and the catalogue claims shachaf2021.deep_*.)"""
import math

import numpy as np
import pytest
from scipy.linalg import null_space
from scipy.optimize import minimize, minimize_scalar

from boundlab.numerics.deep_linear import (deterministic_equivalent, depth_power, finetuned_limit, finetuned_risk,
                                  fixed_point_norm, freezing_bound)


def instance(d=12, n=4, alpha=1.5, e=0.4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    theta_s = rng.standard_normal(d)
    theta_s *= 1.3 / np.linalg.norm(theta_s)
    xi = rng.standard_normal(d)
    theta_t = alpha * theta_s + e * xi / np.linalg.norm(xi)
    return X, theta_s, theta_t


def bregman_minimiser(X, theta_s, theta_t, N):
    """argmin over X beta = y of |beta|^((N+1)/N) - ((N+1)/N) |theta_S|^(-(N-1)/N) <theta_S, beta> (the note's second
    form of D1), by BFGS over the affine set of interpolants."""
    y = X @ theta_t
    beta0, Z = np.linalg.lstsq(X, y, rcond=None)[0], null_space(X)
    s, p = np.linalg.norm(theta_s), (N + 1) / N
    coef = p * s ** (-(N - 1) / N)

    def f(z):
        beta = beta0 + Z @ z
        nb = np.linalg.norm(beta)
        grad = p * nb ** (p - 2) * beta - coef * theta_s
        return nb ** p - coef * theta_s @ beta, Z.T @ grad

    res = minimize(f, Z.T @ (theta_s - beta0), jac=True, method="BFGS", options={"gtol": 1e-13, "maxiter": 10_000})
    return beta0 + Z @ res.x


@pytest.mark.parametrize("N", [2, 3, 5, 8])
@pytest.mark.parametrize("alpha, e", [(1.5, 0.4), (0.3, 0.2), (-1.0, 0.5)])
def test_fixed_point_is_the_bregman_minimiser(N, alpha, e):
    X, ts, tt = instance(alpha=alpha, e=e, seed=N)
    closed = finetuned_limit(X, ts, tt, N)
    assert np.allclose(X @ closed, X @ tt, atol=1e-12)
    assert np.linalg.norm(closed - bregman_minimiser(X, ts, tt, N)) <= 1e-6 * np.linalg.norm(closed)


def test_depth_one_is_the_interpolant_closest_to_the_source():
    X, ts, tt = instance()
    lstsq = ts + np.linalg.lstsq(X, X @ tt - X @ ts, rcond=None)[0]
    assert np.allclose(finetuned_limit(X, ts, tt, 1), lstsq, atol=1e-12)


def test_batched_over_instances_equals_one_at_a_time():
    batch = [instance(seed=s) for s in range(4)]
    X, ts, tt = (np.stack(a) for a in zip(*batch))
    together = finetuned_limit(X, ts, tt, 4)
    for i, (x1, s1, t1) in enumerate(batch):
        assert np.allclose(together[i], finetuned_limit(x1, s1, t1, 4), atol=1e-13)


def test_scaled_source_risk_is_the_squared_coefficient_gap():
    """D2 for theta_T = alpha theta_S: L = (a - alpha)^2 |(I - P) theta_S|^2 with a read off the limit itself."""
    X, ts, _ = instance(e=0.0)
    tt = 1.7 * ts
    beta = finetuned_limit(X, ts, tt, 3)
    null = ts - np.linalg.pinv(X) @ (X @ ts)
    a = (beta - np.linalg.pinv(X) @ (X @ beta)) @ null / (null @ null)
    assert a == pytest.approx((np.linalg.norm(beta) / np.linalg.norm(ts)) ** (2 / 3), rel=1e-12)
    assert finetuned_risk(X, ts, tt, 3) == pytest.approx((a - 1.7) ** 2 * null @ null, rel=1e-10)


# the note's table 3.8 (rho = 0.1, s = 1), columns N = 1, 2, 3, 5, 7, 20, inf
TABLE = {(2.0, 0.0): (0.9000, 0.7172, 0.5979, 0.4465, 0.3524, 0.1291, 0.0),
         (0.5, 0.0): (0.2250, 0.1928, 0.1656, 0.1235, 0.0936, 0.0232, 0.0),
         (2.0, 0.3): (0.9810, 0.7940, 0.6726, 0.5191, 0.4242, 0.2012, 0.0815),
         (0.5, 0.3): (0.3060, 0.2778, 0.2541, 0.2174, 0.1910, 0.1240, 0.0872),
         (1.0, 0.3): (0.0810, 0.0810, 0.0810, 0.0811, 0.0812, 0.0817, 0.0827)}


@pytest.mark.parametrize("alpha, e", list(TABLE))
def test_deterministic_equivalent_reproduces_the_note_table(alpha, e):
    for N, want in zip((1, 2, 3, 5, 7, 20, math.inf), TABLE[alpha, e]):
        assert deterministic_equivalent(0.1, alpha, e, 1.0, N).L == pytest.approx(want, abs=5.1e-5), (alpha, e, N)


def test_deterministic_equivalent_scales_with_the_square():
    """Multiplying theta_S and theta_T by c multiplies L by c^2 (note 3.8)."""
    a = deterministic_equivalent(0.1, 2.0, 0.3, 1.0, 7).L
    assert deterministic_equivalent(0.1, 2.0, 0.9, 3.0, 7).L == pytest.approx(9 * a, rel=1e-12)


def test_large_depth_approaches_the_infinite_depth_form():
    X, ts, tt = instance(alpha=2.0, e=0.3)
    inf = finetuned_limit(X, ts, tt, math.inf)
    gaps = [np.linalg.norm(finetuned_limit(X, ts, tt, N) - inf) for N in (10, 100, 1000, 10_000)]
    assert all(b < a for a, b in zip(gaps, gaps[1:])) and gaps[-1] < 1e-3 * np.linalg.norm(inf)
    de_inf = deterministic_equivalent(0.1, 2.0, 0.3, 1.0, math.inf).L
    de = [abs(deterministic_equivalent(0.1, 2.0, 0.3, 1.0, N).L - de_inf) for N in (10, 100, 10**4, 10**6)]
    assert all(b < a for a, b in zip(de, de[1:])) and de[-1] < 1e-5  # not monotone in N: a crosses alpha


def test_infinite_depth_is_direction_only():
    """D3: theta_S enters only through its direction, and positive rescalings are learned exactly."""
    X, ts, tt = instance()
    assert np.allclose(finetuned_limit(X, 5 * ts, tt, math.inf), finetuned_limit(X, ts, tt, math.inf), atol=1e-12)
    assert np.allclose(finetuned_limit(X, ts, 0.2 * ts, math.inf), 0.2 * ts, atol=1e-13)


def test_fixed_point_root_solves_its_equation():
    p, q, s = np.array([0.3, 2.0, 1e-3]), np.array([0.9, 0.1, 5.0]), np.array([1.0, 0.5, 3.0])
    for N in (2, 3, 50):
        r = fixed_point_norm(p, q, s, N)
        w = (N - 1) / N
        assert np.allclose(r ** 2, p + (r / s) ** (2 * w) * q, rtol=1e-13)


def test_freezing_bound_is_the_minimum_over_the_line():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((6, 6))
    sigma = A @ A.T + 0.1 * np.eye(6)
    ts, tt = rng.standard_normal(6), rng.standard_normal(6)
    best = minimize_scalar(lambda g: (g * ts - tt) @ sigma @ (g * ts - tt)).fun
    assert freezing_bound(ts, tt, sigma) == pytest.approx(best, rel=1e-9)


@pytest.mark.parametrize("N", [0, 2.5, -1, "three", True])
def test_bad_depth(N):
    with pytest.raises(ValueError, match="depth N must be an integer >= 1 or inf"):
        depth_power(N)


def test_bad_inputs():
    with pytest.raises(ValueError, match="0 < rho = n/d < 1"):
        deterministic_equivalent(1.0, 1.0, 0.3)
    with pytest.raises(ValueError, match="nonzero target"):
        deterministic_equivalent(0.1, 0.0, 0.0)
    with pytest.raises(ValueError, match="P theta_S != 0"):
        fixed_point_norm(1.0, 1.0, 1.0, math.inf)
    with pytest.raises(ValueError, match="p > 0"):
        fixed_point_norm(0.0, 1.0, 1.0, 3)
