"""Rigorous interval enclosures (python-flint arb) and branch-and-bound proofs that a gap is >= 0 on a domain, one
module per job:

- `arithmetic`        the Interval type (exact arb ends or +-inf) and its outward-rounded operations;
- `compiler`          SymPy expressions compiled to enclosures (`enclose`, `enclose_bounds`), SymPy's decimals read
                      as their authors meant them (`exact_decimals`, `float_ball`), the SymPy-to-arb table;
- `substitutions`     changes of variable onto a bounded box, and factors of constant sign divided out;
- `branch_and_bound`  `prove_nonnegative`: bisection with the natural, monotone and mean-value forms, and a
                      certificate that tests/numerics/box_checker.py replays.
"""
from .arithmetic import Interval, OutsideDomain, Unsupported
from .branch_and_bound import prove_nonnegative
from .compiler import enclose, enclose_bounds, exact_decimals, float_ball

__all__ = ["Interval", "OutsideDomain", "Unsupported", "enclose", "enclose_bounds", "exact_decimals", "float_ball",
           "prove_nonnegative"]
