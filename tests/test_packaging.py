"""The package as users install it: one import name, `boundlab`, and the layers' import boundaries."""
import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"theory": {"boundlab.numerics", "boundlab.verify"}, "numerics": {"boundlab.verify", "torch"}}


def test_the_wheel_has_one_top_level_import_name(tmp_path):
    """A wheel built from the repository installs `boundlab` (with theory, numerics, verify inside) and nothing
    else that Python could import: no generic `theory`, `numerics` or `verify` in a user's site-packages."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=600)
    (wheel,) = tmp_path.glob("boundlab-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"boundlab"}
    sources = [f"boundlab/{p.relative_to(ROOT)}" for layer in ("theory", "numerics", "verify")
               for p in (ROOT / layer).rglob("*.py")]
    missing = sorted(set(sources) - set(names))  # a subpackage left out of pyproject's `packages`
    assert not missing and "boundlab/__init__.py" in names, missing
    entry = [n for n in names if n.endswith("entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry[0]).decode()
    assert "boundlab = boundlab.verify.cli:main" in text and "boundlab = boundlab.verify.pytest_plugin" in text
    assert "[boundlab.statistics]\nboundlab = boundlab.verify.statistics" in text


def _module_level_imports(path: Path) -> set[str]:
    """Modules imported at the top level of a file (not inside functions, not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    found = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else ():
            if isinstance(sub, ast.Import):
                found |= {a.name for a in sub.names}
            elif isinstance(sub, ast.ImportFrom) and sub.module and sub.level == 0:
                found.add(sub.module)
    return found


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_layer_imports_only_what_is_below_it(layer):
    """theory imports neither numerics nor verify; numerics imports neither verify nor torch at module level, so
    that a claim file and the prover load without the simulation stack."""
    for path in sorted((ROOT / layer).rglob("*.py")):
        bad = {m for m in _module_level_imports(path) for banned in LAYERS[layer]
               if m == banned or m.startswith(banned + ".")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)} at module level"


def test_importing_the_public_api_is_cheap_and_complete():
    """`import boundlab` loads neither torch nor cvxpy; each public name resolves."""
    code = ("import sys, boundlab; assert 'torch' not in sys.modules and 'cvxpy' not in sys.modules; "
            "[getattr(boundlab, n) for n in boundlab.__all__]; print(len(boundlab.__all__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd="/")
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) >= 20


def test_no_scenario_imports_catalogue_content():
    """Simulators measure; what is claimed lives in the catalogue. A scenario needing a formula takes it from a
    shared theory module (e.g. `boundlab.theory.laws`), so the catalogue can change without changing a simulator."""
    for path in sorted((ROOT / "verify" / "scenarios").glob("*.py")):
        bad = {m for m in _module_level_imports(path) if m.startswith("boundlab.theory.catalogue")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def _internal_imports(path: Path, package: str) -> set[str]:
    """The boundlab modules a file imports anywhere (module level or inside functions), as dotted names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("boundlab.")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from .x import y, from . import stats
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                found |= {f"{base}.{node.module}"} if node.module else {f"{base}.{a.name}" for a in node.names}
            elif node.module and node.module.startswith("boundlab."):
                found.add(node.module)
    return found


def test_no_import_cycle_among_boundlabs_modules():
    """The data flow is one way (theory -> numerics -> verify) and, inside a layer, no two modules need each other,
    even through an import inside a function (check used to import curves, and curves check)."""
    graph = {}
    for layer in ("theory", "numerics", "verify"):
        for path in (ROOT / layer).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = "boundlab." + ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            package = name if parts[-1] == "__init__" else name.rsplit(".", 1)[0]
            graph[name] = {m for m in _internal_imports(path, package) if m != name}
    graph = {k: {m for m in v if m in graph} for k, v in graph.items()}
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open" and not nxt.startswith(node + "."):  # a package importing its own modules
                cycle = trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
