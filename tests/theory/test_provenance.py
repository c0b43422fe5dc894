import pytest

from boundlab.theory.provenance import Provenance

CITE = dict(paper="p", citation="Doe (2020)", arxiv="2001.00001")


def test_labels_never_attribute_unstated_claims_to_the_paper():
    for kind in ("derived", "reconstructed", "classical"):
        label = Provenance(kind, **CITE).label()
        assert "Theorem" not in label
    assert Provenance("derived", **CITE).label().startswith("Derived here")
    assert "not checked against the paper's text" in Provenance("reconstructed", **CITE).label()
    assert Provenance("stated", **CITE, theorem="Theorem 2").label().startswith("Theorem 2 of Doe (2020)")


def test_stated_needs_theorem_and_others_must_not_have_one():
    with pytest.raises(ValueError, match="theorem"):
        Provenance("stated", **CITE)
    with pytest.raises(ValueError, match="must not name a theorem"):
        Provenance("derived", **CITE, theorem="Theorem 1")
    with pytest.raises(ValueError, match="kind"):
        Provenance("guessed", **CITE)


def test_a_bibtex_entry_reads_authors_and_year_and_escapes_what_latex_would_misread():
    from boundlab.theory.provenance import Provenance

    p = Provenance("derived", "mine", "Doe, Roe & Moe (2025)", arxiv="2501.00001", title="Bounds {for} 100% of R&D_x")
    entry = p.bibtex()
    assert entry.startswith("@misc{doe2025,") and "author = {Doe and Roe and Moe}" in entry
    assert r"title = {Bounds (for) 100\% of R\&D\_x}" in entry and "year = {2025}" in entry
    assert Provenance("classical", "textbook", "Beta distribution moments").bibtex() is None  # no year: not cited
    assert Provenance("derived", "x", "(2020)").cite_key() == "x"  # no author to name it after
    assert Provenance("derived", "smith2020", "Smith et al. (2020)").bibtex().count("Smith and others") == 1
