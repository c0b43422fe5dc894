"""The pytest plugin (verify/pytest_plugin.py) in throwaway theory repositories made by `pytester`: claims become
tests, failures show the claim, verdict and witness, options reach the checks, bad configuration is a collection
error, and projects that do not use the plugin are untouched.

The run that a user makes (a new process, the plugin found through its `pytest11` entry point) is done once; the
other runs are in process, which saves the few seconds of importing torch and SymPy each time. Everything the
checks import is imported here first: pytester drops the modules an in-process run imported, and torch cannot be
imported twice."""
import json
import re
from importlib.metadata import entry_points
from pathlib import Path

import boundlab.verify.check  # noqa: F401  (see the docstring)
import boundlab.verify.cli  # noqa: F401
import boundlab.verify.derive  # noqa: F401
import boundlab.verify.pytest_plugin  # noqa: F401
import boundlab.verify.snapshot as snapshot
import boundlab.verify.worstcase  # noqa: F401  (cvxpy and its solvers: a second import of their extensions crashes)
from boundlab.theory import Registry

pytest_plugins = ["pytester"]

CLAIMS = '''
from boundlab.theory import Claim, Param, Provenance, POSITIVE

x = Param("x", POSITIVE)
mine = Provenance("derived", "mine", "Me (2026)")

square = Claim(id="mine.square", title="x^2 + 1 >= 2x", lhs="x**2 + 1", rel=">=", rhs="2*x",
               params=(x,), provenance=mine)
square_wrong = Claim(id="mine.square_wrong", title="x^2 + 1 >= 3x (a factor off)", lhs="x**2 + 1", rel=">=",
                     rhs="3*x", params=(x,), provenance=mine)
known_false = Claim(id="mine.known_false", title="x^2 >= x (false below 1)", lhs="x**2", rel=">=", rhs="x",
                    params=(x,), provenance=mine, expect="VIOLATED")
'''

DERIVATION = '''
from boundlab.theory import Derivation, Param, Provenance, SIZE, UNIT_OPEN

n, delta = Param("n", SIZE), Param("delta", UNIT_OPEN)
dropped = Derivation(id="mine.dropped", title="A radius with a term dropped", params=(n, delta),
                     provenance=Provenance("derived", "mine", "Me (2026)"), start="sqrt(log(2/delta)/n)",
                     steps=[("=", "sqrt((log(2) + log(1/delta))/n)", "log of a quotient"),
                            ("<=", "sqrt(log(2)/n)", "dropped a term")])
'''

INNER = ("-p", "no:cacheprovider", "-p", "no:xdist")  # the inner runs never depend on the repository's xdist


def project(pytester, ini: str, **files):
    pytester.makefile(".ini", pytest="[pytest]\n" + ini)
    if files:
        pytester.makepyfile(**files)


def test_the_entry_point_is_installed():
    points = {e.name: e.value for e in entry_points(group="pytest11")}
    assert points.get("boundlab") == "boundlab.verify.pytest_plugin", \
        "reinstall the project (python3 dev.py setup) so that pytest finds the plugin"


def test_claims_are_tests_and_a_failure_shows_claim_verdict_and_witness(pytester):
    project(pytester, "boundlab_files = claims.py\n", claims=CLAIMS)
    run = pytester.runpytest_subprocess(*INNER, "-o", "addopts=", "-v", "-ra")
    run.assert_outcomes(passed=2, failed=1)
    out = run.stdout.str()
    assert "boundlab: 1 claim file(s), quick budget, seed 0" in out
    run.stdout.fnmatch_lines(["claims.py::mine.square PASSED (PROVED)*",
                              "claims.py::mine.square_wrong FAILED*",
                              "claims.py::mine.known_false PASSED (VIOLATED)*",
                              "*_ claim mine.square_wrong _*",
                              "claim mine.square_wrong: x^2 + 1 >= 3x (a factor off)",
                              "  statement : x**2 + 1 >= 3*x",
                              "  verdict   : VIOLATED, expected to hold",
                              "  method    : falsification search*",
                              "  evidence  : counterexample x = *: lhs * vs rhs *",
                              "  witness   : {*",
                              "  replay    : boundlab check --file claims.py --seed 0 --quick mine.square_wrong",
                              "FAILED claims.py::mine.square_wrong - VIOLATED, expected to hold*"])
    assert "Traceback" not in out and "runtest" not in out  # the claim, not the plugin's code
    witness = json.loads(re.search(r"  witness   : (\{.*\})", out).group(1))
    x, lhs, rhs = float(witness["point"]["x"]), float(witness["lhs"]), float(witness["rhs"])
    assert abs(lhs - (x * x + 1)) < 1e-9 and abs(rhs - 3 * x) < 1e-9 and lhs < rhs  # a real counterexample


