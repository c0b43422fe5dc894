"""The scenario deep_linear: real gradient descent on the layers against the closed form of D1 (the gap is
discretisation error, halving with the step), the layer gradients against autograd, batching against one instance at a
time, frozen layers, bad input with clear messages, and the wrong-exponent --file claim refuted."""
import math
from pathlib import Path

import pytest
import torch

from boundlab.numerics import deep_linear as dl
from boundlab.theory.catalogue import shachaf2021_deep_linear as cat
from boundlab.theory.registry import load_file
from boundlab.verify.check import check
from boundlab.verify.measure import formula_values, measure_point, point_seed, validate_grid
from boundlab.verify.scenarios import ScenarioError, get_scenario
from boundlab.verify.scenarios.deep_linear import DeepLinear, balanced_layers, end_to_end, gradient_descent, layer_gradients
from boundlab.verify.scenarios.linalg import Pseudoinverse

SC = get_scenario("deep_linear")


def run(point, wanted, batch=16, seed=0):
    return SC.run(point, batch, torch.Generator().manual_seed(seed), set(wanted))


@pytest.mark.parametrize("N", [1, 2, 4])
def test_balanced_layers_multiply_to_the_source(N):
    gen = torch.Generator().manual_seed(1)
    theta_s = torch.randn(3, 7, generator=gen, dtype=torch.float64)
    layers = balanced_layers(theta_s, N, 3, gen)
    assert torch.allclose(end_to_end(layers), theta_s, atol=1e-14)
    for lo, hi in zip(layers, layers[1:]):  # W_{j+1}^T W_{j+1} = W_j W_j^T
        assert torch.allclose(hi.transpose(1, 2) @ hi, lo @ lo.transpose(1, 2), atol=1e-14)


@pytest.mark.parametrize("N", [1, 3])
def test_layer_gradients_match_autograd(N):
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(2, 5, 9, generator=gen, dtype=torch.float64)
    y = torch.randn(2, 5, generator=gen, dtype=torch.float64)
    layers = [w + 0.1 * torch.randn(w.shape, generator=gen, dtype=torch.float64)
              for w in balanced_layers(torch.randn(2, 9, generator=gen, dtype=torch.float64), N, 4, gen)]
    grads, _, _ = layer_gradients(layers, x, y)
    leaves = [w.clone().requires_grad_(True) for w in layers]
    beta = end_to_end(leaves)
    loss = ((torch.bmm(x, beta.unsqueeze(-1)).squeeze(-1) - y) ** 2).sum() / (2 * 5)
    for g, auto in zip(grads, torch.autograd.grad(loss, leaves)):
        assert torch.allclose(g, auto, atol=1e-13)


@pytest.mark.parametrize("point", [{"d": 30, "n": 6, "N": 2, "alpha": 2.0, "e": 0.3},
                                   {"d": 20, "n": 5, "N": 3, "alpha": 0.5, "e": 0.3, "covariance": "powerlaw"}])
def test_gradient_descent_reaches_the_closed_form_and_the_gap_halves_with_the_step(point):
    out = run({**point, "step": 0.5}, {"gap", "gap_half", "risk_gd", "risk_cf", "residual"})
    assert (out["residual"] <= 1e-10).all()
    assert out["gap"].max() < 1e-2
    ratio = out["gap_half"] / out["gap"]
    assert 0.4 < ratio.min() and ratio.max() < 0.6, ratio  # first-order discretisation error
    assert abs(out["risk_gd"] / out["risk_cf"] - 1).max() < 3e-2  # small risks (alpha = 0.5, power law): 1.6%


def test_depth_one_gradient_descent_has_no_discretisation_error():
    out = run({"d": 20, "n": 5, "N": 1, "alpha": 2.0, "e": 0.3}, {"gap"})
    assert out["gap"].max() < 1e-8


def test_a_batch_gives_the_same_iterates_as_its_instances_one_at_a_time():
    o = SC.resolve({"d": 20, "n": 5, "N": 3, "alpha": 2.0, "e": 0.3})
    gen = torch.Generator().manual_seed(3)
    _, _, x, ts, tt = SC.draw(o, 4, gen)
    y = torch.bmm(x, tt.unsqueeze(-1)).squeeze(-1)
    layers = balanced_layers(ts, 3, 2, gen)
    step = DeepLinear.step_size(x, y, Pseudoinverse(x), ts, 3)
    together, steps = gradient_descent(layers, x, y, step)
    for i in range(4):
        alone, s1 = gradient_descent([w[i:i + 1] for w in layers], x[i:i + 1], y[i:i + 1], step[i:i + 1])
        assert torch.allclose(alone[0], together[i], rtol=0, atol=1e-13) and int(s1[0]) == int(steps[i])
    assert len(set(steps.tolist())) > 1  # instances converged at different steps and then stopped moving


