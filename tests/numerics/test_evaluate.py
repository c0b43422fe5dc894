import mpmath
import numpy as np
import pytest
import sympy as sp
import scipy.special
import torch

from boundlab.numerics.evaluate import evaluate, scipy_distribution
from boundlab.theory.functions import Beta, BetaQuantile

a, b, p, x = sp.symbols("a b p x", positive=True)


def test_backends_agree_on_a_formula():
    expr = sp.sqrt(a) * sp.log(1 + b) / (1 + a * b) + sp.exp(-a)
    av, bv = np.array([0.3, 2.0, 7.5]), np.array([1.0, 0.1, 4.0])
    ref = np.sqrt(av) * np.log1p(bv) / (1 + av * bv) + np.exp(-av)
    assert np.allclose(evaluate(expr, {a: av, b: bv}), ref, rtol=1e-14)
    out = evaluate(expr, {a: torch.tensor(av), b: torch.tensor(bv)}, "torch")
    assert isinstance(out, torch.Tensor) and np.allclose(out.numpy(), ref, rtol=1e-14)
    with mpmath.workdps(40):
        assert abs(evaluate(expr, {a: 2, b: 0.1}, "mpmath") - ref[1]) < 1e-14


def test_beta_quantile_matches_the_notes_published_value_in_every_backend():
    # our study notes on Shachaf et al. (2021) 3.2: d = 50, n = 25 gives q_0.95 = 0.6616 and q_0.05 = 0.3384
    for backend in ("numpy", "torch", "mpmath"):
        hi = float(evaluate(BetaQuantile(p, a, b), {p: 0.95, a: 12.5, b: 12.5}, backend))
        lo = float(evaluate(BetaQuantile(p, a, b), {p: 0.05, a: 12.5, b: 12.5}, backend))
        assert hi == pytest.approx(0.6616, abs=1e-4) and lo == pytest.approx(0.3384, abs=1e-4)


def test_beta_quantile_inverts_the_cdf_by_monte_carlo():
    rng = np.random.default_rng(0)
    draws = rng.beta(3.0, 7.0, 200_000)
    q = float(evaluate(BetaQuantile(p, a, b), {p: 0.9, a: 3.0, b: 7.0}))
    assert abs((draws <= q).mean() - 0.9) < 4 * np.sqrt(0.09 / 200_000)


def test_missing_value_and_unknown_backend():
    with pytest.raises(ValueError, match="no value for b"):
        evaluate(a + b, {a: 1.0})
    with pytest.raises(ValueError, match="back end"):
        evaluate(a, {a: 1.0}, "jax")


def test_scipy_distribution():
    dist = scipy_distribution(Beta(a, b), {a: 2.0, b: 3.0})
    assert dist.mean() == pytest.approx(0.4)
    with pytest.raises(ValueError, match="positive"):
        scipy_distribution(Beta(a - 3, b), {a: 2.0, b: 3.0})


def test_arb_back_end_is_rigorous_or_refuses():
    # lambdify imports what the arb names lack from mpmath, at 15 digits: such a value was taken as an exact ball
    from flint import arb, ctx

    from boundlab.numerics.evaluate import NoNumericForm, compile_expr

    old, ctx.prec = ctx.prec, 200
    try:
        one = compile_expr(sp.sin(x) ** 2 + sp.cos(x) ** 2, (x,), "arb")(arb(2.37))
        assert isinstance(one, arb) and one.contains(1) and one.rad() < 1e-50
        low = compile_expr(sp.Min(x, 1 + x * 10 ** -70), (x,), "arb")(arb(1))  # min of balls, not of their centres
        assert low.contains(1) and low.rad() < 1e-50
        for refused in (sp.li(x), sp.uppergamma(x, 2), sp.Integral(sp.exp(-a ** 3), (a, 0, x))):
            with pytest.raises(NoNumericForm):
                compile_expr(refused, (x,), "arb")
    finally:
        ctx.prec = old


def test_formulas_without_a_numeric_form_are_named():
    from boundlab.numerics.evaluate import NoNumericForm, compile_expr

    with pytest.raises(NoNumericForm, match=r"Derivative\(ceiling\(x\), x\) unevaluated"):
        compile_expr(sp.diff(sp.ceiling(x), x), (x,), "numpy")
    with pytest.raises(NoNumericForm, match="no numpy form for li"):
        compile_expr(sp.li(x), (x,), "numpy")
    assert float(compile_expr(sp.li(x), (x,), "mpmath")(3)) == pytest.approx(2.1635885946866)


def test_numpy_lambertw_is_real_where_w_is_real():
    # scipy returns complex W, and beta(complex) raised TypeError inside the falsifier
    f = evaluate(sp.beta(1, sp.LambertW(x)), {x: np.array([0.5, 1.0, 4.0])})
    assert f.dtype == np.float64 and np.allclose(f, 1 / scipy.special.lambertw([0.5, 1.0, 4.0]).real)
    assert np.isnan(evaluate(sp.LambertW(x), {x: np.array([-1.0])})[0])  # below -1/e W is not real
