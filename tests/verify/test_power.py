"""Honest statistics on a cheap scenario whose laws are known exactly: a true claim of every simulated statistic is
never flagged over 20 seeds, the same claim wrong by a constant factor is caught at the default budget, and every
CONSISTENT states a power that is real (a claim off by more than its stated detectable deviation is refuted)."""
import math

import numpy as np
import pytest
import scipy.stats
import torch

from boundlab.theory import NONNEGATIVE, POSITIVE, Claim, Domain, Param, Provenance, Quantity
from boundlab.verify.check import check
from boundlab.verify.statistics.pointwise import STAGES
from boundlab.verify.scenarios import Scenario, register_scenario
from boundlab.verify.render import brief
from boundlab.verify.verdict import CONSISTENT, INCONCLUSIVE, VIOLATED

Z95 = float(scipy.stats.norm.ppf(0.95))


class KnownLaws(Scenario):
    """x ~ N(mu, sd^2); y ~ Beta(a, b) (by inversion); q = n^-r times a mean-one lognormal factor, so E[q] = n^-r."""

    name = "test_power_known_laws"
    quantities = {"x": "normal", "y": "beta", "q": "noisy power law"}
    inputs = {"mu": 1.0, "sd": 1.0, "a": 2.0, "b": 3.0, "n": 100, "r": 0.5}

    def measure(self, o, batch, gen, wanted):
        z = torch.randn(2, batch, generator=gen, dtype=torch.float64)
        u = torch.rand(batch, generator=gen, dtype=torch.float64).numpy()
        return {"x": o["mu"] + o["sd"] * z[0], "y": scipy.stats.beta.ppf(u, o["a"], o["b"]),
                "q": o["n"] ** -o["r"] * torch.exp(0.3 * z[1] - 0.045)}


register_scenario(KnownLaws())
PROV = Provenance("derived", "test", "a test")
mu, sd, a, b = (Param(s, POSITIVE, s) for s in ("mu", "sd", "a", "b"))
r = Param("r", Domain(0, 2, lo_open=True), "r")
n = Param("n", Domain(1, math.inf, hi_open=True, scale="log"), "n")
C1 = Param("C1", NONNEGATIVE, "C_1")
x, y, q = Quantity("x", "x"), Quantity("y", "y"), Quantity("q", "q")
GRID = ({"mu": 1.0, "sd": 1.0}, {"mu": 2.0, "sd": 0.5})
SIZES = (100, 300, 1000, 3000)


def claim(statistic, lhs, rel, rhs, **kw):
    kw.setdefault("grid", GRID)
    kw.setdefault("params", (mu, sd, a, b, r, n))
    return Claim(id=f"power.{statistic}", title="t", lhs=lhs, rel=rel, rhs=rhs, statistic=statistic,
                 quantities=(x, y, q), scenario="test_power_known_laws", provenance=PROV, **kw)


def curve(statistic, rel, rhs, **kw):
    return claim(statistic, "q", rel, rhs, over=("n", SIZES), samples=kw.pop("samples", 64),
                 grid=({"r": 0.5},), **kw)


# (true claim, the same claim wrong by a constant factor or in its direction)
PAIRS = {
    "mean": (claim("mean", "x", "=", "mu"), claim("mean", "x", "=", "1.25*mu")),
    "var": (claim("var", "x", "=", "sd**2"), claim("var", "x", "=", "1.5*sd**2")),
    "prob": (claim("prob", "x", "<=", f"mu + {Z95}*sd", prob="0.95"),
             claim("prob", "x", "<=", f"mu + {Z95}*sd/1.5", prob="0.95")),
    "as": (claim("as", "y", "<=", "1"), claim("as", "y", "<=", "1/1.5")),
    "dist": (claim("dist", "y", "~", "Beta(a, b)", grid=({"a": 2.0, "b": 3.0},)),
             claim("dist", "y", "~", "Beta(1.5*a, b)", grid=({"a": 2.0, "b": 3.0},))),
    "rate": (curve("rate", "=", "-r", resolution=0.1), curve("rate", "=", "-1.5*r", resolution=0.1)),
    "trend": (curve("trend", "<=", "0", resolution=0.2, samples=128),
              curve("trend", ">=", "0", resolution=0.2, samples=128)),
    "bound": (curve("bound", "<=", "C1*n**(-r)", constants=(C1,), resolution=0.2, samples=128),
              curve("bound", "<=", "C1*n**(-2*r)", constants=(C1,), resolution=0.2, samples=128)),
}


