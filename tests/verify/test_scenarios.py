"""Your own simulator, first class: registering it (never silently over another one), a claim holding it, its
output checked and reported as returned, and `boundlab scenarios`; run as a user runs them, with claim files."""
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from boundlab.theory import Claim, ClaimError, Provenance, Quantity, Registry, RegistryError
from boundlab.verify.check import check
from boundlab.verify.cli import main
from boundlab.verify.scenarios import SCENARIOS, Scenario, ScenarioError, get_scenario, register_scenario
from boundlab.verify.scenarios.linear_finetune import LinearFinetune

SCRIPT = shutil.which("boundlab", path=str(Path(sys.executable).parent))

# A scenario of known law: x ~ Uniform(0, b), so E[x] = b/2 and Var[x] = b^2/12 exactly.
UNIFORM = '''
import torch
from boundlab.verify.scenarios import REQUIRED, Scenario, register_scenario


class Uniform(Scenario):
    name = "test_uniform"
    description = "x ~ Uniform(0, b)"
    quantities = {"x": "a uniform draw on (0, b)"}
    inputs = {"b": 1.0, "n": REQUIRED}

    def measure(self, point, batch, gen, wanted):
        return {"x": point["b"] * torch.rand(batch, generator=gen, dtype=torch.float64)}
'''

CLAIMS = '''
from boundlab.theory import POSITIVE, Claim, Param, Provenance, Quantity
b, x = Param("b", POSITIVE), Quantity("x", "x")
kw = dict(params=(b,), quantities=(x,), provenance=Provenance("classical", "t", "T"), grid=({"b": 2.0, "n": 1},))
mean = Claim(id="t.mean", title="E[x] = b/2", lhs="x", rel="=", rhs="b/2", statistic="mean", scenario=Uniform(), **kw)
var = Claim(id="t.var", title="Var[x] = b^2/12", lhs="x", rel="=", rhs="b**2/12", statistic="var",
            scenario=Uniform, **kw)
slip = Claim(id="t.slip", title="E[x] = b/3 (known false)", lhs="x", rel="=", rhs="b/3", statistic="mean",
             scenario="test_uniform", expect="VIOLATED", **kw)
'''


@pytest.fixture(autouse=True)
def scenarios_restored():
    """Each test registers what its files define; the registry is as before afterwards."""
    saved = dict(SCENARIOS)
    yield
    SCENARIOS.clear()
    SCENARIOS.update(saved)


def write(path, text):
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_a_claim_holding_its_scenario_object_or_class_is_checked_through_the_cli(tmp_path, capsys):
    f = write(tmp_path / "mine.py", UNIFORM + CLAIMS)
    assert main(["check", "--file", f, "--json", str(tmp_path / "r.json")]) == 0
    results = json.loads((tmp_path / "r.json").read_text())["results"]
    assert {r["id"]: r["verdict"] for r in results} == {"t.mean": "CONSISTENT", "t.var": "CONSISTENT",
                                                        "t.slip": "VIOLATED"}
    assert all("[scenario test_uniform]" in r["method"] for r in results)
    claims = Registry.catalogue([f]).from_files
    assert [c.scenario for c in claims] == ["test_uniform"] * 3  # the pipeline sees a name, as for any claim
    assert type(get_scenario("test_uniform")).__name__ == "Uniform"


OWN_CLAIM = '''
from boundlab.theory import POSITIVE, Claim, Param, Provenance
y = Param("y", POSITIVE)
own = Claim(id="o.own", title="y^2 + 1 >= 2y", lhs="y**2 + 1", rel=">=", rhs="2*y", params=(y,),
            provenance=Provenance("classical", "o", "O"))
'''

IMPOSTOR = '''
import torch
from boundlab.verify.scenarios import Scenario, register_scenario


class LinearFinetune(Scenario):
    name = "linear_finetune"
    quantities = {"L": "not the risk at all"}
    inputs = {"d": 1, "n": 1, "sigma": 1.0, "Delta": 1.0}

    def measure(self, point, batch, gen, wanted):
        return {"L": torch.zeros(batch, dtype=torch.float64)}


register_scenario(LinearFinetune())
''' + OWN_CLAIM


def line_of(text, line):
    return textwrap.dedent(text).splitlines().index(line) + 1


