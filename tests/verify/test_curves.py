"""Curve claims (rate, trend, bound) on a synthetic scenario whose mean curve is known exactly: E[q] = n^-r + F."""
import dataclasses
import json
import math

import numpy as np
import pytest
import torch

from boundlab.theory import NONNEGATIVE, POSITIVE, Claim, Domain, Param, Provenance, Quantity
from boundlab.theory.claim import ClaimError
from boundlab.verify.check import check
from boundlab.verify.cli import main
from boundlab.verify.scenarios import Scenario, register_scenario
from boundlab.verify.render import brief
from boundlab.verify.verdict import CONSISTENT, ERROR, INCONCLUSIVE, VIOLATED


class PowerLaw(Scenario):
    """q = (n^-r + floor) * a mean-one lognormal factor, so that E[q] = n^-r + floor exactly; `level` = floor;
    `shape` = n^-r, the power law itself, measured (as a user's bound may multiply a measured quantity)."""

    name = "test_power_law"
    quantities = {"q": "a noisy power law", "level": "the floor, per instance", "shape": "n^-r, per instance"}
    inputs = {"r": 0.5, "floor": 0.0, "n": 100, "noise": 0.1, "nan_at": -1}

    def measure(self, point, batch, gen, wanted):
        s = point["noise"]
        mult = torch.exp(s * torch.randn(batch, generator=gen, dtype=torch.float64) - s * s / 2)
        q = (point["n"] ** -point["r"] + point["floor"]) * mult
        if point["n"] == point["nan_at"]:
            q[0] = math.nan
        return {"q": q, "level": torch.full((batch,), float(point["floor"]), dtype=torch.float64),
                "shape": torch.full((batch,), float(point["n"]) ** -point["r"], dtype=torch.float64)}


register_scenario(PowerLaw())
PROV = Provenance("derived", "test", "a test")
r = Param("r", Domain(0, 2, lo_open=True), "r")
n = Param("n", Domain(1, math.inf, hi_open=True, scale="log"), "n")
C1, C2 = Param("C1", NONNEGATIVE, "C_1"), Param("C2", NONNEGATIVE, "C_2")
q, level, shape = Quantity("q", "q"), Quantity("level", r"\ell"), Quantity("shape", "s")
SIZES = (100, 300, 1000, 3000, 10000, 30000)


def rate_claim(rhs, rel="=", floor=0.0, sizes=SIZES, **kw):
    return Claim(id="t.rate", title="t", lhs="q", rel=rel, rhs=rhs, statistic="rate", over=("n", sizes),
                 params=(r, n), quantities=(q,), scenario="test_power_law", samples=kw.pop("samples", 20),
                 grid=({"r": 0.5, "floor": floor},), provenance=PROV, **kw)


def test_the_right_slope_is_consistent_and_a_wrong_one_violated():
    assert check(rate_claim("-r")).verdict == CONSISTENT
    bad = check(rate_claim("-r/2"))
    assert bad.verdict == VIOLATED
    w = bad.witness
    assert w["interval"][0] <= -0.5 <= w["interval"][1] and w["claimed"] == -0.25


def test_at_least_as_steep_and_at_most_as_steep():
    assert check(rate_claim("-r/2", rel="<=")).verdict == CONSISTENT  # -0.5 <= -0.25
    assert check(rate_claim("-2*r", rel="<=")).verdict == VIOLATED  # -0.5 is not <= -1
    assert check(rate_claim("-2*r", rel=">=")).verdict == CONSISTENT


def test_a_floor_flattens_the_curve_and_refutes_a_pure_rate():
    res = check(rate_claim("-r", rel="<=", floor=0.01))
    assert res.verdict == VIOLATED
    floor = res.evidence["points"][0]["floor"]
    assert floor["detected"] and floor["floor"]["lo"] <= 0.01 <= floor["floor"]["hi"]


def test_too_few_repetitions_for_the_band_is_inconclusive_not_a_pass():
    res = check(rate_claim("-r", samples=3, resolution=0.005))
    assert res.verdict == INCONCLUSIVE and "note" in res.evidence["points"][0]


@pytest.mark.parametrize("sizes, message", [((100, 1000), "at least 3 values"),
                                            ((1000, 1200, 1400), "spanning a factor")])
def test_a_grid_too_short_for_a_slope_is_an_error(sizes, message):
    res = check(rate_claim("-r", sizes=sizes))
    assert res.verdict == ERROR and message in res.evidence["error"]


