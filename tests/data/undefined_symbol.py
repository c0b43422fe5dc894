"""A claim file with a typo: `dd` is not a declared parameter."""
from boundlab import Claim
from boundlab.theory.catalogue.shachaf2021 import DERIVED, L, d, n

typo = Claim(id="user.typo", title="Mean risk with a typo", lhs="L", rel="=", rhs="1 - n/dd", statistic="mean",
             params=(d, n), quantities=(L,), scenario="linear_finetune", provenance=DERIVED,
             grid=({"d": 50, "n": 10},))
