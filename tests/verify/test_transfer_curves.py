"""The transfer_curves scenario against independent truths: least squares from an explicit design (numpy) for the
Bartlett path, the inverse-Wishart mean, the isotropic min-norm risk (1 - f/d)|v|^2, and hand-written law values;
the --file slips of tests/data/wrong_transfer.py; clear errors for bad input."""
import math
import re
from pathlib import Path

import numpy as np
import pytest
import scipy.stats
import torch

from boundlab.verify.check import check
from boundlab.theory import load_file
from boundlab.verify.scenarios import ScenarioError, get_scenario

SC = get_scenario("transfer_curves")


def run(point, batch, wanted, seed=0):
    return SC.run(point, batch, torch.Generator().manual_seed(seed), set(wanted))


def test_least_squares_from_sufficient_statistics_matches_an_explicit_design():
    """For p >= d the pre-trained weights are drawn without the p x d design; their source excess risk has the
    law of least squares on an explicit Gaussian design (numpy, here), and the inverse-Wishart mean
    s^2 tr(Sigma (X^T X)^-1) = s^2 d/(p - d - 1)."""
    d, p, N = 8, 20, 20000
    got = run({"p": p, "f": 1, "d": d, "source_noise": 1.0, "spectrum": 1.0}, N, ["source_excess"])["source_excess"]
    rng = np.random.default_rng(0)
    lam = np.arange(1, d + 1) ** -1.0
    X = rng.standard_normal((N, p, d)) * np.sqrt(lam)
    e = rng.standard_normal((N, p, 1))
    err = np.linalg.solve(np.swapaxes(X, 1, 2) @ X, np.swapaxes(X, 1, 2) @ e)[..., 0]
    ref = (err ** 2) @ lam
    assert scipy.stats.ks_2samp(got, ref).pvalue > 1e-3
    se = got.std() / math.sqrt(N)
    assert abs(got.mean() - d / (p - d - 1)) < 5 * se


def test_min_norm_pretraining_interpolates_and_ols_recovers_noiseless_teacher():
    out = run({"p": 50, "f": 10, "d": 100, "source_noise": 0.0}, 16, ["source_excess", "pretrained_excess"])
    assert (out["source_excess"] > 0).all()  # p < d: the source teacher is not recovered
    out = run({"p": 100, "f": 10, "d": 100, "source_noise": 0.0}, 16, ["source_excess"])
    assert np.allclose(out["source_excess"], 0.0, atol=1e-20)


def test_isotropic_min_norm_fine_tuning_removes_the_fraction_f_over_d():
    """Isotropic features: the row space of the design is a uniformly random f-dimensional subspace, independent of
    the mismatch v, so E|(I - P) v|^2 = (1 - f/d) E|v|^2 = (1 - f/d) d for unit coordinate variances."""
    d, N = 60, 4000
    for f in (6, 30, 54):
        x = run({"p": math.inf, "f": f, "d": d, "spectrum": 0.0, "decay": 0.0, "mismatch": 1.0}, N,
                ["excess"], seed=f)["excess"]
        assert abs(x.mean() - (1 - f / d) * d) < 5 * x.std() / math.sqrt(N), (f, x.mean())


def test_label_noise_enters_the_loss_once():
    out = run({"p": math.inf, "f": 20, "d": 50, "noise": 0.3}, 8, ["loss", "excess"])
    assert np.allclose(out["loss"] - out["excess"], 0.09)


