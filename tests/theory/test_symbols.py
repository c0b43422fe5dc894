import math

import pytest
import sympy as sp

from boundlab.theory.symbols import NONNEGATIVE, POSITIVE, SIZE, UNIT_OPEN, Domain, Param, Quantity


def test_domain_membership():
    assert SIZE.contains(3) and not SIZE.contains(2.5) and not SIZE.contains(0)
    assert UNIT_OPEN.contains(0.5) and not UNIT_OPEN.contains(0) and not UNIT_OPEN.contains(1)
    assert POSITIVE.contains(1e-300) and not POSITIVE.contains(0) and not POSITIVE.contains(float("nan"))


@pytest.mark.parametrize("kw", [dict(lo=1, hi=0), dict(lo=1, hi=1, lo_open=True),
                                dict(lo=0.2, hi=0.8, integer=True)])
def test_empty_domain_is_an_error(kw):
    with pytest.raises(ValueError, match="empty domain"):
        Domain(**kw)


def test_bad_scale():
    with pytest.raises(ValueError, match="scale"):
        Domain(0, 1, scale="weird")
    with pytest.raises(ValueError, match="log-scale"):
        Domain(-1, 1, scale="log")


def test_param_assumptions_follow_domain():
    n = Param("n", SIZE)
    assert n.symbol.is_integer and n.symbol.is_positive
    x = Param("x", Domain(-1, 1))
    assert x.symbol.is_real and x.symbol.is_positive is None
    # SymPy can now decide signs that need the domain
    assert (n.symbol + 1).is_positive
    assert sp.sqrt(Param("s", POSITIVE).symbol).is_positive


def test_bad_names():
    with pytest.raises(ValueError):
        Param("not a name")
    with pytest.raises(ValueError):
        Quantity("1L", "L")


def test_domain_latex():
    assert SIZE.latex("n") == r"n \in \{1, 2, \dots\}"
    assert UNIT_OPEN.latex(r"\delta") == r"\delta \in (0, 1)"
    assert POSITIVE.latex(r"\sigma") == r"\sigma > 0"
    assert Domain(0, math.inf).latex("x") == r"x \ge 0"


def test_param_takes_a_domain_by_name_in_any_case():
    for name, domain in (("positive", POSITIVE), ("NonNegative", NONNEGATIVE), ("SIZE", SIZE),
                         ("unit_open", UNIT_OPEN)):
        assert Param("n", name) == Param("n", domain)
    assert Param("n", "size").symbol.is_integer and Param("x", "positive").symbol.is_positive
    with pytest.raises(TypeError, match=r"parameter n: domain 'postive' is not a theory.Domain; use POSITIVE, "
                                        r"NONNEGATIVE, SIZE, UNIT_OPEN, their names as strings \('positive', "
                                        r"'nonnegative', 'size', 'unit_open'\) or Domain\(lo, hi, ...\)"):
        Param("n", "postive")
    with pytest.raises(TypeError, match="domain 3 is not a theory.Domain"):
        Param("n", 3)
