"""verify/derive.py and `boundlab derive`: verdicts composed from the steps, witnesses naming the step, LaTeX with
step marks that compiles, and bad input as clear errors."""
import dataclasses
import json
import re
from pathlib import Path

import pymupdf

from boundlab.theory import Registry
from boundlab.theory.latex import standalone
from boundlab.verify.cli import main
from boundlab.verify.derive import check_derivation, weakest

DATA = Path(__file__).parent.parent / "data"
ROOT = Path(__file__).resolve().parents[2]
BENCHMARK = str(ROOT / "benchmarks" / "analytic_claims.py")  # defines the deliberately wrong derivations
REG = Registry.catalogue([str(DATA / "bad_derivations.py"), BENCHMARK])


def test_the_weakest_verdict_wins():
    assert weakest(["PROVED", "PROVED"]) == "PROVED"
    assert weakest(["PROVED", "CONSISTENT"]) == "CONSISTENT"
    assert weakest(["CONSISTENT", "VIOLATED", "PROVED"]) == "VIOLATED"
    assert weakest(["VIOLATED", "ERROR"]) == "ERROR"


def test_a_wrong_step_refutes_the_chain_and_the_witness_names_it():
    d = REG.derivation("classical.wrong_beta_variance_chain")
    res = check_derivation(d, REG)
    assert res.verdict == "VIOLATED" and res.as_expected
    bad = res.witness["step"]
    step = res.evidence["steps"][bad - 1]
    assert step["verdict"] == "VIOLATED" and step["witness"]["point"]
    assert all(s["verdict"] == "PROVED" for s in res.evidence["steps"][:bad - 1])


def test_a_right_chain_is_proved_step_by_step():
    res = check_derivation(REG.derivation("classical.uniform_radius_split"), REG)
    assert res.verdict == "PROVED"
    assert all("certificate" in s["evidence"] for s in res.evidence["steps"])


def test_a_hint_naming_an_unknown_claim_is_an_error():
    res = check_derivation(REG.derivation("bad.unknown_hint"), REG)
    assert res.verdict == "ERROR" and "classical.no_such_claim" in res.evidence["error"]
    assert res.evidence["error"].startswith("derivation bad.unknown_hint: step 1")


def test_contradictory_hypotheses_are_an_error():
    res = check_derivation(REG.derivation("bad.contradictory_chain"), REG)
    assert res.verdict == "ERROR" and "contradictory" in res.evidence["error"]


def test_cli_derive_json_latex_and_exit_status(tmp_path, capsys, pdflatex):
    out, tex = tmp_path / "d.json", tmp_path / "d.tex"
    ids = ["classical.uniform_radius_split", "classical.wrong_beta_variance_chain"]
    assert main(["derive", *ids, "--file", BENCHMARK, "--json", str(out), "--latex", str(tex)]) == 0
    table = capsys.readouterr().out
    assert "2 of 2 derivations as expected" in table and re.search(r"VIOLATED +counterexample \w+ = .*: lhs .* vs rhs ", table)
    results = json.loads(out.read_text())["results"]
    assert [r["verdict"] for r in results] == ["PROVED", "VIOLATED"]
    source = tex.read_text()
    assert r"\checkmark" in source and r"\times" in source and r"\begin{align*}" in source
    pdflatex(source)


def test_cli_derive_bad_input(tmp_path, capsys):
    empty = tmp_path / "empty.py"
    empty.write_text("from boundlab.theory import Param\nx = 1\n")
    assert main(["derive", str(empty)]) == 2
    assert "defines no claim and no derivation" in capsys.readouterr().err
    typo = tmp_path / "typo.py"
    typo.write_text("from boundlab.theory import Derivation, Param, Provenance\nn = Param('n')\n"
                    "d = Derivation(id='u.d', title='t', params=(n,), provenance=Provenance('derived', 'u', 'U'),"
                    " start='n', steps=[('<=', 'm')])\n")
    assert main(["derive", str(typo)]) == 2
    assert "derivation u.d: step 1: the right-hand side 'm' uses undefined symbol(s) m" in capsys.readouterr().err
    assert main(["derive", "no.such_derivation"]) == 2
    assert main(["derive", str(DATA / "bad_derivations.py")]) == 1
    assert "classical.no_such_claim" in capsys.readouterr().out


def test_catalogue_derivation_latex_compiles(pdflatex, tmp_path):
    derivations = Registry.catalogue().derivations()
    derivations.append(dataclasses.replace(derivations[0], id="demo.planted", expect="VIOLATED"))
    pdflatex(standalone([], derivations))
    text = " ".join(page.get_text() for page in pymupdf.open(tmp_path / "doc.pdf"))
    for k, d in enumerate(derivations, 1):  # a planted wrong derivation is named as such, never "Claim"
        assert f"{'Refuted derivation' if d.expect == 'VIOLATED' else 'Derivation'} {k} (" in text, d.id
    assert "Claim " not in text