def test_law_kind_draws_lognormal_noise_around_the_law():
    """log(loss) ~ N(log L(p, f), law_noise^2), L = (A p^-a + G) f^-b + E computed by hand here."""
    law = dict(A=1e3, a=0.3, G=5.0, b=0.25, E=1.5)
    p, f = 1e7, 1e5
    clean = (1e3 * p ** -0.3 + 5.0) * f ** -0.25 + 1.5
    y = run({"kind": "law", "p": p, "f": f, **law, "law_noise": 0.05}, 20000, ["loss"])["loss"]
    z = np.log(y)
    assert abs(z.mean() - math.log(clean)) < 5 * 0.05 / math.sqrt(z.size)
    assert abs(z.std() - 0.05) < 0.002
    floor = run({"kind": "law", "p": math.inf, "f": f, **law, "law_noise": 0.0}, 2, ["loss"])["loss"]
    assert np.allclose(floor, 5.0 * f ** -0.25 + 1.5)  # unlimited pre-training: the data-scarcity floor
    add = run({"kind": "law", "form": "H-add", "p": p, "f": f, "A": 30.0, "a": 0.3, "B": 20.0, "b": 0.25,
               "G": 0.5, "E": 1.0, "law_noise": 0.0}, 1, ["loss"])["loss"]
    assert add[0] == pytest.approx(30 * p ** -0.3 + 20 * f ** -0.25 + 1.5, rel=1e-12)


def test_slips_in_a_file_are_violated():
    module = load_file(Path(__file__).resolve().parents[1] / "data" / "wrong_transfer.py")
    for claim in (module.falls_with_noisy_pretraining, module.gap_rate_off_by_one):
        assert check(claim, quick=True).verdict == "VIOLATED", claim.id


@pytest.mark.parametrize("point, message", [
    ({"kind": "neural", "p": 10, "f": 10}, "kind must be 'train' or 'law'"),
    ({"p": 0, "f": 10}, "input p = 0 is outside (0, inf)"),
    ({"p": 0.5, "f": 10}, "kind 'train' trains on p samples: p must be an integer >= 1 or inf, got 0.5"),
    ({"p": 10, "f": 2.5}, "f must be an integer"),
    ({"p": -math.inf, "f": 10}, "input p must be inf (or 'inf') or a number in (0, inf), got -inf"),
    ({"p": 10, "f": 10, "mismatch": -1}, "input mismatch = -1 is outside [0, inf)"),
    ({"p": 10, "f": 10, "A": 1.0}, "law parameter(s) A need kind='law'"),
    ({"p": 10}, "needs f"),
    ({"p": 10, "f": 10, "width": 3}, "does not take width"),
    ({"kind": "law", "p": 10, "f": 10, "A": 1, "a": 0.3, "G": 1, "b": 0.2}, "form H-main needs E"),
    ({"kind": "law", "p": 10, "f": 10, "A": 1, "a": 0.3, "G": -1, "b": 0.2, "E": 1},
     "input G = -1 is outside [0, inf)"),
    ({"kind": "law", "p": 10, "f": 10, "A": 1, "a": 0.0, "G": 1, "b": 0.2, "E": 1},
     "input a = 0.0 is outside (0, inf)"),
    ({"kind": "law", "p": 0, "f": 10, "A": 1, "a": 0.3, "G": 1, "b": 0.2, "E": 1}, "input p = 0 is outside (0, inf)"),
    ({"kind": "law", "p": 10, "f": 10, "A": 1, "a": 0.3, "G": 1, "b": 0.2, "E": 1, "B": 2}, "has no parameter B"),
    ({"kind": "law", "form": "H-cubic", "p": 10, "f": 10}, "input form must be 'H-main', 'H-add' or 'H-Chin', got "
                                                         "'H-cubic'"),
])
def test_bad_input_is_named(point, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        run(point, 2, ["loss"])


def test_law_kind_measures_only_the_loss():
    with pytest.raises(ScenarioError, match="measures only loss"):
        run({"kind": "law", "p": 10, "f": 10, "A": 1, "a": 0.3, "G": 1, "b": 0.2, "E": 1}, 2, ["excess"])


def test_ols_slips_in_a_file_are_violated():
    """classical.ols_risk with its denominator shifted to n - d, or without the trace factor d, and the covariate-shift
    risk with d in place of tr(Sigma_T Sigma^-1) (issue 6)."""
    module = load_file(Path(__file__).resolve().parents[1] / "data" / "wrong_ols.py")
    for claim in (module.shifted_denominator, module.missing_trace, module.shift_trace_as_d):
        assert check(claim, quick=True).verdict == "VIOLATED", claim.id