def test_a_file_cannot_silently_replace_a_builtin_scenario(tmp_path, capsys):
    """Registered silently, this file's scenario made the catalogue claim below VIOLATED in the same run."""
    f = write(tmp_path / "impostor.py", IMPOSTOR)
    assert main(["check", "--file", f, "shachaf2021.diag2_mean", "--quick"]) == 2
    err = capsys.readouterr().err
    line = line_of(IMPOSTOR, "register_scenario(LinearFinetune())")
    assert re.search(rf"--file {re.escape(f)}, line {line}: the file failed to load: ScenarioError: scenario name "
                     rf"'linear_finetune' is taken by LinearFinetune \(\S*verify/scenarios/linear_finetune.py\); "
                     rf"registering LinearFinetune \({re.escape(f)}\) under it would change what every claim naming "
                     rf"'linear_finetune' measures. Give yours another `name`, or call "
                     rf"register_scenario\(..., replace=True\) to replace it on purpose\n    "
                     rf"register_scenario\(LinearFinetune\(\)\)", err), err
    assert type(get_scenario("linear_finetune")) is LinearFinetune
    # the catalogue claim still measures the real risk
    assert check(Registry.catalogue().get("shachaf2021.diag2_mean"), quick=True).verdict == "CONSISTENT"


def test_a_claim_cannot_take_a_name_held_by_another_scenario(tmp_path):
    Registry.catalogue([write(tmp_path / "held.py", IMPOSTOR.replace('"linear_finetune"', '"test_uniform"'))])
    other = write(tmp_path / "other.py", UNIFORM + CLAIMS)
    line = line_of(UNIFORM + CLAIMS, 'mean = Claim(id="t.mean", title="E[x] = b/2", lhs="x", rel="=", rhs="b/2", '
                                     'statistic="mean", scenario=Uniform(), **kw)')
    with pytest.raises(RegistryError, match=rf"other.py, line {line}: claim t.mean: scenario name 'test_uniform' "
                                            rf"is taken by LinearFinetune \(.*held.py\)"):
        Registry.catalogue([other])


def test_replacing_on_purpose_and_registering_again():
    class Mine(LinearFinetune):
        pass

    assert register_scenario(LinearFinetune) is get_scenario("linear_finetune")  # the same class: harmless
    mine = register_scenario(Mine(), replace=True)
    assert get_scenario("linear_finetune") is mine
    assert register_scenario(mine) is mine  # the same object again: harmless
    with pytest.raises(ScenarioError, match=r"is taken by \S*Mine \(\S*tests/verify/test_scenarios.py\)"):
        register_scenario(LinearFinetune)
    for bad in (object(), Scenario(), LinearFinetune().measure):
        with pytest.raises(ScenarioError, match="not a named scenario"):
            register_scenario(bad)


def test_a_file_loaded_twice_registers_its_scenario_harmlessly(tmp_path):
    f = write(tmp_path / "mine.py", UNIFORM + CLAIMS)
    first = Registry.catalogue([f]).from_files
    second = Registry.catalogue([f]).from_files
    assert [c.id for c in first] == [c.id for c in second] == ["t.mean", "t.var", "t.slip"]


def test_a_claim_scenario_that_is_no_scenario_is_a_claim_error():
    x = Quantity("x", "x")
    with pytest.raises(ClaimError, match=r"claim t.bad: scenario must be a scenario name or a "
                                         r"boundlab.Scenario \(object or class\), not 3"):
        Claim(id="t.bad", title="t", lhs="x", rel="=", rhs="0", statistic="mean", quantities=(x,),
              provenance=Provenance("classical", "t", "T"), scenario=3, grid=({},))


class Shaped(Scenario):
    """Returns x in whatever shape `shape` (a function of the batch) says."""

    name = "test_shaped"
    quantities = {"x": "zeros"}
    inputs = {"shape": "batch"}
    SHAPES = {"batch": lambda b: (b,), "column": lambda b: (b, 1), "pairs": lambda b: (b, 2), "scalar": lambda b: ()}

    def measure(self, point, batch, gen, wanted):
        return {"x": torch.zeros(self.SHAPES[point["shape"]](batch), dtype=torch.float64)}


@pytest.mark.parametrize("shape, shown", [("column", "(6, 1)"), ("pairs", "(6, 2)"), ("scalar", "()")])
def test_a_wrong_shape_is_reported_as_returned(shape, shown):
    gen = torch.Generator().manual_seed(0)
    assert Shaped().run({}, 6, gen, {"x"})["x"].shape == (6,)
    with pytest.raises(ScenarioError, match=rf"scenario test_shaped returned x of shape {re.escape(shown)}; "
                                            rf"expected \(6,\): one value per instance"):
        Shaped().run({"shape": shape}, 6, gen, {"x"})


def test_a_wrong_shape_or_type_through_check_is_an_error_naming_the_claim():
    register_scenario(Shaped)
    x = Quantity("x", "x")
    claim = Claim(id="t.shape", title="t", lhs="x", rel="=", rhs="0", statistic="mean", quantities=(x,),
                  provenance=Provenance("classical", "t", "T"), scenario="test_shaped", grid=({"shape": "pairs"},),
                  samples=100)
    result = check(claim)
    assert result.verdict == "ERROR"
    assert result.evidence["error"] == ("claim t.shape: scenario test_shaped returned x of shape (100, 2); expected "
                                        "(100,): one value per instance of the batch")

    class NotADict(Shaped):
        name = "test_not_a_dict"

        def measure(self, point, batch, gen, wanted):
            return torch.zeros(batch)

    with pytest.raises(ScenarioError, match="measure returned a Tensor, not a dict"):
        NotADict().run({}, 3, torch.Generator(), {"x"})


