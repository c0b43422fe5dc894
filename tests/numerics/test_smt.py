"""numerics/smt.py: the domain ends handed to z3 are rounded outward, so that a proof covers the whole domain."""
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from boundlab.numerics.smt import _bound


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_domain_ends_are_rounded_outward(v):
    # the nearest short fraction (limit_denominator) of a lower end may lie above it: the proof then misses the end
    assert Fraction(_bound(v, down=True)) <= Fraction(v) <= Fraction(_bound(v, down=False))


def test_a_short_end_is_exact():
    assert _bound(0.5, down=True) == _bound(0.5, down=False) == "1/2"