@pytest.mark.parametrize("statistic", list(PAIRS))
def test_a_true_claim_is_never_flagged_and_a_wrong_one_always_caught(statistic):
    true, wrong = PAIRS[statistic]
    cheap = statistic != "bound"  # a bound's 400 linear programs per check take a second
    for seed in range(20 if cheap else 5):
        res = check(true, seed=seed)
        assert res.verdict == CONSISTENT, (statistic, seed, brief(res))
        assert "detects" in brief(res) or "would have shown" in brief(res), brief(res)
    for seed in range(5 if cheap else 2):
        res = check(wrong, seed=seed)
        assert res.verdict == VIOLATED, (statistic, seed, brief(res))


def test_mean_and_variance_power_follow_the_contract():
    """detectable = 2 x half-width + slack per point, relative to |claimed|; the claim's is the largest."""
    for c in (PAIRS["mean"][0], PAIRS["var"][0]):
        res = check(c, seed=3)
        for p in res.evidence["points"]:
            iv = p["interval"]
            assert p["detectable"] == pytest.approx(iv["hi"] - iv["lo"] + c.tol * abs(p["claimed"]), rel=1e-12)
            assert p["detectable_relative"] == pytest.approx(p["detectable"] / abs(p["claimed"]), rel=1e-12)
        assert res.evidence["detectable_relative"] == max(p["detectable_relative"] for p in res.evidence["points"])


@pytest.mark.parametrize("statistic", ["mean", "var", "prob", "dist"])
def test_an_error_beyond_the_stated_power_is_detected(statistic):
    """Shift the claimed value of a true claim by 1.3 x its stated detectable deviation (or the law by more than its
    detectable Kolmogorov-Smirnov distance): on other seeds (other samples) the check must refute it."""
    true = PAIRS[statistic][0]
    res = check(true, seed=0)
    assert res.verdict == CONSISTENT
    d = 1.3 * res.evidence["detectable"]
    if statistic == "mean":
        off = claim("mean", "x", "=", f"mu + {d}", grid=GRID[:1])
    elif statistic == "var":
        off = claim("var", "x", "=", f"sd**2 + {d}", grid=GRID[:1])
    elif statistic == "prob":  # the event's true probability is 0.95 - d: claimed 0.95 is short by d
        off = claim("prob", "x", "<=", f"mu + {scipy.stats.norm.ppf(0.95 - d)}*sd", prob="0.95", grid=GRID[:1])
    else:  # Beta(a, b) against Beta(s a, b): the smallest s whose KS distance exceeds d
        grid = np.linspace(0, 1, 4001)
        s = next(s for s in np.arange(1.0, 3.0, 0.01) if np.abs(scipy.stats.beta.cdf(grid, 2 * s, 3)
                                                                  - scipy.stats.beta.cdf(grid, 2, 3)).max() > d)
        off = claim("dist", "y", "~", f"Beta({s}*a, b)", grid=({"a": 2.0, "b": 3.0},))
    for seed in range(1, 6):
        assert check(off, seed=seed).verdict == VIOLATED, (statistic, seed, d)


def test_the_almost_sure_power_is_the_violation_rate_that_shows_with_probability_one_minus_alpha():
    res = check(PAIRS["as"][0], seed=0)
    for p in res.evidence["points"]:
        rate = p["detectable"]  # (1 - rate)^n = alpha/points: a violation this frequent is missed w.p. alpha
        assert (1 - rate) ** p["instances"] == pytest.approx(res.evidence.get("alpha", 1e-6) / len(GRID), rel=1e-9)


