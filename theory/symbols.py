"""Parameters with domains, and measured quantities, as SymPy symbols.

A domain is an interval (open or closed ends), an integrality flag and a sampling scale. It drives the
SymPy assumptions of the symbol, the sampling of the falsification search and the assumption text in LaTeX.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import sympy as sp


@dataclass(frozen=True)
class Domain:
    """An interval of the real line, optionally restricted to integers."""

    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False
    integer: bool = False
    scale: str = "uniform"  # "uniform" or "log" (sizes such as n, d)

    def __post_init__(self):
        if self.scale not in ("uniform", "log"):
            raise ValueError(f"domain scale must be 'uniform' or 'log', not {self.scale!r}")
        if self.scale == "log" and self.lo < 0:
            raise ValueError("a log-scale domain needs a non-negative lower end")
        if self.is_empty():
            raise ValueError(f"empty domain {self.describe()}")

    def is_empty(self) -> bool:
        if self.lo > self.hi or (self.lo == self.hi and (self.lo_open or self.hi_open)):
            return True
        if self.integer and math.isfinite(self.lo) and math.isfinite(self.hi):
            first = math.floor(self.lo) + 1 if self.lo_open or self.lo != math.floor(self.lo) else self.lo
            last = math.ceil(self.hi) - 1 if self.hi_open or self.hi != math.ceil(self.hi) else self.hi
            return first > last
        return False

    def contains(self, x: float) -> bool:
        if x != x:  # NaN
            return False
        if self.integer and x != math.floor(x):
            return False
        above = x > self.lo if self.lo_open else x >= self.lo
        below = x < self.hi if self.hi_open else x <= self.hi
        return above and below

    @property
    def positive(self) -> bool:
        return self.lo > 0 or (self.lo == 0 and self.lo_open)

    @property
    def nonnegative(self) -> bool:
        return self.lo >= 0

    def describe(self) -> str:
        lb = "(" if self.lo_open else "["
        rb = ")" if self.hi_open else "]"
        kind = "integers in " if self.integer else ""
        return f"{kind}{lb}{self.lo}, {self.hi}{rb}"

    def latex(self, tex: str) -> str:
        """The assumption "tex lies in this domain" as LaTeX."""
        def num(v):
            if v == math.inf:
                return r"\infty"
            if v == -math.inf:
                return r"-\infty"
            return f"{int(v)}" if float(v).is_integer() else f"{v:g}"

        if self.integer:
            if self.lo >= 0 and self.hi == math.inf:
                start = int(math.floor(self.lo) + 1 if self.lo_open else math.ceil(self.lo))
                return rf"{tex} \in \{{{start}, {start + 1}, \dots\}}"
            return rf"{tex} \in \mathbb{{Z}} \cap " + self._interval(num)
        if self.lo == 0 and self.lo_open and self.hi == math.inf:
            return rf"{tex} > 0"
        if self.lo == 0 and not self.lo_open and self.hi == math.inf:
            return rf"{tex} \ge 0"
        if self.lo == -math.inf and self.hi == math.inf:
            return rf"{tex} \in \mathbb{{R}}"
        return rf"{tex} \in " + self._interval(num)

    def _interval(self, num) -> str:
        lb = "(" if self.lo_open or self.lo == -math.inf else "["
        rb = ")" if self.hi_open or self.hi == math.inf else "]"
        return rf"{lb}{num(self.lo)}, {num(self.hi)}{rb}"


POSITIVE = Domain(0, math.inf, lo_open=True, hi_open=True)
NONNEGATIVE = Domain(0, math.inf, hi_open=True)
SIZE = Domain(1, math.inf, hi_open=True, integer=True, scale="log")
UNIT_OPEN = Domain(0, 1, lo_open=True, hi_open=True)
#: The domains a Param also accepts by name, in any case: Param("n", "size").
NAMED_DOMAINS = {"positive": POSITIVE, "nonnegative": NONNEGATIVE, "size": SIZE, "unit_open": UNIT_OPEN}


@dataclass(frozen=True)
class Param:
    """A parameter of a claim: a SymPy symbol with a domain, a LaTeX name and a description."""

    name: str
    domain: Domain = POSITIVE
    tex: str | None = None
    description: str = ""
    symbol: sp.Symbol = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"parameter name {self.name!r} is not an identifier")
        if isinstance(self.domain, str) and self.domain.lower() in NAMED_DOMAINS:
            object.__setattr__(self, "domain", NAMED_DOMAINS[self.domain.lower()])
        if not isinstance(self.domain, Domain):
            raise TypeError(f"parameter {self.name}: domain {self.domain!r} is not a theory.Domain; use "
                            f"{', '.join(d.upper() for d in NAMED_DOMAINS)}, their names as strings "
                            f"({', '.join(repr(d) for d in NAMED_DOMAINS)}) or Domain(lo, hi, ...)")
        assumptions = {"real": True}
        if self.domain.integer:
            assumptions["integer"] = True
        if self.domain.positive:
            assumptions["positive"] = True
        elif self.domain.nonnegative:
            assumptions["nonnegative"] = True
        object.__setattr__(self, "symbol", sp.Symbol(self.name, **assumptions))

    @property
    def latex(self) -> str:
        return self.tex or sp.latex(sp.Symbol(self.name))


@dataclass(frozen=True)
class Quantity:
    """A random quantity measured by a scenario (a risk, a norm, a gap), named as a SymPy symbol."""

    name: str
    tex: str
    description: str = ""
    nonnegative: bool = True
    symbol: sp.Symbol = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if not self.name.isidentifier():
            raise ValueError(f"quantity name {self.name!r} is not an identifier")
        kw = {"real": True, "nonnegative": True} if self.nonnegative else {"real": True}
        object.__setattr__(self, "symbol", sp.Symbol(self.name, **kw))
