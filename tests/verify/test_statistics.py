"""Statistics as plug-ins: boundlab's own are found by name through their entry points, one module each; a user's
statistic (the README's median) runs through the command line, reads in LaTeX and in the one-line summary, and is
refused when its name is taken; a result renders the same after a JSON round trip."""
import importlib
import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from boundlab import Claim, Param, Provenance
from boundlab.theory.claim import ClaimError
from boundlab.theory.latex import statement_latex
from boundlab.theory.registry import load_file
from boundlab.theory.statistic import all_statistics, get_statistic
from boundlab.verify.check import check
from boundlab.verify.cli import main
from boundlab.verify.render import brief
from boundlab.verify.statistics.base import Statistic
from boundlab.verify.verdict import Result

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
BUILT_IN = ("value", "mean", "var", "as", "prob", "some", "dist", "rate", "trend", "bound")


def test_every_built_in_statistic_is_found_in_a_module_of_its_own():
    """boundlab's entry point names the package; each module of it defines one statistic (or a shared family)."""
    points = {ep.name: ep.value for ep in entry_points(group="boundlab.statistics")}
    assert points["boundlab"] == "boundlab.verify.statistics"
    modules = {get_statistic(name).__class__.__module__ for name in BUILT_IN}
    assert len(modules) == len(BUILT_IN)  # one module each
    for name in BUILT_IN:
        stat = get_statistic(name)
        assert isinstance(stat, Statistic) and stat.name == name
        module = importlib.import_module(type(stat).__module__)
        own = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Statistic)
               and v.__module__ == module.__name__ and v.__dict__.get("name")]
        assert [c.name for c in own] == [name]


def _median_file(tmp_path) -> Path:
    section = README[README.index("### A statistic"):]
    path = tmp_path / "my_median.py"
    path.write_text(re.search(r"```python\n(.*?)```", section, re.S).group(1))
    return path


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_readme_median_statistic_runs_through_the_command_line_as_shown(tmp_path, capsys, seed):
    path = _median_file(tmp_path)
    shown = re.search(r"```\n\$ boundlab check --file my_median.py\n(.*?)```", README[README.index("### A statistic"):],
                      re.S).group(1)
    assert main(["check", "--file", str(path), "--seed", str(seed)]) == 0
    out = capsys.readouterr().out
    for line in shown.strip().splitlines():
        cid, verdict = line.split()
        assert any(row.split()[:2] == [cid, verdict] for row in out.splitlines()), out
    assert "order-statistic interval for the median" in out and "vs claimed" in out


def test_a_user_statistic_reads_in_latex_and_in_its_summary(tmp_path):
    module = load_file(_median_file(tmp_path))
    claim = module.median
    assert claim.statistic == "median" and claim.stat is get_statistic("median")
    assert statement_latex(claim).startswith(r"\operatorname{med}\left[|X|\right] = ")
    assert claim.statement_text() == "median[a] = 0.6744897501960817*s"
    res = check(claim, seed=0, quick=True)
    assert res.statistic == "median" and brief(res).startswith("worst of 2 point(s): measured ")
    again = Result.from_json(res.to_json())
    assert brief(again) == brief(res)


def test_a_taken_or_unknown_statistic_name_is_a_clear_error():
    n = Param("n", "size")
    prov = Provenance("classical", "x", "x")

    class Impostor(Statistic):
        name = "mean"

    with pytest.raises(ClaimError, match="statistic name 'mean' is taken by Mean"):
        Claim(id="mine.a", title="t", lhs="n", rel=">=", rhs="1", params=(n,), provenance=prov, statistic=Impostor())
    with pytest.raises(ClaimError, match=r"statistic must be one of \(.*'mean'.*\), not 'median_of_means'"):
        Claim(id="mine.b", title="t", lhs="n", rel=">=", rhs="1", params=(n,), provenance=prov,
              statistic="median_of_means")
    assert get_statistic("mean").name == "mean"  # the built-in is untouched


def test_the_rules_of_a_statistic_come_from_its_module():
    n = Param("n", "size")
    prov = Provenance("classical", "x", "x")
    with pytest.raises(ClaimError, match="a 'trend' claim takes the relation '<=' or '>=', not '='"):
        Claim(id="mine.c", title="t", lhs="n", rel="=", rhs="0", params=(n,), provenance=prov, statistic="trend")
    assert set(all_statistics()) >= set(BUILT_IN)


def test_boundlab_statistics_lists_the_built_in_ones_and_a_files_own(tmp_path, capsys):
    assert main(["statistics", "--file", str(_median_file(tmp_path))]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line and not line[0].isspace()}
    assert set(rows) >= {*BUILT_IN, "median"}
    assert "relations ~" in rows["dist"] and "curve" in rows["rate"] and "order statistics" in rows["median"]
    assert main(["statistics", "--json"]) == 0
    import json
    listed = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["value"]["kind"] == "analytic" and listed["value"]["relations"][-1] == "!="


def test_defining_and_typesetting_claims_loads_no_simulator_or_statistics_library():
    """Claims find their statistics on definition; that must not import torch or scipy.stats (seconds at start-up of
    `boundlab list`, `show`, `latex`): the statistics import what they check with when they check."""
    import subprocess
    import sys

    code = ("import sys\nfrom boundlab.theory.registry import Registry\nfrom boundlab.theory.latex import claim_latex\n"
            "for c in Registry.catalogue():\n    claim_latex(c)\n"
            "print(sorted(m for m in ('torch', 'scipy.stats', 'cvxpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_a_users_curve_statistic_is_budgeted_as_a_curve_by_every_scenario():
    """Scenarios size curve claims in repetitions per swept value (`statistic in CURVES`), and a user's curve
    statistic is one of them as soon as it is registered."""
    from boundlab.theory.claim import CURVES
    from boundlab.theory.registry import Registry
    from boundlab.verify.measure import budget
    from boundlab.verify.scenarios import get_scenario
    from boundlab.verify.statistics.rate import Rate

    class SteeperRate(Rate):
        """A rate claim under another name (a user's own curve statistic)."""
        name = "steeper_rate"

    assert "steeper_rate" not in CURVES and "rate" in CURVES and "mean" not in CURVES
    base = next(c for c in Registry.catalogue() if c.statistic == "rate")
    mine = Claim(id="mine.steeper", title="t", lhs=base.left.source, rel=base.rel, rhs=base.right.source,
                 params=base.params, quantities=base.quantities, provenance=base.provenance, scenario=base.scenario,
                 grid=base.grid, over=base.over, statistic=SteeperRate())
    assert "steeper_rate" in CURVES and mine.samples is None
    scenario, wanted = get_scenario(base.scenario), {q.name for q in base.quantities}
    assert scenario.default_samples("rate", wanted) != scenario.default_samples("mean", wanted)
    assert budget(mine, False) == scenario.default_samples("rate", wanted)