def test_same_seed_same_numbers():
    a = run({"d": 20, "n": 5, "N": 3}, {"risk_gd", "gap"}, seed=7)
    b = run({"d": 20, "n": 5, "N": 3}, {"risk_gd", "gap"}, seed=7)
    assert all((a[k] == b[k]).all() for k in a)


def test_freezing_the_first_layer_confines_the_predictor_and_the_others_do_not():
    point = {"d": 20, "n": 10, "N": 3, "alpha": 1.0, "e": 0.5}
    first = run({**point, "freeze": "first"}, {"off_line", "risk_gd", "risk_zero", "cross_st", "source2"})
    least = first["risk_zero"] - first["cross_st"] ** 2 / first["source2"]  # the least risk on the line
    assert first["off_line"].max() < 1e-12 and (first["risk_gd"] >= least - 1e-12).all()
    for where in ("middle", "last"):
        out = run({**point, "freeze": where}, {"off_line", "residual"})
        assert out["residual"].max() <= 1e-10 and out["off_line"].min() > 1e-2, where


def test_infinite_depth_gives_closed_forms_only():
    out = run({"d": 40, "n": 8, "N": "inf", "alpha": 3.0}, {"risk_cf", "risk_inf"})
    assert (out["risk_cf"] == out["risk_inf"]).all() and out["risk_cf"].max() < 1e-20
    with pytest.raises(ScenarioError, match="N = inf has no network to train"):
        run({"d": 40, "n": 8, "N": "inf"}, {"risk_gd"})


@pytest.mark.parametrize("point, message", [
    ({"d": 20, "n": 5, "N": 0}, r"input N = 0 is outside \[1, inf\)"),
    ({"d": 20, "n": 5, "N": 2.5}, r"input N must be inf \(or 'inf'\) or an integer in \[1, inf\), got 2.5"),
    ({"d": 20, "n": 5, "N": "deep"}, r"input N must be .* got 'deep'"),
    ({"d": 20, "n": 5, "N": 3, "k": 0}, "width k must be an integer >= 1 for depth N >= 2"),
    ({"d": 20, "n": 5, "step": 2.5}, "gradient descent diverges at or above 2"),
    ({"d": 20, "n": 0}, r"input n = 0 is outside \[1, inf\)"),
    ({"d": 7.5, "n": 5}, r"input d must be an integer in \[1, inf\), got 7.5"),
    ({"d": 20, "n": 5, "freeze": "all"}, "input freeze must be 'none', 'first', 'middle' or 'last', got 'all'"),
    ({"d": 20, "n": 5, "N": 2, "freeze": "middle"}, "needs depth N >= 3"),
    ({"d": 20, "n": 5, "N": 1, "freeze": "first"}, "needs depth N >= 2"),
    ({"d": 20, "n": 5, "alpha": 0.0, "e": 0.0}, "the labels vanish"),
    ({"d": 20, "n": 5, "s": 0.0}, r"input s = 0.0 is outside \(0, inf\)"),
    ({"d": 20, "n": 5, "e": -1}, r"input e = -1 is outside \[0, inf\)"),
    ({"d": 20, "n": 5, "tol": 0.1}, r"input tol = 0.1 is outside \(0, 0.001\)"),
    ({"d": 20, "n": 5, "xi": "gaussian"}, "xi must be"),
    ({"d": 20, "n": 5, "covariance": "lowrank"}, "covariance must be"),
    ({"d": 20, "n": 5, "width": 3}, "does not take width"),
])
def test_bad_input_is_refused_with_a_clear_message(point, message):
    with pytest.raises(ScenarioError, match=message):
        run(point, {"risk_gd"}, batch=2)


def test_inputs_are_converted_and_the_width_matters_from_depth_two():
    o = SC.resolve({"d": 20.0, "n": 5, "N": "inf", "k": 0, "s": 2})
    assert (o["d"], o["N"], o["s"]) == (20, math.inf, 2.0) and type(o["d"]) is int and type(o["s"]) is float
    assert SC.resolve({"d": 20, "n": 5, "N": 1, "k": 0.5})["k"] == 0.5  # one layer: no hidden width
    assert SC.resolve({"d": 20, "n": 5, "N": 2, "k": 3.0})["k"] == 3


