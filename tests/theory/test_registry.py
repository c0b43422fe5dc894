import sys
from pathlib import Path

import pytest

from boundlab.theory import Registry, RegistryError
from boundlab.theory.registry import expand_files, load_file

DATA = Path(__file__).parent.parent / "data"


def test_catalogue_loads_and_ids_are_unique():
    reg = Registry.catalogue()
    assert len(reg) >= 15 and len(set(reg.ids())) == len(reg)


def test_unknown_id_suggests_close_ids():
    with pytest.raises(RegistryError, match="did you mean shachaf2021.isotropic_risk_mean"):
        Registry.catalogue().get("isotropic_risk_mean")
    with pytest.raises(RegistryError, match="boundlab list"):
        Registry.catalogue().get("nothing.like.this")


def test_file_claims_are_added_without_the_imported_catalogue_claims():
    reg = Registry.catalogue([str(DATA / "planted_claims.py")])
    assert sorted(c.id for c in reg.from_files) == ["planted.mean_as_bound", "planted.mean_squared",
                                                    "planted.variance_halved"]


def test_file_errors_name_the_file(tmp_path):
    with pytest.raises(RegistryError, match="no such file"):
        load_file(tmp_path / "missing.py")
    with pytest.raises(RegistryError, match="user.typo: the right-hand side '1 - n/dd' uses undefined symbol"):
        load_file(DATA / "undefined_symbol.py")
    broken = tmp_path / "broken.py"
    broken.write_text("x = 1 +\n")
    with pytest.raises(RegistryError, match="failed to load: SyntaxError"):
        load_file(broken)
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    with pytest.raises(RegistryError, match="defines no claim and no derivation"):
        Registry.catalogue([str(empty)])


def test_a_load_error_names_the_line_of_the_file_and_its_text(tmp_path, monkeypatch):
    f = tmp_path / "claims.py"
    f.write_text("from boundlab.theory import Claim, Param, Provenance\n\n"
                 "n = Param('n', 'size')\n"
                 "bad = Claim(id='user.typo', title='t', lhs='n', rel='<=',\n"
                 "            rhs='1 - n/dd', params=(n,), provenance=Provenance('derived', 'u', 'U'))\n")
    with pytest.raises(RegistryError) as err:
        load_file(f)
    assert str(err.value) == (f"--file {f}, line 4: claim user.typo: the right-hand side '1 - n/dd' uses undefined "
                              f"symbol(s) dd; declare them as parameters or quantities\n"
                              f"    bad = Claim(id='user.typo', title='t', lhs='n', rel='<=',")
    f.write_text("import math\n\nx = 1\ny = math.log(-x)   # oops\n")
    monkeypatch.chdir(tmp_path)  # a relative path, as typed
    with pytest.raises(RegistryError) as err:
        load_file("claims.py")
    assert str(err.value) == ("--file claims.py, line 4: the file failed to load: ValueError: math domain error\n"
                              "    y = math.log(-x)   # oops")
    f.write_text("x = 1\nif x:\ny = 2\n")
    with pytest.raises(RegistryError) as err:
        load_file("claims.py")
    assert str(err.value).startswith("--file claims.py, line 3: the file failed to load: IndentationError: expected "
                                     "an indented block after 'if' statement on line 2\n    y = 2")


def test_a_claim_file_imports_a_module_beside_it(tmp_path):
    (tmp_path / "helper_beside_the_claims.py").write_text("RHS = '2*x'\n")
    f = tmp_path / "claims.py"
    f.write_text("from helper_beside_the_claims import RHS\nfrom boundlab import Claim, Param, Provenance\n"
                 "x = Param('x', 'positive')\n"
                 "amgm = Claim(id='user.amgm', title='t', lhs='x**2 + 1', rel='>=', rhs=RHS, params=(x,),\n"
                 "             provenance=Provenance('classical', 'u', 'U'))\n")
    path = list(sys.path)
    assert [c.right.source for c in Registry.catalogue([str(f)]).from_files] == ["2*x"]
    assert sys.path == path


def test_file_globs_are_expanded_sorted_once_each(tmp_path, monkeypatch):
    for name in ("b", "a"):
        (tmp_path / f"{name}.py").write_text(
            "from boundlab.theory import Claim, Param, Provenance\nx = Param('x', 'positive')\n"
            f"c = Claim(id='g.{name}', title='t', lhs='x**2 + 1', rel='>=', rhs='2*x', params=(x,),\n"
            "          provenance=Provenance('classical', 'u', 'U'))\n")
    monkeypatch.chdir(tmp_path)
    assert expand_files(["*.py", "a.py", str(tmp_path / "?.py")]) == ["a.py", "b.py"]
    assert [c.id for c in Registry.catalogue(["*.py"]).from_files] == ["g.a", "g.b"]
    with pytest.raises(RegistryError, match=r"^--file claims/\*.py: no file matches this pattern$"):
        Registry.catalogue(["claims/*.py"])
    (tmp_path / "odd[1].py").write_text((tmp_path / "a.py").read_text().replace("g.a", "g.odd"))
    assert expand_files(["odd[1].py"]) == ["odd[1].py"]  # an existing file is itself, even with glob characters
