"""`lhs != rhs` claims, as a user writes them in a claim file and checks them from the command line. Proved when the
gap keeps one strict sign; refuted by a point where the sides are equal: exact (SymPy reduces lhs - rhs to 0 at a
rational point), or a sign change of a gap that is continuous on the bracket (intermediate values). Every witness
is replayed independently (`invariants.replay`: 100-digit equality, or 50-digit signs at the bracket's ends), and
each verdict here is known by hand."""
import json

import pytest

import boundlab.numerics.prover
from certificate_checker import check as check_certificate
from invariants import replay
from boundlab.theory import Claim, Param, Provenance, SIZE
from boundlab.theory.claim import ClaimError
from boundlab.theory.registry import load_file
from boundlab.verify.cli import main

CLAIMS = '''
from boundlab.theory import Claim, Domain, Param, Provenance, POSITIVE, SIZE
P = Provenance("derived", "mine", "Me (2026)")
x, n, y = Param("x", POSITIVE), Param("n", SIZE), Param("y", Domain(-3, 3))
half = Param("x", Domain(0.5, 1.5, hi_open=True))

root_two = Claim(id="mine.root_two", title="t", lhs="x**2", rel="!=", rhs="2", params=(x,), provenance=P)
fixed_point = Claim(id="mine.fixed_point", title="t", lhs="cos(y)", rel="!=", rhs="y", params=(y,), provenance=P)
powers = Claim(id="mine.powers", title="t", lhs="2**n", rel="!=", rhs="n**2", params=(n,), provenance=P)
tangent = Claim(id="mine.tangent", title="t", lhs="log(x)", rel="!=", rhs="x - 1", params=(x,), provenance=P)
powers_late = Claim(id="mine.powers_late", title="t", lhs="2**n", rel="!=", rhs="n**2", params=(n,),
                    hypotheses=("n >= 5",), provenance=P)
pole = Claim(id="mine.pole", title="t", lhs="1/y", rel="!=", rhs="0", params=(y,), hypotheses=("Ne(y, 0)",),
             provenance=P)
jump = Claim(id="mine.jump", title="t", lhs="floor(x)", rel="!=", rhs="3/4", params=(half,), provenance=P)
quarter = Claim(id="mine.quarter", title="t", lhs="atan(x)", rel="!=", rhs="pi/4", params=(x,), provenance=P)
touch = Claim(id="mine.touch", title="t", lhs="cos(y)", rel="!=", rhs="1 - y**2/2", params=(y,), provenance=P)
'''
FALSE = ("mine.root_two", "mine.fixed_point", "mine.powers", "mine.tangent", "mine.quarter", "mine.touch")
TRUE = ("mine.powers_late", "mine.pole", "mine.jump")  # the last two change sign across a pole or a jump


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("not_equal")
    (folder / "mine.py").write_text(CLAIMS)
    code = main(["check", "--file", str(folder / "mine.py"), "--json", str(folder / "out.json"), "--time-limit", "120"])
    claims = {c.id: c for c in vars(load_file(folder / "mine.py")).values() if isinstance(c, Claim)}
    return code, {r["id"]: r for r in json.loads((folder / "out.json").read_text())["results"]}, claims


@pytest.mark.parametrize("cid", FALSE)
def test_a_point_where_the_sides_meet_refutes_and_replays(checked, cid):
    _, results, claims = checked
    result = results[cid]
    assert result["verdict"] == "VIOLATED", result
    assert replay(claims[cid], result["witness"]) is None


def test_the_witness_kinds(checked):
    _, results, _ = checked
    assert results["mine.root_two"]["witness"]["bracket"]["x"][0].startswith("1.414213562373")
    assert results["mine.powers"]["witness"]["point"]["n"] in ("2.0", "4.0")
    assert results["mine.tangent"]["witness"]["exact_point"] == {"x": "1"}
    # a side that is a symbolic constant (pi/4) is printed as digits; a touching root (no sign change, where the
    # search comes close but never lands) is found at the simple rational beside the closest candidate
    assert results["mine.quarter"]["witness"]["exact_point"] == {"x": "1"}
    assert results["mine.quarter"]["witness"]["rhs"].startswith("0.78539816339744830961")
    assert results["mine.touch"]["witness"]["exact_point"] == {"y": "0"}


@pytest.mark.parametrize("cid", TRUE)
def test_no_equality_is_made_up_across_a_pole_or_a_jump(checked, cid):
    _, results, _ = checked
    assert results[cid]["verdict"] in ("PROVED", "CONSISTENT"), results[cid]


def test_a_gap_of_one_sign_is_proved_with_a_certificate(checked):
    code, results, _ = checked
    result = results["mine.powers_late"]
    assert result["verdict"] == "PROVED"
    assert check_certificate(result["evidence"]["certificate"]) == (True, "")
    assert code == 1  # the false claims fail the run


def test_the_command_line_says_where_the_sides_meet(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(boundlab.numerics.prover, "SECONDS", 1.0)
    (tmp_path / "mine.py").write_text(CLAIMS)
    main(["check", "--file", str(tmp_path / "mine.py"), "mine.root_two", "mine.tangent"])
    out = capsys.readouterr().out
    assert "lhs = rhs = 2 at a root x in [1.41421356237309" in out
    assert "lhs = rhs = 0 at x = 1" in out


def test_not_equal_is_for_analytic_claims_only():
    with pytest.raises(ClaimError, match="'!=' is for analytic claims"):
        Claim(id="t.c", title="t", lhs="q", rel="!=", rhs="0", statistic="mean", scenario="gaussian_design",
              quantities=(__import__("theory").Quantity("q", "q"),), grid=({},),
              provenance=Provenance("derived", "t", "t"))
    from boundlab.theory import Derivation
    with pytest.raises(ClaimError, match="relation must be one of"):
        Derivation(id="t.d", title="t", start="n", steps=(("!=", "n + 1"),), params=(Param("n", SIZE),),
                   provenance=Provenance("derived", "t", "t"))


def test_the_latex_reads_back_with_neq(checked):
    from invariants import latex_roundtrip
    from boundlab.theory.latex import claim_latex

    _, _, claims = checked
    assert r"\neq" in claim_latex(claims["mine.root_two"])
    for claim in claims.values():
        assert latex_roundtrip(claim) is None


@pytest.mark.parametrize("cid", TRUE)
def test_no_true_claim_is_refuted_at_any_of_20_seeds(checked, cid):
    # the falsification alone (the prover cannot turn a true claim false): sampling, local search, exact equality
    # and sign changes, each seed drawing its own points
    from boundlab.numerics.falsify import falsify

    _, _, claims = checked
    assert all(falsify(claims[cid], seed).counterexample is None for seed in range(20))
