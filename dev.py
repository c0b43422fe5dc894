#!/usr/bin/env python3
"""Set up and run boundlab on a fresh machine with nothing but Python 3.10+.

    python3 dev.py check [ARGS]   set up, then `boundlab check --all` (the whole catalogue; extra ARGS passed on)
    python3 dev.py report [ARGS]  set up, then `boundlab report --all -o build/boundlab-report` (the whole catalogue
                                  as a paper-ready report, compiled to report.pdf; extra ARGS passed on)
    python3 dev.py test [ARGS]    set up, then the test suite (extra ARGS go to pytest; under 10 minutes on 2 cores)
    python3 dev.py sweep [ARGS]   set up, then the long tests the default run leaves out (`-m slow`: the catalogue at
                                  20 seeds, 100,000-point replays of proofs, fitting coverage, the notebooks), then
                                  the whole catalogue, a paper's mutants and a report on a local Dask cluster
                                  against their serial runs (tests/verify/test_parallel.py: two worker processes)
    python3 dev.py fuzz [N]       set up, then N generated claims (default 1000) through the whole pipeline and its
                                  invariants on 2 processes, with a table of what was tried and found
                                  (tests/fuzz/run.py; extra ARGS such as --seed S go to it; exit status 1 on any
                                  invariant failure, the failing claims written to build/fuzz-failures/)
    python3 dev.py pages PDF [PAGES] [DPI]
                                  set up, then render pages of PDF to PNG beside it (PAGES like 1-3,7; default all;
                                  DPI default 110), to look at a report as a reader will
    python3 dev.py setup          set up only

Set-up is idempotent: a virtual environment in .venv, the CPU build of torch first (so that no multi-GB CUDA
build is pulled), then boundlab with its dev extra; pdflatex from Debian's packages when missing and we are root.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".boundlab-setup"
TORCH = "torch==2.13.0"
TEX_PACKAGES = ["texlive-latex-base", "texlive-latex-recommended", "texlive-latex-extra", "lmodern"]
TEX_FILES = ["lmodern.sty", "cleveref.sty"]  # cleveref (latex-extra): the test papers use it


def run(cmd: list, **kw) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def ensure_tex() -> None:
    if shutil.which("pdflatex") and subprocess.run(["kpsewhich", *TEX_FILES], capture_output=True).returncode == 0:
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *TEX_PACKAGES], env=env)
    else:
        print("warning: pdflatex not found; the LaTeX tests need it. Install it with\n"
              f"  sudo apt-get install --no-install-recommends {' '.join(TEX_PACKAGES)}", file=sys.stderr)


def setup() -> None:
    ensure_tex()
    if not PY.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + TORCH.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    run([PY, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([PY, "-m", "pip", "install", "-q", TORCH])
    run([PY, "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"])
    STAMP.write_text(fingerprint)


def pages(pdf: str, which: str = "", dpi: str = "110") -> int:
    """Render pages of `pdf` (1-based, "1-3,7"; all when empty) to PNG files beside it; print their paths."""
    import pymupdf  # the dev extra; this runs in the virtual environment

    doc = pymupdf.open(pdf)
    numbers = range(1, len(doc) + 1)
    if which:
        numbers = [n for part in which.split(",") for n in
                   range(int(part.split("-")[0]), int(part.split("-")[-1]) + 1)]
    for n in numbers:
        if not 1 <= n <= len(doc):
            print(f"{pdf} has {len(doc)} pages, no page {n}", file=sys.stderr)
            return 2
        out = Path(pdf).with_name(f"{Path(pdf).stem}-page{n:03d}.png")
        doc[n - 1].get_pixmap(dpi=int(dpi)).save(out)
        print(out)
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["_pages"]:  # dev.py pages, re-run inside the virtual environment
        return pages(*argv[1:])
    if not argv or argv[0] not in ("setup", "check", "report", "test", "sweep", "fuzz", "pages"):
        print(__doc__)
        return 2
    setup()
    command, rest = argv[0], argv[1:]
    if command == "setup":
        return 0
    if command == "check":
        return subprocess.run([BIN / "boundlab", "check", "--all", *rest], cwd=ROOT).returncode
    if command == "report":
        return subprocess.run([BIN / "boundlab", "report", "--all", "-o", ROOT / "build" / "boundlab-report", *rest],
                              cwd=ROOT).returncode
    if command == "pages":
        if not rest or not Path(rest[0]).is_file():
            print("usage: python3 dev.py pages PDF [PAGES] [DPI]", file=sys.stderr)
            return 2
        return subprocess.run([PY, __file__, "_pages", *rest]).returncode
    if command == "fuzz":
        return subprocess.run([PY, ROOT / "tests" / "fuzz" / "run.py", *rest], cwd=ROOT).returncode
    parallel = ["-n", "2", "--dist", "loadfile"]  # one file per worker: a file's fixtures are built once
    if command == "test":
        return subprocess.run([PY, "-m", "pytest", *parallel, *rest], cwd=ROOT).returncode
    # the sweep: the slow tests on two pytest workers, then those that check the whole catalogue (and a paper's
    # mutants, a report) on a local Dask cluster of two worker processes, which then has the machine to itself
    dask = "tests/verify/test_parallel.py"
    first = subprocess.run([PY, "-m", "pytest", *parallel, "-m", "slow", "--ignore", dask, *rest], cwd=ROOT)
    second = subprocess.run([PY, "-m", "pytest", "-p", "no:xdist", "-m", "slow", dask, *rest], cwd=ROOT)
    return first.returncode or second.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