def test_a_curve_with_nan_is_an_error():
    claim = Claim(id="t.nan", title="t", lhs="q", rel="=", rhs="-r", statistic="rate", over=("n", SIZES),
                  params=(r, n), quantities=(q,), scenario="test_power_law", samples=10,
                  grid=({"r": 0.5, "nan_at": 1000},), provenance=PROV)
    res = check(claim)
    assert res.verdict == ERROR and "non-finite" in res.evidence["error"]


def trend_claim(rel, over):
    return Claim(id="t.trend", title="t", lhs="q", rel=rel, rhs="0", statistic="trend", over=over,
                 params=(r,), quantities=(q,), scenario="test_power_law", samples=40, grid=({"r": 0.5},),
                 resolution=0.2, provenance=PROV)


def test_trend_holds_and_fails_with_the_direction_of_the_means():
    few = dataclasses.replace(trend_claim("<=", ("n", (100, 200))), samples=3)  # imprecise means
    assert check(few).verdict == INCONCLUSIVE
    assert check(trend_claim("<=", ("n", (100, 200, 400, 800)))).verdict == CONSISTENT
    res = check(trend_claim(">=", ("n", (100, 200, 400, 800))))
    assert res.verdict == VIOLATED and res.witness["mean_to"] < res.witness["mean_from"]
    # a swept variable that is not a claim parameter, with an infinite value among its points
    ok = check(trend_claim("<=", ("floor", (0.1, 0.01, 0.0))))
    assert ok.verdict == CONSISTENT


def bound_claim(rhs, constants, floors=(0.0, 0.003, 0.03)):
    return Claim(id="t.bound", title="t", lhs="q", rel="<=", rhs=rhs, statistic="bound", over=("n", SIZES),
                 constants=constants, params=(r, n), quantities=(q, level, shape), scenario="test_power_law", samples=40,
                 grid=tuple({"r": 0.5, "floor": f} for f in floors), provenance=PROV)


def test_bound_with_the_right_shape_has_constants_that_do_not_drift():
    res = check(bound_claim("C1*n**(-r) + C2*level", (C1, C2)))
    assert res.verdict == CONSISTENT, res.evidence
    consts = res.evidence["points"][0]["constants"]
    assert consts["C1"] == pytest.approx(1.0, rel=0.15) and consts["C2"] == pytest.approx(1.0, rel=0.15)


def test_bound_without_the_floor_term_drifts_and_is_violated():
    res = check(bound_claim("C1*n**(-r)", (C1,)))
    assert res.verdict == VIOLATED and res.witness["constant"] == "C1" and res.witness["drift_exponent"] > 0.1


def test_bound_with_a_too_fast_exponent_is_violated():
    res = check(bound_claim("C1*n**(-2*r) + C2*level", (C1, C2), floors=(0.0,)))
    assert res.verdict == VIOLATED and res.witness["drift_exponent"] == pytest.approx(0.5, abs=0.1)


def test_a_constant_times_a_measured_quantity_is_judged_by_its_drift():
    # C1*shape: the term changes along n only through a measured quantity; it used to be INCONCLUSIVE ("no constant's
    # term changes with n") whatever the shape
    assert check(bound_claim("C1*shape + C2*level", (C1, C2))).verdict == CONSISTENT
    res = check(bound_claim("C1*shape**2 + C2*level", (C1, C2), floors=(0.0,)))  # n^-2r: C1 must grow like n^r
    assert res.verdict == VIOLATED and res.witness["drift_exponent"] == pytest.approx(0.5, abs=0.1)
    # a measured quantity that does not change along the sweep decides nothing
    res = check(bound_claim("C1*n**(-r) + C2*level", (C1, C2), floors=(0.01,)))
    assert res.evidence["points"][0]["decided_on"] == ["C1"]


def test_bound_where_no_constant_enters_is_a_plain_inequality():
    res = check(bound_claim("C1*n**(-r)*level", (C1,), floors=(0.0, 0.01)))
    assert res.verdict == VIOLATED and res.witness["measured"] > res.witness["bound"] == 0


def test_json_of_a_curve_result_is_strict_and_deterministic():
    claim = trend_claim("<=", ("floor", (0.1, 0.01, 0.0)))
    a, b = check(claim, seed=3).to_json(), check(claim, seed=3).to_json()
    text = json.dumps(a, allow_nan=False)
    assert text == json.dumps(b, allow_nan=False)


@pytest.mark.parametrize("kw, message", [
    (dict(over=()), "over = \\(name, values\\)"),
    (dict(over=("n", ("a", 2))), "must be numbers"),
    (dict(rel="<"), "takes the relation"),
    (dict(rhs="q"), "must not be measured"),
    (dict(grid=({"r": 0.5, "n": 3},)), "swept by `over`"),
])
def test_malformed_rate_claims_are_refused(kw, message):
    base = dict(id="t.bad", title="t", lhs="q", rel="=", rhs="-r", statistic="rate", over=("n", SIZES),
                params=(r, n), quantities=(q,), scenario="test_power_law", grid=({"r": 0.5},), provenance=PROV)
    with pytest.raises(ClaimError, match=message):
        Claim(**{**base, **kw})


