"""verify/scenarios/relu_ntk.py: real gradient descent reaches small loss, the pre-trained network fits the source
teacher, the hand-written gradient is autograd's, batching equals one instance at a time, the lemma's quadratic form
matches numpy (our study notes on Shachaf et al. (2021) 2.3), and bad input gives ScenarioError naming the cause."""
import math

import numpy as np
import pytest
import torch

from boundlab.verify.scenarios import ScenarioError, get_scenario
from boundlab.verify.scenarios.relu_ntk import (first_layer_gradient, forward, gradient_descent, lemma_ratio, row_basis,
                                      sphere)
from boundlab.numerics.ntk import ntk_gram

SC = get_scenario("relu_ntk")
S = math.sqrt(0.5)
FAST = {"d": 5, "n": 10, "m": 256, "n_source": 50, "lr": 1.6}


def run(point, batch=16, seed=0, wanted=("risk", "risk_scratch", "risk_source", "train_loss", "lemma", "resid")):
    return SC.run(point, batch, torch.Generator().manual_seed(seed), set(wanted))


def test_training_reaches_small_loss_and_the_pretrained_network_fits_the_source():
    out = run({**FAST, "delta": 0.5})
    assert (out["train_loss"] <= 1e-5).all()
    # E[(theta_S^T x)^2] = |theta_S|^2 / d = 0.2 on the sphere: pre-training explains more than 98% of it
    assert out["risk_source"].max() < 0.02 * 0.2
    # fine-tuning learns most of the target: E[(Delta^T x)^2] = 0.25 / 5 = 0.05
    assert out["risk"].mean() < 0.5 * 0.05
    assert out["risk"].mean() < out["risk_scratch"].mean()
    assert (out["lemma"] <= 4).all()


def test_hand_written_gradient_is_autograds():
    gen = torch.Generator().manual_seed(1)
    x, w = sphere((2, 7, 3), gen), torch.randn(2, 40, 3, generator=gen, dtype=torch.float64)
    a = torch.cat([torch.ones(20), -torch.ones(20)]).double()
    y = torch.randn(2, 7, generator=gen, dtype=torch.float64)
    err = forward(w, a, x) - y
    mine = first_layer_gradient(x.transpose(-1, -2), torch.relu(x @ w.transpose(-1, -2)), err, a / math.sqrt(40))
    w = w.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(((forward(w, a, x) - y) ** 2).sum() / 2, w)
    assert torch.allclose(mine.transpose(-1, -2), grad, atol=1e-14)


def test_batched_training_equals_one_instance_at_a_time():
    gen = torch.Generator().manual_seed(2)
    x, w0 = sphere((3, 8, 4), gen), torch.randn(3, 128, 4, generator=gen, dtype=torch.float64)
    w0 = torch.cat([w0[:, :64], w0[:, :64]], dim=1)
    a = torch.cat([torch.ones(64), -torch.ones(64)]).double()
    y = (x @ sphere((3, 4), gen).unsqueeze(-1)).squeeze(-1)
    wb, lb, sb = gradient_descent(w0, a, x, y, lr=1.0, tol=1e-6, max_steps=5000, what="test")
    for i in range(3):
        wi, li, si = gradient_descent(w0[i:i + 1], a, x[i:i + 1], y[i:i + 1], lr=1.0, tol=1e-6, max_steps=5000,
                                      what="test")
        assert int(si[0]) == int(sb[i])
        assert torch.allclose(wi[0], wb[i], atol=1e-12) and float(li[0]) == pytest.approx(float(lb[i]), rel=1e-9)
    h = ntk_gram(x)
    q = row_basis(x)
    delta = sphere((3, 4), gen)
    r = (x @ delta.unsqueeze(-1)).squeeze(-1)
    batched = lemma_ratio(x, h, q, r, delta)
    for i in range(3):
        one = lemma_ratio(x[i:i + 1], h[i:i + 1], row_basis(x[i:i + 1]), r[i:i + 1], delta[i:i + 1])
        assert float(one[0]) == pytest.approx(float(batched[i]), rel=1e-12)


@pytest.mark.parametrize("n, d", [(6, 10), (12, 3)])
def test_lemma_form_matches_numpy_from_the_instance_data(n, d):
    inst = SC.instance({"d": d, "n": n}, torch.Generator().manual_seed(3))
    x, q = inst.data["X"], inst.data["Q"]
    assert np.allclose(q.T @ q, np.eye(min(n, d)), atol=1e-12)
    g = np.clip(x @ x.T, -1, 1)
    np.fill_diagonal(g, 1.0)  # unit rows
    h = g / 4 + g * np.arcsin(g) / (2 * np.pi)  # note 2.3's decomposition, not the scenario's arccos form
    expect = q.T @ x.T @ np.linalg.solve(h, x @ q)
    assert np.allclose(inst.forms["lemma"], expect, rtol=1e-9, atol=1e-12)
    z = np.random.default_rng(0).standard_normal(q.shape[1])
    assert inst.replay(z)["lemma"] == pytest.approx(z @ expect @ z, rel=1e-9)