def test_an_undecided_mean_draws_more_stages_and_records_them():
    """E[x] = mu with sd = 1.5: 4000 instances cannot reach 5% of mu (about 25000 can); the sequential design
    doubles them until they can, with each stage at alpha / STAGES; reproducible from the seed alone."""
    noisy = claim("mean", "x", "=", "mu", grid=({"mu": 1.0, "sd": 1.5},), samples=4000)
    res = check(noisy, seed=0)
    p = res.evidence["points"][0]
    assert res.verdict == CONSISTENT and p["stages"] > 1 and p["instances"] == 4000 * 2 ** (p["stages"] - 1)
    assert p["interval"]["n"] == p["instances"]
    assert p["interval"]["level"] == pytest.approx(1 - 1e-6 / STAGES)
    assert check(noisy, seed=0).to_json() == res.to_json()
    hopeless = claim("mean", "x", "=", "mu", grid=({"mu": 1.0, "sd": 40.0},), samples=100)
    res = check(hopeless, seed=0)
    p = res.evidence["points"][0]
    assert res.verdict == INCONCLUSIVE and p["stages"] == STAGES and p["instances"] == 1600
    assert f"after {STAGES} stage(s), 1600 instances" in brief(res)


def test_a_witness_found_at_a_later_stage_replays():
    from boundlab.verify.measure import replay

    off = claim("mean", "x", "=", "1.06*mu", grid=({"mu": 1.0, "sd": 1.0},), samples=2000)
    res = check(off, seed=1)
    assert res.verdict == VIOLATED and res.witness["stages"] > 1
    assert replay(off, res.witness)["x"] == pytest.approx(res.witness["measured"], rel=1e-12)


def test_a_mean_claimed_zero_up_to_rounding_is_resolved_against_the_samples_size():
    """E[x - mu] = 5e-32 (zero up to rounding): no relative precision can be met; an absolute one, a fraction of
    the size of x and mu, can."""
    zero = claim("mean", "x - mu", "=", "5e-32", grid=({"mu": 1.0, "sd": 0.1},))
    res = check(zero, seed=0)
    assert res.verdict == CONSISTENT, brief(res)
    assert check(claim("mean", "x - mu", "=", "0.05", grid=({"mu": 1.0, "sd": 0.1},)), seed=0).verdict == VIOLATED


def test_a_bound_whose_interval_lies_on_its_side_is_established_however_wide():
    """E[x] <= 100 mu with mu = 1, sd = 30 and 400 instances: the interval's half-width (about 8) is wider than 5% of
    100, but the interval lies below 100: the bound is established at the first stage."""
    res = check(claim("mean", "x", "<=", "100*mu", grid=({"mu": 1.0, "sd": 30.0},), samples=400), seed=0)
    assert res.verdict == CONSISTENT and res.evidence["points"][0]["stages"] == 1


def test_the_figure_circles_the_point_the_table_names(tmp_path):
    """E[x] <= 2.2 at mu = 0.5 (loose) and mu = 2 (nearly tight): the brief, the figure's mark and the caption agree
    on the tight one."""
    from boundlab.verify.figures import caption, draw, figure_data
    from boundlab.verify.stats import worst_point

    bound = claim("mean", "x", "<=", "2.2", grid=({"mu": 0.5, "sd": 1.0}, {"mu": 2.0, "sd": 1.0}))
    res = check(bound, seed=0)
    data = figure_data(bound, res, 0, False)
    panel = data["panels"][0]
    assert panel["worst"] == worst_point(res.evidence["points"]) == 1
    assert f"measured {res.evidence['points'][1]['interval']['estimate']:.4g} in" in brief(res)
    assert "circled, the worst point" in caption(bound, data)
    draw(data, tmp_path / "figure.pdf")
    assert (tmp_path / "figure.pdf").stat().st_size > 1000
