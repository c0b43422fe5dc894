"""boundlab.numerics.sgd_bound: the reconstructed bound (note A2), and wu2022.reconstructed_bound's formula over its
ingredients, against a second, coordinate-by-coordinate implementation in the commuting case, its linear-in-H form
against the full formula, and the adjoint risk forms against the forward recursion."""
import math

import numpy as np
import pytest

from boundlab.numerics.evaluate import evaluate
from boundlab.numerics.sgd_bound import bound, bound_forms, bound_ingredients, effective_size, pretraining_target_form
from boundlab.numerics.sgd_risk import SGDError, expected_risk, risk_forms, step_decay
from boundlab.theory.catalogue.wu2022 import reconstructed_bound


def scalar_bound(lam, mu, w, sigma, M, N, g0, g, alpha=3.0):
    """Note A2 for diagonal G = diag(mu), H = diag(lam), written one coordinate at a time with plain loops."""
    d = len(w)

    def contraction(s, T, gamma0):
        out = 1.0
        for ph in step_decay("x", T, gamma0):
            out *= (1 - ph.gamma * s) ** ph.steps
        return out

    def order(s):  # coordinates by decreasing eigenvalue, and the rank of each
        ranks = [0] * d
        for r, i in enumerate(sorted(range(d), key=lambda i: -s[i])):
            ranks[i] = r
        return ranks

    Me = M / max(1, math.log(M)) if M else 0
    Ne = N / max(1, math.log(N)) if N else 0
    kdag = sum(m >= 1 / (Me * g0) for m in mu) if M else 0
    kstar = sum(x >= 1 / (Ne * g) for x in lam) if N else 0
    rg, rh = order(mu), order(lam)
    pre = [contraction(mu[i], M, g0) for i in range(d)]
    ft = [contraction(lam[i], N, g) for i in range(d)]
    bias = sum(lam[i] * (ft[i] * pre[i] * w[i]) ** 2 for i in range(d))
    total = bias
    if N:
        D = kstar + Ne ** 2 * g ** 2 * sum(lam[i] ** 2 for i in range(d) if rh[i] >= kstar)
        excess = sum((pre[i] * w[i]) ** 2 / (Ne * g) if rh[i] < kstar else lam[i] * (pre[i] * w[i]) ** 2
                     for i in range(d))
        total += (sigma ** 2 + alpha * excess) * D / Ne
    if M:
        cpre = [1 / (Me * mu[i]) if rg[i] < kdag else Me * g0 ** 2 * mu[i] for i in range(d)]
        excess = sum(w[i] ** 2 / (Me * g0) if rg[i] < kdag else mu[i] * w[i] ** 2 for i in range(d))
        total += (sigma ** 2 + alpha * excess) * sum(ft[i] ** 2 * lam[i] * cpre[i] for i in range(d))
    return total


@pytest.mark.parametrize("M, N", [(0, 0), (5000, 0), (0, 300), (2000, 100), (1, 1), (100_000, 10_000)])
def test_commuting_bound_equals_the_coordinatewise_formula(M, N):
    rng = np.random.default_rng(M + N)
    d = 9
    lam, mu = rng.dirichlet(np.ones(d)), rng.dirichlet(np.ones(d) * 0.3) + 1e-4
    w = rng.standard_normal(d)
    g0, g = 1 / (12 * mu.sum()), 1 / (12 * lam.sum())
    got = bound(np.diag(mu), np.diag(lam), w, 0.7, M, N, g0, g)
    assert got == pytest.approx(scalar_bound(lam, mu, w, 0.7, M, N, g0, g), rel=1e-10)


@pytest.mark.parametrize("M, N", [(0, 0), (5000, 0), (0, 300), (2000, 100), (1, 1), (100_000, 10_000)])
def test_the_claims_formula_over_the_ingredients_equals_the_coordinatewise_formula(M, N):
    """wu2022.reconstructed_bound's right-hand side, evaluated on bound_ingredients, is note A2 written one
    coordinate at a time, with either stage empty too."""
    rng = np.random.default_rng(M + N + 1)
    d = 9
    lam, mu = rng.dirichlet(np.ones(d)), rng.dirichlet(np.ones(d) * 0.3) + 1e-4
    w = rng.standard_normal(d)
    g0, g = 1 / (12 * mu.sum()), 1 / (12 * lam.sum())
    values = bound_ingredients(np.diag(mu), np.diag(lam), w, M, N, g0, g)
    claim = reconstructed_bound
    env = {q.symbol: values[q.name] for q in claim.quantities if q.name in values}
    env[claim.param("sigma").symbol] = 0.7
    assert float(evaluate(claim.right.expr, env)) == pytest.approx(scalar_bound(lam, mu, w, 0.7, M, N, g0, g),
                                                                   rel=1e-10)


