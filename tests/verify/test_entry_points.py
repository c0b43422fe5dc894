"""A separate package ships its own simulator and claims through the entry-point groups `boundlab.scenarios` and
`boundlab.catalogues`: they show up in `boundlab scenarios` and `boundlab list`, labelled by their package, and
`boundlab check` decides its claims; a broken package is named in a warning and breaks nothing else.

The package is installed as pip leaves it: the modules and a `.dist-info` folder with `entry_points.txt`, in a folder
on PYTHONPATH (the slow test installs it with pip from its pyproject.toml)."""
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from boundlab.theory import Registry
from boundlab.verify.cli import main
from boundlab.verify.scenarios import SCENARIOS, base

SCRIPT = shutil.which("boundlab", path=str(Path(sys.executable).parent))

MODULES = {
    "boundlab_demo/__init__.py": "",
    "boundlab_demo/dice.py": '''
        import torch
        from boundlab import REQUIRED, Input, Scenario


        class Dice(Scenario):
            name = "demo_dice"
            description = "the mean of n rolls of a die with `faces` faces"
            quantities = {"m": "the mean of the n rolls"}
            inputs = {"n": Input(REQUIRED, int, low=1, description="rolls per instance"),
                      "faces": Input(6, int, low=2, description="faces of the die, numbered 1..faces")}

            def measure(self, point, batch, gen, wanted):
                rolls = torch.randint(1, point["faces"] + 1, (batch, point["n"]), generator=gen)
                return {"m": rolls.double().mean(dim=1)}
        ''',
    "boundlab_demo/claims.py": '''
        from boundlab import SIZE, Claim, Param, Provenance, Quantity

        n, m = Param("n", SIZE), Quantity("m", r"\\bar X", "the mean of n rolls of a fair die")
        kw = dict(params=(n,), quantities=(m,), provenance=Provenance("classical", "demo", "Dice"),
                  scenario="demo_dice", grid=({"n": 5}, {"n": 40}), statistic="mean", lhs="m", rel="=")
        mean = Claim(id="demo.mean", title="A fair die's mean roll is 7/2", rhs="7/2", **kw)
        slip = Claim(id="demo.slip", title="A fair die's mean roll is 3 (known false)", rhs="3", expect="VIOLATED",
                     **kw)
        ''',
}
ENTRY_POINTS = """
    [boundlab.scenarios]
    dice = boundlab_demo.dice:Dice

    [boundlab.catalogues]
    demo = boundlab_demo.claims
    """
PYPROJECT = """
    [build-system]
    requires = ["setuptools>=68"]
    build-backend = "setuptools.build_meta"

    [project]
    name = "boundlab-demo"
    version = "0.1"

    [project.entry-points."boundlab.scenarios"]
    dice = "boundlab_demo.dice:Dice"

    [project.entry-points."boundlab.catalogues"]
    demo = "boundlab_demo.claims"
    """


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text))
    return folder


def installed(folder: Path, name: str = "boundlab-demo", version: str = "0.1", entry_points: str = ENTRY_POINTS,
              modules: dict[str, str] = MODULES) -> Path:
    """The package as installed into `folder`: its modules and its dist-info."""
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    return write(folder, {**modules, f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                          f"{info}/entry_points.txt": entry_points})


def boundlab(*args, path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(path)}
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=600, env=env, cwd=path)


