"""The README's examples run: its derivation file is checked by `boundlab derive` and comes out PROVED."""
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
