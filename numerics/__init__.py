"""How numbers are obtained from a claim: evaluation, proofs and falsification, worst-case programs."""
