"""The caulking catalogue module checked end to end (issue 4): its measured rates, bound, floor and sample
complexity come out as expected, wrong exponents written by a user are refuted, bad input is an ERROR.

The independent truths are the theory's exponents (-2ab/(2ab+1), Stone's -2s/(2s+D), the inverted exponent of n*)
and the note's measurements (our study notes on caulking, section 5), not the checker's own formulas."""
import json
import math
from pathlib import Path

import pytest

from boundlab.theory import Registry
from boundlab.verify.check import check
from boundlab.verify.cli import main
from boundlab.verify.verdict import CONSISTENT, ERROR, VIOLATED

DATA = Path(__file__).parent / "data"
REG = Registry.catalogue()
MEASURED = [c for c in REG if c.id.startswith("caulking2026.") and c.kind == "empirical"]


@pytest.fixture(scope="module")
def results():
    return {c.id: check(c, seed=11, quick=True) for c in MEASURED}


@pytest.mark.slow  # measures every claim of the paper (~45 s): the sweep runs it
def test_every_measured_claim_comes_out_as_expected(results):
    assert len(results) == 6
    for cid, res in results.items():
        assert res.as_expected, (cid, res.verdict, res.evidence)


@pytest.mark.slow  # measures every claim of the paper (~45 s): the sweep runs it
@pytest.mark.parametrize("cid, theory", [
    ("caulking2026.caulking_rate", lambda a, D: -2 * a / (2 * a + 1)),
    ("caulking2026.scratch_rate", lambda a, D: -2 * a / (2 * a + D)),
])
def test_slopes_are_within_the_tolerance_of_the_theory_with_their_interval(results, cid, theory):
    res = results[cid]
    assert res.verdict == CONSISTENT
    for p in res.evidence["points"]:
        point, slope = p["point"], p["slope"]
        truth = theory(point["alpha"] * point["beta"], point.get("D", 3))
        assert abs(slope["estimate"] - truth) < 0.05, (point, slope)
        assert slope["lo"] < slope["estimate"] < slope["hi"] and slope["hi"] - slope["lo"] < 0.1
    a05 = {p["point"]["alpha"]: p["slope"]["estimate"] for p in res.evidence["points"]}
    assert set(a05) == {0.5, 0.8}


@pytest.mark.slow  # measures every claim of the paper (~45 s): the sweep runs it
def test_caulking_is_steeper_than_scratch_at_both_smoothnesses(results):
    caulk = {p["point"]["alpha"]: p["slope"]["estimate"] for p in results["caulking2026.caulking_rate"].evidence["points"]}
    scratch = {p["point"]["alpha"]: p["slope"]["estimate"] for p in results["caulking2026.scratch_rate"].evidence["points"]}
    assert all(caulk[a] < scratch[a] - 0.15 for a in caulk)  # alpha beta D > s: the note's acceptance test (ii)


@pytest.mark.slow  # measures every claim of the paper (~45 s): the sweep runs it
def test_the_bound_with_its_floor_holds_and_without_it_fails_at_small_m(results):
    ok, bad = results["caulking2026.error_bound"], results["caulking2026.bound_without_floor"]
    assert ok.verdict == CONSISTENT
    consts = ok.evidence["points"][0]["constants"]
    assert consts["C1"] > 0 and consts["C2"] > 0  # both terms are needed to cover m = 20 ... infinity
    assert bad.verdict == VIOLATED and bad.witness["constant"] == "C1"
    # C1 must grow like n^r where the floor dominates: clearly above the tolerance, at most r = 1/2
    assert 0.1 < bad.witness["drift_exponent"] < 0.55


@pytest.mark.slow  # measures every claim of the paper (~45 s): the sweep runs it
def test_sample_complexity_rate_and_its_fall_with_m(results):
    rate = results["caulking2026.sample_complexity_rate"]
    assert rate.verdict == CONSISTENT
    assert abs(rate.evidence["points"][0]["slope"]["estimate"] + 2.0) < 0.2  # (C/eps)^(1 + 1/(2ab)), ab = 1/2
    trend = results["caulking2026.sample_complexity_falls_with_m"]
    assert trend.verdict == CONSISTENT
    means = trend.evidence["points"][0]["means"]
    assert len(means) >= 4 and all(m["lo"] < m["estimate"] < m["hi"] for m in means)
    assert means[0]["estimate"] > 1.3 * means[-1]["estimate"]  # the note: n* falls several-fold from small m


def run_cli(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out + out.err


def test_wrong_exponents_in_a_user_file_are_violated(tmp_path, capsys):
    report = tmp_path / "r.json"
    code, out = run_cli(["check", "--file", str(DATA / "wrong_rates.py"), "--quick", "--json", str(report)], capsys)
    assert code == 1
    results = {r["id"]: r for r in json.loads(report.read_text())["results"]}
    assert {r["verdict"] for r in results.values()} == {VIOLATED}, results
    w = results["wrong.ambient_dimension"]["witness"]
    assert w["claimed"] == pytest.approx(-0.25) and w["interval"][1] < -0.4  # measured near -1/2
    w = results["wrong.exponent_not_inverted"]["witness"]
    assert w["claimed"] == pytest.approx(-0.5) and w["interval"][1] < -1.5  # measured near -2
    assert w["point"]["m"] == "inf"  # strict JSON: no Infinity
    assert "log-log slope" in out


def test_bad_rate_input_is_an_error_with_the_cause(capsys):
    code, out = run_cli(["check", "--file", str(DATA / "bad_rates.py"), "--quick"], capsys)
    assert code == 1
    assert sum(line.startswith("badrate.") and " ERROR " in line for line in out.splitlines()) == 3
    assert "alpha = 1.5 is outside (0, 1]" in out
    assert "at least 3 values of n" in out and "spanning a factor of 2" in out


def test_paper_selection_and_unknown_paper(capsys):
    code, out = run_cli(["check", "--paper", "nosuchpaper"], capsys)
    assert code == 2 and "unknown paper key 'nosuchpaper'" in out and "caulking2026" in out
    code = main(["list", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert any(r["id"].startswith("caulking2026.") and r["statistic"] == "rate" for r in rows)
