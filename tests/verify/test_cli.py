"""The `boundlab` command line, run as a user runs it (a subprocess of the installed entry point) where exit status,
standard error and the absence of tracebacks matter, and in process (`main(argv)`) for output contents."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from boundlab.theory import Registry
from boundlab.verify.cli import main

DATA = Path(__file__).parent.parent / "data"
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = shutil.which("boundlab", path=str(Path(sys.executable).parent))


def boundlab(*args: str) -> subprocess.CompletedProcess:
    cmd = [SCRIPT] if SCRIPT else [sys.executable, "-m", "boundlab.verify.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_the_console_script_is_installed():
    assert SCRIPT, f"no `boundlab` script beside {sys.executable}: install the project (python3 dev.py setup)"


def test_list_json_rows(capsys):
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    reg = Registry.catalogue()
    assert [r["id"] for r in rows] == reg.ids() + [d.id for d in reg.derivations()]
    for r in rows:
        assert {"id", "title", "paper", "provenance", "kind"} <= set(r)
        assert r["provenance"] in ("stated", "reconstructed", "derived", "classical")
        assert r["kind"] in ("analytic", "empirical", "derivation")


def test_show_prints_statement_provenance_and_latex(capsys):
    assert main(["show", "shachaf2021.isotropic_risk_mean"]) == 0
    out = capsys.readouterr().out
    assert "E[L] = (1 - n/d)*sigma**2*Delta**2" in out and "n <= d" in out
    assert "derived: Derived here, in the setting of Shachaf" in out and r"\begin{bltheorem}" in out


def test_check_json_follows_the_design_and_exit_status_is_0(tmp_path, capsys):
    out = tmp_path / "r.json"
    ids = ["shachaf2021.beta_mean_identity", "shachaf2021.never_hurts", "shachaf2021.diag2_mean"]
    assert main(["check", *ids, "--quick", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "3 of 3 claims as expected" in table
    results = json.loads(out.read_text())["results"]
    assert [r["id"] for r in results] == ids
    for r in results:
        assert {"id", "verdict", "method", "evidence", "witness"} <= set(r)
    assert [r["verdict"] for r in results] == ["PROVED", "VIOLATED", "CONSISTENT"]
    assert results[1]["witness"]["seed"] == 0 and results[1]["as_expected"]


def test_same_seed_gives_byte_identical_json(tmp_path):
    files = [tmp_path / f"{i}.json" for i in range(3)]
    for f, seed in zip(files, ("4", "4", "5")):
        assert main(["check", "shachaf2021.label_noise_mean", "shachaf2021.never_hurts", "--quick", "--seed", seed,
                     "--json", str(f)]) == 0
    assert files[0].read_bytes() == files[1].read_bytes() != files[2].read_bytes()
    a, b = (tmp_path / "w1.json"), (tmp_path / "w2.json")
    for f in (a, b):
        assert main(["worstcase", "shachaf2021.worst_ratio", "--json", str(f)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_planted_errors_exit_1_with_witnesses(tmp_path):
    out = tmp_path / "p.json"
    run = boundlab("check", "--file", str(DATA / "planted_claims.py"), "--json", str(out))
    assert run.returncode == 1, run.stderr
    results = json.loads(out.read_text())["results"]
    assert sorted(r["id"] for r in results) == ["planted.mean_as_bound", "planted.mean_squared",
                                                "planted.variance_halved"]
    assert all(r["verdict"] == "VIOLATED" and r["witness"]["point"] for r in results)
    assert "0 of 3 claims as expected" in run.stdout and "seed 0, point" in run.stdout


def test_worstcase_reports_agreement_status_residuals_and_replay():
    run = boundlab("worstcase", "shachaf2021.worst_ratio", "--json", "-")
    assert run.returncode == 0, run.stderr
    ev = json.loads(run.stdout)["results"][0]["evidence"]
    assert ev["relative_difference"] <= 1e-6 and ev["replay_relative_difference"] <= 1e-6
    assert ev["status"] == "optimal" and ev["diagnostics"]["dual_residual"] < 1e-6


@pytest.mark.parametrize("args, status, message", [
    (["check", "no.such_claim"], 2, "unknown claim id 'no.such_claim'"),
    (["show", "isotropic_risk_mean"], 2, "did you mean shachaf2021.isotropic_risk_mean"),
    (["check", "--file", str(DATA / "undefined_symbol.py")], 2, "uses undefined symbol(s) dd"),
    (["check", "--file", "no_such_file.py"], 2, "no such file"),
    (["check"], 2, "name claim ids, or use --all"),
    (["check", "--seed", "x"], 2, "invalid int value"),
    ([], 2, "the following arguments are required"),
    (["check", "shachaf2021.beta_mean_identity", "--json", "/no/such/folder/r.json"], 2, "cannot write"),
    (["latex", "shachaf2021.beta_mean_identity", "-o", "/no/such/folder/c.tex"], 2, "cannot write"),
    (["check", "bad.contradictory", "--file", str(DATA / "bad_claims.py")], 1, "contradictory"),
    (["check", "bad.outside_hypotheses", "--file", str(DATA / "bad_claims.py")], 1, "outside the claim's hypotheses"),
    (["check", "bad.not_psd", "--file", str(DATA / "bad_claims.py")], 1, "not positive semidefinite"),
    (["check", "bad.nan_scenario", "--file", str(DATA / "bad_claims.py")], 1, "non-finite value"),
    (["worstcase", "shachaf2021.isotropic_risk_mean"], 1, "has no worst-case program"),
    (["worstcase", "shachaf2021.worst_risk", "--point", "7"], 1, "grid point 7 does not exist"),
], ids=lambda v: v if isinstance(v, (int, str)) else None)
def test_bad_input_gives_a_clear_message_and_status_never_a_traceback(args, status, message):
    run = boundlab(*args)
    assert run.returncode == status, (run.returncode, run.stdout, run.stderr)
    assert message in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_help_teaches():
    run = boundlab("check", "--help")
    assert run.returncode == 0
    for word in ("PROVED", "Bonferroni", "examples:", "--quick", "--json"):
        assert word in run.stdout


def test_progress_goes_to_standard_error():
    run = boundlab("check", "shachaf2021.beta_mean_identity", "shachaf2021.never_hurts")
    assert run.returncode == 0
    assert "[1/2] shachaf2021.beta_mean_identity: PROVED" in run.stderr
    assert "[2/2] shachaf2021.never_hurts: VIOLATED" in run.stderr
    assert "2 of 2 claims as expected" in run.stdout


USER_FILE = '''
from boundlab.theory import Claim, Derivation, Param, Provenance, POSITIVE, SIZE, UNIT_OPEN

x = Param("x", POSITIVE)
n, delta = Param("n", SIZE), Param("delta", UNIT_OPEN)
mine = Provenance("derived", "mine", "Me (2026)")
square = Claim(id="mine.square", title="x^2 + 1 >= 2x", lhs="x**2 + 1", rel=">=", rhs="2*x", params=(x,),
               provenance=mine)
radius = Derivation(id="mine.radius", title="Splitting a radius", params=(n, delta), provenance=mine,
                    start="sqrt(log(2/delta)/n)",
                    steps=[("=", "sqrt((log(2) + log(1/delta))/n)"),
                           ("<=", "sqrt(log(2)/n) + sqrt(log(1/delta)/n)")])
'''


@pytest.fixture
def user_file(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(USER_FILE)
    return path


def test_version():
    run = boundlab("--version")
    assert run.returncode == 0 and run.stdout.startswith("boundlab 0.")


def test_list_file_lists_the_files_claims_and_derivations_only(user_file, capsys):
    assert main(["list", "--file", str(user_file), "--json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["mine.square", "mine.radius"]


def test_check_takes_derivation_ids_and_a_files_derivations(user_file, capsys):
    """`boundlab list` lists derivations, so `check` accepts their ids; `check --file` checks the file's chains."""
    assert main(["check", "classical.uniform_radius_split"]) == 0
    out = capsys.readouterr().out
    assert "classical.uniform_radius_split: " in out and "1 of 1 derivations as expected" in out
    assert main(["check", "--file", str(user_file), "--json", "-"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert rows["mine.square"]["verdict"] == "PROVED" and rows["mine.radius"]["verdict"] == "PROVED"
    assert [s["verdict"] for s in rows["mine.radius"]["evidence"]["steps"]] == ["PROVED", "PROVED"]


def test_a_runaway_claim_stops_at_the_time_limit_as_inconclusive(tmp_path):
    """--time-limit counts CPU seconds: a scenario that spins is stopped and reported, and the run goes on."""
    path = tmp_path / "spin.py"
    path.write_text('''
import time
import torch
from boundlab.theory import Claim, Provenance, Quantity
from boundlab.verify.scenarios import Scenario, register_scenario

class Spin(Scenario):
    name = "cli_spin_demo"
    quantities = {"u": "a uniform draw, after spinning the CPU for `spin` seconds"}
    inputs = {"spin": 0.0}

    def measure(self, point, batch, gen, wanted):
        end = time.process_time() + point["spin"]
        while time.process_time() < end:
            pass
        return {"u": torch.rand(batch, generator=gen, dtype=torch.float64)}

register_scenario(Spin())
u = Quantity("u", "U", "a uniform draw")
P = Provenance("derived", "mine", "Me (2026)")
slow = Claim(id="mine.slow", title="slow", lhs="u", rel="<=", rhs="1", statistic="as", quantities=(u,),
             scenario="cli_spin_demo", grid=({"spin": 60.0},), provenance=P)
fast = Claim(id="mine.fast", title="fast", lhs="u", rel="<=", rhs="1", statistic="as", quantities=(u,),
             scenario="cli_spin_demo", grid=({"spin": 0.0},), provenance=P)
''')
    run = boundlab("check", "--file", str(path), "--time-limit", "2", "--json", "-")
    assert run.returncode == 1, run.stderr
    rows = {r["id"]: r for r in json.loads(run.stdout)["results"]}
    assert rows["mine.slow"]["verdict"] == "INCONCLUSIVE"
    assert "ran past 2 s of CPU time" in rows["mine.slow"]["evidence"]["note"]
    assert rows["mine.fast"]["verdict"] == "CONSISTENT"
    assert "Traceback" not in run.stderr
    assert boundlab("check", "--file", str(path), "--time-limit", "0").returncode == 2  # a usage error


def test_snapshot_of_a_file_keeps_its_derivations_and_refuses_a_failing_baseline(user_file, tmp_path, capsys):
    golden = tmp_path / "golden.json"
    assert main(["snapshot", "--file", str(user_file), "-o", str(golden)]) == 0
    recorded = json.loads(golden.read_text())["claims"]
    assert set(recorded) == {"mine.square", "mine.radius.step1", "mine.radius.step2"}
    user_file.write_text(USER_FILE.replace('"sqrt(log(2)/n) + sqrt(log(1/delta)/n)"', '"sqrt(log(2)/n)"'))
    assert main(["snapshot", "--check", "--file", str(user_file), "--golden", str(golden)]) == 1
    assert "mine.radius.step2: changed meaning" in capsys.readouterr().out
    # a golden file must not record a broken claim as the baseline
    user_file.write_text(USER_FILE + '''
broken = Claim(id="mine.broken", title="no scenario point", lhs="x", rel="<=", rhs="x + 1", params=(x,),
               hypotheses=("x > 2", "x < 1"), provenance=mine)
''')
    fresh = tmp_path / "fresh.json"
    assert main(["snapshot", "--file", str(user_file), "-o", str(fresh)]) == 1
    assert "not as expected" in capsys.readouterr().err and not fresh.exists()
    assert main(["snapshot", "--file", str(user_file), "-o", str(fresh), "--allow-unexpected"]) == 1
    assert json.loads(fresh.read_text())["claims"]["mine.broken"]["verdict"] == "ERROR"
