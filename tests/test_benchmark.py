"""The analytic benchmark (benchmarks/analytic_claims.py): every wrong item is refuted with a counterexample, at
least 85% of the true items are proved, no true item is refuted, every certificate replays in the independent
checker, every proved claim survives 10^5 random domain points evaluated at 50 digits, and every derivation's
LaTeX (with its step marks) compiles. The verdicts are computed once for the module; at about 200 items, some of
which use the prover's whole budget, this is a long run: `python3 dev.py sweep` runs it (CI runs both)."""
import sys
from pathlib import Path

import pymupdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from analytic_claims import CLAIMS, DERIVATIONS  # noqa: E402
from certificate_checker import check as replay  # noqa: E402

from boundlab.numerics.falsify import audit  # noqa: E402
from boundlab.theory import Registry  # noqa: E402
from boundlab.theory.latex import standalone  # noqa: E402
from boundlab.verify.check import check  # noqa: E402
from boundlab.verify.derive import check_derivation  # noqa: E402

pytestmark = pytest.mark.slow

REGISTRY = Registry.catalogue()
ITEMS = [*CLAIMS, *DERIVATIONS]


@pytest.fixture(scope="module")
def results():
    return {item.id: (check_derivation(item, REGISTRY) if hasattr(item, "steps") else check(item)) for item in ITEMS}


def _proved_claims(results):
    """(claim, certificate) for every PROVED claim and every PROVED derivation step."""
    out = []
    for item in ITEMS:
        res = results[item.id]
        if hasattr(item, "steps"):
            for claim, step in zip(item.step_claims, res.evidence.get("steps", [])):
                if step["verdict"] == "PROVED":
                    out.append((claim, step["evidence"]["certificate"]))
        elif res.verdict == "PROVED":
            out.append((item, res.evidence["certificate"]))
    return out


def test_the_benchmark_is_big_enough():
    assert len(ITEMS) >= 40 and sum(i.expect == "VIOLATED" for i in ITEMS) >= 10 and len(DERIVATIONS) >= 6


def test_every_wrong_item_is_refuted_with_a_counterexample(results):
    for item in ITEMS:
        if item.expect == "VIOLATED":
            res = results[item.id]
            assert res.verdict == "VIOLATED", (item.id, res.verdict, res.evidence)
            assert res.witness and ("point" in res.witness or "step" in res.witness), item.id


def test_true_items_are_proved_and_never_refuted(results):
    true = [i for i in ITEMS if i.expect != "VIOLATED"]
    refuted = [i.id for i in true if results[i.id].verdict in ("VIOLATED", "ERROR")]
    assert not refuted
    proved = sum(results[i.id].verdict == "PROVED" for i in true)
    assert proved >= 0.85 * len(true), f"{proved} of {len(true)} true items proved"


def test_counterexamples_are_printed_to_30_digits(results):
    for item in CLAIMS:
        w = results[item.id].witness
        if w and "lhs" in w and item.params:
            assert len(w["lhs"].lstrip("-").replace(".", "").lstrip("0")) >= 25 or w["lhs"] in ("0", "0.0"), w
            assert all(isinstance(v, str) for v in w["point"].values())


def test_every_certificate_replays_in_the_independent_checker(results):
    for claim, cert in _proved_claims(results):
        ok, why = replay(cert)
        assert ok, (claim.id, why)


@pytest.mark.slow
def test_no_proved_claim_fails_at_100000_points_at_50_digits(results):
    for claim, _ in _proved_claims(results):
        report = audit(claim, count=100_000, seed=1, digits=50)
        assert report["violations"] == 0, (claim.id, report)


def test_derivation_latex_with_step_marks_compiles(results, pdflatex, tmp_path):
    verdicts = {d.id: [s["verdict"] for s in results[d.id].evidence["steps"]] for d in DERIVATIONS}
    pdflatex(standalone([], DERIVATIONS, verdicts))
    text = " ".join(page.get_text() for page in pymupdf.open(tmp_path / "doc.pdf"))
    for k, d in enumerate(DERIVATIONS, 1):
        assert f"{'Refuted derivation' if d.expect == 'VIOLATED' else 'Derivation'} {k} (" in text, text
    assert text.count("Marks:") == len(DERIVATIONS), text
