"""Every notebook under notebooks/ runs top to bottom without a cell error, in a kernel of this very environment.

The notebooks carry their own checks (assertions in their last cells), so running them is a test. They run with
nbclient in the "python3" kernel, with the repository root as working directory, 300 s per cell. The kernel must be
this test's Python environment (jupyter_client runs a spec whose argv starts with "python" with the current
interpreter, but a spec can name another one): that is checked by running a cell, not assumed. Nothing is
installed: a missing kernel spec fails with a message that says how to fix it.
"""
import json
import re
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel  # a dependency of nbclient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "python3"
CELL_TIMEOUT = 300  # seconds per cell


def client(nb) -> "nbclient.NotebookClient":
    return nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL,
                                   resources={"metadata": {"path": str(ROOT)}})


@pytest.fixture(scope="module")
def kernel_is_ours():
    """The "python3" kernel exists and runs in this test's environment (same sys.prefix, i.e. the same venv)."""
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        pytest.fail(f"no Jupyter kernel spec named {KERNEL!r} is visible from {sys.executable}. The notebook tests "
                    f"install nothing; install ipykernel into this environment ({sys.prefix}), e.g. "
                    f"`{sys.executable} -m pip install ipykernel` (it provides the {KERNEL!r} spec), and rerun.",
                    pytrace=False)
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import json, sys; print(json.dumps({'prefix': sys.prefix, 'executable': sys.executable}))")])
    client(probe).execute()
    seen = json.loads("".join(o.get("text", "") for o in probe.cells[0].outputs if o.get("name") == "stdout"))
    if Path(seen["prefix"]).resolve() != Path(sys.prefix).resolve():
        pytest.fail(f"the {KERNEL!r} kernel (spec argv {spec.argv}, from {spec.resource_dir}) runs "
                    f"{seen['executable']} with prefix {seen['prefix']}, not this environment's {sys.prefix}; "
                    "fix the kernel spec so that the notebooks run against the code under test", pytrace=False)
    return seen


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks found under {ROOT / 'notebooks'}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, kernel_is_ours):
    nb = nbformat.read(path, as_version=4)
    try:
        client(nb).execute()
    except CellExecutionError as err:
        message = re.sub(r"\x1b\[[0-9;]*m", "", str(err))  # IPython colours its tracebacks
        pytest.fail(f"{path.relative_to(ROOT)}: a cell failed\n{message}", pytrace=False)
    # execute() raises on the first error; an explicit pass over the outputs guards against allow_errors defaults
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"{path.relative_to(ROOT)}: {errors[0]['ename']}: {errors[0]['evalue']}"
