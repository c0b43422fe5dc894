"""verify/verdict.py: the worst grid point of a bound is the one nearest to refuting it, the same in the table, the
report's macros and the figure; the one-line brief states the power of a CONSISTENT and the direction of a trend."""
import pytest

from boundlab.verify.report import _SUMMARY_MACROS, macros
from boundlab.verify.verdict import CONSISTENT, INCONCLUSIVE, VIOLATED, Result, brief, worst_point


def point(estimate, half_width, claimed, relation=None, **extra):
    p = {"interval": {"estimate": estimate, "lo": estimate - half_width, "hi": estimate + half_width, "n": 100,
                      "level": 0.99}, "claimed": claimed, **extra}
    return p if relation is None else {**p, "relation": relation}


@pytest.mark.parametrize("relation", ["<=", "<"])
def test_an_upper_bound_reports_its_tightest_point_not_its_loosest(relation):
    loose, tight = point(0.2, 0.01, 1.0, relation), point(0.97, 0.01, 1.0, relation)
    assert worst_point([loose, tight]) == 1 and worst_point([tight, loose]) == 0


@pytest.mark.parametrize("relation", [">=", ">"])
def test_a_lower_bound_reports_its_tightest_point_not_its_loosest(relation):
    loose, tight = point(5.0, 0.01, 1.0, relation), point(1.02, 0.01, 1.0, relation)
    assert worst_point([loose, tight]) == 1


def test_a_violating_point_comes_first_and_slack_is_measured_in_interval_widths():
    near = point(0.97, 0.01, 1.0, "<=")  # 1.5 widths below the bound
    over = point(1.01, 0.5, 1.0, "<=")  # above the bound, in a wide interval
    assert worst_point([near, over]) == 1
    wide = point(0.9, 0.5, 1.0, "<=")  # 0.1 widths below
    assert worst_point([near, wide]) == 1


def test_an_identity_or_an_older_record_reports_the_farthest_point_either_way():
    below, above = point(0.5, 0.01, 1.0, "="), point(1.2, 0.01, 1.0, "=")
    assert worst_point([above, below]) == 1
    assert worst_point([{k: v for k, v in p.items() if k != "relation"} for p in (above, below)]) == 1


def test_a_tolerance_is_slack():
    a = point(1.02, 0.01, 1.0, "<=", tolerance=0.05)
    b = point(1.0, 0.01, 1.0, "<=")
    assert worst_point([a, b]) == 1


def test_a_rate_reports_the_slope_nearest_to_leaving_its_band():
    slopes = [{"slope": {"estimate": s, "lo": s - 0.01, "hi": s + 0.01}, "claimed_slope": -0.5, "relation": "<=",
               "tolerance": 0.05} for s in (-0.9, -0.47)]
    assert worst_point(slopes) == 1


def test_the_table_and_the_macros_quote_the_same_point():
    pts = [point(0.2, 0.01, 1.0, "<="), point(0.97, 0.01, 1.0, "<=")]
    res = Result("t.b", CONSISTENT, "simulation", {"points": pts, "detectable": 0.02, "detectable_relative": 0.02})
    assert "measured 0.97 in" in brief(res)
    doc = {"summary": dict.fromkeys(_SUMMARY_MACROS, 0),
           "claims": [{"id": "t.b", "result": res.to_json(), "worstcase": []}]}
    m = macros(doc)
    assert m["blTBMeasured"]["value"] == 0.97 and m["blTBMeasured"]["source"].endswith("/points/1/interval/estimate")
    assert m["blTBDetectableRelative"]["value"] == 0.02


def _brief(verdict, points, **evidence):
    return brief(Result("t.x", verdict, "m", {"points": points, **evidence}))


def test_a_consistent_brief_states_its_power_and_an_inconclusive_one_its_reason():
    mean = [point(1.0, 0.01, 1.0, "=")]
    assert _brief(CONSISTENT, mean, detectable=0.012, detectable_relative=0.012).endswith(
        "detects a deviation of 1.2% or more")
    assert _brief(CONSISTENT, [point(0.0, 0.01, 0.0, "=")], detectable=0.02,
                  detectable_relative=float("inf")).endswith("detects a deviation of 0.02 or more")
    prob = [point(0.95, 0.02, 0.9, ">=", events=95)]
    assert "detects a probability 0.06 or more below the claimed" in _brief(CONSISTENT, prob, detectable=0.06,
                                                                            detectable_relative=0.067)
    undecided = [point(1.0, 0.01, 1.0, "="), point(1.0, 0.5, 1.0, "=", note="too few samples to confirm")]
    text = _brief(INCONCLUSIVE, undecided, detectable=1.0, detectable_relative=1.0)
    assert text.endswith("too few samples to confirm") and "detects" not in text


def test_a_trend_witness_says_which_way_the_mean_went():
    w = {"seed": 0, "point": {}, "test": "first to last", "from": 100, "to": "inf", "mean_from": 5838.0,
         "mean_to": 3628.0, "interval": [-2900.0, -1500.0]}
    assert "mean 5838 at 100 falls to 3628 at inf (first-to-last difference in" in brief(
        Result("t.t", VIOLATED, "m", {}, w))
    up = {**w, "mean_from": 3628.0, "mean_to": 5838.0, "test": "fitted slope"}
    assert "rises to 5838 at inf (fitted slope of the mean per step in" in brief(Result("t.t", VIOLATED, "m", {}, up))
