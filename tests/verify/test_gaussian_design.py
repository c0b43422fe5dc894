"""The gaussian_design scenario: two estimates of one expectation agree, slips in the classical identities are
VIOLATED, and bad input gets a clear error."""
import numpy as np
import pytest
import torch
from pathlib import Path

from boundlab.numerics.deterministic_equivalent import effective_regularisation, ridge_equivalent
from boundlab.theory.catalogue.classical import projection_equivalent, ridgeless_equivalent
from boundlab.theory.registry import load_file
from boundlab.verify.check import check
from boundlab.verify.measure import formula_values
from boundlab.verify.scenarios import ScenarioError, get_scenario

SC = get_scenario("gaussian_design")


def rhs(claim, point, out):
    """The claim's right-hand side on measured values `out` at `point` (parameters taken from the point)."""
    env = {claim.param(k).symbol: float(v) for k, v in point.items() if k in claim.param_symbols}
    env.update({q.symbol: out[q.name] for q in claim.quantities if q.name in out})
    return formula_values(claim.right.expr, env, len(next(iter(out.values()))))


def right_quantities(claim):
    return {q.name for q in claim.quantities if q.symbol in claim.right.expr.free_symbols}


@pytest.mark.parametrize("point", [*ridgeless_equivalent.grid, {"d": 50, "n": 80, "spectrum": 2.0, "ridge": 0.3,
                                                                 "sigma": 1.5, "beta2": 0.5}])
def test_the_deterministic_equivalent_risk_in_the_formula_is_the_numerics_one(point):
    """classical.ridgeless_equivalent states the deterministic-equivalent risk over kappa, df2 and beta_res; on the
    same draw it equals boundlab.numerics.deterministic_equivalent's risk, computed from the spectrum and the
    teacher (drawn first from the generator when A and B are not needed)."""
    o = SC.resolve(point)
    out = SC.run(o, 3, torch.Generator().manual_seed(5), right_quantities(ridgeless_equivalent))
    u = torch.randn(o["d"], generator=torch.Generator().manual_seed(5), dtype=torch.float64).numpy()
    s = np.arange(1, o["d"] + 1) ** -o["spectrum"]
    want = ridge_equivalent(s, u * np.sqrt(o["beta2"]) / np.linalg.norm(u), o["sigma"], o["n"], o["ridge"]).risk
    assert rhs(ridgeless_equivalent, o, out) == pytest.approx(np.full(3, want), rel=1e-12)


@pytest.mark.parametrize("point", [*projection_equivalent.grid, {"d": 30, "n": 12, "spectrum": 0.5}])
def test_the_equivalent_projection_in_the_formula_is_the_trace_against_sigma_over_sigma_plus_kappa(point):
    """classical.projection_equivalent states tr(A Sigma (Sigma + kappa I)^-1) as tr(A) - kappa tr(A (Sigma + kappa
    I)^-1); on the same draw of A (the generator's first) it equals the trace computed directly."""
    o = SC.resolve(point)
    out = SC.run(o, 3, torch.Generator().manual_seed(6), right_quantities(projection_equivalent))
    w = torch.randn(o["d"], o["d"], generator=torch.Generator().manual_seed(6), dtype=torch.float64).numpy()
    s = np.arange(1, o["d"] + 1) ** -o["spectrum"]
    want = np.diagonal(w @ w.T / o["d"]) @ (s / (s + effective_regularisation(s, o["n"])))
    assert rhs(projection_equivalent, o, out) == pytest.approx(np.full(3, want), rel=1e-12)


@pytest.mark.parametrize("point", [{"d": 30, "n": 12, "spectrum": 1.0, "sigma": 0.8},
                                   {"d": 10, "n": 25, "spectrum": 0.5, "ridge": 0.1}])
def test_drawn_noise_and_noise_averaged_risk_agree(point):
    """The risk with drawn label noise and its exact average over the noise given X (note T3) estimate the same
    mean: their difference is within 4 standard errors."""
    out = SC.run(point, 6000, torch.Generator().manual_seed(0), {"risk", "noise_avg_risk"})
    diff = out["risk"] - out["noise_avg_risk"]
    assert abs(diff.mean()) < 4 * diff.std(ddof=1) / np.sqrt(diff.size)
    assert out["noise_avg_risk"].std() < out["risk"].std()