def test_scenarios_lists_builtin_and_file_scenarios(tmp_path, capsys):
    f = write(tmp_path / "only_scenarios.py", UNIFORM + "register_scenario(Uniform)\n")  # scenarios only
    assert main(["scenarios", "--file", f]) == 0
    out = capsys.readouterr().out
    for name in ("linear_finetune", "caulking", "transfer_curves", "sgd_shift", "gaussian_design", "deep_linear",
                 "relu_ntk", "test_uniform"):
        assert f"\n{name}: " in "\n" + out
    assert "test_uniform: x ~ Uniform(0, b)\n  defined in : Uniform (" in out
    assert ("  inputs     : b  1.0       any value\n             : n  required  any value\n"
            "  measures   : x  a uniform draw on (0, b)\n"
            "  by default : 4000 instances per grid point (claims that set no samples)\n"
            "             : 32 repetitions per sweep value (rate, trend, bound)\n  worst case : no") in out

    assert main(["scenarios", "--file", f, "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["test_uniform"] == {"name": "test_uniform", "description": "x ~ Uniform(0, b)",
                                    "inputs": {"b": {"type": "any", "domain": "any value", "required": False,
                                                     "default": 1.0, "description": ""},
                                               "n": {"type": "any", "domain": "any value", "required": True,
                                                     "default": None, "description": ""}},
                                    "quantities": {"x": "a uniform draw on (0, b)"},
                                    "budget": {"instances": 4000, "repetitions": 32}, "worstcase": False,
                                    "defined_in": f"Uniform ({f})", "installed_from": None}
    # worst-case programs: the scenarios that implement `instance` (their claims carry worstcase targets)
    worst = {c.scenario for c in Registry.catalogue() if c.worstcase}
    assert {n for n, r in rows.items() if r["worstcase"]} == worst == {"linear_finetune", "relu_ntk", "sgd_shift"}
    assert rows["caulking"]["inputs"]["m"] == {  # strict JSON for an infinite default
        "type": "int", "domain": "inf (or 'inf') or an integer in [3, inf)", "required": False, "default": "inf",
        "description": "source samples pre-training g_m by OLS (inf: the true feature g*); m >= D + 2"}
    # every built-in input says what it is
    assert all(i["description"] for r in rows.values() if "verify/scenarios/" in r["defined_in"]
               for i in r["inputs"].values())


def test_scenarios_with_a_name_and_an_unknown_name(capsys):
    assert main(["scenarios", "relu_ntk", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["name"] == "relu_ntk" and row["quantities"] == get_scenario("relu_ntk").quantities
    assert main(["scenarios", "nothing"]) == 2
    assert "unknown scenario 'nothing'; known: caulking, deep_linear, gaussian_design" in capsys.readouterr().err


def test_quoted_glob_and_sibling_import_through_the_command_line(tmp_path, monkeypatch, capsys):
    """As a user types it, from the folder above the claims: `boundlab check --file 'claims/*_claims.py'` (the
    shell passes a quoted pattern unexpanded), each file importing its scenario from a module beside it."""
    folder = tmp_path / "claims"
    folder.mkdir()
    write(folder / "uniform_scenario_for_glob_test.py", UNIFORM)
    head = "from uniform_scenario_for_glob_test import Uniform\n"
    write(folder / "a_claims.py", head + CLAIMS)
    write(folder / "b_claims.py", head + CLAIMS.replace("t.", "u."))
    monkeypatch.chdir(tmp_path)
    path = list(sys.path)
    assert main(["check", "--file", "claims/*_claims.py", "--quick"]) == 0
    assert sys.path == path  # the files' folder was importable only while they loaded
    rows = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()
            if line[:2] in ("t.", "u.")}
    assert rows == {"t.mean": "CONSISTENT", "t.var": "CONSISTENT", "t.slip": "VIOLATED",
                    "u.mean": "CONSISTENT", "u.var": "CONSISTENT", "u.slip": "VIOLATED"}
    missing = subprocess.run([SCRIPT, "list", "--file", "nowhere/*.py"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=600)
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr == "boundlab list: error: --file nowhere/*.py: no file matches this pattern\n"


BUDGETED = UNIFORM.replace('    inputs = {"b": 1.0, "n": REQUIRED}', """    inputs = {"b": 1.0, "n": REQUIRED}
    samples = 300

    def default_samples(self, statistic, wanted):
        return 40 if "y" in wanted else super().default_samples(statistic, wanted)""").replace(
    'quantities = {"x": "a uniform draw on (0, b)"}', 'quantities = {"x": "a uniform draw on (0, b)", "y": "x again"}'
).replace('return {"x": point["b"]', 'x = point["b"]').replace(
    "torch.float64)}", "torch.float64)\n        return {'x': x, 'y': x}") + """
register_scenario(Uniform)
from boundlab.theory import POSITIVE, Claim, Param, Provenance, Quantity
b, x, y = Param("b", POSITIVE), Quantity("x", "x"), Quantity("y", "y")
kw = dict(params=(b,), provenance=Provenance("classical", "t", "T"), grid=({"b": 2.0, "n": 1},), statistic="mean",
          scenario="test_uniform", lhs="x", rel="<=", rhs="b")
cheap = Claim(id="t.cheap", title="t", quantities=(x,), **kw)
costly = Claim(id="t.costly", title="t", quantities=(x, y), **{**kw, "lhs": "(x + y)/2"})
own = Claim(id="t.own", title="t", quantities=(x,), samples=50, **kw)
"""


def test_a_claim_without_samples_takes_its_scenarios_default_and_says_so(tmp_path, capsys):
    """The budget of a claim that sets none is the scenario's, per statistic and quantity (`default_samples`), and
    the evidence says where it came from; `boundlab show` and `boundlab scenarios` state it."""
    f = write(tmp_path / "budgeted.py", BUDGETED)
    assert main(["check", "--file", f, "--json", str(tmp_path / "r.json"), "t.cheap", "t.costly", "t.own"]) == 0
    ev = {r["id"]: r["evidence"] for r in json.loads((tmp_path / "r.json").read_text())["results"]}
    assert {k: (e["samples_per_point"], e["samples_from"]) for k, e in ev.items()} == {
        "t.cheap": (300, "the test_uniform scenario's default"), "t.costly": (40, "the test_uniform scenario's default"),
        "t.own": (50, "the claim's samples")}
    capsys.readouterr()
    assert main(["show", "--file", f, "t.costly"]) == 0
    assert "1 point(s), 40 instances each (the scenario's default)" in capsys.readouterr().out
    assert main(["scenarios", "--file", f, "test_uniform"]) == 0
    assert "  by default : 300 (40 for y) instances per grid point" in capsys.readouterr().out


def test_builtin_training_scenarios_default_to_budgets_that_train_few_networks():
    """Training runs get tens of instances by default, closed forms thousands (each a check of seconds)."""
    budget = {n: get_scenario(n).budget() for n in ("relu_ntk", "deep_linear", "linear_finetune", "sgd_shift")}
    assert budget["relu_ntk"]["instances"]["risk"] == 16 and budget["relu_ntk"]["instances"]["lemma"] == 1000
    assert budget["deep_linear"]["instances"]["risk_gd"] == 48 and budget["deep_linear"]["instances"]["risk_cf"] == 2000
    assert budget["linear_finetune"]["instances"]["L_gd"] == 64 and budget["linear_finetune"]["instances"]["L"] == 4000
    assert budget["sgd_shift"]["instances"]["risk"] == 4000 and budget["sgd_shift"]["instances"]["exact"] == 24


@pytest.mark.parametrize("samples", [1, 2.5, True, "100"])
def test_a_bad_samples_value_is_a_claim_error(samples):
    with pytest.raises(ClaimError, match="samples must be an integer >= 2"):
        Claim(id="t.bad", title="t", lhs="x", rel="=", rhs="1", statistic="mean", quantities=(Quantity("x", "x"),),
              provenance=Provenance("classical", "t", "T"), scenario="linear_finetune", grid=({"d": 2, "n": 1},),
              samples=samples)


def test_show_states_an_unknown_scenario_instead_of_crashing(tmp_path, capsys):
    """`boundlab show` on a claim naming no registered scenario (a typo, a file not passed): the budget line says
    so, and the command succeeds; `check` then reports the same cause as the claim's error."""
    f = write(tmp_path / "typo.py", """
        from boundlab import Claim, Param, Provenance, Quantity, SIZE
        n, x = Param("n", SIZE), Quantity("x", "x")
        c = Claim(id="u.c", title="t", lhs="x", rel="<=", rhs="n", statistic="mean", params=(n,), quantities=(x,),
                  provenance=Provenance("derived", "u", "U"), scenario="no_such_scenario", grid=({"n": 3},))
        """)
    assert main(["show", "--file", f, "u.c"]) == 0
    assert "unknown here: unknown scenario 'no_such_scenario'" in capsys.readouterr().out
    assert main(["check", "--file", f, "u.c"]) == 1
    assert "unknown scenario 'no_such_scenario'" in capsys.readouterr().out
