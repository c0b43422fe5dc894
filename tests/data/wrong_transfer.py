"""Two slips about the transfer_curves setting, as a user would write them in a --file module. Both must be
VIOLATED: a monotone-in-p claim that forgets its condition (noiseless source labels), and a rate off by one."""
import math

from boundlab import Claim
from boundlab.theory.catalogue.barnett2024 import SIMULATION, decay, excess, f_n, loss, spectrum

falls_with_noisy_pretraining = Claim(
    id="wrong.falls_with_noisy_pretraining", title="More noisy pre-training never raises the loss (wrong)",
    doc="With noisy source labels, min-norm pre-training has a variance peak at p = d (double descent).",
    lhs="loss", rel="<=", rhs="0", statistic="trend", over=("p", (100, 180, 400, 2000)), params=(),
    quantities=(loss,), grid=({"f": 32, "d": 200, "source_noise": 0.5},), resolution=0.35,
    provenance=SIMULATION, scenario="transfer_curves", samples=64)

gap_rate_off_by_one = Claim(
    id="wrong.gap_rate_off_by_one", title="The gap floor falls as f^-(s + c) (wrong)",
    doc="The exponent without the -1 of the sum over the tail.",
    lhs="excess", rel="=", rhs="-(spectrum + decay)", statistic="rate", over=("f", (8, 16, 32, 64, 128)),
    params=(spectrum, decay, f_n), quantities=(excess,), grid=({"p": math.inf, "d": 2000, "spectrum": 1.5,
                                                                "decay": 1.0},),
    resolution=0.15, provenance=SIMULATION, scenario="transfer_curves", samples=64)
