"""verify/worstcase.py: worst-case constants of catalogue claims, against truths computed here from the witness's
own instance (numpy pseudo-inverse and eigensolvers), and its failures as ERROR verdicts."""
import numpy as np
import pytest
import scipy.linalg

from theory import Registry
from verify.verdict import CERTIFIED, ERROR
from verify.worstcase import AGREEMENT, run_worstcase

REG = Registry.catalogue()
CASES = [(c.id, i) for c in REG if c.worstcase for i in range(len(c.grid))]


def independent_constant(target: str, x: np.ndarray, sigma: np.ndarray) -> float:
    """sup over unit Delta of L, or sup over Delta of L / L_S, from X and Sigma alone."""
    null = np.eye(x.shape[1]) - np.linalg.pinv(x, rcond=1e-10) @ x
    risk = null @ sigma @ null
    if target == "L":
        return float(np.linalg.eigvalsh(risk)[-1])
    return float(scipy.linalg.eigh(risk, sigma, eigvals_only=True)[-1])


@pytest.mark.parametrize("cid, point", CASES, ids=[f"{c}@{i}" for c, i in CASES])
def test_certified_constant_matches_an_independent_eigenvalue_and_replays(cid, point):
    claim = REG.get(cid)
    res = run_worstcase(claim, seed=3, point_index=point)
    assert res.verdict == CERTIFIED, res.evidence
    ev, w = res.evidence, res.witness
    x, sigma, delta = np.array(w["X"]), np.array(w["Sigma"]), np.array(w["Delta"])
    truth = independent_constant(claim.worstcase, x, sigma)
    assert ev["constant"] == pytest.approx(truth, rel=AGREEMENT)
    assert ev["relative_difference"] <= AGREEMENT and ev["replay_relative_difference"] <= AGREEMENT
    assert ev["status"] == "optimal" and ev["solver"] == "CLARABEL"
    assert {"primal_residual", "dual_residual", "gap"} <= set(ev["diagnostics"])
    # the witness attains the constant on the instance, computed here without the scenario
    null = np.eye(x.shape[1]) - np.linalg.pinv(x, rcond=1e-10) @ x
    risk = (null @ delta) @ sigma @ (null @ delta)
    value = risk / (delta @ sigma @ delta if claim.worstcase == "L/L_S" else delta @ delta)
    assert value == pytest.approx(truth, rel=1e-6)
    if claim.worstcase == "L/L_S":
        assert truth >= 1 - 1e-9  # shared/papers/shachaf2021.md 3.9: a nonzero idempotent has norm >= 1


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
    from theory import Claim
    from theory.catalogue.shachaf2021 import worst_risk

    noisy = Claim(**{k: getattr(worst_risk, k) for k in ("title", "lhs", "rel", "rhs", "provenance", "quantities",
                                                         "statistic", "scenario", "worstcase")},
                  id="t.noisy", grid=({"d": 10, "n": 3, "s": 0.5},))
    res = run_worstcase(noisy)
    assert res.verdict == ERROR and "s = 0" in res.evidence["error"]
