"""boundlab.numerics.deterministic_equivalent against the closed forms of Hastie, Montanari, Rosset and Tibshirani for
isotropic features (our study notes on linear transfer, C4), and its fixed point. (Against simulation: the catalogue
claims classical.ridgeless_equivalent and classical.projection_equivalent.)"""
import math

import numpy as np
import pytest

from boundlab.numerics.deterministic_equivalent import effective_regularisation, ridge_equivalent


@pytest.mark.parametrize("d, n", [(300, 150), (1000, 250), (61, 60)])
def test_isotropic_ridgeless_matches_hmrt(d, n):
    """gamma = d/n > 1: R = r^2 (1 - 1/gamma) + sigma^2/(gamma - 1)."""
    gamma, r2, sigma = d / n, 1.7, 0.6
    beta = np.full(d, math.sqrt(r2 / d))
    de = ridge_equivalent(np.ones(d), beta, sigma, n)
    assert de.kappa == pytest.approx(gamma - 1, rel=1e-10)
    assert de.bias == pytest.approx(r2 * (1 - 1 / gamma), rel=1e-9)
    assert de.variance == pytest.approx(sigma ** 2 / (gamma - 1), rel=1e-9)


@pytest.mark.parametrize("d, n, ridge", [(300, 150, 0.3), (100, 400, 0.05), (50, 50, 1.0)])
def test_isotropic_ridge_matches_hmrt(d, n, ridge):
    """kappa = [gamma + lambda - 1 + sqrt((1 - lambda - gamma)^2 + 4 lambda)]/2, R = (kappa^2 r^2 + sigma^2 gamma)
    / ((1 + kappa)^2 - gamma); the note's MC check at d = 300, n = 150, lambda = 0.3 gave 0.76438 vs 0.76471."""
    gamma, r2, sigma = d / n, 1.0, math.sqrt(0.5)
    kappa = (gamma + ridge - 1 + math.sqrt((1 - ridge - gamma) ** 2 + 4 * ridge)) / 2
    de = ridge_equivalent(np.ones(d), np.full(d, math.sqrt(r2 / d)), sigma, n, ridge)
    assert de.kappa == pytest.approx(kappa, rel=1e-10)
    assert de.risk == pytest.approx((kappa ** 2 * r2 + sigma ** 2 * gamma) / ((1 + kappa) ** 2 - gamma), rel=1e-9)
    if (d, n) == (300, 150):
        assert de.risk == pytest.approx(0.76471, abs=1e-5)


def test_fixed_point_holds_for_a_power_law():
    s = np.arange(1, 601) ** -1.0
    k = effective_regularisation(s, 200)
    assert k - k / 200 * np.sum(s / (s + k)) == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize("s, n, ridge, message", [
    (np.ones(5), 8, 0.0, "features outnumber the samples"),
    (np.ones(5), 0, 0.1, "need n >= 1"),
    (np.array([1.0, -1.0]), 1, 0.1, "non-negative finite spectrum"),
])
def test_bad_input(s, n, ridge, message):
    with pytest.raises(ValueError, match=message):
        effective_regularisation(s, n, ridge)
