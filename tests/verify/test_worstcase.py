"""verify/worstcase.py: worst-case constants of catalogue claims, against truths computed here from the witness's
own instance (numpy pseudo-inverse and eigensolvers; for SGD, the forward recursion polarised, not the adjoint), and
its failures as ERROR verdicts."""
import numpy as np
import pytest
import scipy.linalg

from boundlab.theory import Registry
from boundlab.verify.verdict import CERTIFIED, ERROR
from boundlab.verify.worstcase import AGREEMENT, run_worstcase

REG = Registry.catalogue()
CASES = [(c.id, i) for c in REG if c.worstcase for i in range(len(c.grid))]


def shachaf_truth(target: str, w: dict) -> tuple[float, float]:
    """sup over unit Delta of L, or over Delta of L / L_S, from X and Sigma alone; and the witness's own value."""
    x, sigma, delta = np.array(w["X"]), np.array(w["Sigma"]), np.array(w["Delta"])
    null = np.eye(x.shape[1]) - np.linalg.pinv(x, rcond=1e-10) @ x
    risk = null @ sigma @ null
    ratio = target == "L/L_S"
    truth = float(scipy.linalg.eigh(risk, sigma, eigvals_only=True)[-1] if ratio else np.linalg.eigvalsh(risk)[-1])
    value = (null @ delta) @ sigma @ (null @ delta) / (delta @ sigma @ delta if ratio else delta @ delta)
    if ratio:
        assert truth >= 1 - 1e-9  # our study notes on Shachaf et al. (2021) 3.9: a nonzero idempotent has norm >= 1
    return truth, value


def polarise(f, d: int) -> np.ndarray:
    """The symmetric matrix of a quadratic form f, from its values at e_i and e_i + e_j."""
    eye = np.eye(d)
    diag = np.array([f(eye[i]) for i in range(d)])
    Q = np.diag(diag)
    for i in range(d):
        for j in range(i + 1, d):
            Q[i, j] = Q[j, i] = (f(eye[i] + eye[j]) - diag[i] - diag[j]) / 2
    return Q


def sgd_truth(vary: str, w: dict) -> tuple[float, float]:
    """The worst ratio exact/bound with the exact risk from the forward recursion, not the adjoint forms: over
    (w*, sigma) by polarising risk and bound in w*; over H = h h^T with K from the plain step-by-step recursion
    (tests/numerics/test_sgd_risk.stepwise) and K_b by polarising the full bound in H."""
    from boundlab.numerics.sgd_bound import bound
    from boundlab.numerics.sgd_risk import expected_risk, step_decay
    from tests.numerics.test_sgd_risk import stepwise

    G, H, ws, s = np.array(w["G"]), np.array(w["H"]), np.array(w["w_star"]), w["sigma"]
    M, N, g0, g = w["M"], w["N"], w["gamma0"], w["gamma"]
    d, zero = len(ws), np.zeros(len(ws))
    phases = step_decay("G", M, g0) + step_decay("H", N, g)
    if vary == "teacher":
        phi = polarise(lambda v: expected_risk(G, H, v, zero, 0.0, phases), d)
        psi = polarise(lambda v: bound(G, H, v, 0.0, M, N, g0, g), d)
        phi0, psi0 = expected_risk(G, H, zero, zero, 1.0, phases), bound(G, H, zero, 1.0, M, N, g0, g)
        truth = max(scipy.linalg.eigh(phi, psi, eigvals_only=True)[-1], phi0 / psi0)
        v = np.array(w["(w*, sigma)"])
        return float(truth), (v[:-1] @ phi @ v[:-1] + v[-1] ** 2 * phi0) / (v[:-1] @ psi @ v[:-1] + v[-1] ** 2 * psi0)
    K = stepwise(G, None, ws, zero, s, phases)
    Kb = polarise(lambda h: bound(G, np.outer(h, h), ws, s, M, 0, g0, g), d)
    h = np.array(w["h"])
    return float(scipy.linalg.eigh(K, Kb, eigvals_only=True)[-1]), (h @ K @ h) / (h @ Kb @ h)


def relu_ntk_truth(w: dict) -> tuple[float, float]:
    """sup over Delta in row(X) of r^T H_inf^{-1} r / |P_X Delta|^2, r = X Delta, from X alone: the largest
    generalised eigenvalue of (X X^T, H_inf) = lambda_max(H^-1/2 X X^T H^-1/2), with H_inf by note 2.3's arcsin
    decomposition (not the scenario's arccos form) and P_X by numpy's pseudo-inverse; and the witness's own ratio."""
    x, z, q = np.array(w["X"]), np.array(w["z"]), np.array(w["Q"])
    g = np.clip(x @ x.T, -1, 1)
    np.fill_diagonal(g, 1.0)  # unit rows
    h = g / 4 + g * np.arcsin(g) / (2 * np.pi)
    truth = float(scipy.linalg.eigh(g, h, eigvals_only=True)[-1])
    assert truth <= 4 + 1e-9  # the inequality of our study notes on Shachaf et al. (2021) 2.3
    delta = q @ z
    r = x @ delta
    proj = np.linalg.pinv(x, rcond=1e-10) @ (x @ delta)
    return truth, float(r @ np.linalg.solve(h, r) / (proj @ proj))


