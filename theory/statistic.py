"""What a claim's statistic means: the rules it puts on a claim and how its statement reads, found by name.

A statistic (``value``, ``mean``, ``prob``, ``rate``, ...) is one object holding everything about it: here, the part
theory needs (which relations it takes, its own validation, its statement in text and LaTeX); in
`boundlab.verify.statistics`, the rest (measure and decide, its evidence's one-line text, its report numbers and
figure). Theory imports no verification code: it finds a statistic by name in this registry, which loads the
``boundlab.statistics`` entry-point group on a miss (boundlab's own entry point names its package of statistics,
`boundlab.verify.statistics`; another package may add its own the same way). A claim may also hold a statistic object, which
registers it, as a scenario object does.
"""
from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points
from types import ModuleType

ORDER_RELATIONS = ("=", "<=", ">=", "<", ">")


class Statistic:
    """The theory side of a statistic. Subclasses set

      name         the name claims use (`Claim(statistic="name")`);
      description  one line for `boundlab statistics` (default: the first line of the class docstring);
      relations    the relations a claim of it may use;
      empirical    True when the left-hand side must hold a measured quantity (a scenario and a grid are needed);
      curve        True when it sweeps a variable (`over`) at every grid point, like rate, trend and bound;
      sequential   True when a check may draw more instances until it decides (mean, var, prob, dist);
    checked_along  for a curve statistic, how the curve is judged (the LaTeX says "checked along n by ...");

    and may override `validate(claim)` (extra rules; raise ClaimError), `text(claim, lhs, rhs)` (the statement in
    plain text) and `latex(claim, tex)` (the statement as pieces of displayed math between which a line may break;
    `tex` gives the sides' terms, the relation, the swept variable and other formulas in the claim's notation).
    """

    name = ""
    relations: tuple[str, ...] = ORDER_RELATIONS
    empirical = True
    curve = False
    sequential = False
    checked_along = ""

    def validate(self, claim) -> None:
        """Rules of this statistic beyond the common ones; raise ClaimError(claim.id, why)."""

    def text(self, claim, lhs: str, rhs: str) -> str:
        return f"{lhs} {claim.rel} {rhs}"

    def latex(self, claim, tex) -> list[str]:
        return [*tex.lhs, f"{tex.rel} {tex.rhs[0]}", *tex.rhs[1:]]

    @property
    def description(self) -> str:
        return (type(self).__doc__ or "").strip().split("\n")[0].rstrip(".")

    def info(self) -> dict:
        """What `boundlab statistics` shows."""
        kind = "analytic" if not self.empirical else "curve (sweeps `over`)" if self.curve else "empirical"
        return {"name": self.name, "description": self.description, "relations": list(self.relations), "kind": kind,
                "sequential": self.sequential, "defined_in": f"{type(self).__qualname__} ({type(self).__module__})"}

    def register(self) -> str:
        """Register this statistic and return its name: what a Claim holding it calls."""
        return register_statistic(self).name

    def __repr__(self) -> str:
        return f"<statistic {self.name}>"


STATISTICS: dict[str, Statistic] = {}  # name -> statistic: boundlab's own, those of entry points and of users
_loaded = False


def register_statistic(statistic: Statistic | type[Statistic], replace: bool = False) -> Statistic:
    """Make a statistic (an instance, or a subclass, which is instantiated) available by name, and return it. A name
    held by a statistic of another class is refused unless `replace=True`: a claim file must not silently change
    how the catalogue's claims are decided."""
    if isinstance(statistic, type) and issubclass(statistic, Statistic):
        statistic = statistic()
    if not isinstance(statistic, Statistic) or not isinstance(statistic.name, str) or not statistic.name.isidentifier():
        raise ValueError(f"not a named statistic: {statistic!r}; subclass boundlab.Statistic and set its `name` "
                         f"(an identifier)")
    held = STATISTICS.get(statistic.name)
    if held is not None and not replace and type(held).__qualname__ != type(statistic).__qualname__:
        raise ValueError(f"statistic name {statistic.name!r} is taken by {type(held).__qualname__} "
                         f"({type(held).__module__}); give yours another `name`, or register it with replace=True")
    STATISTICS[statistic.name] = statistic
    return statistic


def _load_entry_points() -> None:
    """Register every statistic of the ``boundlab.statistics`` entry-point group (once): an entry point names a
    statistic class, or a package each of whose modules defines statistics (boundlab's own: a new module in
    `verify/statistics/` is found with nothing else to edit). A broken one is named."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for ep in entry_points(group="boundlab.statistics"):
        try:
            target = ep.load()
            for statistic in _defined_in(target) if isinstance(target, ModuleType) else [target]:
                register_statistic(statistic)
        except Exception as exc:  # a third-party plug-in's bug must name itself, not break every claim
            dist = getattr(ep.dist, "name", "?")
            raise ValueError(f"the statistics entry point {ep.name!r} of the package {dist} ({ep.value}) failed to "
                             f"load: {type(exc).__name__}: {exc}") from exc


def _defined_in(package: ModuleType) -> list[type]:
    """The named Statistic subclasses defined in the modules of `package` (not those they import)."""
    found = []
    for info in sorted(pkgutil.iter_modules(getattr(package, "__path__", [])), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found += [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Statistic)
                  and v.__module__ == module.__name__ and v.__dict__.get("name")]
    return found


def all_statistics() -> dict[str, Statistic]:
    """Every known statistic by name, boundlab's own first."""
    _load_entry_points()
    return dict(STATISTICS)


def get_statistic(statistic) -> Statistic:
    """The statistic of that name (or that object or subclass, registered on the way); ValueError saying why not."""
    if isinstance(statistic, Statistic) or (isinstance(statistic, type) and issubclass(statistic, Statistic)):
        return register_statistic(statistic)
    if not isinstance(statistic, str):
        raise ValueError(f"statistic must be a name or a boundlab.Statistic, not {statistic!r}")
    if statistic not in STATISTICS:
        _load_entry_points()
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {tuple(STATISTICS)}, not {statistic!r}")
    return STATISTICS[statistic]


class _CurveNames:
    """The names of the curve statistics, boundlab's and those registered since: `name in CURVES` (what a scenario
    asks to size a budget in repetitions per swept value rather than instances per point)."""

    def __contains__(self, name) -> bool:
        try:
            return get_statistic(name).curve
        except ValueError:
            return False

    def __iter__(self):
        return iter([name for name, s in all_statistics().items() if s.curve])

    def __repr__(self) -> str:
        return repr(tuple(self))


CURVES = _CurveNames()
