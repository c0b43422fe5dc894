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
