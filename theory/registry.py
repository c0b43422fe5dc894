"""The catalogue of claims and derivations (built in, and from installed packages' `boundlab.catalogues` entry
points), and loading of user-written files (`--file PY`, `derive PY`)."""
from __future__ import annotations

import glob
import importlib
import importlib.util
import pkgutil
import sys
import traceback
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

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


def installed(group: str) -> tuple[list[tuple[EntryPoint, Any]], list[str]]:
    """What installed packages provide under an entry-point group (`boundlab.catalogues`, `boundlab.scenarios`):
    (entry point, loaded object) pairs, and for each entry point that failed to load a message naming it, its
    distribution and the cause, so that one broken package does not stop every command."""
    loaded, broken = [], []
    for ep in entry_points(group=group):
        try:
            loaded.append((ep, ep.load()))
        except Exception as exc:  # whatever a third-party import raises is that package's error, reported
            broken.append(f"{entry_point_name(ep)} failed to load: {type(exc).__name__}: {exc}{_raised_at(exc)}")
    return loaded, broken


def _raised_at(exc: Exception) -> str:
    """` (file, line N)`: the last line outside the import machinery that `exc` passed through, if any (a syntax
    error's text names its line itself)."""
    machinery = Path(importlib.__file__).parent
    where = [f for f in traceback.extract_tb(exc.__traceback__)
             if not f.filename.startswith("<") and not Path(f.filename).is_relative_to(machinery)]
    return f" ({where[-1].filename}, line {where[-1].lineno})" if where and not isinstance(exc, SyntaxError) else ""


def entry_point_name(ep: EntryPoint) -> str:
    """`the boundlab.catalogues entry point demo = boundlab_demo.claims of boundlab-demo 0.1`, for messages."""
    return f"the {ep.group} entry point {ep.name} = {ep.value} of {_distribution(ep)}"


def installed_from(ep: EntryPoint) -> str:
    """`boundlab-demo 0.1 (entry point demo)`: where an installed claim or scenario comes from."""
    return f"{_distribution(ep)} (entry point {ep.name})"


def _distribution(ep: EntryPoint) -> str:
    return f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else "an unknown distribution"


def load_file(path: str | Path) -> ModuleType:
    """Execute a user's claim file, with its folder importable meanwhile (so it may import a module beside it);
    errors name the file, the failing line of the file and, for malformed claims, the claim."""
    path = Path(path)
    if not path.is_file():
        raise RegistryError(f"--file {path}: no such file")
    source = path.resolve()
    name = f"boundlab_user_{path.stem}_{abs(hash(str(source)))}"
    spec = importlib.util.spec_from_file_location(name, source)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, str(source.parent))
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise RegistryError(_load_error(path, exc)) from None
    finally:
        sys.path.remove(str(source.parent))  # the first occurrence: the one inserted above
    return module


def _load_error(path: Path, exc: Exception) -> str:
    """The message for a file that failed to load: the file, the line of the file where `exc` was raised (for a
    syntax error, the line it reports) with its text, and the cause."""
    if isinstance(exc, ClaimError):
        cause = str(exc)
    else:  # a syntax error's own text would repeat the file and the line
        cause = f"the file failed to load: {type(exc).__name__}: {exc.msg if isinstance(exc, SyntaxError) else exc}"
    source = str(path.resolve())  # the file name its code runs under
    if isinstance(exc, SyntaxError):
        number = exc.lineno if exc.filename == source else None
    else:
        number = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__)) if f.filename == source),
                      None)
    if number is None:
        return f"--file {path}: {cause}"
    lines = path.read_text(errors="replace").splitlines()
    text = lines[number - 1].strip() if number <= len(lines) else ""
    return f"--file {path}, line {number}: {cause}" + (f"\n    {text}" if text else "")


def expand_files(files: list[str]) -> list[str]:
    """`--file` arguments as paths: a glob (`claims/*.py`, also when the shell passed it quoted) becomes the files it
    matches, in sorted order, and must match at least one; a file named twice is loaded once."""
    out, seen = [], set()
    for f in map(str, files):
        is_glob = any(c in f for c in "*?[") and not Path(f).is_file()
        matches = sorted(glob.glob(f, recursive=True)) if is_glob else [f]
        if not matches:
            raise RegistryError(f"--file {f}: no file matches this pattern")
        for m in matches:
            if Path(m).resolve() not in seen:
                seen.add(Path(m).resolve())
                out.append(m)
    return out


class Registry:
    """Claims and derivations by id, from the catalogue (built in and installed) and from any loaded files."""

    def __init__(self, claims: list[Claim] = (), derivations: list[Derivation] = ()):
        self._claims: dict[str, Claim] = {}
        self._derivations: dict[str, Derivation] = {}
        self.from_files: list[Claim] = []
        self.derivations_from_files: list[Derivation] = []
        self.origins: dict[str, str] = {}  # id of an installed claim or derivation -> its package and entry point
        self.broken: list[str] = []  # a message per `boundlab.catalogues` entry point left out, naming it and why
        for c in claims:
            self.add(c)
        for d in derivations:
            self.add_derivation(d)

    @classmethod
    def catalogue(cls, files: list[str] = ()) -> "Registry":
        """The catalogue: the built-in modules (theory/catalogue) and those installed packages provide under the
        entry-point group `boundlab.catalogues`; and the claims and derivations of `files` (paths or globs, see
        `expand_files`)."""
        modules = catalogue_modules()
        reg = cls([c for m in modules for c in claims_in(m)], [d for m in modules for d in derivations_in(m)])
        reg.add_installed()
        for f in expand_files(files):
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

    def add_installed(self) -> None:
        """Add every installed catalogue module (entry-point group `boundlab.catalogues`) whole, recording its
        package per id; one that fails to load, is no module, defines nothing or reuses an id is left out, the
        reason in `broken`."""
        loaded, self.broken = installed("boundlab.catalogues")
        for ep, module in loaded:
            try:
                if not isinstance(module, ModuleType):
                    raise RegistryError(f"it loads {module!r}, not a module of claims and derivations")
                part = Registry(claims_in(module), derivations_in(module))  # malformed or repeated within it
                if not len(part) and not part.derivations():
                    raise RegistryError("the module defines no claim and no derivation")
                taken = sorted({*part.ids(), *part._derivations} & {*self._claims, *self._derivations})
                if taken:
                    raise RegistryError(f"it defines {', '.join(taken)}, already in the catalogue")
            except RegistryError as exc:
                self.broken.append(f"{entry_point_name(ep)} was not loaded: {exc}")
                continue
            self._claims.update(part._claims)
            self._derivations.update(part._derivations)
            self.origins.update(dict.fromkeys([*part.ids(), *part._derivations], installed_from(ep)))

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