def test_malformed_bound_claims_are_refused():
    base = dict(id="t.bad", title="t", lhs="q", rel="<=", statistic="bound", over=("n", SIZES), params=(r, n),
                quantities=(q,), scenario="test_power_law", grid=({"r": 0.5},), provenance=PROV)
    with pytest.raises(ClaimError, match="linear in the constants"):
        Claim(rhs="C1**2*n**(-r)", constants=(C1,), **base)
    with pytest.raises(ClaimError, match="declares its free constants"):
        Claim(rhs="n**(-r)", **base)
    with pytest.raises(ClaimError, match="must appear"):
        Claim(rhs="n**(-r)", constants=(C1,), **base)


# ---- power: deterministic curves, too few repetitions, trends over the whole sweep -------------------------
def test_a_deterministic_curve_is_judged_exactly_not_by_a_bootstrap():
    """noise = 0: every repetition equal; two suffice, the slope is exact (no interval) and decides against the band."""
    exact = dict(id="t.exact", title="t", lhs="q", statistic="rate", over=("n", SIZES), params=(r, n),
                 quantities=(q,), scenario="test_power_law", samples=2, grid=({"r": 0.5, "noise": 0.0},),
                 provenance=PROV, resolution=0.05)
    res = check(Claim(rel="=", rhs="-r", **exact))
    p = res.evidence["points"][0]
    assert res.verdict == CONSISTENT and p["deterministic"] and p["slope"]["estimate"] == pytest.approx(-0.5)
    assert "exact (deterministic: all 2 repetitions equal)" in brief(res) and "in [" not in brief(res)
    bad = check(Claim(rel="=", rhs="-0.6", **exact))
    assert bad.verdict == VIOLATED and "exact (deterministic)" in brief(bad)


def test_a_bootstrap_over_a_handful_of_random_repetitions_decides_nothing():
    for statistic, rhs, kw in (("rate", "-2*r", {}), ("bound", "C1*n**(-r)", {"constants": (C1,)})):
        claim = Claim(id="t.few", title="t", lhs="q", rel="=" if statistic == "rate" else "<=", rhs=rhs,
                      statistic=statistic, over=("n", SIZES), params=(r, n), quantities=(q,),
                      scenario="test_power_law", samples=4, grid=({"r": 0.5},), provenance=PROV, **kw)
        res = check(claim)  # a slope of -1 is far from -0.5, but 4 repetitions cannot say so at 1e-6
        assert res.verdict == INCONCLUSIVE and "at least 8 are needed" in brief(res), brief(res)


ISSUE_MEANS = {100: 5838.0, 300: 4400.0, 1000: 4094.0, 3000: 3530.0, 10000: 3628.0}  # the last at m = inf there


class FixedMeans(Scenario):
    """nstar = the issue's means of n*(eps, m) along m, times 1 + 0.4 Z: each step is within the noise of its
    neighbours, the fall over the whole sweep is not."""

    name = "test_curves_issue_means"
    quantities = {"nstar": "a sample complexity"}
    inputs = {"m": 100, "sigma": 0.4}

    def measure(self, point, batch, gen, wanted):
        z = torch.randn(batch, generator=gen, dtype=torch.float64)
        return {"nstar": ISSUE_MEANS[point["m"]] * (1 + point["sigma"] * z)}


register_scenario(FixedMeans())
nstar = Quantity("nstar", "n^*")


def issue_trend(rel, means_over=tuple(ISSUE_MEANS), **kw):
    return Claim(id="t.issue_trend", title="t", lhs="nstar", rel=rel, rhs="0", statistic="trend",
                 over=("m", means_over), quantities=(nstar,), scenario="test_curves_issue_means",
                 samples=64, resolution=0.35, grid=({"sigma": 0.4, **kw},), provenance=PROV)


