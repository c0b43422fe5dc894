"""What is claimed: symbols with domains, claims, provenance, LaTeX, and the catalogue (SymPy only)."""
from .claim import Claim, ClaimError, Formula
from .derivation import Derivation, Step
from .functions import Beta, BetaQuantile
from .provenance import Provenance
from .registry import Registry, RegistryError, load_file
from .symbols import NONNEGATIVE, POSITIVE, SIZE, UNIT_OPEN, Domain, Param, Quantity

__all__ = ["Beta", "BetaQuantile", "Claim", "ClaimError", "Derivation", "Domain", "Formula", "NONNEGATIVE",
           "POSITIVE", "Param", "Provenance", "Quantity", "Registry", "RegistryError", "SIZE", "Step", "UNIT_OPEN",
           "load_file"]
