"""verify/render.py and stats.worst_point: the worst grid point of a bound is the one nearest to refuting it, the
same in the table, the report's macros and the figure; the one-line brief, written by the result's statistic, states
the power of a CONSISTENT and the direction of a trend."""
import dataclasses
import json

import pytest

from boundlab.verify.report import _SUMMARY_MACROS, macros
from boundlab.verify.render import brief
from boundlab.verify.statistics.trend import TrendWitness
from boundlab.verify.stats import worst_point
from boundlab.verify.verdict import CONSISTENT, INCONCLUSIVE, VIOLATED, Result


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
    assert worst_point(slopes, "slope", "claimed_slope") == 1


def test_the_table_and_the_macros_quote_the_same_point():
    pts = [point(0.2, 0.01, 1.0, "<="), point(0.97, 0.01, 1.0, "<=")]
    res = Result("t.b", CONSISTENT, "simulation", {"points": pts, "detectable": 0.02, "detectable_relative": 0.02},
                 statistic="mean")
    assert "measured 0.97 in" in brief(res)
    doc = {"summary": dict.fromkeys(_SUMMARY_MACROS, 0),
           "claims": [{"id": "t.b", "statistic": "mean", "result": res.to_json(), "worstcase": []}]}
    m = macros(doc)
    assert m["blTBMeasured"]["value"] == 0.97 and m["blTBMeasured"]["source"].endswith("/points/1/interval/estimate")
    assert m["blTBDetectableRelative"]["value"] == 0.02


def _brief(verdict, points, statistic="mean", **evidence):
    return brief(Result("t.x", verdict, "m", {"points": points, **evidence}, statistic=statistic))


def test_a_consistent_brief_states_its_power_and_an_inconclusive_one_its_reason():
    mean = [point(1.0, 0.01, 1.0, "=")]
    assert _brief(CONSISTENT, mean, detectable=0.012, detectable_relative=0.012).endswith(
        "detects a deviation of 1.2% or more")
    assert _brief(CONSISTENT, [point(0.0, 0.01, 0.0, "=")], detectable=0.02,
                  detectable_relative=float("inf")).endswith("detects a deviation of 0.02 or more")
    prob = [point(0.95, 0.02, 0.9, ">=", events=95)]
    assert "detects a probability 0.06 or more below the claimed" in _brief(CONSISTENT, prob, "prob", detectable=0.06,
                                                                            detectable_relative=0.067)
    undecided = [point(1.0, 0.01, 1.0, "="), point(1.0, 0.5, 1.0, "=", note="too few samples to confirm")]
    text = _brief(INCONCLUSIVE, undecided, detectable=1.0, detectable_relative=1.0)
    assert text.endswith("too few samples to confirm") and "detects" not in text


def test_a_trend_witness_says_which_way_the_mean_went_and_reads_back_from_json_as_its_kind():
    w = TrendWitness(seed=0, point={}, test="first to last", start=100, to="inf", mean_from=5838.0, mean_to=3628.0,
                     interval=[-2900.0, -1500.0])
    down = Result("t.t", VIOLATED, "m", {}, w, statistic="trend")
    assert "mean 5838 at 100 falls to 3628 at inf (first-to-last difference in" in brief(down)
    stored = down.to_json()
    assert stored["witness"]["kind"] == "trend" and stored["witness"]["from"] == 100
    again = Result.from_json(stored)
    assert isinstance(again.witness, TrendWitness) and brief(again) == brief(down)
    up = dataclasses.replace(w, mean_from=3628.0, mean_to=5838.0, test="fitted slope")
    assert "rises to 5838 at inf (fitted slope of the mean per step in" in brief(Result("t.t", VIOLATED, "m", {}, up,
                                                                                         statistic="trend"))


def test_a_stored_witness_of_every_kind_reads_back_as_itself():
    from boundlab.verify.evidence import WITNESSES, witness_from_json
    import boundlab.verify.statistics.almost_surely, boundlab.verify.statistics.bound  # noqa: E401,F401
    import boundlab.verify.statistics.dist, boundlab.verify.statistics.rate  # noqa: E401,F401
    import boundlab.verify.statistics.some, boundlab.verify.statistics.value  # noqa: E401,F401

    assert len(WITNESSES) >= 12
    assert witness_from_json({"seed": 1, "measured": 2.0}) == {"seed": 1, "measured": 2.0}  # an old record stays
    for kind, cls in WITNESSES.items():
        fields = {f.name: (f.metadata.get("flatten") and {"v": [1.0]}) or 1 for f in dataclasses.fields(cls)}
        w = cls(**fields)
        back = witness_from_json(json.loads(json.dumps(w.to_json())))
        assert type(back) is cls and back == w and back.to_json()["kind"] == kind