def test_the_bound_does_not_depend_on_the_basis():
    """Rotating G, H and w* together changes nothing."""
    rng = np.random.default_rng(1)
    d = 7
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    a, b = rng.standard_normal((d, d)), rng.standard_normal((d, d))
    G, H, w = a @ a.T / d, b @ b.T / d, rng.standard_normal(d)
    args = (3000, 200, 1 / (12 * np.trace(G)), 1 / (12 * np.trace(H)))
    assert bound(q @ G @ q.T, q @ H @ q.T, q @ w, 0.3, *args) == pytest.approx(bound(G, H, w, 0.3, *args), rel=1e-9)


def test_without_fine_tuning_the_bound_is_linear_in_the_target_covariance():
    """tr(H K_b) (pretraining_target_form) equals the full bound at N = 0 for any H, including rank one."""
    rng = np.random.default_rng(2)
    d = 6
    a = rng.standard_normal((d, d))
    G, w, g0 = a @ a.T / d, rng.standard_normal(d), 1 / (12 * np.trace(a @ a.T / d))
    Kb = pretraining_target_form(G, w, 0.4, 4000, g0)
    for H in (np.eye(d), np.outer(w, w), (lambda b: b @ b.T)(rng.standard_normal((d, 3)))):
        assert np.trace(H @ Kb) == pytest.approx(bound(G, H, w, 0.4, 4000, 0, g0, 1.0), rel=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_adjoint_risk_forms_equal_the_forward_recursion(seed):
    """w*^T Phi w* + sigma^2 phi0 (backwards from H) = the forward expected risk, for non-commuting G, H."""
    rng = np.random.default_rng(seed)
    d = 8
    a, b = rng.standard_normal((d, d)), rng.standard_normal((d, d))
    G, H = a @ a.T / d ** 2, b @ b.T / d ** 2
    phases = step_decay("G", 3000, 0.1 / np.trace(G)) + step_decay("H", 500, 0.2 / np.trace(H))
    phi, phi0 = risk_forms(G, H, phases)
    for _ in range(3):
        w, s = rng.standard_normal(d), rng.uniform(0, 2)
        assert w @ phi @ w + s ** 2 * phi0 == pytest.approx(
            expected_risk(G, H, w, np.zeros(d), s, phases), rel=1e-9)


def test_the_bound_is_a_quadratic_form_in_teacher_and_noise():
    rng = np.random.default_rng(3)
    d = 5
    G, H = np.diag(rng.uniform(0.1, 1, d)), np.diag(rng.uniform(0.1, 1, d))
    psi, psi0 = bound_forms(G, H, 800, 60, 0.05, 0.05)
    w = rng.standard_normal(d)
    assert bound(G, H, w, 0.9, 800, 60, 0.05, 0.05) == pytest.approx(w @ psi @ w + 0.81 * psi0, rel=1e-12)
    assert np.linalg.eigvalsh(psi).min() > 0


def test_effective_sample_size_conventions():
    assert effective_size(0) == 0 and effective_size(2) == 2  # ln 2 < 1: no division below e
    assert effective_size(10_000) == pytest.approx(10_000 / math.log(10_000))
    assert effective_size(10_000, "phases") == pytest.approx(10_000 / 14)  # ceil(log2 1e4) = 14 phases
    with pytest.raises(SGDError, match="effective sample size must be one of"):
        effective_size(10, "log10")


@pytest.mark.parametrize("G, H, message", [
    (np.eye(3), np.eye(2), "differ in size"),
    (np.diag([1.0, -1.0]), np.eye(2), "not positive semidefinite"),
])
def test_bad_input_is_named(G, H, message):
    with pytest.raises(SGDError, match=message):
        bound(G, H, np.ones(2), 0.1, 10, 10, 0.1, 0.1)
