"""The catalogue of claims and derivations, and loading of user-written files (`--file PY`, `derive PY`)."""
from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

from .claim import Claim, ClaimError
from .derivation import Derivation


class RegistryError(ValueError):
    """An unknown id, a duplicate id, or a file that cannot be loaded."""


def claims_in(module: ModuleType) -> list[Claim]:
    """Claims defined in a module: its `CLAIMS` list if present, else every module-level Claim."""
    if hasattr(module, "CLAIMS"):
        return list(module.CLAIMS)
    return [v for v in vars(module).values() if isinstance(v, Claim)]


def derivations_in(module: ModuleType) -> list[Derivation]:
    """Derivations defined in a module: its `DERIVATIONS` list if present, else every module-level Derivation."""
    if hasattr(module, "DERIVATIONS"):
        return list(module.DERIVATIONS)
    return [v for v in vars(module).values() if isinstance(v, Derivation)]


def catalogue_modules() -> list[ModuleType]:
    from . import catalogue

    return [importlib.import_module(f"{catalogue.__name__}.{m.name}")
            for m in pkgutil.iter_modules(catalogue.__path__) if not m.name.startswith("_")]


def load_file(path: str | Path) -> ModuleType:
    """Execute a user's claim file; errors name the file and, for malformed claims, the claim."""
    path = Path(path)
    if not path.is_file():
        raise RegistryError(f"--file {path}: no such file")
    name = f"boundlab_user_{path.stem}_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except ClaimError as exc:
        raise RegistryError(f"--file {path}: {exc}") from None
    except Exception as exc:
        raise RegistryError(f"--file {path}: the file failed to load: {type(exc).__name__}: {exc}") from None
    return module


class Registry:
    """Claims and derivations by id, from the catalogue and from any loaded files."""

    def __init__(self, claims: list[Claim] = (), derivations: list[Derivation] = ()):
        self._claims: dict[str, Claim] = {}
        self._derivations: dict[str, Derivation] = {}
        self.from_files: list[Claim] = []
        self.derivations_from_files: list[Derivation] = []
        for c in claims:
            self.add(c)
        for d in derivations:
            self.add_derivation(d)

    @classmethod
    def catalogue(cls, files: list[str] = ()) -> "Registry":
        modules = catalogue_modules()
        reg = cls([c for m in modules for c in claims_in(m)], [d for m in modules for d in derivations_in(m)])
        for f in files:
            module = load_file(f)
            # what the file merely imports (e.g. from the catalogue) is the same object: skip it
            claims = [c for c in claims_in(module) if reg._claims.get(c.id) is not c]
            derivations = [d for d in derivations_in(module) if reg._derivations.get(d.id) is not d]
            if not claims and not derivations:
                raise RegistryError(f"--file {f}: the file defines no claim and no derivation")
            for c in claims:
                reg.add(c)
            for d in derivations:
                reg.add_derivation(d)
            reg.from_files.extend(claims)
            reg.derivations_from_files.extend(derivations)
        return reg

    def add(self, claim: Claim) -> None:
        if not isinstance(claim, Claim):
            raise RegistryError(f"not a claim: {claim!r}")
        if claim.id in self._claims or claim.id in self._derivations:
            raise RegistryError(f"claim id {claim.id} is defined twice")
        self._claims[claim.id] = claim

    def add_derivation(self, derivation: Derivation) -> None:
        if not isinstance(derivation, Derivation):
            raise RegistryError(f"not a derivation: {derivation!r}")
        if derivation.id in self._derivations or derivation.id in self._claims:
            raise RegistryError(f"derivation id {derivation.id} is defined twice")
        self._derivations[derivation.id] = derivation

    def derivation(self, derivation_id: str) -> Derivation:
        try:
            return self._derivations[derivation_id]
        except KeyError:
            close = [i for i in self._derivations if derivation_id in i]
            hint = f"; did you mean {', '.join(close[:3])}?" if close else "; `boundlab list` shows the ids"
            raise RegistryError(f"unknown derivation id {derivation_id!r}{hint}") from None

    def derivations(self) -> list[Derivation]:
        return list(self._derivations.values())

    def has_claim(self, claim_id: str) -> bool:
        return claim_id in self._claims

    def get(self, claim_id: str) -> Claim:
        try:
            return self._claims[claim_id]
        except KeyError:
            close = [i for i in self._claims if claim_id in i or i.endswith(claim_id)]
            hint = f"; did you mean {', '.join(close[:3])}?" if close else "; `boundlab list` shows the ids"
            raise RegistryError(f"unknown claim id {claim_id!r}{hint}") from None

    def __iter__(self):
        return iter(self._claims.values())

    def __len__(self):
        return len(self._claims)

    def ids(self) -> list[str]:
        return list(self._claims)
