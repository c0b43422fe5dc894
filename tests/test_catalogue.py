"""Catalogue-wide tests, parametrized over every registered claim.

- `boundlab latex ID --standalone` writes a document that pdflatex compiles with a clean log;
- the LaTeX never presents a claim as a paper's theorem unless its provenance is `stated`;
- the printed (paper-order) form of every formula is the same mathematics as the form the checks use;
- empirical claims are well formed for their scenario: grid points inside the hypotheses, quantities measured.
"""
import re

import pytest
import sympy as sp

from boundlab.theory import Registry
from boundlab.theory.statistic import all_statistics
from boundlab.verify.cli import main
from boundlab.verify.scenarios import get_scenario

CLAIMS = list(Registry.catalogue())
IDS = [c.id for c in CLAIMS]


@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_standalone_latex_from_the_command_line_compiles(claim, tmp_path, pdflatex):
    out = tmp_path / "claim.tex"
    assert main(["latex", claim.id, "--standalone", "-o", str(out)]) == 0
    source = out.read_text()
    log = pdflatex(source)
    assert "undefined" not in log.lower() and "Missing" not in log
    assert claim.id.replace("_", r"\_") in source.replace(r"\allowbreak{}", "")


@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_provenance_in_latex_is_honest(claim):
    from boundlab.theory.latex import claim_latex

    tex = claim_latex(claim)
    head = re.search(r"\\begin\{bl(?:theorem|false)\}\[\{(.*?)\}\]", tex).group(1)
    if claim.provenance.kind == "stated":
        assert head.startswith(claim.provenance.theorem)
    else:
        assert "Theorem" not in tex and "Lemma" not in tex and "Proposition" not in tex
        assert head.split()[0] in ("Derived", "Reconstructed", "Classical")
    if claim.provenance.kind in ("derived", "reconstructed", "stated"):
        assert claim.provenance.citation in tex.replace(r"\&", "&")


def _formulas(claim):
    out = [claim.left, claim.right, *claim.conditions]
    return out + ([claim.probability] if claim.probability is not None else [])


@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_printed_form_is_the_checked_form(claim):
    """The display parse keeps the paper's term order; evaluated, it must be the expression the checks use."""
    for f in _formulas(claim):
        shown, used = f.display.doit(), f.expr
        if isinstance(used, sp.Rel):
            assert type(shown) is type(used), f.source
            pairs = [(shown.lhs, used.lhs), (shown.rhs, used.rhs)]
        else:
            pairs = [(shown, used)]
        for a, b in pairs:
            assert sp.simplify(a - b) == 0, (claim.id, f.source, a, b)


@pytest.mark.parametrize("claim", [c for c in CLAIMS if c.kind == "empirical"],
                         ids=[c.id for c in CLAIMS if c.kind == "empirical"])
def test_empirical_claims_fit_their_scenario(claim):
    scenario = get_scenario(claim.scenario)
    assert {q.name for q in claim.quantities} <= set(scenario.quantities)
    for point in claim.points():
        values, options = claim.split_point(point)
        assert claim.violated_hypotheses(values) == [], (claim.id, point)
        scenario.resolve({**{k: v for k, v in values.items() if k in scenario.inputs}, **options})
    assert claim.doc and claim.title


def test_the_catalogue_has_a_registered_false_claim_and_every_statistic():
    assert any(c.expect == "VIOLATED" for c in CLAIMS)
    assert {c.statistic for c in CLAIMS} >= set(all_statistics())


def test_catalogue_matches_its_golden_snapshot():
    """boundlab.snapshot.json records the catalogue's meaning: a change of a statement, a hypothesis, a provenance or
    a worst-case constant fails here until the golden file is updated on purpose (README, regression tests)."""
    from pathlib import Path

    from boundlab.verify.snapshot import check_snapshot

    report = check_snapshot(Path(__file__).resolve().parents[1] / "boundlab.snapshot.json", CLAIMS,
                            Registry.catalogue().derivations())
    assert report.ok, report.text() + "\nIf the change is intended: boundlab check --all --json r.json && " \
                                      "boundlab snapshot --update --results r.json"