def test_a_step_that_explodes_is_reported_as_divergence():
    o = SC.resolve({"d": 20, "n": 5, "N": 3, "alpha": 2.0})
    gen = torch.Generator().manual_seed(0)
    _, _, x, ts, tt = SC.draw(o, 2, gen)
    y = torch.bmm(x, tt.unsqueeze(-1)).squeeze(-1)
    step = DeepLinear.step_size(x, y, Pseudoinverse(x), ts, 3) * 50
    with pytest.raises(ScenarioError, match="diverges"):
        gradient_descent(balanced_layers(ts, 3, 2, gen), x, y, step)


def test_an_unconverged_run_is_an_error_not_a_result():
    with pytest.raises(ScenarioError, match="did not converge within 20 steps"):
        run({"d": 20, "n": 5, "N": 3, "alpha": 2.0, "max_steps": 20}, {"risk_gd"})


def test_table_quantity_needs_isotropic_data():
    with pytest.raises(ScenarioError, match="isotropic covariance and n < d"):
        run({"d": 20, "n": 5, "covariance": "powerlaw"}, {"coef_de"})


def test_the_wrong_exponent_file_is_refuted():
    module = load_file(Path(__file__).resolve().parents[1] / "data" / "wrong_deep_linear.py")
    res = check(module.wrong_exponent, quick=True)
    assert res.verdict == "VIOLATED", res.evidence


def on_own_instances(claim, index, batch=6):
    """The claim's right-hand side on its own instances at grid point `index` (seed 0, `batch` of them), the point's
    options and the instances redrawn: `draw` is the scenario's first use of the generator."""
    grid = validate_grid(claim, SC)
    env = measure_point(claim, 0, index, batch, grid)
    o = SC.resolve(grid[index][1])
    lam, vecs, x, ts, tt = SC.draw(o, batch, torch.Generator().manual_seed(point_seed(0, claim.id, index)))
    sigma = ((vecs * lam) @ vecs.T).numpy()
    return formula_values(claim.right.expr, env, batch), o, (x.numpy(), ts.numpy(), tt.numpy(), sigma)


@pytest.mark.parametrize("claim, index", [(c, i) for c in (cat.freeze_first_bound, cat.freeze_first_mean,
                                                           cat.freeze_last_false) for i in range(len(c.grid))])
def test_the_freezing_bound_in_the_formula_is_the_least_risk_on_the_source_line(claim, index):
    """D4's bound as the claims state it (risk_zero - cross_st^2/source2, times (n - 1)/(n - 2) for the mean) on
    their own instances, against boundlab.numerics.deep_linear.freezing_bound on the same draws."""
    got, o, (_, ts, tt, sigma) = on_own_instances(claim, index)
    factor = (o["n"] - 1) / (o["n"] - 2) if claim is cat.freeze_first_mean else 1.0
    assert got == pytest.approx(dl.freezing_bound(ts, tt, sigma) * factor, rel=1e-12)


@pytest.mark.parametrize("index", range(len(cat.risk_closed_form.grid)))
def test_the_closed_form_risk_in_the_formula_is_the_risk_of_the_closed_form_limit(index):
    """D2 as deep_risk_closed_form states it, over |beta_bar| / |theta_S| and the invisible parts of source and
    target, on its own instances: the risk of boundlab.numerics.deep_linear's limit (numpy pseudoinverses) and
    the scenario's risk_cf on the same draws."""
    claim = cat.risk_closed_form
    got, o, (x, ts, tt, sigma) = on_own_instances(claim, index)
    assert got == pytest.approx(dl.finetuned_risk(x, ts, tt, o["N"], sigma), rel=1e-9)
    grid = validate_grid(claim, SC)
    gen = torch.Generator().manual_seed(point_seed(0, claim.id, index))
    assert got == pytest.approx(SC.run(grid[index][1], len(got), gen, {"risk_cf"})["risk_cf"], rel=1e-9)


@pytest.mark.parametrize("claim, index", [(c, i) for c in (cat.table_scaled, cat.table_shrunk)
                                          for i in range(len(c.grid))])
def test_the_table_formula_is_the_deterministic_equivalent_risk(claim, index):
    """Table 3.8's (1 - n/d)((a - alpha)^2 s^2 + e^2) over the measured coefficient a, against
    boundlab.numerics.deep_linear.deterministic_equivalent's risk at every depth of the tables (N = oo included)."""
    got, o, _ = on_own_instances(claim, index, batch=2)
    want = dl.deterministic_equivalent(o["n"] / o["d"], o["alpha"], o["e"], o["s"], o["N"]).L
    assert got == pytest.approx([want, want], rel=1e-12)