def test_a_trend_is_refuted_over_the_whole_sweep_where_no_neighbours_differ():
    """The issue's means 5838 -> 4400 -> 4094 -> 3530 -> 3628 against "n* grows with m": no step between
    neighbours is significant, but the first-to-last change and the slope over the sweep are."""
    res = check(issue_trend(">="))
    ev = res.evidence["points"][0]
    assert res.verdict == VIOLATED, brief(res)
    assert all(d["interval"][0] < 0 < d["interval"][1] for d in ev["differences"])  # neighbours: nothing
    assert ev["first_to_last"]["interval"][1] < 0 and ev["trend_slope"]["interval"][1] < 0
    assert res.witness["mean_to"] < res.witness["mean_from"] and " falls to " in brief(res)
    assert res.witness["test"] in ("first to last", "fitted slope")
    held = check(issue_trend("<="))  # the claim the catalogue makes: n* falls with m
    assert held.verdict == CONSISTENT and "detects a wrong-way change of" in brief(held)


@pytest.mark.parametrize("rel", ["<=", ">="])
def test_a_flat_trend_is_both_non_increasing_and_non_decreasing_for_every_seed(rel):
    flat = Claim(id="t.flat", title="t", lhs="q", rel=rel, rhs="0", statistic="trend",
                 over=("noise", (0.05, 0.1, 0.15, 0.2, 0.3)), params=(r,), quantities=(q,), scenario="test_power_law",
                 samples=200, resolution=0.2, grid=({"r": 0.5},), provenance=PROV)  # E[q] = 100^-0.5 at every noise
    for seed in range(20):
        assert check(flat, seed=seed).verdict == CONSISTENT, seed


def test_a_clear_fall_is_consistent_at_a_demanding_resolution_for_every_seed():
    """The issue's true claim "the floor falls with m": its means fall over the sweep, each known only to ~10%; the
    rule demanded 5% of each mean and said INCONCLUSIVE. The sign over the whole sweep decides it; the wrong
    direction stays VIOLATED at every seed."""
    for seed in range(20):
        falls = dataclasses.replace(issue_trend("<="), resolution=0.05)
        assert check(falls, seed=seed).verdict == CONSISTENT, seed
        assert check(dataclasses.replace(falls, rel=">="), seed=seed).verdict == VIOLATED, seed


def test_a_one_sided_rate_is_decided_when_its_interval_lies_on_the_claimed_side():
    """slope >= -1 with the slope -0.5 measured to a wide interval: wholly inside the half-line, so CONSISTENT
    (it was INCONCLUSIVE because the interval was wider than the resolution); never flagged over 20 seeds, and a
    claim the slope contradicts is still VIOLATED."""
    for seed in range(20):
        wide = dataclasses.replace(rate_claim("-2*r", rel=">=", samples=10, resolution=0.02),
                                   grid=({"r": 0.5, "noise": 0.6},))
        res = check(wide, seed=seed)
        assert res.verdict == CONSISTENT, (seed, brief(res))
    point = res.evidence["points"][0]
    assert point["slope"]["hi"] - point["slope"]["lo"] > 2 * 0.02  # wider than the resolution band
    wrong = dataclasses.replace(rate_claim("-r/4", rel=">=", samples=10), grid=({"r": 0.5, "noise": 0.6},))
    assert check(wrong).verdict == VIOLATED


def test_a_users_bound_over_a_measured_risk_from_the_command_line(tmp_path):
    # a bound whose constant multiplies a measured quantity was INCONCLUSIVE whatever the fitted constant did; now
    # its drift along the sweep decides, as for a bound in the swept variable (the OLS risk is d/(n - d - 1) sigma^2
    # on average, as is its noise average: an extra 1/n makes the constant grow like n)
    path, out = tmp_path / "mine.py", tmp_path / "out.json"
    path.write_text('''
from boundlab.theory import Claim, NONNEGATIVE, Param, Provenance
from boundlab.theory.catalogue import classical as c

P = Provenance("derived", "mine", "Me (2026)")
C1 = Param("C1", NONNEGATIVE, "C_1")
common = dict(statistic="bound", over=("n", (40, 80, 160, 320, 640)), constants=(C1,), params=(c.d, c.n, c.noise),
              quantities=(c.risk, c.noise_avg_risk), provenance=P, samples=200, grid=({"d": 10, "sigma": 0.5},),
              scenario="gaussian_design")
same = Claim(id="mine.same", title="t", lhs="risk", rel="<=", rhs="C1*noise_avg_risk", **common)
extra = Claim(id="mine.extra", title="t", lhs="risk", rel="<=", rhs="C1*noise_avg_risk*d/n", **common)
''')
    assert main(["check", "--file", str(path), "--json", str(out)]) == 1  # a VIOLATED claim fails the run
    results = {r["id"]: r for r in json.loads(out.read_text())["results"]}
    assert results["mine.same"]["verdict"] == CONSISTENT, results["mine.same"]
    bad = results["mine.extra"]
    assert bad["verdict"] == VIOLATED and bad["witness"]["drift_exponent"] == pytest.approx(1.0, abs=0.2), bad