@pytest.mark.parametrize("cid, point", CASES, ids=[f"{c}@{i}" for c, i in CASES])
def test_certified_constant_matches_an_independent_eigenvalue_and_replays(cid, point):
    claim = REG.get(cid)
    res = run_worstcase(claim, seed=3, point_index=point)
    assert res.verdict == CERTIFIED, res.evidence
    ev = res.evidence
    if claim.scenario == "sgd_shift":
        truth, value = sgd_truth(claim.grid[point].get("vary", "teacher"), res.witness)
    elif claim.scenario == "relu_ntk":
        truth, value = relu_ntk_truth(res.witness)
    else:
        truth, value = shachaf_truth(claim.worstcase, res.witness)
    assert ev["constant"] == pytest.approx(truth, rel=AGREEMENT)
    assert ev["relative_difference"] <= AGREEMENT and ev["replay_relative_difference"] <= AGREEMENT
    assert ev["status"] == "optimal" and ev["solver"] == "CLARABEL"
    assert {"primal_residual", "dual_residual", "gap"} <= set(ev["diagnostics"])
    assert value == pytest.approx(truth, rel=1e-6)  # the witness attains the constant, computed here


def test_scs_gives_the_same_constant():
    claim = REG.get("shachaf2021.worst_risk")
    a = run_worstcase(claim, seed=1, solver="CLARABEL")
    b = run_worstcase(claim, seed=1, solver="SCS", eps_abs=1e-8, eps_rel=1e-8, max_iters=200000)
    assert a.verdict == b.verdict == CERTIFIED
    assert b.evidence["constant"] == pytest.approx(a.evidence["constant"], rel=1e-6)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_solver_that_stops_early_gives_error_not_a_number():
    res = run_worstcase(REG.get("shachaf2021.worst_ratio"), solver="SCS", max_iters=2)
    assert res.verdict == ERROR
    err = res.evidence["error"]
    assert "SCS" in err and ("no value is reported" in err or "failed" in err), err
    assert "constant" not in res.evidence


@pytest.mark.parametrize("cid, kwargs, message", [
    ("shachaf2021.isotropic_risk_mean", {}, "has no worst-case program"),
    ("shachaf2021.worst_risk", {"point_index": 99}, "grid point 99 does not exist"),
])
def test_bad_requests_are_errors_naming_the_claim(cid, kwargs, message):
    res = run_worstcase(REG.get(cid), **kwargs)
    assert res.verdict == ERROR and res.evidence["error"].startswith(f"claim {cid}") and message in \
        res.evidence["error"]


def test_label_noise_has_no_quadratic_form(tmp_path):
    from boundlab.theory import Claim
    from boundlab.theory.catalogue.shachaf2021 import worst_risk

    noisy = Claim(**{k: getattr(worst_risk, k) for k in ("title", "lhs", "rel", "rhs", "provenance", "quantities",
                                                         "statistic", "scenario", "worstcase")},
                  id="t.noisy", grid=({"d": 10, "n": 3, "s": 0.5},))
    res = run_worstcase(noisy)
    assert res.verdict == ERROR and "s = 0" in res.evidence["error"]


def test_the_constant_is_judged_against_the_claimed_bound_at_every_point():
    """A user's bound lam/8 on sup Q = lam/4 (the top eigenvalue of their own matrix, computed here by numpy): random
    directions never reach it, the worst-case program does, at every grid point, with the maximiser as witness."""
    from boundlab.theory import load_file
    from boundlab.verify.check import check
    from boundlab.verify.verdict import VIOLATED
    from boundlab.verify.worstcase import run_worst_cases

    module = load_file(__file__.rsplit("/", 2)[0] + "/data/user_worstcase.py")
    for claim, factor in ((module.halved, 8), (module.exact, 4)):
        results = run_worst_cases(claim)
        assert len(results) == len(claim.grid) == 2
        for res, point in zip(results, claim.grid):
            top = float(np.linalg.eigvalsh(module.spectrum(point["lam"]) * np.eye(module.D))[-1])
            assert res.evidence["constant"] == pytest.approx(top, rel=1e-6)
            assert res.evidence["bound"] == pytest.approx(point["lam"] / factor)
            assert res.verdict == (VIOLATED if top > point["lam"] / factor else CERTIFIED), res.evidence
    res = check(module.halved)
    assert res.verdict == VIOLATED and res.witness["bound"] == pytest.approx(0.5 / 8)
    v = np.array(res.witness["v"])
    assert v @ np.diag(module.spectrum(0.5)) @ v > 0.5 / 8  # the witness itself breaks the bound
    assert check(module.exact).verdict == "CONSISTENT"


def test_a_bound_written_as_a_multiple_of_the_denominator_is_divided_out():
    """`L <= c L_S` with worstcase "L/L_S" bounds sup L/L_S by c; `sup_L <= op_gap` takes op_gap from the instance."""
    from boundlab.theory import Claim
    from boundlab.theory.catalogue.shachaf2021 import L, L_S, worst_ratio, worst_risk
    from boundlab.verify.worstcase import claimed_bound

    multiple = Claim(id="t.multiple", title="L <= 4 L_S", lhs="L", rel="<=", rhs="4*L_S", quantities=(L, L_S),
                     **{k: getattr(worst_ratio, k) for k in ("provenance", "statistic", "scenario", "grid",
                                                             "worstcase")})
    assert claimed_bound(multiple, "L", "L_S", {}, {"L": 2.0, "L_S": 3.0}) == 4.0
    assert claimed_bound(worst_risk, "L", None, {}, {"op_gap": 0.7}) == 0.7
    with pytest.raises(Exception, match="gives no value for op_gap"):
        claimed_bound(worst_risk, "L", None, {}, {})
