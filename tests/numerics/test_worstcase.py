"""Tests for boundlab.numerics.worstcase: the SDP value against independent truths (eigensolvers, hand computation, search)."""
import json

import numpy as np
import pytest

from boundlab.numerics.worstcase import SolverError, WorstCase, max_rayleigh, max_rayleigh_eig

SCS_STATUSES = ("solver_error", "optimal_inaccurate", "infeasible", "unbounded", "infeasible_inaccurate",
                "unbounded_inaccurate", "user_limit")


def random_pair(seed, d, identity_b):
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((d, d))
    A = (M + M.T) / 2
    if identity_b:
        return A, None
    N = rng.standard_normal((d, d))
    return A, N @ N.T / d + 0.3 * np.eye(d)


def search_lower_bound(A, B, seed, n_random=2000, n_power=300):
    """Crude lower bound: best Rayleigh quotient over random vectors and shifted power iterates of B^{-1} A."""
    rng = np.random.default_rng(seed + 1000)
    d = A.shape[0]

    def ratio(V):
        return np.einsum("ij,jk,ik->i", V, A, V) / np.einsum("ij,jk,ik->i", V, B, V)

    best = float(np.max(ratio(rng.standard_normal((n_random, d)))))
    shift = np.linalg.norm(np.linalg.solve(B, A), 1)  # >= every |eigenvalue| of B^{-1} A, so the top one dominates
    x = rng.standard_normal(d)
    for _ in range(n_power):
        x = np.linalg.solve(B, (A + shift * B) @ x)
        x /= np.linalg.norm(x)
    return max(best, float(ratio(x[None, :])[0]))


@pytest.mark.parametrize("identity_b", [True, False])
@pytest.mark.parametrize("d", [2, 5, 20])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_instances_match_independent_truths(seed, d, identity_b):
    A, B = random_pair(seed, d, identity_b)
    Bm = np.eye(d) if B is None else B
    res = max_rayleigh(A, B)
    eig_value, eig_vec = max_rayleigh_eig(A, B)
    assert res.status == "optimal" and res.solver == "CLARABEL"
    assert res.constant == pytest.approx(eig_value, rel=1e-6, abs=1e-9)
    assert res.witness_value == pytest.approx(res.constant, rel=1e-6, abs=1e-9)
    assert res.witness @ Bm @ res.witness == pytest.approx(1.0, rel=1e-12)
    assert eig_vec @ Bm @ eig_vec == pytest.approx(1.0, rel=1e-10)
    assert res.diagnostics["dual_residual"] < 1e-6
    assert res.diagnostics["primal_residual"] < 1e-6
    assert res.diagnostics["gap"] < 1e-6
    assert res.diagnostics["certified_upper"] >= eig_value - 1e-9 * max(1.0, abs(eig_value))
    # Third truth, independent of both SDP and scipy's generalised eigensolver.
    lower = search_lower_bound(A, Bm, seed)
    assert lower <= res.constant + 1e-7 * max(1.0, abs(res.constant))
    L = np.linalg.cholesky(Bm)
    Linv = np.linalg.inv(L)
    assert res.constant == pytest.approx(np.linalg.eigvalsh(Linv @ A @ Linv.T)[-1], rel=1e-6, abs=1e-9)
    if B is None:
        assert res.constant == pytest.approx(np.linalg.eigvalsh(A)[-1], rel=1e-6, abs=1e-9)


def test_hand_computed_diagonal_case():
    # (3 x^2 + y^2) / (x^2 + 4 y^2) <= 3, equality iff y = 0.
    res = max_rayleigh(np.diag([3.0, 1.0]), np.diag([1.0, 4.0]))
    assert res.constant == pytest.approx(3.0, rel=1e-7)
    assert res.dual_bound == pytest.approx(3.0, rel=1e-7)
    np.testing.assert_allclose(res.witness, [1.0, 0.0], atol=1e-4)
    assert res.diagnostics["rank1_ratio"] < 1e-4
    assert max_rayleigh_eig(np.diag([3.0, 1.0]), np.diag([1.0, 4.0]))[0] == pytest.approx(3.0, rel=1e-14)


def test_rank_deficient_outer_product():
    u = np.array([1.0, -2.0, 0.5, 3.0])
    res = max_rayleigh(np.outer(u, u))
    assert res.constant == pytest.approx(u @ u, rel=1e-7)  # = 14.25
    cos = abs(res.witness @ u) / (np.linalg.norm(res.witness) * np.linalg.norm(u))
    assert cos == pytest.approx(1.0, abs=1e-6)