def test_seed_and_budget_reach_the_checks(pytester, monkeypatch):
    seen = []
    real = boundlab.verify.check.check

    def spy(claim, seed=0, quick=False, seconds=None):
        seen.append((claim.id, seed, quick))
        return real(claim, seed=seed, quick=quick, seconds=seconds)

    monkeypatch.setattr(boundlab.verify.check, "check", spy)
    project(pytester, "boundlab_files = claims.py\n", claims=CLAIMS)
    quick = pytester.runpytest(*INNER, "-k", "square and not wrong")
    quick.assert_outcomes(passed=1, deselected=2)
    full = pytester.runpytest(*INNER, "--boundlab-full", "--boundlab-seed", "3")
    full.assert_outcomes(passed=2, failed=1)
    assert "boundlab: 1 claim file(s), full budget, seed 3" in full.stdout.str()
    assert "replay    : boundlab check --file claims.py --seed 3 mine.square_wrong" in full.stdout.str()
    assert seen == [("mine.square", 0, True), ("mine.square", 3, False), ("mine.square_wrong", 3, False),
                    ("mine.known_false", 3, False)]


def test_bad_entries_and_broken_modules_are_collection_errors_naming_the_file(pytester):
    project(pytester, "boundlab_files =\n    claims.py\n    theory/*.py\n    broken.py\n", claims=CLAIMS,
            broken="from boundlab.theory import Claim\nraise RuntimeError('a bug in my module')\n")
    run = pytester.runpytest(*INNER, "--collect-only")
    assert run.ret == 2  # interrupted by collection errors
    run.stdout.fnmatch_lines(["*ERROR collecting theory/*.py*",
                              f"boundlab_files entry 'theory/*.py' (in {pytester.path}/pytest.ini) matches no file "
                              f"under {pytester.path}"])
    run.stdout.fnmatch_lines(["*ERROR collecting broken.py*",
                              "broken.py, line 2: the file failed to load: RuntimeError: a bug in my module"])
    assert "Traceback" not in run.stdout.str()


def test_a_project_without_boundlab_files_is_untouched(pytester):
    project(pytester, "", claims=CLAIMS, test_plain="def test_plain():\n    pass\n")
    run = pytester.runpytest(*INNER)
    run.assert_outcomes(passed=1)
    assert "boundlab:" not in run.stdout.str() and "mine." not in run.stdout.str()


def test_files_outside_testpaths_run_without_arguments_and_derivations_are_tests(pytester):
    pytester.mkdir("theory_files")
    (pytester.path / "theory_files" / "claims.py").write_text(CLAIMS)
    (pytester.path / "theory_files" / "chain.py").write_text(DERIVATION)
    project(pytester, "testpaths = tests\nboundlab_files = theory_files/*.py\n")
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_plain.py").write_text("def test_plain():\n    pass\n")
    listed = pytester.runpytest(*INNER, "--collect-only", "-q")
    listed.stdout.fnmatch_lines(["tests/test_plain.py::test_plain", "theory_files/chain.py::mine.dropped",
                                 "theory_files/claims.py::mine.square", "theory_files/claims.py::mine.square_wrong",
                                 "theory_files/claims.py::mine.known_false"])
    assert "mine." not in pytester.runpytest(*INNER, "--collect-only", "-q", "tests").stdout.str()
    run = pytester.runpytest(*INNER, "theory_files/chain.py::mine.dropped")
    run.assert_outcomes(failed=1)
    run.stdout.fnmatch_lines(["*_ derivation mine.dropped _*", "derivation mine.dropped: A radius with a term dropped",
                              "*VIOLATED*counterexample n = *: lhs * vs rhs *", "  verdict   : VIOLATED, expected to hold",
                              "  replay    : boundlab derive theory_files/chain.py --seed 0",
                              "FAILED *mine.dropped - VIOLATED at step 2*"])


def test_the_snapshot_is_one_more_test(pytester):
    project(pytester, "boundlab_files = claims.py\nboundlab_snapshot = claims.snapshot.json\n", claims=CLAIMS)
    missing = pytester.runpytest(*INNER, "-k", "snapshot")
    missing.assert_outcomes(failed=1, deselected=3)
    missing.stdout.fnmatch_lines(["*no snapshot at*claims.snapshot.json*",
                                  "  for these claims: boundlab snapshot --file claims.py -o claims.snapshot.json"])
    claims = Registry.catalogue([str(pytester.path / "claims.py")]).from_files
    snapshot.write(pytester.path / "claims.snapshot.json", snapshot.take(claims))
    pytester.runpytest(*INNER, "-k", "snapshot").assert_outcomes(passed=1, deselected=3)
    pytester.makepyfile(claims=CLAIMS.replace('rhs="3*x"', 'rhs="4*x"'))
    changed = pytester.runpytest(*INNER, "claims.snapshot.json")
    changed.assert_outcomes(failed=1)
    changed.stdout.fnmatch_lines(["snapshot claims.snapshot.json: the claims changed:",
                                  "mine.square_wrong: changed meaning: right-hand side '3*x' -> '4*x' differs at x =*",
                                  "*if the change is intended: boundlab snapshot --file claims.py -o "
                                  "claims.snapshot.json --update"])


