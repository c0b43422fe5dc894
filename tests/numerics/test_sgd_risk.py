"""boundlab.numerics.sgd_risk: the phase-wise closed form against the plain step-by-step recursion, the stability limit
against the isotropic formula 2/(tr S + 2 lambda_max), and clear SGDErrors. (Against real SGD runs:
tests/verify/test_sgd_shift.py.)"""
import math

import numpy as np
import pytest

from boundlab.numerics.sgd_risk import (Phase, SGDError, expected_risk, second_moment, spectral_radius, stability_limit,
                               step_decay)


def random_cov(rng, d, power=1.0):
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    s = np.arange(1, d + 1) ** -power
    return q @ np.diag(s / s.sum()) @ q.T


def stepwise(G, H, w, w0, sigma, phases):
    """The recursion of the module docstring, one step at a time (the definition, with no eigenbasis)."""
    B = np.outer(w0 - w, w0 - w)
    for ph in phases:
        S, g = {"G": G, "H": H}[ph.on], ph.gamma
        for _ in range(ph.steps):
            B = B - g * (S @ B + B @ S) + g * g * (2 * S @ B @ S + np.trace(S @ B) * S) + g * g * sigma ** 2 * S
    return B


@pytest.mark.parametrize("seed", range(4))
def test_closed_form_phases_equal_the_stepwise_recursion(seed):
    rng = np.random.default_rng(seed)
    d = 5
    G, H = random_cov(rng, d, 0.5), random_cov(rng, d, 2.0)
    w, w0 = rng.standard_normal(d), rng.standard_normal(d)
    phases = step_decay("G", 157, 0.5 / np.trace(G)) + [Phase("H", 0.3 / np.trace(H), 41)] + step_decay("H", 64, 0.2)
    B = second_moment(G, H, w, w0, 0.7, phases)
    ref = stepwise(G, H, w, w0, 0.7, phases)
    assert np.allclose(B, ref, rtol=1e-9, atol=1e-13)
    assert expected_risk(G, H, w, w0, 0.7, phases) == pytest.approx(np.trace(H @ ref), rel=1e-10)


def test_step_decay_halves_the_step_over_log2_T_phases():
    phases = step_decay("H", 100, 0.8)
    assert [p.steps for p in phases] == [15] * 6 + [10] and sum(p.steps for p in phases) == 100
    assert [p.gamma for p in phases] == [0.8 / 2 ** k for k in range(7)]
    assert step_decay("H", 0, 0.8) == []


@pytest.mark.parametrize("d", [1, 3, 10])
def test_stability_limit_isotropic(d):
    """For S = I_d the mean-square stability limit is 2/(tr S + 2 lambda_max) = 2/(d + 2) (note T2)."""
    assert stability_limit(np.eye(d)) == pytest.approx(2 / (d + 2), rel=1e-9)
    assert spectral_radius(np.eye(d), 0.99 * 2 / (d + 2)) < 1 < spectral_radius(np.eye(d), 1.01 * 2 / (d + 2))


def test_a_step_beyond_the_limit_is_an_error_that_says_the_risk_diverges():
    H = np.eye(3)
    with pytest.raises(SGDError, match=r"beyond the mean-square stability limit 0\.4 .*diverges"):
        expected_risk(None, H, np.ones(3), np.zeros(3), 1.0, [Phase("H", 0.41, 10)])
    ref = stepwise(None, H, np.ones(3), np.zeros(3), 1.0, [Phase("H", 0.41, 2000)])
    assert np.trace(ref) > 1e3  # the plain recursion does blow up there


@pytest.mark.parametrize("G, H, w, w0, phases, message", [
    (np.eye(3), np.eye(2), np.ones(2), np.zeros(2), [Phase("G", 0.1, 1)], "covariance G is 3 x 3"),
    (None, np.eye(3), np.ones(3), np.zeros(2), [Phase("H", 0.1, 1)], "start w0 has dimension 2"),
    (None, np.diag([1.0, -0.5]), np.ones(2), np.zeros(2), [Phase("H", 0.1, 1)], "not positive semidefinite"),
    (None, np.array([[1.0, 0.5], [0.0, 1.0]]), np.ones(2), np.zeros(2), [Phase("H", 0.1, 1)], "not symmetric"),
    (None, np.eye(2), np.ones(2), np.zeros(2), [Phase("G", 0.1, 1)], "covariance 'G', which was not given"),
    (None, np.eye(2), np.ones(2), np.zeros(2), [Phase("H", -0.1, 1)], "finite step size > 0"),
    (None, np.eye(2), np.ones(2), np.zeros(2), [Phase("H", 0.1, 2.5)], "whole number of steps"),
])
def test_bad_input_is_named(G, H, w, w0, phases, message):
    with pytest.raises(SGDError, match=message):
        expected_risk(G, H, w, w0, 0.5, phases)


def test_without_a_shift_the_matching_source_size_is_n():
    """G = H: pre-training is supervised learning, so M*(N) = N (note A4, row p = 1), to the 1% of the search."""
    from boundlab.numerics.sgd_risk import matching_source_size
    lam = np.arange(1, 21) ** -1.5
    H = np.diag(lam / lam.sum())
    for N in (30, 200):
        assert abs(matching_source_size(H, H, np.ones(20), 0.3, N) - N) <= max(1, 0.01 * N)


def test_an_unreachable_match_is_an_error():
    """A source that never sees the second direction cannot reach the supervised risk there."""
    from boundlab.numerics.sgd_risk import matching_source_size
    with pytest.raises(SGDError, match="does not reach the supervised risk"):
        matching_source_size(np.diag([1.0, 0.0]), np.eye(2) / 2, np.ones(2), 0.1, 50, max_M=4096)
