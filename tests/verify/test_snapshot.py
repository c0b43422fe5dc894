"""verify/snapshot.py and `boundlab snapshot`: semantic diffs against a golden file (a changed constant and a
weakened hypothesis are flagged, expanded or factored rewrites are not), and clear errors for bad golden files."""
import json

import pytest

from boundlab.verify.cli import main

CLAIMS = '''
from boundlab.theory import Claim, Param, Provenance, POSITIVE, SIZE
x = Param("x", POSITIVE, "x")
n = Param("n", SIZE, "n")
P = Provenance("derived", "mine", "Me (2026)")
amgm = Claim(id="mine.amgm", title="AM-GM", lhs="x + 1/x", rel=">=", rhs="2", params=(x,), provenance=P)
square = Claim(id="mine.square", title="A square", lhs="(x + 1)**2", rel="<=", rhs="2*(x**2 + 1)", params=(x,),
               provenance=P)
tail = Claim(id="mine.tail", title="A tail", lhs="1/n", rel="<=", rhs="1/2", params=(n,), hypotheses=("n >= 2",),
             provenance=P)
'''


@pytest.fixture
def project(tmp_path):
    src = tmp_path / "mine.py"
    src.write_text(CLAIMS)
    golden = tmp_path / "golden.json"
    assert main(["snapshot", "--file", str(src), "-o", str(golden)]) == 0
    return src, golden


def run_check(src, golden, capsys):
    code = main(["snapshot", "--check", "--file", str(src), "--golden", str(golden), "--json", "-"])
    return code, json.loads(capsys.readouterr().out)


def kinds(report, cid):
    return [f["kind"] for f in report["claims"][cid]]


def test_unchanged_catalogue_is_quiet(project, capsys):
    code, report = run_check(*project, capsys)
    assert code == 0 and report["ok"]
    assert {k for cid in report["claims"] for k in kinds(report, cid)} == {"unchanged"}


def test_expanded_and_factored_rewrites_are_equivalent(project, capsys):
    src, golden = project
    src.write_text(CLAIMS.replace('lhs="(x + 1)**2"', 'lhs="x**2 + 2*x + 1"').replace('rhs="2*(x**2 + 1)"',
                                                                                        'rhs="2*x**2 + 2"')
                   .replace('lhs="x + 1/x"', 'lhs="(x**2 + 1)/x"'))
    code, report = run_check(src, golden, capsys)
    assert code == 0 and report["ok"]
    assert kinds(report, "mine.square") == ["equivalent"] and kinds(report, "mine.amgm") == ["equivalent"]
    assert "proved symbolically" in report["claims"]["mine.square"][0]["detail"]


def test_changed_constant_and_weakened_hypothesis_are_flagged(project, capsys):
    src, golden = project
    src.write_text(CLAIMS.replace('rhs="2", params=(x,)', 'rhs="3", params=(x,)')
                   .replace('hypotheses=("n >= 2",)', 'hypotheses=("n >= 1",)'))
    code, report = run_check(src, golden, capsys)
    assert code == 1 and not report["ok"]
    changed = report["claims"]["mine.amgm"][0]
    assert changed["kind"] == "changed meaning" and "old 2, new 3" in changed["detail"]
    weak = report["claims"]["mine.tail"][0]
    assert weak["kind"] == "hypotheses weakened" and "n = 1" in weak["detail"]


def test_strengthened_hypothesis_vanished_and_new_claims(project, capsys):
    src, golden = project
    src.write_text(CLAIMS.replace('hypotheses=("n >= 2",)', 'hypotheses=("n >= 5",)')
                   .replace('id="mine.square"', 'id="mine.square2"'))
    code, report = run_check(src, golden, capsys)
    assert code == 1
    assert kinds(report, "mine.tail") == ["hypotheses strengthened"]
    assert kinds(report, "mine.square") == ["vanished"] and kinds(report, "mine.square2") == ["new"]


def test_verdict_change_from_results(project, tmp_path, capsys):
    src, golden = project
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"results": [{"id": "mine.tail", "verdict": "VIOLATED", "method": "x"}]}))
    code = main(["snapshot", "--check", "--file", str(src), "--golden", str(golden), "--results", str(results)])
    out = capsys.readouterr().out
    assert code == 1 and "mine.tail: verdict changed: PROVED -> VIOLATED" in out


@pytest.mark.parametrize("content, message", [
    ("{not json", "is corrupted (not JSON"),
    ('{"format": 0, "claims": {}}', "has snapshot format 0; this boundlab reads format 1"),
    ('{"format": 1, "claims": {"mine.amgm": {"lhs": "x"}}}', "the record of mine.amgm lacks"),
    ('[1, 2]', "is not a boundlab snapshot"),
])
def test_bad_golden_files_get_clear_messages(project, content, message, capsys):
    src, golden = project
    golden.write_text(content)
    assert main(["snapshot", "--check", "--file", str(src), "--golden", str(golden)]) == 1
    assert message in capsys.readouterr().err


