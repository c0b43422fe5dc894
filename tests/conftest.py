"""Shared test helpers: compiling LaTeX with the real pdflatex and reading its log; the independent certificate
checkers of tests/numerics importable by name (`certificate_checker`, `box_checker`), and the witness oracle of
tests/fuzz (`invariants`); one thread per xdist worker."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent / "numerics"), str(Path(__file__).parent / "fuzz")]

if os.environ.get("PYTEST_XDIST_WORKER"):
    # Two workers share two cores: one thread each (torch, and the OpenMP/BLAS pools of the notebook kernels
    # they start), so that no thread spins at a barrier waiting for a descheduled sibling.
    os.environ["OMP_NUM_THREADS"] = "1"
    import torch

    torch.set_num_threads(1)

import pytest


def compile_tex(source: str, folder: Path) -> str:
    """Compile `source` with pdflatex in `folder`; fail on an error or an overfull box; return the log."""
    if shutil.which("pdflatex") is None:
        pytest.fail("pdflatex is not installed: `python3 dev.py setup` installs it as root on Debian, or run "
                    "apt-get install --no-install-recommends texlive-latex-base texlive-latex-recommended lmodern")
    (folder / "doc.tex").write_text(source)
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=folder,
                         capture_output=True, text=True, timeout=300)
    log = (folder / "doc.log").read_text(errors="replace")
    assert run.returncode == 0, f"pdflatex failed:\n{run.stdout[-3000:]}\n--- source ---\n{source}"
    assert (folder / "doc.pdf").exists()
    assert "Overfull \\hbox" not in log, "overfull box:\n" + "\n".join(
        line for line in log.splitlines() if "Overfull" in line) + f"\n--- source ---\n{source}"
    return log


@pytest.fixture(autouse=True)
def _scenario_registry():
    """Scenarios a test registers (from its own claim files) leave with it: each test sees the built-in ones only,
    whichever tests ran before it in the same worker."""
    from boundlab.verify.scenarios import SCENARIOS

    before = dict(SCENARIOS)
    yield
    SCENARIOS.clear()
    SCENARIOS.update(before)


@pytest.fixture
def pdflatex(tmp_path):
    """`pdflatex(source) -> log`, compiling in a fresh temporary folder."""
    return lambda source: compile_tex(source, tmp_path)