def test_slips_in_classical_identities_are_violated():
    module = load_file(Path(__file__).resolve().parents[1] / "data" / "wrong_classical.py")
    for claim in (module.isserlis_without_two, module.wishart_second_shifted, module.minnorm_variance_shifted,
                  module.equivalent_at_small_n):
        res = check(claim, quick=True)
        assert res.verdict == "VIOLATED", (claim.id, res.evidence)


@pytest.mark.parametrize("point, wanted, message", [
    ({"d": 5, "n": 6}, "tr_inv", "needs n >= 7"),
    ({"d": 5, "n": 8}, "tr_inv2", "needs n >= 9"),
    ({"d": 5, "n": 8}, "kappa", "features outnumber the samples"),
    ({"d": 0, "n": 8}, "tr_A", r"input d = 0 is outside \[1, inf\)"),
    ({"d": 3, "n": 8, "sigma": -1.0}, "tr_A", r"input sigma = -1.0 is outside \[0, inf\)"),
    ({"d": 3, "n": 8, "probe": "bottom"}, "tr_A", "input probe must be 'random' or 'top', got 'bottom'"),
    ({"d": 3, "n": 8, "rank": 2}, "tr_A", "does not take rank"),
])
def test_bad_input_is_named(point, wanted, message):
    with pytest.raises(ScenarioError, match=message):
        SC.run(point, 4, torch.Generator().manual_seed(0), {wanted})


def test_a_wide_design_at_the_papers_scale_needs_no_d_by_d_matrix():
    """d = 20000 features, n = 100 samples (an overparameterised instance of the papers' size): the minimum-norm
    risk's noise average against the textbook isotropic formula beta2 (1 - n/d) + sigma^2 n/(d - n - 1), and the
    ridge risk against the deterministic equivalent within 1%. A 20000 x 20000 float64 matrix is 3.2 GB, so the
    risks must run on n x n systems (`measure` draws Sigma in its eigenbasis and A, B only when asked)."""
    d, n, sigma = 20000, 100, 0.5
    out = SC.run({"d": d, "n": n, "sigma": sigma}, 8, torch.Generator().manual_seed(1), {"noise_avg_risk"})
    v = out["noise_avg_risk"]
    want = 1 - n / d + sigma ** 2 * n / (d - n - 1)
    assert abs(v.mean() - want) < 5 * v.std(ddof=1) / np.sqrt(v.size) + 1e-12
    point = {"d": d, "n": n, "sigma": sigma, "ridge": 0.1, "spectrum": 1.0}
    ridge = SC.run(point, 8, torch.Generator().manual_seed(2), {"noise_avg_risk", "kappa", "df2", "beta_res"})
    assert ridge["noise_avg_risk"].mean() == pytest.approx(rhs(ridgeless_equivalent, point, ridge)[0], rel=0.01)


@pytest.mark.parametrize("point", [{"d": 12, "n": 5, "spectrum": 1.0, "ridge": 0.2},
                                   {"d": 5, "n": 12, "spectrum": 1.0, "ridge": 0.2},
                                   {"d": 12, "n": 5, "spectrum": 1.0}, {"d": 5, "n": 12, "spectrum": 2.0}])
def test_the_estimators_map_matches_numpy_in_both_shapes(point):
    """noise_avg_risk per instance against numpy on the drawn design, rebuilt from the same generator: the n x n
    (wide) and d x d (tall) forms of ridge, and the pseudoinverse of either shape."""
    batch, sigma = 5, 0.5
    o = SC.resolve(dict(point, sigma=sigma))
    got = SC.run(o, batch, torch.Generator().manual_seed(4), {"noise_avg_risk"})["noise_avg_risk"]
    g = torch.Generator().manual_seed(4)
    u = torch.randn(o["d"], generator=g, dtype=torch.float64).numpy()
    beta = u / np.linalg.norm(u)
    s = np.arange(1, o["d"] + 1) ** -o["spectrum"]
    X = (torch.randn(batch, o["n"], o["d"], generator=g, dtype=torch.float64).numpy() * np.sqrt(s))
    for b in range(batch):
        x = X[b]
        M = (np.linalg.pinv(x) if o["ridge"] == 0 else
             np.linalg.solve(x.T @ x / o["n"] + o["ridge"] * np.eye(o["d"]), x.T / o["n"]))
        e = M @ x @ beta - beta
        want = e @ (s * e) + sigma ** 2 * np.trace(M.T @ np.diag(s) @ M)
        assert got[b] == pytest.approx(want, rel=1e-8)