def test_nothing_is_overwritten_without_update(project, capsys):
    src, golden = project
    before = golden.read_text()
    src.write_text(CLAIMS.replace('rhs="2", params=(x,)', 'rhs="1", params=(x,)'))  # weaker, still true
    assert main(["snapshot", "--file", str(src), "-o", str(golden)]) == 1
    assert "exists; `boundlab snapshot --update` replaces it" in capsys.readouterr().err
    assert golden.read_text() == before
    assert main(["snapshot", "--file", str(src), "-o", str(golden), "--update"]) == 0
    assert golden.read_text() != before


def test_missing_golden_file(tmp_path, capsys):
    src = tmp_path / "mine.py"
    src.write_text(CLAIMS)
    assert main(["snapshot", "--check", "--file", str(src), "--golden", str(tmp_path / "none.json")]) == 1
    assert "no snapshot at" in capsys.readouterr().err


def test_a_moved_worst_case_constant_is_flagged():
    from boundlab.theory import Registry
    from boundlab.verify import snapshot as snap

    claim = Registry.catalogue().get("shachaf2021.worst_risk")
    worst = snap.worst_cases([claim])
    doc = snap.take([claim], worsts=worst)
    assert snap.compare(doc, [claim], worsts=worst).ok
    doc["claims"][claim.id]["worstcase"]["constant"] *= 1.001
    report = snap.compare(doc, [claim], worsts=worst)
    assert not report.ok and report.claims[claim.id][-1].kind == "constant moved"


def test_a_changed_constant_is_flagged_where_no_sample_point_helps(tmp_path, capsys):
    # gamma(b + 2) < 1 -> < 2 under hypotheses that almost no sampled point meets: with no point compared, the
    # change came out "equivalent"; floor(Min(-1, d)) at d = -1 stopped the comparison with PrecisionExhausted
    src, golden = tmp_path / "mine.py", tmp_path / "golden.json"
    claims = '''
import math
from boundlab.theory import Claim, Domain, Param, Provenance, SIZE
P = Provenance("derived", "mine", "Me (2026)")
t, b = Param("t", SIZE), Param("b", Domain(2, math.inf, hi_open=True, integer=True, scale="log"))
d = Param("d", Domain(-2, 3))
gamma = Claim(id="mine.gamma", title="t", lhs="gamma(b + 2)", rel=">=", rhs="1", params=(t, b),
              hypotheses=("t + b <= 5",), provenance=P)
floor = Claim(id="mine.floor", title="t", lhs="-3", rel="<=", rhs="floor(Min(-1, d))", params=(d,), provenance=P)
'''
    src.write_text(claims)
    assert main(["snapshot", "--file", str(src), "-o", str(golden)]) == 0
    capsys.readouterr()
    src.write_text(claims.replace('rhs="1"', 'rhs="2*1"').replace('rhs="floor(Min(-1, d))"',
                                                                  'rhs="floor(Min(-1, d)) + 0*d"'))
    code, report = run_check(src, golden, capsys)
    assert code == 1
    assert kinds(report, "mine.gamma") == ["changed meaning"]
    assert "old 1, new 2" in report["claims"]["mine.gamma"][0]["detail"]
    assert kinds(report, "mine.floor") in (["unchanged"], ["equivalent"])


def test_a_comparison_that_sympy_makes_slow_stays_within_its_budget(tmp_path, capsys, monkeypatch):
    # beta(beta(log(3), b), gamma(z)) takes SymPy seconds per point at 50 digits and simplify minutes: the
    # comparison of a changed constant took 100 s; with the budgets cut to a fraction of a second it still decides
    from boundlab.verify import snapshot as snap

    monkeypatch.setattr(snap, "SIMPLIFY_SECONDS", 0.2)
    monkeypatch.setattr(snap, "SAMPLE_SECONDS", 0.5)
    src, golden = tmp_path / "mine.py", tmp_path / "golden.json"
    claims = '''
from boundlab.theory import Claim, Domain, Param, Provenance, UNIT_OPEN
P = Provenance("derived", "mine", "Me (2026)")
z, b = Param("z", Domain(0.1, 100, hi_open=True)), Param("b", UNIT_OPEN)
slow = Claim(id="mine.slow", title="t", lhs="beta(beta(log(3), b), gamma(z))", rel="=",
             rhs="beta(beta(log(3), b), gamma(z))", params=(z, b), provenance=P)
'''
    src.write_text(claims)
    assert main(["snapshot", "--file", str(src), "-o", str(golden)]) == 0
    capsys.readouterr()
    src.write_text(claims.replace('rhs="beta(beta(log(3), b)', 'rhs="beta(beta(log(6), b)'))
    code, report = run_check(src, golden, capsys)
    assert code == 1 and kinds(report, "mine.slow") == ["changed meaning"]