def test_negative_definite_sign_of_dual():
    # sup is negative here; the dual multiplier must still be the upper bound t with t I - A PSD.
    A = -np.diag([1.0, 2.0, 3.0])
    res = max_rayleigh(A)
    assert res.constant == pytest.approx(-1.0, rel=1e-7)
    assert res.dual_bound == pytest.approx(-1.0, rel=1e-6)
    assert res.diagnostics["dual_residual"] < 1e-7


def test_badly_scaled_input():
    A, B = random_pair(3, 6, identity_b=False)
    res = max_rayleigh(1e6 * A, 1e-3 * B)
    assert res.constant == pytest.approx(max_rayleigh_eig(1e6 * A, 1e-3 * B)[0], rel=1e-6)


def test_scs_solver_option():
    A, B = random_pair(4, 5, identity_b=False)
    res = max_rayleigh(A, B, solver="SCS", eps_abs=1e-9, eps_rel=1e-9, max_iters=100000)
    assert res.solver == "SCS" and res.status == "optimal"
    assert res.constant == pytest.approx(max_rayleigh_eig(A, B)[0], rel=1e-5)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_solver_error_on_inaccurate_solve():
    A, B = random_pair(0, 5, identity_b=False)
    with pytest.raises(SolverError, match=r"SCS.*'optimal_inaccurate'"):
        max_rayleigh(A, B, solver="SCS", max_iters=1)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_solver_error_on_truncated_scs(seed):
    # With 2 iterations SCS stops either "optimal_inaccurate" or fails outright (cvxpy SolverError); never a number.
    A, B = random_pair(seed, 5, identity_b=False)
    with pytest.raises(SolverError) as info:
        max_rayleigh(A, B, solver="SCS", max_iters=2)
    msg = str(info.value)
    assert "SCS" in msg and any(f"'{s}'" in msg for s in SCS_STATUSES), msg


@pytest.mark.parametrize("fn", [max_rayleigh, max_rayleigh_eig])
@pytest.mark.parametrize(
    "A, B, pattern",
    [
        (np.eye(2), np.diag([1.0, 0.0]), "B must be positive definite; the ratio is unbounded or undefined"),
        (np.eye(2), np.diag([1.0, -1.0]), "B must be positive definite.*smallest eigenvalue of B = -1"),
        (np.eye(2), np.eye(3), "same shape"),
        (np.ones((2, 3)), None, "square"),
        (np.array([[1.0, np.nan], [np.nan, 1.0]]), None, "A has non-finite"),
        (np.eye(2), np.array([[1.0, 0.0], [0.0, np.inf]]), "B has non-finite"),
        (np.array([[1.0, 2.0], [0.0, 1.0]]), None, "A must be symmetric"),
        (np.eye(2), np.array([[1.0, 0.1], [0.0, 1.0]]), "B must be symmetric"),
    ],
)
def test_invalid_inputs(fn, A, B, pattern):
    with pytest.raises(ValueError, match=pattern):
        fn(A, B)


def test_tiny_asymmetry_is_tolerated_and_symmetrised():
    A = np.array([[2.0, 1.0], [1.0 + 1e-13, 0.0]])
    assert max_rayleigh(A).constant == pytest.approx(1.0 + np.sqrt(2.0), rel=1e-7)


def test_json_round_trip():
    A, B = random_pair(5, 4, identity_b=False)
    res = max_rayleigh(A, B)
    back = json.loads(json.dumps(res.to_json()))
    assert back["constant"] == res.constant and back["dual_bound"] == res.dual_bound
    assert back["witness"] == res.witness.tolist() and back["status"] == "optimal"
    assert set(back["diagnostics"]) >= {"primal_residual", "dual_residual", "gap", "iterations", "rank1_ratio"}
    assert "seconds" not in back and res.seconds > 0
    assert isinstance(res, WorstCase) and res.witness.dtype == np.float64


def test_repeated_top_eigenvalue():
    """A projector-like form with a 30-fold top eigenvalue (as (I-P) Sigma (I-P) for isotropic Sigma)."""
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.standard_normal((40, 30)))
    a = q @ q.T
    value, vec = max_rayleigh_eig(a)
    assert value == pytest.approx(1.0, rel=1e-12)
    assert vec @ a @ vec == pytest.approx(1.0, rel=1e-10)
    assert max_rayleigh(a).constant == pytest.approx(1.0, rel=1e-6)
