"""The README's examples run: its derivation is PROVED, its rate claim CONSISTENT, its allocation prints as shown."""
import re
from pathlib import Path

from verify.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_the_derivation_example_runs_and_is_proved(tmp_path, capsys):
    section = README[README.index("## Checking a derivation"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```\n\$ boundlab derive radius.py.*?\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "radius.py"
    path.write_text(code)
    assert main(["derive", str(path), "--latex", str(tmp_path / "radius.tex")]) == 0
    out = capsys.readouterr().out
    for line in shown.strip().splitlines():
        assert line.strip() in out, line


def test_the_rate_example_runs_and_is_consistent(tmp_path, capsys):
    section = README[README.index("## Rates, floors and sample complexity"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```\n\$ boundlab check --file my_rate.py\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "my_rate.py"
    path.write_text(code)
    assert main(["check", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    for line in shown.strip().splitlines():
        cid, verdict = line.split()
        assert any(row.split()[:2] == [cid, verdict] for row in out.splitlines()), out


def test_the_fitting_example_recovers_the_law_as_shown(capsys):
    """The printed fit matches the README's to 2% (the last digit may move with the BLAS), and every printed
    interval holds the true value."""
    section = README[README.index("## Scaling laws: fitting"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```\n(A: true .*?)```", section, re.S).group(1)
    exec(compile(code, "README", "exec"), {})
    pattern = re.compile(r"(\w+): true (\S+), fitted (\S+), 95% interval \[(\S+), (\S+)\]")
    got = pattern.findall(capsys.readouterr().out)
    want = pattern.findall(shown)
    assert [g[:2] for g in got] == [w[:2] for w in want] and len(got) == 5
    for g, w in zip(got, want):
        true, fitted, lo, hi = map(float, g[1:])
        assert lo <= true <= hi, g
        for a, b in zip(map(float, g[2:]), map(float, w[2:])):
            assert abs(a - b) <= 0.02 * abs(b) + 1e-9, (g, w)


def test_the_allocation_example_prints_what_the_readme_shows(capsys):
    section = README[README.index("## Scaling laws: fitting"):]
    section = section[section.index("from numerics.allocation") - len("```python\n"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```\n(B = .*?)```", section, re.S).group(1)
    exec(compile(code, "README", "exec"), {})
    assert capsys.readouterr().out.strip() == shown.strip()