def test_an_installed_package_adds_its_scenario_and_claims(tmp_path):
    site = installed(tmp_path)
    listed = boundlab("scenarios", "demo_dice", path=site)
    assert listed.returncode == 0 and listed.stderr == "", listed.stderr
    assert "demo_dice: the mean of n rolls of a die with `faces` faces\n  defined in : Dice (" in listed.stdout
    assert ", installed from boundlab-demo 0.1 (entry point dice)\n" in listed.stdout
    assert ("  inputs     : n      required  an integer in [1, inf)  rolls per instance\n"
            "             : faces  6         an integer in [2, inf)  faces of the die, numbered 1..faces\n"
            "  measures   : m  the mean of the n rolls\n") in listed.stdout

    rows = boundlab("list", path=site)
    assert rows.returncode == 0 and rows.stderr == ""
    mine = [line for line in rows.stdout.splitlines() if "installed from" in line]
    assert [line.split()[0] for line in mine] == ["demo.mean", "demo.slip"]
    assert all(line.endswith("[installed from boundlab-demo 0.1 (entry point demo)]") for line in mine)
    assert "shachaf2021.isotropic_risk_mean" in rows.stdout  # the built-in catalogue as before

    checked = boundlab("check", "--paper", "demo", "--json", "out.json", path=site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    verdicts = {r["id"]: r["verdict"] for r in json.loads((site / "out.json").read_text())["results"]}
    assert verdicts == {"demo.mean": "CONSISTENT", "demo.slip": "VIOLATED"}
    assert "2 of them installed from boundlab-demo 0.1 (entry point demo)" in checked.stdout


BROKEN = """
    [boundlab.scenarios]
    gone = boundlab_missing:Nothing
    taken = boundlab_broken.mod:Impostor

    [boundlab.catalogues]
    bad = boundlab_broken.mod
    empty = boundlab_broken
    """
BROKEN_MODULES = {
    "boundlab_broken/__init__.py": "",
    "boundlab_broken/mod.py": '''
        from boundlab import Scenario

        class Impostor(Scenario):
            name = "linear_finetune"

        VALUE = 1 / 0
        ''',
}


def test_a_broken_package_is_named_and_breaks_nothing_else(tmp_path):
    site = installed(installed(tmp_path), "boundlab-broken", "0.2", BROKEN, BROKEN_MODULES)
    rows = boundlab("list", path=site)
    assert rows.returncode == 0 and "demo.mean" in rows.stdout
    warnings = rows.stderr.splitlines()
    assert len(warnings) == 2, rows.stderr
    assert warnings[0].startswith("boundlab: warning: the boundlab.catalogues entry point bad = boundlab_broken.mod "
                                  "of boundlab-broken 0.2 failed to load: ZeroDivisionError: division by zero (")
    assert warnings[0].endswith("boundlab_broken/mod.py, line 7)")
    assert warnings[1] == ("boundlab: warning: the boundlab.catalogues entry point empty = boundlab_broken of "
                           "boundlab-broken 0.2 was not loaded: the module defines no claim and no derivation")

    listed = boundlab("scenarios", "demo_dice", path=site)
    assert listed.returncode == 0 and "installed from boundlab-demo 0.1" in listed.stdout
    assert ("boundlab scenarios: warning: the boundlab.scenarios entry point gone = boundlab_missing:Nothing of "
            "boundlab-broken 0.2 failed to load: ModuleNotFoundError: No module named 'boundlab_missing'"
            in listed.stderr)
    assert "entry point taken = boundlab_broken.mod:Impostor of boundlab-broken 0.2 failed to load: " \
           "ZeroDivisionError" in listed.stderr

    checked = boundlab("check", "demo.mean", path=site)
    assert checked.returncode == 0 and "1 of 1 claims as expected" in checked.stdout


@pytest.fixture
def restored(monkeypatch):
    """The scenario registry as before; the test's packages are importable while it runs."""
    saved = dict(SCENARIOS), dict(base.INSTALLED_FROM), list(base.BROKEN)
    yield lambda folder: monkeypatch.syspath_prepend(str(folder))
    for name in [m for m in sys.modules if m.split(".")[0] in ("boundlab_demo", "boundlab_broken")]:
        del sys.modules[name]
    SCENARIOS.clear()
    SCENARIOS.update(saved[0])
    base.INSTALLED_FROM.clear()
    base.INSTALLED_FROM.update(saved[1])
    base.BROKEN[:] = saved[2]


def test_an_installed_catalogue_may_not_reuse_an_id_nor_a_scenario_its_name(tmp_path, restored):
    clash = {**MODULES, "boundlab_demo/claims.py": MODULES["boundlab_demo/claims.py"].replace(
        'id="demo.mean"', 'id="classical.am_gm"')}
    twin = {**clash, "boundlab_demo/twin.py": MODULES["boundlab_demo/dice.py"]}  # the same name, another class
    restored(installed(tmp_path, modules=twin, entry_points=ENTRY_POINTS.replace(
        "[boundlab.catalogues]", "twin = boundlab_demo.twin:Dice\n\n    [boundlab.catalogues]")))
    reg = Registry.catalogue()
    assert reg.broken == ["the boundlab.catalogues entry point demo = boundlab_demo.claims of boundlab-demo 0.1 was "
                          "not loaded: it defines classical.am_gm, already in the catalogue"]
    assert not reg.has_claim("demo.slip") and reg.get("classical.am_gm").kind == "analytic"
    base.load_installed()
    assert base.INSTALLED_FROM["demo_dice"] == "boundlab-demo 0.1 (entry point dice)"
    (why,) = base.BROKEN
    assert why.startswith("the boundlab.scenarios entry point twin = boundlab_demo.twin:Dice of boundlab-demo 0.1 "
                          "was not registered: scenario name 'demo_dice' is taken by Dice (")


def test_check_all_includes_installed_claims_and_fails_when_a_catalogue_is_broken(tmp_path, restored, monkeypatch,
                                                                                  capsys):
    """`--all` is every claim: the built-in catalogue's and the installed ones' (the run is stubbed here); the
    JSON list says where each installed claim comes from."""
    from boundlab.verify import check
    from boundlab.verify.verdict import Result

    restored(installed(tmp_path))
    seen = []

    def stub(claim, **kw):  # each claim comes out as expected, at once
        seen.append(claim.id)
        return Result(claim.id, "VIOLATED" if claim.expect == "VIOLATED" else "CONSISTENT", "stub", expect=claim.expect)
    monkeypatch.setattr(check, "check", stub)
    assert main(["check", "--all"]) == 0
    assert "demo.mean" in seen and "classical.am_gm" in seen
    assert "2 of them installed from boundlab-demo 0.1 (entry point demo)" in capsys.readouterr().out
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"]: r["installed_from"] for r in rows if r["installed_from"]} == {
        "demo.mean": "boundlab-demo 0.1 (entry point demo)", "demo.slip": "boundlab-demo 0.1 (entry point demo)"}
    installed(tmp_path, "boundlab-broken", "0.2", BROKEN, BROKEN_MODULES)
    assert main(["check", "--all"]) == 1
    out = capsys.readouterr()
    assert "not every claim was checked: 2 installed catalogue(s) could not be loaded" in out.out
    assert "entry point bad = boundlab_broken.mod of boundlab-broken 0.2 failed to load" in out.err


@pytest.mark.slow
def test_pip_installs_the_package_from_its_pyproject(tmp_path):
    """The same package built and installed by pip from the pyproject.toml a package author writes."""
    source = write(tmp_path / "src", {**MODULES, "pyproject.toml": PYPROJECT})
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q", "--target",
                    str(tmp_path / "site"), str(source)], check=True, capture_output=True, timeout=600)
    listed = boundlab("scenarios", "demo_dice", path=tmp_path / "site")
    assert listed.returncode == 0 and "installed from boundlab-demo 0.1 (entry point dice)" in listed.stdout
    rows = boundlab("list", path=tmp_path / "site")
    assert "demo.mean" in rows.stdout and "[installed from boundlab-demo 0.1 (entry point demo)]" in rows.stdout
