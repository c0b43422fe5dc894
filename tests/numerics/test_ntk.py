"""numerics/ntk.py: H_inf against a Monte Carlo average of the empirical NTK over Gaussian first-layer weights, and
against the arcsin decomposition of our study notes on Shachaf et al. (2021) 2.3 (a second derivation); positive definiteness."""
import math

import numpy as np
import pytest
import torch

from boundlab.numerics.ntk import empirical_ntk, inverse_form, lambda_min, ntk_gram, relative_op_gap


def sphere_points(n, d, seed):
    g = np.random.default_rng(seed).standard_normal((n, d))
    return g / np.linalg.norm(g, axis=1, keepdims=True)


def monte_carlo_ntk(x, draws, seed):
    """E_w[x_i^T x_j 1{w.x_i > 0} 1{w.x_j > 0}], w ~ N(0, I), estimated from `draws` Gaussian weights (numpy), with
    the standard error of each entry."""
    w = np.random.default_rng(seed).standard_normal((draws, x.shape[1]))
    both = np.zeros((x.shape[0], x.shape[0]))
    for chunk in np.array_split(w, 20):
        act = (x @ chunk.T > 0).astype(float)  # (n, chunk)
        both += act @ act.T
    p = both / draws
    gram = x @ x.T
    return gram * p, np.abs(gram) * np.sqrt(p * (1 - p) / draws)


@pytest.mark.parametrize("n, d, seed", [(6, 3, 0), (5, 10, 1), (8, 2, 2)])
def test_h_inf_is_the_mean_of_the_empirical_ntk_over_gaussian_weights(n, d, seed):
    x = sphere_points(n, d, seed)
    mc, se = monte_carlo_ntk(x, 400_000, seed + 10)
    h = ntk_gram(torch.as_tensor(x)).numpy()
    assert np.all(np.abs(h - mc) <= 5 * se + 1e-12), np.max(np.abs(h - mc) / (se + 1e-12))


def test_empirical_ntk_is_the_gram_matrix_of_the_parameter_gradients():
    """K = J J^T with J the Jacobian of f(x_i) in the first layer, by autograd, for f = (1/sqrt m) sum a_r relu(w_r.x)."""
    torch.manual_seed(0)
    x = torch.as_tensor(sphere_points(7, 4, 3))
    m = 50
    w = torch.randn(m, 4, dtype=torch.float64, requires_grad=True)
    a = torch.where(torch.rand(m) < 0.5, -1.0, 1.0).to(torch.float64)
    rows = []
    for i in range(x.shape[0]):
        f = torch.relu(w @ x[i]) @ a / math.sqrt(m)
        (g,) = torch.autograd.grad(f, w)
        rows.append(g.reshape(-1))
    jac = torch.stack(rows)
    assert torch.allclose(empirical_ntk(x, w.detach()), jac @ jac.T, atol=1e-13)


def test_arcsin_decomposition_second_derivation():
    """pi - arccos(u) = pi/2 + arcsin(u): H_inf = X X^T / 4 + (1/(2 pi)) (X X^T) o arcsin(X X^T), in numpy."""
    x = sphere_points(12, 4, 5)
    g = np.clip(x @ x.T, -1, 1)
    np.fill_diagonal(g, 1.0)  # unit rows (boundlab.numerics.ntk.unit_gram: arccos is ill-conditioned at 1)
    alt = g / 4 + g * np.arcsin(g) / (2 * np.pi)
    assert np.allclose(ntk_gram(torch.as_tensor(x)).numpy(), alt, atol=1e-15)
    assert np.linalg.eigvalsh(alt - g / 4)[0] >= -1e-14  # Schur product theorem


def test_batched_equals_one_at_a_time_and_orthogonal_points_give_half_identity():
    xs = torch.as_tensor(np.stack([sphere_points(6, 3, s) for s in range(4)]))
    batched = ntk_gram(xs)
    for b in range(4):
        assert torch.allclose(batched[b], ntk_gram(xs[b]), atol=0)
    assert torch.allclose(ntk_gram(torch.eye(5, dtype=torch.float64)), torch.eye(5, dtype=torch.float64) / 2)


def test_positive_definite_for_distinct_points_and_singular_for_duplicates():
    xs = torch.as_tensor(np.stack([sphere_points(30, 3, s) for s in range(20)]))
    assert bool((lambda_min(ntk_gram(xs)) > 0).all())
    x = sphere_points(5, 3, 7)
    x[4] = x[1]
    # exactly singular, up to arccos's amplification of the rounding of x_1^T x_4 (about 1e-16 -> 1e-9)
    assert abs(float(lambda_min(ntk_gram(torch.as_tensor(x))))) < 1e-8


def test_inverse_form_and_relative_gap_against_numpy():
    x = sphere_points(9, 4, 8)
    h = ntk_gram(torch.as_tensor(x)).numpy()
    r = np.random.default_rng(0).standard_normal(9)
    assert float(inverse_form(torch.as_tensor(h), torch.as_tensor(r))) == pytest.approx(r @ np.linalg.solve(h, r),
                                                                                         rel=1e-10)
    k = h + 0.01 * np.diag(np.arange(9.0))
    gap = float(relative_op_gap(torch.as_tensor(k), torch.as_tensor(h)))
    assert gap == pytest.approx(np.linalg.norm(k - h, 2) / np.linalg.norm(h, 2), rel=1e-12)