def test_the_readme_example_fails_as_shown(pytester):
    """The README's section runs: its claims.py and pytest.ini give the failure it shows, line for line."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Claims as tests (pytest plugin)"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    ini = re.search(r"```ini\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```\n\$ pytest -v\n(.*?)```", section, re.S).group(1)
    (pytester.path / "claims.py").write_text(code)
    (pytester.path / "pytest.ini").write_text(ini)
    run = pytester.runpytest(*INNER, "-v", "-ra")
    out = run.stdout.str()
    for line in shown.strip().splitlines():
        if line == "..." or " 1 failed, 2 passed in " in line:  # the header, the time
            continue
        assert (line[:60] if line.endswith("...") else line) in out, line  # '...': cut to the terminal's width
    run.assert_outcomes(passed=2, failed=1)


SIMULATED = '''
import time
import torch
from boundlab.theory import Claim, Param, Provenance, Quantity, POSITIVE
from boundlab.verify.scenarios import Scenario, register_scenario


class Coin(Scenario):
    """Means of n fair coin flips; with spin > 0, burns that many CPU seconds first (a runaway simulator)."""
    name = "plugin_test_coin_NAME"
    quantities = {"mean": "the mean of n fair coin flips"}
    inputs = {"n": 10, "spin": 0.0}

    def measure(self, point, batch, gen, wanted):
        end = time.process_time() + point["spin"]
        while time.process_time() < end:
            pass
        flips = torch.rand(batch, point["n"], generator=gen, dtype=torch.float64) < 0.5
        return {"mean": flips.double().mean(dim=1)}


register_scenario(Coin())
n = Param("n", POSITIVE)
mean = Quantity("mean", r"\\bar X", "the mean of n fair coin flips")
mine = Provenance("derived", "mine", "Me (2026)")
common = dict(statistic="mean", lhs="mean", rel="=", params=(n,), quantities=(mean,), scenario="plugin_test_coin_NAME",
              provenance=mine, samples=2000)
fair = Claim(id="mine.fair", title="E[mean] = 1/2", rhs="1/2", grid=({"n": 10},), **common)
biased = Claim(id="mine.biased", title="E[mean] = 0.6 (wrong)", rhs="0.6", grid=({"n": 10},), **common)
outside = Claim(id="mine.outside", title="outside its hypotheses", rhs="1/2", grid=({"n": 1},),
                hypotheses=("n >= 2",), **common)
slow = Claim(id="mine.slow", title="a runaway simulator", rhs="1/2", grid=({"n": 10, "spin": 30.0},), **common)
'''


def test_empirical_failures_and_errors_show_their_evidence(pytester):
    """A simulated VIOLATED and an ERROR fail with the claim's evidence, not with an ImportError from the plugin."""
    project(pytester, "boundlab_files = claims.py\n", claims=SIMULATED.replace("NAME", "evidence"))
    run = pytester.runpytest(*INNER, "-v", "-ra", "-k", "not slow")
    run.assert_outcomes(passed=1, failed=2)
    out = run.stdout.str()
    run.stdout.fnmatch_lines(["*claim mine.biased: E[[]mean[]] = 0.6 (wrong)*", "  verdict   : VIOLATED, expected to hold",
                              "  evidence  : seed 0, point {\"n\": 10}: measured 0.* in [[]0.*, 0.*[]] vs claimed 0.6",
                              "  witness   : {*"])
    run.stdout.fnmatch_lines(["  verdict   : ERROR, expected to hold",
                              "  error     : claim mine.outside: grid point 0 *outside the claim's hypotheses*"])
    assert "ImportError" not in out and "Traceback" not in out


def test_a_runaway_claim_is_inconclusive_at_the_time_limit(pytester):
    """A claim past its CPU-time limit fails as INCONCLUSIVE "ran past" instead of hanging the run."""
    project(pytester, "boundlab_files = claims.py\nboundlab_time_limit = 1\n", claims=SIMULATED.replace("NAME", "slow"))
    run = pytester.runpytest(*INNER, "-v", "-ra", "-k", "slow")
    run.assert_outcomes(failed=1, deselected=3)
    run.stdout.fnmatch_lines(["  verdict   : INCONCLUSIVE, expected to hold",
                              "  evidence  : claim mine.slow: the check ran past 1 s of CPU time*"])


def test_a_project_with_its_own_theory_package_runs_the_plugin_without_a_clash(pytester):
    """boundlab's only import name is `boundlab`: a user project whose claims live in its own package `theory/`
    (and import a helper from it) runs as any other; the README once suggested that folder name."""
    pytester.mkdir("theory")
    (pytester.path / "theory" / "__init__.py").write_text("")
    (pytester.path / "theory" / "helpers.py").write_text('MINE = "the own theory package of the user"\n')
    (pytester.path / "theory" / "claims.py").write_text("from theory.helpers import MINE\n" + CLAIMS)
    project(pytester, "boundlab_files = theory/claims.py\n")
    run = pytester.runpytest_subprocess(*INNER, "-o", "addopts=", "-v", "-p", "no:cacheprovider")
    run.assert_outcomes(passed=2, failed=1)
    run.stdout.fnmatch_lines(["theory/claims.py::mine.square PASSED (PROVED)*"])
