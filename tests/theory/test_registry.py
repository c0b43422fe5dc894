from pathlib import Path

import pytest

from theory import Registry, RegistryError
from theory.registry import load_file

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