def test_the_gram_gap_shrinks_with_width():
    gaps = [run({"d": 5, "n": 20, "m": m}, batch=64, wanted=("gram_gap",))["gram_gap"].mean() for m in (64, 1024)]
    assert gaps[1] < gaps[0] / 3  # m^-1/2: a factor 4 expected


def test_pretrained_residual_is_close_to_the_linear_one():
    """With the pre-trained network nearly linear on the sphere, r = y_T - f_S(X) is close to X Delta."""
    out = run({**FAST, "delta": 0.5}, wanted=("lemma", "resid"))
    assert np.abs(out["resid"] / out["lemma"] - 1).mean() < 0.3


@pytest.mark.parametrize("point, message", [
    ({"d": 0, "n": 5}, r"input d = 0 is outside \[1, inf\)"),
    ({"d": 3, "n": -2}, r"input n = -2 is outside \[1, inf\)"),
    ({"d": 3, "n": 5, "m": 0}, r"input m = 0 is outside \[1, inf\)"),
    ({"d": 3, "n": 5, "m": 31}, "input m = 31 is not a multiple of 2: the paired initialisation makes f = 0 at "
                                "initialisation"),
    ({"d": 5, "n": 10, "m": 16}, "too small for the NTK regime"),
    ({**FAST, "lr": 3.0}, "diverges"),
    ({**FAST, "max_steps": 3}, "did not reach training MSE"),
    ({"d": 3, "n": 2, "X": [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]}, "inputs 0 and 1 coincide"),
    ({"d": 3, "n": 3, "X": [[0.6, 0.8, 0.0], [0.0, 0.0, 1.0], [0.6, 0.8, 0.0]]}, "inputs 0 and 2 coincide"),
    # the features x 1{w.x > 0} of x and -x differ by x: three antipodal pairs in R^2 are dependent
    ({"d": 2, "n": 6, "X": [[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0], [S, S], [-S, -S]]}, "singular"),
    ({"d": 3, "n": 2, "X": [[1.0, 0.0]]}, "X has shape"),
    ({"d": 2, "n": 2, "X": [[1.0, 0.0], [1.0, 1.0]]}, "unit vectors"),
    ({"d": 3, "n": 5, "delta": -1.0}, r"input delta = -1.0 is outside \[0, inf\)"),
    ({"d": 3, "n": 5, "lr": 0}, r"input lr = 0 is outside \(0, inf\)"),
    ({"d": 3, "n": 5, "foo": 1}, "does not take foo"),
])
def test_bad_input_is_a_scenario_error_naming_the_cause(point, message):
    with pytest.raises(ScenarioError, match=message):
        run(point, batch=4, wanted=("risk", "lemma"))


def test_an_antipodal_pair_alone_is_fine():
    out = run({"d": 3, "n": 3, "X": [[0.6, 0.8, 0.0], [0.0, 0.0, 1.0], [-0.6, -0.8, 0.0]]}, batch=2,
              wanted=("lambda0", "lemma"))
    assert out["lambda0"] == pytest.approx([0.5, 0.5])  # H_inf = I / 2: orthogonal and antipodal entries vanish


def test_the_width_error_says_what_width_is_needed():
    with pytest.raises(ScenarioError) as err:
        run({"d": 5, "n": 10, "m": 16}, batch=4, wanted=("risk",))
    needed = int(str(err.value).split("m >= ")[1].split()[0])
    assert needed > 16 and needed % 2 == 0
    run({"d": 5, "n": 10, "m": 2 * needed, "n_source": 20}, batch=4, wanted=("risk",))  # enough: no error


@pytest.mark.parametrize("point", [{"d": 10, "n": 6}, {"d": 3, "n": 12, "delta": 0.3}])
def test_raw_pieces_of_the_lemma_match_numpy(point):
    """rHr, proj_delta2 and r2 on the scenario's own draws (inputs, then theta_S, then Delta from the generator),
    recomputed with numpy from H_inf in note 2.3's arcsin form; and lemma = rHr / proj_delta2."""
    batch = 4
    out = SC.run(point, batch, torch.Generator().manual_seed(9), {"rHr", "proj_delta2", "r2", "lemma"})
    g = torch.Generator().manual_seed(9)
    opts = SC.resolve(point)
    x = SC.inputs_x(opts, batch, g).numpy()
    sphere((batch, opts["d"]), g)  # theta_S
    delta = opts["delta"] * sphere((batch, opts["d"]), g).numpy()
    for b in range(batch):
        gram = np.clip(x[b] @ x[b].T, -1, 1)
        np.fill_diagonal(gram, 1.0)
        h = gram / 4 + gram * np.arcsin(gram) / (2 * np.pi)
        r = x[b] @ delta[b]
        proj = np.linalg.pinv(x[b]) @ x[b] @ delta[b]
        assert out["rHr"][b] == pytest.approx(r @ np.linalg.solve(h, r), rel=1e-8)
        assert out["proj_delta2"][b] == pytest.approx(proj @ proj, rel=1e-9)
        assert out["r2"][b] == pytest.approx(r @ r, rel=1e-12)
    np.testing.assert_allclose(out["lemma"], out["rHr"] / out["proj_delta2"], rtol=1e-12)
