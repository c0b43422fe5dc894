"""Claims with infinite sides, as a user writes them in a claim file and checks them from the command line: `oo`
itself, and limits that SymPy evaluates to oo. They are decided in the extended reals (-oo < every real < oo):
never left CONSISTENT with "smallest relative gap inf", which meant nothing was compared."""
import json

import pytest

from certificate_checker import check as check_certificate
from boundlab.verify.cli import main

CLAIMS = '''
from boundlab.theory import Claim, Param, Provenance, POSITIVE
P = Provenance("derived", "mine", "Me (2026)")
x, y = Param("x", POSITIVE), Param("y", POSITIVE)
A, a, G, b, f, E = (Param(s, POSITIVE) for s in ("A", "a", "G", "b", "f", "E"))
law = "(A*p**(-a) + G)*f**(-b) + E"
scaling = (A, a, G, b, f, E)

oo_below_oo = Claim(id="mine.oo_below_oo", title="t", lhs="oo", rel="<", rhs="oo", provenance=P)
oo_is_oo = Claim(id="mine.oo_is_oo", title="t", lhs="oo", rel="=", rhs="oo", provenance=P)
minus_oo_below = Claim(id="mine.minus_oo_below", title="t", lhs="-oo", rel="<", rhs="-10**9", provenance=P)
finite_limit = Claim(id="mine.finite_limit", title="t", lhs=f"limit({law}, p, 0)", rel="<", rhs="oo", params=scaling,
                     provenance=P)
infinite_limit = Claim(id="mine.infinite_limit", title="t", lhs=f"limit({law}, p, 0)", rel="=", rhs="oo",
                       params=scaling, provenance=P)
ratio = Claim(id="mine.ratio", title="t", lhs="limit(x/y, y, 0)", rel="<=", rhs="1", params=(x,), provenance=P)
floor = Claim(id="mine.floor", title="t", lhs=f"limit({law}, p, oo)", rel="=", rhs="G*f**(-b) + E", params=scaling,
              provenance=P)
bounded = Claim(id="mine.bounded", title="t", lhs="x", rel="<", rhs="oo", params=(x,), provenance=P)
nowhere = Claim(id="mine.nowhere", title="t", lhs="log(-x)", rel="<=", rhs="1", params=(x,), provenance=P)
'''
EXPECTED = {"mine.oo_below_oo": "VIOLATED", "mine.oo_is_oo": "PROVED", "mine.minus_oo_below": "PROVED",
            "mine.finite_limit": "VIOLATED", "mine.infinite_limit": "PROVED", "mine.ratio": "VIOLATED"}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extended")
    (folder / "mine.py").write_text(CLAIMS)
    code = main(["check", "--file", str(folder / "mine.py"), "--json", str(folder / "out.json"), "--time-limit", "120"])
    return folder, code, {r["id"]: r for r in json.loads((folder / "out.json").read_text())["results"]}


def test_infinite_sides_are_decided_in_the_extended_reals(checked):
    _, code, results = checked
    assert {cid: results[cid]["verdict"] for cid in EXPECTED} == EXPECTED
    assert code == 1  # three false claims
    for cid in ("mine.oo_below_oo", "mine.finite_limit"):
        assert results[cid]["witness"]["lhs"] == results[cid]["witness"]["rhs"] == "inf"
    assert results["mine.ratio"]["witness"]["lhs"] == "inf" and float(results["mine.ratio"]["witness"]["rhs"]) == 1


def test_every_proof_of_the_extended_reals_replays_in_the_independent_checker(checked):
    _, _, results = checked
    proved = [r for r in results.values() if r["verdict"] == "PROVED" and r["evidence"]["certificate"]["kind"] ==
              "extended"]
    assert len(proved) == 3
    for r in proved:
        assert check_certificate(r["evidence"]["certificate"]) == (True, ""), r["id"]
    forged = {**proved[0]["evidence"]["certificate"], "lhs": "-oo"}  # -oo = oo, or -oo < -10**9 turned around
    forged["relation"] = "=" if forged["relation"] == "=" else ">"
    assert check_certificate(forged)[0] is False


def test_finite_limits_and_finite_sides_are_checked_as_before(checked):
    _, _, results = checked
    assert results["mine.floor"]["verdict"] in ("PROVED", "CONSISTENT")
    assert results["mine.bounded"]["verdict"] in ("PROVED", "CONSISTENT")


def test_sides_that_are_real_nowhere_are_an_input_error(checked):
    # log(-x) for x > 0: every sampled gap was NaN, stored as inf, and the claim came out CONSISTENT ("smallest
    # relative gap inf"): nothing had been compared
    _, _, results = checked
    r = results["mine.nowhere"]
    assert r["verdict"] == "ERROR" and r["method"] == "input check"
    assert "are not both real numbers at any of" in r["evidence"]["error"]


def test_an_infinite_number_in_stored_evidence_renders():
    # the report reads results back from JSON, where an infinite gap is the string "inf"; the one-line evidence
    # formatted it with :.3g and crashed (ValueError: Unknown format code 'g' for object of type 'str')
    from boundlab.verify.render import brief
    from boundlab.verify.verdict import Result

    stored = Result("mine.c", "CONSISTENT", "falsification search", {"points": 7, "worst_relative_gap": "inf"},
                    statistic="value")
    assert brief(stored) == "no proof; no counterexample in 7 points (smallest relative gap inf)"
