"""The fuzz helpers (`claims`, `invariants`) importable by name, as `run.py` imports them."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
